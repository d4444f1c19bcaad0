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

#endif /* _RUMP_SYS_UIO_H_ */
