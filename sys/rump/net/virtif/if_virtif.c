/*
 * if_virtif.c: the kernel half of virtif, an Ethernet interface whose
 * wire is a Linux tap device: the kernel's frames come out of the tap
 * into the host's network stack, and what the host sends on the tap
 * comes in.  With the tap in a private network namespace, a test has
 * the real Linux stack as a peer and needs no real network.
 *
 * Units are virtN, made by the cloner (RUMP_SIOCIFCREATE) and attached
 * with RUMP_SIOCSLINKSTR naming the tap device ("" detaches), or both
 * at once by rump_pub_virtif_create().  The driver is the one shmif
 * uses (sys/rump/net/etherhost): this file is only the backend table
 * pointing it at the host half, rumpcomp_virtif_* (virtif_user.c).
 */
#include <rump-sys/types.h>
#include <rump-sys/component.h>
#include <rump-sys/errno.h>
#include <rump-sys/if_etherhost.h>
#include <rump-sys/systm.h>

#include <rump/rump_virtif.h>

#include "virtif_user.h"

/*
 * The largest frame: a 9000-byte MTU (jumbo, as shmif) and the header.
 * Longer frames from Linux (its tap MTU set higher) are dropped and
 * counted as input errors.
 */
#define VIRTIF_FRAMEMAX		9018

static int
virtif_open(const char *name, void **hp)
{
	struct rumpcomp_virtif *v;
	int error;

	if ((error = rumpcomp_virtif_open(name, &v)) == 0)
		*hp = v;
	return error;
}

static void
virtif_close(void *h)
{

	rumpcomp_virtif_close(h);
}

static int
virtif_sendv(void *h, const struct etherhost_iov *eiov, int niov)
{
	struct rumpcomp_virtif_iov iov[ETHERHOST_TXIOV];
	int i;

	if (niov > ETHERHOST_TXIOV)
		return EINVAL;
	for (i = 0; i < niov; i++) {
		iov[i].vi_base = eiov[i].ehi_base;
		iov[i].vi_len = eiov[i].ehi_len;
	}
	return rumpcomp_virtif_sendv(h, iov, niov);
}

static int
virtif_recv(void *h, void *buf, size_t len, size_t *lenp)
{

	return rumpcomp_virtif_recv(h, buf, len, lenp);
}

static int
virtif_wait(void *h)
{

	return rumpcomp_virtif_wait(h, -1);
}

static void
virtif_interrupt(void *h)
{

	rumpcomp_virtif_interrupt(h);
}

static struct etherhost_backend virtif_backend = {
	.eb_name = "virt",
	.eb_linkmax = RUMPCOMP_VIRTIF_NAMEMAX,
	.eb_framemax = VIRTIF_FRAMEMAX,
	.eb_open = virtif_open,
	.eb_close = virtif_close,
	.eb_sendv = virtif_sendv,
	.eb_recv = virtif_recv,
	.eb_wait = virtif_wait,
	.eb_interrupt = virtif_interrupt,
	.eb_yield = rumpcomp_virtif_yield,
};

int
rump_pub_virtif_create(const char *tapname, int *unitp)
{

	return etherhost_pub_create(&virtif_backend, tapname, unitp);
}

RUMP_COMPONENT(RUMP_COMPONENT_NET_IF, virtif, "rumpnet")
{

	return etherhost_attach(&virtif_backend);
}

RUMP_COMPONENT_FINI(virtif)
{

	etherhost_detach(&virtif_backend);
}
