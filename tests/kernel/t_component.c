/*
 * t_component.c: the component registry initialises linked components
 * by type, then dependencies, then name; shutdown hooks run in
 * reverse; a failing init fails the boot and undoes what was done.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rump/rump.h>

#include "harness.h"
#include "kcomp_order/kcomp.h"

#define INIT_ORDER	"+first +z +d +b +c +x +a"

/*
 * The registry's order, keeping only this test's components and the
 * core's own "rumpkern" (other core services come and go).
 */
static void
ours_only(const char *order, char *out, size_t len)
{
	char buf[512], *w, *save;

	snprintf(buf, sizeof(buf), "%s", order);
	out[0] = '\0';
	for (w = strtok_r(buf, " ", &save); w != NULL;
	    w = strtok_r(NULL, " ", &save)) {
		if (strncmp(w, "kcomp_", 6) != 0 && strcmp(w, "rumpkern") != 0)
			continue;
		if (out[0] != '\0')
			strncat(out, " ", len - strlen(out) - 1);
		strncat(out, w, len - strlen(out) - 1);
	}
}

H_TC(init_order, "components initialise by type, then after their "
    "dependencies, then by name")
{
	char log[512], all[512], order[512];

	rump_pub_kcomp_log(log, sizeof(log));
	ATF_CHECK_STREQ(log, INIT_ORDER);
	RZ(rump_pub_kcomp_initorder(all, sizeof(all)));
	/* The registry's own record agrees. */
	ours_only(all, order, sizeof(order));
	ATF_CHECK_STREQ(order, "kcomp_first kcomp_z rumpkern kcomp_d kcomp_b "
	    "kcomp_c kcomp_x kcomp_a");
}

ATF_TC_WITHOUT_HEAD(fini_reverse);
ATF_TC_BODY(fini_reverse, tc)
{
	char log[512];

	h_boot(NULL);
	RL(rump_sys_reboot(0, NULL));
	rump_pub_kcomp_log(log, sizeof(log));
	ATF_CHECK_STREQ(log, INIT_ORDER " -a -c -b -d");
	h_shutdown_check();
}

static void
boot_failing(void *arg)
{
	char log[512];
	int error;

	setenv("KCOMP_FAIL", arg, 1);
	error = rump_init();
	rump_pub_kcomp_log(log, sizeof(log));
	printf("rump_init=%s booted=%d log=[%s]\n", h_errname(error),
	    rump_booted(), log);
}

ATF_TC_WITHOUT_HEAD(init_failure_undoes);
ATF_TC_BODY(init_failure_undoes, tc)
{
	struct h_child hc;
	char log[512];

	/* kcomp_c fails: the boot fails and b, d are shut down again. */
	h_child_run(boot_failing, "c", 30, &hc);
	h_child_require_output(&hc, "component \"kcomp_c\" failed to "
	    "initialise");
	h_child_require_output(&hc, "rump_init=EIO booted=0 "
	    "log=[+first +z +d +b +c -b -d]");
	h_child_free(&hc);

	/* The same process can boot normally afterwards. */
	setenv("KCOMP_FAIL", "c", 1);
	ATF_REQUIRE_EQ(rump_init(), EIO);
	unsetenv("KCOMP_FAIL");
	h_boot(NULL);
	rump_pub_kcomp_log(log, sizeof(log));
	ATF_CHECK_STREQ(log, INIT_ORDER);
	h_shutdown_check();
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, init_order);
	ATF_TP_ADD_TC(tp, fini_reverse);
	ATF_TP_ADD_TC(tp, init_failure_undoes);
	return atf_no_error();
}
