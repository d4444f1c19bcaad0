/*
 * if_ethersubr.c: Ethernet framing for interfaces (see
 * rump-sys/if_ether.h): the output routine that resolves next hops with
 * ARP and adds the header, and the input routine that checks a frame,
 * strips the header and queues the payload for its protocol.
 */
#include <rump-sys/systm.h>
#include <rump-sys/if.h>
#include <rump-sys/if_ether.h>
#include <rump-sys/mbuf.h>
#include <rump-sys/socketvar.h>
#include <rump-sys/netinet/in.h>

#include "netinet_int.h"

const uint8_t etherbroadcastaddr[ETHER_ADDR_LEN] = {
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff
};

char *
ether_sprintf(char *buf, const uint8_t *ea)
{
	snprintf(buf, 18, "%02x:%02x:%02x:%02x:%02x:%02x", ea[0], ea[1],
	    ea[2], ea[3], ea[4], ea[5]);
	return buf;
}

void
ether_ifattach(struct ifnet *ifp, const uint8_t *enaddr)
{
	ifp->if_type = IFT_ETHER;
	ifp->if_addrlen = ETHER_ADDR_LEN;
	ifp->if_hdrlen = ETHER_HDR_LEN;
	ifp->if_flags |= IFF_BROADCAST;
	if (ifp->if_mtu == 0)
		ifp->if_mtu = ETHERMTU;
	if (ifp->if_mtu_max == 0 || ifp->if_mtu_max == 65535)
		ifp->if_mtu_max = 9000;		/* jumbo frames allowed */
	memcpy(ifp->if_lladdr, enaddr, ETHER_ADDR_LEN);
	ifp->if_output = ether_output;
	ifp->if_input = ether_input;
}

void
ether_ifdetach(struct ifnet *ifp)
{
	mutex_enter(softnet_lock);
	arp_purge_if(ifp);
	mutex_exit(softnet_lock);
}

/* Prepend the header and queue the frame; consumes m. */
int
ether_frame_output(struct ifnet *ifp, struct mbuf *m, const uint8_t *dst,
    uint16_t type)
{
	struct ether_header *eh;

	M_PREPEND(m, ETHER_HDR_LEN, M_DONTWAIT);
	if (m == NULL) {
		if_statinc(ifp, if_oerrors);
		return ENOBUFS;
	}
	if (m->m_len < ETHER_HDR_LEN &&
	    (m = m_pullup(m, ETHER_HDR_LEN)) == NULL)
		return ENOBUFS;
	eh = mtod(m, struct ether_header *);
	memcpy(eh->ether_dhost, dst, ETHER_ADDR_LEN);
	memcpy(eh->ether_shost, ifp->if_lladdr, ETHER_ADDR_LEN);
	eh->ether_type = htons(type);
	return if_transmit(ifp, m);
}

int
ether_output(struct ifnet *ifp, struct mbuf *m, const struct sockaddr *dst,
    struct rtentry *rt)
{
	uint8_t edst[ETHER_ADDR_LEN];
	int error;

	KASSERT(mutex_owned(softnet_lock));
	if (!(ifp->if_flags & IFF_UP)) {
		m_freem(m);
		return ENETDOWN;
	}
	if (dst->sa_family != AF_INET) {
		m_freem(m);
		return EAFNOSUPPORT;
	}
	if (m->m_flags & M_BCAST)
		memcpy(edst, etherbroadcastaddr, sizeof(edst));
	else if ((error = arpresolve(ifp, satocsin(dst), m, edst)) != 0)
		return error == EWOULDBLOCK ? 0 : error;
	return ether_frame_output(ifp, m, edst, ETHERTYPE_IP);
}

void
ether_input(struct ifnet *ifp, struct mbuf *m)
{
	struct ether_header *eh;
	uint16_t type;
	int isr;

	KASSERT(m->m_flags & M_PKTHDR);
	m->m_pkthdr.rcvif = ifp;
	if (!(ifp->if_flags & IFF_UP)) {
		m_freem(m);
		return;
	}
	/* the driver counted if_ipackets and if_ibytes */
	if (m->m_pkthdr.len < ETHER_HDR_LEN ||
	    (m->m_len < ETHER_HDR_LEN &&
	    (m = m_pullup(m, ETHER_HDR_LEN)) == NULL)) {
		if (m != NULL)
			m_freem(m);
		if_statinc(ifp, if_ierrors);
		return;
	}
	eh = mtod(m, struct ether_header *);
	if (memcmp(eh->ether_shost, ifp->if_lladdr, ETHER_ADDR_LEN) == 0) {
		m_freem(m);		/* our own, back from a shared bus */
		return;
	}
	if (memcmp(eh->ether_dhost, etherbroadcastaddr, ETHER_ADDR_LEN) == 0)
		m->m_flags |= M_BCAST;
	else if (eh->ether_dhost[0] & 1) {
		if_statinc(ifp, if_imcasts);
		m_freem(m);		/* no multicast groups */
		return;
	} else if (memcmp(eh->ether_dhost, ifp->if_lladdr,
	    ETHER_ADDR_LEN) != 0 && !(ifp->if_flags & IFF_PROMISC)) {
		m_freem(m);		/* for another station */
		return;
	}
	type = ntohs(eh->ether_type);
	switch (type) {
	case ETHERTYPE_IP:
		isr = NETISR_IP;
		break;
	case ETHERTYPE_ARP:
		isr = NETISR_ARP;
		break;
	default:
		if_statinc(ifp, if_noproto);
		m_freem(m);
		return;
	}
	m_adj(m, ETHER_HDR_LEN);
	(void)netisr_dispatch(isr, m);
}
