/*
 * locks_mp.c: multiprocessor locks.  Each kernel lock wraps a host
 * lock, whose atomic operations make it safe across virtual CPUs; the
 * wrapped hypercalls give the virtual CPU up while blocked.  The owner
 * field exists for mutex_owned() and the misuse checks.
 */
#include <rump-sys/systm.h>
#include <rump-sys/lwp.h>
#include <rump-sys/sched.h>
#include <rump-sys/time.h>
#include <rump/rumpuser.h>

#include "locks_int.h"

#define OWNER(x)	__atomic_load_n(&(x), __ATOMIC_RELAXED)
#define SET_OWNER(x, v)	__atomic_store_n(&(x), (v), __ATOMIC_RELAXED)

void
mutex_init_mp(kmutex_t *mtx, int spin)
{
	int error;

	memset(mtx, 0, sizeof(*mtx));
	mtx->mtx_spin = spin;
	error = rumpuser_mutex_init(spin ? RUMPUSER_MTX_SPIN : 0,
	    &mtx->mtx_host);
	if (error != 0)
		panic("mutex_init: no host mutex: error %d", error);
	mtx->mtx_magic = MTX_MAGIC;
}

void
mutex_destroy_mp(kmutex_t *mtx)
{
	rumpuser_mutex_destroy(mtx->mtx_host);
	mtx->mtx_host = NULL;
}

void
mutex_enter_mp(kmutex_t *mtx)
{
	struct lwp *l = curlwp;

	if (__predict_false(mtx->mtx_magic != MTX_MAGIC))
		lock_panic(__func__, mtx, "not an initialised mutex");
	if (__predict_false(OWNER(mtx->mtx_owner) == l))
		lock_panic(__func__, mtx, "locking against myself");
	if (rumpuser_mutex_tryenter(mtx->mtx_host) != 0) {
		/* Contended: count the waiter for debuggers. */
		__atomic_add_fetch(&mtx->mtx_nwait, 1, __ATOMIC_RELAXED);
		if (mtx->mtx_spin)
			rumpuser_mutex_enter_nowrap(mtx->mtx_host);
		else
			rumpuser_mutex_enter(mtx->mtx_host);
		__atomic_sub_fetch(&mtx->mtx_nwait, 1, __ATOMIC_RELAXED);
	}
	SET_OWNER(mtx->mtx_owner, l);
}

int
mutex_tryenter_mp(kmutex_t *mtx)
{
	if (rumpuser_mutex_tryenter(mtx->mtx_host) != 0)
		return 0;
	SET_OWNER(mtx->mtx_owner, curlwp);
	return 1;
}

void
mutex_exit_mp(kmutex_t *mtx)
{
	if (__predict_false(OWNER(mtx->mtx_owner) != curlwp))
		lock_panic(__func__, mtx, OWNER(mtx->mtx_owner) == NULL ?
		    "exiting a mutex nobody holds" :
		    "exiting a mutex held by another lwp");
	SET_OWNER(mtx->mtx_owner, NULL);
	rumpuser_mutex_exit(mtx->mtx_host);
}

void
rw_init_mp(krwlock_t *rw)
{
	int error;

	memset(rw, 0, sizeof(*rw));
	if ((error = rumpuser_rw_init(&rw->rw_host)) != 0)
		panic("rw_init: no host rwlock: error %d", error);
	rw->rw_magic = RW_MAGIC;
}

void
rw_destroy_mp(krwlock_t *rw)
{
	rumpuser_rw_destroy(rw->rw_host);
	rw->rw_host = NULL;
}

void
rw_enter_mp(krwlock_t *rw, krw_t op)
{
	struct lwp *l = curlwp;

	if (__predict_false(rw->rw_magic != RW_MAGIC))
		lock_panic(__func__, rw, "not an initialised rwlock");
	if (__predict_false(OWNER(rw->rw_owner) == l))
		lock_panic(__func__, rw, "locking against myself");
	int which = op == RW_WRITER ? RUMPUSER_RW_WRITER : RUMPUSER_RW_READER;

	if (rumpuser_rw_tryenter(which, rw->rw_host) != 0) {
		__atomic_add_fetch(&rw->rw_nwait, 1, __ATOMIC_RELAXED);
		rumpuser_rw_enter(which, rw->rw_host);
		__atomic_sub_fetch(&rw->rw_nwait, 1, __ATOMIC_RELAXED);
	}
	if (op == RW_WRITER)
		SET_OWNER(rw->rw_owner, l);
	else
		__atomic_add_fetch(&rw->rw_readers, 1, __ATOMIC_RELAXED);
}

int
rw_tryenter_mp(krwlock_t *rw, krw_t op)
{
	if (op == RW_WRITER) {
		if (rumpuser_rw_tryenter(RUMPUSER_RW_WRITER, rw->rw_host) != 0)
			return 0;
		SET_OWNER(rw->rw_owner, curlwp);
	} else {
		if (rumpuser_rw_tryenter(RUMPUSER_RW_READER, rw->rw_host) != 0)
			return 0;
		__atomic_add_fetch(&rw->rw_readers, 1, __ATOMIC_RELAXED);
	}
	return 1;
}

void
rw_exit_mp(krwlock_t *rw)
{
	if (OWNER(rw->rw_owner) == curlwp) {
		SET_OWNER(rw->rw_owner, NULL);
	} else {
		unsigned int prev = __atomic_fetch_sub(&rw->rw_readers, 1,
		    __ATOMIC_RELAXED);
		if (__predict_false(prev == 0)) {
			__atomic_add_fetch(&rw->rw_readers, 1,
			    __ATOMIC_RELAXED);
			lock_panic(__func__, rw, "exiting an rwlock not held");
		}
	}
	rumpuser_rw_exit(rw->rw_host);
}

void
cv_init_mp(kcondvar_t *cv)
{
	int error;

	memset(cv, 0, sizeof(*cv));
	if ((error = rumpuser_cv_init(&cv->cv_host)) != 0)
		panic("cv_init: no host condvar: error %d", error);
	cv->cv_magic = CV_MAGIC;
}

void
cv_destroy_mp(kcondvar_t *cv)
{
	rumpuser_cv_destroy(cv->cv_host);
	cv->cv_host = NULL;
}

/*
 * Wait with the mutex's host lock as interlock.  For a spin mutex the
 * host lock must not be held while we wait for a CPU (spinners hold
 * CPUs), so it is dropped before taking the CPU back.
 */
int
cv_wait_mp(kcondvar_t *cv, kmutex_t *mtx, uint64_t deadline)
{
	struct lwp *l = curlwp;
	int error = 0;
	uint64_t now, left = 0;

	if (deadline != 0) {
		now = rump_monotime_ns();
		if (now >= deadline)
			return ETIMEDOUT;
		left = deadline - now;
	}
	cv->cv_nwaiters++;
	SET_OWNER(mtx->mtx_owner, NULL);
	if (mtx->mtx_spin) {
		rump_unschedule_lwp(l);
		if (deadline != 0)
			error = rumpuser_cv_timedwait_nowrap(cv->cv_host,
			    mtx->mtx_host, (int64_t)(left / 1000000000ULL),
			    (long)(left % 1000000000ULL));
		else
			rumpuser_cv_wait_nowrap(cv->cv_host, mtx->mtx_host);
		rumpuser_mutex_exit(mtx->mtx_host);
		rump_schedule_lwp(l);
		rumpuser_mutex_enter_nowrap(mtx->mtx_host);
	} else if (deadline != 0) {
		error = rumpuser_cv_timedwait(cv->cv_host, mtx->mtx_host,
		    (int64_t)(left / 1000000000ULL),
		    (long)(left % 1000000000ULL));
	} else {
		rumpuser_cv_wait(cv->cv_host, mtx->mtx_host);
	}
	SET_OWNER(mtx->mtx_owner, l);
	cv->cv_nwaiters--;
	return error;
}

void
cv_signal_mp(kcondvar_t *cv)
{
	rumpuser_cv_signal(cv->cv_host);
}

void
cv_broadcast_mp(kcondvar_t *cv)
{
	rumpuser_cv_broadcast(cv->cv_host);
}

int
cv_has_waiters_mp(kcondvar_t *cv)
{
	return cv->cv_nwaiters != 0;
}
