/*
 * rumpuser.h: the hypercall contract, the one door between the kernel
 * world (sys/rump) and the host world (lib/librumpuser).
 *
 * Rules every hypercall follows (docs/rumpuser.3.md has the long form):
 *  - A hypercall that can fail returns 0 or a *kernel* errno value
 *    (RUMP_E* in rumpdefs.h, NetBSD numbering); results go out through
 *    the last pointer arguments.  Host errno values are translated in
 *    one place, rumpuser__errtrans().
 *  - A hypercall that may block releases the caller's virtual CPU first
 *    (through hyp_unschedule) and takes one back before returning
 *    (hyp_schedule).  The *_nowrap variants never touch the virtual
 *    CPU; the scheduler itself and spin locks use them.
 *  - Host types never appear here: only freestanding C types.
 */
#ifndef _RUMP_RUMPUSER_H_
#define _RUMP_RUMPUSER_H_

#include <stddef.h>
#include <stdint.h>

/* Bump whenever a prototype or a constant below changes meaning. */
#define RUMPUSER_VERSION	4

struct lwp;

/*
 * Upcalls the kernel hands to librumpuser at init.  hyp_unschedule
 * releases the calling thread's virtual CPU, hyp_schedule takes one back
 * (creating a kernel context for a host thread that has none, which is
 * how asynchronous I/O threads enter the kernel).
 */
struct rumpuser_hyperup {
	void	(*hyp_schedule)(void);
	void	(*hyp_unschedule)(void);
};

/*
 * Initialise the host layer.  Returns 0, or RUMP_ENOTSUP when the
 * kernel was built for another RUMPUSER_VERSION (a message naming both
 * versions goes to stderr), or RUMP_EINVAL for a NULL hyp.
 */
int	rumpuser_init(int version, const struct rumpuser_hyperup *hyp);
/* Undo rumpuser_init at kernel shutdown; the kernel may boot again. */
void	rumpuser_fini(void);

/*
 * Parameters: RUMP_NCPU, RUMP_MEMLIMIT, RUMP_VERBOSE, RUMP_HOSTNAME,
 * RUMP_LOCKS, read from the host environment.  Copies the value,
 * NUL-terminated, into buf.  RUMP_ENOENT if unset, RUMP_E2BIG if the
 * value does not fit.  RUMPUSER_PARAM_HOSTNAME falls back to the host's
 * name when unset.
 */
#define RUMPUSER_PARAM_NCPU	"RUMP_NCPU"
#define RUMPUSER_PARAM_MEMLIMIT	"RUMP_MEMLIMIT"
#define RUMPUSER_PARAM_VERBOSE	"RUMP_VERBOSE"
#define RUMPUSER_PARAM_HOSTNAME	"RUMP_HOSTNAME"
#define RUMPUSER_PARAM_LOCKS	"RUMP_LOCKS"
/*
 * "1" when the process runs under valgrind or AddressSanitizer: the
 * kernel then keeps no free blocks of its own (mbuf cache), so that
 * every free reaches the instrumented allocator.  Not an environment
 * variable: the host answers it.
 */
#define RUMPUSER_PARAM_INSTRUMENTED	"_RUMPUSER_INSTRUMENTED"
int	rumpuser_getparam(const char *name, char *buf, size_t buflen);

/* Memory.  alignment is 0 or a power of two; RUMP_ENOMEM on failure. */
int	rumpuser_malloc(size_t len, size_t alignment, void **memp);
void	rumpuser_free(void *mem, size_t len);

/*
 * Threads.  thread_create starts fn(arg) on a new host thread named
 * name (visible in gdb); joinable threads must be joined with
 * thread_join, which releases the virtual CPU while it waits.
 * RUMP_EAGAIN if the host cannot create a thread.
 */
int	rumpuser_thread_create(void *(*fn)(void *), void *arg,
	    const char *name, int joinable, void **cookiep);
void	rumpuser_thread_exit(void) __attribute__((__noreturn__));
int	rumpuser_thread_join(void *cookie);

/*
 * The kernel context (lwp) bound to the calling host thread.  Bindings
 * made before the last rumpuser_init are forgotten, so a host thread
 * that outlives one kernel starts fresh in the next.
 */
#define RUMPUSER_LWP_SET	1
#define RUMPUSER_LWP_CLEAR	2
void	rumpuser_curlwpop(int op, struct lwp *l);
struct lwp *rumpuser_curlwp(void);

/*
 * Host mutexes.  RUMPUSER_MTX_SPIN: never held across a virtual CPU
 * switch, so entering it never releases the CPU.  tryenter returns 0 or
 * RUMP_EBUSY.
 */
struct rumpuser_mtx;
#define RUMPUSER_MTX_SPIN	0x01
int	rumpuser_mutex_init(int flags, struct rumpuser_mtx **mtxp);
void	rumpuser_mutex_enter(struct rumpuser_mtx *mtx);
void	rumpuser_mutex_enter_nowrap(struct rumpuser_mtx *mtx);
int	rumpuser_mutex_tryenter(struct rumpuser_mtx *mtx);
void	rumpuser_mutex_exit(struct rumpuser_mtx *mtx);
void	rumpuser_mutex_destroy(struct rumpuser_mtx *mtx);

/* Host reader/writer locks.  tryenter returns 0 or RUMP_EBUSY. */
struct rumpuser_rw;
#define RUMPUSER_RW_READER	1
#define RUMPUSER_RW_WRITER	2
int	rumpuser_rw_init(struct rumpuser_rw **rwp);
void	rumpuser_rw_enter(int which, struct rumpuser_rw *rw);
int	rumpuser_rw_tryenter(int which, struct rumpuser_rw *rw);
void	rumpuser_rw_exit(struct rumpuser_rw *rw);
void	rumpuser_rw_destroy(struct rumpuser_rw *rw);

/*
 * Host condition variables.  wait and timedwait release the virtual CPU
 * while blocked; timedwait takes a relative timeout and returns 0 or
 * RUMP_ETIMEDOUT.  The _nowrap forms keep the CPU state untouched.
 */
struct rumpuser_cv;
int	rumpuser_cv_init(struct rumpuser_cv **cvp);
void	rumpuser_cv_destroy(struct rumpuser_cv *cv);
void	rumpuser_cv_wait(struct rumpuser_cv *cv, struct rumpuser_mtx *mtx);
void	rumpuser_cv_wait_nowrap(struct rumpuser_cv *cv,
	    struct rumpuser_mtx *mtx);
int	rumpuser_cv_timedwait(struct rumpuser_cv *cv, struct rumpuser_mtx *mtx,
	    int64_t sec, long nsec);
int	rumpuser_cv_timedwait_nowrap(struct rumpuser_cv *cv,
	    struct rumpuser_mtx *mtx, int64_t sec, long nsec);
void	rumpuser_cv_signal(struct rumpuser_cv *cv);
void	rumpuser_cv_broadcast(struct rumpuser_cv *cv);

/*
 * Clocks.  gettime reads the wall clock or the monotonic clock.  sleep
 * releases the virtual CPU and sleeps either for a relative interval or
 * until an absolute monotonic time.
 */
#define RUMPUSER_CLOCK_WALL	0
#define RUMPUSER_CLOCK_MONO	1
int	rumpuser_clock_gettime(int clk, int64_t *secp, long *nsecp);
#define RUMPUSER_SLEEP_REL	0
#define RUMPUSER_SLEEP_ABSMONO	1
int	rumpuser_clock_sleep(int how, int64_t sec, long nsec);

/*
 * Files.  open flags are RUMPUSER_OPEN_*, translated to the host's.
 * getfileinfo reports a size and a RUMPUSER_FT_* type.
 */
#define RUMPUSER_OPEN_RDONLY	0x0000
#define RUMPUSER_OPEN_WRONLY	0x0001
#define RUMPUSER_OPEN_RDWR	0x0002
#define RUMPUSER_OPEN_ACCMODE	0x0003
#define RUMPUSER_OPEN_CREATE	0x0004
#define RUMPUSER_OPEN_EXCL	0x0008
#define RUMPUSER_OPEN_TRUNC	0x0010
int	rumpuser_open(const char *path, int ruflags, int *fdp);
int	rumpuser_close(int fd);

#define RUMPUSER_FT_OTHER	0
#define RUMPUSER_FT_DIR		1
#define RUMPUSER_FT_REG		2
#define RUMPUSER_FT_BLK		3
#define RUMPUSER_FT_CHR		4
int	rumpuser_getfileinfo(const char *path, uint64_t *sizep, int *typep);

/*
 * Block I/O.  rumpuser_bio starts a read or write of dlen bytes at off
 * and returns at once; done(arg, bytes_done, error) is called later from
 * a host I/O thread holding a virtual CPU (or, when no I/O thread can be
 * had, on the caller's thread before rumpuser_bio returns).  The I/O
 * threads keep their kernel context (lwp) until shutdown.
 * RUMPUSER_BIO_SYNC makes a write durable before done is called.
 * Errors: kernel errno, with a short count when the file ends.  The
 * kernel must have seen every completion before rumpuser_fini.
 */
#define RUMPUSER_BIO_READ	0x01
#define RUMPUSER_BIO_WRITE	0x02
#define RUMPUSER_BIO_SYNC	0x04
typedef void (*rumpuser_biodone_fn)(void *arg, size_t donelen, int error);
void	rumpuser_bio(int fd, int op, void *data, size_t dlen, int64_t off,
	    rumpuser_biodone_fn done, void *donearg);

/*
 * Synchronous vector I/O; off RUMPUSER_IOV_NOSEEK uses the file offset.
 * The byte count goes to *retp.  Releases the CPU while in the host.
 */
/* Laid out as the host's struct iovec (checked in librumpuser). */
struct rumpuser_iovec {
	void	*iov_base;
	size_t	 iov_len;
};
#define RUMPUSER_IOV_NOSEEK	(-1)
int	rumpuser_iovread(int fd, struct rumpuser_iovec *iov, size_t iovcnt,
	    int64_t off, size_t *retp);
int	rumpuser_iovwrite(int fd, const struct rumpuser_iovec *iov,
	    size_t iovcnt, int64_t off, size_t *retp);
#define RUMPUSER_SYNCFD_READ	0x01
#define RUMPUSER_SYNCFD_WRITE	0x02
#define RUMPUSER_SYNCFD_BARRIER	0x04
#define RUMPUSER_SYNCFD_SYNC	0x08
int	rumpuser_syncfd(int fd, int flags);

/*
 * Copy to and from "user" memory (the test program's address space,
 * which is also ours).  Unmapped or NULL addresses give RUMP_EFAULT
 * instead of a crash.  copyinstr copies at most maxlen bytes including
 * the NUL; RUMP_ENAMETOOLONG if no NUL was found in them.
 */
int	rumpuser_copyin(const void *uaddr, void *kaddr, size_t len);
int	rumpuser_copyout(const void *kaddr, void *uaddr, size_t len);
int	rumpuser_copyinstr(const void *uaddr, void *kaddr, size_t maxlen,
	    size_t *donep);
/*
 * copyout gathering from several kernel buffers into several user
 * ranges in one host call: the kiovcnt kernel buffers, in order, fill
 * the uiovcnt user ranges, in order (the totals must match; at most
 * RUMPUSER_IOV_MAX each).  0, RUMP_EINVAL, or RUMP_EFAULT with *donep
 * the bytes known copied before the bad range.
 */
#define RUMPUSER_IOV_MAX	1024
int	rumpuser_copyoutv(const struct rumpuser_iovec *kiov, size_t kiovcnt,
	    const struct rumpuser_iovec *uiov, size_t uiovcnt, size_t *donep);

/* Random bytes from the host; *retp gets the count. */
#define RUMPUSER_RANDOM_HARD	0x01
#define RUMPUSER_RANDOM_NOWAIT	0x02
int	rumpuser_getrandom(void *buf, size_t buflen, int flags, size_t *retp);

/* Console: the kernel's printf ends up here (host stderr). */
void	rumpuser_putchar(int c);
void	rumpuser_console(const char *buf, size_t len);

/*
 * Set the host errno of the calling thread from a kernel errno value;
 * used by the rump_sys_* entry points.
 */
void	rumpuser_seterrno(int kernel_errno);
/*
 * The host value of a kernel errno, for public functions such as
 * rump_init() that return an errno instead of setting it.  A pure
 * translation, so it returns a value rather than 0-or-errno.
 */
int	rumpuser_errno_tohost(int kernel_errno);

/*
 * Leave.  RUMPUSER_PANIC prints a host backtrace, flushes gcov
 * counters and aborts (so ATF sees a signal and gdb stops here);
 * any other value is an exit status.
 */
#define RUMPUSER_PANIC		(-1)
void	rumpuser_exit(int value) __attribute__((__noreturn__));

#endif /* _RUMP_RUMPUSER_H_ */
