/*
 * t_boot.c: booting and shutting down kernels, and boot parameters.
 */
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include <rump/rump.h>
#include <rump/rump_syscalls.h>

#include "harness.h"

H_TC(boot_shutdown, "a kernel boots, answers a system call and shuts down")
{
	ATF_REQUIRE(rump_booted());
	ATF_REQUIRE_EQ(rump_sys_getpid(), 1);
}

ATF_TC_WITHOUT_HEAD(boot_many);
ATF_TC_BODY(boot_many, tc)
{
	/* One process, many kernels in turn: nothing carries over. */
	for (int i = 0; i < 50; i++) {
		RZ(rump_init());
		ATF_REQUIRE_EQ(rump_sys_getpid(), 1);
		RL(rump_sys_reboot(0, NULL));
		ATF_REQUIRE(!rump_booted());
	}
	h_shutdown_check();
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, boot_shutdown);
	ATF_TP_ADD_TC(tp, boot_many);
	return atf_no_error();
}
