/*
 * harness.h: the test writer's library.
 *
 * H_TC(name, descr) { body } declares an ATF case that boots a kernel,
 * runs body, shuts the kernel down and fails if any kernel memory is
 * still allocated, naming each leaking call site.  H_TC_ENV adds boot
 * parameters ("RUMP_NCPU=2 RUMP_MEMLIMIT=1m").  Add cases with
 * ATF_TP_ADD_TC as usual.
 *
 * h_child_run() runs a function in a child process and captures its
 * output and fate, for checking panics and boot errors from outside.
 */
#ifndef _HARNESS_HARNESS_H_
#define _HARNESS_HARNESS_H_

#include <stddef.h>
#include <sys/types.h>

#include <atf-c.h>

#include "h_macros.h"

/* Set space-separated NAME=value pairs in the environment. */
void	h_setenv(const char *env);
/* Apply env, then rump_init(); fails the case if the boot fails. */
void	h_boot(const char *env);
/*
 * Shut the kernel down (if it is still up) and fail the case listing
 * every call site with kernel memory still allocated.
 */
void	h_shutdown_check(void);
/* Render the outstanding kernel allocations; "" if none. */
void	h_kmem_report(char *buf, size_t len);

#define H_TC_ENV(name, env, descr)					\
	static void name##_hbody(const atf_tc_t *);			\
	ATF_TC(name);							\
	ATF_TC_HEAD(name, tc)						\
	{								\
		atf_tc_set_md_var(tc, "descr", "%s", descr);		\
	}								\
	ATF_TC_BODY(name, tc)						\
	{								\
		h_boot(env);						\
		name##_hbody(tc);					\
		h_shutdown_check();					\
	}								\
	static void name##_hbody(const atf_tc_t *tc __attribute__((__unused__)))

#define H_TC(name, descr)	H_TC_ENV(name, NULL, descr)

/* What became of a child run by h_child_run. */
struct h_child {
	int	 hc_exited;	/* exited normally ... */
	int	 hc_status;	/* ... with this status */
	int	 hc_signal;	/* or was killed by this signal */
	int	 hc_timedout;	/* killed by us after the time limit */
	char	*hc_output;	/* stdout and stderr, NUL-terminated */
	size_t	 hc_outlen;
};

/*
 * Run fn(arg) in a child with stdout and stderr captured; the child
 * exits 0 when fn returns.  Killed after timeout_s seconds.
 */
void	h_child_run(void (*fn)(void *), void *arg, int timeout_s,
	    struct h_child *hc);
void	h_child_free(struct h_child *hc);
/*
 * Fail with a one-line reason (ATF's rule), the child's output going to
 * stderr, where Kyua keeps it.
 */
void	h_child_fail(const struct h_child *hc, const char *fmt, ...)
	    __attribute__((__format__(__printf__, 2, 3), __noreturn__));
/* printf in a child and flush, so the line survives a panic after it. */
void	h_child_printf(const char *fmt, ...)
	    __attribute__((__format__(__printf__, 1, 2)));
/* Fail unless the child's output contains needle. */
void	h_child_require_output(const struct h_child *hc, const char *needle);
/* Fail unless the child exited normally with this status. */
void	h_child_require_exit(const struct h_child *hc, int status);
/* Fail unless the child died of SIGABRT (a kernel panic). */
void	h_child_require_panic(const struct h_child *hc, const char *msg);

#endif /* _HARNESS_HARNESS_H_ */
