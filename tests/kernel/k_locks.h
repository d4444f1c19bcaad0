/*
 * k_locks.h: the kernel half of t_locks.  Each function runs one lock
 * scenario inside the kernel with kernel threads and returns 0 or a
 * host errno (EIO when an expectation failed; the console says which).
 */
#ifndef _K_LOCKS_H_
#define _K_LOCKS_H_

#include <stdint.h>

/* Whether the kernel selected the uniprocessor locks (rump_locks_up). */
int	rump_pub_ktest_locks_up(void);

/*
 * nthreads kernel threads each add 1 to a shared counter iters times
 * under one mutex, as read, pause or spin, write; no update may be lost.
 */
int	rump_pub_ktest_mutex_exclusion(unsigned nthreads, unsigned iters);
/* mutex_tryenter on a free mutex and on one another thread holds. */
int	rump_pub_ktest_mutex_tryenter(void);
/* nreaders readers all hold one rwlock at the same moment. */
int	rump_pub_ktest_rw_readers_share(unsigned nreaders);
/* Writers exclude readers and each other while both hammer a lock. */
int	rump_pub_ktest_rw_writers_exclusive(unsigned nwriters,
	    unsigned nreaders, unsigned iters);
/* rw_tryenter on a free lock, a read-held and a write-held one. */
int	rump_pub_ktest_rw_tryenter(void);
/* Each cv_signal wakes exactly one of nwaiters waiters. */
int	rump_pub_ktest_cv_signal_one(unsigned nwaiters);
/* One cv_broadcast wakes all nwaiters waiters. */
int	rump_pub_ktest_cv_broadcast_all(unsigned nwaiters);
/*
 * cv_timedwait for ticks and cv_timedwait_ns for ns without a wakeup
 * time out (EWOULDBLOCK, ETIMEDOUT), not before the time and not
 * absurdly late.
 */
int	rump_pub_ktest_cv_timedwait_expires(int ticks, uint64_t ns);
/* cv_timedwait signalled long before its timeout returns 0 early. */
int	rump_pub_ktest_cv_timedwait_woken(void);

/* Lock misuse that must panic; returns only if it did not. */
#define KTEST_MISUSE_EXIT_UNHELD	1	/* mutex_exit, not held */
#define KTEST_MISUSE_ENTER_TWICE	2	/* recursive mutex_enter */
#define KTEST_MISUSE_DESTROY_HELD	3	/* mutex_destroy while held */
int	rump_pub_ktest_lock_misuse(int what);

#endif /* _K_LOCKS_H_ */
