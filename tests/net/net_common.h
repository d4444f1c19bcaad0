/*
 * net_common.h: set-ups shared by the tests/net programs.  Kernels are
 * numbered in start order; addresses follow 10.0.<bus>.<kernel + 1>.
 */
#ifndef _TESTS_NET_NET_COMMON_H_
#define _TESTS_NET_NET_COMMON_H_

#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include <rump/rump_syscalls.h>

#include "harness.h"
#include "h_net.h"
#include "h_net_ops.h"

/*
 * Two kernels on one bus: kernel 0 is 10.0.0.1, kernel 1 10.0.0.2,
 * booted with env (NULL: defaults, one virtual CPU).
 */
static inline void
net_pair_env(const char *bus, const char *env)
{
	int a = h_net_start(env), b = h_net_start(env);

	ATF_REQUIRE_EQ(h_net_shmif(a, bus), 0);
	ATF_REQUIRE_EQ(h_net_shmif(b, bus), 0);
	h_net_ifconfig(a, "shmif0", "10.0.0.1/24");
	h_net_ifconfig(b, "shmif0", "10.0.0.2/24");
}

static inline void
net_pair(const char *bus)
{

	net_pair_env(bus, NULL);
}

static inline int
r_tcp_socket(const void *in, size_t inlen, void *out, size_t *outlen)
{
	int s;

	*outlen = 0;
	if ((s = rump_sys_socket(AF_INET, SOCK_STREAM, 0)) == -1)
		return -1;
	rump_sys_close(s);
	return 0;
}

/*
 * The TCP cases' first check: kernel k makes stream sockets.  A kernel
 * whose TCP did not register fails here, naming the cause, rather than
 * somewhere in the middle of a transfer.
 */
static inline void
net_require_tcp(int k)
{

	if (h_net_call(k, r_tcp_socket, NULL, 0, NULL, 0, NULL) == -1)
		atf_tc_fail("kernel %d has no TCP: socket(SOCK_STREAM): %s",
		    k, strerror(errno));
}

#endif /* _TESTS_NET_NET_COMMON_H_ */
