/*
 * tcp_seq.h: sequence-space arithmetic.  Sequence numbers are 32-bit
 * and wrap; a < b means b is ahead of a by less than 2^31, computed as
 * a signed difference (RFC 9293 3.4).
 */
#ifndef _RUMP_SYS_NETINET_TCP_SEQ_H_
#define _RUMP_SYS_NETINET_TCP_SEQ_H_

#include <rump-sys/netinet/tcp.h>

#define SEQ_LT(a, b)	((int32_t)((tcp_seq)(a) - (tcp_seq)(b)) < 0)
#define SEQ_LEQ(a, b)	((int32_t)((tcp_seq)(a) - (tcp_seq)(b)) <= 0)
#define SEQ_GT(a, b)	((int32_t)((tcp_seq)(a) - (tcp_seq)(b)) > 0)
#define SEQ_GEQ(a, b)	((int32_t)((tcp_seq)(a) - (tcp_seq)(b)) >= 0)
#define SEQ_MIN(a, b)	(SEQ_LT(a, b) ? (a) : (b))
#define SEQ_MAX(a, b)	(SEQ_GT(a, b) ? (a) : (b))

/* lo <= x < hi, in sequence space. */
static inline bool
tcp_seq_in(tcp_seq x, tcp_seq lo, tcp_seq hi)
{
	return SEQ_LEQ(lo, x) && SEQ_LT(x, hi);
}

/*
 * The acceptability test of RFC 9293 3.10.7.4 for a segment of len
 * sequence numbers (SYN and FIN count) starting at seq, against a
 * receive window [rcv_nxt, rcv_nxt + rcv_wnd).
 */
static inline bool
tcp_seq_acceptable(tcp_seq seq, uint32_t len, tcp_seq rcv_nxt,
    uint32_t rcv_wnd)
{
	if (len == 0) {
		if (rcv_wnd == 0)
			return seq == rcv_nxt;
		return tcp_seq_in(seq, rcv_nxt, rcv_nxt + rcv_wnd);
	}
	if (rcv_wnd == 0)
		return false;
	return tcp_seq_in(seq, rcv_nxt, rcv_nxt + rcv_wnd) ||
	    tcp_seq_in(seq + len - 1, rcv_nxt, rcv_nxt + rcv_wnd);
}

#endif /* _RUMP_SYS_NETINET_TCP_SEQ_H_ */
