/*
 * audio.c: an audio(4)-like layer on a sound card (audio_if.h): the
 * character devices /dev/sound, /dev/audio, /dev/audioctl and
 * /dev/mixer, per-opener format conversion to and from the card's
 * format, mixing of every player into one hardware stream, and the
 * AUDIO_* and AUDIO_MIXER_* ioctls of rump/audioio.h.
 *
 * Semantics, after NetBSD's audio(4), and where they differ:
 *  - Minors as NetBSD's: unit in the low 4 bits, 0x00 sound, 0x80
 *    audio, 0xc0 audioctl, 0x10 mixer.
 *  - /dev/audio opens with 8000 Hz mono mu-law in both directions and
 *    makes that the unit's sticky setting; /dev/sound opens with the
 *    sticky setting, which every successful SETINFO updates.
 *  - The open mode picks the directions: O_WRONLY plays, O_RDONLY
 *    records, O_RDWR both.  /dev/audioctl and /dev/mixer take any number
 *    of opens and only answer ioctls (audioctl: GETINFO/SETINFO of the
 *    sticky setting and the master gain; both: the mixer ioctls).
 *  - Every open is its own virtual track, as in NetBSD: the device
 *    switch clones (conf.h, d_clone), so each open(2) of /dev/audio or
 *    /dev/sound gets a context of its own, whichever process makes it
 *    and however many it already holds.  Descriptors made by dup(2)
 *    share their open's context.  Several players are mixed into the
 *    card's one stream and several recorders each get the recorded
 *    stream.  The context goes with the last close of its file.
 *  - write(2) takes whole frames only (EINVAL otherwise); it blocks
 *    while the buffer is full, or returns what fitted (EAGAIN if
 *    nothing) with O_NONBLOCK.  A write blocked while the card does not
 *    move (stuck) gives up with EIO after AUDIO_HWTIMEOUT_NS.
 *  - The card starts playing when a write is buffered and stops when
 *    no started, unpaused player is left; it records while any
 *    recorder is open and unpaused (from open on, so a recorder that
 *    does not read overruns).  AUDIO_GETINFO's play.samples counts the
 *    bytes handed to the card.
 *  - AUDIO_DRAIN and close wait until the context's data has been
 *    played, as long as the card plays: when no block completes for
 *    AUDIO_HWTIMEOUT_NS (stuck hardware) drain fails with EIO; close
 *    gives up after AUDIO_CLOSESTALL_NS and discards the rest (a
 *    virtual clock that the test does not advance looks the same).  AUDIO_FLUSH
 *    drops what is buffered, both directions.  A format change by
 *    SETINFO drops what that direction had buffered.
 *  - Underruns: a started, unpaused player with too little data for a
 *    hardware block counts one underrun per episode (the gap is
 *    silence); overruns: recorded data dropped because the reader's
 *    buffer was full, once per dropped block.
 *  - A detached card: sleepers wake with EIO, every later call on an
 *    open descriptor gets ENXIO (EIO from a blocked one), close works.
 *    The card drops its contexts at detach (ac_sc NULL: orphaned) and
 *    each file frees its own at close; audio_ctx_lock orders the two.
 *  - fstat(2) of an open audio descriptor: a character device with the
 *    node's st_rdev; no vnode is kept behind a cloned file.
 */
#include <rump-sys/systm.h>
#include <rump-sys/kmem.h>
#include <rump-sys/mutex.h>
#include <rump-sys/condvar.h>
#include <rump-sys/component.h>
#include <rump-sys/conf.h>
#include <rump-sys/device.h>
#include <rump-sys/file.h>
#include <rump-sys/lwp.h>
#include <rump-sys/queue.h>
#include <rump-sys/select.h>
#include <rump-sys/stat.h>
#include <rump-sys/time.h>
#include <rump-sys/uio.h>
#include <rump/audioio.h>

#include "audio_conv.h"
#include "audio_if.h"
#include "audio_int.h"

#define AUDIOUNIT(d)	(minor(d) & 0x0f)
#define AUDIODEV(d)	(minor(d) & 0xf0)
#define SOUND_DEVICE	0x00
#define AUDIO_DEVICE	0x80
#define AUDIOCTL_DEVICE	0xc0
#define MIXER_DEVICE	0x10

#define AUDIO_HWTIMEOUT_NS	(2 * NSEC_PER_SEC)	/* no block played */
#define AUDIO_CLOSESTALL_NS	(NSEC_PER_SEC / 4)	/* the same, closing */
#define AUDIO_BUFMS		250	/* per-opener buffer, in time */
#define AUDIO_CHUNK		256	/* frames converted at a time */
#define AUDIO_OUTMAX		2048	/* resampler output per chunk */

struct audio_params {
	u_int	ap_rate;
	u_int	ap_channels;
	u_int	ap_encoding;		/* AUDIO_ENCODING_* */
	u_int	ap_precision;
};

/* One direction of a context. */
struct audio_dir {
	struct audio_params ad_par;
	int		 ad_enc;	/* AUCONV_* */
	u_int		 ad_ufs;	/* bytes per user frame */
	struct auring	 ad_ring;	/* play: hw frames; rec: user bytes */
	uint8_t		*ad_buf;
	size_t		 ad_bufsize;
	struct auconv_rs ad_rs;
	bool		 ad_started;	/* play: written since open/drain */
	bool		 ad_paused;
	bool		 ad_starved;	/* play: in an underrun episode */
	bool		 ad_draining;
	uint64_t	 ad_drain_blk;	/* play: drained once this block plays */
	uint64_t	 ad_bytes;	/* user-format bytes moved */
	uint64_t	 ad_hwframes;	/* hardware frames mixed in/out */
	uint64_t	 ad_eof;
	u_int		 ad_errors;	/* underruns or overruns */
};

/*
 * The state of one open file (f_data).  A sound or audio context is on
 * its card's sc_ctxs while ac_sc is set; an audioctl or mixer one is on
 * no list (ac_mode 0).
 */
struct audio_ctx {
	LIST_ENTRY(audio_ctx) ac_list;
	dev_t		 ac_dev;	/* the node opened: unit and flavor */
	struct audio_softc *ac_sc;	/* NULL once the card detached */
	int		 ac_flavor;	/* AUDIODEV(ac_dev) */
	int		 ac_mode;	/* AUMODE_PLAY | AUMODE_RECORD */
	bool		 ac_busy;	/* a write or read converts now */
	struct audio_dir ac_play, ac_rec;
	/* conversion scratch, used under ac_busy */
	uint8_t		*ac_ubuf;
	int16_t		*ac_t1, *ac_t2, *ac_t3;
};

struct audio_softc {
	device_t		 sc_dev;
	const struct audio_hw	*sc_hw;
	kmutex_t		 sc_lock;
	kcondvar_t		 sc_cv;		/* any progress */
	struct selinfo		 sc_rsel, sc_wsel;
	bool			 sc_dying;
	LIST_HEAD(, audio_ctx)	 sc_ctxs;
	struct audio_params	 sc_sticky;
	u_int			 sc_vol[2];	/* master, left/right */
	bool			 sc_mute;
	bool			 sc_playing, sc_recording;
	uint64_t		 sc_play_filled;	/* blocks given to DMA */
	uint64_t		 sc_hw_blocks;		/* interrupts seen */
	size_t			 sc_blkbytes;	/* hw block, bytes */
	size_t			 sc_blksamples;
	int32_t			*sc_acc;	/* sc_blksamples */
	int16_t			*sc_mix, *sc_tmp;	/* sc_blksamples */
	/* record conversion scratch, sc_rbufsz bytes each */
	int16_t			*sc_rbuf1, *sc_rbuf2;
	size_t			 sc_rbufsz;
};

static const struct audio_params audio_default_params = {
	.ap_rate = 8000, .ap_channels = 1,
	.ap_encoding = AUDIO_ENCODING_ULAW, .ap_precision = 8,
};

static devmajor_t audio_cmajor = NODEVMAJOR;
/*
 * A context's ac_sc and its place on sc_ctxs change under its card's
 * sc_lock.  Where the card may be going, this lock is held too, taken
 * first: detach orphaning every context, and a close that could not get
 * a reference to the card any more (the others hold one, so detach
 * waits for them in device_drain).
 */
static kmutex_t audio_ctx_lock;

/* The internal encoding of encoding+precision, or 0 if unsupported. */
static int
audio_enc(u_int encoding, u_int precision)
{
	switch (encoding) {
	case AUDIO_ENCODING_ULAW:
		return precision == 8 ? AUCONV_ULAW : 0;
	case AUDIO_ENCODING_ULINEAR_LE:
	case AUDIO_ENCODING_ULINEAR:
		return precision == 8 ? AUCONV_U8 : 0;
	case AUDIO_ENCODING_SLINEAR_LE:
		return precision == 16 ? AUCONV_S16LE : 0;
	default:
		return 0;
	}
}

static uint64_t
hw_bytes_per_sec(const struct audio_softc *sc)
{
	return (uint64_t)sc->sc_hw->ah_rate * sc->sc_hw->ah_channels * 2;
}

/* Set up a direction's conversion for params (buffer kept). */
static void
dir_setparams(struct audio_softc *sc, struct audio_dir *ad,
    const struct audio_params *p, bool play)
{
	const struct audio_hw *hw = sc->sc_hw;
	u_int ch = hw->ah_channels;

	ad->ad_par = *p;
	ad->ad_enc = audio_enc(p->ap_encoding, p->ap_precision);
	ad->ad_ufs = p->ap_channels * auconv_bps(ad->ad_enc);
	/*
	 * The rate converter works at the card's channel count: after the
	 * channel map when playing, before it when recording.
	 */
	if (play)
		auconv_rs_init(&ad->ad_rs, p->ap_rate, hw->ah_rate, ch);
	else
		auconv_rs_init(&ad->ad_rs, hw->ah_rate, p->ap_rate, ch);
	auring_flush(&ad->ad_ring);
	if (!play) {
		/* whole user frames in the record ring */
		ad->ad_ring.r_size = ad->ad_bufsize - ad->ad_bufsize %
		    ad->ad_ufs;
	}
}

static void
ctx_free(struct audio_ctx *ac)
{
	size_t tsz = AUDIO_OUTMAX * AUCONV_MAXCHAN * sizeof(int16_t);

	if (ac->ac_play.ad_buf != NULL)
		kmem_free(ac->ac_play.ad_buf, ac->ac_play.ad_bufsize);
	if (ac->ac_rec.ad_buf != NULL)
		kmem_free(ac->ac_rec.ad_buf, ac->ac_rec.ad_bufsize);
	if (ac->ac_ubuf != NULL)
		kmem_free(ac->ac_ubuf, tsz);
	if (ac->ac_t1 != NULL)
		kmem_free(ac->ac_t1, tsz);
	if (ac->ac_t2 != NULL)
		kmem_free(ac->ac_t2, tsz);
	if (ac->ac_t3 != NULL)
		kmem_free(ac->ac_t3, tsz);
	kmem_free(ac, sizeof(*ac));
}

/* A new context, or NULL when out of memory (KM_NOSLEEP: open says so). */
static struct audio_ctx *
ctx_alloc(struct audio_softc *sc, int flavor, int mode,
    const struct audio_params *p)
{
	size_t tsz = AUDIO_OUTMAX * AUCONV_MAXCHAN * sizeof(int16_t);
	size_t bufsz;
	struct audio_ctx *ac;

	if ((ac = kmem_zalloc(sizeof(*ac), KM_NOSLEEP)) == NULL)
		return NULL;
	ac->ac_flavor = flavor;
	ac->ac_mode = mode;
	bufsz = (size_t)(hw_bytes_per_sec(sc) * AUDIO_BUFMS / 1000);
	bufsz -= bufsz % (sc->sc_hw->ah_channels * 2);
	ac->ac_play.ad_bufsize = ac->ac_rec.ad_bufsize = bufsz;
	if ((ac->ac_play.ad_buf = kmem_alloc(bufsz, KM_NOSLEEP)) == NULL ||
	    (ac->ac_rec.ad_buf = kmem_alloc(bufsz, KM_NOSLEEP)) == NULL ||
	    (ac->ac_ubuf = kmem_alloc(tsz, KM_NOSLEEP)) == NULL ||
	    (ac->ac_t1 = kmem_alloc(tsz, KM_NOSLEEP)) == NULL ||
	    (ac->ac_t2 = kmem_alloc(tsz, KM_NOSLEEP)) == NULL ||
	    (ac->ac_t3 = kmem_alloc(tsz, KM_NOSLEEP)) == NULL) {
		ctx_free(ac);
		return NULL;
	}
	auring_init(&ac->ac_play.ad_ring, ac->ac_play.ad_buf, bufsz);
	auring_init(&ac->ac_rec.ad_ring, ac->ac_rec.ad_buf, bufsz);
	dir_setparams(sc, &ac->ac_play, p, true);
	dir_setparams(sc, &ac->ac_rec, p, false);
	return ac;
}

/* Whether the play DMA has anyone to play for. */
static bool
output_needed(struct audio_softc *sc)
{
	struct audio_ctx *ac;

	LIST_FOREACH(ac, &sc->sc_ctxs, ac_list) {
		if ((ac->ac_mode & AUMODE_PLAY) && ac->ac_play.ad_started &&
		    !ac->ac_play.ad_paused)
			return true;
	}
	return false;
}

static bool
input_needed(struct audio_softc *sc)
{
	struct audio_ctx *ac;

	LIST_FOREACH(ac, &sc->sc_ctxs, ac_list) {
		if ((ac->ac_mode & AUMODE_RECORD) && !ac->ac_rec.ad_paused)
			return true;
	}
	return false;
}

/* Mix one hardware block from every running player into blk. */
static void
mix_block(struct audio_softc *sc, uint8_t *blk)
{
	const u_int ch = sc->sc_hw->ah_channels;
	const size_t fbytes = ch * 2;
	struct audio_ctx *ac;
	struct audio_dir *ad;
	size_t got, i;
	u_int c;

	memset(sc->sc_acc, 0, sc->sc_blksamples * sizeof(int32_t));
	LIST_FOREACH(ac, &sc->sc_ctxs, ac_list) {
		ad = &ac->ac_play;
		if (!(ac->ac_mode & AUMODE_PLAY) || !ad->ad_started ||
		    ad->ad_paused)
			continue;
		got = auring_get(&ad->ad_ring, sc->sc_tmp, sc->sc_blkbytes);
		auconv_mix(sc->sc_acc, sc->sc_tmp, got / 2);
		ad->ad_hwframes += got / fbytes;
		if (got == sc->sc_blkbytes) {
			ad->ad_starved = false;
		} else if (ad->ad_draining) {
			/* The last of it is in this block. */
			if (ad->ad_drain_blk == 0)
				ad->ad_drain_blk = sc->sc_play_filled + 1;
		} else if (!ad->ad_starved) {
			ad->ad_starved = true;
			ad->ad_errors++;
		}
	}
	/* Master volume per channel: left is channel 0, right the rest. */
	if (sc->sc_vol[0] == sc->sc_vol[1] || ch == 1) {
		auconv_mixdown(sc->sc_acc, sc->sc_mix, sc->sc_blksamples,
		    sc->sc_vol[0], sc->sc_mute);
		goto encode;
	}
	for (i = 0; i < sc->sc_blksamples; i += ch) {
		for (c = 0; c < ch; c++) {
			u_int v = sc->sc_vol[c == 0 ? 0 : 1];
			auconv_mixdown(&sc->sc_acc[i + c], &sc->sc_mix[i + c], 1,
			    v, sc->sc_mute);
		}
	}
 encode:
	auconv_encode(AUCONV_S16LE, sc->sc_mix, blk, sc->sc_blksamples);
}

static void
play_intr(struct audio_softc *sc)
{
	const struct audio_hw *hw = sc->sc_hw;
	void *blk;

	while ((blk = hw->ah_play_getblock(hw->ah_cookie)) != NULL) {
		mix_block(sc, blk);
		hw->ah_play_putblock(hw->ah_cookie);
		sc->sc_play_filled++;
	}
}

/* Convert one recorded block into every recorder's buffer. */
static void
rec_block(struct audio_softc *sc, const uint8_t *blk)
{
	const u_int hch = sc->sc_hw->ah_channels;
	const size_t frames = sc->sc_hw->ah_blockframes;
	struct audio_ctx *ac;
	struct audio_dir *ad;
	size_t n, bytes;

	auconv_decode(AUCONV_S16LE, blk, sc->sc_tmp, sc->sc_blksamples);
	LIST_FOREACH(ac, &sc->sc_ctxs, ac_list) {
		ad = &ac->ac_rec;
		if (!(ac->ac_mode & AUMODE_RECORD) || ad->ad_paused)
			continue;
		/* rate first (hw channels), then channels, then encoding */
		KASSERT(auconv_rs_maxout(&ad->ad_rs, frames) * AUCONV_MAXCHAN *
		    sizeof(int16_t) <= sc->sc_rbufsz);
		n = auconv_rs_run(&ad->ad_rs, sc->sc_tmp, frames, sc->sc_rbuf1);
		auconv_chmap(sc->sc_rbuf1, hch, sc->sc_rbuf2,
		    ad->ad_par.ap_channels, n);
		bytes = n * ad->ad_ufs;
		ad->ad_hwframes += frames;
		if (bytes > auring_space(&ad->ad_ring)) {
			ad->ad_errors++;
			continue;
		}
		auconv_encode(ad->ad_enc, sc->sc_rbuf2, (uint8_t *)sc->sc_rbuf1,
		    n * ad->ad_par.ap_channels);
		auring_put(&ad->ad_ring, sc->sc_rbuf1, bytes);
	}
}

static void
rec_intr(struct audio_softc *sc)
{
	const struct audio_hw *hw = sc->sc_hw;
	void *blk;

	while ((blk = hw->ah_rec_getblock(hw->ah_cookie)) != NULL) {
		rec_block(sc, blk);
		hw->ah_rec_putblock(hw->ah_cookie);
	}
}

/*
 * Whether a sleeper may have something to do: a writer once half its
 * buffer is free (waking it every block would cost a context switch
 * per block for a few bytes of room), a drain, any reader.
 */
static bool
wakeup_due(struct audio_softc *sc)
{
	struct audio_ctx *ac;

	if (sc->sc_recording)
		return true;
	LIST_FOREACH(ac, &sc->sc_ctxs, ac_list) {
		if (ac->ac_play.ad_draining || ac->ac_busy ||
		    auring_space(&ac->ac_play.ad_ring) >=
		    ac->ac_play.ad_ring.r_size / 2)
			return true;
	}
	return false;
}

void
audio_intr(struct audio_softc *sc)
{
	mutex_enter(&sc->sc_lock);
	sc->sc_hw_blocks++;
	if (sc->sc_playing) {
		play_intr(sc);
		if (!output_needed(sc)) {
			sc->sc_hw->ah_halt_output(sc->sc_hw->ah_cookie);
			sc->sc_playing = false;
		}
		selnotify(&sc->sc_wsel, POLLOUT | POLLWRNORM);
	}
	if (sc->sc_recording) {
		rec_intr(sc);
		selnotify(&sc->sc_rsel, POLLIN | POLLRDNORM);
	}
	if (wakeup_due(sc))
		cv_broadcast(&sc->sc_cv);
	mutex_exit(&sc->sc_lock);
}

/* Start the play DMA if someone needs it: prefill, then go. */
static void
output_kick(struct audio_softc *sc)
{
	KASSERT(mutex_owned(&sc->sc_lock));
	if (sc->sc_playing || !output_needed(sc))
		return;
	sc->sc_playing = true;
	sc->sc_play_filled = 0;
	play_intr(sc);
	sc->sc_hw->ah_start_output(sc->sc_hw->ah_cookie);
}

static void
input_update(struct audio_softc *sc)
{
	bool need = input_needed(sc);

	if (need && !sc->sc_recording)
		sc->sc_hw->ah_start_input(sc->sc_hw->ah_cookie);
	else if (!need && sc->sc_recording)
		sc->sc_hw->ah_halt_input(sc->sc_hw->ah_cookie);
	sc->sc_recording = need;
}

/* Blocks of the play ring that have been played (not just queued). */
static uint64_t
played_blocks(const struct audio_softc *sc)
{
	u_int nblk = sc->sc_hw->ah_nblk;

	return sc->sc_play_filled > nblk ? sc->sc_play_filled - nblk : 0;
}

/* The device of dev with a reference, or NULL (ENXIO). */
static struct audio_softc *
audio_acquire(dev_t dev, device_t *devp)
{
	device_t d;

	if ((d = device_lookup_acquire(&audio_ca, AUDIOUNIT(dev))) == NULL)
		return NULL;
	*devp = d;
	return device_private(d);
}

static const struct fileops audio_fileops;

/*
 * d_clone: a context of its own for every open (see the top).  0,
 * ENXIO (no such card or node), EINVAL (neither read nor write on a
 * sound node), ENOMEM.
 */
static int
audio_clone(dev_t dev, int flag, const struct fileops **fopsp, void **fdatap)
{
	struct audio_softc *sc;
	struct audio_ctx *ac;
	device_t d;
	int mode = 0, error = 0;

	if ((sc = audio_acquire(dev, &d)) == NULL)
		return ENXIO;
	switch (AUDIODEV(dev)) {
	case AUDIOCTL_DEVICE:
	case MIXER_DEVICE:
		if ((ac = kmem_zalloc(sizeof(*ac), KM_NOSLEEP)) == NULL)
			error = ENOMEM;
		else
			ac->ac_flavor = AUDIODEV(dev);
		goto out;
	case SOUND_DEVICE:
	case AUDIO_DEVICE:
		break;
	default:
		error = ENXIO;
		goto out;
	}
	if (flag & FWRITE)
		mode |= AUMODE_PLAY;
	if (flag & FREAD)
		mode |= AUMODE_RECORD;
	if (mode == 0) {
		error = EINVAL;
		goto out;
	}
	mutex_enter(&sc->sc_lock);
	if (AUDIODEV(dev) == AUDIO_DEVICE)
		sc->sc_sticky = audio_default_params;
	if ((ac = ctx_alloc(sc, AUDIODEV(dev), mode, &sc->sc_sticky)) ==
	    NULL) {
		mutex_exit(&sc->sc_lock);
		error = ENOMEM;
		goto out;
	}
	ac->ac_sc = sc;
	LIST_INSERT_HEAD(&sc->sc_ctxs, ac, ac_list);
	input_update(sc);
	mutex_exit(&sc->sc_lock);
 out:
	device_release(d);
	if (error == 0) {
		ac->ac_dev = dev;
		*fopsp = &audio_fileops;
		*fdatap = ac;
	}
	return error;
}

/*
 * Wait, sc_lock held, until the context's played data is out: 0, or EIO
 * when the card went away or played no block for stall_ns (stuck, or a
 * virtual clock nobody advances).  So the wait is bounded by the
 * buffered time plus stall_ns.
 */
static int
drain_locked(struct audio_softc *sc, struct audio_ctx *ac, uint64_t stall_ns)
{
	struct audio_dir *ad = &ac->ac_play;
	uint64_t seen;
	int error = 0;

	if (!ad->ad_started || ad->ad_paused)
		return 0;
	ad->ad_draining = true;
	ad->ad_drain_blk = 0;
	output_kick(sc);
	seen = sc->sc_hw_blocks;
	while (ad->ad_drain_blk == 0 || played_blocks(sc) < ad->ad_drain_blk) {
		if (sc->sc_dying || !sc->sc_playing) {
			error = sc->sc_dying ? EIO : 0;
			break;
		}
		if (cv_timedwait_ns(&sc->sc_cv, &sc->sc_lock, stall_ns) ==
		    ETIMEDOUT && sc->sc_hw_blocks == seen) {
			error = EIO;
			break;
		}
		seen = sc->sc_hw_blocks;
	}
	ad->ad_draining = false;
	ad->ad_drain_blk = 0;
	if (error == 0) {
		ad->ad_started = false;
		ad->ad_starved = false;
	}
	return error;
}

/* Take ac off its card's list, sc_lock held: the card may stop. */
static void
ctx_unlink(struct audio_softc *sc, struct audio_ctx *ac)
{
	KASSERT(mutex_owned(&sc->sc_lock));
	LIST_REMOVE(ac, ac_list);
	ac->ac_sc = NULL;
	if (sc->sc_playing && !output_needed(sc)) {
		sc->sc_hw->ah_halt_output(sc->sc_hw->ah_cookie);
		sc->sc_playing = false;
	}
	input_update(sc);
}

/*
 * Last close of an open file: drain what it played (bounded, see the
 * top), leave the card and free the context.  A card detaching or gone
 * is not waited for.
 */
static int
audio_fo_close(struct file *fp)
{
	struct audio_ctx *ac = fp->f_data;
	struct audio_softc *sc;
	device_t d;

	if (ac->ac_mode == 0)
		goto out;		/* audioctl, mixer */
	if ((sc = audio_acquire(ac->ac_dev, &d)) != NULL) {
		mutex_enter(&sc->sc_lock);
		if (ac->ac_sc == sc) {
			if (ac->ac_mode & AUMODE_PLAY)
				(void)drain_locked(sc, ac, AUDIO_CLOSESTALL_NS);
			ctx_unlink(sc, ac);
		}
		mutex_exit(&sc->sc_lock);
		device_release(d);
	}
	/*
	 * Detaching (no reference to be had): leave the list before the
	 * detach orphans us, and leave the hardware to the detach.
	 */
	mutex_enter(&audio_ctx_lock);
	if ((sc = ac->ac_sc) != NULL) {
		mutex_enter(&sc->sc_lock);
		LIST_REMOVE(ac, ac_list);
		ac->ac_sc = NULL;
		mutex_exit(&sc->sc_lock);
	}
	mutex_exit(&audio_ctx_lock);
 out:
	ctx_free(ac);
	return 0;
}

/*
 * The card of a sound or audio context for an I/O call: sc_lock held
 * and 0, or ENXIO (the card detached, or is detaching), *scp, *dp set.
 */
static int
io_enter(struct audio_ctx *ac, struct audio_softc **scp, device_t *dp)
{
	struct audio_softc *sc;

	if ((sc = audio_acquire(ac->ac_dev, dp)) == NULL)
		return ENXIO;
	mutex_enter(&sc->sc_lock);
	if (ac->ac_sc != sc) {
		/* orphaned; a new card may have the unit now */
		mutex_exit(&sc->sc_lock);
		device_release(*dp);
		return ENXIO;
	}
	*scp = sc;
	return 0;
}

static void
io_leave(struct audio_softc *sc, device_t d)
{
	mutex_exit(&sc->sc_lock);
	device_release(d);
}

/*
 * Wait for a change (sc_lock held).  Paused: as long as it takes; else
 * at most the hardware timeout.  0, EIO (dying, or the card stalled).
 */
static int
io_wait(struct audio_softc *sc, bool paused)
{
	int error;

	if (sc->sc_dying)
		return EIO;
	error = cv_timedwait_ns(&sc->sc_cv, &sc->sc_lock, AUDIO_HWTIMEOUT_NS);
	if (error == ETIMEDOUT)
		error = paused ? 0 : EIO;
	return sc->sc_dying ? EIO : error;
}

/* Convert n user frames in ac_ubuf into the play ring. */
static void
play_convert(struct audio_softc *sc, struct audio_ctx *ac, size_t n)
{
	struct audio_dir *ad = &ac->ac_play;
	const u_int hch = sc->sc_hw->ah_channels;
	size_t out;

	auconv_decode(ad->ad_enc, ac->ac_ubuf, ac->ac_t1,
	    n * ad->ad_par.ap_channels);
	auconv_chmap(ac->ac_t1, ad->ad_par.ap_channels, ac->ac_t2, hch, n);
	out = auconv_rs_run(&ad->ad_rs, ac->ac_t2, n, ac->ac_t3);
	auring_put(&ad->ad_ring, ac->ac_t3, out * hch * 2);
}

/* Input frames per chunk so the converter's output fits AUDIO_OUTMAX. */
static size_t
play_chunk(const struct audio_dir *ad, const struct audio_hw *hw)
{
	size_t n = AUDIO_CHUNK;

	while (n > 1 && auconv_rs_maxout(&ad->ad_rs, n) > AUDIO_OUTMAX)
		n /= 2;
	return n;
}

/*
 * Wait, sc_lock held, until need bytes fit in the context's play ring:
 * 0; EAGAIN (non-blocking); EIO (the card stalled or went away).
 */
static int
play_wait_room(struct audio_softc *sc, struct audio_ctx *ac, size_t need,
    int flag)
{
	struct audio_dir *ad = &ac->ac_play;
	int error;

	while (auring_space(&ad->ad_ring) < need) {
		if (flag & FNONBLOCK)
			return EAGAIN;
		if (!sc->sc_playing && output_needed(sc)) {
			/* the card's prefill makes room: look again */
			output_kick(sc);
			continue;
		}
		if ((error = io_wait(sc, ad->ad_paused)) != 0)
			return error;
	}
	return 0;
}

static int
audio_fo_write(struct file *fp, struct uio *uio, int flags)
{
	struct audio_ctx *ac = fp->f_data;
	struct audio_softc *sc;
	struct audio_dir *ad;
	device_t d;
	size_t n, need, resid0 = uio->uio_resid;
	int error, flag = fp->f_flag;

	if (ac->ac_mode == 0)
		return ENODEV;		/* audioctl, mixer */
	if ((error = io_enter(ac, &sc, &d)) != 0)
		return error;
	ad = &ac->ac_play;
	if (!(ac->ac_mode & AUMODE_PLAY)) {
		error = EBADF;
		goto out;
	}
	if (uio->uio_resid % ad->ad_ufs != 0) {
		error = EINVAL;
		goto out;
	}
	if (uio->uio_resid == 0) {
		ad->ad_eof++;
		goto out;
	}
	while (ac->ac_busy && (error = io_wait(sc, true)) == 0)
		continue;
	if (error != 0)
		goto out;
	ac->ac_busy = true;
	while (uio->uio_resid > 0 && error == 0) {
		n = MIN(play_chunk(ad, sc->sc_hw), uio->uio_resid / ad->ad_ufs);
		need = auconv_rs_maxout(&ad->ad_rs, n) *
		    sc->sc_hw->ah_channels * 2;
		if ((error = play_wait_room(sc, ac, need, flag)) != 0) {
			/* a partial non-blocking write is a success */
			if (error == EAGAIN && uio->uio_resid != resid0)
				error = 0;
			break;
		}
		mutex_exit(&sc->sc_lock);
		error = uiomove(ac->ac_ubuf, n * ad->ad_ufs, uio);
		mutex_enter(&sc->sc_lock);
		if (error != 0)
			break;
		if (sc->sc_dying) {
			error = EIO;
			break;
		}
		play_convert(sc, ac, n);
		ad->ad_bytes += n * ad->ad_ufs;
		ad->ad_started = true;
	}
	/* Start the card once the write is buffered (or could not be). */
	output_kick(sc);
	ac->ac_busy = false;
	cv_broadcast(&sc->sc_cv);
 out:
	io_leave(sc, d);
	return error;
}

static int
audio_fo_read(struct file *fp, struct uio *uio, int flags)
{
	struct audio_ctx *ac = fp->f_data;
	struct audio_softc *sc;
	struct audio_dir *ad;
	device_t d;
	size_t n, tsz = AUDIO_OUTMAX * AUCONV_MAXCHAN * sizeof(int16_t);
	int error, flag = fp->f_flag;

	if (ac->ac_mode == 0)
		return ENODEV;		/* audioctl, mixer */
	if ((error = io_enter(ac, &sc, &d)) != 0)
		return error;
	ad = &ac->ac_rec;
	if (!(ac->ac_mode & AUMODE_RECORD)) {
		error = EBADF;
		goto out;
	}
	if (uio->uio_resid % ad->ad_ufs != 0) {
		error = EINVAL;
		goto out;
	}
	while (ac->ac_busy && (error = io_wait(sc, true)) == 0)
		continue;
	if (error != 0)
		goto out;
	/* Block until something is there, then take what is. */
	while (auring_used(&ad->ad_ring) == 0 && uio->uio_resid > 0) {
		if (flag & FNONBLOCK) {
			error = EAGAIN;
			goto out;
		}
		if ((error = io_wait(sc, ad->ad_paused)) != 0)
			goto out;
	}
	ac->ac_busy = true;
	while (uio->uio_resid > 0 && auring_used(&ad->ad_ring) > 0) {
		n = MIN(MIN(uio->uio_resid, tsz), auring_used(&ad->ad_ring));
		n = auring_get(&ad->ad_ring, ac->ac_ubuf, n);
		ad->ad_bytes += n;
		mutex_exit(&sc->sc_lock);
		error = uiomove(ac->ac_ubuf, n, uio);
		mutex_enter(&sc->sc_lock);
		if (error != 0)
			break;
	}
	ac->ac_busy = false;
	cv_broadcast(&sc->sc_cv);
 out:
	io_leave(sc, d);
	return error;
}

/* Check every field SETINFO would change; 0 or EINVAL. */
static int
check_params(const struct audio_prinfo *p, const struct audio_params *cur,
    struct audio_params *np)
{
	const u_int keep = ~0u;

	*np = *cur;
	if (p->sample_rate != keep) {
		if (p->sample_rate < AUDIO_MIN_RATE ||
		    p->sample_rate > AUDIO_MAX_RATE)
			return EINVAL;
		np->ap_rate = p->sample_rate;
	}
	if (p->channels != keep) {
		if (p->channels < 1 || p->channels > AUDIO_MAX_CHANNELS)
			return EINVAL;
		np->ap_channels = p->channels;
	}
	if (p->encoding != keep)
		np->ap_encoding = p->encoding;
	if (p->precision != keep)
		np->ap_precision = p->precision;
	/* A new encoding without a precision takes that encoding's one. */
	if (p->encoding != keep && p->precision == keep)
		np->ap_precision = p->encoding == AUDIO_ENCODING_SLINEAR_LE ?
		    16 : 8;
	if (audio_enc(np->ap_encoding, np->ap_precision) == 0)
		return EINVAL;
	if ((p->gain != keep && p->gain > AUDIO_MAX_GAIN) ||
	    (p->pause != 0xff && p->pause > 1))
		return EINVAL;
	return 0;
}

static void
fill_prinfo(struct audio_softc *sc, struct audio_prinfo *pi,
    const struct audio_params *par, const struct audio_dir *ad, bool play,
    bool open)
{
	memset(pi, 0, sizeof(*pi));
	pi->sample_rate = par->ap_rate;
	pi->channels = par->ap_channels;
	pi->precision = par->ap_precision;
	pi->encoding = par->ap_encoding;
	pi->gain = play ? (sc->sc_vol[0] + sc->sc_vol[1]) / 2 : 0;
	pi->balance = 32;
	pi->open = open;
	if (ad == NULL)
		return;
	pi->buffer_size = (u_int)(play ? (uint64_t)ad->ad_bufsize *
	    par->ap_rate * ad->ad_ufs / hw_bytes_per_sec(sc) :
	    ad->ad_ring.r_size);
	if (play) {
		/* bytes of the opener's format, by the hardware frames out */
		uint64_t f = ad->ad_hwframes * par->ap_rate /
		    sc->sc_hw->ah_rate;
		pi->samples = (u_int)MIN(f * ad->ad_ufs, ad->ad_bytes);
		pi->seek = (u_int)((uint64_t)auring_used(&ad->ad_ring) *
		    par->ap_rate * ad->ad_ufs / hw_bytes_per_sec(sc));
	} else {
		pi->samples = (u_int)ad->ad_bytes;
		pi->seek = (u_int)auring_used(&ad->ad_ring);
	}
	pi->eof = (u_int)ad->ad_eof;
	pi->pause = ad->ad_paused;
	pi->error = (unsigned char)MIN(ad->ad_errors, 255);
	pi->active = play ? ad->ad_started && sc->sc_playing :
	    sc->sc_recording;
}

static void
get_info(struct audio_softc *sc, struct audio_ctx *ac, struct audio_info *ai)
{
	memset(ai, 0, sizeof(*ai));
	if (ac != NULL) {
		fill_prinfo(sc, &ai->play, &ac->ac_play.ad_par, &ac->ac_play,
		    true, (ac->ac_mode & AUMODE_PLAY) != 0);
		fill_prinfo(sc, &ai->record, &ac->ac_rec.ad_par, &ac->ac_rec,
		    false, (ac->ac_mode & AUMODE_RECORD) != 0);
		ai->mode = (u_int)ac->ac_mode | AUMODE_PLAY_ALL;
	} else {
		fill_prinfo(sc, &ai->play, &sc->sc_sticky, NULL, true, false);
		fill_prinfo(sc, &ai->record, &sc->sc_sticky, NULL, false,
		    false);
	}
	ai->blocksize = (u_int)sc->sc_blkbytes;
}

/*
 * SETINFO: validate everything first, then apply; a change of format
 * drops what the direction had buffered.  mode changes are not
 * supported (EINVAL unless it matches the open).
 */
static int
set_info(struct audio_softc *sc, struct audio_ctx *ac,
    const struct audio_info *ai)
{
	struct audio_params pp, rp;
	const struct audio_params *pcur, *rcur;
	int error;

	pcur = ac ? &ac->ac_play.ad_par : &sc->sc_sticky;
	rcur = ac ? &ac->ac_rec.ad_par : &sc->sc_sticky;
	if ((error = check_params(&ai->play, pcur, &pp)) != 0 ||
	    (error = check_params(&ai->record, rcur, &rp)) != 0)
		return error;
	if (ai->mode != ~0u && (ac == NULL ||
	    (ai->mode & ~AUMODE_PLAY_ALL) != (u_int)ac->ac_mode))
		return EINVAL;
	if (ai->play.gain != ~0u)
		sc->sc_vol[0] = sc->sc_vol[1] = ai->play.gain;
	if (ac == NULL) {
		sc->sc_sticky = (ai->play.sample_rate != ~0u ||
		    ai->play.channels != ~0u || ai->play.encoding != ~0u ||
		    ai->play.precision != ~0u) ? pp : rp;
		return 0;
	}
	if (memcmp(&pp, pcur, sizeof(pp)) != 0) {
		if (ac->ac_busy)
			return EBUSY;
		dir_setparams(sc, &ac->ac_play, &pp, true);
		ac->ac_play.ad_started = false;
		sc->sc_sticky = pp;
	}
	if (memcmp(&rp, rcur, sizeof(rp)) != 0) {
		if (ac->ac_busy)
			return EBUSY;
		dir_setparams(sc, &ac->ac_rec, &rp, false);
		if (!(ac->ac_mode & AUMODE_PLAY))
			sc->sc_sticky = rp;
	}
	if (ai->play.pause != 0xff)
		ac->ac_play.ad_paused = ai->play.pause;
	if (ai->record.pause != 0xff)
		ac->ac_rec.ad_paused = ai->record.pause;
	output_kick(sc);
	input_update(sc);
	cv_broadcast(&sc->sc_cv);
	return 0;
}

static int
mixer_devinfo(struct audio_softc *sc, mixer_devinfo_t *di)
{
	int i = di->index;

	if (i < 0 || i >= AUDIO_MIXER_NDEVS)
		return ENXIO;
	memset(di, 0, sizeof(*di));
	di->index = i;
	if (i == AUDIO_MIXER_MASTER) {
		di->type = AUDIO_MIXER_VALUE;
		strlcpy(di->name, "master", sizeof(di->name));
		di->num_channels = sc->sc_hw->ah_channels == 1 ? 1 : 2;
	} else {
		di->type = AUDIO_MIXER_ENUM;
		strlcpy(di->name, "mute", sizeof(di->name));
		di->num_ords = 2;
	}
	return 0;
}

/* 0 if mc names a control with its type and channels; ENXIO, EINVAL. */
static int
mixer_check(const mixer_ctrl_t *mc)
{
	if (mc->dev < 0 || mc->dev >= AUDIO_MIXER_NDEVS)
		return ENXIO;
	if ((mc->dev == AUDIO_MIXER_MASTER && mc->type != AUDIO_MIXER_VALUE) ||
	    (mc->dev == AUDIO_MIXER_MUTE && mc->type != AUDIO_MIXER_ENUM))
		return EINVAL;
	if (mc->dev == AUDIO_MIXER_MASTER && (mc->un.value.num_channels < 1 ||
	    mc->un.value.num_channels > 2))
		return EINVAL;
	return 0;
}

static int
mixer_read(struct audio_softc *sc, mixer_ctrl_t *mc)
{
	int i, error;

	if ((error = mixer_check(mc)) != 0)
		return error;
	if (mc->dev == AUDIO_MIXER_MUTE) {
		mc->un.ord = sc->sc_mute;
		return 0;
	}
	for (i = 0; i < mc->un.value.num_channels; i++)
		mc->un.value.level[i] = (unsigned char)sc->sc_vol[i];
	return 0;
}

static int
mixer_write(struct audio_softc *sc, const mixer_ctrl_t *mc)
{
	int error;

	if ((error = mixer_check(mc)) != 0)
		return error;
	if (mc->dev == AUDIO_MIXER_MUTE) {
		if (mc->un.ord != 0 && mc->un.ord != 1)
			return EINVAL;
		sc->sc_mute = mc->un.ord;
	} else if (mc->un.value.num_channels == 1) {
		sc->sc_vol[0] = sc->sc_vol[1] = mc->un.value.level[0];
	} else {
		sc->sc_vol[0] = mc->un.value.level[0];
		sc->sc_vol[1] = mc->un.value.level[1];
	}
	return 0;
}

static int
mixer_ioctl(struct audio_softc *sc, u_long cmd, void *data)
{
	switch (cmd) {
	case AUDIO_MIXER_DEVINFO:
		return mixer_devinfo(sc, data);
	case AUDIO_MIXER_READ:
		return mixer_read(sc, data);
	case AUDIO_MIXER_WRITE:
		return mixer_write(sc, data);
	default:
		return ENOTTY;
	}
}

static void
get_stats(struct audio_softc *sc, struct audio_ctx *ac,
    struct audio_stats *as)
{
	memset(as, 0, sizeof(*as));
	as->as_hw_blocks = (u_int)sc->sc_hw_blocks;
	if (ac == NULL)
		return;
	as->as_play_bytes = ac->ac_play.ad_bytes;
	as->as_play_frames = ac->ac_play.ad_hwframes;
	as->as_rec_bytes = ac->ac_rec.ad_bytes;
	as->as_underruns = ac->ac_play.ad_errors;
	as->as_overruns = ac->ac_rec.ad_errors;
}

static int
audio_fo_ioctl(struct file *fp, u_long cmd, void *data)
{
	struct audio_ctx *ac = fp->f_data;
	struct audio_softc *sc;
	device_t d;
	int error = 0, flavor = ac->ac_flavor;

	if (ac->ac_mode != 0) {
		if ((error = io_enter(ac, &sc, &d)) != 0)
			return error;
	} else {
		/* audioctl, mixer: the card of the unit, no context */
		if ((sc = audio_acquire(ac->ac_dev, &d)) == NULL)
			return ENXIO;
		mutex_enter(&sc->sc_lock);
		ac = NULL;
	}
	if (RUMP_IOC_GROUP(cmd) == 'M') {
		error = mixer_ioctl(sc, cmd, data);
		goto out;
	}
	if (flavor == MIXER_DEVICE) {
		error = ENOTTY;
		goto out;
	}
	switch (cmd) {
	case AUDIO_GETINFO:
		get_info(sc, ac, data);
		break;
	case AUDIO_SETINFO:
		error = set_info(sc, ac, data);
		if (error == 0)
			get_info(sc, ac, data);
		break;
	case AUDIO_GETSTATS:
		get_stats(sc, ac, data);
		break;
	case AUDIO_DRAIN:
		if (ac == NULL)
			error = ENOTTY;
		else if (ac->ac_mode & AUMODE_PLAY)
			error = drain_locked(sc, ac, AUDIO_HWTIMEOUT_NS);
		break;
	case AUDIO_FLUSH:
		if (ac == NULL) {
			error = ENOTTY;
			break;
		}
		auring_flush(&ac->ac_play.ad_ring);
		auring_flush(&ac->ac_rec.ad_ring);
		ac->ac_play.ad_started = false;
		ac->ac_play.ad_starved = false;
		cv_broadcast(&sc->sc_cv);
		break;
	default:
		error = ENOTTY;
		break;
	}
 out:
	io_leave(sc, d);
	return error;
}

static int
audio_fo_poll(struct file *fp, int events)
{
	struct audio_ctx *ac = fp->f_data;
	struct audio_softc *sc;
	device_t d;
	int revents = 0;

	if (ac->ac_mode == 0)
		return events & (POLLOUT | POLLWRNORM | POLLIN | POLLRDNORM);
	if (io_enter(ac, &sc, &d) != 0)
		return POLLERR | POLLHUP;
	if ((ac->ac_mode & AUMODE_PLAY) &&
	    auring_space(&ac->ac_play.ad_ring) >= sc->sc_blkbytes)
		revents |= events & (POLLOUT | POLLWRNORM);
	if ((ac->ac_mode & AUMODE_RECORD) &&
	    auring_used(&ac->ac_rec.ad_ring) > 0)
		revents |= events & (POLLIN | POLLRDNORM);
	if (revents == 0) {
		if (events & (POLLOUT | POLLWRNORM))
			selrecord(&sc->sc_wsel);
		if (events & (POLLIN | POLLRDNORM))
			selrecord(&sc->sc_rsel);
	}
	io_leave(sc, d);
	return revents;
}

/* fstat: the node's kind and number; nothing else is kept. */
static int
audio_fo_stat(struct file *fp, struct stat *sb)
{
	struct audio_ctx *ac = fp->f_data;

	sb->st_mode = S_IFCHR | 0666;
	sb->st_rdev = ac->ac_dev;
	sb->st_nlink = 1;
	mutex_enter(&curproc->p_lock);
	sb->st_uid = curproc->p_cred.cr_euid;
	sb->st_gid = curproc->p_cred.cr_egid;
	mutex_exit(&curproc->p_lock);
	return 0;
}

static const struct fileops audio_fileops = {
	.fo_name = "audio",
	.fo_read = audio_fo_read,
	.fo_write = audio_fo_write,
	.fo_ioctl = audio_fo_ioctl,
	.fo_poll = audio_fo_poll,
	.fo_close = audio_fo_close,
	.fo_stat = audio_fo_stat,
};

/* Every open clones: the file's fileops do the rest. */
static const struct cdevsw audio_cdevsw = {
	.d_clone = audio_clone,
};

static int
audio_match(device_t parent, void *aux)
{
	return 1;
}

static void
audio_attach(device_t parent, device_t self, void *aux)
{
	struct audio_softc *sc = device_private(self);
	struct audio_attach_args *aa = aux;
	const struct audio_hw *hw = aa->aa_hw;

	sc->sc_dev = self;
	sc->sc_hw = hw;
	mutex_init(&sc->sc_lock, MUTEX_DEFAULT, IPL_NONE);
	cv_init(&sc->sc_cv, "audio");
	selinit(&sc->sc_rsel);
	selinit(&sc->sc_wsel);
	LIST_INIT(&sc->sc_ctxs);
	sc->sc_sticky = audio_default_params;
	sc->sc_vol[0] = sc->sc_vol[1] = AUDIO_MAX_GAIN;
	sc->sc_blksamples = (size_t)hw->ah_blockframes * hw->ah_channels;
	sc->sc_blkbytes = sc->sc_blksamples * 2;
	/* A block recorded at the hardware rate, at the highest user rate */
	sc->sc_rbufsz = ((size_t)hw->ah_blockframes *
	    howmany(AUDIO_MAX_RATE, hw->ah_rate) + 2) * AUCONV_MAXCHAN *
	    sizeof(int16_t);
	sc->sc_acc = kmem_zalloc(sc->sc_blksamples * sizeof(int32_t), KM_SLEEP);
	sc->sc_mix = kmem_zalloc(sc->sc_blksamples * sizeof(int16_t), KM_SLEEP);
	sc->sc_tmp = kmem_zalloc(sc->sc_blkbytes, KM_SLEEP);
	sc->sc_rbuf1 = kmem_zalloc(sc->sc_rbufsz, KM_SLEEP);
	sc->sc_rbuf2 = kmem_zalloc(sc->sc_rbufsz, KM_SLEEP);
	hw->ah_hook(hw->ah_cookie, sc);
	aprint_verbose("%s: on %s\n", device_xname(self),
	    device_xname(parent));
}

static int
audio_detach(device_t self, int flags)
{
	struct audio_softc *sc = device_private(self);
	const struct audio_hw *hw = sc->sc_hw;
	struct audio_ctx *ac;

	mutex_enter(&sc->sc_lock);
	sc->sc_dying = true;
	cv_broadcast(&sc->sc_cv);
	selnotify(&sc->sc_rsel, POLLIN | POLLERR | POLLHUP);
	selnotify(&sc->sc_wsel, POLLOUT | POLLERR | POLLHUP);
	mutex_exit(&sc->sc_lock);
	hw->ah_hook(hw->ah_cookie, NULL);
	device_drain(self);
	hw->ah_halt_output(hw->ah_cookie);
	hw->ah_halt_input(hw->ah_cookie);
	/* The files own their contexts: orphan them, their close frees. */
	mutex_enter(&audio_ctx_lock);
	mutex_enter(&sc->sc_lock);
	while ((ac = LIST_FIRST(&sc->sc_ctxs)) != NULL) {
		LIST_REMOVE(ac, ac_list);
		ac->ac_sc = NULL;
	}
	mutex_exit(&sc->sc_lock);
	mutex_exit(&audio_ctx_lock);
	kmem_free(sc->sc_acc, sc->sc_blksamples * sizeof(int32_t));
	kmem_free(sc->sc_mix, sc->sc_blksamples * sizeof(int16_t));
	kmem_free(sc->sc_tmp, sc->sc_blkbytes);
	kmem_free(sc->sc_rbuf1, sc->sc_rbufsz);
	kmem_free(sc->sc_rbuf2, sc->sc_rbufsz);
	seldestroy(&sc->sc_rsel);
	seldestroy(&sc->sc_wsel);
	cv_destroy(&sc->sc_cv);
	mutex_destroy(&sc->sc_lock);
	return 0;
}

struct cfattach audio_ca = {
	.ca_name = "audio",
	.ca_devsize = sizeof(struct audio_softc),
	.ca_match = audio_match,
	.ca_attach = audio_attach,
	.ca_detach = audio_detach,
	.ca_parent_attr = "audiobus",
};

static const struct {
	const char	*path;
	int		 flavor;
} audio_nodes[] = {
	{ "/dev/sound", SOUND_DEVICE },
	{ "/dev/audio", AUDIO_DEVICE },
	{ "/dev/audioctl", AUDIOCTL_DEVICE },
	{ "/dev/mixer", MIXER_DEVICE },
};

RUMP_COMPONENT(RUMP_COMPONENT_DEV, audio, "rumpdev")
{
	size_t i;
	int error;

	mutex_init(&audio_ctx_lock, MUTEX_DEFAULT, IPL_NONE);
	if ((error = config_cfattach_register(&fakeaudio_ca)) != 0 ||
	    (error = config_cfattach_register(&audio_ca)) != 0)
		return error;
	if ((error = devsw_attach("audio", NULL, NULL, &audio_cdevsw,
	    &audio_cmajor)) != 0)
		return error;
	for (i = 0; i < __arraycount(audio_nodes); i++) {
		if ((error = devnode_create(audio_nodes[i].path,
		    S_IFCHR_DEVTYPE, makedev(audio_cmajor,
		    audio_nodes[i].flavor), 0666)) != 0)
			return error;
	}
	(void)config_attach_pseudo(&fakeaudio_ca);
	return 0;
}

RUMP_COMPONENT_FINI(audio)
{
	size_t i;

	/* the cards, and the audio devices on them */
	(void)config_detach_all(&fakeaudio_ca, DETACH_FORCE | DETACH_SHUTDOWN);
	for (i = 0; i < __arraycount(audio_nodes); i++)
		(void)devnode_remove(audio_nodes[i].path);
	(void)devsw_detach(NULL, &audio_cdevsw);
	(void)config_cfattach_unregister(&audio_ca);
	(void)config_cfattach_unregister(&fakeaudio_ca);
	audio_cmajor = NODEVMAJOR;
	mutex_destroy(&audio_ctx_lock);
}
