/*
 * audiocard.h: what a test does to the fake sound card (the host half
 * of the audio component, sys/rump/dev/audio/audio_user.c).  Host code
 * only.  The card's format and clock are set at boot by the environment
 * variable RUMP_AUDIOCARD, a comma-separated list of:
 *
 *   rate=N        hardware rate in Hz (default 48000)
 *   channels=N    1..8 (default 2)
 *   block=N       frames per DMA block (default rate / 100)
 *   clock=real    a host thread plays one block per block period (default)
 *   clock=virtual time moves only in rump_pub_audiocard_advance()
 *   speed=N       real clock only: run N times faster than real time
 *
 * The hardware format is always signed 16-bit little-endian.  Calls
 * return 0 or a host errno: ENXIO for a unit not attached, EINVAL for
 * bad arguments.
 */
#ifndef _RUMP_AUDIOCARD_H_
#define _RUMP_AUDIOCARD_H_

#include <stddef.h>
#include <stdint.h>

struct audiocard_info {
	unsigned int	ai_rate;
	unsigned int	ai_channels;
	unsigned int	ai_blockframes;
	int		ai_playing;	/* play DMA running */
	int		ai_recording;	/* record DMA running */
	int		ai_stuck;
	unsigned long long ai_play_blocks;	/* blocks played */
	unsigned long long ai_rec_blocks;	/* blocks recorded */
	unsigned long long ai_hw_underruns;	/* silence: ring empty */
	unsigned long long ai_hw_overruns;	/* ring full: block dropped */
	unsigned long long ai_intrs;		/* interrupts raised */
};

int	rump_pub_audiocard_info(unsigned int unit, struct audiocard_info *);
/*
 * Virtual clock: let nframes hardware frames of time pass (whole blocks;
 * the rest carries to the next call).  Each block's interrupt has been
 * handled by the kernel before the next block and before the return.
 * *blocksp (may be NULL) gets the number of block periods run; none run
 * while the card is stuck or stopped.  EINVAL with a real-time clock.
 */
int	rump_pub_audiocard_advance(unsigned int unit, unsigned int nframes,
	    unsigned int *blocksp);
/* Stuck hardware: no DMA and no interrupts until unstuck. */
int	rump_pub_audiocard_set_stuck(unsigned int unit, int stuck);
/*
 * Record from this WAV file (PCM s16le with the card's rate and
 * channels, else EINVAL; errno of opening it); NULL: silence.
 */
int	rump_pub_audiocard_set_record(unsigned int unit, const char *path);
/*
 * Everything the card has played since attach (or the last clear), as
 * interleaved int16 frames: a malloc'd copy for the caller to free.
 * Also valid after the card detached, until the next attach of the unit.
 */
int	rump_pub_audiocard_output(unsigned int unit, int16_t **framesp,
	    size_t *nframesp);
int	rump_pub_audiocard_write_wav(unsigned int unit, const char *path);
int	rump_pub_audiocard_clear_output(unsigned int unit);

/*
 * Detach the card (and the audio device on it) while the kernel runs,
 * as if it were unplugged: kernel half, fakeaudio.c.
 */
int	rump_pub_audiocard_detach(unsigned int unit);

#endif /* _RUMP_AUDIOCARD_H_ */
