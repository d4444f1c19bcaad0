/*
 * rumpuser_copy.c: copyin/copyout between the kernel and "user"
 * memory, which for a rump kernel is the test program's (and our own)
 * address space.  A bad user address must give RUMP_EFAULT, as in a
 * real kernel, not a SIGSEGV: tests pass bad pointers on purpose.
 *
 * process_vm_readv/process_vm_writev on our own pid do the copy and
 * report an unmapped, unreadable or (for copyout) read-only address as
 * EFAULT without any signal.  Where they are unavailable (ENOSYS, or
 * EPERM from a seccomp filter) we fall back to asking mincore(2)
 * whether each page is mapped and then copying with memcpy.  That
 * catches NULL-ish and unmapped addresses but not protections: a
 * PROT_NONE page, or copyout into a read-only page, still faults in
 * that mode.
 */

#include <sys/mman.h>
#include <sys/uio.h>

#include <errno.h>
#include <stddef.h>
#include <pthread.h>
#include <stdint.h>
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

static size_t
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
 * Copy len bytes between our memory and "user" memory at uaddr.  out
 * says which way: 0 reads uaddr into kaddr, 1 writes kaddr to uaddr.
 * Returns 0, or the host errno.
 */
static int
copy_vm(void *kaddr, void *uaddr, size_t len, int out)
{
	struct iovec local, remote;
	pid_t pid = self();
	size_t chunk;
	ssize_t n;

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
	if (ok && total < VM_CHUNK_MAX &&
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
	/* A fault somewhere, or no process_vm_writev: range by range. */
	n = copyoutv_ranges(kiov, kiovcnt, uiov, uiovcnt, &done);
	*donep = done;
	return rumpuser__errtrans((int)n);
}
