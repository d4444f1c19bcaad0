/*
 * b_mutex.c: what the virtual-uniprocessor locks buy.  An uncontended
 * mutex_enter/mutex_exit pair on one virtual CPU, the loop running in
 * the kernel (k_bench.c), with the UP implementation (RUMP_NCPU=1
 * RUMP_LOCKS=up: a plain owner field) against the MP one (RUMP_NCPU=1
 * RUMP_LOCKS=mp: a host mutex, atomic operations).  Each round boots a
 * kernel with its lock implementation and shuts it down after.
 */
#include <err.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include <rump/rump.h>
#include <rump/rump_syscalls.h>

#include "bench.h"
#include "k_bench.h"

#define TARGET	0.33

static void
boot(void *arg)
{
	int error;

	if (setenv("RUMP_NCPU", "1", 1) != 0 ||
	    setenv("RUMP_LOCKS", arg, 1) != 0)
		err(1, "setenv");
	if ((error = rump_init()) != 0) {
		errno = error;
		err(1, "rump_init RUMP_LOCKS=%s", (char *)arg);
	}
}

static void
shutdown(void *arg)
{
	if (rump_sys_reboot(0, NULL) != 0)
		err(1, "rump_sys_reboot");
}

static uint64_t
run(void *arg, uint64_t n)
{
	uint64_t ns;
	int error;

	if ((error = rump_pub_kbench_mutex(n, &ns)) != 0) {
		errno = error;
		err(1, "rump_pub_kbench_mutex");
	}
	return ns;
}

int
main(void)
{
	struct bench_side up = {
		.bs_name = "up", .bs_run = run, .bs_setup = boot,
		.bs_teardown = shutdown, .bs_arg = "up",
	};
	struct bench_side mp = {
		.bs_name = "mp", .bs_run = run, .bs_setup = boot,
		.bs_teardown = shutdown, .bs_arg = "mp",
	};

	bench_compare(&up, &mp);
	bench_report("mutex", &up, &mp, 1.0, "ns", TARGET);
	return 0;
}
