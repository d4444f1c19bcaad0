/*
 * rumpuser_copy.c: copyin/copyout between the kernel and "user"
 * memory, which for a rump kernel is the test program's (and our own)
 * address space.  A bad user address must give RUMP_EFAULT, as in a
 * real kernel, not a SIGSEGV: tests pass bad pointers on purpose.
 *
 * The fast way is a plain memcpy with the fault caught: a SIGSEGV/SIGBUS
 * handler, installed at the first copy, sees that the faulting address
 * lies in the user range of a copy this thread has in progress and
 * jumps back out of it (siglongjmp), so the copy returns EFAULT.  Any
 * other fault goes back to the handler that was there before (by
 * default: the process dies with the signal, as it would have).  That
 * catches every kind of bad address, protections included, and costs
 * no system call.
 *
 * Under valgrind (whose memcheck would report the bad accesses), under
 * AddressSanitizer (which checks memcpy's arguments itself), or with
 * RUMPUSER_COPY_SYSCALL set in the environment (to debug with gdb
 * without it stopping at every EFAULT test), copies go through
 * process_vm_readv/process_vm_writev on our own pid instead, which
 * report an unmapped, unreadable or (for copyout) read-only address as
 * EFAULT without any signal.  Where those are unavailable too (ENOSYS,
 * or EPERM from a seccomp filter) we fall back to asking mincore(2)
 * whether each page is mapped and then copying with memcpy.  That
 * catches NULL-ish and unmapped addresses but not protections: a
 * PROT_NONE page, or copyout into a read-only page, still faults in
 * that mode.
 */

#include <sys/mman.h>
#include <sys/uio.h>

#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rumpuser_int.h"

#if defined(__has_include)
#if __has_include(<valgrind/memcheck.h>)
#include <valgrind/memcheck.h>
#define HAVE_MEMCHECK	1
#endif
#endif

/* Nothing is ever mapped this low; such addresses fail at once. */
#define LOW_ADDR_LIMIT	4096

/*
 * process_vm_* truncates single transfers at about 2 GiB, which would
 * look like a fault; bigger copies go in pieces.
 */
#define VM_CHUNK_MAX	((size_t)1 << 30)

/* Set once process_vm_* turned out not to be usable here. */
static int use_mincore;

/* (Not inlined: copy_direct's callers use sigsetjmp.) */
static __attribute__((noinline)) size_t
pagesize(void)
{
	static size_t ps;
	size_t v;

	if ((v = __atomic_load_n(&ps, __ATOMIC_RELAXED)) == 0) {
		v = (size_t)sysconf(_SC_PAGESIZE);
		__atomic_store_n(&ps, v, __ATOMIC_RELAXED);
	}
	return v;
}

/* Whether [uaddr, uaddr + len) can be a user range at all. */
/*
 * Our pid, for process_vm_* on ourselves.  getpid() is a system call of
 * its own, so it is asked once and again only in a forked child.
 */
static pid_t self_pid;
static pthread_once_t self_pid_once = PTHREAD_ONCE_INIT;

static void
self_pid_forget(void)
{
	self_pid = 0;
}

static void
self_pid_setup(void)
{
	(void)pthread_atfork(NULL, NULL, self_pid_forget);
}

static pid_t
self(void)
{
	pid_t pid = __atomic_load_n(&self_pid, __ATOMIC_RELAXED);

	if (pid == 0) {
		(void)pthread_once(&self_pid_once, self_pid_setup);
		pid = getpid();
		__atomic_store_n(&self_pid, pid, __ATOMIC_RELAXED);
	}
	return pid;
}

static int
user_range_ok(const void *uaddr, size_t len)
{
	uintptr_t a = (uintptr_t)uaddr;

	return a >= LOW_ADDR_LIMIT && a + len >= a;
}

/* Whether every page of [uaddr, uaddr + len) is mapped; len > 0. */
static int
user_range_mapped(const void *uaddr, size_t len)
{
	uintptr_t ps = pagesize();
	uintptr_t a = (uintptr_t)uaddr & ~(ps - 1);
	uintptr_t end = (uintptr_t)uaddr + len;
	unsigned char vec;

	for (; a < end && a != 0; a += ps)
		if (mincore((void *)a, ps, &vec) == -1)
			return 0;
	return 1;
}

/*
 * Under valgrind: make the len bytes at dst exactly as defined as those
 * at src.  memcheck sees process_vm_writev as a write into another
 * process, so copied-out bytes would keep the destination's old
 * (typically undefined) state, and process_vm_readv marks what it
 * reads as defined whatever it was.  Copying the validity bits keeps
 * memcheck's verdicts right across copyin and copyout.  A no-op
 * otherwise.
 */
static void
copy_vbits(const void *src, void *dst, size_t len)
{
#ifdef HAVE_MEMCHECK
	unsigned char vbits[1024];
	size_t n;

	if (!RUNNING_ON_VALGRIND)
		return;
	for (; len > 0; len -= n) {
		n = len < sizeof(vbits) ? len : sizeof(vbits);
		if (VALGRIND_GET_VBITS(src, vbits, n) == 1)
			(void)VALGRIND_SET_VBITS(dst, vbits, n);
		else
			(void)VALGRIND_MAKE_MEM_DEFINED(dst, n);
		src = (const char *)src + n;
		dst = (char *)dst + n;
	}
#else
	(void)src;
	(void)dst;
	(void)len;
#endif
}

/*
 * The direct copy.  copy_window is this thread's copy in progress: the
 * user pages it may fault on and where to jump back to.
 */
struct copy_window {
	sigjmp_buf	 cw_env;
	uintptr_t	 cw_lo, cw_hi;	/* pages of the user range */
};
static __thread struct copy_window *volatile copy_window;
static struct sigaction copy_old_segv, copy_old_bus;
static pthread_once_t copy_direct_once = PTHREAD_ONCE_INIT;
static int copy_direct_on;

static void
copy_fault(int sig, siginfo_t *si, void *ctx)
{
	struct copy_window *cw = copy_window;
	uintptr_t a = (uintptr_t)si->si_addr;

	(void)ctx;
	if (cw != NULL && si->si_code > 0 && a >= cw->cw_lo &&
	    (a < cw->cw_hi || cw->cw_hi == 0)) {
		copy_window = NULL;
		siglongjmp(cw->cw_env, 1);
	}
	/*
	 * Not a copy's fault: hand the signal back to the previous
	 * handler for good, and stop copying directly, since our
	 * handler is gone.  Returning re-runs the faulting instruction.
	 */
	__atomic_store_n(&copy_direct_on, 0, __ATOMIC_RELAXED);
	(void)sigaction(sig, sig == SIGSEGV ? &copy_old_segv : &copy_old_bus,
	    NULL);
	if (si->si_code <= 0)
		(void)raise(sig);	/* sent, not a fault: send it again */
}

int
rumpuser__instrumented(void)
{
#ifdef __SANITIZE_ADDRESS__
	return 1;
#endif
#ifdef HAVE_MEMCHECK
	if (RUNNING_ON_VALGRIND)
		return 1;
#endif
	return 0;
}

static void
copy_direct_setup(void)
{
	struct sigaction sa;

	if (rumpuser__instrumented())
		return;
	if (getenv("RUMPUSER_COPY_SYSCALL") != NULL)
		return;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = copy_fault;
	/* SA_NODEFER: the jump out leaves the signal unblocked. */
	sa.sa_flags = SA_SIGINFO | SA_NODEFER;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGSEGV, &sa, &copy_old_segv) != 0)
		return;
	if (sigaction(SIGBUS, &sa, &copy_old_bus) != 0) {
		(void)sigaction(SIGSEGV, &copy_old_segv, NULL);
		return;
	}
	__atomic_store_n(&copy_direct_on, 1, __ATOMIC_RELAXED);
}

static int
copy_direct_usable(void)
{
	(void)pthread_once(&copy_direct_once, copy_direct_setup);
	return __atomic_load_n(&copy_direct_on, __ATOMIC_RELAXED);
}

/*
 * The copy itself must not be the program's memcpy, should it define
 * one (tests/kernel/t_namespace does): glibc's __memcpy_chk reaches
 * glibc's own memcpy without going through the symbol "memcpy".
 */
#ifdef __GLIBC__
extern void *__memcpy_chk(void *, const void *, size_t, size_t);
/* Through a pointer, or the compiler turns it back into memcpy. */
static void *(*volatile copy_memcpy_chk)(void *, const void *, size_t,
    size_t) = __memcpy_chk;
#define copy_bytes(d, s, n)	copy_memcpy_chk((d), (s), (n), (size_t)-1)
#else
#define copy_bytes(d, s, n)	memcpy((d), (s), (n))
#endif

/* memcpy with a fault in the user range turned into EFAULT. */
static int
copy_direct(void *kaddr, void *uaddr, size_t len, int out)
{
	struct copy_window cw;
	uintptr_t ps = pagesize();

	cw.cw_lo = (uintptr_t)uaddr & ~(ps - 1);
	cw.cw_hi = ((uintptr_t)uaddr + len + ps - 1) & ~(ps - 1);
	if (sigsetjmp(cw.cw_env, 0) != 0)
		return EFAULT;
	copy_window = &cw;
	if (out)
		copy_bytes(uaddr, kaddr, len);
	else
		copy_bytes(kaddr, uaddr, len);
	copy_window = NULL;
	return 0;
}

/*
 * Copy len bytes between our memory and "user" memory at uaddr.  out
 * says which way: 0 reads uaddr into kaddr, 1 writes kaddr to uaddr.
 * Returns 0, or the host errno.
 */
static int
copy_vm(void *kaddr, void *uaddr, size_t len, int out)
{
	struct iovec local, remote;
	pid_t pid;
	size_t chunk;
	ssize_t n;

	if (copy_direct_usable())
		return copy_direct(kaddr, uaddr, len, out);
	pid = self();

	while (len > 0 && !__atomic_load_n(&use_mincore, __ATOMIC_RELAXED)) {
		chunk = len < VM_CHUNK_MAX ? len : VM_CHUNK_MAX;
		local = (struct iovec){ kaddr, chunk };
		remote = (struct iovec){ uaddr, chunk };
		if (out)
			n = process_vm_writev(pid, &local, 1, &remote, 1, 0);
		else
			n = process_vm_readv(pid, &local, 1, &remote, 1, 0);
		if (n == -1 && (errno == ENOSYS || errno == EPERM)) {
			__atomic_store_n(&use_mincore, 1, __ATOMIC_RELAXED);
			break;
		}
		if (n == -1)
			return errno;
		if (out)
			copy_vbits(kaddr, uaddr, (size_t)n);
		else
			copy_vbits(uaddr, kaddr, (size_t)n);
		if ((size_t)n != chunk)
			return EFAULT;	/* partial: stopped at a bad page */
		kaddr = (char *)kaddr + chunk;
		uaddr = (char *)uaddr + chunk;
		len -= chunk;
	}
	if (len == 0)
		return 0;

	if (!user_range_mapped(uaddr, len))
		return EFAULT;
	if (out)
		memcpy(uaddr, kaddr, len);
	else
		memcpy(kaddr, uaddr, len);
	return 0;
}

/*
 * Copy len bytes from user address uaddr to kernel address kaddr.
 * Returns 0, or RUMP_EFAULT if any of the user range is NULL, below
 * 4096, unmapped or unreadable (kaddr is assumed valid), in which
 * case part of kaddr may have been written.  len 0 succeeds without
 * looking at either address.
 */
int
rumpuser_copyin(const void *uaddr, void *kaddr, size_t len)
{

	if (len == 0)
		return 0;
	if (!user_range_ok(uaddr, len))
		return RUMP_EFAULT;
	return rumpuser__errtrans(copy_vm(kaddr, (void *)(uintptr_t)uaddr,
	    len, 0));
}

/*
 * Copy len bytes from kernel address kaddr to user address uaddr.
 * Returns 0, or RUMP_EFAULT if any of the user range is NULL, below
 * 4096, unmapped or not writable.  A failed copyout may have written
 * part of the range.
 */
int
rumpuser_copyout(const void *kaddr, void *uaddr, size_t len)
{

	if (len == 0)
		return 0;
	if (!user_range_ok(uaddr, len))
		return RUMP_EFAULT;
	return rumpuser__errtrans(copy_vm((void *)(uintptr_t)kaddr, uaddr,
	    len, 1));
}

/*
 * Copy the NUL-terminated string at user address uaddr to kaddr, at
 * most maxlen bytes including the NUL.  User memory is read a page at
 * a time, so a string that ends just before an unmapped page copies
 * fine.  Returns 0, RUMP_ENAMETOOLONG if maxlen bytes hold no NUL, or
 * RUMP_EFAULT on a bad address.  If donep is not NULL it gets the
 * bytes copied: the length with the NUL on success, maxlen for
 * RUMP_ENAMETOOLONG, what was copied before the bad page for
 * RUMP_EFAULT.  Bytes of kaddr past the NUL may be overwritten.
 */
int
rumpuser_copyinstr(const void *uaddr, void *kaddr, size_t maxlen,
    size_t *donep)
{
	const char *u = uaddr;
	char *k = kaddr, *nul;
	size_t ps = pagesize(), done, chunk;
	int error;

	error = RUMP_ENAMETOOLONG;
	for (done = 0; done < maxlen; done += chunk) {
		chunk = ps - ((uintptr_t)(u + done) & (ps - 1));
		if (chunk > maxlen - done)
			chunk = maxlen - done;
		if ((error = rumpuser_copyin(u + done, k + done, chunk)) != 0)
			break;
		if ((nul = memchr(k + done, '\0', chunk)) != NULL) {
			done += (size_t)(nul - (k + done)) + 1;
			break;
		}
		error = RUMP_ENAMETOOLONG;
	}
	if (donep != NULL)
		*donep = done;
	return error;
}

_Static_assert(sizeof(struct rumpuser_iovec) == sizeof(struct iovec) &&
    offsetof(struct rumpuser_iovec, iov_base) ==
    offsetof(struct iovec, iov_base) &&
    offsetof(struct rumpuser_iovec, iov_len) ==
    offsetof(struct iovec, iov_len), "rumpuser_iovec is not an iovec");

/* copy_vbits for a whole rumpuser_copyoutv that succeeded. */
static void
copyoutv_vbits(const struct rumpuser_iovec *kiov, size_t kiovcnt,
    const struct rumpuser_iovec *uiov, size_t uiovcnt)
{
#ifdef HAVE_MEMCHECK
	size_t ki = 0, koff = 0;

	if (!RUNNING_ON_VALGRIND)
		return;
	for (size_t ui = 0; ui < uiovcnt; ui++) {
		char *u = uiov[ui].iov_base;
		size_t ulen = uiov[ui].iov_len;

		while (ulen > 0 && ki < kiovcnt) {
			size_t n = kiov[ki].iov_len - koff;

			if (n > ulen)
				n = ulen;
			copy_vbits((char *)kiov[ki].iov_base + koff, u, n);
			u += n;
			ulen -= n;
			koff += n;
			if (koff == kiov[ki].iov_len) {
				ki++;
				koff = 0;
			}
		}
	}
#else
	(void)kiov;
	(void)kiovcnt;
	(void)uiov;
	(void)uiovcnt;
#endif
}

/* Sum of the lengths of iov; *okp cleared on overflow. */
static size_t
iov_total(const struct rumpuser_iovec *iov, size_t cnt, int *okp)
{
	size_t total = 0;

	for (size_t i = 0; i < cnt; i++) {
		if (total + iov[i].iov_len < total)
			*okp = 0;
		total += iov[i].iov_len;
	}
	return total;
}

/*
 * Copy kernel pieces from kiov[*kip] at *koffp into the user range
 * [u, u + ulen), advancing the kernel position.
 */
static void
copyoutv_gather(const struct rumpuser_iovec *kiov, size_t *kip,
    size_t *koffp, char *u, size_t ulen)
{
	size_t ki = *kip, koff = *koffp;

	while (ulen > 0) {
		size_t n = kiov[ki].iov_len - koff;

		if (n > ulen)
			n = ulen;
		copy_bytes(u, (char *)kiov[ki].iov_base + koff, n);
		u += n;
		ulen -= n;
		koff += n;
		if (koff == kiov[ki].iov_len) {
			ki++;
			koff = 0;
		}
	}
	*kip = ki;
	*koffp = koff;
}

/*
 * Direct copies for rumpuser_copyoutv: one fault window per user range
 * for all the kernel pieces that fill it.  EFAULT with *donep the bytes
 * before the range that faulted.
 */
static int
copyoutv_direct(const struct rumpuser_iovec *kiov,
    const struct rumpuser_iovec *uiov, size_t uiovcnt, size_t *donep)
{
	struct copy_window cw;
	uintptr_t ps = pagesize();
	/* kept in memory: the jump back must see their current values */
	volatile size_t ki = 0, koff = 0, done = 0, ui;

	for (ui = 0; ui < uiovcnt; ui++) {
		uintptr_t u = (uintptr_t)uiov[ui].iov_base;
		size_t k = ki, ko = koff;

		cw.cw_lo = u & ~(ps - 1);
		cw.cw_hi = (u + uiov[ui].iov_len + ps - 1) & ~(ps - 1);
		if (sigsetjmp(cw.cw_env, 0) != 0) {
			*donep = done;
			return EFAULT;
		}
		copy_window = &cw;
		copyoutv_gather(kiov, &k, &ko, (char *)u, uiov[ui].iov_len);
		copy_window = NULL;
		ki = k;
		koff = ko;
		done += uiov[ui].iov_len;
	}
	*donep = done;
	return 0;
}

/*
 * The slow way, one user range after the other through copy_vm: used
 * where process_vm_writev is unusable, and to find out exactly how far
 * a copy that faulted got.
 */
static int
copyoutv_ranges(const struct rumpuser_iovec *kiov, size_t kiovcnt,
    const struct rumpuser_iovec *uiov, size_t uiovcnt, size_t *donep)
{
	size_t ki = 0, koff = 0, done = 0;
	int error;

	for (size_t ui = 0; ui < uiovcnt; ui++) {
		char *u = uiov[ui].iov_base;
		size_t ulen = uiov[ui].iov_len;

		while (ulen > 0) {
			size_t n = kiov[ki].iov_len - koff;

			if (n > ulen)
				n = ulen;
			if (n > 0) {
				if (!user_range_ok(u, n))
					error = EFAULT;
				else
					error = copy_vm((char *)
					    kiov[ki].iov_base + koff, u, n, 1);
				if (error != 0) {
					*donep = done;
					return error;
				}
			}
			u += n;
			ulen -= n;
			koff += n;
			done += n;
			if (koff == kiov[ki].iov_len) {
				ki++;
				koff = 0;
			}
		}
	}
	*donep = done;
	return 0;
}

/*
 * Copy out from kernel buffers kiov to user ranges uiov, both in order,
 * with one process_vm_writev when possible (a read of many pages costs
 * one host call instead of one per page).  Returns 0, RUMP_EINVAL
 * (counts, totals), or RUMP_EFAULT with *donep what was copied before
 * the first bad user byte.
 */
int
rumpuser_copyoutv(const struct rumpuser_iovec *kiov, size_t kiovcnt,
    const struct rumpuser_iovec *uiov, size_t uiovcnt, size_t *donep)
{
	size_t total, done = 0;
	ssize_t n;
	int ok = 1;

	*donep = 0;
	if (kiovcnt > RUMPUSER_IOV_MAX || uiovcnt > RUMPUSER_IOV_MAX)
		return RUMP_EINVAL;
	total = iov_total(kiov, kiovcnt, &ok);
	if (!ok || iov_total(uiov, uiovcnt, &ok) != total || !ok)
		return RUMP_EINVAL;
	if (total == 0)
		return 0;
	for (size_t i = 0; i < uiovcnt; i++) {
		if (uiov[i].iov_len > 0 &&
		    !user_range_ok(uiov[i].iov_base, uiov[i].iov_len))
			ok = 0;
	}
	if (ok && total < VM_CHUNK_MAX && !copy_direct_usable() &&
	    !__atomic_load_n(&use_mincore, __ATOMIC_RELAXED)) {
		/* rumpuser_iovec has struct iovec's layout (checked below) */
		n = process_vm_writev(self(), (const struct iovec *)kiov,
		    kiovcnt, (const struct iovec *)uiov, uiovcnt, 0);
		if (n >= 0 && (size_t)n == total) {
			copyoutv_vbits(kiov, kiovcnt, uiov, uiovcnt);
			*donep = total;
			return 0;
		}
		if (n == -1 && (errno == ENOSYS || errno == EPERM))
			__atomic_store_n(&use_mincore, 1, __ATOMIC_RELAXED);
	}
	if (ok && copy_direct_usable()) {
		n = copyoutv_direct(kiov, uiov, uiovcnt, &done);
		*donep = done;
		return rumpuser__errtrans((int)n);
	}
	/* A fault somewhere, or no process_vm_writev: range by range. */
	n = copyoutv_ranges(kiov, kiovcnt, uiov, uiovcnt, &done);
	*donep = done;
	return rumpuser__errtrans((int)n);
}
