/*
 * tcp_cc.h: the sender's congestion control of RFC 5681 (slow start,
 * congestion avoidance, fast retransmit and fast recovery), with the
 * NewReno partial-ACK rule of RFC 6582, and the retransmission timer
 * estimator of RFC 6298 (tcp_cc.c).  Plain arithmetic on small structs
 * so a test can script ACK sequences and check every step.
 */
#ifndef _RUMP_SYS_NETINET_TCP_CC_H_
#define _RUMP_SYS_NETINET_TCP_CC_H_

#include <rump-sys/netinet/tcp_seq.h>

struct tcp_cc {
	uint32_t	cc_smss;
	uint32_t	cc_cwnd;
	uint32_t	cc_ssthresh;
	uint32_t	cc_dupacks;	/* consecutive duplicate ACKs */
	uint32_t	cc_caacc;	/* acked toward the next CA step */
	bool		cc_recovery;	/* in fast recovery */
	tcp_seq		cc_recover;	/* snd_max at its start */
};

#define TCP_CC_INFINITE	0x40000000u	/* the initial ssthresh */
#define TCP_DUPACK_THRESH	3

/* What the caller must do after an ACK event. */
#define TCP_CC_NONE		0
#define TCP_CC_RETRANSMIT	1	/* resend the first unacked segment */

/* The initial window of RFC 5681 3.1 (equation 3) for this SMSS. */
uint32_t tcp_cc_iw(uint32_t smss);
/* A connection starting at iss (recover begins there, RFC 6582). */
void	tcp_cc_init(struct tcp_cc *, uint32_t smss, tcp_seq iss);
/*
 * An ACK that advanced snd_una by acked bytes up to ack.  Returns
 * TCP_CC_RETRANSMIT for a partial ACK during recovery (RFC 6582).
 */
int	tcp_cc_newack(struct tcp_cc *, uint32_t acked, tcp_seq ack);
/*
 * A duplicate ACK (RFC 5681 2, "DUPLICATE ACKNOWLEDGMENT") with flight
 * bytes outstanding, snd_una the cumulative ACK and snd_max the highest
 * sequence sent.  Returns TCP_CC_RETRANSMIT on the third one.
 */
int	tcp_cc_dupack(struct tcp_cc *, uint32_t flight, tcp_seq snd_una,
	    tcp_seq snd_max);
/* The retransmission timer fired (RFC 5681 equation 4, LW = 1 SMSS). */
void	tcp_cc_timeout(struct tcp_cc *, uint32_t flight, tcp_seq snd_max);
/* Sending resumes after an idle period longer than an RTO (4.1). */
void	tcp_cc_idle(struct tcp_cc *);

/*
 * RFC 6298 estimator, in microseconds.  rt_rto is the base timeout;
 * the timer in force is rt_rto << rt_shift, at most rt_max.
 */
struct tcp_rtt {
	uint64_t	rt_srtt;
	uint64_t	rt_rttvar;
	uint64_t	rt_rto;
	uint64_t	rt_min;
	uint64_t	rt_max;
	unsigned	rt_shift;	/* backoffs since the last sample */
	bool		rt_valid;	/* a measurement was taken */
};

#define TCP_RTO_INITIAL_US	1000000ull	/* 2.1: 1 s */
#define TCP_RTO_SYNLOST_US	3000000ull	/* 5.7: 3 s */
#define TCP_RTO_MIN_US		1000000ull	/* 2.4: 1 s */
#define TCP_RTO_MAX_US		60000000ull	/* 2.5: >= 60 s */
#define TCP_RTT_GRANULARITY_US	1000ull		/* G */

void	tcp_rtt_init(struct tcp_rtt *, uint64_t min_us, uint64_t max_us);
/* A new measurement R (2.2, 2.3); clears the backoff. */
void	tcp_rtt_sample(struct tcp_rtt *, uint64_t r_us);
/* The timer expired (5.5): double, bounded by rt_max. */
void	tcp_rtt_backoff(struct tcp_rtt *);
/* The timeout to arm now, backoff included. */
uint64_t tcp_rtt_rto(const struct tcp_rtt *);

#endif /* _RUMP_SYS_NETINET_TCP_CC_H_ */
