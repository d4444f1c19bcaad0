/*
 * if.h: network interfaces.  A driver fills a struct ifnet (name,
 * flags, MTU and its entry points), calls if_attach() and then, for
 * Ethernet, ether_ifattach() (if_ether.h), which supplies if_output and
 * if_input.  Interfaces are configured as ifconfig does: ioctls on any
 * socket (struct ifreq, Linux SIOC* numbers and layout; see below).
 * Drivers whose units are made on demand (shmif, the loopback) register
 * an interface cloner; RUMP_SIOCIFCREATE/RUMP_SIOCIFDESTROY
 * (rump/rumpnet.h) create and destroy units by name ("shmif0").
 *
 * Data path:
 *   output: protocol -> ifp->if_output(ifp, m, dst, rt) (ether_output
 *     adds the link header after ARP) -> if_transmit: the packet joins
 *     if_snd and the driver's if_start(ifp) drains it.
 *   input:  the driver, holding a CPU but not softnet_lock, passes each
 *     received frame (a packet header mbuf chain, m_pkthdr.rcvif set)
 *     to ifp->if_input(ifp, m), having counted it (if_ipackets,
 *     if_ibytes); the link layer runs ip_input/arp_input under
 *     softnet_lock in the driver's thread, or queues the packet for the
 *     network softint when that lock is held or packets wait there
 *     (netisr_dispatch).
 *
 * Locking: the interface list, flags and addresses are under
 * softnet_lock; counters are updated with it held or by the driver's
 * own thread (if_statinc is atomic).  if_snd has its own lock.
 */
#ifndef _RUMP_SYS_IF_H_
#define _RUMP_SYS_IF_H_

#include <rump-sys/types.h>
#include <rump-sys/atomic.h>
#include <rump-sys/mbuf.h>
#include <rump-sys/mutex.h>
#include <rump-sys/queue.h>
#include <rump-sys/socket.h>

struct rtentry;
struct socket;
struct lwp;

#define IFNAMSIZ	16
#define IF_NAMESIZE	IFNAMSIZ

/* if_flags: Linux values (struct ifreq's ifr_flags is a short). */
#define IFF_UP		0x0001	/* administratively up */
#define IFF_BROADCAST	0x0002
#define IFF_DEBUG	0x0004
#define IFF_LOOPBACK	0x0008
#define IFF_POINTOPOINT	0x0010
#define IFF_NOTRAILERS	0x0020
#define IFF_RUNNING	0x0040	/* driver resources allocated */
#define IFF_NOARP	0x0080
#define IFF_PROMISC	0x0100
#define IFF_ALLMULTI	0x0200
#define IFF_MULTICAST	0x1000
/* Flags the user may change with SIOCSIFFLAGS. */
#define IFF_CANTCHANGE	(IFF_BROADCAST | IFF_LOOPBACK | IFF_POINTOPOINT | \
			 IFF_RUNNING | IFF_MULTICAST)

/* if_type */
#define IFT_OTHER	0x01
#define IFT_ETHER	0x06
#define IFT_LOOP	0x18

/* if_link_state */
#define LINK_STATE_UNKNOWN	0
#define LINK_STATE_DOWN		1
#define LINK_STATE_UP		2

#define IF_LLADDR_MAX	8

struct ifaddr;

/* Interface counters (if_data); 64-bit, for the stats ioctl. */
struct if_data64 {
	uint64_t	ifi_ipackets;
	uint64_t	ifi_ierrors;	/* bad frames received */
	uint64_t	ifi_opackets;
	uint64_t	ifi_oerrors;
	uint64_t	ifi_collisions;
	uint64_t	ifi_ibytes;
	uint64_t	ifi_obytes;
	uint64_t	ifi_imcasts;
	uint64_t	ifi_omcasts;
	uint64_t	ifi_iqdrops;	/* input queue full */
	uint64_t	ifi_oqdrops;	/* if_snd full */
	uint64_t	ifi_noproto;	/* unknown ethertype / protocol */
};

struct ifnet {
	char		 if_xname[IFNAMSIZ];
	void		*if_softc;
	TAILQ_ENTRY(ifnet) if_list;
	TAILQ_HEAD(, ifaddr) if_addrlist;
	int		 if_index;	/* 1.. */
	short		 if_flags;	/* IFF_* */
	uint8_t		 if_type;	/* IFT_* */
	uint8_t		 if_addrlen;	/* link address length */
	uint8_t		 if_hdrlen;	/* link header length */
	int		 if_mtu;	/* bytes the link carries after its header */
	int		 if_link_state;	/* LINK_STATE_* */
	uint8_t		 if_lladdr[IF_LLADDR_MAX];	/* link address */
	struct if_data64 if_data;
	struct if_clone	*if_clone;	/* made by this cloner, or NULL */

	/*
	 * Send a protocol packet to dst (an AF_INET sockaddr; rt the route
	 * used, may be NULL).  Consumes m.  0 or an errno (EHOSTDOWN,
	 * ENETDOWN, ENOBUFS, EHOSTUNREACH ...).  softnet_lock held.
	 */
	int		(*if_output)(struct ifnet *, struct mbuf *,
			    const struct sockaddr *dst, struct rtentry *rt);
	/* A received frame from the driver (see the top). Consumes m. */
	void		(*if_input)(struct ifnet *, struct mbuf *);
	/* Drain if_snd onto the wire; softnet_lock may be held. */
	void		(*if_start)(struct ifnet *);
	/*
	 * Driver ioctls: SIOCSIFFLAGS after if_flags changed (data NULL;
	 * set or clear IFF_RUNNING as the driver comes up or goes down),
	 * SIOCSIFMTU after if_mtu changed (data: int *, the new MTU; an
	 * error puts the old one back), RUMP_SIOC[SG]LINKSTR (data: a
	 * kernel copy of struct rump_ifdrv whose ifd_data is user memory)
	 * and its own commands.  softnet_lock held.  0, ENOTTY for an
	 * unknown command, or an errno.  May be NULL.
	 */
	int		(*if_ioctl)(struct ifnet *, u_long cmd, void *data);
	/* Largest MTU the driver accepts (0: no limit below 65535). */
	int		 if_mtu_max;
	/* Output queue and its lock (taken by if_transmit/if_dequeue). */
	kmutex_t	 if_snd_lock;
	struct ifqueue	 if_snd;
};

#define if_ipackets	if_data.ifi_ipackets
#define if_ierrors	if_data.ifi_ierrors
#define if_opackets	if_data.ifi_opackets
#define if_oerrors	if_data.ifi_oerrors
#define if_ibytes	if_data.ifi_ibytes
#define if_obytes	if_data.ifi_obytes
#define if_iqdrops	if_data.ifi_iqdrops
#define if_oqdrops	if_data.ifi_oqdrops
#define if_noproto	if_data.ifi_noproto
#define if_imcasts	if_data.ifi_imcasts
#define if_omcasts	if_data.ifi_omcasts
#define if_collisions	if_data.ifi_collisions

/* Atomically add n to a counter of ifp (any context). */
/* Only with a virtual CPU held (see rump-sys/atomic.h). */
#define if_statadd(ifp, field, n) KATOMIC_ADD(&(ifp)->field, (uint64_t)(n))
#define if_statinc(ifp, field)	if_statadd(ifp, field, 1)

/*
 * An address of an interface (the protocol's structure embeds this
 * first: struct in_ifaddr).  Sockaddrs point into the embedding.
 */
struct ifaddr {
	struct sockaddr	*ifa_addr;
	struct sockaddr	*ifa_netmask;
	struct sockaddr	*ifa_broadaddr;	/* or point-to-point peer */
	struct ifnet	*ifa_ifp;
	TAILQ_ENTRY(ifaddr) ifa_list;
	int		 ifa_flags;
	int		 ifa_refcnt;
	void		(*ifa_free)(struct ifaddr *);	/* last reference */
};
void	ifaref(struct ifaddr *);
void	ifafree(struct ifaddr *);

TAILQ_HEAD(ifnethead, ifnet);
extern struct ifnethead ifnet_list;	/* softnet_lock */
#define IFNET_FOREACH(ifp)	TAILQ_FOREACH(ifp, &ifnet_list, if_list)

/*
 * Attach: give the interface an index, set up if_snd (limit
 * IFQ_MAXLEN) and list it.  0 or EEXIST (name taken) / ENOBUFS.
 * Call without softnet_lock.
 */
#define IFQ_MAXLEN	256
int	if_attach(struct ifnet *);
/*
 * Detach: bring it down, remove its addresses, routes and ARP entries
 * (via the registered protocol hooks), unlist it and free queued
 * packets.  Afterwards no code refers to ifp.  Without softnet_lock.
 */
void	if_detach(struct ifnet *);
/* By name or index; NULL if none.  softnet_lock held. */
struct ifnet *ifunit(const char *name);
struct ifnet *if_byindex(int idx);
/* Bring up / down as SIOCSIFFLAGS would (routes and ARP follow). */
int	if_up(struct ifnet *);
void	if_down(struct ifnet *);
/* The driver reports carrier changes (LINK_STATE_*); any context. */
void	if_link_state_change(struct ifnet *, int link_state);
/*
 * What a simple driver's if_ioctl does (NetBSD's ifioctl_common):
 * SIOCSIFFLAGS makes IFF_RUNNING follow IFF_UP, SIOCSIFMTU accepts
 * the new MTU, anything else is ENOTTY.  Drivers call it for the
 * commands they do not handle themselves, or use it as their if_ioctl.
 */
int	if_ioctl_common(struct ifnet *, u_long cmd, void *data);

/*
 * Queue m on if_snd and kick if_start.  Consumes m: 0, or ENOBUFS with
 * the drop counted (ifi_oqdrops).  Counts opackets/obytes.
 */
int	if_transmit(struct ifnet *, struct mbuf *);
/* The next packet of if_snd for the driver's if_start, or NULL. */
struct mbuf *if_dequeue(struct ifnet *);

/*
 * Hooks a protocol family registers to follow interfaces: called with
 * softnet_lock held when an interface goes down/up or detaches.
 */
struct if_proto_hooks {
	void	(*ifh_down)(struct ifnet *);
	void	(*ifh_up)(struct ifnet *);
	void	(*ifh_detach)(struct ifnet *);	/* drop its addresses */
	LIST_ENTRY(if_proto_hooks) ifh_link;
};
void	if_proto_hooks_register(struct if_proto_hooks *);
void	if_proto_hooks_unregister(struct if_proto_hooks *);

/*
 * Interface cloners: a driver whose units are made on demand registers
 * one (name "shmif"); "shmif3" then creates unit 3.  ifc_create makes
 * and attaches the unit (0 or an errno); ifc_destroy detaches and frees
 * it.  Both are called without softnet_lock.
 */
struct if_clone {
	const char	*ifc_name;
	int		(*ifc_create)(struct if_clone *, int unit);
	int		(*ifc_destroy)(struct ifnet *);
	LIST_ENTRY(if_clone) ifc_list;
};
/* 0 or EEXIST. */
int	if_clone_attach(struct if_clone *);
/* Destroys the units it made first. */
void	if_clone_detach(struct if_clone *);
/* "name<unit>": 0, EINVAL (bad name), ENXIO (no cloner), EEXIST. */
int	if_clone_create(const char *name);
int	if_clone_destroy(const char *name);

/*
 * struct ifreq and struct ifconf: Linux layout, so <net/if.h> works.
 */
struct ifmap {
	unsigned long	mem_start;
	unsigned long	mem_end;
	unsigned short	base_addr;
	unsigned char	irq;
	unsigned char	dma;
	unsigned char	port;
};

struct ifreq {
	char	ifr_name[IFNAMSIZ];
	union {
		struct sockaddr	ifru_addr;
		struct sockaddr	ifru_dstaddr;
		struct sockaddr	ifru_broadaddr;
		struct sockaddr	ifru_netmask;
		struct sockaddr	ifru_hwaddr;
		short		ifru_flags;
		int		ifru_ivalue;
		int		ifru_mtu;
		struct ifmap	ifru_map;
		char		ifru_slave[IFNAMSIZ];
		char		ifru_newname[IFNAMSIZ];
		void		*ifru_data;
	} ifr_ifru;
};
#define ifr_addr	ifr_ifru.ifru_addr
#define ifr_dstaddr	ifr_ifru.ifru_dstaddr
#define ifr_broadaddr	ifr_ifru.ifru_broadaddr
#define ifr_netmask	ifr_ifru.ifru_netmask
#define ifr_hwaddr	ifr_ifru.ifru_hwaddr
#define ifr_flags	ifr_ifru.ifru_flags
#define ifr_ifindex	ifr_ifru.ifru_ivalue
#define ifr_metric	ifr_ifru.ifru_ivalue
#define ifr_mtu		ifr_ifru.ifru_mtu
#define ifr_data	ifr_ifru.ifru_data
_Static_assert(sizeof(struct ifreq) == 40, "ifreq: Linux x86_64 layout");

struct ifconf {
	int	ifc_len;
	union {
		char		*ifcu_buf;
		struct ifreq	*ifcu_req;
	} ifc_ifcu;
};
#define ifc_buf		ifc_ifcu.ifcu_buf
#define ifc_req		ifc_ifcu.ifcu_req
_Static_assert(sizeof(struct ifconf) == 16, "ifconf: Linux x86_64 layout");

/*
 * Linux socket ioctl numbers.  They carry no size in their encoding, so
 * the system call layer passes the user pointer and the socket layer
 * copies the struct (ifreq, ifconf, rtentry, arpreq) itself.
 */
#define SIOCADDRT	0x890B	/* struct rtentry (route.h) */
#define SIOCDELRT	0x890C
#define SIOCGIFNAME	0x8910	/* ifr_ifindex -> ifr_name */
#define SIOCGIFCONF	0x8912	/* struct ifconf */
#define SIOCGIFFLAGS	0x8913
#define SIOCSIFFLAGS	0x8914
#define SIOCGIFADDR	0x8915
#define SIOCSIFADDR	0x8916	/* replaces the first address */
#define SIOCGIFDSTADDR	0x8917
#define SIOCSIFDSTADDR	0x8918
#define SIOCGIFBRDADDR	0x8919
#define SIOCSIFBRDADDR	0x891a
#define SIOCGIFNETMASK	0x891b
#define SIOCSIFNETMASK	0x891c
#define SIOCGIFMETRIC	0x891d
#define SIOCSIFMETRIC	0x891e
#define SIOCGIFMTU	0x8921
#define SIOCSIFMTU	0x8922
#define SIOCSIFHWADDR	0x8924
#define SIOCGIFHWADDR	0x8927
#define SIOCGIFINDEX	0x8933
#define SIOCDIFADDR	0x8936	/* ifr_addr: remove that address */
#define SIOCDARP	0x8953	/* struct arpreq (if_ether.h) */
#define SIOCGARP	0x8954
#define SIOCSARP	0x8955
#define FIONREAD	0x541B
#define FIONBIO		0x5421
#define SIOCATMARK	0x8905

/*
 * Interface and address ioctls of a socket (sys_socket.c).  data is
 * kernel memory holding the request.  softnet_lock not held.
 */
int	ifioctl(struct socket *, u_long cmd, void *data, struct lwp *);

/* The network softint's input queues (if.c); see ether_input. */
#define NETISR_IP	0
#define NETISR_ARP	1
#define NETISR_MAX	2
/*
 * Queue a packet for protocol isr (NETISR_*) and schedule the network
 * softint.  Consumes m: 0, or ENOBUFS with the drop counted on the
 * receiving interface (ifi_iqdrops).  Any context, no locks needed.
 */
int	netisr_queue(int isr, struct mbuf *m);
/*
 * The same, but when the caller does not hold softnet_lock and nothing
 * waits in the queue, the protocol runs at once in the caller's thread
 * (a driver's receive thread): one thread hand-off less per packet.
 * Consumes m; 0 or ENOBUFS.
 */
int	netisr_dispatch(int isr, struct mbuf *m);
/* The handler a protocol family registers for its isr. */
void	netisr_register(int isr, void (*)(struct mbuf *));
void	netisr_unregister(int isr);

/* The loopback interface lo0 (if_loop.c), made at boot. */
extern struct ifnet *lo0ifp;

#endif /* _RUMP_SYS_IF_H_ */
