/*
 * netinet/ip_var.h: the IPv4 layer's interfaces to transports and
 * drivers, and its counters.
 *
 * Seams:
 *  - Input: the network softint calls ip_input(m) with softnet_lock
 *    held; it validates (each drop reason counted in ipstat), reassembles
 *    fragments, forwards or delivers: pr_input(m, hlen, proto) of the
 *    protocol registered for ip_p (in_proto_register, in_var.h), with
 *    the IP header still at the front, fields in network order and
 *    ip_len covering the whole datagram (the mbuf chain is trimmed to
 *    it).  No protocol: ICMP protocol unreachable.
 *  - Output: a transport builds the IP header's ip_tos, ip_len (total,
 *    network order), ip_ttl, ip_p, ip_src, ip_dst (ip_off: IP_DF if it
 *    wants) and calls ip_output(), which fills ip_v, ip_hl, ip_id,
 *    ip_sum, routes, fragments and hands each packet to the
 *    interface.  softnet_lock held.
 */
#ifndef _RUMP_SYS_NETINET_IP_VAR_H_
#define _RUMP_SYS_NETINET_IP_VAR_H_

#include <rump-sys/types.h>
#include <rump-sys/netinet/in.h>
#include <rump-sys/netinet/ip.h>
#include <rump/rumpnet.h>

struct mbuf;
struct route;
struct ifnet;
struct inpcb;

/* ip_output flags */
#define IP_FORWARDING		0x0001	/* forwarded: keep ttl, id, sum */
#define IP_RAWOUTPUT		0x0002	/* header complete (IP_HDRINCL) */
#define IP_ROUTETOIF		0x0010	/* SO_DONTROUTE: on-link only */
#define IP_ALLOWBROADCAST	0x0020	/* SO_BROADCAST */

/*
 * Send the datagram m (IP header first, see above).  ro: a route cache
 * to use and refresh (may be NULL).  Consumes m.  0, or ENETUNREACH /
 * EHOSTUNREACH (no route), EACCES (broadcast without
 * IP_ALLOWBROADCAST), EMSGSIZE (too big with IP_DF), ENOBUFS, or the
 * interface's error (EHOSTDOWN...).  softnet_lock held.
 */
int	ip_output(struct mbuf *m, struct route *ro, int flags);
/* See above.  Consumes m. */
void	ip_input(struct mbuf *m);

/*
 * The Internet checksum of len bytes of m from off (one's complement
 * of the one's complement sum).  0 when the data includes a correct
 * checksum.
 */
uint16_t in_cksum(const struct mbuf *m, int len);
uint16_t in_cksum_skip(const struct mbuf *m, int len, int off);
/*
 * Checksum of a transport segment with the IPv4 pseudo header:
 * m begins with the IP header (src, dst used), the segment of len
 * bytes starts at off, proto is its protocol number.
 */
uint16_t in4_cksum(const struct mbuf *m, uint8_t proto, int off, int len);
/* The checksum of a flat buffer (for headers). */
uint16_t in_cksum_buf(const void *buf, int len);

/* A fresh IP id (network order). */
uint16_t ip_newid(void);

/* Counters (read with RUMP_SIOCGIPSTAT). */
extern struct rump_ipstat ipstat;
#define IP_STATINC(x)	(ipstat.x++)

/* Knobs. */
extern int ip_forwarding;	/* RUMP_SIOCSIPFORWARDING */
extern int ip_defttl;		/* IPDEFTTL */
extern int ip_maxfragpackets;	/* datagrams in reassembly at once */
extern int ip_maxfrags;		/* fragments per datagram */
extern int ip_reass_timeout_s;	/* seconds (RFC 1122: 60 to 120) */

/* Reassembly (ip_reass.c): the state left, for the shutdown check. */
int	ip_reass_count(void);
void	ip_reass_drain(void);

/* The network softint's handler for NETISR_IP. */
void	ipintr(struct mbuf *m);

#endif /* _RUMP_SYS_NETINET_IP_VAR_H_ */
