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
 * The layering is what a later tap-backed interface would reuse: only
 * shmif_user.c knows where frames go, the kernel half speaks
 * rumpcomp_shmif_{send,recv,wait,interrupt}.  A virtif over a Linux tap
 * device would keep this file's shape (cloner, link string naming the
 * tap, receive thread, if_start) and swap the host half for one that
 * reads and writes /dev/net/tun.
 */
#include <rump-sys/types.h>
#include <rump-sys/component.h>
#include <rump-sys/errno.h>
#include <rump-sys/if.h>
#include <rump-sys/if_ether.h>
#include <rump-sys/kmem.h>
#include <rump-sys/kthread.h>
#include <rump-sys/mbuf.h>
#include <rump-sys/mutex.h>
#include <rump-sys/queue.h>
#include <rump-sys/sched.h>
#include <rump-sys/systm.h>

#include <rump/rump_shmif.h>
#include <rump/rumpnet.h>
#include <rump/rumpuser.h>

#include "shmif_user.h"

#define SHMIF_NAME		"shmif"
#define SHMIF_PATHMAX		1024
#define SHMIF_MAXUNIT		1000
/* Largest frame we put on the bus: the bus's limit (shmif_bus.h). */
#define SHMIF_FRAMEMAX		9018
/* Frames taken in a row before the receive thread lets others run. */
#define SHMIF_BURST		256
/* Pieces of an mbuf chain sent as they are (more: flattened first). */
#define SHMIF_TXIOV		16

struct shmif_sc {
	struct ifnet	 sc_if;
	uint8_t		 sc_enaddr[ETHER_ADDR_LEN];
	kmutex_t	 sc_mtx;	/* the fields below, sc_txbuf */
	struct rumpcomp_shmif *sc_bus;	/* NULL: not connected */
	/* The receive thread's, set before it starts, cleared after join. */
	struct rumpcomp_shmif *sc_rxbus;
	char		*sc_path;	/* kmem, sc_pathlen bytes */
	size_t		 sc_pathlen;
	struct lwp	*sc_rcvl;	/* receive thread */
	uint8_t		*sc_txbuf;	/* SHMIF_FRAMEMAX */
	uint8_t		*sc_rxbuf;	/* SHMIF_FRAMEMAX, receive thread's */
	int		 sc_unit;
	LIST_ENTRY(shmif_sc) sc_list;	/* shmif_units, shmif_mtx */
};

static kmutex_t shmif_mtx;
static LIST_HEAD(, shmif_sc) shmif_units;

static int	shmif_clone_create(struct if_clone *, int);
static int	shmif_clone_destroy(struct ifnet *);

static struct if_clone shmif_cloner = {
	.ifc_name = SHMIF_NAME,
	.ifc_create = shmif_clone_create,
	.ifc_destroy = shmif_clone_destroy,
};

/*
 * Receive buffers.  Frames are received straight into big buffers of
 * SHMIF_RXCHUNK bytes, one after the other (8-aligned, each starting
 * MBUF_ETHER_ALIGN bytes in, so the IP header is aligned), and each
 * packet is an mbuf sharing its buffer by reference (m_extref).  One
 * allocation serves some forty full-size frames, and it is not
 * poisoned at free as the 2 KiB clusters are (kmem poisons blocks up
 * to 4 KiB).  A buffer is freed when its last packet is.  Small frames
 * (ACKs, ARP) are copied into a plain mbuf and leave their place for
 * the next.  The receive thread holds one reference of the current
 * buffer (sc_rxchunk); without memory for one, frames go through
 * sc_rxbuf and m_devget.
 */
#define SHMIF_RXCHUNK		(64 * 1024)
#define SHMIF_RXROOM		(MBUF_ETHER_ALIGN + SHMIF_FRAMEMAX)

/* A buffer with room for a frame at *offp, or NULL. */
static struct mbuf *
shmif_rxchunk(struct mbuf *chunk, int *offp)
{

	if (chunk != NULL && SHMIF_RXCHUNK - *offp >= SHMIF_RXROOM)
		return chunk;
	if (chunk != NULL)
		m_free(chunk);
	*offp = 0;
	return m_getext(M_DONTWAIT, MT_DATA, 0, SHMIF_RXCHUNK);
}

/* The packet for the frame of len bytes received at *offp in chunk. */
static struct mbuf *
shmif_rxmbuf(struct shmif_sc *sc, struct mbuf *chunk, int *offp, size_t len)
{
	uint8_t *data = (uint8_t *)chunk->m_ext.ext_buf + *offp +
	    MBUF_ETHER_ALIGN;
	struct mbuf *m;

	if ((int)len + MBUF_ETHER_ALIGN <= MHLEN)
		return m_devget(data, (int)len, &sc->sc_if, M_DONTWAIT);
	m = m_extref(chunk, *offp + MBUF_ETHER_ALIGN, (int)len, M_DONTWAIT);
	if (m == NULL)
		return NULL;
	m->m_pkthdr.rcvif = &sc->sc_if;
	*offp += ((int)len + MBUF_ETHER_ALIGN + 7) & ~7;
	return m;
}

/*
 * The receive thread: wait off-CPU for frames, pass them up, until the
 * bus attachment is interrupted at disconnect.
 */
static void
shmif_rcv(void *arg)
{
	struct shmif_sc *sc = arg;
	struct ifnet *ifp = &sc->sc_if;
	struct rumpcomp_shmif *bus;
	struct rumpcomp_shmif_iov iov;
	struct mbuf *m, *chunk = NULL;
	size_t len = 0;
	int error, burst = 0, off = 0;

	/*
	 * Not sc_bus, which shmif_unlink clears before it interrupts and
	 * joins us, maybe before we first ran: sc_rxbus stays until then.
	 */
	bus = sc->sc_rxbus;

	for (;;) {
		/*
		 * Take frames while there are some, keeping the CPU (the bus
		 * lock is held only to copy one); sleep on the bus with the
		 * CPU given back when there are none.
		 */
		chunk = shmif_rxchunk(chunk, &off);
		if (chunk != NULL) {
			iov.si_base = (uint8_t *)chunk->m_ext.ext_buf + off +
			    MBUF_ETHER_ALIGN;
			iov.si_len = SHMIF_FRAMEMAX;
			error = rumpcomp_shmif_recvv(bus, &iov, 1, &len);
		} else
			error = rumpcomp_shmif_recv(bus, sc->sc_rxbuf,
			    SHMIF_FRAMEMAX, &len);
		if (error == EAGAIN) {
			rump_unschedule();
			error = rumpcomp_shmif_wait(bus, -1);
			rump_schedule();
			burst = 0;
			if (error == EINTR)
				break;
			continue;
		}
		/*
		 * A flood would keep the CPU from everyone else in this
		 * kernel (nothing preempts us), the threads reading what we
		 * pass up included: now and then give the CPU back and let
		 * the host run another thread before taking it again.  (Not
		 * a sleep: a host sleep of even 1 us costs tens of us and a
		 * context switch, every SHMIF_BURST frames of a transfer.)
		 */
		if (++burst == SHMIF_BURST) {
			burst = 0;
			rump_unschedule();
			rumpcomp_shmif_yield();
			rump_schedule();
		}
		if (error == EINTR)
			break;
		if (error != 0 || len < ETHER_HDR_LEN) {
			if_statinc(ifp, if_ierrors);
			continue;
		}
		if ((ifp->if_flags & (IFF_UP | IFF_RUNNING)) !=
		    (IFF_UP | IFF_RUNNING))
			continue;
		if (chunk != NULL)
			m = shmif_rxmbuf(sc, chunk, &off, len);
		else
			m = m_devget(sc->sc_rxbuf, (int)len, ifp, M_DONTWAIT);
		if (m == NULL) {
			if_statinc(ifp, if_iqdrops);
			continue;
		}
		if_statinc(ifp, if_ipackets);
		if_statadd(ifp, if_ibytes, len);
		ifp->if_input(ifp, m);
	}
	if (chunk != NULL)
		m_free(chunk);
	kthread_exit(0);
}

/*
 * Put every queued frame on the bus (or drop it when not connected):
 * the pieces of the chain go to the bus as they are, copied once, into
 * the ring; a chain of more pieces than that takes is flattened first.
 */
static void
shmif_start(struct ifnet *ifp)
{
	struct shmif_sc *sc = ifp->if_softc;
	struct rumpcomp_shmif_iov iov[SHMIF_TXIOV];
	struct mbuf *m, *n;
	int len, niov, error;

	while ((m = if_dequeue(ifp)) != NULL) {
		len = m_length(m);
		mutex_enter(&sc->sc_mtx);
		if (sc->sc_bus == NULL || len > SHMIF_FRAMEMAX ||
		    (ifp->if_flags & IFF_RUNNING) == 0) {
			mutex_exit(&sc->sc_mtx);
			if_statinc(ifp, if_oerrors);
			m_freem(m);
			continue;
		}
		niov = 0;
		for (n = m; n != NULL && niov < SHMIF_TXIOV; n = n->m_next) {
			if (n->m_len == 0)
				continue;
			iov[niov].si_base = mtod(n, void *);
			iov[niov].si_len = (size_t)n->m_len;
			niov++;
		}
		if (n == NULL && niov > 0)
			error = rumpcomp_shmif_sendv(sc->sc_bus, iov, niov);
		else {
			m_copydata(m, 0, len, sc->sc_txbuf);
			error = rumpcomp_shmif_send(sc->sc_bus, sc->sc_txbuf,
			    (size_t)len);
		}
		if (error != 0)
			if_statinc(ifp, if_oerrors);
		mutex_exit(&sc->sc_mtx);
		m_freem(m);
	}
}

/* Disconnect from the bus: stop the receive thread; link down. */
static void
shmif_unlink(struct shmif_sc *sc)
{
	struct rumpcomp_shmif *bus;
	struct lwp *l;

	mutex_enter(&sc->sc_mtx);
	bus = sc->sc_bus;
	l = sc->sc_rcvl;
	sc->sc_bus = NULL;
	sc->sc_rcvl = NULL;
	mutex_exit(&sc->sc_mtx);
	if (bus == NULL)
		return;
	rumpcomp_shmif_interrupt(bus);
	kthread_join(l);
	sc->sc_rxbus = NULL;
	rumpcomp_shmif_detach(bus);
	kmem_free(sc->sc_path, sc->sc_pathlen);
	sc->sc_path = NULL;
	sc->sc_pathlen = 0;
	if_link_state_change(&sc->sc_if, LINK_STATE_DOWN);
}

/*
 * Connect to the bus at path (kernel memory), replacing any previous
 * bus; "" only disconnects.  0 or an errno from the host (ENOENT,
 * EACCES, EFTYPE: not a bus file), EAGAIN (no thread).
 */
static int
shmif_link(struct shmif_sc *sc, const char *path)
{
	struct rumpcomp_shmif *bus;
	size_t len = strlen(path) + 1;
	int error;

	shmif_unlink(sc);
	if (len == 1)
		return 0;
	if ((error = rumpcomp_shmif_attach(path, 0, &bus)) != 0)
		return error;
	mutex_enter(&sc->sc_mtx);
	sc->sc_bus = bus;
	sc->sc_rxbus = bus;
	sc->sc_path = kmem_alloc(len, KM_SLEEP);
	sc->sc_pathlen = len;
	memcpy(sc->sc_path, path, len);
	mutex_exit(&sc->sc_mtx);
	error = kthread_create(PRI_NONE, KTHREAD_MPSAFE | KTHREAD_MUSTJOIN,
	    NULL, shmif_rcv, sc, &sc->sc_rcvl, "%s rcv", sc->sc_if.if_xname);
	if (error != 0) {
		mutex_enter(&sc->sc_mtx);
		sc->sc_bus = NULL;
		sc->sc_rxbus = NULL;
		mutex_exit(&sc->sc_mtx);
		rumpcomp_shmif_detach(bus);
		kmem_free(sc->sc_path, len);
		sc->sc_path = NULL;
		sc->sc_pathlen = 0;
		return error;
	}
	if_link_state_change(&sc->sc_if, LINK_STATE_UP);
	return 0;
}

/* RUMP_SIOCSLINKSTR: the path comes from user memory. */
static int
shmif_setlinkstr(struct shmif_sc *sc, const struct rump_ifdrv *ifd)
{
	char *path;
	size_t max;
	int error;

	if (ifd->ifd_cmd != 0)
		return EINVAL;
	if (ifd->ifd_len == 0 || ifd->ifd_len > SHMIF_PATHMAX)
		return ifd->ifd_len == 0 ? EINVAL : ENAMETOOLONG;
	max = ifd->ifd_len;
	path = kmem_alloc(max, KM_SLEEP);
	error = copyinstr(ifd->ifd_data, path, max, NULL);
	if (error == 0)
		error = shmif_link(sc, path);
	kmem_free(path, max);
	return error;
}

/*
 * RUMP_SIOCGLINKSTR: ifd_len 0 asks for the length (NUL included);
 * E2BIG when the buffer is too small, ENOENT when not connected.
 */
static int
shmif_getlinkstr(struct shmif_sc *sc, struct rump_ifdrv *ifd)
{
	int error = 0;

	if (ifd->ifd_cmd != 0)
		return EINVAL;
	mutex_enter(&sc->sc_mtx);
	if (sc->sc_path == NULL)
		error = ENOENT;
	else if (ifd->ifd_len == 0)
		ifd->ifd_len = sc->sc_pathlen;
	else if (ifd->ifd_len < sc->sc_pathlen)
		error = E2BIG;
	else
		error = copyout(sc->sc_path, ifd->ifd_data, sc->sc_pathlen);
	mutex_exit(&sc->sc_mtx);
	return error;
}

static int
shmif_ioctl(struct ifnet *ifp, u_long cmd, void *data)
{
	struct shmif_sc *sc = ifp->if_softc;

	switch (cmd) {
	case SIOCSIFFLAGS:
		if (ifp->if_flags & IFF_UP)
			ifp->if_flags |= IFF_RUNNING;
		else
			ifp->if_flags &= ~IFF_RUNNING;
		return 0;
	case SIOCSIFMTU:
		return 0;	/* if_mtu_max bounds it */
	case RUMP_SIOCSLINKSTR:
		return shmif_setlinkstr(sc, data);
	case RUMP_SIOCGLINKSTR:
		return shmif_getlinkstr(sc, data);
	default:
		return ENOTTY;
	}
}

/* A random, locally administered, unicast MAC. */
static void
shmif_randaddr(uint8_t *ea)
{
	size_t got = 0;

	if (rumpuser_getrandom(ea, ETHER_ADDR_LEN, RUMPUSER_RANDOM_NOWAIT,
	    &got) != 0 || got != ETHER_ADDR_LEN)
		panic("%s: no random bytes from the host", __func__);
	ea[0] = (uint8_t)((ea[0] & ~0x01) | 0x02);
}

static void
shmif_free(struct shmif_sc *sc)
{

	kmem_free(sc->sc_txbuf, SHMIF_FRAMEMAX);
	kmem_free(sc->sc_rxbuf, SHMIF_FRAMEMAX);
	mutex_destroy(&sc->sc_mtx);
	kmem_free(sc, sizeof(*sc));
}

static int
shmif_clone_create(struct if_clone *ifc, int unit)
{
	struct shmif_sc *sc;
	struct ifnet *ifp;
	int error;

	sc = kmem_zalloc(sizeof(*sc), KM_SLEEP);
	sc->sc_txbuf = kmem_alloc(SHMIF_FRAMEMAX, KM_SLEEP);
	sc->sc_rxbuf = kmem_alloc(SHMIF_FRAMEMAX, KM_SLEEP);
	mutex_init(&sc->sc_mtx, MUTEX_DEFAULT, IPL_NONE);
	shmif_randaddr(sc->sc_enaddr);
	ifp = &sc->sc_if;
	snprintf(ifp->if_xname, sizeof(ifp->if_xname), "%s%d", SHMIF_NAME,
	    unit);
	ifp->if_softc = sc;
	ifp->if_mtu = ETHERMTU;
	ifp->if_mtu_max = SHMIF_FRAMEMAX - ETHER_HDR_LEN;
	ifp->if_start = shmif_start;
	ifp->if_ioctl = shmif_ioctl;
	ifp->if_link_state = LINK_STATE_DOWN;
	sc->sc_unit = unit;
	if ((error = if_attach(ifp)) != 0) {
		shmif_free(sc);
		return error;
	}
	ether_ifattach(ifp, sc->sc_enaddr);
	mutex_enter(&shmif_mtx);
	LIST_INSERT_HEAD(&shmif_units, sc, sc_list);
	mutex_exit(&shmif_mtx);
	return 0;
}

static int
shmif_clone_destroy(struct ifnet *ifp)
{
	struct shmif_sc *sc = ifp->if_softc;

	mutex_enter(&shmif_mtx);
	LIST_REMOVE(sc, sc_list);
	mutex_exit(&shmif_mtx);
	shmif_unlink(sc);
	ether_ifdetach(ifp);
	if_detach(ifp);
	shmif_free(sc);
	return 0;
}

int
rump_pub_shmif_create(const char *path, int *unitp)
{
	char name[IFNAMSIZ], *kpath;
	struct shmif_sc *sc;
	int error, unit;

	if (path == NULL || unitp == NULL)
		return rumpuser_errno_tohost(EFAULT);
	rump_schedule();
	kpath = kmem_alloc(SHMIF_PATHMAX, KM_SLEEP);
	if ((error = copyinstr(path, kpath, SHMIF_PATHMAX, NULL)) != 0)
		goto out;
	for (unit = 0; unit < SHMIF_MAXUNIT; unit++) {
		snprintf(name, sizeof(name), "%s%d", SHMIF_NAME, unit);
		if ((error = if_clone_create(name)) != EEXIST)
			break;
	}
	if (error != 0)
		goto out;
	mutex_enter(&shmif_mtx);
	LIST_FOREACH(sc, &shmif_units, sc_list)
		if (sc->sc_unit == unit)
			break;
	mutex_exit(&shmif_mtx);
	KASSERT(sc != NULL);
	if ((error = shmif_link(sc, kpath)) != 0) {
		(void)if_clone_destroy(name);
		goto out;
	}
	*unitp = unit;
out:
	kmem_free(kpath, SHMIF_PATHMAX);
	rump_unschedule();
	return rumpuser_errno_tohost(error);
}

RUMP_COMPONENT(RUMP_COMPONENT_NET_IF, shmif, "rumpnet")
{
	int error;

	mutex_init(&shmif_mtx, MUTEX_DEFAULT, IPL_NONE);
	LIST_INIT(&shmif_units);
	if ((error = if_clone_attach(&shmif_cloner)) != 0)
		mutex_destroy(&shmif_mtx);
	return error;
}

RUMP_COMPONENT_FINI(shmif)
{

	if_clone_detach(&shmif_cloner);
	KASSERT(LIST_EMPTY(&shmif_units));
	mutex_destroy(&shmif_mtx);
}
