/*
 * netinet/in_var.h: IPv4 addresses of interfaces, and registration of
 * transport protocols.
 */
#ifndef _RUMP_SYS_NETINET_IN_VAR_H_
#define _RUMP_SYS_NETINET_IN_VAR_H_

#include <rump-sys/types.h>
#include <rump-sys/queue.h>
#include <rump-sys/if.h>
#include <rump-sys/netinet/in.h>

struct protosw;
struct socket;
struct lwp;

/* An IPv4 address of an interface. */
struct in_ifaddr {
	struct ifaddr		ia_ifa;		/* first: casts both ways */
	struct sockaddr_in	ia_addr;
	struct sockaddr_in	ia_netmask;
	struct sockaddr_in	ia_broadaddr;
	in_addr_t		ia_subnet;	/* network order, masked */
	in_addr_t		ia_subnetmask;
	TAILQ_ENTRY(in_ifaddr)	ia_list;	/* in_ifaddrhead */
};
#define ia_ifp		ia_ifa.ifa_ifp
#define ifatoia(ifa)	((struct in_ifaddr *)(ifa))

TAILQ_HEAD(in_ifaddrhead, in_ifaddr);
extern struct in_ifaddrhead in_ifaddrhead;	/* softnet_lock */

/* Is the address ours (any interface, up or not)?  NULL if not. */
struct in_ifaddr *in_localaddr_ia(struct in_addr);
/* A broadcast address of ifp (or 255.255.255.255)? */
bool	in_broadcast(struct in_addr, const struct ifnet *);
/* The first IPv4 address of ifp, or NULL. */
struct in_ifaddr *in_ifp_first(const struct ifnet *);
/* The address of ifp in the same subnet as dst, or its first; NULL. */
struct in_ifaddr *in_ifaddr_for(const struct ifnet *, struct in_addr dst);

/*
 * Address ioctls (SIOC[GS]IFADDR, NETMASK, BRDADDR, DSTADDR, SIOCDIFADDR,
 * RUMP_SIOCAIFADDR) on ifp; data is kernel memory.  softnet_lock held.
 * 0, EADDRNOTAVAIL, EINVAL, EAFNOSUPPORT.  Transports' pr_ioctl call
 * this for commands they do not know.
 */
int	in_control(struct socket *, u_long cmd, void *data, struct ifnet *ifp);
/* Set/remove an address (kernel use, e.g. lo0 at boot). */
int	in_addaddr(struct ifnet *, struct in_addr addr, struct in_addr mask,
	    struct in_addr bcast);
int	in_deladdr(struct ifnet *, struct in_addr addr);

/*
 * Transport registration: ip_input dispatches on pr_protocol; socket()
 * finds (type, proto) here (proto 0: the first of the type).  A
 * protosw with pr_type SOCK_RAW and pr_protocol 0 is the raw IP
 * wildcard.  0 or EEXIST; softnet_lock not held.
 */
int	in_proto_register(const struct protosw *);
void	in_proto_unregister(const struct protosw *);
extern struct domain inetdomain;

#endif /* _RUMP_SYS_NETINET_IN_VAR_H_ */
