/*
 * mutex.h: kernel mutexes, adaptive and spin.  Two implementations sit
 * behind this interface (locks_mp.c, locks_up.c); boot picks one for the
 * whole kernel (locks.c).
 */
#ifndef _RUMP_SYS_MUTEX_H_
#define _RUMP_SYS_MUTEX_H_

#include <rump-sys/types.h>
#include <rump-sys/queue.h>
#include <rump-sys/waitq.h>

struct rumpuser_mtx;

typedef enum {
	MUTEX_DEFAULT,		/* adaptive at IPL_NONE, spin above */
	MUTEX_ADAPTIVE,
	MUTEX_SPIN,
} kmutex_type_t;

typedef struct kmutex {
	struct lwp		*mtx_owner;
	struct rumpuser_mtx	*mtx_host;	/* MP: the host mutex */
	struct rump_waitq	 mtx_waiters;	/* UP: lwps waiting */
	int			 mtx_spin;
	unsigned int		 mtx_magic;
	unsigned int		 mtx_nwait;	/* MP: blocked in enter */
	/* every initialised lock is listed, for debuggers and shutdown */
	LIST_ENTRY(kmutex)	 mtx_list;
	const char		*mtx_file;	/* where initialised */
	int			 mtx_line;
} kmutex_t;

/*
 * mutex_init may sleep for memory and records where it was called;
 * mutex_destroy panics if held.
 */
void	mutex_init_site(kmutex_t *, kmutex_type_t, int ipl, const char *file,
	    int line);
#define mutex_init(m, type, ipl) \
	mutex_init_site((m), (type), (ipl), __FILE__, __LINE__)
void	mutex_destroy(kmutex_t *);
/* Panics on recursion ("locking against myself"). */
void	mutex_enter(kmutex_t *);
/* 1 if acquired, 0 if busy. */
int	mutex_tryenter(kmutex_t *);
/* Panics unless the caller owns it. */
void	mutex_exit(kmutex_t *);
/* Whether the calling lwp owns it. */
int	mutex_owned(const kmutex_t *);
void	mutex_spin_enter(kmutex_t *);
void	mutex_spin_exit(kmutex_t *);

#endif /* _RUMP_SYS_MUTEX_H_ */
