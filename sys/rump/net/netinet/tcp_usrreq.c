/*
 * tcp_usrreq.c: TCP's side of the socket calls (struct pr_usrreqs),
 * its socket options, its protosw and the component that registers it
 * with IPv4.  The RFC 9293 user calls map as: OPEN = pr_connect or
 * pr_listen, SEND = pr_send, CLOSE = pr_shutdown (SHUT_WR) or
 * pr_disconnect/pr_detach, ABORT = pr_abort or SO_LINGER with 0 s.
 * All are called with softnet_lock held.
 */
#include <rump-sys/systm.h>
#include <rump-sys/component.h>
#include <rump-sys/domain.h>
#include <rump-sys/mbuf.h>
#include <rump-sys/protosw.h>
#include <rump-sys/time.h>
#include <rump-sys/netinet/in_var.h>
#include <rump-sys/netinet/ip.h>
#include <rump-sys/netinet/tcp_var.h>

#include "netinet_int.h"

/*
 * The CLOSE call (RFC 9293 3.10.4): a FIN after the queued data.
 * Returns NULL when the connection was freed at once.
 */
static struct tcpcb *
tcp_usrclosed1(struct tcpcb *tp)
{
	switch (tp->t_state) {
	case TCPS_CLOSED:
	case TCPS_LISTEN:
	case TCPS_SYN_SENT:
		return tcp_close(tp);
	case TCPS_SYN_RECEIVED:
	case TCPS_ESTABLISHED:
		tcp_set_state(tp, TCPS_FIN_WAIT_1);
		break;
	case TCPS_CLOSE_WAIT:
		tcp_set_state(tp, TCPS_LAST_ACK);
		break;
	}
	return tp;
}

void
tcp_usrclosed(struct tcpcb *tp)
{
	if ((tp = tcp_usrclosed1(tp)) != NULL)
		(void)tcp_output(tp);
}

static int
tcp_attach_usr(struct socket *so, int proto)
{
	int error;

	(void)proto;
	if (so->so_snd.sb_hiwat == 0 &&
	    (error = sbreserve(&so->so_snd, tcp_knobs.tk_sendspace)) != 0)
		return error;
	if (so->so_rcv.sb_hiwat == 0 &&
	    (error = sbreserve(&so->so_rcv, tcp_knobs.tk_recvspace)) != 0)
		return error;
	return tcp_attach(so);
}

static bool
tcp_linger0(const struct socket *so)
{
	return (so->so_options & SO_OPT_LINGER) && so->so_linger == 0;
}

/*
 * The descriptor is being closed.  A connection that has nothing to
 * say goodbye with goes at once; otherwise it sends its FIN after the
 * data and lives on, keeping the socket (see tcp_var.h).
 */
static void
tcp_detach(struct socket *so)
{
	struct tcpcb *tp = sototcpcb(so);

	if (tp == NULL)
		return;
	tp->t_flags |= TF_KEEPSO;
	if (tcp_linger0(so) || (so->so_rcv.sb_cc > 0 &&
	    TCPS_HAVEESTABLISHED(tp->t_state))) {
		(void)tcp_drop(tp, 0);
		return;
	}
	if ((tp = tcp_usrclosed1(tp)) == NULL)
		return;
	tp->t_flags &= ~TF_KEEPSO;
	/* Half closed before: the peer's FIN gets 2 MSL, no more. */
	if (tp->t_state == TCPS_FIN_WAIT_2)
		tcp_timer_arm(tp, TCPT_2MSL, tcp_2msl_ns());
	(void)tcp_output(tp);
}

static int
tcp_accept(struct socket *so, struct sockaddr *nam)
{
	struct inpcb *inp = sotoinpcb(so);

	if (inp == NULL)
		return ECONNABORTED;
	in_setpeeraddr(inp, satosin(nam));
	return 0;
}

static int
tcp_bind(struct socket *so, struct sockaddr *nam, struct lwp *l)
{
	struct inpcb *inp = sotoinpcb(so);

	if (inp == NULL)
		return EINVAL;
	return in_pcbbind(inp, satocsin(nam), l);
}

static int
tcp_listen(struct socket *so, struct lwp *l)
{
	struct tcpcb *tp = sototcpcb(so);
	int error;

	if (tp == NULL)
		return EINVAL;
	if (tp->t_state != TCPS_CLOSED && tp->t_state != TCPS_LISTEN)
		return EINVAL;
	if (tp->t_inpcb->inp_lport == 0 &&
	    (error = in_pcbbind(tp->t_inpcb, NULL, l)) != 0)
		return error;
	tp->t_flags |= TF_REQ_SCALE;
	tcp_set_state(tp, TCPS_LISTEN);
	return 0;
}

/* OPEN, active (RFC 9293 3.10.1): send a SYN, go to SYN_SENT. */
static int
tcp_connect(struct socket *so, struct sockaddr *nam, struct lwp *l)
{
	struct tcpcb *tp = sototcpcb(so);
	const struct sockaddr_in *sin = satocsin(nam);
	int error;

	if (tp == NULL)
		return EINVAL;
	if (tp->t_state == TCPS_LISTEN)
		return EOPNOTSUPP;
	if (tp->t_state != TCPS_CLOSED)
		return EISCONN;
	if (sin->sin_family != AF_INET)
		return EAFNOSUPPORT;
	if (IN_MULTICAST(ntohl(sin->sin_addr.s_addr)) ||
	    sin->sin_addr.s_addr == INADDR_BROADCAST)
		return EADDRNOTAVAIL;
	if ((error = in_pcbconnect(tp->t_inpcb, sin, l)) != 0)
		return error;
	tp->t_flags |= TF_REQ_SCALE;
	tp->request_r_scale = tcp_rscale(so);
	tp->t_ourmss = tcp_mss_to_advertise(tp);
	tp->iss = tcp_new_iss(tp);
	tp->snd_una = tp->snd_nxt = tp->snd_max = tp->iss;
	tp->t_rcvtime = rump_monotime_ns();
	soisconnecting(so);
	tcp_set_state(tp, TCPS_SYN_SENT);
	tcp_timer_arm(tp, TCPT_KEEP, tcp_knobs.tk_conntimeo_ns);
	TCP_STATINC(tcps_connattempt);
	return tcp_output(tp);
}

/*
 * soclose of a connected socket: abort with linger 0, or when received
 * data was never read (RFC 1122 4.2.2.13: the peer learns it was
 * lost); else CLOSE.
 */
static int
tcp_disconnect(struct socket *so)
{
	struct tcpcb *tp = sototcpcb(so);

	if (tp == NULL)
		return 0;
	if (tcp_linger0(so) || so->so_rcv.sb_cc > 0) {
		tp->t_flags |= TF_KEEPSO;
		(void)tcp_drop(tp, 0);
		return 0;
	}
	soisdisconnecting(so);
	sbflush(&so->so_rcv);
	tcp_usrclosed(tp);
	return 0;
}

static int
tcp_shutdown(struct socket *so)
{
	struct tcpcb *tp = sototcpcb(so);

	socantsendmore(so);
	if (tp != NULL)
		tcp_usrclosed(tp);
	return 0;
}

/* Drop a connection nobody accepted; soabort frees the socket. */
static int
tcp_abort(struct socket *so)
{
	struct tcpcb *tp = sototcpcb(so);

	if (tp != NULL) {
		tp->t_flags |= TF_KEEPSO;
		(void)tcp_drop(tp, ECONNABORTED);
	}
	return 0;
}

static int
tcp_ioctl(struct socket *so, u_long cmd, void *data, struct ifnet *ifp)
{
	return in_control(so, cmd, data, ifp);
}

static int
tcp_sockaddr(struct socket *so, struct sockaddr *nam)
{
	struct inpcb *inp = sotoinpcb(so);

	if (inp == NULL)
		return EINVAL;
	in_setsockaddr(inp, satosin(nam));
	return 0;
}

static int
tcp_peeraddr(struct socket *so, struct sockaddr *nam)
{
	struct tcpcb *tp = sototcpcb(so);

	if (tp == NULL || !TCPS_HAVEESTABLISHED(tp->t_state))
		return ENOTCONN;
	in_setpeeraddr(tp->t_inpcb, satosin(nam));
	return 0;
}

/* The user read: maybe a window update is due. */
static int
tcp_rcvd(struct socket *so, int flags, struct lwp *l)
{
	struct tcpcb *tp = sototcpcb(so);

	if (tp != NULL)
		(void)tcp_output(tp);
	return 0;
}

static int
tcp_send(struct socket *so, struct mbuf *m, struct sockaddr *nam,
    struct mbuf *control, struct lwp *l)
{
	struct tcpcb *tp = sototcpcb(so);

	m_freem(control);		/* TCP carries no ancillary data */
	if (tp == NULL || !TCPS_HAVEESTABLISHED(tp->t_state) ||
	    (tp->t_flags & TF_SENTFIN)) {
		m_freem(m);
		return tp == NULL ? ECONNRESET : ENOTCONN;
	}
	sbappendstream(&so->so_snd, m);
	return tcp_output(tp);
}

const struct pr_usrreqs tcp_usrreqs = {
	.pr_attach = tcp_attach_usr,
	.pr_detach = tcp_detach,
	.pr_accept = tcp_accept,
	.pr_bind = tcp_bind,
	.pr_listen = tcp_listen,
	.pr_connect = tcp_connect,
	.pr_disconnect = tcp_disconnect,
	.pr_shutdown = tcp_shutdown,
	.pr_abort = tcp_abort,
	.pr_ioctl = tcp_ioctl,
	.pr_sockaddr = tcp_sockaddr,
	.pr_peeraddr = tcp_peeraddr,
	.pr_rcvd = tcp_rcvd,
	.pr_send = tcp_send,
	.pr_sendoob = NULL,
};

static int
tcp_setint(struct tcpcb *tp, struct sockopt *sopt)
{
	int v, error;

	if ((error = sockopt_getint(sopt, &v)) != 0)
		return error;
	switch (sopt->sopt_name) {
	case TCP_NODELAY:
		if (v)
			tp->t_flags |= TF_NODELAY;
		else
			tp->t_flags &= ~TF_NODELAY;
		(void)tcp_output(tp);	/* what Nagle held back */
		return 0;
	case TCP_KEEPIDLE:
	case TCP_KEEPINTVL:
		if (v < 1 || v > 32767)
			return EINVAL;
		if (sopt->sopt_name == TCP_KEEPIDLE) {
			tp->t_keepidle = (unsigned)v;
			if (TCPS_HAVEESTABLISHED(tp->t_state) &&
			    tp->t_state <= TCPS_CLOSE_WAIT)
				tcp_timer_arm(tp, TCPT_KEEP,
				    (uint64_t)v * NSEC_PER_SEC);
		} else
			tp->t_keepintvl = (unsigned)v;
		return 0;
	case TCP_KEEPCNT:
		if (v < 1 || v > 127)
			return EINVAL;
		tp->t_keepcnt = (unsigned)v;
		return 0;
	case TCP_MAXSEG:
		/* Lowering it is allowed, never below 64 nor above ours. */
		if (v < 64 || v > (int)tcp_mss_to_advertise(tp))
			return EINVAL;
		tp->t_maxseg = MIN(tp->t_maxseg, (uint32_t)v);
		tp->t_cc.cc_smss = tp->t_maxseg;
		return 0;
	}
	return ENOPROTOOPT;
}

static int
tcp_getint(struct tcpcb *tp, struct sockopt *sopt)
{
	int v;

	switch (sopt->sopt_name) {
	case TCP_NODELAY:
		v = (tp->t_flags & TF_NODELAY) != 0;
		break;
	case TCP_MAXSEG:
		v = (int)tp->t_maxseg;
		break;
	case TCP_KEEPIDLE:
		v = (int)tp->t_keepidle;
		break;
	case TCP_KEEPINTVL:
		v = (int)tp->t_keepintvl;
		break;
	case TCP_KEEPCNT:
		v = (int)tp->t_keepcnt;
		break;
	default:
		return ENOPROTOOPT;
	}
	return sockopt_setint(sopt, v);
}

int
tcp_ctloutput(int op, struct socket *so, struct sockopt *sopt)
{
	struct tcpcb *tp = sototcpcb(so);

	if (sopt->sopt_level != IPPROTO_TCP)
		return ip_ctloutput(op, so, sopt);
	if (tp == NULL)
		return ECONNRESET;
	return op == PRCO_SETOPT ? tcp_setint(tp, sopt) : tcp_getint(tp, sopt);
}

/*
 * ICMP errors about our segments (RFC 1122 4.2.3.9, RFC 5927).  Only
 * an error quoting a sequence number in flight counts.  Protocol and
 * port unreachable are hard errors: a connection still being opened is
 * aborted with ECONNREFUSED.  The others are soft: remembered, and
 * reported instead of ETIMEDOUT if the connection times out.
 */
static void
tcp_notify(struct inpcb *inp, int error)
{
	struct tcpcb *tp = intotcpcb(inp);

	if (tp != NULL)
		tp->t_softerror = error;
}

static void
tcp_ctlinput(int cmd, const struct sockaddr *dst, void *vip)
{
	const struct sockaddr_in *sin = satocsin(dst);
	const struct ip *ip = vip;
	const struct tcphdr *th;
	struct inpcb *inp;
	struct tcpcb *tp;
	tcp_seq seq;

	if (cmd < 0 || cmd >= PRC_NCMDS || inetctlerrmap[cmd] == 0 ||
	    sin->sin_family != AF_INET)
		return;
	if (ip == NULL) {
		in_pcbnotifyall(&tcbtable, sin->sin_addr, inetctlerrmap[cmd],
		    tcp_notify);
		return;
	}
	/* icmp_input checked that the header and 8 bytes are there. */
	th = (const struct tcphdr *)(const void *)((const char *)ip +
	    (ip->ip_hl << 2));
	inp = in_pcblookup_connect(&tcbtable, sin->sin_addr, th->th_dport,
	    ip->ip_src, th->th_sport);
	if (inp == NULL || (tp = intotcpcb(inp)) == NULL)
		return;
	seq = ntohl(th->th_seq);
	if (SEQ_LT(seq, tp->snd_una) || SEQ_GEQ(seq, tp->snd_max)) {
		TCP_STATINC(tcps_icmpignored);
		return;
	}
	TCP_STATINC(tcps_icmperrors);
	if ((cmd == PRC_UNREACH_PORT || cmd == PRC_UNREACH_PROTOCOL) &&
	    tp->t_state < TCPS_ESTABLISHED) {
		(void)tcp_drop(tp, inetctlerrmap[cmd]);
		return;
	}
	tp->t_softerror = inetctlerrmap[cmd];
}

const struct protosw tcp_protosw = {
	.pr_type = SOCK_STREAM,
	.pr_domain = &inetdomain,
	.pr_protocol = IPPROTO_TCP,
	.pr_flags = PR_CONNREQUIRED | PR_WANTRCVD | PR_LISTEN,
	.pr_input = tcp_input,
	.pr_ctlinput = tcp_ctlinput,
	.pr_ctloutput = tcp_ctloutput,
	.pr_usrreqs = &tcp_usrreqs,
};

RUMP_COMPONENT(RUMP_COMPONENT_NET, netinet_tcp, "netinet")
{
	int error;

	if ((error = tcp_init_component()) != 0)
		return error;
	return in_proto_register(&tcp_protosw);
}

RUMP_COMPONENT_FINI(netinet_tcp)
{
	tcp_fini_component();
	in_proto_unregister(&tcp_protosw);
}
