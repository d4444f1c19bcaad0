/*
 * sched.c: virtual CPUs.  A host thread runs kernel code only while it
 * holds one; RUMP_NCPU of them exist.  Taking a free CPU is one
 * compare-and-swap; only when all are busy does a thread sleep on the
 * scheduler's host lock.  Sleeping lwps (rump_waitq_sleep) give their
 * CPU up and park on a host condition variable of their own.
 *
 * A wake-up is signalled to the host thread when the waker gives up
 * its CPU, not at once (waitq_wake).  The waker holds a CPU, with one
 * virtual CPU the only one, so a sleeper woken at once mostly woke up
 * only to wait for that CPU: two host sleeps and wake-ups per kernel
 * wake-up, half of a bulk transfer's scheduling cost.  The CPU is not
 * reserved for the woken lwp, though: whoever asks first gets it, and
 * nobody waits for a CPU that is free while a woken thread is still
 * waking up (a strict hand-off halved block I/O, b_bio).
 */
#include <rump-sys/systm.h>
#include <rump-sys/lwp.h>
#include <rump-sys/sched.h>
#include <rump-sys/time.h>
#include <rump/rumpuser.h>

#include "rumpkern_int.h"

static struct cpu_info	 rump_cpus[MAXCPUS];
__thread struct lwp	*rump_curlwp_tls;	/* see lwp.h */
int			 ncpu;
static struct rumpuser_mtx *sched_mtx;	/* sleepers and CPU waiters */
static struct rumpuser_cv *sched_cv;	/* a CPU became free */
static unsigned int	 sched_nwaiters;
/* Woken lwps to signal at the next CPU release, and how many. */
static struct rump_waitq sched_wakeq;
static unsigned int	 sched_nwakeq;

int
rump_sched_init(int n)
{
	int error;

	KASSERT(n >= 1 && n <= MAXCPUS);
	memset(rump_cpus, 0, sizeof(rump_cpus));
	for (int i = 0; i < n; i++)
		rump_cpus[i].ci_index = (unsigned int)i;
	ncpu = n;
	sched_nwaiters = 0;
	TAILQ_INIT(&sched_wakeq);
	sched_nwakeq = 0;
	if ((error = rumpuser_mutex_init(RUMPUSER_MTX_SPIN, &sched_mtx)) != 0)
		return error;
	if ((error = rumpuser_cv_init(&sched_cv)) != 0) {
		rumpuser_mutex_destroy(sched_mtx);
		return error;
	}
	return 0;
}

void
rump_sched_fini(void)
{
	for (int i = 0; i < ncpu; i++)
		KASSERTMSG(rump_cpus[i].ci_curlwp == NULL,
		    "cpu%d still held at shutdown", i);
	KASSERT(TAILQ_EMPTY(&sched_wakeq));
	rumpuser_cv_destroy(sched_cv);
	rumpuser_mutex_destroy(sched_mtx);
}

struct cpu_info *
rump_cpu(int i)
{
	return &rump_cpus[i];
}

static inline int
cpu_tryget(struct cpu_info *ci, struct lwp *l)
{
	struct lwp *expect = NULL;

	return __atomic_compare_exchange_n(&ci->ci_curlwp, &expect, l, 0,
	    __ATOMIC_SEQ_CST, __ATOMIC_RELAXED);
}

static struct cpu_info *
cpu_tryany(struct lwp *l)
{
	for (int i = 0; i < ncpu; i++) {
		if (cpu_tryget(&rump_cpus[i], l))
			return &rump_cpus[i];
	}
	return NULL;
}

/* Give l a virtual CPU, waiting for one if all are held. */
void
rump_schedule_lwp(struct lwp *l)
{
	struct cpu_info *ci = l->l_lastcpu;

	KASSERTMSG(l->l_cpu == NULL, "lwp %d already holds cpu%u", l->l_lid,
	    l->l_cpu->ci_index);
	if (ci == NULL || !cpu_tryget(ci, l)) {
		if ((ci = cpu_tryany(l)) == NULL) {
			rumpuser_mutex_enter_nowrap(sched_mtx);
			__atomic_add_fetch(&sched_nwaiters, 1,
			    __ATOMIC_SEQ_CST);
			while ((ci = cpu_tryany(l)) == NULL)
				rumpuser_cv_wait_nowrap(sched_cv, sched_mtx);
			__atomic_sub_fetch(&sched_nwaiters, 1,
			    __ATOMIC_SEQ_CST);
			rumpuser_mutex_exit(sched_mtx);
		}
	}
	l->l_cpu = ci;
	l->l_lastcpu = ci;
	ci->ci_nswitch++;
	__atomic_store_n(&ci->ci_kthread, (l->l_flag & LW_SYSTEM) != 0,
	    __ATOMIC_RELAXED);
	rump_curlwp_tls = l;
}

/* Take l off the pending wake-ups; sched_mtx held. */
static void
wakeq_remove(struct lwp *l)
{
	if (!l->l_wakepend)
		return;
	TAILQ_REMOVE(&sched_wakeq, l, l_wakechain);
	l->l_wakepend = 0;
	__atomic_sub_fetch(&sched_nwakeq, 1, __ATOMIC_SEQ_CST);
}

void
rump_sched_lwp_gone(struct lwp *l)
{
	rumpuser_mutex_enter_nowrap(sched_mtx);
	wakeq_remove(l);
	rumpuser_mutex_exit(sched_mtx);
}

/* Signal the woken lwps' host threads; sched_mtx held. */
static void
wakeq_send(void)
{
	struct lwp *l;

	while ((l = TAILQ_FIRST(&sched_wakeq)) != NULL) {
		wakeq_remove(l);
		rumpuser_cv_signal(l->l_sleepcv);
	}
}

/* Release l's CPU; with sched_mtx held when locked is set. */
static void
cpu_release(struct lwp *l, int locked)
{
	struct cpu_info *ci = l->l_cpu;

	rump_curlwp_tls = NULL;
	l->l_cpu = NULL;
	__atomic_store_n(&ci->ci_curlwp, NULL, __ATOMIC_SEQ_CST);
	if (__atomic_load_n(&sched_nwaiters, __ATOMIC_SEQ_CST) != 0 ||
	    __atomic_load_n(&sched_nwakeq, __ATOMIC_SEQ_CST) != 0) {
		if (!locked)
			rumpuser_mutex_enter_nowrap(sched_mtx);
		wakeq_send();
		if (sched_nwaiters != 0)
			rumpuser_cv_signal(sched_cv);
		if (!locked)
			rumpuser_mutex_exit(sched_mtx);
	}
}

void
rump_unschedule_lwp(struct lwp *l)
{
	KASSERTMSG(l->l_cpu != NULL, "lwp %d holds no cpu", l->l_lid);
	cpu_release(l, 0);
}

/*
 * Enter the kernel from a host thread: bind it to an lwp (the test
 * process gets a new one on a thread's first entry) and take a CPU.
 */
void
rump_schedule(void)
{
	struct lwp *l = rumpuser_curlwp();

	if (__predict_false(l == NULL))
		l = lwp_create_implicit();
	rump_schedule_lwp(l);
}

void
rump_unschedule(void)
{
	rump_unschedule_lwp(rumpuser_curlwp());
}

/*
 * Whether no host thread but the caller holds a CPU.  Kernel threads
 * may (they are the kernel's own and shutdown stops them), so the
 * holder's kind is read from the CPU, never through the lwp, which a
 * detached kernel thread may be freeing.
 */
int
rump_sched_idle_except_me(void)
{
	struct lwp *me = rumpuser_curlwp();

	for (int i = 0; i < ncpu; i++) {
		struct cpu_info *ci = &rump_cpus[i];
		struct lwp *l = __atomic_load_n(&ci->ci_curlwp,
		    __ATOMIC_SEQ_CST);

		if (l != NULL && l != me &&
		    !__atomic_load_n(&ci->ci_kthread, __ATOMIC_RELAXED))
			return 0;
	}
	return 1;
}

int
rump_waitq_sleep(struct rump_waitq *wq, uint64_t deadline_ns)
{
	struct lwp *l = curlwp;
	int error = 0;

	if (l->l_sleepcv == NULL &&
	    (error = rumpuser_cv_init(&l->l_sleepcv)) != 0)
		panic("%s: no host condvar for lwp %d: %d", __func__,
		    l->l_lid, error);
	rumpuser_mutex_enter_nowrap(sched_mtx);
	wakeq_remove(l);	/* a wake-up of an earlier sleep, unsent */
	l->l_wakeup = 0;
	l->l_waitq = wq;
	TAILQ_INSERT_TAIL(wq, l, l_sleepchain);
	cpu_release(l, 1);
	while (!l->l_wakeup) {
		if (deadline_ns == 0) {
			rumpuser_cv_wait_nowrap(l->l_sleepcv, sched_mtx);
			continue;
		}
		uint64_t now = rump_monotime_ns();
		if (now >= deadline_ns)
			break;
		uint64_t left = deadline_ns - now;
		(void)rumpuser_cv_timedwait_nowrap(l->l_sleepcv, sched_mtx,
		    (int64_t)(left / NSEC_PER_SEC), (long)(left % NSEC_PER_SEC));
	}
	wakeq_remove(l);	/* woken spuriously or out of time first */
	rumpuser_mutex_exit(sched_mtx);
	rump_schedule_lwp(l);
	/*
	 * A waker takes us off the queue while holding a CPU, so with our
	 * CPU back the answer is settled: still queued means timed out.
	 */
	if (l->l_waitq != NULL) {
		TAILQ_REMOVE(wq, l, l_sleepchain);
		l->l_waitq = NULL;
		error = ETIMEDOUT;
	}
	return error;
}

/*
 * Wake l: its host thread is signalled when we give up our CPU (see
 * the top of the file), or now if a CPU is free already.  A free CPU
 * is looked for after queueing, and a releaser frees its CPU before it
 * looks at the queue, so one of the two sees the other.
 */
static void
waitq_wake(struct rump_waitq *wq, struct lwp *l)
{
	TAILQ_REMOVE(wq, l, l_sleepchain);
	l->l_waitq = NULL;
	rumpuser_mutex_enter_nowrap(sched_mtx);
	l->l_wakeup = 1;
	if (!l->l_wakepend) {
		l->l_wakepend = 1;
		TAILQ_INSERT_TAIL(&sched_wakeq, l, l_wakechain);
		__atomic_add_fetch(&sched_nwakeq, 1, __ATOMIC_SEQ_CST);
	}
	for (int i = 0; i < ncpu; i++)
		if (__atomic_load_n(&rump_cpus[i].ci_curlwp,
		    __ATOMIC_SEQ_CST) == NULL) {
			wakeq_send();
			break;
		}
	rumpuser_mutex_exit(sched_mtx);
}

int
rump_waitq_wakeup_one(struct rump_waitq *wq)
{
	struct lwp *l = TAILQ_FIRST(wq);

	if (l == NULL)
		return 0;
	waitq_wake(wq, l);
	return 1;
}

void
rump_waitq_wakeup_all(struct rump_waitq *wq)
{
	struct lwp *l;

	while ((l = TAILQ_FIRST(wq)) != NULL)
		waitq_wake(wq, l);
}
