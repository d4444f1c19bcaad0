/*
 * k_tcp_unit.c: TCP's self-contained pieces tested from inside the
 * kernel (they are renamed rumpns_* and unreachable from the host).
 * Expected values are worked out by hand from the RFC formulas in the
 * comments, not by calling the code under test.
 */
#include <rump-sys/systm.h>
#include <rump-sys/netinet/tcp_seq.h>
#include <rump-sys/netinet/tcp_opt.h>
#include <rump-sys/netinet/tcp_cc.h>

#include "ktest_int.h"
#include "k_tcp_unit.h"

int
rump_pub_ktest_tcp_seq(void)
{
	int error = 0;

	KTEST_ENTER();
	KTEST_CHECK(SEQ_LT(1, 2), "plain");
	KTEST_CHECK(SEQ_LT(0xfffffff0u, 0x10), "across the wrap");
	KTEST_CHECK(SEQ_GT(0x10, 0xfffffff0u), "across the wrap");
	KTEST_CHECK(!SEQ_LT(0x10, 0xfffffff0u), "across the wrap");
	KTEST_CHECK(SEQ_LEQ(5, 5) && SEQ_GEQ(5, 5) && !SEQ_LT(5, 5), "equal");
	KTEST_CHECK(SEQ_LT(0, 0x7fffffffu), "just under half the space");
	KTEST_CHECK(SEQ_GT(0, 0x80000001u), "just over half: behind");
	KTEST_CHECK(SEQ_MAX(0xffffffffu, 3u) == 3u, "max across the wrap");
	KTEST_CHECK(SEQ_MIN(0xffffffffu, 3u) == 0xffffffffu, "min");
	KTEST_CHECK(tcp_seq_in(0xffffffffu, 0xfffffff0u, 0x20), "window wraps");
	KTEST_CHECK(!tcp_seq_in(0x20, 0xfffffff0u, 0x20), "right edge out");
	/* RFC 9293 3.10.7.4 table, window at the wrap point. */
	KTEST_CHECK(tcp_seq_acceptable(0xfffffffeu, 0, 0xfffffffeu, 100), "");
	KTEST_CHECK(!tcp_seq_acceptable(0xfffffffdu, 0, 0xfffffffeu, 100), "");
	KTEST_CHECK(tcp_seq_acceptable(0xfffffffdu, 2, 0xfffffffeu, 100),
	    "last byte inside");
	KTEST_CHECK(!tcp_seq_acceptable(0xfffffffcu, 2, 0xfffffffeu, 100),
	    "wholly before");
	KTEST_CHECK(!tcp_seq_acceptable(98, 5, 0xfffffffeu, 100),
	    "wholly after the wrapped window");
	KTEST_CHECK(tcp_seq_acceptable(7, 0, 7, 0), "zero window, exact");
	KTEST_CHECK(!tcp_seq_acceptable(8, 0, 7, 0), "zero window, other");
	KTEST_CHECK(!tcp_seq_acceptable(7, 1, 7, 0), "zero window, data");
out:
	return KTEST_LEAVE(error);
}

int
rump_pub_ktest_tcp_rto(void)
{
	struct tcp_rtt rt;
	int error = 0;

	KTEST_ENTER();
	/* Defaults: 1 s before any sample, min 1 s, max 60 s. */
	tcp_rtt_init(&rt, TCP_RTO_MIN_US, TCP_RTO_MAX_US);
	KTEST_CHECK(tcp_rtt_rto(&rt) == 1000000, "%llu",
	    (unsigned long long)tcp_rtt_rto(&rt));
	/* 5.5 backoff: 2, 4, ... 32, then 60 (the cap) and no further. */
	for (unsigned i = 1; i <= 5; i++) {
		tcp_rtt_backoff(&rt);
		KTEST_CHECK(tcp_rtt_rto(&rt) == (1000000ull << i), "i=%u", i);
	}
	tcp_rtt_backoff(&rt);
	KTEST_CHECK(tcp_rtt_rto(&rt) == 60000000, "capped");
	for (unsigned i = 0; i < 100; i++)
		tcp_rtt_backoff(&rt);
	KTEST_CHECK(tcp_rtt_rto(&rt) == 60000000, "stays capped");
	KTEST_CHECK(rt.rt_shift < 64, "shift bounded: %u", rt.rt_shift);

	/*
	 * No minimum, so the formulas show: R = 100 ms gives SRTT 100,
	 * RTTVAR 50, RTO = 100 + 4 * 50 = 300 ms (2.2).
	 */
	tcp_rtt_init(&rt, 0, TCP_RTO_MAX_US);
	tcp_rtt_sample(&rt, 100000);
	KTEST_CHECK(rt.rt_srtt == 100000 && rt.rt_rttvar == 50000, "");
	KTEST_CHECK(tcp_rtt_rto(&rt) == 300000, "%llu",
	    (unsigned long long)tcp_rtt_rto(&rt));
	/*
	 * R' = 200 ms (2.3): RTTVAR = 3/4 * 50 + 1/4 * |100 - 200| = 62.5,
	 * SRTT = 7/8 * 100 + 1/8 * 200 = 112.5, RTO = 112.5 + 250 = 362.5.
	 */
	tcp_rtt_sample(&rt, 200000);
	KTEST_CHECK(rt.rt_rttvar == 62500, "%llu",
	    (unsigned long long)rt.rt_rttvar);
	KTEST_CHECK(rt.rt_srtt == 112500, "");
	KTEST_CHECK(tcp_rtt_rto(&rt) == 362500, "");
	/* A backoff doubles it; the next sample clears the backoff. */
	tcp_rtt_backoff(&rt);
	KTEST_CHECK(tcp_rtt_rto(&rt) == 725000, "");
	tcp_rtt_sample(&rt, 112500);	/* err 0: RTTVAR 46875, SRTT same */
	KTEST_CHECK(rt.rt_shift == 0 && tcp_rtt_rto(&rt) == 112500 + 187500,
	    "%llu", (unsigned long long)tcp_rtt_rto(&rt));
	/* A zero RTT still leaves the clock granularity G (2.3). */
	tcp_rtt_init(&rt, 0, TCP_RTO_MAX_US);
	tcp_rtt_sample(&rt, 0);
	KTEST_CHECK(tcp_rtt_rto(&rt) == TCP_RTT_GRANULARITY_US, "");
	/* The minimum applies (2.4) ... */
	tcp_rtt_init(&rt, TCP_RTO_MIN_US, TCP_RTO_MAX_US);
	tcp_rtt_sample(&rt, 1000);
	KTEST_CHECK(tcp_rtt_rto(&rt) == TCP_RTO_MIN_US, "");
	/* ... and the maximum, even for a huge sample. */
	tcp_rtt_sample(&rt, 1000000000ull);
	KTEST_CHECK(tcp_rtt_rto(&rt) == TCP_RTO_MAX_US, "");
out:
	return KTEST_LEAVE(error);
}

int
rump_pub_ktest_tcp_cc_slowstart(void)
{
	struct tcp_cc cc;
	int error = 0;

	KTEST_ENTER();
	/* Initial windows (RFC 5681 equation 3). */
	KTEST_CHECK(tcp_cc_iw(536) == 2144, "");
	KTEST_CHECK(tcp_cc_iw(1095) == 4380, "");
	KTEST_CHECK(tcp_cc_iw(1096) == 3288, "");
	KTEST_CHECK(tcp_cc_iw(1460) == 4380, "");
	KTEST_CHECK(tcp_cc_iw(2190) == 6570, "");
	KTEST_CHECK(tcp_cc_iw(2191) == 4382, "");
	KTEST_CHECK(tcp_cc_iw(16384) == 32768, "");

	tcp_cc_init(&cc, 1000, 0);
	KTEST_CHECK(cc.cc_cwnd == 4000, "%u", cc.cc_cwnd);
	/* Slow start: a full segment acked adds one SMSS... */
	(void)tcp_cc_newack(&cc, 1000, 1000);
	KTEST_CHECK(cc.cc_cwnd == 5000, "%u", cc.cc_cwnd);
	/* ... a small one adds what it acked, a stretch ACK one SMSS. */
	(void)tcp_cc_newack(&cc, 300, 1300);
	KTEST_CHECK(cc.cc_cwnd == 5300, "%u", cc.cc_cwnd);
	(void)tcp_cc_newack(&cc, 4000, 5300);
	KTEST_CHECK(cc.cc_cwnd == 6300, "%u", cc.cc_cwnd);
	/* Congestion avoidance: one SMSS per cwnd of acked bytes. */
	cc.cc_ssthresh = 6000;
	(void)tcp_cc_newack(&cc, 1000, 6300);
	KTEST_CHECK(cc.cc_cwnd == 6300, "CA does not jump: %u", cc.cc_cwnd);
	for (unsigned i = 0; i < 6; i++)
		(void)tcp_cc_newack(&cc, 1000, 7300 + i * 1000);
	/* 7000 acked >= 6300: one step, 700 carried. */
	KTEST_CHECK(cc.cc_cwnd == 7300 && cc.cc_caacc == 700, "%u %u",
	    cc.cc_cwnd, cc.cc_caacc);
	/* Idle restart: cwnd back to at most IW (4.1). */
	tcp_cc_idle(&cc);
	KTEST_CHECK(cc.cc_cwnd == 4000, "%u", cc.cc_cwnd);
out:
	return KTEST_LEAVE(error);
}

int
rump_pub_ktest_tcp_cc_fastrecovery(void)
{
	struct tcp_cc cc;
	int error = 0, r;

	KTEST_ENTER();
	tcp_cc_init(&cc, 1000, 0);
	cc.cc_cwnd = 10000;
	/* 10 segments in flight, [0, 10000); the first is lost. */
	r = tcp_cc_dupack(&cc, 10000, 0, 10000);
	KTEST_CHECK(r == TCP_CC_NONE && cc.cc_cwnd == 10000, "first dup");
	r = tcp_cc_dupack(&cc, 10000, 0, 10000);
	KTEST_CHECK(r == TCP_CC_NONE, "second dup");
	r = tcp_cc_dupack(&cc, 10000, 0, 10000);
	/* Third: ssthresh = 10000/2, cwnd = ssthresh + 3 SMSS (3.2 2-3). */
	KTEST_CHECK(r == TCP_CC_RETRANSMIT, "third dup retransmits");
	KTEST_CHECK(cc.cc_ssthresh == 5000 && cc.cc_cwnd == 8000, "%u %u",
	    cc.cc_ssthresh, cc.cc_cwnd);
	KTEST_CHECK(cc.cc_recovery && cc.cc_recover == 10000, "");
	/* Each further dup inflates by one SMSS (step 4). */
	for (unsigned i = 0; i < 6; i++)
		KTEST_CHECK(tcp_cc_dupack(&cc, 10000, 0, 10000) == TCP_CC_NONE,
		    "");
	KTEST_CHECK(cc.cc_cwnd == 14000, "%u", cc.cc_cwnd);
	/* Partial ACK up to 4000 (a second hole): resend, deflate. */
	r = tcp_cc_newack(&cc, 4000, 4000);
	KTEST_CHECK(r == TCP_CC_RETRANSMIT && cc.cc_recovery, "partial");
	KTEST_CHECK(cc.cc_cwnd == 14000 - 4000 + 1000, "%u", cc.cc_cwnd);
	/* Full ACK: cwnd = ssthresh (step 6), out of recovery. */
	r = tcp_cc_newack(&cc, 6000, 10000);
	KTEST_CHECK(r == TCP_CC_NONE && !cc.cc_recovery, "full ACK");
	KTEST_CHECK(cc.cc_cwnd == 5000 && cc.cc_dupacks == 0, "%u",
	    cc.cc_cwnd);
	/*
	 * Recovery starts wherever the sequence space is: a connection
	 * whose ISS lies in the upper half (behind 0) is no different.
	 */
	tcp_cc_init(&cc, 1000, 0x90000000u);
	for (unsigned i = 0; i < 3; i++)
		r = tcp_cc_dupack(&cc, 8000, 0x90000001u, 0x90001f41u);
	KTEST_CHECK(r == TCP_CC_RETRANSMIT && cc.cc_recovery,
	    "no recovery with snd_una in the upper half");
	(void)tcp_cc_newack(&cc, 8000, 0x90001f41u);
	KTEST_CHECK(!cc.cc_recovery, "");
	/* A small flight still leaves ssthresh at 2 SMSS (equation 4). */
	cc.cc_dupacks = 0;
	for (unsigned i = 0; i < 3; i++)
		r = tcp_cc_dupack(&cc, 1500, 10000, 11500);
	KTEST_CHECK(r == TCP_CC_RETRANSMIT && cc.cc_ssthresh == 2000, "%u",
	    cc.cc_ssthresh);
out:
	return KTEST_LEAVE(error);
}

int
rump_pub_ktest_tcp_cc_timeout(void)
{
	struct tcp_cc cc;
	int error = 0;

	KTEST_ENTER();
	tcp_cc_init(&cc, 1460, 0);
	cc.cc_cwnd = 20 * 1460;
	tcp_cc_timeout(&cc, 20 * 1460, 50000);
	/* Equation 4 and LW = 1 SMSS. */
	KTEST_CHECK(cc.cc_ssthresh == 10 * 1460 && cc.cc_cwnd == 1460, "");
	/* Then slow start again up to ssthresh, CA above it. */
	for (unsigned i = 0; i < 9; i++)
		(void)tcp_cc_newack(&cc, 1460, 1460 * (i + 1));
	KTEST_CHECK(cc.cc_cwnd == 10 * 1460, "%u", cc.cc_cwnd);
	(void)tcp_cc_newack(&cc, 1460, 14600);
	KTEST_CHECK(cc.cc_cwnd == 10 * 1460, "CA now: %u", cc.cc_cwnd);
	/* Dup ACKs for data sent before the timeout start no recovery. */
	for (unsigned i = 0; i < 3; i++)
		KTEST_CHECK(tcp_cc_dupack(&cc, 5000, 14600, 60000) ==
		    TCP_CC_NONE, "old dups");
	KTEST_CHECK(!cc.cc_recovery, "");
out:
	return KTEST_LEAVE(error);
}

int
rump_pub_ktest_tcp_optbuild(void)
{
	struct tcp_opts to, back;
	uint8_t buf[TCP_MAXOLEN];
	size_t n;
	int error = 0;

	KTEST_ENTER();
	memset(&to, 0, sizeof(to));
	to.to_flags = TOF_MSS | TOF_SCALE;
	to.to_mss = 1460;
	to.to_wscale = 7;
	n = tcp_opt_build(buf, sizeof(buf), &to);
	KTEST_CHECK(n == 8, "%zu", n);
	KTEST_CHECK(buf[0] == 2 && buf[1] == 4 && buf[2] == 0x05 &&
	    buf[3] == 0xb4, "MSS 1460 on the wire");
	KTEST_CHECK(buf[4] == 1 && buf[5] == 3 && buf[6] == 3 && buf[7] == 7,
	    "NOP, WS 7");
	KTEST_CHECK(tcp_opt_parse(buf, n, true, &back) == 0, "");
	KTEST_CHECK(back.to_flags == (TOF_MSS | TOF_SCALE) &&
	    back.to_mss == 1460 && back.to_wscale == 7, "round trip");
	KTEST_CHECK(tcp_opt_build(buf, 4, &to) == 0, "too small a buffer");
	to.to_flags = 0;
	KTEST_CHECK(tcp_opt_build(buf, sizeof(buf), &to) == 0, "none");
out:
	return KTEST_LEAVE(error);
}

int
rump_pub_ktest_tcp_optparse(const uint8_t *buf, size_t len, bool syn,
    struct ktest_tcpopt *res)
{
	struct tcp_opts to;

	KTEST_ENTER();
	res->kt_error = tcp_opt_parse(buf, len, syn, &to);
	res->kt_flags = to.to_flags;
	res->kt_mss = to.to_mss;
	res->kt_wscale = to.to_wscale;
	return KTEST_LEAVE(0);
}
