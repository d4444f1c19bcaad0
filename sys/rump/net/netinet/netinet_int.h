/*
 * netinet_int.h: private to the netinet component.
 */
#ifndef _NETINET_INT_H_
#define _NETINET_INT_H_

#include <rump-sys/types.h>
#include <rump-sys/netinet/in.h>

struct ifnet;
struct mbuf;
struct protosw;

extern const struct protosw *ip_protox[];
extern const struct protosw icmp_protosw;
extern const struct protosw udp_protosw;
extern const struct protosw rip_protosw;

/* The MTU behind ip_output's last EMSGSIZE, for ICMP need-frag. */
extern int ip_lastmtu;
void	ip_init(void);
void	ip_fini(void);
void	ip_reass_init(void);
void	ip_reass_fini(void);
/*
 * Hand a fragment to reassembly: the whole datagram when this completes
 * one (its IP header first, ip_len the total), else NULL (held or
 * dropped and counted).  softnet_lock held.
 */
struct mbuf *ip_reass(struct mbuf *m);
/* Add an Ethernet header to dst and transmit; consumes m. */
int	ether_frame_output(struct ifnet *, struct mbuf *, const uint8_t *dst,
	    uint16_t type);
void	arp_init(void);
/* ARP entries now. */
int	arp_count(void);
void	arp_fini(void);
void	in_if_up(struct ifnet *);
void	in_if_down(struct ifnet *);
void	in_if_detach(struct ifnet *);
/* Raw sockets: deliver a copy to each matching one; m consumed.  Returns
 * whether any socket took it. */
bool	rip_input_deliver(struct mbuf *m, int off, int proto);
void	rip_input(struct mbuf *m, int off, int proto);
void	rip_ctlinput(int cmd, const struct sockaddr *, void *);
struct socket;
struct sockopt;
struct pr_usrreqs;
extern const struct pr_usrreqs rip_usrreqs;
/* IPPROTO_IP-level options of raw and UDP sockets. */
int	ip_ctloutput(int op, struct socket *, struct sockopt *);
void	udp_ctlinput(int cmd, const struct sockaddr *, void *);
/* Is addr a (limited or directed) broadcast on some interface? */
bool	in_broadcast_any(struct in_addr);
/* Classful default mask for an address without one. */
struct in_addr in_defmask(struct in_addr);
/* The network-order dotted quad, for messages (buf: 16 bytes). */
const char *inet_ntoa_r(struct in_addr, char *buf);

#endif /* _NETINET_INT_H_ */
