/*
 * netinet/in.h: Internet addresses, protocol numbers and IP-level
 * socket options, with Linux's values and layouts (tests include the
 * host's <netinet/in.h>).  Addresses and ports are in network byte
 * order, as on the wire.
 */
#ifndef _RUMP_SYS_NETINET_IN_H_
#define _RUMP_SYS_NETINET_IN_H_

#include <rump-sys/types.h>
#include <rump-sys/socket.h>

typedef uint32_t	in_addr_t;
typedef uint16_t	in_port_t;

struct in_addr {
	in_addr_t	s_addr;
};

struct sockaddr_in {
	sa_family_t	sin_family;
	in_port_t	sin_port;
	struct in_addr	sin_addr;
	uint8_t		sin_zero[8];
};
_Static_assert(sizeof(struct sockaddr_in) == 16, "sockaddr_in: Linux layout");

#define IPPROTO_IP	0
#define IPPROTO_ICMP	1
#define IPPROTO_TCP	6
#define IPPROTO_UDP	17
#define IPPROTO_RAW	255
#define IPPROTO_MAX	256

/* IP-level socket options (level IPPROTO_IP, Linux numbers). */
#define IP_TOS		1
#define IP_TTL		2
#define IP_HDRINCL	3
#define IP_RECVERR	11

#define INADDR_ANY		((in_addr_t)0x00000000)
#define INADDR_BROADCAST	((in_addr_t)0xffffffff)
#define INADDR_LOOPBACK		((in_addr_t)0x7f000001)	/* host order */
#define INADDR_NONE		((in_addr_t)0xffffffff)

#define IN_CLASSA_NET		0xff000000U
#define IN_LOOPBACKNET		127
#define IN_MULTICAST(a)		(((uint32_t)(a) & 0xf0000000U) == 0xe0000000U)

/* The kernel is little-endian x86_64 or big-endian anything: be exact. */
static inline uint16_t
rump_bswap16(uint16_t x)
{
	return (uint16_t)((x >> 8) | (x << 8));
}

static inline uint32_t
rump_bswap32(uint32_t x)
{
	return __builtin_bswap32(x);
}

#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define htons(x)	rump_bswap16((uint16_t)(x))
#define ntohs(x)	rump_bswap16((uint16_t)(x))
#define htonl(x)	rump_bswap32((uint32_t)(x))
#define ntohl(x)	rump_bswap32((uint32_t)(x))
#else
#define htons(x)	((uint16_t)(x))
#define ntohs(x)	((uint16_t)(x))
#define htonl(x)	((uint32_t)(x))
#define ntohl(x)	((uint32_t)(x))
#endif

#define satosin(sa)	((struct sockaddr_in *)(void *)(sa))
#define satocsin(sa)	((const struct sockaddr_in *)(const void *)(sa))
#define sintosa(sin)	((struct sockaddr *)(void *)(sin))

#endif /* _RUMP_SYS_NETINET_IN_H_ */
