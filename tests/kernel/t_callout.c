/*
 * t_callout.c: timers and soft interrupts as drivers rely on them:
 * callouts fire in deadline order, not early and not very late, can be
 * stopped, halted, moved and re-armed; softints run on their own thread,
 * coalesce, honour levels and can be withdrawn while pending.  The
 * scenarios run in the kernel half (k_callout.c); most run on one and
 * on two virtual CPUs.
 */
#include <stdio.h>

#include <rump/rump.h>

#include "harness.h"
#include "k_callout.h"

/* Generous: the host may be loaded, or this may run under valgrind. */
#define LATE_MAX_MS	1000

/* A case on one virtual CPU and the same on two. */
#define CALLOUT_TC(name, descr)						\
	static void name##_run(void);					\
	H_TC(name, descr)						\
	{								\
		name##_run();						\
	}								\
	H_TC_ENV(name##_ncpu2, "RUMP_NCPU=2", descr			\
	    " (RUMP_NCPU=2)")						\
	{								\
		name##_run();						\
	}								\
	static void							\
	name##_run(void)

CALLOUT_TC(deadline_order,
    "callouts armed for 300, 100 and 200 ms fire in deadline order")
{
	RZ(rump_pub_ktest_callout_deadline_order());
}

CALLOUT_TC(same_delay_fire_in_arm_order,
    "callouts armed one after another for the same delay fire in the "
    "order they were armed")
{
	RZ(rump_pub_ktest_callout_same_delay_order());
}

CALLOUT_TC(stop_pending_prevents_call,
    "callout_stop of a pending callout returns true and the function is "
    "never called")
{
	RZ(rump_pub_ktest_callout_stop_pending());
}

H_TC(stop_after_fire_returns_false,
    "callout_stop after the callout fired returns false")
{
	RZ(rump_pub_ktest_callout_stop_fired());
}

CALLOUT_TC(halt_waits_for_running_function,
    "callout_halt returns only after a running callout function (which "
    "sleeps 100 ms) has finished")
{
	RZ(rump_pub_ktest_callout_halt_waits());
}

CALLOUT_TC(halt_stops_self_rearming_callout,
    "callout_halt of a running function that re-arms its callout leaves "
    "the callout stopped, so it can be destroyed")
{
	RZ(rump_pub_ktest_callout_halt_rearming());
}

CALLOUT_TC(halt_drops_interlock,
    "callout_halt releases the interlock while waiting, so a function "
    "that needs it can finish, and holds it again on return")
{
	RZ(rump_pub_ktest_callout_halt_interlock());
}

CALLOUT_TC(reset_moves_pending_callout,
    "callout_reset of a pending callout moves it to the new deadline "
    "and it fires only once")
{
	RZ(rump_pub_ktest_callout_reset_moves());
}

CALLOUT_TC(later_deadline_no_wakeup,
    "re-arming the first callout to a later deadline does not wake the "
    "callout thread; an earlier one does, and fires on time")
{
	RZ(rump_pub_ktest_callout_later_no_wakeup());
}

static void
check_lateness(int by_ticks)
{
	unsigned int late = 0;

	RZ(rump_pub_ktest_callout_lateness(20, by_ticks, &late));
	printf("a 20 ms callout fired %u ms late\n", late);
	ATF_REQUIRE_MSG(late <= LATE_MAX_MS, "a 20 ms callout fired %u ms "
	    "late", late);
}

CALLOUT_TC(fires_not_early_nor_very_late,
    "a callout armed for 20 ms fires no earlier than 20 ms and within "
    "a generous bound after, armed in nanoseconds or in ticks")
{
	check_lateness(0);
	check_lateness(1);
}

H_TC(rearming_callout_fires_repeatedly,
    "a callout that re-arms itself from its function fires again each "
    "time, and stops when it stops re-arming")
{
	RZ(rump_pub_ktest_callout_rearm(5));
}

CALLOUT_TC(softint_runs_on_softint_thread,
    "softint_schedule runs the handler on the softint kernel thread, "
    "not on the caller's lwp")
{
	RZ(rump_pub_ktest_softint_thread());
}

CALLOUT_TC(softint_schedules_coalesce,
    "several softint_schedule()s made before the handler runs give one "
    "run")
{
	RZ(rump_pub_ktest_softint_coalesce());
}

CALLOUT_TC(softint_higher_level_first,
    "with a SOFTINT_CLOCK and a SOFTINT_NET handler pending, the "
    "SOFTINT_NET one runs first")
{
	RZ(rump_pub_ktest_softint_level_order());
}

H_TC(softint_disestablish_drops_pending,
    "softint_disestablish of a pending softint drops it: the handler "
    "never runs")
{
	RZ(rump_pub_ktest_softint_disestablish_pending());
}

CALLOUT_TC(softint_disestablish_waits_for_running,
    "softint_disestablish while the handler runs (and schedules itself "
    "again) waits for it, and the handler never runs again")
{
	RZ(rump_pub_ktest_softint_disestablish_running());
}

#define ADD_BOTH(tp, name) do {						\
	ATF_TP_ADD_TC(tp, name);					\
	ATF_TP_ADD_TC(tp, name##_ncpu2);				\
} while (0)

ATF_TP_ADD_TCS(tp)
{
	ADD_BOTH(tp, deadline_order);
	ADD_BOTH(tp, same_delay_fire_in_arm_order);
	ADD_BOTH(tp, stop_pending_prevents_call);
	ATF_TP_ADD_TC(tp, stop_after_fire_returns_false);
	ADD_BOTH(tp, halt_waits_for_running_function);
	ADD_BOTH(tp, halt_stops_self_rearming_callout);
	ADD_BOTH(tp, halt_drops_interlock);
	ADD_BOTH(tp, reset_moves_pending_callout);
	ADD_BOTH(tp, later_deadline_no_wakeup);
	ADD_BOTH(tp, fires_not_early_nor_very_late);
	ATF_TP_ADD_TC(tp, rearming_callout_fires_repeatedly);
	ADD_BOTH(tp, softint_runs_on_softint_thread);
	ADD_BOTH(tp, softint_schedules_coalesce);
	ADD_BOTH(tp, softint_higher_level_first);
	ATF_TP_ADD_TC(tp, softint_disestablish_drops_pending);
	ADD_BOTH(tp, softint_disestablish_waits_for_running);
	return atf_no_error();
}
