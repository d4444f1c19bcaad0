/*
 * t_locks.c: kernel mutexes, rwlocks and condition variables, under
 * both implementations.  Every lock case runs three times: on one
 * virtual CPU (where boot must pick the uniprocessor locks, which use
 * no atomics and rely on the CPU being the big lock), and on two and
 * four CPUs (host-lock based multiprocessor locks).  The scenarios run
 * inside the kernel (k_locks.c); misuse must panic with a message a
 * driver writer can act on, and is checked in a child process.
 */
#include <stdio.h>
#include <string.h>

#include <rump/rump.h>

#include "harness.h"
#include "k_locks.h"

/* One way of booting: the environment and what it must select. */
struct variant {
	const char	*v_env;
	int		 v_ncpu;
	int		 v_up;		/* uniprocessor locks expected */
};

static const struct variant v_up = { "RUMP_NCPU=1", 1, 1 };
static const struct variant v_mp2 = { "RUMP_NCPU=2", 2, 0 };
static const struct variant v_mp4 = { "RUMP_NCPU=4", 4, 0 };

#define VARIANT_TC(name, sfx, var, descr, fn)				\
	ATF_TC(name##_##sfx);						\
	ATF_TC_HEAD(name##_##sfx, tc)					\
	{								\
		atf_tc_set_md_var(tc, "descr", descr);			\
	}								\
	ATF_TC_BODY(name##_##sfx, tc)					\
	{								\
		fn(&var);						\
	}

/* Three cases, name_up, name_mp2 and name_mp4, each calling fn. */
#define LOCKS_VARIANTS(name, descr, fn)					\
	VARIANT_TC(name, up, v_up,					\
	    descr " (1 CPU, uniprocessor locks)", fn)			\
	VARIANT_TC(name, mp2, v_mp2,					\
	    descr " (2 CPUs, multiprocessor locks)", fn)		\
	VARIANT_TC(name, mp4, v_mp4,					\
	    descr " (4 CPUs, multiprocessor locks)", fn)

#define LOCKS_ADD(tp, name) do {					\
	ATF_TP_ADD_TC(tp, name##_up);					\
	ATF_TP_ADD_TC(tp, name##_mp2);					\
	ATF_TP_ADD_TC(tp, name##_mp4);					\
} while (0)

static void
require_impl(const struct variant *v)
{
	int up = rump_pub_ktest_locks_up();

	ATF_REQUIRE_MSG(up == v->v_up, "%s selected the %s locks", v->v_env,
	    up ? "uniprocessor" : "multiprocessor");
}

/*
 * A lock case: boot the variant's kernel, check which locks it chose,
 * run the body, shut down and check for leaks.
 */
#define LOCKS_TC(name, descr)						\
	static void name##_body(const struct variant *);		\
	static void							\
	name##_booted(const struct variant *v)				\
	{								\
		h_boot(v->v_env);					\
		require_impl(v);					\
		name##_body(v);						\
		h_shutdown_check();					\
	}								\
	LOCKS_VARIANTS(name, descr, name##_booted)			\
	static void							\
	name##_body(const struct variant *v __attribute__((__unused__)))

LOCKS_TC(lock_impl_matches_ncpu,
    "boot selects the uniprocessor locks exactly when there is one CPU")
{
	ATF_REQUIRE_EQ(rump_pub_ktest_locks_up(), v->v_ncpu == 1);
}

LOCKS_TC(mutex_excludes,
    "8 kernel threads incrementing a counter under a mutex lose no update")
{
	RZ(rump_pub_ktest_mutex_exclusion(8, 200));
}

LOCKS_TC(mutex_tryenter_busy_free,
    "mutex_tryenter fails while another lwp holds the mutex, else wins")
{
	RZ(rump_pub_ktest_mutex_tryenter());
}

LOCKS_TC(rw_readers_share,
    "6 readers hold an rwlock at the same time")
{
	RZ(rump_pub_ktest_rw_readers_share(6));
}

LOCKS_TC(rw_writers_exclusive,
    "rwlock writers exclude readers and other writers")
{
	RZ(rump_pub_ktest_rw_writers_exclusive(4, 4, 40));
}

LOCKS_TC(rw_tryenter_busy_free,
    "rw_tryenter: readers share with readers, nobody passes a writer")
{
	RZ(rump_pub_ktest_rw_tryenter());
}

LOCKS_TC(cv_signal_wakes_one,
    "each cv_signal wakes exactly one of 4 waiters")
{
	RZ(rump_pub_ktest_cv_signal_one(4));
}

LOCKS_TC(cv_broadcast_wakes_all,
    "one cv_broadcast wakes all 8 waiters")
{
	RZ(rump_pub_ktest_cv_broadcast_all(8));
}

LOCKS_TC(cv_timedwait_times_out,
    "cv_timedwait gives EWOULDBLOCK, cv_timedwait_ns ETIMEDOUT, on time")
{
	RZ(rump_pub_ktest_cv_timedwait_expires(10, 30 * 1000 * 1000));
}

LOCKS_TC(cv_timedwait_woken,
    "cv_timedwait signalled before its timeout returns 0 at once")
{
	RZ(rump_pub_ktest_cv_timedwait_woken());
}

/* Misuse, in a child: boot the variant, misuse, expect a panic. */
struct misuse {
	const struct variant	*m_v;
	int			 m_what;
};

static void
misuse_child(void *arg)
{
	const struct misuse *m = arg;
	int error;

	h_setenv(m->m_v->v_env);
	if ((error = rump_init()) != 0) {
		printf("rump_init: %s\n", strerror(error));
		return;
	}
	(void)rump_pub_ktest_lock_misuse(m->m_what);
}

static void
misuse(const struct variant *v, int what, const char *func, const char *msg)
{
	struct misuse m = { v, what };
	struct h_child hc;

	h_child_run(misuse_child, &m, 60, &hc);
	h_child_require_panic(&hc, msg);
	h_child_require_output(&hc, func);
	h_child_free(&hc);
}

static void
exit_unheld(const struct variant *v)
{
	misuse(v, KTEST_MISUSE_EXIT_UNHELD, "mutex_exit",
	    "exiting a mutex nobody holds");
}

static void
enter_twice(const struct variant *v)
{
	misuse(v, KTEST_MISUSE_ENTER_TWICE, "mutex_enter",
	    "locking against myself");
}

static void
destroy_held(const struct variant *v)
{
	misuse(v, KTEST_MISUSE_DESTROY_HELD, "mutex_destroy",
	    "destroyed while held");
}

LOCKS_VARIANTS(mutex_exit_unheld_panics,
    "mutex_exit of a mutex nobody holds panics", exit_unheld)
LOCKS_VARIANTS(mutex_enter_recursive_panics,
    "mutex_enter of a mutex the caller holds panics", enter_twice)
LOCKS_VARIANTS(mutex_destroy_held_panics,
    "mutex_destroy of a held mutex panics", destroy_held)

static void
boot_up_on_two_cpus(void *arg)
{
	int error;

	h_setenv("RUMP_LOCKS=up RUMP_NCPU=2");
	error = rump_init();
	printf("rump_init returned %d\n", error);
}

ATF_TC(up_locks_on_smp_panics);
ATF_TC_HEAD(up_locks_on_smp_panics, tc)
{
	atf_tc_set_md_var(tc, "descr", "booting with RUMP_LOCKS=up and "
	    "RUMP_NCPU=2 panics: uniprocessor locks are wrong on 2 CPUs");
}
ATF_TC_BODY(up_locks_on_smp_panics, tc)
{
	struct h_child hc;

	h_child_run(boot_up_on_two_cpus, NULL, 60, &hc);
	h_child_require_panic(&hc, "uniprocessor locks");
	h_child_free(&hc);
}

H_TC_ENV(up_locks_forced_on_one_cpu, "RUMP_NCPU=1 RUMP_LOCKS=up",
    "RUMP_LOCKS=up on one CPU selects the uniprocessor locks")
{
	ATF_REQUIRE_EQ(rump_pub_ktest_locks_up(), 1);
	RZ(rump_pub_ktest_mutex_exclusion(4, 50));
}

H_TC_ENV(mp_locks_on_one_cpu, "RUMP_NCPU=1 RUMP_LOCKS=mp",
    "RUMP_LOCKS=mp on one CPU selects the multiprocessor locks, "
    "which work there")
{
	ATF_REQUIRE_EQ(rump_pub_ktest_locks_up(), 0);
	RZ(rump_pub_ktest_mutex_exclusion(8, 100));
	RZ(rump_pub_ktest_mutex_tryenter());
	RZ(rump_pub_ktest_rw_readers_share(4));
	RZ(rump_pub_ktest_rw_writers_exclusive(2, 2, 20));
	RZ(rump_pub_ktest_cv_broadcast_all(4));
	RZ(rump_pub_ktest_cv_timedwait_expires(2, 10 * 1000 * 1000));
}

ATF_TP_ADD_TCS(tp)
{
	LOCKS_ADD(tp, lock_impl_matches_ncpu);
	LOCKS_ADD(tp, mutex_excludes);
	LOCKS_ADD(tp, mutex_tryenter_busy_free);
	LOCKS_ADD(tp, rw_readers_share);
	LOCKS_ADD(tp, rw_writers_exclusive);
	LOCKS_ADD(tp, rw_tryenter_busy_free);
	LOCKS_ADD(tp, cv_signal_wakes_one);
	LOCKS_ADD(tp, cv_broadcast_wakes_all);
	LOCKS_ADD(tp, cv_timedwait_times_out);
	LOCKS_ADD(tp, cv_timedwait_woken);
	LOCKS_ADD(tp, mutex_exit_unheld_panics);
	LOCKS_ADD(tp, mutex_enter_recursive_panics);
	LOCKS_ADD(tp, mutex_destroy_held_panics);
	ATF_TP_ADD_TC(tp, up_locks_on_smp_panics);
	ATF_TP_ADD_TC(tp, up_locks_forced_on_one_cpu);
	ATF_TP_ADD_TC(tp, mp_locks_on_one_cpu);
	return atf_no_error();
}
