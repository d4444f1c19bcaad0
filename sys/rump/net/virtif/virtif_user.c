/*
 * virtif_user.c: the host half of virtif, the interface that connects
 * a rump kernel to the Linux network stack through a tap device.  The
 * kernel's frames are written to the tap's descriptor (Linux receives
 * them on the device) and what Linux sends on the device is read from
 * it.  The descriptor is non-blocking; the receive thread sleeps in
 * poll(2) on it and on an eventfd that rumpcomp_virtif_interrupt
 * signals at detach.
 *
 * The device must exist already (a tap made persistent by whoever set
 * up the network namespace): attaching never creates one, so a typo in
 * the link string is ENXIO, not a new, unconfigured device.
 *
 * A device deleted on the Linux side while attached leaves the
 * descriptor useless (reads fail with EBADFD, poll says POLLERR): the
 * attachment is then marked gone, recv says there is nothing and wait
 * sleeps until the interrupt, so the receive thread does not spin.
 */
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/uio.h>

#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <poll.h>
#include <sched.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rump/rumpdefs.h>

#include "virtif_user.h"

/* Longest frame a tap hands out (Linux caps the MTU at 64 KiB). */
#define VIRTIF_READMAX		65536

struct rumpcomp_virtif {
	int		 va_fd;		/* the tap */
	int		 va_evfd;	/* the interrupt */
	volatile int	 va_interrupted;
	volatile int	 va_gone;	/* the device went away */
	uint8_t		*va_spill;	/* the rest of an oversized frame */
};

/* Host errno -> kernel errno; 1..34 agree but for 11. */
static int
errtrans(int e)
{

	if (e >= 1 && e <= 34 && e != 11)
		return e;
	switch (e) {
	case EAGAIN:		return RUMP_EAGAIN;
	case ENAMETOOLONG:	return RUMP_ENAMETOOLONG;
	case EMSGSIZE:		return RUMP_EMSGSIZE;
	case ENETDOWN:		return RUMP_ENETDOWN;
	case ENOBUFS:		return RUMP_ENOBUFS;
	case ETIMEDOUT:		return RUMP_ETIMEDOUT;
	default:		return RUMP_EIO;
	}
}

/* Linux accepts any bytes but '/', ':', whitespace; not "." or "..". */
static int
checkname(const char *name)
{
	size_t len = strlen(name), i;
	unsigned char c;

	if (len == 0 || strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
		return RUMP_EINVAL;
	if (len >= RUMPCOMP_VIRTIF_NAMEMAX)
		return RUMP_ENAMETOOLONG;
	for (i = 0; i < len; i++) {
		c = (unsigned char)name[i];
		if (c == '/' || c == ':' || c <= ' ' || c == 0x7f)
			return RUMP_EINVAL;
	}
	return 0;
}

/* Open /dev/net/tun and attach it to the tap ifname. */
static int
tapopen(const char *ifname, int *fdp)
{
	struct ifreq ifr;
	int fd, e;

	if (if_nametoindex(ifname) == 0)
		return RUMP_ENXIO;
	fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (fd == -1)
		return errno == ENOENT ? RUMP_ENODEV : errtrans(errno);
	memset(&ifr, 0, sizeof(ifr));
	strncpy(ifr.ifr_name, ifname, sizeof(ifr.ifr_name) - 1);
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
	if (ioctl(fd, TUNSETIFF, &ifr) == -1) {
		e = errno;
		close(fd);
		return errtrans(e);
	}
	*fdp = fd;
	return 0;
}

int
rumpcomp_virtif_open(const char *ifname, struct rumpcomp_virtif **vp)
{
	struct rumpcomp_virtif *v;
	int error;

	if ((error = checkname(ifname)) != 0)
		return error;
	if ((v = calloc(1, sizeof(*v))) == NULL)
		return RUMP_ENOMEM;
	v->va_fd = v->va_evfd = -1;
	if ((v->va_spill = malloc(VIRTIF_READMAX)) == NULL) {
		error = RUMP_ENOMEM;
		goto fail;
	}
	if ((v->va_evfd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) == -1) {
		error = errtrans(errno);
		goto fail;
	}
	if ((error = tapopen(ifname, &v->va_fd)) != 0)
		goto fail;
	*vp = v;
	return 0;
fail:
	rumpcomp_virtif_close(v);
	return error;
}

void
rumpcomp_virtif_close(struct rumpcomp_virtif *v)
{

	if (v->va_fd != -1)
		close(v->va_fd);
	if (v->va_evfd != -1)
		close(v->va_evfd);
	free(v->va_spill);
	free(v);
}

int
rumpcomp_virtif_sendv(struct rumpcomp_virtif *v,
    const struct rumpcomp_virtif_iov *viov, int niov)
{
	struct iovec iov[RUMPCOMP_VIRTIF_IOVMAX];
	size_t total = 0;
	ssize_t n;
	int i;

	if (niov < 1 || niov > RUMPCOMP_VIRTIF_IOVMAX)
		return RUMP_EINVAL;
	for (i = 0; i < niov; i++) {
		iov[i].iov_base = viov[i].vi_base;
		iov[i].iov_len = viov[i].vi_len;
		total += viov[i].vi_len;
	}
	if (total == 0)
		return RUMP_EINVAL;
	if (v->va_gone)
		return RUMP_EIO;
	do
		n = writev(v->va_fd, iov, niov);
	while (n == -1 && errno == EINTR);
	if (n == -1)
		return errtrans(errno);
	return 0;
}

int
rumpcomp_virtif_recv(struct rumpcomp_virtif *v, void *buf, size_t buflen,
    size_t *lenp)
{
	struct iovec iov[2];
	ssize_t n;

	if (v->va_interrupted)
		return RUMP_EINTR;
	if (v->va_gone)
		return RUMP_EAGAIN;
	iov[0].iov_base = buf;
	iov[0].iov_len = buflen;
	iov[1].iov_base = v->va_spill;
	iov[1].iov_len = VIRTIF_READMAX;
	do
		n = readv(v->va_fd, iov, 2);
	while (n == -1 && errno == EINTR);
	if (n == -1) {
		if (errno == EAGAIN)
			return RUMP_EAGAIN;
		v->va_gone = 1;		/* EBADFD: the device is gone */
		return RUMP_EAGAIN;
	}
	*lenp = (size_t)n;
	return (size_t)n > buflen ? RUMP_EMSGSIZE : 0;
}

int
rumpcomp_virtif_wait(struct rumpcomp_virtif *v, int timeout_ms)
{
	struct pollfd pfd[2];
	int n;

	if (v->va_interrupted)
		return RUMP_EINTR;
	pfd[0].fd = v->va_evfd;
	pfd[0].events = POLLIN;
	pfd[1].fd = v->va_fd;
	pfd[1].events = POLLIN;
	do
		n = poll(pfd, v->va_gone ? 1 : 2, timeout_ms);
	while (n == -1 && errno == EINTR);
	if (n == -1)
		return errtrans(errno);
	if (v->va_interrupted)
		return RUMP_EINTR;
	if (n == 0)
		return RUMP_ETIMEDOUT;
	if (!v->va_gone && (pfd[1].revents & (POLLERR | POLLHUP | POLLNVAL)))
		v->va_gone = 1;
	return 0;
}

void
rumpcomp_virtif_interrupt(struct rumpcomp_virtif *v)
{
	uint64_t one = 1;

	v->va_interrupted = 1;
	while (write(v->va_evfd, &one, sizeof(one)) == -1 && errno == EINTR)
		continue;
}

void
rumpcomp_virtif_yield(void)
{

	sched_yield();
}
