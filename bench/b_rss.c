/*
 * b_rss.c: what a booted kernel costs in memory.  This program runs
 * itself as a child twice, once booting a kernel (rump_init, one system
 * call, rump_sys_reboot) and once not, and compares the children's
 * peak resident set (VmHWM, which exec resets, so the parent's own
 * pages do not count).  Both children are the same executable, so the
 * difference is the boot, not the size of the linked code.
 */
#include <sys/wait.h>

#include <err.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rump/rump.h>
#include <rump/rump_syscalls.h>

#define ROUNDS	9

/* A "VmXXX:" line of /proc/self/status, in KiB. */
static long
status_kib(const char *field)
{
	char line[256];
	size_t len = strlen(field);
	long v = -1;
	FILE *f;

	if ((f = fopen("/proc/self/status", "r")) == NULL)
		err(1, "/proc/self/status");
	while (fgets(line, sizeof(line), f) != NULL) {
		if (strncmp(line, field, len) == 0 && line[len] == ':') {
			v = strtol(line + len + 1, NULL, 10);
			break;
		}
	}
	fclose(f);
	if (v < 0)
		errx(1, "/proc/self/status: no %s", field);
	return v;
}

/* The child: print "<peak KiB> <KiB while booted>" on stdout. */
static int
child(int doboot)
{
	long booted = 0;
	int error;

	if (doboot) {
		if ((error = rump_init()) != 0) {
			errno = error;
			err(1, "rump_init");
		}
		if (rump_sys_getpid() != 1)
			errx(1, "rump_sys_getpid: not 1");
		booted = status_kib("VmRSS");
		if (rump_sys_reboot(0, NULL) != 0)
			err(1, "rump_sys_reboot");
	}
	printf("%ld %ld\n", status_kib("VmHWM"), booted);
	return 0;
}

/*
 * Run this program (self) as a child in mode, read back what it
 * printed.
 */
static void
spawn(const char *self, const char *mode, long *peak, long *booted)
{
	char *const argv[] = { (char *)self, "child", (char *)mode, NULL };
	int fds[2], status;
	FILE *f;
	pid_t pid;

	if (pipe(fds) != 0)
		err(1, "pipe");
	if ((pid = fork()) == -1)
		err(1, "fork");
	if (pid == 0) {
		if (dup2(fds[1], STDOUT_FILENO) == -1)
			_exit(127);
		close(fds[0]);
		close(fds[1]);
		execv(self, argv);
		_exit(127);
	}
	close(fds[1]);
	if ((f = fdopen(fds[0], "r")) == NULL)
		err(1, "fdopen");
	if (fscanf(f, "%ld %ld", peak, booted) != 2)
		errx(1, "child %s printed no sizes", mode);
	fclose(f);
	if (waitpid(pid, &status, 0) != pid)
		err(1, "waitpid");
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		errx(1, "child %s: exit status %#x", mode, status);
}

static int
cmp_long(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;

	return x < y ? -1 : x > y;
}

/* Sorts v; its median. */
static long
median(long *v)
{
	qsort(v, ROUNDS, sizeof(*v), cmp_long);
	return v[ROUNDS / 2];
}

int
main(int argc, char **argv)
{
	long idle[ROUNDS], peak[ROUNDS], live[ROUNDS], unused;
	long i_med, p_med;
	const char *self;

	if (argc == 3 && strcmp(argv[1], "child") == 0)
		return child(strcmp(argv[2], "boot") == 0);
	if (argc != 1)
		errx(2, "usage: b_rss");

	/* argv[0] when it is a path, so that valgrind can follow. */
	self = strchr(argv[0], '/') != NULL ? argv[0] : "/proc/self/exe";
	for (int i = 0; i < ROUNDS; i++) {
		spawn(self, "idle", &idle[i], &unused);
		spawn(self, "boot", &peak[i], &live[i]);
	}
	i_med = median(idle);
	p_med = median(peak);
	printf("rss: booted %ld KiB peak, not booted %ld KiB peak, "
	    "difference %ld KiB\n", p_med, i_med, p_med - i_med);
	printf("  median of %d children each; booted %ld..%ld KiB, not "
	    "booted %ld..%ld KiB; %ld KiB resident while booted; "
	    "RUMP_NCPU=%s\n", ROUNDS, peak[0], peak[ROUNDS - 1], idle[0],
	    idle[ROUNDS - 1], median(live), getenv("RUMP_NCPU") != NULL ?
	    getenv("RUMP_NCPU") : "1 (default)");
	return 0;
}
