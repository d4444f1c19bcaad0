/*
 * tcp_output.c: deciding what a connection sends and building the
 * segments: data within min(send window, cwnd), Nagle (RFC 9293
 * 3.7.4, off with TCP_NODELAY), receiver silly-window avoidance
 * (3.8.6.2.2), window updates, SYN and FIN, zero-window probes;
 * and segments that belong to no connection (RST, keepalive).
 */
#include <rump-sys/systm.h>
#include <rump-sys/mbuf.h>
#include <rump-sys/time.h>
#include <rump-sys/netinet/ip.h>
#include <rump-sys/netinet/ip_var.h>
#include <rump-sys/netinet/tcp_var.h>

/* The flags a state sends with (RFC 9293 3.3.2). */
static const uint8_t tcp_outflags[TCP_NSTATES] = {
	[TCPS_CLOSED] = TH_RST | TH_ACK,
	[TCPS_LISTEN] = 0,
	[TCPS_SYN_SENT] = TH_SYN,
	[TCPS_SYN_RECEIVED] = TH_SYN | TH_ACK,
	[TCPS_ESTABLISHED] = TH_ACK,
	[TCPS_CLOSE_WAIT] = TH_ACK,
	[TCPS_FIN_WAIT_1] = TH_FIN | TH_ACK,
	[TCPS_CLOSING] = TH_FIN | TH_ACK,
	[TCPS_LAST_ACK] = TH_FIN | TH_ACK,
	[TCPS_FIN_WAIT_2] = TH_ACK,
	[TCPS_TIME_WAIT] = TH_ACK,
};

#define TCPIP_HDRLEN	((int)(sizeof(struct ip) + TCP_HDRLEN))

/*
 * The test hooks: when tk_drop_nth is N > 0, the Nth segment carrying
 * data from now is freed instead of sent; with tk_blackhole every
 * segment is.  Returns true if m was eaten.
 */
static bool
tcp_test_drop(struct mbuf *m, bool data)
{
	if (tcp_knobs.tk_blackhole)
		goto drop;
	if (tcp_knobs.tk_drop_nth == 0 || !data)
		return false;
	if (--tcp_knobs.tk_drop_nth != 0)
		return false;
drop:
	TCP_STATINC(tcps_testdrop);
	m_freem(m);
	return true;
}

/* Fill in the IP and TCP headers of m (data already in place). */
static void
tcp_fill_headers(struct mbuf *m, struct in_addr src, in_port_t sport,
    struct in_addr dst, in_port_t dport, tcp_seq seq, tcp_seq ack,
    int flags, uint16_t win, int optlen)
{
	struct ip *ip = mtod(m, struct ip *);
	struct tcphdr *th = (struct tcphdr *)(ip + 1);
	int tcplen = m->m_pkthdr.len - (int)sizeof(struct ip);

	memset(ip, 0, sizeof(*ip));
	ip->ip_len = htons((uint16_t)m->m_pkthdr.len);
	ip->ip_ttl = (uint8_t)ip_defttl;
	ip->ip_p = IPPROTO_TCP;
	ip->ip_src = src;
	ip->ip_dst = dst;
	th->th_sport = sport;
	th->th_dport = dport;
	th->th_seq = htonl(seq);
	th->th_ack = (flags & TH_ACK) ? htonl(ack) : 0;
	TH_SETOFF(th, (TCP_HDRLEN + optlen) / 4);
	th->th_flags = (uint8_t)flags;
	th->th_win = htons(win);
	th->th_sum = 0;
	th->th_urp = 0;
	th->th_sum = in4_cksum(m, IPPROTO_TCP, (int)sizeof(struct ip), tcplen);
}

static int
tcp_ip_output(struct mbuf *m, struct route *ro, bool data)
{
	int error;

	TCP_STATINC(tcps_sndtotal);
	if (tcp_test_drop(m, data))
		return 0;
	error = ip_output(m, ro, 0);
	if (error != 0)
		TCP_STATINC(tcps_snderr);
	return error;
}

void
tcp_respond(struct in_addr src, in_port_t sport, struct in_addr dst,
    in_port_t dport, tcp_seq seq, tcp_seq ack, int flags)
{
	struct mbuf *m;

	m = m_gethdr(M_DONTWAIT, MT_HEADER);
	if (m == NULL)
		return;
	m_align(m, TCPIP_HDRLEN);
	m->m_len = m->m_pkthdr.len = TCPIP_HDRLEN;
	tcp_fill_headers(m, src, sport, dst, dport, seq, ack, flags, 0, 0);
	if (flags & TH_RST)
		TCP_STATINC(tcps_sndrst);
	else
		TCP_STATINC(tcps_sndacks);
	(void)tcp_ip_output(m, NULL, false);
}

void
tcp_send_keepalive(struct tcpcb *tp)
{
	struct inpcb *inp = tp->t_inpcb;

	tcp_respond(inp->inp_laddr, inp->inp_lport, inp->inp_faddr,
	    inp->inp_fport, tp->snd_una - 1, tp->rcv_nxt, TH_ACK);
}

/*
 * The receive window to advertise, in bytes, before scaling.  Receiver
 * SWS avoidance (RFC 9293 3.8.6.2.2): the right edge moves only when it
 * can move by min(half the buffer, one MSS); it never moves left.  A
 * steady window also keeps duplicate ACKs recognisable (RFC 5681 2).
 */
static uint32_t
tcp_recvwin(const struct tcpcb *tp)
{
	const struct socket *so = tp->t_socket;
	long space = 0, step;
	uint32_t adv = SEQ_GT(tp->rcv_adv, tp->rcv_nxt) ?
	    tp->rcv_adv - tp->rcv_nxt : 0;

	if (so != NULL && !(so->so_state & SS_CANTRCVMORE))
		space = sbspace(&so->so_rcv);
	if (space < 0)
		space = 0;
	if (space > (long)((uint32_t)TCP_MAXWIN << tp->rcv_scale))
		space = (long)((uint32_t)TCP_MAXWIN << tp->rcv_scale);
	if (so != NULL) {
		step = (long)MIN(so->so_rcv.sb_hiwat / 2, tp->t_maxseg);
		if (space > (long)adv && space - (long)adv < step)
			space = (long)adv;
	}
	/*
	 * While a hole waits to be filled the edge stays put, so that the
	 * ACKs for the segments beyond it are duplicates to the sender
	 * (same window, RFC 5681 2) and trigger its fast retransmit.
	 */
	if (tp->t_segqlen > 0 && adv > 0)
		space = (long)adv;
	return MAX((uint32_t)space, adv);
}

/* Whether a window update is worth a segment of its own. */
static bool
tcp_winupdate_due(const struct tcpcb *tp, uint32_t recwin)
{
	const struct socket *so = tp->t_socket;
	uint32_t adv_now;

	if (so == NULL || !TCPS_HAVEESTABLISHED(tp->t_state))
		return false;
	adv_now = SEQ_GT(tp->rcv_adv, tp->rcv_nxt) ?
	    tp->rcv_adv - tp->rcv_nxt : 0;
	if (recwin <= adv_now)
		return false;
	return recwin - adv_now >= 2 * tp->t_maxseg ||
	    2 * (recwin - adv_now) >= so->so_rcv.sb_hiwat;
}

/* A header mbuf with room for the headers and len bytes at off. */
static struct mbuf *
tcp_build_segment(struct tcpcb *tp, int off, int len, int hdrlen)
{
	struct mbuf *m, *data;

	m = m_gethdr(M_DONTWAIT, MT_HEADER);
	if (m == NULL)
		return NULL;
	if (len > 0 && hdrlen + len <= MHLEN) {
		m_align(m, hdrlen + len);
		m_copydata(tcp_snd_mb(tp), off, len, mtod(m, char *) + hdrlen);
		m->m_len = hdrlen + len;
	} else {
		m_align(m, hdrlen);
		m->m_len = hdrlen;
		if (len > 0) {
			data = m_copym(tcp_snd_mb(tp), off, len, M_DONTWAIT);
			if (data == NULL) {
				m_freem(m);
				return NULL;
			}
			m->m_next = data;
		}
	}
	m->m_pkthdr.len = hdrlen + len;
	return m;
}

/* Decide whether anything is to be sent now; the RFC 9293 rules. */
static bool
tcp_should_send(struct tcpcb *tp, int flags, long len, long off,
    size_t cc, uint32_t recwin)
{
	bool idle = tp->snd_max == tp->snd_una;

	if (len > 0) {
		if (len >= (long)tp->t_maxseg)
			return true;
		/* Nagle: a small segment only when nothing is in flight. */
		if ((idle || (tp->t_flags & TF_NODELAY)) &&
		    (size_t)(len + off) >= cc)
			return true;
		if (tp->t_flags & TF_FORCE)
			return true;
		if (tp->max_sndwnd > 0 && len >= (long)tp->max_sndwnd / 2)
			return true;
		if (SEQ_LT(tp->snd_nxt, tp->snd_max))
			return true;	/* retransmitting */
	}
	if (tcp_winupdate_due(tp, recwin))
		return true;
	if (tp->t_flags & TF_ACKNOW)
		return true;
	if (flags & (TH_SYN | TH_RST))
		return true;
	if ((flags & TH_FIN) &&
	    (!(tp->t_flags & TF_SENTFIN) || tp->snd_nxt == tp->snd_una))
		return true;
	return false;
}

static int
tcp_syn_options(struct tcpcb *tp, uint8_t *opt)
{
	struct tcp_opts to;

	memset(&to, 0, sizeof(to));
	to.to_flags = TOF_MSS;
	to.to_mss = (uint16_t)tp->t_ourmss;
	if ((tp->t_flags & TF_REQ_SCALE) && (tp->t_state == TCPS_SYN_SENT ||
	    (tp->t_flags & TF_RCVD_SCALE))) {
		to.to_flags |= TOF_SCALE;
		to.to_wscale = tp->request_r_scale;
	}
	return (int)tcp_opt_build(opt, TCP_MAXOLEN, &to);
}

/* What one pass of tcp_output decides to send. */
struct tcpout {
	int		to_flags;	/* TH_* */
	long		to_len;		/* data bytes */
	long		to_off;		/* from snd_una */
	size_t		to_cc;		/* in the send buffer */
	uint32_t	to_recwin;	/* window to advertise */
	tcp_seq		to_seq;
};

/*
 * The flags and the data of the next segment: data within min(send
 * window, cwnd) and one MSS (*morep if more waits), no data on a SYN,
 * the FIN only with the last byte.
 */
static void
tcp_output_what(struct tcpcb *tp, struct tcpout *o, bool *morep)
{
	uint32_t sendwin;

	o->to_cc = tcp_snd_cc(tp);
	o->to_flags = tcp_outflags[tp->t_state];
	o->to_off = (long)(tp->snd_nxt - tp->snd_una);
	sendwin = MIN(tp->snd_wnd, tp->t_cc.cc_cwnd);
	if ((tp->t_flags & TF_FORCE) && sendwin == 0)
		sendwin = 1;		/* a zero-window probe */
	if (o->to_flags & TH_SYN) {
		if (SEQ_GT(tp->snd_nxt, tp->iss))
			o->to_flags &= ~TH_SYN;	/* out, not yet acked */
		o->to_len = 0;
	} else
		o->to_len = (long)MIN(o->to_cc, (size_t)sendwin) - o->to_off;
	if (o->to_len < 0)
		o->to_len = 0;
	if (o->to_len > (long)tp->t_maxseg) {
		o->to_len = tp->t_maxseg;
		*morep = true;
	}
	if ((o->to_flags & TH_FIN) && tp->snd_nxt + (tcp_seq)o->to_len !=
	    tp->snd_una + (tcp_seq)o->to_cc)
		o->to_flags &= ~TH_FIN;
	o->to_recwin = tcp_recvwin(tp);
	o->to_seq = (o->to_len > 0 || (o->to_flags & (TH_SYN | TH_FIN)) ||
	    (tp->t_flags & TF_FORCE)) ? tp->snd_nxt : tp->snd_max;
}

/* Nothing to send now: with data and no window, probe it later. */
static void
tcp_output_idle(struct tcpcb *tp, const struct tcpout *o)
{
	if (o->to_cc > (size_t)o->to_off && tp->snd_wnd == 0 &&
	    !tcp_timer_armed(tp, TCPT_REXMT) &&
	    !tcp_timer_armed(tp, TCPT_PERSIST)) {
		tp->t_persistshift = 0;
		tcp_timer_arm(tp, TCPT_PERSIST, tcp_rtt_rto(&tp->t_rtt) * 1000);
	}
}

static void
tcp_output_count(struct tcpcb *tp, const struct tcpout *o, uint64_t now)
{
	if ((tp->t_flags & TF_FORCE) && tp->snd_wnd == 0)
		TCP_STATINC(tcps_sndprobe);
	else if (o->to_len > 0) {
		if (SEQ_LT(tp->snd_nxt, tp->snd_max)) {
			TCP_STATINC(tcps_sndrexmitpack);
			TCP_STATADD(tcps_sndrexmitbyte, (uint64_t)o->to_len);
		} else {
			TCP_STATINC(tcps_sndpack);
			TCP_STATADD(tcps_sndbyte, (uint64_t)o->to_len);
		}
		tp->t_sndtime = now;
	} else if (o->to_flags & (TH_SYN | TH_FIN | TH_RST))
		TCP_STATINC(tcps_sndctrl);
	else if (tcp_winupdate_due(tp, o->to_recwin))
		TCP_STATINC(tcps_sndwinup);
	else
		TCP_STATINC(tcps_sndacks);
}

/*
 * The segment is going: advance the send sequence, start timing it
 * (RFC 6298 3) and the retransmission timer, record the window we
 * offered, and count what an ACK in it settles.  Done before the
 * segment leaves, as loopback may answer at once.
 */
static void
tcp_output_sent(struct tcpcb *tp, const struct tcpout *o, uint64_t now)
{
	tcp_seq startseq = tp->snd_nxt;

	tcp_output_count(tp, o, now);
	if (o->to_seq == tp->snd_nxt) {
		tp->snd_nxt += (tcp_seq)o->to_len;
		if (o->to_flags & TH_SYN)
			tp->snd_nxt++;
		if (o->to_flags & TH_FIN) {
			tp->snd_nxt++;
			tp->t_flags |= TF_SENTFIN;
		}
	}
	if (SEQ_GT(tp->snd_nxt, tp->snd_max)) {
		tp->snd_max = tp->snd_nxt;
		if (tp->t_rtstart == 0) {
			tp->t_rtstart = now;
			tp->t_rtseq = startseq;
		}
	}
	if (tp->snd_nxt != tp->snd_una && !tcp_timer_armed(tp, TCPT_REXMT) &&
	    !tcp_timer_armed(tp, TCPT_PERSIST))
		tcp_timer_rexmt_start_at(tp, now);
	if (SEQ_GT(tp->rcv_nxt + o->to_recwin, tp->rcv_adv))
		tp->rcv_adv = tp->rcv_nxt + o->to_recwin;
	if (o->to_flags & TH_ACK) {
		tp->t_flags &= ~(TF_ACKNOW | TF_DELACK);
		tp->t_segsunacked = 0;
		if (tcp_timer_armed(tp, TCPT_DELACK))
			tcp_timer_disarm(tp, TCPT_DELACK);
	}
}

/*
 * One pass: build and send at most one segment.  *morep is set when
 * more data waits.  0, or an errno from below.
 */
static int
tcp_output_once(struct tcpcb *tp, uint64_t now, bool *morep)
{
	struct inpcb *inp = tp->t_inpcb;
	uint8_t opt[TCP_MAXOLEN];
	struct tcpout o;
	struct mbuf *m;
	int optlen = 0;
	uint16_t win;

	*morep = false;
	if (tp->snd_max == tp->snd_una && tp->t_sndtime != 0 &&
	    now - tp->t_sndtime > tcp_rtt_rto(&tp->t_rtt) * 1000)
		tcp_cc_idle(&tp->t_cc);	/* RFC 5681 4.1 */
	tcp_output_what(tp, &o, morep);
	if (!tcp_should_send(tp, o.to_flags, o.to_len, o.to_off, o.to_cc,
	    o.to_recwin)) {
		tcp_output_idle(tp, &o);
		*morep = false;
		return 0;
	}
	if (o.to_flags & TH_SYN)
		optlen = tcp_syn_options(tp, opt);
	m = tcp_build_segment(tp, (int)o.to_off, (int)o.to_len,
	    TCPIP_HDRLEN + optlen);
	if (m == NULL) {
		/* No memory: the retransmission timer will try again. */
		if (!tcp_timer_armed(tp, TCPT_REXMT))
			tcp_timer_rexmt_start_at(tp, now);
		*morep = false;
		return ENOBUFS;
	}
	if (optlen > 0)
		memcpy(mtod(m, char *) + TCPIP_HDRLEN, opt, (size_t)optlen);
	/* SYN windows are never scaled (RFC 7323 2.2). */
	if (o.to_flags & TH_SYN)
		o.to_recwin = MIN(o.to_recwin, TCP_MAXWIN);
	win = (uint16_t)((o.to_flags & TH_SYN) ? o.to_recwin :
	    MIN(o.to_recwin >> tp->rcv_scale, TCP_MAXWIN));
	tcp_fill_headers(m, inp->inp_laddr, inp->inp_lport, inp->inp_faddr,
	    inp->inp_fport, o.to_seq, tp->rcv_nxt, o.to_flags, win, optlen);
	/* IP_TTL and IP_TOS of the socket. */
	mtod(m, struct ip *)->ip_ttl = inp->inp_ip_ttl;
	mtod(m, struct ip *)->ip_tos = inp->inp_ip_tos;
	tcp_output_sent(tp, &o, now);
	return tcp_ip_output(m, &inp->inp_route, o.to_len > 0);
}

/*
 * Send what there is to send, reading the clock once for the whole
 * burst; tcp_output_at takes the caller's reading (tcp_input's, of the
 * segment that prompted it).
 */
int
tcp_output(struct tcpcb *tp)
{
	return tcp_output_at(tp, rump_monotime_ns());
}

int
tcp_output_at(struct tcpcb *tp, uint64_t now)
{
	bool more;
	int error, n = 0;

	KASSERT(tp->t_state != TCPS_LISTEN || !(tp->t_flags & TF_ACKNOW));
	if (tp->t_state == TCPS_LISTEN || tp->t_state == TCPS_CLOSED)
		return 0;
	do {
		error = tcp_output_once(tp, now, &more);
		KASSERTMSG(++n < 100000, "tcp_output loops: %d", n);
	} while (more && error == 0 && !(tp->t_flags & TF_DEAD));
	/*
	 * The segment is lost as if on the wire: the retransmission
	 * timer tries again; a lasting cause (no route, the host down)
	 * is what a timeout reports (RFC 1122 4.2.3.9).
	 */
	if (error != 0 && error != ENOBUFS)
		tp->t_softerror = error;
	return 0;
}
