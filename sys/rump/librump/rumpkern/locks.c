/*
 * locks.c: the lock interface drivers call.  Boot picks one of two
 * implementations for the whole kernel: locks_up.c when there is one
 * virtual CPU (no atomic operations: holding the CPU is holding the
 * kernel), locks_mp.c otherwise.  The choice is a well-predicted branch
 * on a variable that never changes while the kernel runs.
 */
#include <rump-sys/systm.h>
#include <rump-sys/lwp.h>
#include <rump-sys/time.h>
#include <rump/rumpuser.h>

#include "locks_int.h"

int rump_locks_up;

/*
 * The registry of initialised mutexes and rwlocks: gdb's "rump locks"
 * walks it to show holders and waiters, and shutdown names the locks
 * never destroyed.  Only init and destroy touch it.
 */
static struct rumpuser_mtx *lockreg_mtx;
static LIST_HEAD(, kmutex) lockreg_mutexes;
static LIST_HEAD(, krwlock) lockreg_rwlocks;

int
rump_lockreg_init(void)
{
	LIST_INIT(&lockreg_mutexes);
	LIST_INIT(&lockreg_rwlocks);
	return rumpuser_mutex_init(RUMPUSER_MTX_SPIN, &lockreg_mtx);
}

/* Name the locks left initialised; returns how many. */
int
rump_lockreg_fini(void)
{
	kmutex_t *m;
	krwlock_t *rw;
	int n = 0;

	LIST_FOREACH(m, &lockreg_mutexes, mtx_list) {
		printf("rump shutdown: mutex %p initialised at %s:%d was never "
		    "destroyed\n", m, m->mtx_file, m->mtx_line);
		n++;
	}
	LIST_FOREACH(rw, &lockreg_rwlocks, rw_list) {
		printf("rump shutdown: rwlock %p initialised at %s:%d was "
		    "never destroyed\n", rw, rw->rw_file, rw->rw_line);
		n++;
	}
	rumpuser_mutex_destroy(lockreg_mtx);
	lockreg_mtx = NULL;
	return n;
}

void
lock_panic(const char *func, const void *lock, const char *why)
{
	struct lwp *l = curlwp;

	panic("%s: lock %p: %s (lwp %d \"%s\")", func, lock, why,
	    l != NULL ? l->l_lid : -1, l != NULL ? l->l_name : "none");
}

#define IMPL(fn, ...)							\
	(rump_locks_up ? fn##_up(__VA_ARGS__) : fn##_mp(__VA_ARGS__))

static inline void
lock_check_context(const char *func, const void *lock)
{
	if (__predict_false(curlwp == NULL))
		lock_panic(func, lock, "used outside the kernel "
		    "(no virtual CPU held)");
}

void
mutex_init_site(kmutex_t *mtx, kmutex_type_t type, int ipl,
    const char *file, int line)
{
	IMPL(mutex_init, mtx, mutex_type_spins(type, ipl));
	mtx->mtx_file = file;
	mtx->mtx_line = line;
	rumpuser_mutex_enter_nowrap(lockreg_mtx);
	LIST_INSERT_HEAD(&lockreg_mutexes, mtx, mtx_list);
	rumpuser_mutex_exit(lockreg_mtx);
}

void
mutex_destroy(kmutex_t *mtx)
{
	if (mtx->mtx_magic != MTX_MAGIC)
		lock_panic(__func__, mtx, "not an initialised mutex");
	if (mtx->mtx_owner != NULL)
		lock_panic(__func__, mtx, "destroyed while held");
	IMPL(mutex_destroy, mtx);
	mtx->mtx_magic = 0;
	rumpuser_mutex_enter_nowrap(lockreg_mtx);
	LIST_REMOVE(mtx, mtx_list);
	rumpuser_mutex_exit(lockreg_mtx);
}

void
mutex_enter(kmutex_t *mtx)
{
	if (rump_locks_up) {
		mutex_enter_up(mtx);
		return;
	}
	lock_check_context(__func__, mtx);
	mutex_enter_mp(mtx);
}

void
mutex_spin_enter(kmutex_t *mtx)
{
	mutex_enter(mtx);
}

int
mutex_tryenter(kmutex_t *mtx)
{
	lock_check_context(__func__, mtx);
	return IMPL(mutex_tryenter, mtx);
}

void
mutex_exit(kmutex_t *mtx)
{
	IMPL(mutex_exit, mtx);
}

void
mutex_spin_exit(kmutex_t *mtx)
{
	mutex_exit(mtx);
}

int
mutex_owned(const kmutex_t *mtx)
{
	return __atomic_load_n(&mtx->mtx_owner, __ATOMIC_RELAXED) == curlwp;
}

void
rw_init_site(krwlock_t *rw, const char *file, int line)
{
	IMPL(rw_init, rw);
	rw->rw_file = file;
	rw->rw_line = line;
	rumpuser_mutex_enter_nowrap(lockreg_mtx);
	LIST_INSERT_HEAD(&lockreg_rwlocks, rw, rw_list);
	rumpuser_mutex_exit(lockreg_mtx);
}

void
rw_destroy(krwlock_t *rw)
{
	if (rw->rw_magic != RW_MAGIC)
		lock_panic(__func__, rw, "not an initialised rwlock");
	if (rw->rw_owner != NULL || rw->rw_readers != 0)
		lock_panic(__func__, rw, "destroyed while held");
	IMPL(rw_destroy, rw);
	rw->rw_magic = 0;
	rumpuser_mutex_enter_nowrap(lockreg_mtx);
	LIST_REMOVE(rw, rw_list);
	rumpuser_mutex_exit(lockreg_mtx);
}

void
rw_enter(krwlock_t *rw, krw_t op)
{
	lock_check_context(__func__, rw);
	IMPL(rw_enter, rw, op);
}

int
rw_tryenter(krwlock_t *rw, krw_t op)
{
	lock_check_context(__func__, rw);
	return IMPL(rw_tryenter, rw, op);
}

void
rw_exit(krwlock_t *rw)
{
	IMPL(rw_exit, rw);
}

int
rw_write_held(const krwlock_t *rw)
{
	return __atomic_load_n(&rw->rw_owner, __ATOMIC_RELAXED) == curlwp;
}

/* As in NetBSD: held by anybody, as a reader or as a writer. */
int
rw_lock_held(const krwlock_t *rw)
{
	return __atomic_load_n(&rw->rw_owner, __ATOMIC_RELAXED) != NULL ||
	    __atomic_load_n(&rw->rw_readers, __ATOMIC_RELAXED) != 0;
}

void
cv_init(kcondvar_t *cv, const char *wmesg)
{
	IMPL(cv_init, cv);
	cv->cv_wmesg = wmesg;
}

void
cv_destroy(kcondvar_t *cv)
{
	if (cv->cv_magic != CV_MAGIC)
		lock_panic(__func__, cv, "not an initialised condvar");
	if (IMPL(cv_has_waiters, cv))
		lock_panic(__func__, cv, "destroyed with waiters");
	IMPL(cv_destroy, cv);
	cv->cv_magic = 0;
}

static int
cv_wait_common(const char *func, kcondvar_t *cv, kmutex_t *mtx,
    uint64_t deadline)
{
	lock_check_context(func, cv);
	if (cv->cv_magic != CV_MAGIC)
		lock_panic(func, cv, "not an initialised condvar");
	if (!mutex_owned(mtx))
		lock_panic(func, mtx, "waiting without holding the mutex");
	return IMPL(cv_wait, cv, mtx, deadline);
}

void
cv_wait(kcondvar_t *cv, kmutex_t *mtx)
{
	(void)cv_wait_common(__func__, cv, mtx, 0);
}

int
cv_timedwait_ns(kcondvar_t *cv, kmutex_t *mtx, uint64_t ns)
{
	uint64_t deadline;

	if (ns == 0) {
		(void)cv_wait_common(__func__, cv, mtx, 0);
		return 0;
	}
	deadline = rump_monotime_ns() + ns;
	return cv_wait_common(__func__, cv, mtx, deadline);
}

int
cv_timedwait(kcondvar_t *cv, kmutex_t *mtx, int ticks)
{
	int error;

	if (ticks <= 0) {
		cv_wait(cv, mtx);
		return 0;
	}
	error = cv_timedwait_ns(cv, mtx, (uint64_t)ticks * NSEC_PER_TICK);
	return error == ETIMEDOUT ? EWOULDBLOCK : error;
}

void
cv_signal(kcondvar_t *cv)
{
	IMPL(cv_signal, cv);
}

void
cv_broadcast(kcondvar_t *cv)
{
	IMPL(cv_broadcast, cv);
}

int
cv_has_waiters(kcondvar_t *cv)
{
	return IMPL(cv_has_waiters, cv);
}
