/*
 * rump_shmif.h: what a test calls to put a kernel on a shmif bus (the
 * shared-memory Ethernet of sys/rump/net/shmif) without going through
 * ifconfig-style ioctls.  Includes nothing: the kernel sees it too.
 */
#ifndef _RUMP_RUMP_SHMIF_H_
#define _RUMP_RUMP_SHMIF_H_

/*
 * Create the lowest free unit shmifN and connect it to the bus file at
 * path (created if missing); *unitp gets N.  Returns 0 or a host errno:
 * ENXIO (no shmif component in this kernel), ENOENT/EACCES (path),
 * EFTYPE-like EINVAL... as the host half reports, EFAULT for NULLs.
 * The interface is down until configured; its link is up.
 */
int	rump_pub_shmif_create(const char *path, int *unitp);

#endif /* _RUMP_RUMP_SHMIF_H_ */
