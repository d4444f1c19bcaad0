/*
 * in_pcb.c: Internet protocol control blocks: binding with the
 * SO_REUSEADDR/SO_REUSEPORT rules, ephemeral ports, connecting with
 * source address selection, lookups for input, and error fan-out.
 * See rump-sys/netinet/in_pcb.h.  softnet_lock held throughout.
 */
#include <rump-sys/systm.h>
#include <rump-sys/if.h>
#include <rump-sys/kmem.h>
#include <rump-sys/route.h>
#include <rump-sys/socketvar.h>
#include <rump-sys/netinet/in.h>
#include <rump-sys/netinet/in_pcb.h>
#include <rump-sys/netinet/in_var.h>
#include <rump-sys/netinet/ip_var.h>

#include "netinet_int.h"

void
in_pcbinit(struct inpcbtable *table)
{
	LIST_INIT(&table->inpt_list);
	table->inpt_lastport = IPPORT_EPHEMERALFIRST - 1;
	table->inpt_count = 0;
}

int
in_pcballoc(struct socket *so, struct inpcbtable *table)
{
	struct inpcb *inp;

	KASSERT(solocked(so));
	if ((inp = kmem_zalloc(sizeof(*inp), KM_NOSLEEP)) == NULL)
		return ENOBUFS;
	inp->inp_table = table;
	inp->inp_socket = so;
	inp->inp_ip_ttl = (uint8_t)ip_defttl;
	LIST_INSERT_HEAD(&table->inpt_list, inp, inp_list);
	table->inpt_count++;
	so->so_pcb = inp;
	return 0;
}

static int
inp_opts(const struct inpcb *inp)
{
	return inp->inp_socket != NULL ? inp->inp_socket->so_options : 0;
}

/* May inp take (laddr, lport) given the pcb other holding that port? */
static bool
in_pcb_conflict(const struct inpcb *inp, struct in_addr laddr,
    const struct inpcb *other)
{
	int mine = inp_opts(inp), theirs = inp_opts(other);

	if (other == inp)
		return false;
	if (other->inp_laddr.s_addr != laddr.s_addr &&
	    other->inp_laddr.s_addr != INADDR_ANY &&
	    laddr.s_addr != INADDR_ANY)
		return false;		/* different specific addresses */
	if ((mine & SO_OPT_REUSEPORT) && (theirs & SO_OPT_REUSEPORT))
		return false;
	if (mine & SO_OPT_REUSEADDR) {
		/* a connected one (TIME_WAIT, accepted) never blocks */
		if (other->inp_faddr.s_addr != INADDR_ANY)
			return false;
		/* two listeners never share; datagram sockets may */
		if ((theirs & SO_OPT_REUSEADDR) &&
		    !(theirs & SO_OPT_ACCEPTCONN))
			return false;
	}
	return true;
}

static bool
in_pcb_portfree(struct inpcb *inp, struct in_addr laddr, in_port_t lport)
{
	struct inpcb *o;

	LIST_FOREACH(o, &inp->inp_table->inpt_list, inp_list)
		if (o->inp_lport == lport && in_pcb_conflict(inp, laddr, o))
			return false;
	return true;
}

static int
in_pcb_ephemeral(struct inpcb *inp, struct in_addr laddr, in_port_t *portp)
{
	struct inpcbtable *t = inp->inp_table;
	unsigned int n = IPPORT_EPHEMERALLAST - IPPORT_EPHEMERALFIRST + 1;
	in_port_t p;
	struct inpcb *o;
	bool used;

	while (n-- > 0) {
		if (t->inpt_lastport >= IPPORT_EPHEMERALLAST ||
		    t->inpt_lastport < IPPORT_EPHEMERALFIRST)
			t->inpt_lastport = IPPORT_EPHEMERALFIRST;
		else
			t->inpt_lastport++;
		p = htons(t->inpt_lastport);
		used = false;
		LIST_FOREACH(o, &t->inpt_list, inp_list)
			if (o->inp_lport == p) {
				used = true;
				break;
			}
		if (!used) {
			*portp = p;
			return 0;
		}
	}
	return EADDRNOTAVAIL;
}

int
in_pcbbind(struct inpcb *inp, const struct sockaddr_in *sin, struct lwp *l)
{
	struct in_addr laddr = { INADDR_ANY };
	in_port_t lport = 0;
	int error;

	if (inp->inp_lport != 0 || inp->inp_laddr.s_addr != INADDR_ANY)
		return EINVAL;
	if (sin != NULL) {
		if (sin->sin_family != AF_INET)
			return EAFNOSUPPORT;
		laddr = sin->sin_addr;
		lport = sin->sin_port;
		if (laddr.s_addr != INADDR_ANY &&
		    in_localaddr_ia(laddr) == NULL && !in_broadcast_any(laddr))
			return EADDRNOTAVAIL;
	}
	if (lport != 0) {
		if (!in_pcb_portfree(inp, laddr, lport))
			return EADDRINUSE;
	} else if ((error = in_pcb_ephemeral(inp, laddr, &lport)) != 0)
		return error;
	inp->inp_laddr = laddr;
	inp->inp_lport = lport;
	return 0;
}

int
in_selectsrc(struct in_addr dst, struct route *ro, struct in_addr *srcp)
{
	struct in_ifaddr *ia;
	struct ifnet *ifp;

	if ((ia = in_localaddr_ia(dst)) != NULL) {
		*srcp = dst;		/* to ourselves: from ourselves */
		return 0;
	}
	rtcache_lookup(ro, dst);
	if (ro->ro_rt == NULL) {
		if (dst.s_addr != INADDR_BROADCAST)
			return ENETUNREACH;
		/* the limited broadcast leaves by the first such link */
		IFNET_FOREACH(ifp)
			if ((ifp->if_flags & (IFF_UP | IFF_BROADCAST)) ==
			    (IFF_UP | IFF_BROADCAST) &&
			    (ia = in_ifp_first(ifp)) != NULL)
				break;
		if (ifp == NULL)
			return ENETUNREACH;
		*srcp = ia->ia_addr.sin_addr;
		return 0;
	}
	if (ro->ro_rt->rt_ifa != NULL)
		ia = ifatoia(ro->ro_rt->rt_ifa);
	else
		ia = in_ifaddr_for(ro->ro_rt->rt_ifp, dst);
	if (ia == NULL)
		return EADDRNOTAVAIL;
	*srcp = ia->ia_addr.sin_addr;
	return 0;
}

int
in_pcbconnect(struct inpcb *inp, const struct sockaddr_in *sin,
    struct lwp *l)
{
	struct in_addr dst, src;
	in_port_t lport;
	int error;

	if (sin->sin_family != AF_INET)
		return EAFNOSUPPORT;
	if (sin->sin_port == 0)
		return EADDRNOTAVAIL;
	dst = sin->sin_addr;
	if (dst.s_addr == INADDR_ANY)
		dst.s_addr = htonl(INADDR_LOOPBACK);	/* as BSD and Linux */
	if (IN_MULTICAST(ntohl(dst.s_addr)))
		return ENETUNREACH;
	src = inp->inp_laddr;
	if (src.s_addr == INADDR_ANY &&
	    (error = in_selectsrc(dst, &inp->inp_route, &src)) != 0)
		return error;
	lport = inp->inp_lport;
	if (lport != 0 && in_pcblookup_connect(inp->inp_table, dst,
	    sin->sin_port, src, lport) != NULL)
		return EADDRINUSE;
	if (lport == 0) {
		if ((error = in_pcb_ephemeral(inp, src, &lport)) != 0)
			return error;
		inp->inp_lport = lport;
	}
	inp->inp_laddr = src;
	inp->inp_faddr = dst;
	inp->inp_fport = sin->sin_port;
	return 0;
}

void
in_pcbdisconnect(struct inpcb *inp)
{
	inp->inp_faddr.s_addr = INADDR_ANY;
	inp->inp_fport = 0;
	rtcache_free(&inp->inp_route);
}

void
in_pcbdetach(struct inpcb *inp)
{
	struct socket *so = inp->inp_socket;

	LIST_REMOVE(inp, inp_list);
	inp->inp_table->inpt_count--;
	rtcache_free(&inp->inp_route);
	kmem_free(inp, sizeof(*inp));
	if (so != NULL) {
		so->so_pcb = NULL;
		sofree(so);
	}
}

int
in_pcbabort(struct socket *so)
{
	struct inpcb *inp = sotoinpcb(so);

	inp->inp_socket = NULL;
	so->so_pcb = NULL;
	in_pcbdetach(inp);
	return 0;
}

void
in_setsockaddr(const struct inpcb *inp, struct sockaddr_in *sin)
{
	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	sin->sin_addr = inp->inp_laddr;
	sin->sin_port = inp->inp_lport;
}

void
in_setpeeraddr(const struct inpcb *inp, struct sockaddr_in *sin)
{
	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	sin->sin_addr = inp->inp_faddr;
	sin->sin_port = inp->inp_fport;
}

struct inpcb *
in_pcblookup_connect(struct inpcbtable *t, struct in_addr faddr,
    in_port_t fport, struct in_addr laddr, in_port_t lport)
{
	struct inpcb *inp;

	LIST_FOREACH(inp, &t->inpt_list, inp_list)
		if (inp->inp_faddr.s_addr == faddr.s_addr &&
		    inp->inp_fport == fport && inp->inp_lport == lport &&
		    inp->inp_laddr.s_addr == laddr.s_addr)
			return inp;
	return NULL;
}

struct inpcb *
in_pcblookup_bind(struct inpcbtable *t, struct in_addr laddr,
    in_port_t lport)
{
	struct inpcb *inp, *wild = NULL;

	LIST_FOREACH(inp, &t->inpt_list, inp_list) {
		if (inp->inp_lport != lport ||
		    inp->inp_faddr.s_addr != INADDR_ANY)
			continue;
		if (inp->inp_laddr.s_addr == laddr.s_addr)
			return inp;
		if (inp->inp_laddr.s_addr == INADDR_ANY && wild == NULL)
			wild = inp;
	}
	return wild;
}

void
in_pcb_seterror(struct inpcb *inp, int error)
{
	if (inp->inp_socket != NULL)
		sonotify_error(inp->inp_socket, error);
}

void
in_pcbnotify(struct inpcbtable *t, struct in_addr faddr, in_port_t fport,
    struct in_addr laddr, in_port_t lport, int error,
    void (*notify)(struct inpcb *, int))
{
	struct inpcb *inp, *next;

	if (error == 0)
		return;
	LIST_FOREACH_SAFE(inp, &t->inpt_list, inp_list, next) {
		if (inp->inp_faddr.s_addr != faddr.s_addr)
			continue;
		if (fport != 0 && inp->inp_fport != fport)
			continue;
		if (lport != 0 && inp->inp_lport != lport)
			continue;
		if (laddr.s_addr != INADDR_ANY &&
		    inp->inp_laddr.s_addr != laddr.s_addr)
			continue;
		notify(inp, error);
	}
}

void
in_pcbnotifyall(struct inpcbtable *t, struct in_addr faddr, int error,
    void (*notify)(struct inpcb *, int))
{
	struct in_addr any = { INADDR_ANY };

	in_pcbnotify(t, faddr, 0, any, 0, error, notify);
}
