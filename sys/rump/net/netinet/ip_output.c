/*
 * ip_output.c: IPv4 output: complete the header, choose the interface
 * and next hop (the routing table; our own addresses go through lo0),
 * fragment to the MTU (RFC 791), hand to the interface.
 */
#include <rump-sys/systm.h>
#include <rump-sys/if.h>
#include <rump-sys/mbuf.h>
#include <rump-sys/route.h>
#include <rump-sys/socketvar.h>
#include <rump-sys/netinet/in.h>
#include <rump-sys/netinet/in_var.h>
#include <rump-sys/netinet/ip.h>
#include <rump-sys/netinet/ip_var.h>

#include "netinet_int.h"

int ip_lastmtu;

/*
 * Cut m (header of hlen bytes, then data) into fragments of at most mtu
 * bytes, linked by m_nextpkt, headers and checksums done.  Returns 0,
 * or an errno having freed everything.
 */
static int
ip_fragment(struct mbuf *m, int hlen, int mtu)
{
	struct ip *ip = mtod(m, struct ip *), *fip;
	struct mbuf *f, **tail = &m->m_nextpkt;
	int datalen = ntohs(ip->ip_len) - hlen;
	int chunk = (mtu - hlen) & ~7, off, flen;
	uint16_t ooff = ntohs(ip->ip_off), obase = ooff & IP_OFFMASK;

	if (chunk < 8 || hlen > MHLEN) {
		m_freem(m);
		return EMSGSIZE;
	}
	for (off = chunk; off < datalen; off += chunk) {
		flen = MIN(chunk, datalen - off);
		if ((f = m_gethdr(M_DONTWAIT, MT_HEADER)) == NULL)
			goto nobufs;
		*tail = f;
		tail = &f->m_nextpkt;
		m_align(f, hlen);
		f->m_len = hlen;
		memcpy(mtod(f, void *), ip, (size_t)hlen);
		fip = mtod(f, struct ip *);
		fip->ip_off = htons((uint16_t)(((off >> 3) + obase) |
		    ((off + flen < datalen || (ooff & IP_MF)) ? IP_MF : 0)));
		fip->ip_len = htons((uint16_t)(hlen + flen));
		fip->ip_sum = 0;
		if ((f->m_next = m_copym(m, hlen + off, flen,
		    M_DONTWAIT)) == NULL)
			goto nobufs;
		f->m_pkthdr.len = hlen + flen;
		fip->ip_sum = in_cksum(f, hlen);
		IP_STATINC(ips_ofragments);
	}
	/* the first fragment is m itself, trimmed */
	m_adj(m, hlen + chunk - m->m_pkthdr.len);
	ip->ip_off = htons((uint16_t)(ooff | IP_MF));
	ip->ip_len = htons((uint16_t)(hlen + chunk));
	ip->ip_sum = 0;
	ip->ip_sum = in_cksum(m, hlen);
	IP_STATINC(ips_ofragments);
	IP_STATINC(ips_fragmented);
	return 0;
nobufs:
	while (m != NULL) {
		f = m->m_nextpkt;
		m_freem(m);
		m = f;
	}
	IP_STATINC(ips_odropped);
	return ENOBUFS;
}

/* Where to send dst: interface, next hop, route (referenced) or NULL. */
static int
ip_route(struct in_addr dst, struct route *ro, int flags, struct ifnet **ifpp,
    struct in_addr *nexthop, struct rtentry **rtp)
{
	struct in_ifaddr *ia;
	struct ifnet *ifp;

	*rtp = NULL;
	*nexthop = dst;
	if (!(flags & IP_FORWARDING) && lo0ifp != NULL &&
	    in_localaddr_ia(dst) != NULL) {
		*ifpp = lo0ifp;
		return 0;
	}
	if (flags & IP_ROUTETOIF) {
		TAILQ_FOREACH(ia, &in_ifaddrhead, ia_list)
			if ((dst.s_addr & ia->ia_subnetmask) == ia->ia_subnet ||
			    dst.s_addr == INADDR_BROADCAST) {
				*ifpp = ia->ia_ifp;
				return 0;
			}
		return ENETUNREACH;
	}
	rtcache_lookup(ro, dst);
	if (ro->ro_rt == NULL) {
		if (dst.s_addr == INADDR_BROADCAST) {
			IFNET_FOREACH(ifp)
				if ((ifp->if_flags & (IFF_UP | IFF_BROADCAST)) ==
				    (IFF_UP | IFF_BROADCAST) &&
				    in_ifp_first(ifp) != NULL) {
					*ifpp = ifp;
					return 0;
				}
		}
		return (flags & IP_FORWARDING) ? EHOSTUNREACH : ENETUNREACH;
	}
	*rtp = ro->ro_rt;
	*ifpp = ro->ro_rt->rt_ifp;
	if (ro->ro_rt->rt_flags & RTF_GATEWAY)
		*nexthop = ro->ro_rt->rt_gateway;
	if (ro->ro_rt->rt_flags & RTF_REJECT)
		return EHOSTUNREACH;
	ro->ro_rt->rt_use++;
	return 0;
}

int
ip_output(struct mbuf *m, struct route *ro, int flags)
{
	struct route iproute = { NULL, { 0 } };
	struct sockaddr_in dst;
	struct rtentry *rt;
	struct ifnet *ifp;
	struct in_ifaddr *ia;
	struct ip *ip;
	struct mbuf *next;
	int hlen, len, mtu, error;

	KASSERT(mutex_owned(softnet_lock));
	KASSERT(m->m_flags & M_PKTHDR);
	if (ro == NULL)
		ro = &iproute;
	if (m->m_len < (int)sizeof(struct ip) &&
	    (m = m_pullup(m, sizeof(struct ip))) == NULL) {
		IP_STATINC(ips_odropped);
		return ENOBUFS;
	}
	ip = mtod(m, struct ip *);
	if (flags & IP_RAWOUTPUT) {
		hlen = ip->ip_hl << 2;
		if (hlen < (int)sizeof(struct ip) || hlen > m->m_len) {
			error = EINVAL;
			goto bad;
		}
		if (ip->ip_id == 0)
			ip->ip_id = ip_newid();
	} else {
		hlen = sizeof(struct ip);
		ip->ip_v = IPVERSION;
		ip->ip_hl = hlen >> 2;
		if (!(flags & IP_FORWARDING)) {
			ip->ip_id = ip_newid();
			ip->ip_off &= htons(IP_DF);
			IP_STATINC(ips_localout);
		}
	}
	len = ntohs(ip->ip_len);
	KASSERTMSG(len == m->m_pkthdr.len, "ip_output: ip_len %d, packet %d",
	    len, m->m_pkthdr.len);
	memset(&dst, 0, sizeof(dst));
	dst.sin_family = AF_INET;
	error = ip_route(ip->ip_dst, ro, flags, &ifp, &dst.sin_addr, &rt);
	if (error != 0) {
		IP_STATINC(ips_noroute);
		goto bad;
	}
	if (in_broadcast(ip->ip_dst, ifp)) {
		if (!(ifp->if_flags & IFF_BROADCAST)) {
			error = EADDRNOTAVAIL;
			goto bad;
		}
		if (!(flags & (IP_ALLOWBROADCAST | IP_FORWARDING))) {
			error = EACCES;
			goto bad;
		}
		m->m_flags |= M_BCAST;
	} else
		m->m_flags &= ~M_BCAST;
	if (ip->ip_src.s_addr == INADDR_ANY) {
		if ((ia = in_ifaddr_for(ifp, ip->ip_dst)) == NULL) {
			error = EADDRNOTAVAIL;
			goto bad;
		}
		ip->ip_src = ia->ia_addr.sin_addr;
	}
	if (!(ifp->if_flags & IFF_UP)) {
		error = ENETDOWN;
		goto bad;
	}
	mtu = rt != NULL && rt->rt_mtu != 0 ? MIN(rt->rt_mtu, ifp->if_mtu) :
	    ifp->if_mtu;
	if (len <= mtu) {
		ip->ip_sum = 0;
		ip->ip_sum = in_cksum(m, hlen);
		error = ifp->if_output(ifp, m, sintosa(&dst), rt);
		goto done;
	}
	if (ip->ip_off & htons(IP_DF)) {
		IP_STATINC(ips_cantfrag);
		ip_lastmtu = mtu;
		error = EMSGSIZE;
		goto bad;
	}
	if ((error = ip_fragment(m, hlen, mtu)) != 0)
		goto done;
	for (; m != NULL; m = next) {
		next = m->m_nextpkt;
		m->m_nextpkt = NULL;
		if (error == 0)
			error = ifp->if_output(ifp, m, sintosa(&dst), rt);
		else
			m_freem(m);
	}
	goto done;
bad:
	m_freem(m);
done:
	rtcache_free(&iproute);
	return error;
}
