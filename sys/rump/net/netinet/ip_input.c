/*
 * ip_input.c: IPv4 input: header validation (RFC 791, RFC 1122 3.2.1),
 * each drop reason with its counter in ipstat; reassembly; delivery to
 * the protocol of ip_p; forwarding when enabled.  Runs from the network
 * softint with softnet_lock held.
 */
#include <rump-sys/systm.h>
#include <rump-sys/if.h>
#include <rump-sys/mbuf.h>
#include <rump-sys/protosw.h>
#include <rump-sys/route.h>
#include <rump-sys/socketvar.h>
#include <rump-sys/netinet/in.h>
#include <rump-sys/netinet/in_var.h>
#include <rump-sys/netinet/ip.h>
#include <rump-sys/netinet/ip_icmp.h>
#include <rump-sys/netinet/ip_var.h>

#include "netinet_int.h"

struct rump_ipstat ipstat;
int ip_forwarding = 0;
int ip_defttl = IPDEFTTL;
static uint16_t ip_id;

void
ip_init(void)
{
	memset(&ipstat, 0, sizeof(ipstat));
	memset(&icmpstat, 0, sizeof(icmpstat));
	ip_forwarding = 0;
	ip_defttl = IPDEFTTL;
	ip_id = 1;
	ip_reass_init();
}

void
ip_fini(void)
{
	ip_reass_fini();
}

uint16_t
ip_newid(void)
{
	return htons(ip_id++);
}

void
ipintr(struct mbuf *m)
{
	ip_input(m);
}

/*
 * struct ip is read in place, so its header must be 4-byte aligned;
 * drivers' frames are (m_devget), a packet built elsewhere may not be:
 * copy its head into a fresh mbuf.  NULL (dropped) without memory.
 */
static struct mbuf *
ip_realign(struct mbuf *m)
{
	struct mbuf *h;
	int n = MIN(m->m_pkthdr.len, MHLEN);

	if (((uintptr_t)mtod(m, void *) & 3) == 0)
		return m;
	if ((h = m_gethdr(M_DONTWAIT, MT_HEADER)) == NULL) {
		m_freem(m);
		return NULL;
	}
	m_move_pkthdr(h, m);
	m_copydata(m, 0, n, mtod(h, void *));
	h->m_len = n;
	m_adj(m, n);
	h->m_next = m;
	return h;
}

/*
 * The checks of a received header.  Returns the packet (maybe a new
 * head, trimmed to ip_len) or NULL having counted and dropped it.
 */
static struct mbuf *
ip_validate(struct mbuf *m, int *hlenp)
{
	struct ip *ip;
	int hlen, len;

	if (m->m_pkthdr.len < (int)sizeof(struct ip)) {
		IP_STATINC(ips_toosmall);
		goto bad;
	}
	if ((m = ip_realign(m)) == NULL) {
		IP_STATINC(ips_toosmall);
		return NULL;
	}
	if (m->m_len < (int)sizeof(struct ip) &&
	    (m = m_pullup(m, sizeof(struct ip))) == NULL) {
		IP_STATINC(ips_toosmall);
		return NULL;
	}
	ip = mtod(m, struct ip *);
	if (ip->ip_v != IPVERSION) {
		IP_STATINC(ips_badvers);
		goto bad;
	}
	hlen = ip->ip_hl << 2;
	if (hlen < (int)sizeof(struct ip) || hlen > m->m_pkthdr.len) {
		IP_STATINC(ips_badhlen);
		goto bad;
	}
	if (hlen > m->m_len) {
		if ((m = m_pullup(m, hlen)) == NULL) {
			IP_STATINC(ips_badhlen);
			return NULL;
		}
		ip = mtod(m, struct ip *);
	}
	if (in_cksum(m, hlen) != 0) {
		IP_STATINC(ips_badsum);
		goto bad;
	}
	len = ntohs(ip->ip_len);
	if (len < hlen) {
		IP_STATINC(ips_badlen);
		goto bad;
	}
	if (m->m_pkthdr.len < len) {
		IP_STATINC(ips_tooshort);
		goto bad;
	}
	if (m->m_pkthdr.len > len)
		m_adj(m, len - m->m_pkthdr.len);	/* link padding */
	if (IN_MULTICAST(ntohl(ip->ip_src.s_addr)) ||
	    ip->ip_src.s_addr == INADDR_BROADCAST ||
	    in_broadcast_any(ip->ip_src)) {
		IP_STATINC(ips_badaddr);
		goto bad;
	}
	/* 127/8 only ever comes in through the loopback */
	if ((ntohl(ip->ip_src.s_addr) >> 24 == IN_LOOPBACKNET ||
	    ntohl(ip->ip_dst.s_addr) >> 24 == IN_LOOPBACKNET) &&
	    (m->m_pkthdr.rcvif == NULL ||
	    !(m->m_pkthdr.rcvif->if_flags & IFF_LOOPBACK))) {
		IP_STATINC(ips_badaddr);
		goto bad;
	}
	*hlenp = hlen;
	return m;
bad:
	m_freem(m);
	return NULL;
}

static bool
ip_ours(const struct ip *ip, const struct ifnet *rcvif)
{
	if (in_localaddr_ia(ip->ip_dst) != NULL)
		return true;	/* the weak host model: any of ours */
	if (ip->ip_dst.s_addr == INADDR_BROADCAST ||
	    ip->ip_dst.s_addr == INADDR_ANY)
		return true;
	return rcvif != NULL && in_broadcast(ip->ip_dst, rcvif);
}

/* Forward m (not ours) if enabled; RFC 1812 5.2 in brief. */
static void
ip_forward(struct mbuf *m)
{
	struct ip *ip = mtod(m, struct ip *);
	struct mbuf *mcopy;
	struct route ro = { NULL, { 0 } };
	int error, type = 0, code = 0, mtu = 0;

	if (!ip_forwarding) {
		IP_STATINC(ips_cantforward);
		m_freem(m);
		return;
	}
	if (m->m_flags & (M_BCAST | M_MCAST) ||
	    in_broadcast_any(ip->ip_dst)) {
		IP_STATINC(ips_cantforward);
		m_freem(m);
		return;
	}
	if (ip->ip_ttl <= IPTTLDEC) {
		IP_STATINC(ips_ttlexceeded);
		icmp_error(m, ICMP_TIMXCEED, ICMP_TIMXCEED_INTRANS, 0);
		return;
	}
	rtcache_lookup(&ro, ip->ip_dst);
	if (ro.ro_rt == NULL) {
		IP_STATINC(ips_noroute);
		icmp_error(m, ICMP_UNREACH, ICMP_UNREACH_NET, 0);
		return;
	}
	ip->ip_ttl -= IPTTLDEC;
	/* keep the head for an ICMP error about it */
	mcopy = m_copym(m, 0, MIN(m->m_pkthdr.len, 68), M_DONTWAIT);
	if (mcopy != NULL && (mcopy = m_pullup(mcopy,
	    MIN(mcopy->m_pkthdr.len, 68))) != NULL) {
		/* the copy describes the packet as it came in */
		mtod(mcopy, struct ip *)->ip_ttl += IPTTLDEC;
	}
	error = ip_output(m, &ro, IP_FORWARDING);
	rtcache_free(&ro);
	if (error == 0) {
		IP_STATINC(ips_forward);
		m_freem(mcopy);
		return;
	}
	IP_STATINC(ips_cantforward);
	switch (error) {
	case EMSGSIZE:
		type = ICMP_UNREACH;
		code = ICMP_UNREACH_NEEDFRAG;
		mtu = ip_lastmtu;
		break;
	case ENETUNREACH:
		type = ICMP_UNREACH;
		code = ICMP_UNREACH_NET;
		break;
	case EHOSTUNREACH:
	case EHOSTDOWN:
	case ENETDOWN:
		type = ICMP_UNREACH;
		code = ICMP_UNREACH_HOST;
		break;
	default:
		m_freem(mcopy);
		return;
	}
	if (mcopy != NULL)
		icmp_error(mcopy, type, code, mtu);
}

void
ip_input(struct mbuf *m)
{
	const struct protosw *pr;
	struct ip *ip;
	int hlen, proto;

	KASSERT(mutex_owned(softnet_lock));
	KASSERT(m->m_flags & M_PKTHDR);
	IP_STATINC(ips_total);
	if ((m = ip_validate(m, &hlen)) == NULL)
		return;
	ip = mtod(m, struct ip *);
	if (!ip_ours(ip, m->m_pkthdr.rcvif)) {
		if (IN_MULTICAST(ntohl(ip->ip_dst.s_addr))) {
			IP_STATINC(ips_notmember);
			m_freem(m);
			return;
		}
		ip_forward(m);
		return;
	}
	if (in_broadcast(ip->ip_dst, m->m_pkthdr.rcvif))
		m->m_flags |= M_BCAST;
	if (ntohs(ip->ip_off) & (IP_MF | IP_OFFMASK)) {
		IP_STATINC(ips_fragments);
		if ((m = ip_reass(m)) == NULL)
			return;
		ip = mtod(m, struct ip *);
		hlen = ip->ip_hl << 2;
	}
	IP_STATINC(ips_delivered);
	proto = ip->ip_p;
	pr = ip_protox[proto];
	if (pr != NULL && pr->pr_input != NULL)
		pr->pr_input(m, hlen, proto);
	else
		rip_input(m, hlen, proto);
}
