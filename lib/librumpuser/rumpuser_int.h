/*
 * rumpuser_int.h: declarations private to librumpuser.  Nothing here
 * is seen by the kernel; the contract with the kernel is rumpuser.h.
 *
 * The one idiom every blocking hypercall uses lives here: give the
 * virtual CPU back before a host call that may block and take one back
 * afterwards (ARCHITECTURE.md, invariant 5).
 */
#ifndef _RUMPUSER_INT_H_
#define _RUMPUSER_INT_H_

#include <rump/rumpuser.h>
#include <rump/rumpdefs.h>

/*
 * The upcalls saved by rumpuser_init (a copy, so the kernel may pass a
 * temporary).  Both members are NULL before rumpuser_init and after
 * rumpuser_fini: there is no kernel then, hence no virtual CPU to
 * release, and the wrappers below do nothing.
 */
extern struct rumpuser_hyperup rumpuser__hyp;

/*
 * Incremented by every rumpuser_init; curlwp bindings made under an
 * older generation are ignored (rumpuser_thread.c).
 */
extern unsigned int rumpuser__generation;

/* Release the calling thread's virtual CPU before blocking on the host. */
static inline void
rumpuser__unschedule(void)
{

	if (rumpuser__hyp.hyp_unschedule != NULL)
		rumpuser__hyp.hyp_unschedule();
}

/* Take a virtual CPU back after a blocking host call. */
static inline void
rumpuser__schedule(void)
{

	if (rumpuser__hyp.hyp_schedule != NULL)
		rumpuser__hyp.hyp_schedule();
}

/*
 * Run a blocking host call with the virtual CPU released.  Taking the
 * CPU back may run kernel code, so a caller that needs the host errno
 * saves it inside the bracketed statements, not after them.
 */
#define RUMPUSER_BLOCKING(...) do {					\
	rumpuser__unschedule();						\
	__VA_ARGS__;							\
	rumpuser__schedule();						\
} while (/*CONSTCOND*/0)

/* Host errno -> kernel errno (rumpuser_errno.c).  0 stays 0. */
int	rumpuser__errtrans(int host_errno);

/* Running under valgrind or AddressSanitizer (rumpuser_copy.c). */
int	rumpuser__instrumented(void);

/*
 * A host call failed in a way that can only be a bug (EDEADLK on a
 * mutex, EPERM on unlock by a non-owner, ...): print what and where,
 * then panic through rumpuser_exit(RUMPUSER_PANIC).
 */
void	rumpuser__fatal(const char *func, const char *what, int host_errno)
	    __attribute__((__noreturn__));

/* Call a pthread function that returns 0 or an errno; any error is fatal. */
#define RUMPUSER_NOFAIL(call) do {					\
	int nofail_error_ = (call);					\
	if (nofail_error_ != 0)						\
		rumpuser__fatal(__func__, #call, nofail_error_);	\
} while (/*CONSTCOND*/0)

/* Hypercall-level fault injection (rumpuser_fault.c). */
enum rumpuser__faultpoint {
	RUMPUSER__FAULT_MALLOC,
	RUMPUSER__FAULT_THREAD_CREATE,
	RUMPUSER__FAULT_BIO,
	RUMPUSER__FAULT_IOVREAD,
	RUMPUSER__FAULT_IOVWRITE,
	RUMPUSER__FAULT_OPEN,
	RUMPUSER__FAULT_MAX
};
/* Read RUMP_HYPERFAIL; 0 or RUMP_EINVAL (after a message). */
int	rumpuser__fault_init(void);
/* Whether this call of the hypercall at point must fail. */
int	rumpuser__fault(enum rumpuser__faultpoint point);

/* Stop and join the block I/O workers (rumpuser_file.c). */
void	rumpuser__bio_fini(void);

#endif /* _RUMPUSER_INT_H_ */
