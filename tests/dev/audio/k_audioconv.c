/*
 * k_audioconv.c: thin entry points to the audio component's pure
 * conversion routines, so t_audioconv can check them sample by sample.
 * They need no kernel context (no locks, no allocation).
 */
#include <rump-sys/systm.h>

#include "audio_conv.h"
#include "k_audioconv.h"

CTASSERT(KT_ULAW == AUCONV_ULAW && KT_U8 == AUCONV_U8 &&
    KT_S16LE == AUCONV_S16LE);

int16_t
rump_pub_ktest_ulaw_decode(uint8_t u)
{
	return auconv_ulaw_decode(u);
}

uint8_t
rump_pub_ktest_ulaw_encode(int16_t s)
{
	return auconv_ulaw_encode(s);
}

void
rump_pub_ktest_audecode(int enc, const uint8_t *src, int16_t *dst, size_t n)
{
	auconv_decode(enc, src, dst, n);
}

void
rump_pub_ktest_auencode(int enc, const int16_t *src, uint8_t *dst, size_t n)
{
	auconv_encode(enc, src, dst, n);
}

void
rump_pub_ktest_chmap(const int16_t *src, unsigned sch, int16_t *dst,
    unsigned dch, size_t n)
{
	auconv_chmap(src, sch, dst, dch, n);
}

size_t
rump_pub_ktest_rs_size(void)
{
	return sizeof(struct auconv_rs);
}

void
rump_pub_ktest_rs_init(void *rs, unsigned src, unsigned dst, unsigned ch)
{
	auconv_rs_init(rs, src, dst, ch);
}

size_t
rump_pub_ktest_rs_maxout(const void *rs, size_t nin)
{
	return auconv_rs_maxout(rs, nin);
}

size_t
rump_pub_ktest_rs_run(void *rs, const int16_t *in, size_t nin, int16_t *out)
{
	return auconv_rs_run(rs, in, nin, out);
}

void
rump_pub_ktest_mix(int32_t *acc, const int16_t *src, size_t n)
{
	auconv_mix(acc, src, n);
}

void
rump_pub_ktest_mixdown(const int32_t *acc, int16_t *dst, size_t n,
    unsigned vol, int mute)
{
	auconv_mixdown(acc, dst, n, vol, mute);
}

size_t
rump_pub_ktest_ring_size(void)
{
	return sizeof(struct auring);
}

void
rump_pub_ktest_ring_init(void *r, void *buf, size_t size)
{
	auring_init(r, buf, size);
}

size_t
rump_pub_ktest_ring_put(void *r, const void *src, size_t len)
{
	return auring_put(r, src, len);
}

size_t
rump_pub_ktest_ring_get(void *r, void *dst, size_t len)
{
	return auring_get(r, dst, len);
}

size_t
rump_pub_ktest_ring_used(const void *r)
{
	return auring_used(r);
}
