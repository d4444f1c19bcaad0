/*
 * t_panic.c: how the kernel reports its own death and formats text.  A
 * panic or a failed KASSERT must abort the process (so ATF records a
 * signal and gdb stops there) after printing the message, once, and a
 * backtrace; the kernel's printf must format like the host's, which is
 * the oracle: the same table of formats (k_panic.h) goes through both.
 */
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rump/rump.h>

#include "harness.h"
#include "k_panic.h"

#define BUFLEN	512

static void
child_panic(void *arg)
{
	int error;

	(void)arg;
	if ((error = rump_init()) != 0) {
		h_child_printf("rump_init: %d\n", error);
		return;
	}
	h_child_printf("booted\n");
	error = rump_pub_ktest_panic(42);
	h_child_printf("rump_pub_ktest_panic returned %d\n", error);
}

ATF_TC_WITHOUT_HEAD(panic_aborts_with_message_and_backtrace);
ATF_TC_BODY(panic_aborts_with_message_and_backtrace, tc)
{
	struct h_child hc;
	const char *msg;

	h_child_run(child_panic, NULL, 60, &hc);
	h_child_require_output(&hc, "booted\n");
	h_child_require_panic(&hc, "panic: ktest: deliberate panic 42\n");
	ATF_REQUIRE_EQ(hc.hc_signal, SIGABRT);
	/* The backtrace follows the message. */
	msg = strstr(hc.hc_output, "panic: ktest: deliberate panic 42");
	if (strstr(msg, "backtrace") == NULL)
		h_child_fail(&hc, "no backtrace after the message");
	/* And the frames in source terms, down to the kernel half's line. */
	h_child_require_output(&hc, "rumpuser: in the source:");
	h_child_require_output(&hc, "vpanic at ");
	h_child_require_output(&hc, "rump_pub_ktest_panic at ");
	h_child_require_output(&hc, "k_panic.c:");
	ATF_REQUIRE(strstr(hc.hc_output, "returned") == NULL);
	h_child_free(&hc);
}

static void
child_kassert(void *arg)
{
	int line = 0, error;

	(void)arg;
	if ((error = rump_init()) != 0) {
		h_child_printf("rump_init: %d\n", error);
		return;
	}
	error = rump_pub_ktest_kassert(1, 10, &line);
	h_child_printf("holds: %d\nktest-line=%d\n", error, line);
	error = rump_pub_ktest_kassert(10, 10, &line);
	h_child_printf("rump_pub_ktest_kassert(10, 10) returned %d\n", error);
}

ATF_TC_WITHOUT_HEAD(kassert_names_expression_file_line);
ATF_TC_BODY(kassert_names_expression_file_line, tc)
{
	struct h_child hc;
	const char *s;
	char needle[256];

	h_child_run(child_kassert, NULL, 60, &hc);
	h_child_require_output(&hc, "holds: 0\n");
	s = strstr(hc.hc_output, "ktest-line=");
	ATF_REQUIRE(s != NULL);
	snprintf(needle, sizeof(needle), "panic: kernel assertion "
	    "\"v < limit\" failed: file \"tests/kernel/k_panic.c\", line %d, "
	    "function \"rump_pub_ktest_kassert\"\n",
	    atoi(s + strlen("ktest-line=")));
	h_child_require_panic(&hc, needle);
	h_child_require_output(&hc, "backtrace");
	ATF_REQUIRE(strstr(hc.hc_output, "returned") == NULL);
	h_child_free(&hc);
}

/* The host half of the format table: libc's snprintf. */
static int
host_snprintf(unsigned int which, char *buf, size_t len)
{
	unsigned int i = 0;
	int ret = -1;

#define PRF_CASE(...)							\
	if (i++ == which)						\
		ret = snprintf(buf, len, __VA_ARGS__);
	KTEST_PRF_CASES(PRF_CASE)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat"
	KTEST_PRF_ODD_CASES(PRF_CASE)
#pragma GCC diagnostic pop
#undef PRF_CASE
	return ret;
}

#define PRF_NAME(...)	#__VA_ARGS__,
static const char *const prf_names[] = { KTEST_PRF_ALL_CASES(PRF_NAME) };

/*
 * Compare one case at one buffer length (bytes past len must stay
 * untouched); print a difference and return 1 if there is one.
 */
static int
compare_case(unsigned int i, size_t len)
{
	char kbuf[BUFLEN + 8], hbuf[BUFLEN + 8];
	int kret = -1, hret;

	memset(kbuf, 'Z', sizeof(kbuf));
	memset(hbuf, 'Z', sizeof(hbuf));
	RZ(rump_pub_ktest_snprintf(i, kbuf, len, &kret));
	hret = host_snprintf(i, hbuf, len);
	if (kret == hret && memcmp(kbuf, hbuf, sizeof(kbuf)) == 0)
		return 0;
	fprintf(stderr, "snprintf(buf, %zu, %s):\n  kernel %d \"%.*s\"\n"
	    "  host   %d \"%.*s\"\n", len, prf_names[i], kret, (int)len, kbuf,
	    hret, (int)len, hbuf);
	return 1;
}

H_TC(printf_formats_like_host,
    "the kernel's snprintf formats the conversions d i u x X o s p c and "
    "the percent sign, with l ll z t j h hh, width, precision, star, "
    "zero padding, left justification and the # + space flags exactly "
    "like the host's snprintf")
{
	ATF_REQUIRE_EQ(KTEST_PRF_NCASES,
	    sizeof(prf_names) / sizeof(prf_names[0]));
	int nbad = 0;

	for (unsigned int i = 0; i < KTEST_PRF_NCASES; i++)
		nbad += compare_case(i, BUFLEN);
	ATF_REQUIRE_EQ_MSG(nbad, 0, "%d of %d formats differ from the host's "
	    "(listed on stderr)", nbad, (int)KTEST_PRF_NCASES);
	/* One past the table is refused, not formatted. */
	{
		char buf[8];
		int ret;

		ATF_REQUIRE_EQ(rump_pub_ktest_snprintf(KTEST_PRF_NCASES, buf,
		    sizeof(buf), &ret), EINVAL);
	}
}

H_TC(printf_truncates_and_returns_full_length,
    "the kernel's snprintf into a short buffer writes what fits plus a "
    "NUL, nothing past the buffer, and returns the full length, at every "
    "buffer size from 0 up")
{
	char buf[16];
	int ret = -1;

	/* Case 0 is "plain text". */
	memset(buf, 'Z', sizeof(buf));
	RZ(rump_pub_ktest_snprintf(0, buf, 6, &ret));
	ATF_REQUIRE_EQ(ret, 10);
	ATF_REQUIRE_STREQ(buf, "plain");
	ATF_REQUIRE_EQ(buf[6], 'Z');

	memset(buf, 'Z', sizeof(buf));
	RZ(rump_pub_ktest_snprintf(0, buf, 0, &ret));
	ATF_REQUIRE_EQ(ret, 10);
	ATF_REQUIRE_EQ(buf[0], 'Z');

	for (unsigned int i = 0; i < KTEST_PRF_NCASES; i++) {
		char hbuf[BUFLEN];
		int full = host_snprintf(i, hbuf, sizeof(hbuf)), nbad = 0;

		for (size_t len = 0; len <= (size_t)full + 1; len++)
			nbad += compare_case(i, len);
		ATF_REQUIRE_EQ_MSG(nbad, 0, "%s differs from the host's at %d "
		    "buffer sizes (listed on stderr)", prf_names[i], nbad);
	}
}

static void
child_panic_concurrent(void *arg)
{
	int error;

	(void)arg;
	h_setenv("RUMP_NCPU=2");
	if ((error = rump_init()) != 0) {
		h_child_printf("rump_init: %d\n", error);
		return;
	}
	error = rump_pub_ktest_panic_concurrent();
	h_child_printf("rump_pub_ktest_panic_concurrent returned %d\n", error);
}

static int
count(const char *hay, const char *needle)
{
	int n = 0;

	for (const char *s = hay; (s = strstr(s, needle)) != NULL; s++)
		n++;
	return n;
}

ATF_TC(panic_message_printed_once);
ATF_TC_HEAD(panic_message_printed_once, tc)
{
	atf_tc_set_md_var(tc, "descr", "when two threads panic at the same "
	    "moment, exactly one panic message is printed, in full, before "
	    "the process aborts");
	atf_tc_set_md_var(tc, "timeout", "300");
}
ATF_TC_BODY(panic_message_printed_once, tc)
{
	struct h_child hc;

	/* A race: try it a few times. */
	for (int i = 0; i < 10; i++) {
		h_child_run(child_panic_concurrent, NULL, 60, &hc);
		h_child_require_panic(&hc, "panic: ktest: concurrent panic "
		    "from the ");
		if (count(hc.hc_output, "panic: ") != 1)
			h_child_fail(&hc, "run %d: %d panic messages", i,
			    count(hc.hc_output, "panic: "));
		/*
		 * One backtrace, after the message: the other thread must
		 * not print its own and abort before the message is out.
		 */
		if (count(hc.hc_output, "backtrace:") != 1)
			h_child_fail(&hc, "run %d: %d backtraces", i,
			    count(hc.hc_output, "backtrace:"));
		if (strstr(strstr(hc.hc_output, "panic: "), "backtrace:") ==
		    NULL)
			h_child_fail(&hc, "run %d: backtrace before the message",
			    i);
		h_child_free(&hc);
	}
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, panic_aborts_with_message_and_backtrace);
	ATF_TP_ADD_TC(tp, kassert_names_expression_file_line);
	ATF_TP_ADD_TC(tp, printf_formats_like_host);
	ATF_TP_ADD_TC(tp, printf_truncates_and_returns_full_length);
	ATF_TP_ADD_TC(tp, panic_message_printed_once);
	return atf_no_error();
}
