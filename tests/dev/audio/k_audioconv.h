/*
 * k_audioconv.h: the audio component's conversion routines
 * (sys/rump/dev/audio/audio_conv.c), reachable from the host half of
 * t_audioconv.  The resampler state is opaque here: allocate
 * rump_pub_ktest_rs_size() bytes.  Encodings: 1 mu-law, 2 u8, 3 s16le.
 */
#ifndef _K_AUDIOCONV_H_
#define _K_AUDIOCONV_H_

#include <stddef.h>
#include <stdint.h>

#define KT_ULAW		1
#define KT_U8		2
#define KT_S16LE	3

int16_t	rump_pub_ktest_ulaw_decode(uint8_t);
uint8_t	rump_pub_ktest_ulaw_encode(int16_t);
void	rump_pub_ktest_audecode(int enc, const uint8_t *, int16_t *, size_t);
void	rump_pub_ktest_auencode(int enc, const int16_t *, uint8_t *, size_t);
void	rump_pub_ktest_chmap(const int16_t *, unsigned, int16_t *, unsigned,
	    size_t);
size_t	rump_pub_ktest_rs_size(void);
void	rump_pub_ktest_rs_init(void *rs, unsigned src, unsigned dst,
	    unsigned ch);
size_t	rump_pub_ktest_rs_maxout(const void *rs, size_t nin);
size_t	rump_pub_ktest_rs_run(void *rs, const int16_t *, size_t, int16_t *);
void	rump_pub_ktest_mix(int32_t *acc, const int16_t *, size_t);
void	rump_pub_ktest_mixdown(const int32_t *, int16_t *, size_t,
	    unsigned vol, int mute);
/* A ring over buf: returns the bytes moved by each put/get in order. */
size_t	rump_pub_ktest_ring_size(void);
void	rump_pub_ktest_ring_init(void *r, void *buf, size_t size);
size_t	rump_pub_ktest_ring_put(void *r, const void *, size_t);
size_t	rump_pub_ktest_ring_get(void *r, void *, size_t);
size_t	rump_pub_ktest_ring_used(const void *r);

#endif /* _K_AUDIOCONV_H_ */
