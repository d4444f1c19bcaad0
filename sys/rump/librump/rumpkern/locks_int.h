/*
 * locks_int.h: the two lock implementations behind mutex.h, rwlock.h
 * and condvar.h.  locks.c forwards each call to one of them, chosen
 * once at boot (rump_locks_up).
 */
#ifndef _RUMPKERN_LOCKS_INT_H_
#define _RUMPKERN_LOCKS_INT_H_

#include <rump-sys/mutex.h>
#include <rump-sys/rwlock.h>
#include <rump-sys/condvar.h>

extern int rump_locks_up;

#define MTX_MAGIC	0x6d757478u	/* "mutx" */
#define RW_MAGIC	0x72776c6bu	/* "rwlk" */
#define CV_MAGIC	0x63766172u	/* "cvar" */

/* Whether a mutex of this type and ipl spins. */
static inline int
mutex_type_spins(kmutex_type_t type, int ipl)
{
	return type == MUTEX_SPIN || (type == MUTEX_DEFAULT && ipl != 0);
}

#define LOCKS_DECLARE(impl)						\
void	mutex_init_##impl(kmutex_t *, int spin);			\
void	mutex_destroy_##impl(kmutex_t *);				\
void	mutex_enter_##impl(kmutex_t *);				\
int	mutex_tryenter_##impl(kmutex_t *);				\
void	mutex_exit_##impl(kmutex_t *);				\
void	rw_init_##impl(krwlock_t *);					\
void	rw_destroy_##impl(krwlock_t *);				\
void	rw_enter_##impl(krwlock_t *, krw_t);				\
int	rw_tryenter_##impl(krwlock_t *, krw_t);			\
void	rw_exit_##impl(krwlock_t *);					\
void	cv_init_##impl(kcondvar_t *);					\
void	cv_destroy_##impl(kcondvar_t *);				\
int	cv_wait_##impl(kcondvar_t *, kmutex_t *, uint64_t deadline);	\
void	cv_signal_##impl(kcondvar_t *);				\
void	cv_broadcast_##impl(kcondvar_t *);				\
int	cv_has_waiters_##impl(kcondvar_t *)

LOCKS_DECLARE(mp);
LOCKS_DECLARE(up);

/* The registry of initialised locks (locks.c), set up at boot. */
int	rump_lockreg_init(void);
int	rump_lockreg_fini(void);

/* Common sanity checks with messages a driver writer can act on. */
void	lock_panic(const char *func, const void *lock, const char *why)
	    __noreturn;

#endif /* _RUMPKERN_LOCKS_INT_H_ */
