/*
 * t_tcp_unit.c: TCP's building blocks without sockets: sequence-space
 * arithmetic across the wrap, the RFC 6298 timeout estimator, RFC 5681
 * congestion control on scripted ACK sequences, and option parsing fed
 * hostile option lists that sit at the very end of a readable page, so
 * that a read past them faults.
 */
#include <sys/mman.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "k_tcp_unit.h"

#define KEINVAL	22	/* the kernel's EINVAL (NetBSD numbering) */

H_TC(seq_wraparound, "sequence comparisons and the RFC 9293 acceptability "
    "test hold across the 2^32 wrap")
{
	RZ(rump_pub_ktest_tcp_seq());
}

H_TC(rto_rfc6298, "the RTO estimator follows RFC 6298: initial 1 s, first "
    "and later samples, minimum, maximum, exponential backoff")
{
	RZ(rump_pub_ktest_tcp_rto());
}

H_TC(cc_slowstart_avoidance, "cwnd grows by min(acked, SMSS) in slow "
    "start and by one SMSS per window in congestion avoidance (RFC 5681)")
{
	RZ(rump_pub_ktest_tcp_cc_slowstart());
}

H_TC(cc_fast_recovery, "three duplicate ACKs trigger fast retransmit, "
    "further ones inflate cwnd, partial and full ACKs end recovery")
{
	RZ(rump_pub_ktest_tcp_cc_fastrecovery());
}

H_TC(cc_timeout, "a retransmission timeout sets ssthresh to half the "
    "flight and cwnd to one segment, and old dup ACKs start no recovery")
{
	RZ(rump_pub_ktest_tcp_cc_timeout());
}

H_TC(opt_build_roundtrip, "built SYN options are what RFC 9293 and 7323 "
    "put on the wire and parse back")
{
	RZ(rump_pub_ktest_tcp_optbuild());
}

/*
 * A buffer whose last byte is the last byte of a readable page; the
 * next page is PROT_NONE.  Parsing copies the options there first.
 */
struct guarded {
	uint8_t	*g_base;
	size_t	 g_pgsz;
};

static void
guarded_init(struct guarded *g)
{
	g->g_pgsz = (size_t)sysconf(_SC_PAGESIZE);
	g->g_base = mmap(NULL, 2 * g->g_pgsz, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ATF_REQUIRE(g->g_base != MAP_FAILED);
	RL(mprotect(g->g_base + g->g_pgsz, g->g_pgsz, PROT_NONE));
}

static struct ktest_tcpopt
parse(struct guarded *g, const uint8_t *opt, size_t len, bool syn)
{
	struct ktest_tcpopt res;
	uint8_t *p = g->g_base + g->g_pgsz - len;

	memcpy(p, opt, len);
	memset(&res, 0xa5, sizeof(res));
	RZ(rump_pub_ktest_tcp_optparse(p, len, syn, &res));
	return res;
}

#define OPT(...)	((const uint8_t[]){ __VA_ARGS__ })
#define PARSE(syn, ...)	parse(&g, OPT(__VA_ARGS__), \
			    sizeof(OPT(__VA_ARGS__)), (syn))

H_TC(opt_hostile_rejected, "malformed option lists (length 0 or 1, "
    "length past the header, MSS or window scale of the wrong length, a "
    "kind with no length byte) are rejected without reading past them")
{
	struct guarded g;
	struct ktest_tcpopt r;

	guarded_init(&g);
	r = PARSE(true, 2, 0, 5, 0xb4);			/* length 0 */
	ATF_CHECK_EQ(r.kt_error, KEINVAL);
	r = PARSE(true, 1, 1, 9, 1);			/* length 1 */
	ATF_CHECK_EQ(r.kt_error, KEINVAL);
	r = PARSE(true, 2, 4, 5);			/* runs off the end */
	ATF_CHECK_EQ(r.kt_error, KEINVAL);
	r = PARSE(true, 1, 1, 1, 2);			/* no length byte */
	ATF_CHECK_EQ(r.kt_error, KEINVAL);
	r = PARSE(true, 2, 3, 5, 1);			/* MSS length 3 */
	ATF_CHECK_EQ(r.kt_error, KEINVAL);
	r = PARSE(true, 2, 6, 5, 0xb4, 0, 0);		/* MSS length 6 */
	ATF_CHECK_EQ(r.kt_error, KEINVAL);
	r = PARSE(true, 3, 4, 7, 0);			/* WS length 4 */
	ATF_CHECK_EQ(r.kt_error, KEINVAL);
	r = PARSE(true, 8, 8, 0, 0, 0, 0, 0, 0);	/* TS length 8 */
	ATF_CHECK_EQ(r.kt_error, KEINVAL);
	r = PARSE(true, 99, 255, 0, 0);		/* unknown, 255 */
	ATF_CHECK_EQ(r.kt_error, KEINVAL);
	/* Good options, then a bad one. */
	r = PARSE(false, 2, 4, 5, 0xb4, 3, 3, 7, 2, 2);
	ATF_CHECK_EQ(r.kt_error, KEINVAL);
	ATF_REQUIRE(munmap(g.g_base, 2 * g.g_pgsz) == 0);
}

H_TC(opt_valid_variants, "valid option lists: MSS and scale count on a "
    "SYN only, unknown kinds are skipped by length, EOL ends the list, "
    "a shift above 14 is clamped")
{
	struct guarded g;
	struct ktest_tcpopt r;

	guarded_init(&g);
	r = PARSE(true, 2, 4, 5, 0xb4, 1, 3, 3, 7);
	ATF_CHECK_EQ(r.kt_error, 0);
	ATF_CHECK_EQ(r.kt_flags, 0x3);
	ATF_CHECK_EQ(r.kt_mss, 1460);
	ATF_CHECK_EQ(r.kt_wscale, 7);
	r = PARSE(false, 2, 4, 5, 0xb4, 1, 3, 3, 7);	/* not a SYN */
	ATF_CHECK_EQ(r.kt_error, 0);
	ATF_CHECK_EQ(r.kt_flags, 0);
	r = PARSE(true, 3, 3, 15);			/* shift 15 */
	ATF_CHECK_EQ(r.kt_error, 0);
	ATF_CHECK_EQ(r.kt_wscale, 14);
	ATF_CHECK(r.kt_flags & 0x10);
	r = PARSE(true, 0, 2, 0);			/* EOL, then junk */
	ATF_CHECK_EQ(r.kt_error, 0);
	ATF_CHECK_EQ(r.kt_flags, 0);
	r = PARSE(true, 99, 3, 1, 2, 4, 0x10, 0);	/* unknown kind */
	ATF_CHECK_EQ(r.kt_error, 0);
	ATF_CHECK_EQ(r.kt_mss, 0x1000);
	r = PARSE(true, 1);				/* a lone NOP */
	ATF_CHECK_EQ(r.kt_error, 0);
	r = parse(&g, OPT(0), 0, true);			/* empty */
	ATF_CHECK_EQ(r.kt_error, 0);
	ATF_CHECK_EQ(r.kt_flags, 0);
	ATF_REQUIRE(munmap(g.g_base, 2 * g.g_pgsz) == 0);
}

H_TC(opt_random_never_overreads, "100000 random option lists of every "
    "length up to 40 bytes, each ending at a guard page, parse to 0 or "
    "EINVAL and never fault")
{
	struct guarded g;
	struct ktest_tcpopt r;
	uint8_t buf[40];
	unsigned seed = 12345, ok = 0, bad = 0;

	guarded_init(&g);
	for (unsigned i = 0; i < 100000; i++) {
		size_t len = (size_t)(rand_r(&seed) % 41);
		for (size_t j = 0; j < len; j++) {
			/* Bias toward small kinds and lengths. */
			unsigned v = (unsigned)rand_r(&seed);
			buf[j] = (uint8_t)(v & 1 ? v % 12 : v >> 8);
		}
		r = parse(&g, buf, len, i & 1);
		ATF_REQUIRE(r.kt_error == 0 || r.kt_error == KEINVAL);
		if (r.kt_error == 0)
			ok++;
		else
			bad++;
		ATF_REQUIRE(r.kt_wscale <= 14);
	}
	/* Both outcomes were exercised. */
	ATF_CHECK(ok > 1000 && bad > 1000);
	ATF_REQUIRE(munmap(g.g_base, 2 * g.g_pgsz) == 0);
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, seq_wraparound);
	ATF_TP_ADD_TC(tp, rto_rfc6298);
	ATF_TP_ADD_TC(tp, cc_slowstart_avoidance);
	ATF_TP_ADD_TC(tp, cc_fast_recovery);
	ATF_TP_ADD_TC(tp, cc_timeout);
	ATF_TP_ADD_TC(tp, opt_build_roundtrip);
	ATF_TP_ADD_TC(tp, opt_hostile_rejected);
	ATF_TP_ADD_TC(tp, opt_valid_variants);
	ATF_TP_ADD_TC(tp, opt_random_never_overreads);
	return atf_no_error();
}
