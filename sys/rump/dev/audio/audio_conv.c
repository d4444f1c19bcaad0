/*
 * audio_conv.c: the sample arithmetic of the audio component: G.711
 * mu-law, 8-bit unsigned and 16-bit signed linear to and from int16,
 * channel mapping, a linear-interpolation rate converter, mixing with a
 * master volume, and the byte ring the tracks buffer in.  No locks and
 * no allocation here: callers (audio.c) own both.
 */
#include <rump-sys/systm.h>

#include "audio_conv.h"

#define ULAW_BIAS	0x84
#define ULAW_CLIP	32635

u_int
auconv_bps(int enc)
{
	switch (enc) {
	case AUCONV_ULAW:
	case AUCONV_U8:
		return 1;
	case AUCONV_S16LE:
		return 2;
	default:
		return 0;
	}
}

/* G.711: the code is stored inverted; 3 exponent bits, 4 mantissa bits. */
int16_t
auconv_ulaw_decode(uint8_t u)
{
	int t;

	u = (uint8_t)~u;
	t = ((((int)u & 0x0f) << 3) + ULAW_BIAS) << (((int)u & 0x70) >> 4);
	return (int16_t)((u & 0x80) ? ULAW_BIAS - t : t - ULAW_BIAS);
}

uint8_t
auconv_ulaw_encode(int16_t s)
{
	int v = s, sign = 0, exp, mant;

	if (v < 0) {
		sign = 0x80;
		v = -v;
	}
	if (v > ULAW_CLIP)
		v = ULAW_CLIP;
	v += ULAW_BIAS;
	/* v >> 7 is 1..255: the exponent is the position of its top bit. */
	exp = 31 - __builtin_clz((unsigned)(v >> 7));
	mant = (v >> (exp + 3)) & 0x0f;
	return (uint8_t)~(sign | (exp << 4) | mant);
}

void
auconv_decode(int enc, const uint8_t *src, int16_t *dst, size_t n)
{
	size_t i;

	switch (enc) {
	case AUCONV_ULAW:
		for (i = 0; i < n; i++)
			dst[i] = auconv_ulaw_decode(src[i]);
		break;
	case AUCONV_U8:
		for (i = 0; i < n; i++)
			dst[i] = (int16_t)(((int)src[i] - 0x80) * 256);
		break;
	case AUCONV_S16LE:
		for (i = 0; i < n; i++)
			dst[i] = (int16_t)(src[2 * i] | (src[2 * i + 1] << 8));
		break;
	default:
		panic("%s: encoding %d", __func__, enc);
	}
}

void
auconv_encode(int enc, const int16_t *src, uint8_t *dst, size_t n)
{
	size_t i;

	switch (enc) {
	case AUCONV_ULAW:
		for (i = 0; i < n; i++)
			dst[i] = auconv_ulaw_encode(src[i]);
		break;
	case AUCONV_U8:
		for (i = 0; i < n; i++)
			dst[i] = (uint8_t)((src[i] >> 8) + 0x80);
		break;
	case AUCONV_S16LE:
		for (i = 0; i < n; i++) {
			dst[2 * i] = (uint8_t)((uint16_t)src[i] & 0xff);
			dst[2 * i + 1] = (uint8_t)((uint16_t)src[i] >> 8);
		}
		break;
	default:
		panic("%s: encoding %d", __func__, enc);
	}
}

static int16_t
frame_average(const int16_t *f, u_int ch)
{
	int32_t sum = 0;
	u_int c;

	for (c = 0; c < ch; c++)
		sum += f[c];
	return (int16_t)(sum / (int32_t)ch);
}

void
auconv_chmap(const int16_t *src, u_int sch, int16_t *dst, u_int dch,
    size_t nframes)
{
	size_t i;
	u_int c;

	KASSERT(sch >= 1 && sch <= AUCONV_MAXCHAN);
	KASSERT(dch >= 1 && dch <= AUCONV_MAXCHAN);
	if (sch == dch) {
		memmove(dst, src, nframes * sch * sizeof(*src));
		return;
	}
	for (i = 0; i < nframes; i++, src += sch, dst += dch) {
		if (sch == 1) {
			for (c = 0; c < dch; c++)
				dst[c] = src[0];
		} else if (dch == 1) {
			dst[0] = frame_average(src, sch);
		} else {
			for (c = 0; c < dch; c++)
				dst[c] = c < sch ? src[c] :
				    frame_average(src, sch);
		}
	}
}

void
auconv_rs_init(struct auconv_rs *rs, u_int src, u_int dst, u_int ch)
{
	KASSERT(src > 0 && dst > 0);
	KASSERT(ch >= 1 && ch <= AUCONV_MAXCHAN);
	memset(rs, 0, sizeof(*rs));
	rs->rs_src = src;
	rs->rs_dst = dst;
	rs->rs_ch = ch;
}

size_t
auconv_rs_maxout(const struct auconv_rs *rs, size_t nin)
{
	/* Each input frame emits ceil-ish dst/src frames; +1 for phase. */
	return (size_t)(((uint64_t)nin * rs->rs_dst + rs->rs_src - 1) /
	    rs->rs_src) + 1;
}

/*
 * Output frame k lies at input position k * src / dst.  rs_frac is that
 * position's fraction past rs_prev, in units of 1/dst of an input frame;
 * each output advances it by src, each input frame consumes dst.
 */
size_t
auconv_rs_run(struct auconv_rs *rs, const int16_t *in, size_t nin,
    int16_t *out)
{
	const u_int ch = rs->rs_ch, src = rs->rs_src, dst = rs->rs_dst;
	size_t i, nout = 0;
	u_int c;

	if (src == dst && !rs->rs_primed) {
		memmove(out, in, nin * ch * sizeof(*in));
		return nin;
	}
	for (i = 0; i < nin; i++, in += ch) {
		if (!rs->rs_primed) {
			memcpy(rs->rs_prev, in, ch * sizeof(*in));
			rs->rs_primed = 1;
			continue;
		}
		while (rs->rs_frac < dst) {
			for (c = 0; c < ch; c++) {
				int32_t d = in[c] - rs->rs_prev[c];
				out[c] = (int16_t)(rs->rs_prev[c] +
				    (int32_t)(((int64_t)d * rs->rs_frac) /
				    dst));
			}
			out += ch;
			nout++;
			rs->rs_frac += src;
		}
		rs->rs_frac -= dst;
		memcpy(rs->rs_prev, in, ch * sizeof(*in));
	}
	return nout;
}

void
auconv_mix(int32_t *acc, const int16_t *src, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		acc[i] += src[i];
}

void
auconv_mixdown(const int32_t *acc, int16_t *dst, size_t n, u_int vol,
    int mute)
{
	size_t i;
	int32_t v;

	KASSERT(vol <= 255);
	if (mute || vol == 0) {
		memset(dst, 0, n * sizeof(*dst));
		return;
	}
	for (i = 0; i < n; i++) {
		v = vol == 255 ? acc[i] : (int32_t)(((int64_t)acc[i] * vol) /
		    255);
		if (v > INT16_MAX)
			v = INT16_MAX;
		else if (v < INT16_MIN)
			v = INT16_MIN;
		dst[i] = (int16_t)v;
	}
}

void
auring_init(struct auring *r, void *buf, size_t size)
{
	r->r_buf = buf;
	r->r_size = size;
	r->r_head = 0;
	r->r_used = 0;
}

size_t
auring_used(const struct auring *r)
{
	return r->r_used;
}

size_t
auring_space(const struct auring *r)
{
	return r->r_size - r->r_used;
}

size_t
auring_put(struct auring *r, const void *src, size_t len)
{
	size_t tail, n, first;

	n = MIN(len, auring_space(r));
	tail = (r->r_head + r->r_used) % r->r_size;
	first = MIN(n, r->r_size - tail);
	memcpy(r->r_buf + tail, src, first);
	memcpy(r->r_buf, (const uint8_t *)src + first, n - first);
	r->r_used += n;
	return n;
}

size_t
auring_get(struct auring *r, void *dst, size_t len)
{
	size_t n, first;

	n = MIN(len, r->r_used);
	first = MIN(n, r->r_size - r->r_head);
	memcpy(dst, r->r_buf + r->r_head, first);
	memcpy((uint8_t *)dst + first, r->r_buf, n - first);
	r->r_head = (r->r_head + n) % r->r_size;
	r->r_used -= n;
	return n;
}

void
auring_flush(struct auring *r)
{
	r->r_head = 0;
	r->r_used = 0;
}
