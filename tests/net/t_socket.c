/*
 * t_socket: sockets in one kernel, over the loopback interface lo0:
 * UDP datagrams both ways, binding rules (EADDRINUSE, SO_REUSEADDR),
 * the errno of every kind of bad argument, non-blocking sockets and
 * timeouts, socket options, ICMP echo through a raw socket, port
 * unreachable turned into ECONNREFUSED on a connected socket, and big
 * datagrams fragmented and reassembled.  Constants and structures are
 * the host's (<sys/socket.h>, <netinet/in.h>): the kernel uses Linux's
 * values at its boundary.
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/select.h>
#include <sys/time.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/ip_icmp.h>
#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <rump/rump.h>
#include <rump/rump_syscalls.h>

#include "harness.h"
#include "h_sock.h"

/* send(2) and recv(2) are library calls over sendto and recvfrom. */
#define rump_sys_send(s, b, l, f)	rump_sys_sendto(s, b, l, f, NULL, 0)
#define rump_sys_recv(s, b, l, f)	rump_sys_recvfrom(s, b, l, f, NULL, NULL)

static int
udp_bound(const char *addr, int port)
{
	struct sockaddr_in sin = sin_of(addr, port);
	int s = RL(xsocket(AF_INET, SOCK_DGRAM, 0));

	RL(rump_sys_bind(s, (struct sockaddr *)&sin, sizeof(sin)));
	return s;
}

static uint64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

H_TC(udp_echo_lo0, "a UDP datagram to 127.0.0.1 arrives with its sender's "
    "address, and the answer comes back to the sender's port")
{
	struct sockaddr_in srv = sin_of("127.0.0.1", 7777), from, me;
	socklen_t flen = sizeof(from), mlen = sizeof(me);
	char buf[64];
	int s, c;

	s = udp_bound("127.0.0.1", 7777);
	c = RL(xsocket(AF_INET, SOCK_DGRAM, 0));
	ATF_REQUIRE_EQ(RL(rump_sys_sendto(c, "ping", 4, 0,
	    (struct sockaddr *)&srv, sizeof(srv))), 4);
	RL(rump_sys_getsockname(c, (struct sockaddr *)&me, &mlen));
	ATF_REQUIRE_EQ(mlen, sizeof(me));
	ATF_REQUIRE(ntohs(me.sin_port) >= 49152);	/* ephemeral */
	ATF_REQUIRE_EQ(RL(rump_sys_recvfrom(s, buf, sizeof(buf), 0,
	    (struct sockaddr *)&from, &flen)), 4);
	ATF_REQUIRE_EQ(memcmp(buf, "ping", 4), 0);
	ATF_REQUIRE_EQ(flen, sizeof(from));
	ATF_REQUIRE_EQ(from.sin_family, AF_INET);
	ATF_REQUIRE_EQ(from.sin_port, me.sin_port);
	ATF_REQUIRE_EQ(from.sin_addr.s_addr, htonl(INADDR_LOOPBACK));
	ATF_REQUIRE_EQ(RL(rump_sys_sendto(s, "pong!", 5, 0,
	    (struct sockaddr *)&from, flen)), 5);
	ATF_REQUIRE_EQ(RL(rump_sys_recvfrom(c, buf, sizeof(buf), 0, NULL,
	    NULL)), 5);
	ATF_REQUIRE_EQ(memcmp(buf, "pong!", 5), 0);
	RL(rump_sys_close(c));
	RL(rump_sys_close(s));
}

H_TC(udp_datagram_boundaries, "datagrams keep their boundaries; a short "
    "read truncates one (MSG_TRUNC) and MSG_PEEK leaves it")
{
	struct sockaddr_in srv = sin_of("127.0.0.1", 7000);
	struct msghdr msg;
	struct iovec iov;
	char buf[16];
	int s, c;

	s = udp_bound("127.0.0.1", 7000);
	c = RL(xsocket(AF_INET, SOCK_DGRAM, 0));
	RL(rump_sys_connect(c, (struct sockaddr *)&srv, sizeof(srv)));
	RL(rump_sys_write(c, "first", 5));
	RL(rump_sys_send(c, "second-datagram", 15, 0));
	ATF_REQUIRE_EQ(RL(rump_sys_recv(s, buf, sizeof(buf), MSG_PEEK)), 5);
	ATF_REQUIRE_EQ(RL(rump_sys_read(s, buf, sizeof(buf))), 5);
	ATF_REQUIRE_EQ(memcmp(buf, "first", 5), 0);
	memset(&msg, 0, sizeof(msg));
	iov.iov_base = buf;
	iov.iov_len = 6;
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	ATF_REQUIRE_EQ(RL(rump_sys_recvmsg(s, &msg, 0)), 6);
	ATF_REQUIRE(msg.msg_flags & MSG_TRUNC);
	ATF_REQUIRE_EQ(memcmp(buf, "second", 6), 0);
	/* the rest of the truncated datagram is gone */
	H_REQUIRE_ERRNO(EAGAIN, rump_sys_recv(s, buf, sizeof(buf),
	    MSG_DONTWAIT));
	RL(rump_sys_close(c));
	RL(rump_sys_close(s));
}

H_TC(udp_sendmsg_gathers, "sendmsg sends its iovecs as one datagram to "
    "msg_name; recvmsg returns the sender")
{
	struct sockaddr_in srv = sin_of("127.0.0.1", 7001), from;
	struct iovec iov[3] = {
		{ "ab", 2 }, { "", 0 }, { "cdef", 4 },
	};
	struct msghdr msg;
	char buf[16];
	int s, c;

	s = udp_bound("127.0.0.1", 7001);
	c = RL(xsocket(AF_INET, SOCK_DGRAM, 0));
	memset(&msg, 0, sizeof(msg));
	msg.msg_name = &srv;
	msg.msg_namelen = sizeof(srv);
	msg.msg_iov = iov;
	msg.msg_iovlen = 3;
	ATF_REQUIRE_EQ(RL(rump_sys_sendmsg(c, &msg, 0)), 6);
	memset(&msg, 0, sizeof(msg));
	iov[0].iov_base = buf;
	iov[0].iov_len = sizeof(buf);
	msg.msg_iov = iov;
	msg.msg_iovlen = 1;
	msg.msg_name = &from;
	msg.msg_namelen = sizeof(from);
	ATF_REQUIRE_EQ(RL(rump_sys_recvmsg(s, &msg, 0)), 6);
	ATF_REQUIRE_EQ(memcmp(buf, "abcdef", 6), 0);
	ATF_REQUIRE_EQ(msg.msg_namelen, sizeof(from));
	ATF_REQUIRE_EQ(from.sin_addr.s_addr, htonl(INADDR_LOOPBACK));
	ATF_REQUIRE_EQ(msg.msg_flags & MSG_TRUNC, 0);
	RL(rump_sys_close(c));
	RL(rump_sys_close(s));
}

H_TC(bind_eaddrinuse, "a second bind to a bound address and port is "
    "EADDRINUSE, also against a wildcard; other ports are free")
{
	struct sockaddr_in a = sin_of("127.0.0.1", 9000);
	struct sockaddr_in any = sin_of("0.0.0.0", 9000);
	struct sockaddr_in other = sin_of("127.0.0.1", 9001);
	int s1, s2;

	s1 = udp_bound("127.0.0.1", 9000);
	s2 = RL(xsocket(AF_INET, SOCK_DGRAM, 0));
	H_REQUIRE_ERRNO(EADDRINUSE, rump_sys_bind(s2, (struct sockaddr *)&a,
	    sizeof(a)));
	H_REQUIRE_ERRNO(EADDRINUSE, rump_sys_bind(s2,
	    (struct sockaddr *)&any, sizeof(any)));
	RL(rump_sys_bind(s2, (struct sockaddr *)&other, sizeof(other)));
	/* bound once only */
	H_REQUIRE_ERRNO(EINVAL, rump_sys_bind(s2, (struct sockaddr *)&other,
	    sizeof(other)));
	RL(rump_sys_close(s1));
	/* closed: the port is free again */
	s1 = RL(xsocket(AF_INET, SOCK_DGRAM, 0));
	RL(rump_sys_bind(s1, (struct sockaddr *)&a, sizeof(a)));
	RL(rump_sys_close(s1));
	RL(rump_sys_close(s2));
}

H_TC(bind_reuseaddr, "with SO_REUSEADDR on both, two UDP sockets share a "
    "port; without it on the second, EADDRINUSE")
{
	struct sockaddr_in a = sin_of("127.0.0.1", 9100);
	int s1, s2, s3, on = 1, v;
	socklen_t len = sizeof(v);

	s1 = RL(xsocket(AF_INET, SOCK_DGRAM, 0));
	s2 = RL(xsocket(AF_INET, SOCK_DGRAM, 0));
	s3 = RL(xsocket(AF_INET, SOCK_DGRAM, 0));
	RL(rump_sys_setsockopt(s1, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)));
	RL(rump_sys_getsockopt(s1, SOL_SOCKET, SO_REUSEADDR, &v, &len));
	ATF_REQUIRE(v != 0);
	ATF_REQUIRE_EQ(len, sizeof(int));
	RL(rump_sys_setsockopt(s2, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)));
	RL(rump_sys_bind(s1, (struct sockaddr *)&a, sizeof(a)));
	RL(rump_sys_bind(s2, (struct sockaddr *)&a, sizeof(a)));
	H_REQUIRE_ERRNO(EADDRINUSE, rump_sys_bind(s3, (struct sockaddr *)&a,
	    sizeof(a)));
	RL(rump_sys_close(s1));
	RL(rump_sys_close(s2));
	RL(rump_sys_close(s3));
}

H_TC(bad_arguments, "each bad argument has its errno: EBADF, ENOTSOCK, "
    "EFAULT, EINVAL, EAFNOSUPPORT, EPROTONOSUPPORT, ESOCKTNOSUPPORT, "
    "ENOPROTOOPT, EDESTADDRREQ, ENOTCONN")
{
	struct sockaddr_in a = sin_of("127.0.0.1", 9200);
	struct sockaddr_in6 a6;
	char buf[8];
	socklen_t len = sizeof(a);
	int s, p[2], v = 1;

	H_REQUIRE_ERRNO(EBADF, rump_sys_bind(-1, (struct sockaddr *)&a,
	    sizeof(a)));
	H_REQUIRE_ERRNO(EBADF, rump_sys_sendto(77, "x", 1, 0,
	    (struct sockaddr *)&a, sizeof(a)));
	H_REQUIRE_ERRNO(EBADF, rump_sys_listen(1000, 1));
	RL(rump_sys_pipe2(p, 0));
	H_REQUIRE_ERRNO(ENOTSOCK, rump_sys_bind(p[0], (struct sockaddr *)&a,
	    sizeof(a)));
	H_REQUIRE_ERRNO(ENOTSOCK, rump_sys_getsockname(p[1],
	    (struct sockaddr *)&a, &len));
	H_REQUIRE_ERRNO(ENOTSOCK, rump_sys_recvfrom(p[0], buf, 1, 0, NULL,
	    NULL));
	RL(rump_sys_close(p[0]));
	RL(rump_sys_close(p[1]));

	H_REQUIRE_ERRNO(EAFNOSUPPORT, xsocket(AF_INET6, SOCK_DGRAM,
	    0));
	/* AF_UNIX exists now (t_unix); AF_NETLINK does not */
	H_REQUIRE_ERRNO(EAFNOSUPPORT, xsocket(AF_NETLINK, SOCK_DGRAM,
	    0));
	H_REQUIRE_ERRNO(EAFNOSUPPORT, xsocket(12345, SOCK_DGRAM, 0));
	H_REQUIRE_ERRNO(EPROTONOSUPPORT, xsocket(AF_INET, SOCK_DGRAM,
	    IPPROTO_TCP));
	H_REQUIRE_ERRNO(EPROTONOSUPPORT, xsocket(AF_INET, SOCK_DGRAM,
	    IPPROTO_ICMP));
	H_REQUIRE_ERRNO(ESOCKTNOSUPPORT, xsocket(AF_INET,
	    SOCK_SEQPACKET, 0));
	H_REQUIRE_ERRNO(EINVAL, xsocket(AF_INET, SOCK_DGRAM, -1));
	H_REQUIRE_ERRNO(EINVAL, xsocket(AF_INET, SOCK_DGRAM | 0x100,
	    0));

	s = RL(xsocket(AF_INET, SOCK_DGRAM, 0));
	H_REQUIRE_ERRNO(EFAULT, rump_sys_bind(s, (struct sockaddr *)8,
	    sizeof(a)));
	H_REQUIRE_ERRNO(EINVAL, rump_sys_bind(s, (struct sockaddr *)&a, 4));
	H_REQUIRE_ERRNO(EINVAL, rump_sys_bind(s, (struct sockaddr *)&a,
	    1000));
	memset(&a6, 0, sizeof(a6));
	a6.sin6_family = AF_INET6;
	H_REQUIRE_ERRNO(EAFNOSUPPORT, rump_sys_bind(s,
	    (struct sockaddr *)&a6, sizeof(a6)));
	/* not one of our addresses */
	a = sin_of("10.9.8.7", 9200);
	H_REQUIRE_ERRNO(EADDRNOTAVAIL, rump_sys_bind(s, (struct sockaddr *)&a,
	    sizeof(a)));
	H_REQUIRE_ERRNO(EFAULT, rump_sys_setsockopt(s, SOL_SOCKET,
	    SO_REUSEADDR, (void *)8, sizeof(int)));
	H_REQUIRE_ERRNO(EINVAL, rump_sys_setsockopt(s, SOL_SOCKET,
	    SO_REUSEADDR, &v, 2));
	H_REQUIRE_ERRNO(ENOPROTOOPT, rump_sys_setsockopt(s, SOL_SOCKET, 9999,
	    &v, sizeof(v)));
	H_REQUIRE_ERRNO(ENOPROTOOPT, rump_sys_setsockopt(s, 4242, 1, &v,
	    sizeof(v)));
	H_REQUIRE_ERRNO(EFAULT, rump_sys_getsockopt(s, SOL_SOCKET, SO_TYPE,
	    &v, NULL));
	H_REQUIRE_ERRNO(EFAULT, rump_sys_recvfrom(s, buf, 1, MSG_DONTWAIT,
	    (struct sockaddr *)&a, (socklen_t *)8));
	H_REQUIRE_ERRNO(EDESTADDRREQ, rump_sys_send(s, "x", 1, 0));
	H_REQUIRE_ERRNO(ENOTCONN, rump_sys_getpeername(s,
	    (struct sockaddr *)&a, &len));
	H_REQUIRE_ERRNO(ENOTCONN, rump_sys_shutdown(s, SHUT_RDWR));
	H_REQUIRE_ERRNO(EOPNOTSUPP, rump_sys_listen(s, 5));
	a = sin_of("127.0.0.1", 0);
	H_REQUIRE_ERRNO(EINVAL, rump_sys_sendto(s, "x", 1, 0,
	    (struct sockaddr *)&a, sizeof(a)));
	RL(rump_sys_close(s));
	H_REQUIRE_ERRNO(EBADF, rump_sys_close(s));
}

H_TC(nonblocking_eagain, "receiving with nothing there is EAGAIN on a "
    "SOCK_NONBLOCK socket, with MSG_DONTWAIT and after O_NONBLOCK")
{
	char buf[4];
	int s, t;

	s = RL(xsocket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0));
	ATF_REQUIRE(RL(rump_sys_fcntl(s, F_GETFL, 0)) & O_NONBLOCK);
	H_REQUIRE_ERRNO(EAGAIN, rump_sys_recv(s, buf, sizeof(buf), 0));
	H_REQUIRE_ERRNO(EAGAIN, rump_sys_read(s, buf, sizeof(buf)));
	t = udp_bound("127.0.0.1", 9300);
	H_REQUIRE_ERRNO(EAGAIN, rump_sys_recv(t, buf, sizeof(buf),
	    MSG_DONTWAIT));
	RL(rump_sys_fcntl(t, F_SETFL, O_NONBLOCK));
	H_REQUIRE_ERRNO(EAGAIN, rump_sys_recvfrom(t, buf, sizeof(buf), 0,
	    NULL, NULL));
	RL(rump_sys_close(s));
	RL(rump_sys_close(t));
}

H_TC(rcvtimeo, "SO_RCVTIMEO bounds a blocking receive (EAGAIN after "
    "the time); an out-of-range timeval is EDOM")
{
	struct timeval tv = { 0, 150000 }, got;
	socklen_t len = sizeof(got);
	uint64_t t0, t1;
	char buf[4];
	int s;

	s = udp_bound("127.0.0.1", 9400);
	RL(rump_sys_setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)));
	RL(rump_sys_getsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &got, &len));
	ATF_REQUIRE_EQ(len, sizeof(got));
	ATF_REQUIRE_EQ(got.tv_sec, 0);
	ATF_REQUIRE_EQ(got.tv_usec, 150000);
	t0 = now_ms();
	H_REQUIRE_ERRNO(EAGAIN, rump_sys_recv(s, buf, sizeof(buf), 0));
	t1 = now_ms();
	ATF_REQUIRE_MSG(t1 - t0 >= 140, "returned after %llu ms",
	    (unsigned long long)(t1 - t0));
	ATF_REQUIRE_MSG(t1 - t0 < 5000, "returned after %llu ms",
	    (unsigned long long)(t1 - t0));
	tv.tv_usec = 1000000;
	H_REQUIRE_ERRNO(EDOM, rump_sys_setsockopt(s, SOL_SOCKET, SO_SNDTIMEO,
	    &tv, sizeof(tv)));
	RL(rump_sys_close(s));
}

H_TC(socket_options, "SO_TYPE, SO_DOMAIN, SO_PROTOCOL, SO_RCVBUF and "
    "SO_SNDBUF, SO_LINGER and SO_ERROR read back what they should")
{
	struct linger l = { 1, 7 }, lg;
	socklen_t len;
	int s, v;

	s = RL(xsocket(AF_INET, SOCK_DGRAM, 0));
	len = sizeof(v);
	RL(rump_sys_getsockopt(s, SOL_SOCKET, SO_TYPE, &v, &len));
	ATF_REQUIRE_EQ(v, SOCK_DGRAM);
	RL(rump_sys_getsockopt(s, SOL_SOCKET, SO_DOMAIN, &v, &len));
	ATF_REQUIRE_EQ(v, AF_INET);
	RL(rump_sys_getsockopt(s, SOL_SOCKET, SO_PROTOCOL, &v, &len));
	ATF_REQUIRE_EQ(v, IPPROTO_UDP);
	v = 12345;
	RL(rump_sys_setsockopt(s, SOL_SOCKET, SO_RCVBUF, &v, sizeof(v)));
	v = 0;
	RL(rump_sys_getsockopt(s, SOL_SOCKET, SO_RCVBUF, &v, &len));
	ATF_REQUIRE(v >= 12345);
	v = 4000;
	RL(rump_sys_setsockopt(s, SOL_SOCKET, SO_SNDBUF, &v, sizeof(v)));
	RL(rump_sys_getsockopt(s, SOL_SOCKET, SO_SNDBUF, &v, &len));
	ATF_REQUIRE(v >= 4000);
	{
		/* a datagram bigger than SO_SNDBUF still goes (as Linux) */
		static char big[8000];
		struct sockaddr_in d = sin_of("127.0.0.1", 9401);
		int r = udp_bound("127.0.0.1", 9401);

		ATF_REQUIRE_EQ(RL(rump_sys_sendto(s, big, sizeof(big), 0,
		    (struct sockaddr *)&d, sizeof(d))), (ssize_t)sizeof(big));
		ATF_REQUIRE_EQ(RL(rump_sys_recv(r, big, sizeof(big), 0)),
		    (ssize_t)sizeof(big));
		RL(rump_sys_close(r));
	}
	v = 0;
	H_REQUIRE_ERRNO(EINVAL, rump_sys_setsockopt(s, SOL_SOCKET, SO_RCVBUF,
	    &v, sizeof(v)));
	v = 1 << 30;		/* clamped to the largest buffer */
	RL(rump_sys_setsockopt(s, SOL_SOCKET, SO_RCVBUF, &v, sizeof(v)));
	RL(rump_sys_getsockopt(s, SOL_SOCKET, SO_RCVBUF, &v, &len));
	ATF_REQUIRE(v >= 65536 && v < (1 << 30));
	RL(rump_sys_setsockopt(s, SOL_SOCKET, SO_LINGER, &l, sizeof(l)));
	len = sizeof(lg);
	RL(rump_sys_getsockopt(s, SOL_SOCKET, SO_LINGER, &lg, &len));
	ATF_REQUIRE_EQ(lg.l_onoff, 1);
	ATF_REQUIRE_EQ(lg.l_linger, 7);
	len = sizeof(v);
	RL(rump_sys_getsockopt(s, SOL_SOCKET, SO_ERROR, &v, &len));
	ATF_REQUIRE_EQ(v, 0);
	v = 1;
	RL(rump_sys_setsockopt(s, IPPROTO_IP, IP_TTL, &v, sizeof(v)));
	v = 0;
	RL(rump_sys_getsockopt(s, IPPROTO_IP, IP_TTL, &v, &len));
	ATF_REQUIRE_EQ(v, 1);
	v = 256;
	H_REQUIRE_ERRNO(EINVAL, rump_sys_setsockopt(s, IPPROTO_IP, IP_TTL,
	    &v, sizeof(v)));
	RL(rump_sys_close(s));
}

H_TC(udp_connected_refused, "a connected UDP socket sending to a port "
    "nobody has gets ECONNREFUSED (ICMP port unreachable) on its next "
    "call; an unconnected one does not")
{
	struct sockaddr_in dst = sin_of("127.0.0.1", 9555);
	char buf[4];
	int c, u;

	c = RL(xsocket(AF_INET, SOCK_DGRAM, 0));
	RL(rump_sys_connect(c, (struct sockaddr *)&dst, sizeof(dst)));
	RL(rump_sys_send(c, "x", 1, 0));
	/* the error comes back through the softint: wait for it */
	H_REQUIRE_ERRNO(ECONNREFUSED, rump_sys_recv(c, buf, sizeof(buf), 0));
	/* reported once */
	H_REQUIRE_ERRNO(EAGAIN, rump_sys_recv(c, buf, sizeof(buf),
	    MSG_DONTWAIT));
	u = RL(xsocket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0));
	RL(rump_sys_sendto(u, "x", 1, 0, (struct sockaddr *)&dst,
	    sizeof(dst)));
	usleep(50000);
	H_REQUIRE_ERRNO(EAGAIN, rump_sys_recv(u, buf, sizeof(buf), 0));
	RL(rump_sys_close(c));
	RL(rump_sys_close(u));
}

static uint16_t
cksum(const void *p, size_t len)
{
	const uint8_t *b = p;
	uint32_t sum = 0;

	for (; len > 1; len -= 2, b += 2)
		sum += (uint32_t)(b[0] << 8 | b[1]);
	if (len)
		sum += (uint32_t)b[0] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return htons((uint16_t)~sum);
}

H_TC(ping_lo0, "an ICMP echo request to 127.0.0.1 from a raw socket is "
    "answered with an echo reply carrying the same id, sequence and data")
{
	struct sockaddr_in dst = sin_of("127.0.0.1", 0), from;
	socklen_t flen = sizeof(from);
	unsigned char pkt[64], buf[256];
	struct icmphdr *icp = (struct icmphdr *)pkt, *r;
	struct ip *ip;
	int s, n, seq, tries;

	s = RL(xsocket(AF_INET, SOCK_RAW, IPPROTO_ICMP));
	for (seq = 1; seq <= 3; seq++) {
		memset(pkt, 0, sizeof(pkt));
		icp->type = ICMP_ECHO;
		icp->un.echo.id = htons(0x4242);
		icp->un.echo.sequence = htons((uint16_t)seq);
		memset(pkt + 8, 'a' + seq, sizeof(pkt) - 8);
		icp->checksum = cksum(pkt, sizeof(pkt));
		RL(rump_sys_sendto(s, pkt, sizeof(pkt), 0,
		    (struct sockaddr *)&dst, sizeof(dst)));
		/* the raw socket sees its own request too: skip it */
		for (tries = 0; tries < 4; tries++) {
			n = (int)RL(rump_sys_recvfrom(s, buf, sizeof(buf), 0,
			    (struct sockaddr *)&from, &flen));
			ip = (struct ip *)buf;
			ATF_REQUIRE(n >= 20 + 8);
			ATF_REQUIRE_EQ(ip->ip_p, IPPROTO_ICMP);
			r = (struct icmphdr *)(buf + ip->ip_hl * 4);
			if (r->type == ICMP_ECHOREPLY)
				break;
		}
		ATF_REQUIRE_EQ(r->type, ICMP_ECHOREPLY);
		ATF_REQUIRE_EQ(n, 20 + (int)sizeof(pkt));
		ATF_REQUIRE_EQ(ntohs(r->un.echo.id), 0x4242);
		ATF_REQUIRE_EQ(ntohs(r->un.echo.sequence), seq);
		ATF_REQUIRE_EQ(memcmp((char *)r + 8, pkt + 8, sizeof(pkt) - 8),
		    0);
		ATF_REQUIRE_EQ(cksum(r, sizeof(pkt)), 0);
		ATF_REQUIRE_EQ(from.sin_addr.s_addr, htonl(INADDR_LOOPBACK));
	}
	RL(rump_sys_close(s));
}

H_TC(udp_large_datagram_lo0, "a 60000-byte datagram crosses lo0 (MTU "
    "33624) in fragments and arrives whole; one above 65507 is EMSGSIZE")
{
	struct sockaddr_in srv = sin_of("127.0.0.1", 9600);
	static char out[65536], in[65536];
	int s, c, i;

	for (i = 0; i < (int)sizeof(out); i++)
		out[i] = (char)(i * 7 + i / 251);
	s = udp_bound("127.0.0.1", 9600);
	c = RL(xsocket(AF_INET, SOCK_DGRAM, 0));
	ATF_REQUIRE_EQ(RL(rump_sys_sendto(c, out, 60000, 0,
	    (struct sockaddr *)&srv, sizeof(srv))), 60000);
	ATF_REQUIRE_EQ(RL(rump_sys_recv(s, in, sizeof(in), 0)), 60000);
	ATF_REQUIRE_EQ(memcmp(in, out, 60000), 0);
	ATF_REQUIRE_EQ(RL(rump_sys_sendto(c, out, 65507, 0,
	    (struct sockaddr *)&srv, sizeof(srv))), 65507);
	ATF_REQUIRE_EQ(RL(rump_sys_recv(s, in, sizeof(in), 0)), 65507);
	ATF_REQUIRE_EQ(memcmp(in, out, 65507), 0);
	H_REQUIRE_ERRNO(EMSGSIZE, rump_sys_sendto(c, out, 65508, 0,
	    (struct sockaddr *)&srv, sizeof(srv)));
	RL(rump_sys_close(c));
	RL(rump_sys_close(s));
}

H_TC(close_with_queued_data, "closing sockets with unread datagrams "
    "frees them (the leak check would catch it)")
{
	struct sockaddr_in srv = sin_of("127.0.0.1", 9700);
	char buf[1000];
	int s, c, i;

	memset(buf, 'z', sizeof(buf));
	s = udp_bound("127.0.0.1", 9700);
	c = RL(xsocket(AF_INET, SOCK_DGRAM, 0));
	for (i = 0; i < 20; i++)
		RL(rump_sys_sendto(c, buf, sizeof(buf), 0,
		    (struct sockaddr *)&srv, sizeof(srv)));
	usleep(20000);
	RL(rump_sys_close(s));
	RL(rump_sys_close(c));
}

H_TC(sockets_left_open, "sockets a test leaves open are closed at "
    "shutdown, with their data")
{
	struct sockaddr_in srv = sin_of("127.0.0.1", 9800);
	int s, c;

	s = udp_bound("127.0.0.1", 9800);
	c = RL(xsocket(AF_INET, SOCK_DGRAM, 0));
	RL(rump_sys_sendto(c, "left", 4, 0, (struct sockaddr *)&srv,
	    sizeof(srv)));
	usleep(20000);
	(void)s;
}

/* A datagram with its own IPv4 header, for IP_HDRINCL. */
static size_t
mk_ip(unsigned char *p, int proto, const void *payload, size_t len)
{
	struct ip *ip = (struct ip *)p;

	memset(ip, 0, sizeof(*ip));
	ip->ip_v = 4;
	ip->ip_hl = 5;
	ip->ip_ttl = 64;
	ip->ip_p = (uint8_t)proto;
	ip->ip_len = htons((uint16_t)(20 + len));
	ip->ip_src.s_addr = htonl(INADDR_LOOPBACK);
	ip->ip_dst.s_addr = htonl(INADDR_LOOPBACK);
	memcpy(p + 20, payload, len);
	return 20 + len;
}

H_TC(raw_hdrincl, "an IPPROTO_RAW socket sends datagrams with the "
    "header it built (IP_HDRINCL); the kernel fills in id and checksum "
    "and a UDP socket receives the datagram")
{
	unsigned char pkt[64], buf[32];
	struct sockaddr_in dst = sin_of("127.0.0.1", 0);
	struct udphdr_s { uint16_t sp, dp, len, sum; } uh;
	socklen_t len = sizeof(int);
	int r, u, v;

	u = udp_bound("127.0.0.1", 9950);
	r = RL(xsocket(AF_INET, SOCK_RAW, IPPROTO_RAW));
	RL(rump_sys_getsockopt(r, IPPROTO_IP, IP_HDRINCL, &v, &len));
	ATF_REQUIRE_EQ(v, 1);
	uh.sp = htons(1234);
	uh.dp = htons(9950);
	uh.len = htons(8 + 5);
	uh.sum = 0;
	memcpy(buf, &uh, 8);
	memcpy(buf + 8, "hdrin", 5);
	RL(rump_sys_sendto(r, pkt, mk_ip(pkt, IPPROTO_UDP, buf, 13), 0,
	    (struct sockaddr *)&dst, sizeof(dst)));
	ATF_REQUIRE_EQ(RL(rump_sys_recv(u, buf, sizeof(buf), 0)), 5);
	ATF_REQUIRE_EQ(memcmp(buf, "hdrin", 5), 0);
	/* a header too short to be one */
	H_REQUIRE_ERRNO(EINVAL, rump_sys_sendto(r, pkt, 12, 0,
	    (struct sockaddr *)&dst, sizeof(dst)));
	RL(rump_sys_close(r));
	RL(rump_sys_close(u));
}

H_TC(raw_protocol_sockets, "a raw socket of protocol 99 receives every "
    "protocol-99 datagram with its IP header, filtered by connect; with "
    "no such socket, ICMP protocol unreachable comes back")
{
	struct sockaddr_in lo = sin_of("127.0.0.1", 0), got;
	socklen_t glen = sizeof(got);
	unsigned char pkt[64], buf[128];
	struct ip *ip = (struct ip *)buf;
	int a, b, h, ic, n, tries;

	a = RL(xsocket(AF_INET, SOCK_RAW, 99));
	b = RL(xsocket(AF_INET, SOCK_RAW, 99));
	RL(rump_sys_bind(a, (struct sockaddr *)&lo, sizeof(lo)));
	RL(rump_sys_getsockname(a, (struct sockaddr *)&got, &glen));
	ATF_REQUIRE_EQ(got.sin_addr.s_addr, htonl(INADDR_LOOPBACK));
	RL(rump_sys_connect(b, (struct sockaddr *)&lo, sizeof(lo)));
	RL(rump_sys_send(b, "proto99", 7, 0));
	n = (int)RL(rump_sys_recv(a, buf, sizeof(buf), 0));
	ATF_REQUIRE_EQ(n, 20 + 7);
	ATF_REQUIRE_EQ(ip->ip_p, 99);
	ATF_REQUIRE_EQ(memcmp(buf + 20, "proto99", 7), 0);
	/* the sender is a protocol-99 socket too: it sees its own */
	ATF_REQUIRE_EQ(RL(rump_sys_recv(b, buf, sizeof(buf), 0)), 27);
	RL(rump_sys_close(a));
	RL(rump_sys_close(b));

	ic = RL(xsocket(AF_INET, SOCK_RAW, IPPROTO_ICMP));
	h = RL(xsocket(AF_INET, SOCK_RAW, IPPROTO_RAW));
	RL(rump_sys_sendto(h, pkt, mk_ip(pkt, 99, "nobody", 6), 0,
	    (struct sockaddr *)&lo, sizeof(lo)));
	for (tries = 0; tries < 5; tries++) {
		n = (int)RL(rump_sys_recv(ic, buf, sizeof(buf), 0));
		if (n >= 28 && buf[20] == ICMP_UNREACH)
			break;
	}
	ATF_REQUIRE_EQ(buf[20], ICMP_UNREACH);
	ATF_REQUIRE_EQ(buf[21], ICMP_UNREACH_PROTOCOL);
	ATF_REQUIRE_EQ(((struct ip *)(buf + 28))->ip_p, 99);
	RL(rump_sys_close(ic));
	RL(rump_sys_close(h));
}

H_TC(linger_and_shutdown, "SO_LINGER on a datagram socket does not delay "
    "close; shutdown(SHUT_WR) makes sends EPIPE, SHUT_RD makes reads "
    "return 0; a bad how is EINVAL")
{
	struct sockaddr_in dst = sin_of("127.0.0.1", 9960);
	struct linger l = { 1, 5 };
	uint64_t t0;
	char buf[4];
	int s, r;

	r = udp_bound("127.0.0.1", 9960);
	s = RL(xsocket(AF_INET, SOCK_DGRAM, 0));
	RL(rump_sys_connect(s, (struct sockaddr *)&dst, sizeof(dst)));
	H_REQUIRE_ERRNO(EINVAL, rump_sys_shutdown(s, 7));
	RL(rump_sys_shutdown(s, SHUT_WR));
	H_REQUIRE_ERRNO(EPIPE, rump_sys_send(s, "x", 1, MSG_NOSIGNAL));
	RL(rump_sys_shutdown(s, SHUT_RD));
	ATF_REQUIRE_EQ(RL(rump_sys_recv(s, buf, sizeof(buf), 0)), 0);
	RL(rump_sys_setsockopt(s, SOL_SOCKET, SO_LINGER, &l, sizeof(l)));
	t0 = now_ms();
	RL(rump_sys_close(s));
	ATF_REQUIRE(now_ms() - t0 < 1000);
	RL(rump_sys_close(r));
}

struct delayed_send {
	int	ds_fd;
	int	ds_ms;
	struct sockaddr_in ds_to;
};

static void *
delayed_send(void *arg)
{
	struct delayed_send *ds = arg;

	usleep((useconds_t)ds->ds_ms * 1000);
	if (rump_sys_sendto(ds->ds_fd, "wake", 4, 0,
	    (struct sockaddr *)&ds->ds_to, sizeof(ds->ds_to)) != 4)
		return (void *)1;
	return NULL;
}

H_TC(poll_readiness, "poll: a UDP socket is writable at once, readable "
    "only once a datagram is queued, and a blocked poll wakes when one "
    "arrives; select agrees")
{
	struct sockaddr_in srv = sin_of("127.0.0.1", 9900);
	struct delayed_send ds;
	struct pollfd pfd[2];
	struct timeval tv = { 0, 0 };
	pthread_t t;
	fd_set rs;
	void *ret;
	char buf[8];
	uint64_t t0;
	int s, c;

	s = udp_bound("127.0.0.1", 9900);
	c = RL(xsocket(AF_INET, SOCK_DGRAM, 0));
	pfd[0].fd = s;
	pfd[0].events = POLLIN;
	pfd[1].fd = c;
	pfd[1].events = POLLOUT;
	ATF_REQUIRE_EQ(RL(rump_sys_poll(pfd, 2, 0)), 1);
	ATF_REQUIRE_EQ(pfd[0].revents, 0);
	ATF_REQUIRE_EQ(pfd[1].revents, POLLOUT);
	t0 = now_ms();
	ATF_REQUIRE_EQ(RL(rump_sys_poll(pfd, 1, 60)), 0);
	ATF_REQUIRE(now_ms() - t0 >= 50);
	FD_ZERO(&rs);
	FD_SET(s, &rs);
	ATF_REQUIRE_EQ(RL(rump_sys_select(s + 1, &rs, NULL, NULL, &tv)), 0);

	ds.ds_fd = c;
	ds.ds_ms = 100;
	ds.ds_to = srv;
	ATF_REQUIRE_EQ(pthread_create(&t, NULL, delayed_send, &ds), 0);
	t0 = now_ms();
	ATF_REQUIRE_EQ(RL(rump_sys_poll(pfd, 1, 5000)), 1);
	ATF_REQUIRE(pfd[0].revents & POLLIN);
	ATF_REQUIRE_MSG(now_ms() - t0 >= 80, "woke after %llu ms",
	    (unsigned long long)(now_ms() - t0));
	ATF_REQUIRE_EQ(pthread_join(t, &ret), 0);
	ATF_REQUIRE(ret == NULL);
	FD_ZERO(&rs);
	FD_SET(s, &rs);
	tv.tv_usec = 1000;
	ATF_REQUIRE_EQ(RL(rump_sys_select(s + 1, &rs, NULL, NULL, &tv)), 1);
	ATF_REQUIRE(FD_ISSET(s, &rs));
	ATF_REQUIRE_EQ(RL(rump_sys_recv(s, buf, sizeof(buf), 0)), 4);
	ATF_REQUIRE_EQ(RL(rump_sys_poll(pfd, 1, 0)), 0);
	RL(rump_sys_close(s));
	RL(rump_sys_close(c));
}

H_TC(poll_error_and_shutdown, "poll reports a pending socket error "
    "(POLLERR, with POLLIN) and a socket shut for reading as readable")
{
	struct sockaddr_in dst = sin_of("127.0.0.1", 9901);
	struct pollfd pfd;
	socklen_t len;
	char buf[4];
	int c, v;

	c = RL(xsocket(AF_INET, SOCK_DGRAM, 0));
	RL(rump_sys_connect(c, (struct sockaddr *)&dst, sizeof(dst)));
	RL(rump_sys_send(c, "x", 1, 0));
	pfd.fd = c;
	pfd.events = POLLIN;
	ATF_REQUIRE_EQ(RL(rump_sys_poll(&pfd, 1, 5000)), 1);
	ATF_REQUIRE(pfd.revents & POLLERR);
	/* SO_ERROR reads it (as the host's errno) and clears it */
	len = sizeof(v);
	RL(rump_sys_getsockopt(c, SOL_SOCKET, SO_ERROR, &v, &len));
	ATF_REQUIRE_EQ(v, ECONNREFUSED);
	RL(rump_sys_getsockopt(c, SOL_SOCKET, SO_ERROR, &v, &len));
	ATF_REQUIRE_EQ(v, 0);
	RL(rump_sys_send(c, "x", 1, 0));
	H_REQUIRE_ERRNO(ECONNREFUSED, rump_sys_recv(c, buf, sizeof(buf), 0));
	RL(rump_sys_shutdown(c, SHUT_RD));
	ATF_REQUIRE_EQ(RL(rump_sys_poll(&pfd, 1, 0)), 1);
	ATF_REQUIRE(pfd.revents & POLLIN);
	ATF_REQUIRE_EQ(RL(rump_sys_recv(c, buf, sizeof(buf), 0)), 0);
	RL(rump_sys_close(c));
}

/* A connected TCP pair over lo0: *cp the client, *ap the accepted. */
static void
tcp_pair(int port, int *cp, int *ap, int *lp)
{
	struct sockaddr_in srv = sin_of("127.0.0.1", port), peer, name;
	socklen_t plen = sizeof(peer), nlen = sizeof(name);
	int l, c, a;

	l = RL(xsocket(AF_INET, SOCK_STREAM, 0));
	RL(rump_sys_bind(l, (struct sockaddr *)&srv, sizeof(srv)));
	RL(rump_sys_listen(l, 4));
	c = RL(xsocket(AF_INET, SOCK_STREAM, 0));
	RL(rump_sys_connect(c, (struct sockaddr *)&srv, sizeof(srv)));
	a = RL(rump_sys_accept(l, (struct sockaddr *)&peer, &plen));
	ATF_REQUIRE_EQ(plen, sizeof(peer));
	RL(rump_sys_getsockname(c, (struct sockaddr *)&name, &nlen));
	ATF_REQUIRE_EQ(peer.sin_port, name.sin_port);
	ATF_REQUIRE_EQ(peer.sin_addr.s_addr, htonl(INADDR_LOOPBACK));
	*cp = c;
	*ap = a;
	*lp = l;
}

struct writer {
	int	w_fd;
	size_t	w_len;
	int	w_pause_ms;
};

static void *
slow_writer(void *arg)
{
	struct writer *w = arg;
	static char chunk[65536];
	size_t done = 0, n;
	ssize_t r;

	memset(chunk, 'w', sizeof(chunk));
	while (done < w->w_len) {
		n = w->w_len - done < sizeof(chunk) ? w->w_len - done :
		    sizeof(chunk);
		if ((r = rump_sys_write(w->w_fd, chunk, n)) <= 0)
			return (void *)"write";
		done += (size_t)r;
		if (w->w_pause_ms)
			usleep((useconds_t)w->w_pause_ms * 1000);
	}
	return NULL;
}

H_TC(stream_waitall, "recv with MSG_WAITALL on a TCP socket returns only "
    "when all it asked for came, also for more than the receive buffer "
    "holds; without it, what is there")
{
	static char buf[1 << 20];
	struct writer w;
	pthread_t t;
	void *ret;
	ssize_t n;
	int c, a, l, v;
	socklen_t len = sizeof(v);

	tcp_pair(9980, &c, &a, &l);
	w.w_fd = c;
	w.w_len = 300;
	w.w_pause_ms = 0;
	RL(rump_sys_write(c, buf, 100));
	usleep(50000);
	n = RL(rump_sys_recv(a, buf, 300, 0));
	ATF_REQUIRE_EQ(n, 100);
	w.w_len = 3 * 65536;
	w.w_pause_ms = 30;
	ATF_REQUIRE_EQ(pthread_create(&t, NULL, slow_writer, &w), 0);
	n = RL(rump_sys_recv(a, buf, 3 * 65536, MSG_WAITALL));
	ATF_REQUIRE_EQ(n, 3 * 65536);
	ATF_REQUIRE_EQ(pthread_join(t, &ret), 0);
	ATF_REQUIRE(ret == NULL);
	RL(rump_sys_getsockopt(a, SOL_SOCKET, SO_RCVBUF, &v, &len));
	ATF_REQUIRE(v < (int)sizeof(buf));
	w.w_len = sizeof(buf);
	w.w_pause_ms = 0;
	ATF_REQUIRE_EQ(pthread_create(&t, NULL, slow_writer, &w), 0);
	n = RL(rump_sys_recv(a, buf, sizeof(buf), MSG_WAITALL));
	ATF_REQUIRE_EQ(n, (ssize_t)sizeof(buf));
	ATF_REQUIRE_EQ(pthread_join(t, &ret), 0);
	ATF_REQUIRE(ret == NULL);
	RL(rump_sys_close(c));
	/* the peer closed: end of file */
	ATF_REQUIRE_EQ(RL(rump_sys_recv(a, buf, 10, MSG_WAITALL)), 0);
	RL(rump_sys_close(a));
	RL(rump_sys_close(l));
}

H_TC(stream_errors, "accept on a socket not listening is EINVAL, with "
    "nothing queued and O_NONBLOCK EAGAIN; connecting to a closed port "
    "is ECONNREFUSED; getpeername of a connected socket names the peer")
{
	struct sockaddr_in srv = sin_of("127.0.0.1", 9981), p;
	socklen_t plen = sizeof(p);
	int s, l, c, a;

	s = RL(xsocket(AF_INET, SOCK_STREAM, 0));
	H_REQUIRE_ERRNO(EINVAL, rump_sys_accept(s, NULL, NULL));
	H_REQUIRE_ERRNO(ENOTCONN, rump_sys_send(s, "x", 1, 0));
	H_REQUIRE_ERRNO(ECONNREFUSED, rump_sys_connect(s,
	    (struct sockaddr *)&srv, sizeof(srv)));
	RL(rump_sys_close(s));
	tcp_pair(9982, &c, &a, &l);
	RL(rump_sys_fcntl(l, F_SETFL, O_NONBLOCK));
	H_REQUIRE_ERRNO(EAGAIN, rump_sys_accept(l, NULL, NULL));
	RL(rump_sys_getpeername(a, (struct sockaddr *)&p, &plen));
	ATF_REQUIRE_EQ(p.sin_addr.s_addr, htonl(INADDR_LOOPBACK));
	H_REQUIRE_ERRNO(EISCONN, rump_sys_connect(c, (struct sockaddr *)&p,
	    sizeof(p)));
	H_REQUIRE_ERRNO(EINVAL, rump_sys_listen(c, 1));
	RL(rump_sys_close(c));
	RL(rump_sys_close(a));
	RL(rump_sys_close(l));
}

H_TC(stream_send_blocks, "writes to a TCP peer that does not read fill "
    "the buffers; then a blocking write with SO_SNDTIMEO returns what it "
    "wrote (or EAGAIN), a non-blocking one EAGAIN, and poll says not "
    "writable; reading makes room")
{
	static char chunk[65536], sink[65536];
	struct timeval tv = { 0, 200000 };
	struct pollfd pfd;
	ssize_t n, total = 0;
	uint64_t t0;
	int c, a, l, i;

	tcp_pair(9984, &c, &a, &l);
	RL(rump_sys_setsockopt(c, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)));
	for (i = 0; i < 200; i++) {
		t0 = now_ms();
		n = rump_sys_write(c, chunk, sizeof(chunk));
		if (n == -1) {
			ATF_REQUIRE_EQ(errno, EAGAIN);
			break;
		}
		total += n;
		if (n < (ssize_t)sizeof(chunk))
			break;		/* timed out part way */
	}
	ATF_REQUIRE_MSG(i < 200, "13 MB went to a peer that never reads");
	ATF_REQUIRE(now_ms() - t0 >= 150);
	RL(rump_sys_fcntl(c, F_SETFL, O_NONBLOCK));
	H_REQUIRE_ERRNO(EAGAIN, rump_sys_write(c, chunk, sizeof(chunk)));
	pfd.fd = c;
	pfd.events = POLLOUT;
	ATF_REQUIRE_EQ(RL(rump_sys_poll(&pfd, 1, 0)), 0);
	/* drain what was written; the writer can go on */
	while (total > 0) {
		n = RL(rump_sys_recv(a, sink, sizeof(sink), 0));
		ATF_REQUIRE(n > 0);
		total -= n;
	}
	ATF_REQUIRE_EQ(RL(rump_sys_poll(&pfd, 1, 2000)), 1);
	ATF_REQUIRE(pfd.revents & POLLOUT);
	RL(rump_sys_close(c));
	RL(rump_sys_close(a));
	RL(rump_sys_close(l));
}

H_TC(fstat_socket, "fstat on a socket says S_IFSOCK, with the bytes "
    "waiting as its size")
{
	struct sockaddr_in srv = sin_of("127.0.0.1", 9985);
	struct stat st;
	int s, c;

	s = udp_bound("127.0.0.1", 9985);
	c = RL(xsocket(AF_INET, SOCK_DGRAM, 0));
	RL(rump_sys_fstat(s, &st));
	ATF_REQUIRE(S_ISSOCK(st.st_mode));
	ATF_REQUIRE_EQ(st.st_size, 0);
	RL(rump_sys_sendto(c, "12345", 5, 0, (struct sockaddr *)&srv,
	    sizeof(srv)));
	usleep(20000);
	RL(rump_sys_fstat(s, &st));
	ATF_REQUIRE_EQ(st.st_size, 5);
	RL(rump_sys_close(c));
	RL(rump_sys_close(s));
}

H_TC(listener_closed_with_queue, "closing a listener drops the "
    "connections it had not accepted yet (their peers see the reset) "
    "and frees them")
{
	struct sockaddr_in srv = sin_of("127.0.0.1", 9983);
	char buf[4];
	int l, c[3], i;

	l = RL(xsocket(AF_INET, SOCK_STREAM, 0));
	RL(rump_sys_bind(l, (struct sockaddr *)&srv, sizeof(srv)));
	RL(rump_sys_listen(l, 8));
	for (i = 0; i < 3; i++) {
		c[i] = RL(xsocket(AF_INET, SOCK_STREAM, 0));
		RL(rump_sys_connect(c[i], (struct sockaddr *)&srv,
		    sizeof(srv)));
	}
	usleep(50000);
	RL(rump_sys_close(l));
	for (i = 0; i < 3; i++) {
		/* a reset (or an orderly end), never data, never a hang */
		ssize_t n = rump_sys_recv(c[i], buf, sizeof(buf), 0);

		ATF_REQUIRE_MSG(n == 0 || (n == -1 && errno == ECONNRESET),
		    "client %d: %zd, %s", i, n, strerror(errno));
		RL(rump_sys_close(c[i]));
	}
}

H_TC(socket_emfile, "socket() with the descriptor table full is EMFILE "
    "and leaves nothing behind; closing one makes room")
{
	static int fds[2048];
	int n = 0, i;

	for (;;) {
		fds[n] = rump_sys_socket(AF_INET, SOCK_DGRAM, 0);
		if (fds[n] == -1)
			break;
		ATF_REQUIRE(++n < 2048);
	}
	ATF_REQUIRE_EQ(errno, EMFILE);
	ATF_REQUIRE(n > 100);
	RL(rump_sys_close(fds[n / 2]));
	fds[n / 2] = RL(rump_sys_socket(AF_INET, SOCK_STREAM, 0));
	H_REQUIRE_ERRNO(EMFILE, rump_sys_socket(AF_INET, SOCK_RAW,
	    IPPROTO_ICMP));
	for (i = 0; i < n; i++)
		RL(rump_sys_close(fds[i]));
}

#define NTHREADS	4
#define NDGRAMS		400

static void *
udp_pingpong(void *arg)
{
	int port = 9970 + (int)(intptr_t)arg, s, c, i, n;
	struct sockaddr_in srv = sin_of("127.0.0.1", port);
	char buf[64], want[64];

	if ((s = xsocket(AF_INET, SOCK_DGRAM, 0)) == -1 ||
	    (c = xsocket(AF_INET, SOCK_DGRAM, 0)) == -1)
		return (void *)"socket";
	if (rump_sys_bind(s, (struct sockaddr *)&srv, sizeof(srv)) == -1 ||
	    rump_sys_connect(c, (struct sockaddr *)&srv, sizeof(srv)) == -1)
		return (void *)"bind/connect";
	for (i = 0; i < NDGRAMS; i++) {
		n = snprintf(want, sizeof(want), "%d:%d", port, i);
		if (rump_sys_send(c, want, (size_t)n, 0) != n)
			return (void *)"send";
		if (rump_sys_recv(s, buf, sizeof(buf), 0) != n ||
		    memcmp(buf, want, (size_t)n) != 0)
			return (void *)"recv";
	}
	rump_sys_close(c);
	rump_sys_close(s);
	return NULL;
}

H_TC_ENV(udp_threads_mp, "RUMP_NCPU=2", "four threads on two virtual "
    "CPUs exchange datagrams over lo0 at once; every one arrives intact")
{
	pthread_t t[NTHREADS];
	void *ret;
	int i;

	for (i = 0; i < NTHREADS; i++)
		ATF_REQUIRE_EQ(pthread_create(&t[i], NULL, udp_pingpong,
		    (void *)(intptr_t)i), 0);
	for (i = 0; i < NTHREADS; i++) {
		ATF_REQUIRE_EQ(pthread_join(t[i], &ret), 0);
		ATF_REQUIRE_MSG(ret == NULL, "thread %d: %s", i,
		    (const char *)ret);
	}
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, udp_echo_lo0);
	ATF_TP_ADD_TC(tp, udp_datagram_boundaries);
	ATF_TP_ADD_TC(tp, udp_sendmsg_gathers);
	ATF_TP_ADD_TC(tp, bind_eaddrinuse);
	ATF_TP_ADD_TC(tp, bind_reuseaddr);
	ATF_TP_ADD_TC(tp, bad_arguments);
	ATF_TP_ADD_TC(tp, nonblocking_eagain);
	ATF_TP_ADD_TC(tp, rcvtimeo);
	ATF_TP_ADD_TC(tp, socket_options);
	ATF_TP_ADD_TC(tp, udp_connected_refused);
	ATF_TP_ADD_TC(tp, ping_lo0);
	ATF_TP_ADD_TC(tp, udp_large_datagram_lo0);
	ATF_TP_ADD_TC(tp, close_with_queued_data);
	ATF_TP_ADD_TC(tp, sockets_left_open);
	ATF_TP_ADD_TC(tp, poll_readiness);
	ATF_TP_ADD_TC(tp, poll_error_and_shutdown);
	ATF_TP_ADD_TC(tp, raw_hdrincl);
	ATF_TP_ADD_TC(tp, raw_protocol_sockets);
	ATF_TP_ADD_TC(tp, linger_and_shutdown);
	ATF_TP_ADD_TC(tp, udp_threads_mp);
	ATF_TP_ADD_TC(tp, stream_waitall);
	ATF_TP_ADD_TC(tp, stream_errors);
	ATF_TP_ADD_TC(tp, stream_send_blocks);
	ATF_TP_ADD_TC(tp, listener_closed_with_queue);
	ATF_TP_ADD_TC(tp, fstat_socket);
	ATF_TP_ADD_TC(tp, socket_emfile);
	return atf_no_error();
}
