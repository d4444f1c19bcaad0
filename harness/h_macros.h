/*
 * h_macros.h: assertion macros for test bodies, in the style of
 * NetBSD's tests.  Failures name the expression, the errno by name and
 * its text:  "rump_sys_close(fd): EBADF (Bad file descriptor)".
 *
 *   RL(expr)   expr returns -1 and sets errno on failure; yields expr.
 *   RZ(expr)   expr returns 0 or an errno value.
 *   H_REQUIRE_ERRNO(err, expr)   expr must fail with -1 and errno err.
 */
#ifndef _HARNESS_H_MACROS_H_
#define _HARNESS_H_MACROS_H_

#include <errno.h>
#include <string.h>

#include <atf-c.h>

/* "EBADF", or "errno 1234" for values glibc has no name for. */
const char *h_errname(int error);

#define RL(x) __extension__ ({						\
	__typeof__(x) __rl_v = (x);					\
	if (__rl_v == (__typeof__(x))-1)				\
		atf_tc_fail_requirement(__FILE__, __LINE__,		\
		    "%s: %s (%s)", #x, h_errname(errno),		\
		    strerror(errno));					\
	__rl_v;								\
})

#define RZ(x) do {							\
	int __rz_e = (x);						\
	if (__rz_e != 0)						\
		atf_tc_fail_requirement(__FILE__, __LINE__,		\
		    "%s: %s (%s)", #x, h_errname(__rz_e),		\
		    strerror(__rz_e));					\
} while (0)

#define H_REQUIRE_ERRNO(err, x) do {					\
	long __re_v;							\
	errno = 0;							\
	__re_v = (long)(x);						\
	if (__re_v != -1 || errno != (err))				\
		atf_tc_fail_requirement(__FILE__, __LINE__,		\
		    "%s: expected -1 with %s, got %ld with %s", #x,	\
		    h_errname(err), __re_v, h_errname(errno));		\
} while (0)

#endif /* _HARNESS_H_MACROS_H_ */
