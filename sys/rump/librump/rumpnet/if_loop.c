/*
 * if_loop.c: the loopback interface lo0.  Whatever it sends comes back
 * as input through the network softint, never recursively, so a
 * protocol may send while holding softnet_lock.  The netinet family
 * gives it 127.0.0.1/8 (in.c); lo0 exists in every kernel with the
 * networking faction and cannot be destroyed.
 */
#include <rump-sys/systm.h>
#include <rump-sys/if.h>
#include <rump-sys/kmem.h>
#include <rump-sys/mbuf.h>
#include <rump-sys/socketvar.h>

#include "rumpnet_int.h"

#define LOMTU	33624		/* as NetBSD's loopback */

struct ifnet *lo0ifp;

static int
looutput(struct ifnet *ifp, struct mbuf *m, const struct sockaddr *dst,
    struct rtentry *rt)
{
	int len = m->m_pkthdr.len;

	KASSERT(m->m_flags & M_PKTHDR);
	if (!(ifp->if_flags & IFF_UP)) {
		m_freem(m);
		if_statinc(ifp, if_oerrors);
		return ENETDOWN;
	}
	if_statinc(ifp, if_opackets);
	if_statadd(ifp, if_obytes, len);
	m->m_pkthdr.rcvif = ifp;
	m->m_pkthdr.csum_flags = 0;
	m->m_flags &= ~(M_BCAST | M_MCAST);
	if (netisr_queue(NETISR_IP, m) != 0)
		return ENOBUFS;
	if_statinc(ifp, if_ipackets);
	if_statadd(ifp, if_ibytes, len);
	return 0;
}

int
loop_attach(void)
{
	struct ifnet *ifp;
	int error;

	ifp = kmem_zalloc(sizeof(*ifp), KM_SLEEP);
	strlcpy(ifp->if_xname, "lo0", sizeof(ifp->if_xname));
	ifp->if_type = IFT_LOOP;
	ifp->if_flags = IFF_LOOPBACK | IFF_RUNNING;
	ifp->if_mtu = LOMTU;
	ifp->if_mtu_max = 65535;
	ifp->if_output = looutput;
	ifp->if_ioctl = if_ioctl_common;
	ifp->if_link_state = LINK_STATE_UP;
	if ((error = if_attach(ifp)) != 0) {
		kmem_free(ifp, sizeof(*ifp));
		return error;
	}
	mutex_enter(softnet_lock);
	(void)if_up(ifp);
	lo0ifp = ifp;
	mutex_exit(softnet_lock);
	return 0;
}

void
loop_detach(void)
{
	struct ifnet *ifp = lo0ifp;

	if (ifp == NULL)
		return;
	if_detach(ifp);
	lo0ifp = NULL;
	kmem_free(ifp, sizeof(*ifp));
}
