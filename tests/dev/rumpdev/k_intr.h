/*
 * k_intr.h: the kernel half of t_intr.  A pseudo-device "tintr" with
 * one interrupt; the host half plays its hardware and triggers with
 * rumpcomp_intr_trigger().  Functions return 0 or a host errno (EIO
 * when an expectation failed; the console says which).
 */
#ifndef _K_INTR_H_
#define _K_INTR_H_

#include <stdint.h>

/* Attach tintr0 and establish its interrupt; *hostcookiep for triggers. */
int	rump_pub_ktest_intr_setup(void **hostcookiep);
/* Detach tintr0 (its detach disestablishes). */
int	rump_pub_ktest_intr_teardown(void);
/* Close or open the gate the handler waits at before it returns. */
int	rump_pub_ktest_intr_gate(int closed);
/* Whether the handler claims the interrupt (returns 1) or not. */
int	rump_pub_ktest_intr_claim(int claim);
/* Wait (bounded) until the handler has been entered n times. */
int	rump_pub_ktest_intr_wait_entered(unsigned n);
/* Wait (bounded) until n handler runs have finished. */
int	rump_pub_ktest_intr_wait_runs(unsigned n);
/* Finished runs, and runs counted stray by the framework. */
int	rump_pub_ktest_intr_counts(uint64_t *runs, uint64_t *stray);
/*
 * Every run so far was in kernel context on a virtual CPU: curlwp and
 * curcpu set, a kernel thread of proc0 named "intr/tintr0", holding the
 * CPU it runs on, and not the caller's lwp.
 */
int	rump_pub_ktest_intr_check_context(void);
/*
 * With the gate closed and the handler entered: disestablish (from
 * teardown) must wait for the handler, which finishes only when the
 * host opens the gate; then no handler is running.
 */
int	rump_pub_ktest_intr_teardown_waits(void);
/*
 * rounds times: establish, publish the host cookie in *slot, sleep a
 * little, disestablish; host threads trigger whatever *slot holds.
 * Checks that no handler ran after its disestablish returned.
 */
int	rump_pub_ktest_intr_churn(void *volatile *slot, unsigned rounds);
/* Establish two interrupts (churn-style handlers); their host cookies. */
int	rump_pub_ktest_intr_two_setup(void **c0, void **c1);
/* Disestablish interrupt i (0 or 1) of two_setup. */
int	rump_pub_ktest_intr_two_drop(int i);
/* Handler runs of interrupt i, and of the other one. */
int	rump_pub_ktest_intr_two_runs(int i, unsigned *runsp, unsigned *otherp);
/* intr_establish fails (NULL) when the host gives no thread. */
int	rump_pub_ktest_intr_establish_nothread(void);
/* Establish an interrupt and forget it (shutdown must panic). */
int	rump_pub_ktest_intr_forget(void);

#endif /* _K_INTR_H_ */
