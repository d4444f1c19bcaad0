/*
 * fakeaudio.c: the fake sound card's driver, kernel half.  The card
 * itself is host code (audio_user.c); this driver attaches it as the
 * pseudo-device fakeaudio0 under mainbus0, establishes its interrupt
 * (which the host half raises through rumpdev's rumpcomp_intr_trigger),
 * starts the host clock thread when the card runs in real time, and
 * attaches the audio layer (audio0) on it.  rump_pub_audiocard_detach
 * lets a test unplug it.
 */
#include <rump-sys/systm.h>
#include <rump-sys/kmem.h>
#include <rump-sys/mutex.h>
#include <rump-sys/device.h>
#include <rump-sys/sched.h>
#include <rump/rumpuser.h>
#include <rump/audiocard.h>

#include "audio_if.h"
#include "audio_int.h"
#include "audio_user.h"

struct fakeaudio_softc {
	device_t		 sc_dev;
	void			*sc_card;	/* host half; NULL: attach failed */
	void			*sc_ih;
	void			*sc_thread;	/* real-time clock, or NULL */
	kmutex_t		 sc_lock;	/* sc_audio */
	struct audio_softc	*sc_audio;
	struct audio_hw		 sc_hw;
};

static int
fakeaudio_intr(void *arg)
{
	struct fakeaudio_softc *sc = arg;
	uint64_t seq;

	seq = rumpcomp_audio_intr_begin(sc->sc_card);
	mutex_enter(&sc->sc_lock);
	if (sc->sc_audio != NULL)
		audio_intr(sc->sc_audio);
	mutex_exit(&sc->sc_lock);
	rumpcomp_audio_intr_done(sc->sc_card, seq);
	return 1;
}

static void
fakeaudio_hook(void *cookie, struct audio_softc *asc)
{
	struct fakeaudio_softc *sc = cookie;

	mutex_enter(&sc->sc_lock);
	sc->sc_audio = asc;
	mutex_exit(&sc->sc_lock);
}

static void fa_start_output(void *c) { rumpcomp_audio_play_start(
    ((struct fakeaudio_softc *)c)->sc_card); }
static void fa_halt_output(void *c) { rumpcomp_audio_play_stop(
    ((struct fakeaudio_softc *)c)->sc_card); }
static void fa_start_input(void *c) { rumpcomp_audio_rec_start(
    ((struct fakeaudio_softc *)c)->sc_card); }
static void fa_halt_input(void *c) { rumpcomp_audio_rec_stop(
    ((struct fakeaudio_softc *)c)->sc_card); }
static void *fa_play_getblock(void *c) { return rumpcomp_audio_play_getblock(
    ((struct fakeaudio_softc *)c)->sc_card); }
static void fa_play_putblock(void *c) { rumpcomp_audio_play_putblock(
    ((struct fakeaudio_softc *)c)->sc_card); }
static void *fa_rec_getblock(void *c) { return rumpcomp_audio_rec_getblock(
    ((struct fakeaudio_softc *)c)->sc_card); }
static void fa_rec_putblock(void *c) { rumpcomp_audio_rec_putblock(
    ((struct fakeaudio_softc *)c)->sc_card); }

static int
fakeaudio_match(device_t parent, void *aux)
{
	return 1;
}

static void
fakeaudio_attach(device_t parent, device_t self, void *aux)
{
	struct fakeaudio_softc *sc = device_private(self);
	struct rumpcomp_audio_hw hw;
	struct audio_attach_args aa;
	int error;

	sc->sc_dev = self;
	mutex_init(&sc->sc_lock, MUTEX_DEFAULT, IPL_NONE);
	if ((error = rumpcomp_audio_attach((unsigned)device_unit(self), &hw,
	    &sc->sc_card)) != 0) {
		printf("%s: no card: error %d\n", device_xname(self), error);
		sc->sc_card = NULL;
		return;
	}
	if ((sc->sc_ih = intr_establish(self, fakeaudio_intr, sc)) == NULL)
		goto fail;
	rumpcomp_audio_setintr(sc->sc_card, intr_hostcookie(sc->sc_ih));
	if (hw.hw_realtime && rumpuser_thread_create(rumpcomp_audio_clock,
	    sc->sc_card, device_xname(self), 1, &sc->sc_thread) != 0)
		goto fail;
	aprint_verbose("%s: %u Hz, %u channels, %u-frame blocks, %s clock\n",
	    device_xname(self), hw.hw_rate, hw.hw_channels,
	    hw.hw_blockframes, hw.hw_realtime ? "real-time" : "virtual");
	sc->sc_hw = (struct audio_hw){
		.ah_rate = hw.hw_rate,
		.ah_channels = hw.hw_channels,
		.ah_blockframes = hw.hw_blockframes,
		.ah_nblk = RUMPCOMP_AUDIO_NBLK,
		.ah_cookie = sc,
		.ah_hook = fakeaudio_hook,
		.ah_start_output = fa_start_output,
		.ah_halt_output = fa_halt_output,
		.ah_start_input = fa_start_input,
		.ah_halt_input = fa_halt_input,
		.ah_play_getblock = fa_play_getblock,
		.ah_play_putblock = fa_play_putblock,
		.ah_rec_getblock = fa_rec_getblock,
		.ah_rec_putblock = fa_rec_putblock,
	};
	aa.aa_hw = &sc->sc_hw;
	config_found(self, &aa, "audiobus");
	return;
 fail:
	printf("%s: cannot start the card\n", device_xname(self));
	if (sc->sc_ih != NULL)
		intr_disestablish(sc->sc_ih);
	sc->sc_ih = NULL;
	rumpcomp_audio_detach(sc->sc_card);
	sc->sc_card = NULL;
}

/* The audio child is gone already (children detach first). */
static int
fakeaudio_detach(device_t self, int flags)
{
	struct fakeaudio_softc *sc = device_private(self);

	if (sc->sc_card != NULL) {
		intr_disestablish(sc->sc_ih);
		rumpcomp_audio_quit(sc->sc_card);
		if (sc->sc_thread != NULL)
			rumpuser_thread_join(sc->sc_thread);
		rumpcomp_audio_detach(sc->sc_card);
	}
	mutex_destroy(&sc->sc_lock);
	return 0;
}

struct cfattach fakeaudio_ca = {
	.ca_name = "fakeaudio",
	.ca_devsize = sizeof(struct fakeaudio_softc),
	.ca_match = fakeaudio_match,
	.ca_attach = fakeaudio_attach,
	.ca_detach = fakeaudio_detach,
	.ca_parent_attr = "mainbus",
};

int
rump_pub_audiocard_detach(unsigned int unit)
{
	char name[DEVICE_XNAMELEN];
	device_t dev;
	int error;

	snprintf(name, sizeof(name), "fakeaudio%u", unit);
	rump_schedule();
	if ((dev = device_find_by_xname(name)) == NULL)
		error = ENXIO;
	else
		error = config_detach(dev, DETACH_FORCE);
	rump_unschedule();
	return rumpuser_errno_tohost(error);
}
