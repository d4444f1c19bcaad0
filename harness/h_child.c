/*
 * h_child.c: run a piece of a test in a child process and look at its
 * fate from outside.  This is how tests check that the kernel panics
 * (the child aborts) with the right message, without losing the test
 * process.
 */
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"

#define H_CHILD_MAXOUT	(256 * 1024)

static long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/* Read the child's output until EOF or the deadline. */
static int
collect(int fd, long deadline, struct h_child *hc)
{
	size_t cap = 4096;

	hc->hc_output = malloc(cap);
	if (hc->hc_output == NULL)
		return ENOMEM;
	hc->hc_outlen = 0;
	for (;;) {
		struct pollfd pfd = { fd, POLLIN, 0 };
		long left = deadline - now_ms();
		ssize_t n;

		if (left <= 0)
			return ETIMEDOUT;
		if (poll(&pfd, 1, (int)left) <= 0)
			continue;
		if (hc->hc_outlen + 1024 > cap && cap < H_CHILD_MAXOUT) {
			char *p = realloc(hc->hc_output, cap * 2);
			if (p == NULL)
				return ENOMEM;
			hc->hc_output = p;
			cap *= 2;
		}
		n = read(fd, hc->hc_output + hc->hc_outlen,
		    cap - hc->hc_outlen - 1);
		if (n == 0)
			return 0;
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return errno;
		}
		hc->hc_outlen += (size_t)n;
		if (hc->hc_outlen + 1 >= cap)	/* full: drop the rest */
			hc->hc_outlen = cap - 1024;
	}
}

void
h_child_run(void (*fn)(void *), void *arg, int timeout_s, struct h_child *hc)
{
	int pfd[2], status, error;
	pid_t pid;

	memset(hc, 0, sizeof(*hc));
	fflush(stdout);
	fflush(stderr);
	if (pipe(pfd) == -1)
		atf_tc_fail("pipe: %s", strerror(errno));
	if ((pid = fork()) == -1)
		atf_tc_fail("fork: %s", strerror(errno));
	if (pid == 0) {
		close(pfd[0]);
		dup2(pfd[1], STDOUT_FILENO);
		dup2(pfd[1], STDERR_FILENO);
		close(pfd[1]);
		fn(arg);
		fflush(NULL);
		exit(0);
	}
	close(pfd[1]);
	error = collect(pfd[0], now_ms() + timeout_s * 1000L, hc);
	close(pfd[0]);
	if (error == ETIMEDOUT) {
		hc->hc_timedout = 1;
		kill(pid, SIGKILL);
	}
	while (waitpid(pid, &status, 0) == -1) {
		if (errno != EINTR)
			atf_tc_fail("waitpid: %s", strerror(errno));
	}
	if (hc->hc_output != NULL)
		hc->hc_output[hc->hc_outlen] = '\0';
	if (WIFEXITED(status)) {
		hc->hc_exited = 1;
		hc->hc_status = WEXITSTATUS(status);
	} else if (WIFSIGNALED(status)) {
		hc->hc_signal = WTERMSIG(status);
	}
	if (error != 0 && error != ETIMEDOUT)
		atf_tc_fail("reading the child's output: %s", strerror(error));
}

void
h_child_free(struct h_child *hc)
{
	free(hc->hc_output);
	hc->hc_output = NULL;
}

/*
 * ATF wants a one-line reason, so the child's output goes to our stderr
 * (Kyua keeps it) and the reason says where to look.
 */
static void
show_output(const struct h_child *hc)
{
	fprintf(stderr, "--- output of the child ---\n%s\n--- end of output "
	    "---\n", hc->hc_output != NULL ? hc->hc_output : "(none)");
}

void
h_child_fail(const struct h_child *hc, const char *fmt, ...)
{
	char reason[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	show_output(hc);
	atf_tc_fail("%s (child output on stderr)", reason);
}

void
h_child_printf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fflush(stdout);
}

void
h_child_require_output(const struct h_child *hc, const char *needle)
{
	if (hc->hc_output == NULL || strstr(hc->hc_output, needle) == NULL) {
		show_output(hc);
		atf_tc_fail("child output lacks \"%s\" (output on stderr)",
		    needle);
	}
}

void
h_child_require_exit(const struct h_child *hc, int status)
{
	if (hc->hc_timedout)
		h_child_fail(hc, "child hung");
	if (!hc->hc_exited || hc->hc_status != status)
		h_child_fail(hc, "child did not exit with %d: exited %d, "
		    "status %d, signal %d", status, hc->hc_exited,
		    hc->hc_status, hc->hc_signal);
}

void
h_child_require_panic(const struct h_child *hc, const char *msg)
{
	if (hc->hc_timedout) {
		show_output(hc);
		atf_tc_fail("child hung instead of panicking (output on "
		    "stderr)");
	}
	if (hc->hc_signal != SIGABRT) {
		show_output(hc);
		atf_tc_fail("child did not abort: exited %d, status %d, signal "
		    "%d (output on stderr)", hc->hc_exited, hc->hc_status,
		    hc->hc_signal);
	}
	h_child_require_output(hc, "panic: ");
	if (msg != NULL)
		h_child_require_output(hc, msg);
}
