/*
 * netinet/ip.h: the IPv4 header (RFC 791).  Multi-byte fields are in
 * network order everywhere: on the wire, in mbufs, in protocols'
 * hands.  ip_input validates and keeps them so.
 */
#ifndef _RUMP_SYS_NETINET_IP_H_
#define _RUMP_SYS_NETINET_IP_H_

#include <rump-sys/types.h>
#include <rump-sys/netinet/in.h>

#define IPVERSION	4

struct ip {
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	unsigned int	ip_hl:4,	/* header length in 32-bit words */
			ip_v:4;
#else
	unsigned int	ip_v:4,
			ip_hl:4;
#endif
	uint8_t		ip_tos;
	uint16_t	ip_len;		/* total length */
	uint16_t	ip_id;
	uint16_t	ip_off;		/* flags and fragment offset / 8 */
	uint8_t		ip_ttl;
	uint8_t		ip_p;		/* protocol */
	uint16_t	ip_sum;
	struct in_addr	ip_src;
	struct in_addr	ip_dst;
} __packed __aligned(4);
_Static_assert(sizeof(struct ip) == 20, "struct ip is 20 bytes");

#define IP_RF		0x8000	/* reserved */
#define IP_DF		0x4000	/* don't fragment */
#define IP_MF		0x2000	/* more fragments */
#define IP_OFFMASK	0x1fff
#define IP_MAXPACKET	65535
#define IP_MAXHLEN	60

#define MAXTTL		255
#define IPDEFTTL	64
#define IPTTLDEC	1

#define IPOPT_EOL	0
#define IPOPT_NOP	1

#endif /* _RUMP_SYS_NETINET_IP_H_ */
