/*
 * t_virtif: virtif, the tap-backed interface, with the Linux network
 * stack as the peer and the oracle.  Each case unshares a private
 * network namespace (so it needs no real network and leaves nothing
 * behind: the namespace and its tap go when the case's process exits),
 * makes a persistent tap device there with the Linux side at
 * 10.9.0.1/24, and boots one kernel in the test process whose virt0 is
 * attached to the tap at 10.9.0.2/24.
 *
 * The kernel's sockets are rump_sys_* calls, the host's are libc's,
 * both from this process: a "side" (struct side) is one of the two
 * socket APIs, so ping, UDP and TCP are written once and run in both
 * directions.  Where both ends block at once (a TCP transfer) the
 * server runs in a thread.  Waits have generous limits only so that a
 * bug cannot hang the case; no assertion depends on timing.
 *
 * Needs root and /dev/net/tun; skipped with the reason otherwise.
 */
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_packet.h>
#include <linux/if_tun.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/ip_icmp.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <atf-c.h>

#include <rump/rump.h>
#include <rump/rump_syscalls.h>
#include <rump/rump_virtif.h>
#include <rump/rumpnet.h>

#include "harness.h"
#include "h_oracle.h"

#define TAP		"vtap0"
#define LINUX_IP	"10.9.0.1"
#define RUMP_IP		"10.9.0.2"
#define WAIT_S		15	/* any single wait; only against hangs */
#define MIB		(1024 * 1024)

/* ------------------------------------------------------------------ */
/* The network namespace and the Linux side.                          */

static int
lx_ctl(void)
{
	static int s = -1;

	if (s == -1)
		s = RL(socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
	return s;
}

static void
mksin(struct sockaddr *sa, const char *addr, uint16_t port)
{
	struct sockaddr_in sin;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(port);
	ATF_REQUIRE(inet_pton(AF_INET, addr, &sin.sin_addr) == 1);
	memcpy(sa, &sin, sizeof(sin));
}

static void
lx_ifreq(struct ifreq *ifr, const char *ifname)
{

	memset(ifr, 0, sizeof(*ifr));
	snprintf(ifr->ifr_name, sizeof(ifr->ifr_name), "%s", ifname);
}

/*
 * ifconfig up/down and mtu, on either side: the same requests and
 * struct ifreq go to Linux's ioctl(2) or the kernel's.
 */
typedef int (*ioctl_fn)(int, unsigned long, void *);

static int
lx_ioctl(int fd, unsigned long cmd, void *arg)
{
	return ioctl(fd, cmd, arg);
}

static void
if_updown(ioctl_fn ioc, int fd, const char *ifname, int up)
{
	struct ifreq ifr;

	lx_ifreq(&ifr, ifname);
	RL(ioc(fd, SIOCGIFFLAGS, &ifr));
	if (up)
		ifr.ifr_flags |= IFF_UP;
	else
		ifr.ifr_flags &= ~IFF_UP;
	RL(ioc(fd, SIOCSIFFLAGS, &ifr));
}

static void
if_mtu(ioctl_fn ioc, int fd, const char *ifname, int mtu)
{
	struct ifreq ifr;

	lx_ifreq(&ifr, ifname);
	ifr.ifr_mtu = mtu;
	RL(ioc(fd, SIOCSIFMTU, &ifr));
}

static void
lx_updown(const char *ifname, int up)
{
	if_updown(lx_ioctl, lx_ctl(), ifname, up);
}

static void
lx_mtu(const char *ifname, int mtu)
{
	if_mtu(lx_ioctl, lx_ctl(), ifname, mtu);
}

static void
lx_mac(const char *ifname, uint8_t mac[6])
{
	struct ifreq ifr;

	lx_ifreq(&ifr, ifname);
	RL(ioctl(lx_ctl(), SIOCGIFHWADDR, &ifr));
	memcpy(mac, ifr.ifr_hwaddr.sa_data, 6);
}

/* Make a persistent tap named name (nobody attached). */
static void
lx_mktap(const char *name)
{
	struct ifreq ifr;
	int fd;

	fd = RL(open("/dev/net/tun", O_RDWR | O_CLOEXEC));
	lx_ifreq(&ifr, name);
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
	RL(ioctl(fd, TUNSETIFF, &ifr));
	RL(ioctl(fd, TUNSETPERSIST, 1));
	RL(close(fd));
}

/*
 * Into a fresh network namespace with the tap at 10.9.0.1/24, up (its
 * carrier comes when the kernel attaches).  Skips without privilege.
 */
static void
vt_netns(void)
{
	struct ifreq ifr;

	if (geteuid() != 0)
		atf_tc_skip("needs root (a network namespace and a tap "
		    "device); CI runs it as root");
	if (access("/dev/net/tun", R_OK | W_OK) != 0)
		atf_tc_skip("no usable /dev/net/tun: %s", strerror(errno));
	if (unshare(CLONE_NEWNET) == -1)
		atf_tc_skip("unshare(CLONE_NEWNET): %s", strerror(errno));
	lx_updown("lo", 1);
	lx_mktap(TAP);
	lx_ifreq(&ifr, TAP);
	mksin(&ifr.ifr_addr, LINUX_IP, 0);
	RL(ioctl(lx_ctl(), SIOCSIFADDR, &ifr));
	mksin(&ifr.ifr_netmask, "255.255.255.0", 0);
	RL(ioctl(lx_ctl(), SIOCSIFNETMASK, &ifr));
	lx_updown(TAP, 1);
}

/* Linux's ARP entry for addr on the tap: 1 and mac if complete. */
static int
lx_arp(const char *addr, uint8_t mac[6])
{
	struct arpreq ar;

	memset(&ar, 0, sizeof(ar));
	mksin(&ar.arp_pa, addr, 0);
	snprintf(ar.arp_dev, sizeof(ar.arp_dev), "%s", TAP);
	if (ioctl(lx_ctl(), SIOCGARP, &ar) == -1) {
		ATF_REQUIRE_MSG(errno == ENXIO, "SIOCGARP: %s",
		    strerror(errno));
		return 0;
	}
	if ((ar.arp_flags & ATF_COM) == 0)
		return 0;
	memcpy(mac, ar.arp_ha.sa_data, 6);
	return 1;
}

/* Open descriptors of this process. */
static int
nfds(void)
{
	DIR *d;
	int n = 0;

	ATF_REQUIRE((d = opendir("/proc/self/fd")) != NULL);
	while (readdir(d) != NULL)
		n++;
	closedir(d);
	return n;
}

/* ------------------------------------------------------------------ */
/* The kernel side: ifconfig-style ioctls.                            */

static int
rk_ctl(void)
{
	static int s = -1;

	if (s == -1 || !rump_booted())
		s = RL(rump_sys_socket(AF_INET, SOCK_DGRAM, 0));
	return s;
}

static int
rk_ifcreate(const char *ifname)
{
	struct rump_ifreq_name ifn;

	memset(&ifn, 0, sizeof(ifn));
	/* ifr_name is a macro of <net/if.h>: go by offset. */
	snprintf((char *)&ifn, RUMP_IFNAMSIZ, "%s", ifname);
	return rump_sys_ioctl(rk_ctl(), RUMP_SIOCIFCREATE, &ifn);
}

static int
rk_ifdestroy(const char *ifname)
{
	struct rump_ifreq_name ifn;

	memset(&ifn, 0, sizeof(ifn));
	snprintf((char *)&ifn, RUMP_IFNAMSIZ, "%s", ifname);
	return rump_sys_ioctl(rk_ctl(), RUMP_SIOCIFDESTROY, &ifn);
}

/* RUMP_SIOCSLINKSTR with str ("" detaches); -1 and errno on failure. */
static int
rk_linkstr(const char *ifname, const char *str, size_t len)
{
	struct rump_ifdrv ifd;

	memset(&ifd, 0, sizeof(ifd));
	snprintf(ifd.ifd_name, sizeof(ifd.ifd_name), "%s", ifname);
	ifd.ifd_len = len;
	ifd.ifd_data = (void *)(uintptr_t)str;
	return rump_sys_ioctl(rk_ctl(), RUMP_SIOCSLINKSTR, &ifd);
}

static void
rk_updown(const char *ifname, int up)
{
	if_updown(rump_sys_ioctl, rk_ctl(), ifname, up);
}

static void
rk_mtu(const char *ifname, int mtu)
{
	if_mtu(rump_sys_ioctl, rk_ctl(), ifname, mtu);
}

static void
rk_ifaddr(const char *ifname, const char *addr)
{
	struct rump_ifaliasreq ifra;

	memset(&ifra, 0, sizeof(ifra));
	snprintf(ifra.ifra_name, sizeof(ifra.ifra_name), "%s", ifname);
	mksin((struct sockaddr *)ifra.ifra_addr, addr, 0);
	mksin((struct sockaddr *)ifra.ifra_mask, "255.255.255.0", 0);
	RL(rump_sys_ioctl(rk_ctl(), RUMP_SIOCAIFADDR, &ifra));
	rk_updown(ifname, 1);
}

/* virt0 on the tap, at 10.9.0.2/24, up. */
static void
rk_virt0(void)
{

	RL(rk_ifcreate("virt0"));
	RL(rk_linkstr("virt0", TAP, sizeof(TAP)));
	rk_ifaddr("virt0", RUMP_IP);
}

static void
rk_ifstats(const char *ifname, struct rump_ifstats *ifs)
{

	memset(ifs, 0, sizeof(*ifs));
	snprintf(ifs->ifs_name, sizeof(ifs->ifs_name), "%s", ifname);
	RL(rump_sys_ioctl(rk_ctl(), RUMP_SIOCGIFSTATS, ifs));
}

static void
rk_ipstat(struct rump_ipstat *st)
{

	RL(rump_sys_ioctl(rk_ctl(), RUMP_SIOCGIPSTAT, st));
}

/* The kernel's ARP entry for addr on virt0: 1 and mac if complete. */
static int
rk_arp(const char *addr, uint8_t mac[6])
{
	struct arpreq ar;

	memset(&ar, 0, sizeof(ar));
	mksin(&ar.arp_pa, addr, 0);
	snprintf(ar.arp_dev, sizeof(ar.arp_dev), "virt0");
	if (rump_sys_ioctl(rk_ctl(), SIOCGARP, &ar) == -1) {
		ATF_REQUIRE_MSG(errno == ENXIO, "SIOCGARP: %s",
		    strerror(errno));
		return 0;
	}
	if ((ar.arp_flags & ATF_COM) == 0)
		return 0;
	memcpy(mac, ar.arp_ha.sa_data, 6);
	return 1;
}

static void
rk_mac(const char *ifname, uint8_t mac[6])
{
	struct ifreq ifr;

	lx_ifreq(&ifr, ifname);
	RL(rump_sys_ioctl(rk_ctl(), SIOCGIFHWADDR, &ifr));
	memcpy(mac, ifr.ifr_hwaddr.sa_data, 6);
}

/* ------------------------------------------------------------------ */
/* Sides: one socket API each, so traffic code is written once.       */

struct side {
	const char	*sd_name;
	const char	*sd_addr;
	int		(*sd_socket)(int, int, int);
	int		(*sd_bind)(int, const struct sockaddr *, socklen_t);
	int		(*sd_connect)(int, const struct sockaddr *, socklen_t);
	int		(*sd_listen)(int, int);
	int		(*sd_accept)(int, struct sockaddr *, socklen_t *);
	ssize_t		(*sd_read)(int, void *, size_t);
	ssize_t		(*sd_write)(int, const void *, size_t);
	ssize_t		(*sd_sendto)(int, const void *, size_t, int,
			    const struct sockaddr *, socklen_t);
	ssize_t		(*sd_recvfrom)(int, void *, size_t, int,
			    struct sockaddr *, socklen_t *);
	int		(*sd_setsockopt)(int, int, int, const void *,
			    socklen_t);
	int		(*sd_close)(int);
};

/* libc's sockaddr arguments are transparent unions: wrap them. */
static int
lx_socket(int d, int t, int p)
{
	return socket(d, t | SOCK_CLOEXEC, p);
}
static int
lx_bind(int s, const struct sockaddr *sa, socklen_t l)
{
	return bind(s, sa, l);
}
static int
lx_connect(int s, const struct sockaddr *sa, socklen_t l)
{
	return connect(s, sa, l);
}
static int
lx_accept(int s, struct sockaddr *sa, socklen_t *l)
{
	return accept4(s, sa, l, SOCK_CLOEXEC);
}
static ssize_t
lx_sendto(int s, const void *b, size_t n, int f, const struct sockaddr *sa,
    socklen_t l)
{
	return sendto(s, b, n, f, sa, l);
}
static ssize_t
lx_recvfrom(int s, void *b, size_t n, int f, struct sockaddr *sa,
    socklen_t *l)
{
	return recvfrom(s, b, n, f, sa, l);
}

static const struct side linux_side = {
	"linux", LINUX_IP, lx_socket, lx_bind, lx_connect, listen,
	lx_accept, read, write, lx_sendto, lx_recvfrom, setsockopt, close,
};
static const struct side rump_side = {
	"rump", RUMP_IP, rump_sys_socket, rump_sys_bind, rump_sys_connect,
	rump_sys_listen, rump_sys_accept, rump_sys_read, rump_sys_write,
	rump_sys_sendto, rump_sys_recvfrom, rump_sys_setsockopt,
	rump_sys_close,
};

static void
sd_timeouts(const struct side *sd, int s)
{
	struct timeval tv = { WAIT_S, 0 };

	ATF_REQUIRE_MSG(sd->sd_setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv,
	    sizeof(tv)) == 0, "%s SO_RCVTIMEO: %s", sd->sd_name,
	    strerror(errno));
	ATF_REQUIRE_MSG(sd->sd_setsockopt(s, SOL_SOCKET, SO_SNDTIMEO, &tv,
	    sizeof(tv)) == 0, "%s SO_SNDTIMEO: %s", sd->sd_name,
	    strerror(errno));
}

static uint16_t
cksum(const void *p, size_t len)
{
	const uint8_t *b = p;
	uint32_t sum = 0;
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(b[i] << 8 | b[i + 1]);
	if (len & 1)
		sum += (uint32_t)b[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return htons((uint16_t)~sum);
}

/* A byte of a pattern that does not repeat every 256 bytes. */
static uint8_t
pat(size_t i, unsigned seed)
{

	return (uint8_t)(i ^ (i >> 8) ^ (i >> 16) ^ seed);
}

/* Wait on s for the echo reply to (id, seq) carrying payload; 1 if so. */
static int
ping_reply(const struct side *sd, int s, uint16_t id, int seq,
    const uint8_t *payload, size_t size)
{
	static uint8_t buf[65536];
	struct icmphdr ic;
	ssize_t n;
	size_t hl;

	for (;;) {
		if ((n = sd->sd_recvfrom(s, buf, sizeof(buf), 0, NULL,
		    NULL)) == -1) {
			ATF_REQUIRE_MSG(errno == EAGAIN, "%s ping recv: %s",
			    sd->sd_name, strerror(errno));
			return 0;
		}
		hl = (size_t)(buf[0] & 0x0f) * 4;
		if ((size_t)n < hl + sizeof(ic))
			continue;
		memcpy(&ic, buf + hl, sizeof(ic));
		if (ic.type != ICMP_ECHOREPLY || ntohs(ic.un.echo.id) != id ||
		    ntohs(ic.un.echo.sequence) != seq)
			continue;
		ATF_REQUIRE_EQ_MSG((size_t)n, hl + sizeof(ic) + size,
		    "%s: reply of %zd bytes", sd->sd_name, n);
		ATF_REQUIRE_MSG(memcmp(buf + hl + sizeof(ic), payload,
		    size) == 0, "%s: echo reply payload differs",
		    sd->sd_name);
		return 1;
	}
}

/*
 * Ping dst from sd: count echo requests of size payload bytes; the
 * replies, whose payloads must be intact.  wait_ms 0: like ping(8),
 * each request is sent again every second (a frame can be lost: the
 * fault injection of failsweep drops some) up to WAIT_S times, and
 * the first never answered ends the run; otherwise each is sent once
 * and waited for wait_ms.
 */
static int
ping(const struct side *sd, const char *dst, int count, int size,
    int wait_ms)
{
	static uint8_t pkt[65536];
	struct sockaddr to;
	struct icmphdr ic;
	struct timeval tv;
	uint16_t id = (uint16_t)(rand() & 0xffff);
	int s, seq, try, tries = wait_ms == 0 ? WAIT_S : 1, got = 0;

	ATF_REQUIRE((size_t)size + sizeof(ic) <= sizeof(pkt));
	if (wait_ms == 0)
		wait_ms = 1000;
	tv.tv_sec = wait_ms / 1000;
	tv.tv_usec = (wait_ms % 1000) * 1000;
	s = sd->sd_socket(AF_INET, SOCK_RAW, IPPROTO_ICMP);
	ATF_REQUIRE_MSG(s != -1, "%s raw socket: %s", sd->sd_name,
	    strerror(errno));
	RL(sd->sd_setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)));
	mksin(&to, dst, 0);
	for (seq = 0; seq < count; seq++) {
		memset(&ic, 0, sizeof(ic));
		ic.type = ICMP_ECHO;
		ic.un.echo.id = htons(id);
		ic.un.echo.sequence = htons((uint16_t)seq);
		memcpy(pkt, &ic, sizeof(ic));
		for (int i = 0; i < size; i++)
			pkt[sizeof(ic) + (size_t)i] = pat((size_t)i,
			    (unsigned)seq);
		ic.checksum = cksum(pkt, sizeof(ic) + (size_t)size);
		memcpy(pkt, &ic, sizeof(ic));
		for (try = 0; try < tries; try++) {
			/* A send refused (link down) is a lost request. */
			if (sd->sd_sendto(s, pkt, sizeof(ic) + (size_t)size,
			    0, &to, sizeof(struct sockaddr_in)) == -1) {
				if (tries > 1)
					usleep(wait_ms * 1000);
				continue;
			}
			if (ping_reply(sd, s, id, seq, pkt + sizeof(ic),
			    (size_t)size)) {
				got++;
				break;
			}
		}
		if (got <= seq && tries > 1)
			break;	/* one never answered: the rest won't be */
	}
	RL(sd->sd_close(s));
	return got;
}

/* A UDP socket of sd bound to its address and port. */
static int
udp_bound(const struct side *sd, uint16_t port)
{
	struct sockaddr sa;
	int s;

	s = sd->sd_socket(AF_INET, SOCK_DGRAM, 0);
	ATF_REQUIRE_MSG(s != -1, "%s socket: %s", sd->sd_name,
	    strerror(errno));
	mksin(&sa, sd->sd_addr, port);
	ATF_REQUIRE_MSG(sd->sd_bind(s, &sa, sizeof(struct sockaddr_in)) == 0,
	    "%s bind: %s", sd->sd_name, strerror(errno));
	sd_timeouts(sd, s);
	return s;
}

/*
 * Send size bytes of pattern seed from a's socket sa to b (port pb)
 * until b's socket sb receives them intact from a's address and port
 * pa: resent every second, up to WAIT_S times (a frame may be lost to
 * fault injection); datagrams of an earlier exchange are skipped.
 */
static void
udp_deliver(const struct side *a, int sa, uint16_t pa,
    const struct side *b, int sb, uint16_t pb, size_t size, unsigned seed)
{
	static uint8_t out[65536], in[65536];
	struct timeval tv = { 1, 0 };
	struct sockaddr to, from;
	struct sockaddr_in fin;
	socklen_t flen;
	ssize_t n;
	size_t i;
	int try;

	for (i = 0; i < size; i++)
		out[i] = pat(i, seed);
	mksin(&to, b->sd_addr, pb);
	RL(b->sd_setsockopt(sb, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)));
	for (try = 0; try < WAIT_S; try++) {
		ATF_REQUIRE_MSG(a->sd_sendto(sa, out, size, 0, &to,
		    sizeof(struct sockaddr_in)) == (ssize_t)size,
		    "%s sendto %zu: %s", a->sd_name, size, strerror(errno));
		for (;;) {
			flen = sizeof(from);
			n = b->sd_recvfrom(sb, in, sizeof(in), 0, &from,
			    &flen);
			if (n == -1) {
				ATF_REQUIRE_MSG(errno == EAGAIN,
				    "%s recvfrom: %s", b->sd_name,
				    strerror(errno));
				break;
			}
			if ((size_t)n != size || memcmp(in, out, size) != 0)
				continue;	/* an earlier exchange's */
			memcpy(&fin, &from, sizeof(fin));
			ATF_REQUIRE_EQ(ntohs(fin.sin_port), pa);
			ATF_REQUIRE_STREQ(inet_ntoa(fin.sin_addr),
			    a->sd_addr);
			return;
		}
	}
	atf_tc_fail("%s never received %zu bytes from %s", b->sd_name, size,
	    a->sd_name);
}

/* size bytes from a to b, and size bytes of another pattern back. */
static void
udp_roundtrip(const struct side *a, int sa, uint16_t pa,
    const struct side *b, int sb, uint16_t pb, size_t size, unsigned seed)
{

	udp_deliver(a, sa, pa, b, sb, pb, size, seed * 2);
	udp_deliver(b, sb, pb, a, sa, pa, size, seed * 2 + 1);
}

/*
 * TCP: the server reads nbytes of one pattern, checks them, answers
 * with nbytes of another, and closes; the client does the reverse.
 */
struct tcp_srv {
	const struct side *ts_sd;
	int		 ts_listen;
	size_t		 ts_nbytes;
	char		 ts_err[256];	/* "" if all went well */
};

/* Read n bytes of pattern seed from s; "" or what went wrong in err. */
static void
tcp_recv_check(const struct side *sd, int s, size_t n, unsigned seed,
    char *err, size_t errlen)
{
	static __thread uint8_t buf[65536];
	size_t got = 0, i;
	ssize_t r;

	while (got < n) {
		r = sd->sd_read(s, buf, sizeof(buf) < n - got ? sizeof(buf) :
		    n - got);
		if (r <= 0) {
			snprintf(err, errlen, "%s read after %zu of %zu: %s",
			    sd->sd_name, got, n, r == 0 ? "EOF" :
			    strerror(errno));
			return;
		}
		for (i = 0; i < (size_t)r; i++)
			if (buf[i] != pat(got + i, seed)) {
				snprintf(err, errlen, "%s: byte %zu differs",
				    sd->sd_name, got + i);
				return;
			}
		got += (size_t)r;
	}
}

static void
tcp_send_pat(const struct side *sd, int s, size_t n, unsigned seed,
    char *err, size_t errlen)
{
	static __thread uint8_t buf[65536];
	size_t done = 0, len, i;
	ssize_t w;

	while (done < n) {
		len = n - done < sizeof(buf) ? n - done : sizeof(buf);
		for (i = 0; i < len; i++)
			buf[i] = pat(done + i, seed);
		if ((w = sd->sd_write(s, buf, len)) <= 0) {
			snprintf(err, errlen, "%s write after %zu of %zu: %s",
			    sd->sd_name, done, n, strerror(errno));
			return;
		}
		done += (size_t)w;
	}
}

static void *
tcp_server(void *arg)
{
	struct tcp_srv *ts = arg;
	const struct side *sd = ts->ts_sd;
	int s;

	ts->ts_err[0] = '\0';
	if ((s = sd->sd_accept(ts->ts_listen, NULL, NULL)) == -1) {
		snprintf(ts->ts_err, sizeof(ts->ts_err), "%s accept: %s",
		    sd->sd_name, strerror(errno));
		return NULL;
	}
	sd_timeouts(sd, s);
	tcp_recv_check(sd, s, ts->ts_nbytes, 1, ts->ts_err,
	    sizeof(ts->ts_err));
	if (ts->ts_err[0] == '\0')
		tcp_send_pat(sd, s, ts->ts_nbytes, 2, ts->ts_err,
		    sizeof(ts->ts_err));
	sd->sd_close(s);
	return NULL;
}

/* nbytes from client to server and nbytes back, both checked. */
static void
tcp_transfer(const struct side *srv, const struct side *cli, uint16_t port,
    size_t nbytes)
{
	struct tcp_srv ts;
	struct sockaddr sa;
	pthread_t t;
	char err[256] = "";
	int l, c, one = 1;

	l = srv->sd_socket(AF_INET, SOCK_STREAM, 0);
	ATF_REQUIRE_MSG(l != -1, "%s socket: %s", srv->sd_name,
	    strerror(errno));
	RL(srv->sd_setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one,
	    sizeof(one)));
	sd_timeouts(srv, l);
	mksin(&sa, srv->sd_addr, port);
	ATF_REQUIRE_MSG(srv->sd_bind(l, &sa, sizeof(struct sockaddr_in)) == 0,
	    "%s bind: %s", srv->sd_name, strerror(errno));
	RL(srv->sd_listen(l, 1));
	ts.ts_sd = srv;
	ts.ts_listen = l;
	ts.ts_nbytes = nbytes;
	ATF_REQUIRE_EQ(pthread_create(&t, NULL, tcp_server, &ts), 0);

	c = cli->sd_socket(AF_INET, SOCK_STREAM, 0);
	ATF_REQUIRE(c != -1);
	sd_timeouts(cli, c);
	if (cli->sd_connect(c, &sa, sizeof(struct sockaddr_in)) == -1)
		snprintf(err, sizeof(err), "%s connect: %s", cli->sd_name,
		    strerror(errno));
	else
		tcp_send_pat(cli, c, nbytes, 1, err, sizeof(err));
	if (err[0] == '\0')
		tcp_recv_check(cli, c, nbytes, 2, err, sizeof(err));
	ATF_REQUIRE_EQ(pthread_join(t, NULL), 0);
	cli->sd_close(c);
	srv->sd_close(l);
	ATF_REQUIRE_MSG(err[0] == '\0', "client: %s", err);
	ATF_REQUIRE_MSG(ts.ts_err[0] == '\0', "server: %s", ts.ts_err);
}

/* ------------------------------------------------------------------ */
/* Cases.                                                             */

/*
 * A case in its own network namespace with one kernel: the namespace
 * and tap first (before the kernel's threads exist), then the boot,
 * the body, and the shutdown with its leak check.
 */
#define VT_TC(name, descr)						\
	static void name##_vbody(const atf_tc_t *);			\
	ATF_TC(name);							\
	ATF_TC_HEAD(name, tc)						\
	{								\
		atf_tc_set_md_var(tc, "descr", "%s", descr);		\
		atf_tc_set_md_var(tc, "timeout", "300");		\
	}								\
	ATF_TC_BODY(name, tc)						\
	{								\
		vt_netns();						\
		h_boot(NULL);						\
		name##_vbody(tc);					\
		h_shutdown_check();					\
	}								\
	static void name##_vbody(const atf_tc_t *tc __attribute__((__unused__)))

VT_TC(linux_pings_rump, "the Linux stack pings the kernel over the tap: "
    "every echo request gets its reply with the payload intact, small "
    "and fragmented")
{
	struct rump_ifstats ifs;

	rk_virt0();
	ATF_REQUIRE_EQ(ping(&linux_side, RUMP_IP, 3, 56, 0), 3);
	ATF_REQUIRE_EQ(ping(&linux_side, RUMP_IP, 2, 4000, 0), 2);
	rk_ifstats("virt0", &ifs);
	ATF_REQUIRE(ifs.ifs_ipackets >= 3 + 2 * 3);
	ATF_REQUIRE(ifs.ifs_opackets >= 3 + 2 * 3);
	ATF_REQUIRE_EQ(ifs.ifs_ierrors, 0);
	ATF_REQUIRE_EQ(ifs.ifs_oerrors, 0);
	ATF_REQUIRE_EQ(ifs.ifs_link_state, 2);
}

VT_TC(rump_pings_linux, "the kernel pings the Linux stack over the tap, "
    "small and fragmented echo requests")
{

	rk_virt0();
	ATF_REQUIRE_EQ(ping(&rump_side, LINUX_IP, 3, 56, 0), 3);
	ATF_REQUIRE_EQ(ping(&rump_side, LINUX_IP, 2, 4000, 0), 2);
}

VT_TC(tcp_linux_to_rump, "a Linux TCP client connects to a listening "
    "socket in the kernel; 1 MiB goes each way and is checked")
{

	rk_virt0();
	tcp_transfer(&rump_side, &linux_side, 5001, MIB);
}

VT_TC(tcp_rump_to_linux, "a TCP client in the kernel connects to a Linux "
    "listener; 1 MiB goes each way and is checked")
{

	rk_virt0();
	tcp_transfer(&linux_side, &rump_side, 5002, MIB);
}

VT_TC(udp_both_ways, "UDP datagrams from Linux to the kernel and back, and "
    "from the kernel to Linux and back, small and fragmented, arrive "
    "intact from the right address and port")
{
	static const size_t sizes[] = { 1, 512, 1472, 1473, 4000, 9000 };
	int l, r;

	rk_virt0();
	l = udp_bound(&linux_side, 7001);
	r = udp_bound(&rump_side, 7002);
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		udp_roundtrip(&linux_side, l, 7001, &rump_side, r, 7002,
		    sizes[i], (unsigned)i);
		udp_roundtrip(&rump_side, r, 7002, &linux_side, l, 7001,
		    sizes[i], (unsigned)i + 100);
	}
	RL(close(l));
	RL(rump_sys_close(r));
}

VT_TC(arp_linux_resolves_rump, "Linux resolves the kernel's address with "
    "ARP: its neighbour entry holds virt0's MAC, and the kernel learnt "
    "the tap's MAC from the request")
{
	uint8_t rmac[6], tmac[6], mac[6];
	struct rump_arpstat as;

	rk_virt0();
	rk_mac("virt0", rmac);
	lx_mac(TAP, tmac);
	ATF_REQUIRE_EQ(lx_arp(RUMP_IP, mac), 0);
	ATF_REQUIRE_EQ(ping(&linux_side, RUMP_IP, 1, 8, 0), 1);
	ATF_REQUIRE_EQ(lx_arp(RUMP_IP, mac), 1);
	ATF_REQUIRE(memcmp(mac, rmac, 6) == 0);
	ATF_REQUIRE_EQ(rk_arp(LINUX_IP, mac), 1);
	ATF_REQUIRE(memcmp(mac, tmac, 6) == 0);
	RL(rump_sys_ioctl(rk_ctl(), RUMP_SIOCGARPSTAT, &as));
	ATF_REQUIRE(as.as_rcvrequest >= 1);
	ATF_REQUIRE(as.as_sndreply >= 1);
}

VT_TC(arp_rump_resolves_linux, "the kernel resolves Linux's address with "
    "ARP: its cache holds the tap's MAC, and Linux learnt virt0's")
{
	uint8_t rmac[6], tmac[6], mac[6];
	struct rump_arpstat as;

	rk_virt0();
	rk_mac("virt0", rmac);
	lx_mac(TAP, tmac);
	ATF_REQUIRE_EQ(rk_arp(LINUX_IP, mac), 0);
	ATF_REQUIRE_EQ(ping(&rump_side, LINUX_IP, 1, 8, 0), 1);
	ATF_REQUIRE_EQ(rk_arp(LINUX_IP, mac), 1);
	ATF_REQUIRE(memcmp(mac, tmac, 6) == 0);
	ATF_REQUIRE_EQ(lx_arp(RUMP_IP, mac), 1);
	ATF_REQUIRE(memcmp(mac, rmac, 6) == 0);
	RL(rump_sys_ioctl(rk_ctl(), RUMP_SIOCGARPSTAT, &as));
	ATF_REQUIRE(as.as_sndrequest >= 1);
	ATF_REQUIRE(as.as_rcvreply >= 1);
}

VT_TC(mtu_mismatch, "virt0 at MTU 1280, Linux at 1500, and the other way "
    "round: TCP both ways keeps to the smaller MTU (the kernel receives no "
    "fragment), and the kernel fragments a 1400-byte datagram that Linux "
    "reassembles")
{
	struct rump_ipstat st0, st1;
	int l, r;

	rk_virt0();
	rk_mtu("virt0", 1280);
	tcp_transfer(&rump_side, &linux_side, 5003, 256 * 1024);
	tcp_transfer(&linux_side, &rump_side, 5004, 256 * 1024);
	rk_ipstat(&st0);
	ATF_REQUIRE_EQ(st0.ips_fragments, 0);
	l = udp_bound(&linux_side, 7001);
	r = udp_bound(&rump_side, 7002);
	udp_roundtrip(&rump_side, r, 7002, &linux_side, l, 7001, 1400, 5);
	rk_ipstat(&st1);
	ATF_REQUIRE(st1.ips_fragmented >= st0.ips_fragmented + 1);
	RL(close(l));
	RL(rump_sys_close(r));

	/* The other way round: Linux's MTU the smaller. */
	rk_mtu("virt0", 1500);
	lx_mtu(TAP, 1280);
	tcp_transfer(&rump_side, &linux_side, 5013, 256 * 1024);
	tcp_transfer(&linux_side, &rump_side, 5014, 256 * 1024);
	rk_ipstat(&st1);
	ATF_REQUIRE_EQ(st1.ips_fragments, 0);
}

VT_TC(jumbo_mtu, "virt0 and the tap both at MTU 9000: 8000-byte datagrams "
    "cross unfragmented both ways; virt0 refuses an MTU over 9004")
{
	struct ifreq ifr;
	struct rump_ipstat st;
	int l, r;

	rk_virt0();
	lx_ifreq(&ifr, "virt0");
	ifr.ifr_mtu = 9005;
	H_REQUIRE_ERRNO(EINVAL, rump_sys_ioctl(rk_ctl(), SIOCSIFMTU, &ifr));
	rk_mtu("virt0", 9000);
	lx_mtu(TAP, 9000);
	l = udp_bound(&linux_side, 7001);
	r = udp_bound(&rump_side, 7002);
	udp_roundtrip(&linux_side, l, 7001, &rump_side, r, 7002, 8000, 1);
	udp_roundtrip(&rump_side, r, 7002, &linux_side, l, 7001, 8000, 2);
	rk_ipstat(&st);
	ATF_REQUIRE_EQ(st.ips_fragments, 0);
	ATF_REQUIRE_EQ(st.ips_fragmented, 0);
	RL(close(l));
	RL(rump_sys_close(r));
}

VT_TC(link_down_rump_side, "virt0 down: Linux's pings go unanswered and "
    "the kernel cannot send on it; up again, pings are answered")
{
	struct sockaddr to;
	int r;

	rk_virt0();
	ATF_REQUIRE_EQ(ping(&linux_side, RUMP_IP, 1, 56, 0), 1);
	rk_updown("virt0", 0);
	ATF_REQUIRE_EQ(ping(&linux_side, RUMP_IP, 2, 56, 500), 0);
	r = udp_bound(&rump_side, 7002);
	mksin(&to, LINUX_IP, 7001);
	ATF_REQUIRE_EQ(rump_sys_sendto(r, "x", 1, 0, &to,
	    sizeof(struct sockaddr_in)), -1);
	ATF_REQUIRE_MSG(errno == ENETDOWN || errno == ENETUNREACH ||
	    errno == EHOSTUNREACH, "sendto on a down interface: %s",
	    strerror(errno));
	RL(rump_sys_close(r));
	rk_updown("virt0", 1);
	ATF_REQUIRE_EQ(ping(&linux_side, RUMP_IP, 2, 56, 0), 2);
}

VT_TC(link_down_linux_side, "the tap down on the Linux side: frames the "
    "kernel sends are refused and counted as output errors, nothing "
    "hangs; the tap up again, pings are answered")
{
	struct rump_ifstats ifs0, ifs1;

	rk_virt0();
	ATF_REQUIRE_EQ(ping(&rump_side, LINUX_IP, 1, 56, 0), 1);
	lx_updown(TAP, 0);
	rk_ifstats("virt0", &ifs0);
	ATF_REQUIRE_EQ(ping(&rump_side, LINUX_IP, 2, 56, 500), 0);
	rk_ifstats("virt0", &ifs1);
	ATF_REQUIRE_MSG(ifs1.ifs_oerrors >= ifs0.ifs_oerrors + 2,
	    "oerrors %llu -> %llu", ifs0.ifs_oerrors, ifs1.ifs_oerrors);
	lx_updown(TAP, 1);
	ATF_REQUIRE_EQ(ping(&rump_side, LINUX_IP, 2, 56, 0), 2);
}

VT_TC(link_state_follows_attachment, "virt0's link is down until it is "
    "attached to a tap, up while attached, down again once detached "
    "(the empty link string), when sends count as output errors; "
    "RUMP_SIOCGLINKSTR names the tap")
{
	struct rump_ifstats ifs;
	struct rump_ifdrv ifd;
	char name[32];

	RL(rk_ifcreate("virt0"));
	rk_ifstats("virt0", &ifs);
	ATF_REQUIRE_EQ(ifs.ifs_link_state, 1);
	RL(rk_linkstr("virt0", TAP, sizeof(TAP)));
	rk_ifaddr("virt0", RUMP_IP);
	rk_ifstats("virt0", &ifs);
	ATF_REQUIRE_EQ(ifs.ifs_link_state, 2);
	memset(&ifd, 0, sizeof(ifd));
	snprintf(ifd.ifd_name, sizeof(ifd.ifd_name), "virt0");
	ifd.ifd_len = sizeof(name);
	ifd.ifd_data = name;
	RL(rump_sys_ioctl(rk_ctl(), RUMP_SIOCGLINKSTR, &ifd));
	ATF_REQUIRE_STREQ(name, TAP);
	ATF_REQUIRE_EQ(ping(&rump_side, LINUX_IP, 1, 56, 0), 1);

	RL(rk_linkstr("virt0", "", 1));
	rk_ifstats("virt0", &ifs);
	ATF_REQUIRE_EQ(ifs.ifs_link_state, 1);
	H_REQUIRE_ERRNO(ENOENT, rump_sys_ioctl(rk_ctl(), RUMP_SIOCGLINKSTR,
	    &ifd));
	ATF_REQUIRE_EQ(ping(&rump_side, LINUX_IP, 1, 56, 500), 0);
	rk_ifstats("virt0", &ifs);
	ATF_REQUIRE(ifs.ifs_oerrors >= 1);
	/* The tap is free again: attach once more. */
	RL(rk_linkstr("virt0", TAP, sizeof(TAP)));
	ATF_REQUIRE_EQ(ping(&rump_side, LINUX_IP, 1, 56, 0), 1);
}

VT_TC(bad_link_strings, "attaching to a bad link string fails with a "
    "clear errno and leaves the interface usable: invalid names EINVAL, "
    "too long ENAMETOOLONG, no such device ENXIO, not a tap EINVAL, a "
    "tap in use EBUSY")
{
	struct rump_ifdrv ifd;
	int unit = -1;

	RL(rk_ifcreate("virt0"));
	RL(rk_ifcreate("virt1"));
	H_REQUIRE_ERRNO(EINVAL, rk_linkstr("virt0", "", 0));
	H_REQUIRE_ERRNO(EINVAL, rk_linkstr("virt0", "a/b", 4));
	H_REQUIRE_ERRNO(EINVAL, rk_linkstr("virt0", "a b", 4));
	H_REQUIRE_ERRNO(EINVAL, rk_linkstr("virt0", "..", 3));
	H_REQUIRE_ERRNO(ENAMETOOLONG, rk_linkstr("virt0",
	    "0123456789abcdef", 17));
	H_REQUIRE_ERRNO(ENAMETOOLONG, rk_linkstr("virt0",
	    "0123456789abcdefghijklmnop", 27));
	H_REQUIRE_ERRNO(ENXIO, rk_linkstr("virt0", "nosuchtap", 10));
	H_REQUIRE_ERRNO(EINVAL, rk_linkstr("virt0", "lo", 3));
	/* Not NUL-terminated within its length. */
	H_REQUIRE_ERRNO(ENAMETOOLONG, rk_linkstr("virt0", TAP, 3));
	memset(&ifd, 0, sizeof(ifd));
	snprintf(ifd.ifd_name, sizeof(ifd.ifd_name), "virt0");
	ifd.ifd_len = sizeof(TAP);
	ifd.ifd_data = (void *)(uintptr_t)16;	/* an unmapped address */
	H_REQUIRE_ERRNO(EFAULT, rump_sys_ioctl(rk_ctl(), RUMP_SIOCSLINKSTR,
	    &ifd));

	RL(rk_linkstr("virt0", TAP, sizeof(TAP)));
	H_REQUIRE_ERRNO(EBUSY, rk_linkstr("virt1", TAP, sizeof(TAP)));
	ATF_REQUIRE_EQ(rump_pub_virtif_create("nosuchtap", &unit), ENXIO);
	ATF_REQUIRE_EQ(rump_pub_virtif_create(TAP, &unit), EBUSY);
	ATF_REQUIRE_EQ(rump_pub_virtif_create(NULL, &unit), EFAULT);
	ATF_REQUIRE_EQ(unit, -1);
	rk_ifaddr("virt0", RUMP_IP);
	ATF_REQUIRE_EQ(ping(&linux_side, RUMP_IP, 1, 56, 0), 1);
	RL(rk_ifdestroy("virt1"));
}

VT_TC(pub_create, "rump_pub_virtif_create makes the lowest free unit on "
    "the tap, as the ioctls do")
{
	int unit = -1;

	RL(rk_ifcreate("virt0"));
	ATF_REQUIRE_EQ(rump_pub_virtif_create(TAP, &unit), 0);
	ATF_REQUIRE_EQ(unit, 1);
	rk_ifaddr("virt1", RUMP_IP);
	ATF_REQUIRE_EQ(ping(&linux_side, RUMP_IP, 1, 56, 0), 1);
}

/* In a child: as nobody, attaching is refused by Linux. */
static void
noperm_child(void *arg)
{
	int unit;

	if (setresgid(65534, 65534, 65534) == -1 ||
	    setresuid(65534, 65534, 65534) == -1) {
		h_child_printf("setresuid: %s\n", strerror(errno));
		exit(2);
	}
	if (rump_init() != 0)
		exit(3);
	h_child_printf("error %d\n", rump_pub_virtif_create(TAP, &unit));
}

ATF_TC(no_permission);
ATF_TC_HEAD(no_permission, tc)
{
	atf_tc_set_md_var(tc, "descr", "a process without the right to use "
	    "/dev/net/tun gets EACCES attaching virt0, not a crash");
}
ATF_TC_BODY(no_permission, tc)
{
	struct h_child hc;
	char want[32];

	vt_netns();
	h_child_run(noperm_child, NULL, WAIT_S, &hc);
	h_child_require_exit(&hc, 0);
	snprintf(want, sizeof(want), "error %d\n", EACCES);
	h_child_require_output(&hc, want);
	h_child_free(&hc);
}

/* A raw frame onto the tap from the Linux side (the kernel reads it). */
static void
lx_inject(int ps, const void *frame, size_t len)
{
	struct sockaddr_ll sll;

	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_ifindex = (int)if_nametoindex(TAP);
	sll.sll_halen = 6;
	ATF_REQUIRE_MSG(sendto(ps, frame, len, 0, (struct sockaddr *)&sll,
	    sizeof(sll)) == (ssize_t)len, "inject %zu bytes: %s", len,
	    strerror(errno));
}

/* An Ethernet + IPv4 header to dst (20-byte header, checksummed). */
static size_t
mkipframe(uint8_t *f, const uint8_t dst[6], const uint8_t src[6],
    size_t iplen)
{
	struct ip ip;

	memcpy(f, dst, 6);
	memcpy(f + 6, src, 6);
	f[12] = 0x08;
	f[13] = 0x00;
	memset(&ip, 0, sizeof(ip));
	ip.ip_v = 4;
	ip.ip_hl = 5;
	ip.ip_len = htons((uint16_t)iplen);
	ip.ip_ttl = 64;
	ip.ip_p = IPPROTO_UDP;
	inet_pton(AF_INET, LINUX_IP, &ip.ip_src);
	inet_pton(AF_INET, RUMP_IP, &ip.ip_dst);
	ip.ip_sum = cksum(&ip, sizeof(ip));
	memcpy(f + 14, &ip, sizeof(ip));
	return 14 + iplen;
}

VT_TC(malformed_from_linux, "bad frames Linux puts on the tap are dropped "
    "and counted: a frame longer than virt0 can take (an input error), "
    "a bad IP checksum, a truncated IP header, an unknown ethertype; "
    "the kernel answers pings after them")
{
	static uint8_t f[16000];
	uint8_t rmac[6], tmac[6];
	struct rump_ifstats ifs0, ifs1;
	struct rump_ipstat st0, st1;
	int ps;

	rk_virt0();
	ATF_REQUIRE_EQ(ping(&linux_side, RUMP_IP, 1, 56, 0), 1);
	rk_mac("virt0", rmac);
	lx_mac(TAP, tmac);
	lx_mtu(TAP, 15000);
	ps = RL(socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0));
	rk_ifstats("virt0", &ifs0);
	rk_ipstat(&st0);

	memset(f, 0xa5, sizeof(f));
	lx_inject(ps, f, mkipframe(f, rmac, tmac, 12000));
	mkipframe(f, rmac, tmac, 100);
	f[14 + 10] ^= 0xff;			/* the header checksum */
	lx_inject(ps, f, 14 + 100);
	mkipframe(f, rmac, tmac, 100);
	lx_inject(ps, f, 14 + 12);		/* 12 of 20 header bytes */
	mkipframe(f, rmac, tmac, 100);
	f[12] = 0x88;				/* an ethertype nobody has */
	f[13] = 0xb5;
	lx_inject(ps, f, 14 + 100);
	RL(close(ps));

	/* Frames are taken in order: the reply comes after the rest. */
	ATF_REQUIRE_EQ(ping(&linux_side, RUMP_IP, 1, 56, 0), 1);
	rk_ifstats("virt0", &ifs1);
	rk_ipstat(&st1);
	ATF_REQUIRE_EQ(ifs1.ifs_ierrors, ifs0.ifs_ierrors + 1);
	ATF_REQUIRE_EQ(st1.ips_badsum, st0.ips_badsum + 1);
	ATF_REQUIRE_EQ(st1.ips_toosmall, st0.ips_toosmall + 1);
	ATF_REQUIRE(ifs1.ifs_noproto >= ifs0.ifs_noproto + 1);
}

/* Traffic in both directions until told to stop. */
struct flood {
	volatile int	 fl_stop;
	unsigned long	 fl_lx_sent, fl_rk_sent;
};

static void *
flood_linux(void *arg)
{
	struct flood *fl = arg;
	struct sockaddr to;
	char buf[512];
	int s;

	memset(buf, 'L', sizeof(buf));
	mksin(&to, RUMP_IP, 9);
	if ((s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1)
		return NULL;
	while (!fl->fl_stop) {
		if (sendto(s, buf, sizeof(buf), 0, &to,
		    sizeof(struct sockaddr_in)) != -1)
			fl->fl_lx_sent++;
		else
			sched_yield();
	}
	close(s);
	return NULL;
}

static void *
flood_rump(void *arg)
{
	struct flood *fl = arg;
	struct sockaddr to;
	char buf[512];
	int s;

	memset(buf, 'R', sizeof(buf));
	mksin(&to, LINUX_IP, 9);
	if ((s = rump_sys_socket(AF_INET, SOCK_DGRAM, 0)) == -1)
		return NULL;
	while (!fl->fl_stop) {
		if (rump_sys_sendto(s, buf, sizeof(buf), 0, &to,
		    sizeof(struct sockaddr_in)) != -1)
			fl->fl_rk_sent++;
		else
			sched_yield();
	}
	rump_sys_close(s);
	return NULL;
}

VT_TC(detach_under_traffic, "destroying virt0 while frames flow both ways "
    "returns, stops its receive thread and closes the tap (no descriptor "
    "left, the tap attaches again), and leaks no kernel memory")
{
	struct rump_ifstats ifs;
	struct flood fl;
	pthread_t tl, tr;
	time_t deadline;
	int fds0, sink;

	fds0 = nfds();
	rk_virt0();
	/* Linux drops what comes to port 9 quietly with a socket there. */
	sink = udp_bound(&linux_side, 9);
	memset(&fl, 0, sizeof(fl));
	ATF_REQUIRE_EQ(pthread_create(&tl, NULL, flood_linux, &fl), 0);
	ATF_REQUIRE_EQ(pthread_create(&tr, NULL, flood_rump, &fl), 0);
	deadline = time(NULL) + WAIT_S;
	do {
		usleep(10000);
		rk_ifstats("virt0", &ifs);
	} while ((ifs.ifs_ipackets < 200 || ifs.ifs_opackets < 200) &&
	    time(NULL) < deadline);
	ATF_REQUIRE_MSG(ifs.ifs_ipackets >= 200 && ifs.ifs_opackets >= 200,
	    "no traffic: in %llu out %llu", ifs.ifs_ipackets,
	    ifs.ifs_opackets);
	RL(rk_ifdestroy("virt0"));
	fl.fl_stop = 1;
	ATF_REQUIRE_EQ(pthread_join(tl, NULL), 0);
	ATF_REQUIRE_EQ(pthread_join(tr, NULL), 0);
	RL(close(sink));
	ATF_REQUIRE(fl.fl_lx_sent > 0 && fl.fl_rk_sent > 0);
	H_REQUIRE_ERRNO(ENXIO, rk_ifdestroy("virt0"));
	ATF_REQUIRE_EQ(nfds(), fds0);
	rk_virt0();
	ATF_REQUIRE_EQ(ping(&rump_side, LINUX_IP, 1, 56, 0), 1);
}

/* Delete a network device, as "ip link del" does (rtnetlink). */
static void
lx_dellink(const char *ifname)
{
	struct {
		struct nlmsghdr nh;
		struct ifinfomsg ifi;
	} req;
	struct {
		struct nlmsghdr nh;
		struct nlmsgerr err;
	} ack;
	int s;

	memset(&req, 0, sizeof(req));
	req.nh.nlmsg_len = sizeof(req);
	req.nh.nlmsg_type = RTM_DELLINK;
	req.nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	req.ifi.ifi_family = AF_UNSPEC;
	req.ifi.ifi_index = (int)if_nametoindex(ifname);
	ATF_REQUIRE(req.ifi.ifi_index != 0);
	s = RL(socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE));
	ATF_REQUIRE_EQ(send(s, &req, sizeof(req), 0), (ssize_t)sizeof(req));
	ATF_REQUIRE(recv(s, &ack, sizeof(ack), 0) >= (ssize_t)sizeof(ack));
	ATF_REQUIRE_EQ(ack.nh.nlmsg_type, NLMSG_ERROR);
	ATF_REQUIRE_EQ_MSG(ack.err.error, 0, "RTM_DELLINK: %s",
	    strerror(-ack.err.error));
	RL(close(s));
}

static double
cpu_seconds(void)
{
	struct rusage ru;

	RL(getrusage(RUSAGE_SELF, &ru));
	return (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
	    (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

VT_TC(tap_deleted_under_kernel, "the tap deleted on the Linux side while "
    "virt0 is attached: the kernel's frames are output errors, its "
    "receive thread sleeps instead of spinning on the dead descriptor, "
    "and virt0 still detaches and is destroyed")
{
	struct rump_ifstats ifs0, ifs1;
	double cpu;

	rk_virt0();
	ATF_REQUIRE_EQ(ping(&rump_side, LINUX_IP, 1, 56, 0), 1);
	lx_dellink(TAP);
	ATF_REQUIRE_EQ(if_nametoindex(TAP), 0);
	rk_ifstats("virt0", &ifs0);
	ATF_REQUIRE_EQ(ping(&rump_side, LINUX_IP, 1, 56, 300), 0);
	rk_ifstats("virt0", &ifs1);
	ATF_REQUIRE(ifs1.ifs_oerrors >= ifs0.ifs_oerrors + 1);
	/*
	 * Not a timing assertion: a thread spinning on the descriptor
	 * would burn most of a CPU in the pause; an idle process, even
	 * under valgrind, a small fraction of it.
	 */
	cpu = cpu_seconds();
	usleep(1000 * 1000);
	cpu = cpu_seconds() - cpu;
	ATF_REQUIRE_MSG(cpu < 0.5, "%.2f s of CPU in a 1 s pause", cpu);
	RL(rk_linkstr("virt0", "", 1));
	RL(rk_ifdestroy("virt0"));
}

/* Write what a packet socket captured to a pcap file; the frame count. */
static int
capture_to_pcap(int ps, const char *path)
{
	static uint8_t buf[65536];
	struct {
		uint32_t magic;
		uint16_t major, minor;
		int32_t zone;
		uint32_t sigfigs, snaplen, linktype;
	} gh = { 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1 };
	struct {
		uint32_t sec, usec, caplen, len;
	} rh;
	struct timeval tv;
	FILE *fp;
	ssize_t n;
	int count = 0;

	ATF_REQUIRE((fp = fopen(path, "w")) != NULL);
	ATF_REQUIRE_EQ(fwrite(&gh, sizeof(gh), 1, fp), 1);
	while ((n = recv(ps, buf, sizeof(buf), MSG_DONTWAIT | MSG_TRUNC))
	    > 0) {
		gettimeofday(&tv, NULL);
		rh.sec = (uint32_t)tv.tv_sec;
		rh.usec = (uint32_t)tv.tv_usec;
		rh.len = (uint32_t)n;
		rh.caplen = (uint32_t)n < sizeof(buf) ? (uint32_t)n :
		    (uint32_t)sizeof(buf);
		ATF_REQUIRE_EQ(fwrite(&rh, sizeof(rh), 1, fp), 1);
		ATF_REQUIRE_EQ(fwrite(buf, rh.caplen, 1, fp), 1);
		count++;
	}
	ATF_REQUIRE_EQ(fclose(fp), 0);
	return count;
}

VT_TC(tshark_clean, "tshark, reading what crossed the tap (captured on "
    "the Linux side), finds no malformed packet and no bad checksum in "
    "ARP, pings, UDP (fragments included) and TCP both ways")
{
	struct sockaddr_ll sll;
	struct tpacket_stats tps;
	socklen_t tlen = sizeof(tps);
	char report[4096];
	int ps, bufsz = 32 * MIB, nframes, nread, nchecked, problems, l, r;

	rk_virt0();
	ps = RL(socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, htons(ETH_P_ALL)));
	RL(setsockopt(ps, SOL_SOCKET, SO_RCVBUFFORCE, &bufsz, sizeof(bufsz)));
	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_protocol = htons(ETH_P_ALL);
	sll.sll_ifindex = (int)if_nametoindex(TAP);
	RL(bind(ps, (struct sockaddr *)&sll, sizeof(sll)));

	ATF_REQUIRE_EQ(ping(&rump_side, LINUX_IP, 2, 56, 0), 2);
	ATF_REQUIRE_EQ(ping(&linux_side, RUMP_IP, 2, 3000, 0), 2);
	l = udp_bound(&linux_side, 7001);
	r = udp_bound(&rump_side, 7002);
	udp_roundtrip(&linux_side, l, 7001, &rump_side, r, 7002, 100, 1);
	udp_roundtrip(&rump_side, r, 7002, &linux_side, l, 7001, 5000, 2);
	RL(close(l));
	RL(rump_sys_close(r));
	tcp_transfer(&rump_side, &linux_side, 5005, 64 * 1024);
	tcp_transfer(&linux_side, &rump_side, 5006, 64 * 1024);

	RL(getsockopt(ps, SOL_PACKET, PACKET_STATISTICS, &tps, &tlen));
	nframes = capture_to_pcap(ps, "virt.pcap");
	RL(close(ps));
	ATF_REQUIRE_EQ_MSG(tps.tp_drops, 0, "the capture lost %u frames",
	    tps.tp_drops);
	ATF_REQUIRE_MSG(nframes >= 60, "%d frames captured", nframes);
	problems = h_tshark_problems("virt.pcap", report, sizeof(report),
	    &nread);
	ATF_REQUIRE_EQ_MSG(nread, nframes, "tshark read %d of %d frames",
	    nread, nframes);
	ATF_REQUIRE_EQ_MSG(problems, 0, "tshark expert: %s", report);
	/* The second opinion: tcpdump checked the TCP and UDP sums. */
	problems = h_tcpdump_problems("virt.pcap", report, sizeof(report),
	    &nread, &nchecked);
	ATF_REQUIRE_EQ_MSG(nread, nframes, "tcpdump read %d of %d frames",
	    nread, nframes);
	ATF_REQUIRE_EQ_MSG(problems, 0, "tcpdump: %s", report);
	ATF_REQUIRE_MSG(nchecked >= 20, "tcpdump checked %d checksums",
	    nchecked);
}

ATF_TP_ADD_TCS(tp)
{

	ATF_TP_ADD_TC(tp, linux_pings_rump);
	ATF_TP_ADD_TC(tp, rump_pings_linux);
	ATF_TP_ADD_TC(tp, tcp_linux_to_rump);
	ATF_TP_ADD_TC(tp, tcp_rump_to_linux);
	ATF_TP_ADD_TC(tp, udp_both_ways);
	ATF_TP_ADD_TC(tp, arp_linux_resolves_rump);
	ATF_TP_ADD_TC(tp, arp_rump_resolves_linux);
	ATF_TP_ADD_TC(tp, mtu_mismatch);
	ATF_TP_ADD_TC(tp, jumbo_mtu);
	ATF_TP_ADD_TC(tp, link_down_rump_side);
	ATF_TP_ADD_TC(tp, link_down_linux_side);
	ATF_TP_ADD_TC(tp, link_state_follows_attachment);
	ATF_TP_ADD_TC(tp, bad_link_strings);
	ATF_TP_ADD_TC(tp, pub_create);
	ATF_TP_ADD_TC(tp, no_permission);
	ATF_TP_ADD_TC(tp, malformed_from_linux);
	ATF_TP_ADD_TC(tp, detach_under_traffic);
	ATF_TP_ADD_TC(tp, tap_deleted_under_kernel);
	ATF_TP_ADD_TC(tp, tshark_clean);
	return 0;
}
