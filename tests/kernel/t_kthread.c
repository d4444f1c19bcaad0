/*
 * t_kthread.c: kernel threads.  Creating, naming, joining, exiting
 * (by returning, by kthread_exit deep in a call chain, detached), and
 * the shutdown check that refuses to leave a joinable thread unjoined.
 */
#include <stdio.h>
#include <string.h>

#include <rump/rump.h>
#include <rump/rump_syscalls.h>

#include "harness.h"
#include "k_kthread.h"

H_TC(create_join,
    "a joinable kernel thread runs once in proc0, under its name, and "
    "is gone after kthread_join")
{
	RZ(rump_pub_ktest_kthread_create_join());
}

H_TC_ENV(create_join_ncpu2, "RUMP_NCPU=2",
    "create_join with 2 CPUs and multiprocessor locks")
{
	RZ(rump_pub_ktest_kthread_create_join());
}

H_TC(curlwp_is_created_lwp,
    "inside each of 8 kernel threads curlwp is the lwp kthread_create "
    "returned, published before the thread runs")
{
	RZ(rump_pub_ktest_kthread_curlwp(8));
}

H_TC(many_create_join,
    "64 kernel threads at once, created and joined, 4 rounds")
{
	RZ(rump_pub_ktest_kthread_many(64, 4));
}

H_TC_ENV(many_create_join_ncpu4, "RUMP_NCPU=4",
    "64 kernel threads at once on 4 CPUs, created and joined, 4 rounds")
{
	RZ(rump_pub_ktest_kthread_many(64, 4));
}

H_TC(detached_exits_by_itself,
    "threads without KTHREAD_MUSTJOIN run and vanish by themselves, "
    "whether they return or call kthread_exit")
{
	RZ(rump_pub_ktest_kthread_detached());
}

H_TC(kthread_exit_nested,
    "kthread_exit three calls deep ends the thread there; join works")
{
	RZ(rump_pub_ktest_kthread_exit_nested());
}

static void
unjoined_child(void *arg)
{
	int error;

	if ((error = rump_init()) != 0) {
		printf("rump_init: %s\n", strerror(error));
		return;
	}
	if ((error = rump_pub_ktest_kthread_unjoined()) != 0) {
		printf("kthread_create: %s\n", strerror(error));
		return;
	}
	if (rump_sys_reboot(0, NULL) == -1)
		perror("rump_sys_reboot");
	printf("shutdown returned\n");
}

ATF_TC(unjoined_panics_at_shutdown);
ATF_TC_HEAD(unjoined_panics_at_shutdown, tc)
{
	atf_tc_set_md_var(tc, "descr", "a KTHREAD_MUSTJOIN thread never "
	    "joined makes shutdown panic, naming the thread");
}
ATF_TC_BODY(unjoined_panics_at_shutdown, tc)
{
	struct h_child hc;

	h_child_run(unjoined_child, NULL, 120, &hc);
	/* The panic itself names the thread, and comes without a wait. */
	h_child_require_panic(&hc, "panic: rump shutdown: kernel thread "
	    "\"forgotten\" outlived the kernel");
	h_child_require_output(&hc, "kernel thread \"forgotten\"");
	h_child_require_output(&hc, "never joined");
	h_child_free(&hc);
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, create_join);
	ATF_TP_ADD_TC(tp, create_join_ncpu2);
	ATF_TP_ADD_TC(tp, curlwp_is_created_lwp);
	ATF_TP_ADD_TC(tp, many_create_join);
	ATF_TP_ADD_TC(tp, many_create_join_ncpu4);
	ATF_TP_ADD_TC(tp, detached_exits_by_itself);
	ATF_TP_ADD_TC(tp, kthread_exit_nested);
	ATF_TP_ADD_TC(tp, unjoined_panics_at_shutdown);
	return atf_no_error();
}
