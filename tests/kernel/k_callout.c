/*
 * k_callout.c: the kernel half of t_callout.  Callout functions and
 * softint handlers append to a log (who fired, when, on which lwp) that
 * the scenario waits on and then judges.  Where a test must show that
 * something did NOT happen, it waits for a later "sentinel" instead of
 * sleeping an arbitrary time: deadline order (or level order) says the
 * unwanted event would have come first.
 */
#include <rump-sys/systm.h>
#include <rump-sys/callout.h>
#include <rump-sys/condvar.h>
#include <rump-sys/intr.h>
#include <rump-sys/kmem.h>
#include <rump-sys/lwp.h>
#include <rump-sys/mutex.h>
#include <rump-sys/time.h>

#include "ktest_int.h"
#include "k_callout.h"

#define NS_PER_MS	1000000ULL
#define WAIT_MS		10000	/* for things that must happen */
#define LOG_MAX		16

struct log {
	kmutex_t	 lg_lock;
	kcondvar_t	 lg_cv;
	unsigned int	 lg_n;
	int		 lg_id[LOG_MAX];
	uint64_t	 lg_ns[LOG_MAX];
	struct lwp	*lg_lwp[LOG_MAX];
};

/* A callout and what it fired. */
struct kc {
	callout_t	 kc_c;
	int		 kc_id;
	unsigned int	 kc_count;	/* under lg_lock */
	unsigned int	 kc_rearm;	/* re-arm until fired this often */
	struct log	*kc_log;
};

static void
log_init(struct log *lg)
{
	memset(lg, 0, sizeof(*lg));
	mutex_init(&lg->lg_lock, MUTEX_DEFAULT, IPL_NONE);
	cv_init(&lg->lg_cv, "ktlog");
}

static void
log_fini(struct log *lg)
{
	cv_destroy(&lg->lg_cv);
	mutex_destroy(&lg->lg_lock);
}

/* Append id; returns how often *countp has been bumped now. */
static unsigned int
log_record(struct log *lg, int id, unsigned int *countp)
{
	unsigned int n;

	mutex_enter(&lg->lg_lock);
	if (lg->lg_n < LOG_MAX) {
		lg->lg_id[lg->lg_n] = id;
		lg->lg_ns[lg->lg_n] = rump_monotime_ns();
		lg->lg_lwp[lg->lg_n] = curlwp;
	}
	lg->lg_n++;
	n = countp != NULL ? ++*countp : 0;
	cv_broadcast(&lg->lg_cv);
	mutex_exit(&lg->lg_lock);
	return n;
}

/* Wait until the log holds n entries; 0 or ETIMEDOUT. */
static int
log_wait(struct log *lg, unsigned int n, unsigned int timeout_ms)
{
	uint64_t deadline = rump_monotime_ns() + timeout_ms * NS_PER_MS;
	int error = 0;

	mutex_enter(&lg->lg_lock);
	while (lg->lg_n < n) {
		uint64_t now = rump_monotime_ns();

		if (now >= deadline) {
			error = ETIMEDOUT;
			break;
		}
		(void)cv_timedwait_ns(&lg->lg_cv, &lg->lg_lock, deadline - now);
	}
	mutex_exit(&lg->lg_lock);
	return error;
}

static unsigned int
log_count(struct log *lg)
{
	unsigned int n;

	mutex_enter(&lg->lg_lock);
	n = lg->lg_n;
	mutex_exit(&lg->lg_lock);
	return n;
}

static void
kc_fire(void *arg)
{
	struct kc *kc = arg;
	bool again;

	(void)log_record(kc->kc_log, kc->kc_id, &kc->kc_count);
	mutex_enter(&kc->kc_log->lg_lock);
	again = kc->kc_count < kc->kc_rearm;
	mutex_exit(&kc->kc_log->lg_lock);
	if (again)
		callout_schedule(&kc->kc_c, 1);
}

static void
kc_init(struct kc *kc, int n, struct log *lg)
{
	for (int i = 0; i < n; i++) {
		memset(&kc[i], 0, sizeof(kc[i]));
		callout_init(&kc[i].kc_c, CALLOUT_MPSAFE);
		kc[i].kc_id = i;
		kc[i].kc_log = lg;
	}
}

/* Stop everything before the callouts (on our stack) go away. */
static void
kc_fini(struct kc *kc, int n)
{
	for (int i = 0; i < n; i++) {
		mutex_enter(&kc[i].kc_log->lg_lock);
		kc[i].kc_rearm = 0;
		mutex_exit(&kc[i].kc_log->lg_lock);
		(void)callout_halt(&kc[i].kc_c, NULL);
		callout_destroy(&kc[i].kc_c);
	}
}

static void
kc_arm_ms(struct kc *kc, unsigned int ms)
{
	callout_reset_ns(&kc->kc_c, ms * NS_PER_MS, kc_fire, kc);
}

int
rump_pub_ktest_callout_deadline_order(void)
{
	/* 60, 20 and 40 ms scaled up, so a stalled host cannot reorder. */
	static const unsigned int ms[] = { 300, 100, 200 };
	struct log lg;
	struct kc kc[3];
	int error;

	KTEST_ENTER();
	log_init(&lg);
	kc_init(kc, 3, &lg);
	for (int i = 0; i < 3; i++)
		kc_arm_ms(&kc[i], ms[i]);
	error = log_wait(&lg, 3, WAIT_MS);
	KTEST_CHECK(error == 0, "%u of 3 callouts fired", log_count(&lg));
	KTEST_CHECK(lg.lg_id[0] == 1 && lg.lg_id[1] == 2 && lg.lg_id[2] == 0,
	    "fired in order %d %d %d, want 1 2 0", lg.lg_id[0], lg.lg_id[1],
	    lg.lg_id[2]);
	KTEST_CHECK(lg.lg_n == 3, "%u calls", lg.lg_n);
out:
	kc_fini(kc, 3);
	log_fini(&lg);
	return KTEST_LEAVE(error);
}

int
rump_pub_ktest_callout_same_delay_order(void)
{
	struct log lg;
	struct kc kc[8];
	int error;

	KTEST_ENTER();
	log_init(&lg);
	kc_init(kc, 8, &lg);
	for (int i = 0; i < 8; i++)
		kc_arm_ms(&kc[i], 50);
	error = log_wait(&lg, 8, WAIT_MS);
	KTEST_CHECK(error == 0, "%u of 8 callouts fired", log_count(&lg));
	for (int i = 0; i < 8; i++)
		KTEST_CHECK(lg.lg_id[i] == i, "call %d was callout %d", i,
		    lg.lg_id[i]);
out:
	kc_fini(kc, 8);
	log_fini(&lg);
	return KTEST_LEAVE(error);
}

int
rump_pub_ktest_callout_stop_pending(void)
{
	struct log lg;
	struct kc kc[2];
	bool was;
	int error = 0;

	KTEST_ENTER();
	log_init(&lg);
	kc_init(kc, 2, &lg);
	kc_arm_ms(&kc[0], 300);
	KTEST_CHECK(callout_pending(&kc[0].kc_c), "armed but not pending");
	was = callout_stop(&kc[0].kc_c);
	KTEST_CHECK(was, "callout_stop of a pending callout returned false");
	KTEST_CHECK(!callout_pending(&kc[0].kc_c), "pending after stop");
	/* The sentinel is due after the stopped one would have fired. */
	kc_arm_ms(&kc[1], 400);
	error = log_wait(&lg, 1, WAIT_MS);
	KTEST_CHECK(error == 0, "the sentinel never fired");
	KTEST_CHECK(lg.lg_id[0] == 1, "the stopped callout fired");
	was = callout_stop(&kc[0].kc_c);
	KTEST_CHECK(!was, "second callout_stop returned true");
out:
	kc_fini(kc, 2);
	log_fini(&lg);
	return KTEST_LEAVE(error);
}

int
rump_pub_ktest_callout_stop_fired(void)
{
	struct log lg;
	struct kc kc[1];
	int error;

	KTEST_ENTER();
	log_init(&lg);
	kc_init(kc, 1, &lg);
	kc_arm_ms(&kc[0], 10);
	error = log_wait(&lg, 1, WAIT_MS);
	KTEST_CHECK(error == 0, "the callout never fired");
	KTEST_CHECK(!callout_stop(&kc[0].kc_c),
	    "callout_stop after firing returned true");
	KTEST_CHECK(!callout_pending(&kc[0].kc_c), "pending after firing");
out:
	kc_fini(kc, 1);
	log_fini(&lg);
	return KTEST_LEAVE(error);
}

/* A callout function that takes a while (and maybe a lock first). */
struct slow {
	callout_t	 s_c;
	kmutex_t	*s_interlock;
	int		 s_rearm;	/* re-arm itself after the sleep */
	int		 s_started;
	int		 s_finished;
	int		 s_runs;
};

static void
slow_fire(void *arg)
{
	struct slow *s = arg;

	__atomic_store_n(&s->s_started, 1, __ATOMIC_SEQ_CST);
	if (s->s_interlock != NULL) {
		mutex_enter(s->s_interlock);
		mutex_exit(s->s_interlock);
	}
	kpause("ktslow", false, mstohz(100), NULL);
	__atomic_add_fetch(&s->s_runs, 1, __ATOMIC_SEQ_CST);
	__atomic_store_n(&s->s_finished, 1, __ATOMIC_SEQ_CST);
	if (s->s_rearm)
		callout_schedule(&s->s_c, 1);
}

/* Poll (off-CPU) until s_started; 0 or ETIMEDOUT. */
static int
slow_wait_started(struct slow *s)
{
	for (int i = 0; i < WAIT_MS / 10; i++) {
		if (__atomic_load_n(&s->s_started, __ATOMIC_SEQ_CST))
			return 0;
		kpause("ktpoll", false, 1, NULL);
	}
	return ETIMEDOUT;
}

static int
halt_running(kmutex_t *interlock, int rearm)
{
	struct slow s;
	bool was;
	int error = 0;

	memset(&s, 0, sizeof(s));
	s.s_interlock = interlock;
	s.s_rearm = rearm;
	callout_init(&s.s_c, CALLOUT_MPSAFE);
	if (interlock != NULL)
		mutex_enter(interlock);
	callout_reset(&s.s_c, 1, slow_fire, &s);
	error = slow_wait_started(&s);
	KTEST_CHECK(error == 0, "the callout never started");
	KTEST_CHECK(!__atomic_load_n(&s.s_finished, __ATOMIC_SEQ_CST),
	    "finished before callout_halt (it sleeps 100 ms)");
	was = callout_halt(&s.s_c, interlock);
	KTEST_CHECK(__atomic_load_n(&s.s_finished, __ATOMIC_SEQ_CST),
	    "callout_halt returned while the function still ran");
	KTEST_CHECK(!was, "callout_halt of a running callout returned true");
	KTEST_CHECK(interlock == NULL || mutex_owned(interlock),
	    "callout_halt returned without the interlock held");
	KTEST_CHECK(!callout_pending(&s.s_c), "pending after callout_halt "
	    "(the function re-armed it while callout_halt waited)");
	/* Had it stayed armed, it would have run again by now. */
	kpause("ktpoll", false, mstohz(50), NULL);
	KTEST_CHECK(s.s_runs == 1, "%d runs", s.s_runs);
out:
	if (interlock != NULL && mutex_owned(interlock))
		mutex_exit(interlock);
	(void)callout_halt(&s.s_c, NULL);
	callout_destroy(&s.s_c);
	return error;
}

int
rump_pub_ktest_callout_halt_waits(void)
{
	int error;

	KTEST_ENTER();
	error = halt_running(NULL, 0);
	return KTEST_LEAVE(error);
}

int
rump_pub_ktest_callout_halt_rearming(void)
{
	int error;

	KTEST_ENTER();
	error = halt_running(NULL, 1);
	return KTEST_LEAVE(error);
}

int
rump_pub_ktest_callout_halt_interlock(void)
{
	kmutex_t lock;
	int error;

	KTEST_ENTER();
	mutex_init(&lock, MUTEX_DEFAULT, IPL_NONE);
	error = halt_running(&lock, 0);
	mutex_destroy(&lock);
	return KTEST_LEAVE(error);
}

int
rump_pub_ktest_callout_reset_moves(void)
{
	struct log lg;
	struct kc kc[3];
	int error;

	KTEST_ENTER();
	log_init(&lg);
	kc_init(kc, 3, &lg);
	kc_arm_ms(&kc[0], 500);
	kc_arm_ms(&kc[1], 250);
	kc_arm_ms(&kc[0], 50);		/* moves ahead of kc[1] */
	/* Due after kc[0]'s old deadline: an old entry would fire first. */
	kc_arm_ms(&kc[2], 600);
	error = log_wait(&lg, 3, WAIT_MS);
	KTEST_CHECK(error == 0, "%u of 3 callouts fired", log_count(&lg));
	KTEST_CHECK(lg.lg_id[0] == 0 && lg.lg_id[1] == 1 && lg.lg_id[2] == 2,
	    "fired in order %d %d %d, want 0 1 2", lg.lg_id[0], lg.lg_id[1],
	    lg.lg_id[2]);
	KTEST_CHECK(lg.lg_n == 3, "%u calls", lg.lg_n);
out:
	kc_fini(kc, 3);
	log_fini(&lg);
	return KTEST_LEAVE(error);
}

/* Wait (up to 5 s) until the callout thread sleeps towards a deadline. */
static int
callout_thread_asleep(void)
{
	uint64_t nw, until;

	for (int i = 0; i < 5000; i++) {
		callout_getstats(&nw, &until);
		if (until != 0 && until != UINT64_MAX)
			return 0;
		kpause("cwait", false, 1, NULL);
	}
	return ETIMEDOUT;
}

int
rump_pub_ktest_callout_later_no_wakeup(void)
{
	struct log lg;
	struct kc kc[1];
	uint64_t w0, w1, until;
	int error;

	KTEST_ENTER();
	log_init(&lg);
	kc_init(kc, 1, &lg);
	kc_arm_ms(&kc[0], 2000);
	error = callout_thread_asleep();
	KTEST_CHECK(error == 0, "the callout thread never slept");
	callout_getstats(&w0, &until);
	/* Re-armed later and later, as TCP does its timer on every ACK. */
	for (int i = 1; i <= 1000; i++)
		kc_arm_ms(&kc[0], 2000 + (unsigned int)i);
	callout_getstats(&w1, &until);
	KTEST_CHECK(w1 == w0, "%ju wake-ups for later deadlines",
	    (uintmax_t)(w1 - w0));
	/* An earlier deadline wakes it, and the callout fires then. */
	kc_arm_ms(&kc[0], 10);
	callout_getstats(&w1, &until);
	KTEST_CHECK(w1 == w0 + 1, "%ju wake-ups for an earlier deadline",
	    (uintmax_t)(w1 - w0));
	error = log_wait(&lg, 1, WAIT_MS);
	KTEST_CHECK(error == 0, "the callout did not fire");
out:
	kc_fini(kc, 1);
	log_fini(&lg);
	return KTEST_LEAVE(error);
}

int
rump_pub_ktest_callout_lateness(unsigned int delay_ms, int by_ticks,
    unsigned int *late_msp)
{
	struct log lg;
	struct kc kc[1];
	uint64_t t0, took;
	int error;

	KTEST_ENTER();
	log_init(&lg);
	kc_init(kc, 1, &lg);
	t0 = rump_monotime_ns();
	if (by_ticks)
		callout_reset(&kc[0].kc_c, mstohz(delay_ms), kc_fire, &kc[0]);
	else
		kc_arm_ms(&kc[0], delay_ms);
	error = log_wait(&lg, 1, WAIT_MS);
	KTEST_CHECK(error == 0, "the callout never fired");
	took = lg.lg_ns[0] - t0;
	*late_msp = took < delay_ms * NS_PER_MS ? 0 :
	    (unsigned int)((took - delay_ms * NS_PER_MS) / NS_PER_MS);
	KTEST_CHECK(took >= delay_ms * NS_PER_MS, "a callout armed for %u ms "
	    "fired after %llu us", delay_ms,
	    (unsigned long long)(took / 1000));
out:
	kc_fini(kc, 1);
	log_fini(&lg);
	return KTEST_LEAVE(error);
}

int
rump_pub_ktest_callout_rearm(unsigned int n)
{
	struct log lg;
	struct kc kc[2];
	unsigned int i;
	int error;

	if (n < 2 || n >= LOG_MAX)
		return EINVAL;
	KTEST_ENTER();
	log_init(&lg);
	kc_init(kc, 2, &lg);
	kc[0].kc_rearm = n;
	callout_reset(&kc[0].kc_c, 1, kc_fire, &kc[0]);
	error = log_wait(&lg, n, WAIT_MS);
	KTEST_CHECK(error == 0, "fired %u of %u times", log_count(&lg), n);
	/* It stopped re-arming: nothing pending, and a sentinel wins. */
	(void)callout_halt(&kc[0].kc_c, NULL);
	KTEST_CHECK(!callout_pending(&kc[0].kc_c), "still pending");
	kc_arm_ms(&kc[1], 50);
	error = log_wait(&lg, n + 1, WAIT_MS);
	KTEST_CHECK(error == 0, "the sentinel never fired");
	KTEST_CHECK(lg.lg_n == n + 1 && lg.lg_id[n] == 1,
	    "%u calls, the last by callout %d", lg.lg_n, lg.lg_id[n]);
	for (i = 1; i < n; i++)
		KTEST_CHECK(lg.lg_id[i] == 0 && lg.lg_ns[i] > lg.lg_ns[i - 1],
		    "call %u: callout %d", i, lg.lg_id[i]);
out:
	kc_fini(kc, 2);
	log_fini(&lg);
	return KTEST_LEAVE(error);
}

/* Softints */

struct ksi {
	void		*si_cookie;
	int		 si_id;
	unsigned int	 si_count;
	struct log	*si_log;
};

static void
ksi_handler(void *arg)
{
	struct ksi *si = arg;

	(void)log_record(si->si_log, si->si_id, &si->si_count);
}

static int
ksi_establish(struct ksi *si, int id, unsigned int level, struct log *lg)
{
	memset(si, 0, sizeof(*si));
	si->si_id = id;
	si->si_log = lg;
	si->si_cookie = softint_establish(level | SOFTINT_MPSAFE, ksi_handler,
	    si);
	return si->si_cookie != NULL ? 0 : ENOMEM;
}

static void
ksi_disestablish(struct ksi *si)
{
	if (si->si_cookie != NULL)
		softint_disestablish(si->si_cookie);
	si->si_cookie = NULL;
}

/*
 * A softint whose handler holds the softint thread until released, so
 * others can be scheduled while nothing runs.
 */
struct blocker {
	kmutex_t	 b_lock;
	kcondvar_t	 b_cv;
	int		 b_blocked;
	int		 b_release;
	void		*b_cookie;
};

static void
blocker_handler(void *arg)
{
	struct blocker *b = arg;

	mutex_enter(&b->b_lock);
	b->b_blocked = 1;
	cv_broadcast(&b->b_cv);
	while (!b->b_release)
		cv_wait(&b->b_cv, &b->b_lock);
	mutex_exit(&b->b_lock);
}

/* Start blocking the softint thread; 0, ENOMEM or ETIMEDOUT. */
static int
blocker_start(struct blocker *b)
{
	uint64_t deadline = rump_monotime_ns() + WAIT_MS * NS_PER_MS;
	int error = 0;

	memset(b, 0, sizeof(*b));
	mutex_init(&b->b_lock, MUTEX_DEFAULT, IPL_NONE);
	cv_init(&b->b_cv, "ktblock");
	b->b_cookie = softint_establish(SOFTINT_SERIAL | SOFTINT_MPSAFE,
	    blocker_handler, b);
	if (b->b_cookie == NULL)
		return ENOMEM;
	softint_schedule(b->b_cookie);
	mutex_enter(&b->b_lock);
	while (!b->b_blocked && error == 0) {
		uint64_t now = rump_monotime_ns();

		if (now >= deadline)
			error = ETIMEDOUT;
		else
			(void)cv_timedwait_ns(&b->b_cv, &b->b_lock,
			    deadline - now);
	}
	mutex_exit(&b->b_lock);
	return error;
}

static void
blocker_release(struct blocker *b)
{
	mutex_enter(&b->b_lock);
	b->b_release = 1;
	cv_broadcast(&b->b_cv);
	mutex_exit(&b->b_lock);
}

static void
blocker_fini(struct blocker *b)
{
	blocker_release(b);
	if (b->b_cookie != NULL)
		softint_disestablish(b->b_cookie);
	cv_destroy(&b->b_cv);
	mutex_destroy(&b->b_lock);
}

/* A slow softint handler that schedules itself again, once. */
struct slowsi {
	void		*ss_cookie;
	int		 ss_started;
	int		 ss_runs;
};

static void
slowsi_handler(void *arg)
{
	struct slowsi *ss = arg;

	__atomic_store_n(&ss->ss_started, 1, __ATOMIC_SEQ_CST);
	kpause("ktslow", false, mstohz(100), NULL);
	if (__atomic_add_fetch(&ss->ss_runs, 1, __ATOMIC_SEQ_CST) == 1)
		softint_schedule(ss->ss_cookie);
}

int
rump_pub_ktest_softint_disestablish_running(void)
{
	struct slowsi *ss;
	struct log lg;
	struct ksi si;
	int error = 0;

	KTEST_ENTER();
	log_init(&lg);
	memset(&si, 0, sizeof(si));
	/* Allocated, so that a use after disestablish meets the poison. */
	ss = kmem_zalloc(sizeof(*ss), KM_SLEEP);
	ss->ss_cookie = softint_establish(SOFTINT_NET | SOFTINT_MPSAFE,
	    slowsi_handler, ss);
	KTEST_CHECK(ss->ss_cookie != NULL, "softint_establish failed");
	softint_schedule(ss->ss_cookie);
	for (int i = 0; i < WAIT_MS / 10 &&
	    !__atomic_load_n(&ss->ss_started, __ATOMIC_SEQ_CST); i++)
		kpause("ktpoll", false, 1, NULL);
	KTEST_CHECK(ss->ss_started, "the handler never started");
	/* Waits for the run, which schedules the softint again meanwhile. */
	softint_disestablish(ss->ss_cookie);
	ss->ss_cookie = NULL;
	KTEST_CHECK(ss->ss_runs == 1, "%d runs when softint_disestablish "
	    "returned", ss->ss_runs);
	/* A lower-level sentinel runs after anything left at SOFTINT_NET. */
	error = ksi_establish(&si, 1, SOFTINT_CLOCK, &lg);
	KTEST_CHECK(error == 0, "softint_establish failed");
	softint_schedule(si.si_cookie);
	error = log_wait(&lg, 1, WAIT_MS);
	KTEST_CHECK(error == 0, "the sentinel never ran");
	KTEST_CHECK(ss->ss_runs == 1, "the disestablished handler ran %d "
	    "times", ss->ss_runs);
out:
	if (ss->ss_cookie != NULL)
		softint_disestablish(ss->ss_cookie);
	kmem_free(ss, sizeof(*ss));
	ksi_disestablish(&si);
	log_fini(&lg);
	return KTEST_LEAVE(error);
}

int
rump_pub_ktest_softint_thread(void)
{
	struct log lg;
	struct ksi si;
	struct lwp *l;
	int error;

	KTEST_ENTER();
	log_init(&lg);
	error = ksi_establish(&si, 0, SOFTINT_NET, &lg);
	KTEST_CHECK(error == 0, "softint_establish failed");
	softint_schedule(si.si_cookie);
	error = log_wait(&lg, 1, WAIT_MS);
	KTEST_CHECK(error == 0, "the handler never ran");
	l = lg.lg_lwp[0];
	KTEST_CHECK(l != NULL && l != curlwp, "handler ran on lwp %p, the "
	    "caller is %p", l, curlwp);
	KTEST_CHECK((l->l_flag & LW_SYSTEM) && l->l_proc == &proc0,
	    "handler's lwp %d (%s) is not a kernel thread", l->l_lid,
	    l->l_name);
out:
	ksi_disestablish(&si);
	log_fini(&lg);
	return KTEST_LEAVE(error);
}

int
rump_pub_ktest_softint_coalesce(void)
{
	struct blocker b;
	struct log lg;
	struct ksi si[2];
	int error;

	KTEST_ENTER();
	log_init(&lg);
	memset(si, 0, sizeof(si));
	error = blocker_start(&b);
	KTEST_CHECK(error == 0, "could not block the softint thread");
	error = ksi_establish(&si[0], 0, SOFTINT_NET, &lg);
	KTEST_CHECK(error == 0, "softint_establish failed");
	error = ksi_establish(&si[1], 1, SOFTINT_CLOCK, &lg);
	KTEST_CHECK(error == 0, "softint_establish failed");
	for (int i = 0; i < 5; i++)
		softint_schedule(si[0].si_cookie);
	/* Lower level: runs after every pending run of si[0]. */
	softint_schedule(si[1].si_cookie);
	KTEST_CHECK(log_count(&lg) == 0, "a handler ran while blocked");
	blocker_release(&b);
	error = log_wait(&lg, 2, WAIT_MS);
	KTEST_CHECK(error == 0, "%u handler runs", log_count(&lg));
	KTEST_CHECK(lg.lg_n == 2 && lg.lg_id[0] == 0 && lg.lg_id[1] == 1,
	    "%u runs (first %d, then %d), want softint 0 once, then the "
	    "sentinel", lg.lg_n, lg.lg_id[0], lg.lg_id[1]);
out:
	blocker_fini(&b);
	ksi_disestablish(&si[0]);
	ksi_disestablish(&si[1]);
	log_fini(&lg);
	return KTEST_LEAVE(error);
}

int
rump_pub_ktest_softint_level_order(void)
{
	struct blocker b;
	struct log lg;
	struct ksi si[2];
	int error;

	KTEST_ENTER();
	log_init(&lg);
	memset(si, 0, sizeof(si));
	error = blocker_start(&b);
	KTEST_CHECK(error == 0, "could not block the softint thread");
	error = ksi_establish(&si[0], 0, SOFTINT_CLOCK, &lg);
	KTEST_CHECK(error == 0, "softint_establish failed");
	error = ksi_establish(&si[1], 1, SOFTINT_NET, &lg);
	KTEST_CHECK(error == 0, "softint_establish failed");
	softint_schedule(si[0].si_cookie);	/* low first */
	softint_schedule(si[1].si_cookie);
	blocker_release(&b);
	error = log_wait(&lg, 2, WAIT_MS);
	KTEST_CHECK(error == 0, "%u handler runs", log_count(&lg));
	KTEST_CHECK(lg.lg_id[0] == 1 && lg.lg_id[1] == 0, "ran %d then %d, "
	    "want the SOFTINT_NET one (1) first", lg.lg_id[0], lg.lg_id[1]);
out:
	blocker_fini(&b);
	ksi_disestablish(&si[0]);
	ksi_disestablish(&si[1]);
	log_fini(&lg);
	return KTEST_LEAVE(error);
}

int
rump_pub_ktest_softint_disestablish_pending(void)
{
	struct blocker b;
	struct log lg;
	struct ksi si[2];
	int error;

	KTEST_ENTER();
	log_init(&lg);
	memset(si, 0, sizeof(si));
	error = blocker_start(&b);
	KTEST_CHECK(error == 0, "could not block the softint thread");
	error = ksi_establish(&si[0], 0, SOFTINT_NET, &lg);
	KTEST_CHECK(error == 0, "softint_establish failed");
	error = ksi_establish(&si[1], 1, SOFTINT_CLOCK, &lg);
	KTEST_CHECK(error == 0, "softint_establish failed");
	softint_schedule(si[0].si_cookie);
	softint_schedule(si[1].si_cookie);
	ksi_disestablish(&si[0]);
	blocker_release(&b);
	error = log_wait(&lg, 1, WAIT_MS);
	KTEST_CHECK(error == 0, "the sentinel never ran");
	KTEST_CHECK(lg.lg_n == 1 && lg.lg_id[0] == 1, "%u runs, the first "
	    "by softint %d: the disestablished one ran", lg.lg_n,
	    lg.lg_id[0]);
out:
	blocker_fini(&b);
	ksi_disestablish(&si[0]);
	ksi_disestablish(&si[1]);
	log_fini(&lg);
	return KTEST_LEAVE(error);
}
