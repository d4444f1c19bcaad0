/*
 * t_tcp_lo.c: TCP over lo0 in one kernel, through the socket calls a
 * program would make: connect and accept, a verified 1 MiB transfer,
 * half close, refusal, the listen backlog, simultaneous close, linger
 * 0, non-blocking connect, buffer sizes and window scaling, loss and
 * retransmission, Nagle, keepalive, TIME_WAIT, and segments with wild
 * sequence numbers and flags injected straight into tcp_input.  The
 * kernel half (k_tcp.c) shortens timers and reads counters.
 */
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <rump/rump.h>
#include <rump/rump_syscalls.h>

#include "harness.h"
#include "k_tcp.h"

#define LOCALHOST	0x7f000001u

/* TCP states (tcp_fsm.h), for what k_tcp reports. */
#define S_LISTEN	1
#define S_SYN_SENT	2
#define S_ESTABLISHED	4
#define S_CLOSE_WAIT	5
#define S_FIN_WAIT_2	9
#define S_TIME_WAIT	10
/* TH_* flags. */
#define F_FIN	0x01
#define F_SYN	0x02
#define F_RST	0x04
#define F_PUSH	0x08
#define F_ACK	0x10

static uint64_t
stat(const char *name)
{
	uint64_t v;

	RZ(rump_pub_ktest_tcp_stat(name, &v));
	return v;
}

static void
knob(const char *name, uint64_t v)
{
	RZ(rump_pub_ktest_tcp_knob(name, v));
}

static struct sockaddr_in
sin_of(uint16_t port)
{
	struct sockaddr_in sin;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(port);
	sin.sin_addr.s_addr = htonl(LOCALHOST);
	return sin;
}

/*
 * A TCP socket whose blocking calls give up after 10 s, so that a lost
 * segment (fault injection: a RST that could not be allocated) fails a
 * case instead of hanging it.  Accepted sockets inherit the limits.
 */
static int
tcp_socket(void)
{
	struct timeval tv = { .tv_sec = 10 };
	int s = RL(rump_sys_socket(AF_INET, SOCK_STREAM, 0));

	RL(rump_sys_setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)));
	RL(rump_sys_setsockopt(s, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)));
	return s;
}

/* A listener on 127.0.0.1:port. */
static int
listener(uint16_t port, int backlog)
{
	struct sockaddr_in sin = sin_of(port);
	int s = tcp_socket(), one = 1;

	RL(rump_sys_setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one,
	    sizeof(one)));
	RL(rump_sys_bind(s, (struct sockaddr *)&sin, sizeof(sin)));
	RL(rump_sys_listen(s, backlog));
	return s;
}

static int
connect_to(uint16_t port)
{
	struct sockaddr_in sin = sin_of(port);
	int s = tcp_socket();

	RL(rump_sys_connect(s, (struct sockaddr *)&sin, sizeof(sin)));
	return s;
}

static uint16_t
local_port(int s)
{
	struct sockaddr_in sin;
	unsigned int len = sizeof(sin);

	RL(rump_sys_getsockname(s, (struct sockaddr *)&sin, &len));
	return ntohs(sin.sin_port);
}

static void
set_nonblock(int s, int on)
{
	int fl = RL(rump_sys_fcntl(s, F_GETFL, 0));

	RL(rump_sys_fcntl(s, F_SETFL, on ? fl | O_NONBLOCK : fl & ~O_NONBLOCK));
}

static void
set_int(int s, int level, int name, int v)
{
	RL(rump_sys_setsockopt(s, level, name, &v, sizeof(v)));
}

static int
get_int(int s, int level, int name)
{
	int v = -1;
	unsigned int len = sizeof(v);

	RL(rump_sys_getsockopt(s, level, name, &v, &len));
	ATF_REQUIRE_EQ(len, sizeof(v));
	return v;
}

/* A connected pair: *cp the client, *ap the accepted server end. */
static void
pair(uint16_t port, int *cp, int *ap)
{
	int l = listener(port, 5);

	*cp = connect_to(port);
	*ap = RL(rump_sys_accept(l, NULL, NULL));
	RL(rump_sys_close(l));
}

static struct ktest_tcpconn
conn(uint16_t lport, uint16_t fport)
{
	struct ktest_tcpconn kc;

	RZ(rump_pub_ktest_tcp_conn(lport, fport, &kc));
	return kc;
}

static uint64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* Wait up to ms for the connection lport<-fport to reach state. */
static int
wait_state(uint16_t lport, uint16_t fport, int state, int ms)
{
	struct ktest_tcpconn kc;
	uint64_t end = now_ms() + (uint64_t)ms;

	int error;

	do {
		error = rump_pub_ktest_tcp_conn(lport, fport, &kc);
		if (error == 0 && kc.kc_state == state)
			return 1;
		usleep(2000);
	} while (now_ms() < end);
	if (error == 0)
		printf("%u<-%u: state %d, not %d (una %u nxt %u max %u)\n",
		    lport, fport, kc.kc_state, state, kc.kc_snd_una,
		    kc.kc_snd_nxt, kc.kc_snd_max);
	else
		printf("%u<-%u: gone, not in state %d\n", lport, fport, state);
	return 0;
}

/* Wait up to ms for no connection lport<-fport to exist. */
static int
wait_gone(uint16_t lport, uint16_t fport, int ms)
{
	struct ktest_tcpconn kc;
	uint64_t end = now_ms() + (uint64_t)ms;

	do {
		if (rump_pub_ktest_tcp_conn(lport, fport, &kc) == ENOENT)
			return 1;
		usleep(2000);
	} while (now_ms() < end);
	return 0;
}

/* Read exactly len bytes (blocking). */
static void
read_full(int s, void *buf, size_t len)
{
	size_t got = 0;
	ssize_t n;

	while (got < len) {
		n = RL(rump_sys_read(s, (char *)buf + got, len - got));
		ATF_REQUIRE_MSG(n > 0, "EOF after %zu of %zu bytes", got, len);
		got += (size_t)n;
	}
}

static void
write_full(int s, const void *buf, size_t len)
{
	size_t done = 0;
	ssize_t n;

	while (done < len) {
		n = RL(rump_sys_write(s, (const char *)buf + done, len - done));
		done += (size_t)n;
	}
}

static uint8_t
pattern(size_t off)
{
	return (uint8_t)((off * 2654435761u) >> 13);
}

/* A reader thread: reads until EOF, hashing and checking the pattern. */
struct sink {
	int		 s_fd;
	size_t		 s_got;
	size_t		 s_bad;		/* first bad offset + 1 */
	int		 s_errno;
};

static void *
sink_thread(void *arg)
{
	struct sink *sk = arg;
	static __thread uint8_t buf[65536];
	ssize_t n;

	for (;;) {
		n = rump_sys_read(sk->s_fd, buf, sizeof(buf));
		if (n < 0) {
			sk->s_errno = errno;
			break;
		}
		if (n == 0)
			break;
		for (ssize_t i = 0; i < n; i++) {
			if (buf[i] != pattern(sk->s_got + (size_t)i) &&
			    sk->s_bad == 0)
				sk->s_bad = sk->s_got + (size_t)i + 1;
		}
		sk->s_got += (size_t)n;
	}
	return NULL;
}

/* Send nbytes of the pattern from c to a and check what arrived. */
static void
transfer(int c, int a, size_t nbytes)
{
	struct sink sk = { .s_fd = a };
	pthread_t t;
	uint8_t *buf = malloc(nbytes);

	ATF_REQUIRE(buf != NULL);
	for (size_t i = 0; i < nbytes; i++)
		buf[i] = pattern(i);
	RZ(pthread_create(&t, NULL, sink_thread, &sk));
	/* Uneven writes, so segment boundaries vary. */
	for (size_t off = 0, step = 1000; off < nbytes;
	    step = step * 7 % 65521) {
		size_t n = step + 1 < nbytes - off ? step + 1 : nbytes - off;
		write_full(c, buf + off, n);
		off += n;
	}
	RL(rump_sys_shutdown(c, SHUT_WR));
	RZ(pthread_join(t, NULL));
	free(buf);
	ATF_REQUIRE_EQ_MSG(sk.s_errno, 0, "read: %s", strerror(sk.s_errno));
	ATF_REQUIRE_EQ_MSG(sk.s_bad, 0, "data differs at offset %zu",
	    sk.s_bad - 1);
	ATF_REQUIRE_EQ(sk.s_got, nbytes);
}

H_TC(connect_accept_exchange, "connect and accept over lo0; data both "
    "ways; the names on each end agree; both reach ESTABLISHED")
{
	struct sockaddr_in sin, peer;
	unsigned int len = sizeof(sin);
	int l, c, a;
	char buf[16];

	l = listener(5001, 5);
	c = connect_to(5001);
	len = sizeof(peer);
	a = RL(rump_sys_accept(l, (struct sockaddr *)&peer, &len));
	ATF_CHECK_EQ(peer.sin_family, AF_INET);
	ATF_CHECK_EQ(ntohs(peer.sin_port), local_port(c));
	ATF_CHECK_EQ(ntohl(peer.sin_addr.s_addr), LOCALHOST);
	len = sizeof(sin);
	RL(rump_sys_getpeername(c, (struct sockaddr *)&sin, &len));
	ATF_CHECK_EQ(ntohs(sin.sin_port), 5001);
	ATF_CHECK_EQ(conn(local_port(c), 5001).kc_state, S_ESTABLISHED);
	ATF_CHECK_EQ(conn(5001, local_port(c)).kc_state, S_ESTABLISHED);
	ATF_CHECK_EQ(conn(5001, 0).kc_state, S_LISTEN);

	write_full(c, "hello", 5);
	read_full(a, buf, 5);
	ATF_CHECK(memcmp(buf, "hello", 5) == 0);
	write_full(a, "world!", 6);
	read_full(c, buf, 6);
	ATF_CHECK(memcmp(buf, "world!", 6) == 0);
	ATF_CHECK(stat("tcps_connects") >= 2);
	ATF_CHECK_EQ(stat("tcps_accepts"), 1);
	ATF_CHECK_EQ(stat("tcps_connattempt"), 1);
	RL(rump_sys_close(c));
	RL(rump_sys_close(a));
	RL(rump_sys_close(l));
}

H_TC(transfer_1mib_verified, "1 MiB from client to server, every byte "
    "checked, then 1 MiB back the other way")
{
	int c, a;

	pair(5002, &c, &a);
	transfer(c, a, 1 << 20);
	/* The other direction still works after the half close. */
	transfer(a, c, 1 << 20);
	ATF_CHECK(stat("tcps_sndbyte") >= 2u << 20);
	ATF_CHECK_EQ(stat("tcps_rcvbadsum"), 0);
	RL(rump_sys_close(c));
	RL(rump_sys_close(a));
}

H_TC(half_close, "after shutdown(SHUT_WR) the peer reads EOF, can still "
    "send, and writing on the shut side fails with EPIPE")
{
	int c, a;
	char buf[8];

	pair(5003, &c, &a);
	write_full(c, "abc", 3);
	RL(rump_sys_shutdown(c, SHUT_WR));
	read_full(a, buf, 3);
	ATF_CHECK_EQ(RL(rump_sys_read(a, buf, sizeof(buf))), 0);
	ATF_CHECK(wait_state(5003, local_port(c), S_CLOSE_WAIT, 2000));
	ATF_CHECK(wait_state(local_port(c), 5003, S_FIN_WAIT_2, 2000));
	write_full(a, "back", 4);
	read_full(c, buf, 4);
	ATF_CHECK(memcmp(buf, "back", 4) == 0);
	H_REQUIRE_ERRNO(EPIPE, rump_sys_write(c, "x", 1));
	RL(rump_sys_close(a));
	ATF_CHECK_EQ(RL(rump_sys_read(c, buf, sizeof(buf))), 0);
	RL(rump_sys_close(c));
}

H_TC(refused_closed_port, "connecting to a port nobody listens on gets "
    "a RST and ECONNREFUSED, blocking or not")
{
	struct sockaddr_in sin = sin_of(5999);
	int s, e;
	unsigned int len = sizeof(e);

	s = tcp_socket();
	H_REQUIRE_ERRNO(ECONNREFUSED, rump_sys_connect(s,
	    (struct sockaddr *)&sin, sizeof(sin)));
	RL(rump_sys_close(s));
	ATF_CHECK_EQ(stat("tcps_noport"), 1);
	ATF_CHECK_EQ(stat("tcps_refused"), 1);

	s = tcp_socket();
	set_nonblock(s, 1);
	H_REQUIRE_ERRNO(EINPROGRESS, rump_sys_connect(s,
	    (struct sockaddr *)&sin, sizeof(sin)));
	{
		struct pollfd pfd = { .fd = s, .events = POLLOUT };
		ATF_REQUIRE_EQ(RL(rump_sys_poll(&pfd, 1, 5000)), 1);
		ATF_CHECK(pfd.revents & (POLLOUT | POLLERR | POLLHUP));
	}
	RL(rump_sys_getsockopt(s, SOL_SOCKET, SO_ERROR, &e, &len));
	ATF_CHECK_EQ_MSG(e, ECONNREFUSED, "SO_ERROR %d", e);
	RL(rump_sys_close(s));
	ATF_CHECK_EQ(stat("tcps_refused"), 2);
}

H_TC(nonblocking_connect, "a non-blocking connect says EINPROGRESS, "
    "poll reports POLLOUT when it completes, no error, data flows")
{
	struct sockaddr_in sin = sin_of(5004);
	int l, s, a, e = -1, connected = 0;
	unsigned int len;
	char buf[4];

	l = listener(5004, 5);
	s = tcp_socket();
	set_nonblock(s, 1);
	H_REQUIRE_ERRNO(EINPROGRESS, rump_sys_connect(s,
	    (struct sockaddr *)&sin, sizeof(sin)));
	{
		struct pollfd pfd = { .fd = s, .events = POLLOUT };
		struct sockaddr_in peer;
		ATF_REQUIRE_EQ(RL(rump_sys_poll(&pfd, 1, 5000)), 1);
		ATF_CHECK_EQ(pfd.revents, POLLOUT);
		len = sizeof(peer);
		connected = rump_sys_getpeername(s, (struct sockaddr *)&peer,
		    &len) == 0;
	}
	ATF_REQUIRE(connected);
	len = sizeof(e);
	RL(rump_sys_getsockopt(s, SOL_SOCKET, SO_ERROR, &e, &len));
	ATF_CHECK_EQ(e, 0);
	a = RL(rump_sys_accept(l, NULL, NULL));
	ATF_CHECK_EQ(RL(rump_sys_write(s, "ping", 4)), 4);
	read_full(a, buf, 4);
	RL(rump_sys_close(s));
	RL(rump_sys_close(a));
	RL(rump_sys_close(l));
}

H_TC(listen_backlog_overflow, "with the backlog full a SYN is dropped "
    "(counted, no RST): the client stays in SYN_SENT and gets in by "
    "retransmitting its SYN once accept makes room")
{
	struct sockaddr_in sin = sin_of(5005);
	int l, s[3], a;

	knob("rto_init_ms", 200);
	knob("rto_min_ms", 200);
	l = listener(5005, 1);
	for (int i = 0; i < 3; i++) {
		s[i] = tcp_socket();
		set_nonblock(s[i], 1);
		H_REQUIRE_ERRNO(EINPROGRESS, rump_sys_connect(s[i],
		    (struct sockaddr *)&sin, sizeof(sin)));
	}
	ATF_CHECK(wait_state(local_port(s[0]), 5005, S_ESTABLISHED, 2000));
	usleep(50000);
	ATF_CHECK_EQ(conn(local_port(s[1]), 5005).kc_state, S_SYN_SENT);
	ATF_CHECK_EQ(conn(local_port(s[2]), 5005).kc_state, S_SYN_SENT);
	ATF_CHECK(stat("tcps_listendrop") >= 2);
	ATF_CHECK_EQ(stat("tcps_sndrst"), 0);
	/* Accept them one by one; each accept makes room for the next. */
	for (int i = 0; i < 3; i++) {
		set_nonblock(l, 0);
		a = RL(rump_sys_accept(l, NULL, NULL));
		RL(rump_sys_close(a));
	}
	for (int i = 0; i < 3; i++) {
		ATF_CHECK(wait_state(local_port(s[i]), 5005, S_CLOSE_WAIT,
		    5000));
		RL(rump_sys_close(s[i]));
	}
	ATF_CHECK(stat("tcps_rexmttimeo") >= 2);
	RL(rump_sys_close(l));
}

H_TC(simultaneous_close, "both ends send FIN before seeing the other's: "
    "FIN_WAIT_1, CLOSING, then TIME_WAIT on both, which 2MSL ends")
{
	int c, a;
	uint16_t cp;
	char buf[4];

	knob("msl_ms", 150);
	pair(5006, &c, &a);
	cp = local_port(c);
	RZ(rump_pub_ktest_tcp_close_both(cp, 5006));
	ATF_CHECK(wait_state(cp, 5006, S_TIME_WAIT, 2000));
	ATF_CHECK(wait_state(5006, cp, S_TIME_WAIT, 2000));
	ATF_CHECK_EQ(stat("tcps_timewait"), 2);
	ATF_CHECK_EQ(RL(rump_sys_read(c, buf, sizeof(buf))), 0);
	ATF_CHECK_EQ(RL(rump_sys_read(a, buf, sizeof(buf))), 0);
	RL(rump_sys_close(c));
	RL(rump_sys_close(a));
	/* 2MSL = 300 ms here. */
	ATF_CHECK(wait_gone(cp, 5006, 3000));
	ATF_CHECK(wait_gone(5006, cp, 3000));
}

H_TC(linger_zero_resets, "close with SO_LINGER {1, 0} sends a RST: the "
    "peer's read fails with ECONNRESET and no TIME_WAIT is left")
{
	struct linger lg = { .l_onoff = 1, .l_linger = 0 };
	int c, a;
	uint16_t cp;
	char buf[4];

	pair(5007, &c, &a);
	cp = local_port(c);
	RL(rump_sys_setsockopt(c, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg)));
	RL(rump_sys_close(c));
	ATF_CHECK(wait_gone(cp, 5007, 0));
	H_REQUIRE_ERRNO(ECONNRESET, rump_sys_read(a, buf, sizeof(buf)));
	ATF_CHECK(wait_gone(5007, cp, 2000));
	ATF_CHECK_EQ(stat("tcps_drops"), 1);
	ATF_CHECK_EQ(stat("tcps_resets"), 1);
	ATF_CHECK_EQ(stat("tcps_timewait"), 0);
	RL(rump_sys_close(a));
}

H_TC(close_unread_resets, "closing a socket with received data nobody "
    "read sends a RST (RFC 1122 4.2.2.13): the peer sees ECONNRESET")
{
	int c, a;
	uint16_t cp;
	char buf[4];

	pair(5030, &c, &a);
	cp = local_port(c);
	write_full(c, "unread", 6);
	ATF_REQUIRE(wait_state(5030, cp, S_ESTABLISHED, 1000));
	usleep(50000);				/* it has arrived */
	RL(rump_sys_close(a));
	ATF_CHECK(wait_gone(5030, cp, 2000));
	H_REQUIRE_ERRNO(ECONNRESET, rump_sys_read(c, buf, sizeof(buf)));
	ATF_CHECK_EQ(stat("tcps_drops"), 1);
	ATF_CHECK_EQ(stat("tcps_timewait"), 0);
	RL(rump_sys_close(c));
}

H_TC(rcvbuf_bounds_window, "SO_RCVBUF set before listen bounds the "
    "window the peer may fill; a large one negotiates window scaling")
{
	int l, c, a, total = 0, n;
	char buf[4096];
	struct ktest_tcpconn kc;
	uint16_t cp;

	memset(buf, 'x', sizeof(buf));
	l = tcp_socket();
	set_int(l, SOL_SOCKET, SO_RCVBUF, 8192);
	ATF_CHECK_EQ(get_int(l, SOL_SOCKET, SO_RCVBUF), 8192);
	{
		struct sockaddr_in sin = sin_of(5008);
		RL(rump_sys_bind(l, (struct sockaddr *)&sin, sizeof(sin)));
		RL(rump_sys_listen(l, 5));
	}
	c = tcp_socket();
	set_int(c, SOL_SOCKET, SO_SNDBUF, 8192);
	{
		struct sockaddr_in sin = sin_of(5008);
		RL(rump_sys_connect(c, (struct sockaddr *)&sin, sizeof(sin)));
	}
	a = RL(rump_sys_accept(l, NULL, NULL));
	cp = local_port(c);
	kc = conn(cp, 5008);
	ATF_CHECK_EQ(kc.kc_snd_scale, 0);	/* 8 KiB needs no scaling */
	ATF_CHECK(kc.kc_snd_wnd <= 8192);
	/* Fill: the server does not read. */
	set_nonblock(c, 1);
	for (;;) {
		n = rump_sys_write(c, buf, sizeof(buf));
		if (n < 0) {
			ATF_REQUIRE_EQ(errno, EAGAIN);
			usleep(20000);
			n = rump_sys_write(c, buf, sizeof(buf));
			if (n < 0)
				break;
		}
		total += n;
		ATF_REQUIRE(total < 1 << 20);
	}
	ATF_CHECK_MSG(total <= 8192 + 8192, "wrote %d", total);
	kc = conn(cp, 5008);
	ATF_CHECK_EQ(kc.kc_snd_wnd, 0);
	ATF_CHECK_EQ(kc.kc_snd_una + 0u, kc.kc_snd_max);
	/* Reading opens the window again and everything arrives. */
	{
		int got = 0;
		set_nonblock(a, 1);
		for (int i = 0; i < 2000 && got < total; i++) {
			n = rump_sys_read(a, buf, sizeof(buf));
			if (n > 0)
				got += n;
			else
				usleep(1000);
		}
		ATF_CHECK_EQ(got, total);
	}
	RL(rump_sys_close(c));
	RL(rump_sys_close(a));
	RL(rump_sys_close(l));

	/* 1 MiB buffers: both sides scale. */
	l = tcp_socket();
	set_int(l, SOL_SOCKET, SO_RCVBUF, 1 << 20);
	{
		struct sockaddr_in sin = sin_of(5009);
		RL(rump_sys_bind(l, (struct sockaddr *)&sin, sizeof(sin)));
		RL(rump_sys_listen(l, 5));
	}
	c = tcp_socket();
	set_int(c, SOL_SOCKET, SO_RCVBUF, 1 << 20);
	{
		struct sockaddr_in sin = sin_of(5009);
		RL(rump_sys_connect(c, (struct sockaddr *)&sin, sizeof(sin)));
	}
	a = RL(rump_sys_accept(l, NULL, NULL));
	cp = local_port(c);
	write_full(a, "x", 1);
	read_full(c, buf, 1);
	kc = conn(cp, 5009);
	ATF_CHECK_EQ(kc.kc_rcv_scale, 5);	/* 65535 << 5 >= 1 MiB */
	ATF_CHECK_EQ(kc.kc_snd_scale, 5);
	ATF_CHECK_MSG(kc.kc_snd_wnd > 65535, "snd_wnd %u", kc.kc_snd_wnd);
	RL(rump_sys_close(c));
	RL(rump_sys_close(a));
	RL(rump_sys_close(l));
}

H_TC(retransmit_dropped_segment, "a data segment lost on the way is "
    "retransmitted and the 256 KiB arrive intact")
{
	int c, a;

	knob("rto_init_ms", 200);
	knob("rto_min_ms", 200);
	pair(5010, &c, &a);
	knob("drop_nth", 3);
	transfer(c, a, 256 * 1024);
	ATF_CHECK_EQ(stat("tcps_testdrop"), 1);
	ATF_CHECK(stat("tcps_sndrexmitpack") >= 1);
	RL(rump_sys_close(c));
	RL(rump_sys_close(a));
}

H_TC(loss_beyond_reass_queue, "with 1 MiB buffers a segment lost at "
    "the head of a window's burst leaves more segments out of order than "
    "the reassembly queue holds; its retransmission, in order, still gets "
    "in and all 2 MiB arrive intact")
{
	struct sockaddr_in sin = sin_of(5040);
	struct sink sk;
	pthread_t t;
	const size_t mib = 1 << 20;
	uint8_t *buf = malloc(2 * mib), *rbuf = malloc(mib);
	ssize_t n;
	int l, c, a, i;

	ATF_REQUIRE(buf != NULL && rbuf != NULL);
	for (size_t k = 0; k < 2 * mib; k++)
		buf[k] = pattern(k);
	knob("rto_init_ms", 200);
	knob("rto_min_ms", 200);
	l = tcp_socket();
	set_int(l, SOL_SOCKET, SO_RCVBUF, (int)mib);
	RL(rump_sys_bind(l, (struct sockaddr *)&sin, sizeof(sin)));
	RL(rump_sys_listen(l, 5));
	c = tcp_socket();
	set_int(c, SOL_SOCKET, SO_SNDBUF, (int)mib);
	RL(rump_sys_connect(c, (struct sockaddr *)&sin, sizeof(sin)));
	set_int(c, IPPROTO_TCP, TCP_MAXSEG, 1000);
	a = RL(rump_sys_accept(l, NULL, NULL));
	RL(rump_sys_close(l));

	/* Fill the receiver's buffer (cwnd opens meanwhile), then queue 1 MiB. */
	write_full(c, buf, mib);
	for (i = 0; i < 500 && conn(local_port(c), 5040).kc_snd_wnd != 0; i++)
		usleep(10000);
	ATF_REQUIRE_EQ(conn(local_port(c), 5040).kc_snd_wnd, 0);
	write_full(c, buf + mib, mib);
	ATF_REQUIRE_MSG(conn(local_port(c), 5040).kc_cwnd > 400 * 1000,
	    "cwnd %u", conn(local_port(c), 5040).kc_cwnd);

	/*
	 * One read empties the buffer and opens the whole window at once:
	 * the sender bursts ~1000 segments, the first one lost.
	 */
	knob("drop_nth", 1);
	n = RL(rump_sys_read(a, rbuf, mib));
	ATF_REQUIRE_EQ((size_t)n, mib);
	ATF_REQUIRE(memcmp(rbuf, buf, mib) == 0);
	free(rbuf);
	sk = (struct sink){ .s_fd = a, .s_got = mib };
	RZ(pthread_create(&t, NULL, sink_thread, &sk));
	RL(rump_sys_shutdown(c, SHUT_WR));
	RZ(pthread_join(t, NULL));
	free(buf);
	ATF_REQUIRE_EQ_MSG(sk.s_errno, 0, "read: %s", strerror(sk.s_errno));
	ATF_REQUIRE_EQ_MSG(sk.s_bad, 0, "data differs at offset %zu",
	    sk.s_bad - 1);
	ATF_REQUIRE_EQ(sk.s_got, 2 * mib);
	ATF_CHECK_EQ(stat("tcps_testdrop"), 1);
	/* The queue did fill: without that this case shows nothing. */
	ATF_CHECK_MSG(stat("tcps_rcvmemdrop") > 0, "%llu out of order",
	    (unsigned long long)stat("tcps_rcvoopack"));
	ATF_CHECK(stat("tcps_sndrexmitpack") >= 1);
	RL(rump_sys_close(c));
	RL(rump_sys_close(a));
}

H_TC(fast_retransmit, "with small segments many are in flight: one "
    "lost is resent after three duplicate ACKs, before any timeout")
{
	int c, a;

	/* A timeout would take 1 s (the RFC 6298 minimum) and show. */
	pair(5026, &c, &a);
	set_int(c, IPPROTO_TCP, TCP_MAXSEG, 1000);
	set_int(c, IPPROTO_TCP, TCP_NODELAY, 1);
	knob("drop_nth", 10);
	transfer(c, a, 200 * 1000);
	ATF_CHECK_EQ(stat("tcps_testdrop"), 1);
	ATF_CHECK(stat("tcps_rcvdupack") >= 3);
	ATF_CHECK(stat("tcps_limitedxmit") >= 2);	/* RFC 3042 */
	ATF_CHECK_EQ_MSG(stat("tcps_fastrexmt"), 1, "%llu dup ACKs",
	    (unsigned long long)stat("tcps_rcvdupack"));
	ATF_CHECK_EQ(stat("tcps_rexmttimeo"), 0);
	ATF_CHECK(stat("tcps_rcvoopack") >= 1);
	RL(rump_sys_close(c));
	RL(rump_sys_close(a));
}

H_TC(simultaneous_open, "two sockets connecting to each other at once "
    "(their first SYNs lost, the retransmissions cross) both reach "
    "ESTABLISHED through SYN_RECEIVED and carry data")
{
	struct sockaddr_in sa = sin_of(5027), sb = sin_of(5028);
	int a, b, one = 1;
	char buf[4];

	knob("rto_init_ms", 100);
	a = tcp_socket();
	b = tcp_socket();
	RL(rump_sys_setsockopt(a, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)));
	RL(rump_sys_setsockopt(b, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)));
	RL(rump_sys_bind(a, (struct sockaddr *)&sa, sizeof(sa)));
	RL(rump_sys_bind(b, (struct sockaddr *)&sb, sizeof(sb)));
	set_nonblock(a, 1);
	set_nonblock(b, 1);
	/* Neither SYN may arrive before both are sent. */
	knob("blackhole", 1);
	H_REQUIRE_ERRNO(EINPROGRESS, rump_sys_connect(a,
	    (struct sockaddr *)&sb, sizeof(sb)));
	H_REQUIRE_ERRNO(EINPROGRESS, rump_sys_connect(b,
	    (struct sockaddr *)&sa, sizeof(sa)));
	knob("blackhole", 0);
	ATF_REQUIRE(wait_state(5027, 5028, S_ESTABLISHED, 5000));
	ATF_REQUIRE(wait_state(5028, 5027, S_ESTABLISHED, 5000));
	ATF_CHECK(stat("tcps_simopen") >= 1);
	/* The crossing SYN,ACKs complete it: no SYN was refused. */
	ATF_CHECK_EQ(stat("tcps_rcvsyndrop"), 0);
	set_nonblock(a, 0);
	set_nonblock(b, 0);
	write_full(a, "a2b", 3);
	read_full(b, buf, 3);
	ATF_CHECK(memcmp(buf, "a2b", 3) == 0);
	write_full(b, "b2a", 3);
	read_full(a, buf, 3);
	ATF_CHECK(memcmp(buf, "b2a", 3) == 0);
	RL(rump_sys_close(a));
	RL(rump_sys_close(b));
}

H_TC(zero_window_probe, "a receiver that stops reading closes the "
    "window; the sender probes it (persist timer), and when the window "
    "update that reopens it is lost, a probe finds the open window and "
    "the data completes")
{
	int l, c, a, n, total = 0, got = 0;
	char buf[4096];
	struct sockaddr_in sin = sin_of(5029);

	knob("rto_init_ms", 100);
	knob("rto_min_ms", 100);
	memset(buf, 'p', sizeof(buf));
	l = tcp_socket();
	set_int(l, SOL_SOCKET, SO_RCVBUF, 8192);
	RL(rump_sys_bind(l, (struct sockaddr *)&sin, sizeof(sin)));
	RL(rump_sys_listen(l, 5));
	c = connect_to(5029);
	a = RL(rump_sys_accept(l, NULL, NULL));
	set_nonblock(c, 1);
	while ((n = rump_sys_write(c, buf, sizeof(buf))) > 0 ||
	    (n < 0 && errno == EAGAIN && total == 0))
		total += n > 0 ? n : 0;
	ATF_REQUIRE_EQ(errno, EAGAIN);
	usleep(700000);
	ATF_CHECK_MSG(stat("tcps_sndprobe") >= 1, "no window probes");
	ATF_CHECK(stat("tcps_persisttimeo") >= 1);
	/* Read everything while no segment gets out: the update is lost. */
	knob("blackhole", 1);
	set_nonblock(a, 1);
	while ((n = rump_sys_read(a, buf, sizeof(buf))) > 0)
		got += n;
	knob("blackhole", 0);
	/* The rest comes on the next probe's answer. */
	set_nonblock(a, 0);
	while (got < total) {
		n = RL(rump_sys_read(a, buf, sizeof(buf)));
		ATF_REQUIRE(n > 0);
		got += n;
	}
	ATF_CHECK_EQ(got, total);
	RL(rump_sys_close(c));
	RL(rump_sys_close(a));
	RL(rump_sys_close(l));
}

H_TC(icmp_errors, "ICMP port unreachable quoting the SYN in flight "
    "aborts the connect with ECONNREFUSED; one quoting another sequence "
    "number is ignored; net unreachable is soft and reported when the "
    "connect times out")
{
	struct sockaddr_in sin = sin_of(5031);
	int s, e;
	unsigned int len = sizeof(e);
	uint16_t sp;

	knob("blackhole", 1);		/* the SYNs go nowhere */
	s = tcp_socket();
	set_nonblock(s, 1);
	H_REQUIRE_ERRNO(EINPROGRESS, rump_sys_connect(s,
	    (struct sockaddr *)&sin, sizeof(sin)));
	sp = local_port(s);
	RZ(rump_pub_ktest_tcp_icmp_unreach(sp, 5031, 3, 12345));
	ATF_CHECK_EQ(stat("tcps_icmpignored"), 1);
	ATF_CHECK_EQ(conn(sp, 5031).kc_state, S_SYN_SENT);
	RZ(rump_pub_ktest_tcp_icmp_unreach(sp, 5031, 3, 0));
	ATF_CHECK(wait_gone(sp, 5031, 0));
	RL(rump_sys_getsockopt(s, SOL_SOCKET, SO_ERROR, &e, &len));
	ATF_CHECK_EQ(e, ECONNREFUSED);
	RL(rump_sys_close(s));

	knob("rto_init_ms", 50);
	knob("synrxtshift", 1);
	s = tcp_socket();
	set_nonblock(s, 1);
	H_REQUIRE_ERRNO(EINPROGRESS, rump_sys_connect(s,
	    (struct sockaddr *)&sin, sizeof(sin)));
	sp = local_port(s);
	RZ(rump_pub_ktest_tcp_icmp_unreach(sp, 5031, 0, 0));
	ATF_CHECK_EQ(conn(sp, 5031).kc_state, S_SYN_SENT);
	ATF_REQUIRE(wait_gone(sp, 5031, 3000));
	RL(rump_sys_getsockopt(s, SOL_SOCKET, SO_ERROR, &e, &len));
	ATF_CHECK_EQ(e, EHOSTUNREACH);
	ATF_CHECK_EQ(stat("tcps_icmperrors"), 2);
	RL(rump_sys_close(s));
}

H_TC(retransmit_backoff_gives_up, "with every segment lost, the RTO "
    "doubles each time and the connection ends with ETIMEDOUT")
{
	int c, a;
	char buf[4];
	struct ktest_tcpconn kc;
	uint16_t cp;
	uint64_t t0;

	knob("rto_init_ms", 50);
	knob("rto_min_ms", 50);
	knob("maxrxtshift", 4);
	pair(5011, &c, &a);
	cp = local_port(c);
	knob("blackhole", 1);
	t0 = now_ms();
	write_full(c, "lost", 4);
	usleep(20000);
	kc = conn(cp, 5011);
	ATF_CHECK(kc.kc_snd_max != kc.kc_snd_una);
	/* 4 retransmissions: about 50+100+200+400+800 ms in all. */
	ATF_REQUIRE(wait_gone(cp, 5011, 10000));
	ATF_CHECK_MSG(now_ms() - t0 >= 1000, "gave up after %llu ms",
	    (unsigned long long)(now_ms() - t0));
	ATF_CHECK_EQ(stat("tcps_timeoutdrop"), 1);
	ATF_CHECK_EQ(stat("tcps_rexmttimeo"), 5);
	H_REQUIRE_ERRNO(ETIMEDOUT, rump_sys_read(c, buf, sizeof(buf)));
	knob("blackhole", 0);
	RL(rump_sys_close(c));
	RL(rump_sys_close(a));
}

/* lo0 up or down (SIOCSIFFLAGS), as ifconfig does. */
static void
lo0_updown(int up)
{
	struct ifreq ifr;
	int s = tcp_socket();

	memset(&ifr, 0, sizeof(ifr));
	strncpy(ifr.ifr_name, "lo0", sizeof(ifr.ifr_name) - 1);
	RL(rump_sys_ioctl(s, SIOCGIFFLAGS, &ifr));
	if (up)
		ifr.ifr_flags |= IFF_UP;
	else
		ifr.ifr_flags &= ~IFF_UP;
	RL(rump_sys_ioctl(s, SIOCSIFFLAGS, &ifr));
	RL(rump_sys_close(s));
}

H_TC(output_error_is_soft, "with the interface down, writes still "
    "succeed (queued), every transmission fails, and the connection "
    "times out reporting ENETDOWN instead of ETIMEDOUT; up again, a "
    "new connection works")
{
	int c, a;
	uint16_t cp;
	char buf[4];

	knob("rto_init_ms", 50);
	knob("rto_min_ms", 50);
	knob("maxrxtshift", 3);
	pair(5055, &c, &a);
	cp = local_port(c);
	lo0_updown(0);
	ATF_CHECK_EQ(RL(rump_sys_write(c, "down", 4)), 4);
	ATF_REQUIRE(wait_gone(cp, 5055, 5000));
	ATF_CHECK(stat("tcps_snderr") >= 4);
	ATF_CHECK_EQ(stat("tcps_timeoutdrop"), 1);
	H_REQUIRE_ERRNO(ENETDOWN, rump_sys_read(c, buf, sizeof(buf)));
	lo0_updown(1);
	RL(rump_sys_close(c));
	RL(rump_sys_close(a));
	pair(5056, &c, &a);
	write_full(c, "up", 2);
	read_full(a, buf, 2);
	RL(rump_sys_close(c));
	RL(rump_sys_close(a));
}

H_TC(connect_timeout, "a SYN nobody answers is retransmitted with "
    "backoff and connect fails with ETIMEDOUT")
{
	struct sockaddr_in sin = sin_of(5012);
	int s;

	knob("rto_init_ms", 50);
	knob("synrxtshift", 3);
	knob("blackhole", 1);
	s = tcp_socket();
	H_REQUIRE_ERRNO(ETIMEDOUT, rump_sys_connect(s, (struct sockaddr *)&sin,
	    sizeof(sin)));
	ATF_CHECK_EQ(stat("tcps_rexmttimeo"), 4);
	ATF_CHECK_EQ(stat("tcps_testdrop"), 4);
	RL(rump_sys_close(s));
}

/* Small writes while data is unacknowledged; segments sent for them. */
static uint64_t
small_writes(uint16_t port, int nodelay)
{
	int c, a;
	char buf[64];
	uint64_t before;

	pair(port, &c, &a);
	if (nodelay)
		set_int(c, IPPROTO_TCP, TCP_NODELAY, 1);
	ATF_CHECK_EQ(get_int(c, IPPROTO_TCP, TCP_NODELAY), !!nodelay);
	before = stat("tcps_sndpack");
	for (int i = 0; i < 20; i++)
		write_full(c, "y", 1);
	read_full(a, buf, 20);
	before = stat("tcps_sndpack") - before;
	RL(rump_sys_close(c));
	RL(rump_sys_close(a));
	return before;
}

H_TC(nagle_and_nodelay, "with Nagle, 20 one-byte writes leave in few "
    "segments (one in flight at a time); with TCP_NODELAY in 20")
{
	uint64_t nagle, nodelay;

	knob("delack_ms", 200);
	nagle = small_writes(5013, 0);
	nodelay = small_writes(5014, 1);
	ATF_CHECK_MSG(nagle <= 4, "Nagle: %llu segments",
	    (unsigned long long)nagle);
	ATF_CHECK_MSG(nodelay == 20, "TCP_NODELAY: %llu segments",
	    (unsigned long long)nodelay);
}

H_TC(delayed_ack, "a lone segment is ACKed after the delayed-ACK time, "
    "two full ones at once")
{
	int c, a;
	char buf[4];
	struct ktest_tcpconn kc;
	uint16_t cp;

	knob("delack_ms", 300);
	pair(5015, &c, &a);
	cp = local_port(c);
	/*
	 * Warm up: the first read opens the window past the 64 KiB a
	 * SYN can offer, and that window update carries an ACK at once.
	 */
	write_full(c, "w", 1);
	read_full(a, buf, 1);
	usleep(400000);
	ATF_REQUIRE_EQ(conn(cp, 5015).kc_snd_una, conn(cp, 5015).kc_snd_max);
	write_full(c, "abc", 3);
	read_full(a, buf, 3);
	kc = conn(cp, 5015);
	ATF_CHECK_MSG(kc.kc_snd_una != kc.kc_snd_max, "ACKed at once");
	usleep(600000);
	kc = conn(cp, 5015);
	ATF_CHECK_EQ(kc.kc_snd_una, kc.kc_snd_max);
	ATF_CHECK(stat("tcps_delack") >= 1);
	/* Two segments: ACKed without waiting. */
	set_int(c, IPPROTO_TCP, TCP_MAXSEG, 1000);
	ATF_CHECK_EQ(get_int(c, IPPROTO_TCP, TCP_MAXSEG), 1000);
	{
		char two[2000];
		memset(two, 'z', sizeof(two));
		write_full(c, two, sizeof(two));
		read_full(a, two, sizeof(two));
	}
	usleep(50000);
	kc = conn(cp, 5015);
	ATF_CHECK_EQ(kc.kc_snd_una, kc.kc_snd_max);
	RL(rump_sys_close(c));
	RL(rump_sys_close(a));
}

H_TC(keepalive_probes, "SO_KEEPALIVE with short TCP_KEEPIDLE/INTVL/CNT: "
    "an answering peer keeps the connection; a silent one is dropped "
    "with ETIMEDOUT after TCP_KEEPCNT probes")
{
	int c, a;
	char buf[4];
	uint16_t cp;

	pair(5016, &c, &a);
	cp = local_port(c);
	set_int(c, SOL_SOCKET, SO_KEEPALIVE, 1);
	set_int(c, IPPROTO_TCP, TCP_KEEPINTVL, 1);
	set_int(c, IPPROTO_TCP, TCP_KEEPCNT, 2);
	set_int(c, IPPROTO_TCP, TCP_KEEPIDLE, 1);
	ATF_CHECK_EQ(get_int(c, IPPROTO_TCP, TCP_KEEPIDLE), 1);
	ATF_CHECK_EQ(get_int(c, IPPROTO_TCP, TCP_KEEPCNT), 2);
	usleep(3500000);
	ATF_CHECK_EQ(conn(cp, 5016).kc_state, S_ESTABLISHED);
	ATF_CHECK_MSG(stat("tcps_keepprobe") >= 2, "%llu probes",
	    (unsigned long long)stat("tcps_keepprobe"));
	knob("blackhole", 1);
	ATF_REQUIRE(wait_gone(cp, 5016, 8000));
	ATF_CHECK_EQ(stat("tcps_keepdrops"), 1);
	H_REQUIRE_ERRNO(ETIMEDOUT, rump_sys_read(c, buf, sizeof(buf)));
	knob("blackhole", 0);
	RL(rump_sys_close(c));
	RL(rump_sys_close(a));
}

H_TC(time_wait_lasts_2msl, "the side closing first holds TIME_WAIT for "
    "2MSL after its socket is closed, then the connection is freed")
{
	int c, a;
	uint16_t cp;
	char buf[4];
	uint64_t t0;

	knob("msl_ms", 250);
	pair(5017, &c, &a);
	cp = local_port(c);
	RL(rump_sys_close(c));
	ATF_CHECK_EQ(RL(rump_sys_read(a, buf, sizeof(buf))), 0);
	RL(rump_sys_close(a));
	ATF_REQUIRE(wait_state(cp, 5017, S_TIME_WAIT, 2000));
	t0 = now_ms();
	/* The LAST_ACK side goes at once. */
	ATF_CHECK(wait_gone(5017, cp, 2000));
	ATF_CHECK(!wait_gone(cp, 5017, 300));
	ATF_CHECK(wait_gone(cp, 5017, 3000));
	ATF_CHECK_MSG(now_ms() - t0 >= 450, "TIME_WAIT %llu ms",
	    (unsigned long long)(now_ms() - t0));
}

H_TC(time_wait_reopened_by_syn, "a client reconnecting from the same "
    "port while the server holds the old connection in TIME_WAIT gets "
    "in: the new SYN ends TIME_WAIT (RFC 6191)")
{
	struct sockaddr_in me = sin_of(5052), srv = sin_of(5051);
	int l, c, a, one = 1;
	char buf[4];

	l = listener(5051, 5);
	c = tcp_socket();
	RL(rump_sys_setsockopt(c, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)));
	RL(rump_sys_bind(c, (struct sockaddr *)&me, sizeof(me)));
	RL(rump_sys_connect(c, (struct sockaddr *)&srv, sizeof(srv)));
	a = RL(rump_sys_accept(l, NULL, NULL));
	RL(rump_sys_close(a));		/* the server closes first */
	ATF_CHECK_EQ(RL(rump_sys_read(c, buf, sizeof(buf))), 0);
	RL(rump_sys_close(c));
	ATF_REQUIRE(wait_state(5051, 5052, S_TIME_WAIT, 2000));
	ATF_REQUIRE(wait_gone(5052, 5051, 2000));

	c = tcp_socket();
	RL(rump_sys_setsockopt(c, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)));
	RL(rump_sys_bind(c, (struct sockaddr *)&me, sizeof(me)));
	RL(rump_sys_connect(c, (struct sockaddr *)&srv, sizeof(srv)));
	a = RL(rump_sys_accept(l, NULL, NULL));
	ATF_CHECK_EQ(stat("tcps_twreopen"), 1);
	write_full(c, "new", 3);
	read_full(a, buf, 3);
	ATF_CHECK(memcmp(buf, "new", 3) == 0);
	RL(rump_sys_close(c));
	RL(rump_sys_close(a));
	RL(rump_sys_close(l));
}

H_TC(fin_wait_2_orphan_expires, "a connection in FIN_WAIT_2 whose socket "
    "is closed does not wait forever for the peer's FIN: it goes after "
    "2MSL, whether closed before or after our FIN was acknowledged")
{
	int c, a, c2, a2;
	uint16_t cp, cp2;
	char buf[4];

	knob("msl_ms", 100);
	/* shutdown first, FIN_WAIT_2, then close */
	pair(5053, &c, &a);
	cp = local_port(c);
	RL(rump_sys_shutdown(c, SHUT_WR));
	ATF_REQUIRE(wait_state(cp, 5053, S_FIN_WAIT_2, 2000));
	RL(rump_sys_close(c));
	ATF_CHECK(wait_gone(cp, 5053, 3000));
	/* close at once: FIN_WAIT_1, then FIN_WAIT_2 on the ACK */
	pair(5054, &c2, &a2);
	cp2 = local_port(c2);
	RL(rump_sys_close(c2));
	ATF_CHECK(wait_gone(cp2, 5054, 3000));
	/* The peers, still in CLOSE_WAIT, learn of it when they send. */
	ATF_CHECK_EQ(RL(rump_sys_read(a, buf, sizeof(buf))), 0);
	write_full(a, "x", 1);
	ATF_CHECK(wait_gone(5053, cp, 2000));
	RL(rump_sys_close(a));
	RL(rump_sys_close(a2));
}

H_TC(tcp_sockopts, "TCP-level options: values read back, bad values "
    "EINVAL, unknown names ENOPROTOOPT")
{
	int c, a, v = 0;
	unsigned int len = sizeof(v);

	pair(5018, &c, &a);
	ATF_CHECK_EQ(get_int(c, IPPROTO_TCP, TCP_NODELAY), 0);
	set_int(c, IPPROTO_TCP, TCP_NODELAY, 1);
	ATF_CHECK_EQ(get_int(c, IPPROTO_TCP, TCP_NODELAY), 1);
	ATF_CHECK(get_int(c, IPPROTO_TCP, TCP_MAXSEG) >= 536);
	v = 0;
	H_REQUIRE_ERRNO(EINVAL, rump_sys_setsockopt(c, IPPROTO_TCP,
	    TCP_KEEPIDLE, &v, sizeof(v)));
	v = 1000;
	H_REQUIRE_ERRNO(EINVAL, rump_sys_setsockopt(c, IPPROTO_TCP,
	    TCP_KEEPCNT, &v, sizeof(v)));
	H_REQUIRE_ERRNO(ENOPROTOOPT, rump_sys_getsockopt(c, IPPROTO_TCP, 9999,
	    &v, &len));
	H_REQUIRE_ERRNO(EINVAL, rump_sys_setsockopt(c, IPPROTO_TCP,
	    TCP_NODELAY, &v, 1));
	v = 10;					/* below 64 */
	H_REQUIRE_ERRNO(EINVAL, rump_sys_setsockopt(c, IPPROTO_TCP,
	    TCP_MAXSEG, &v, sizeof(v)));
	set_int(c, IPPROTO_TCP, TCP_KEEPINTVL, 7);
	ATF_CHECK_EQ(get_int(c, IPPROTO_TCP, TCP_KEEPINTVL), 7);
	/* Other levels reach IP: the TTL of the connection's packets. */
	set_int(c, IPPROTO_IP, IP_TTL, 33);
	ATF_CHECK_EQ(get_int(c, IPPROTO_IP, IP_TTL), 33);
	RL(rump_sys_close(c));
	RL(rump_sys_close(a));
}

static struct ktest_tcpseg
seg(uint16_t sport, uint16_t dport, uint32_t seq, uint32_t ack, int flags)
{
	struct ktest_tcpseg ks;

	memset(&ks, 0, sizeof(ks));
	ks.ks_src = ks.ks_dst = LOCALHOST;
	ks.ks_sport = sport;
	ks.ks_dport = dport;
	ks.ks_seq = seq;
	ks.ks_ack = ack;
	ks.ks_flags = (uint8_t)flags;
	ks.ks_win = 65535;
	return ks;
}

#define INJECT(ks)	RZ(rump_pub_ktest_tcp_inject(&(ks)))

H_TC(inject_to_listener, "segments to a listener: SYN+FIN, no flags and "
    "a RST are dropped and counted, an ACK is answered with a RST, a "
    "closed port answers a SYN with RST; no connection is created")
{
	int l;
	struct ktest_tcpseg ks;
	unsigned n0, n1;

	l = listener(5020, 5);
	RZ(rump_pub_ktest_tcp_count(&n0));
	ks = seg(40000, 5020, 1000, 0, F_SYN | F_FIN);
	INJECT(ks);
	ks = seg(40000, 5020, 1000, 0, 0);
	INJECT(ks);
	ks = seg(40000, 5020, 1000, 0, F_SYN | F_RST);
	INJECT(ks);
	ATF_CHECK_EQ(stat("tcps_rcvbadflags"), 3);
	ks = seg(40000, 5020, 1000, 0, F_RST);
	INJECT(ks);
	ks = seg(40000, 5020, 1000, 77, F_ACK);
	INJECT(ks);
	ATF_CHECK_EQ(stat("tcps_badsyn"), 2);
	ATF_CHECK_EQ(stat("tcps_sndrst"), 1);
	ks = seg(40000, 5021, 1000, 0, F_SYN);		/* nobody there */
	INJECT(ks);
	ATF_CHECK_EQ(stat("tcps_noport"), 1);
	ATF_CHECK_EQ(stat("tcps_sndrst"), 2);
	ks = seg(40000, 5021, 1000, 0, F_RST);	/* never answered */
	INJECT(ks);
	ATF_CHECK_EQ(stat("tcps_sndrst"), 2);
	RZ(rump_pub_ktest_tcp_count(&n1));
	ATF_CHECK_EQ(n0, n1);
	RL(rump_sys_close(l));
}

H_TC(inject_syn_reset_embryonic, "a SYN from a port with no socket "
    "makes a SYN_RECEIVED connection whose SYN,ACK draws a RST; the "
    "RST removes it without a RST in return and the listener has "
    "nothing to accept")
{
	int l;
	struct ktest_tcpseg ks;
	unsigned n;

	l = listener(5032, 5);
	ks = seg(41000, 5032, 7777, 0, F_SYN);
	INJECT(ks);
	ATF_CHECK_EQ(stat("tcps_accepts"), 1);
	ATF_CHECK(wait_gone(5032, 41000, 2000));
	ATF_CHECK_EQ(stat("tcps_noport"), 1);		/* the SYN,ACK */
	ATF_CHECK_EQ(stat("tcps_resets"), 1);
	ATF_CHECK_EQ(stat("tcps_sndrst"), 1);		/* only that one */
	RZ(rump_pub_ktest_tcp_count(&n));
	ATF_CHECK_EQ(n, 1);
	set_nonblock(l, 1);
	H_REQUIRE_ERRNO(EAGAIN, rump_sys_accept(l, NULL, NULL));
	RL(rump_sys_close(l));
}

H_TC(inject_syn_sent, "segments to a connection in SYN_SENT: an ACK "
    "of the wrong sequence number gets a RST, a RST without ACK and an "
    "ACK without SYN are dropped, and a right SYN,ACK completes it")
{
	struct sockaddr_in sin = sin_of(5033);
	struct ktest_tcpconn kc;
	struct ktest_tcpseg ks;
	int s;
	uint16_t sp;

	knob("blackhole", 1);		/* our SYN goes nowhere */
	s = tcp_socket();
	set_nonblock(s, 1);
	H_REQUIRE_ERRNO(EINPROGRESS, rump_sys_connect(s,
	    (struct sockaddr *)&sin, sizeof(sin)));
	sp = local_port(s);
	kc = conn(sp, 5033);
	ATF_REQUIRE_EQ(kc.kc_state, S_SYN_SENT);
	/* A SYN,ACK acknowledging the ISS: nothing of ours. */
	ks = seg(5033, sp, 5000, kc.kc_iss, F_SYN | F_ACK);
	INJECT(ks);
	ATF_CHECK_EQ(stat("tcps_rcvacktoomuch"), 1);
	ATF_CHECK_EQ(stat("tcps_testdrop"), 2);	/* our SYN and the RST */
	ks = seg(5033, sp, 5000, 0, F_RST);
	INJECT(ks);
	ATF_CHECK_EQ(stat("tcps_rcvrstdrop"), 1);
	ks = seg(5033, sp, 5000, kc.kc_iss + 1, F_ACK);
	INJECT(ks);
	ATF_CHECK_EQ(stat("tcps_rcvbadflags"), 1);
	ATF_CHECK_EQ(conn(sp, 5033).kc_state, S_SYN_SENT);
	ks = seg(5033, sp, 5000, kc.kc_iss + 1, F_SYN | F_ACK);
	INJECT(ks);
	kc = conn(sp, 5033);
	ATF_CHECK_EQ(kc.kc_state, S_ESTABLISHED);
	ATF_CHECK_EQ(kc.kc_irs, 5000);
	ATF_CHECK_EQ(kc.kc_rcv_nxt, 5001);
	ATF_CHECK_EQ(kc.kc_maxseg, 536);	/* no MSS option */
	knob("blackhole", 0);
	RL(rump_sys_close(s));
}

H_TC(inject_after_fin, "data arriving after the peer's FIN is not "
    "delivered and is counted")
{
	int c, a;
	uint16_t cp;
	struct ktest_tcpconn kc;
	struct ktest_tcpseg ks;
	char buf[8];

	pair(5034, &c, &a);
	cp = local_port(c);
	RL(rump_sys_shutdown(c, SHUT_WR));
	ATF_REQUIRE(wait_state(5034, cp, S_CLOSE_WAIT, 2000));
	kc = conn(5034, cp);
	ks = seg(cp, 5034, kc.kc_rcv_nxt, kc.kc_snd_nxt, F_ACK);
	ks.ks_datalen = 8;
	INJECT(ks);
	ATF_CHECK_EQ(stat("tcps_rcvafterfin"), 1);
	ATF_CHECK_EQ(RL(rump_sys_read(a, buf, sizeof(buf))), 0);
	RL(rump_sys_close(c));
	RL(rump_sys_close(a));
}

H_TC(inject_syn_again, "a SYN repeated to a connection in SYN_RECEIVED "
    "(its SYN,ACK was lost) makes it send the SYN,ACK again at once")
{
	int l;
	struct ktest_tcpseg ks;
	struct ktest_tcpconn kc;

	l = listener(5045, 5);
	knob("blackhole", 1);
	ks = seg(41001, 5045, 9000, 0, F_SYN);
	INJECT(ks);
	ATF_CHECK_EQ(stat("tcps_testdrop"), 1);		/* the SYN,ACK */
	kc = conn(5045, 41001);
	ATF_CHECK_EQ(kc.kc_state, 3);			/* SYN_RECEIVED */
	ATF_CHECK_EQ(kc.kc_snd_nxt, kc.kc_iss + 1);
	INJECT(ks);
	ATF_CHECK_EQ(stat("tcps_testdrop"), 2);		/* sent again */
	ATF_CHECK_EQ(stat("tcps_rcvsyndrop"), 0);
	ATF_CHECK_EQ(stat("tcps_accepts"), 1);	/* no second one */
	knob("blackhole", 0);
	RL(rump_sys_close(l));
}

H_TC(inject_malformed, "truncated headers, bad checksums, bad data "
    "offsets and hostile options are dropped and counted")
{
	int l;
	struct ktest_tcpseg ks;
	static const uint8_t badopt[4] = { 2, 0, 5, 0xb4 };	/* len 0 */
	static const uint8_t longopt[4] = { 2, 40, 5, 0xb4 }; /* too long */
	static const uint8_t mss3[4] = { 2, 3, 5, 1 };	/* MSS len 3 */

	l = listener(5022, 5);
	ks = seg(40000, 5022, 1000, 0, F_SYN);
	ks.ks_trunc = 30;				/* 20 IP + 10 */
	INJECT(ks);
	ATF_CHECK_EQ(stat("tcps_rcvshort"), 1);
	ks = seg(40000, 5022, 1000, 0, F_SYN);
	ks.ks_badsum = 1;
	INJECT(ks);
	ATF_CHECK_EQ(stat("tcps_rcvbadsum"), 1);
	ks = seg(40000, 5022, 1000, 0, F_SYN);
	ks.ks_off = 4;					/* < 5 words */
	INJECT(ks);
	ks.ks_off = 15;				/* past the end */
	INJECT(ks);
	ATF_CHECK_EQ(stat("tcps_rcvbadoff"), 2);
	ks = seg(40000, 5022, 1000, 0, F_SYN);
	ks.ks_opt = badopt;
	ks.ks_optlen = sizeof(badopt);
	INJECT(ks);
	ks.ks_opt = longopt;
	INJECT(ks);
	ks.ks_opt = mss3;
	INJECT(ks);
	ATF_CHECK_EQ(stat("tcps_rcvbadopt"), 3);
	ATF_CHECK_EQ(stat("tcps_accepts"), 0);
	ATF_CHECK_EQ(stat("tcps_sndtotal"), 0);
	RL(rump_sys_close(l));
}

H_TC(inject_wild_established, "on an established connection: a RST off "
    "RCV.NXT but in the window gets a challenge ACK (RFC 5961), one "
    "outside is dropped, a SYN gets a challenge ACK, data outside the "
    "window is answered by an ACK, an ACK of unsent data is refused; "
    "the connection survives and still carries data; an exact RST "
    "resets it")
{
	int c, a;
	uint16_t cp;
	struct ktest_tcpconn kc;
	struct ktest_tcpseg ks;
	char buf[8];

	knob("oowlimit_ms", 0);		/* count every answer */
	pair(5023, &c, &a);
	cp = local_port(c);
	kc = conn(5023, cp);		/* the server's view */

	ks = seg(cp, 5023, kc.kc_rcv_nxt + 100, kc.kc_snd_nxt, F_RST);
	INJECT(ks);
	ATF_CHECK_EQ(stat("tcps_challengeack"), 1);
	ks = seg(cp, 5023, kc.kc_rcv_nxt + 0x40000000u, kc.kc_snd_nxt, F_RST);
	INJECT(ks);
	ATF_CHECK_EQ(stat("tcps_rcvrstdrop"), 2);
	ATF_CHECK_EQ(stat("tcps_challengeack"), 1);
	ks = seg(cp, 5023, kc.kc_rcv_nxt, kc.kc_snd_nxt, F_SYN);
	INJECT(ks);
	ks = seg(cp, 5023, kc.kc_rcv_nxt + 12345, kc.kc_snd_nxt, F_SYN);
	INJECT(ks);
	ATF_CHECK_EQ(stat("tcps_rcvsyndrop"), 2);
	ATF_CHECK_EQ(stat("tcps_challengeack"), 3);
	ks = seg(cp, 5023, kc.kc_rcv_nxt + 0x70000000u, kc.kc_snd_nxt,
	    F_ACK | F_PUSH);
	ks.ks_datalen = 100;
	INJECT(ks);
	ATF_CHECK_EQ(stat("tcps_rcvoutofwin"), 1);
	ks = seg(cp, 5023, kc.kc_rcv_nxt - 5000, kc.kc_snd_nxt, F_ACK);
	ks.ks_datalen = 10;
	INJECT(ks);
	ATF_CHECK_EQ(stat("tcps_rcvduppack"), 1);
	ks = seg(cp, 5023, kc.kc_rcv_nxt, kc.kc_snd_nxt + 99999, F_ACK);
	INJECT(ks);
	ATF_CHECK_EQ(stat("tcps_rcvacktoomuch"), 1);
	ks = seg(cp, 5023, kc.kc_rcv_nxt, kc.kc_snd_nxt - 0x60000000u, F_ACK);
	INJECT(ks);
	ATF_CHECK_EQ(stat("tcps_rcvackold"), 1);
	ks = seg(cp, 5023, kc.kc_rcv_nxt, kc.kc_snd_nxt, F_PUSH | F_FIN);
	ks.ks_datalen = 5;
	INJECT(ks);
	ATF_CHECK_EQ(stat("tcps_rcvnoack"), 1);

	/* Nothing of the junk reached the reader; the connection works. */
	ATF_CHECK_EQ(conn(5023, cp).kc_state, S_ESTABLISHED);
	write_full(c, "fine", 4);
	read_full(a, buf, 4);
	ATF_CHECK(memcmp(buf, "fine", 4) == 0);
	write_full(a, "ok", 2);
	read_full(c, buf, 2);

	/*
	 * Data overlapping the left edge: the old part is cut and the
	 * reader gets the new bytes ("fghij", pattern offsets 5-9).  Data
	 * running past the window is cut at its right edge.  From here
	 * the two ends disagree on the sequence space: the ACK rate limit
	 * must be back on, or they would trade ACKs forever.
	 */
	knob("oowlimit_ms", 500);
	kc = conn(5023, cp);
	ks = seg(cp, 5023, kc.kc_rcv_nxt - 5, kc.kc_snd_nxt, F_ACK);
	ks.ks_datalen = 10;
	INJECT(ks);
	ATF_CHECK_EQ(stat("tcps_rcvpartduppack"), 1);
	read_full(a, buf, 5);
	ATF_CHECK(memcmp(buf, "fghij", 5) == 0);
	kc = conn(5023, cp);
	ks = seg(cp, 5023, kc.kc_rcv_adv - 10, kc.kc_snd_nxt, F_ACK);
	ks.ks_datalen = 100;
	INJECT(ks);
	ATF_CHECK_EQ(stat("tcps_rcvpackafterwin"), 1);
	ATF_CHECK_EQ(conn(5023, cp).kc_segqlen, 1);

	/* An exact RST is believed. */
	kc = conn(5023, cp);
	ks = seg(cp, 5023, kc.kc_rcv_nxt, 0, F_RST);
	INJECT(ks);
	ATF_CHECK(wait_gone(5023, cp, 1000));
	H_REQUIRE_ERRNO(ECONNRESET, rump_sys_read(a, buf, sizeof(buf)));
	RL(rump_sys_close(c));
	RL(rump_sys_close(a));
}

H_TC(inject_out_of_order, "segments arriving out of order wait in the "
    "reassembly queue, overlaps are trimmed, and the reader gets the "
    "bytes in order once the hole is filled; the ACK loop the phantom "
    "data starts is rate limited")
{
	int c, a;
	uint16_t cp;
	struct ktest_tcpconn kc;
	struct ktest_tcpseg ks;
	char buf[256], want[256];

	pair(5024, &c, &a);
	cp = local_port(c);
	kc = conn(5024, cp);
	/*
	 * The kernel fills a segment with 'a' + i % 26 from its start, so
	 * each piece starts at a multiple of 26 to line up with the rest.
	 */
#define PIECE(from, len) do {						\
	ks = seg(cp, 5024, kc.kc_rcv_nxt + (from), kc.kc_snd_nxt, F_ACK); \
	ks.ks_datalen = (len);						\
	INJECT(ks);							\
} while (0)
	PIECE(26, 30);			/* [26, 56) waits */
	ATF_CHECK_EQ(conn(5024, cp).kc_segqlen, 1);
	PIECE(52, 4);			/* inside it: a duplicate */
	ATF_CHECK_EQ(conn(5024, cp).kc_segqlen, 1);
	ATF_CHECK_EQ(stat("tcps_rcvduppack"), 1);
	PIECE(104, 26);			/* [104, 130) after a gap */
	PIECE(52, 26);			/* [52, 78): trimmed to 56 */
	ATF_CHECK_EQ(conn(5024, cp).kc_segqlen, 3);
	PIECE(78, 104);			/* [78, 182) eats [104, 130) */
	ATF_CHECK_EQ(conn(5024, cp).kc_segqlen, 3);
	PIECE(0, 26);			/* the hole: all of it is ready */
#undef PIECE
	ATF_CHECK_EQ(conn(5024, cp).kc_segqlen, 0);
	for (int i = 0; i < 182; i++)
		want[i] = (char)('a' + i % 26);
	read_full(a, buf, 182);
	ATF_CHECK(memcmp(buf, want, 182) == 0);
	ATF_CHECK_EQ(stat("tcps_rcvoopack"), 4);
	/*
	 * The server now acknowledges 56 bytes the client never sent; the
	 * two would trade ACKs forever but for the rate limit.
	 */
	usleep(100000);
	ATF_CHECK(stat("tcps_ackratelimited") >= 1);
	RL(rump_sys_close(c));
	RL(rump_sys_close(a));
}

H_TC(data_after_close_resets, "data arriving for a connection whose "
    "socket was closed is answered with a RST (RFC 9293 3.6)")
{
	int c, a;
	uint16_t cp;
	char buf[4];

	pair(5025, &c, &a);
	cp = local_port(c);
	RL(rump_sys_close(a));			/* server closes first */
	ATF_CHECK(wait_state(cp, 5025, S_CLOSE_WAIT, 2000));
	ATF_CHECK_EQ(RL(rump_sys_read(c, buf, sizeof(buf))), 0);
	write_full(c, "late", 4);	/* to FIN_WAIT_2, no reader */
	ATF_CHECK(wait_gone(5025, cp, 2000));
	ATF_CHECK_EQ(stat("tcps_rcvafterclose"), 1);
	ATF_CHECK(wait_gone(cp, 5025, 2000));
	H_REQUIRE_ERRNO(ECONNRESET, rump_sys_read(c, buf, sizeof(buf)));
	RL(rump_sys_close(c));
}

H_TC(inject_random_segments, "20000 random segments (any flags, "
    "sequence and acknowledgment numbers near and far, options, "
    "lengths, offsets, bad checksums, truncation) to a listener, an "
    "established connection, a TIME_WAIT one, a half-closed one and a "
    "closed port: all counted, no crash, no leak, no hang")
{
	struct ktest_tcpconn kc[5];
	struct ktest_tcpseg ks;
	uint8_t opt[40];
	unsigned seed = 4242;
	uint64_t before;
	uint16_t lport[5], fport[5];
	int l, c, a, c2, a2, c3, a3;
	char buf[4];

	/* Another seed for exploring: TCP_FUZZ_SEED=n. */
	if (getenv("TCP_FUZZ_SEED") != NULL)
		seed = (unsigned)strtoul(getenv("TCP_FUZZ_SEED"), NULL, 0);
	l = listener(5040, 5);
	pair(5041, &c, &a);
	pair(5043, &c2, &a2);		/* c2 ends in TIME_WAIT */
	RL(rump_sys_shutdown(c2, SHUT_WR));
	ATF_CHECK_EQ(RL(rump_sys_read(a2, buf, sizeof(buf))), 0);
	RL(rump_sys_close(a2));
	ATF_REQUIRE(wait_state(local_port(c2), 5043, S_TIME_WAIT, 2000));
	pair(5044, &c3, &a3);		/* a3 in CLOSE_WAIT */
	RL(rump_sys_shutdown(c3, SHUT_WR));
	ATF_REQUIRE(wait_state(5044, local_port(c3), S_CLOSE_WAIT, 2000));
	lport[0] = 5040; fport[0] = 0;
	lport[1] = 5041; fport[1] = local_port(c);
	lport[2] = local_port(c2); fport[2] = 5043;
	lport[3] = 5044; fport[3] = local_port(c3);
	lport[4] = 5042; fport[4] = 0;	/* nobody */
	memset(kc, 0, sizeof(kc));
	for (int t = 1; t < 4; t++)
		kc[t] = conn(lport[t], fport[t]);
	before = stat("tcps_rcvtotal");
	for (int i = 0; i < 20000; i++) {
		unsigned r = (unsigned)rand_r(&seed), t = r % 5;
		int32_t near = (int32_t)(rand_r(&seed) % 140000) - 70000;

		ks = seg(fport[t] != 0 ? fport[t] :
		    (uint16_t)(41000 + r % 50), lport[t],
		    r & 8 ? kc[t].kc_rcv_nxt + (uint32_t)near :
		    (uint32_t)rand_r(&seed) * 2u,
		    r & 16 ? kc[t].kc_snd_nxt + (uint32_t)near / 16 :
		    (uint32_t)rand_r(&seed) * 2u, rand_r(&seed) & 0xff);
		ks.ks_win = (uint16_t)rand_r(&seed);
		ks.ks_datalen = (size_t)(rand_r(&seed) % 4 == 0 ?
		    rand_r(&seed) % 200 : 0);
		if (rand_r(&seed) % 3 == 0) {
			ks.ks_optlen = (size_t)(rand_r(&seed) % 11) * 4;
			for (size_t j = 0; j < ks.ks_optlen; j++)
				opt[j] = (uint8_t)(rand_r(&seed) % 2 ?
				    rand_r(&seed) % 9 : rand_r(&seed));
			ks.ks_opt = opt;
		}
		if (rand_r(&seed) % 16 == 0)
			ks.ks_off = rand_r(&seed) % 16;
		ks.ks_badsum = rand_r(&seed) % 16 == 0;
		if (rand_r(&seed) % 32 == 0)
			ks.ks_trunc = (size_t)(rand_r(&seed) % 60);
		INJECT(ks);
	}
	ATF_CHECK(stat("tcps_rcvtotal") - before >= 20000);
	ATF_CHECK(stat("tcps_rcvbadsum") > 0);
	ATF_CHECK(stat("tcps_rcvbadopt") > 0);
	ATF_CHECK(stat("tcps_rcvbadoff") > 0);
	ATF_CHECK(stat("tcps_rcvbadflags") > 0);
	ATF_CHECK(stat("tcps_noport") > 0);
	RL(rump_sys_close(c));
	RL(rump_sys_close(a));
	RL(rump_sys_close(c2));
	RL(rump_sys_close(c3));
	RL(rump_sys_close(a3));
	RL(rump_sys_close(l));
}

H_TC(shutdown_with_connections, "the kernel shuts down cleanly (no leak, "
    "no panic) with connections in every kind of state still around: "
    "open sockets, a listener with an unaccepted connection, TIME_WAIT, "
    "data in flight")
{
	int c, a, l, c2, c3, a3;
	char buf[8];

	pair(5035, &c, &a);
	write_full(c, "pending", 7);	/* unread at shutdown */
	l = listener(5036, 5);
	c2 = connect_to(5036);		/* never accepted */
	pair(5037, &c3, &a3);
	RL(rump_sys_close(c3));		/* TIME_WAIT on this side */
	ATF_CHECK_EQ(RL(rump_sys_read(a3, buf, sizeof(buf))), 0);
	RL(rump_sys_close(a3));
	knob("blackhole", 1);
	write_full(a, "lost", 4);	/* in flight, never acked */
	(void)c2;
	(void)l;
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, connect_accept_exchange);
	ATF_TP_ADD_TC(tp, transfer_1mib_verified);
	ATF_TP_ADD_TC(tp, half_close);
	ATF_TP_ADD_TC(tp, refused_closed_port);
	ATF_TP_ADD_TC(tp, nonblocking_connect);
	ATF_TP_ADD_TC(tp, listen_backlog_overflow);
	ATF_TP_ADD_TC(tp, simultaneous_close);
	ATF_TP_ADD_TC(tp, linger_zero_resets);
	ATF_TP_ADD_TC(tp, close_unread_resets);
	ATF_TP_ADD_TC(tp, rcvbuf_bounds_window);
	ATF_TP_ADD_TC(tp, retransmit_dropped_segment);
	ATF_TP_ADD_TC(tp, loss_beyond_reass_queue);
	ATF_TP_ADD_TC(tp, fast_retransmit);
	ATF_TP_ADD_TC(tp, simultaneous_open);
	ATF_TP_ADD_TC(tp, zero_window_probe);
	ATF_TP_ADD_TC(tp, icmp_errors);
	ATF_TP_ADD_TC(tp, retransmit_backoff_gives_up);
	ATF_TP_ADD_TC(tp, output_error_is_soft);
	ATF_TP_ADD_TC(tp, connect_timeout);
	ATF_TP_ADD_TC(tp, nagle_and_nodelay);
	ATF_TP_ADD_TC(tp, delayed_ack);
	ATF_TP_ADD_TC(tp, keepalive_probes);
	ATF_TP_ADD_TC(tp, time_wait_lasts_2msl);
	ATF_TP_ADD_TC(tp, time_wait_reopened_by_syn);
	ATF_TP_ADD_TC(tp, fin_wait_2_orphan_expires);
	ATF_TP_ADD_TC(tp, tcp_sockopts);
	ATF_TP_ADD_TC(tp, inject_to_listener);
	ATF_TP_ADD_TC(tp, inject_syn_reset_embryonic);
	ATF_TP_ADD_TC(tp, inject_syn_sent);
	ATF_TP_ADD_TC(tp, inject_after_fin);
	ATF_TP_ADD_TC(tp, inject_syn_again);
	ATF_TP_ADD_TC(tp, inject_malformed);
	ATF_TP_ADD_TC(tp, inject_wild_established);
	ATF_TP_ADD_TC(tp, inject_out_of_order);
	ATF_TP_ADD_TC(tp, data_after_close_resets);
	ATF_TP_ADD_TC(tp, inject_random_segments);
	ATF_TP_ADD_TC(tp, shutdown_with_connections);
	return atf_no_error();
}
