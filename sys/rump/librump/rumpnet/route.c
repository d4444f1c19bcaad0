/*
 * route.c: the IPv4 routing table (see rump-sys/route.h): a list kept
 * in decreasing prefix length, so the first match is the longest.  A
 * handful of routes is the norm here; a radix tree would not pay.
 * softnet_lock covers everything.
 */
#include <rump-sys/systm.h>
#include <rump-sys/if.h>
#include <rump-sys/kmem.h>
#include <rump-sys/route.h>
#include <rump-sys/socketvar.h>
#include <rump-sys/netinet/in.h>
#include <rump/rumpnet.h>

#include "rumpnet_int.h"

static TAILQ_HEAD(, rtentry) rt_table = TAILQ_HEAD_INITIALIZER(rt_table);
static int rt_count;

void
route_init(void)
{
	TAILQ_INIT(&rt_table);
	rt_count = 0;
}

void
route_fini(void)
{
	mutex_enter(softnet_lock);
	rt_purge_all();
	mutex_exit(softnet_lock);
}

static int
masklen(struct in_addr mask)
{
	uint32_t m = ntohl(mask.s_addr);
	int n = 0;

	for (; m != 0; m <<= 1)
		n++;		/* contiguous: count leading ones */
	return n;
}

static bool
mask_contiguous(struct in_addr mask)
{
	uint32_t inv = ~ntohl(mask.s_addr);

	return (inv & (inv + 1)) == 0;	/* ones, then zeros */
}

struct rtentry *
rtalloc1(struct in_addr dst)
{
	struct rtentry *rt;

	KASSERT(mutex_owned(softnet_lock));
	TAILQ_FOREACH(rt, &rt_table, rt_list) {
		if ((dst.s_addr & rt->rt_mask.s_addr) == rt->rt_dst.s_addr &&
		    (rt->rt_flags & RTF_UP)) {
			rt->rt_refcnt++;
			return rt;
		}
	}
	return NULL;
}

static void
rt_destroy(struct rtentry *rt)
{
	if (rt->rt_ifa != NULL)
		ifafree(rt->rt_ifa);
	kmem_free(rt, sizeof(*rt));
}

void
rtfree(struct rtentry *rt)
{
	KASSERT(rt->rt_refcnt > 0);
	if (--rt->rt_refcnt == 0) {
		KASSERT(!(rt->rt_flags & RTF_UP));
		rt_destroy(rt);
	}
}

void
rtcache_free(struct route *ro)
{
	if (ro->ro_rt != NULL)
		rtfree(ro->ro_rt);
	ro->ro_rt = NULL;
}

void
rtcache_lookup(struct route *ro, struct in_addr dst)
{
	if (ro->ro_rt != NULL && (ro->ro_rt->rt_flags & RTF_UP) &&
	    ro->ro_dst.s_addr == dst.s_addr)
		return;
	rtcache_free(ro);
	ro->ro_dst = dst;
	ro->ro_rt = rtalloc1(dst);
}

/* The interface whose subnet holds gw, from the interface routes. */
static struct rtentry *
rt_onlink(struct in_addr gw)
{
	struct rtentry *rt;

	TAILQ_FOREACH(rt, &rt_table, rt_list)
		if ((rt->rt_flags & RTF_UP) && !(rt->rt_flags & RTF_GATEWAY) &&
		    (gw.s_addr & rt->rt_mask.s_addr) == rt->rt_dst.s_addr)
			return rt;
	return NULL;
}

int
rtrequest_add(struct in_addr dst, struct in_addr mask, struct in_addr gw,
    unsigned int flags, struct ifnet *ifp, struct ifaddr *ifa,
    struct rtentry **rtp)
{
	struct rtentry *rt, *it, *via = NULL;

	KASSERT(mutex_owned(softnet_lock));
	if ((dst.s_addr & ~mask.s_addr) != 0 || !mask_contiguous(mask))
		return EINVAL;
	TAILQ_FOREACH(it, &rt_table, rt_list)
		if (it->rt_dst.s_addr == dst.s_addr &&
		    it->rt_mask.s_addr == mask.s_addr)
			return EEXIST;
	if (flags & RTF_GATEWAY) {
		if ((via = rt_onlink(gw)) == NULL)
			return ENETUNREACH;
		if (ifp == NULL)
			ifp = via->rt_ifp;
		if (ifa == NULL)
			ifa = via->rt_ifa;
	}
	if (ifp == NULL)
		return ENETUNREACH;
	if ((rt = kmem_zalloc(sizeof(*rt), KM_NOSLEEP)) == NULL)
		return ENOBUFS;
	rt->rt_dst = dst;
	rt->rt_mask = mask;
	rt->rt_gateway = gw;
	rt->rt_ifp = ifp;
	rt->rt_ifa = ifa;
	if (ifa != NULL)
		ifaref(ifa);
	rt->rt_flags = flags | RTF_UP;
	rt->rt_refcnt = 1;		/* the table's */
	TAILQ_FOREACH(it, &rt_table, rt_list)
		if (masklen(it->rt_mask) < masklen(mask))
			break;
	if (it != NULL)
		TAILQ_INSERT_BEFORE(it, rt, rt_list);
	else
		TAILQ_INSERT_TAIL(&rt_table, rt, rt_list);
	rt_count++;
	if (rtp != NULL)
		*rtp = rt;
	return 0;
}

static void
rt_unlink(struct rtentry *rt)
{
	TAILQ_REMOVE(&rt_table, rt, rt_list);
	rt_count--;
	rt->rt_flags &= ~RTF_UP;
	rtfree(rt);
}

int
rtrequest_delete(struct in_addr dst, struct in_addr mask)
{
	struct rtentry *rt;

	KASSERT(mutex_owned(softnet_lock));
	TAILQ_FOREACH(rt, &rt_table, rt_list) {
		if (rt->rt_dst.s_addr == dst.s_addr &&
		    rt->rt_mask.s_addr == mask.s_addr) {
			rt_unlink(rt);
			return 0;
		}
	}
	return ESRCH;
}

void
rt_purge_if(struct ifnet *ifp)
{
	struct rtentry *rt, *next;

	TAILQ_FOREACH_SAFE(rt, &rt_table, rt_list, next)
		if (rt->rt_ifp == ifp)
			rt_unlink(rt);
}

void
rt_purge_ifa(struct ifaddr *ifa)
{
	struct rtentry *rt, *next;

	TAILQ_FOREACH_SAFE(rt, &rt_table, rt_list, next)
		if (rt->rt_ifa == ifa)
			rt_unlink(rt);
}

void
rt_purge_all(void)
{
	struct rtentry *rt;

	while ((rt = TAILQ_FIRST(&rt_table)) != NULL)
		rt_unlink(rt);
}

static int
sa_in(const struct sockaddr *sa, struct in_addr *ap)
{
	const struct sockaddr_in *sin = satocsin(sa);

	if (sin->sin_family != AF_INET)
		return EAFNOSUPPORT;
	*ap = sin->sin_addr;
	return 0;
}

int
rt_ioctl(u_long cmd, struct rtentry_user *ur)
{
	struct in_addr dst, gw = { 0 }, mask;
	struct ifnet *ifp = NULL;
	char name[IFNAMSIZ];
	unsigned int flags;
	int error;

	if ((error = sa_in(&ur->rt_dst, &dst)) != 0)
		return error;
	if (ur->rt_flags & RTF_HOST)
		mask.s_addr = 0xffffffff;
	else if ((error = sa_in(&ur->rt_genmask, &mask)) != 0)
		return error;
	if (ur->rt_flags & RTF_GATEWAY &&
	    (error = sa_in(&ur->rt_gateway, &gw)) != 0)
		return error;
	if (ur->rt_dev != NULL) {
		error = copyinstr(ur->rt_dev, name, sizeof(name), NULL);
		if (error != 0)
			return error == ENAMETOOLONG ? ENODEV : error;
	}
	flags = (ur->rt_flags & (RTF_GATEWAY | RTF_HOST | RTF_REJECT)) |
	    RTF_STATIC;
	mutex_enter(softnet_lock);
	if (ur->rt_dev != NULL && (ifp = ifunit(name)) == NULL) {
		error = ENODEV;
		goto out;
	}
	if (cmd == SIOCADDRT) {
		if (!(flags & RTF_GATEWAY) && ifp == NULL) {
			/* no gateway, no device: on the link of dst's subnet */
			struct rtentry *via = rt_onlink(dst);

			if (via == NULL) {
				error = ENETUNREACH;
				goto out;
			}
			ifp = via->rt_ifp;
		}
		error = rtrequest_add(dst, mask, gw, flags, ifp, NULL, NULL);
	} else
		error = rtrequest_delete(dst, mask);
out:
	mutex_exit(softnet_lock);
	return error;
}

int
rt_list(struct rump_rtlist *rl)
{
	struct rtentry *rt;
	struct rump_rtinfo *ri;
	int n = 0;

	memset(rl, 0, sizeof(*rl));
	mutex_enter(softnet_lock);
	TAILQ_FOREACH(rt, &rt_table, rt_list) {
		if (n < RUMP_RTLIST_MAX) {
			ri = &rl->rtl_routes[n];
			ri->rti_dst = rt->rt_dst.s_addr;
			ri->rti_mask = rt->rt_mask.s_addr;
			ri->rti_gateway = rt->rt_gateway.s_addr;
			ri->rti_flags = rt->rt_flags & ~RTF_LOCAL;
			strlcpy(ri->rti_ifname, rt->rt_ifp->if_xname,
			    sizeof(ri->rti_ifname));
			ri->rti_use = rt->rt_use;
			rl->rtl_count++;
		}
		n++;
	}
	rl->rtl_total = n;
	mutex_exit(softnet_lock);
	return 0;
}
