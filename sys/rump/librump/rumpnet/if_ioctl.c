/*
 * if_ioctl.c: interface configuration ioctls on sockets, as ifconfig
 * and route issue them.  The Linux SIOC* commands carry no size, so
 * their argument arrives as the user's pointer and is copied here;
 * RUMP_SIOC* commands (rump/rumpnet.h) are encoded and arrive copied.
 * Generic requests (flags, MTU, names, cloning, statistics, routes)
 * are handled here, address-family ones (addresses, ARP, protocol
 * counters) by the socket's protocol (pr_ioctl: in_control for AF_INET).
 */
#include <rump-sys/systm.h>
#include <rump-sys/if.h>
#include <rump-sys/if_ether.h>
#include <rump-sys/lwp.h>
#include <rump-sys/protosw.h>
#include <rump-sys/route.h>
#include <rump-sys/socketvar.h>
#include <rump/rumpnet.h>

#include "rumpnet_int.h"

#define ARPHRD_ETHER	1
#define ARPHRD_LOOPBACK	772
#define ARPHRD_NONE	0xfffe

static int
ifconf(struct ifconf *ifc)
{
	struct ifreq ifr;
	struct ifnet *ifp;
	struct ifaddr *ifa;
	char *up = ifc->ifc_buf;
	int space = ifc->ifc_len, used = 0, error = 0;

	if (space < 0)
		return EINVAL;
	mutex_enter(softnet_lock);
	IFNET_FOREACH(ifp) {
		TAILQ_FOREACH(ifa, &ifp->if_addrlist, ifa_list) {
			if (up == NULL) {	/* Linux: just the size */
				used += (int)sizeof(ifr);
				continue;
			}
			if (space - used < (int)sizeof(ifr))
				goto out;
			memset(&ifr, 0, sizeof(ifr));
			strlcpy(ifr.ifr_name, ifp->if_xname, IFNAMSIZ);
			memcpy(&ifr.ifr_addr, ifa->ifa_addr,
			    sizeof(struct sockaddr));
			if ((error = copyout(&ifr, up + used, sizeof(ifr))) != 0)
				goto out;
			used += (int)sizeof(ifr);
		}
	}
out:
	mutex_exit(softnet_lock);
	ifc->ifc_len = used;
	return error;
}

static int
if_getstats(struct rump_ifstats *st)
{
	struct ifnet *ifp;
	struct if_data64 d;

	mutex_enter(softnet_lock);
	st->ifs_name[RUMP_IFNAMSIZ - 1] = '\0';
	if ((ifp = ifunit(st->ifs_name)) == NULL) {
		mutex_exit(softnet_lock);
		return ENXIO;
	}
	d = ifp->if_data;
	st->ifs_ipackets = d.ifi_ipackets;
	st->ifs_ierrors = d.ifi_ierrors;
	st->ifs_opackets = d.ifi_opackets;
	st->ifs_oerrors = d.ifi_oerrors;
	st->ifs_collisions = d.ifi_collisions;
	st->ifs_ibytes = d.ifi_ibytes;
	st->ifs_obytes = d.ifi_obytes;
	st->ifs_imcasts = d.ifi_imcasts;
	st->ifs_omcasts = d.ifi_omcasts;
	st->ifs_iqdrops = d.ifi_iqdrops;
	st->ifs_oqdrops = d.ifi_oqdrops;
	st->ifs_noproto = d.ifi_noproto;
	st->ifs_mtu = ifp->if_mtu;
	st->ifs_flags = ifp->if_flags;
	st->ifs_link_state = ifp->if_link_state;
	st->ifs_index = ifp->if_index;
	mutex_exit(softnet_lock);
	return 0;
}

static int
if_setflags(struct ifnet *ifp, short flags)
{
	short old = ifp->if_flags;
	int error = 0;

	ifp->if_flags = (short)((flags & ~IFF_CANTCHANGE) |
	    (old & IFF_CANTCHANGE));
	/* if_up/if_down look at the old IFF_UP */
	if ((old & IFF_UP) && !(flags & IFF_UP)) {
		ifp->if_flags |= IFF_UP;
		if_down(ifp);
	} else if (!(old & IFF_UP) && (flags & IFF_UP)) {
		ifp->if_flags &= ~IFF_UP;
		(void)if_up(ifp);
	}
	if (ifp->if_ioctl != NULL) {
		error = ifp->if_ioctl(ifp, SIOCSIFFLAGS, NULL);
		if (error == ENOTTY)
			error = 0;
	}
	return error;
}

static int
if_setmtu(struct ifnet *ifp, int mtu)
{
	int old = ifp->if_mtu, error = 0;

	if (mtu < 68 || mtu > ifp->if_mtu_max)
		return EINVAL;
	ifp->if_mtu = mtu;
	if (ifp->if_ioctl != NULL &&
	    (error = ifp->if_ioctl(ifp, SIOCSIFMTU, &mtu)) == ENOTTY)
		error = 0;
	if (error != 0)
		ifp->if_mtu = old;
	return error;
}

/* Requests on one interface with a struct ifreq; softnet_lock held. */
static int
ifreq_ioctl(struct socket *so, u_long cmd, struct ifreq *ifr)
{
	struct ifnet *ifp;

	if (cmd == SIOCGIFNAME) {
		if ((ifp = if_byindex(ifr->ifr_ifindex)) == NULL)
			return ENODEV;
		strlcpy(ifr->ifr_name, ifp->if_xname, IFNAMSIZ);
		return 0;
	}
	ifr->ifr_name[IFNAMSIZ - 1] = '\0';
	if ((ifp = ifunit(ifr->ifr_name)) == NULL)
		return ENODEV;
	switch (cmd) {
	case SIOCGIFFLAGS:
		ifr->ifr_flags = ifp->if_flags;
		return 0;
	case SIOCSIFFLAGS:
		return if_setflags(ifp, ifr->ifr_flags);
	case SIOCGIFMTU:
		ifr->ifr_mtu = ifp->if_mtu;
		return 0;
	case SIOCSIFMTU:
		return if_setmtu(ifp, ifr->ifr_mtu);
	case SIOCGIFINDEX:
		ifr->ifr_ifindex = ifp->if_index;
		return 0;
	case SIOCGIFMETRIC:
		ifr->ifr_metric = 0;
		return 0;
	case SIOCGIFHWADDR:
		memset(&ifr->ifr_hwaddr, 0, sizeof(ifr->ifr_hwaddr));
		ifr->ifr_hwaddr.sa_family = ifp->if_type == IFT_ETHER ?
		    ARPHRD_ETHER : ifp->if_type == IFT_LOOP ?
		    ARPHRD_LOOPBACK : ARPHRD_NONE;
		memcpy(ifr->ifr_hwaddr.sa_data, ifp->if_lladdr,
		    MIN(ifp->if_addrlen, sizeof(ifr->ifr_hwaddr.sa_data)));
		return 0;
	case SIOCSIFHWADDR:
		if (ifp->if_type != IFT_ETHER ||
		    ifr->ifr_hwaddr.sa_family != ARPHRD_ETHER)
			return EINVAL;
		if (ifr->ifr_hwaddr.sa_data[0] & 1)
			return EADDRNOTAVAIL;	/* multicast */
		memcpy(ifp->if_lladdr, ifr->ifr_hwaddr.sa_data,
		    ifp->if_addrlen);
		return 0;
	default:
		if (so->so_proto->pr_usrreqs->pr_ioctl == NULL)
			return EOPNOTSUPP;
		return so->so_proto->pr_usrreqs->pr_ioctl(so, cmd, ifr, ifp);
	}
}

static bool
ifreq_cmd(u_long cmd)
{
	switch (cmd) {
	case SIOCGIFNAME: case SIOCGIFFLAGS: case SIOCSIFFLAGS:
	case SIOCGIFADDR: case SIOCSIFADDR: case SIOCGIFDSTADDR:
	case SIOCSIFDSTADDR: case SIOCGIFBRDADDR: case SIOCSIFBRDADDR:
	case SIOCGIFNETMASK: case SIOCSIFNETMASK: case SIOCGIFMETRIC:
	case SIOCGIFMTU: case SIOCSIFMTU: case SIOCSIFHWADDR:
	case SIOCGIFHWADDR: case SIOCGIFINDEX: case SIOCDIFADDR:
		return true;
	default:
		return false;
	}
}

/* An encoded request for the protocol, needing ifp or not. */
static int
proto_ioctl(struct socket *so, u_long cmd, void *data, struct ifnet *ifp)
{
	if (so->so_proto->pr_usrreqs->pr_ioctl == NULL)
		return ENOTTY;
	return so->so_proto->pr_usrreqs->pr_ioctl(so, cmd, data, ifp);
}

static int
ifdrv_ioctl(struct socket *so, u_long cmd, struct rump_ifdrv *ifd)
{
	struct ifnet *ifp;
	int error;

	ifd->ifd_name[RUMP_IFNAMSIZ - 1] = '\0';
	mutex_enter(softnet_lock);
	if ((ifp = ifunit(ifd->ifd_name)) == NULL)
		error = ENXIO;
	else if (ifp->if_ioctl == NULL)
		error = EOPNOTSUPP;
	else if ((error = ifp->if_ioctl(ifp, cmd, ifd)) == ENOTTY)
		error = EOPNOTSUPP;
	mutex_exit(softnet_lock);
	return error;
}

int
ifioctl(struct socket *so, u_long cmd, void *data, struct lwp *l)
{
	struct ifreq ifr;
	struct ifconf ifc;
	struct rtentry_user rte;
	struct arpreq ar;
	struct rump_ifreq_name *rn = data;
	struct rump_ifaliasreq *ifra = data;
	struct ifnet *ifp;
	int error;

	if (ifreq_cmd(cmd)) {
		if ((error = copyin(data, &ifr, sizeof(ifr))) != 0)
			return error;
		mutex_enter(softnet_lock);
		error = ifreq_ioctl(so, cmd, &ifr);
		mutex_exit(softnet_lock);
		if (error == 0)
			error = copyout(&ifr, data, sizeof(ifr));
		return error;
	}
	switch (cmd) {
	case SIOCGIFCONF:
		if ((error = copyin(data, &ifc, sizeof(ifc))) != 0)
			return error;
		if ((error = ifconf(&ifc)) != 0)
			return error;
		return copyout(&ifc, data, sizeof(ifc));
	case SIOCADDRT:
	case SIOCDELRT:
		if ((error = copyin(data, &rte, sizeof(rte))) != 0)
			return error;
		return rt_ioctl(cmd, &rte);
	case SIOCSARP:
	case SIOCGARP:
	case SIOCDARP:
		if ((error = copyin(data, &ar, sizeof(ar))) != 0)
			return error;
		mutex_enter(softnet_lock);
		error = proto_ioctl(so, cmd, &ar, NULL);
		mutex_exit(softnet_lock);
		if (error == 0 && cmd == SIOCGARP)
			error = copyout(&ar, data, sizeof(ar));
		return error;
	case RUMP_SIOCGRTABLE:
		return rt_list(data);
	case RUMP_SIOCIFCREATE:
		rn->rin_name[RUMP_IFNAMSIZ - 1] = '\0';
		return if_clone_create(rn->rin_name);
	case RUMP_SIOCIFDESTROY:
		rn->rin_name[RUMP_IFNAMSIZ - 1] = '\0';
		return if_clone_destroy(rn->rin_name);
	case RUMP_SIOCGIFSTATS:
		return if_getstats(data);
	case RUMP_SIOCSLINKSTR:
	case RUMP_SIOCGLINKSTR:
		return ifdrv_ioctl(so, cmd, data);
	case RUMP_SIOCAIFADDR:
		ifra->ifra_name[RUMP_IFNAMSIZ - 1] = '\0';
		mutex_enter(softnet_lock);
		if ((ifp = ifunit(ifra->ifra_name)) == NULL)
			error = ENODEV;
		else
			error = proto_ioctl(so, cmd, data, ifp);
		mutex_exit(softnet_lock);
		return error;
	default:
		/* ARP, protocol counters and knobs: the protocol's */
		mutex_enter(softnet_lock);
		error = proto_ioctl(so, cmd, data, NULL);
		mutex_exit(softnet_lock);
		return error;
	}
}
