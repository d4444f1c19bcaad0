/*
 * netinet/udp_var.h: the UDP protocol's counters and table.
 */
#ifndef _RUMP_SYS_NETINET_UDP_VAR_H_
#define _RUMP_SYS_NETINET_UDP_VAR_H_

#include <rump-sys/netinet/in_pcb.h>
#include <rump/rumpnet.h>

extern struct inpcbtable udbtable;
extern struct rump_udpstat udpstat;

#define UDP_SENDSPACE	65536	/* the largest datagram fits */
#define UDP_RECVSPACE	212992	/* as Linux's default */

#endif /* _RUMP_SYS_NETINET_UDP_VAR_H_ */
