/*
 * netinet/ip_icmp.h: ICMP (RFC 792) messages and icmp_error, which the
 * other protocols use to report on packets they cannot deliver.
 */
#ifndef _RUMP_SYS_NETINET_IP_ICMP_H_
#define _RUMP_SYS_NETINET_IP_ICMP_H_

#include <rump-sys/types.h>
#include <rump-sys/netinet/ip.h>
#include <rump/rumpnet.h>

struct mbuf;

struct icmp {
	uint8_t		icmp_type;
	uint8_t		icmp_code;
	uint16_t	icmp_cksum;
	union {
		struct {
			uint16_t	id;
			uint16_t	seq;
		} echo;
		uint32_t	void32;
		struct {
			uint16_t	unused;
			uint16_t	mtu;	/* frag needed: next hop MTU */
		} pmtu;
		uint8_t		pptr;		/* parameter problem */
	} icmp_hun;
	/* error messages: the offending IP header + 8 bytes follow */
	struct ip	icmp_ip[];
} __packed;
#define icmp_id		icmp_hun.echo.id
#define icmp_seq	icmp_hun.echo.seq
#define icmp_nextmtu	icmp_hun.pmtu.mtu
#define icmp_pptr	icmp_hun.pptr

#define ICMP_MINLEN	8
#define ICMP_ADVLENMIN	(8 + 20 + 8)	/* an error: header, ip, 8 bytes */

#define ICMP_ECHOREPLY		0
#define ICMP_UNREACH		3
#define  ICMP_UNREACH_NET		0
#define  ICMP_UNREACH_HOST		1
#define  ICMP_UNREACH_PROTOCOL		2
#define  ICMP_UNREACH_PORT		3
#define  ICMP_UNREACH_NEEDFRAG		4
#define  ICMP_UNREACH_SRCFAIL		5
#define ICMP_SOURCEQUENCH	4
#define ICMP_REDIRECT		5
#define ICMP_ECHO		8
#define ICMP_TIMXCEED		11
#define  ICMP_TIMXCEED_INTRANS		0
#define  ICMP_TIMXCEED_REASS		1
#define ICMP_PARAMPROB		12
#define ICMP_TSTAMP		13
#define ICMP_TSTAMPREPLY	14
#define ICMP_MAXTYPE		40

/*
 * Send an ICMP error of (type, code) about the received datagram n (IP
 * header first, network order), to its source.  Consumes n.  Nothing
 * is sent about ICMP errors, fragments other than the first, broadcast
 * or multicast datagrams, or datagrams from a non-unicast source
 * (RFC 1122 3.2.2).  mtu is for ICMP_UNREACH_NEEDFRAG.  softnet_lock.
 */
void	icmp_error(struct mbuf *n, int type, int code, int mtu);
void	icmp_input(struct mbuf *m, int off, int proto);

extern struct rump_icmpstat icmpstat;

#endif /* _RUMP_SYS_NETINET_IP_ICMP_H_ */
