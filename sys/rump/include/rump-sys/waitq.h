/*
 * waitq.h: a queue of sleeping lwps.  The uniprocessor locks build on
 * it: with one virtual CPU the queue needs no lock of its own, because
 * only the holder of that CPU runs kernel code.
 */
#ifndef _RUMP_SYS_WAITQ_H_
#define _RUMP_SYS_WAITQ_H_

#include <rump-sys/types.h>
#include <rump-sys/queue.h>

struct lwp;
TAILQ_HEAD(rump_waitq, lwp);

#endif /* _RUMP_SYS_WAITQ_H_ */
