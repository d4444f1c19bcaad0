/*
 * h_buggy.c: test cases with deliberate bugs, for the tooling tests
 * (t_tooling).  Listed only in Kyuafile.buggy, never in the suite.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <rump/rump.h>
#include <rump/rump_syscalls.h>

#include "harness.h"
#include "k_buggy.h"

H_TC(missing_error_path, "an error path that leaks: passes unless the "
    "second allocation fails")
{
	int error = rump_pub_kbuggy_two_allocs();

	ATF_REQUIRE(error == 0 || error == ENOMEM);
}

static void *volatile lost;

H_TC(host_leak, "loses host memory; only valgrind notices")
{
	lost = malloc(4242);
	memset(lost, 1, 4242);
	lost = NULL;
}

H_TC(kernel_overflow, "reads one past the end of a kernel array; only a "
    "sanitizer notices")
{
	(void)rump_pub_kbuggy_read(16);
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, missing_error_path);
	ATF_TP_ADD_TC(tp, host_leak);
	ATF_TP_ADD_TC(tp, kernel_overflow);
	return atf_no_error();
}
