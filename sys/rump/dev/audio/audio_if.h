/*
 * audio_if.h: between a sound card driver (fakeaudio.c) and the audio
 * layer (audio.c) attached on it at the "audiobus" attribute, NetBSD's
 * audio_hw_if in miniature.  The card moves signed 16-bit little-endian
 * frames in blocks through DMA rings; the audio layer fills and drains
 * them from the card's interrupt.
 */
#ifndef _AUDIO_IF_H_
#define _AUDIO_IF_H_

#include <rump-sys/types.h>

struct audio_softc;

struct audio_hw {
	u_int	ah_rate;		/* Hz */
	u_int	ah_channels;
	u_int	ah_blockframes;		/* frames per block */
	u_int	ah_nblk;		/* blocks per DMA ring */
	void	*ah_cookie;		/* the card's, for the calls below */
	/*
	 * Route the card's interrupts to audio_intr(sc); NULL stops that.
	 * Once it returns no audio_intr runs for the old value.
	 */
	void	(*ah_hook)(void *, struct audio_softc *);
	void	(*ah_start_output)(void *);
	void	(*ah_halt_output)(void *);	/* drops queued blocks */
	void	(*ah_start_input)(void *);
	void	(*ah_halt_input)(void *);
	/* DMA: the next free play block / oldest recorded block, or NULL */
	void	*(*ah_play_getblock)(void *);
	void	(*ah_play_putblock)(void *);
	void	*(*ah_rec_getblock)(void *);
	void	(*ah_rec_putblock)(void *);
};

struct audio_attach_args {
	const struct audio_hw	*aa_hw;
};

/* The card's interrupt, on the interrupt's kernel thread. */
void	audio_intr(struct audio_softc *);

#endif /* _AUDIO_IF_H_ */
