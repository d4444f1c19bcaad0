/*
 * netinet/udp_var.h: the UDP protocol's counters and table.
 */
#ifndef _RUMP_SYS_NETINET_UDP_VAR_H_
#define _RUMP_SYS_NETINET_UDP_VAR_H_

#include <rump-sys/netinet/in_pcb.h>
#include <rump/rumpnet.h>

extern struct inpcbtable udbtable;
extern struct rump_udpstat udpstat;

#define UDP_SENDSPACE	9216
#define UDP_RECVSPACE	(40 * 1024)

#endif /* _RUMP_SYS_NETINET_UDP_VAR_H_ */
