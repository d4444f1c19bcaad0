/*
 * callout.h: timers.  Callout functions run on the callout kernel
 * thread, one at a time, in deadline order (ties in the order they were
 * scheduled).
 */
#ifndef _RUMP_SYS_CALLOUT_H_
#define _RUMP_SYS_CALLOUT_H_

#include <rump-sys/types.h>
#include <rump-sys/queue.h>

typedef struct callout {
	TAILQ_ENTRY(callout)	 c_entry;
	uint64_t		 c_deadline;	/* monotonic ns */
	uint64_t		 c_seq;		/* orders equal deadlines */
	void			(*c_func)(void *);
	void			*c_arg;
	unsigned int		 c_flags;
	unsigned int		 c_magic;
} callout_t;

#define CALLOUT_MPSAFE		0x0001

void	callout_init(callout_t *, unsigned int flags);
/* Panics if pending or running. */
void	callout_destroy(callout_t *);
void	callout_setfunc(callout_t *, void (*)(void *), void *);
/* (Re)arm to fire after ticks (at least one tick). */
void	callout_reset(callout_t *, int ticks, void (*)(void *), void *);
void	callout_schedule(callout_t *, int ticks);
/* Same with a nanosecond delay, for finer tests and drivers. */
void	callout_reset_ns(callout_t *, uint64_t ns, void (*)(void *), void *);
/* Disarm; returns whether it was pending.  Does not wait. */
bool	callout_stop(callout_t *);
/*
 * Disarm and wait for a running call to finish; re-arms made meanwhile
 * (by the function itself) are ignored, so the callout stays stopped.
 */
bool	callout_halt(callout_t *, void *interlock);
bool	callout_pending(callout_t *);
bool	callout_invoking(callout_t *);

/*
 * For tests: the callout thread's wake-ups by callout_reset so far, and
 * the deadline it sleeps until (UINT64_MAX: none; 0: awake).
 */
void	callout_getstats(uint64_t *nwakeups, uint64_t *sleepuntil);
int	callout_boot(void);
void	callout_shutdown(void);

#endif /* _RUMP_SYS_CALLOUT_H_ */
