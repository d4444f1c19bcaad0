/*
 * ip_reass.c: reassembly of IPv4 fragments (RFC 791, RFC 1122 3.3.2).
 *
 * Datagrams in reassembly are keyed by (src, dst, id, protocol).  The
 * policy is strict, like current Linux: an exact duplicate fragment is
 * dropped alone; any other overlap, an inconsistent end, a non-final
 * fragment whose length is not a multiple of 8, or a datagram that would
 * exceed 65535 bytes drops the whole datagram.  Limits: at most
 * ip_maxfragpackets datagrams at once, ip_maxfrags fragments each; an
 * incomplete datagram is dropped after ip_reass_timeout_s seconds,
 * with an ICMP time exceeded if its first fragment came.  Every drop
 * is counted in ipstat.  softnet_lock held throughout, also by the
 * timer.
 */
#include <rump-sys/systm.h>
#include <rump-sys/callout.h>
#include <rump-sys/kmem.h>
#include <rump-sys/mbuf.h>
#include <rump-sys/queue.h>
#include <rump-sys/socketvar.h>
#include <rump-sys/time.h>
#include <rump-sys/netinet/in.h>
#include <rump-sys/netinet/ip.h>
#include <rump-sys/netinet/ip_icmp.h>
#include <rump-sys/netinet/ip_var.h>

#include "netinet_int.h"

int ip_maxfragpackets = 200;
int ip_maxfrags = 64;
int ip_reass_timeout_s = 30;

struct ipfrag {
	TAILQ_ENTRY(ipfrag)	 ipf_list;	/* by offset */
	struct mbuf		*ipf_m;		/* IP header still on */
	int			 ipf_off;	/* data offset */
	int			 ipf_len;	/* data bytes */
	int			 ipf_hlen;
};

struct ipq {
	LIST_ENTRY(ipq)		 ipq_list;
	TAILQ_HEAD(, ipfrag)	 ipq_frags;
	struct in_addr		 ipq_src, ipq_dst;
	uint16_t		 ipq_id;
	uint8_t			 ipq_p;
	int			 ipq_nfrags;
	int			 ipq_total;	/* data length; -1: unknown */
	uint64_t		 ipq_deadline;	/* monotonic ns */
};

static LIST_HEAD(, ipq) ipqs = LIST_HEAD_INITIALIZER(ipqs);
static int ipq_count;
static callout_t ipq_timer;

static void
ipq_free(struct ipq *q)
{
	struct ipfrag *f;

	while ((f = TAILQ_FIRST(&q->ipq_frags)) != NULL) {
		TAILQ_REMOVE(&q->ipq_frags, f, ipf_list);
		m_freem(f->ipf_m);
		kmem_free(f, sizeof(*f));
	}
	LIST_REMOVE(q, ipq_list);
	ipq_count--;
	kmem_free(q, sizeof(*q));
}

/* Drop a whole datagram, counting its fragments (and one more). */
static void
ipq_drop(struct ipq *q, int extra)
{
	ipstat.ips_fragdropped += (unsigned long long)(q->ipq_nfrags + extra);
	ipq_free(q);
}

static void
ipq_tick(void *arg)
{
	struct ipq *q, *next;
	struct ipfrag *f;
	uint64_t now = rump_monotime_ns();

	mutex_enter(softnet_lock);
	LIST_FOREACH_SAFE(q, &ipqs, ipq_list, next) {
		if (now < q->ipq_deadline)
			continue;
		ipstat.ips_fragtimeout += (unsigned long long)q->ipq_nfrags;
		f = TAILQ_FIRST(&q->ipq_frags);
		if (f != NULL && f->ipf_off == 0) {
			TAILQ_REMOVE(&q->ipq_frags, f, ipf_list);
			q->ipq_nfrags--;
			icmp_error(f->ipf_m, ICMP_TIMXCEED,
			    ICMP_TIMXCEED_REASS, 0);
			kmem_free(f, sizeof(*f));
		}
		ipq_free(q);
	}
	if (ipq_count > 0)
		callout_schedule(&ipq_timer, mstohz(500));
	mutex_exit(softnet_lock);
}

void
ip_reass_init(void)
{
	LIST_INIT(&ipqs);
	ipq_count = 0;
	ip_maxfragpackets = 200;
	ip_maxfrags = 64;
	ip_reass_timeout_s = 30;
	callout_init(&ipq_timer, CALLOUT_MPSAFE);
	callout_setfunc(&ipq_timer, ipq_tick, NULL);
}

void
ip_reass_drain(void)
{
	while (!LIST_EMPTY(&ipqs))
		ipq_free(LIST_FIRST(&ipqs));
}

void
ip_reass_fini(void)
{
	callout_halt(&ipq_timer, NULL);
	mutex_enter(softnet_lock);
	ip_reass_drain();
	mutex_exit(softnet_lock);
	callout_destroy(&ipq_timer);
}

int
ip_reass_count(void)
{
	return ipq_count;
}

static struct ipq *
ipq_find(const struct ip *ip, bool create)
{
	struct ipq *q;

	LIST_FOREACH(q, &ipqs, ipq_list)
		if (q->ipq_id == ip->ip_id && q->ipq_p == ip->ip_p &&
		    q->ipq_src.s_addr == ip->ip_src.s_addr &&
		    q->ipq_dst.s_addr == ip->ip_dst.s_addr)
			return q;
	if (!create)
		return NULL;
	if (ipq_count >= ip_maxfragpackets) {
		IP_STATINC(ips_fragoverflow);
		return NULL;
	}
	if ((q = kmem_zalloc(sizeof(*q), KM_NOSLEEP)) == NULL) {
		IP_STATINC(ips_fragdropped);
		return NULL;
	}
	TAILQ_INIT(&q->ipq_frags);
	q->ipq_src = ip->ip_src;
	q->ipq_dst = ip->ip_dst;
	q->ipq_id = ip->ip_id;
	q->ipq_p = ip->ip_p;
	q->ipq_total = -1;
	q->ipq_deadline = rump_monotime_ns() +
	    (uint64_t)ip_reass_timeout_s * NSEC_PER_SEC;
	LIST_INSERT_HEAD(&ipqs, q, ipq_list);
	if (ipq_count++ == 0)
		callout_schedule(&ipq_timer, mstohz(500));
	return q;
}

/* Join the fragments of a complete datagram into one packet. */
static struct mbuf *
ipq_join(struct ipq *q, struct ifnet *rcvif)
{
	struct ipfrag *f = TAILQ_FIRST(&q->ipq_frags);
	struct mbuf *m = f->ipf_m, *n;
	struct ip *ip;
	int hlen = f->ipf_hlen;

	TAILQ_REMOVE(&q->ipq_frags, f, ipf_list);
	kmem_free(f, sizeof(*f));
	while ((f = TAILQ_FIRST(&q->ipq_frags)) != NULL) {
		TAILQ_REMOVE(&q->ipq_frags, f, ipf_list);
		n = f->ipf_m;
		m_adj(n, f->ipf_hlen);
		m_cat(m, n);
		kmem_free(f, sizeof(*f));
	}
	ip = mtod(m, struct ip *);
	ip->ip_len = htons((uint16_t)(hlen + q->ipq_total));
	ip->ip_off = 0;
	ip->ip_sum = 0;
	ip->ip_sum = in_cksum(m, hlen);
	m->m_pkthdr.len = hlen + q->ipq_total;
	m->m_pkthdr.rcvif = rcvif;
	q->ipq_nfrags = 0;
	ipq_free(q);
	IP_STATINC(ips_reassembled);
	return m;
}

struct mbuf *
ip_reass(struct mbuf *m)
{
	struct ip *ip = mtod(m, struct ip *);
	struct ifnet *rcvif = m->m_pkthdr.rcvif;
	struct ipfrag *f, *it, *prev = NULL;
	struct ipq *q;
	int hlen = ip->ip_hl << 2, off, len, expect;
	bool more;

	off = (ntohs(ip->ip_off) & IP_OFFMASK) << 3;
	more = (ntohs(ip->ip_off) & IP_MF) != 0;
	len = ntohs(ip->ip_len) - hlen;
	if ((more && (len == 0 || (len & 7) != 0)) || len < 0) {
		IP_STATINC(ips_fragdropped);
		goto drop;
	}
	if (off + len + hlen > IP_MAXPACKET) {
		IP_STATINC(ips_toolong);
		if ((q = ipq_find(ip, false)) != NULL)
			ipq_drop(q, 0);
		goto drop;
	}
	if ((q = ipq_find(ip, true)) == NULL)
		goto drop;
	if (!more) {
		if (q->ipq_total >= 0 && q->ipq_total != off + len)
			goto inconsistent;
		q->ipq_total = off + len;
	}
	if (q->ipq_total >= 0 && off + len > q->ipq_total)
		goto inconsistent;
	TAILQ_FOREACH(it, &q->ipq_frags, ipf_list) {
		if (it->ipf_off == off && it->ipf_len == len) {
			IP_STATINC(ips_fragdropped);	/* a duplicate */
			goto drop;
		}
		if (off < it->ipf_off + it->ipf_len && it->ipf_off < off + len)
			goto inconsistent;		/* overlap */
		if (it->ipf_off > off)
			break;
		prev = it;
	}
	if (q->ipq_nfrags >= ip_maxfrags) {
		IP_STATINC(ips_fragoverflow);
		ipq_drop(q, 1);
		goto drop;
	}
	if ((f = kmem_zalloc(sizeof(*f), KM_NOSLEEP)) == NULL) {
		ipq_drop(q, 1);
		goto drop;
	}
	f->ipf_m = m;
	f->ipf_off = off;
	f->ipf_len = len;
	f->ipf_hlen = hlen;
	m->m_pkthdr.rcvif = NULL;	/* the interface may go meanwhile */
	if (prev == NULL)
		TAILQ_INSERT_HEAD(&q->ipq_frags, f, ipf_list);
	else if ((it = TAILQ_NEXT(prev, ipf_list)) != NULL)
		TAILQ_INSERT_BEFORE(it, f, ipf_list);
	else
		TAILQ_INSERT_TAIL(&q->ipq_frags, f, ipf_list);
	q->ipq_nfrags++;
	if (q->ipq_total < 0)
		return NULL;
	expect = 0;
	TAILQ_FOREACH(it, &q->ipq_frags, ipf_list) {
		if (it->ipf_off != expect)
			return NULL;
		expect += it->ipf_len;
	}
	if (expect != q->ipq_total)
		return NULL;
	return ipq_join(q, rcvif);
inconsistent:
	ipq_drop(q, 1);
	m_freem(m);
	return NULL;
drop:
	m_freem(m);
	return NULL;
}
