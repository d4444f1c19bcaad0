/*
 * audio_user.c: the fake sound card, host half.  It owns the DMA rings,
 * the clock, the record source (a WAV file) and the memory buffer of
 * everything played; the kernel half (fakeaudio.c) drives it through
 * the rumpcomp_audio_* calls (audio_user.h) and the test through the
 * rump_pub_audiocard_* calls (rump/audiocard.h).  Host code: libc and
 * pthreads are fine here.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <rump/rumpdefs.h>
#include <rump/rumpuser.h>
#include <rump/audiocard.h>
#include <rump-sys/rumpcomp_intr.h>

#include "audio_user.h"

#define NBLK		RUMPCOMP_AUDIO_NBLK
#define OUT_MAXBYTES	(256u << 20)	/* played-output memory cap */
#define ACK_TIMEOUT_S	5

struct card {
	unsigned int	c_unit;
	int		c_attached;
	unsigned int	c_rate, c_channels, c_blockframes;
	size_t		c_blockbytes;
	int		c_realtime;
	unsigned int	c_speed;

	/* Never destroyed: a test thread may still hold them at detach. */
	pthread_mutex_t	*c_mtx;
	pthread_cond_t	*c_cv;		/* state changes, acks */
	int		c_quit;
	int		c_stuck;
	int		c_playing, c_recording;
	void		*c_intr;		/* rumpdev's host cookie */
	uint64_t	c_intrs, c_intrs_done;
	unsigned int	c_vframes;	/* virtual clock: frames carried */

	uint8_t		*c_pring;	/* play ring: NBLK blocks */
	unsigned int	c_prd, c_pfilled, c_pgot;
	uint8_t		*c_rring;	/* record ring */
	unsigned int	c_rwr, c_rfilled, c_rgot;

	int		c_recfd;	/* WAV source, -1: silence */
	uint64_t	c_recleft;	/* data bytes left in it */

	int16_t		*c_out;		/* everything played */
	size_t		c_outframes, c_outcap;

	uint64_t	c_play_blocks, c_rec_blocks;
	uint64_t	c_underruns, c_overruns;
};

static struct card cards[RUMPCOMP_AUDIO_MAXUNIT];
static pthread_mutex_t cards_mtx = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t card_mtx[RUMPCOMP_AUDIO_MAXUNIT] = {
	PTHREAD_MUTEX_INITIALIZER, PTHREAD_MUTEX_INITIALIZER,
	PTHREAD_MUTEX_INITIALIZER, PTHREAD_MUTEX_INITIALIZER,
};
static pthread_cond_t card_cv[RUMPCOMP_AUDIO_MAXUNIT] = {
	PTHREAD_COND_INITIALIZER, PTHREAD_COND_INITIALIZER,
	PTHREAD_COND_INITIALIZER, PTHREAD_COND_INITIALIZER,
};

/* Parse "key=value,..." into the card; 0 or RUMP_EINVAL. */
static int
parse_config(struct card *c, const char *cfg)
{
	char buf[256], *tok, *save, *eq, *end;
	unsigned long v;

	if (strlen(cfg) >= sizeof(buf))
		return RUMP_EINVAL;
	strcpy(buf, cfg);
	for (tok = strtok_r(buf, ",", &save); tok != NULL;
	    tok = strtok_r(NULL, ",", &save)) {
		if ((eq = strchr(tok, '=')) == NULL)
			goto bad;
		*eq++ = '\0';
		if (strcmp(tok, "clock") == 0) {
			if (strcmp(eq, "real") == 0)
				c->c_realtime = 1;
			else if (strcmp(eq, "virtual") == 0)
				c->c_realtime = 0;
			else
				goto bad;
			continue;
		}
		errno = 0;
		v = strtoul(eq, &end, 10);
		if (errno != 0 || *eq == '\0' || *end != '\0')
			goto bad;
		if (strcmp(tok, "rate") == 0 && v >= 1000 && v <= 192000)
			c->c_rate = (unsigned int)v;
		else if (strcmp(tok, "channels") == 0 && v >= 1 && v <= 8)
			c->c_channels = (unsigned int)v;
		else if (strcmp(tok, "block") == 0 && v >= 16 && v <= 65536)
			c->c_blockframes = (unsigned int)v;
		else if (strcmp(tok, "speed") == 0 && v >= 1 && v <= 1000)
			c->c_speed = (unsigned int)v;
		else
			goto bad;
	}
	return 0;
 bad:
	fprintf(stderr, "audiocard: bad RUMP_AUDIOCARD setting \"%s\"\n",
	    cfg);
	return RUMP_EINVAL;
}

int
rumpcomp_audio_attach(unsigned int unit, struct rumpcomp_audio_hw *hw,
    void **cardp)
{
	struct card *c;
	const char *cfg;
	int error;

	if (unit >= RUMPCOMP_AUDIO_MAXUNIT)
		return RUMP_ENXIO;
	pthread_mutex_lock(&cards_mtx);
	c = &cards[unit];
	if (c->c_attached) {
		pthread_mutex_unlock(&cards_mtx);
		return RUMP_EBUSY;
	}
	free(c->c_out);
	memset(c, 0, sizeof(*c));
	c->c_unit = unit;
	c->c_rate = 48000;
	c->c_channels = 2;
	c->c_realtime = 1;
	c->c_speed = 1;
	c->c_recfd = -1;
	c->c_mtx = &card_mtx[unit];
	c->c_cv = &card_cv[unit];
	if ((cfg = getenv("RUMP_AUDIOCARD")) != NULL &&
	    (error = parse_config(c, cfg)) != 0)
		goto out;
	if (c->c_blockframes == 0)
		c->c_blockframes = c->c_rate / 100;
	c->c_blockbytes = (size_t)c->c_blockframes * c->c_channels * 2;
	c->c_pring = calloc(NBLK, c->c_blockbytes);
	c->c_rring = calloc(NBLK, c->c_blockbytes);
	if (c->c_pring == NULL || c->c_rring == NULL) {
		free(c->c_pring);
		free(c->c_rring);
		error = RUMP_ENOMEM;
		goto out;
	}
	c->c_attached = 1;
	hw->hw_rate = c->c_rate;
	hw->hw_channels = c->c_channels;
	hw->hw_blockframes = c->c_blockframes;
	hw->hw_realtime = (uint32_t)c->c_realtime;
	*cardp = c;
	error = 0;
 out:
	pthread_mutex_unlock(&cards_mtx);
	return error;
}

void
rumpcomp_audio_detach(void *card)
{
	struct card *c = card;

	pthread_mutex_lock(&cards_mtx);
	pthread_mutex_lock(c->c_mtx);
	c->c_attached = 0;
	c->c_intr = NULL;
	pthread_cond_broadcast(c->c_cv);
	pthread_mutex_unlock(c->c_mtx);
	if (c->c_recfd != -1)
		close(c->c_recfd);
	c->c_recfd = -1;
	free(c->c_pring);
	free(c->c_rring);
	c->c_pring = c->c_rring = NULL;
	/* c_out stays for rump_pub_audiocard_output until the next attach */
	pthread_mutex_unlock(&cards_mtx);
}

void
rumpcomp_audio_setintr(void *card, void *hostcookie)
{
	struct card *c = card;

	pthread_mutex_lock(c->c_mtx);
	c->c_intr = hostcookie;
	pthread_mutex_unlock(c->c_mtx);
}

/* Keep what was played; past the cap it is dropped (and said once). */
static void
out_append(struct card *c, const uint8_t *blk)
{
	size_t n = c->c_blockframes * c->c_channels, ncap;
	int16_t *p;

	if ((c->c_outframes + c->c_blockframes) * c->c_channels * 2 >
	    OUT_MAXBYTES)
		return;
	if (c->c_outframes + c->c_blockframes > c->c_outcap) {
		ncap = c->c_outcap ? c->c_outcap * 2 : c->c_rate;
		while (ncap < c->c_outframes + c->c_blockframes)
			ncap *= 2;
		if ((p = realloc(c->c_out, ncap * c->c_channels * 2)) == NULL)
			return;
		c->c_out = p;
		c->c_outcap = ncap;
	}
	/* The hardware format is little-endian; so is every host we run on. */
	memcpy(c->c_out + c->c_outframes * c->c_channels, blk, n * 2);
	c->c_outframes += c->c_blockframes;
}

/* The record source's next block, or silence past its end. */
static void
rec_fill(struct card *c, uint8_t *blk)
{
	size_t want = c->c_blockbytes, got = 0;
	ssize_t n;

	if (c->c_recfd != -1 && c->c_recleft > 0) {
		if (want > c->c_recleft)
			want = (size_t)c->c_recleft;
		while (got < want) {
			n = read(c->c_recfd, blk + got, want - got);
			if (n <= 0)
				break;
			got += (size_t)n;
		}
		c->c_recleft -= got;
		if (got < want)
			c->c_recleft = 0;
	}
	memset(blk + got, 0, c->c_blockbytes - got);
}

/*
 * One block period, with c_mtx held: play one block, record one.
 * Returns whether the interrupt is due.
 */
static int
tick_locked(struct card *c)
{
	static const uint8_t zero[1];
	uint8_t *blk;
	int any = 0;

	if (c->c_stuck)
		return 0;
	if (c->c_playing) {
		if (c->c_pfilled > 0) {
			blk = c->c_pring + c->c_prd * c->c_blockbytes;
			out_append(c, blk);
			c->c_prd = (c->c_prd + 1) % NBLK;
			c->c_pfilled--;
		} else {
			/* Nothing queued: the DAC plays silence. */
			blk = c->c_pring + c->c_prd * c->c_blockbytes;
			memset(blk, zero[0], c->c_blockbytes);
			out_append(c, blk);
			c->c_underruns++;
		}
		c->c_play_blocks++;
		any = 1;
	}
	if (c->c_recording) {
		if (c->c_rfilled + c->c_rgot < NBLK) {
			rec_fill(c, c->c_rring + c->c_rwr * c->c_blockbytes);
			c->c_rwr = (c->c_rwr + 1) % NBLK;
			c->c_rfilled++;
		} else {
			c->c_overruns++;
		}
		c->c_rec_blocks++;
		any = 1;
	}
	if (any && c->c_intr != NULL) {
		c->c_intrs++;
		return 1;
	}
	return 0;
}

/* The trigger only marks the interrupt pending; it never blocks. */
static void
raise_intr(struct card *c)
{
	if (c->c_intr != NULL &&
	    rumpcomp_intr_trigger(c->c_intr) != 0)
		c->c_intrs_done = c->c_intrs;	/* gone: nobody will ack */
}

static void
timespec_add_ns(struct timespec *ts, uint64_t ns)
{
	ns += (uint64_t)ts->tv_nsec;
	ts->tv_sec += (time_t)(ns / 1000000000u);
	ts->tv_nsec = (long)(ns % 1000000000u);
}

void *
rumpcomp_audio_clock(void *card)
{
	struct card *c = card;
	struct timespec next, now;
	uint64_t period;

	period = (uint64_t)c->c_blockframes * 1000000000u /
	    ((uint64_t)c->c_rate * c->c_speed);
	pthread_mutex_lock(c->c_mtx);
	clock_gettime(CLOCK_MONOTONIC, &next);
	while (!c->c_quit) {
		if (c->c_stuck || (!c->c_playing && !c->c_recording)) {
			pthread_cond_wait(c->c_cv, c->c_mtx);
			clock_gettime(CLOCK_MONOTONIC, &next);
			continue;
		}
		timespec_add_ns(&next, period);
		pthread_mutex_unlock(c->c_mtx);
		while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next,
		    NULL) == EINTR)
			continue;
		pthread_mutex_lock(c->c_mtx);
		/* Far behind (a stopped debugger): do not play catch-up. */
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (now.tv_sec > next.tv_sec + 1)
			next = now;
		if (!c->c_quit && tick_locked(c))
			raise_intr(c);
	}
	pthread_mutex_unlock(c->c_mtx);
	return NULL;
}

void
rumpcomp_audio_quit(void *card)
{
	struct card *c = card;

	pthread_mutex_lock(c->c_mtx);
	c->c_quit = 1;
	pthread_cond_broadcast(c->c_cv);
	pthread_mutex_unlock(c->c_mtx);
}

void
rumpcomp_audio_play_start(void *card)
{
	struct card *c = card;

	pthread_mutex_lock(c->c_mtx);
	c->c_playing = 1;
	pthread_cond_broadcast(c->c_cv);
	pthread_mutex_unlock(c->c_mtx);
}

void
rumpcomp_audio_play_stop(void *card)
{
	struct card *c = card;

	pthread_mutex_lock(c->c_mtx);
	c->c_playing = 0;
	/* A block the kernel is filling now stays its own. */
	c->c_prd = (c->c_prd + c->c_pfilled) % NBLK;
	c->c_pfilled = 0;
	pthread_mutex_unlock(c->c_mtx);
}

void
rumpcomp_audio_rec_start(void *card)
{
	struct card *c = card;

	pthread_mutex_lock(c->c_mtx);
	c->c_recording = 1;
	pthread_cond_broadcast(c->c_cv);
	pthread_mutex_unlock(c->c_mtx);
}

void
rumpcomp_audio_rec_stop(void *card)
{
	struct card *c = card;

	pthread_mutex_lock(c->c_mtx);
	c->c_recording = 0;
	c->c_rfilled = 0;
	pthread_mutex_unlock(c->c_mtx);
}

void *
rumpcomp_audio_play_getblock(void *card)
{
	struct card *c = card;
	void *blk = NULL;

	pthread_mutex_lock(c->c_mtx);
	if (c->c_pfilled < NBLK && !c->c_pgot) {
		blk = c->c_pring + ((c->c_prd + c->c_pfilled) % NBLK) *
		    c->c_blockbytes;
		c->c_pgot = 1;
	}
	pthread_mutex_unlock(c->c_mtx);
	return blk;
}

void
rumpcomp_audio_play_putblock(void *card)
{
	struct card *c = card;

	pthread_mutex_lock(c->c_mtx);
	if (c->c_pgot) {
		c->c_pgot = 0;
		c->c_pfilled++;
	}
	pthread_mutex_unlock(c->c_mtx);
}

void *
rumpcomp_audio_rec_getblock(void *card)
{
	struct card *c = card;
	void *blk = NULL;

	pthread_mutex_lock(c->c_mtx);
	if (c->c_rfilled > 0 && !c->c_rgot) {
		blk = c->c_rring + ((c->c_rwr + NBLK - c->c_rfilled) % NBLK) *
		    c->c_blockbytes;
		c->c_rgot = 1;
		c->c_rfilled--;
	}
	pthread_mutex_unlock(c->c_mtx);
	return blk;
}

void
rumpcomp_audio_rec_putblock(void *card)
{
	struct card *c = card;

	pthread_mutex_lock(c->c_mtx);
	c->c_rgot = 0;
	pthread_mutex_unlock(c->c_mtx);
}

uint64_t
rumpcomp_audio_intr_begin(void *card)
{
	struct card *c = card;
	uint64_t seq;

	pthread_mutex_lock(c->c_mtx);
	seq = c->c_intrs;
	pthread_mutex_unlock(c->c_mtx);
	return seq;
}

void
rumpcomp_audio_intr_done(void *card, uint64_t seq)
{
	struct card *c = card;

	pthread_mutex_lock(c->c_mtx);
	if (seq > c->c_intrs_done)
		c->c_intrs_done = seq;
	pthread_cond_broadcast(c->c_cv);
	pthread_mutex_unlock(c->c_mtx);
}

/* The attached card of unit, locked; NULL (ENXIO) if none. */
static struct card *
card_lookup(unsigned int unit)
{
	struct card *c;

	if (unit >= RUMPCOMP_AUDIO_MAXUNIT)
		return NULL;
	pthread_mutex_lock(&cards_mtx);
	c = &cards[unit];
	if (!c->c_attached) {
		pthread_mutex_unlock(&cards_mtx);
		return NULL;
	}
	pthread_mutex_lock(c->c_mtx);
	pthread_mutex_unlock(&cards_mtx);
	return c;
}

int
rump_pub_audiocard_info(unsigned int unit, struct audiocard_info *ai)
{
	struct card *c;

	if ((c = card_lookup(unit)) == NULL)
		return ENXIO;
	memset(ai, 0, sizeof(*ai));
	ai->ai_rate = c->c_rate;
	ai->ai_channels = c->c_channels;
	ai->ai_blockframes = c->c_blockframes;
	ai->ai_playing = c->c_playing;
	ai->ai_recording = c->c_recording;
	ai->ai_stuck = c->c_stuck;
	ai->ai_play_blocks = c->c_play_blocks;
	ai->ai_rec_blocks = c->c_rec_blocks;
	ai->ai_hw_underruns = c->c_underruns;
	ai->ai_hw_overruns = c->c_overruns;
	ai->ai_intrs = c->c_intrs;
	pthread_mutex_unlock(c->c_mtx);
	return 0;
}

/* Wait (c_mtx held) until the kernel handled every interrupt raised. */
static int
wait_acks(struct card *c)
{
	struct timespec dl;

	clock_gettime(CLOCK_REALTIME, &dl);
	dl.tv_sec += ACK_TIMEOUT_S;
	while (c->c_intrs_done < c->c_intrs && c->c_attached && !c->c_quit) {
		if (pthread_cond_timedwait(c->c_cv, c->c_mtx, &dl) ==
		    ETIMEDOUT)
			return ETIMEDOUT;
	}
	return 0;
}

int
rump_pub_audiocard_advance(unsigned int unit, unsigned int nframes,
    unsigned int *blocksp)
{
	struct card *c;
	unsigned int nblocks = 0;
	int error = 0;

	if (blocksp != NULL)
		*blocksp = 0;
	if ((c = card_lookup(unit)) == NULL)
		return ENXIO;
	if (c->c_realtime) {
		pthread_mutex_unlock(c->c_mtx);
		return EINVAL;
	}
	c->c_vframes += nframes;
	while (c->c_vframes >= c->c_blockframes && error == 0 &&
	    c->c_attached) {
		c->c_vframes -= c->c_blockframes;
		if (!tick_locked(c))
			continue;
		nblocks++;
		raise_intr(c);
		error = wait_acks(c);
	}
	/* Time passes for a stopped card too; nothing carries over. */
	if (!c->c_playing && !c->c_recording)
		c->c_vframes %= c->c_blockframes;
	pthread_mutex_unlock(c->c_mtx);
	if (blocksp != NULL)
		*blocksp = nblocks;
	return error;
}

int
rump_pub_audiocard_set_stuck(unsigned int unit, int stuck)
{
	struct card *c;

	if ((c = card_lookup(unit)) == NULL)
		return ENXIO;
	c->c_stuck = stuck != 0;
	pthread_cond_broadcast(c->c_cv);
	pthread_mutex_unlock(c->c_mtx);
	return 0;
}

static uint32_t
le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

static uint16_t
le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

/*
 * Check a WAV file's header against the card and leave fd at the start
 * of its data; *lenp gets the data length.  0 or EINVAL.
 */
static int
wav_open_data(int fd, const struct card *c, uint64_t *lenp)
{
	uint8_t hdr[12], ch[8], fmt[16];
	uint32_t len;
	int havefmt = 0;

	if (read(fd, hdr, 12) != 12 || memcmp(hdr, "RIFF", 4) != 0 ||
	    memcmp(hdr + 8, "WAVE", 4) != 0)
		return EINVAL;
	for (;;) {
		if (read(fd, ch, 8) != 8)
			return EINVAL;
		len = le32(ch + 4);
		if (memcmp(ch, "fmt ", 4) == 0) {
			if (len < 16 || read(fd, fmt, 16) != 16)
				return EINVAL;
			/* PCM or WAVE_FORMAT_EXTENSIBLE, 16-bit, our format */
			if ((le16(fmt) != 1 && le16(fmt) != 0xfffe) ||
			    le16(fmt + 2) != c->c_channels ||
			    le32(fmt + 4) != c->c_rate || le16(fmt + 14) != 16)
				return EINVAL;
			havefmt = 1;
			len -= 16;
		} else if (memcmp(ch, "data", 4) == 0) {
			if (!havefmt)
				return EINVAL;
			*lenp = len;
			return 0;
		}
		if (lseek(fd, (off_t)len + (len & 1), SEEK_CUR) == -1)
			return EINVAL;
	}
}

int
rump_pub_audiocard_set_record(unsigned int unit, const char *path)
{
	struct card *c;
	uint64_t len = 0;
	int fd = -1, error;

	if ((c = card_lookup(unit)) == NULL)
		return ENXIO;
	if (path != NULL) {
		if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
			error = errno;
			goto out;
		}
		if ((error = wav_open_data(fd, c, &len)) != 0) {
			close(fd);
			goto out;
		}
	}
	if (c->c_recfd != -1)
		close(c->c_recfd);
	c->c_recfd = fd;
	c->c_recleft = len;
	error = 0;
 out:
	pthread_mutex_unlock(c->c_mtx);
	return error;
}

/* Any unit that was ever attached, locked with cards_mtx; or NULL. */
static struct card *
card_lookup_output(unsigned int unit)
{
	if (unit >= RUMPCOMP_AUDIO_MAXUNIT)
		return NULL;
	pthread_mutex_lock(&cards_mtx);
	if (cards[unit].c_rate == 0) {
		pthread_mutex_unlock(&cards_mtx);
		return NULL;
	}
	if (cards[unit].c_attached)
		pthread_mutex_lock(cards[unit].c_mtx);
	return &cards[unit];
}

static void
card_unlock_output(struct card *c)
{
	if (c->c_attached)
		pthread_mutex_unlock(c->c_mtx);
	pthread_mutex_unlock(&cards_mtx);
}

int
rump_pub_audiocard_output(unsigned int unit, int16_t **framesp,
    size_t *nframesp)
{
	struct card *c;
	size_t bytes;
	int16_t *p;

	if ((c = card_lookup_output(unit)) == NULL)
		return ENXIO;
	bytes = c->c_outframes * c->c_channels * 2;
	if ((p = malloc(bytes ? bytes : 1)) == NULL) {
		card_unlock_output(c);
		return ENOMEM;
	}
	memcpy(p, c->c_out, bytes);
	*framesp = p;
	*nframesp = c->c_outframes;
	card_unlock_output(c);
	return 0;
}

static void
put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

int
rump_pub_audiocard_write_wav(unsigned int unit, const char *path)
{
	struct card *c;
	uint8_t h[44];
	uint32_t datalen;
	FILE *f;
	int error = 0;

	if ((c = card_lookup_output(unit)) == NULL)
		return ENXIO;
	datalen = (uint32_t)(c->c_outframes * c->c_channels * 2);
	memcpy(h, "RIFF", 4);
	put32(h + 4, 36 + datalen);
	memcpy(h + 8, "WAVEfmt ", 8);
	put32(h + 16, 16);
	h[20] = 1;			/* PCM */
	h[21] = 0;
	h[22] = (uint8_t)c->c_channels;
	h[23] = 0;
	put32(h + 24, c->c_rate);
	put32(h + 28, c->c_rate * c->c_channels * 2);
	h[32] = (uint8_t)(c->c_channels * 2);
	h[33] = 0;
	h[34] = 16;
	h[35] = 0;
	memcpy(h + 36, "data", 4);
	put32(h + 40, datalen);
	if ((f = fopen(path, "wb")) == NULL) {
		error = errno;
		goto out;
	}
	if (fwrite(h, 1, sizeof(h), f) != sizeof(h) ||
	    (datalen > 0 && fwrite(c->c_out, 1, datalen, f) != datalen))
		error = EIO;
	if (fclose(f) != 0 && error == 0)
		error = errno;
 out:
	card_unlock_output(c);
	return error;
}

int
rump_pub_audiocard_clear_output(unsigned int unit)
{
	struct card *c;

	if ((c = card_lookup_output(unit)) == NULL)
		return ENXIO;
	c->c_outframes = 0;
	card_unlock_output(c);
	return 0;
}
