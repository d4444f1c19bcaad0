/*
 * errno.h: kernel errno names.  The numbers are NetBSD's, kept in one
 * public table (rump/rumpdefs.h) that librumpuser translates from.
 */
#ifndef _RUMP_SYS_ERRNO_H_
#define _RUMP_SYS_ERRNO_H_

#include <rump/rumpdefs.h>

#define EPERM		RUMP_EPERM
#define ENOENT		RUMP_ENOENT
#define ESRCH		RUMP_ESRCH
#define EINTR		RUMP_EINTR
#define EIO		RUMP_EIO
#define ENXIO		RUMP_ENXIO
#define E2BIG		RUMP_E2BIG
#define EBADF		RUMP_EBADF
#define ECHILD		RUMP_ECHILD
#define EDEADLK		RUMP_EDEADLK
#define ENOMEM		RUMP_ENOMEM
#define EACCES		RUMP_EACCES
#define EFAULT		RUMP_EFAULT
#define ENOTBLK		RUMP_ENOTBLK
#define EBUSY		RUMP_EBUSY
#define EEXIST		RUMP_EEXIST
#define EXDEV		RUMP_EXDEV
#define ENODEV		RUMP_ENODEV
#define ENOTDIR		RUMP_ENOTDIR
#define EISDIR		RUMP_EISDIR
#define EINVAL		RUMP_EINVAL
#define ENFILE		RUMP_ENFILE
#define EMFILE		RUMP_EMFILE
#define ENOTTY		RUMP_ENOTTY
#define EFBIG		RUMP_EFBIG
#define ENOSPC		RUMP_ENOSPC
#define ESPIPE		RUMP_ESPIPE
#define EROFS		RUMP_EROFS
#define EMLINK		RUMP_EMLINK
#define EPIPE		RUMP_EPIPE
#define ERANGE		RUMP_ERANGE
#define EAGAIN		RUMP_EAGAIN
#define EWOULDBLOCK	RUMP_EWOULDBLOCK
#define EINPROGRESS	RUMP_EINPROGRESS
#define EALREADY	RUMP_EALREADY
#define EOPNOTSUPP	RUMP_EOPNOTSUPP
#define ETIMEDOUT	RUMP_ETIMEDOUT
#define ELOOP		RUMP_ELOOP
#define ENAMETOOLONG	RUMP_ENAMETOOLONG
#define ENOTEMPTY	RUMP_ENOTEMPTY
#define ENOSYS		RUMP_ENOSYS
#define EOVERFLOW	RUMP_EOVERFLOW
#define ENOTSUP		RUMP_ENOTSUP
#define ECANCELED	RUMP_ECANCELED

/* Kernel-internal pseudo errors, never seen by callers. */
#define ERESTART	(-3)
#define EJUSTRETURN	(-2)

#endif /* _RUMP_SYS_ERRNO_H_ */
