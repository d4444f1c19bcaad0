/*
 * k_tcp.h: kernel halves of the TCP socket tests (k_tcp.c): tunables,
 * counters, a look at a connection's state, and segments injected
 * straight into tcp_input as if they had arrived from the wire.  All
 * return 0 or a host errno.  Ports and addresses are in host order.
 */
#ifndef _K_TCP_H_
#define _K_TCP_H_

#include <stddef.h>
#include <stdint.h>

/*
 * Set a tunable: "msl_ms", "rto_init_ms", "rto_min_ms", "delack_ms",
 * "conntimeo_ms",
 * "keepidle", "keepintvl", "keepcnt", "synrxtshift", "maxrxtshift",
 * "drop_nth" (drop the Nth outgoing data segment from now), "blackhole"
 * (drop every outgoing segment), "rfc5961", "oowlimit_ms" (the least
 * time between ACKs to unacceptable segments), or "defaults".  ENOENT
 * for an unknown name.
 */
int	rump_pub_ktest_tcp_knob(const char *name, uint64_t val);
/* A tcpstat counter by field name ("tcps_noport"); ENOENT. */
int	rump_pub_ktest_tcp_stat(const char *name, uint64_t *valp);
/* How many TCP connection blocks exist (all states). */
int	rump_pub_ktest_tcp_count(unsigned *np);

struct ktest_tcpconn {
	int		kc_state;	/* TCPS_* */
	uint32_t	kc_iss, kc_irs;
	uint32_t	kc_snd_una, kc_snd_nxt, kc_snd_max;
	uint32_t	kc_snd_wnd, kc_max_sndwnd;
	uint32_t	kc_rcv_nxt, kc_rcv_adv;
	uint32_t	kc_maxseg;
	uint32_t	kc_cwnd, kc_ssthresh;
	int		kc_snd_scale, kc_rcv_scale;
	unsigned	kc_flags;
	uint64_t	kc_rto_us;
	unsigned	kc_segqlen;
	int		kc_has_socket;
};
/* The connection lport <- fport (127.0.0.1 both); ENOENT if none. */
int	rump_pub_ktest_tcp_conn(uint16_t lport, uint16_t fport,
	    struct ktest_tcpconn *kc);
/*
 * Both ends of a connection close their sending side (shutdown
 * SHUT_WR) at the same instant, before either FIN can arrive: the
 * simultaneous close of RFC 9293 figure 13.
 */
int	rump_pub_ktest_tcp_close_both(uint16_t port1, uint16_t port2);

/* A segment to inject. */
struct ktest_tcpseg {
	uint32_t	ks_src, ks_dst;		/* addresses */
	uint16_t	ks_sport, ks_dport;
	uint32_t	ks_seq, ks_ack;
	uint8_t		ks_flags;		/* TH_* */
	uint16_t	ks_win;
	int		ks_off;		/* in words; 0: derived */
	const uint8_t	*ks_opt;	/* options, padded by the caller */
	size_t		 ks_optlen;
	size_t		 ks_datalen;	/* bytes of pattern data */
	int		 ks_badsum;	/* corrupt the checksum */
	size_t		 ks_trunc;	/* >0: cut the packet to this */
};
/* Build it (IP header + TCP) and hand it to tcp_input. */
int	rump_pub_ktest_tcp_inject(const struct ktest_tcpseg *ks);
/*
 * An ICMP destination unreachable (code) from the peer about a segment
 * of the connection lport <- fport with sequence number snd_una + seqoff,
 * through ip_input as if it had come in on lo0.
 */
int	rump_pub_ktest_tcp_icmp_unreach(uint16_t lport, uint16_t fport,
	    int code, uint32_t seqoff);

#endif /* _K_TCP_H_ */
