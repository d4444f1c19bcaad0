/*
 * if_ether.h: Ethernet framing and ARP (netinet component).
 *
 * A driver for an Ethernet device sets if_xname, if_softc, if_start,
 * if_ioctl (and if_mtu if not 1500), calls if_attach() and then
 * ether_ifattach(ifp, enaddr), which sets if_type, the link address,
 * IFF_BROADCAST, if_output = ether_output and if_input = ether_input.
 * Its receive path hands whole frames (destination MAC first, no FCS)
 * to ifp->if_input; its if_start takes frames with if_dequeue().
 * Before if_detach() it calls ether_ifdetach().
 */
#ifndef _RUMP_SYS_IF_ETHER_H_
#define _RUMP_SYS_IF_ETHER_H_

#include <rump-sys/types.h>
#include <rump-sys/socket.h>
#include <rump-sys/netinet/in.h>

struct ifnet;
struct mbuf;
struct rtentry;

#define ETHER_ADDR_LEN		6
#define ETHER_TYPE_LEN		2
#define ETHER_HDR_LEN		14
#define ETHER_CRC_LEN		4
#define ETHER_MIN_LEN		64	/* with CRC */
#define ETHER_MAX_LEN		1518	/* with CRC */
#define ETHERMTU		1500
#define ETHERMIN		(ETHER_MIN_LEN - ETHER_HDR_LEN - ETHER_CRC_LEN)
#define ETHER_MAX_FRAME(mtu)	((mtu) + ETHER_HDR_LEN)

#define ETHERTYPE_IP		0x0800
#define ETHERTYPE_ARP		0x0806
#define ETHERTYPE_VLAN		0x8100
#define ETHERTYPE_IPV6		0x86dd

struct ether_header {
	uint8_t		ether_dhost[ETHER_ADDR_LEN];
	uint8_t		ether_shost[ETHER_ADDR_LEN];
	uint16_t	ether_type;	/* network order */
} __packed;

extern const uint8_t etherbroadcastaddr[ETHER_ADDR_LEN];

/* Make ifp an Ethernet interface with address enaddr (see the top). */
void	ether_ifattach(struct ifnet *ifp, const uint8_t *enaddr);
/* Drop its ARP entries and pending packets; before if_detach. */
void	ether_ifdetach(struct ifnet *ifp);
/*
 * if_output of Ethernet interfaces: resolve dst with ARP (the packet
 * waits in the ARP entry if the answer is not known yet), add the
 * header, if_transmit.  Consumes m; 0 or an errno (EHOSTDOWN after ARP
 * gave up on the host).
 */
int	ether_output(struct ifnet *, struct mbuf *, const struct sockaddr *,
	    struct rtentry *);
/*
 * if_input of Ethernet interfaces: check the frame (length, that it is
 * for us: our address, broadcast, or promiscuous), strip the header,
 * hand IPv4 and ARP to their input (netisr_dispatch).  Bad frames
 * count in ifi_ierrors, unknown types in ifi_noproto; the driver has
 * counted the frame itself.  Consumes m; any context.
 */
void	ether_input(struct ifnet *, struct mbuf *);
/* "aa:bb:cc:dd:ee:ff" into buf (18 bytes). */
char	*ether_sprintf(char *buf, const uint8_t *ea);

/*
 * ARP (RFC 826) for IPv4 over Ethernet.
 */
struct arphdr {
	uint16_t	ar_hrd;		/* ARPHRD_ETHER */
	uint16_t	ar_pro;		/* ETHERTYPE_IP */
	uint8_t		ar_hln;		/* 6 */
	uint8_t		ar_pln;		/* 4 */
	uint16_t	ar_op;		/* ARPOP_* */
} __packed;
#define ARPHRD_ETHER	1
#define ARPOP_REQUEST	1
#define ARPOP_REPLY	2

struct ether_arp {
	struct arphdr	ea_hdr;
	uint8_t		arp_sha[ETHER_ADDR_LEN];
	uint8_t		arp_spa[4];
	uint8_t		arp_tha[ETHER_ADDR_LEN];
	uint8_t		arp_tpa[4];
} __packed;

/*
 * Resolve dst on ifp to a link address in desten.  0: resolved;
 * EWOULDBLOCK: a request went out and m is held by the entry (sent
 * when the reply comes; at most ARP_MAXHOLD packets wait, the oldest
 * dropped); other errno: m freed.  softnet_lock held.
 */
#define ARP_MAXHOLD	64
int	arpresolve(struct ifnet *ifp, const struct sockaddr_in *dst,
	    struct mbuf *m, uint8_t *desten);
/* Send a request for tip from sip (gratuitous when tip == sip). */
void	arprequest(struct ifnet *ifp, const struct in_addr *sip,
	    const struct in_addr *tip, const uint8_t *enaddr);
/* Input from the network softint (header stripped).  Consumes m. */
void	arp_input(struct mbuf *m);
/* An address was set on ifp: announce it (gratuitous ARP). */
void	arp_ifinit(struct ifnet *ifp, const struct in_addr *addr);
/* Forget the entries of ifp / every entry. */
void	arp_purge_if(struct ifnet *ifp);

/*
 * Entries live arp_keep_s seconds after the last reply (default 1200);
 * an unanswered request is retried every second arp_maxtries times,
 * then the host is "down" for arp_down_s seconds (EHOSTDOWN).
 */
extern int arp_keep_s;
extern int arp_maxtries;
extern int arp_down_s;

/* ARP counters, as RUMP_SIOCGARPSTAT reports them (rump/rumpnet.h). */
struct rump_arpstat;
extern struct rump_arpstat arpstat;

/*
 * struct arpreq: SIOCSARP/SIOCGARP/SIOCDARP, Linux layout
 * (<net/if_arp.h>).  arp_pa is AF_INET, arp_ha's sa_data the MAC.
 */
struct arpreq {
	struct sockaddr	arp_pa;
	struct sockaddr	arp_ha;
	int		arp_flags;
	struct sockaddr	arp_netmask;
	char		arp_dev[16];
};
#define ATF_COM		0x02	/* completed: arp_ha valid */
#define ATF_PERM	0x04	/* static, never expires */
#define ATF_PUBL	0x08
_Static_assert(sizeof(struct arpreq) == 68, "arpreq: Linux layout");
/* The ioctls; data is a kernel copy.  softnet_lock held. */
int	arp_ioctl(u_long cmd, struct arpreq *);

#endif /* _RUMP_SYS_IF_ETHER_H_ */
