/*
 * route.h: the IPv4 routing table.  A route maps a destination prefix
 * (dst/mask) to an interface and, for RTF_GATEWAY routes, a next hop.
 * Lookup is longest prefix match; the default route is 0.0.0.0/0.
 *
 * Setting an address on an interface adds the route to its subnet
 * (RTF_UP, no gateway: the destination is on the link); no host route
 * for the address itself is needed: ip_output sends to our own
 * addresses through lo0.  Routes through an interface go when its
 * address is removed or it detaches; while it is down they stay, and
 * sending through it is ENETDOWN.
 *
 * The user adds and deletes routes as route(8) does with SIOCADDRT and
 * SIOCDELRT on any socket (struct rtentry, Linux layout, <net/route.h>;
 * rt_dev may name the interface) and lists them with RUMP_SIOCGRTABLE
 * (rump/rumpnet.h).
 *
 * Locking: softnet_lock.  An rtentry in use (struct route caches one)
 * holds a reference; a deleted route loses RTF_UP and is freed with its
 * last reference, so a cached route is revalidated by checking RTF_UP.
 */
#ifndef _RUMP_SYS_ROUTE_H_
#define _RUMP_SYS_ROUTE_H_

#include <rump-sys/types.h>
#include <rump-sys/queue.h>
#include <rump-sys/socket.h>
#include <rump-sys/netinet/in.h>

struct ifnet;
struct ifaddr;

/* rt_flags: Linux values (<net/route.h>) */
#define RTF_UP		0x0001
#define RTF_GATEWAY	0x0002
#define RTF_HOST	0x0004
#define RTF_REJECT	0x0200
#define RTF_STATIC	0x0400	/* added by the user */
#define RTF_LOCAL	0x80000000U	/* interface route (kernel flag) */

struct rtentry {
	struct in_addr	 rt_dst;	/* network order, masked */
	struct in_addr	 rt_mask;
	struct in_addr	 rt_gateway;	/* RTF_GATEWAY */
	struct ifnet	*rt_ifp;
	struct ifaddr	*rt_ifa;	/* the source address to use */
	unsigned int	 rt_flags;
	int		 rt_refcnt;
	int		 rt_mtu;	/* 0: the interface's */
	int		 rt_metric;
	uint64_t	 rt_use;	/* packets sent */
	TAILQ_ENTRY(rtentry) rt_list;	/* by decreasing prefix length */
};

/* A cached route (a socket's, forwarding's). */
struct route {
	struct rtentry	*ro_rt;
	struct in_addr	 ro_dst;
};

/*
 * The best route to dst with a reference, or NULL (ENETUNREACH).
 * softnet_lock held.
 */
struct rtentry *rtalloc1(struct in_addr dst);
void	rtfree(struct rtentry *);
/* Fill/refresh ro for ro->ro_dst; ro->ro_rt NULL if none. */
void	rtcache_lookup(struct route *ro, struct in_addr dst);
void	rtcache_free(struct route *ro);

/*
 * Add a route; 0, EEXIST (same dst/mask), ENETUNREACH (a gateway not
 * on a connected network), EINVAL (dst has bits outside mask).  ifp may
 * be NULL for gateway routes (found from the gateway).  softnet_lock.
 */
int	rtrequest_add(struct in_addr dst, struct in_addr mask,
	    struct in_addr gw, unsigned int flags, struct ifnet *ifp,
	    struct ifaddr *ifa, struct rtentry **rtp);
/* 0 or ESRCH. */
int	rtrequest_delete(struct in_addr dst, struct in_addr mask);
/* Delete every route through ifp / using ifa. */
void	rt_purge_if(struct ifnet *ifp);
void	rt_purge_ifa(struct ifaddr *ifa);
void	rt_purge_all(void);

/* The route(8) interface. */
struct rtentry_user {
	unsigned long	rt_pad1;
	struct sockaddr	rt_dst;
	struct sockaddr	rt_gateway;
	struct sockaddr	rt_genmask;
	unsigned short	rt_flags;
	short		rt_pad2;
	unsigned long	rt_pad3;
	void		*rt_pad4;
	short		rt_metric;
	char		*rt_dev;	/* interface name (user memory) */
	unsigned long	rt_mtu;
	unsigned long	rt_window;
	unsigned short	rt_irtt;
};
_Static_assert(sizeof(struct rtentry_user) == 120,
    "rtentry: Linux x86_64 layout");
/* SIOCADDRT/SIOCDELRT with a kernel copy of the request. */
int	rt_ioctl(u_long cmd, struct rtentry_user *);
/* RUMP_SIOCGRTABLE */
struct rump_rtlist;
int	rt_list(struct rump_rtlist *);

#endif /* _RUMP_SYS_ROUTE_H_ */
