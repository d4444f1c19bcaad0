/*
 * t_autoconf.c: the device tree of the rumpdev faction.  Matching and
 * priorities, unit numbers, children found by their parents, detaching
 * subtrees, drivers refusing, pseudo-devices, references held by open
 * devices, and shutdown taking the whole tree apart without leaks.
 */
#include <stdio.h>
#include <string.h>

#include <rump/rump.h>

#include "harness.h"
#include "k_autoconf.h"

H_TC(match_priority,
    "config_found attaches the driver with the highest match score, ties "
    "going to the first registered; a score of 0 never attaches")
{
	RZ(rump_pub_ktest_autoconf_match_priority());
}

H_TC(unit_numbers,
    "units count from 0 per driver, a freed unit is reused first, and "
    "devices attach in the order they are found")
{
	RZ(rump_pub_ktest_autoconf_units());
}

H_TC(children_found_by_parent,
    "a bus finds its children in its attach and they find theirs; "
    "device_parent and device_find_by_xname agree with the tree")
{
	RZ(rump_pub_ktest_autoconf_tree());
}

H_TC(detach_subtree,
    "config_detach of a bus detaches its children first, deepest and "
    "newest first; config_detach_all takes one driver's devices")
{
	RZ(rump_pub_ktest_autoconf_detach_subtree());
}

H_TC(detach_refused,
    "a driver refusing detach (EBUSY) keeps its device and its parent "
    "attached and usable; DETACH_FORCE detaches it")
{
	RZ(rump_pub_ktest_autoconf_detach_refused());
}

H_TC(pseudo_device,
    "config_attach_pseudo attaches a registered driver under mainbus0 "
    "with a zeroed softc; an unregistered one gets NULL")
{
	RZ(rump_pub_ktest_autoconf_pseudo());
}

H_TC(bad_input,
    "duplicate names are EEXIST, malformed drivers EINVAL, unknown ones "
    "ENOENT; config_found without a matching driver is NULL")
{
	RZ(rump_pub_ktest_autoconf_badinput());
}

H_TC(forced_detach_of_open_device,
    "a forced detach wakes a thread sleeping in the driver with a "
    "device reference (it gets EIO), waits for it, and the next lookup "
    "fails (ENXIO)")
{
	RZ(rump_pub_ktest_autoconf_refs(0));
}

H_TC_ENV(forced_detach_of_open_device_ncpu2, "RUMP_NCPU=2",
    "forced_detach_of_open_device on 2 CPUs")
{
	RZ(rump_pub_ktest_autoconf_refs(0));
}

H_TC(nchildren_while_detach_drains,
    "a thread holding a device reference may count the device's children "
    "while a forced detach waits for that reference (no deadlock)")
{
	RZ(rump_pub_ktest_autoconf_refs(1));
}

H_TC(lookup_fails_during_attach_and_detach,
    "device_lookup_acquire does not hand out a device whose attach has "
    "not returned or whose detach has begun")
{
	RZ(rump_pub_ktest_autoconf_lookup_window());
}

H_TC(detach_reentry_refused,
    "a detach calling config_detach on its device or its parent is "
    "EBUSY, config_detach_all skips what is detaching, config_found "
    "under a detaching device attaches nothing")
{
	RZ(rump_pub_ktest_autoconf_detach_reentry(0));
}

H_TC(detach_reentry_refused_forced,
    "detach_reentry_refused with DETACH_FORCE: still no second detach")
{
	RZ(rump_pub_ktest_autoconf_detach_reentry(1));
}

H_TC(detach_during_attach_refused,
    "config_detach of a device whose attach has not returned, from that "
    "attach or from its child's, is EBUSY and the tree stays whole")
{
	RZ(rump_pub_ktest_autoconf_detach_during_attach());
}

H_TC(concurrent_config_found,
    "four threads finding devices whose attach sleeps: attaches are "
    "serialised and every unit is handed out once")
{
	RZ(rump_pub_ktest_autoconf_concurrent(4));
}

H_TC_ENV(concurrent_config_found_ncpu4, "RUMP_NCPU=4",
    "concurrent_config_found on 4 CPUs")
{
	RZ(rump_pub_ktest_autoconf_concurrent(4));
}

H_TC(shutdown_detaches_all,
    "shutdown detaches every device still attached, newest subtree "
    "first and deepest first, and their memory is freed")
{
	char log[1024];

	RZ(rump_pub_ktest_autoconf_leave_attached());
	h_shutdown_check();
	rump_pub_ktest_autoconf_log(log, sizeof(log));
	ATF_REQUIRE_STREQ(log, "D:tref0 D:tleaf1 D:tchild1 D:tleaf0 "
	    "D:tchild0 D:tbus0 D:tpseudo0");
}

static void
leaky_child(void *arg)
{
	char report[2048];

	h_boot(NULL);
	if (rump_pub_ktest_autoconf_leaky() != 0)
		h_child_printf("setup failed\n");
	if (rump_sys_reboot(0, NULL) != 0)
		h_child_printf("reboot failed\n");
	h_kmem_report(report, sizeof(report));
	h_child_printf("leaks: %s\n", report);
}

ATF_TC(driver_leak_is_reported);
ATF_TC_HEAD(driver_leak_is_reported, tc)
{
	atf_tc_set_md_var(tc, "descr", "a driver whose detach forgets "
	    "memory is caught at shutdown: the leak names the driver's "
	    "allocation site");
}
ATF_TC_BODY(driver_leak_is_reported, tc)
{
	struct h_child hc;

	h_child_run(leaky_child, NULL, 60, &hc);
	/* Not exit 0: valgrind (rumptest leaks) rightly sees the leak too. */
	if (!hc.hc_exited)
		h_child_fail(&hc, "child died (signal %d)", hc.hc_signal);
	h_child_require_output(&hc, "leaks: ");
	h_child_require_output(&hc, "k_autoconf.c");
	h_child_require_output(&hc, "333");
	h_child_free(&hc);
}

static void
stubborn_child(void *arg)
{
	h_boot(NULL);
	(void)rump_pub_ktest_autoconf_refuse_force();
	h_child_printf("survived\n");
}

ATF_TC(refusing_forced_detach_panics);
ATF_TC_HEAD(refusing_forced_detach_panics, tc)
{
	atf_tc_set_md_var(tc, "descr", "a driver refusing DETACH_FORCE is "
	    "a bug: the kernel panics naming the device");
}
ATF_TC_BODY(refusing_forced_detach_panics, tc)
{
	struct h_child hc;

	h_child_run(stubborn_child, NULL, 60, &hc);
	h_child_require_panic(&hc, "tstubborn0 refused a forced detach");
	h_child_free(&hc);
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, match_priority);
	ATF_TP_ADD_TC(tp, unit_numbers);
	ATF_TP_ADD_TC(tp, children_found_by_parent);
	ATF_TP_ADD_TC(tp, detach_subtree);
	ATF_TP_ADD_TC(tp, detach_refused);
	ATF_TP_ADD_TC(tp, pseudo_device);
	ATF_TP_ADD_TC(tp, bad_input);
	ATF_TP_ADD_TC(tp, forced_detach_of_open_device);
	ATF_TP_ADD_TC(tp, forced_detach_of_open_device_ncpu2);
	ATF_TP_ADD_TC(tp, nchildren_while_detach_drains);
	ATF_TP_ADD_TC(tp, lookup_fails_during_attach_and_detach);
	ATF_TP_ADD_TC(tp, detach_reentry_refused);
	ATF_TP_ADD_TC(tp, detach_reentry_refused_forced);
	ATF_TP_ADD_TC(tp, detach_during_attach_refused);
	ATF_TP_ADD_TC(tp, concurrent_config_found);
	ATF_TP_ADD_TC(tp, concurrent_config_found_ncpu4);
	ATF_TP_ADD_TC(tp, shutdown_detaches_all);
	ATF_TP_ADD_TC(tp, driver_leak_is_reported);
	ATF_TP_ADD_TC(tp, refusing_forced_detach_panics);
	return atf_no_error();
}
