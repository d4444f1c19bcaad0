/*
 * uio.h: describing a transfer between a kernel buffer and a list of
 * user (or kernel) buffers.
 */
#ifndef _RUMP_SYS_UIO_H_
#define _RUMP_SYS_UIO_H_

#include <rump-sys/types.h>

struct iovec {
	void	*iov_base;
	size_t	 iov_len;
};

enum uio_rw { UIO_READ, UIO_WRITE };
enum uio_seg { UIO_USERSPACE, UIO_SYSSPACE };

struct uio {
	struct iovec	*uio_iov;
	int		 uio_iovcnt;
	off_t		 uio_offset;
	size_t		 uio_resid;
	enum uio_rw	 uio_rw;
	enum uio_seg	 uio_segflg;
};

#define UIO_MAXIOV	1024

/*
 * Move up to n bytes between buf and uio in uio's direction, advancing
 * it.  0 or EFAULT (with the bytes before the fault moved).
 */
int	uiomove(void *buf, size_t n, struct uio *uio);
/*
 * uiomove for kiovcnt kernel buffers, in order, until they or uio run
 * out; kiov is not changed.  A read to user space is copied with one
 * hypercall per up to UIOMOVEV_BATCH buffers (rumpuser_copyoutv), not
 * one per buffer.  0 or EFAULT, as uiomove.
 */
#define UIOMOVEV_BATCH	64
int	uiomovev(const struct iovec *kiov, int kiovcnt, struct uio *uio);

#endif /* _RUMP_SYS_UIO_H_ */
