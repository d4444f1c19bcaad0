/*
 * rump_virtif.h: what a test calls to connect a kernel to the Linux
 * network stack through a tap device (sys/rump/net/virtif) without
 * going through ifconfig-style ioctls.  Includes nothing: the kernel
 * sees it too.
 */
#ifndef _RUMP_RUMP_VIRTIF_H_
#define _RUMP_RUMP_VIRTIF_H_

/*
 * Create the lowest free unit virtN and attach it to the existing tap
 * device tapname (in the calling process's network namespace); *unitp
 * gets N.  Returns 0 or a host errno: ENXIO (no such device), EINVAL
 * (not a valid name, or not a tap), ENAMETOOLONG, EACCES/EPERM (no
 * permission), EBUSY (the tap is attached elsewhere), EFAULT for
 * NULLs.  The interface is down until configured; its link is up.
 */
int	rump_pub_virtif_create(const char *tapname, int *unitp);

#endif /* _RUMP_RUMP_VIRTIF_H_ */
