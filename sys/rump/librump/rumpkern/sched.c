/*
 * sched.c: virtual CPUs.  A host thread runs kernel code only while it
 * holds one; RUMP_NCPU of them exist.  Taking a free CPU is one
 * compare-and-swap.  Sleeping lwps (rump_waitq_sleep) give their CPU
 * up and park on a host condition variable of their own.
 *
 * Who waits for a CPU waits in one queue, in order: a woken sleeper
 * (waitq_wake; its waker holds a CPU, and with one virtual CPU the
 * only one) and a thread entering the kernel while all CPUs are held.
 * A CPU being released is handed to the queue's first lwp, and only
 * then is that lwp's host thread woken, once: it does not wake to find
 * the CPU taken and sleep again, and nobody else is woken for it.
 * (With a shared condition variable instead, every release woke a
 * waiter that often lost the race; a woken sleeper woke only to wait.)
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
static struct rumpuser_mtx *sched_mtx;	/* sleepers and the queue */
/*
 * The lwps waiting for a CPU to be handed to them (l_handoff set), and
 * how many there are, read without the lock by CPU releasers.
 */
static struct rump_waitq sched_handoff;
static unsigned int	 sched_nhandoff;

int
rump_sched_init(int n)
{
	int error;

	KASSERT(n >= 1 && n <= MAXCPUS);
	memset(rump_cpus, 0, sizeof(rump_cpus));
	for (int i = 0; i < n; i++)
		rump_cpus[i].ci_index = (unsigned int)i;
	ncpu = n;
	TAILQ_INIT(&sched_handoff);
	sched_nhandoff = 0;
	if ((error = rumpuser_mutex_init(RUMPUSER_MTX_SPIN, &sched_mtx)) != 0)
		return error;
	return 0;
}

void
rump_sched_fini(void)
{
	for (int i = 0; i < ncpu; i++)
		KASSERTMSG(rump_cpus[i].ci_curlwp == NULL,
		    "cpu%d still held at shutdown", i);
	KASSERT(TAILQ_EMPTY(&sched_handoff));
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

/* The host condition variable l sleeps on, made on first use. */
static void
lwp_sleepcv(struct lwp *l)
{
	int error;

	if (l->l_sleepcv == NULL &&
	    (error = rumpuser_cv_init(&l->l_sleepcv)) != 0)
		panic("sched: no host condvar for lwp %d: %d", l->l_lid,
		    error);
}

/* l now holds ci (l->l_cpu set): the rest of taking it. */
static void
cpu_taken(struct lwp *l, struct cpu_info *ci)
{
	l->l_lastcpu = ci;
	ci->ci_nswitch++;
	__atomic_store_n(&ci->ci_kthread, (l->l_flag & LW_SYSTEM) != 0,
	    __ATOMIC_RELAXED);
	rump_curlwp_tls = l;
}

/*
 * Hand free CPUs to the lwps on the queue, in order; sched_mtx held.
 * The CPU is the lwp's (l_cpu set) before its host thread is woken.
 */
static void
handoff_run(void)
{
	struct cpu_info *ci;
	struct lwp *l;

	while ((l = TAILQ_FIRST(&sched_handoff)) != NULL) {
		if ((ci = cpu_tryany(l)) == NULL)
			return;
		TAILQ_REMOVE(&sched_handoff, l, l_runchain);
		l->l_handoff = 0;
		__atomic_sub_fetch(&sched_nhandoff, 1, __ATOMIC_SEQ_CST);
		l->l_cpu = ci;
		rumpuser_cv_signal(l->l_sleepcv);
	}
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
			/* All held: queue up (then look again, as waitq_wake). */
			lwp_sleepcv(l);
			rumpuser_mutex_enter_nowrap(sched_mtx);
			l->l_handoff = 1;
			TAILQ_INSERT_TAIL(&sched_handoff, l, l_runchain);
			__atomic_add_fetch(&sched_nhandoff, 1,
			    __ATOMIC_SEQ_CST);
			handoff_run();
			while (l->l_cpu == NULL)
				rumpuser_cv_wait_nowrap(l->l_sleepcv,
				    sched_mtx);
			rumpuser_mutex_exit(sched_mtx);
			ci = l->l_cpu;
		}
	}
	l->l_cpu = ci;
	cpu_taken(l, ci);
}

/* Release l's CPU; with sched_mtx held when locked is set. */
static void
cpu_release(struct lwp *l, int locked)
{
	struct cpu_info *ci = l->l_cpu;

	rump_curlwp_tls = NULL;
	l->l_cpu = NULL;
	/*
	 * Free the CPU, then look for lwps to hand it to: a waker queues
	 * an lwp and then looks for a free CPU (waitq_wake), so one of
	 * the two sees the other.
	 */
	__atomic_store_n(&ci->ci_curlwp, NULL, __ATOMIC_SEQ_CST);
	if (__atomic_load_n(&sched_nhandoff, __ATOMIC_SEQ_CST) != 0) {
		if (!locked)
			rumpuser_mutex_enter_nowrap(sched_mtx);
		handoff_run();
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

	lwp_sleepcv(l);
	rumpuser_mutex_enter_nowrap(sched_mtx);
	l->l_wakeup = 0;
	l->l_waitq = wq;
	TAILQ_INSERT_TAIL(wq, l, l_sleepchain);
	cpu_release(l, 1);
	/*
	 * Until handed a CPU (a wake-up queues us for one), or out of
	 * time before any wake-up: then take a CPU like any thread, still
	 * on wq (l_sleepchain and l_runchain are apart), so that a wake-up
	 * meanwhile is seen below.
	 */
	while (l->l_cpu == NULL) {
		if (deadline_ns == 0 || l->l_wakeup) {
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
	rumpuser_mutex_exit(sched_mtx);
	if (l->l_cpu != NULL)
		cpu_taken(l, l->l_cpu);
	else
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
 * Wake l.  The waker holds a CPU, and with one virtual CPU (or all
 * held) the woken lwp could only wake up to wait for one, a second
 * host sleep and wake-up per kernel wake-up.  So it is queued for a
 * hand-off instead and its host thread woken when a CPU is released to
 * it (cpu_release), usually when the waker sleeps or leaves the kernel.
 */
static void
waitq_wake(struct rump_waitq *wq, struct lwp *l)
{
	TAILQ_REMOVE(wq, l, l_sleepchain);
	l->l_waitq = NULL;
	rumpuser_mutex_enter_nowrap(sched_mtx);
	l->l_wakeup = 1;
	/* Already queued: its time ran out and it waits for a CPU. */
	if (!l->l_handoff) {
		l->l_handoff = 1;
		TAILQ_INSERT_TAIL(&sched_handoff, l, l_runchain);
		__atomic_add_fetch(&sched_nhandoff, 1, __ATOMIC_SEQ_CST);
		handoff_run();	/* a CPU may be free already */
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
