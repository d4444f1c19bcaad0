/*
 * if_etherhost.h: Ethernet interfaces whose wire is something on the
 * host (sys/rump/net/etherhost).  shmif (a shared-memory bus file) and
 * virtif (a Linux tap device) are the same driver but for where frames
 * go: the cloner, the link string, the receive thread that waits
 * off-CPU, if_start, link state and counters live once, in
 * if_etherhost.c, and each driver supplies a backend: a table of calls
 * into its host half (rumpcomp_<driver>_*).
 *
 * A driver declares one static struct etherhost_backend with the eb_
 * fields filled in, calls etherhost_attach() from its component init
 * and etherhost_detach() from its fini.  Units are "<eb_name>N".
 */
#ifndef _RUMP_SYS_IF_ETHERHOST_H_
#define _RUMP_SYS_IF_ETHERHOST_H_

#include <rump-sys/types.h>
#include <rump-sys/if.h>
#include <rump-sys/mutex.h>
#include <rump-sys/queue.h>

/* A piece of a frame to send, in kernel memory. */
struct etherhost_iov {
	void		*ehi_base;
	size_t		 ehi_len;
};
/* Pieces of an mbuf chain sent as they are (more: flattened first). */
#define ETHERHOST_TXIOV		16

struct etherhost_sc;

/*
 * What a driver provides.  Every call returns 0 or a kernel errno;
 * none may sleep for long but eb_wait, which the receive thread calls
 * with its virtual CPU released.  h is what eb_open gave.
 */
struct etherhost_backend {
	const char	*eb_name;	/* unit prefix, "shmif" */
	size_t		 eb_linkmax;	/* longest link string, NUL included */
	int		 eb_framemax;	/* largest frame, Ethernet header in */
	/* Connect to link (a kernel string, not ""); *hp the handle. */
	int		(*eb_open)(const char *link, void **hp);
	void		(*eb_close)(void *h);
	/* Send one frame, the concatenation of niov pieces. */
	int		(*eb_sendv)(void *h, const struct etherhost_iov *,
			    int niov);
	/*
	 * Take one frame without blocking: 0 and *lenp; EAGAIN: none;
	 * EINTR: interrupted; another errno: a bad frame, skipped (it
	 * counts as an input error).
	 */
	int		(*eb_recv)(void *h, void *buf, size_t len, size_t *lenp);
	/* Sleep until a frame may be there; EINTR once interrupted. */
	int		(*eb_wait)(void *h);
	/* Make the current and every later eb_wait return EINTR. */
	void		(*eb_interrupt)(void *h);
	/* Let the host run another thread (called off-CPU). */
	void		(*eb_yield)(void);

	/* The common layer's. */
	struct if_clone	 eb_cloner;
	kmutex_t	 eb_mtx;	/* eb_units */
	LIST_HEAD(, etherhost_sc) eb_units;
};

/* Register the cloner; 0 or EEXIST.  From a RUMP_COMPONENT init. */
int	etherhost_attach(struct etherhost_backend *);
/* Destroy every unit and unregister (component fini). */
void	etherhost_detach(struct etherhost_backend *);

/*
 * rump_pub_<driver>_create: make the lowest free unit and connect it to
 * link (user memory); *unitp gets its number.  Called from outside the
 * kernel (takes a CPU); returns 0 or a host errno.
 */
int	etherhost_pub_create(struct etherhost_backend *, const char *link,
	    int *unitp);

#endif /* _RUMP_SYS_IF_ETHERHOST_H_ */
