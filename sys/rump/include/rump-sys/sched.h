/*
 * sched.h: handing virtual CPUs to host threads, and sleeping.
 *
 * rump_schedule() binds the calling host thread to an lwp (making one
 * if needed) and gives it a virtual CPU; rump_unschedule() gives the
 * CPU back.  Every public entry point brackets its kernel work with the
 * pair.  rump_lwp_sleep() blocks the current lwp off-CPU until
 * rump_lwp_wakeup() or a timeout.
 */
#ifndef _RUMP_SYS_SCHED_H_
#define _RUMP_SYS_SCHED_H_

#include <rump-sys/types.h>
#include <rump-sys/waitq.h>

struct lwp;

void	rump_schedule(void);
void	rump_unschedule(void);
void	rump_schedule_lwp(struct lwp *);
void	rump_unschedule_lwp(struct lwp *);
int	rump_sched_init(int ncpu);
void	rump_sched_fini(void);
/* Whether no host thread but the caller holds a virtual CPU. */
int	rump_sched_idle_except_me(void);
/* l is going away: forget a wake-up of it not signalled yet. */
void	rump_sched_lwp_gone(struct lwp *);

/*
 * Put curlwp on wq and sleep, releasing the CPU.  deadline_ns is an
 * absolute monotonic time, 0 for none.  Returns 0 when woken, ETIMEDOUT
 * otherwise.  The caller serialises wq (the CPU itself on UP).
 */
int	rump_waitq_sleep(struct rump_waitq *wq, uint64_t deadline_ns);
/* Wake the first / every lwp on wq; returns whether one was woken. */
int	rump_waitq_wakeup_one(struct rump_waitq *wq);
void	rump_waitq_wakeup_all(struct rump_waitq *wq);

#endif /* _RUMP_SYS_SCHED_H_ */
