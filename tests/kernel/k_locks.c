/*
 * k_locks.c: the kernel half of t_locks.  Lock behaviour can only be
 * seen from inside the kernel, with several kernel threads contending:
 * each scenario here builds shared state so that a broken lock shows
 * up as a wrong number (a lost update, a reader seeing a writer, a
 * wakeup too many) rather than as a hang; every wait is bounded.
 */
#include <rump-sys/systm.h>
#include <rump-sys/condvar.h>
#include <rump-sys/kthread.h>
#include <rump-sys/lwp.h>
#include <rump-sys/mutex.h>
#include <rump-sys/rwlock.h>
#include <rump-sys/time.h>

#include "ktest_int.h"
#include "k_locks.h"

/* From locks_int.h: set at boot, 1 when the UP locks were chosen. */
extern int rump_locks_up;

#define MAXTHREADS	16
/* How long anything may take before we call it broken (valgrind!). */
#define BOUND_NS	(30 * NSEC_PER_SEC)

/* Widen a critical section: sleep one tick off-CPU now and then. */
static void
pause_or_spin(unsigned i, unsigned idx, unsigned every)
{
	if ((i + idx) % every == 0)
		(void)kpause("ktest", false, 1, NULL);
	else
		ktest_spin(300);
}

int
rump_pub_ktest_locks_up(void)
{
	return rump_locks_up;
}

/* Mutual exclusion: counter updates as read, pause, write. */

struct mx_state {
	kmutex_t		 mx_mtx;
	volatile unsigned	 mx_counter;
	unsigned		 mx_iters;
	unsigned		 mx_notowned;	/* held but !mutex_owned */
	unsigned		 mx_stillowned;	/* exited but mutex_owned */
};

static void
mx_worker(void *arg)
{
	struct ktest_worker *w = arg;
	struct mx_state *s = w->w_state;
	unsigned v;

	for (unsigned i = 0; i < s->mx_iters; i++) {
		mutex_enter(&s->mx_mtx);
		if (!mutex_owned(&s->mx_mtx))
			ATOMIC_INC(&s->mx_notowned);
		v = s->mx_counter;
		pause_or_spin(i, w->w_idx, 16);
		s->mx_counter = v + 1;
		mutex_exit(&s->mx_mtx);
		if (mutex_owned(&s->mx_mtx))
			ATOMIC_INC(&s->mx_stillowned);
	}
}

int
rump_pub_ktest_mutex_exclusion(unsigned nthreads, unsigned iters)
{
	static struct mx_state s;
	struct ktest_worker w[MAXTHREADS];
	unsigned n = 0;
	int error = 0;

	KTEST_ENTER();
	KTEST_CHECK(nthreads <= MAXTHREADS, "%u threads", nthreads);
	memset(&s, 0, sizeof(s));
	mutex_init(&s.mx_mtx, MUTEX_DEFAULT, IPL_NONE);
	s.mx_iters = iters;
	for (n = 0; n < nthreads; n++) {
		if ((error = ktest_spawn(&w[n], n, mx_worker, &s, "mx")) != 0)
			break;
	}
	ktest_join_all(w, n);
	KTEST_CHECK(error == 0, "kthread_create: %d", error);
	KTEST_CHECK(s.mx_counter == nthreads * iters,
	    "counter %u, expected %u: the mutex let updates be lost",
	    s.mx_counter, nthreads * iters);
	KTEST_CHECK(s.mx_notowned == 0, "mutex_owned false %u times while "
	    "held", s.mx_notowned);
	KTEST_CHECK(s.mx_stillowned == 0, "mutex_owned true %u times after "
	    "mutex_exit", s.mx_stillowned);
	KTEST_CHECK(!mutex_owned(&s.mx_mtx), "owned by the idle caller");
out:
	mutex_destroy(&s.mx_mtx);
	return KTEST_LEAVE(error);
}

/*
 * A thread that takes a lock and holds it, off-CPU, until told to let
 * go: the "somebody else holds it" half of the tryenter tests.
 */
enum { HOLD_MUTEX, HOLD_READ, HOLD_WRITE };

struct holder {
	kmutex_t	 h_gate;
	kcondvar_t	 h_cv;
	int		 h_kind;
	kmutex_t	*h_mtx;
	krwlock_t	*h_rw;
	int		 h_held, h_release;
	struct lwp	*h_lwp;
};

static void
holder_thread(void *arg)
{
	struct holder *h = arg;

	if (h->h_kind == HOLD_MUTEX)
		mutex_enter(h->h_mtx);
	else
		rw_enter(h->h_rw, h->h_kind == HOLD_READ ? RW_READER :
		    RW_WRITER);
	mutex_enter(&h->h_gate);
	h->h_held = 1;
	cv_broadcast(&h->h_cv);
	while (!h->h_release)
		cv_wait(&h->h_cv, &h->h_gate);
	mutex_exit(&h->h_gate);
	if (h->h_kind == HOLD_MUTEX)
		mutex_exit(h->h_mtx);
	else
		rw_exit(h->h_rw);
}

/* Start a holder and wait until it holds the lock: 0 or an errno. */
static int
holder_start(struct holder *h, int kind, kmutex_t *mtx, krwlock_t *rw)
{
	int error = 0;

	memset(h, 0, sizeof(*h));
	mutex_init(&h->h_gate, MUTEX_DEFAULT, IPL_NONE);
	cv_init(&h->h_cv, "holder");
	h->h_kind = kind;
	h->h_mtx = mtx;
	h->h_rw = rw;
	error = kthread_create(PRI_NONE, KTHREAD_MUSTJOIN | KTHREAD_MPSAFE,
	    NULL, holder_thread, h, &h->h_lwp, "holder");
	if (error != 0) {
		cv_destroy(&h->h_cv);
		mutex_destroy(&h->h_gate);
		return error;
	}
	mutex_enter(&h->h_gate);
	while (!h->h_held && error == 0)
		error = cv_timedwait_ns(&h->h_cv, &h->h_gate, BOUND_NS);
	mutex_exit(&h->h_gate);
	return h->h_held ? 0 : error;
}

static void
holder_stop(struct holder *h)
{
	mutex_enter(&h->h_gate);
	h->h_release = 1;
	cv_broadcast(&h->h_cv);
	mutex_exit(&h->h_gate);
	(void)kthread_join(h->h_lwp);
	cv_destroy(&h->h_cv);
	mutex_destroy(&h->h_gate);
}

int
rump_pub_ktest_mutex_tryenter(void)
{
	static struct holder h;
	kmutex_t mtx;
	int error = 0, got, started = 0;

	KTEST_ENTER();
	mutex_init(&mtx, MUTEX_DEFAULT, IPL_NONE);

	got = mutex_tryenter(&mtx);
	if (got) {
		KTEST_CHECK(mutex_owned(&mtx), "tryenter won but not owned");
		mutex_exit(&mtx);
	}
	KTEST_CHECK(got == 1, "mutex_tryenter of a free mutex failed");

	error = holder_start(&h, HOLD_MUTEX, &mtx, NULL);
	KTEST_CHECK(error == 0, "holder did not take the mutex: %d", error);
	started = 1;
	got = mutex_tryenter(&mtx);
	if (got)
		mutex_exit(&mtx);
	KTEST_CHECK(got == 0, "mutex_tryenter of a mutex another lwp holds "
	    "succeeded");
	KTEST_CHECK(!mutex_owned(&mtx), "owned by us while another holds it");
	holder_stop(&h);
	started = 0;

	got = mutex_tryenter(&mtx);
	if (got)
		mutex_exit(&mtx);
	KTEST_CHECK(got == 1, "mutex_tryenter after the holder let go failed");
out:
	if (started)
		holder_stop(&h);
	mutex_destroy(&mtx);
	return KTEST_LEAVE(error);
}

/* Readers share: every reader waits, holding it, for all the others. */

struct rws_state {
	krwlock_t	rs_rw;
	unsigned	rs_n;
	uint64_t	rs_deadline;	/* for all readers: no 30 s each */
	unsigned	rs_entered;
	unsigned	rs_sawall;
	unsigned	rs_badheld;
};

static void
rws_reader(void *arg)
{
	struct ktest_worker *w = arg;
	struct rws_state *s = w->w_state;

	rw_enter(&s->rs_rw, RW_READER);
	if (!rw_lock_held(&s->rs_rw) || rw_write_held(&s->rs_rw))
		ATOMIC_INC(&s->rs_badheld);
	ATOMIC_INC(&s->rs_entered);
	if (ktest_wait_count(&s->rs_entered, &s->rs_n, s->rs_deadline) == 0)
		ATOMIC_INC(&s->rs_sawall);
	rw_exit(&s->rs_rw);
}

int
rump_pub_ktest_rw_readers_share(unsigned nreaders)
{
	static struct rws_state s;
	struct ktest_worker w[MAXTHREADS];
	unsigned n;
	int error = 0;

	KTEST_ENTER();
	KTEST_CHECK(nreaders <= MAXTHREADS, "%u threads", nreaders);
	memset(&s, 0, sizeof(s));
	rw_init(&s.rs_rw);
	s.rs_n = nreaders;
	s.rs_deadline = rump_monotime_ns() + BOUND_NS;
	for (n = 0; n < nreaders; n++) {
		if ((error = ktest_spawn(&w[n], n, rws_reader, &s, "rd")) != 0) {
			/* The readers that did start need not wait for more. */
			__atomic_store_n(&s.rs_n, n, __ATOMIC_SEQ_CST);
			break;
		}
	}
	ktest_join_all(w, n);
	KTEST_CHECK(error == 0, "kthread_create: %d", error);
	KTEST_CHECK(s.rs_sawall == nreaders, "only %u of %u readers saw all "
	    "%u inside at once (%u got in)", s.rs_sawall, nreaders, nreaders,
	    s.rs_entered);
	KTEST_CHECK(s.rs_badheld == 0, "rw_lock_held/rw_write_held wrong %u "
	    "times in readers", s.rs_badheld);
	KTEST_CHECK(!rw_lock_held(&s.rs_rw), "held after all readers left");
out:
	rw_destroy(&s.rs_rw);
	return KTEST_LEAVE(error);
}

/* Writers exclusive: a counter only writers change, read twice. */

struct rwx_state {
	krwlock_t		 rx_rw;
	volatile unsigned	 rx_counter;
	unsigned		 rx_iters;
	unsigned		 rx_readers_in, rx_writers_in;
	unsigned		 rx_wviol;	/* writer saw someone inside */
	unsigned		 rx_rviol;	/* reader saw a writer */
	unsigned		 rx_badheld;
};

static void
rwx_writer(void *arg)
{
	struct ktest_worker *w = arg;
	struct rwx_state *s = w->w_state;
	unsigned v;

	for (unsigned i = 0; i < s->rx_iters; i++) {
		rw_enter(&s->rx_rw, RW_WRITER);
		if (!rw_write_held(&s->rx_rw))
			ATOMIC_INC(&s->rx_badheld);
		if (ATOMIC_INC(&s->rx_writers_in) != 1 ||
		    ATOMIC_LOAD(&s->rx_readers_in) != 0)
			ATOMIC_INC(&s->rx_wviol);
		v = s->rx_counter;
		pause_or_spin(i, w->w_idx, 8);
		s->rx_counter = v + 1;
		ATOMIC_DEC(&s->rx_writers_in);
		rw_exit(&s->rx_rw);
		if (rw_write_held(&s->rx_rw))
			ATOMIC_INC(&s->rx_badheld);
	}
}

static void
rwx_reader(void *arg)
{
	struct ktest_worker *w = arg;
	struct rwx_state *s = w->w_state;
	unsigned v1, v2;

	for (unsigned i = 0; i < s->rx_iters; i++) {
		rw_enter(&s->rx_rw, RW_READER);
		ATOMIC_INC(&s->rx_readers_in);
		if (ATOMIC_LOAD(&s->rx_writers_in) != 0)
			ATOMIC_INC(&s->rx_rviol);
		v1 = s->rx_counter;
		pause_or_spin(i, w->w_idx, 8);
		v2 = s->rx_counter;
		if (v1 != v2 || ATOMIC_LOAD(&s->rx_writers_in) != 0)
			ATOMIC_INC(&s->rx_rviol);
		ATOMIC_DEC(&s->rx_readers_in);
		rw_exit(&s->rx_rw);
	}
}

int
rump_pub_ktest_rw_writers_exclusive(unsigned nwriters, unsigned nreaders,
    unsigned iters)
{
	static struct rwx_state s;
	struct ktest_worker w[MAXTHREADS];
	unsigned n = 0;
	int error = 0;

	KTEST_ENTER();
	KTEST_CHECK(nwriters + nreaders <= MAXTHREADS, "%u threads",
	    nwriters + nreaders);
	memset(&s, 0, sizeof(s));
	rw_init(&s.rx_rw);
	s.rx_iters = iters;
	/* Interleave the two kinds so both are queued from the start. */
	for (unsigned i = 0; error == 0 && i < nwriters + nreaders; i++) {
		int writer = (i % 2 == 0 && i / 2 < nwriters) ||
		    i / 2 >= nreaders;
		error = ktest_spawn(&w[n], n, writer ? rwx_writer : rwx_reader,
		    &s, writer ? "wr" : "rd");
		if (error == 0)
			n++;
	}
	ktest_join_all(w, n);
	KTEST_CHECK(error == 0, "kthread_create: %d", error);
	KTEST_CHECK(s.rx_wviol == 0, "%u times a writer was not alone",
	    s.rx_wviol);
	KTEST_CHECK(s.rx_rviol == 0, "%u times a reader saw a writer",
	    s.rx_rviol);
	KTEST_CHECK(s.rx_counter == nwriters * iters, "counter %u, expected "
	    "%u: writers lost updates", s.rx_counter, nwriters * iters);
	KTEST_CHECK(s.rx_badheld == 0, "rw_write_held wrong %u times",
	    s.rx_badheld);
out:
	rw_destroy(&s.rx_rw);
	return KTEST_LEAVE(error);
}

/* Try to take rw as op; give it straight back.  Whether it worked. */
static int
rw_try_and_release(krwlock_t *rw, krw_t op)
{
	if (!rw_tryenter(rw, op))
		return 0;
	rw_exit(rw);
	return 1;
}

int
rump_pub_ktest_rw_tryenter(void)
{
	static struct holder h;
	krwlock_t rw;
	int error = 0, got, started = 0;

	KTEST_ENTER();
	rw_init(&rw);

	got = rw_tryenter(&rw, RW_READER);
	if (got) {
		KTEST_CHECK(rw_lock_held(&rw) && !rw_write_held(&rw),
		    "read-held lock looks wrong");
		rw_exit(&rw);
	}
	KTEST_CHECK(got == 1, "reader rw_tryenter of a free lock failed");
	got = rw_tryenter(&rw, RW_WRITER);
	if (got) {
		KTEST_CHECK(rw_write_held(&rw), "write-held lock not held");
		rw_exit(&rw);
	}
	KTEST_CHECK(got == 1, "writer rw_tryenter of a free lock failed");

	error = holder_start(&h, HOLD_WRITE, NULL, &rw);
	KTEST_CHECK(error == 0, "holder did not take it to write: %d", error);
	started = 1;
	KTEST_CHECK(rw_lock_held(&rw) && !rw_write_held(&rw),
	    "another lwp's write hold looks like ours or like none");
	KTEST_CHECK(!rw_try_and_release(&rw, RW_READER),
	    "reader got in past a writer");
	KTEST_CHECK(!rw_try_and_release(&rw, RW_WRITER),
	    "writer got in past a writer");
	holder_stop(&h);
	started = 0;

	error = holder_start(&h, HOLD_READ, NULL, &rw);
	KTEST_CHECK(error == 0, "holder did not take it to read: %d", error);
	started = 1;
	KTEST_CHECK(rw_try_and_release(&rw, RW_READER),
	    "second reader refused");
	KTEST_CHECK(!rw_try_and_release(&rw, RW_WRITER),
	    "writer got in past a reader");
	holder_stop(&h);
	started = 0;

	KTEST_CHECK(rw_try_and_release(&rw, RW_WRITER),
	    "writer refused after the holders left");
out:
	if (started)
		holder_stop(&h);
	rw_destroy(&rw);
	return KTEST_LEAVE(error);
}

/* Condition variables: each waiter waits once and counts its wakeup. */

struct cvw_state {
	kmutex_t	cw_mtx;
	kcondvar_t	cw_cv;
	unsigned	cw_waiting;
	unsigned	cw_wakeups;
};

static void
cvw_waiter(void *arg)
{
	struct ktest_worker *w = arg;
	struct cvw_state *s = w->w_state;

	mutex_enter(&s->cw_mtx);
	s->cw_waiting++;
	cv_wait(&s->cw_cv, &s->cw_mtx);
	s->cw_wakeups++;
	mutex_exit(&s->cw_mtx);
}

/* Read a counter under the mutex. */
static unsigned
cvw_get(struct cvw_state *s, unsigned *p)
{
	unsigned v;

	mutex_enter(&s->cw_mtx);
	v = *p;
	mutex_exit(&s->cw_mtx);
	return v;
}

/* Wait (bounded) until *p reaches want under the mutex. */
static int
cvw_wait_count(struct cvw_state *s, unsigned *p, unsigned want)
{
	uint64_t deadline = rump_monotime_ns() + BOUND_NS;

	while (cvw_get(s, p) < want) {
		if (rump_monotime_ns() > deadline)
			return ETIMEDOUT;
		(void)kpause("ktwait", false, 1, NULL);
	}
	return 0;
}

/* Start n waiters and wait until all of them sit in cv_wait. */
static int
cvw_start(struct cvw_state *s, struct ktest_worker *w, unsigned n, unsigned *np)
{
	int error = 0;

	memset(s, 0, sizeof(*s));
	mutex_init(&s->cw_mtx, MUTEX_DEFAULT, IPL_NONE);
	cv_init(&s->cw_cv, "ktestcv");
	for (*np = 0; *np < n; (*np)++) {
		if ((error = ktest_spawn(&w[*np], *np, cvw_waiter, s, "cvw")) != 0)
			return error;
	}
	/* Counted under the mutex, so all of them are inside cv_wait. */
	return cvw_wait_count(s, &s->cw_waiting, n);
}

/* Wake whoever is left, join everybody, tear down. */
static void
cvw_finish(struct cvw_state *s, struct ktest_worker *w, unsigned n)
{
	/* Waiters not yet inside cv_wait would miss a broadcast. */
	(void)cvw_wait_count(s, &s->cw_waiting, n);
	mutex_enter(&s->cw_mtx);
	cv_broadcast(&s->cw_cv);
	mutex_exit(&s->cw_mtx);
	ktest_join_all(w, n);
	cv_destroy(&s->cw_cv);
	mutex_destroy(&s->cw_mtx);
}

int
rump_pub_ktest_cv_signal_one(unsigned nwaiters)
{
	static struct cvw_state s;
	struct ktest_worker w[MAXTHREADS];
	unsigned n = 0, woken;
	int error = 0, busy;

	KTEST_ENTER();
	KTEST_CHECK(nwaiters <= MAXTHREADS, "%u threads", nwaiters);
	error = cvw_start(&s, w, nwaiters, &n);
	KTEST_CHECK(error == 0, "waiters did not all start waiting: %d "
	    "(%u of %u)", error, cvw_get(&s, &s.cw_waiting), nwaiters);
	mutex_enter(&s.cw_mtx);
	busy = cv_has_waiters(&s.cw_cv);
	mutex_exit(&s.cw_mtx);
	KTEST_CHECK(busy, "cv_has_waiters false with %u waiting", nwaiters);
	for (unsigned k = 1; k <= nwaiters; k++) {
		mutex_enter(&s.cw_mtx);
		cv_signal(&s.cw_cv);
		mutex_exit(&s.cw_mtx);
		error = cvw_wait_count(&s, &s.cw_wakeups, k);
		KTEST_CHECK(error == 0, "cv_signal %u woke nobody", k);
		/* Give a wrongly woken second waiter time to show up. */
		(void)kpause("ktwait", false, mstohz(200), NULL);
		woken = cvw_get(&s, &s.cw_wakeups);
		KTEST_CHECK(woken == k, "%u cv_signal calls woke %u waiters",
		    k, woken);
	}
	mutex_enter(&s.cw_mtx);
	busy = cv_has_waiters(&s.cw_cv);
	mutex_exit(&s.cw_mtx);
	KTEST_CHECK(!busy, "cv_has_waiters true after every waiter left");
out:
	cvw_finish(&s, w, n);
	return KTEST_LEAVE(error);
}

int
rump_pub_ktest_cv_broadcast_all(unsigned nwaiters)
{
	static struct cvw_state s;
	struct ktest_worker w[MAXTHREADS];
	unsigned n = 0, woken;
	int error = 0;

	KTEST_ENTER();
	KTEST_CHECK(nwaiters <= MAXTHREADS, "%u threads", nwaiters);
	error = cvw_start(&s, w, nwaiters, &n);
	KTEST_CHECK(error == 0, "waiters did not all start waiting: %d "
	    "(%u of %u)", error, cvw_get(&s, &s.cw_waiting), nwaiters);
	mutex_enter(&s.cw_mtx);
	cv_broadcast(&s.cw_cv);
	mutex_exit(&s.cw_mtx);
	error = cvw_wait_count(&s, &s.cw_wakeups, nwaiters);
	woken = cvw_get(&s, &s.cw_wakeups);
	KTEST_CHECK(error == 0 && woken == nwaiters, "cv_broadcast woke %u "
	    "of %u waiters", woken, nwaiters);
out:
	cvw_finish(&s, w, n);
	return KTEST_LEAVE(error);
}

int
rump_pub_ktest_cv_timedwait_expires(int ticks, uint64_t ns)
{
	kmutex_t mtx;
	kcondvar_t cv;
	uint64_t t0, el, want = (uint64_t)ticks * NSEC_PER_TICK;
	int error = 0, rv, owned;

	KTEST_ENTER();
	mutex_init(&mtx, MUTEX_DEFAULT, IPL_NONE);
	cv_init(&cv, "ktesttmo");

	mutex_enter(&mtx);
	t0 = rump_monotime_ns();
	rv = cv_timedwait(&cv, &mtx, ticks);
	el = rump_monotime_ns() - t0;
	owned = mutex_owned(&mtx);
	if (owned)
		mutex_exit(&mtx);
	KTEST_CHECK(owned, "mutex not held again after cv_timedwait");
	KTEST_CHECK(rv == EWOULDBLOCK, "cv_timedwait returned %d", rv);
	KTEST_CHECK(el >= want, "cv_timedwait for %d ticks returned after "
	    "%llu ns", ticks, (unsigned long long)el);
	KTEST_CHECK(el < want + BOUND_NS, "cv_timedwait for %d ticks took "
	    "%llu ns", ticks, (unsigned long long)el);

	mutex_enter(&mtx);
	t0 = rump_monotime_ns();
	rv = cv_timedwait_ns(&cv, &mtx, ns);
	el = rump_monotime_ns() - t0;
	mutex_exit(&mtx);
	KTEST_CHECK(rv == ETIMEDOUT, "cv_timedwait_ns returned %d", rv);
	KTEST_CHECK(el >= ns, "cv_timedwait_ns for %llu ns returned after "
	    "%llu ns", (unsigned long long)ns, (unsigned long long)el);
	KTEST_CHECK(el < ns + BOUND_NS, "cv_timedwait_ns for %llu ns took "
	    "%llu ns", (unsigned long long)ns, (unsigned long long)el);
out:
	cv_destroy(&cv);
	mutex_destroy(&mtx);
	return KTEST_LEAVE(error);
}

struct cvt_state {
	kmutex_t	ct_mtx;
	kcondvar_t	ct_cv;
	int		ct_flag;
};

static void
cvt_signaller(void *arg)
{
	struct cvt_state *s = arg;

	(void)kpause("ktest", false, mstohz(50), NULL);
	mutex_enter(&s->ct_mtx);
	s->ct_flag = 1;
	cv_signal(&s->ct_cv);
	mutex_exit(&s->ct_mtx);
}

int
rump_pub_ktest_cv_timedwait_woken(void)
{
	static struct cvt_state s;
	struct lwp *l;
	uint64_t t0, el, timeout = 30 * NSEC_PER_SEC;
	int error = 0, rv = 0;

	KTEST_ENTER();
	memset(&s, 0, sizeof(s));
	mutex_init(&s.ct_mtx, MUTEX_DEFAULT, IPL_NONE);
	cv_init(&s.ct_cv, "ktesttmo");
	error = kthread_create(PRI_NONE, KTHREAD_MUSTJOIN | KTHREAD_MPSAFE,
	    NULL, cvt_signaller, &s, &l, "signaller");
	KTEST_CHECK(error == 0, "kthread_create: %d", error);
	mutex_enter(&s.ct_mtx);
	t0 = rump_monotime_ns();
	while (!s.ct_flag && rv == 0)
		rv = cv_timedwait(&s.ct_cv, &s.ct_mtx,
		    (int)(timeout / NSEC_PER_TICK));
	el = rump_monotime_ns() - t0;
	mutex_exit(&s.ct_mtx);
	(void)kthread_join(l);
	KTEST_CHECK(rv == 0, "signalled cv_timedwait returned %d", rv);
	KTEST_CHECK(s.ct_flag, "cv_timedwait returned without the signal");
	KTEST_CHECK(el < timeout, "woken cv_timedwait took %llu ns",
	    (unsigned long long)el);
out:
	cv_destroy(&s.ct_cv);
	mutex_destroy(&s.ct_mtx);
	return KTEST_LEAVE(error);
}

int
rump_pub_ktest_lock_misuse(int what)
{
	static kmutex_t mtx;

	KTEST_ENTER();
	mutex_init(&mtx, MUTEX_DEFAULT, IPL_NONE);
	switch (what) {
	case KTEST_MISUSE_EXIT_UNHELD:
		mutex_exit(&mtx);
		break;
	case KTEST_MISUSE_ENTER_TWICE:
		mutex_enter(&mtx);
		mutex_enter(&mtx);
		mutex_exit(&mtx);
		break;
	case KTEST_MISUSE_DESTROY_HELD:
		mutex_enter(&mtx);
		mutex_destroy(&mtx);
		break;
	}
	printf("ktest: lock misuse %d did not panic\n", what);
	return KTEST_LEAVE(EIO);
}
