/*
 * k_kthread.c: the kernel half of t_kthread.  What a kernel thread
 * sees of itself (curlwp, its process, its name) is only visible from
 * inside, so the threads record it and the creator compares.
 */
#include <rump-sys/systm.h>
#include <rump-sys/condvar.h>
#include <rump-sys/kthread.h>
#include <rump-sys/lwp.h>
#include <rump-sys/mutex.h>
#include <rump-sys/time.h>

#include "ktest_int.h"
#include "k_kthread.h"

#define MAXTHREADS	64
#define BOUND_NS	(30 * NSEC_PER_SEC)

/* What a thread saw of itself. */
struct seen {
	struct lwp	**se_lp;	/* where kthread_create put the lwp */
	struct lwp	*se_curlwp;
	struct lwp	*se_published;	/* *se_lp, read by the thread */
	struct proc	*se_proc;
	int		 se_flag;
	char		 se_name[MAXCOMLEN + 8];
	unsigned	 se_runs;
};

static void
record_self(void *arg)
{
	struct seen *se = arg;
	struct lwp *l = curlwp;

	se->se_curlwp = l;
	se->se_published = se->se_lp != NULL ? *se->se_lp : NULL;
	se->se_proc = l->l_proc;
	se->se_flag = l->l_flag;
	strlcpy(se->se_name, l->l_name, sizeof(se->se_name));
	ATOMIC_INC(&se->se_runs);
}

/* Wait (bounded) until kthread_count() is back to want. */
static int
wait_kthread_count(int want)
{
	uint64_t deadline = rump_monotime_ns() + BOUND_NS;

	while (kthread_count() != want) {
		if (rump_monotime_ns() > deadline)
			return ETIMEDOUT;
		(void)kpause("ktest", false, 1, NULL);
	}
	return 0;
}

int
rump_pub_ktest_kthread_create_join(void)
{
	static struct seen se, se2;
	static const char longname[] = "a-name-much-longer-than-maxcomlen";
	struct lwp *l = NULL, *l2 = NULL;
	int error = 0, base, during;

	KTEST_ENTER();
	base = kthread_count();
	memset(&se, 0, sizeof(se));
	se.se_lp = &l;
	error = kthread_create(PRI_NONE, KTHREAD_MUSTJOIN | KTHREAD_MPSAFE,
	    NULL, record_self, &se, &l, "ktest-%d", 42);
	KTEST_CHECK(error == 0, "kthread_create: %d", error);
	KTEST_CHECK(l != NULL, "no lwp returned");
	during = kthread_count();
	error = kthread_join(l);
	KTEST_CHECK(error == 0, "kthread_join: %d", error);
	KTEST_CHECK(during == base + 1, "kthread_count %d with one thread "
	    "made, %d before", during, base);
	KTEST_CHECK(kthread_count() == base, "kthread_count %d after the "
	    "join, %d before", kthread_count(), base);
	KTEST_CHECK(se.se_runs == 1, "the thread ran %u times", se.se_runs);
	KTEST_CHECK(se.se_curlwp == l, "curlwp %p, kthread_create gave %p",
	    se.se_curlwp, l);
	KTEST_CHECK(se.se_proc == &proc0, "the thread ran in pid %d, not in "
	    "proc0", se.se_proc != NULL ? se.se_proc->p_pid : -1);
	KTEST_CHECK(se.se_flag & LW_SYSTEM, "not marked a kernel thread "
	    "(flags %#x)", se.se_flag);
	KTEST_CHECK(strcmp(se.se_name, "ktest-42") == 0, "named \"%s\"",
	    se.se_name);

	memset(&se2, 0, sizeof(se2));
	error = kthread_create(PRI_NONE, KTHREAD_MUSTJOIN, NULL, record_self,
	    &se2, &l2, "%s", longname);
	KTEST_CHECK(error == 0, "kthread_create: %d", error);
	error = kthread_join(l2);
	KTEST_CHECK(error == 0, "kthread_join: %d", error);
	KTEST_CHECK(strlen(se2.se_name) == MAXCOMLEN - 1 &&
	    strncmp(se2.se_name, longname, MAXCOMLEN - 1) == 0,
	    "long name became \"%s\"", se2.se_name);
out:
	return KTEST_LEAVE(error);
}

int
rump_pub_ktest_kthread_curlwp(unsigned nthreads)
{
	static struct seen se[MAXTHREADS];
	static struct lwp *lwps[MAXTHREADS];
	unsigned n;
	int error = 0;

	KTEST_ENTER();
	KTEST_CHECK(nthreads <= MAXTHREADS, "%u threads", nthreads);
	memset(se, 0, sizeof(se));
	for (n = 0; n < nthreads; n++) {
		se[n].se_lp = &lwps[n];
		error = kthread_create(PRI_NONE, KTHREAD_MUSTJOIN, NULL,
		    record_self, &se[n], &lwps[n], "self%u", n);
		if (error != 0)
			break;
	}
	for (unsigned i = 0; i < n; i++)
		(void)kthread_join(lwps[i]);
	KTEST_CHECK(error == 0, "kthread_create: %d", error);
	for (unsigned i = 0; i < n; i++) {
		KTEST_CHECK(se[i].se_runs == 1, "thread %u ran %u times", i,
		    se[i].se_runs);
		KTEST_CHECK(se[i].se_curlwp == lwps[i], "thread %u: curlwp %p, "
		    "kthread_create gave %p", i, se[i].se_curlwp, lwps[i]);
		KTEST_CHECK(se[i].se_published == lwps[i], "thread %u: the lwp "
		    "was not published before the thread ran (%p, not %p)", i,
		    se[i].se_published, lwps[i]);
	}
out:
	return KTEST_LEAVE(error);
}

static void
count_run(void *arg)
{
	ATOMIC_INC((unsigned *)arg);
}

int
rump_pub_ktest_kthread_many(unsigned nthreads, unsigned rounds)
{
	static struct lwp *lwps[MAXTHREADS];
	static unsigned runs;
	unsigned n = 0;
	int error = 0, base;

	KTEST_ENTER();
	KTEST_CHECK(nthreads <= MAXTHREADS, "%u threads", nthreads);
	base = kthread_count();
	runs = 0;
	for (unsigned r = 0; r < rounds; r++) {
		for (n = 0; n < nthreads; n++) {
			error = kthread_create(PRI_NONE, KTHREAD_MUSTJOIN,
			    NULL, count_run, &runs, &lwps[n], "many%u.%u", r,
			    n);
			if (error != 0)
				break;
		}
		for (unsigned i = 0; i < n; i++) {
			int jerr = kthread_join(lwps[i]);
			if (error == 0 && jerr != 0)
				error = jerr;
		}
		KTEST_CHECK(error == 0, "round %u: thread %u: %d", r, n, error);
		KTEST_CHECK(kthread_count() == base, "round %u: kthread_count "
		    "%d after joining all, %d before", r, kthread_count(),
		    base);
	}
	KTEST_CHECK(runs == nthreads * rounds, "%u runs, expected %u", runs,
	    nthreads * rounds);
out:
	return KTEST_LEAVE(error);
}

/* Detached threads: one returns, one calls kthread_exit. */

struct det_state {
	kmutex_t	ds_mtx;
	kcondvar_t	ds_cv;
	int		ds_go;
	unsigned	ds_ran;
	unsigned	ds_after;	/* code after kthread_exit ran */
};

static void
det_wait_go(struct det_state *s)
{
	mutex_enter(&s->ds_mtx);
	while (!s->ds_go)
		cv_wait(&s->ds_cv, &s->ds_mtx);
	mutex_exit(&s->ds_mtx);
	ATOMIC_INC(&s->ds_ran);
}

static void
det_returns(void *arg)
{
	det_wait_go(arg);
}

static void
det_exits(void *arg)
{
	struct det_state *s = arg;

	det_wait_go(s);
	kthread_exit(0);
	ATOMIC_INC(&s->ds_after);
}

int
rump_pub_ktest_kthread_detached(void)
{
	static struct det_state s;
	struct lwp *l = NULL;
	int error = 0, base, during;

	KTEST_ENTER();
	memset(&s, 0, sizeof(s));
	mutex_init(&s.ds_mtx, MUTEX_DEFAULT, IPL_NONE);
	cv_init(&s.ds_cv, "ktdet");
	base = kthread_count();
	error = kthread_create(PRI_NONE, KTHREAD_MPSAFE, NULL, det_returns,
	    &s, NULL, "det-return");
	KTEST_CHECK(error == 0, "kthread_create: %d", error);
	error = kthread_create(PRI_NONE, KTHREAD_MPSAFE, NULL, det_exits,
	    &s, &l, "det-exit");
	KTEST_CHECK(error == 0, "kthread_create: %d", error);
	KTEST_CHECK(l != NULL, "no lwp returned for a detached thread");
	/* Both are parked until ds_go, so both count. */
	during = kthread_count();
	mutex_enter(&s.ds_mtx);
	s.ds_go = 1;
	cv_broadcast(&s.ds_cv);
	mutex_exit(&s.ds_mtx);
	KTEST_CHECK(during == base + 2, "kthread_count %d with two threads "
	    "made, %d before", during, base);
	error = wait_kthread_count(base);
	KTEST_CHECK(error == 0, "detached threads still counted: %d, "
	    "expected %d", kthread_count(), base);
	KTEST_CHECK(s.ds_ran == 2, "%u of 2 threads ran", s.ds_ran);
	KTEST_CHECK(s.ds_after == 0, "code after kthread_exit ran");
out:
	/* Let them go in any case, or the condvar has waiters. */
	mutex_enter(&s.ds_mtx);
	s.ds_go = 1;
	cv_broadcast(&s.ds_cv);
	mutex_exit(&s.ds_mtx);
	(void)wait_kthread_count(base);
	cv_destroy(&s.ds_cv);
	mutex_destroy(&s.ds_mtx);
	return KTEST_LEAVE(error);
}

/* kthread_exit from three calls down. */

struct nest_state {
	unsigned	ns_depth;	/* deepest level reached */
	unsigned	ns_after;	/* returned from a level: wrong */
};

static void __attribute__((__noinline__))
nest3(struct nest_state *s)
{
	s->ns_depth = 3;
	kthread_exit(0);
}

static void __attribute__((__noinline__))
nest2(struct nest_state *s)
{
	s->ns_depth = 2;
	nest3(s);
	s->ns_after++;
}

static void __attribute__((__noinline__))
nest1(struct nest_state *s)
{
	s->ns_depth = 1;
	nest2(s);
	s->ns_after++;
}

static void
nest_main(void *arg)
{
	struct nest_state *s = arg;

	nest1(s);
	s->ns_after++;
}

int
rump_pub_ktest_kthread_exit_nested(void)
{
	static struct nest_state s;
	struct lwp *l;
	int error = 0, base;

	KTEST_ENTER();
	memset(&s, 0, sizeof(s));
	base = kthread_count();
	error = kthread_create(PRI_NONE, KTHREAD_MUSTJOIN, NULL, nest_main,
	    &s, &l, "nested");
	KTEST_CHECK(error == 0, "kthread_create: %d", error);
	error = kthread_join(l);
	KTEST_CHECK(error == 0, "kthread_join: %d", error);
	KTEST_CHECK(s.ns_depth == 3, "reached level %u, not 3", s.ns_depth);
	KTEST_CHECK(s.ns_after == 0, "%u levels returned after kthread_exit",
	    s.ns_after);
	KTEST_CHECK(kthread_count() == base, "kthread_count %d, %d before",
	    kthread_count(), base);
out:
	return KTEST_LEAVE(error);
}

static void
do_nothing(void *arg)
{
}

int
rump_pub_ktest_kthread_unjoined(void)
{
	struct lwp *l;
	int error;

	KTEST_ENTER();
	error = kthread_create(PRI_NONE, KTHREAD_MUSTJOIN, NULL, do_nothing,
	    NULL, &l, "forgotten");
	return KTEST_LEAVE(error);
}
