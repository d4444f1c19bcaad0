/*
 * t_string.c: the kernel's memory and string routines agree with libc's
 * for every alignment and a range of lengths, and touch nothing outside
 * the bytes they were given.
 */
#include <string.h>

#include "harness.h"
#include "k_string.h"

#define SPAN	160
#define GUARD	32

static unsigned char ref[SPAN + 2 * GUARD], got[SPAN + 2 * GUARD];

static void
fill(unsigned char *p, size_t len, unsigned seed)
{
	for (size_t i = 0; i < len; i++)
		p[i] = (unsigned char)(seed * 131 + i * 7 + 1);
}

ATF_TC_WITHOUT_HEAD(memset_matches_libc);
ATF_TC_BODY(memset_matches_libc, tc)
{
	for (size_t al = 0; al < 16; al++) {
		for (size_t len = 0; len <= SPAN - 16; len++) {
			fill(ref, sizeof(ref), (unsigned)len);
			memcpy(got, ref, sizeof(got));
			memset(ref + GUARD + al, 0xa5, len);
			ATF_REQUIRE(rump_pub_ktest_memset(got + GUARD + al, 0xa5,
			    len) == got + GUARD + al);
			ATF_REQUIRE_MSG(memcmp(ref, got, sizeof(ref)) == 0,
			    "memset differs at alignment %zu length %zu", al,
			    len);
		}
	}
}

ATF_TC_WITHOUT_HEAD(memcpy_memmove_match_libc);
ATF_TC_BODY(memcpy_memmove_match_libc, tc)
{
	unsigned char src[SPAN + 16];

	fill(src, sizeof(src), 99);
	for (size_t sa = 0; sa < 8; sa++)
	for (size_t da = 0; da < 8; da++)
	for (size_t len = 0; len <= SPAN - 16; len += 3) {
		fill(ref, sizeof(ref), 5);
		memcpy(got, ref, sizeof(got));
		memcpy(ref + GUARD + da, src + sa, len);
		rump_pub_ktest_memcpy(got + GUARD + da, src + sa, len);
		ATF_REQUIRE_MSG(memcmp(ref, got, sizeof(ref)) == 0,
		    "memcpy differs: src+%zu dst+%zu len %zu", sa, da, len);
		/* Overlapping moves both ways, within one buffer. */
		fill(ref, sizeof(ref), 7);
		memcpy(got, ref, sizeof(got));
		memmove(ref + GUARD + da, ref + GUARD + sa, len);
		rump_pub_ktest_memmove(got + GUARD + da, got + GUARD + sa, len);
		ATF_REQUIRE_MSG(memcmp(ref, got, sizeof(ref)) == 0,
		    "memmove differs: from +%zu to +%zu len %zu", sa, da, len);
	}
}

ATF_TC_WITHOUT_HEAD(memcmp_strlcpy_match_libc);
ATF_TC_BODY(memcmp_strlcpy_match_libc, tc)
{
	unsigned char a[64], b[64];
	char dst[16];

	fill(a, sizeof(a), 3);
	memcpy(b, a, sizeof(b));
	ATF_CHECK_EQ(rump_pub_ktest_memcmp(a, b, sizeof(a)), 0);
	b[40]++;
	ATF_CHECK(rump_pub_ktest_memcmp(a, b, sizeof(a)) < 0);
	ATF_CHECK(rump_pub_ktest_memcmp(b, a, sizeof(a)) > 0);
	ATF_CHECK_EQ(rump_pub_ktest_memcmp(a, b, 40), 0);

	memset(dst, 'x', sizeof(dst));
	ATF_CHECK_EQ(rump_pub_ktest_strlcpy(dst, "short", sizeof(dst)), 5);
	ATF_CHECK_STREQ(dst, "short");
	ATF_CHECK_EQ(rump_pub_ktest_strlcpy(dst, "a string of 27 characters..",
	    sizeof(dst)), 27);
	ATF_CHECK_STREQ(dst, "a string of 27 ");
	dst[0] = 'q';
	ATF_CHECK_EQ(rump_pub_ktest_strlcpy(dst, "abc", 0), 3);
	ATF_CHECK_EQ(dst[0], 'q');
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, memset_matches_libc);
	ATF_TP_ADD_TC(tp, memcpy_memmove_match_libc);
	ATF_TP_ADD_TC(tp, memcmp_strlcpy_match_libc);
	return atf_no_error();
}
