/*
 * kthread.h: kernel threads.  Each runs on its own host thread in proc0
 * and holds a virtual CPU while it runs kernel code.
 */
#ifndef _RUMP_SYS_KTHREAD_H_
#define _RUMP_SYS_KTHREAD_H_

#include <rump-sys/types.h>

struct lwp;
struct cpu_info;

#define KTHREAD_MPSAFE		0x01
#define KTHREAD_MUSTJOIN	0x02

#define PRI_NONE		(-1)

/*
 * Start func(arg) on a new kernel thread named by fmt.  With
 * KTHREAD_MUSTJOIN the creator must kthread_join() it.  0, or EAGAIN
 * when the host has no thread to give, ENOMEM.
 */
int	kthread_create(int pri, int flags, struct cpu_info *ci,
	    void (*func)(void *), void *arg, struct lwp **lp,
	    const char *fmt, ...) __printflike(7, 8);
/* End the calling kernel thread (returning from func does the same). */
void	kthread_exit(int ecode) __noreturn;
/* Wait for a KTHREAD_MUSTJOIN thread and free it. */
int	kthread_join(struct lwp *);
/* Kernel threads alive now (for shutdown and tests). */
int	kthread_count(void);

#endif /* _RUMP_SYS_KTHREAD_H_ */
