/*
 * k_callout.h: the kernel half of t_callout.  Each function runs one
 * callout or softint scenario inside the kernel and returns 0, or EIO
 * after printing what it saw (ETIMEDOUT if something never happened).
 */
#ifndef _TESTS_KERNEL_K_CALLOUT_H_
#define _TESTS_KERNEL_K_CALLOUT_H_

#include <stddef.h>
#include <stdint.h>

/* Callouts armed for 60, 20 and 40 ms fire in deadline order. */
int	rump_pub_ktest_callout_deadline_order(void);
/* Callouts armed in turn for the same delay fire in that order. */
int	rump_pub_ktest_callout_same_delay_order(void);
/* callout_stop of a pending callout: true, and it never fires. */
int	rump_pub_ktest_callout_stop_pending(void);
/* callout_stop after the callout fired: false. */
int	rump_pub_ktest_callout_stop_fired(void);
/* callout_halt returns only after the running function has finished. */
int	rump_pub_ktest_callout_halt_waits(void);
/*
 * callout_halt of a running function that re-arms the callout leaves
 * it stopped.
 */
int	rump_pub_ktest_callout_halt_rearming(void);
/* callout_halt with an interlock the function needs drops it meanwhile. */
int	rump_pub_ktest_callout_halt_interlock(void);
/* callout_reset of a pending callout moves it (and it fires once). */
int	rump_pub_ktest_callout_reset_moves(void);
int	rump_pub_ktest_callout_later_no_wakeup(void);
/*
 * A callout armed for delay_ms (by ticks if by_ticks, else in ns) fires
 * no earlier; *late_msp gets how long it took beyond delay_ms.
 */
int	rump_pub_ktest_callout_lateness(unsigned int delay_ms, int by_ticks,
	    unsigned int *late_msp);
/* A callout re-arming itself from its function fires n times. */
int	rump_pub_ktest_callout_rearm(unsigned int n);

/* A scheduled softint runs on the softint thread, not the caller's. */
int	rump_pub_ktest_softint_thread(void);
/* Several softint_schedule()s before the handler runs: one run. */
int	rump_pub_ktest_softint_coalesce(void);
/* With two levels pending the higher runs first. */
int	rump_pub_ktest_softint_level_order(void);
/* softint_disestablish of a pending softint: its handler never runs. */
int	rump_pub_ktest_softint_disestablish_pending(void);
/*
 * softint_disestablish while the handler runs and schedules itself
 * again: it waits for the run, and the handler never runs again.
 */
int	rump_pub_ktest_softint_disestablish_running(void);

#endif /* _TESTS_KERNEL_K_CALLOUT_H_ */
