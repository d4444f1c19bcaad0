/*
 * if.c: network interfaces: the list, attach and detach, up and down,
 * the output queue, protocol hooks and interface cloners.  The ioctls
 * are in if_ioctl.c.  See rump-sys/if.h.
 */
#include <rump-sys/systm.h>
#include <rump-sys/if.h>
#include <rump-sys/kmem.h>
#include <rump-sys/mbuf.h>
#include <rump-sys/route.h>
#include <rump-sys/socketvar.h>

#include "rumpnet_int.h"

struct ifnethead ifnet_list = TAILQ_HEAD_INITIALIZER(ifnet_list);
static LIST_HEAD(, if_proto_hooks) if_hooks = LIST_HEAD_INITIALIZER(if_hooks);
static LIST_HEAD(, if_clone) if_cloners = LIST_HEAD_INITIALIZER(if_cloners);
static int if_nextindex;

void
ifnet_init(void)
{
	TAILQ_INIT(&ifnet_list);
	LIST_INIT(&if_hooks);
	LIST_INIT(&if_cloners);
	if_nextindex = 1;
}

void
ifnet_fini(void)
{
	struct ifnet *ifp;

	TAILQ_FOREACH(ifp, &ifnet_list, if_list)
		printf("rumpnet: interface %s still attached at shutdown\n",
		    ifp->if_xname);
	KASSERTMSG(TAILQ_EMPTY(&ifnet_list), "interfaces left at shutdown");
	KASSERTMSG(LIST_EMPTY(&if_cloners), "cloners left at shutdown");
}

struct ifnet *
ifunit(const char *name)
{
	struct ifnet *ifp;

	IFNET_FOREACH(ifp)
		if (strncmp(ifp->if_xname, name, IFNAMSIZ) == 0)
			return ifp;
	return NULL;
}

struct ifnet *
if_byindex(int idx)
{
	struct ifnet *ifp;

	IFNET_FOREACH(ifp)
		if (ifp->if_index == idx)
			return ifp;
	return NULL;
}

int
if_attach(struct ifnet *ifp)
{
	int error = 0;

	if (strnlen(ifp->if_xname, IFNAMSIZ) == IFNAMSIZ ||
	    ifp->if_xname[0] == '\0')
		return EINVAL;
	mutex_enter(softnet_lock);
	if (ifunit(ifp->if_xname) != NULL) {
		error = EEXIST;
		goto out;
	}
	TAILQ_INIT(&ifp->if_addrlist);
	mutex_init(&ifp->if_snd_lock, MUTEX_SPIN, IPL_SOFTNET);
	memset(&ifp->if_snd, 0, sizeof(ifp->if_snd));
	ifp->if_snd.ifq_maxlen = IFQ_MAXLEN;
	ifp->if_index = if_nextindex++;
	if (ifp->if_mtu == 0)
		ifp->if_mtu = 1500;
	if (ifp->if_mtu_max == 0)
		ifp->if_mtu_max = 65535;
	TAILQ_INSERT_TAIL(&ifnet_list, ifp, if_list);
out:
	mutex_exit(softnet_lock);
	return error;
}

void
if_detach(struct ifnet *ifp)
{
	struct if_proto_hooks *h;

	mutex_enter(softnet_lock);
	if_down(ifp);
	LIST_FOREACH(h, &if_hooks, ifh_link)
		if (h->ifh_detach != NULL)
			h->ifh_detach(ifp);
	rt_purge_if(ifp);
	TAILQ_REMOVE(&ifnet_list, ifp, if_list);
	mutex_exit(softnet_lock);
	netisr_purge_if(ifp);
	mutex_spin_enter(&ifp->if_snd_lock);
	ifq_purge(&ifp->if_snd);
	mutex_spin_exit(&ifp->if_snd_lock);
	mutex_destroy(&ifp->if_snd_lock);
	KASSERTMSG(TAILQ_EMPTY(&ifp->if_addrlist),
	    "%s: addresses left after detach", ifp->if_xname);
}

int
if_up(struct ifnet *ifp)
{
	struct if_proto_hooks *h;

	KASSERT(mutex_owned(softnet_lock));
	if (ifp->if_flags & IFF_UP)
		return 0;
	ifp->if_flags |= IFF_UP;
	LIST_FOREACH(h, &if_hooks, ifh_link)
		if (h->ifh_up != NULL)
			h->ifh_up(ifp);
	return 0;
}

void
if_down(struct ifnet *ifp)
{
	struct if_proto_hooks *h;

	KASSERT(mutex_owned(softnet_lock));
	if (!(ifp->if_flags & IFF_UP))
		return;
	ifp->if_flags &= ~IFF_UP;
	LIST_FOREACH(h, &if_hooks, ifh_link)
		if (h->ifh_down != NULL)
			h->ifh_down(ifp);
	mutex_spin_enter(&ifp->if_snd_lock);
	ifq_purge(&ifp->if_snd);
	mutex_spin_exit(&ifp->if_snd_lock);
}

void
if_link_state_change(struct ifnet *ifp, int state)
{
	__atomic_store_n(&ifp->if_link_state, state, __ATOMIC_RELAXED);
}

int
if_ioctl_common(struct ifnet *ifp, u_long cmd, void *data)
{
	switch (cmd) {
	case SIOCSIFFLAGS:
		if (ifp->if_flags & IFF_UP)
			ifp->if_flags |= IFF_RUNNING;
		else
			ifp->if_flags &= ~IFF_RUNNING;
		return 0;
	case SIOCSIFMTU:
		return 0;	/* if_mtu_max bounds it */
	default:
		return ENOTTY;
	}
}

int
if_transmit(struct ifnet *ifp, struct mbuf *m)
{
	int len = m->m_pkthdr.len, error;

	if (!(ifp->if_flags & IFF_UP)) {
		m_freem(m);
		if_statinc(ifp, if_oerrors);
		return ENETDOWN;
	}
	mutex_spin_enter(&ifp->if_snd_lock);
	error = ifq_enqueue(&ifp->if_snd, m);
	mutex_spin_exit(&ifp->if_snd_lock);
	if (error != 0) {
		if_statinc(ifp, if_oqdrops);
		return error;
	}
	if_statinc(ifp, if_opackets);
	if_statadd(ifp, if_obytes, len);
	if (ifp->if_start != NULL)
		ifp->if_start(ifp);
	return 0;
}

struct mbuf *
if_dequeue(struct ifnet *ifp)
{
	struct mbuf *m;

	mutex_spin_enter(&ifp->if_snd_lock);
	m = ifq_dequeue(&ifp->if_snd);
	mutex_spin_exit(&ifp->if_snd_lock);
	return m;
}

void
if_proto_hooks_register(struct if_proto_hooks *h)
{
	mutex_enter(softnet_lock);
	LIST_INSERT_HEAD(&if_hooks, h, ifh_link);
	mutex_exit(softnet_lock);
}

void
if_proto_hooks_unregister(struct if_proto_hooks *h)
{
	mutex_enter(softnet_lock);
	LIST_REMOVE(h, ifh_link);
	mutex_exit(softnet_lock);
}

void
ifaref(struct ifaddr *ifa)
{
	ifa->ifa_refcnt++;
}

void
ifafree(struct ifaddr *ifa)
{
	KASSERT(ifa->ifa_refcnt > 0);
	if (--ifa->ifa_refcnt == 0 && ifa->ifa_free != NULL)
		ifa->ifa_free(ifa);
}

/*
 * Cloners.
 */
static struct if_clone *
if_clone_lookup(const char *name, int *unitp)
{
	struct if_clone *ifc;
	size_t len, nlen = strnlen(name, IFNAMSIZ);
	unsigned long long unit;

	if (nlen == 0 || nlen == IFNAMSIZ)
		return NULL;
	LIST_FOREACH(ifc, &if_cloners, ifc_list) {
		len = strlen(ifc->ifc_name);
		if (nlen <= len || strncmp(name, ifc->ifc_name, len) != 0)
			continue;
		/* "shmif007" is not a unit number; "shmif0" is */
		if ((name[len] == '0' && nlen > len + 1) ||
		    kstrtoull(name + len, &unit) != 0 || unit > 65535)
			return NULL;
		*unitp = (int)unit;
		return ifc;
	}
	return NULL;
}

int
if_clone_attach(struct if_clone *ifc)
{
	struct if_clone *o;
	int error = 0;

	mutex_enter(softnet_lock);
	LIST_FOREACH(o, &if_cloners, ifc_list)
		if (strcmp(o->ifc_name, ifc->ifc_name) == 0)
			error = EEXIST;
	if (error == 0)
		LIST_INSERT_HEAD(&if_cloners, ifc, ifc_list);
	mutex_exit(softnet_lock);
	return error;
}

void
if_clone_detach(struct if_clone *ifc)
{
	struct ifnet *ifp;

	for (;;) {
		mutex_enter(softnet_lock);
		IFNET_FOREACH(ifp)
			if (ifp->if_clone == ifc)
				break;
		if (ifp == NULL) {
			LIST_REMOVE(ifc, ifc_list);
			mutex_exit(softnet_lock);
			return;
		}
		mutex_exit(softnet_lock);
		(void)ifc->ifc_destroy(ifp);
	}
}

int
if_clone_create(const char *name)
{
	struct if_clone *ifc;
	struct ifnet *ifp;
	int unit, error;

	mutex_enter(softnet_lock);
	ifc = if_clone_lookup(name, &unit);
	ifp = ifunit(name);
	mutex_exit(softnet_lock);
	if (ifc == NULL)
		return strnlen(name, IFNAMSIZ) == IFNAMSIZ ? EINVAL : ENXIO;
	if (ifp != NULL)
		return EEXIST;
	if ((error = ifc->ifc_create(ifc, unit)) != 0)
		return error;
	mutex_enter(softnet_lock);
	if ((ifp = ifunit(name)) != NULL)
		ifp->if_clone = ifc;
	mutex_exit(softnet_lock);
	KASSERTMSG(ifp != NULL, "cloner %s made no %s", ifc->ifc_name, name);
	return 0;
}

int
if_clone_destroy(const char *name)
{
	struct ifnet *ifp;
	struct if_clone *ifc;

	mutex_enter(softnet_lock);
	ifp = ifunit(name);
	ifc = ifp != NULL ? ifp->if_clone : NULL;
	mutex_exit(softnet_lock);
	if (ifp == NULL)
		return ENXIO;
	if (ifc == NULL)
		return EOPNOTSUPP;	/* not made by a cloner (lo0) */
	return ifc->ifc_destroy(ifp);
}
