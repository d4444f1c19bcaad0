/*
 * locks_up.c: virtual-uniprocessor locks, after NetBSD's locks_up.c.
 * With one virtual CPU only its holder runs kernel code, so a lock is
 * a plain owner field: no atomic operation anywhere in this file (a
 * test disassembles it to make sure).  Contention only happens when a
 * holder sleeps; then waiters queue on the lock and sleep off-CPU.
 *
 * Guard: boot panics on RUMP_LOCKS=up with more than one CPU, and every
 * operation checks again that there is only one.  The uncontended
 * mutex path stays a few instructions; the rest is out of line.
 */
#include <rump-sys/systm.h>
#include <rump-sys/lwp.h>
#include <rump-sys/sched.h>

#include "locks_int.h"

static inline struct lwp *
up_curlwp(const char *func, const void *lock)
{
	struct lwp *l = curlwp;	/* non-NULL only while holding a CPU */

	if (__predict_false(l == NULL))
		lock_panic(func, lock, "used outside the kernel (no virtual "
		    "CPU held)");
	if (__predict_false(ncpu != 1))
		lock_panic(func, lock, "uniprocessor locks used with more "
		    "than one virtual CPU");
	return l;
}

void
mutex_init_up(kmutex_t *mtx, int spin)
{
	memset(mtx, 0, sizeof(*mtx));
	TAILQ_INIT(&mtx->mtx_waiters);
	mtx->mtx_spin = spin;
	mtx->mtx_magic = MTX_MAGIC;
}

void
mutex_destroy_up(kmutex_t *mtx)
{
	if (!TAILQ_EMPTY(&mtx->mtx_waiters))
		lock_panic(__func__, mtx, "destroyed with waiters");
}

static void __attribute__((noinline))
mutex_enter_up_slow(kmutex_t *mtx, struct lwp *l);

void
mutex_enter_up(kmutex_t *mtx)
{
	struct lwp *l = up_curlwp(__func__, mtx);

	if (__predict_true(mtx->mtx_owner == NULL)) {
		mtx->mtx_owner = l;
		return;
	}
	mutex_enter_up_slow(mtx, l);
}

static void __attribute__((noinline))
mutex_enter_up_slow(kmutex_t *mtx, struct lwp *l)
{
	if (mtx->mtx_magic != MTX_MAGIC)
		lock_panic(__func__, mtx, "not an initialised mutex");
	if (mtx->mtx_owner == l)
		lock_panic(__func__, mtx, "locking against myself");
	if (mtx->mtx_spin)
		lock_panic(__func__, mtx, "spin mutex held by an lwp that "
		    "went to sleep");
	while (mtx->mtx_owner != NULL)
		(void)rump_waitq_sleep(&mtx->mtx_waiters, 0);
	mtx->mtx_owner = l;
}

int
mutex_tryenter_up(kmutex_t *mtx)
{
	struct lwp *l = up_curlwp(__func__, mtx);

	if (mtx->mtx_owner != NULL)
		return 0;
	mtx->mtx_owner = l;
	return 1;
}

void
mutex_exit_up(kmutex_t *mtx)
{
	struct lwp *l = up_curlwp(__func__, mtx);

	if (__predict_false(mtx->mtx_owner != l))
		lock_panic(__func__, mtx, mtx->mtx_owner == NULL ?
		    "exiting a mutex nobody holds" :
		    "exiting a mutex held by another lwp");
	mtx->mtx_owner = NULL;
	if (__predict_false(!TAILQ_EMPTY(&mtx->mtx_waiters)))
		(void)rump_waitq_wakeup_one(&mtx->mtx_waiters);
}

void
rw_init_up(krwlock_t *rw)
{
	memset(rw, 0, sizeof(*rw));
	TAILQ_INIT(&rw->rw_waiters);
	rw->rw_magic = RW_MAGIC;
}

void
rw_destroy_up(krwlock_t *rw)
{
	if (!TAILQ_EMPTY(&rw->rw_waiters))
		lock_panic(__func__, rw, "destroyed with waiters");
}

/* Readers wait while a writer holds the lock or one is queued. */
static int
rw_up_can_enter(const krwlock_t *rw, krw_t op)
{
	if (op == RW_WRITER)
		return rw->rw_owner == NULL && rw->rw_readers == 0;
	return rw->rw_owner == NULL && TAILQ_EMPTY(&rw->rw_waiters);
}

static void
rw_up_take(krwlock_t *rw, krw_t op, struct lwp *l)
{
	if (op == RW_WRITER)
		rw->rw_owner = l;
	else
		rw->rw_readers++;
}

void
rw_enter_up(krwlock_t *rw, krw_t op)
{
	struct lwp *l = up_curlwp(__func__, rw);

	if (__predict_false(rw->rw_magic != RW_MAGIC))
		lock_panic(__func__, rw, "not an initialised rwlock");
	if (__predict_false(rw->rw_owner == l))
		lock_panic(__func__, rw, "locking against myself");
	if (__predict_true(rw_up_can_enter(rw, op))) {
		rw_up_take(rw, op, l);
		return;
	}
	/*
	 * Queue in arrival order; a woken lwp re-checks, and an lwp at the
	 * head may enter even though others (behind it) are queued.
	 */
	for (;;) {
		(void)rump_waitq_sleep(&rw->rw_waiters, 0);
		if (op == RW_WRITER ? rw_up_can_enter(rw, op) :
		    rw->rw_owner == NULL)
			break;
		/* Not our turn after all: let the next one look too. */
	}
	rw_up_take(rw, op, l);
	/* Readers admit the readers queued behind them. */
	if (op == RW_READER && !TAILQ_EMPTY(&rw->rw_waiters))
		(void)rump_waitq_wakeup_one(&rw->rw_waiters);
}

int
rw_tryenter_up(krwlock_t *rw, krw_t op)
{
	struct lwp *l = up_curlwp(__func__, rw);

	if (!rw_up_can_enter(rw, op))
		return 0;
	rw_up_take(rw, op, l);
	return 1;
}

void
rw_exit_up(krwlock_t *rw)
{
	struct lwp *l = up_curlwp(__func__, rw);

	if (rw->rw_owner == l) {
		rw->rw_owner = NULL;
	} else if (rw->rw_readers > 0 && rw->rw_owner == NULL) {
		rw->rw_readers--;
	} else {
		lock_panic(__func__, rw, "exiting an rwlock not held");
	}
	if (rw->rw_owner == NULL && rw->rw_readers == 0)
		(void)rump_waitq_wakeup_one(&rw->rw_waiters);
}

void
cv_init_up(kcondvar_t *cv)
{
	memset(cv, 0, sizeof(*cv));
	TAILQ_INIT(&cv->cv_waiters);
	cv->cv_magic = CV_MAGIC;
}

void
cv_destroy_up(kcondvar_t *cv)
{
	(void)cv;
}

/*
 * Releasing the mutex before queueing is safe: nobody else runs until
 * rump_waitq_sleep gives the CPU up, and by then we are queued.
 */
int
cv_wait_up(kcondvar_t *cv, kmutex_t *mtx, uint64_t deadline)
{
	int error;

	mutex_exit_up(mtx);
	error = rump_waitq_sleep(&cv->cv_waiters, deadline);
	mutex_enter_up(mtx);
	return error;
}

void
cv_signal_up(kcondvar_t *cv)
{
	(void)rump_waitq_wakeup_one(&cv->cv_waiters);
}

void
cv_broadcast_up(kcondvar_t *cv)
{
	rump_waitq_wakeup_all(&cv->cv_waiters);
}

int
cv_has_waiters_up(kcondvar_t *cv)
{
	return !TAILQ_EMPTY(&cv->cv_waiters);
}
