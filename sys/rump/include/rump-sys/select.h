/*
 * select.h: waiting for descriptors to become ready (poll and select).
 * A file type's fo_poll (or a driver's d_poll) returns the events ready
 * now; for the rest it calls selrecord() on its own struct selinfo, and
 * later, when they may have become ready, selnotify() on it.  The
 * polling lwp sleeps until a recorded selinfo is notified or its
 * timeout passes, then asks every descriptor again.
 *
 * selnotify may be called from any kernel context (a softint, an
 * interrupt handler on a virtual CPU) with the driver's locks held.
 * seldestroy must be called before the selinfo's memory goes.
 */
#ifndef _RUMP_SYS_SELECT_H_
#define _RUMP_SYS_SELECT_H_

#include <rump-sys/types.h>
#include <rump-sys/queue.h>

struct selinfo {
	LIST_HEAD(, selrecord_link) sel_waiters;
};

void	selinit(struct selinfo *);
void	seldestroy(struct selinfo *);
void	selrecord(struct selinfo *);
void	selnotify(struct selinfo *, int events);

/* poll events: the host's (Linux) values, so struct pollfd passes as is */
#define POLLIN		0x0001
#define POLLPRI		0x0002
#define POLLOUT		0x0004
#define POLLERR		0x0008
#define POLLHUP		0x0010
#define POLLNVAL	0x0020
#define POLLRDNORM	0x0040
#define POLLRDBAND	0x0080
#define POLLWRNORM	0x0100
#define POLLWRBAND	0x0200

struct pollfd {
	int	fd;
	short	events;
	short	revents;
};

#endif /* _RUMP_SYS_SELECT_H_ */
