/*
 * b_boot.c: how expensive is a fresh kernel?  Every test case boots its
 * own, so boot + shutdown (rump_init and rump_sys_reboot, one process,
 * repeated) is compared with the host's cheapest way to start something
 * fresh: fork, exec of a trivial program (h_true, next to this one or
 * argv[1]) and wait.
 */
#include <sys/wait.h>

#include <err.h>
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rump/rump.h>
#include <rump/rump_syscalls.h>

#include "bench.h"

#define TARGET	2.0

static uint64_t
run_rump(void *arg, uint64_t n)
{
	uint64_t t0 = bench_now_ns();
	int error;

	for (uint64_t i = 0; i < n; i++) {
		if ((error = rump_init()) != 0) {
			errno = error;
			err(1, "rump_init");
		}
		if (rump_sys_reboot(0, NULL) != 0)
			err(1, "rump_sys_reboot");
	}
	return bench_now_ns() - t0;
}

static uint64_t
run_host(void *arg, uint64_t n)
{
	char *const argv[] = { arg, NULL };
	uint64_t t0 = bench_now_ns();
	pid_t pid;
	int status;

	for (uint64_t i = 0; i < n; i++) {
		if ((pid = fork()) == -1)
			err(1, "fork");
		if (pid == 0) {
			execv(argv[0], argv);
			_exit(127);
		}
		if (waitpid(pid, &status, 0) != pid)
			err(1, "waitpid");
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
			errx(1, "%s: exit status %#x", argv[0], status);
	}
	return bench_now_ns() - t0;
}

/* h_true in the directory of this program. */
static void
sibling(char *buf, size_t len, const char *name)
{
	char self[PATH_MAX];
	ssize_t n;

	if ((n = readlink("/proc/self/exe", self, sizeof(self) - 1)) == -1)
		err(1, "readlink /proc/self/exe");
	self[n] = '\0';
	if ((size_t)snprintf(buf, len, "%s/%s", dirname(self), name) >= len)
		errx(1, "path too long");
}

int
main(int argc, char **argv)
{
	char path[PATH_MAX];
	struct bench_side rump = {
		.bs_name = "rump", .bs_run = run_rump,
	};
	struct bench_side host = {
		.bs_name = "fork+exec", .bs_run = run_host, .bs_arg = path,
	};

	if (argc > 1)
		snprintf(path, sizeof(path), "%s", argv[1]);
	else
		sibling(path, sizeof(path), "h_true");
	if (access(path, X_OK) != 0)
		err(1, "%s", path);

	bench_compare(&rump, &host);
	bench_report("boot", &rump, &host, 1000.0, "us", TARGET);
	return 0;
}
