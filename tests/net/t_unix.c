/*
 * t_unix: local (AF_UNIX) sockets in one kernel with a root tmpfs:
 * socketpair of each type, stream semantics (partial reads, EOF, EPIPE,
 * shutdown), record boundaries and MSG_TRUNC, flow control and
 * readiness, names in the file system and in the abstract namespace,
 * passing descriptors (SCM_RIGHTS) and credentials, bad arguments, and
 * megabytes between two threads.  t_unix_novfs checks a kernel without
 * the VFS.
 */
#include <sys/ioctl.h>
#include <sys/param.h>
#include <sys/stat.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "unix_common.h"

static void
xpair(int type, int sv[2])
{
	RL(rump_sys_socketpair(AF_UNIX, type, 0, sv));
}

static int
revents(int fd, int events)
{
	struct pollfd pfd = { .fd = fd, .events = (short)events };

	RL(rump_sys_poll(&pfd, 1, 0));
	return pfd.revents;
}

H_TC(socketpair_stream_roundtrip, "a stream socketpair carries bytes both "
    "ways; reads may be partial; both ends are unnamed")
{
	struct sockaddr_un sun;
	socklen_t len;
	char buf[16];
	int sv[2], v;

	xpair(SOCK_STREAM, sv);
	ATF_REQUIRE_EQ(RL(rump_sys_write(sv[0], "0123456789", 10)), 10);
	ATF_REQUIRE_EQ(RL(rump_sys_read(sv[1], buf, 4)), 4);
	ATF_REQUIRE(memcmp(buf, "0123", 4) == 0);
	ATF_REQUIRE_EQ(RL(rump_sys_read(sv[1], buf, sizeof(buf))), 6);
	ATF_REQUIRE(memcmp(buf, "456789", 6) == 0);
	ATF_REQUIRE_EQ(RL(rump_sys_write(sv[1], "back", 4)), 4);
	ATF_REQUIRE_EQ(RL(rump_sys_read(sv[0], buf, sizeof(buf))), 4);
	ATF_REQUIRE(memcmp(buf, "back", 4) == 0);
	len = sizeof(sun);
	RL(rump_sys_getsockname(sv[0], (struct sockaddr *)&sun, &len));
	ATF_REQUIRE_EQ(len, sizeof(sa_family_t));
	ATF_REQUIRE_EQ(sun.sun_family, AF_UNIX);
	len = sizeof(sun);
	RL(rump_sys_getpeername(sv[0], (struct sockaddr *)&sun, &len));
	ATF_REQUIRE_EQ(len, sizeof(sa_family_t));
	len = sizeof(v);
	RL(rump_sys_getsockopt(sv[0], SOL_SOCKET, SO_TYPE, &v, &len));
	ATF_REQUIRE_EQ(v, SOCK_STREAM);
	len = sizeof(v);
	RL(rump_sys_getsockopt(sv[0], SOL_SOCKET, SO_DOMAIN, &v, &len));
	ATF_REQUIRE_EQ(v, AF_UNIX);
	RL(rump_sys_close(sv[0]));
	RL(rump_sys_close(sv[1]));
}

H_TC(socketpair_bad_args, "socketpair rejects bad domains, types, "
    "protocols, flags and pointers as Linux does, leaving no descriptor")
{
	int sv[2], s;

	H_REQUIRE_ERRNO(EAFNOSUPPORT, rump_sys_socketpair(99, SOCK_STREAM, 0,
	    sv));
	H_REQUIRE_ERRNO(ESOCKTNOSUPPORT, rump_sys_socketpair(AF_UNIX, 6, 0,
	    sv));
	H_REQUIRE_ERRNO(EINVAL, rump_sys_socketpair(AF_UNIX, 99, 0, sv));
	H_REQUIRE_ERRNO(EOPNOTSUPP, rump_sys_socketpair(AF_INET, SOCK_DGRAM,
	    0, sv));
	H_REQUIRE_ERRNO(EPROTONOSUPPORT, rump_sys_socketpair(AF_UNIX,
	    SOCK_STREAM, 6, sv));
	H_REQUIRE_ERRNO(EINVAL, rump_sys_socketpair(AF_UNIX,
	    SOCK_STREAM | 0x1000000, 0, sv));
	H_REQUIRE_ERRNO(EFAULT, rump_sys_socketpair(AF_UNIX, SOCK_STREAM, 0,
	    NULL));
	H_REQUIRE_ERRNO(EFAULT, rump_sys_socketpair(AF_UNIX, SOCK_DGRAM, 0,
	    (int *)(uintptr_t)8));
	/* the failed calls left no descriptor behind: 0 is still free */
	s = RL(rump_sys_socket(AF_UNIX, SOCK_STREAM, 0));
	ATF_REQUIRE_EQ(s, 0);
	RL(rump_sys_close(s));
}

H_TC(socketpair_flags, "SOCK_NONBLOCK and SOCK_CLOEXEC apply to both ends")
{
	char c;
	int sv[2];

	RL(rump_sys_socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, 0, sv));
	H_REQUIRE_ERRNO(EAGAIN, rump_sys_read(sv[0], &c, 1));
	H_REQUIRE_ERRNO(EAGAIN, rump_sys_read(sv[1], &c, 1));
	ATF_REQUIRE(RL(rump_sys_fcntl(sv[0], F_GETFL, 0)) & O_NONBLOCK);
	ATF_REQUIRE_EQ(RL(rump_sys_fcntl(sv[1], F_GETFD, 0)), FD_CLOEXEC);
	RL(rump_sys_close(sv[0]));
	RL(rump_sys_close(sv[1]));
}

H_TC(stream_eof_epipe, "after the peer closes, queued data is read, then "
    "EOF; writing gives EPIPE; poll says POLLHUP")
{
	char buf[8];
	int sv[2];

	xpair(SOCK_STREAM, sv);
	RL(rump_sys_write(sv[0], "last", 4));
	RL(rump_sys_close(sv[0]));
	ATF_REQUIRE(revents(sv[1], POLLIN) & POLLHUP);
	ATF_REQUIRE_EQ(RL(rump_sys_read(sv[1], buf, sizeof(buf))), 4);
	ATF_REQUIRE_EQ(RL(rump_sys_read(sv[1], buf, sizeof(buf))), 0);
	H_REQUIRE_ERRNO(EPIPE, rump_sys_write(sv[1], "x", 1));
	RL(rump_sys_close(sv[1]));
}

H_TC(stream_unread_resets, "closing with unread data resets the peer: "
    "ECONNRESET once its own data is read, as Linux")
{
	char buf[8];
	int sv[2];

	xpair(SOCK_STREAM, sv);
	RL(rump_sys_write(sv[1], "unread", 6));
	RL(rump_sys_write(sv[0], "ab", 2));
	RL(rump_sys_close(sv[0]));
	ATF_REQUIRE_EQ(RL(rump_sys_read(sv[1], buf, sizeof(buf))), 2);
	H_REQUIRE_ERRNO(ECONNRESET, rump_sys_read(sv[1], buf, sizeof(buf)));
	RL(rump_sys_close(sv[1]));
}

H_TC(stream_shutdown, "shutdown: SHUT_WR gives the peer EOF and us EPIPE, "
    "SHUT_RD makes the peer's writes EPIPE, a bad how is EINVAL")
{
	char buf[8];
	int sv[2];

	xpair(SOCK_STREAM, sv);
	H_REQUIRE_ERRNO(EINVAL, rump_sys_shutdown(sv[0], 7));
	RL(rump_sys_shutdown(sv[0], SHUT_WR));
	ATF_REQUIRE_EQ(RL(rump_sys_read(sv[1], buf, sizeof(buf))), 0);
	H_REQUIRE_ERRNO(EPIPE, rump_sys_write(sv[0], "x", 1));
	/* the other way still works */
	RL(rump_sys_write(sv[1], "yes", 3));
	ATF_REQUIRE_EQ(RL(rump_sys_read(sv[0], buf, sizeof(buf))), 3);
	RL(rump_sys_shutdown(sv[0], SHUT_RD));
	H_REQUIRE_ERRNO(EPIPE, rump_sys_write(sv[1], "x", 1));
	ATF_REQUIRE_EQ(RL(rump_sys_read(sv[0], buf, sizeof(buf))), 0);
	RL(rump_sys_close(sv[0]));
	RL(rump_sys_close(sv[1]));

	xpair(SOCK_SEQPACKET, sv);
	RL(rump_sys_shutdown(sv[1], SHUT_RDWR));
	ATF_REQUIRE(revents(sv[1], POLLIN) & POLLHUP);
	H_REQUIRE_ERRNO(EPIPE, rump_sys_write(sv[0], "x", 1));
	RL(rump_sys_close(sv[0]));
	RL(rump_sys_close(sv[1]));
}

/* Three records, one read short of its record: boundaries and MSG_TRUNC. */
static void
check_records(int type)
{
	struct iovec iov;
	struct msghdr msg;
	char buf[64];
	int sv[2];

	xpair(type, sv);
	RL(rump_sys_send(sv[0], "first", 5, 0));
	RL(rump_sys_send(sv[0], "second record", 13, 0));
	RL(rump_sys_send(sv[0], "", 0, 0));
	RL(rump_sys_send(sv[0], "3rd", 3, 0));
	ATF_REQUIRE_EQ(RL(rump_sys_recv(sv[1], buf, sizeof(buf), 0)), 5);
	memset(&msg, 0, sizeof(msg));
	iov.iov_base = buf;
	iov.iov_len = 6;
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	ATF_REQUIRE_EQ(RL(rump_sys_recvmsg(sv[1], &msg, 0)), 6);
	ATF_REQUIRE(msg.msg_flags & MSG_TRUNC);
	ATF_REQUIRE(memcmp(buf, "second", 6) == 0);
	ATF_REQUIRE_EQ(RL(rump_sys_recv(sv[1], buf, sizeof(buf), 0)), 0);
	ATF_REQUIRE_EQ(RL(rump_sys_recv(sv[1], buf, sizeof(buf), 0)), 3);
	ATF_REQUIRE(memcmp(buf, "3rd", 3) == 0);
	H_REQUIRE_ERRNO(EAGAIN, rump_sys_recv(sv[1], buf, sizeof(buf),
	    MSG_DONTWAIT));
	RL(rump_sys_close(sv[0]));
	RL(rump_sys_close(sv[1]));
}

H_TC(dgram_records, "datagram socketpair: record boundaries, empty "
    "datagrams, MSG_TRUNC on a short buffer")
{
	check_records(SOCK_DGRAM);
}

H_TC(seqpacket_records, "seqpacket socketpair: record boundaries, "
    "MSG_TRUNC, EOF after the peer closes")
{
	char buf[8];
	int sv[2];

	check_records(SOCK_SEQPACKET);
	xpair(SOCK_SEQPACKET, sv);
	RL(rump_sys_close(sv[0]));
	ATF_REQUIRE_EQ(RL(rump_sys_recv(sv[1], buf, sizeof(buf), 0)), 0);
	RL(rump_sys_close(sv[1]));
}

H_TC(stream_flow_control, "a non-blocking writer fills SO_SNDBUF, gets "
    "EAGAIN and no POLLOUT; a read makes room; FIONREAD counts")
{
	char buf[1024];
	size_t total = 0;
	ssize_t n;
	int sv[2], v = 8192, q;
	socklen_t len = sizeof(v);

	RL(rump_sys_socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv));
	RL(rump_sys_setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &v, sizeof(v)));
	RL(rump_sys_getsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &v, &len));
	ATF_REQUIRE(v >= 8192);
	ATF_REQUIRE_EQ(revents(sv[0], POLLOUT), POLLOUT);
	ATF_REQUIRE_EQ(revents(sv[1], POLLIN), 0);
	memset(buf, 'f', sizeof(buf));
	while ((n = rump_sys_write(sv[0], buf, sizeof(buf))) > 0)
		total += (size_t)n;
	ATF_REQUIRE_EQ(errno, EAGAIN);
	ATF_REQUIRE(total >= 8192 && total <= (size_t)v + sizeof(buf));
	ATF_REQUIRE_EQ(revents(sv[0], POLLOUT), 0);
	ATF_REQUIRE_EQ(revents(sv[1], POLLIN), POLLIN);
	RL(rump_sys_ioctl(sv[1], FIONREAD, &q));
	ATF_REQUIRE_EQ((size_t)q, total);
	ATF_REQUIRE_EQ(RL(rump_sys_read(sv[1], buf, sizeof(buf))),
	    (ssize_t)sizeof(buf));
	ATF_REQUIRE_EQ(revents(sv[0], POLLOUT), POLLOUT);
	RL(rump_sys_ioctl(sv[1], FIONREAD, &q));
	ATF_REQUIRE_EQ((size_t)q, total - sizeof(buf));
	RL(rump_sys_close(sv[0]));
	RL(rump_sys_close(sv[1]));
}

H_TC(dgram_flow_control, "datagrams queued unread hold a connected "
    "sender at SO_SNDBUF: EAGAIN, and no POLLOUT once it is full, until a "
    "read; one bigger than SO_SNDBUF is EMSGSIZE")
{
	static char big[8192];
	char buf[1000];
	int sv[2], v = 4096, n = 0;

	RL(rump_sys_socketpair(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK, 0, sv));
	RL(rump_sys_setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &v, sizeof(v)));
	memset(buf, 'd', sizeof(buf));
	H_REQUIRE_ERRNO(EMSGSIZE, rump_sys_send(sv[0], big, sizeof(big), 0));
	ATF_REQUIRE_EQ(RL(rump_sys_send(sv[0], buf, 1, 0)), 1);
	ATF_REQUIRE_EQ(RL(rump_sys_send(sv[0], buf, 0, 0)), 0);
	while (rump_sys_send(sv[0], buf, sizeof(buf), 0) == sizeof(buf))
		n++;
	ATF_REQUIRE_EQ(errno, EAGAIN);
	ATF_REQUIRE(n >= 3 && n <= 5);
	/* smaller ones fill the rest: then the socket is not writable */
	while (rump_sys_send(sv[0], buf, 1, 0) == 1)
		;
	ATF_REQUIRE_EQ(errno, EAGAIN);
	ATF_REQUIRE_EQ(revents(sv[0], POLLOUT), 0);
	ATF_REQUIRE_EQ(RL(rump_sys_recv(sv[1], buf, sizeof(buf), 0)), 1);
	ATF_REQUIRE_EQ(revents(sv[0], POLLOUT), POLLOUT);
	ATF_REQUIRE_EQ(RL(rump_sys_recv(sv[1], buf, sizeof(buf), 0)), 0);
	ATF_REQUIRE_EQ(RL(rump_sys_recv(sv[1], buf, sizeof(buf), 0)),
	    (ssize_t)sizeof(buf));
	RL(rump_sys_close(sv[0]));
	RL(rump_sys_close(sv[1]));
	xpair(SOCK_SEQPACKET, sv);
	RL(rump_sys_setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &v, sizeof(v)));
	H_REQUIRE_ERRNO(EMSGSIZE, rump_sys_send(sv[0], big, sizeof(big), 0));
	RL(rump_sys_close(sv[0]));
	RL(rump_sys_close(sv[1]));
}

/* A writer thread: len bytes of a pattern starting at seed, blocking. */
struct writer {
	int	 w_fd;
	size_t	 w_len;
	int	 w_error;
};

static unsigned char
pattern(size_t i)
{
	return (unsigned char)((i * 7 + (i >> 12)) & 0xff);
}

static void *
writer_run(void *arg)
{
	struct writer *w = arg;
	unsigned char buf[3000];
	size_t off = 0, n, i;
	ssize_t k;

	while (off < w->w_len) {
		n = MIN(sizeof(buf), w->w_len - off);
		for (i = 0; i < n; i++)
			buf[i] = pattern(off + i);
		if ((k = rump_sys_write(w->w_fd, buf, n)) <= 0) {
			w->w_error = k == 0 ? EIO : errno;
			/* the reader sees EOF instead of waiting forever */
			(void)rump_sys_shutdown(w->w_fd, SHUT_WR);
			return NULL;
		}
		off += (size_t)k;
	}
	return NULL;
}

/* Read len bytes from fd, checking the pattern; the count read. */
static size_t
read_verify(int fd, size_t len)
{
	unsigned char buf[4096];
	size_t off = 0, i;
	ssize_t k;

	while (off < len) {
		k = RL(rump_sys_read(fd, buf, MIN(sizeof(buf), len - off)));
		if (k == 0)
			break;
		for (i = 0; i < (size_t)k; i++)
			if (buf[i] != pattern(off + i))
				atf_tc_fail("byte %zu is %#x, not %#x",
				    off + i, buf[i], pattern(off + i));
		off += (size_t)k;
	}
	return off;
}

static void
transfer(size_t len)
{
	struct writer w;
	pthread_t t;
	size_t got;
	int sv[2], v = 16384;

	xpair(SOCK_STREAM, sv);
	/* a buffer far smaller than the transfer: the writer must block */
	RL(rump_sys_setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &v, sizeof(v)));
	w.w_fd = sv[0];
	w.w_len = len;
	w.w_error = 0;
	ATF_REQUIRE_EQ(pthread_create(&t, NULL, writer_run, &w), 0);
	got = read_verify(sv[1], len);
	ATF_REQUIRE_EQ(pthread_join(t, NULL), 0);
	if (w.w_error != 0)
		atf_tc_fail("write: %s", strerror(w.w_error));
	ATF_REQUIRE_EQ(got, len);
	RL(rump_sys_close(sv[0]));
	RL(rump_sys_close(sv[1]));
}

H_TC(stream_blocking_writer, "a writer blocked on a full buffer wakes when "
    "the reader drains it; 256 KiB arrive intact")
{
	transfer(256 * 1024);
}

H_TC_ENV(stress_two_cpus, "RUMP_NCPU=2", "two threads on two CPUs move "
    "4 MiB through a stream pair, every byte checked")
{
	transfer(4 * 1024 * 1024);
}

/* A listener at path, a client connected to it, the accepted socket. */
static void
connect_path(int type, const char *path, int *lp, int *cp, int *ap)
{
	struct sockaddr_un sun;
	socklen_t len = sun_path_of(&sun, path);

	*lp = RL(rump_sys_socket(AF_UNIX, type, 0));
	RL(rump_sys_bind(*lp, (struct sockaddr *)&sun, len));
	RL(rump_sys_listen(*lp, 4));
	*cp = RL(rump_sys_socket(AF_UNIX, type, 0));
	RL(rump_sys_connect(*cp, (struct sockaddr *)&sun, len));
	*ap = RL(rump_sys_accept(*lp, NULL, NULL));
}

H_TC(path_bind_connect_accept, "bind makes a socket node, connect and "
    "accept pair up, names are the path; unlinking it keeps the connection")
{
	struct sockaddr_un sun, got;
	struct stat st;
	socklen_t len;
	char buf[8];
	int l, c, a;

	connect_path(SOCK_STREAM, "/srv.sock", &l, &c, &a);
	RL(rump_sys_stat("/srv.sock", &st));
	ATF_REQUIRE(S_ISSOCK(st.st_mode));
	/* the name is no file to open, as Linux */
	H_REQUIRE_ERRNO(ENXIO, rump_sys_open("/srv.sock", O_RDWR, 0));
	len = sizeof(got);
	RL(rump_sys_getsockname(l, (struct sockaddr *)&got, &len));
	ATF_REQUIRE_EQ(len, sun_path_of(&sun, "/srv.sock"));
	ATF_REQUIRE_STREQ(got.sun_path, "/srv.sock");
	len = sizeof(got);
	RL(rump_sys_getpeername(c, (struct sockaddr *)&got, &len));
	ATF_REQUIRE_STREQ(got.sun_path, "/srv.sock");
	len = sizeof(got);
	RL(rump_sys_getsockname(a, (struct sockaddr *)&got, &len));
	ATF_REQUIRE_STREQ(got.sun_path, "/srv.sock");
	len = sizeof(got);
	RL(rump_sys_getpeername(a, (struct sockaddr *)&got, &len));
	ATF_REQUIRE_EQ(len, sizeof(sa_family_t));	/* unnamed client */
	RL(rump_sys_unlink("/srv.sock"));
	RL(rump_sys_write(c, "ping", 4));
	ATF_REQUIRE_EQ(RL(rump_sys_read(a, buf, sizeof(buf))), 4);
	RL(rump_sys_write(a, "pong", 4));
	ATF_REQUIRE_EQ(RL(rump_sys_read(c, buf, sizeof(buf))), 4);
	ATF_REQUIRE(memcmp(buf, "pong", 4) == 0);
	len = sun_path_of(&sun, "/srv.sock");
	RL(rump_sys_close(c));
	c = RL(rump_sys_socket(AF_UNIX, SOCK_STREAM, 0));
	H_REQUIRE_ERRNO(ENOENT, rump_sys_connect(c, (struct sockaddr *)&sun,
	    len));
	RL(rump_sys_close(c));
	RL(rump_sys_close(a));
	RL(rump_sys_close(l));
}

H_TC(path_accept_address, "a waiting connection makes the listener "
    "readable; accept reports a bound client's path; a seqpacket "
    "connection keeps records")
{
	struct sockaddr_un sun, got;
	socklen_t len;
	char buf[16];
	int l, c, a;

	l = RL(rump_sys_socket(AF_UNIX, SOCK_SEQPACKET, 0));
	len = sun_path_of(&sun, "/l");
	RL(rump_sys_bind(l, (struct sockaddr *)&sun, len));
	RL(rump_sys_listen(l, 1));
	c = RL(rump_sys_socket(AF_UNIX, SOCK_SEQPACKET, 0));
	len = sun_path_of(&sun, "/c");
	RL(rump_sys_bind(c, (struct sockaddr *)&sun, len));
	len = sun_path_of(&sun, "/l");
	ATF_REQUIRE_EQ(revents(l, POLLIN), 0);
	RL(rump_sys_fcntl(l, F_SETFL, O_NONBLOCK));
	H_REQUIRE_ERRNO(EAGAIN, rump_sys_accept(l, NULL, NULL));
	RL(rump_sys_connect(c, (struct sockaddr *)&sun, len));
	H_REQUIRE_ERRNO(EISCONN, rump_sys_connect(c, (struct sockaddr *)&sun,
	    len));
	/* a connection waits: the listener is readable */
	ATF_REQUIRE_EQ(revents(l, POLLIN), POLLIN);
	len = sizeof(got);
	a = RL(rump_sys_accept(l, (struct sockaddr *)&got, &len));
	ATF_REQUIRE_EQ(len, sun_path_of(&sun, "/c"));
	ATF_REQUIRE_STREQ(got.sun_path, "/c");
	RL(rump_sys_send(c, "one", 3, 0));
	RL(rump_sys_send(c, "two", 3, 0));
	ATF_REQUIRE_EQ(RL(rump_sys_recv(a, buf, sizeof(buf), 0)), 3);
	ATF_REQUIRE_EQ(RL(rump_sys_recv(a, buf, sizeof(buf), 0)), 3);
	ATF_REQUIRE(memcmp(buf, "two", 3) == 0);
	RL(rump_sys_close(a));
	RL(rump_sys_close(c));
	RL(rump_sys_close(l));
}

H_TC(path_bind_errors, "bind: EADDRINUSE on an existing name, ENOENT and "
    "ENOTDIR for bad parents, EACCES without write permission, EINVAL "
    "for bad addresses or a second bind, EFAULT for a bad pointer")
{
	struct sockaddr_un sun;
	socklen_t len;
	int s, s2, fd;

	fd = RL(rump_sys_open("/file", O_CREAT | O_RDWR, 0644));
	RL(rump_sys_close(fd));
	RL(rump_sys_mkdir("/ro", 0755));
	s = RL(rump_sys_socket(AF_UNIX, SOCK_STREAM, 0));
	len = sun_path_of(&sun, "/file");
	H_REQUIRE_ERRNO(EADDRINUSE, rump_sys_bind(s, (struct sockaddr *)&sun,
	    len));
	len = sun_path_of(&sun, "/nodir/s");
	H_REQUIRE_ERRNO(ENOENT, rump_sys_bind(s, (struct sockaddr *)&sun, len));
	len = sun_path_of(&sun, "/file/s");
	H_REQUIRE_ERRNO(ENOTDIR, rump_sys_bind(s, (struct sockaddr *)&sun,
	    len));
	RL(rump_sys_seteuid(1000));
	len = sun_path_of(&sun, "/ro/s");
	H_REQUIRE_ERRNO(EACCES, rump_sys_bind(s, (struct sockaddr *)&sun, len));
	RL(rump_sys_seteuid(0));
	/* a name longer than sun_path, or one filling it without a NUL */
	H_REQUIRE_ERRNO(EINVAL, rump_sys_bind(s, (struct sockaddr *)&sun,
	    sizeof(sun) + 1));
	memset(sun.sun_path, 'a', sizeof(sun.sun_path));
	H_REQUIRE_ERRNO(EINVAL, rump_sys_bind(s, (struct sockaddr *)&sun,
	    sizeof(sun)));
	len = sun_path_of(&sun, "/s");
	sun.sun_family = AF_INET;
	H_REQUIRE_ERRNO(EINVAL, rump_sys_bind(s, (struct sockaddr *)&sun, len));
	H_REQUIRE_ERRNO(EINVAL, rump_sys_bind(s, (struct sockaddr *)&sun, 1));
	H_REQUIRE_ERRNO(EFAULT, rump_sys_bind(s, NULL, len));
	/* a path without its NUL (SUN_LEN style) is fine */
	len = sun_path_of(&sun, "/s");
	RL(rump_sys_bind(s, (struct sockaddr *)&sun, len - 1));
	H_REQUIRE_ERRNO(EINVAL, rump_sys_bind(s, (struct sockaddr *)&sun, len));
	s2 = RL(rump_sys_socket(AF_UNIX, SOCK_STREAM, 0));
	H_REQUIRE_ERRNO(EADDRINUSE, rump_sys_bind(s2, (struct sockaddr *)&sun,
	    len));
	RL(rump_sys_close(s));
	/* the node outlives the socket: still in use */
	H_REQUIRE_ERRNO(EADDRINUSE, rump_sys_bind(s2, (struct sockaddr *)&sun,
	    len));
	RL(rump_sys_close(s2));
}

H_TC(path_connect_errors, "connect: ENOENT, ECONNREFUSED for a file that "
    "is no socket, a socket not listening or one closed; EPROTOTYPE "
    "across types; EACCES without write permission on the node")
{
	struct sockaddr_un sun;
	socklen_t len;
	int s, c, fd;

	c = RL(rump_sys_socket(AF_UNIX, SOCK_STREAM, 0));
	len = sun_path_of(&sun, "/none");
	H_REQUIRE_ERRNO(ENOENT, rump_sys_connect(c, (struct sockaddr *)&sun,
	    len));
	fd = RL(rump_sys_open("/file", O_CREAT | O_RDWR, 0666));
	RL(rump_sys_close(fd));
	len = sun_path_of(&sun, "/file");
	H_REQUIRE_ERRNO(ECONNREFUSED, rump_sys_connect(c,
	    (struct sockaddr *)&sun, len));
	s = RL(rump_sys_socket(AF_UNIX, SOCK_STREAM, 0));
	len = sun_path_of(&sun, "/s");
	RL(rump_sys_bind(s, (struct sockaddr *)&sun, len));
	H_REQUIRE_ERRNO(ECONNREFUSED, rump_sys_connect(c,
	    (struct sockaddr *)&sun, len));
	RL(rump_sys_listen(s, 1));
	RL(rump_sys_chmod("/s", 0755));
	RL(rump_sys_seteuid(1000));
	H_REQUIRE_ERRNO(EACCES, rump_sys_connect(c, (struct sockaddr *)&sun,
	    len));
	RL(rump_sys_seteuid(0));
	RL(rump_sys_close(c));
	c = RL(rump_sys_socket(AF_UNIX, SOCK_DGRAM, 0));
	H_REQUIRE_ERRNO(EPROTOTYPE, rump_sys_connect(c,
	    (struct sockaddr *)&sun, len));
	H_REQUIRE_ERRNO(EPROTOTYPE, rump_sys_sendto(c, "x", 1, 0,
	    (struct sockaddr *)&sun, len));
	H_REQUIRE_ERRNO(EOPNOTSUPP, rump_sys_listen(c, 1));
	RL(rump_sys_close(c));
	RL(rump_sys_close(s));
	c = RL(rump_sys_socket(AF_UNIX, SOCK_STREAM, 0));
	H_REQUIRE_ERRNO(ECONNREFUSED, rump_sys_connect(c,
	    (struct sockaddr *)&sun, len));
	H_REQUIRE_ERRNO(EINVAL, rump_sys_listen(c, 1));	/* unnamed */
	H_REQUIRE_ERRNO(EINVAL, rump_sys_connect(c, (struct sockaddr *)&sun,
	    sizeof(sa_family_t)));
	H_REQUIRE_ERRNO(EFAULT, rump_sys_connect(c, (void *)(uintptr_t)8,
	    len));
	RL(rump_sys_close(c));
}

H_TC(path_dgram, "datagrams to a path: the sender's name when it has one, "
    "none otherwise; connected sends; ECONNREFUSED once the target closed")
{
	struct sockaddr_un sun, from;
	socklen_t len, slen;
	char buf[16];
	int srv, cl;

	srv = RL(rump_sys_socket(AF_UNIX, SOCK_DGRAM, 0));
	slen = sun_path_of(&sun, "/dg");
	RL(rump_sys_bind(srv, (struct sockaddr *)&sun, slen));
	cl = RL(rump_sys_socket(AF_UNIX, SOCK_DGRAM, 0));
	RL(rump_sys_sendto(cl, "anon", 4, 0, (struct sockaddr *)&sun, slen));
	len = sizeof(from);
	ATF_REQUIRE_EQ(RL(rump_sys_recvfrom(srv, buf, sizeof(buf), 0,
	    (struct sockaddr *)&from, &len)), 4);
	ATF_REQUIRE_EQ(len, 0);
	len = sun_path_of(&from, "/cl");
	RL(rump_sys_bind(cl, (struct sockaddr *)&from, len));
	RL(rump_sys_connect(cl, (struct sockaddr *)&sun, slen));
	RL(rump_sys_send(cl, "named", 5, 0));
	len = sizeof(from);
	ATF_REQUIRE_EQ(RL(rump_sys_recvfrom(srv, buf, sizeof(buf), 0,
	    (struct sockaddr *)&from, &len)), 5);
	ATF_REQUIRE_STREQ(from.sun_path, "/cl");
	RL(rump_sys_close(srv));
	H_REQUIRE_ERRNO(ECONNREFUSED, rump_sys_send(cl, "x", 1, 0));
	RL(rump_sys_close(cl));
}

H_TC(abstract_names, "Linux's abstract namespace: no node, exact lengths, "
    "EADDRINUSE, autobind with an empty address")
{
	struct sockaddr_un sun, got;
	socklen_t len, glen;
	struct stat st;
	int l, c, a, s2;

	l = RL(rump_sys_socket(AF_UNIX, SOCK_STREAM, 0));
	len = sun_abstract_of(&sun, "name");
	RL(rump_sys_bind(l, (struct sockaddr *)&sun, len));
	RL(rump_sys_listen(l, 1));
	glen = sizeof(got);
	RL(rump_sys_getsockname(l, (struct sockaddr *)&got, &glen));
	ATF_REQUIRE_EQ(glen, len);
	ATF_REQUIRE(memcmp(&got, &sun, len) == 0);
	H_REQUIRE_ERRNO(ENOENT, rump_sys_stat("/name", &st));
	s2 = RL(rump_sys_socket(AF_UNIX, SOCK_STREAM, 0));
	H_REQUIRE_ERRNO(EADDRINUSE, rump_sys_bind(s2, (struct sockaddr *)&sun,
	    len));
	/* one byte more is another name */
	H_REQUIRE_ERRNO(ECONNREFUSED, rump_sys_connect(s2,
	    (struct sockaddr *)&sun, len + 1));
	RL(rump_sys_close(s2));
	c = RL(rump_sys_socket(AF_UNIX, SOCK_STREAM, 0));
	RL(rump_sys_bind(c, (struct sockaddr *)&sun, sizeof(sa_family_t)));
	glen = sizeof(got);
	RL(rump_sys_getsockname(c, (struct sockaddr *)&got, &glen));
	ATF_REQUIRE_EQ(glen, offsetof(struct sockaddr_un, sun_path) + 6);
	ATF_REQUIRE_EQ(got.sun_path[0], '\0');
	RL(rump_sys_connect(c, (struct sockaddr *)&sun, len));
	glen = sizeof(got);
	a = RL(rump_sys_accept(l, (struct sockaddr *)&got, &glen));
	ATF_REQUIRE_EQ(glen, offsetof(struct sockaddr_un, sun_path) + 6);
	RL(rump_sys_close(a));
	RL(rump_sys_close(c));
	RL(rump_sys_close(l));
}

H_TC(backlog_and_listener_close, "a full backlog refuses with EAGAIN; "
    "closing the listener ends the connections waiting on it")
{
	struct sockaddr_un sun;
	socklen_t len = sun_abstract_of(&sun, "backlog");
	char c;
	int l, c1, c2;

	l = RL(rump_sys_socket(AF_UNIX, SOCK_STREAM, 0));
	RL(rump_sys_bind(l, (struct sockaddr *)&sun, len));
	RL(rump_sys_listen(l, 1));
	c1 = RL(rump_sys_socket(AF_UNIX, SOCK_STREAM, 0));
	c2 = RL(rump_sys_socket(AF_UNIX, SOCK_STREAM, 0));
	RL(rump_sys_connect(c1, (struct sockaddr *)&sun, len));
	H_REQUIRE_ERRNO(EAGAIN, rump_sys_connect(c2, (struct sockaddr *)&sun,
	    len));
	RL(rump_sys_close(l));
	ATF_REQUIRE_EQ(RL(rump_sys_read(c1, &c, 1)), 0);
	H_REQUIRE_ERRNO(EPIPE, rump_sys_write(c1, "x", 1));
	H_REQUIRE_ERRNO(ECONNREFUSED, rump_sys_connect(c2,
	    (struct sockaddr *)&sun, len));
	RL(rump_sys_close(c1));
	RL(rump_sys_close(c2));
}

H_TC(rights_pass_pipe, "SCM_RIGHTS over a stream pair: the receiver gets "
    "a new descriptor for the same open pipe; data and descriptors keep "
    "their order")
{
	int p[2], sv[2], fds[4], n, fl;
	char buf[16];

	RL(rump_sys_pipe2(p, 0));
	xpair(SOCK_STREAM, sv);
	RL(rump_sys_write(sv[0], "before", 6));
	ATF_REQUIRE_EQ(RL(send_fds(sv[0], "fd", 2, &p[1], 1)), 2);
	RL(rump_sys_close(p[1]));
	ATF_REQUIRE_EQ(RL(recv_fds(sv[1], buf, sizeof(buf), fds, 4, &n, &fl)),
	    6);		/* the data before the descriptor, alone */
	ATF_REQUIRE_EQ(n, 0);
	ATF_REQUIRE_EQ(RL(recv_fds(sv[1], buf, sizeof(buf), fds, 4, &n, &fl)),
	    2);
	ATF_REQUIRE_EQ(n, 1);
	ATF_REQUIRE_EQ(fl & MSG_CTRUNC, 0);
	RL(rump_sys_write(fds[0], "through", 7));
	RL(rump_sys_close(fds[0]));
	ATF_REQUIRE_EQ(RL(rump_sys_read(p[0], buf, sizeof(buf))), 7);
	ATF_REQUIRE(memcmp(buf, "through", 7) == 0);
	/* every copy closed: EOF */
	ATF_REQUIRE_EQ(RL(rump_sys_read(p[0], buf, sizeof(buf))), 0);
	RL(rump_sys_close(p[0]));
	RL(rump_sys_close(sv[0]));
	RL(rump_sys_close(sv[1]));
}

H_TC(rights_between_processes, "a descriptor passed from one process "
    "lands in the receiving process's table, referring to the same "
    "open pipe")
{
	struct sockaddr_un sun;
	socklen_t len = sun_abstract_of(&sun, "procs");
	int l, a, c, p[2], fds[2], n, fl, pid2;
	char buf[8];

	l = RL(rump_sys_socket(AF_UNIX, SOCK_STREAM, 0));
	RL(rump_sys_bind(l, (struct sockaddr *)&sun, len));
	RL(rump_sys_listen(l, 1));
	RL(rump_sys_pipe2(p, 0));
	pid2 = rump_pub_lwproc_newproc();
	ATF_REQUIRE(pid2 > 1);
	c = RL(rump_sys_socket(AF_UNIX, SOCK_STREAM, 0));
	RL(rump_sys_connect(c, (struct sockaddr *)&sun, len));
	RZ(rump_pub_lwproc_switch(1));
	a = RL(rump_sys_accept(l, NULL, NULL));
	ATF_REQUIRE_EQ(RL(send_fds(a, "w", 1, &p[1], 1)), 1);
	RL(rump_sys_close(p[1]));
	RZ(rump_pub_lwproc_switch(pid2));
	/* p[1] means nothing in this table; the received one does */
	ATF_REQUIRE_EQ(RL(recv_fds(c, buf, sizeof(buf), fds, 2, &n, &fl)), 1);
	ATF_REQUIRE_EQ(n, 1);
	RL(rump_sys_write(fds[0], "proc2", 5));
	RL(rump_sys_close(fds[0]));
	RL(rump_sys_close(c));
	RZ(rump_pub_lwproc_switch(1));
	ATF_REQUIRE_EQ(RL(rump_sys_read(p[0], buf, sizeof(buf))), 5);
	ATF_REQUIRE(memcmp(buf, "proc2", 5) == 0);
	ATF_REQUIRE_EQ(RL(rump_sys_read(p[0], buf, sizeof(buf))), 0);
	RL(rump_sys_close(p[0]));
	RL(rump_sys_close(a));
	RL(rump_sys_close(l));
}

/* n non-blocking pipes; their write ends sent, then closed here. */
static void
send_pipes(int s, int rd[], int n)
{
	int p[2], wr[8], i;

	for (i = 0; i < n; i++) {
		RL(rump_sys_pipe2(p, O_NONBLOCK));
		rd[i] = p[0];
		wr[i] = p[1];
	}
	ATF_REQUIRE_EQ(RL(send_fds(s, "x", 1, wr, n)), 1);
	for (i = 0; i < n; i++)
		RL(rump_sys_close(wr[i]));
}

H_TC(rights_ctrunc, "a control buffer too short for every descriptor: "
    "MSG_CTRUNC, the ones that fit are installed, the rest closed")
{
	int rd[3], sv[2], fds[4], n, fl, i;
	char c;

	xpair(SOCK_DGRAM, sv);
	send_pipes(sv[0], rd, 3);
	ATF_REQUIRE_EQ(RL(recv_fds(sv[1], &c, 1, fds, 1, &n, &fl)), 1);
	ATF_REQUIRE(fl & MSG_CTRUNC);
	ATF_REQUIRE_EQ(n, 1);
	/* the first pipe is still open for writing, the others are not */
	H_REQUIRE_ERRNO(EAGAIN, rump_sys_read(rd[0], &c, 1));
	ATF_REQUIRE_EQ(RL(rump_sys_read(rd[1], &c, 1)), 0);
	ATF_REQUIRE_EQ(RL(rump_sys_read(rd[2], &c, 1)), 0);
	RL(rump_sys_close(fds[0]));
	ATF_REQUIRE_EQ(RL(rump_sys_read(rd[0], &c, 1)), 0);
	/* no control buffer at all: MSG_CTRUNC, everything closed */
	send_pipes(sv[0], &rd[1], 2);
	ATF_REQUIRE_EQ(RL(recv_fds(sv[1], &c, 1, fds, 0, &n, &fl)), 1);
	ATF_REQUIRE(fl & MSG_CTRUNC);
	ATF_REQUIRE_EQ(RL(rump_sys_read(rd[1], &c, 1)), 0);
	ATF_REQUIRE_EQ(RL(rump_sys_read(rd[2], &c, 1)), 0);
	/* read(2) on the socket drops them too */
	RL(rump_sys_close(rd[1]));
	RL(rump_sys_close(rd[2]));
	send_pipes(sv[0], &rd[1], 1);
	ATF_REQUIRE_EQ(RL(rump_sys_read(sv[1], &c, 1)), 1);
	ATF_REQUIRE_EQ(RL(rump_sys_read(rd[1], &c, 1)), 0);
	for (i = 0; i < 2; i++)
		RL(rump_sys_close(rd[i]));
	RL(rump_sys_close(sv[0]));
	RL(rump_sys_close(sv[1]));
}

H_TC(rights_never_received, "descriptors in flight when the sockets close "
    "are closed, even one passed through its own socket; nothing leaks")
{
	struct pollfd pfd;
	int rd[1], sv[2], sv2[2];

	xpair(SOCK_SEQPACKET, sv);
	send_pipes(sv[0], rd, 1);
	RL(rump_sys_close(sv[0]));
	RL(rump_sys_close(sv[1]));
	/* the write end goes once the message is dropped: EOF arrives */
	pfd.fd = rd[0];
	pfd.events = POLLIN;
	ATF_REQUIRE_EQ(RL(rump_sys_poll(&pfd, 1, -1)), 1);
	ATF_REQUIRE(pfd.revents & (POLLIN | POLLHUP));
	RL(rump_sys_close(rd[0]));
	/* a cycle: sv2[1] in flight to itself; shutdown must break it */
	xpair(SOCK_STREAM, sv2);
	ATF_REQUIRE_EQ(RL(send_fds(sv2[0], "c", 1, &sv2[1], 1)), 1);
	RL(rump_sys_close(sv2[0]));
	RL(rump_sys_close(sv2[1]));
}

H_TC(rights_bad_cmsg, "bad control messages: EINVAL for short or long "
    "lengths, another level or type; EBADF for a bad descriptor; EFAULT; "
    "nothing is delivered")
{
	union {
		char buf[CMSG_SPACE(2 * sizeof(int))];
		struct cmsghdr align;
	} u;
	struct iovec iov = { (void *)(uintptr_t)"x", 1 };
	struct msghdr msg;
	struct cmsghdr *cm;
	int sv[2], fds[2], p[2];
	char c;

	RL(rump_sys_pipe2(p, 0));
	xpair(SOCK_DGRAM, sv);
	memset(&msg, 0, sizeof(msg));
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = u.buf;
	msg.msg_controllen = sizeof(u.buf);
	cm = CMSG_FIRSTHDR(&msg);
	fds[0] = p[0];
	fds[1] = p[1];
	memcpy(CMSG_DATA(cm), fds, sizeof(fds));
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = sizeof(*cm) - 1;
	H_REQUIRE_ERRNO(EINVAL, rump_sys_sendmsg(sv[0], &msg, 0));
	cm->cmsg_len = sizeof(u.buf) + 1;
	H_REQUIRE_ERRNO(EINVAL, rump_sys_sendmsg(sv[0], &msg, 0));
	cm->cmsg_len = CMSG_LEN(sizeof(fds));
	cm->cmsg_level = 99;
	H_REQUIRE_ERRNO(EINVAL, rump_sys_sendmsg(sv[0], &msg, 0));
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = 99;
	H_REQUIRE_ERRNO(EINVAL, rump_sys_sendmsg(sv[0], &msg, 0));
	cm->cmsg_type = SCM_RIGHTS;
	fds[1] = 77;
	memcpy(CMSG_DATA(cm), fds, sizeof(fds));
	H_REQUIRE_ERRNO(EBADF, rump_sys_sendmsg(sv[0], &msg, 0));
	msg.msg_control = (void *)(uintptr_t)8;
	H_REQUIRE_ERRNO(EFAULT, rump_sys_sendmsg(sv[0], &msg, 0));
	msg.msg_control = u.buf;
	msg.msg_controllen = 1 << 20;
	H_REQUIRE_ERRNO(EINVAL, rump_sys_sendmsg(sv[0], &msg, 0));
	H_REQUIRE_ERRNO(EAGAIN, rump_sys_recv(sv[1], &c, 1, MSG_DONTWAIT));
	H_REQUIRE_ERRNO(EFAULT, rump_sys_recvmsg(sv[1], NULL, 0));
	/* the pipe's first end taken by the failed send was given back */
	RL(rump_sys_close(p[1]));
	ATF_REQUIRE_EQ(RL(rump_sys_read(p[0], &c, 1)), 0);
	RL(rump_sys_close(p[0]));
	RL(rump_sys_close(sv[0]));
	RL(rump_sys_close(sv[1]));
}

H_TC(credentials, "SCM_CREDENTIALS: the sender's own pass, a forged pid "
    "from a user is EPERM; a short buffer is MSG_CTRUNC")
{
	union {
		char buf[CMSG_SPACE(sizeof(struct ucred))];
		struct cmsghdr align;
	} u;
	struct iovec iov = { (void *)(uintptr_t)"c", 1 };
	struct msghdr msg;
	struct cmsghdr *cm;
	struct ucred uc = { .pid = 1, .uid = 0, .gid = 0 }, got;
	char c;
	int sv[2];

	xpair(SOCK_DGRAM, sv);
	memset(&msg, 0, sizeof(msg));
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = u.buf;
	msg.msg_controllen = sizeof(u.buf);
	cm = CMSG_FIRSTHDR(&msg);
	cm->cmsg_len = CMSG_LEN(sizeof(uc));
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_CREDENTIALS;
	memcpy(CMSG_DATA(cm), &uc, sizeof(uc));
	RL(rump_sys_sendmsg(sv[0], &msg, 0));
	RL(rump_sys_seteuid(1000));
	uc.pid = 4242;
	memcpy(CMSG_DATA(cm), &uc, sizeof(uc));
	H_REQUIRE_ERRNO(EPERM, rump_sys_sendmsg(sv[0], &msg, 0));
	RL(rump_sys_seteuid(0));
	RL(rump_sys_sendmsg(sv[0], &msg, 0));	/* root may say anything */
	memset(&u, 0, sizeof(u));
	iov.iov_base = &c;
	RL(rump_sys_recvmsg(sv[1], &msg, 0));
	ATF_REQUIRE_EQ(msg.msg_flags & MSG_CTRUNC, 0);
	cm = CMSG_FIRSTHDR(&msg);
	ATF_REQUIRE(cm != NULL);
	ATF_REQUIRE_EQ(cm->cmsg_type, SCM_CREDENTIALS);
	memcpy(&got, CMSG_DATA(cm), sizeof(got));
	ATF_REQUIRE_EQ(got.pid, 1);
	ATF_REQUIRE_EQ(got.uid, 0);
	ATF_REQUIRE_EQ(got.gid, 0);
	msg.msg_controllen = CMSG_LEN(4);
	RL(rump_sys_recvmsg(sv[1], &msg, 0));
	ATF_REQUIRE(msg.msg_flags & MSG_CTRUNC);
	RL(rump_sys_close(sv[0]));
	RL(rump_sys_close(sv[1]));
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, socketpair_stream_roundtrip);
	ATF_TP_ADD_TC(tp, socketpair_bad_args);
	ATF_TP_ADD_TC(tp, socketpair_flags);
	ATF_TP_ADD_TC(tp, stream_eof_epipe);
	ATF_TP_ADD_TC(tp, stream_unread_resets);
	ATF_TP_ADD_TC(tp, stream_shutdown);
	ATF_TP_ADD_TC(tp, dgram_records);
	ATF_TP_ADD_TC(tp, seqpacket_records);
	ATF_TP_ADD_TC(tp, stream_flow_control);
	ATF_TP_ADD_TC(tp, dgram_flow_control);
	ATF_TP_ADD_TC(tp, stream_blocking_writer);
	ATF_TP_ADD_TC(tp, stress_two_cpus);
	ATF_TP_ADD_TC(tp, path_bind_connect_accept);
	ATF_TP_ADD_TC(tp, path_accept_address);
	ATF_TP_ADD_TC(tp, path_bind_errors);
	ATF_TP_ADD_TC(tp, path_connect_errors);
	ATF_TP_ADD_TC(tp, path_dgram);
	ATF_TP_ADD_TC(tp, abstract_names);
	ATF_TP_ADD_TC(tp, backlog_and_listener_close);
	ATF_TP_ADD_TC(tp, rights_pass_pipe);
	ATF_TP_ADD_TC(tp, rights_between_processes);
	ATF_TP_ADD_TC(tp, rights_ctrunc);
	ATF_TP_ADD_TC(tp, rights_never_received);
	ATF_TP_ADD_TC(tp, rights_bad_cmsg);
	ATF_TP_ADD_TC(tp, credentials);
	return atf_no_error();
}
