/*
 * ktest_int.h: helpers for the kernel halves of tests (k_<topic>.c,
 * compiled as kernel code).  A kernel half exports rump_pub_ktest_*
 * functions, declared in k_<topic>.h with freestanding types only, that
 * enter the kernel, exercise one mechanism and return 0 or a *host*
 * errno value (check them with RZ()); on failure they print what they
 * saw on the console (stderr), which Kyua keeps.
 */
#ifndef _KTEST_INT_H_
#define _KTEST_INT_H_

#include <rump-sys/systm.h>
#include <rump-sys/sched.h>
#include <rump/rumpuser.h>

/* Enter and leave the kernel around a test body. */
#define KTEST_ENTER()	rump_schedule()
#define KTEST_LEAVE(kerr) __extension__ ({				\
	int __kerr = (kerr);						\
	rump_unschedule();						\
	rumpuser_errno_tohost(__kerr);					\
})

/* Report a failed expectation on the console and yield EIO. */
#define KTEST_CHECK(cond, fmt, ...) do {				\
	if (!(cond)) {							\
		printf("ktest %s:%d: %s: " fmt "\n", __FILE__,		\
		    __LINE__, #cond, ##__VA_ARGS__);			\
		error = EIO;						\
		goto out;						\
	}								\
} while (0)

#endif /* _KTEST_INT_H_ */
