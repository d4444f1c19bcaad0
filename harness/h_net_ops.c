/*
 * h_net_ops.c: typed helpers over the multi-kernel channel (see
 * h_net_ops.h).  Each helper is a pair: an r_* function that runs in
 * the kernel's process (calling rump_sys_*; fixed-size request structs
 * in, results out) and the wrapper the test body calls.  Socket-level
 * constants cross into the kernel as Linux values, so the host's
 * headers serve.
 */
/* rumpnet.h before <net/if.h>, whose ifr_name macro it would meet. */
#include <rump/rumpnet.h>

#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <net/route.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/ip_icmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <rump/rump.h>
#include <rump/rump_shmif.h>
#include <rump/rump_syscalls.h>
#include <rump/rumpnet.h>

#include "harness.h"
#include "h_net_ops.h"

#define PATHMAX		1024

/* Fail the case with the errno a remote call left. */
#define NZ(k, what, x) do {						\
	if ((x) == -1)							\
		atf_tc_fail("kernel %d: %s: %s (%s)", (k), (what),	\
		    h_errname(errno), strerror(errno));			\
} while (0)

static uint32_t
parse_addr(const char *s)
{
	struct in_addr a;

	if (inet_pton(AF_INET, s, &a) != 1)
		atf_tc_fail("h_net: \"%s\" is not an IPv4 address", s);
	return a.s_addr;
}

/* "a.b.c.d/len" (len defaults to 32); the mask in network order. */
static uint32_t
parse_cidr(const char *s, uint32_t *maskp)
{
	char buf[64], *slash;
	long len = 32;

	snprintf(buf, sizeof(buf), "%s", s);
	if ((slash = strchr(buf, '/')) != NULL) {
		*slash = '\0';
		len = strtol(slash + 1, NULL, 10);
		if (len < 0 || len > 32)
			atf_tc_fail("h_net: bad prefix length in \"%s\"", s);
	}
	*maskp = htonl(len == 0 ? 0 : ~0u << (32 - len));
	return parse_addr(buf);
}

static void
mksin(void *sa, uint32_t addr, uint16_t port)
{
	struct sockaddr_in sin;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = addr;
	sin.sin_port = htons(port);
	memcpy(sa, &sin, sizeof(sin));
}

/* A throwaway socket for ioctls in the calling kernel. */
static int
ctl_socket(void)
{

	return rump_sys_socket(AF_INET, SOCK_DGRAM, 0);
}

static int
set_timeout(int s, int which, int ms)
{
	struct timeval tv = { ms / 1000, (ms % 1000) * 1000 };

	return rump_sys_setsockopt(s, SOL_SOCKET, which, &tv, sizeof(tv));
}

/* An ioctl on a fresh control socket: the r_ functions' workhorse. */
static int
ctl_ioctl(unsigned long cmd, void *data)
{
	int s, rv, e;

	if ((s = ctl_socket()) == -1)
		return -1;
	rv = rump_sys_ioctl(s, cmd, data);
	e = errno;
	rump_sys_close(s);
	errno = e;
	return rv;
}

/* Remote ioctl: in = cmd + argument image, out = argument image. */
struct ioc_req {
	unsigned long	cmd;
	size_t		len;
	char		arg[512];
};

static int
r_ioctl(const void *in, size_t inlen, void *out, size_t *outlen)
{
	struct ioc_req rq;
	int rv;

	memcpy(&rq, in, sizeof(rq));
	rv = ctl_ioctl(rq.cmd, rq.arg);
	memcpy(out, rq.arg, rq.len);
	*outlen = rq.len;
	return rv;
}

static int
remote_ioctl(int k, unsigned long cmd, void *arg, size_t len)
{
	struct ioc_req rq;
	int rv;

	if (len > sizeof(rq.arg))
		atf_tc_fail("remote_ioctl: %zu bytes", len);
	memset(&rq, 0, sizeof(rq));
	rq.cmd = cmd;
	rq.len = len;
	memcpy(rq.arg, arg, len);
	rv = h_net_call(k, r_ioctl, &rq, sizeof(rq), arg, len, NULL);
	return rv;
}

static int
r_shmif(const void *in, size_t inlen, void *out, size_t *outlen)
{
	int unit = -1, error;

	if ((error = rump_pub_shmif_create(in, &unit)) != 0) {
		errno = error;
		return -1;
	}
	*outlen = 0;
	return unit;
}

int
h_net_shmif(int k, const char *bus)
{
	int unit;

	unit = h_net_call(k, r_shmif, bus, strlen(bus) + 1, NULL, 0, NULL);
	NZ(k, "rump_pub_shmif_create", unit);
	return unit;
}

void
h_net_ifcreate(int k, const char *ifname)
{
	struct rump_ifreq_name ifn;

	memset(&ifn, 0, sizeof(ifn));
	/* ifr_name is a macro of the host's <net/if.h>: go by offset. */
	snprintf((char *)&ifn, RUMP_IFNAMSIZ, "%s", ifname);
	NZ(k, "RUMP_SIOCIFCREATE", remote_ioctl(k, RUMP_SIOCIFCREATE, &ifn,
	    sizeof(ifn)));
}

void
h_net_ifdestroy(int k, const char *ifname)
{
	struct rump_ifreq_name ifn;

	memset(&ifn, 0, sizeof(ifn));
	/* ifr_name is a macro of the host's <net/if.h>: go by offset. */
	snprintf((char *)&ifn, RUMP_IFNAMSIZ, "%s", ifname);
	NZ(k, "RUMP_SIOCIFDESTROY", remote_ioctl(k, RUMP_SIOCIFDESTROY, &ifn,
	    sizeof(ifn)));
}

/* in: ifname[16] then the path; the path travels in our blob. */
static int
r_linkstr(const void *in, size_t inlen, void *out, size_t *outlen)
{
	struct rump_ifdrv ifd;
	const char *p = in;

	memset(&ifd, 0, sizeof(ifd));
	memcpy(ifd.ifd_name, p, RUMP_IFNAMSIZ);
	ifd.ifd_len = strlen(p + RUMP_IFNAMSIZ) + 1;
	ifd.ifd_data = (void *)(uintptr_t)(p + RUMP_IFNAMSIZ);
	*outlen = 0;
	return ctl_ioctl(RUMP_SIOCSLINKSTR, &ifd);
}

int
h_net_try_linkstr(int k, const char *ifname, const char *bus)
{
	char buf[RUMP_IFNAMSIZ + PATHMAX];

	memset(buf, 0, sizeof(buf));
	snprintf(buf, RUMP_IFNAMSIZ, "%s", ifname);
	snprintf(buf + RUMP_IFNAMSIZ, PATHMAX, "%s", bus);
	return h_net_call(k, r_linkstr, buf, sizeof(buf), NULL, 0, NULL);
}

void
h_net_linkstr(int k, const char *ifname, const char *bus)
{

	NZ(k, "RUMP_SIOCSLINKSTR", h_net_try_linkstr(k, ifname, bus));
}

void
h_net_ifupdown(int k, const char *ifname, int up)
{
	struct ifreq ifr;

	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	NZ(k, "SIOCGIFFLAGS", remote_ioctl(k, SIOCGIFFLAGS, &ifr,
	    sizeof(ifr)));
	if (up)
		ifr.ifr_flags |= IFF_UP;
	else
		ifr.ifr_flags &= ~IFF_UP;
	NZ(k, "SIOCSIFFLAGS", remote_ioctl(k, SIOCSIFFLAGS, &ifr,
	    sizeof(ifr)));
}

int
h_net_ifmtu(int k, const char *ifname, int mtu)
{
	struct ifreq ifr;

	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	ifr.ifr_mtu = mtu;
	return remote_ioctl(k, SIOCSIFMTU, &ifr, sizeof(ifr));
}

void
h_net_ifconfig(int k, const char *ifname, const char *cidr)
{
	struct rump_ifaliasreq ifra;
	uint32_t addr, mask;

	addr = parse_cidr(cidr, &mask);
	memset(&ifra, 0, sizeof(ifra));
	snprintf(ifra.ifra_name, sizeof(ifra.ifra_name), "%s", ifname);
	mksin(ifra.ifra_addr, addr, 0);
	mksin(ifra.ifra_mask, mask, 0);
	NZ(k, "RUMP_SIOCAIFADDR", remote_ioctl(k, RUMP_SIOCAIFADDR, &ifra,
	    sizeof(ifra)));
	h_net_ifupdown(k, ifname, 1);
}

void
h_net_route_add(int k, const char *dst, const char *gateway)
{
	struct rtentry rt;
	uint32_t addr = 0, mask = 0;

	memset(&rt, 0, sizeof(rt));
	if (strcmp(dst, "default") != 0)
		addr = parse_cidr(dst, &mask);
	mksin(&rt.rt_dst, addr, 0);
	mksin(&rt.rt_genmask, mask, 0);
	mksin(&rt.rt_gateway, parse_addr(gateway), 0);
	rt.rt_flags = RTF_UP | RTF_GATEWAY | (mask == 0xffffffff ? RTF_HOST :
	    0);
	/* rt_dev is a pointer into the caller: none, the kernel picks. */
	NZ(k, "SIOCADDRT", remote_ioctl(k, SIOCADDRT, &rt, sizeof(rt)));
}

void
h_net_forwarding(int k, int on)
{

	NZ(k, "RUMP_SIOCSIPFORWARDING", remote_ioctl(k,
	    RUMP_SIOCSIPFORWARDING, &on, sizeof(on)));
}

void
h_net_arptimers(int k, int keep, int down, int maxtries)
{
	struct rump_arptimers at = { keep, down, maxtries };

	NZ(k, "RUMP_SIOCSARPTIMERS", remote_ioctl(k, RUMP_SIOCSARPTIMERS, &at,
	    sizeof(at)));
}

void
h_net_ifstats(int k, const char *ifname, struct rump_ifstats *ifs)
{

	memset(ifs, 0, sizeof(*ifs));
	snprintf(ifs->ifs_name, sizeof(ifs->ifs_name), "%s", ifname);
	NZ(k, "RUMP_SIOCGIFSTATS", remote_ioctl(k, RUMP_SIOCGIFSTATS, ifs,
	    sizeof(*ifs)));
}

/* Statistics structures are bigger than an ioc_req: their own call. */
struct stat_req {
	unsigned long	cmd;
	size_t		len;
};

static int
r_stat(const void *in, size_t inlen, void *out, size_t *outlen)
{
	struct stat_req rq;

	memcpy(&rq, in, sizeof(rq));
	*outlen = rq.len;
	return ctl_ioctl(rq.cmd, out);
}

static void
remote_stat(int k, const char *what, unsigned long cmd, void *buf,
    size_t len)
{
	struct stat_req rq = { cmd, len };

	NZ(k, what, h_net_call(k, r_stat, &rq, sizeof(rq), buf, len, NULL));
}

void
h_net_ipstat(int k, struct rump_ipstat *st)
{

	remote_stat(k, "RUMP_SIOCGIPSTAT", RUMP_SIOCGIPSTAT, st, sizeof(*st));
}

void
h_net_icmpstat(int k, struct rump_icmpstat *st)
{

	remote_stat(k, "RUMP_SIOCGICMPSTAT", RUMP_SIOCGICMPSTAT, st,
	    sizeof(*st));
}

void
h_net_udpstat(int k, struct rump_udpstat *st)
{

	remote_stat(k, "RUMP_SIOCGUDPSTAT", RUMP_SIOCGUDPSTAT, st,
	    sizeof(*st));
}

void
h_net_arpstat(int k, struct rump_arpstat *st)
{

	remote_stat(k, "RUMP_SIOCGARPSTAT", RUMP_SIOCGARPSTAT, st,
	    sizeof(*st));
}

int
h_net_arp_lookup(int k, const char *ifname, const char *addr,
    uint8_t mac[6])
{
	struct arpreq ar;

	memset(&ar, 0, sizeof(ar));
	mksin(&ar.arp_pa, parse_addr(addr), 0);
	snprintf(ar.arp_dev, sizeof(ar.arp_dev), "%s", ifname);
	if (remote_ioctl(k, SIOCGARP, &ar, sizeof(ar)) == -1)
		return -1;
	if ((ar.arp_flags & ATF_COM) == 0) {
		errno = ENXIO;
		return -1;
	}
	memcpy(mac, ar.arp_ha.sa_data, 6);
	return 0;
}

void
h_net_ifmac(int k, const char *ifname, uint8_t mac[6])
{
	struct ifreq ifr;

	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	NZ(k, "SIOCGIFHWADDR", remote_ioctl(k, SIOCGIFHWADDR, &ifr,
	    sizeof(ifr)));
	memcpy(mac, ifr.ifr_hwaddr.sa_data, 6);
}

static long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

static uint16_t
cksum(const void *buf, size_t len)
{
	const uint8_t *p = buf;
	uint32_t sum = 0;

	for (; len > 1; p += 2, len -= 2)
		sum += (uint32_t)(p[0] << 8 | p[1]);
	if (len == 1)
		sum += (uint32_t)(p[0] << 8);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return htons((uint16_t)~sum);
}

struct ping_req {
	uint32_t	dst;
	int		count;
	int		size;
	int		timeout_ms;
};

/* Wait for the echo reply to (id, seq) until deadline; 1 if it came. */
static int
ping_wait(int s, uint16_t id, uint16_t seq, long deadline)
{
	static uint8_t buf[65536];
	struct icmphdr ic;
	ssize_t n;
	size_t hl;

	while (now_ms() < deadline) {
		if (set_timeout(s, SO_RCVTIMEO, (int)(deadline - now_ms()) +
		    1) == -1)
			return -1;
		if ((n = rump_sys_recvfrom(s, buf, sizeof(buf), 0, NULL,
		    NULL)) == -1)
			return errno == EAGAIN ? 0 : -1;
		hl = (size_t)(buf[0] & 0x0f) * 4;
		if ((size_t)n < hl + sizeof(ic))
			continue;
		memcpy(&ic, buf + hl, sizeof(ic));
		if (ic.type == ICMP_ECHOREPLY && ntohs(ic.un.echo.id) == id &&
		    ntohs(ic.un.echo.sequence) == seq)
			return 1;
	}
	return 0;
}

static int
r_ping(const void *in, size_t inlen, void *out, size_t *outlen)
{
	static uint8_t pkt[65536];
	struct ping_req rq;
	struct icmphdr ic;
	struct sockaddr_in to;
	uint16_t id = (uint16_t)getpid();
	int s, got = 0, r;

	memcpy(&rq, in, sizeof(rq));
	*outlen = 0;
	if (rq.size < 0 || (size_t)rq.size + sizeof(ic) > sizeof(pkt)) {
		errno = EINVAL;
		return -1;
	}
	if ((s = rump_sys_socket(AF_INET, SOCK_RAW, IPPROTO_ICMP)) == -1)
		return -1;
	mksin(&to, rq.dst, 0);
	for (int seq = 0; seq < rq.count; seq++) {
		memset(&ic, 0, sizeof(ic));
		ic.type = ICMP_ECHO;
		ic.un.echo.id = htons(id);
		ic.un.echo.sequence = htons((uint16_t)seq);
		memcpy(pkt, &ic, sizeof(ic));
		for (int i = 0; i < rq.size; i++)
			pkt[sizeof(ic) + i] = (uint8_t)(i + seq);
		ic.checksum = cksum(pkt, sizeof(ic) + (size_t)rq.size);
		memcpy(pkt, &ic, sizeof(ic));
		if (rump_sys_sendto(s, pkt, sizeof(ic) + (size_t)rq.size, 0,
		    (struct sockaddr *)&to, sizeof(to)) == -1) {
			/* EHOSTDOWN etc. while ARP settles: no reply. */
			continue;
		}
		r = ping_wait(s, id, (uint16_t)seq, now_ms() + rq.timeout_ms);
		if (r == -1)
			break;
		got += r;
	}
	rump_sys_close(s);
	return got;
}

int
h_net_ping(int k, const char *dst, int count, int size, int timeout_ms)
{
	struct ping_req rq = { parse_addr(dst), count, size, timeout_ms };
	int n;

	n = h_net_call(k, r_ping, &rq, sizeof(rq), NULL, 0, NULL);
	NZ(k, "ping", n);
	return n;
}

/* Requests have no padding: every byte sent is initialised. */
struct udp_req {
	uint32_t	addr;
	uint32_t	port;
	int		n;
	int		size;
	int		timeout_ms;
};

/* Bind a UDP socket to rq.port; the descriptor. */
static int
r_udp_bind(const void *in, size_t inlen, void *out, size_t *outlen)
{
	struct udp_req rq;
	struct sockaddr_in sin;
	int s, e;

	memcpy(&rq, in, sizeof(rq));
	*outlen = 0;
	if ((s = rump_sys_socket(AF_INET, SOCK_DGRAM, 0)) == -1)
		return -1;
	mksin(&sin, INADDR_ANY, (uint16_t)rq.port);
	if (rump_sys_bind(s, (struct sockaddr *)&sin, sizeof(sin)) == -1 ||
	    set_timeout(s, SO_RCVTIMEO, rq.timeout_ms) == -1) {
		e = errno;
		rump_sys_close(s);
		errno = e;
		return -1;
	}
	return s;
}

/* Echo on descriptor rq.n's socket (see h_net_udp_echo_start). */
struct echo_req {
	int	fd;
	int	n;
};

static int
r_udp_echo(const void *in, size_t inlen, void *out, size_t *outlen)
{
	static uint8_t buf[65536];
	struct echo_req rq;
	struct sockaddr_in from;
	unsigned int fromlen;
	ssize_t n;
	int echoed = 0, e = 0;

	memcpy(&rq, in, sizeof(rq));
	*outlen = 0;
	while (echoed < rq.n) {
		fromlen = sizeof(from);
		n = rump_sys_recvfrom(rq.fd, buf, sizeof(buf), 0,
		    (struct sockaddr *)&from, &fromlen);
		if (n == -1 && errno == EAGAIN)
			break;
		if (n == -1 || rump_sys_sendto(rq.fd, buf, (size_t)n, 0,
		    (struct sockaddr *)&from, fromlen) == -1) {
			e = errno;
			break;
		}
		echoed++;
	}
	rump_sys_close(rq.fd);
	errno = e;
	return e != 0 ? -1 : echoed;
}

/*
 * The socket is bound before this returns, so a client may send at
 * once; the serving runs on while the test does other things.
 */
void
h_net_udp_echo_start(int k, uint16_t port, int n, int timeout_ms)
{
	struct udp_req rq = { 0, port, n, 0, timeout_ms };
	struct echo_req er;

	er.fd = h_net_call(k, r_udp_bind, &rq, sizeof(rq), NULL, 0, NULL);
	NZ(k, "udp echo server: bind", er.fd);
	er.n = n;
	h_net_call_start(k, r_udp_echo, &er, sizeof(er), 0);
}

int
h_net_udp_echo_finish(int k)
{
	int n = h_net_call_finish(k, NULL, 0, NULL);

	NZ(k, "udp echo server", n);
	return n;
}

static int
r_udp_client(const void *in, size_t inlen, void *out, size_t *outlen)
{
	static uint8_t buf[65536], back[65536];
	struct udp_req rq;
	struct sockaddr_in to;
	ssize_t n;
	int s, ok = 0;

	memcpy(&rq, in, sizeof(rq));
	*outlen = 0;
	if (rq.size < 4 || rq.size > 65507) {
		errno = EINVAL;
		return -1;
	}
	if ((s = rump_sys_socket(AF_INET, SOCK_DGRAM, 0)) == -1)
		return -1;
	mksin(&to, rq.addr, (uint16_t)rq.port);
	if (set_timeout(s, SO_RCVTIMEO, rq.timeout_ms) == -1)
		goto fail;
	for (int i = 0; i < rq.n; i++) {
		memcpy(buf, &i, sizeof(i));
		for (int j = 4; j < rq.size; j++)
			buf[j] = (uint8_t)(i * 3 + j);
		if (rump_sys_sendto(s, buf, (size_t)rq.size, 0,
		    (struct sockaddr *)&to, sizeof(to)) == -1)
			goto fail;
		n = rump_sys_recvfrom(s, back, sizeof(back), 0, NULL, NULL);
		if (n == -1 && errno != EAGAIN)
			goto fail;
		if (n == rq.size && memcmp(buf, back, (size_t)n) == 0)
			ok++;
	}
	rump_sys_close(s);
	return ok;
fail:
	rump_sys_close(s);
	return -1;
}

int
h_net_udp_client(int k, const char *dst, uint16_t port, int n, int size,
    int timeout_ms)
{
	struct udp_req rq = { parse_addr(dst), port, n, size, timeout_ms };
	int ok;

	ok = h_net_call(k, r_udp_client, &rq, sizeof(rq), NULL, 0, NULL);
	NZ(k, "udp client", ok);
	return ok;
}

static int
r_udp_probe(const void *in, size_t inlen, void *out, size_t *outlen)
{
	static uint8_t buf[65536];
	struct udp_req rq;
	struct sockaddr_in to;
	int s, error = 0;

	memcpy(&rq, in, sizeof(rq));
	*outlen = 0;
	if ((s = rump_sys_socket(AF_INET, SOCK_DGRAM, 0)) == -1)
		return -1;
	mksin(&to, rq.addr, (uint16_t)rq.port);
	memset(buf, 0x55, sizeof(buf));
	if (rump_sys_connect(s, (struct sockaddr *)&to, sizeof(to)) == -1 ||
	    set_timeout(s, SO_RCVTIMEO, rq.timeout_ms) == -1 ||
	    rump_sys_sendto(s, buf, (size_t)rq.size, 0, NULL, 0) == -1)
		error = errno;
	else if (rump_sys_recvfrom(s, buf, sizeof(buf), 0, NULL, NULL) == -1 &&
	    errno != EAGAIN)
		error = errno;
	rump_sys_close(s);
	return error;
}

int
h_net_udp_probe(int k, const char *dst, uint16_t port, int size,
    int timeout_ms)
{
	struct udp_req rq = { parse_addr(dst), port, 1, size, timeout_ms };

	return h_net_call(k, r_udp_probe, &rq, sizeof(rq), NULL, 0, NULL);
}

uint8_t
h_net_pattern(uint32_t seed, long off)
{
	uint32_t x = (uint32_t)off * 2654435761u + seed;

	return (uint8_t)(x >> 24 ^ x >> 8);
}

struct tcp_req {
	long		nbytes;
	uint32_t	addr;
	uint32_t	port;
	uint32_t	seed;
	uint32_t	pad;
};

struct tcp_rep {
	long		good;		/* bytes that matched */
	long		badoff;		/* first mismatch, or -1 */
};

/* A listening TCP socket on rq.port (backlog 1); the descriptor. */
static int
r_tcp_listen(const void *in, size_t inlen, void *out, size_t *outlen)
{
	struct tcp_req rq;
	struct sockaddr_in sin;
	int s, one = 1, e;

	memcpy(&rq, in, sizeof(rq));
	*outlen = 0;
	if ((s = rump_sys_socket(AF_INET, SOCK_STREAM, 0)) == -1)
		return -1;
	mksin(&sin, INADDR_ANY, (uint16_t)rq.port);
	if (rump_sys_setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one,
	    sizeof(one)) == -1 ||
	    rump_sys_bind(s, (struct sockaddr *)&sin, sizeof(sin)) == -1 ||
	    rump_sys_listen(s, 1) == -1 ||
	    set_timeout(s, SO_RCVTIMEO, 15000) == -1) {
		e = errno;
		rump_sys_close(s);
		errno = e;
		return -1;
	}
	return s;
}

/* Accept on rq.nbytes (the listening descriptor), read, check. */
static int
r_tcp_sink(const void *in, size_t inlen, void *out, size_t *outlen)
{
	static uint8_t buf[65536];
	struct tcp_req rq;
	struct tcp_rep rp = { 0, -1 };
	int s, c, e;
	ssize_t n;

	memcpy(&rq, in, sizeof(rq));
	*outlen = 0;
	s = (int)rq.nbytes;
	c = rump_sys_accept(s, NULL, NULL);
	e = errno;
	rump_sys_close(s);
	if (c == -1) {
		errno = e;
		return -1;
	}
	(void)set_timeout(c, SO_RCVTIMEO, 15000);
	while ((n = rump_sys_read(c, buf, sizeof(buf))) > 0) {
		for (ssize_t i = 0; i < n; i++) {
			if (buf[i] != h_net_pattern(rq.seed, rp.good)) {
				if (rp.badoff == -1)
					rp.badoff = rp.good;
				break;
			}
			rp.good++;
		}
		if (rp.badoff != -1)
			break;
	}
	e = errno;
	rump_sys_close(c);
	memcpy(out, &rp, sizeof(rp));
	*outlen = sizeof(rp);
	errno = e;
	return n == -1 ? -1 : 0;
}

/* Listening when this returns; the accept and reads run on. */
void
h_net_tcp_sink_start(int k, uint16_t port, uint32_t seed)
{
	struct tcp_req rq = { 0, 0, port, seed, 0 };
	int s;

	s = h_net_call(k, r_tcp_listen, &rq, sizeof(rq), NULL, 0, NULL);
	NZ(k, "tcp sink: listen", s);
	rq.nbytes = s;
	h_net_call_start(k, r_tcp_sink, &rq, sizeof(rq),
	    sizeof(struct tcp_rep));
}

long
h_net_tcp_sink_finish(int k)
{
	struct tcp_rep rp = { 0, -1 };
	size_t len;
	int rv;

	rv = h_net_call_finish(k, &rp, sizeof(rp), &len);
	NZ(k, "tcp sink", rv);
	if (rp.badoff != -1)
		atf_tc_fail("kernel %d: tcp sink: wrong byte at offset %ld",
		    k, rp.badoff);
	return rp.good;
}

static int
r_tcp_source(const void *in, size_t inlen, void *out, size_t *outlen)
{
	static uint8_t buf[65536];
	struct tcp_req rq;
	struct sockaddr_in to;
	long off = 0;
	ssize_t n;
	size_t chunk;
	int s, e;

	memcpy(&rq, in, sizeof(rq));
	*outlen = 0;
	if ((s = rump_sys_socket(AF_INET, SOCK_STREAM, 0)) == -1)
		return -1;
	mksin(&to, rq.addr, (uint16_t)rq.port);
	if (rump_sys_connect(s, (struct sockaddr *)&to, sizeof(to)) == -1)
		goto fail;
	while (off < rq.nbytes) {
		chunk = (size_t)(rq.nbytes - off) < sizeof(buf) ?
		    (size_t)(rq.nbytes - off) : sizeof(buf);
		for (size_t i = 0; i < chunk; i++)
			buf[i] = h_net_pattern(rq.seed, off + (long)i);
		if ((n = rump_sys_write(s, buf, chunk)) == -1)
			goto fail;
		off += n;
	}
	return rump_sys_close(s);
fail:
	e = errno;
	rump_sys_close(s);
	errno = e;
	return -1;
}

int
h_net_tcp_source(int k, const char *dst, uint16_t port, long nbytes,
    uint32_t seed)
{
	struct tcp_req rq = { nbytes, parse_addr(dst), port, seed, 0 };

	return h_net_call(k, r_tcp_source, &rq, sizeof(rq), NULL, 0, NULL);
}
