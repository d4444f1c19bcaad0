/*
 * kthread.c: kernel threads on host threads.  A kernel thread holds a
 * virtual CPU whenever it runs kernel code, like any other lwp.
 */
#include <rump-sys/systm.h>
#include <rump-sys/kmem.h>
#include <rump-sys/kthread.h>
#include <rump-sys/lwp.h>
#include <rump-sys/sched.h>
#include <rump/rumpuser.h>

#include "rumpkern_int.h"

static void *
kthread_trampoline(void *arg)
{
	struct lwp *l = arg;

	rumpuser_curlwpop(RUMPUSER_LWP_SET, l);
	rump_schedule_lwp(l);
	l->l_func(l->l_arg);
	kthread_exit(0);
}

int
kthread_create(int pri, int flags, struct cpu_info *ci,
    void (*func)(void *), void *arg, struct lwp **lp, const char *fmt, ...)
{
	char name[MAXCOMLEN];
	struct lwp *l;
	va_list ap;
	int error, joinable = (flags & KTHREAD_MUSTJOIN) != 0;

	(void)pri;
	(void)ci;
	KASSERTMSG(!joinable || lp != NULL,
	    "KTHREAD_MUSTJOIN without a place to return the lwp");
	va_start(ap, fmt);
	vsnprintf(name, sizeof(name), fmt, ap);
	va_end(ap);

	l = lwp_alloc(&proc0, LW_SYSTEM | (joinable ? LW_MUSTJOIN : 0), name);
	if (l == NULL)
		return ENOMEM;
	l->l_func = func;
	l->l_arg = arg;
	/* Publish before the thread can run and exit. */
	if (lp != NULL)
		*lp = l;
	error = rumpuser_thread_create(kthread_trampoline, l, name, joinable,
	    &l->l_hostcookie);
	if (error != 0) {
		if (lp != NULL)
			*lp = NULL;
		lwp_free(l);
		return error;
	}
	return 0;
}

void
kthread_exit(int ecode)
{
	struct lwp *l = curlwp;

	(void)ecode;
	KASSERTMSG(l->l_flag & LW_SYSTEM, "kthread_exit from lwp %d, which "
	    "is not a kernel thread", l->l_lid);
	rump_unschedule_lwp(l);
	rumpuser_curlwpop(RUMPUSER_LWP_CLEAR, NULL);
	if (l->l_flag & LW_MUSTJOIN)
		__atomic_or_fetch(&l->l_flag, LW_EXITED, __ATOMIC_RELEASE);
	else
		lwp_free(l);
	rumpuser_thread_exit();
}

int
kthread_join(struct lwp *l)
{
	int error;

	KASSERTMSG(l->l_flag & LW_MUSTJOIN, "kthread_join of lwp %d, which "
	    "was not created with KTHREAD_MUSTJOIN", l->l_lid);
	KASSERTMSG(l != curlwp, "kthread_join of itself");
	/* Gives the CPU up while the host waits. */
	error = rumpuser_thread_join(l->l_hostcookie);
	if (error != 0)
		return error;
	lwp_free(l);
	return 0;
}
