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

/* Advance uio past n bytes that were moved. */
static void
uio_advance(struct uio *uio, size_t n)
{
	uio->uio_resid -= n;
	uio->uio_offset += (off_t)n;
	while (n > 0) {
		struct iovec *iov = uio->uio_iov;
		size_t cnt = MIN(iov->iov_len, n);

		iov->iov_base = (char *)iov->iov_base + cnt;
		iov->iov_len -= cnt;
		n -= cnt;
		if (iov->iov_len == 0 && n > 0) {
			uio->uio_iov++;
			uio->uio_iovcnt--;
		}
	}
}

/*
 * Gather one batch: kernel pieces from kiov[*kip] at *koffp, user ranges
 * from uio's iovecs, the same number of bytes on each side.  Returns
 * the bytes; *nkp and *nup the entries.
 */
static size_t
uiomovev_batch(const struct iovec *kiov, int kiovcnt, int ki, size_t koff,
    const struct uio *uio, struct rumpuser_iovec *k, size_t *nkp,
    struct rumpuser_iovec *u, size_t *nup)
{
	size_t total = 0, nk = 0, nu = 0, want;

	for (; ki < kiovcnt && nk < UIOMOVEV_BATCH; ki++, koff = 0) {
		if (kiov[ki].iov_len == koff)
			continue;
		k[nk].iov_base = (char *)kiov[ki].iov_base + koff;
		k[nk].iov_len = kiov[ki].iov_len - koff;
		total += k[nk++].iov_len;
	}
	want = total = MIN(total, uio->uio_resid);
	for (int i = 0; i < uio->uio_iovcnt && nu < UIOMOVEV_BATCH &&
	    want > 0; i++) {
		size_t len = MIN(uio->uio_iov[i].iov_len, want);

		if (len == 0)
			continue;
		u[nu].iov_base = uio->uio_iov[i].iov_base;
		u[nu++].iov_len = len;
		want -= len;
	}
	total -= want;		/* what the user ranges gathered cover */
	/* Trim the kernel side to total. */
	want = total;
	for (size_t i = 0; i < nk; i++) {
		if (k[i].iov_len >= want) {
			k[i].iov_len = want;
			nk = want > 0 ? i + 1 : i;
			break;
		}
		want -= k[i].iov_len;
	}
	*nkp = nk;
	*nup = nu;
	return total;
}

int
uiomovev(const struct iovec *kiov, int kiovcnt, struct uio *uio)
{
	struct rumpuser_iovec k[UIOMOVEV_BATCH], u[UIOMOVEV_BATCH];
	size_t koff = 0, nk, nu, total, done;
	int ki = 0, error = 0;

	if (uio->uio_segflg == UIO_USERSPACE && uio->uio_rw == UIO_READ) {
		while (ki < kiovcnt && uio->uio_resid > 0) {
			total = uiomovev_batch(kiov, kiovcnt, ki, koff, uio,
			    k, &nk, u, &nu);
			if (total == 0)
				break;
			error = rumpuser_copyoutv(k, nk, u, nu, &done);
			uio_advance(uio, done);
			for (koff += done; ki < kiovcnt &&
			    koff >= kiov[ki].iov_len; ki++)
				koff -= kiov[ki].iov_len;
			if (error != 0)
				break;	/* the loop below finds the fault */
		}
	}
	/* Kernel space, writes, and the rest after a fault. */
	for (error = 0; ki < kiovcnt && uio->uio_resid > 0; ki++, koff = 0) {
		error = uiomove((char *)kiov[ki].iov_base + koff,
		    kiov[ki].iov_len - koff, uio);
		if (error != 0)
			break;
	}
	return error;
}
