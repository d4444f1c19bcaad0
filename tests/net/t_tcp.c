/*
 * t_tcp: TCP between kernels in separate processes over a shmif bus:
 * a 1 MiB transfer checked byte by byte (clean, and over a bus that
 * loses, duplicates and reorders 5% of frames), 8 MiB with 1 MiB
 * socket buffers over a small ring that a window overruns, a refused
 * connection, listen backlog overflow and simultaneous close.
 */
#include <arpa/inet.h>
#include <fcntl.h>
#include <poll.h>
#include <time.h>
#include <unistd.h>

#include "k_tcp.h"
#include "net_common.h"
#include "shmif_user.h"

#define MIB	(1024L * 1024L)

H_NET_TC(tcp_transfer_1mib, "1 MiB over TCP from one kernel to another "
    "arrives complete and in order")
{

	net_pair("bus0");
	net_require_tcp(0);
	h_net_tcp_sink_start(1, 5001, 11);
	RL(h_net_tcp_source(0, "10.0.0.2", 5001, MIB, 11));
	ATF_REQUIRE_EQ(h_net_tcp_sink_finish(1), MIB);
}

H_NET_TC(tcp_transfer_mp, "1 MiB over TCP between kernels with two "
    "virtual CPUs each arrives complete and in order")
{

	net_pair_env("bus0", "RUMP_NCPU=2");
	net_require_tcp(0);
	h_net_tcp_sink_start(1, 5001, 13);
	RL(h_net_tcp_source(0, "10.0.0.2", 5001, MIB, 13));
	ATF_REQUIRE_EQ(h_net_tcp_sink_finish(1), MIB);
}

H_NET_TC(tcp_transfer_lossy_bus, "1 MiB over TCP arrives intact though "
    "the bus drops, duplicates and reorders 5% of frames each")
{
	struct rumpcomp_shmif *att;
	struct rumpcomp_shmif_stats ss;

	net_pair("bus0");
	net_require_tcp(0);
	ATF_REQUIRE_EQ(h_net_ping(0, "10.0.0.2", 1, 56, 2000), 1);
	ATF_REQUIRE_EQ(rumpcomp_shmif_attach("bus0", 0, &att), 0);
	ATF_REQUIRE_EQ(rumpcomp_shmif_setfault(att, 50000, 50000, 50000, 0,
	    12345), 0);
	h_net_tcp_sink_start(1, 5001, 12);
	RL(h_net_tcp_source(0, "10.0.0.2", 5001, MIB, 12));
	ATF_REQUIRE_EQ(h_net_tcp_sink_finish(1), MIB);
	ATF_REQUIRE_EQ(rumpcomp_shmif_stats(att, &ss), 0);
	ATF_REQUIRE(ss.ss_bus_dropped > 10 && ss.ss_bus_duped > 10 &&
	    ss.ss_bus_reordered > 10);
	rumpcomp_shmif_detach(att);
}

/*
 * Bulk transfer with big socket buffers: the ends run in the kernels.
 * The byte at offset i is big_pattern(i).
 */
struct big_req {
	long		br_nbytes;
	int		br_fd;		/* sink: the listening socket */
};

static uint8_t
big_pattern(long off)
{
	return (uint8_t)((off * 2654435761u) >> 11);
}

static int
big_sockopts(int s)
{
	struct timeval tv = { 10, 0 };
	int sz = (int)MIB;

	if (rump_sys_setsockopt(s, SOL_SOCKET, SO_SNDBUF, &sz,
	    sizeof(sz)) == -1 ||
	    rump_sys_setsockopt(s, SOL_SOCKET, SO_RCVBUF, &sz,
	    sizeof(sz)) == -1 ||
	    rump_sys_setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv,
	    sizeof(tv)) == -1 ||
	    rump_sys_setsockopt(s, SOL_SOCKET, SO_SNDTIMEO, &tv,
	    sizeof(tv)) == -1)
		return -1;
	return 0;
}

static int
r_big_listen(const void *in, size_t inlen, void *out, size_t *outlen)
{
	struct sockaddr_in sin;
	int s;

	*outlen = 0;
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(5003);
	if ((s = rump_sys_socket(AF_INET, SOCK_STREAM, 0)) == -1)
		return -1;
	if (big_sockopts(s) == -1 ||
	    rump_sys_bind(s, (struct sockaddr *)&sin, sizeof(sin)) == -1 ||
	    rump_sys_listen(s, 1) == -1) {
		rump_sys_close(s);
		return -1;
	}
	return s;
}

/* Accept one connection, read to EOF; out: the good bytes (long). */
static int
r_big_sink(const void *in, size_t inlen, void *out, size_t *outlen)
{
	static uint8_t buf[65536];
	struct big_req rq;
	long got = 0, good = -1;
	ssize_t n;
	int c;

	memcpy(&rq, in, sizeof(rq));
	*outlen = 0;
	c = rump_sys_accept(rq.br_fd, NULL, NULL);
	rump_sys_close(rq.br_fd);
	if (c == -1)
		return -1;
	while ((n = rump_sys_read(c, buf, sizeof(buf))) > 0) {
		for (ssize_t i = 0; i < n && good == -1; i++)
			if (buf[i] != big_pattern(got + i))
				good = got + i;
		got += n;
	}
	rump_sys_close(c);
	if (n == -1)
		return -1;
	if (good == -1)
		good = got;
	memcpy(out, &good, sizeof(good));
	*outlen = sizeof(good);
	return 0;
}

static int
r_big_source(const void *in, size_t inlen, void *out, size_t *outlen)
{
	static uint8_t buf[65536];
	struct big_req rq;
	struct sockaddr_in sin;
	long off = 0;
	ssize_t n;
	size_t len;
	int s;

	memcpy(&rq, in, sizeof(rq));
	*outlen = 0;
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(5003);
	sin.sin_addr.s_addr = inet_addr("10.0.0.2");
	if ((s = rump_sys_socket(AF_INET, SOCK_STREAM, 0)) == -1)
		return -1;
	if (big_sockopts(s) == -1 ||
	    rump_sys_connect(s, (struct sockaddr *)&sin, sizeof(sin)) == -1)
		goto fail;
	while (off < rq.br_nbytes) {
		len = rq.br_nbytes - off < (long)sizeof(buf) ?
		    (size_t)(rq.br_nbytes - off) : sizeof(buf);
		for (size_t i = 0; i < len; i++)
			buf[i] = big_pattern(off + (long)i);
		if ((n = rump_sys_write(s, buf, len)) == -1)
			goto fail;
		off += n;
	}
	return rump_sys_close(s);
fail:
	rump_sys_close(s);
	return -1;
}

static int
r_tcp_stat(const void *in, size_t inlen, void *out, size_t *outlen)
{
	char name[64];
	uint64_t v;
	int error;

	*outlen = 0;
	if (inlen == 0 || inlen > sizeof(name)) {
		errno = EINVAL;
		return -1;
	}
	memcpy(name, in, inlen);
	name[inlen - 1] = '\0';
	if ((error = rump_pub_ktest_tcp_stat(name, &v)) != 0) {
		errno = error;
		return -1;
	}
	memcpy(out, &v, sizeof(v));
	*outlen = sizeof(v);
	return 0;
}

/* A TCP counter of kernel k. */
static uint64_t
tcp_stat(int k, const char *name)
{
	uint64_t v = 0;
	size_t len = 0;

	RL(h_net_call(k, r_tcp_stat, name, strlen(name) + 1, &v, sizeof(v),
	    &len));
	ATF_REQUIRE_EQ(len, sizeof(v));
	return v;
}

H_NET_TC(tcp_transfer_overruns_ring, "with 1 MiB socket buffers over a "
    "bus of a 256 KiB ring, where a window can overrun the ring and a "
    "lapped reader lose most of it, 8 MiB still arrive complete and in "
    "order")
{
	struct rumpcomp_shmif *att;
	struct rumpcomp_shmif_stats ss;
	struct big_req rq = { .br_nbytes = 8 * MIB };
	long good = -1;
	size_t len = 0;

	/* The first attachment formats the bus: a small ring. */
	unlink("bus0");
	ATF_REQUIRE_EQ(rumpcomp_shmif_attach("bus0", 256 * 1024, &att), 0);
	net_pair("bus0");
	net_require_tcp(0);
	RL(rq.br_fd = h_net_call(1, r_big_listen, NULL, 0, NULL, 0, NULL));
	h_net_call_start(1, r_big_sink, &rq, sizeof(rq), sizeof(good));
	RL(h_net_call(0, r_big_source, &rq, sizeof(rq), NULL, 0, NULL));
	RL(h_net_call_finish(1, &good, sizeof(good), &len));
	ATF_REQUIRE_EQ(len, sizeof(good));
	ATF_REQUIRE_EQ_MSG(good, 8 * MIB, "%ld good bytes", good);
	ATF_REQUIRE_EQ(rumpcomp_shmif_stats(att, &ss), 0);
	ATF_CHECK_EQ(ss.ss_ringsize, 256 * 1024);
	rumpcomp_shmif_detach(att);
	/*
	 * Whether the ring was overrun depends on how far the receiving
	 * kernel falls behind, which the host's scheduler decides (a
	 * clean-clone run once saw no loss at all), so the loss is
	 * reported, not required; t_tcp_lo:loss_beyond_reass_queue loses
	 * a window deterministically.
	 */
	printf("sender retransmitted %llu segments; receiver: %llu out of "
	    "order, %llu dropped with the reassembly queue full\n",
	    (unsigned long long)tcp_stat(0, "tcps_sndrexmitpack"),
	    (unsigned long long)tcp_stat(1, "tcps_rcvoopack"),
	    (unsigned long long)tcp_stat(1, "tcps_rcvmemdrop"));
}

H_NET_TC(tcp_connection_refused, "connecting to a port nobody listens on "
    "fails with ECONNREFUSED")
{

	net_pair("bus0");
	net_require_tcp(0);
	H_REQUIRE_ERRNO(ECONNREFUSED, h_net_tcp_source(0, "10.0.0.2", 9, 1,
	    0));
}

/* Listen on port 5002 with backlog 1; the listening descriptor. */
static int
r_listen(const void *in, size_t inlen, void *out, size_t *outlen)
{
	struct sockaddr_in sin;
	int s;

	*outlen = 0;
	if ((s = rump_sys_socket(AF_INET, SOCK_STREAM, 0)) == -1)
		return -1;
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(5002);
	if (rump_sys_bind(s, (struct sockaddr *)&sin, sizeof(sin)) == -1 ||
	    rump_sys_listen(s, 1) == -1)
		return -1;
	return s;
}

/*
 * Start 6 non-blocking connects to 10.0.0.2:5002 and give them 1.5 s;
 * how many completed.  The descriptors stay open.
 */
static int
r_connect_many(const void *in, size_t inlen, void *out, size_t *outlen)
{
	struct pollfd pfd[6];
	struct sockaddr_in sin;
	int done = 0, err;
	unsigned int elen;

	*outlen = 0;
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(5002);
	sin.sin_addr.s_addr = htonl(0x0a000002);
	for (int i = 0; i < 6; i++) {
		if ((pfd[i].fd = rump_sys_socket(AF_INET, SOCK_STREAM, 0)) ==
		    -1 || rump_sys_fcntl(pfd[i].fd, F_SETFL, O_NONBLOCK) == -1)
			return -1;
		pfd[i].events = POLLOUT;
		if (rump_sys_connect(pfd[i].fd, (struct sockaddr *)&sin,
		    sizeof(sin)) == -1 && errno != EINPROGRESS)
			return -1;
	}
	usleep(1500000);
	if (rump_sys_poll(pfd, 6, 0) == -1)
		return -1;
	for (int i = 0; i < 6; i++) {
		elen = sizeof(err);
		if ((pfd[i].revents & POLLOUT) &&
		    rump_sys_getsockopt(pfd[i].fd, SOL_SOCKET, SO_ERROR, &err,
		    &elen) == 0 && err == 0)
			done++;
	}
	return done;
}

/* Accept what is queued on the descriptor, without blocking. */
static int
r_accept_all(const void *in, size_t inlen, void *out, size_t *outlen)
{
	int s, n = 0, c;

	memcpy(&s, in, sizeof(s));
	*outlen = 0;
	if (rump_sys_fcntl(s, F_SETFL, O_NONBLOCK) == -1)
		return -1;
	while ((c = rump_sys_accept(s, NULL, NULL)) != -1)
		n++;
	return errno == EAGAIN ? n : -1;
}

H_NET_TC(tcp_listen_backlog_overflow, "connections beyond a full listen "
    "queue are not completed; the queued ones are accepted")
{
	int ls, done, accepted;

	net_pair("bus0");
	net_require_tcp(0);
	RL(ls = h_net_call(1, r_listen, NULL, 0, NULL, 0, NULL));
	RL(done = h_net_call(0, r_connect_many, NULL, 0, NULL, 0, NULL));
	ATF_REQUIRE_MSG(done >= 1 && done < 6, "%d of 6 connected", done);
	RL(accepted = h_net_call(1, r_accept_all, &ls, sizeof(ls), NULL, 0,
	    NULL));
	ATF_REQUIRE_EQ(accepted, done);
}

struct conn {
	int	fd;
};

/* Connect to 10.0.0.2:5003; the descriptor. */
static int
r_connect(const void *in, size_t inlen, void *out, size_t *outlen)
{
	struct sockaddr_in sin;
	int s;

	*outlen = 0;
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(5003);
	sin.sin_addr.s_addr = htonl(0x0a000002);
	if ((s = rump_sys_socket(AF_INET, SOCK_STREAM, 0)) == -1 ||
	    rump_sys_connect(s, (struct sockaddr *)&sin, sizeof(sin)) == -1)
		return -1;
	return s;
}

/* Listen on 5003 and accept one; the connected descriptor. */
static int
r_accept_one(const void *in, size_t inlen, void *out, size_t *outlen)
{
	struct sockaddr_in sin;
	int s, c;

	*outlen = 0;
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(5003);
	if ((s = rump_sys_socket(AF_INET, SOCK_STREAM, 0)) == -1 ||
	    rump_sys_bind(s, (struct sockaddr *)&sin, sizeof(sin)) == -1 ||
	    rump_sys_listen(s, 1) == -1 ||
	    (c = rump_sys_accept(s, NULL, NULL)) == -1)
		return -1;
	rump_sys_close(s);
	return c;
}

/*
 * At the given monotonic millisecond: shutdown(SHUT_WR), then read to
 * EOF; 0 when EOF came with no error.
 */
struct close_req {
	long	at_ms;
	long	fd;
};

static int
r_close_at(const void *in, size_t inlen, void *out, size_t *outlen)
{
	struct close_req rq;
	struct timespec ts;
	char buf[64];
	ssize_t n;

	memcpy(&rq, in, sizeof(rq));
	*outlen = 0;
	do {
		clock_gettime(CLOCK_MONOTONIC, &ts);
	} while (ts.tv_sec * 1000L + ts.tv_nsec / 1000000L < rq.at_ms);
	if (rump_sys_shutdown((int)rq.fd, SHUT_WR) == -1)
		return -1;
	while ((n = rump_sys_read((int)rq.fd, buf, sizeof(buf))) > 0)
		continue;
	if (n == -1)
		return -1;
	return rump_sys_close((int)rq.fd);
}

H_NET_TC(tcp_simultaneous_close, "both ends closing at the same moment "
    "each see the other's FIN and no error")
{
	struct close_req a, b;
	struct timespec ts;
	int fa, fb;

	net_pair("bus0");
	net_require_tcp(0);
	h_net_call_start(1, r_accept_one, NULL, 0, 0);
	usleep(100000);
	RL(fa = h_net_call(0, r_connect, NULL, 0, NULL, 0, NULL));
	RL(fb = h_net_call_finish(1, NULL, 0, NULL));
	clock_gettime(CLOCK_MONOTONIC, &ts);
	a.fd = fa;
	b.fd = fb;
	a.at_ms = b.at_ms = ts.tv_sec * 1000L + ts.tv_nsec / 1000000L + 100;
	h_net_call_start(0, r_close_at, &a, sizeof(a), 0);
	h_net_call_start(1, r_close_at, &b, sizeof(b), 0);
	RL(h_net_call_finish(0, NULL, 0, NULL));
	RL(h_net_call_finish(1, NULL, 0, NULL));
}

ATF_TP_ADD_TCS(tp)
{

	ATF_TP_ADD_TC(tp, tcp_transfer_1mib);
	ATF_TP_ADD_TC(tp, tcp_transfer_mp);
	ATF_TP_ADD_TC(tp, tcp_transfer_lossy_bus);
	ATF_TP_ADD_TC(tp, tcp_transfer_overruns_ring);
	ATF_TP_ADD_TC(tp, tcp_connection_refused);
	ATF_TP_ADD_TC(tp, tcp_listen_backlog_overflow);
	ATF_TP_ADD_TC(tp, tcp_simultaneous_close);
	return atf_no_error();
}
