/*
 * virtif_user.h: the door between the kernel half of virtif
 * (if_virtif.c) and its host half (virtif_user.c), which owns a file
 * descriptor on a Linux tap device (/dev/net/tun, IFF_TAP | IFF_NO_PI).
 *
 * Only freestanding types here: the kernel includes this file.  Every
 * call returns 0 or a kernel (NetBSD-numbered) errno value, like a
 * hypercall.  None of them touches the virtual CPU: the kernel half
 * releases it around rumpcomp_virtif_wait, the only call that sleeps.
 * recv and wait are the receive thread's; sendv may run at the same
 * time from another thread (the kernel serialises its sends).
 */
#ifndef _VIRTIF_USER_H_
#define _VIRTIF_USER_H_

#include <stddef.h>
#include <stdint.h>

struct rumpcomp_virtif;

/* The longest tap name, NUL included (Linux's IFNAMSIZ). */
#define RUMPCOMP_VIRTIF_NAMEMAX	16

/*
 * Attach to the existing tap device ifname (made by "ip tuntap add
 * NAME mode tap" or TUNSETPERSIST) in the calling process's network
 * namespace.  EINVAL: not an interface name ("", '/', ':', spaces)
 * or a device that is not a tap (a tun, lo); ENAMETOOLONG: 16 bytes or
 * more; ENXIO: no such device; EACCES or EPERM: no permission on
 * /dev/net/tun or the device; EBUSY: another descriptor has it;
 * ENODEV: no /dev/net/tun; ENOMEM.
 */
int	rumpcomp_virtif_open(const char *ifname, struct rumpcomp_virtif **vp);
void	rumpcomp_virtif_close(struct rumpcomp_virtif *v);

struct rumpcomp_virtif_iov {
	void		*vi_base;
	size_t		 vi_len;
};
#define RUMPCOMP_VIRTIF_IOVMAX	64

/*
 * Write one frame, the concatenation of niov pieces, to the tap: Linux
 * receives it on the device.  EINVAL: niov out of range or an empty
 * frame; EIO: the Linux side is down or the device is gone; other
 * errors of writev.
 */
int	rumpcomp_virtif_sendv(struct rumpcomp_virtif *v,
	    const struct rumpcomp_virtif_iov *iov, int niov);

/*
 * Read the next frame Linux sent on the device, without blocking: 0
 * with the frame in buf and its length in *lenp; EAGAIN when there is
 * none (always, once the device is gone); EMSGSIZE when it was longer
 * than buflen (it is dropped, *lenp says how long it was); EINTR once
 * interrupted.
 */
int	rumpcomp_virtif_recv(struct rumpcomp_virtif *v, void *buf,
	    size_t buflen, size_t *lenp);

/*
 * Sleep (poll) until a frame may be there, rumpcomp_virtif_interrupt,
 * or timeout_ms (negative: none).  0, ETIMEDOUT, or EINTR after an
 * interrupt (which stays set).
 */
int	rumpcomp_virtif_wait(struct rumpcomp_virtif *v, int timeout_ms);
void	rumpcomp_virtif_interrupt(struct rumpcomp_virtif *v);
/* Let the host run another thread (sched_yield); call off-CPU. */
void	rumpcomp_virtif_yield(void);

#endif /* _VIRTIF_USER_H_ */
