/*
 * b_syscall.c: the cost of the door into the kernel.  rump_sys_getpid()
 * (take a virtual CPU, dispatch, give it back) against the host's
 * getpid made as a real system call with syscall(SYS_getpid), so libc
 * cannot answer from a cache.
 */
#include <sys/syscall.h>

#include <err.h>
#include <errno.h>
#include <stdio.h>
#include <unistd.h>

#include <rump/rump.h>
#include <rump/rump_syscalls.h>

#include "bench.h"

#define TARGET	0.25

static uint64_t
run_rump(void *arg, uint64_t n)
{
	uint64_t t0 = bench_now_ns();

	for (uint64_t i = 0; i < n; i++) {
		if (rump_sys_getpid() != 1)
			errx(1, "rump_sys_getpid: not 1");
	}
	return bench_now_ns() - t0;
}

static uint64_t
run_host(void *arg, uint64_t n)
{
	pid_t self = *(pid_t *)arg;
	uint64_t t0 = bench_now_ns();

	for (uint64_t i = 0; i < n; i++) {
		if (syscall(SYS_getpid) != self)
			errx(1, "getpid: not %d", (int)self);
	}
	return bench_now_ns() - t0;
}

int
main(void)
{
	pid_t self = getpid();
	struct bench_side rump = {
		.bs_name = "rump", .bs_run = run_rump,
	};
	struct bench_side host = {
		.bs_name = "host", .bs_run = run_host, .bs_arg = &self,
	};
	int error;

	if ((error = rump_init()) != 0) {
		errno = error;
		err(1, "rump_init");
	}
	bench_compare(&rump, &host);
	if (rump_sys_reboot(0, NULL) != 0)
		err(1, "rump_sys_reboot");
	bench_report("getpid", &rump, &host, 1.0, "ns", TARGET);
	return 0;
}
