/*
 * h_sock.h: small helpers of the single-kernel socket tests (t_socket,
 * t_ifconfig, t_ether).
 */
#ifndef _TESTS_NET_H_SOCK_H_
#define _TESTS_NET_H_SOCK_H_

#include <sys/socket.h>
#include <sys/time.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <stdint.h>
#include <string.h>

#include <atf-c.h>

#include <rump/rump_syscalls.h>

/* addr:port as a sockaddr_in; a bad address fails the case. */
static inline struct sockaddr_in
sin_of(const char *addr, int port)
{
	struct sockaddr_in sin;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)port);
	ATF_REQUIRE(inet_pton(AF_INET, addr, &sin.sin_addr) == 1);
	return sin;
}

/*
 * A socket whose receives give up after 3 s (SO_RCVTIMEO): a lost
 * datagram (fault injection drops them) fails the case, never hangs
 * it.  -1 with errno as socket(2) or setsockopt(2) left it.
 */
static inline int
xsocket(int domain, int type, int proto)
{
	struct timeval tv = { 3, 0 };
	int s = rump_sys_socket(domain, type, proto), e;

	if (s == -1)
		return -1;
	if (rump_sys_setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv,
	    sizeof(tv)) == -1) {
		e = errno;
		rump_sys_close(s);
		errno = e;
		return -1;
	}
	return s;
}

#endif /* _TESTS_NET_H_SOCK_H_ */
