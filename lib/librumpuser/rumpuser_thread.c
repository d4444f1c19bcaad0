/*
 * rumpuser_thread.c: host threads for kernel threads, and the binding
 * of a kernel context (struct lwp) to the host thread running it.
 *
 * Each kernel thread is one pthread carrying its kernel name, so gdb's
 * "info threads" and top -H show what is what.  The curlwp binding is a
 * thread-local pointer tagged with the rumpuser_init generation that
 * made it: a host thread that outlives one kernel (a test thread, say)
 * reads NULL in the next instead of a dangling lwp.
 */

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>

#include "rumpuser_int.h"

/* Linux limits thread names to 16 bytes with the NUL. */
#define THREAD_NAME_MAX	15

/* What the new thread needs before it runs fn; freed by the thread. */
struct thread_start {
	void		*(*ts_fn)(void *);
	void		*ts_arg;
	char		 ts_name[THREAD_NAME_MAX + 1];
};

static __thread struct lwp *curlwp_lwp;
static __thread unsigned int curlwp_gen;

/*
 * The new thread names itself: naming it from the creator could race
 * with a detached thread that has already exited.
 */
/*
 * Kernel threads run as SCHED_BATCH on Linux (any user may choose it;
 * RUMPUSER_SCHED_NORMAL=1 in the environment keeps them normal).  The
 * only difference it makes is that waking one does not preempt the
 * waker.  That matters here: the kernel wakes its threads holding the
 * scheduler's host lock (a virtual CPU handed over, a sleeper woken,
 * a frame on a bus), and a wakee run at once on the waker's host CPU
 * only blocks on that lock, has the waker run again to release it and
 * wake it a second time: three context switches instead of one.
 */
static void
thread_batch(void)
{
#ifdef SCHED_BATCH
	struct sched_param sp = { .sched_priority = 0 };

	if (getenv("RUMPUSER_SCHED_NORMAL") == NULL)
		(void)pthread_setschedparam(pthread_self(), SCHED_BATCH, &sp);
#endif
}

static void *
thread_trampoline(void *arg)
{
	struct thread_start ts;

	ts = *(struct thread_start *)arg;
	free(arg);
	if (ts.ts_name[0] != '\0')
		(void)pthread_setname_np(pthread_self(), ts.ts_name);
	thread_batch();
	return ts.ts_fn(ts.ts_arg);
}

/*
 * Start fn(arg) on a new host thread called name (cut to 15 chars; NULL
 * for none).  A joinable thread's handle goes to *cookiep, to be
 * passed to rumpuser_thread_join exactly once; for a detached thread
 * *cookiep, if cookiep is not NULL, is set to NULL.  Returns 0 or
 * RUMP_EAGAIN when the host cannot make the thread.
 */
int
rumpuser_thread_create(void *(*fn)(void *), void *arg, const char *name,
    int joinable, void **cookiep)
{
	struct thread_start *ts;
	pthread_attr_t attr;
	pthread_t *ptp;
	int error;

	if (rumpuser__fault(RUMPUSER__FAULT_THREAD_CREATE))
		return RUMP_EAGAIN;

	if ((ts = malloc(sizeof(*ts))) == NULL)
		return RUMP_EAGAIN;
	if ((ptp = malloc(sizeof(*ptp))) == NULL) {
		free(ts);
		return RUMP_EAGAIN;
	}
	ts->ts_fn = fn;
	ts->ts_arg = arg;
	ts->ts_name[0] = '\0';
	if (name != NULL)
		strncat(ts->ts_name, name, THREAD_NAME_MAX);

	RUMPUSER_NOFAIL(pthread_attr_init(&attr));
	RUMPUSER_NOFAIL(pthread_attr_setdetachstate(&attr,
	    joinable ? PTHREAD_CREATE_JOINABLE : PTHREAD_CREATE_DETACHED));
	error = pthread_create(ptp, &attr, thread_trampoline, ts);
	RUMPUSER_NOFAIL(pthread_attr_destroy(&attr));
	if (error != 0) {
		free(ts);
		free(ptp);
		return RUMP_EAGAIN;
	}
	if (!joinable) {
		free(ptp);
		ptp = NULL;
	}
	if (cookiep != NULL)
		*cookiep = ptp;
	return 0;
}

/* End the calling thread (made by rumpuser_thread_create). */
void
rumpuser_thread_exit(void)
{

	pthread_exit(NULL);
}

/*
 * Wait for the joinable thread behind cookie to end, with the virtual
 * CPU released, and free the cookie.  Returns 0, or the kernel errno
 * of a failed pthread_join (RUMP_EDEADLK for a thread joining itself,
 * RUMP_EINVAL for a thread that is not joinable), in which case the
 * cookie stays valid.
 */
int
rumpuser_thread_join(void *cookie)
{
	pthread_t *ptp = cookie;
	int error;

	if (ptp == NULL)
		return RUMP_EINVAL;
	RUMPUSER_BLOCKING(error = pthread_join(*ptp, NULL));
	if (error != 0)
		return rumpuser__errtrans(error);
	free(ptp);
	return 0;
}

/*
 * Bind (RUMPUSER_LWP_SET) or unbind (RUMPUSER_LWP_CLEAR) the kernel
 * context of the calling host thread.  Any other op is a kernel bug
 * and panics.
 */
void
rumpuser_curlwpop(int op, struct lwp *l)
{

	switch (op) {
	case RUMPUSER_LWP_SET:
		curlwp_lwp = l;
		curlwp_gen = __atomic_load_n(&rumpuser__generation,
		    __ATOMIC_RELAXED);
		break;
	case RUMPUSER_LWP_CLEAR:
		curlwp_lwp = NULL;
		break;
	default:
		rumpuser__fatal(__func__, "unknown op", EINVAL);
	}
}

/*
 * The lwp bound to the calling thread, or NULL if none was bound since
 * the last rumpuser_init/rumpuser_fini.
 */
struct lwp *
rumpuser_curlwp(void)
{

	if (curlwp_gen != __atomic_load_n(&rumpuser__generation,
	    __ATOMIC_RELAXED))
		return NULL;
	return curlwp_lwp;
}
