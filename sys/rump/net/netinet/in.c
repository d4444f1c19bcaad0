/*
 * in.c: IPv4 addresses of interfaces and their ioctls (in_control).
 * An interface may have several addresses; each brings the route to
 * its subnet.  softnet_lock covers the address lists.
 */
#include <rump-sys/systm.h>
#include <rump-sys/if.h>
#include <rump-sys/if_ether.h>
#include <rump-sys/kmem.h>
#include <rump-sys/route.h>
#include <rump-sys/socketvar.h>
#include <rump-sys/netinet/in.h>
#include <rump-sys/netinet/in_var.h>
#include <rump-sys/netinet/ip_icmp.h>
#include <rump-sys/netinet/ip_var.h>
#include <rump-sys/netinet/udp_var.h>
#include <rump/rumpnet.h>

#include "netinet_int.h"

struct in_ifaddrhead in_ifaddrhead = TAILQ_HEAD_INITIALIZER(in_ifaddrhead);

const char *
inet_ntoa_r(struct in_addr a, char *buf)
{
	uint32_t h = ntohl(a.s_addr);

	snprintf(buf, 16, "%u.%u.%u.%u", h >> 24, (h >> 16) & 0xff,
	    (h >> 8) & 0xff, h & 0xff);
	return buf;
}

struct in_addr
in_defmask(struct in_addr a)
{
	uint32_t h = ntohl(a.s_addr);
	struct in_addr m;

	if ((h & 0x80000000U) == 0)
		m.s_addr = htonl(0xff000000U);
	else if ((h & 0xc0000000U) == 0x80000000U)
		m.s_addr = htonl(0xffff0000U);
	else
		m.s_addr = htonl(0xffffff00U);
	return m;
}

struct in_ifaddr *
in_localaddr_ia(struct in_addr a)
{
	struct in_ifaddr *ia;

	TAILQ_FOREACH(ia, &in_ifaddrhead, ia_list)
		if (ia->ia_addr.sin_addr.s_addr == a.s_addr)
			return ia;
	return NULL;
}

struct in_ifaddr *
in_ifp_first(const struct ifnet *ifp)
{
	struct ifaddr *ifa;

	TAILQ_FOREACH(ifa, &ifp->if_addrlist, ifa_list)
		if (ifa->ifa_addr->sa_family == AF_INET)
			return ifatoia(ifa);
	return NULL;
}

struct in_ifaddr *
in_ifaddr_for(const struct ifnet *ifp, struct in_addr dst)
{
	struct ifaddr *ifa;
	struct in_ifaddr *ia;

	TAILQ_FOREACH(ifa, &ifp->if_addrlist, ifa_list) {
		ia = ifatoia(ifa);
		if ((dst.s_addr & ia->ia_subnetmask) == ia->ia_subnet)
			return ia;
	}
	return in_ifp_first(ifp);
}

static bool
in_broadcast_ia(struct in_addr a, const struct in_ifaddr *ia)
{
	if (ia->ia_ifp->if_flags & IFF_LOOPBACK)
		return false;
	return a.s_addr == ia->ia_broadaddr.sin_addr.s_addr ||
	    (ia->ia_subnetmask != 0xffffffff &&
	    (a.s_addr == (ia->ia_subnet | ~ia->ia_subnetmask) ||
	    a.s_addr == ia->ia_subnet));
}

bool
in_broadcast(struct in_addr a, const struct ifnet *ifp)
{
	struct ifaddr *ifa;

	if (a.s_addr == INADDR_BROADCAST || a.s_addr == INADDR_ANY)
		return true;
	if (ifp == NULL)
		return in_broadcast_any(a);
	TAILQ_FOREACH(ifa, &ifp->if_addrlist, ifa_list)
		if (in_broadcast_ia(a, ifatoia(ifa)))
			return true;
	return false;
}

bool
in_broadcast_any(struct in_addr a)
{
	struct in_ifaddr *ia;

	if (a.s_addr == INADDR_BROADCAST)
		return true;
	TAILQ_FOREACH(ia, &in_ifaddrhead, ia_list)
		if (in_broadcast_ia(a, ia))
			return true;
	return false;
}

static void
in_ifa_free(struct ifaddr *ifa)
{
	kmem_free(ifatoia(ifa), sizeof(struct in_ifaddr));
}

static void
ia_setmask(struct in_ifaddr *ia, struct in_addr mask, struct in_addr bcast)
{
	ia->ia_netmask.sin_family = AF_INET;
	ia->ia_netmask.sin_addr = mask;
	ia->ia_subnetmask = mask.s_addr;
	ia->ia_subnet = ia->ia_addr.sin_addr.s_addr & mask.s_addr;
	ia->ia_broadaddr.sin_family = AF_INET;
	if (bcast.s_addr == 0)
		bcast.s_addr = ia->ia_subnet | ~mask.s_addr;
	ia->ia_broadaddr.sin_addr = bcast;
}

static void	ia_remove(struct in_ifaddr *);

/*
 * The route to the subnet of ia (an existing one to it is kept): 0, or
 * ENOBUFS when there was no memory for it.
 */
static int
ia_addroute(struct in_ifaddr *ia)
{
	struct in_addr net = { ia->ia_subnet }, mask = { ia->ia_subnetmask };
	struct in_addr gw = { 0 };
	int error;

	error = rtrequest_add(net, mask, gw, RTF_LOCAL, ia->ia_ifp,
	    &ia->ia_ifa, NULL);
	return error == EEXIST ? 0 : error;
}

static bool
mask_ok(struct in_addr mask)
{
	uint32_t inv = ~ntohl(mask.s_addr);

	return (inv & (inv + 1)) == 0;
}

int
in_addaddr(struct ifnet *ifp, struct in_addr addr, struct in_addr mask,
    struct in_addr bcast)
{
	struct in_ifaddr *ia;
	struct ifaddr *ifa;
	int error;

	KASSERT(mutex_owned(softnet_lock));
	if (addr.s_addr == INADDR_ANY || addr.s_addr == INADDR_BROADCAST ||
	    IN_MULTICAST(ntohl(addr.s_addr)) || !mask_ok(mask))
		return EINVAL;
	TAILQ_FOREACH(ifa, &ifp->if_addrlist, ifa_list) {
		ia = ifatoia(ifa);
		if (ia->ia_addr.sin_addr.s_addr == addr.s_addr) {
			/* the same address again: new mask, same ifa */
			rt_purge_ifa(&ia->ia_ifa);
			ia_setmask(ia, mask, bcast);
			/* On failure the address stays, without its route. */
			return ia_addroute(ia);
		}
	}
	if (in_localaddr_ia(addr) != NULL)
		return EADDRINUSE;	/* on another interface */
	if ((ia = kmem_zalloc(sizeof(*ia), KM_NOSLEEP)) == NULL)
		return ENOBUFS;
	ia->ia_addr.sin_family = AF_INET;
	ia->ia_addr.sin_addr = addr;
	ia_setmask(ia, mask, bcast);
	ia->ia_ifa.ifa_addr = sintosa(&ia->ia_addr);
	ia->ia_ifa.ifa_netmask = sintosa(&ia->ia_netmask);
	ia->ia_ifa.ifa_broadaddr = sintosa(&ia->ia_broadaddr);
	ia->ia_ifa.ifa_ifp = ifp;
	ia->ia_ifa.ifa_refcnt = 1;		/* the lists' */
	ia->ia_ifa.ifa_free = in_ifa_free;
	TAILQ_INSERT_TAIL(&ifp->if_addrlist, &ia->ia_ifa, ifa_list);
	TAILQ_INSERT_TAIL(&in_ifaddrhead, ia, ia_list);
	if ((error = ia_addroute(ia)) != 0) {
		/* An address with no route to its subnet: not added. */
		ia_remove(ia);
		return error;
	}
	if (ifp->if_type == IFT_ETHER && (ifp->if_flags & IFF_UP))
		arp_ifinit(ifp, &addr);
	return 0;
}

static void
ia_remove(struct in_ifaddr *ia)
{
	struct ifnet *ifp = ia->ia_ifp;

	rt_purge_ifa(&ia->ia_ifa);
	TAILQ_REMOVE(&ifp->if_addrlist, &ia->ia_ifa, ifa_list);
	TAILQ_REMOVE(&in_ifaddrhead, ia, ia_list);
	ifafree(&ia->ia_ifa);
}

int
in_deladdr(struct ifnet *ifp, struct in_addr addr)
{
	struct ifaddr *ifa;

	TAILQ_FOREACH(ifa, &ifp->if_addrlist, ifa_list) {
		if (ifatoia(ifa)->ia_addr.sin_addr.s_addr == addr.s_addr) {
			ia_remove(ifatoia(ifa));
			return 0;
		}
	}
	return EADDRNOTAVAIL;
}

void
in_if_up(struct ifnet *ifp)
{
	struct ifaddr *ifa;

	if (ifp->if_type != IFT_ETHER)
		return;
	TAILQ_FOREACH(ifa, &ifp->if_addrlist, ifa_list)
		arp_ifinit(ifp, &ifatoia(ifa)->ia_addr.sin_addr);
}

void
in_if_down(struct ifnet *ifp)
{
	if (ifp->if_type == IFT_ETHER)
		arp_purge_if(ifp);
}

void
in_if_detach(struct ifnet *ifp)
{
	struct ifaddr *ifa;

	while ((ifa = TAILQ_FIRST(&ifp->if_addrlist)) != NULL)
		ia_remove(ifatoia(ifa));
	if (ifp->if_type == IFT_ETHER)
		arp_purge_if(ifp);
}

static int
sin_get(const struct sockaddr *sa, struct in_addr *ap)
{
	if (satocsin(sa)->sin_family != AF_INET)
		return EAFNOSUPPORT;
	*ap = satocsin(sa)->sin_addr;
	return 0;
}

static void
sin_put(struct sockaddr *sa, struct in_addr a)
{
	struct sockaddr_in *sin = satosin(sa);

	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	sin->sin_addr = a;
}

/* The struct ifreq address requests on ifp. */
static int
in_ifreq(u_long cmd, struct ifreq *ifr, struct ifnet *ifp)
{
	struct in_ifaddr *ia = in_ifp_first(ifp);
	struct in_addr a, zero = { 0 };
	int error;

	switch (cmd) {
	case SIOCSIFADDR:
		if ((error = sin_get(&ifr->ifr_addr, &a)) != 0)
			return error;
		if (ia != NULL && ia->ia_addr.sin_addr.s_addr == a.s_addr)
			return 0;
		if (ia != NULL)
			ia_remove(ia);
		return in_addaddr(ifp, a, in_defmask(a), zero);
	case SIOCDIFADDR:
		if ((error = sin_get(&ifr->ifr_addr, &a)) != 0)
			return error;
		return in_deladdr(ifp, a);
	}
	if (ia == NULL)
		return EADDRNOTAVAIL;
	switch (cmd) {
	case SIOCGIFADDR:
		sin_put(&ifr->ifr_addr, ia->ia_addr.sin_addr);
		return 0;
	case SIOCGIFNETMASK:
		sin_put(&ifr->ifr_netmask, ia->ia_netmask.sin_addr);
		return 0;
	case SIOCGIFBRDADDR:
		sin_put(&ifr->ifr_broadaddr, ia->ia_broadaddr.sin_addr);
		return 0;
	case SIOCGIFDSTADDR:
	case SIOCSIFDSTADDR:
		return EADDRNOTAVAIL;	/* no point-to-point links */
	case SIOCSIFNETMASK:
		if ((error = sin_get(&ifr->ifr_netmask, &a)) != 0)
			return error;
		if (!mask_ok(a))
			return EINVAL;
		return in_addaddr(ifp, ia->ia_addr.sin_addr, a, zero);
	case SIOCSIFBRDADDR:
		if ((error = sin_get(&ifr->ifr_broadaddr, &a)) != 0)
			return error;
		ia->ia_broadaddr.sin_addr = a;
		return 0;
	default:
		return ENOTTY;
	}
}

static int
in_aifaddr(struct rump_ifaliasreq *ifra, struct ifnet *ifp)
{
	struct sockaddr_in a, m, b;

	memcpy(&a, ifra->ifra_addr, sizeof(a));
	memcpy(&m, ifra->ifra_mask, sizeof(m));
	memcpy(&b, ifra->ifra_broadaddr, sizeof(b));
	if (a.sin_family != AF_INET)
		return EAFNOSUPPORT;
	if (m.sin_family != AF_INET && m.sin_addr.s_addr == 0)
		m.sin_addr = in_defmask(a.sin_addr);
	if (b.sin_family != AF_INET)
		b.sin_addr.s_addr = 0;
	return in_addaddr(ifp, a.sin_addr, m.sin_addr, b.sin_addr);
}

static int
in_reassknobs(const struct rump_ipreass *r)
{
	if (r->ipr_maxqueues < 0 || r->ipr_timeout_s < 0 ||
	    r->ipr_maxfrags < 0 || r->ipr_timeout_s > 3600)
		return EINVAL;
	if (r->ipr_maxqueues > 0)
		ip_maxfragpackets = r->ipr_maxqueues;
	if (r->ipr_timeout_s > 0)
		ip_reass_timeout_s = r->ipr_timeout_s;
	if (r->ipr_maxfrags > 0)
		ip_maxfrags = r->ipr_maxfrags;
	return 0;
}

static int
in_arptimers(const struct rump_arptimers *at)
{
	if (at->at_keep < 0 || at->at_down < 0 || at->at_maxtries < 0)
		return EINVAL;
	if (at->at_keep > 0)
		arp_keep_s = at->at_keep;
	if (at->at_down > 0)
		arp_down_s = at->at_down;
	if (at->at_maxtries > 0)
		arp_maxtries = at->at_maxtries;
	return 0;
}

int
in_control(struct socket *so, u_long cmd, void *data, struct ifnet *ifp)
{
	int v;

	KASSERT(mutex_owned(softnet_lock));
	switch (cmd) {
	case SIOCSARP:
	case SIOCGARP:
	case SIOCDARP:
		return arp_ioctl(cmd, data);
	case RUMP_SIOCAIFADDR:
		return ifp == NULL ? ENODEV : in_aifaddr(data, ifp);
	case RUMP_SIOCGIPSTAT:
		memcpy(data, &ipstat, sizeof(ipstat));
		return 0;
	case RUMP_SIOCGICMPSTAT:
		memcpy(data, &icmpstat, sizeof(icmpstat));
		return 0;
	case RUMP_SIOCGUDPSTAT:
		memcpy(data, &udpstat, sizeof(udpstat));
		return 0;
	case RUMP_SIOCGARPSTAT:
		arpstat.as_entries = (unsigned long long)arp_count();
		memcpy(data, &arpstat, sizeof(arpstat));
		return 0;
	case RUMP_SIOCSIPFORWARDING:
		memcpy(&v, data, sizeof(v));
		ip_forwarding = v != 0;
		return 0;
	case RUMP_SIOCGIPFORWARDING:
		memcpy(data, &ip_forwarding, sizeof(int));
		return 0;
	case RUMP_SIOCSARPTIMERS:
		return in_arptimers(data);
	case RUMP_SIOCSIPREASS:
		return in_reassknobs(data);
	default:
		if (ifp == NULL)
			return ENOTTY;
		return in_ifreq(cmd, data, ifp);
	}
}
