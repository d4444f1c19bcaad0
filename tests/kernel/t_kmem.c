/*
 * t_kmem.c: the kernel allocator as a test writer relies on it: bytes
 * are accounted per call site, a leak fails the case naming the line,
 * misuse (wrong size, double free, overrun, size 0) panics with the
 * facts, RUMP_MEMLIMIT bounds memory, and RUMP_FAIL_NTH injects
 * allocation failures.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rump/rump.h>
#include <rump/rump_syscalls.h>

#include "harness.h"
#include "k_kmem.h"

#define KiB		1024
#define NBAD		(sizeof(bad_memlimits) / sizeof(bad_memlimits[0]))
#define SITE_FUNC	"rump_pub_ktest_kmem_alloc"

/* Fail unless the child's output contains the formatted needle. */
static void __attribute__((__format__(__printf__, 2, 3)))
require_outputf(const struct h_child *hc, const char *fmt, ...)
{
	char needle[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(needle, sizeof(needle), fmt, ap);
	va_end(ap);
	if (hc->hc_output == NULL || strstr(hc->hc_output, needle) == NULL)
		h_child_fail(hc, "child output lacks \"%s\"", needle);
}

/* The allocating line a child reported with "ktest-line=N". */
static int
child_line(const struct h_child *hc)
{
	const char *s = hc->hc_output ? strstr(hc->hc_output, "ktest-line=")
	    : NULL;

	if (s == NULL)
		h_child_fail(hc, "child reported no allocation line");
	return atoi(s + strlen("ktest-line="));
}

/* Allocate into slot, returning the allocating line. */
static int
alloc_slot(unsigned int slot, size_t size, int flags)
{
	int line = 0;

	RZ(rump_pub_ktest_kmem_alloc(slot, size, flags, &line));
	ATF_REQUIRE(line > 0);
	return line;
}

/* Enter the kernel once so this thread's lwp is not counted later. */
static void
warm_up(void)
{
	(void)alloc_slot(0, 8, KTEST_KM_SLEEP);
	RZ(rump_pub_ktest_kmem_free(0));
}

H_TC(inuse_follows_alloc_and_free,
    "rump_pub_kmem_inuse() grows by exactly what the kernel allocates "
    "and returns to the baseline after the frees")
{
	size_t base;

	warm_up();
	base = rump_pub_kmem_inuse();
	ATF_REQUIRE(base > 0);	/* boot allocated its lwps, at least */
	(void)alloc_slot(0, 1000, KTEST_KM_SLEEP);
	ATF_REQUIRE_EQ(rump_pub_kmem_inuse(), base + 1000);
	(void)alloc_slot(1, 24, KTEST_KM_ZERO);
	ATF_REQUIRE_EQ(rump_pub_kmem_inuse(), base + 1024);
	RZ(rump_pub_ktest_kmem_free(0));
	ATF_REQUIRE_EQ(rump_pub_kmem_inuse(), base + 24);
	RZ(rump_pub_ktest_kmem_free(1));
	ATF_REQUIRE_EQ(rump_pub_kmem_inuse(), base);
}

H_TC(zalloc_returns_zeroes,
    "kmem_zalloc returns zeroed memory even where the host allocator "
    "hands back a block kmem_alloc had dirtied")
{
	RZ(rump_pub_ktest_kmem_zalloc_zeroes());
}

struct site_seen {
	int	ss_line;
	int	ss_nsites;	/* k_kmem.c sites at ss_line */
	size_t	ss_count[4], ss_bytes[4];
	char	ss_func[64];
};

static void
collect_site(void *arg, const char *file, int line, const char *func,
    size_t count, size_t bytes)
{
	struct site_seen *ss = arg;
	size_t flen = strlen(file);

	if (line != ss->ss_line || flen < 8 ||
	    strcmp(file + flen - 8, "k_kmem.c") != 0 || ss->ss_nsites >= 4)
		return;
	ss->ss_count[ss->ss_nsites] = count;
	ss->ss_bytes[ss->ss_nsites] = bytes;
	snprintf(ss->ss_func, sizeof(ss->ss_func), "%s", func);
	ss->ss_nsites++;
}

H_TC(sites_count_per_line,
    "rump_pub_kmem_sites() lists each allocating line of k_kmem.c with "
    "its outstanding allocations and bytes, and drops it once freed")
{
	struct site_seen ss;
	int line;

	line = alloc_slot(0, 100, KTEST_KM_SLEEP);
	ATF_REQUIRE_EQ(alloc_slot(1, 200, KTEST_KM_SLEEP), line);
	memset(&ss, 0, sizeof(ss));
	ss.ss_line = line;
	ATF_REQUIRE(rump_pub_kmem_sites(collect_site, &ss) >= 1);
	ATF_REQUIRE_EQ_MSG(ss.ss_nsites, 1, "sites at k_kmem.c:%d: %d",
	    line, ss.ss_nsites);
	ATF_REQUIRE_EQ(ss.ss_count[0], 2);
	ATF_REQUIRE_EQ(ss.ss_bytes[0], 300);
	ATF_REQUIRE_STREQ(ss.ss_func, SITE_FUNC);

	/* The same line's kmem_zalloc is a site of its own. */
	ATF_REQUIRE_EQ(alloc_slot(2, 50, KTEST_KM_ZERO), line);
	memset(&ss, 0, sizeof(ss));
	ss.ss_line = line;
	(void)rump_pub_kmem_sites(collect_site, &ss);
	ATF_REQUIRE_EQ(ss.ss_nsites, 2);
	ATF_REQUIRE_EQ(ss.ss_count[0] + ss.ss_count[1], 3);
	ATF_REQUIRE_EQ(ss.ss_bytes[0] + ss.ss_bytes[1], 350);
	ATF_REQUIRE(ss.ss_bytes[0] == 50 || ss.ss_bytes[1] == 50);

	RZ(rump_pub_ktest_kmem_free(0));
	RZ(rump_pub_ktest_kmem_free(1));
	RZ(rump_pub_ktest_kmem_free(2));
	memset(&ss, 0, sizeof(ss));
	ss.ss_line = line;
	(void)rump_pub_kmem_sites(collect_site, &ss);
	ATF_REQUIRE_EQ(ss.ss_nsites, 0);
}

H_TC(recycle_moves_accounting,
    "kmem_recycle_site (the mbuf cache's reuse of a block) moves the "
    "block's accounting to the new line, leaving the bytes in use alone")
{
	struct site_seen ss;
	size_t base;
	int line, rline = 0;

	warm_up();
	base = rump_pub_kmem_inuse();
	line = alloc_slot(0, 100, KTEST_KM_SLEEP);
	RZ(rump_pub_ktest_kmem_recycle(0, 0, &rline));
	ATF_REQUIRE(rline > 0 && rline != line);
	ATF_REQUIRE_EQ(rump_pub_kmem_inuse(), base + 100);
	memset(&ss, 0, sizeof(ss));
	ss.ss_line = line;
	(void)rump_pub_kmem_sites(collect_site, &ss);
	ATF_REQUIRE_EQ_MSG(ss.ss_nsites, 0, "the old line still holds it");
	memset(&ss, 0, sizeof(ss));
	ss.ss_line = rline;
	(void)rump_pub_kmem_sites(collect_site, &ss);
	ATF_REQUIRE_EQ(ss.ss_nsites, 1);
	ATF_REQUIRE_EQ(ss.ss_count[0], 1);
	ATF_REQUIRE_EQ(ss.ss_bytes[0], 100);
	/* Recycled again at the same line: still one block there. */
	RZ(rump_pub_ktest_kmem_recycle(0, 0, &rline));
	memset(&ss, 0, sizeof(ss));
	ss.ss_line = rline;
	(void)rump_pub_kmem_sites(collect_site, &ss);
	ATF_REQUIRE_EQ(ss.ss_count[0], 1);
	RZ(rump_pub_ktest_kmem_free(0));
	memset(&ss, 0, sizeof(ss));
	ss.ss_line = rline;
	(void)rump_pub_kmem_sites(collect_site, &ss);
	ATF_REQUIRE_EQ(ss.ss_nsites, 0);
	ATF_REQUIRE_EQ(rump_pub_kmem_inuse(), base);
}

H_TC_ENV(recycle_counts_for_fault_injection, "RUMP_FAIL_NTH=2",
    "a KM_NOSLEEP kmem_recycle_site is an injection point like an "
    "allocation: failed, the block stays with its old owner")
{
	struct site_seen ss;
	int line, rline = 0;

	line = alloc_slot(0, 64, 0);		/* the first: passes */
	ATF_REQUIRE_EQ(rump_pub_ktest_kmem_recycle(0, 0, &rline), ENOMEM);
	ATF_REQUIRE_EQ(rump_pub_fault_count(), 2);
	memset(&ss, 0, sizeof(ss));
	ss.ss_line = line;
	(void)rump_pub_kmem_sites(collect_site, &ss);
	ATF_REQUIRE_EQ(ss.ss_nsites, 1);
	RZ(rump_pub_ktest_kmem_recycle(0, 0, &rline));	/* the third */
	RZ(rump_pub_ktest_kmem_free(0));
}

static void
child_leak(void *arg)
{
	char report[1024];
	int line = 0, error;

	(void)arg;
	if ((error = rump_init()) != 0) {
		h_child_printf("rump_init: %d\n", error);
		return;
	}
	error = rump_pub_ktest_kmem_leak(777, &line);
	h_child_printf("leak: %d\nktest-line=%d\n", error, line);
	if (rump_sys_reboot(0, NULL) == -1)
		h_child_printf("rump_sys_reboot: %s\n", strerror(errno));
	h_kmem_report(report, sizeof(report));
	h_child_printf("h_kmem_report: %s\n", report);
	h_shutdown_check();	/* fails the child: exit status 1 */
	h_child_printf("h_shutdown_check returned\n");
}

ATF_TC_WITHOUT_HEAD(leak_fails_naming_site);
ATF_TC_BODY(leak_fails_naming_site, tc)
{
	struct h_child hc;
	int line;

	h_child_run(child_leak, NULL, 60, &hc);
	line = child_line(&hc);
	h_child_require_output(&hc, "leak: 0\n");
	if (!hc.hc_exited || hc.hc_status == 0)
		h_child_fail(&hc, "child with a leak did not fail (exited %d, "
		    "status %d, signal %d)", hc.hc_exited, hc.hc_status,
		    hc.hc_signal);
	require_outputf(&hc, "rump shutdown: kernel memory leak: 777 bytes "
	    "in 1 allocation from tests/kernel/k_kmem.c:%d "
	    "(rump_pub_ktest_kmem_leak)", line);
	require_outputf(&hc, "h_kmem_report: 777 bytes in 1 allocation from "
	    "tests/kernel/k_kmem.c:%d (rump_pub_ktest_kmem_leak)\n", line);
	ATF_REQUIRE(strstr(hc.hc_output, "h_shutdown_check returned") ==
	    NULL);
	h_child_free(&hc);
	h_shutdown_check();
}

/* What a misuse child does after booting and allocating slot 0. */
enum misuse { WRONG_SIZE, DOUBLE_FREE, DOUBLE_FREE_REUSED, OVERRUN,
    ALLOC_ZERO };

static void
child_misuse(void *arg)
{
	enum misuse m = *(enum misuse *)arg;
	int line = 0, error;

	if ((error = rump_init()) != 0) {
		h_child_printf("rump_init: %d\n", error);
		return;
	}
	error = rump_pub_ktest_kmem_alloc(0, 48, KTEST_KM_SLEEP, &line);
	h_child_printf("alloc: %d\nktest-line=%d\n", error, line);
	switch (m) {
	case WRONG_SIZE:
		error = rump_pub_ktest_kmem_free_size(0, 40);
		break;
	case DOUBLE_FREE:
		error = rump_pub_ktest_kmem_double_free();
		break;
	case DOUBLE_FREE_REUSED:
		error = rump_pub_ktest_kmem_double_free_reused();
		break;
	case OVERRUN:
		error = rump_pub_ktest_kmem_overrun(0);
		break;
	case ALLOC_ZERO:
		error = rump_pub_ktest_kmem_alloc_zero();
		break;
	}
	h_child_printf("misuse returned %d: no panic\n", error);
}

static void
run_misuse(enum misuse m, struct h_child *hc)
{
	h_child_run(child_misuse, &m, 60, hc);
	h_child_require_output(hc, "alloc: 0\n");
}

ATF_TC_WITHOUT_HEAD(free_wrong_size_panics);
ATF_TC_BODY(free_wrong_size_panics, tc)
{
	struct h_child hc;

	run_misuse(WRONG_SIZE, &hc);
	h_child_require_panic(&hc, "freed with size 40, allocated with 48 "
	    "at tests/kernel/k_kmem.c:");
	require_outputf(&hc, "allocated with 48 at tests/kernel/k_kmem.c:%d "
	    "(" SITE_FUNC ")", child_line(&hc));
	h_child_free(&hc);
}

ATF_TC_WITHOUT_HEAD(double_free_panics);
ATF_TC_BODY(double_free_panics, tc)
{
	struct h_child hc;

	run_misuse(DOUBLE_FREE, &hc);
	h_child_require_panic(&hc, "kmem_free: double free of ");
	h_child_require_output(&hc, "(32 bytes)");
	h_child_free(&hc);
}

ATF_TC_WITHOUT_HEAD(double_free_after_reuse_panics);
ATF_TC_BODY(double_free_after_reuse_panics, tc)
{
	struct h_child hc;

	/*
	 * Where the host allocator hands the freed block straight back, the
	 * second free names a live block of the right size: only holding
	 * freed blocks back for a while lets kmem tell.
	 */
	run_misuse(DOUBLE_FREE_REUSED, &hc);
	h_child_require_panic(&hc, "kmem_free: double free of ");
	ATF_REQUIRE(strstr(hc.hc_output, "went unnoticed") == NULL);
	h_child_free(&hc);
}

ATF_TC_WITHOUT_HEAD(overrun_panics);
ATF_TC_BODY(overrun_panics, tc)
{
	struct h_child hc;

	run_misuse(OVERRUN, &hc);
	h_child_require_panic(&hc, "overrun past its 48 bytes");
	require_outputf(&hc, "overrun past its 48 bytes; allocated at "
	    "tests/kernel/k_kmem.c:%d (" SITE_FUNC ")", child_line(&hc));
	h_child_free(&hc);
}

ATF_TC_WITHOUT_HEAD(alloc_zero_panics);
ATF_TC_BODY(alloc_zero_panics, tc)
{
	struct h_child hc;

	run_misuse(ALLOC_ZERO, &hc);
	h_child_require_panic(&hc, "kmem_alloc: bad size 0 at "
	    "tests/kernel/k_kmem.c:");
	ATF_REQUIRE(strstr(hc.hc_output, "returned") == NULL);
	h_child_free(&hc);
}

H_TC_ENV(memlimit_nosleep_fails_past_limit, "RUMP_MEMLIMIT=64k",
    "under RUMP_MEMLIMIT=64k a KM_NOSLEEP allocation past the limit "
    "returns NULL while smaller ones still fit, up to exactly the limit; "
    "after a free they succeed again")
{
	size_t base, room;
	int line;

	warm_up();
	base = rump_pub_kmem_inuse();
	ATF_REQUIRE_MSG(base < 16 * KiB, "boot uses %zu bytes", base);
	room = 64 * KiB - base;

	(void)alloc_slot(0, room - 4 * KiB, 0);
	ATF_REQUIRE_EQ(rump_pub_ktest_kmem_alloc(1, 8 * KiB, 0, &line),
	    ENOMEM);
	ATF_REQUIRE_EQ(rump_pub_kmem_inuse(), 64 * KiB - 4 * KiB);
	(void)alloc_slot(1, 1 * KiB, 0);
	/* Exactly up to the limit fits; one byte more does not. */
	(void)alloc_slot(2, 3 * KiB, 0);
	ATF_REQUIRE_EQ(rump_pub_kmem_inuse(), 64 * KiB);
	ATF_REQUIRE_EQ(rump_pub_ktest_kmem_alloc(3, 1, 0, &line), ENOMEM);

	RZ(rump_pub_ktest_kmem_free(0));
	(void)alloc_slot(3, 8 * KiB, 0);
	RZ(rump_pub_ktest_kmem_free(1));
	RZ(rump_pub_ktest_kmem_free(2));
	RZ(rump_pub_ktest_kmem_free(3));
	ATF_REQUIRE_EQ(rump_pub_kmem_inuse(), base);
}

/* Hold all but 2 KiB under the limit and wait for 8 KiB. */
static void
sleep_waits_for_free(void)
{
	unsigned int waited = 0;

	warm_up();
	(void)alloc_slot(0, 64 * KiB - rump_pub_kmem_inuse() - 2 * KiB, 0);
	RZ(rump_pub_ktest_kmem_wait_for_free(0, 8 * KiB, 200, &waited));
	printf("KM_SLEEP allocation waited %u ms\n", waited);
	ATF_REQUIRE_MSG(waited < 2000, "waited %u ms", waited);
}

H_TC_ENV(memlimit_sleep_waits_for_free, "RUMP_MEMLIMIT=64k",
    "under RUMP_MEMLIMIT a KM_SLEEP allocation past the limit waits and "
    "succeeds once another kernel thread frees memory")
{
	sleep_waits_for_free();
}

H_TC_ENV(memlimit_sleep_waits_for_free_ncpu2, "RUMP_MEMLIMIT=64k RUMP_NCPU=2",
    "memlimit_sleep_waits_for_free with two virtual CPUs")
{
	sleep_waits_for_free();
}

static void
child_exhaust(void *arg)
{
	int line = 0, error;

	(void)arg;
	h_setenv("RUMP_MEMLIMIT=64k");
	if ((error = rump_init()) != 0) {
		h_child_printf("rump_init: %d\n", error);
		return;
	}
	error = rump_pub_ktest_kmem_alloc(0, 48 * KiB, 0, &line);
	h_child_printf("hold: %d\n", error);
	error = rump_pub_ktest_kmem_alloc(1, 32 * KiB, KTEST_KM_SLEEP, &line);
	h_child_printf("KM_SLEEP returned %d: no panic\n", error);
}

ATF_TC(memlimit_sleep_panics_when_never_freed);
ATF_TC_HEAD(memlimit_sleep_panics_when_never_freed, tc)
{
	atf_tc_set_md_var(tc, "descr", "a KM_SLEEP allocation that cannot "
	    "fit under RUMP_MEMLIMIT and sees no free panics after a while, "
	    "naming the limit, the sizes and the site");
	atf_tc_set_md_var(tc, "timeout", "120");
}
ATF_TC_BODY(memlimit_sleep_panics_when_never_freed, tc)
{
	struct h_child hc;

	h_child_run(child_exhaust, NULL, 100, &hc);
	h_child_require_output(&hc, "hold: 0\n");
	h_child_require_panic(&hc, "kmem_alloc: RUMP_MEMLIMIT=65536 "
	    "exhausted: ");
	h_child_require_output(&hc, "32768 more requested by "
	    "tests/kernel/k_kmem.c:");
	h_child_require_output(&hc, "with KM_SLEEP");
	h_child_free(&hc);
}

static const char *const bad_memlimits[] = { "abc", "0", "-5", "12q", "",
    "4095", "99999999999999999999k" };

static void
child_bad_memlimits(void *arg)
{
	(void)arg;
	for (size_t i = 0; i < NBAD; i++) {
		setenv("RUMP_MEMLIMIT", bad_memlimits[i], 1);
		h_child_printf("RUMP_MEMLIMIT=[%s]: rump_init %s\n", bad_memlimits[i],
		    h_errname(rump_init()));
	}
}

ATF_TC_WITHOUT_HEAD(memlimit_bad_value_fails_boot);
ATF_TC_BODY(memlimit_bad_value_fails_boot, tc)
{
	struct h_child hc;

	for (size_t i = 0; i < NBAD; i++) {
		setenv("RUMP_MEMLIMIT", bad_memlimits[i], 1);
		ATF_REQUIRE_EQ_MSG(rump_init(), EINVAL, "RUMP_MEMLIMIT=\"%s\"",
		    bad_memlimits[i]);
		ATF_REQUIRE(!rump_booted());
		ATF_REQUIRE_EQ(rump_pub_kmem_inuse(), 0);
	}
	/* A good value still boots afterwards. */
	setenv("RUMP_MEMLIMIT", "1m", 1);
	RZ(rump_init());
	RL(rump_sys_reboot(0, NULL));
	unsetenv("RUMP_MEMLIMIT");
	h_shutdown_check();

	h_child_run(child_bad_memlimits, NULL, 60, &hc);
	for (size_t i = 0; i < NBAD; i++) {
		require_outputf(&hc, "rump_init: RUMP_MEMLIMIT=\"%s\" is not "
		    "a size", bad_memlimits[i]);
		require_outputf(&hc, "RUMP_MEMLIMIT=[%s]: rump_init EINVAL\n",
		    bad_memlimits[i]);
	}
	h_child_free(&hc);
}

H_TC_ENV(fault_nth_fails_only_nth_nosleep, "RUMP_FAIL_NTH=3",
    "RUMP_FAIL_NTH=3 fails the third KM_NOSLEEP allocation after boot, "
    "once; KM_SLEEP allocations are not counted")
{
	int line;

	ATF_REQUIRE_EQ(rump_pub_fault_count(), 0);
	(void)alloc_slot(0, 16, KTEST_KM_SLEEP);
	ATF_REQUIRE_EQ(rump_pub_fault_count(), 0);
	(void)alloc_slot(1, 16, 0);
	(void)alloc_slot(2, 16, KTEST_KM_ZERO);
	ATF_REQUIRE_EQ(rump_pub_fault_count(), 2);
	ATF_REQUIRE_EQ(rump_pub_ktest_kmem_alloc(3, 16, 0, &line), ENOMEM);
	ATF_REQUIRE_EQ(rump_pub_fault_count(), 3);
	(void)alloc_slot(3, 16, 0);
	ATF_REQUIRE_EQ(rump_pub_fault_count(), 4);
	for (unsigned int i = 0; i < 4; i++)
		RZ(rump_pub_ktest_kmem_free(i));
}

static void
child_fail_first(void *arg)
{
	int line = 0, error;

	(void)arg;
	h_setenv("RUMP_FAIL_NTH=1");
	if ((error = rump_init()) != 0) {
		h_child_printf("rump_init: %d\n", error);
		return;
	}
	error = rump_pub_ktest_kmem_alloc(0, 16, 0, &line);
	h_child_printf("first: %s\nktest-line=%d\n", h_errname(error), line);
	error = rump_pub_ktest_kmem_alloc(0, 16, 0, &line);
	h_child_printf("second: %d\ncount: %llu\n", error, rump_pub_fault_count());
	(void)rump_pub_ktest_kmem_free(0);
	(void)rump_sys_reboot(0, NULL);
}

ATF_TC_WITHOUT_HEAD(fault_nth_names_site);
ATF_TC_BODY(fault_nth_names_site, tc)
{
	struct h_child hc;

	h_child_run(child_fail_first, NULL, 60, &hc);
	if (!hc.hc_exited || hc.hc_status != 0)
		h_child_fail(&hc, "child failed (exited %d, status %d, signal "
		    "%d)", hc.hc_exited, hc.hc_status, hc.hc_signal);
	h_child_require_output(&hc, "first: ENOMEM\n");
	h_child_require_output(&hc, "second: 0\ncount: 2\n");
	require_outputf(&hc, "fault injection: allocation 1 fails at "
	    "tests/kernel/k_kmem.c:%d (" SITE_FUNC ")\n", child_line(&hc));
	h_child_free(&hc);
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, inuse_follows_alloc_and_free);
	ATF_TP_ADD_TC(tp, zalloc_returns_zeroes);
	ATF_TP_ADD_TC(tp, sites_count_per_line);
	ATF_TP_ADD_TC(tp, recycle_moves_accounting);
	ATF_TP_ADD_TC(tp, recycle_counts_for_fault_injection);
	ATF_TP_ADD_TC(tp, leak_fails_naming_site);
	ATF_TP_ADD_TC(tp, free_wrong_size_panics);
	ATF_TP_ADD_TC(tp, double_free_panics);
	ATF_TP_ADD_TC(tp, double_free_after_reuse_panics);
	ATF_TP_ADD_TC(tp, overrun_panics);
	ATF_TP_ADD_TC(tp, alloc_zero_panics);
	ATF_TP_ADD_TC(tp, memlimit_nosleep_fails_past_limit);
	ATF_TP_ADD_TC(tp, memlimit_sleep_waits_for_free);
	ATF_TP_ADD_TC(tp, memlimit_sleep_waits_for_free_ncpu2);
	ATF_TP_ADD_TC(tp, memlimit_sleep_panics_when_never_freed);
	ATF_TP_ADD_TC(tp, memlimit_bad_value_fails_boot);
	ATF_TP_ADD_TC(tp, fault_nth_fails_only_nth_nosleep);
	ATF_TP_ADD_TC(tp, fault_nth_names_site);
	return atf_no_error();
}
