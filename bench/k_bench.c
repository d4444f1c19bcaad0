/*
 * k_bench.c: the kernel half of the benchmarks, for loops that must run
 * inside the kernel so the door in and out is not what is measured.
 * Compiled as kernel code and linked as the component libk_bench.a.
 */
#include <rump-sys/systm.h>
#include <rump-sys/mutex.h>
#include <rump-sys/sched.h>
#include <rump-sys/time.h>
#include <rump/rumpuser.h>

#include "k_bench.h"

int
rump_pub_kbench_mutex(uint64_t n, uint64_t *elapsed_ns)
{
	kmutex_t mtx;
	uint64_t t0, t1;

	if (n == 0)
		return rumpuser_errno_tohost(EINVAL);
	rump_schedule();
	mutex_init(&mtx, MUTEX_DEFAULT, IPL_NONE);
	t0 = rump_monotime_ns();
	for (uint64_t i = 0; i < n; i++) {
		mutex_enter(&mtx);
		mutex_exit(&mtx);
	}
	t1 = rump_monotime_ns();
	mutex_destroy(&mtx);
	rump_unschedule();
	*elapsed_ns = t1 - t0;
	return 0;
}
