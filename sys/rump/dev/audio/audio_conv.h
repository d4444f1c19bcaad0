/*
 * audio_conv.h: sample format conversion, channel mapping, sample-rate
 * conversion, mixing and the byte ring of the audio component.  Private
 * to sys/rump/dev/audio; pure functions on caller-supplied buffers (no
 * allocation, no locks), so the kernel half of tests/dev/audio can test
 * them directly and the benchmark can time them.
 *
 * The audio layer's internal format is signed 16-bit host-order
 * samples, interleaved by channel ("int16 frames").
 */
#ifndef _AUDIO_CONV_H_
#define _AUDIO_CONV_H_

#include <rump-sys/types.h>

/* Internal encodings (the audioio.h encoding+precision pairs map here). */
#define AUCONV_ULAW	1	/* G.711 mu-law, 8 bits */
#define AUCONV_U8	2	/* unsigned linear 8 bits, 0x80 is zero */
#define AUCONV_S16LE	3	/* signed linear 16 bits little-endian */

#define AUCONV_MAXCHAN	8

/* Bytes per sample of an encoding; 0 for an unknown one. */
u_int	auconv_bps(int enc);

/* One sample each way, for tests and tables. */
int16_t	auconv_ulaw_decode(uint8_t u);
uint8_t	auconv_ulaw_encode(int16_t s);

/* n samples of encoding enc to int16 and back. */
void	auconv_decode(int enc, const uint8_t *src, int16_t *dst, size_t n);
void	auconv_encode(int enc, const int16_t *src, uint8_t *dst, size_t n);

/*
 * nframes frames of sch channels to dch channels: equal counts copy,
 * mono is duplicated into every channel, anything down to mono is the
 * average, otherwise the first min(sch, dch) channels are kept and any
 * extra ones get the average of the source frame.
 */
void	auconv_chmap(const int16_t *src, u_int sch, int16_t *dst, u_int dch,
	    size_t nframes);

/*
 * Linear-interpolation sample-rate converter, streaming: the state
 * carries the last input frame and the phase between calls, so a
 * stream cut into any pieces converts to the same output.  One input
 * frame of delay (the first frame only primes the state).
 */
struct auconv_rs {
	u_int	rs_src;			/* input rate, Hz */
	u_int	rs_dst;			/* output rate, Hz */
	u_int	rs_ch;			/* channels */
	u_int	rs_frac;		/* phase: rs_dst units per input frame */
	int	rs_primed;		/* rs_prev holds a frame */
	int16_t	rs_prev[AUCONV_MAXCHAN];
};

void	auconv_rs_init(struct auconv_rs *, u_int src, u_int dst, u_int ch);
/* At most this many output frames come from nin input frames. */
size_t	auconv_rs_maxout(const struct auconv_rs *, size_t nin);
/*
 * Convert nin frames; out must hold auconv_rs_maxout(nin) frames.
 * Returns the number of frames written.
 */
size_t	auconv_rs_run(struct auconv_rs *, const int16_t *in, size_t nin,
	    int16_t *out);

/* acc[i] += src[i] for n samples. */
void	auconv_mix(int32_t *acc, const int16_t *src, size_t n);
/*
 * dst[i] = acc[i] * vol / 255, saturated to int16 (vol 0..255; mute
 * gives silence).
 */
void	auconv_mixdown(const int32_t *acc, int16_t *dst, size_t n, u_int vol,
	    int mute);

/*
 * A byte ring.  The caller owns the storage and the locking.
 */
struct auring {
	uint8_t	*r_buf;
	size_t	 r_size;
	size_t	 r_head;		/* read offset */
	size_t	 r_used;		/* bytes held */
};

void	auring_init(struct auring *, void *buf, size_t size);
size_t	auring_used(const struct auring *);
size_t	auring_space(const struct auring *);
/* Copy in/out up to len bytes; returns how many. */
size_t	auring_put(struct auring *, const void *src, size_t len);
size_t	auring_get(struct auring *, void *dst, size_t len);
void	auring_flush(struct auring *);

#endif /* _AUDIO_CONV_H_ */
