/*
 * syscall.c: the way in.  Every rump_sys_* entry point (generated from
 * syscalls.master) packs its arguments and calls rump_syscall(), which
 * takes a virtual CPU, runs the handler from the dispatch table and
 * gives the CPU back.
 */
#include <rump-sys/systm.h>
#include <rump-sys/lwp.h>
#include <rump-sys/sched.h>
#include <rump-sys/syscallargs.h>

#include "rumpkern_int.h"

int
rump_syscall(int num, void *args, register_t *retval)
{
	sy_call_t *call;
	struct lwp *l;
	int error;

	/* Before rump_init() or after shutdown there is no kernel. */
	if (__predict_false(!rump_is_up()))
		return ENXIO;
	if (num < 0 || num >= SYS_MAXSYSCALL ||
	    (call = rump_sysent[num].sy_call) == NULL)
		return ENOSYS;
	if (__predict_false((l = rumpuser_curlwp()) == NULL))
		l = lwp_create_implicit();
	rump_schedule_lwp(l);
	error = call(l, args, retval);
	rump_unschedule_lwp(l);
	KASSERTMSG(error >= 0, "syscall %s returned internal error %d",
	    rump_sysent[num].sy_name, error);
	return error;
}
