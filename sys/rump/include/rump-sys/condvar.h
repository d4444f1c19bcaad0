/*
 * condvar.h: condition variables.  The mutex passed to a wait must be
 * held and is held again on return.
 */
#ifndef _RUMP_SYS_CONDVAR_H_
#define _RUMP_SYS_CONDVAR_H_

#include <rump-sys/types.h>
#include <rump-sys/waitq.h>
#include <rump-sys/mutex.h>

struct rumpuser_cv;

typedef struct kcondvar {
	const char		*cv_wmesg;
	struct rumpuser_cv	*cv_host;	/* MP */
	struct rump_waitq	 cv_waiters;	/* UP */
	unsigned int		 cv_nwaiters;	/* MP: for cv_has_waiters */
	unsigned int		 cv_magic;
} kcondvar_t;

void	cv_init(kcondvar_t *, const char *wmesg);
/* Panics if an lwp still waits on it. */
void	cv_destroy(kcondvar_t *);
void	cv_wait(kcondvar_t *, kmutex_t *);
/* Waits at most ticks (1/hz s; 0 = forever); 0 or EWOULDBLOCK. */
int	cv_timedwait(kcondvar_t *, kmutex_t *, int ticks);
/* Same with a relative timeout in nanoseconds; 0 or ETIMEDOUT. */
int	cv_timedwait_ns(kcondvar_t *, kmutex_t *, uint64_t ns);
void	cv_signal(kcondvar_t *);
void	cv_broadcast(kcondvar_t *);
int	cv_has_waiters(kcondvar_t *);

#endif /* _RUMP_SYS_CONDVAR_H_ */
