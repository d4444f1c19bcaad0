/*
 * ip_icmp.c: ICMP (RFC 792, RFC 1122 3.2.2): echo replies, error
 * messages about datagrams we cannot deliver or forward (icmp_error),
 * and errors received, passed to the transport that sent the offending
 * datagram (pr_ctlinput).  Every ICMP message is also given to the raw
 * ICMP sockets (ping).
 */
#include <rump-sys/systm.h>
#include <rump-sys/if.h>
#include <rump-sys/mbuf.h>
#include <rump-sys/protosw.h>
#include <rump-sys/route.h>
#include <rump-sys/socketvar.h>
#include <rump-sys/netinet/in.h>
#include <rump-sys/netinet/in_pcb.h>
#include <rump-sys/netinet/in_var.h>
#include <rump-sys/netinet/ip.h>
#include <rump-sys/netinet/ip_icmp.h>
#include <rump-sys/netinet/ip_var.h>

#include "netinet_int.h"

struct rump_icmpstat icmpstat;

static bool
icmp_is_error(int type)
{
	switch (type) {
	case ICMP_UNREACH:
	case ICMP_SOURCEQUENCH:
	case ICMP_REDIRECT:
	case ICMP_TIMXCEED:
	case ICMP_PARAMPROB:
		return true;
	default:
		return false;
	}
}

/* May we send an error about n?  RFC 1122 3.2.2 and RFC 1812 4.3.2.7. */
static bool
icmp_error_allowed(struct mbuf *n)
{
	struct ip *oip = mtod(n, struct ip *);
	int ohlen = oip->ip_hl << 2;
	uint8_t itype;

	if (ntohs(oip->ip_off) & IP_OFFMASK)
		return false;
	if (n->m_flags & (M_BCAST | M_MCAST))
		return false;
	if (in_broadcast_any(oip->ip_dst) ||
	    IN_MULTICAST(ntohl(oip->ip_dst.s_addr)))
		return false;
	if (oip->ip_src.s_addr == INADDR_ANY ||
	    in_broadcast_any(oip->ip_src) ||
	    IN_MULTICAST(ntohl(oip->ip_src.s_addr)))
		return false;
	if (oip->ip_p == IPPROTO_ICMP && n->m_pkthdr.len >= ohlen + 1) {
		m_copydata(n, ohlen, 1, &itype);
		if (icmp_is_error(itype) || itype > ICMP_MAXTYPE) {
			icmpstat.icps_oldicmp++;
			return false;
		}
	}
	return true;
}

void
icmp_error(struct mbuf *n, int type, int code, int mtu)
{
	struct ip *oip, *ip;
	struct icmp *icp;
	struct mbuf *m;
	struct route ro = { NULL, { 0 } };
	struct in_addr src;
	int ohlen, quote, icmplen;

	KASSERT(mutex_owned(softnet_lock));
	if (n->m_len < (int)sizeof(struct ip) &&
	    (n = m_pullup(n, sizeof(struct ip))) == NULL)
		return;
	oip = mtod(n, struct ip *);
	ohlen = oip->ip_hl << 2;
	if (!icmp_error_allowed(n))
		goto out;
	icmpstat.icps_error++;
	quote = MIN(n->m_pkthdr.len, ohlen + 8);
	icmplen = ICMP_MINLEN + quote;
	if ((m = m_gethdr(M_DONTWAIT, MT_HEADER)) == NULL)
		goto out;
	m_align(m, (int)sizeof(struct ip) + icmplen);
	m->m_len = m->m_pkthdr.len = (int)sizeof(struct ip) + icmplen;
	ip = mtod(m, struct ip *);
	icp = (struct icmp *)(void *)(ip + 1);
	memset(ip, 0, sizeof(*ip) + ICMP_MINLEN);
	icp->icmp_type = (uint8_t)type;
	icp->icmp_code = (uint8_t)code;
	if (type == ICMP_UNREACH && code == ICMP_UNREACH_NEEDFRAG)
		icp->icmp_nextmtu = htons((uint16_t)mtu);
	m_copydata(n, 0, quote, (char *)icp + ICMP_MINLEN);
	icp->icmp_cksum = in_cksum_skip(m, m->m_len, sizeof(struct ip));
	/* from the address the datagram was sent to, if ours */
	if (in_localaddr_ia(oip->ip_dst) != NULL)
		src = oip->ip_dst;
	else if (in_selectsrc(oip->ip_src, &ro, &src) != 0)
		src.s_addr = INADDR_ANY;
	rtcache_free(&ro);
	ip->ip_src = src;
	ip->ip_dst = oip->ip_src;
	ip->ip_p = IPPROTO_ICMP;
	ip->ip_ttl = (uint8_t)ip_defttl;
	ip->ip_len = htons((uint16_t)m->m_pkthdr.len);
	if (type <= ICMP_MAXTYPE)
		icmpstat.icps_outhist[type]++;
	(void)ip_output(m, NULL, 0);
out:
	m_freem(n);
}

/* Answer an echo request in place. */
static void
icmp_reflect(struct mbuf *m, int hlen, int icmplen)
{
	struct ip *ip = mtod(m, struct ip *);
	struct icmp *icp;
	struct in_addr dst = ip->ip_src, me = ip->ip_dst;

	if (m->m_flags & (M_BCAST | M_MCAST) ||
	    in_localaddr_ia(ip->ip_dst) == NULL) {
		m_freem(m);	/* no answers to broadcasts (as Linux) */
		return;
	}
	/* a fresh header: no options echoed back */
	if (hlen > (int)sizeof(struct ip)) {
		memmove((char *)ip + hlen - sizeof(struct ip), ip,
		    sizeof(struct ip));
		m_adj(m, hlen - (int)sizeof(struct ip));
		ip = mtod(m, struct ip *);
		hlen = sizeof(struct ip);
	}
	if ((m = m_pullup(m, hlen + ICMP_MINLEN)) == NULL)
		return;
	ip = mtod(m, struct ip *);
	icp = (struct icmp *)(void *)((char *)ip + hlen);
	icp->icmp_type = ICMP_ECHOREPLY;
	icp->icmp_cksum = 0;
	icp->icmp_cksum = in_cksum_skip(m, hlen + icmplen, hlen);
	ip->ip_dst = dst;
	ip->ip_src = me;
	ip->ip_ttl = (uint8_t)ip_defttl;
	ip->ip_off = 0;
	ip->ip_hl = sizeof(struct ip) >> 2;
	ip->ip_len = htons((uint16_t)(hlen + icmplen));
	icmpstat.icps_reflect++;
	icmpstat.icps_outhist[ICMP_ECHOREPLY]++;
	(void)ip_output(m, NULL, 0);
}

static int
icmp_prc(int type, int code)
{
	switch (type) {
	case ICMP_UNREACH:
		switch (code) {
		case ICMP_UNREACH_NET:		return PRC_UNREACH_NET;
		case ICMP_UNREACH_HOST:		return PRC_UNREACH_HOST;
		case ICMP_UNREACH_PROTOCOL:	return PRC_UNREACH_PROTOCOL;
		case ICMP_UNREACH_PORT:		return PRC_UNREACH_PORT;
		case ICMP_UNREACH_NEEDFRAG:	return PRC_MSGSIZE;
		case ICMP_UNREACH_SRCFAIL:	return PRC_UNREACH_SRCFAIL;
		default:			return PRC_UNREACH_HOST;
		}
	case ICMP_TIMXCEED:
		return code == ICMP_TIMXCEED_REASS ? PRC_TIMXCEED_REASS :
		    PRC_TIMXCEED_INTRANS;
	case ICMP_PARAMPROB:
		return PRC_PARAMPROB;
	case ICMP_SOURCEQUENCH:
		return PRC_QUENCH;
	default:
		return -1;
	}
}

/* An error about a datagram we sent: tell its protocol. */
static void
icmp_notify(struct mbuf *m, int hlen, int icmplen, int type, int code)
{
	const struct protosw *pr;
	struct sockaddr_in sin;
	struct ip *oip;
	int prc, need;

	if (icmplen < ICMP_ADVLENMIN) {
		icmpstat.icps_badlen++;
		return;
	}
	need = hlen + ICMP_MINLEN + (int)sizeof(struct ip);
	if (m->m_len < need)
		return;		/* pulled up by the caller */
	oip = (struct ip *)(void *)(mtod(m, char *) + hlen + ICMP_MINLEN);
	if ((oip->ip_hl << 2) < (int)sizeof(struct ip) ||
	    icmplen < ICMP_MINLEN + (oip->ip_hl << 2) + 8) {
		icmpstat.icps_badlen++;
		return;
	}
	if ((prc = icmp_prc(type, code)) < 0)
		return;
	pr = ip_protox[oip->ip_p];
	if (pr == NULL || pr->pr_ctlinput == NULL)
		return;
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr = oip->ip_dst;
	pr->pr_ctlinput(prc, sintosa(&sin), oip);
}

void
icmp_input(struct mbuf *m, int off, int proto)
{
	struct ip *ip = mtod(m, struct ip *);
	struct icmp *icp;
	struct mbuf *copy;
	int icmplen = ntohs(ip->ip_len) - off, type, code, need;

	if (icmplen < ICMP_MINLEN) {
		icmpstat.icps_tooshort++;
		goto drop;
	}
	if (in_cksum_skip(m, off + icmplen, off) != 0) {
		icmpstat.icps_checksum++;
		goto drop;
	}
	need = off + MIN(icmplen, ICMP_ADVLENMIN + 40);
	if (need > MHLEN)
		need = off + ICMP_MINLEN;
	if ((m = m_pullup(m, need)) == NULL)
		return;
	ip = mtod(m, struct ip *);
	icp = (struct icmp *)(void *)(mtod(m, char *) + off);
	type = icp->icmp_type;
	code = icp->icmp_code;
	if (type <= ICMP_MAXTYPE)
		icmpstat.icps_inhist[type]++;
	if (icmp_is_error(type) && type != ICMP_REDIRECT)
		icmp_notify(m, off, icmplen, type, code);
	if (type == ICMP_ECHO) {
		copy = m_dup(m, 0, M_COPYALL, M_DONTWAIT);
		if (copy != NULL)
			(void)rip_input_deliver(copy, off, proto);
		icmp_reflect(m, off, icmplen);
		return;
	}
	(void)rip_input_deliver(m, off, proto);
	return;
drop:
	m_freem(m);
}

const struct protosw icmp_protosw = {
	.pr_type = SOCK_RAW,
	.pr_domain = &inetdomain,
	.pr_protocol = IPPROTO_ICMP,
	.pr_flags = PR_ATOMIC | PR_ADDR,
	.pr_input = icmp_input,
	.pr_ctlinput = rip_ctlinput,
	.pr_ctloutput = ip_ctloutput,
	.pr_usrreqs = &rip_usrreqs,
};
