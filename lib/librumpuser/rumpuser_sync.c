/*
 * rumpuser_sync.c: host mutexes, reader/writer locks and condition
 * variables for the kernel's locking primitives and its scheduler.
 *
 * The rule (ARCHITECTURE.md, invariant 5): a thread never blocks on the
 * host while holding a virtual CPU.  So every wrapped entry first tries
 * the lock without blocking and, only if that fails, releases the CPU,
 * blocks, and takes a CPU back.  The _nowrap forms and RUMPUSER_MTX_SPIN
 * mutexes never touch the CPU: the scheduler uses them for its own
 * locks, and spin mutexes are held only for short stretches on-CPU.
 *
 * Mutexes are error-checking: relocking a held mutex or releasing one
 * held by another thread is a kernel bug and panics with the call that
 * failed, instead of hanging or corrupting the lock.
 *
 * Wakeups are deferred to the unlock.  The kernel signals its host
 * condition variables holding the mutex the waiter sleeps with (the
 * scheduler's lock, when it hands a virtual CPU over or wakes a
 * sleeping lwp).  Signalled at once, the waiter often runs at once on
 * the signaller's host CPU, finds the mutex held, sleeps on it, and
 * the signaller runs again only to release it and wake the waiter a
 * second time: three context switches for one wakeup, a large part of
 * the cost of moving data between kernels (bench/README.md, b_net).
 * So a signal or broadcast made while the thread holds one of our
 * mutexes is noted (per thread) and sent right after the thread's
 * next mutex release, or before it waits on a condition variable or
 * blocks on a lock.  The waiter checks its condition under the mutex
 * anyway, so it cannot tell the difference.  A condition variable
 * counts the wakeups noted on it that are not sent yet, and its
 * destruction waits for them (and sends the caller's own first).
 */

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>

#include "rumpuser_int.h"

struct rumpuser_mtx {
	pthread_mutex_t	mtx_pm;
	int		mtx_flags;	/* RUMPUSER_MTX_* */
};

struct rumpuser_rw {
	pthread_rwlock_t rw_prw;
};

struct rumpuser_cv {
	pthread_cond_t	cv_pc;
	unsigned int	cv_pending;	/* wakeups noted, not sent yet */
};

/* This thread's held mutexes, and the wakeups waiting for a release. */
#define PENDING_MAX	8
static __thread unsigned int mtx_nheld;
static __thread unsigned int npending;
static __thread struct {
	struct rumpuser_cv *pw_cv;
	int		 pw_all;
} pending[PENDING_MAX];

/* Send this thread's deferred wakeups. */
static void
wakeups_send(void)
{
	struct rumpuser_cv *cv;
	unsigned int n = npending;

	npending = 0;
	for (unsigned int i = 0; i < n; i++) {
		cv = pending[i].pw_cv;
		if (pending[i].pw_all)
			RUMPUSER_NOFAIL(pthread_cond_broadcast(&cv->cv_pc));
		else
			RUMPUSER_NOFAIL(pthread_cond_signal(&cv->cv_pc));
		__atomic_sub_fetch(&cv->cv_pending, 1, __ATOMIC_RELEASE);
	}
}

/* Wake cv's waiters now, or at this thread's next mutex release. */
static void
wakeup(struct rumpuser_cv *cv, int all)
{
	unsigned int i;

	if (mtx_nheld == 0) {
		if (all)
			RUMPUSER_NOFAIL(pthread_cond_broadcast(&cv->cv_pc));
		else
			RUMPUSER_NOFAIL(pthread_cond_signal(&cv->cv_pc));
		return;
	}
	for (i = 0; i < npending; i++) {
		if (pending[i].pw_cv == cv) {
			if (pending[i].pw_all)
				return;		/* covered */
			if (all) {
				pending[i].pw_all = 1;
				return;
			}
			break;	/* a second signal: send the first now */
		}
	}
	if (i < npending || npending == PENDING_MAX)
		wakeups_send();
	__atomic_add_fetch(&cv->cv_pending, 1, __ATOMIC_RELAXED);
	pending[npending].pw_cv = cv;
	pending[npending].pw_all = all;
	npending++;
}

/*
 * Make a mutex; flags is 0 or RUMPUSER_MTX_SPIN.  Returns 0 with the
 * mutex in *mtxp, RUMP_EINVAL for unknown flags or RUMP_ENOMEM.
 */
int
rumpuser_mutex_init(int flags, struct rumpuser_mtx **mtxp)
{
	struct rumpuser_mtx *mtx;
	pthread_mutexattr_t attr;

	if ((flags & ~RUMPUSER_MTX_SPIN) != 0)
		return RUMP_EINVAL;
	if ((mtx = malloc(sizeof(*mtx))) == NULL)
		return RUMP_ENOMEM;
	RUMPUSER_NOFAIL(pthread_mutexattr_init(&attr));
	RUMPUSER_NOFAIL(pthread_mutexattr_settype(&attr,
	    PTHREAD_MUTEX_ERRORCHECK));
	RUMPUSER_NOFAIL(pthread_mutex_init(&mtx->mtx_pm, &attr));
	RUMPUSER_NOFAIL(pthread_mutexattr_destroy(&attr));
	mtx->mtx_flags = flags;
	*mtxp = mtx;
	return 0;
}

/*
 * Lock mtx.  If it is busy and not a spin mutex, the virtual CPU is
 * released while waiting.
 */
void
rumpuser_mutex_enter(struct rumpuser_mtx *mtx)
{
	int error;

	if ((mtx->mtx_flags & RUMPUSER_MTX_SPIN) != 0) {
		rumpuser_mutex_enter_nowrap(mtx);
		return;
	}
	error = pthread_mutex_trylock(&mtx->mtx_pm);
	if (error == 0) {
		mtx_nheld++;
		return;
	}
	if (error != EBUSY)
		rumpuser__fatal(__func__, "pthread_mutex_trylock", error);
	if (npending != 0)
		wakeups_send();
	RUMPUSER_BLOCKING(error = pthread_mutex_lock(&mtx->mtx_pm));
	if (error != 0)
		rumpuser__fatal(__func__, "pthread_mutex_lock", error);
	mtx_nheld++;
}

/* Lock mtx without releasing the virtual CPU, however long it takes. */
void
rumpuser_mutex_enter_nowrap(struct rumpuser_mtx *mtx)
{
	int error;

	error = pthread_mutex_trylock(&mtx->mtx_pm);
	if (error == EBUSY) {
		if (npending != 0)
			wakeups_send();
		error = pthread_mutex_lock(&mtx->mtx_pm);
	}
	if (error != 0)
		rumpuser__fatal(__func__, "pthread_mutex_lock", error);
	mtx_nheld++;
}

/* Lock mtx if it is free: 0, else RUMP_EBUSY.  Never blocks. */
int
rumpuser_mutex_tryenter(struct rumpuser_mtx *mtx)
{
	int error;

	error = pthread_mutex_trylock(&mtx->mtx_pm);
	if (error == EBUSY)
		return RUMP_EBUSY;
	if (error != 0)
		rumpuser__fatal(__func__, "pthread_mutex_trylock", error);
	mtx_nheld++;
	return 0;
}

/* Unlock mtx, which the calling thread must hold; send wakeups. */
void
rumpuser_mutex_exit(struct rumpuser_mtx *mtx)
{

	RUMPUSER_NOFAIL(pthread_mutex_unlock(&mtx->mtx_pm));
	mtx_nheld--;
	if (npending != 0)
		wakeups_send();
}

/* Destroy an unlocked mutex and free it. */
void
rumpuser_mutex_destroy(struct rumpuser_mtx *mtx)
{

	RUMPUSER_NOFAIL(pthread_mutex_destroy(&mtx->mtx_pm));
	free(mtx);
}

/* Make a reader/writer lock: 0 with it in *rwp, or RUMP_ENOMEM. */
int
rumpuser_rw_init(struct rumpuser_rw **rwp)
{
	struct rumpuser_rw *rw;

	if ((rw = malloc(sizeof(*rw))) == NULL)
		return RUMP_ENOMEM;
	RUMPUSER_NOFAIL(pthread_rwlock_init(&rw->rw_prw, NULL));
	*rwp = rw;
	return 0;
}

/* Non-blocking attempt; the host error (0, EBUSY, ...) is returned. */
static int
rw_try(int which, struct rumpuser_rw *rw)
{

	switch (which) {
	case RUMPUSER_RW_READER:
		return pthread_rwlock_tryrdlock(&rw->rw_prw);
	case RUMPUSER_RW_WRITER:
		return pthread_rwlock_trywrlock(&rw->rw_prw);
	default:
		rumpuser__fatal(__func__, "unknown lock type", EINVAL);
	}
}

/*
 * Take rw as a reader or a writer (RUMPUSER_RW_*), releasing the
 * virtual CPU if it has to wait.
 */
void
rumpuser_rw_enter(int which, struct rumpuser_rw *rw)
{
	int error;

	error = rw_try(which, rw);
	if (error == 0)
		return;
	if (error != EBUSY)
		rumpuser__fatal(__func__, "pthread_rwlock_try*lock", error);
	if (npending != 0)
		wakeups_send();
	if (which == RUMPUSER_RW_READER)
		RUMPUSER_BLOCKING(error = pthread_rwlock_rdlock(&rw->rw_prw));
	else
		RUMPUSER_BLOCKING(error = pthread_rwlock_wrlock(&rw->rw_prw));
	if (error != 0)
		rumpuser__fatal(__func__, "pthread_rwlock_*lock", error);
}

/* Take rw if possible without waiting: 0, else RUMP_EBUSY. */
int
rumpuser_rw_tryenter(int which, struct rumpuser_rw *rw)
{
	int error;

	error = rw_try(which, rw);
	if (error == EBUSY)
		return RUMP_EBUSY;
	if (error != 0)
		rumpuser__fatal(__func__, "pthread_rwlock_try*lock", error);
	return 0;
}

/* Release rw, held as a reader or a writer by the calling thread. */
void
rumpuser_rw_exit(struct rumpuser_rw *rw)
{

	RUMPUSER_NOFAIL(pthread_rwlock_unlock(&rw->rw_prw));
}

/* Destroy an unheld reader/writer lock and free it. */
void
rumpuser_rw_destroy(struct rumpuser_rw *rw)
{

	RUMPUSER_NOFAIL(pthread_rwlock_destroy(&rw->rw_prw));
	free(rw);
}

/*
 * Make a condition variable timed against CLOCK_MONOTONIC, so that
 * setting the wall clock does not stretch or cut kernel timeouts.
 * Returns 0 with it in *cvp, or RUMP_ENOMEM.
 */
int
rumpuser_cv_init(struct rumpuser_cv **cvp)
{
	struct rumpuser_cv *cv;
	pthread_condattr_t attr;

	if ((cv = malloc(sizeof(*cv))) == NULL)
		return RUMP_ENOMEM;
	RUMPUSER_NOFAIL(pthread_condattr_init(&attr));
	RUMPUSER_NOFAIL(pthread_condattr_setclock(&attr, CLOCK_MONOTONIC));
	RUMPUSER_NOFAIL(pthread_cond_init(&cv->cv_pc, &attr));
	RUMPUSER_NOFAIL(pthread_condattr_destroy(&attr));
	cv->cv_pending = 0;
	*cvp = cv;
	return 0;
}

/* Destroy a condition variable nobody waits on and free it. */
void
rumpuser_cv_destroy(struct rumpuser_cv *cv)
{

	/* Ours first; others' are a few instructions from being sent. */
	if (npending != 0)
		wakeups_send();
	while (__atomic_load_n(&cv->cv_pending, __ATOMIC_ACQUIRE) != 0)
		sched_yield();
	RUMPUSER_NOFAIL(pthread_cond_destroy(&cv->cv_pc));
	free(cv);
}

/*
 * Take a virtual CPU back after a wrapped wait, which returned holding
 * mtx.  For an ordinary mutex, waiting for the CPU while holding it is
 * safe: a CPU holder that wants mtx releases its CPU before blocking
 * (rumpuser_mutex_enter).  A spin mutex is different: its holders block
 * on it while keeping their CPU, so waiting for a CPU while holding it
 * could deadlock.  Drop it, get the CPU, then relock it (the same
 * order as everybody else: CPU first, spin mutex second).
 */
static void
cv_reschedule(struct rumpuser_mtx *mtx)
{

	if ((mtx->mtx_flags & RUMPUSER_MTX_SPIN) != 0) {
		RUMPUSER_NOFAIL(pthread_mutex_unlock(&mtx->mtx_pm));
		rumpuser__schedule();
		RUMPUSER_NOFAIL(pthread_mutex_lock(&mtx->mtx_pm));
	} else
		rumpuser__schedule();
}

/*
 * Wait on cv, atomically releasing mtx (held by the caller) and the
 * virtual CPU; returns with both held again.  Wakeups may be spurious.
 */
void
rumpuser_cv_wait(struct rumpuser_cv *cv, struct rumpuser_mtx *mtx)
{

	if (npending != 0)
		wakeups_send();
	rumpuser__unschedule();
	RUMPUSER_NOFAIL(pthread_cond_wait(&cv->cv_pc, &mtx->mtx_pm));
	cv_reschedule(mtx);
}

/* rumpuser_cv_wait without touching the virtual CPU. */
void
rumpuser_cv_wait_nowrap(struct rumpuser_cv *cv, struct rumpuser_mtx *mtx)
{

	if (npending != 0)
		wakeups_send();
	RUMPUSER_NOFAIL(pthread_cond_wait(&cv->cv_pc, &mtx->mtx_pm));
}

/* Waits longer than this (about 136 years) are as good as forever. */
#define WAIT_SEC_MAX	((int64_t)1 << 32)

/*
 * The CLOCK_MONOTONIC time sec.nsec from now.  A negative interval
 * counts as zero; nsec may be outside [0, 1e9) and is carried into sec.
 */
static struct timespec
deadline_after(int64_t sec, long nsec)
{
	struct timespec ts;

	if (sec > WAIT_SEC_MAX)
		sec = WAIT_SEC_MAX;
	sec += nsec / 1000000000L;
	nsec %= 1000000000L;
	if (nsec < 0) {
		sec--;
		nsec += 1000000000L;
	}
	if (sec < 0) {
		sec = 0;
		nsec = 0;
	}
	if (clock_gettime(CLOCK_MONOTONIC, &ts) == -1)
		rumpuser__fatal(__func__, "clock_gettime", errno);
	ts.tv_sec += (time_t)sec;
	ts.tv_nsec += nsec;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	return ts;
}

/* Host timed wait: 0 when woken, RUMP_ETIMEDOUT at the deadline. */
static int
cv_timedwait(struct rumpuser_cv *cv, struct rumpuser_mtx *mtx,
    const struct timespec *deadline)
{
	int error;

	if (npending != 0)
		wakeups_send();
	error = pthread_cond_timedwait(&cv->cv_pc, &mtx->mtx_pm, deadline);
	if (error == ETIMEDOUT)
		return RUMP_ETIMEDOUT;
	if (error != 0)
		rumpuser__fatal(__func__, "pthread_cond_timedwait", error);
	return 0;
}

/*
 * rumpuser_cv_wait for at most sec.nsec (relative; negative means do
 * not wait).  Returns 0 when woken (possibly spuriously) or
 * RUMP_ETIMEDOUT once the time has passed.
 */
int
rumpuser_cv_timedwait(struct rumpuser_cv *cv, struct rumpuser_mtx *mtx,
    int64_t sec, long nsec)
{
	struct timespec deadline;
	int error;

	deadline = deadline_after(sec, nsec);
	if (npending != 0)
		wakeups_send();
	rumpuser__unschedule();
	error = cv_timedwait(cv, mtx, &deadline);
	cv_reschedule(mtx);
	return error;
}

/* rumpuser_cv_timedwait without touching the virtual CPU. */
int
rumpuser_cv_timedwait_nowrap(struct rumpuser_cv *cv,
    struct rumpuser_mtx *mtx, int64_t sec, long nsec)
{
	struct timespec deadline;

	deadline = deadline_after(sec, nsec);
	return cv_timedwait(cv, mtx, &deadline);
}

/*
 * Wake one waiter of cv, if any.  The caller usually holds its mutex:
 * then the wakeup goes out when it releases it (above).
 */
void
rumpuser_cv_signal(struct rumpuser_cv *cv)
{

	wakeup(cv, 0);
}

/* Wake every waiter of cv. */
void
rumpuser_cv_broadcast(struct rumpuser_cv *cv)
{

	wakeup(cv, 1);
}
