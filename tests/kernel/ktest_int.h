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

/* Atomic counters shared between test threads. */
#define ATOMIC_INC(p)	__atomic_add_fetch((p), 1, __ATOMIC_SEQ_CST)
#define ATOMIC_DEC(p)	__atomic_sub_fetch((p), 1, __ATOMIC_SEQ_CST)
#define ATOMIC_LOAD(p)	__atomic_load_n((p), __ATOMIC_SEQ_CST)

struct lwp;

/* A joinable kernel thread started by a test, and its argument. */
struct ktest_worker {
	void		*w_state;	/* shared by the test's workers */
	unsigned	 w_idx;
	struct lwp	*w_lwp;
};

/* Start fn(w) as joinable kernel thread "<name><idx>"; 0 or errno. */
int	ktest_spawn(struct ktest_worker *w, unsigned idx, void (*fn)(void *),
	    void *state, const char *name);
/* Start n of them; *np says how many started (join those). */
int	ktest_spawn_all(struct ktest_worker *w, unsigned n, unsigned *np,
	    void (*fn)(void *), void *state, const char *name);
void	ktest_join_all(struct ktest_worker *w, unsigned n);
/* Burn a little CPU without sleeping. */
void	ktest_spin(unsigned n);
/*
 * Wait off-CPU until *p reaches *want (re-read each time, so a test that
 * could not start all its threads can lower it): 0, or ETIMEDOUT at the
 * deadline.
 */
int	ktest_wait_count(unsigned *p, const unsigned *want,
	    uint64_t deadline_ns);

#endif /* _KTEST_INT_H_ */
