/*
 * netinet/udp.h: the UDP header (RFC 768).
 */
#ifndef _RUMP_SYS_NETINET_UDP_H_
#define _RUMP_SYS_NETINET_UDP_H_

#include <rump-sys/types.h>

struct udphdr {
	uint16_t	uh_sport;
	uint16_t	uh_dport;
	uint16_t	uh_ulen;	/* header and data */
	uint16_t	uh_sum;		/* 0: none */
} __packed;

#endif /* _RUMP_SYS_NETINET_UDP_H_ */
