/*
 * tcp.h: the TCP header as it is on the wire (RFC 9293 section 3.1),
 * the option kinds we know, and the IPPROTO_TCP socket options.  Fields
 * are in network byte order; th_offx2 holds the data offset in its high
 * four bits (no bit-fields, so the layout does not depend on the
 * compiler's bit order).
 */
#ifndef _RUMP_SYS_NETINET_TCP_H_
#define _RUMP_SYS_NETINET_TCP_H_

#include <rump-sys/types.h>

typedef uint32_t tcp_seq;

struct tcphdr {
	uint16_t	th_sport;
	uint16_t	th_dport;
	tcp_seq		th_seq;
	tcp_seq		th_ack;
	uint8_t		th_offx2;	/* data offset (words) << 4 */
	uint8_t		th_flags;
	uint16_t	th_win;
	uint16_t	th_sum;
	uint16_t	th_urp;
} __packed;

#define TH_OFF(th)		((unsigned)(th)->th_offx2 >> 4)
#define TH_SETOFF(th, words)	((th)->th_offx2 = (uint8_t)((words) << 4))

#define TH_FIN		0x01
#define TH_SYN		0x02
#define TH_RST		0x04
#define TH_PUSH		0x08
#define TH_ACK		0x10
#define TH_URG		0x20
#define TH_ECE		0x40
#define TH_CWR		0x80

#define TCP_HDRLEN	20	/* without options */
#define TCP_MAXOLEN	40	/* 60-byte header at most */

/* Option kinds (RFC 9293 3.2, RFC 7323). */
#define TCPOPT_EOL		0
#define TCPOPT_NOP		1
#define TCPOPT_MAXSEG		2
#define TCPOLEN_MAXSEG		4
#define TCPOPT_WINDOW		3
#define TCPOLEN_WINDOW		3
#define TCPOPT_SACK_PERMITTED	4
#define TCPOPT_TIMESTAMP	8
#define TCPOLEN_TIMESTAMP	10

#define TCP_MAX_WINSHIFT	14	/* RFC 7323 2.3 */
#define TCP_MAXWIN		65535	/* largest unscaled window */
#define TCP_DEFAULT_MSS		536	/* RFC 9293 3.7.1 */

/*
 * Socket options at level IPPROTO_TCP.  These cross the system call
 * boundary, so they carry the host's (Linux) values.
 */
#define TCP_NODELAY	1	/* no Nagle */
#define TCP_MAXSEG	2	/* read: the effective send MSS */
#define TCP_KEEPIDLE	4	/* seconds idle before probing */
#define TCP_KEEPINTVL	5	/* seconds between probes */
#define TCP_KEEPCNT	6	/* probes before dropping */

#endif /* _RUMP_SYS_NETINET_TCP_H_ */
