/*
 * tcp_subr.c: the life of a TCP connection block: the connection
 * table and its lookups, creation, closing and dropping, initial
 * sequence numbers, MSS choice, the send data of detached connections,
 * tunables and statistics.  Everything here runs under softnet_lock.
 */
#include <rump-sys/systm.h>
#include <rump-sys/kmem.h>
#include <rump-sys/mbuf.h>
#include <rump-sys/time.h>
#include <rump/rumpuser.h>
#include <rump-sys/if.h>
#include <rump-sys/route.h>
#include <rump-sys/netinet/tcp_var.h>

struct tcpstat tcpstat;
struct tcp_knobs tcp_knobs;
struct inpcbtable tcbtable;

const char *const tcpstates[TCP_NSTATES] = {
	"CLOSED", "LISTEN", "SYN_SENT", "SYN_RECEIVED", "ESTABLISHED",
	"CLOSE_WAIT", "FIN_WAIT_1", "CLOSING", "LAST_ACK", "FIN_WAIT_2",
	"TIME_WAIT",
};

static uint64_t tcp_iss_secret[2];

void
tcp_knobs_default(void)
{
	memset(&tcp_knobs, 0, sizeof(tcp_knobs));
	tcp_knobs.tk_msl_ns = 120 * NSEC_PER_SEC;
	tcp_knobs.tk_rto_init_us = TCP_RTO_INITIAL_US;
	tcp_knobs.tk_rto_min_us = TCP_RTO_MIN_US;
	tcp_knobs.tk_rto_max_us = TCP_RTO_MAX_US;
	tcp_knobs.tk_delack_ns = 100 * 1000 * 1000;
	tcp_knobs.tk_conntimeo_ns = 75 * NSEC_PER_SEC;
	tcp_knobs.tk_keepidle = 7200;
	tcp_knobs.tk_keepintvl = 75;
	tcp_knobs.tk_keepcnt = 8;
	tcp_knobs.tk_maxrxtshift = 12;
	tcp_knobs.tk_synrxtshift = 6;
	tcp_knobs.tk_sendspace = 256 * 1024;
	tcp_knobs.tk_recvspace = 256 * 1024;
	tcp_knobs.tk_rfc5961 = true;
	tcp_knobs.tk_oowlimit_ns = 500 * 1000 * 1000;
}

int
tcp_init_component(void)
{
	size_t got;

	memset(&tcpstat, 0, sizeof(tcpstat));
	in_pcbinit(&tcbtable);
	tcp_knobs_default();
	if (rumpuser_getrandom(tcp_iss_secret, sizeof(tcp_iss_secret), 0,
	    &got) != 0 || got != sizeof(tcp_iss_secret)) {
		/* Still unpredictable enough for a test kernel. */
		tcp_iss_secret[0] = rump_monotime_ns() * 0x9e3779b97f4a7c15ull;
		tcp_iss_secret[1] = ~tcp_iss_secret[0];
	}
	return 0;
}

/*
 * At shutdown: whatever is left (TIME_WAIT, connections whose sockets
 * were closed) is freed without a word on the wire.
 */
void
tcp_fini_component(void)
{
	struct inpcb *inp;
	struct tcpcb *tp;

	mutex_enter(softnet_lock);
	while ((inp = LIST_FIRST(&tcbtable.inpt_list)) != NULL) {
		tp = intotcpcb(inp);
		KASSERTMSG(tp != NULL, "inpcb %p without a tcpcb", inp);
		(void)tcp_close(tp);
	}
	mutex_exit(softnet_lock);
}

/*
 * RFC 6528: ISS = M + F(localip, localport, remoteip, remoteport,
 * secret), M a 4 microsecond clock.  F is a keyed mix, not a
 * cryptographic hash; good enough for a test kernel.
 */
tcp_seq
tcp_new_iss(const struct tcpcb *tp)
{
	const struct inpcb *inp = tp->t_inpcb;
	uint64_t h = tcp_iss_secret[0];
	uint64_t words[3] = {
		inp->inp_laddr.s_addr, inp->inp_faddr.s_addr,
		(uint64_t)inp->inp_lport << 16 | inp->inp_fport,
	};

	for (unsigned i = 0; i < 3; i++) {
		h ^= words[i] + tcp_iss_secret[1];
		h *= 0xff51afd7ed558ccdull;
		h ^= h >> 33;
	}
	return (tcp_seq)(h + rump_monotime_ns() / 4000);
}

static void
tcp_rtt_reset(struct tcpcb *tp)
{
	tcp_rtt_init(&tp->t_rtt, tcp_knobs.tk_rto_min_us,
	    MAX(tcp_knobs.tk_rto_max_us, tcp_knobs.tk_rto_min_us));
	/* Tests may start lower than RFC 6298's 1 s. */
	tp->t_rtt.rt_rto = MIN(tcp_knobs.tk_rto_init_us, tp->t_rtt.rt_max);
}

/*
 * pr_attach's work: an inpcb on tcbtable and a CLOSED tcpcb behind it.
 * 0 or ENOBUFS.
 */
int
tcp_attach(struct socket *so)
{
	struct tcpcb *tp;
	struct inpcb *inp;
	int error;

	tp = kmem_zalloc(sizeof(*tp), KM_NOSLEEP);
	if (tp == NULL)
		return ENOBUFS;
	if ((error = in_pcballoc(so, &tcbtable)) != 0) {
		kmem_free(tp, sizeof(*tp));
		return error;
	}
	inp = sotoinpcb(so);
	inp->inp_ppcb = tp;
	tp->t_inpcb = inp;
	tp->t_socket = so;
	tp->t_state = TCPS_CLOSED;
	tp->t_maxseg = TCP_DEFAULT_MSS;
	tcp_cc_init(&tp->t_cc, tp->t_maxseg, 0);
	tcp_rtt_reset(tp);
	tp->t_keepidle = tcp_knobs.tk_keepidle;
	tp->t_keepintvl = tcp_knobs.tk_keepintvl;
	tp->t_keepcnt = tcp_knobs.tk_keepcnt;
	TAILQ_INIT(&tp->t_segq);
	tcp_timers_init(tp);
	return 0;
}

void
tcp_set_state(struct tcpcb *tp, int state)
{
	KASSERT(state >= 0 && state < TCP_NSTATES);
	tp->t_state = state;
	if (state == TCPS_TIME_WAIT)
		TCP_STATINC(tcps_timewait);
}

struct mbuf *
tcp_snd_mb(const struct tcpcb *tp)
{
	return tp->t_socket != NULL ? tp->t_socket->so_snd.sb_mb : NULL;
}

size_t
tcp_snd_cc(const struct tcpcb *tp)
{
	return tp->t_socket != NULL ? tp->t_socket->so_snd.sb_cc : 0;
}

/* Drop len acknowledged bytes from the front of the send data. */
void
tcp_snd_drop(struct tcpcb *tp, size_t len)
{
	if (tp->t_socket == NULL || len == 0)
		return;
	sbdrop(&tp->t_socket->so_snd, (int)len);
	sowwakeup(tp->t_socket);
}

void
tcp_reass_flush(struct tcpcb *tp)
{
	struct tcpqent *q;

	while ((q = TAILQ_FIRST(&tp->t_segq)) != NULL) {
		TAILQ_REMOVE(&tp->t_segq, q, tqe_q);
		m_freem(q->tqe_m);
		kmem_free(q, sizeof(*q));
	}
	tp->t_segqlen = 0;
}

static void
tcp_free(struct tcpcb *tp)
{
	callout_destroy(&tp->t_callout);
	kmem_free(tp, sizeof(*tp));
}

/*
 * Free the connection: unlink it from the table and its socket (which
 * becomes disconnected, and is freed if its descriptor is gone, unless
 * TF_KEEPSO says the caller, pr_abort or pr_detach, does that), drop
 * queued data.  When the timer callout is
 * running the callout frees the memory itself.  Returns NULL.
 */
struct tcpcb *
tcp_close(struct tcpcb *tp)
{
	struct socket *so = tp->t_socket;
	struct inpcb *inp = tp->t_inpcb;
	bool keepso = (tp->t_flags & TF_KEEPSO) != 0;

	KASSERT(!(tp->t_flags & TF_DEAD));
	tcp_reass_flush(tp);
	tp->t_state = TCPS_CLOSED;
	TCP_STATINC(tcps_closed);
	tp->t_socket = NULL;
	if (so != NULL)
		soisdisconnected(so);
	inp->inp_ppcb = NULL;
	if (keepso) {
		/* pr_abort/pr_detach: the socket layer frees so. */
		inp->inp_socket = NULL;
		if (so != NULL)
			so->so_pcb = NULL;
	}
	/* Clears so_pcb and frees so if its descriptor is gone. */
	in_pcbdetach(inp);
	tp->t_inpcb = NULL;
	tp->t_flags |= TF_DEAD;
	if (!tcp_timers_stop(tp))
		tcp_free(tp);
	return NULL;
}

/* Report errno_ to the socket (if any) and close. */
void
tcp_notify_error(struct tcpcb *tp, int errno_)
{
	if (tp->t_socket != NULL)
		sonotify_error(tp->t_socket, errno_);
	(void)tcp_close(tp);
}

struct tcpcb *
tcp_drop(struct tcpcb *tp, int errno_)
{
	if (TCPS_HAVERCVDSYN(tp->t_state)) {
		tcp_respond(tp->t_inpcb->inp_laddr, tp->t_inpcb->inp_lport,
		    tp->t_inpcb->inp_faddr, tp->t_inpcb->inp_fport,
		    tp->snd_nxt, tp->rcv_nxt, TH_RST | TH_ACK);
		TCP_STATINC(tcps_drops);
	} else
		TCP_STATINC(tcps_conndrops);
	if (errno_ == ETIMEDOUT && tp->t_softerror != 0)
		errno_ = tp->t_softerror;
	if (errno_ != 0)
		tcp_notify_error(tp, errno_);
	else
		(void)tcp_close(tp);
	return NULL;
}

/*
 * What our SYN advertises: the largest segment the interface toward
 * the peer carries, its MTU minus the fixed IP and TCP headers (RFC
 * 9293 3.7.1); 536 if there is no route.
 */
uint32_t
tcp_mss_to_advertise(const struct tcpcb *tp)
{
	struct inpcb *inp = tp->t_inpcb;
	uint32_t mtu;

	rtcache_lookup(&inp->inp_route, inp->inp_faddr);
	if (inp->inp_route.ro_rt == NULL ||
	    inp->inp_route.ro_rt->rt_ifp == NULL)
		return TCP_DEFAULT_MSS;
	mtu = inp->inp_route.ro_rt->rt_mtu > 0 ?
	    (uint32_t)inp->inp_route.ro_rt->rt_mtu :
	    (uint32_t)inp->inp_route.ro_rt->rt_ifp->if_mtu;
	if (mtu < 20 + TCP_HDRLEN + 64)
		return 64;
	return MIN(mtu - 20 - TCP_HDRLEN, TCP_MAXWIN);
}

/*
 * The peer's MSS option (or 536 without one, RFC 9293 3.7.1), bounded
 * by ours, and never below 64 bytes so a hostile MSS of 0 or 1 cannot
 * make us send a segment per byte.
 */
void
tcp_mss_from_peer(struct tcpcb *tp, const struct tcp_opts *to)
{
	uint32_t mss = TCP_DEFAULT_MSS;

	if (to->to_flags & TOF_MSS)
		mss = to->to_mss;
	mss = MIN(mss, tp->t_ourmss != 0 ? tp->t_ourmss :
	    tcp_mss_to_advertise(tp));
	mss = MAX(mss, 64);
	tp->t_maxseg = mss;
	tcp_cc_init(&tp->t_cc, mss, tp->iss);
}

#define TCPSTAT_FIELD(f)	{ #f, __builtin_offsetof(struct tcpstat, f) }
static const struct {
	const char	*name;
	size_t		 off;
} tcpstat_names[] = {
	TCPSTAT_FIELD(tcps_connattempt), TCPSTAT_FIELD(tcps_accepts),
	TCPSTAT_FIELD(tcps_connects), TCPSTAT_FIELD(tcps_drops),
	TCPSTAT_FIELD(tcps_conndrops), TCPSTAT_FIELD(tcps_closed),
	TCPSTAT_FIELD(tcps_timewait), TCPSTAT_FIELD(tcps_refused),
	TCPSTAT_FIELD(tcps_simopen), TCPSTAT_FIELD(tcps_twreopen),
	TCPSTAT_FIELD(tcps_resets), TCPSTAT_FIELD(tcps_sndtotal),
	TCPSTAT_FIELD(tcps_sndpack), TCPSTAT_FIELD(tcps_sndbyte),
	TCPSTAT_FIELD(tcps_sndrexmitpack), TCPSTAT_FIELD(tcps_sndrexmitbyte),
	TCPSTAT_FIELD(tcps_sndacks), TCPSTAT_FIELD(tcps_sndprobe),
	TCPSTAT_FIELD(tcps_sndwinup), TCPSTAT_FIELD(tcps_sndctrl),
	TCPSTAT_FIELD(tcps_sndrst), TCPSTAT_FIELD(tcps_snderr),
	TCPSTAT_FIELD(tcps_testdrop), TCPSTAT_FIELD(tcps_rcvtotal),
	TCPSTAT_FIELD(tcps_rcvpack), TCPSTAT_FIELD(tcps_rcvbyte),
	TCPSTAT_FIELD(tcps_rcvshort), TCPSTAT_FIELD(tcps_rcvbadsum),
	TCPSTAT_FIELD(tcps_rcvbadoff), TCPSTAT_FIELD(tcps_rcvbadopt),
	TCPSTAT_FIELD(tcps_rcvbadflags), TCPSTAT_FIELD(tcps_rcvbadaddr),
	TCPSTAT_FIELD(tcps_noport), TCPSTAT_FIELD(tcps_listendrop),
	TCPSTAT_FIELD(tcps_badsyn), TCPSTAT_FIELD(tcps_rcvduppack),
	TCPSTAT_FIELD(tcps_rcvdupbyte), TCPSTAT_FIELD(tcps_rcvpartduppack),
	TCPSTAT_FIELD(tcps_rcvoopack), TCPSTAT_FIELD(tcps_rcvoobyte),
	TCPSTAT_FIELD(tcps_rcvpackafterwin), TCPSTAT_FIELD(tcps_rcvoutofwin),
	TCPSTAT_FIELD(tcps_rcvafterclose), TCPSTAT_FIELD(tcps_rcvnoack),
	TCPSTAT_FIELD(tcps_rcvacktoomuch), TCPSTAT_FIELD(tcps_rcvackold),
	TCPSTAT_FIELD(tcps_rcvdupack), TCPSTAT_FIELD(tcps_rcvackpack),
	TCPSTAT_FIELD(tcps_rcvackbyte), TCPSTAT_FIELD(tcps_rcvwinupd),
	TCPSTAT_FIELD(tcps_rcvrstdrop), TCPSTAT_FIELD(tcps_rcvsyndrop),
	TCPSTAT_FIELD(tcps_challengeack), TCPSTAT_FIELD(tcps_ackratelimited),
	TCPSTAT_FIELD(tcps_rcvmemdrop),
	TCPSTAT_FIELD(tcps_rcvafterfin), TCPSTAT_FIELD(tcps_rexmttimeo),
	TCPSTAT_FIELD(tcps_persisttimeo), TCPSTAT_FIELD(tcps_keeptimeo),
	TCPSTAT_FIELD(tcps_keepprobe), TCPSTAT_FIELD(tcps_keepdrops),
	TCPSTAT_FIELD(tcps_timeoutdrop), TCPSTAT_FIELD(tcps_delack),
	TCPSTAT_FIELD(tcps_fastrexmt), TCPSTAT_FIELD(tcps_limitedxmit),
	TCPSTAT_FIELD(tcps_partialack),
	TCPSTAT_FIELD(tcps_rttupdated), TCPSTAT_FIELD(tcps_icmperrors),
	TCPSTAT_FIELD(tcps_icmpignored),
};
CTASSERT(__arraycount(tcpstat_names) * sizeof(uint64_t) ==
    sizeof(struct tcpstat));

int
tcp_stat_byname(const char *name, uint64_t *valp)
{
	for (size_t i = 0; i < __arraycount(tcpstat_names); i++) {
		if (strcmp(tcpstat_names[i].name, name) == 0) {
			memcpy(valp, (const char *)&tcpstat +
			    tcpstat_names[i].off, sizeof(*valp));
			return 0;
		}
	}
	return ENOENT;
}

/* The window scale we ask for: enough for the receive buffer. */
uint8_t
tcp_rscale(const struct socket *so)
{
	uint8_t s = 0;

	while (s < TCP_MAX_WINSHIFT &&
	    ((size_t)TCP_MAXWIN << s) < so->so_rcv.sb_hiwat)
		s++;
	return s;
}
