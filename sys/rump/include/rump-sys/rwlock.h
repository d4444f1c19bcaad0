/*
 * rwlock.h: reader/writer locks; MP and UP implementations as for
 * mutexes.
 */
#ifndef _RUMP_SYS_RWLOCK_H_
#define _RUMP_SYS_RWLOCK_H_

#include <rump-sys/types.h>
#include <rump-sys/queue.h>
#include <rump-sys/waitq.h>

struct rumpuser_rw;

typedef enum { RW_READER = 1, RW_WRITER = 2 } krw_t;

typedef struct krwlock {
	struct lwp		*rw_owner;	/* writer, if any */
	unsigned int		 rw_readers;
	struct rumpuser_rw	*rw_host;	/* MP */
	struct rump_waitq	 rw_waiters;	/* UP */
	unsigned int		 rw_magic;
	unsigned int		 rw_nwait;	/* MP: blocked in enter */
	LIST_ENTRY(krwlock)	 rw_list;	/* all initialised rwlocks */
	const char		*rw_file;	/* where initialised */
	int			 rw_line;
} krwlock_t;

void	rw_init_site(krwlock_t *, const char *file, int line);
#define rw_init(rw)	rw_init_site((rw), __FILE__, __LINE__)
void	rw_destroy(krwlock_t *);
void	rw_enter(krwlock_t *, krw_t);
/* 1 if acquired, 0 if busy. */
int	rw_tryenter(krwlock_t *, krw_t);
void	rw_exit(krwlock_t *);
/* Whether the calling lwp holds it as the writer. */
int	rw_write_held(const krwlock_t *);
/* Whether anybody holds it, as a reader or as a writer (NetBSD's). */
int	rw_lock_held(const krwlock_t *);

#endif /* _RUMP_SYS_RWLOCK_H_ */
