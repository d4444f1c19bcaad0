/*
 * copy.c: moving data between the test program ("user") and the
 * kernel.  They share an address space, but a bad user pointer must
 * give EFAULT rather than crash the test, so the copies go through
 * hypercalls that check the host's mappings.
 */
#include <rump-sys/systm.h>
#include <rump-sys/uio.h>
#include <rump/rumpuser.h>

int
copyin(const void *uaddr, void *kaddr, size_t len)
{
	if (len == 0)
		return 0;
	return rumpuser_copyin(uaddr, kaddr, len);
}

int
copyout(const void *kaddr, void *uaddr, size_t len)
{
	if (len == 0)
		return 0;
	return rumpuser_copyout(kaddr, uaddr, len);
}

int
copyinstr(const void *uaddr, void *kaddr, size_t maxlen, size_t *donep)
{
	if (maxlen == 0)
		return ENAMETOOLONG;
	return rumpuser_copyinstr(uaddr, kaddr, maxlen, donep);
}

int
copyoutstr(const void *kaddr, void *uaddr, size_t maxlen, size_t *donep)
{
	size_t len = strnlen(kaddr, maxlen);
	int error;

	if (len == maxlen) {
		/* No room for the NUL: copy what fits, report the cut. */
		error = copyout(kaddr, uaddr, maxlen);
		if (donep != NULL)
			*donep = error == 0 ? maxlen : 0;
		return error != 0 ? error : ENAMETOOLONG;
	}
	error = copyout(kaddr, uaddr, len + 1);
	if (donep != NULL)
		*donep = error == 0 ? len + 1 : 0;
	return error;
}

int
uiomove(void *buf, size_t n, struct uio *uio)
{
	char *cp = buf;
	int error = 0;

	while (n > 0 && uio->uio_resid > 0) {
		struct iovec *iov = uio->uio_iov;
		size_t cnt;

		KASSERT(uio->uio_iovcnt > 0);
		cnt = MIN(iov->iov_len, n);
		if (cnt == 0) {
			uio->uio_iov++;
			uio->uio_iovcnt--;
			continue;
		}
		if (uio->uio_segflg == UIO_SYSSPACE) {
			if (uio->uio_rw == UIO_READ)
				memcpy(iov->iov_base, cp, cnt);
			else
				memcpy(cp, iov->iov_base, cnt);
		} else if (uio->uio_rw == UIO_READ) {
			error = copyout(cp, iov->iov_base, cnt);
		} else {
			error = copyin(iov->iov_base, cp, cnt);
		}
		if (error != 0)
			break;
		iov->iov_base = (char *)iov->iov_base + cnt;
		iov->iov_len -= cnt;
		uio->uio_resid -= cnt;
		uio->uio_offset += (off_t)cnt;
		cp += cnt;
		n -= cnt;
	}
	return error;
}
