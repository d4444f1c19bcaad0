/*
 * if_shmif.c: the kernel half of shmif, an Ethernet interface whose
 * wire is a shared-memory bus file (the host half, shmif_user.c, maps
 * it).  Any number of kernels, in any number of processes, attached to
 * one bus see each other's frames, as on a hub.
 *
 * Units are made by the interface cloner ("ifconfig shmif0 create",
 * RUMP_SIOCIFCREATE) and connected to a bus with RUMP_SIOCSLINKSTR
 * (the bus path; "" disconnects), or both at once by
 * rump_pub_shmif_create().  Connected, the link is up and a receive
 * thread waits on the bus with its virtual CPU released, handing each
 * frame to if_input; if_start copies queued frames onto the bus.
 *
 * All of that is the driver shared with virtif (the tap-backed
 * interface), sys/rump/net/etherhost; this file is only the backend
 * table that points it at rumpcomp_shmif_*.
 */
#include <rump-sys/types.h>
#include <rump-sys/component.h>
#include <rump-sys/errno.h>
#include <rump-sys/if_etherhost.h>
#include <rump-sys/systm.h>

#include <rump/rump_shmif.h>

#include "shmif_user.h"

#define SHMIF_PATHMAX		1024
/* Largest frame we put on the bus: the bus's limit (shmif_bus.h). */
#define SHMIF_FRAMEMAX		9018

static int
shmif_open(const char *path, void **hp)
{
	struct rumpcomp_shmif *att;
	int error;

	if ((error = rumpcomp_shmif_attach(path, 0, &att)) == 0)
		*hp = att;
	return error;
}

static void
shmif_close(void *h)
{

	rumpcomp_shmif_detach(h);
}

static int
shmif_sendv(void *h, const struct etherhost_iov *eiov, int niov)
{
	struct rumpcomp_shmif_iov iov[ETHERHOST_TXIOV];
	int i;

	if (niov > ETHERHOST_TXIOV)
		return EINVAL;
	for (i = 0; i < niov; i++) {
		iov[i].si_base = eiov[i].ehi_base;
		iov[i].si_len = eiov[i].ehi_len;
	}
	return rumpcomp_shmif_sendv(h, iov, niov);
}

static int
shmif_recv(void *h, void *buf, size_t len, size_t *lenp)
{

	return rumpcomp_shmif_recv(h, buf, len, lenp);
}

static int
shmif_wait(void *h)
{

	return rumpcomp_shmif_wait(h, -1);
}

static void
shmif_interrupt(void *h)
{

	rumpcomp_shmif_interrupt(h);
}

static struct etherhost_backend shmif_backend = {
	.eb_name = "shmif",
	.eb_linkmax = SHMIF_PATHMAX,
	.eb_framemax = SHMIF_FRAMEMAX,
	.eb_open = shmif_open,
	.eb_close = shmif_close,
	.eb_sendv = shmif_sendv,
	.eb_recv = shmif_recv,
	.eb_wait = shmif_wait,
	.eb_interrupt = shmif_interrupt,
	.eb_yield = rumpcomp_shmif_yield,
};

int
rump_pub_shmif_create(const char *path, int *unitp)
{

	return etherhost_pub_create(&shmif_backend, path, unitp);
}

RUMP_COMPONENT(RUMP_COMPONENT_NET_IF, shmif, "rumpnet")
{

	return etherhost_attach(&shmif_backend);
}

RUMP_COMPONENT_FINI(shmif)
{

	etherhost_detach(&shmif_backend);
}
