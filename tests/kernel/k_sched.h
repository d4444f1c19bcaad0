/*
 * k_sched.h: the kernel half of t_sched.  Functions return 0 or a host
 * errno (EIO when an expectation failed; the console says which).
 */
#ifndef _K_SCHED_H_
#define _K_SCHED_H_

#include <stdint.h>

/*
 * nthreads kernel threads, each sleeping (kpause) and spinning iters
 * times; none may finish before all have started, so they must share
 * the virtual CPUs while they sleep.  All must finish.
 */
int	rump_pub_ktest_sched_many_kthreads(unsigned nthreads, unsigned iters);

/*
 * nthreads kernel threads repeatedly run a section of kernel code,
 * counting how many are inside at once and which CPU each holds.  Fails
 * if more than ncpu are ever inside, if two share a CPU, or if fewer
 * than ncpu were ever inside together (the CPUs are not all used).
 * The largest number seen inside at once goes to *maxp.
 */
int	rump_pub_ktest_sched_concurrency(unsigned nthreads, unsigned iters,
	    unsigned *maxp);

/*
 * Start a kernel thread that blocks in cv_wait, and return once it
 * does; rump_pub_ktest_sched_blocked_stop wakes and joins it.
 */
int	rump_pub_ktest_sched_blocked_start(void);
int	rump_pub_ktest_sched_blocked_stop(void);

/*
 * A kernel thread sleeps in cv_timedwait with a 20 ms deadline; it is
 * signalled well before that, but the signaller keeps the CPU (busy,
 * not sleeping) for 100 ms, so on one CPU the woken thread waits for
 * the hand-off past its deadline.  It must still see the wake-up (0),
 * not a timeout.  0, or EIO with the console saying what it saw.
 */
int	rump_pub_ktest_sched_woken_past_deadline(void);
/*
 * The sleeper's 10 ms deadline passes while the caller keeps the CPU,
 * so it wakes up on its own and waits for a CPU, still on the condition
 * variable's queue; with signal set the caller then signals it before
 * giving the CPU up.  *timedoutp: whether cv_timedwait_ns reported a
 * timeout (ETIMEDOUT; any other error fails); it must not when
 * signalled (it was, before it could return) and must when not.
 */
int	rump_pub_ktest_sched_timed_out_queued(int signal, int *timedoutp);

#endif /* _K_SCHED_H_ */
