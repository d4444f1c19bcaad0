/*
 * if_etherhost.c: the Ethernet driver shared by the interfaces whose
 * wire is on the host (rump-sys/if_etherhost.h): shmif's bus file and
 * virtif's Linux tap device.  What differs between them is only the
 * backend, a table of calls into the driver's host half; everything a
 * network interface does is here once:
 *
 *   - the cloner ("ifconfig shmif0 create", RUMP_SIOCIFCREATE) and
 *     rump_pub_<driver>_create();
 *   - the link string (RUMP_SIOC[SG]LINKSTR): connecting starts a
 *     receive thread and brings the link up, "" disconnects;
 *   - the receive thread, which waits in the backend with its virtual
 *     CPU released and hands each frame to if_input;
 *   - if_start, which gives queued frames to the backend as the pieces
 *     of their mbuf chains;
 *   - counters: a frame the backend says is bad, or shorter than an
 *     Ethernet header, is an input error; a frame that could not be
 *     sent is an output error.
 */
#include <stddef.h>

#include <rump-sys/types.h>
#include <rump-sys/errno.h>
#include <rump-sys/if.h>
#include <rump-sys/if_ether.h>
#include <rump-sys/if_etherhost.h>
#include <rump-sys/kmem.h>
#include <rump-sys/kthread.h>
#include <rump-sys/mbuf.h>
#include <rump-sys/mutex.h>
#include <rump-sys/queue.h>
#include <rump-sys/sched.h>
#include <rump-sys/systm.h>

#include <rump/rumpnet.h>
#include <rump/rumpuser.h>

#define EH_MAXUNIT		1000
/* Frames taken in a row before the receive thread lets others run. */
#define EH_BURST		256

struct etherhost_sc {
	struct ifnet	 sc_if;
	struct etherhost_backend *sc_eb;
	uint8_t		 sc_enaddr[ETHER_ADDR_LEN];
	kmutex_t	 sc_mtx;	/* the fields below, sc_txbuf */
	void		*sc_host;	/* NULL: not connected */
	/* The receive thread's, set before it starts, cleared after join. */
	void		*sc_rxhost;
	char		*sc_link;	/* kmem, sc_linklen bytes */
	size_t		 sc_linklen;
	struct lwp	*sc_rcvl;	/* receive thread */
	uint8_t		*sc_txbuf;	/* eb_framemax */
	uint8_t		*sc_rxbuf;	/* eb_framemax, receive thread's */
	int		 sc_unit;
	LIST_ENTRY(etherhost_sc) sc_list; /* eb_units, eb_mtx */
};

/*
 * Receive buffers.  Frames are received straight into big buffers of
 * EH_RXCHUNK bytes, one after the other (8-aligned, each starting
 * MBUF_ETHER_ALIGN bytes in, so the IP header is aligned), and each
 * packet is an mbuf sharing its buffer by reference (m_extref).  One
 * allocation serves some forty full-size frames, and it is not
 * poisoned at free as the 2 KiB clusters are (kmem poisons blocks up
 * to 4 KiB).  A buffer is freed when its last packet is.  Small frames
 * (ACKs, ARP) are copied into a plain mbuf and leave their place for
 * the next.  The receive thread holds one reference of the current
 * buffer; without memory for one, frames go through sc_rxbuf and
 * m_devget.
 */
#define EH_RXCHUNK		(64 * 1024)
#define EH_RXROOM(sc)		(MBUF_ETHER_ALIGN + (sc)->sc_eb->eb_framemax)

/* A buffer with room for a frame at *offp, or NULL. */
static struct mbuf *
rxchunk(struct etherhost_sc *sc, struct mbuf *chunk, int *offp)
{

	if (chunk != NULL && EH_RXCHUNK - *offp >= EH_RXROOM(sc))
		return chunk;
	if (chunk != NULL)
		m_free(chunk);
	*offp = 0;
	return m_getext(M_DONTWAIT, MT_DATA, 0, EH_RXCHUNK);
}

/* The packet for the frame of len bytes received at *offp in chunk. */
static struct mbuf *
rxmbuf(struct etherhost_sc *sc, struct mbuf *chunk, int *offp, size_t len)
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

/* Pass a frame received into chunk (or sc_rxbuf) up the stack. */
static void
rxframe(struct etherhost_sc *sc, struct mbuf *chunk, int *offp, size_t len)
{
	struct ifnet *ifp = &sc->sc_if;
	struct mbuf *m;

	if (len < ETHER_HDR_LEN) {
		if_statinc(ifp, if_ierrors);
		return;
	}
	if ((ifp->if_flags & (IFF_UP | IFF_RUNNING)) !=
	    (IFF_UP | IFF_RUNNING))
		return;
	if (chunk != NULL)
		m = rxmbuf(sc, chunk, offp, len);
	else
		m = m_devget(sc->sc_rxbuf, (int)len, ifp, M_DONTWAIT);
	if (m == NULL) {
		if_statinc(ifp, if_iqdrops);
		return;
	}
	if_statinc(ifp, if_ipackets);
	if_statadd(ifp, if_ibytes, len);
	ifp->if_input(ifp, m);
}

/*
 * The receive thread: wait off-CPU for frames, pass them up, until the
 * backend is interrupted at disconnect.
 */
static void
etherhost_rcv(void *arg)
{
	struct etherhost_sc *sc = arg;
	struct etherhost_backend *eb = sc->sc_eb;
	struct mbuf *chunk = NULL;
	void *h, *buf;
	size_t len = 0;
	int error, burst = 0, off = 0;

	/*
	 * Not sc_host, which unlink clears before it interrupts and joins
	 * us, maybe before we first ran: sc_rxhost stays until then.
	 */
	h = sc->sc_rxhost;

	for (;;) {
		/*
		 * Take frames while there are some, keeping the CPU (taking
		 * one does not block); sleep in the backend with the CPU
		 * given back when there are none.
		 */
		chunk = rxchunk(sc, chunk, &off);
		if (chunk != NULL)
			buf = (uint8_t *)chunk->m_ext.ext_buf + off +
			    MBUF_ETHER_ALIGN;
		else
			buf = sc->sc_rxbuf;
		error = eb->eb_recv(h, buf, (size_t)eb->eb_framemax, &len);
		if (error == EAGAIN) {
			rump_unschedule();
			error = eb->eb_wait(h);
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
		 * context switch, every EH_BURST frames of a transfer.)
		 */
		if (++burst == EH_BURST) {
			burst = 0;
			rump_unschedule();
			eb->eb_yield();
			rump_schedule();
		}
		if (error == EINTR)
			break;
		if (error != 0) {
			if_statinc(&sc->sc_if, if_ierrors);
			continue;
		}
		rxframe(sc, chunk, &off, len);
	}
	if (chunk != NULL)
		m_free(chunk);
	kthread_exit(0);
}

/* Hand one frame to the backend; sc_mtx held, the link up. */
static int
txframe(struct etherhost_sc *sc, struct mbuf *m, int len)
{
	struct etherhost_iov iov[ETHERHOST_TXIOV];
	struct mbuf *n;
	int niov = 0;

	for (n = m; n != NULL && niov < ETHERHOST_TXIOV; n = n->m_next) {
		if (n->m_len == 0)
			continue;
		iov[niov].ehi_base = mtod(n, void *);
		iov[niov].ehi_len = (size_t)n->m_len;
		niov++;
	}
	if (n != NULL || niov == 0) {
		m_copydata(m, 0, len, sc->sc_txbuf);
		iov[0].ehi_base = sc->sc_txbuf;
		iov[0].ehi_len = (size_t)len;
		niov = 1;
	}
	return sc->sc_eb->eb_sendv(sc->sc_host, iov, niov);
}

/*
 * Give every queued frame to the backend (or drop it when not
 * connected): the pieces of the chain go as they are, a chain of more
 * pieces than ETHERHOST_TXIOV is flattened first.
 */
static void
etherhost_start(struct ifnet *ifp)
{
	struct etherhost_sc *sc = ifp->if_softc;
	struct mbuf *m;
	int len, error;

	while ((m = if_dequeue(ifp)) != NULL) {
		len = m_length(m);
		mutex_enter(&sc->sc_mtx);
		/*
		 * IFF_UP, not IFF_RUNNING: bringing the interface up runs
		 * the protocols' hooks (the gratuitous ARP) before our
		 * SIOCSIFFLAGS sets IFF_RUNNING, and their first frame
		 * must not be lost.
		 */
		if (sc->sc_host == NULL || len > sc->sc_eb->eb_framemax ||
		    (ifp->if_flags & IFF_UP) == 0)
			error = ENETDOWN;
		else
			error = txframe(sc, m, len);
		mutex_exit(&sc->sc_mtx);
		if (error != 0)
			if_statinc(ifp, if_oerrors);
		m_freem(m);
	}
}

/* Disconnect: stop the receive thread, close the backend; link down. */
static void
eh_unlink(struct etherhost_sc *sc)
{
	void *h;
	struct lwp *l;

	mutex_enter(&sc->sc_mtx);
	h = sc->sc_host;
	l = sc->sc_rcvl;
	sc->sc_host = NULL;
	sc->sc_rcvl = NULL;
	mutex_exit(&sc->sc_mtx);
	if (h == NULL)
		return;
	sc->sc_eb->eb_interrupt(h);
	kthread_join(l);
	sc->sc_rxhost = NULL;
	sc->sc_eb->eb_close(h);
	kmem_free(sc->sc_link, sc->sc_linklen);
	sc->sc_link = NULL;
	sc->sc_linklen = 0;
	if_link_state_change(&sc->sc_if, LINK_STATE_DOWN);
}

/*
 * Connect to link (kernel memory), replacing any previous connection;
 * "" only disconnects.  0 or an errno from the backend, EAGAIN (no
 * thread).
 */
static int
eh_link(struct etherhost_sc *sc, const char *str)
{
	struct etherhost_backend *eb = sc->sc_eb;
	size_t len = strlen(str) + 1;
	void *h;
	int error;

	eh_unlink(sc);
	if (len == 1)
		return 0;
	if ((error = eb->eb_open(str, &h)) != 0)
		return error;
	mutex_enter(&sc->sc_mtx);
	sc->sc_host = h;
	sc->sc_rxhost = h;
	sc->sc_link = kmem_alloc(len, KM_SLEEP);
	sc->sc_linklen = len;
	memcpy(sc->sc_link, str, len);
	mutex_exit(&sc->sc_mtx);
	error = kthread_create(PRI_NONE, KTHREAD_MPSAFE | KTHREAD_MUSTJOIN,
	    NULL, etherhost_rcv, sc, &sc->sc_rcvl, "%s rcv",
	    sc->sc_if.if_xname);
	if (error != 0) {
		mutex_enter(&sc->sc_mtx);
		sc->sc_host = NULL;
		sc->sc_rxhost = NULL;
		mutex_exit(&sc->sc_mtx);
		eb->eb_close(h);
		kmem_free(sc->sc_link, len);
		sc->sc_link = NULL;
		sc->sc_linklen = 0;
		return error;
	}
	if_link_state_change(&sc->sc_if, LINK_STATE_UP);
	return 0;
}

/* RUMP_SIOCSLINKSTR: the string comes from user memory. */
static int
setlinkstr(struct etherhost_sc *sc, const struct rump_ifdrv *ifd)
{
	char *str;
	size_t max;
	int error;

	if (ifd->ifd_cmd != 0)
		return EINVAL;
	if (ifd->ifd_len == 0)
		return EINVAL;
	if (ifd->ifd_len > sc->sc_eb->eb_linkmax)
		return ENAMETOOLONG;
	max = ifd->ifd_len;
	str = kmem_alloc(max, KM_SLEEP);
	error = copyinstr(ifd->ifd_data, str, max, NULL);
	if (error == 0)
		error = eh_link(sc, str);
	kmem_free(str, max);
	return error;
}

/*
 * RUMP_SIOCGLINKSTR: ifd_len 0 asks for the length (NUL included);
 * E2BIG when the buffer is too small, ENOENT when not connected.
 */
static int
getlinkstr(struct etherhost_sc *sc, struct rump_ifdrv *ifd)
{
	int error = 0;

	if (ifd->ifd_cmd != 0)
		return EINVAL;
	mutex_enter(&sc->sc_mtx);
	if (sc->sc_link == NULL)
		error = ENOENT;
	else if (ifd->ifd_len == 0)
		ifd->ifd_len = sc->sc_linklen;
	else if (ifd->ifd_len < sc->sc_linklen)
		error = E2BIG;
	else
		error = copyout(sc->sc_link, ifd->ifd_data, sc->sc_linklen);
	mutex_exit(&sc->sc_mtx);
	return error;
}

static int
etherhost_ioctl(struct ifnet *ifp, u_long cmd, void *data)
{
	struct etherhost_sc *sc = ifp->if_softc;

	switch (cmd) {
	case RUMP_SIOCSLINKSTR:
		return setlinkstr(sc, data);
	case RUMP_SIOCGLINKSTR:
		return getlinkstr(sc, data);
	default:
		return if_ioctl_common(ifp, cmd, data);
	}
}

/* A random, locally administered, unicast MAC. */
static void
randaddr(uint8_t *ea)
{
	size_t got = 0;

	if (rumpuser_getrandom(ea, ETHER_ADDR_LEN, RUMPUSER_RANDOM_NOWAIT,
	    &got) != 0 || got != ETHER_ADDR_LEN)
		panic("%s: no random bytes from the host", __func__);
	ea[0] = (uint8_t)((ea[0] & ~0x01) | 0x02);
}

static void
sc_free(struct etherhost_sc *sc)
{
	size_t max = (size_t)sc->sc_eb->eb_framemax;

	kmem_free(sc->sc_txbuf, max);
	kmem_free(sc->sc_rxbuf, max);
	mutex_destroy(&sc->sc_mtx);
	kmem_free(sc, sizeof(*sc));
}

static int
clone_create(struct if_clone *ifc, int unit)
{
	struct etherhost_backend *eb = (struct etherhost_backend *)
	    ((char *)ifc - offsetof(struct etherhost_backend, eb_cloner));
	struct etherhost_sc *sc;
	struct ifnet *ifp;
	int error;

	sc = kmem_zalloc(sizeof(*sc), KM_SLEEP);
	sc->sc_eb = eb;
	sc->sc_txbuf = kmem_alloc((size_t)eb->eb_framemax, KM_SLEEP);
	sc->sc_rxbuf = kmem_alloc((size_t)eb->eb_framemax, KM_SLEEP);
	mutex_init(&sc->sc_mtx, MUTEX_DEFAULT, IPL_NONE);
	randaddr(sc->sc_enaddr);
	ifp = &sc->sc_if;
	snprintf(ifp->if_xname, sizeof(ifp->if_xname), "%s%d", eb->eb_name,
	    unit);
	ifp->if_softc = sc;
	ifp->if_mtu = ETHERMTU;
	ifp->if_mtu_max = eb->eb_framemax - ETHER_HDR_LEN;
	ifp->if_start = etherhost_start;
	ifp->if_ioctl = etherhost_ioctl;
	ifp->if_link_state = LINK_STATE_DOWN;
	sc->sc_unit = unit;
	if ((error = if_attach(ifp)) != 0) {
		sc_free(sc);
		return error;
	}
	ether_ifattach(ifp, sc->sc_enaddr);
	mutex_enter(&eb->eb_mtx);
	LIST_INSERT_HEAD(&eb->eb_units, sc, sc_list);
	mutex_exit(&eb->eb_mtx);
	return 0;
}

static int
clone_destroy(struct ifnet *ifp)
{
	struct etherhost_sc *sc = ifp->if_softc;
	struct etherhost_backend *eb = sc->sc_eb;

	mutex_enter(&eb->eb_mtx);
	LIST_REMOVE(sc, sc_list);
	mutex_exit(&eb->eb_mtx);
	eh_unlink(sc);
	ether_ifdetach(ifp);
	if_detach(ifp);
	sc_free(sc);
	return 0;
}

int
etherhost_pub_create(struct etherhost_backend *eb, const char *ulink,
    int *unitp)
{
	char name[IFNAMSIZ], *str;
	struct etherhost_sc *sc;
	int error, unit;

	if (ulink == NULL || unitp == NULL)
		return rumpuser_errno_tohost(EFAULT);
	rump_schedule();
	str = kmem_alloc(eb->eb_linkmax, KM_SLEEP);
	error = copyinstr(ulink, str, eb->eb_linkmax, NULL);
	if (error != 0)
		goto out;
	for (unit = 0; unit < EH_MAXUNIT; unit++) {
		snprintf(name, sizeof(name), "%s%d", eb->eb_name, unit);
		if ((error = if_clone_create(name)) != EEXIST)
			break;
	}
	if (error != 0)
		goto out;
	mutex_enter(&eb->eb_mtx);
	LIST_FOREACH(sc, &eb->eb_units, sc_list)
		if (sc->sc_unit == unit)
			break;
	mutex_exit(&eb->eb_mtx);
	KASSERT(sc != NULL);
	if ((error = eh_link(sc, str)) != 0) {
		(void)if_clone_destroy(name);
		goto out;
	}
	*unitp = unit;
out:
	kmem_free(str, eb->eb_linkmax);
	rump_unschedule();
	return rumpuser_errno_tohost(error);
}

int
etherhost_attach(struct etherhost_backend *eb)
{
	int error;

	KASSERT(eb->eb_framemax > ETHER_HDR_LEN &&
	    eb->eb_framemax + MBUF_ETHER_ALIGN <= EH_RXCHUNK);
	mutex_init(&eb->eb_mtx, MUTEX_DEFAULT, IPL_NONE);
	LIST_INIT(&eb->eb_units);
	eb->eb_cloner.ifc_name = eb->eb_name;
	eb->eb_cloner.ifc_create = clone_create;
	eb->eb_cloner.ifc_destroy = clone_destroy;
	if ((error = if_clone_attach(&eb->eb_cloner)) != 0)
		mutex_destroy(&eb->eb_mtx);
	return error;
}

void
etherhost_detach(struct etherhost_backend *eb)
{

	if_clone_detach(&eb->eb_cloner);
	KASSERT(LIST_EMPTY(&eb->eb_units));
	mutex_destroy(&eb->eb_mtx);
}
