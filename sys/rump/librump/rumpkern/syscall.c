/*
 * syscall.c: the way in.  Every rump_sys_* entry point (generated from
 * syscalls.master) packs its arguments and calls rump_syscall(), which
 * takes a virtual CPU, runs the handler from the dispatch table and
 * gives the CPU back.  It also counts the threads inside, so that
 * shutdown can refuse to tear the kernel down under one of them.
 */
#include <rump-sys/systm.h>
#include <rump-sys/lwp.h>
#include <rump-sys/sched.h>
#include <rump-sys/syscallargs.h>

#include "rumpkern_int.h"

/*
 * Host threads between the entry and the return of rump_syscall(),
 * whether running, asleep in the kernel or waiting for a CPU.  A thread
 * counts itself in before it looks at the kernel state and shutdown
 * moves the state away from "up" before it reads the count (both
 * sequentially consistent), so either the thread sees no kernel or
 * shutdown sees the thread.
 */
static unsigned int syscall_inflight;

unsigned int
rump_syscall_inflight(void)
{
	return __atomic_load_n(&syscall_inflight, __ATOMIC_SEQ_CST);
}

int
rump_syscall(int num, void *args, register_t *retval)
{
	sy_call_t *call;
	struct lwp *l;
	int error;

	__atomic_add_fetch(&syscall_inflight, 1, __ATOMIC_SEQ_CST);
	/* Before rump_init(), during or after shutdown there is no kernel. */
	if (__predict_false(!rump_is_up())) {
		error = ENXIO;
		goto out;
	}
	if (num < 0 || num >= SYS_MAXSYSCALL ||
	    (call = rump_sysent[num].sy_call) == NULL) {
		error = ENOSYS;
		goto out;
	}
	if (__predict_false((l = rumpuser_curlwp()) == NULL))
		l = lwp_create_implicit();
	rump_schedule_lwp(l);
	error = call(l, args, retval);
	rump_unschedule_lwp(l);
	KASSERTMSG(error >= 0, "syscall %s returned internal error %d",
	    rump_sysent[num].sy_name, error);
out:
	__atomic_sub_fetch(&syscall_inflight, 1, __ATOMIC_SEQ_CST);
	return error;
}
