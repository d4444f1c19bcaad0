/*
 * audio_user.h: the door between the fake sound card's kernel half
 * (fakeaudio.c) and its host half (audio_user.c).  Freestanding types
 * only; every call returns 0 or a kernel errno (RUMP_E*).
 *
 * The card has a fixed hardware format, signed 16-bit little-endian
 * interleaved frames at hw_rate with hw_channels, moved in blocks of
 * hw_blockframes frames.  Each direction has a DMA ring of
 * RUMPCOMP_AUDIO_NBLK blocks.  Playback: the kernel fills free blocks
 * (play_getblock/play_putblock); every block period the card takes the
 * oldest filled block (or plays silence and counts a hardware underrun)
 * and raises its interrupt.  Recording: every block period the card
 * fills a block from its WAV source (silence past its end; a full ring
 * drops the block and counts an overrun) and raises the interrupt; the
 * kernel takes filled blocks with rec_getblock/rec_putblock.
 *
 * The clock is either real time (optionally sped up), run by a host
 * thread the kernel half starts with rumpuser_thread_create on
 * rumpcomp_audio_clock, or virtual: the test advances it with
 * rump_pub_audiocard_advance (rump/audiocard.h).
 *
 * The host half's lock is held only for a few instructions and never
 * across a wait or an interrupt call, so the calls below do not block.
 */
#ifndef _AUDIO_USER_H_
#define _AUDIO_USER_H_

#include <stddef.h>
#include <stdint.h>

#define RUMPCOMP_AUDIO_NBLK	4
#define RUMPCOMP_AUDIO_MAXUNIT	4

struct rumpcomp_audio_hw {
	uint32_t	hw_rate;
	uint32_t	hw_channels;
	uint32_t	hw_blockframes;
	uint32_t	hw_realtime;	/* 1: start the clock thread */
};

/*
 * A card for unit, configured by the host environment variable
 * RUMP_AUDIOCARD ("rate=48000,channels=2,block=480,clock=real|virtual,
 * speed=N").  RUMP_EINVAL for a bad setting, RUMP_EBUSY if the unit is
 * attached already, RUMP_ENOMEM.
 */
int	rumpcomp_audio_attach(unsigned int unit, struct rumpcomp_audio_hw *hw,
	    void **cardp);
/* Forget the card; its clock thread must have been joined. */
void	rumpcomp_audio_detach(void *card);
/*
 * The interrupt: after every block period the clock's thread raises it
 * with rumpcomp_intr_trigger(hostcookie) (rumpdev, rumpcomp_intr.h).
 */
void	rumpcomp_audio_setintr(void *card, void *hostcookie);
/* The real-time clock thread's body; returns after rumpcomp_audio_quit. */
void	*rumpcomp_audio_clock(void *card);
void	rumpcomp_audio_quit(void *card);

void	rumpcomp_audio_play_start(void *card);
void	rumpcomp_audio_play_stop(void *card);	/* drops queued blocks */
void	rumpcomp_audio_rec_start(void *card);
void	rumpcomp_audio_rec_stop(void *card);
/* The next free play block (hw_blockframes frames), or NULL. */
void	*rumpcomp_audio_play_getblock(void *card);
void	rumpcomp_audio_play_putblock(void *card);
/* The oldest recorded block, or NULL. */
void	*rumpcomp_audio_rec_getblock(void *card);
void	rumpcomp_audio_rec_putblock(void *card);
/*
 * The kernel's handler brackets its work with these, so the virtual
 * clock knows which interrupts were handled: begin returns the number
 * raised so far, done(seq) says all of those are.
 */
uint64_t rumpcomp_audio_intr_begin(void *card);
void	rumpcomp_audio_intr_done(void *card, uint64_t seq);

#endif /* _AUDIO_USER_H_ */
