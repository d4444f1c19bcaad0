/*
 * if_arp.c: ARP (RFC 826) for IPv4 over Ethernet: the cache, requests
 * and replies, packets held while a request is out, retries, expiry
 * (a timer once a second), gratuitous ARP when an address is set or an
 * interface comes up, and the SIOC[SGD]ARP ioctls.  softnet_lock covers
 * the table, also in the timer.
 */
#include <rump-sys/systm.h>
#include <rump-sys/callout.h>
#include <rump-sys/if.h>
#include <rump-sys/if_ether.h>
#include <rump-sys/kmem.h>
#include <rump-sys/mbuf.h>
#include <rump-sys/queue.h>
#include <rump-sys/socketvar.h>
#include <rump-sys/time.h>
#include <rump-sys/netinet/in.h>
#include <rump-sys/netinet/in_var.h>
#include <rump/rumpnet.h>

#include "netinet_int.h"

int arp_keep_s = 1200;
int arp_maxtries = 5;
int arp_down_s = 20;
struct rump_arpstat arpstat;

enum la_state { LA_INCOMPLETE, LA_COMPLETE, LA_DOWN };

struct llentry {
	LIST_ENTRY(llentry)	 la_list;
	struct ifnet		*la_ifp;
	struct in_addr		 la_addr;
	uint8_t			 la_lladdr[ETHER_ADDR_LEN];
	enum la_state		 la_state;
	bool			 la_perm;
	int			 la_asked;
	uint64_t		 la_expire;	/* monotonic ns: next event */
	struct ifqueue		 la_hold;
};

static LIST_HEAD(, llentry) arp_table = LIST_HEAD_INITIALIZER(arp_table);
static int arp_entries;
static callout_t arp_timer;

int
arp_count(void)
{
	return arp_entries;
}

static struct llentry *
arp_lookup(const struct ifnet *ifp, struct in_addr a)
{
	struct llentry *la;

	LIST_FOREACH(la, &arp_table, la_list)
		if (la->la_addr.s_addr == a.s_addr &&
		    (ifp == NULL || la->la_ifp == ifp))
			return la;
	return NULL;
}

static struct llentry *
arp_create(struct ifnet *ifp, struct in_addr a)
{
	struct llentry *la;

	if ((la = kmem_zalloc(sizeof(*la), KM_NOSLEEP)) == NULL)
		return NULL;
	la->la_ifp = ifp;
	la->la_addr = a;
	la->la_state = LA_INCOMPLETE;
	la->la_hold.ifq_maxlen = ARP_MAXHOLD;
	LIST_INSERT_HEAD(&arp_table, la, la_list);
	if (arp_entries++ == 0)
		callout_schedule(&arp_timer, hz);
	return la;
}

static void
arp_free(struct llentry *la)
{
	arpstat.as_dfrdropped += (unsigned long long)la->la_hold.ifq_len;
	ifq_purge(&la->la_hold);
	LIST_REMOVE(la, la_list);
	arp_entries--;
	kmem_free(la, sizeof(*la));
}

static void
arp_send(struct ifnet *ifp, int op, const struct in_addr *sip,
    const uint8_t *tha, const struct in_addr *tip, const uint8_t *edst)
{
	struct ether_arp *ea;
	struct mbuf *m;

	if ((m = m_gethdr(M_DONTWAIT, MT_DATA)) == NULL)
		return;
	m_align(m, sizeof(*ea));
	m->m_len = m->m_pkthdr.len = sizeof(*ea);
	ea = mtod(m, struct ether_arp *);
	memset(ea, 0, sizeof(*ea));
	ea->ea_hdr.ar_hrd = htons(ARPHRD_ETHER);
	ea->ea_hdr.ar_pro = htons(ETHERTYPE_IP);
	ea->ea_hdr.ar_hln = ETHER_ADDR_LEN;
	ea->ea_hdr.ar_pln = sizeof(struct in_addr);
	ea->ea_hdr.ar_op = htons((uint16_t)op);
	memcpy(ea->arp_sha, ifp->if_lladdr, ETHER_ADDR_LEN);
	memcpy(ea->arp_spa, sip, sizeof(*sip));
	if (tha != NULL)
		memcpy(ea->arp_tha, tha, ETHER_ADDR_LEN);
	memcpy(ea->arp_tpa, tip, sizeof(*tip));
	arpstat.as_sndtotal++;
	if (op == ARPOP_REQUEST)
		arpstat.as_sndrequest++;
	else
		arpstat.as_sndreply++;
	(void)ether_frame_output(ifp, m, edst, ETHERTYPE_ARP);
}

void
arprequest(struct ifnet *ifp, const struct in_addr *sip,
    const struct in_addr *tip, const uint8_t *enaddr)
{
	(void)enaddr;	/* always the interface's own */
	arp_send(ifp, ARPOP_REQUEST, sip, NULL, tip, etherbroadcastaddr);
}

static void
arp_request_for(struct llentry *la)
{
	struct in_ifaddr *ia = in_ifaddr_for(la->la_ifp, la->la_addr);
	struct in_addr sip = { INADDR_ANY };

	if (ia != NULL)
		sip = ia->ia_addr.sin_addr;
	arprequest(la->la_ifp, &sip, &la->la_addr, NULL);
	la->la_asked++;
	la->la_expire = rump_monotime_ns() + NSEC_PER_SEC;
}

int
arpresolve(struct ifnet *ifp, const struct sockaddr_in *dst, struct mbuf *m,
    uint8_t *desten)
{
	struct llentry *la;

	KASSERT(mutex_owned(softnet_lock));
	la = arp_lookup(ifp, dst->sin_addr);
	if (la != NULL && la->la_state == LA_COMPLETE) {
		memcpy(desten, la->la_lladdr, ETHER_ADDR_LEN);
		return 0;
	}
	if (la != NULL && la->la_state == LA_DOWN) {
		m_freem(m);
		return EHOSTDOWN;
	}
	if (la == NULL && (la = arp_create(ifp, dst->sin_addr)) == NULL) {
		m_freem(m);
		return ENOBUFS;
	}
	if (IF_QFULL(&la->la_hold)) {
		m_freem(ifq_dequeue(&la->la_hold));	/* the oldest goes */
		arpstat.as_dfrdropped++;
	}
	(void)ifq_enqueue(&la->la_hold, m);
	if (la->la_asked == 0)
		arp_request_for(la);
	return EWOULDBLOCK;
}

/* The entry is complete: send what waited. */
static void
arp_flush_hold(struct llentry *la)
{
	struct mbuf *m;

	while ((m = ifq_dequeue(&la->la_hold)) != NULL)
		(void)ether_frame_output(la->la_ifp, m, la->la_lladdr,
		    ETHERTYPE_IP);
}

static void
arp_update(struct llentry *la, const uint8_t *lladdr)
{
	memcpy(la->la_lladdr, lladdr, ETHER_ADDR_LEN);
	la->la_state = LA_COMPLETE;
	la->la_asked = 0;
	la->la_expire = rump_monotime_ns() +
	    (uint64_t)arp_keep_s * NSEC_PER_SEC;
	arp_flush_hold(la);
}

static bool
ifp_has_addr(const struct ifnet *ifp, struct in_addr a)
{
	struct ifaddr *ifa;

	TAILQ_FOREACH(ifa, &ifp->if_addrlist, ifa_list)
		if (ifatoia(ifa)->ia_addr.sin_addr.s_addr == a.s_addr)
			return true;
	return false;
}

void
arp_input(struct mbuf *m)
{
	struct ifnet *ifp = m->m_pkthdr.rcvif;
	struct ether_arp *ea;
	struct llentry *la;
	struct in_addr spa, tpa;
	uint8_t sha[ETHER_ADDR_LEN];
	bool itsme;
	int op;

	KASSERT(mutex_owned(softnet_lock));
	arpstat.as_rcvtotal++;
	if (ifp == NULL || m->m_pkthdr.len < (int)sizeof(*ea)) {
		arpstat.as_rcvbadlen++;
		goto out;
	}
	if ((m = m_pullup(m, sizeof(*ea))) == NULL) {
		arpstat.as_rcvbadlen++;
		return;
	}
	ea = mtod(m, struct ether_arp *);
	if (ntohs(ea->ea_hdr.ar_hrd) != ARPHRD_ETHER ||
	    ntohs(ea->ea_hdr.ar_pro) != ETHERTYPE_IP ||
	    ea->ea_hdr.ar_hln != ETHER_ADDR_LEN ||
	    ea->ea_hdr.ar_pln != sizeof(struct in_addr)) {
		arpstat.as_rcvbadproto++;
		goto out;
	}
	op = ntohs(ea->ea_hdr.ar_op);
	if (op == ARPOP_REQUEST)
		arpstat.as_rcvrequest++;
	else if (op == ARPOP_REPLY)
		arpstat.as_rcvreply++;
	else {
		arpstat.as_rcvbadproto++;
		goto out;
	}
	memcpy(sha, ea->arp_sha, sizeof(sha));
	memcpy(&spa, ea->arp_spa, sizeof(spa));
	memcpy(&tpa, ea->arp_tpa, sizeof(tpa));
	if (memcmp(sha, ifp->if_lladdr, ETHER_ADDR_LEN) == 0) {
		arpstat.as_rcvlocalsha++;
		goto out;
	}
	if (memcmp(sha, etherbroadcastaddr, ETHER_ADDR_LEN) == 0 ||
	    (sha[0] & 1)) {
		arpstat.as_rcvbcastsha++;
		goto out;
	}
	if (spa.s_addr != INADDR_ANY && ifp_has_addr(ifp, spa)) {
		arpstat.as_rcvdup++;	/* someone claims our address */
		goto out;
	}
	itsme = ifp_has_addr(ifp, tpa);
	if (spa.s_addr != INADDR_ANY) {
		la = arp_lookup(ifp, spa);
		if (la == NULL && itsme)
			la = arp_create(ifp, spa);
		if (la != NULL && !la->la_perm)
			arp_update(la, sha);
	}
	if (op == ARPOP_REQUEST && itsme)
		arp_send(ifp, ARPOP_REPLY, &tpa, sha, &spa, sha);
out:
	m_freem(m);
}

void
arp_ifinit(struct ifnet *ifp, const struct in_addr *addr)
{
	arprequest(ifp, addr, addr, ifp->if_lladdr);
}

void
arp_purge_if(struct ifnet *ifp)
{
	struct llentry *la, *next;

	LIST_FOREACH_SAFE(la, &arp_table, la_list, next)
		if (la->la_ifp == ifp)
			arp_free(la);
}

static void
arp_tick(void *arg)
{
	struct llentry *la, *next;
	uint64_t now = rump_monotime_ns();

	mutex_enter(softnet_lock);
	LIST_FOREACH_SAFE(la, &arp_table, la_list, next) {
		if (la->la_perm || now < la->la_expire)
			continue;
		switch (la->la_state) {
		case LA_COMPLETE:
			arpstat.as_timeouts++;
			arp_free(la);
			break;
		case LA_INCOMPLETE:
			if (la->la_asked < arp_maxtries) {
				arp_request_for(la);
				break;
			}
			/* no answer: the host is down for a while */
			arpstat.as_dfrdropped +=
			    (unsigned long long)la->la_hold.ifq_len;
			ifq_purge(&la->la_hold);
			la->la_state = LA_DOWN;
			la->la_expire = now +
			    (uint64_t)arp_down_s * NSEC_PER_SEC;
			break;
		case LA_DOWN:
			arp_free(la);
			break;
		}
	}
	if (arp_entries > 0)
		callout_schedule(&arp_timer, hz);
	mutex_exit(softnet_lock);
}

void
arp_init(void)
{
	LIST_INIT(&arp_table);
	arp_entries = 0;
	arp_keep_s = 1200;
	arp_maxtries = 5;
	arp_down_s = 20;
	memset(&arpstat, 0, sizeof(arpstat));
	callout_init(&arp_timer, CALLOUT_MPSAFE);
	callout_setfunc(&arp_timer, arp_tick, NULL);
}

void
arp_fini(void)
{
	callout_halt(&arp_timer, NULL);
	mutex_enter(softnet_lock);
	while (!LIST_EMPTY(&arp_table))
		arp_free(LIST_FIRST(&arp_table));
	mutex_exit(softnet_lock);
	callout_destroy(&arp_timer);
}

static struct ifnet *
arp_ifp_for(const struct arpreq *ar, struct in_addr a)
{
	struct in_ifaddr *ia;
	char name[IFNAMSIZ];

	if (ar->arp_dev[0] != '\0') {
		memcpy(name, ar->arp_dev, IFNAMSIZ);
		name[IFNAMSIZ - 1] = '\0';
		return ifunit(name);
	}
	TAILQ_FOREACH(ia, &in_ifaddrhead, ia_list)
		if (ia->ia_ifp->if_type == IFT_ETHER &&
		    (a.s_addr & ia->ia_subnetmask) == ia->ia_subnet)
			return ia->ia_ifp;
	return NULL;
}

int
arp_ioctl(u_long cmd, struct arpreq *ar)
{
	struct sockaddr_in *sin = satosin(&ar->arp_pa);
	struct llentry *la;
	struct ifnet *ifp;

	KASSERT(mutex_owned(softnet_lock));
	if (sin->sin_family != AF_INET)
		return EAFNOSUPPORT;
	ifp = arp_ifp_for(ar, sin->sin_addr);
	if (ifp == NULL && (cmd == SIOCSARP || ar->arp_dev[0] != '\0'))
		return ENXIO;
	la = arp_lookup(ifp, sin->sin_addr);
	switch (cmd) {
	case SIOCSARP:
		if (ifp->if_type != IFT_ETHER)
			return EINVAL;
		if (ar->arp_ha.sa_family != ARPHRD_ETHER)
			return EINVAL;
		if (la == NULL && (la = arp_create(ifp, sin->sin_addr)) == NULL)
			return ENOBUFS;
		la->la_perm = (ar->arp_flags & ATF_PERM) != 0;
		arp_update(la, (const uint8_t *)ar->arp_ha.sa_data);
		return 0;
	case SIOCGARP:
		if (la == NULL || la->la_state != LA_COMPLETE)
			return ENXIO;
		memset(&ar->arp_ha, 0, sizeof(ar->arp_ha));
		ar->arp_ha.sa_family = ARPHRD_ETHER;
		memcpy(ar->arp_ha.sa_data, la->la_lladdr, ETHER_ADDR_LEN);
		ar->arp_flags = ATF_COM | (la->la_perm ? ATF_PERM : 0);
		strlcpy(ar->arp_dev, la->la_ifp->if_xname,
		    sizeof(ar->arp_dev));
		return 0;
	case SIOCDARP:
		if (la == NULL)
			return ENXIO;
		arp_free(la);
		return 0;
	default:
		return ENOTTY;
	}
}
