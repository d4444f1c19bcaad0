/*
 * rumpuser_errno.c: the one place where host and kernel errno values
 * meet (ARCHITECTURE.md, invariant 4).  The kernel numbers its errors
 * as NetBSD does (rumpdefs.h); the host is Linux.  Hypercalls turn a
 * failed host call into a kernel value with rumpuser__errtrans(); the
 * rump_sys_* entry points go the other way with rumpuser_seterrno()
 * and rumpuser_errno_tohost().
 */

#include <errno.h>

#include "rumpuser_int.h"

_Static_assert(RUMP_ELAST == 96, "rumpdefs.h changed: update kern2host");
_Static_assert(RUMP_EWOULDBLOCK == RUMP_EAGAIN && EWOULDBLOCK == EAGAIN,
    "EWOULDBLOCK is expected to alias EAGAIN on both sides");

/*
 * Kernel errno -> host errno, one entry per RUMP_E* value.  Holes in
 * the NetBSD numbering (and unknown values) are 0.  Three kernel values
 * have no Linux counterpart and map to the nearest host value; going
 * back, the lowest kernel number wins, so those host values come back
 * as the ordinary kernel error (EAGAIN, EINVAL, ENODATA).  Both
 * RUMP_EOPNOTSUPP and RUMP_ENOTSUP are ENOTSUP (== EOPNOTSUPP) on
 * Linux, which comes back as RUMP_EOPNOTSUPP.
 */
static const int kern2host[RUMP_ELAST + 1] = {
	[RUMP_EPERM]		= EPERM,
	[RUMP_ENOENT]		= ENOENT,
	[RUMP_ESRCH]		= ESRCH,
	[RUMP_EINTR]		= EINTR,
	[RUMP_EIO]		= EIO,
	[RUMP_ENXIO]		= ENXIO,
	[RUMP_E2BIG]		= E2BIG,
	[RUMP_ENOEXEC]		= ENOEXEC,
	[RUMP_EBADF]		= EBADF,
	[RUMP_ECHILD]		= ECHILD,
	[RUMP_EDEADLK]		= EDEADLK,
	[RUMP_ENOMEM]		= ENOMEM,
	[RUMP_EACCES]		= EACCES,
	[RUMP_EFAULT]		= EFAULT,
	[RUMP_ENOTBLK]		= ENOTBLK,
	[RUMP_EBUSY]		= EBUSY,
	[RUMP_EEXIST]		= EEXIST,
	[RUMP_EXDEV]		= EXDEV,
	[RUMP_ENODEV]		= ENODEV,
	[RUMP_ENOTDIR]		= ENOTDIR,
	[RUMP_EISDIR]		= EISDIR,
	[RUMP_EINVAL]		= EINVAL,
	[RUMP_ENFILE]		= ENFILE,
	[RUMP_EMFILE]		= EMFILE,
	[RUMP_ENOTTY]		= ENOTTY,
	[RUMP_ETXTBSY]		= ETXTBSY,
	[RUMP_EFBIG]		= EFBIG,
	[RUMP_ENOSPC]		= ENOSPC,
	[RUMP_ESPIPE]		= ESPIPE,
	[RUMP_EROFS]		= EROFS,
	[RUMP_EMLINK]		= EMLINK,
	[RUMP_EPIPE]		= EPIPE,
	[RUMP_EDOM]		= EDOM,
	[RUMP_ERANGE]		= ERANGE,
	[RUMP_EAGAIN]		= EAGAIN,
	[RUMP_EINPROGRESS]	= EINPROGRESS,
	[RUMP_EALREADY]		= EALREADY,
	[RUMP_ENOTSOCK]		= ENOTSOCK,
	[RUMP_EDESTADDRREQ]	= EDESTADDRREQ,
	[RUMP_EMSGSIZE]		= EMSGSIZE,
	[RUMP_EPROTOTYPE]	= EPROTOTYPE,
	[RUMP_ENOPROTOOPT]	= ENOPROTOOPT,
	[RUMP_EPROTONOSUPPORT]	= EPROTONOSUPPORT,
	[RUMP_ESOCKTNOSUPPORT]	= ESOCKTNOSUPPORT,
	[RUMP_EOPNOTSUPP]	= EOPNOTSUPP,
	[RUMP_EPFNOSUPPORT]	= EPFNOSUPPORT,
	[RUMP_EAFNOSUPPORT]	= EAFNOSUPPORT,
	[RUMP_EADDRINUSE]	= EADDRINUSE,
	[RUMP_EADDRNOTAVAIL]	= EADDRNOTAVAIL,
	[RUMP_ENETDOWN]		= ENETDOWN,
	[RUMP_ENETUNREACH]	= ENETUNREACH,
	[RUMP_ENETRESET]	= ENETRESET,
	[RUMP_ECONNABORTED]	= ECONNABORTED,
	[RUMP_ECONNRESET]	= ECONNRESET,
	[RUMP_ENOBUFS]		= ENOBUFS,
	[RUMP_EISCONN]		= EISCONN,
	[RUMP_ENOTCONN]		= ENOTCONN,
	[RUMP_ESHUTDOWN]	= ESHUTDOWN,
	[RUMP_ETOOMANYREFS]	= ETOOMANYREFS,
	[RUMP_ETIMEDOUT]	= ETIMEDOUT,
	[RUMP_ECONNREFUSED]	= ECONNREFUSED,
	[RUMP_ELOOP]		= ELOOP,
	[RUMP_ENAMETOOLONG]	= ENAMETOOLONG,
	[RUMP_EHOSTDOWN]	= EHOSTDOWN,
	[RUMP_EHOSTUNREACH]	= EHOSTUNREACH,
	[RUMP_ENOTEMPTY]	= ENOTEMPTY,
	/* RLIMIT_NPROC: Linux fork(2) says EAGAIN, NetBSD EPROCLIM */
	[RUMP_EPROCLIM]		= EAGAIN,
	[RUMP_EUSERS]		= EUSERS,
	[RUMP_EDQUOT]		= EDQUOT,
	[RUMP_ESTALE]		= ESTALE,
	[RUMP_EREMOTE]		= EREMOTE,
	[RUMP_ENOLCK]		= ENOLCK,
	[RUMP_ENOSYS]		= ENOSYS,
	/* "wrong kind of file for this operation" is EINVAL on Linux */
	[RUMP_EFTYPE]		= EINVAL,
	[RUMP_EIDRM]		= EIDRM,
	[RUMP_ENOMSG]		= ENOMSG,
	[RUMP_EOVERFLOW]	= EOVERFLOW,
	[RUMP_EILSEQ]		= EILSEQ,
	[RUMP_ENOTSUP]		= ENOTSUP,
	[RUMP_ECANCELED]	= ECANCELED,
	[RUMP_EBADMSG]		= EBADMSG,
	[RUMP_ENODATA]		= ENODATA,
	[RUMP_ETIME]		= ETIME,
	/* a missing xattr is ENODATA on Linux (glibc: ENOATTR == ENODATA) */
	[RUMP_ENOATTR]		= ENODATA,
	[RUMP_EPROTO]		= EPROTO,
};

/*
 * Host errno -> kernel errno.  0 stays 0; a host value the kernel has
 * no name for (ENOMEDIUM, EREMOTEIO, ...) becomes RUMP_EIO.  Only used
 * on error paths, so a linear scan is fine.
 */
int
rumpuser__errtrans(int host_errno)
{
	int k;

	if (host_errno == 0)
		return 0;
	for (k = 1; k <= RUMP_ELAST; k++)
		if (kern2host[k] == host_errno)
			return k;
	return RUMP_EIO;
}

/*
 * Kernel errno -> host errno.  0 stays 0; a value outside the kernel's
 * table (a kernel bug, or an internal code such as a restart marker
 * that escaped) becomes EIO rather than something misleading.
 */
int
rumpuser_errno_tohost(int kernel_errno)
{

	if (kernel_errno == 0)
		return 0;
	if (kernel_errno < 0 || kernel_errno > RUMP_ELAST ||
	    kern2host[kernel_errno] == 0)
		return EIO;
	return kern2host[kernel_errno];
}
