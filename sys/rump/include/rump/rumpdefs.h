/*
 * rumpdefs.h: constants shared by the kernel, the hypercall layer and
 * test programs.  The kernel numbers its errno values as NetBSD does;
 * test programs see host errno values, and librumpuser translates
 * between the two in one place (rumpuser_errno.c).
 *
 * Includes nothing: usable from both worlds.
 */
#ifndef _RUMP_RUMPDEFS_H_
#define _RUMP_RUMPDEFS_H_

#define RUMP_EPERM		1	/* operation not permitted */
#define RUMP_ENOENT		2	/* no such file or directory */
#define RUMP_ESRCH		3	/* no such process */
#define RUMP_EINTR		4	/* interrupted system call */
#define RUMP_EIO		5	/* input/output error */
#define RUMP_ENXIO		6	/* device not configured */
#define RUMP_E2BIG		7	/* argument list too long */
#define RUMP_ENOEXEC		8	/* exec format error */
#define RUMP_EBADF		9	/* bad file descriptor */
#define RUMP_ECHILD		10	/* no child processes */
#define RUMP_EDEADLK		11	/* resource deadlock avoided */
#define RUMP_ENOMEM		12	/* cannot allocate memory */
#define RUMP_EACCES		13	/* permission denied */
#define RUMP_EFAULT		14	/* bad address */
#define RUMP_ENOTBLK		15	/* block device required */
#define RUMP_EBUSY		16	/* device busy */
#define RUMP_EEXIST		17	/* file exists */
#define RUMP_EXDEV		18	/* cross-device link */
#define RUMP_ENODEV		19	/* operation not supported by device */
#define RUMP_ENOTDIR		20	/* not a directory */
#define RUMP_EISDIR		21	/* is a directory */
#define RUMP_EINVAL		22	/* invalid argument */
#define RUMP_ENFILE		23	/* too many open files in system */
#define RUMP_EMFILE		24	/* too many open files */
#define RUMP_ENOTTY		25	/* inappropriate ioctl for device */
#define RUMP_ETXTBSY		26	/* text file busy */
#define RUMP_EFBIG		27	/* file too large */
#define RUMP_ENOSPC		28	/* no space left on device */
#define RUMP_ESPIPE		29	/* illegal seek */
#define RUMP_EROFS		30	/* read-only file system */
#define RUMP_EMLINK		31	/* too many links */
#define RUMP_EPIPE		32	/* broken pipe */
#define RUMP_EDOM		33	/* numerical argument out of domain */
#define RUMP_ERANGE		34	/* result too large */
#define RUMP_EAGAIN		35	/* resource temporarily unavailable */
#define RUMP_EWOULDBLOCK	RUMP_EAGAIN
#define RUMP_EINPROGRESS	36	/* operation now in progress */
#define RUMP_EALREADY		37	/* operation already in progress */
#define RUMP_ENOTSOCK		38	/* socket operation on non-socket */
#define RUMP_EDESTADDRREQ	39	/* destination address required */
#define RUMP_EMSGSIZE		40	/* message too long */
#define RUMP_EPROTOTYPE		41	/* protocol wrong type for socket */
#define RUMP_ENOPROTOOPT	42	/* protocol not available */
#define RUMP_EPROTONOSUPPORT	43	/* protocol not supported */
#define RUMP_ESOCKTNOSUPPORT	44	/* socket type not supported */
#define RUMP_EOPNOTSUPP		45	/* operation not supported */
#define RUMP_EPFNOSUPPORT	46	/* protocol family not supported */
#define RUMP_EAFNOSUPPORT	47	/* address family not supported */
#define RUMP_EADDRINUSE		48	/* address already in use */
#define RUMP_EADDRNOTAVAIL	49	/* can't assign requested address */
#define RUMP_ENETDOWN		50	/* network is down */
#define RUMP_ENETUNREACH	51	/* network is unreachable */
#define RUMP_ENETRESET		52	/* network dropped connection on reset */
#define RUMP_ECONNABORTED	53	/* software caused connection abort */
#define RUMP_ECONNRESET		54	/* connection reset by peer */
#define RUMP_ENOBUFS		55	/* no buffer space available */
#define RUMP_EISCONN		56	/* socket is already connected */
#define RUMP_ENOTCONN		57	/* socket is not connected */
#define RUMP_ESHUTDOWN		58	/* can't send after socket shutdown */
#define RUMP_ETOOMANYREFS	59	/* too many references */
#define RUMP_ETIMEDOUT		60	/* operation timed out */
#define RUMP_ECONNREFUSED	61	/* connection refused */
#define RUMP_ELOOP		62	/* too many levels of symbolic links */
#define RUMP_ENAMETOOLONG	63	/* file name too long */
#define RUMP_EHOSTDOWN		64	/* host is down */
#define RUMP_EHOSTUNREACH	65	/* no route to host */
#define RUMP_ENOTEMPTY		66	/* directory not empty */
#define RUMP_EPROCLIM		67	/* too many processes */
#define RUMP_EUSERS		68	/* too many users */
#define RUMP_EDQUOT		69	/* disc quota exceeded */
#define RUMP_ESTALE		70	/* stale NFS file handle */
#define RUMP_EREMOTE		71	/* too many levels of remote in path */
#define RUMP_ENOLCK		77	/* no locks available */
#define RUMP_ENOSYS		78	/* function not implemented */
#define RUMP_EFTYPE		79	/* inappropriate file type or format */
#define RUMP_EIDRM		82	/* identifier removed */
#define RUMP_ENOMSG		83	/* no message of desired type */
#define RUMP_EOVERFLOW		84	/* value too large to be stored */
#define RUMP_EILSEQ		85	/* illegal byte sequence */
#define RUMP_ENOTSUP		86	/* not supported */
#define RUMP_ECANCELED		87	/* operation canceled */
#define RUMP_EBADMSG		88	/* bad or corrupt message */
#define RUMP_ENODATA		89	/* no message available */
#define RUMP_ETIME		92	/* timer expired */
#define RUMP_ENOATTR		93	/* attribute not found */
#define RUMP_EPROTO		96	/* protocol error */
#define RUMP_ELAST		96	/* highest errno value */

/* rump_sys_reboot() howto bits */
#define RUMP_RB_AUTOBOOT	0x0000
#define RUMP_RB_HALT		0x0008
#define RUMP_RB_NOSYNC		0x0004
#define RUMP_RB_DUMP		0x0100

/*
 * ioctl command encoding: the host's (Linux) layout, so a test may build
 * commands with either these or <sys/ioctl.h>'s _IOR/_IOW.  Bits 0-7 the
 * number, 8-15 the group, 16-29 the argument size, 30 "in" (the kernel
 * copies the argument in), 31 "out" (and back out).  The system call
 * layer copies the argument; drivers see a kernel pointer.
 */
#define RUMP_IOC_NONE		0U
#define RUMP_IOC_IN		1U	/* written by the caller: copyin */
#define RUMP_IOC_OUT		2U	/* read by the caller: copyout */
#define RUMP_IOC(dir, g, n, sz)	((unsigned long)(((dir) << 30) | \
				    ((sz) << 16) | ((g) << 8) | (n)))
#define RUMP_IOC_DIR(c)		(((c) >> 30) & 3U)
#define RUMP_IOC_SIZE(c)	(((c) >> 16) & 0x3fffU)
#define RUMP_IOC_GROUP(c)	(((c) >> 8) & 0xffU)
#define RUMP_IO(g, n)		RUMP_IOC(RUMP_IOC_NONE, (g), (n), 0U)
#define RUMP_IOW(g, n, t)	RUMP_IOC(RUMP_IOC_IN, (g), (n), sizeof(t))
#define RUMP_IOR(g, n, t)	RUMP_IOC(RUMP_IOC_OUT, (g), (n), sizeof(t))
#define RUMP_IOWR(g, n, t)	RUMP_IOC(RUMP_IOC_IN | RUMP_IOC_OUT, (g), \
				    (n), sizeof(t))

#endif /* _RUMP_RUMPDEFS_H_ */
