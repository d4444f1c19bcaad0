/*
 * k_ether.h: the kernel half of t_ether: a test Ethernet interface
 * "kte0" whose wire is the test itself: frames the test gives it are
 * received (ether_input), frames the kernel sends wait on its output
 * queue until the test takes them.  Functions return 0 or a host errno.
 */
#ifndef _K_ETHER_H_
#define _K_ETHER_H_

#include <stddef.h>
#include <stdint.h>

/* Make kte0 with this MAC and bring it up (no address yet). */
int	rump_pub_ktest_ether_attach(const uint8_t *mac);
int	rump_pub_ktest_ether_detach(void);
/* A frame (destination MAC first, no FCS) arrives on kte0. */
int	rump_pub_ktest_ether_input(const void *frame, size_t len);
/*
 * The next frame kte0 sent, waiting up to timeout_ms: its length in
 * *lenp (copied up to size bytes).  ETIMEDOUT if none came.
 */
int	rump_pub_ktest_ether_take(void *buf, size_t size, size_t *lenp,
	    int timeout_ms);
/* Frames sent and not yet taken. */
int	rump_pub_ktest_ether_pending(int *np);

#endif /* _K_ETHER_H_ */
