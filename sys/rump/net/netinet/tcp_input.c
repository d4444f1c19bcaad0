/*
 * tcp_input.c: segment arrival, in the order of RFC 9293 3.10.7:
 * header and checksum validation, the connection lookup, LISTEN and
 * SYN_SENT processing, then for synchronized states the sequence
 * check (with RFC 5961's stricter RST, SYN and ACK rules), ACK
 * processing (RTT samples, congestion control, fast retransmit),
 * window updates, data (reassembly, delayed ACKs) and FIN.
 * Every segment dropped is counted in tcpstat under its reason.
 * Called by ip_input with softnet_lock held; consumes m.
 */
#include <rump-sys/systm.h>
#include <rump-sys/kmem.h>
#include <rump-sys/mbuf.h>
#include <rump-sys/time.h>
#include <rump-sys/netinet/in_var.h>
#include <rump-sys/netinet/ip.h>
#include <rump-sys/netinet/ip_var.h>
#include <rump-sys/netinet/tcp_var.h>

/* The fields of an arriving segment, host order where numeric. */
struct tcpseg {
	struct in_addr	ts_src;
	struct in_addr	ts_dst;
	in_port_t	ts_sport;	/* network order */
	in_port_t	ts_dport;
	tcp_seq		ts_seq;
	tcp_seq		ts_ack;
	uint32_t	ts_win;		/* unscaled */
	int		ts_flags;
	int		ts_len;		/* data bytes (in m) */
	struct tcp_opts	ts_opts;
	uint64_t	ts_now;		/* the clock, read once per segment */
};

/* Queue no more out-of-order segments than this per connection. */
#define TCP_REASS_MAXSEGS	256

/* The reset RFC 9293 3.10.7.1 answers a segment with (never to RST). */
static void
tcp_reset_for(const struct tcpseg *ts)
{
	uint32_t seglen = (uint32_t)ts->ts_len +
	    ((ts->ts_flags & TH_SYN) ? 1 : 0) +
	    ((ts->ts_flags & TH_FIN) ? 1 : 0);

	if (ts->ts_flags & TH_RST)
		return;
	if (ts->ts_flags & TH_ACK)
		tcp_respond(ts->ts_dst, ts->ts_dport, ts->ts_src, ts->ts_sport,
		    ts->ts_ack, 0, TH_RST);
	else
		tcp_respond(ts->ts_dst, ts->ts_dport, ts->ts_src, ts->ts_sport,
		    0, ts->ts_seq + seglen, TH_RST | TH_ACK);
}

/*
 * May we answer an unacceptable segment with an ACK?  Two stacks that
 * disagree about the sequence space (an injected segment, a reboot)
 * would otherwise answer each other's ACKs forever.  Pure ACKs and
 * SYNs are answered at most once per tk_oowlimit_ns per connection
 * (RFC 5961 7); segments with data always are (an ACK loop has none).
 */
static bool
tcp_oow_ok(struct tcpcb *tp, const struct tcpseg *ts)
{
	uint64_t now;

	if (ts != NULL && ts->ts_len > 0 && !(ts->ts_flags & TH_SYN))
		return true;
	if (tcp_knobs.tk_oowlimit_ns == 0)
		return true;
	now = rump_monotime_ns();
	if (tp->t_lastoow != 0 &&
	    now - tp->t_lastoow < tcp_knobs.tk_oowlimit_ns) {
		TCP_STATINC(tcps_ackratelimited);
		return false;
	}
	tp->t_lastoow = now;
	return true;
}

/* Answer an unacceptable segment with <SEQ=SND.NXT><ACK=RCV.NXT>. */
static void
tcp_ack_oow(struct tcpcb *tp, const struct tcpseg *ts)
{
	if (!tcp_oow_ok(tp, ts))
		return;
	tp->t_flags |= TF_ACKNOW;
	(void)tcp_output(tp);
}

void
tcp_challenge_ack(struct tcpcb *tp)
{
	if (!tcp_oow_ok(tp, NULL))
		return;
	TCP_STATINC(tcps_challengeack);
	tp->t_flags |= TF_ACKNOW;
	(void)tcp_output(tp);
}

/* Options of the peer's SYN: MSS and window scaling (RFC 7323 2.2). */
static void
tcp_syn_opts(struct tcpcb *tp, const struct tcp_opts *to)
{
	tcp_mss_from_peer(tp, to);
	if ((tp->t_flags & TF_REQ_SCALE) && (to->to_flags & TOF_SCALE)) {
		tp->t_flags |= TF_RCVD_SCALE;
		tp->snd_scale = to->to_wscale;
		tp->rcv_scale = tp->request_r_scale;
	} else {
		tp->snd_scale = tp->rcv_scale = 0;
	}
}

static void
tcp_enter_established(struct tcpcb *tp)
{
	tcp_set_state(tp, TCPS_ESTABLISHED);
	TCP_STATINC(tcps_connects);
	/* The keepalive timer runs always and looks at SO_KEEPALIVE. */
	tcp_timer_arm(tp, TCPT_KEEP, (uint64_t)tp->t_keepidle * NSEC_PER_SEC);
	/* RFC 6298 5.7: a lost SYN and no sample: 3 s once data flows. */
	if ((tp->t_flags & TF_SYNRXMT) && !tp->t_rtt.rt_valid) {
		tp->t_rtt.rt_rto = MIN(MAX(TCP_RTO_SYNLOST_US,
		    tp->t_rtt.rt_min), tp->t_rtt.rt_max);
		tp->t_rtt.rt_shift = 0;
	}
	tp->t_rxtshift = 0;
	if (tp->t_socket != NULL)
		soisconnected(tp->t_socket);
}

/* A SYN reached a listener (RFC 9293 3.10.7.2). */
static void
tcp_input_listen(struct tcpcb *ltp, struct tcpseg *ts)
{
	struct socket *so;
	struct tcpcb *tp;
	struct inpcb *inp;

	if (ts->ts_flags & TH_RST) {
		TCP_STATINC(tcps_badsyn);
		return;
	}
	if (ts->ts_flags & TH_ACK) {
		TCP_STATINC(tcps_badsyn);
		tcp_reset_for(ts);
		return;
	}
	if (!(ts->ts_flags & TH_SYN)) {
		TCP_STATINC(tcps_rcvbadflags);
		return;
	}
	/*
	 * Backlog full (or no memory): drop the SYN without a word, as
	 * BSD does; the peer's SYN retransmission tries again later.
	 */
	so = sonewconn(ltp->t_socket, 0);
	if (so == NULL || (tp = sototcpcb(so)) == NULL) {
		TCP_STATINC(tcps_listendrop);
		return;
	}
	inp = tp->t_inpcb;
	inp->inp_laddr = ts->ts_dst;
	inp->inp_lport = ts->ts_dport;
	inp->inp_faddr = ts->ts_src;
	inp->inp_fport = ts->ts_sport;
	tp->t_flags |= TF_PASSIVE |
	    (ltp->t_flags & (TF_NODELAY | TF_REQ_SCALE));
	tp->t_keepidle = ltp->t_keepidle;
	tp->t_keepintvl = ltp->t_keepintvl;
	tp->t_keepcnt = ltp->t_keepcnt;
	tp->request_r_scale = tcp_rscale(so);
	tp->irs = ts->ts_seq;
	tp->rcv_nxt = tp->rcv_adv = ts->ts_seq + 1;
	tp->iss = tcp_new_iss(tp);
	tp->snd_una = tp->snd_nxt = tp->snd_max = tp->iss;
	tp->snd_wnd = tp->max_sndwnd = ts->ts_win;	/* SYN: unscaled */
	tp->snd_wl1 = ts->ts_seq;
	tp->snd_wl2 = tp->iss;
	tp->t_ourmss = tcp_mss_to_advertise(tp);
	tcp_syn_opts(tp, &ts->ts_opts);
	tp->t_rcvtime = ts->ts_now;
	tcp_set_state(tp, TCPS_SYN_RECEIVED);
	tcp_timer_arm(tp, TCPT_KEEP, tcp_knobs.tk_conntimeo_ns);
	TCP_STATINC(tcps_accepts);
	tp->t_flags |= TF_ACKNOW;
	(void)tcp_output(tp);
}

/* SYN_SENT (RFC 9293 3.10.7.3). */
static void
tcp_input_synsent(struct tcpcb *tp, struct tcpseg *ts)
{
	int fl = ts->ts_flags;

	if ((fl & TH_ACK) && (SEQ_LEQ(ts->ts_ack, tp->iss) ||
	    SEQ_GT(ts->ts_ack, tp->snd_max))) {
		TCP_STATINC(tcps_rcvacktoomuch);
		tcp_reset_for(ts);
		return;
	}
	if (fl & TH_RST) {
		if (fl & TH_ACK) {
			TCP_STATINC(tcps_refused);
			(void)tcp_drop(tp, ECONNREFUSED);
		} else
			TCP_STATINC(tcps_rcvrstdrop);
		return;
	}
	if (!(fl & TH_SYN)) {
		TCP_STATINC(tcps_rcvbadflags);
		return;
	}
	tp->irs = ts->ts_seq;
	tp->rcv_nxt = tp->rcv_adv = ts->ts_seq + 1;
	tcp_syn_opts(tp, &ts->ts_opts);
	tp->snd_wnd = tp->max_sndwnd = ts->ts_win;
	tp->snd_wl1 = ts->ts_seq;
	tp->snd_wl2 = ts->ts_ack;
	tp->t_flags |= TF_ACKNOW;
	if (fl & TH_ACK) {
		if (tp->t_rtstart != 0) {
			tcp_rtt_sample(&tp->t_rtt,
			    (ts->ts_now - tp->t_rtstart) / 1000);
			TCP_STATINC(tcps_rttupdated);
			tp->t_rtstart = 0;
		}
		tp->snd_una = ts->ts_ack;
		if (SEQ_LT(tp->snd_nxt, tp->snd_una))
			tp->snd_nxt = tp->snd_una;
		tcp_timer_disarm(tp, TCPT_REXMT);
		tcp_enter_established(tp);
	} else {
		/* Simultaneous open: SYN,ACK with our ISS again. */
		TCP_STATINC(tcps_simopen);
		tcp_set_state(tp, TCPS_SYN_RECEIVED);
		tp->snd_nxt = tp->iss;
		tcp_timer_disarm(tp, TCPT_REXMT);
	}
	/* Data on a SYN is not kept; the peer sends it again. */
	(void)tcp_output(tp);
}

/* A piece of the stream on its way into the reassembly queue. */
struct tcppiece {
	tcp_seq		 pc_seq;
	int		 pc_len;
	bool		 pc_fin;
	struct mbuf	*pc_m;
};

/*
 * Cut from the front of p what prev already holds.  Returns false when
 * nothing new is left (p's mbufs freed).
 */
static bool
tcp_reass_trim_front(struct tcppiece *p, const struct tcpqent *prev)
{
	int over;

	if (prev == NULL)
		return true;
	over = (int)(prev->tqe_seq + prev->tqe_len - p->pc_seq);
	if (over <= 0)
		return true;
	if (over >= p->pc_len && !(p->pc_fin && !prev->tqe_fin)) {
		TCP_STATINC(tcps_rcvduppack);
		m_freem(p->pc_m);
		return false;
	}
	over = MIN(over, p->pc_len);
	m_adj(p->pc_m, over);
	p->pc_seq += (tcp_seq)over;
	p->pc_len -= over;
	return true;
}

/* Trim or drop the queued pieces from q on that p covers. */
static void
tcp_reass_trim_after(struct tcpcb *tp, struct tcppiece *p, struct tcpqent *q)
{
	struct tcpqent *nq;
	int over;

	for (; q != NULL; q = nq) {
		nq = TAILQ_NEXT(q, tqe_q);
		over = (int)(p->pc_seq + (tcp_seq)p->pc_len - q->tqe_seq);
		if (over <= 0)
			return;
		if (over < (int)q->tqe_len) {
			m_adj(q->tqe_m, over);
			q->tqe_seq += (tcp_seq)over;
			q->tqe_len -= (uint32_t)over;
			return;
		}
		p->pc_fin |= q->tqe_fin;
		TAILQ_REMOVE(&tp->t_segq, q, tqe_q);
		tp->t_segqlen--;
		m_freem(q->tqe_m);
		kmem_free(q, sizeof(*q));
	}
}

/* Queue p in sequence order, trimming overlaps.  Consumes p's mbufs. */
static void
tcp_reass_insert(struct tcpcb *tp, struct tcppiece *p)
{
	struct tcpqent *q, *prev = NULL, *ne = NULL;

	TAILQ_FOREACH(q, &tp->t_segq, tqe_q) {
		if (SEQ_GT(q->tqe_seq, p->pc_seq))
			break;
		prev = q;
	}
	if (!tcp_reass_trim_front(p, prev))
		return;
	tcp_reass_trim_after(tp, p, prev != NULL ?
	    TAILQ_NEXT(prev, tqe_q) : TAILQ_FIRST(&tp->t_segq));
	/*
	 * The limit bounds what waits out of order.  A piece at rcv_nxt
	 * leaves the queue at once and is the one that fills the hole the
	 * rest wait on: refusing it with the queue full would refuse its
	 * every retransmission too, and the connection would stall.
	 */
	if (tp->t_segqlen < TCP_REASS_MAXSEGS || p->pc_seq == tp->rcv_nxt)
		ne = kmem_alloc(sizeof(*ne), KM_NOSLEEP);
	if (ne == NULL) {
		TCP_STATINC(tcps_rcvmemdrop);
		m_freem(p->pc_m);
		return;
	}
	ne->tqe_seq = p->pc_seq;
	ne->tqe_len = (uint32_t)p->pc_len;
	ne->tqe_fin = p->pc_fin;
	ne->tqe_m = p->pc_m;
	q = prev != NULL ? TAILQ_NEXT(prev, tqe_q) : TAILQ_FIRST(&tp->t_segq);
	if (q != NULL)
		TAILQ_INSERT_BEFORE(q, ne, tqe_q);
	else
		TAILQ_INSERT_TAIL(&tp->t_segq, ne, tqe_q);
	tp->t_segqlen++;
	if (p->pc_seq != tp->rcv_nxt) {
		TCP_STATINC(tcps_rcvoopack);
		TCP_STATADD(tcps_rcvoobyte, (uint64_t)p->pc_len);
	}
}

/*
 * Put a segment's data (and FIN) into the reassembly queue, then move
 * what is now in order to the socket.  Consumes m.  Returns true when
 * an in-order FIN was reached.
 */
static bool
tcp_reass(struct tcpcb *tp, tcp_seq seq, int len, bool fin, struct mbuf *m)
{
	struct socket *so = tp->t_socket;
	struct tcppiece p = { seq, len, fin, m };
	struct tcpqent *q;
	bool gotfin = false;

	if (len > 0 || fin)
		tcp_reass_insert(tp, &p);
	else
		m_freem(m);
	while ((q = TAILQ_FIRST(&tp->t_segq)) != NULL &&
	    q->tqe_seq == tp->rcv_nxt) {
		TAILQ_REMOVE(&tp->t_segq, q, tqe_q);
		tp->t_segqlen--;
		tp->rcv_nxt += q->tqe_len;
		TCP_STATINC(tcps_rcvpack);
		TCP_STATADD(tcps_rcvbyte, q->tqe_len);
		if (q->tqe_len > 0 && so != NULL)
			sbappendstream(&so->so_rcv, q->tqe_m);
		else
			m_freem(q->tqe_m);
		gotfin = q->tqe_fin;
		kmem_free(q, sizeof(*q));
		if (gotfin) {
			tcp_reass_flush(tp);	/* nothing follows a FIN */
			break;
		}
	}
	if (so != NULL)
		sorwakeup(so);
	return gotfin;
}

/* Retransmit the first unacknowledged segment (RFC 5681 3.2, 6582). */
static void
tcp_resend_first(struct tcpcb *tp)
{
	tcp_seq onxt = tp->snd_nxt;
	uint32_t ocwnd = tp->t_cc.cc_cwnd;

	tp->t_rtstart = 0;		/* Karn */
	tp->snd_nxt = tp->snd_una;
	tp->t_cc.cc_cwnd = tp->t_maxseg;
	tcp_timer_disarm(tp, TCPT_REXMT);
	(void)tcp_output(tp);
	tp->t_cc.cc_cwnd = ocwnd;
	if (SEQ_GT(onxt, tp->snd_nxt))
		tp->snd_nxt = onxt;
}

/* A duplicate ACK per RFC 5681 section 2. */
static void
tcp_dupack(struct tcpcb *tp)
{
	int r;

	TCP_STATINC(tcps_rcvdupack);
	r = tcp_cc_dupack(&tp->t_cc, tp->snd_max - tp->snd_una, tp->snd_una,
	    tp->snd_max);
	if (r == TCP_CC_RETRANSMIT) {
		TCP_STATINC(tcps_fastrexmt);
		tcp_resend_first(tp);
	} else if (tp->t_cc.cc_recovery)
		(void)tcp_output(tp);	/* the inflated window may allow */
	else if (tp->t_cc.cc_dupacks < TCP_DUPACK_THRESH) {
		/*
		 * Limited transmit (RFC 3042): a new segment for each of the
		 * first two duplicates, so that a small flight still makes
		 * the three that fast retransmit needs.
		 */
		uint32_t ocwnd = tp->t_cc.cc_cwnd;

		tp->t_cc.cc_cwnd += tp->t_cc.cc_dupacks * tp->t_maxseg;
		TCP_STATINC(tcps_limitedxmit);
		(void)tcp_output(tp);
		tp->t_cc.cc_cwnd = ocwnd;
	}
}

/*
 * An ACK that advances snd_una.  Returns NULL when the connection was
 * closed (LAST_ACK done).
 */
static struct tcpcb *
tcp_newack(struct tcpcb *tp, struct tcpseg *ts)
{
	uint32_t acked = ts->ts_ack - tp->snd_una;
	size_t cc = tcp_snd_cc(tp), datadrop;
	bool finacked = false;
	uint64_t now = ts->ts_now;

	TCP_STATINC(tcps_rcvackpack);
	TCP_STATADD(tcps_rcvackbyte, acked);
	if (tp->t_rtstart != 0 && SEQ_GT(ts->ts_ack, tp->t_rtseq)) {
		tcp_rtt_sample(&tp->t_rtt, (now - tp->t_rtstart) / 1000);
		TCP_STATINC(tcps_rttupdated);
		tp->t_rtstart = 0;
	}
	tp->t_rxtshift = 0;
	datadrop = acked;
	if (tp->snd_una == tp->iss && datadrop > 0)
		datadrop--;		/* our SYN */
	/* All data acked and one more: our FIN (it follows the data). */
	if (tp->t_state >= TCPS_FIN_WAIT_1 && tp->t_state != TCPS_FIN_WAIT_2 &&
	    tp->t_state != TCPS_TIME_WAIT && datadrop > cc) {
		finacked = true;
		datadrop--;
	}
	tcp_snd_drop(tp, MIN(datadrop, cc));
	tp->snd_una = ts->ts_ack;
	if (SEQ_LT(tp->snd_nxt, tp->snd_una))
		tp->snd_nxt = tp->snd_una;
	if (tcp_cc_newack(&tp->t_cc, acked, ts->ts_ack) == TCP_CC_RETRANSMIT) {
		TCP_STATINC(tcps_partialack);
		tcp_resend_first(tp);
	}
	/* RFC 6298 5.2, 5.3. */
	if (tp->snd_una == tp->snd_max)
		tcp_timer_disarm(tp, TCPT_REXMT);
	else
		tcp_timer_rexmt_start_at(tp, now);

	if (!finacked)
		return tp;
	switch (tp->t_state) {
	case TCPS_FIN_WAIT_1:
		tcp_set_state(tp, TCPS_FIN_WAIT_2);
		/*
		 * Nobody will read this side (closed, or SHUT_RD): do not
		 * wait forever for the peer's FIN.
		 */
		if (tp->t_socket == NULL || (tp->t_socket->so_state &
		    (SS_NOFDREF | SS_CANTRCVMORE)))
			tcp_timer_arm(tp, TCPT_2MSL, tcp_2msl_ns());
		break;
	case TCPS_CLOSING:
		tcp_set_state(tp, TCPS_TIME_WAIT);
		tcp_timer_disarm(tp, TCPT_REXMT);
		tcp_timer_disarm(tp, TCPT_KEEP);
		tcp_timer_arm(tp, TCPT_2MSL, tcp_2msl_ns());
		break;
	case TCPS_LAST_ACK:
		return tcp_close(tp);
	}
	return tp;
}

/* The peer's FIN, in order (RFC 9293 3.10.7.4, eighth). */
static void
tcp_gotfin(struct tcpcb *tp)
{
	if (!(tp->t_flags & TF_RCVD_FIN)) {
		tp->t_flags |= TF_RCVD_FIN;
		tp->rcv_nxt++;		/* the FIN's sequence number */
		if (tp->t_socket != NULL)
			socantrcvmore(tp->t_socket);
	}
	tp->t_flags |= TF_ACKNOW;
	switch (tp->t_state) {
	case TCPS_SYN_RECEIVED:
	case TCPS_ESTABLISHED:
		tcp_set_state(tp, TCPS_CLOSE_WAIT);
		break;
	case TCPS_FIN_WAIT_1:
		tcp_set_state(tp, TCPS_CLOSING);
		break;
	case TCPS_FIN_WAIT_2:
		tcp_set_state(tp, TCPS_TIME_WAIT);
		/* FALLTHROUGH */
	case TCPS_TIME_WAIT:
		for (int i = 0; i < TCPT_NTIMERS; i++)
			tcp_timer_disarm(tp, i);
		tcp_timer_arm(tp, TCPT_2MSL, tcp_2msl_ns());
		break;
	}
}

/* RST on a synchronized connection, RFC 5961 3.2 rules applied. */
static void
tcp_input_rst(struct tcpcb *tp, struct tcpseg *ts, uint32_t rcvwnd)
{
	if (ts->ts_seq != tp->rcv_nxt) {
		TCP_STATINC(tcps_rcvrstdrop);
		if (tcp_knobs.tk_rfc5961 && tcp_seq_in(ts->ts_seq, tp->rcv_nxt,
		    tp->rcv_nxt + MAX(rcvwnd, 1)))
			tcp_challenge_ack(tp);
		return;
	}
	/* Never answered with a RST (RFC 9293 3.10.7.4, second). */
	TCP_STATINC(tcps_resets);
	switch (tp->t_state) {
	case TCPS_SYN_RECEIVED:
		/* Passive: the listener never hears of it. */
		tcp_notify_error(tp, (tp->t_flags & TF_PASSIVE) ?
		    ECONNRESET : ECONNREFUSED);
		return;
	case TCPS_ESTABLISHED:
	case TCPS_FIN_WAIT_1:
	case TCPS_FIN_WAIT_2:
	case TCPS_CLOSE_WAIT:
		tcp_notify_error(tp, ECONNRESET);
		return;
	default:
		(void)tcp_close(tp);
		return;
	}
}

/*
 * Sequence check and trimming (RFC 9293 3.10.7.4, first).  Returns
 * false when the segment is to be dropped (after an ACK if due).
 */
static bool
tcp_trim(struct tcpcb *tp, struct tcpseg *ts, struct mbuf *m,
    uint32_t rcvwnd)
{
	uint32_t seglen = (uint32_t)ts->ts_len +
	    ((ts->ts_flags & TH_FIN) ? 1 : 0);
	int todrop;

	if (!tcp_seq_acceptable(ts->ts_seq, seglen, tp->rcv_nxt, rcvwnd)) {
		if (SEQ_LT(ts->ts_seq, tp->rcv_nxt)) {
			TCP_STATINC(tcps_rcvduppack);
			TCP_STATADD(tcps_rcvdupbyte, (uint64_t)ts->ts_len);
		} else
			TCP_STATINC(tcps_rcvoutofwin);
		/* A retransmitted FIN in TIME_WAIT restarts the clock. */
		if (tp->t_state == TCPS_TIME_WAIT && (ts->ts_flags & TH_FIN))
			tcp_timer_arm(tp, TCPT_2MSL, tcp_2msl_ns());
		tcp_ack_oow(tp, ts);
		return false;
	}
	todrop = (int)(tp->rcv_nxt - ts->ts_seq);
	if (todrop > 0) {
		TCP_STATINC(tcps_rcvpartduppack);
		todrop = MIN(todrop, ts->ts_len);
		m_adj(m, todrop);
		ts->ts_seq += (tcp_seq)todrop;
		ts->ts_len -= todrop;
		tp->t_flags |= TF_ACKNOW;
	}
	todrop = (int)(ts->ts_seq + (tcp_seq)ts->ts_len -
	    (tp->rcv_nxt + rcvwnd));
	if (todrop > 0) {
		TCP_STATINC(tcps_rcvpackafterwin);
		todrop = MIN(todrop, ts->ts_len);
		m_adj(m, -todrop);
		ts->ts_len -= todrop;
		ts->ts_flags &= ~TH_FIN;
		tp->t_flags |= TF_ACKNOW;
	}
	return true;
}

/*
 * The ACK of a synchronized connection (fifth step).  Returns NULL if
 * the connection is gone or the segment must be dropped (then *dropp).
 */
static struct tcpcb *
tcp_input_ack(struct tcpcb *tp, struct tcpseg *ts, bool *dropp)
{
	uint32_t tiwin;

	*dropp = true;
	if (tp->t_state == TCPS_SYN_RECEIVED) {
		if (SEQ_LEQ(ts->ts_ack, tp->snd_una) ||
		    SEQ_GT(ts->ts_ack, tp->snd_max)) {
			TCP_STATINC(tcps_rcvacktoomuch);
			tcp_reset_for(ts);
			return NULL;
		}
		tp->snd_wnd = ts->ts_win << tp->snd_scale;
		tp->max_sndwnd = MAX(tp->max_sndwnd, tp->snd_wnd);
		tp->snd_wl1 = ts->ts_seq;
		tp->snd_wl2 = ts->ts_ack;
		tcp_enter_established(tp);
	}
	if (SEQ_GT(ts->ts_ack, tp->snd_max)) {
		TCP_STATINC(tcps_rcvacktoomuch);
		tcp_ack_oow(tp, ts);
		return NULL;
	}
	if (tcp_knobs.tk_rfc5961 &&
	    SEQ_LT(ts->ts_ack, tp->snd_una - tp->max_sndwnd)) {
		TCP_STATINC(tcps_rcvackold);
		tcp_challenge_ack(tp);
		return NULL;
	}
	tiwin = ts->ts_win << tp->snd_scale;
	if (SEQ_LEQ(ts->ts_ack, tp->snd_una)) {
		if (ts->ts_len == 0 && ts->ts_ack == tp->snd_una &&
		    !(ts->ts_flags & TH_FIN) && tiwin == tp->snd_wnd &&
		    tp->snd_max != tp->snd_una)
			tcp_dupack(tp);
	} else if ((tp = tcp_newack(tp, ts)) == NULL)
		return NULL;
	/* Window update (RFC 9293 3.10.7.4, SND.WL1/WL2 rule). */
	if (SEQ_LT(tp->snd_wl1, ts->ts_seq) || (tp->snd_wl1 == ts->ts_seq &&
	    SEQ_LEQ(tp->snd_wl2, ts->ts_ack))) {
		if (tiwin != tp->snd_wnd)
			TCP_STATINC(tcps_rcvwinupd);
		tp->snd_wnd = tiwin;
		tp->snd_wl1 = ts->ts_seq;
		tp->snd_wl2 = ts->ts_ack;
		tp->max_sndwnd = MAX(tp->max_sndwnd, tiwin);
		if (tiwin > 0 && tcp_timer_armed(tp, TCPT_PERSIST)) {
			tcp_timer_disarm(tp, TCPT_PERSIST);
			tp->t_persistshift = 0;
		}
	}
	*dropp = false;
	return tp;
}

/* Data and FIN (seventh and eighth steps).  Consumes m. */
static struct tcpcb *
tcp_input_data(struct tcpcb *tp, struct tcpseg *ts, struct mbuf *m)
{
	bool fin = (ts->ts_flags & TH_FIN) != 0;

	if (ts->ts_len > 0 && TCPS_HAVERCVDFIN(tp->t_state)) {
		TCP_STATINC(tcps_rcvafterfin);
		m_freem(m);
		return tp;
	}
	if (ts->ts_len > 0 && (tp->t_socket == NULL ||
	    (tp->t_socket->so_state & SS_CANTRCVMORE))) {
		/* Nobody will read it: tell the peer (RFC 9293 3.6). */
		TCP_STATINC(tcps_rcvafterclose);
		m_freem(m);
		return tcp_drop(tp, 0);
	}
	if (ts->ts_len == 0 && !fin) {
		m_freem(m);
		return tp;
	}
	if (ts->ts_seq == tp->rcv_nxt && TAILQ_EMPTY(&tp->t_segq) &&
	    ts->ts_len > 0) {
		/* In order: delay the ACK to every second segment. */
		tp->rcv_nxt += (tcp_seq)ts->ts_len;
		TCP_STATINC(tcps_rcvpack);
		TCP_STATADD(tcps_rcvbyte, (uint64_t)ts->ts_len);
		sbappendstream(&tp->t_socket->so_rcv, m);
		sorwakeup(tp->t_socket);
		if (++tp->t_segsunacked >= 2 || fin) {
			tp->t_flags |= TF_ACKNOW;
		} else if (!(tp->t_flags & TF_DELACK)) {
			tp->t_flags |= TF_DELACK;
			tcp_timer_arm_at(tp, TCPT_DELACK, ts->ts_now,
			    tcp_knobs.tk_delack_ns);
		}
	} else {
		/* Out of order or a FIN: ACK at once (RFC 5681 4.2). */
		fin = tcp_reass(tp, ts->ts_seq, ts->ts_len, fin, m);
		tp->t_flags |= TF_ACKNOW;
		if (!fin)
			return tp;
	}
	if (fin)
		tcp_gotfin(tp);
	return tp;
}

/* Synchronized states and SYN_RECEIVED.  Consumes m. */
static void
tcp_input_synced(struct tcpcb *tp, struct tcpseg *ts, struct mbuf *m)
{
	uint32_t rcvwnd = SEQ_GT(tp->rcv_adv, tp->rcv_nxt) ?
	    tp->rcv_adv - tp->rcv_nxt : 0;
	bool drop;

	if (ts->ts_flags & TH_RST) {
		tcp_input_rst(tp, ts, rcvwnd);
		goto drop;
	}
	if ((ts->ts_flags & TH_SYN) && ts->ts_seq == tp->irs) {
		/*
		 * The peer's SYN again (a SYN,ACK crossing ours in a
		 * simultaneous open, a retransmission): the SYN is old news,
		 * the rest of the segment is not (RFC 9293 3.10.7.4, first:
		 * trim what was already received).
		 */
		ts->ts_flags &= ~TH_SYN;
		ts->ts_seq++;
		if (tp->t_state == TCPS_SYN_RECEIVED &&
		    !(ts->ts_flags & TH_ACK)) {
			/* Our SYN,ACK was lost: send it again now. */
			tp->snd_nxt = tp->snd_una;
			(void)tcp_output(tp);
			goto drop;
		}
	}
	if (ts->ts_flags & TH_SYN) {
		/* RFC 5961 4.2: whatever its sequence number. */
		TCP_STATINC(tcps_rcvsyndrop);
		tcp_challenge_ack(tp);
		goto drop;
	}
	if (!tcp_trim(tp, ts, m, rcvwnd))
		goto drop;
	if (!(ts->ts_flags & TH_ACK)) {
		TCP_STATINC(tcps_rcvnoack);
		goto drop;
	}
	if ((tp = tcp_input_ack(tp, ts, &drop)) == NULL || drop)
		goto drop;
	tp = tcp_input_data(tp, ts, m);
	m = NULL;
	if (tp != NULL && ((tp->t_flags & TF_ACKNOW) ||
	    tcp_snd_cc(tp) > (size_t)(tp->snd_nxt - tp->snd_una) ||
	    (tp->t_state >= TCPS_FIN_WAIT_1 && !(tp->t_flags & TF_SENTFIN))))
		(void)tcp_output_at(tp, ts->ts_now);
drop:
	m_freem(m);
}

/* Validate the headers; fill ts and strip them.  NULL: dropped. */
static struct mbuf *
tcp_input_headers(struct mbuf *m, int off, struct tcpseg *ts)
{
	const struct ip *ip;
	const struct tcphdr *th;
	int tlen, thoff;

	if (m->m_pkthdr.len < off + TCP_HDRLEN) {
		TCP_STATINC(tcps_rcvshort);
		goto drop;
	}
	if ((m = m_pullup(m, off + TCP_HDRLEN)) == NULL) {
		TCP_STATINC(tcps_rcvmemdrop);
		return NULL;
	}
	tlen = m->m_pkthdr.len - off;
	if (in4_cksum(m, IPPROTO_TCP, off, tlen) != 0) {
		TCP_STATINC(tcps_rcvbadsum);
		goto drop;
	}
	th = (const struct tcphdr *)(mtod(m, const char *) + off);
	thoff = (int)TH_OFF(th) * 4;
	if (thoff < TCP_HDRLEN || thoff > tlen) {
		TCP_STATINC(tcps_rcvbadoff);
		goto drop;
	}
	if (thoff > TCP_HDRLEN && (m = m_pullup(m, off + thoff)) == NULL) {
		TCP_STATINC(tcps_rcvmemdrop);
		return NULL;
	}
	ip = mtod(m, const struct ip *);
	th = (const struct tcphdr *)(mtod(m, const char *) + off);
	ts->ts_src = ip->ip_src;
	ts->ts_dst = ip->ip_dst;
	ts->ts_sport = th->th_sport;
	ts->ts_dport = th->th_dport;
	ts->ts_seq = ntohl(th->th_seq);
	ts->ts_ack = ntohl(th->th_ack);
	ts->ts_win = ntohs(th->th_win);
	ts->ts_flags = th->th_flags;
	ts->ts_len = tlen - thoff;
	if (tcp_opt_parse((const uint8_t *)(th + 1), (size_t)(thoff -
	    TCP_HDRLEN), (ts->ts_flags & TH_SYN) != 0, &ts->ts_opts) != 0) {
		TCP_STATINC(tcps_rcvbadopt);
		goto drop;
	}
	m_adj(m, off + thoff);
	return m;
drop:
	m_freem(m);
	return NULL;
}

/* Flag combinations no state accepts (RFC 9293 has no meaning for). */
static bool
tcp_badflags(int fl)
{
	if ((fl & (TH_SYN | TH_FIN)) == (TH_SYN | TH_FIN))
		return true;
	if ((fl & (TH_SYN | TH_RST)) == (TH_SYN | TH_RST))
		return true;
	/* No control bit at all (a "null" segment). */
	return (fl & (TH_FIN | TH_SYN | TH_RST | TH_PUSH | TH_ACK |
	    TH_URG)) == 0;
}

/*
 * A new SYN for the 4-tuple of a connection in TIME_WAIT, above all it
 * ever received: the peer starts over (RFC 9293 3.10.7.4, fourth, and
 * RFC 6191).  The old connection goes and a listener gets the SYN.
 * Returns true if tp was closed.
 */
static bool
tcp_timewait_reopen(struct tcpcb *tp, const struct tcpseg *ts)
{
	if (tp->t_state != TCPS_TIME_WAIT ||
	    (ts->ts_flags & (TH_SYN | TH_ACK | TH_RST)) != TH_SYN ||
	    !SEQ_GT(ts->ts_seq, tp->rcv_nxt))
		return false;
	TCP_STATINC(tcps_twreopen);
	(void)tcp_close(tp);
	return true;
}

void
tcp_input(struct mbuf *m, int off, int proto)
{
	struct tcpseg ts;
	struct inpcb *inp;
	struct tcpcb *tp = NULL;
	struct ifnet *rcvif = m->m_pkthdr.rcvif;

	(void)proto;
	KASSERT(mutex_owned(softnet_lock));
	TCP_STATINC(tcps_rcvtotal);
	memset(&ts, 0, sizeof(ts));
	if ((m = tcp_input_headers(m, off, &ts)) == NULL)
		return;
	ts.ts_now = rump_monotime_ns();
	if ((m->m_flags & (M_BCAST | M_MCAST)) ||
	    IN_MULTICAST(ntohl(ts.ts_dst.s_addr)) ||
	    ts.ts_dst.s_addr == INADDR_BROADCAST ||
	    (rcvif != NULL && in_broadcast(ts.ts_dst, rcvif)) ||
	    IN_MULTICAST(ntohl(ts.ts_src.s_addr)) ||
	    ts.ts_src.s_addr == INADDR_BROADCAST) {
		TCP_STATINC(tcps_rcvbadaddr);	/* and never answered */
		goto drop;
	}
	if (tcp_badflags(ts.ts_flags)) {
		TCP_STATINC(tcps_rcvbadflags);
		goto drop;
	}
	inp = in_pcblookup_connect(&tcbtable, ts.ts_src, ts.ts_sport,
	    ts.ts_dst, ts.ts_dport);
	if (inp != NULL && (tp = intotcpcb(inp)) != NULL &&
	    tcp_timewait_reopen(tp, &ts)) {
		tp = NULL;
		inp = NULL;
	}
	if (inp == NULL)
		inp = in_pcblookup_bind(&tcbtable, ts.ts_dst, ts.ts_dport);
	if (inp != NULL)
		tp = intotcpcb(inp);
	if (tp == NULL || tp->t_state == TCPS_CLOSED) {
		/* A RST for nobody is dropped silently (RFC 9293 3.10.7.1). */
		if (ts.ts_flags & TH_RST)
			TCP_STATINC(tcps_rcvrstdrop);
		else
			TCP_STATINC(tcps_noport);
		tcp_reset_for(&ts);
		goto drop;
	}
	if (tp->t_state == TCPS_LISTEN) {
		tcp_input_listen(tp, &ts);
		goto drop;
	}
	tp->t_rcvtime = ts.ts_now;
	tp->t_keepprobes = 0;
	if (tp->t_state == TCPS_SYN_SENT) {
		tcp_input_synsent(tp, &ts);
		goto drop;
	}
	tcp_input_synced(tp, &ts, m);
	return;
drop:
	m_freem(m);
}
