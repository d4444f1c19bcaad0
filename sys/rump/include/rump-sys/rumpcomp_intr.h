/*
 * rumpcomp_intr.h: the host half of interrupt emulation (rumpdev's
 * intr_user.c).  Included from both worlds: only freestanding types.
 *
 * Fake hardware (a component's *_user.c, on its own host thread, with
 * no virtual CPU) raises an interrupt with rumpcomp_intr_trigger(); the
 * kernel side (rumpdev intr.c) runs the driver's handler on a kernel
 * thread.  The state shared by both sides lives here, on the host,
 * under a host lock that outlives every kernel, so a trigger racing
 * with intr_disestablish (or with a whole shutdown) finds the interrupt
 * gone instead of freed memory.
 */
#ifndef _RUMP_SYS_RUMPCOMP_INTR_H_
#define _RUMP_SYS_RUMPCOMP_INTR_H_

#include <stdint.h>

/*
 * For the fake hardware.  hostcookie: what the driver got from
 * intr_hostcookie().  0 when the interrupt is now pending; RUMP_ENOENT
 * (rumpdefs.h value, 2) when it is disestablished or never was.
 */
int	rumpcomp_intr_trigger(void *hostcookie);

/*
 * For rumpdev's kernel side only.  create: 0 or RUMP_ENOMEM; *hp is the
 * host state, *cookiep the cookie triggers name (never reused).  wait:
 * blocks the calling host thread (its virtual CPU released by the
 * caller) until a trigger is pending, then clears it and returns 0; 1
 * once the interrupt is killed.  kill: later triggers are ignored and
 * the waiter returns 1.  destroy: free, after the waiter is gone.
 */
int	rumpcomp_intr_create(void **hp, void **cookiep);
int	rumpcomp_intr_wait(void *h);
void	rumpcomp_intr_kill(void *h);
void	rumpcomp_intr_destroy(void *h);

#endif /* _RUMP_SYS_RUMPCOMP_INTR_H_ */
