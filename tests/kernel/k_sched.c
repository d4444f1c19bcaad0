/*
 * k_sched.c: the kernel half of t_sched.  The virtual CPU scheduler is
 * judged from inside: kernel threads count themselves in and out of a
 * section of kernel code with atomic operations (which this file may
 * use, unlike the UP locks) and note which CPU they hold there.
 */
#include <rump-sys/systm.h>
#include <rump-sys/condvar.h>
#include <rump-sys/kthread.h>
#include <rump-sys/lwp.h>
#include <rump-sys/mutex.h>
#include <rump-sys/time.h>

#include "ktest_int.h"
#include "k_sched.h"

#define MAXTHREADS	32
#define BOUND_NS	(30 * NSEC_PER_SEC)
/* How long one lwp in the section waits for company. */
#define COMPANY_NS	(50 * 1000 * 1000ULL)

/* More threads than CPUs, all sleeping now and then. */

struct many_state {
	unsigned	ms_n, ms_iters;
	uint64_t	ms_deadline;	/* give up waiting for the others */
	unsigned	ms_started;
	unsigned	ms_sawall;	/* saw every thread started */
	unsigned	ms_finished;
};

static void
many_worker(void *arg)
{
	struct ktest_worker *w = arg;
	struct many_state *s = w->w_state;

	ATOMIC_INC(&s->ms_started);
	for (unsigned i = 0; i < s->ms_iters; i++) {
		(void)kpause("ktest", false, 1, NULL);
		ktest_spin(20000);
	}
	/* Only possible if the others got CPUs while we slept. */
	while (ATOMIC_LOAD(&s->ms_started) < ATOMIC_LOAD(&s->ms_n) &&
	    rump_monotime_ns() < s->ms_deadline)
		(void)kpause("ktest", false, 1, NULL);
	if (ATOMIC_LOAD(&s->ms_started) == ATOMIC_LOAD(&s->ms_n))
		ATOMIC_INC(&s->ms_sawall);
	ATOMIC_INC(&s->ms_finished);
}

int
rump_pub_ktest_sched_many_kthreads(unsigned nthreads, unsigned iters)
{
	static struct many_state s;
	struct ktest_worker w[MAXTHREADS];
	unsigned n = 0;
	int error = 0;

	KTEST_ENTER();
	KTEST_CHECK(nthreads <= MAXTHREADS, "%u threads", nthreads);
	memset(&s, 0, sizeof(s));
	s.ms_n = nthreads;
	s.ms_iters = iters;
	s.ms_deadline = rump_monotime_ns() + BOUND_NS;
	error = ktest_spawn_all(w, nthreads, &n, many_worker, &s, "many");
	if (error != 0)		/* the started ones need not wait for more */
		__atomic_store_n(&s.ms_n, n, __ATOMIC_SEQ_CST);
	ktest_join_all(w, n);
	KTEST_CHECK(error == 0, "kthread_create: %d", error);
	KTEST_CHECK(s.ms_finished == nthreads, "%u of %u threads finished",
	    s.ms_finished, nthreads);
	KTEST_CHECK(s.ms_sawall == nthreads, "only %u of %u threads saw all "
	    "%u running at once", s.ms_sawall, nthreads, nthreads);
out:
	return KTEST_LEAVE(error);
}

/* At most ncpu lwps inside kernel code, each on its own CPU. */

struct conc_state {
	unsigned	cs_iters;
	unsigned	cs_inside;
	unsigned	cs_max;
	unsigned	cs_cpubusy[MAXCPUS];	/* lwps inside, per CPU */
	unsigned	cs_shared;	/* two in the section on one CPU */
	unsigned	cs_notours;	/* our CPU says another lwp holds it */
};

static void
conc_section(struct conc_state *s)
{
	struct lwp *l = curlwp;
	struct cpu_info *ci = curcpu();
	unsigned in, max;
	uint64_t until;

	if (ATOMIC_INC(&s->cs_cpubusy[ci->ci_index]) != 1)
		ATOMIC_INC(&s->cs_shared);
	if (ATOMIC_LOAD(&ci->ci_curlwp) != l)
		ATOMIC_INC(&s->cs_notours);
	in = ATOMIC_INC(&s->cs_inside);
	max = ATOMIC_LOAD(&s->cs_max);
	while (in > max && !__atomic_compare_exchange_n(&s->cs_max, &max, in,
	    0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
		continue;
	/* Stay a while, until the CPUs have all been seen busy at once. */
	until = rump_monotime_ns() + COMPANY_NS;
	while (ATOMIC_LOAD(&s->cs_max) < (unsigned)ncpu &&
	    rump_monotime_ns() < until)
		ktest_spin(1000);
	ktest_spin(2000);
	ATOMIC_DEC(&s->cs_inside);
	ATOMIC_DEC(&s->cs_cpubusy[ci->ci_index]);
}

static void
conc_worker(void *arg)
{
	struct ktest_worker *w = arg;
	struct conc_state *s = w->w_state;

	for (unsigned i = 0; i < s->cs_iters; i++) {
		conc_section(s);
		/* Off-CPU for a moment, so the waiting threads get a turn. */
		(void)kpause("ktest", false, 1, NULL);
	}
}

int
rump_pub_ktest_sched_concurrency(unsigned nthreads, unsigned iters,
    unsigned *maxp)
{
	static struct conc_state s;
	struct ktest_worker w[MAXTHREADS];
	unsigned n = 0;
	int error = 0;

	KTEST_ENTER();
	KTEST_CHECK(nthreads <= MAXTHREADS, "%u threads", nthreads);
	memset(&s, 0, sizeof(s));
	s.cs_iters = iters;
	error = ktest_spawn_all(w, nthreads, &n, conc_worker, &s, "conc");
	ktest_join_all(w, n);
	*maxp = s.cs_max;
	KTEST_CHECK(error == 0, "kthread_create: %d", error);
	KTEST_CHECK(s.cs_max <= (unsigned)ncpu, "%u lwps ran kernel code at "
	    "once on %d CPUs", s.cs_max, ncpu);
	KTEST_CHECK(s.cs_shared == 0, "%u times two lwps ran on one CPU",
	    s.cs_shared);
	KTEST_CHECK(s.cs_notours == 0, "%u times an lwp's CPU named another "
	    "holder", s.cs_notours);
	KTEST_CHECK(s.cs_max == (unsigned)ncpu, "at most %u lwps ran at "
	    "once: %d CPUs were never all busy", s.cs_max, ncpu);
out:
	return KTEST_LEAVE(error);
}

/* A kernel thread parked in cv_wait, across calls from the host. */

/* Woken before the deadline, running only after it. */

static struct {
	kmutex_t	 wd_mtx;
	kcondvar_t	 wd_ready;	/* the sleeper is about to sleep */
	kcondvar_t	 wd_wake;	/* what it sleeps on */
	int		 wd_sleeping, wd_done, wd_rv;
	uint64_t	 wd_timeout;	/* 0: 20 ms */
} wd;

static void
deadline_sleeper(void *arg)
{
	mutex_enter(&wd.wd_mtx);
	wd.wd_sleeping = 1;
	cv_broadcast(&wd.wd_ready);
	wd.wd_rv = cv_timedwait_ns(&wd.wd_wake, &wd.wd_mtx,
	    wd.wd_timeout != 0 ? wd.wd_timeout : 20 * 1000 * 1000ULL);
	wd.wd_done = 1;
	mutex_exit(&wd.wd_mtx);
}

int
rump_pub_ktest_sched_woken_past_deadline(void)
{
	struct lwp *l;
	uint64_t t0;
	int error;

	KTEST_ENTER();
	memset(&wd, 0, sizeof(wd));
	mutex_init(&wd.wd_mtx, MUTEX_DEFAULT, IPL_NONE);
	cv_init(&wd.wd_ready, "ktready");
	cv_init(&wd.wd_wake, "ktwake");
	error = kthread_create(PRI_NONE, KTHREAD_MUSTJOIN | KTHREAD_MPSAFE,
	    NULL, deadline_sleeper, NULL, &l, "deadline");
	if (error != 0)
		goto out;
	mutex_enter(&wd.wd_mtx);
	while (!wd.wd_sleeping && error == 0)
		error = cv_timedwait_ns(&wd.wd_ready, &wd.wd_mtx, BOUND_NS);
	/* We hold the mutex it gave up: it is inside cv_timedwait. */
	cv_signal(&wd.wd_wake);
	mutex_exit(&wd.wd_mtx);
	t0 = rump_monotime_ns();
	while (rump_monotime_ns() - t0 < 100 * 1000 * 1000ULL)
		ktest_spin(1000);	/* keep the CPU past its deadline */
	error = kthread_join(l);
	KTEST_CHECK(error == 0, "kthread_join: %d", error);
	KTEST_CHECK(wd.wd_sleeping && wd.wd_done, "the sleeper did not run "
	    "through (sleeping %d, done %d)", wd.wd_sleeping, wd.wd_done);
	KTEST_CHECK(wd.wd_rv == 0, "woken 20 ms before its deadline, "
	    "cv_timedwait returned %d", wd.wd_rv);
out:
	cv_destroy(&wd.wd_wake);
	cv_destroy(&wd.wd_ready);
	mutex_destroy(&wd.wd_mtx);
	return KTEST_LEAVE(error);
}

int
rump_pub_ktest_sched_timed_out_queued(int signal, int *timedoutp)
{
	struct lwp *l;
	uint64_t t0;
	int error;

	KTEST_ENTER();
	memset(&wd, 0, sizeof(wd));
	wd.wd_rv = -1;
	mutex_init(&wd.wd_mtx, MUTEX_DEFAULT, IPL_NONE);
	cv_init(&wd.wd_ready, "ktready");
	cv_init(&wd.wd_wake, "ktwake");
	wd.wd_timeout = 10 * 1000 * 1000ULL;
	error = kthread_create(PRI_NONE, KTHREAD_MUSTJOIN | KTHREAD_MPSAFE,
	    NULL, deadline_sleeper, NULL, &l, "deadline");
	if (error != 0)
		goto out;
	mutex_enter(&wd.wd_mtx);
	while (!wd.wd_sleeping && error == 0)
		error = cv_timedwait_ns(&wd.wd_ready, &wd.wd_mtx, BOUND_NS);
	mutex_exit(&wd.wd_mtx);
	/* Past its deadline without giving up the CPU. */
	t0 = rump_monotime_ns();
	while (rump_monotime_ns() - t0 < 60 * 1000 * 1000ULL)
		ktest_spin(1000);
	if (signal) {
		mutex_enter(&wd.wd_mtx);
		cv_signal(&wd.wd_wake);
		mutex_exit(&wd.wd_mtx);
	}
	error = kthread_join(l);
	KTEST_CHECK(error == 0, "kthread_join: %d", error);
	KTEST_CHECK(wd.wd_done, "the sleeper did not run through");
	KTEST_CHECK(!cv_has_waiters(&wd.wd_wake), "still a waiter on the "
	    "condition variable");
	KTEST_CHECK(wd.wd_rv == 0 || wd.wd_rv == ETIMEDOUT,
	    "cv_timedwait_ns returned %d", wd.wd_rv);
	*timedoutp = wd.wd_rv == ETIMEDOUT;
out:
	cv_destroy(&wd.wd_wake);
	cv_destroy(&wd.wd_ready);
	mutex_destroy(&wd.wd_mtx);
	return KTEST_LEAVE(error);
}

static struct {
	kmutex_t	 bs_mtx;
	kcondvar_t	 bs_cv;
	int		 bs_blocked, bs_release;
	struct lwp	*bs_lwp;
} bs;

static void
blocked_thread(void *arg)
{
	mutex_enter(&bs.bs_mtx);
	bs.bs_blocked = 1;
	cv_broadcast(&bs.bs_cv);
	while (!bs.bs_release)
		cv_wait(&bs.bs_cv, &bs.bs_mtx);
	bs.bs_blocked = 0;
	mutex_exit(&bs.bs_mtx);
}

int
rump_pub_ktest_sched_blocked_start(void)
{
	int error = 0;

	KTEST_ENTER();
	memset(&bs, 0, sizeof(bs));
	mutex_init(&bs.bs_mtx, MUTEX_DEFAULT, IPL_NONE);
	cv_init(&bs.bs_cv, "ktblock");
	error = kthread_create(PRI_NONE, KTHREAD_MUSTJOIN | KTHREAD_MPSAFE,
	    NULL, blocked_thread, NULL, &bs.bs_lwp, "blocked");
	if (error != 0) {
		cv_destroy(&bs.bs_cv);
		mutex_destroy(&bs.bs_mtx);
		return KTEST_LEAVE(error);
	}
	mutex_enter(&bs.bs_mtx);
	while (!bs.bs_blocked && error == 0)
		error = cv_timedwait_ns(&bs.bs_cv, &bs.bs_mtx, BOUND_NS);
	/* Holding the mutex: it is inside cv_wait now. */
	KTEST_CHECK(bs.bs_blocked, "the thread never got going: %d", error);
	error = 0;
	KTEST_CHECK(cv_has_waiters(&bs.bs_cv), "no waiter on the condvar");
out:
	mutex_exit(&bs.bs_mtx);
	return KTEST_LEAVE(error);
}

int
rump_pub_ktest_sched_blocked_stop(void)
{
	int error = 0;

	KTEST_ENTER();
	mutex_enter(&bs.bs_mtx);
	bs.bs_release = 1;
	cv_broadcast(&bs.bs_cv);
	mutex_exit(&bs.bs_mtx);
	error = kthread_join(bs.bs_lwp);
	KTEST_CHECK(error == 0, "kthread_join: %d", error);
	KTEST_CHECK(!bs.bs_blocked, "the thread did not run to its end");
out:
	cv_destroy(&bs.bs_cv);
	mutex_destroy(&bs.bs_mtx);
	return KTEST_LEAVE(error);
}
