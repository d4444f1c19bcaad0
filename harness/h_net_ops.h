/*
 * h_net_ops.h: typed helpers over the multi-kernel channel (h_net.h):
 * what ifconfig, route, ping and small socket programs would do, run
 * in kernel k.  Each fails the case with a clear message when the
 * kernel refuses, unless it says it returns the failure.  Addresses
 * are dotted quads; "10.0.0.1/24" carries a prefix length.
 */
#ifndef _HARNESS_H_NET_OPS_H_
#define _HARNESS_H_NET_OPS_H_

#include <stddef.h>
#include <stdint.h>

#include <rump/rumpnet.h>

#include "h_net.h"

/*
 * Create shmifN on the bus file and return N (rump_pub_shmif_create).
 * The bus file is made if missing.
 */
int	h_net_shmif(int k, const char *bus);
/* The same by ioctls: RUMP_SIOCIFCREATE then RUMP_SIOCSLINKSTR. */
void	h_net_ifcreate(int k, const char *ifname);
void	h_net_linkstr(int k, const char *ifname, const char *bus);
/* As above, returning -1 with errno instead of failing. */
int	h_net_try_linkstr(int k, const char *ifname, const char *bus);
/* Destroy an interface (RUMP_SIOCIFDESTROY). */
void	h_net_ifdestroy(int k, const char *ifname);

/* Add addr/prefix to ifname and bring it up. */
void	h_net_ifconfig(int k, const char *ifname, const char *cidr);
/* Set the MTU; 0 or -1 with errno (EINVAL out of range). */
int	h_net_ifmtu(int k, const char *ifname, int mtu);
/* Bring ifname up or down. */
void	h_net_ifupdown(int k, const char *ifname, int up);
/* Add a route: dst "default" or "a.b.c.d/len", via gateway. */
void	h_net_route_add(int k, const char *dst, const char *gateway);
/* net.inet.ip.forwarding */
void	h_net_forwarding(int k, int on);
/* ARP timers (seconds; 0 leaves one unchanged). */
void	h_net_arptimers(int k, int keep, int down, int maxtries);

/* Counters. */
void	h_net_ifstats(int k, const char *ifname, struct rump_ifstats *);
void	h_net_ipstat(int k, struct rump_ipstat *);
void	h_net_icmpstat(int k, struct rump_icmpstat *);
void	h_net_udpstat(int k, struct rump_udpstat *);
void	h_net_arpstat(int k, struct rump_arpstat *);
/*
 * The MAC ARP knows for addr on ifname: 0 and mac filled, or -1 with
 * errno (ENXIO: no complete entry).
 */
int	h_net_arp_lookup(int k, const char *ifname, const char *addr,
	    uint8_t mac[6]);
/* The interface's MAC (SIOCGIFHWADDR). */
void	h_net_ifmac(int k, const char *ifname, uint8_t mac[6]);

/*
 * ICMP echo over a raw socket: count requests of size payload bytes,
 * each waiting up to timeout_ms for its reply.  The number of replies.
 */
int	h_net_ping(int k, const char *dst, int count, int size,
	    int timeout_ms);

/*
 * UDP echo: the server binds port (done when start returns, so a
 * client may send at once) and echoes datagrams, in the background,
 * until it has echoed n of them or none came for timeout_ms; finish
 * waits for it and returns how many it echoed.
 */
void	h_net_udp_echo_start(int k, uint16_t port, int n, int timeout_ms);
int	h_net_udp_echo_finish(int k);
/*
 * The client sends n datagrams of size bytes (distinct contents) to
 * dst:port, one at a time, each waiting up to timeout_ms for its echo;
 * returns how many came back intact.
 */
int	h_net_udp_client(int k, const char *dst, uint16_t port, int n,
	    int size, int timeout_ms);
/*
 * One UDP datagram of size bytes to dst:port; then wait timeout_ms for
 * an error on the socket: 0 if none came, else the errno (e.g.
 * ECONNREFUSED from an ICMP port unreachable on a connected socket).
 */
int	h_net_udp_probe(int k, const char *dst, uint16_t port, int size,
	    int timeout_ms);

/*
 * TCP bulk: the sink listens on port (backlog 1; listening when start
 * returns), accepts one connection in the background, reads until EOF
 * and checks every byte against the pattern for seed; finish returns
 * the bytes that matched (or fails the case naming the first bad
 * offset).  The source connects, writes
 * nbytes of the pattern and closes; returns 0 or -1 with errno (e.g.
 * ECONNREFUSED).
 */
void	h_net_tcp_sink_start(int k, uint16_t port, uint32_t seed);
long	h_net_tcp_sink_finish(int k);
int	h_net_tcp_source(int k, const char *dst, uint16_t port, long nbytes,
	    uint32_t seed);
/* The byte at offset off of the pattern for seed. */
uint8_t	h_net_pattern(uint32_t seed, long off);

#endif /* _HARNESS_H_NET_OPS_H_ */
