/*
 * t_component_missing.c: a program linking a component whose
 * dependency is not linked cannot boot; the error names both
 * components, and nothing leaks.
 */
#include <errno.h>
#include <stdio.h>

#include <rump/rump.h>
#include <rump/rump_syscalls.h>

#include "harness.h"

static void
boot_needy(void *arg)
{
	int error;

	(void)arg;
	error = rump_init();
	printf("rump_init=%s booted=%d\n", h_errname(error), rump_booted());
}

ATF_TC_WITHOUT_HEAD(missing_dependency);
ATF_TC_BODY(missing_dependency, tc)
{
	struct h_child hc;

	h_child_run(boot_needy, NULL, 30, &hc);
	h_child_require_exit(&hc, 0);	/* a clean failure, not a crash */
	h_child_require_output(&hc, "component \"kcomp_needy\" depends on "
	    "\"kcomp_absent\", which is not linked into this program");
	h_child_require_output(&hc, "rump_init=ENOENT booted=0");
	h_child_free(&hc);

	/* In-process too: a clean failure, no kernel, no leak. */
	ATF_REQUIRE_EQ(rump_init(), ENOENT);
	ATF_REQUIRE(!rump_booted());
	H_REQUIRE_ERRNO(ENXIO, rump_sys_getpid());
	h_shutdown_check();
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, missing_dependency);
	return atf_no_error();
}
