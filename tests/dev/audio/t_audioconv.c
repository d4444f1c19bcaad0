/*
 * t_audioconv: the audio component's sample arithmetic, checked from
 * outside through k_audioconv.c: mu-law against G.711's fixed points
 * and its quantisation bound, the linear encodings bit-exact, channel
 * mapping, the rate converter (exact on ramps, the same output however
 * the input is cut, within its output bound), mixing and the ring.
 */
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "k_audioconv.h"

ATF_TC_WITHOUT_HEAD(ulaw_fixed_points_and_roundtrip);
ATF_TC_BODY(ulaw_fixed_points_and_roundtrip, tc)
{
	ATF_CHECK_EQ(rump_pub_ktest_ulaw_decode(0xff), 0);
	ATF_CHECK_EQ(rump_pub_ktest_ulaw_decode(0x7f), 0);
	ATF_CHECK_EQ(rump_pub_ktest_ulaw_decode(0x80), 32124);
	ATF_CHECK_EQ(rump_pub_ktest_ulaw_decode(0x00), -32124);
	ATF_CHECK_EQ(rump_pub_ktest_ulaw_encode(0), 0xff);
	ATF_CHECK_EQ(rump_pub_ktest_ulaw_encode(32767), 0x80);
	ATF_CHECK_EQ(rump_pub_ktest_ulaw_encode(-32768), 0x00);
	for (int u = 0; u < 256; u++) {
		uint8_t back = rump_pub_ktest_ulaw_encode(
		    rump_pub_ktest_ulaw_decode((uint8_t)u));
		ATF_CHECK_MSG(back == u || (u == 0x7f && back == 0xff),
		    "code 0x%02x came back as 0x%02x", u, back);
	}
	/* Codes 0xff down to 0x80 are increasing positive values. */
	for (int u = 0xff; u > 0x80; u--)
		ATF_CHECK(rump_pub_ktest_ulaw_decode((uint8_t)u) <
		    rump_pub_ktest_ulaw_decode((uint8_t)(u - 1)));
}

ATF_TC_WITHOUT_HEAD(ulaw_error_within_quantisation_step);
ATF_TC_BODY(ulaw_error_within_quantisation_step, tc)
{
	for (int s = -32000; s <= 32000; s++) {
		int d = rump_pub_ktest_ulaw_decode(
		    rump_pub_ktest_ulaw_encode((int16_t)s));
		int err = abs(d - s), bound = abs(s) / 16 + 16;
		ATF_REQUIRE_MSG(err <= bound, "%d decodes as %d", s, d);
	}
}

ATF_TC_WITHOUT_HEAD(linear_encodings_exact);
ATF_TC_BODY(linear_encodings_exact, tc)
{
	uint8_t u8[256], back[512];
	int16_t s[256];
	const uint8_t le[4] = { 0x34, 0x12, 0x00, 0x80 };

	for (int i = 0; i < 256; i++)
		u8[i] = (uint8_t)i;
	rump_pub_ktest_audecode(KT_U8, u8, s, 256);
	ATF_CHECK_EQ(s[0x80], 0);
	ATF_CHECK_EQ(s[0], -32768);
	ATF_CHECK_EQ(s[255], 32512);
	rump_pub_ktest_auencode(KT_U8, s, back, 256);
	ATF_CHECK(memcmp(back, u8, 256) == 0);

	rump_pub_ktest_audecode(KT_S16LE, le, s, 2);
	ATF_CHECK_EQ(s[0], 0x1234);
	ATF_CHECK_EQ(s[1], -32768);
	rump_pub_ktest_auencode(KT_S16LE, s, back, 2);
	ATF_CHECK(memcmp(back, le, 4) == 0);
}

ATF_TC_WITHOUT_HEAD(channel_mapping);
ATF_TC_BODY(channel_mapping, tc)
{
	const int16_t mono[3] = { 100, -200, 300 };
	const int16_t st[4] = { 100, 300, -1000, 1000 };
	const int16_t quad[4] = { 1, 2, 3, 6 };
	int16_t out[16];

	rump_pub_ktest_chmap(mono, 1, out, 2, 3);
	ATF_CHECK(out[0] == 100 && out[1] == 100 && out[4] == 300 &&
	    out[5] == 300);
	rump_pub_ktest_chmap(st, 2, out, 1, 2);
	ATF_CHECK_EQ(out[0], 200);
	ATF_CHECK_EQ(out[1], 0);
	rump_pub_ktest_chmap(quad, 4, out, 2, 1);
	ATF_CHECK(out[0] == 1 && out[1] == 2);
	rump_pub_ktest_chmap(st, 2, out, 3, 1);
	ATF_CHECK(out[0] == 100 && out[1] == 300 && out[2] == 200);
}

/* Convert in pieces of the given sizes (cycled); returns output frames. */
static size_t
rs_pieces(unsigned src, unsigned dst, const int16_t *in, size_t nin,
    int16_t *out, const size_t *pieces, size_t npieces)
{
	void *rs = malloc(rump_pub_ktest_rs_size());
	size_t done = 0, nout = 0, k = 0;

	ATF_REQUIRE(rs != NULL);
	rump_pub_ktest_rs_init(rs, src, dst, 1);
	while (done < nin) {
		size_t n = pieces[k++ % npieces];
		if (n > nin - done)
			n = nin - done;
		size_t max = rump_pub_ktest_rs_maxout(rs, n);
		size_t got = rump_pub_ktest_rs_run(rs, in + done, n, out + nout);
		ATF_REQUIRE_MSG(got <= max, "%zu frames out, bound %zu", got,
		    max);
		nout += got;
		done += n;
	}
	free(rs);
	return nout;
}

ATF_TC_WITHOUT_HEAD(resample_up_exact_on_ramp);
ATF_TC_BODY(resample_up_exact_on_ramp, tc)
{
	enum { N = 400 };
	int16_t in[N], out[6 * N + 8];
	const size_t all[] = { N };
	size_t n;

	for (int i = 0; i < N; i++)
		in[i] = (int16_t)(60 * i - 12000);
	n = rs_pieces(8000, 48000, in, N, out, all, 1);
	ATF_REQUIRE_EQ(n, 6 * (N - 1));
	for (size_t k = 0; k < n; k++)
		ATF_REQUIRE_MSG(out[k] == 10 * (int)k - 12000,
		    "frame %zu is %d", k, out[k]);
}

ATF_TC_WITHOUT_HEAD(resample_down_exact_on_ramp);
ATF_TC_BODY(resample_down_exact_on_ramp, tc)
{
	enum { N = 4801 };
	static int16_t in[N], out[N];
	const size_t all[] = { N };
	size_t n;

	for (int i = 0; i < N; i++)
		in[i] = (int16_t)(i * 5 - 12000);
	n = rs_pieces(48000, 8000, in, N, out, all, 1);
	ATF_REQUIRE_EQ(n, (N - 1) / 6);
	for (size_t k = 0; k < n; k++)
		ATF_REQUIRE_EQ(out[k], in[6 * k]);
}

ATF_TC_WITHOUT_HEAD(resample_independent_of_pieces);
ATF_TC_BODY(resample_independent_of_pieces, tc)
{
	enum { N = 10000 };
	static int16_t in[N], a[7 * N], b[7 * N];
	const size_t all[] = { N }, odd[] = { 1, 7, 130, 3, 999, 2 };
	const unsigned rates[][2] = { { 44100, 48000 }, { 48000, 44100 },
	    { 8000, 48000 }, { 11025, 8000 }, { 48000, 48000 } };

	for (int i = 0; i < N; i++)
		in[i] = (int16_t)((i * 7919) % 20000 - 10000);
	for (size_t r = 0; r < sizeof(rates) / sizeof(rates[0]); r++) {
		size_t na = rs_pieces(rates[r][0], rates[r][1], in, N, a, all,
		    1);
		size_t nb = rs_pieces(rates[r][0], rates[r][1], in, N, b, odd,
		    6);
		double want = (double)N * rates[r][1] / rates[r][0];
		ATF_CHECK_EQ_MSG(na, nb, "%u->%u", rates[r][0], rates[r][1]);
		ATF_CHECK_MSG(na + 8 >= want && na <= want + 1,
		    "%u->%u: %zu frames from %d", rates[r][0], rates[r][1],
		    na, N);
		ATF_CHECK_MSG(memcmp(a, b, na * sizeof(a[0])) == 0,
		    "%u->%u differs when cut", rates[r][0], rates[r][1]);
	}
}

ATF_TC_WITHOUT_HEAD(mix_volume_mute_and_clip);
ATF_TC_BODY(mix_volume_mute_and_clip, tc)
{
	const int16_t x[4] = { 1000, -1000, 30000, -30000 };
	const int16_t y[4] = { 2000, 500, 30000, -30000 };
	int32_t acc[4] = { 0, 0, 0, 0 };
	int16_t out[4];

	rump_pub_ktest_mix(acc, x, 4);
	rump_pub_ktest_mix(acc, y, 4);
	rump_pub_ktest_mixdown(acc, out, 4, 255, 0);
	ATF_CHECK(out[0] == 3000 && out[1] == -500 && out[2] == 32767 &&
	    out[3] == -32768);
	rump_pub_ktest_mixdown(acc, out, 4, 51, 0);	/* one fifth */
	ATF_CHECK(out[0] == 600 && out[1] == -100 && out[2] == 12000 &&
	    out[3] == -12000);
	rump_pub_ktest_mixdown(acc, out, 4, 255, 1);
	ATF_CHECK(out[0] == 0 && out[1] == 0 && out[2] == 0 && out[3] == 0);
}

ATF_TC_WITHOUT_HEAD(ring_wraps);
ATF_TC_BODY(ring_wraps, tc)
{
	uint8_t store[10], out[16], src[16];
	void *r = malloc(rump_pub_ktest_ring_size());

	ATF_REQUIRE(r != NULL);
	for (int i = 0; i < 16; i++)
		src[i] = (uint8_t)(i + 1);
	rump_pub_ktest_ring_init(r, store, sizeof(store));
	ATF_CHECK_EQ(rump_pub_ktest_ring_put(r, src, 7), 7);
	ATF_CHECK_EQ(rump_pub_ktest_ring_get(r, out, 5), 5);
	ATF_CHECK(memcmp(out, src, 5) == 0);
	/* 2 held; 8 fit, wrapping past the end */
	ATF_CHECK_EQ(rump_pub_ktest_ring_put(r, src + 7, 9), 8);
	ATF_CHECK_EQ(rump_pub_ktest_ring_used(r), 10);
	ATF_CHECK_EQ(rump_pub_ktest_ring_get(r, out, 16), 10);
	ATF_CHECK(memcmp(out, src + 5, 10) == 0);
	ATF_CHECK_EQ(rump_pub_ktest_ring_used(r), 0);
	free(r);
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, ulaw_fixed_points_and_roundtrip);
	ATF_TP_ADD_TC(tp, ulaw_error_within_quantisation_step);
	ATF_TP_ADD_TC(tp, linear_encodings_exact);
	ATF_TP_ADD_TC(tp, channel_mapping);
	ATF_TP_ADD_TC(tp, resample_up_exact_on_ramp);
	ATF_TP_ADD_TC(tp, resample_down_exact_on_ramp);
	ATF_TP_ADD_TC(tp, resample_independent_of_pieces);
	ATF_TP_ADD_TC(tp, mix_volume_mute_and_clip);
	ATF_TP_ADD_TC(tp, ring_wraps);
	return atf_no_error();
}
