/*
 * k_ipinput.h: the kernel half of t_ipinput: hand raw IPv4 datagrams
 * to ip_input as if lo0 had received them, read the protocol counters
 * and the packet buffer totals, and run the mbuf routines' own checks.
 * Functions return 0 or a host errno value.
 */
#ifndef _K_IPINPUT_H_
#define _K_IPINPUT_H_

#include <stddef.h>

#include <rump/rumpnet.h>

struct k_netstat {
	struct rump_ipstat	ip;
	struct rump_icmpstat	icmp;
	struct rump_udpstat	udp;
	unsigned long long	mbufs;		/* allocated now */
	unsigned long long	clusters;
	int			reass_queues;	/* datagrams in reassembly */
};

/* Give ip_input a copy of pkt (len bytes), received on lo0. */
int	rump_pub_ktest_ip_inject(const void *pkt, size_t len);
/* The same, split into mbufs of at most chunk bytes each. */
int	rump_pub_ktest_ip_inject_chunked(const void *pkt, size_t len,
	    size_t chunk);
/* The same, the data starting offset (< 8) bytes into the first mbuf. */
int	rump_pub_ktest_ip_inject_at(const void *pkt, size_t len,
	    size_t offset);
int	rump_pub_ktest_netstat(struct k_netstat *);
/* Reassembly limits (0: unchanged). */
int	rump_pub_ktest_reass_limits(int maxqueues, int timeout_s,
	    int maxfrags);
/*
 * Allocate and free a packet at one line (*freedlinep), so that the
 * mbuf cache holds it, then allocate one at another (*linep) and
 * forget it: the leak report must name the second line.
 */
int	rump_pub_ktest_mbuf_leak(int *linep, int *freedlinep);
/* The mbuf routines against their contracts. */
int	rump_pub_ktest_mbuf(void);

#endif /* _K_IPINPUT_H_ */
