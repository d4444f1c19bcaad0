/*
 * tcp_timer.c: the five timers of a connection (retransmission,
 * persist, keepalive/connection establishment, 2MSL, delayed ACK).
 * Each is a deadline in the tcpcb; one callout per connection is armed
 * for the earliest, so closing a connection has a single callout to
 * stop.  The callout takes softnet_lock; a connection closed while its
 * callout waits for that lock is freed by the callout (TF_DEAD).
 */
#include <rump-sys/systm.h>
#include <rump-sys/kmem.h>
#include <rump-sys/time.h>
#include <rump-sys/netinet/tcp_var.h>

static void tcp_timer_fire(void *);

uint64_t
tcp_2msl_ns(void)
{
	return 2 * tcp_knobs.tk_msl_ns;
}

void
tcp_timers_init(struct tcpcb *tp)
{
	callout_init(&tp->t_callout, CALLOUT_MPSAFE);
	callout_setfunc(&tp->t_callout, tcp_timer_fire, tp);
}

/*
 * Arm the callout for the earliest deadline, or stop it.  now is the
 * caller's reading of the clock, 0 to read it here if needed.
 */
static void
tcp_timer_resched(struct tcpcb *tp, uint64_t now)
{
	uint64_t first = 0;

	if (tp->t_flags & (TF_INTIMER | TF_DEAD))
		return;		/* the callout re-arms on return */
	for (int i = 0; i < TCPT_NTIMERS; i++) {
		if (tp->t_timer[i] != 0 &&
		    (first == 0 || tp->t_timer[i] < first))
			first = tp->t_timer[i];
	}
	if (first == tp->t_callout_at && (first == 0 ||
	    callout_pending(&tp->t_callout)))
		return;
	/*
	 * Pushed later (the retransmit timer, on every ACK): leave the
	 * callout where it is.  It fires early, finds nothing due and
	 * re-arms for the real deadline, once per timeout instead of a
	 * callout reset per segment.
	 */
	if (first != 0 && tp->t_callout_at != 0 &&
	    first > tp->t_callout_at && callout_pending(&tp->t_callout))
		return;
	tp->t_callout_at = first;
	if (first == 0) {
		(void)callout_stop(&tp->t_callout);
		return;
	}
	if (now == 0)
		now = rump_monotime_ns();
	callout_reset_ns(&tp->t_callout, first > now ? first - now : 1,
	    tcp_timer_fire, tp);
}

void
tcp_timer_arm_at(struct tcpcb *tp, int which, uint64_t now, uint64_t ns)
{
	KASSERT(which >= 0 && which < TCPT_NTIMERS);
	tp->t_timer[which] = now + MAX(ns, 1);
	tcp_timer_resched(tp, now);
}

void
tcp_timer_arm(struct tcpcb *tp, int which, uint64_t ns)
{
	tcp_timer_arm_at(tp, which, rump_monotime_ns(), ns);
}

void
tcp_timer_disarm(struct tcpcb *tp, int which)
{
	KASSERT(which >= 0 && which < TCPT_NTIMERS);
	tp->t_timer[which] = 0;
	tcp_timer_resched(tp, 0);
}

bool
tcp_timer_armed(const struct tcpcb *tp, int which)
{
	return tp->t_timer[which] != 0;
}

/*
 * All timers off for a closing connection.  Returns true when the
 * callout will free tp: it is running it now (this call may come from
 * it), or it is being invoked, maybe blocked on softnet_lock at entry,
 * maybe already past its last look at tp.  In that last case it is
 * armed once more so that a call surely comes and frees tp.
 */
bool
tcp_timers_stop(struct tcpcb *tp)
{
	memset(tp->t_timer, 0, sizeof(tp->t_timer));
	tp->t_callout_at = 0;
	(void)callout_stop(&tp->t_callout);
	if (tp->t_flags & TF_INTIMER)
		return true;
	if (callout_invoking(&tp->t_callout)) {
		callout_reset_ns(&tp->t_callout, 1, tcp_timer_fire, tp);
		return true;
	}
	return false;
}

void
tcp_timer_rexmt_start_at(struct tcpcb *tp, uint64_t now)
{
	tcp_timer_arm_at(tp, TCPT_REXMT, now, tcp_rtt_rto(&tp->t_rtt) * 1000);
}

void
tcp_timer_rexmt_start(struct tcpcb *tp)
{
	tcp_timer_rexmt_start_at(tp, rump_monotime_ns());
}

/* Retransmission timeout (RFC 6298 5.4-5.6, RFC 5681 3.1). */
static struct tcpcb *
tcp_timer_rexmt(struct tcpcb *tp)
{
	unsigned limit = tp->t_state < TCPS_ESTABLISHED ?
	    tcp_knobs.tk_synrxtshift : tcp_knobs.tk_maxrxtshift;

	TCP_STATINC(tcps_rexmttimeo);
	if (++tp->t_rxtshift > limit) {
		TCP_STATINC(tcps_timeoutdrop);
		return tcp_drop(tp, ETIMEDOUT);
	}
	tcp_rtt_backoff(&tp->t_rtt);
	if (tp->t_state < TCPS_ESTABLISHED)
		tp->t_flags |= TF_SYNRXMT;
	tcp_cc_timeout(&tp->t_cc, tp->snd_max - tp->snd_una, tp->snd_max);
	/* Karn: no sample from a retransmitted segment. */
	tp->t_rtstart = 0;
	tp->snd_nxt = tp->snd_una;
	tp->t_flags &= ~TF_SENTFIN;
	(void)tcp_output(tp);
	return tp;
}

/* Zero-window probe (RFC 9293 3.8.6.1), backed off like a RTO. */
static struct tcpcb *
tcp_timer_persist(struct tcpcb *tp)
{
	uint64_t t;

	TCP_STATINC(tcps_persisttimeo);
	if (tp->t_persistshift < tcp_knobs.tk_maxrxtshift)
		tp->t_persistshift++;
	t = tcp_rtt_rto(&tp->t_rtt) << MIN(tp->t_persistshift, 16u);
	tcp_timer_arm(tp, TCPT_PERSIST, MIN(t, tp->t_rtt.rt_max) * 1000);
	tp->snd_nxt = tp->snd_una;	/* the probe is the next byte */
	tp->t_flags |= TF_FORCE;
	(void)tcp_output(tp);
	tp->t_flags &= ~TF_FORCE;
	return tp;
}

/* Connection establishment limit, or a keepalive round (RFC 1122). */
static struct tcpcb *
tcp_timer_keep(struct tcpcb *tp)
{
	struct socket *so = tp->t_socket;
	uint64_t idle;

	TCP_STATINC(tcps_keeptimeo);
	if (tp->t_state < TCPS_ESTABLISHED)
		return tcp_drop(tp, ETIMEDOUT);
	if (tp->t_state > TCPS_CLOSE_WAIT || so == NULL)
		return tp;
	if (!(so->so_options & SO_OPT_KEEPALIVE)) {
		/* Look again later: SO_KEEPALIVE may be set meanwhile. */
		tcp_timer_arm(tp, TCPT_KEEP,
		    (uint64_t)tp->t_keepidle * NSEC_PER_SEC);
		return tp;
	}
	idle = rump_monotime_ns() - tp->t_rcvtime;
	if (idle < (uint64_t)tp->t_keepidle * NSEC_PER_SEC &&
	    tp->t_keepprobes == 0) {
		tcp_timer_arm(tp, TCPT_KEEP,
		    (uint64_t)tp->t_keepidle * NSEC_PER_SEC - idle);
		return tp;
	}
	if (tp->t_keepprobes >= tp->t_keepcnt) {
		TCP_STATINC(tcps_keepdrops);
		return tcp_drop(tp, ETIMEDOUT);
	}
	tp->t_keepprobes++;
	TCP_STATINC(tcps_keepprobe);
	tcp_send_keepalive(tp);
	tcp_timer_arm(tp, TCPT_KEEP, (uint64_t)tp->t_keepintvl * NSEC_PER_SEC);
	return tp;
}

static struct tcpcb *
tcp_timer_2msl(struct tcpcb *tp)
{
	/* TIME_WAIT over, or an orphaned FIN_WAIT_2 gave up waiting. */
	return tcp_close(tp);
}

static struct tcpcb *
tcp_timer_delack(struct tcpcb *tp)
{
	if (tp->t_flags & TF_DELACK) {
		tp->t_flags &= ~TF_DELACK;
		tp->t_flags |= TF_ACKNOW;
		TCP_STATINC(tcps_delack);
		(void)tcp_output(tp);
	}
	return tp;
}

static struct tcpcb *(*const tcp_timer_funcs[TCPT_NTIMERS])(struct tcpcb *) = {
	[TCPT_REXMT] = tcp_timer_rexmt,
	[TCPT_PERSIST] = tcp_timer_persist,
	[TCPT_KEEP] = tcp_timer_keep,
	[TCPT_2MSL] = tcp_timer_2msl,
	[TCPT_DELACK] = tcp_timer_delack,
};

static void
tcp_timer_fire(void *arg)
{
	struct tcpcb *tp = arg;
	uint64_t now;

	mutex_enter(softnet_lock);
	if (tp->t_flags & TF_DEAD) {
		/* Closed while we waited; the last call frees. */
		if (callout_pending(&tp->t_callout)) {
			mutex_exit(softnet_lock);
			return;
		}
		goto dead;
	}
	tp->t_flags |= TF_INTIMER;
	tp->t_callout_at = 0;
	now = rump_monotime_ns();
	for (int i = 0; i < TCPT_NTIMERS; i++) {
		if (tp->t_timer[i] == 0 || tp->t_timer[i] > now)
			continue;
		tp->t_timer[i] = 0;
		(void)(*tcp_timer_funcs[i])(tp);
		if (tp->t_flags & TF_DEAD)
			goto dead;
	}
	tp->t_flags &= ~TF_INTIMER;
	tcp_timer_resched(tp, 0);
	mutex_exit(softnet_lock);
	return;
dead:
	callout_destroy(&tp->t_callout);
	kmem_free(tp, sizeof(*tp));
	mutex_exit(softnet_lock);
}
