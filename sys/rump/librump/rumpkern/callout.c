/*
 * callout.c: timers, run by one kernel thread.  Pending callouts sit in
 * a list sorted by deadline (then by the order they were armed); the
 * thread sleeps until the first is due.  Deadlines are host monotonic
 * nanoseconds, so lateness is bounded by the host's scheduling, not by
 * a tick.
 */
#include <rump-sys/systm.h>
#include <rump-sys/callout.h>
#include <rump-sys/condvar.h>
#include <rump-sys/kthread.h>
#include <rump-sys/lwp.h>
#include <rump-sys/mutex.h>
#include <rump-sys/time.h>

#define CALLOUT_MAGIC		0x63616c6cu	/* "call" */
#define CALLOUT_PENDING		0x0100
#define CALLOUT_HALTING		0x0200	/* callout_halt() waits: no re-arm */

static kmutex_t		 callout_lock;
static kcondvar_t	 callout_cv;	/* the thread's: queue changed */
static kcondvar_t	 callout_done;	/* a function returned */
static TAILQ_HEAD(, callout) callout_queue;
static callout_t	*callout_running;
static uint64_t		 callout_seq;
static int		 callout_exiting;
static struct lwp	*callout_lwp;
/*
 * The deadline the thread sleeps until (UINT64_MAX: until signalled;
 * 0: awake).  A reset signals it only for a deadline before that one:
 * re-arming a timer to a later time (TCP does it on every ACK) costs
 * no host wake-up.  callout_nwakeups counts the signals (for tests).
 */
static uint64_t		 callout_sleepuntil;
static uint64_t		 callout_nwakeups;

static void
callout_thread(void *arg)
{
	callout_t *c;

	(void)arg;
	mutex_enter(&callout_lock);
	while (!callout_exiting) {
		uint64_t now;

		if ((c = TAILQ_FIRST(&callout_queue)) == NULL) {
			callout_sleepuntil = UINT64_MAX;
			cv_wait(&callout_cv, &callout_lock);
			callout_sleepuntil = 0;
			continue;
		}
		now = rump_monotime_ns();
		if (c->c_deadline > now) {
			callout_sleepuntil = c->c_deadline;
			(void)cv_timedwait_ns(&callout_cv, &callout_lock,
			    c->c_deadline - now);
			callout_sleepuntil = 0;
			continue;
		}
		TAILQ_REMOVE(&callout_queue, c, c_entry);
		c->c_flags &= ~CALLOUT_PENDING;
		callout_running = c;
		mutex_exit(&callout_lock);
		(*c->c_func)(c->c_arg);
		mutex_enter(&callout_lock);
		/* c may be re-armed or freed by now; only forget it. */
		callout_running = NULL;
		cv_broadcast(&callout_done);
	}
	mutex_exit(&callout_lock);
}

int
callout_boot(void)
{
	int error;

	mutex_init(&callout_lock, MUTEX_DEFAULT, IPL_NONE);
	cv_init(&callout_cv, "callout");
	cv_init(&callout_done, "calldone");
	TAILQ_INIT(&callout_queue);
	callout_running = NULL;
	callout_exiting = 0;
	callout_seq = 0;
	callout_sleepuntil = 0;
	callout_nwakeups = 0;
	error = kthread_create(PRI_NONE, KTHREAD_MUSTJOIN | KTHREAD_MPSAFE,
	    NULL, callout_thread, NULL, &callout_lwp, "callout");
	if (error != 0) {
		cv_destroy(&callout_done);
		cv_destroy(&callout_cv);
		mutex_destroy(&callout_lock);
	}
	return error;
}

void
callout_shutdown(void)
{
	callout_t *c;

	mutex_enter(&callout_lock);
	callout_exiting = 1;
	cv_signal(&callout_cv);
	mutex_exit(&callout_lock);
	kthread_join(callout_lwp);
	/* Armed callouts of a component that forgot to stop them. */
	TAILQ_FOREACH(c, &callout_queue, c_entry) {
		printf("rump shutdown: callout %p (function %p) still armed\n",
		    c, c->c_func);
		c->c_flags &= ~CALLOUT_PENDING;
	}
	TAILQ_INIT(&callout_queue);
	cv_destroy(&callout_done);
	cv_destroy(&callout_cv);
	mutex_destroy(&callout_lock);
}

void
callout_init(callout_t *c, unsigned int flags)
{
	memset(c, 0, sizeof(*c));
	c->c_flags = flags & CALLOUT_MPSAFE;
	c->c_magic = CALLOUT_MAGIC;
}

void
callout_destroy(callout_t *c)
{
	KASSERTMSG(c->c_magic == CALLOUT_MAGIC, "callout %p not initialised",
	    c);
	KASSERTMSG(!(c->c_flags & CALLOUT_PENDING),
	    "callout %p destroyed while pending", c);
	KASSERTMSG(callout_running != c || curlwp == callout_lwp,
	    "callout %p destroyed while its function runs", c);
	c->c_magic = 0;
}

void
callout_setfunc(callout_t *c, void (*func)(void *), void *arg)
{
	c->c_func = func;
	c->c_arg = arg;
}

void
callout_reset_ns(callout_t *c, uint64_t ns, void (*func)(void *), void *arg)
{
	callout_t *it;

	KASSERTMSG(c->c_magic == CALLOUT_MAGIC, "callout %p not initialised",
	    c);
	mutex_enter(&callout_lock);
	c->c_func = func;
	c->c_arg = arg;
	if (c->c_flags & CALLOUT_HALTING) {
		/*
		 * The function re-arms its callout while callout_halt()
		 * waits for it: the halt wins, as its caller is about to
		 * destroy or free the callout.
		 */
		mutex_exit(&callout_lock);
		return;
	}
	if (c->c_flags & CALLOUT_PENDING)
		TAILQ_REMOVE(&callout_queue, c, c_entry);
	c->c_deadline = rump_monotime_ns() + ns;
	c->c_seq = ++callout_seq;
	c->c_flags |= CALLOUT_PENDING;
	/* Insert after every callout due no later than this one. */
	TAILQ_FOREACH(it, &callout_queue, c_entry) {
		if (it->c_deadline > c->c_deadline)
			break;
	}
	if (it != NULL)
		TAILQ_INSERT_BEFORE(it, c, c_entry);
	else
		TAILQ_INSERT_TAIL(&callout_queue, c, c_entry);
	/* Asleep past the new deadline: wake it (awake: it will look). */
	if (TAILQ_FIRST(&callout_queue) == c && callout_sleepuntil != 0 &&
	    c->c_deadline < callout_sleepuntil) {
		callout_nwakeups++;
		cv_signal(&callout_cv);
	}
	mutex_exit(&callout_lock);
}

void
callout_reset(callout_t *c, int ticks, void (*func)(void *), void *arg)
{
	callout_reset_ns(c, (uint64_t)(ticks > 0 ? ticks : 1) * NSEC_PER_TICK,
	    func, arg);
}

void
callout_schedule(callout_t *c, int ticks)
{
	KASSERTMSG(c->c_func != NULL, "callout %p has no function", c);
	callout_reset(c, ticks, c->c_func, c->c_arg);
}

static bool
callout_stop_locked(callout_t *c)
{
	bool pending;

	KASSERT(mutex_owned(&callout_lock));
	pending = (c->c_flags & CALLOUT_PENDING) != 0;
	if (pending) {
		TAILQ_REMOVE(&callout_queue, c, c_entry);
		c->c_flags &= ~CALLOUT_PENDING;
	}
	return pending;
}

bool
callout_stop(callout_t *c)
{
	bool pending;

	mutex_enter(&callout_lock);
	pending = callout_stop_locked(c);
	mutex_exit(&callout_lock);
	return pending;
}

/*
 * Disarm c and wait for a running call of its function to return.  A
 * re-arm made meanwhile (by the function, typically) is ignored, so c
 * is stopped for good on return and may be destroyed.  Returns whether
 * c was pending.
 */
bool
callout_halt(callout_t *c, void *interlock)
{
	kmutex_t *ilock = interlock;
	bool pending;

	mutex_enter(&callout_lock);
	pending = callout_stop_locked(c);
	if (callout_running != c || curlwp == callout_lwp) {
		mutex_exit(&callout_lock);
		return pending;
	}
	c->c_flags |= CALLOUT_HALTING;
	/* Drop the caller's lock so the function can finish. */
	if (ilock != NULL)
		mutex_exit(ilock);
	while (callout_running == c)
		cv_wait(&callout_done, &callout_lock);
	c->c_flags &= ~CALLOUT_HALTING;
	mutex_exit(&callout_lock);
	if (ilock != NULL)
		mutex_enter(ilock);
	return pending;
}

bool
callout_pending(callout_t *c)
{
	return (c->c_flags & CALLOUT_PENDING) != 0;
}

bool
callout_invoking(callout_t *c)
{
	return callout_running == c;
}

void
callout_getstats(uint64_t *nwakeupsp, uint64_t *sleepuntilp)
{
	mutex_enter(&callout_lock);
	*nwakeupsp = callout_nwakeups;
	*sleepuntilp = callout_sleepuntil;
	mutex_exit(&callout_lock);
}
