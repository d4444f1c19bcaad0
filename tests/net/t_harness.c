/*
 * t_harness: the multi-kernel harness (harness/h_net.h) itself: each
 * kernel is its own process, calls carry results and errno, calls on
 * two kernels overlap, and whatever happens to the test body (a failed
 * requirement, a kernel dying, a call hanging, the test process being
 * killed) no process is left behind.  Kernels here have only the core
 * (and a kernel half that can leak memory on request).
 */
#include <sys/wait.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <rump/rump.h>
#include <rump/rump_syscalls.h>

#include "harness.h"
#include "h_net.h"
#include "k_kmem.h"

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
r_getpid(const void *in, size_t inlen, void *out, size_t *outlen)
{
	pid_t pid = getpid();

	memcpy(out, &pid, sizeof(pid));
	*outlen = sizeof(pid);
	return rump_booted();
}

static int
r_close_bad(const void *in, size_t inlen, void *out, size_t *outlen)
{

	*outlen = 0;
	return rump_sys_close(1234);
}

static int
r_echo(const void *in, size_t inlen, void *out, size_t *outlen)
{

	memcpy(out, in, inlen);
	*outlen = inlen;
	return (int)inlen;
}

static int
r_sleep_ms(const void *in, size_t inlen, void *out, size_t *outlen)
{
	int ms;

	memcpy(&ms, in, sizeof(ms));
	usleep((useconds_t)ms * 1000);
	*outlen = 0;
	return 0;
}

static int
r_exit(const void *in, size_t inlen, void *out, size_t *outlen)
{

	_exit(7);
}

static int
r_leak(const void *in, size_t inlen, void *out, size_t *outlen)
{
	int line;

	*outlen = 0;
	return rump_pub_ktest_kmem_leak(100, &line);
}

/* Whether pid is gone (or a zombie about to be reaped by init). */
static int
gone(pid_t pid)
{
	char path[64], buf[256], *p;
	FILE *f;
	int dead = 1;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if ((f = fopen(path, "r")) == NULL)
		return 1;
	if (fgets(buf, sizeof(buf), f) != NULL &&
	    (p = strrchr(buf, ')')) != NULL)
		dead = p[2] == 'Z' || p[2] == 'X';
	fclose(f);
	return dead;
}

static void
require_gone_soon(pid_t pid)
{
	for (int i = 0; i < 2000 && !gone(pid); i++)
		usleep(1000);
	if (!gone(pid))
		atf_tc_fail("kernel process %d is still alive", (int)pid);
}

/* Pids the child printed as "pids A B". */
static void
child_pids(const struct h_child *hc, pid_t *a, pid_t *b)
{
	const char *p = strstr(hc->hc_output, "pids ");
	int x, y;

	if (p == NULL || sscanf(p, "pids %d %d", &x, &y) != 2)
		h_child_fail(hc, "the child printed no pids");
	*a = x;
	*b = y;
}

H_NET_TC(kernels_are_processes, "each kernel runs booted in its own "
    "process, a child of the test, and none is left after teardown")
{
	pid_t pids[3], pid;
	size_t len;
	int k;

	ATF_REQUIRE(!rump_booted());
	for (int i = 0; i < 3; i++) {
		k = h_net_start(NULL);
		ATF_REQUIRE_EQ(k, i);
		ATF_REQUIRE_EQ(h_net_call(k, r_getpid, NULL, 0, &pid,
		    sizeof(pid), &len), 1);
		ATF_REQUIRE_EQ(len, sizeof(pid));
		ATF_REQUIRE_EQ(pid, h_net_pid(k));
		ATF_REQUIRE(pid != getpid());
		pids[i] = pid;
	}
	ATF_REQUIRE(pids[0] != pids[1] && pids[1] != pids[2]);
	ATF_REQUIRE_EQ(h_net_nkern(), 3);
	ATF_REQUIRE_EQ(h_net_nchildren(), 3);
	ATF_REQUIRE(!rump_booted());
	h_net_teardown(1);
	ATF_REQUIRE_EQ(h_net_nkern(), 0);
	ATF_REQUIRE_EQ(h_net_nchildren(), 0);
	for (int i = 0; i < 3; i++)
		ATF_REQUIRE(gone(pids[i]));
}

H_NET_TC(results_and_errno_travel, "a remote call returns the "
    "function's value, its output and the errno it left")
{
	char big[H_NET_MAXMSG], back[H_NET_MAXMSG];
	size_t len;
	int k = h_net_start(NULL);

	H_REQUIRE_ERRNO(EBADF, h_net_call(k, r_close_bad, NULL, 0, NULL, 0,
	    NULL));
	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = (char)(i * 13);
	ATF_REQUIRE_EQ(h_net_call(k, r_echo, big, sizeof(big), back,
	    sizeof(back), &len), (int)sizeof(big));
	ATF_REQUIRE_EQ(len, sizeof(big));
	ATF_REQUIRE(memcmp(big, back, len) == 0);
}

H_NET_TC(calls_overlap, "a call left running on one kernel does not "
    "hold up calls on another")
{
	int a = h_net_start(NULL), b = h_net_start(NULL), ms = 400;
	double t0, t1;
	pid_t pid;

	t0 = now_s();
	h_net_call_start(a, r_sleep_ms, &ms, sizeof(ms), 0);
	ATF_REQUIRE_EQ(h_net_call(b, r_getpid, NULL, 0, &pid, sizeof(pid),
	    NULL), 1);
	t1 = now_s();
	ATF_REQUIRE_MSG(t1 - t0 < 0.3, "kernel b took %.3f s", t1 - t0);
	ATF_REQUIRE_EQ(h_net_call_finish(a, NULL, 0, NULL), 0);
	ATF_REQUIRE(now_s() - t0 >= 0.39);
}

static void
leaky_body(void *arg)
{
	int k;

	h_net_fail_exit = 3;
	k = h_net_start(NULL);
	(void)h_net_call(k, r_leak, NULL, 0, NULL, 0, NULL);
	h_net_teardown(1);
}

ATF_TC(kernel_leak_fails);
ATF_TC_HEAD(kernel_leak_fails, tc)
{
	atf_tc_set_md_var(tc, "descr", "kernel memory a kernel leaked "
	    "fails the teardown, naming the kernel and the call site");
}
ATF_TC_BODY(kernel_leak_fails, tc)
{
	struct h_child hc;

	h_child_run(leaky_body, NULL, 60, &hc);
	h_child_require_exit(&hc, 3);
	h_child_require_output(&hc, "kernel 0: kernel memory leak: 100 "
	    "bytes in 1 allocation from");
	h_child_require_output(&hc, "k_kmem.c");
	h_child_free(&hc);
}

static void
dying_body(void *arg)
{
	int a, b;

	h_net_fail_exit = 3;
	a = h_net_start(NULL);
	b = h_net_start(NULL);
	h_child_printf("pids %d %d\n", (int)h_net_pid(a), (int)h_net_pid(b));
	(void)h_net_call(a, r_exit, NULL, 0, NULL, 0, NULL);
	h_child_printf("not reached\n");
}

ATF_TC(dead_kernel_fails_and_cleans_up);
ATF_TC_HEAD(dead_kernel_fails_and_cleans_up, tc)
{
	atf_tc_set_md_var(tc, "descr", "a kernel that dies during a call "
	    "fails the case, and the other kernels are reaped on the way "
	    "out");
}
ATF_TC_BODY(dead_kernel_fails_and_cleans_up, tc)
{
	struct h_child hc;
	pid_t a, b;

	h_child_run(dying_body, NULL, 60, &hc);
	h_child_require_exit(&hc, 3);
	h_child_require_output(&hc, "kernel 0 (pid");
	h_child_require_output(&hc, "died during a call: exit status 7");
	child_pids(&hc, &a, &b);
	ATF_REQUIRE(gone(a) && gone(b));
	h_child_free(&hc);
}

static void
hanging_body(void *arg)
{
	int k, ms = 30000;

	h_net_fail_exit = 3;
	setenv("H_NET_TIMEOUT_MS", "300", 1);
	k = h_net_start(NULL);
	h_child_printf("pids %d %d\n", (int)h_net_pid(k), (int)h_net_pid(k));
	(void)h_net_call(k, r_sleep_ms, &ms, sizeof(ms), NULL, 0, NULL);
}

ATF_TC(hanging_call_times_out);
ATF_TC_HEAD(hanging_call_times_out, tc)
{
	atf_tc_set_md_var(tc, "descr", "a call that does not answer in "
	    "H_NET_TIMEOUT_MS fails the case and its kernel is killed");
}
ATF_TC_BODY(hanging_call_times_out, tc)
{
	struct h_child hc;
	double t0 = now_s();
	pid_t a, b;

	h_child_run(hanging_body, NULL, 60, &hc);
	h_child_require_exit(&hc, 3);
	h_child_require_output(&hc, "did not answer within 300 ms");
	ATF_REQUIRE(now_s() - t0 < 10);
	child_pids(&hc, &a, &b);
	ATF_REQUIRE(gone(a));
	h_child_free(&hc);
}

static void
killed_body(void *arg)
{
	int a = h_net_start(NULL), b = h_net_start(NULL);

	h_child_printf("pids %d %d\n", (int)h_net_pid(a), (int)h_net_pid(b));
	kill(getpid(), SIGKILL);
}

ATF_TC(killed_test_takes_kernels);
ATF_TC_HEAD(killed_test_takes_kernels, tc)
{
	atf_tc_set_md_var(tc, "descr", "a test process killed outright (no "
	    "atexit) still takes its kernels with it");
}
ATF_TC_BODY(killed_test_takes_kernels, tc)
{
	struct h_child hc;
	pid_t a, b;

	h_child_run(killed_body, NULL, 60, &hc);
	ATF_REQUIRE_EQ(hc.hc_signal, SIGKILL);
	child_pids(&hc, &a, &b);
	require_gone_soon(a);
	require_gone_soon(b);
	h_child_free(&hc);
}

static void
badboot_body(void *arg)
{

	h_net_fail_exit = 3;
	(void)h_net_start("RUMP_NCPU=0");
}

ATF_TC(boot_failure_reported);
ATF_TC_HEAD(boot_failure_reported, tc)
{
	atf_tc_set_md_var(tc, "descr", "a kernel that cannot boot fails "
	    "h_net_start with the reason and the environment");
}
ATF_TC_BODY(boot_failure_reported, tc)
{
	struct h_child hc;

	h_child_run(badboot_body, NULL, 60, &hc);
	h_child_require_exit(&hc, 3);
	h_child_require_output(&hc, "kernel 0: rump_init: Invalid argument "
	    "with RUMP_NCPU=0");
	h_child_free(&hc);
}

ATF_TP_ADD_TCS(tp)
{

	ATF_TP_ADD_TC(tp, kernels_are_processes);
	ATF_TP_ADD_TC(tp, results_and_errno_travel);
	ATF_TP_ADD_TC(tp, calls_overlap);
	ATF_TP_ADD_TC(tp, kernel_leak_fails);
	ATF_TP_ADD_TC(tp, dead_kernel_fails_and_cleans_up);
	ATF_TP_ADD_TC(tp, hanging_call_times_out);
	ATF_TP_ADD_TC(tp, killed_test_takes_kernels);
	ATF_TP_ADD_TC(tp, boot_failure_reported);
	return atf_no_error();
}
