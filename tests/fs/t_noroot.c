/*
 * t_noroot: a kernel linked with the VFS faction but no file system
 * cannot mount a root, and its boot fails naming what to link.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include <rump/rump.h>
#include <rump/rump_syscalls.h>

#include "harness.h"

static void
boot_child(void *arg)
{
	int error = rump_init();

	h_child_printf("rump_init: %d\n", error);
	exit(error == ENODEV ? 0 : 1);
}

ATF_TC(boot_fails_without_root_fs);
ATF_TC_HEAD(boot_fails_without_root_fs, tc)
{
	atf_tc_set_md_var(tc, "descr", "without tmpfs the boot fails with "
	    "ENODEV and says which component to link");
}
ATF_TC_BODY(boot_fails_without_root_fs, tc)
{
	struct h_child hc;

	h_child_run(boot_child, NULL, 60, &hc);
	h_child_require_output(&hc, "no root file system");
	h_child_require_output(&hc, "librumpfs_tmpfs.a");
	if (!hc.hc_exited || hc.hc_status != 0)
		h_child_fail(&hc, "rump_init did not fail with ENODEV");
	h_child_free(&hc);
	/* and nothing is left behind: the boot can be tried again */
	ATF_CHECK_EQ(rump_init(), ENODEV);
	H_REQUIRE_ERRNO(ENXIO, rump_sys_open("/", 0, 0));
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, boot_fails_without_root_fs);
	return atf_no_error();
}
