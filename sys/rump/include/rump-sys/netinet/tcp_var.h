/*
 * tcp_var.h: the TCP connection block (struct tcpcb), its statistics
 * and tunables, and the functions the TCP files share.
 *
 * Locking: every field of every tcpcb, the connection table and tcpstat
 * are covered by softnet_lock (socketvar.h).  Entry points from the
 * socket layer and ip_input are called with it held; TCP's timer
 * callout takes it.
 *
 * Lifetime: a tcpcb is created by pr_attach with its socket and an
 * inpcb (inp_ppcb points back) on tcbtable, and lives until
 * tcp_close() frees both.  When the socket is closed first (pr_detach)
 * a connection still shutting down keeps it (SS_NOFDREF, so_pcb set:
 * its send buffer holds the data still to be delivered); when the
 * connection ends, TIME_WAIT included, in_pcbdetach() frees it.
 */
#ifndef _RUMP_SYS_NETINET_TCP_VAR_H_
#define _RUMP_SYS_NETINET_TCP_VAR_H_

#include <rump-sys/types.h>
#include <rump-sys/callout.h>
#include <rump-sys/queue.h>
#include <rump-sys/socketvar.h>
#include <rump-sys/netinet/in.h>
#include <rump-sys/netinet/in_pcb.h>
#include <rump-sys/netinet/tcp.h>
#include <rump-sys/netinet/tcp_cc.h>
#include <rump-sys/netinet/tcp_fsm.h>
#include <rump-sys/netinet/tcp_opt.h>
#include <rump-sys/netinet/tcp_seq.h>

struct mbuf;

/* Timers, each a deadline; one callout per connection runs them. */
#define TCPT_REXMT	0	/* retransmission (RFC 6298) */
#define TCPT_PERSIST	1	/* zero-window probes */
#define TCPT_KEEP	2	/* connection establishment, keepalive */
#define TCPT_2MSL	3	/* TIME_WAIT, FIN_WAIT_2 nobody reads */
#define TCPT_DELACK	4	/* delayed ACK */
#define TCPT_NTIMERS	5

/* An out-of-order segment waiting for the hole before it. */
struct tcpqent {
	TAILQ_ENTRY(tcpqent) tqe_q;
	tcp_seq		 tqe_seq;
	uint32_t	 tqe_len;	/* data bytes in tqe_m */
	bool		 tqe_fin;	/* a FIN follows the data */
	struct mbuf	*tqe_m;
};

struct tcpcb {
	struct inpcb	*t_inpcb;	/* addresses, ports; in tcbtable */
	struct socket	*t_socket;	/* until tcp_close() */
	int		 t_state;	/* TCPS_* */
	unsigned	 t_flags;	/* TF_* */
	int		 t_softerror;	/* ICMP error, for a timeout */

	/* Send sequence space (RFC 9293 3.3.1). */
	tcp_seq		 iss;
	tcp_seq		 snd_una;
	tcp_seq		 snd_nxt;
	tcp_seq		 snd_max;	/* highest sent + 1 */
	tcp_seq		 snd_wl1;
	tcp_seq		 snd_wl2;
	uint32_t	 snd_wnd;	/* scaled */
	uint32_t	 max_sndwnd;
	/* Receive sequence space. */
	tcp_seq		 irs;
	tcp_seq		 rcv_nxt;
	tcp_seq		 rcv_adv;	/* right edge we advertised */
	uint32_t	 rcv_wnd;
	uint8_t		 snd_scale;	/* the peer's window shift */
	uint8_t		 rcv_scale;	/* ours */
	uint8_t		 request_r_scale;

	uint32_t	 t_maxseg;	/* effective send MSS */
	uint32_t	 t_ourmss;	/* what our SYN advertised */
	struct tcp_cc	 t_cc;
	struct tcp_rtt	 t_rtt;
	tcp_seq		 t_rtseq;	/* segment being timed */
	uint64_t	 t_rtstart;	/* ns; 0: not timing */
	unsigned	 t_rxtshift;	/* retransmissions of snd_una */
	unsigned	 t_persistshift;
	unsigned	 t_keepprobes;	/* unanswered keepalives */
	unsigned	 t_segsunacked;	/* full segments not yet ACKed */
	uint64_t	 t_rcvtime;	/* ns, last segment received */
	uint64_t	 t_sndtime;	/* ns, last data sent */
	uint64_t	 t_lastoow;	/* ns, last ACK to a bad segment */
	unsigned	 t_keepidle;	/* seconds (TCP_KEEPIDLE) */
	unsigned	 t_keepintvl;
	unsigned	 t_keepcnt;

	TAILQ_HEAD(, tcpqent) t_segq;	/* reassembly, in sequence order */
	unsigned	 t_segqlen;

	uint64_t	 t_timer[TCPT_NTIMERS]; /* deadlines, ns; 0: off */
	callout_t	 t_callout;	/* armed for the earliest */
	uint64_t	 t_callout_at;	/* its deadline; 0: not armed */
};

/* t_flags */
#define TF_ACKNOW	0x0001	/* ACK at the next output */
#define TF_DELACK	0x0002	/* an ACK is being delayed */
#define TF_NODELAY	0x0004	/* TCP_NODELAY: no Nagle */
#define TF_SENTFIN	0x0008	/* our FIN was sent */
#define TF_REQ_SCALE	0x0010	/* we offer window scaling */
#define TF_RCVD_SCALE	0x0020	/* the peer does too */
#define TF_PASSIVE	0x0040	/* created by a listener */
#define TF_FORCE	0x0080	/* send a byte despite the window */
#define TF_INTIMER	0x0100	/* the timer callout runs */
#define TF_DEAD		0x0200	/* closed; the callout frees it */
#define TF_SYNRXMT	0x0400	/* our SYN was resent (RFC 6298 5.7) */
#define TF_RCVD_FIN	0x0800	/* the peer's FIN was taken in */
#define TF_KEEPSO	0x1000	/* tcp_close: caller frees the socket */

#define intotcpcb(inp)	((struct tcpcb *)(inp)->inp_ppcb)
#define sototcpcb(so)	((so)->so_pcb == NULL ? NULL : \
			    intotcpcb((struct inpcb *)(so)->so_pcb))

/* Counters; every dropped segment is counted under its reason. */
struct tcpstat {
	uint64_t	tcps_connattempt;	/* active opens */
	uint64_t	tcps_accepts;		/* passive opens */
	uint64_t	tcps_connects;		/* reached ESTABLISHED */
	uint64_t	tcps_drops;		/* dropped, RST sent */
	uint64_t	tcps_conndrops;		/* dropped unsynced */
	uint64_t	tcps_closed;		/* tcpcbs freed */
	uint64_t	tcps_timewait;		/* entered TIME_WAIT */
	uint64_t	tcps_twreopen;		/* SYN ended TIME_WAIT */
	uint64_t	tcps_refused;		/* RST in SYN_SENT */
	uint64_t	tcps_simopen;		/* SYN in SYN_SENT */
	uint64_t	tcps_resets;		/* RST accepted, synced */

	uint64_t	tcps_sndtotal;
	uint64_t	tcps_sndpack;		/* data segments */
	uint64_t	tcps_sndbyte;
	uint64_t	tcps_sndrexmitpack;
	uint64_t	tcps_sndrexmitbyte;
	uint64_t	tcps_sndacks;		/* pure ACKs */
	uint64_t	tcps_sndprobe;		/* window probes */
	uint64_t	tcps_sndwinup;
	uint64_t	tcps_sndctrl;		/* SYN, FIN, RST */
	uint64_t	tcps_sndrst;
	uint64_t	tcps_snderr;		/* ip_output failed */
	uint64_t	tcps_testdrop;		/* eaten by test hooks */

	uint64_t	tcps_rcvtotal;
	uint64_t	tcps_rcvpack;		/* in-order data */
	uint64_t	tcps_rcvbyte;
	uint64_t	tcps_rcvshort;		/* under a header */
	uint64_t	tcps_rcvbadsum;
	uint64_t	tcps_rcvbadoff;		/* bad data offset */
	uint64_t	tcps_rcvbadopt;		/* malformed options */
	uint64_t	tcps_rcvbadflags;	/* SYN+FIN, no flags, ... */
	uint64_t	tcps_rcvbadaddr;	/* broadcast, multicast, ... */
	uint64_t	tcps_noport;		/* no connection: RST */
	uint64_t	tcps_listendrop;	/* listen queue full */
	uint64_t	tcps_badsyn;		/* ACK/RST to a listener */
	uint64_t	tcps_rcvduppack;	/* wholly duplicate data */
	uint64_t	tcps_rcvdupbyte;
	uint64_t	tcps_rcvpartduppack;
	uint64_t	tcps_rcvoopack;		/* out of order */
	uint64_t	tcps_rcvoobyte;
	uint64_t	tcps_rcvpackafterwin;	/* beyond the window */
	uint64_t	tcps_rcvoutofwin;	/* unacceptable seq */
	uint64_t	tcps_rcvafterclose;	/* data, nobody to read */
	uint64_t	tcps_rcvnoack;		/* synced, no ACK bit */
	uint64_t	tcps_rcvacktoomuch;	/* ACK of unsent data */
	uint64_t	tcps_rcvackold;		/* ACK too far behind */
	uint64_t	tcps_rcvdupack;
	uint64_t	tcps_rcvackpack;
	uint64_t	tcps_rcvackbyte;
	uint64_t	tcps_rcvwinupd;
	uint64_t	tcps_rcvrstdrop;	/* RST not exactly at rcv_nxt */
	uint64_t	tcps_rcvsyndrop;	/* SYN on a synced connection */
	uint64_t	tcps_challengeack;	/* RFC 5961 ACKs sent */
	uint64_t	tcps_ackratelimited;	/* answers held back */
	uint64_t	tcps_rcvmemdrop;	/* no memory to queue */
	uint64_t	tcps_rcvafterfin;	/* data past the peer's FIN */

	uint64_t	tcps_rexmttimeo;
	uint64_t	tcps_persisttimeo;
	uint64_t	tcps_keeptimeo;
	uint64_t	tcps_keepprobe;
	uint64_t	tcps_keepdrops;
	uint64_t	tcps_timeoutdrop;	/* too many retransmissions */
	uint64_t	tcps_delack;		/* delayed ACKs sent */
	uint64_t	tcps_fastrexmt;
	uint64_t	tcps_limitedxmit;	/* RFC 3042 sends allowed */
	uint64_t	tcps_partialack;
	uint64_t	tcps_rttupdated;
	uint64_t	tcps_icmperrors;	/* ICMP errors taken */
	uint64_t	tcps_icmpignored;	/* quoting no seq in flight */
};
extern struct tcpstat tcpstat;
#define TCP_STATINC(f)		(tcpstat.f++)
#define TCP_STATADD(f, n)	(tcpstat.f += (n))

/*
 * Tunables, global, read when a connection starts (or a timer fires).
 * Tests shorten them from a kernel half; the defaults are the RFCs'.
 */
struct tcp_knobs {
	uint64_t	tk_msl_ns;		/* MSL: 2 min (RFC 9293) */
	uint64_t	tk_rto_init_us;		/* 1 s (RFC 6298 2.1) */
	uint64_t	tk_rto_min_us;		/* 1 s (RFC 6298 2.4) */
	uint64_t	tk_rto_max_us;		/* 60 s */
	uint64_t	tk_delack_ns;		/* 100 ms (< 500) */
	uint64_t	tk_conntimeo_ns;	/* give up connecting: 75 s */
	unsigned	tk_keepidle;		/* 7200 s (RFC 1122) */
	unsigned	tk_keepintvl;		/* 75 s */
	unsigned	tk_keepcnt;		/* 8 */
	unsigned	tk_maxrxtshift;		/* 12 retransmissions */
	unsigned	tk_synrxtshift;		/* 6 SYN resends */
	size_t		tk_sendspace;		/* SO_SNDBUF */
	size_t		tk_recvspace;		/* SO_RCVBUF */
	bool		tk_rfc5961;		/* challenge ACKs */
	/* Least time between ACKs to unacceptable segments: 500 ms. */
	uint64_t	tk_oowlimit_ns;
	/* Test hooks: drop the Nth data segment sent from now (0: off), */
	unsigned	tk_drop_nth;
	/* or every segment (an unplugged cable). */
	bool		tk_blackhole;
};
extern struct tcp_knobs tcp_knobs;
/* Reset the tunables to their defaults (at boot and for tests). */
void	tcp_knobs_default(void);

extern const struct pr_usrreqs tcp_usrreqs;
extern struct inpcbtable tcbtable;
/* A counter by its field name ("tcps_noport"): 0 or ENOENT. */
int	tcp_stat_byname(const char *name, uint64_t *valp);

/* tcp_subr.c */
int	tcp_init_component(void);
void	tcp_fini_component(void);
/* pr_attach's work: a CLOSED tcpcb with its inpcb; 0 or ENOBUFS. */
int	tcp_attach(struct socket *);
/* Free the connection (and its socket link); returns NULL. */
struct tcpcb *tcp_close(struct tcpcb *);
/* Abort with an RST if synchronized; so_error = errno. Returns NULL. */
struct tcpcb *tcp_drop(struct tcpcb *, int errno_);
/* Report an error and close; for resets and timeouts. */
void	tcp_notify_error(struct tcpcb *, int errno_);
tcp_seq	tcp_new_iss(const struct tcpcb *);
void	tcp_mss_from_peer(struct tcpcb *, const struct tcp_opts *);
uint32_t tcp_mss_to_advertise(const struct tcpcb *);
/* The window shift to request for so's receive buffer (RFC 7323). */
uint8_t	tcp_rscale(const struct socket *);
/* The send data (so_snd). */
struct mbuf *tcp_snd_mb(const struct tcpcb *);
size_t	tcp_snd_cc(const struct tcpcb *);
void	tcp_snd_drop(struct tcpcb *, size_t len);
void	tcp_reass_flush(struct tcpcb *);
void	tcp_set_state(struct tcpcb *, int state);

/* tcp_input.c */
void	tcp_input(struct mbuf *m, int off, int proto);
/* An RFC 5961 challenge ACK, rate unlimited (we count them). */
void	tcp_challenge_ack(struct tcpcb *);

/* tcp_output.c */
/*
 * Send what the state, windows, Nagle and timers allow.  Returns 0:
 * a segment that could not be sent is retransmitted later like a lost
 * one, and the cause kept for a timeout to report.
 */
int	tcp_output(struct tcpcb *);
int	tcp_output_at(struct tcpcb *, uint64_t now);
/*
 * A segment with no connection behind it (RST or ACK), addressed by
 * the given tuple (network order); flags TH_RST and/or TH_ACK.
 */
void	tcp_respond(struct in_addr src, in_port_t sport, struct in_addr dst,
	    in_port_t dport, tcp_seq seq, tcp_seq ack, int flags);
/* Keepalive probe: <SEQ=SND.UNA-1><ACK=RCV.NXT>. */
void	tcp_send_keepalive(struct tcpcb *);

/* tcp_timer.c */
void	tcp_timer_arm(struct tcpcb *, int which, uint64_t ns);
/* The same with the caller's reading of the clock (one per segment). */
void	tcp_timer_arm_at(struct tcpcb *, int which, uint64_t now,
	    uint64_t ns);
void	tcp_timer_disarm(struct tcpcb *, int which);
bool	tcp_timer_armed(const struct tcpcb *, int which);
void	tcp_timers_init(struct tcpcb *);
/* Stop the callout; true if it is running and will free tp. */
bool	tcp_timers_stop(struct tcpcb *);
void	tcp_timer_rexmt_start(struct tcpcb *);
void	tcp_timer_rexmt_start_at(struct tcpcb *, uint64_t now);
uint64_t tcp_2msl_ns(void);

/* tcp_usrreq.c */
int	tcp_ctloutput(int op, struct socket *, struct sockopt *);
void	tcp_usrclosed(struct tcpcb *);

#endif /* _RUMP_SYS_NETINET_TCP_VAR_H_ */
