/*
 * tcp_cc.c: congestion control (RFC 5681 with the NewReno partial-ACK
 * rule of RFC 6582) and the retransmission timeout estimator (RFC 6298).
 * No locks: the caller holds whatever protects the connection.
 */
#include <rump-sys/systm.h>
#include <rump-sys/netinet/tcp_cc.h>

uint32_t
tcp_cc_iw(uint32_t smss)
{
	if (smss > 2190)
		return 2 * smss;
	if (smss > 1095)
		return 3 * smss;
	return 4 * smss;
}

void
tcp_cc_init(struct tcp_cc *cc, uint32_t smss, tcp_seq iss)
{
	KASSERT(smss > 0);
	memset(cc, 0, sizeof(*cc));
	cc->cc_smss = smss;
	cc->cc_recover = iss;		/* RFC 6582 3.2 step 1 */
	cc->cc_cwnd = tcp_cc_iw(smss);
	cc->cc_ssthresh = TCP_CC_INFINITE;
}

static uint32_t
half_flight(const struct tcp_cc *cc, uint32_t flight)
{
	return MAX(flight / 2, 2 * cc->cc_smss);
}

int
tcp_cc_newack(struct tcp_cc *cc, uint32_t acked, tcp_seq ack)
{
	cc->cc_dupacks = 0;
	if (cc->cc_recovery) {
		if (SEQ_GEQ(ack, cc->cc_recover)) {
			/* Full ACK: deflate the window (5681 3.2 step 6). */
			cc->cc_recovery = false;
			cc->cc_cwnd = cc->cc_ssthresh;
			cc->cc_caacc = 0;
			return TCP_CC_NONE;
		}
		/*
		 * Partial ACK (6582 3.2 step 5): deflate by what was acked,
		 * add back one SMSS if that much was acked, and resend the
		 * next hole.
		 */
		cc->cc_cwnd = cc->cc_cwnd > acked ? cc->cc_cwnd - acked : 0;
		if (acked >= cc->cc_smss)
			cc->cc_cwnd += cc->cc_smss;
		cc->cc_cwnd = MAX(cc->cc_cwnd, cc->cc_smss);
		return TCP_CC_RETRANSMIT;
	}
	if (cc->cc_cwnd < cc->cc_ssthresh) {
		/* Slow start (equation 2): at most one SMSS per ACK. */
		cc->cc_cwnd += MIN(acked, cc->cc_smss);
	} else {
		/*
		 * Congestion avoidance: one SMSS per window's worth of acked
		 * bytes (the byte-counting variant 5681 3.1 allows).
		 */
		cc->cc_caacc += acked;
		if (cc->cc_caacc >= cc->cc_cwnd) {
			cc->cc_caacc -= cc->cc_cwnd;
			cc->cc_cwnd += cc->cc_smss;
		}
	}
	if (cc->cc_cwnd > TCP_CC_INFINITE)
		cc->cc_cwnd = TCP_CC_INFINITE;
	return TCP_CC_NONE;
}

int
tcp_cc_dupack(struct tcp_cc *cc, uint32_t flight, tcp_seq snd_una,
    tcp_seq snd_max)
{
	cc->cc_dupacks++;
	if (cc->cc_recovery) {
		/* Step 4: each further dup ACK means a segment left. */
		cc->cc_cwnd += cc->cc_smss;
		return TCP_CC_NONE;
	}
	if (cc->cc_dupacks != TCP_DUPACK_THRESH)
		return TCP_CC_NONE;
	/*
	 * 6582 3.2 step 2: after a timeout, dup ACKs for data sent before
	 * it (below recover) do not start another recovery.
	 */
	if (SEQ_LT(snd_una, cc->cc_recover))
		return TCP_CC_NONE;
	cc->cc_ssthresh = half_flight(cc, flight);	/* equation 4 */
	cc->cc_recover = snd_max;
	cc->cc_cwnd = cc->cc_ssthresh + TCP_DUPACK_THRESH * cc->cc_smss;
	cc->cc_recovery = true;
	return TCP_CC_RETRANSMIT;
}

void
tcp_cc_timeout(struct tcp_cc *cc, uint32_t flight, tcp_seq snd_max)
{
	/* 5681 3.1: on the first and later timeouts alike. */
	cc->cc_ssthresh = half_flight(cc, flight);
	cc->cc_cwnd = cc->cc_smss;
	cc->cc_dupacks = 0;
	cc->cc_caacc = 0;
	cc->cc_recovery = false;
	cc->cc_recover = snd_max;
}

void
tcp_cc_idle(struct tcp_cc *cc)
{
	cc->cc_cwnd = MIN(cc->cc_cwnd, tcp_cc_iw(cc->cc_smss));
}

static void
rtt_setrto(struct tcp_rtt *rt)
{
	uint64_t var = 4 * rt->rt_rttvar;

	rt->rt_rto = rt->rt_srtt + MAX(TCP_RTT_GRANULARITY_US, var);
	if (rt->rt_rto < rt->rt_min)
		rt->rt_rto = rt->rt_min;
	if (rt->rt_rto > rt->rt_max)
		rt->rt_rto = rt->rt_max;
}

void
tcp_rtt_init(struct tcp_rtt *rt, uint64_t min_us, uint64_t max_us)
{
	KASSERT(min_us <= max_us);
	memset(rt, 0, sizeof(*rt));
	rt->rt_min = min_us;
	rt->rt_max = max_us;
	rt->rt_rto = MIN(MAX(TCP_RTO_INITIAL_US, min_us), max_us);
}

void
tcp_rtt_sample(struct tcp_rtt *rt, uint64_t r)
{
	uint64_t err;

	if (!rt->rt_valid) {
		/* 2.2: the first measurement. */
		rt->rt_srtt = r;
		rt->rt_rttvar = r / 2;
		rt->rt_valid = true;
	} else {
		/* 2.3: beta = 1/4, alpha = 1/8, RTTVAR first. */
		err = rt->rt_srtt > r ? rt->rt_srtt - r : r - rt->rt_srtt;
		rt->rt_rttvar = (3 * rt->rt_rttvar + err) / 4;
		rt->rt_srtt = (7 * rt->rt_srtt + r) / 8;
	}
	rt->rt_shift = 0;
	rtt_setrto(rt);
}

void
tcp_rtt_backoff(struct tcp_rtt *rt)
{
	if (tcp_rtt_rto(rt) < rt->rt_max)
		rt->rt_shift++;
}

uint64_t
tcp_rtt_rto(const struct tcp_rtt *rt)
{
	uint64_t rto = rt->rt_rto;

	for (unsigned i = 0; i < rt->rt_shift && rto < rt->rt_max; i++)
		rto *= 2;
	return MIN(rto, rt->rt_max);
}
