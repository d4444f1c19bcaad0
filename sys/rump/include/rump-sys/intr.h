/*
 * intr.h: soft interrupts.  A handler runs on the softint kernel thread
 * of its level, at most once per softint_schedule() made before it ran.
 */
#ifndef _RUMP_SYS_INTR_H_
#define _RUMP_SYS_INTR_H_

#include <rump-sys/types.h>

#define SOFTINT_CLOCK	0
#define SOFTINT_BIO	1
#define SOFTINT_NET	2
#define SOFTINT_SERIAL	3
#define SOFTINT_COUNT	4
#define SOFTINT_LVLMASK	0x00ff
#define SOFTINT_MPSAFE	0x0100

/* NULL when out of memory. */
void	*softint_establish(unsigned int flags, void (*)(void *), void *);
/*
 * Waits for a running handler; drops a pending one, and schedules made
 * meanwhile (by the running handler itself).
 */
void	softint_disestablish(void *);
void	softint_schedule(void *);

int	softint_boot(void);
void	softint_shutdown(void);

#endif /* _RUMP_SYS_INTR_H_ */
