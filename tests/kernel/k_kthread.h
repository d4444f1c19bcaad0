/*
 * k_kthread.h: the kernel half of t_kthread.  Functions return 0 or a
 * host errno (EIO when an expectation failed; the console says which).
 */
#ifndef _K_KTHREAD_H_
#define _K_KTHREAD_H_

#include <stdint.h>

/*
 * Create a joinable kernel thread and join it: it ran once, in proc0,
 * as a kernel thread, under the name it was given (a too long name is
 * cut, not overrun), and it is gone after the join.
 */
int	rump_pub_ktest_kthread_create_join(void);
/* Inside each of nthreads threads, curlwp is what kthread_create gave. */
int	rump_pub_ktest_kthread_curlwp(unsigned nthreads);
/* rounds times: create nthreads joinable threads at once, join them. */
int	rump_pub_ktest_kthread_many(unsigned nthreads, unsigned rounds);
/*
 * Threads created without KTHREAD_MUSTJOIN (one returns, one calls
 * kthread_exit) run and vanish by themselves.
 */
int	rump_pub_ktest_kthread_detached(void);
/* kthread_exit called deep in a call chain ends the thread there. */
int	rump_pub_ktest_kthread_exit_nested(void);
/*
 * Create a KTHREAD_MUSTJOIN thread called name that exits at once, and
 * never join it (shutdown must then complain).
 */
int	rump_pub_ktest_kthread_unjoined(void);

#endif /* _K_KTHREAD_H_ */
