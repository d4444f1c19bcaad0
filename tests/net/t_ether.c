/*
 * t_ether: Ethernet and ARP in one kernel, against a test interface
 * kte0 whose wire is the test (k_ether.c): the test hands it frames and
 * reads what it sends.  ARP requests, replies and gratuitous ARP byte by
 * byte, packets held while a neighbour is resolved and sent once it
 * answers, giving up (EHOSTDOWN), expiry, static entries, frames that
 * are not for us or not well formed, broadcast, and ICMP errors going
 * out on the wire.
 */
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <net/route.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/ip_icmp.h>
#include <netinet/udp.h>
#include <arpa/inet.h>
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include <rump/rump.h>
#include <rump/rump_syscalls.h>
#include <rump/rumpnet.h>

#include "harness.h"
#include "h_sock.h"
#include "k_ether.h"

static const uint8_t mac_us[6] = { 0x02, 0, 0, 0, 0, 0x01 };
static const uint8_t mac_peer[6] = { 0x02, 0, 0, 0, 0, 0x02 };
static const uint8_t mac_bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

#define US	"10.5.0.1"
#define PEER	"10.5.0.2"

struct arp_frame {
	struct ether_header	eh;
	struct arphdr		ah;
	uint8_t			sha[6], spa[4], tha[6], tpa[4];
} __attribute__((__packed__));

/*
 * Frame buffers whose IP header (14 bytes in) is 4-byte aligned, so the
 * host's struct ip and struct icmp can be used on it in place.
 */
#define FRAME(n, sz)							\
	struct { uint8_t pad[2]; uint8_t b[sz]; }			\
	    __attribute__((__aligned__(4))) n##_f;			\
	uint8_t *const n = n##_f.b
#define FRAMESIZE(n)	sizeof(n##_f.b)

static in_addr_t
get32(const uint8_t *p)
{
	in_addr_t a;

	memcpy(&a, p, sizeof(a));
	return a;
}

static in_addr_t
ip(const char *a)
{
	return inet_addr(a);
}

/* kte0 up with 10.5.0.1/24; the gratuitous ARP it sends is checked. */
static int
setup(void)
{
	struct rump_ifaliasreq ifra;
	struct sockaddr_in a = sin_of(US, 0), m = sin_of("255.255.255.0", 0);
	struct arp_frame f;
	size_t len;
	int s;

	RZ(rump_pub_ktest_ether_attach(mac_us));
	s = RL(rump_sys_socket(AF_INET, SOCK_DGRAM, 0));
	memset(&ifra, 0, sizeof(ifra));
	strcpy(ifra.ifra_name, "kte0");
	memcpy(ifra.ifra_addr, &a, sizeof(a));
	memcpy(ifra.ifra_mask, &m, sizeof(m));
	RL(rump_sys_ioctl(s, RUMP_SIOCAIFADDR, &ifra));
	RZ(rump_pub_ktest_ether_take(&f, sizeof(f), &len, 1000));
	ATF_REQUIRE(len >= sizeof(f));
	ATF_REQUIRE_EQ(memcmp(f.eh.ether_dhost, mac_bcast, 6), 0);
	ATF_REQUIRE_EQ(memcmp(f.eh.ether_shost, mac_us, 6), 0);
	ATF_REQUIRE_EQ(ntohs(f.eh.ether_type), ETHERTYPE_ARP);
	ATF_REQUIRE_EQ(ntohs(f.ah.ar_op), ARPOP_REQUEST);
	ATF_REQUIRE_EQ(memcmp(f.spa, f.tpa, 4), 0);	/* gratuitous */
	ATF_REQUIRE_EQ(memcmp(f.sha, mac_us, 6), 0);
	return s;
}

static void
teardown(int s)
{
	RL(rump_sys_close(s));
	RZ(rump_pub_ktest_ether_detach());
}

static void
mkarp(struct arp_frame *f, int op, const uint8_t *sha, const char *spa,
    const uint8_t *tha, const char *tpa, const uint8_t *edst)
{
	in_addr_t a;

	memset(f, 0, sizeof(*f));
	memcpy(f->eh.ether_dhost, edst, 6);
	memcpy(f->eh.ether_shost, sha, 6);
	f->eh.ether_type = htons(ETHERTYPE_ARP);
	f->ah.ar_hrd = htons(ARPHRD_ETHER);
	f->ah.ar_pro = htons(ETHERTYPE_IP);
	f->ah.ar_hln = 6;
	f->ah.ar_pln = 4;
	f->ah.ar_op = htons((uint16_t)op);
	memcpy(f->sha, sha, 6);
	a = ip(spa);
	memcpy(f->spa, &a, 4);
	if (tha != NULL)
		memcpy(f->tha, tha, 6);
	a = ip(tpa);
	memcpy(f->tpa, &a, 4);
}

static int
arp_get(int s, const char *addr, uint8_t *mac, int *flags)
{
	struct arpreq ar;
	struct sockaddr_in a = sin_of(addr, 0);

	memset(&ar, 0, sizeof(ar));
	memcpy(&ar.arp_pa, &a, sizeof(a));
	if (rump_sys_ioctl(s, SIOCGARP, &ar) == -1)
		return -1;
	if (mac != NULL)
		memcpy(mac, ar.arp_ha.sa_data, 6);
	if (flags != NULL)
		*flags = ar.arp_flags;
	return 0;
}

static void
arp_set(int s, const char *addr, const uint8_t *mac, int flags)
{
	struct arpreq ar;
	struct sockaddr_in a = sin_of(addr, 0);

	memset(&ar, 0, sizeof(ar));
	memcpy(&ar.arp_pa, &a, sizeof(a));
	ar.arp_ha.sa_family = ARPHRD_ETHER;
	memcpy(ar.arp_ha.sa_data, mac, 6);
	ar.arp_flags = flags;
	RL(rump_sys_ioctl(s, SIOCSARP, &ar));
}

static struct rump_arpstat
arpstat(int s)
{
	struct rump_arpstat st;

	RL(rump_sys_ioctl(s, RUMP_SIOCGARPSTAT, &st));
	return st;
}

static struct rump_ifstats
ifstats(int s)
{
	struct rump_ifstats st;

	memset(&st, 0, sizeof(st));
	strcpy(st.ifs_name, "kte0");
	RL(rump_sys_ioctl(s, RUMP_SIOCGIFSTATS, &st));
	return st;
}

static void
no_frame(void)
{
	uint8_t buf[64];
	size_t len;

	ATF_REQUIRE_EQ(rump_pub_ktest_ether_take(buf, sizeof(buf), &len, 100),
	    ETIMEDOUT);
}

H_TC(arp_request_answered, "an ARP request for our address is answered "
    "to the asker, who is then in the cache; one for another address is "
    "not answered")
{
	struct arp_frame f, r;
	uint8_t mac[6];
	size_t len;
	int s = setup(), flags;

	mkarp(&f, ARPOP_REQUEST, mac_peer, PEER, NULL, US, mac_bcast);
	RZ(rump_pub_ktest_ether_input(&f, sizeof(f)));
	RZ(rump_pub_ktest_ether_take(&r, sizeof(r), &len, 2000));
	ATF_REQUIRE_EQ(memcmp(r.eh.ether_dhost, mac_peer, 6), 0);
	ATF_REQUIRE_EQ(ntohs(r.ah.ar_op), ARPOP_REPLY);
	ATF_REQUIRE_EQ(memcmp(r.sha, mac_us, 6), 0);
	ATF_REQUIRE_EQ(memcmp(r.spa, f.tpa, 4), 0);
	ATF_REQUIRE_EQ(memcmp(r.tha, mac_peer, 6), 0);
	ATF_REQUIRE_EQ(memcmp(r.tpa, f.spa, 4), 0);
	RL(arp_get(s, PEER, mac, &flags));
	ATF_REQUIRE_EQ(memcmp(mac, mac_peer, 6), 0);
	ATF_REQUIRE(flags & ATF_COM);
	ATF_REQUIRE_EQ(flags & ATF_PERM, 0);

	mkarp(&f, ARPOP_REQUEST, mac_peer, PEER, NULL, "10.5.0.77",
	    mac_bcast);
	RZ(rump_pub_ktest_ether_input(&f, sizeof(f)));
	no_frame();
	teardown(s);
}

H_TC(arp_holds_packets, "datagrams to an unresolved neighbour wait for "
    "its ARP reply (one request goes out) and then leave, in order, to "
    "its address")
{
	struct sockaddr_in dst = sin_of(PEER, 4444);
	struct arp_frame f, r;
	FRAME(buf, 1600);
	struct ip *iph = (struct ip *)(buf + 14);
	size_t len;
	int s = setup(), i, n;

	for (i = 0; i < 3; i++)
		RL(rump_sys_sendto(s, &i, sizeof(i), 0, (struct sockaddr *)&dst,
		    sizeof(dst)));
	RZ(rump_pub_ktest_ether_take(&r, sizeof(r), &len, 2000));
	ATF_REQUIRE_EQ(ntohs(r.eh.ether_type), ETHERTYPE_ARP);
	ATF_REQUIRE_EQ(ntohs(r.ah.ar_op), ARPOP_REQUEST);
	ATF_REQUIRE_EQ(memcmp(r.eh.ether_dhost, mac_bcast, 6), 0);
	ATF_REQUIRE_EQ(get32(r.tpa), ip(PEER));
	ATF_REQUIRE_EQ(get32(r.spa), ip(US));
	RZ(rump_pub_ktest_ether_pending(&n));
	ATF_REQUIRE_EQ(n, 0);
	mkarp(&f, ARPOP_REPLY, mac_peer, PEER, mac_us, US, mac_us);
	RZ(rump_pub_ktest_ether_input(&f, sizeof(f)));
	for (i = 0; i < 3; i++) {
		RZ(rump_pub_ktest_ether_take(buf, FRAMESIZE(buf), &len, 2000));
		ATF_REQUIRE_EQ(memcmp(buf, mac_peer, 6), 0);
		ATF_REQUIRE_EQ(buf[12], 0x08);
		ATF_REQUIRE_EQ(buf[13], 0x00);
		ATF_REQUIRE_EQ(iph->ip_p, IPPROTO_UDP);
		ATF_REQUIRE_EQ(iph->ip_dst.s_addr, ip(PEER));
		ATF_REQUIRE_EQ(len, 14u + 20 + 8 + sizeof(int));
		ATF_REQUIRE_EQ(memcmp(buf + 14 + 28, &i, sizeof(i)), 0);
	}
	/* resolved: the next goes at once */
	RL(rump_sys_sendto(s, "x", 1, 0, (struct sockaddr *)&dst,
	    sizeof(dst)));
	RZ(rump_pub_ktest_ether_take(buf, FRAMESIZE(buf), &len, 2000));
	ATF_REQUIRE_EQ(memcmp(buf, mac_peer, 6), 0);
	teardown(s);
}

H_TC(arp_gives_up, "a neighbour that never answers is asked "
    "arp_maxtries times, its waiting packets are dropped and sending to "
    "it is EHOSTDOWN for a while")
{
	struct sockaddr_in dst = sin_of("10.5.0.3", 4444);
	struct rump_arptimers at = { 0, 30, 2 };
	struct rump_arpstat b, a;
	struct arp_frame r;
	size_t len;
	int s = setup(), i;

	RL(rump_sys_ioctl(s, RUMP_SIOCSARPTIMERS, &at));
	b = arpstat(s);
	RL(rump_sys_sendto(s, "x", 1, 0, (struct sockaddr *)&dst,
	    sizeof(dst)));
	for (i = 0; i < 2; i++) {
		RZ(rump_pub_ktest_ether_take(&r, sizeof(r), &len, 3000));
		ATF_REQUIRE_EQ(ntohs(r.ah.ar_op), ARPOP_REQUEST);
	}
	for (i = 0; i < 50; i++) {
		if (rump_sys_sendto(s, "x", 1, 0, (struct sockaddr *)&dst,
		    sizeof(dst)) == -1)
			break;
		usleep(100000);
	}
	ATF_REQUIRE_MSG(i < 50, "never gave up");
	ATF_REQUIRE_EQ(errno, EHOSTDOWN);
	a = arpstat(s);
	ATF_REQUIRE(a.as_dfrdropped > b.as_dfrdropped);
	ATF_REQUIRE_EQ(a.as_sndrequest, b.as_sndrequest + 2);
	teardown(s);
}

H_TC(arp_expiry, "a learned entry expires after arp_keep seconds and is "
    "counted; a permanent one stays")
{
	struct rump_arptimers at = { 1, 0, 0 };
	struct rump_arpstat b, a;
	uint8_t mac[6];
	int s = setup(), flags, i;

	RL(rump_sys_ioctl(s, RUMP_SIOCSARPTIMERS, &at));
	b = arpstat(s);
	arp_set(s, PEER, mac_peer, 0);
	arp_set(s, "10.5.0.9", mac_peer, ATF_PERM);
	RL(arp_get(s, PEER, mac, NULL));
	for (i = 0; i < 50 && arp_get(s, PEER, NULL, NULL) == 0; i++)
		usleep(100000);
	ATF_REQUIRE_MSG(i < 50, "entry never expired");
	ATF_REQUIRE_EQ(errno, ENXIO);
	a = arpstat(s);
	ATF_REQUIRE_EQ(a.as_timeouts, b.as_timeouts + 1);
	RL(arp_get(s, "10.5.0.9", mac, &flags));
	ATF_REQUIRE(flags & ATF_PERM);
	teardown(s);
}

H_TC(bad_frames_counted, "runts, unknown ethertypes, frames for another "
    "station and malformed or suspicious ARP are dropped and counted")
{
	struct rump_ifstats b, a;
	struct rump_arpstat ab, aa;
	struct arp_frame f;
	uint8_t buf[64];
	int s = setup(), sink, n;
	struct sockaddr_in me = sin_of(US, 7);

	sink = RL(rump_sys_socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0));
	RL(rump_sys_bind(sink, (struct sockaddr *)&me, sizeof(me)));
	b = ifstats(s);
	memset(buf, 0, sizeof(buf));
	RZ(rump_pub_ktest_ether_input(buf, 10));
	memcpy(buf, mac_us, 6);
	memcpy(buf + 6, mac_peer, 6);
	buf[12] = 0x88;
	buf[13] = 0xb5;
	RZ(rump_pub_ktest_ether_input(buf, 60));
	a = ifstats(s);
	ATF_REQUIRE_EQ(a.ifs_ierrors, b.ifs_ierrors + 1);
	ATF_REQUIRE_EQ(a.ifs_noproto, b.ifs_noproto + 1);
	ATF_REQUIRE_EQ(a.ifs_ipackets, b.ifs_ipackets + 2);

	ab = arpstat(s);
	mkarp(&f, ARPOP_REQUEST, mac_peer, PEER, NULL, US, mac_bcast);
	f.ah.ar_hln = 8;
	RZ(rump_pub_ktest_ether_input(&f, sizeof(f)));
	mkarp(&f, ARPOP_REQUEST, mac_peer, PEER, NULL, US, mac_bcast);
	RZ(rump_pub_ktest_ether_input(&f, 14 + 20));
	mkarp(&f, ARPOP_REQUEST, mac_peer, US, NULL, US, mac_bcast);
	RZ(rump_pub_ktest_ether_input(&f, sizeof(f)));	/* claims our IP */
	mkarp(&f, ARPOP_REQUEST, mac_peer, PEER, NULL, US, mac_bcast);
	f.ah.ar_op = htons(9);
	RZ(rump_pub_ktest_ether_input(&f, sizeof(f)));
	/* a request for us, but sent to another station's MAC */
	mkarp(&f, ARPOP_REQUEST, mac_peer, PEER, NULL, US, mac_peer);
	RZ(rump_pub_ktest_ether_input(&f, sizeof(f)));
	usleep(50000);
	aa = arpstat(s);
	ATF_REQUIRE_EQ(aa.as_rcvbadproto, ab.as_rcvbadproto + 2);
	ATF_REQUIRE_EQ(aa.as_rcvbadlen, ab.as_rcvbadlen + 1);
	ATF_REQUIRE_EQ(aa.as_rcvdup, ab.as_rcvdup + 1);
	ATF_REQUIRE_EQ(aa.as_rcvtotal, ab.as_rcvtotal + 4);
	no_frame();
	ATF_REQUIRE_EQ(arp_get(s, PEER, NULL, NULL), -1);
	RZ(rump_pub_ktest_ether_pending(&n));
	ATF_REQUIRE_EQ(n, 0);
	RL(rump_sys_close(sink));
	teardown(s);
}

static uint16_t
cksum(const void *p, size_t len, uint32_t sum)
{
	const uint8_t *b = p;

	for (; len > 1; len -= 2, b += 2)
		sum += (uint32_t)(b[0] << 8 | b[1]);
	if (len)
		sum += (uint32_t)b[0] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return htons((uint16_t)~sum);
}

/* An Ethernet frame with a UDP datagram from PEER:4000 to dst:port. */
static size_t
mkudp_frame(uint8_t *buf, const uint8_t *edst, const char *dst, int port,
    const char *data)
{
	struct ip *iph = (struct ip *)(buf + 14);
	struct udphdr *uh = (struct udphdr *)(buf + 34);
	size_t dlen = strlen(data);

	memcpy(buf, edst, 6);
	memcpy(buf + 6, mac_peer, 6);
	buf[12] = 0x08;
	buf[13] = 0x00;
	memset(iph, 0, 20);
	iph->ip_v = 4;
	iph->ip_hl = 5;
	iph->ip_len = htons((uint16_t)(28 + dlen));
	iph->ip_ttl = 64;
	iph->ip_p = IPPROTO_UDP;
	iph->ip_src.s_addr = ip(PEER);
	iph->ip_dst.s_addr = ip(dst);
	iph->ip_sum = cksum(iph, 20, 0);
	uh->uh_sport = htons(4000);
	uh->uh_dport = htons((uint16_t)port);
	uh->uh_ulen = htons((uint16_t)(8 + dlen));
	uh->uh_sum = 0;		/* none */
	memcpy(buf + 42, data, dlen);
	return 42 + dlen;
}

H_TC(udp_over_ether, "a UDP frame for us is delivered; a broadcast one "
    "reaches every socket on the port; sending broadcast needs "
    "SO_BROADCAST and goes to ff:ff:ff:ff:ff:ff")
{
	struct sockaddr_in any = sin_of("0.0.0.0", 5555);
	struct sockaddr_in bc = sin_of("10.5.0.255", 5555);
	FRAME(buf, 1600);
	char rb[32];
	size_t len;
	ssize_t n1, n2;
	int s = setup(), r1, r2, on = 1;

	r1 = RL(rump_sys_socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0));
	r2 = RL(rump_sys_socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0));
	RL(rump_sys_setsockopt(r1, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)));
	RL(rump_sys_setsockopt(r2, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)));
	RL(rump_sys_bind(r1, (struct sockaddr *)&any, sizeof(any)));
	RL(rump_sys_bind(r2, (struct sockaddr *)&any, sizeof(any)));
	len = mkudp_frame(buf, mac_us, US, 5555, "unicast");
	RZ(rump_pub_ktest_ether_input(buf, len));
	usleep(50000);
	/* unicast: exactly one of the sockets sharing the port */
	n1 = rump_sys_recvfrom(r1, rb, sizeof(rb), 0, NULL, NULL);
	n2 = rump_sys_recvfrom(r2, rb, sizeof(rb), 0, NULL, NULL);
	ATF_REQUIRE_MSG((n1 == 7 && n2 == -1) || (n1 == -1 && n2 == 7),
	    "%zd and %zd bytes", n1, n2);
	len = mkudp_frame(buf, mac_bcast, "10.5.0.255", 5555, "bcast");
	RZ(rump_pub_ktest_ether_input(buf, len));
	usleep(50000);
	ATF_REQUIRE_EQ(RL(rump_sys_recvfrom(r1, rb, sizeof(rb), 0, NULL,
	    NULL)), 5);
	ATF_REQUIRE_EQ(RL(rump_sys_recvfrom(r2, rb, sizeof(rb), 0, NULL,
	    NULL)), 5);
	/* a frame for another station's MAC is not ours */
	len = mkudp_frame(buf, mac_peer, US, 5555, "other");
	RZ(rump_pub_ktest_ether_input(buf, len));
	usleep(50000);
	H_REQUIRE_ERRNO(EAGAIN, rump_sys_recvfrom(r1, rb, sizeof(rb), 0,
	    NULL, NULL));

	H_REQUIRE_ERRNO(EACCES, rump_sys_sendto(s, "hi", 2, 0,
	    (struct sockaddr *)&bc, sizeof(bc)));
	RL(rump_sys_setsockopt(s, SOL_SOCKET, SO_BROADCAST, &on, sizeof(on)));
	RL(rump_sys_sendto(s, "hi", 2, 0, (struct sockaddr *)&bc, sizeof(bc)));
	RZ(rump_pub_ktest_ether_take(buf, FRAMESIZE(buf), &len, 2000));
	ATF_REQUIRE_EQ(memcmp(buf, mac_bcast, 6), 0);
	ATF_REQUIRE_EQ(((struct ip *)(buf + 14))->ip_dst.s_addr,
	    ip("10.5.0.255"));
	/* the limited broadcast, both ways */
	bc = sin_of("255.255.255.255", 5555);
	RL(rump_sys_sendto(s, "all", 3, 0, (struct sockaddr *)&bc, sizeof(bc)));
	RZ(rump_pub_ktest_ether_take(buf, FRAMESIZE(buf), &len, 2000));
	ATF_REQUIRE_EQ(memcmp(buf, mac_bcast, 6), 0);
	ATF_REQUIRE_EQ(((struct ip *)(buf + 14))->ip_src.s_addr, ip(US));
	ATF_REQUIRE_EQ(((struct ip *)(buf + 14))->ip_dst.s_addr,
	    INADDR_BROADCAST);
	len = mkudp_frame(buf, mac_bcast, "255.255.255.255", 5555, "all!");
	RZ(rump_pub_ktest_ether_input(buf, len));
	usleep(50000);
	ATF_REQUIRE_EQ(RL(rump_sys_recvfrom(r1, rb, sizeof(rb), 0, NULL,
	    NULL)), 4);
	ATF_REQUIRE_EQ(RL(rump_sys_recvfrom(r2, rb, sizeof(rb), 0, NULL,
	    NULL)), 4);
	RL(rump_sys_close(r1));
	RL(rump_sys_close(r2));
	teardown(s);
}

H_TC(port_unreachable_on_wire, "a UDP datagram for a closed port brings "
    "an ICMP port unreachable back to its sender, quoting its header")
{
	FRAME(buf, 1600);
	FRAME(in, 128);
	struct ip *iph = (struct ip *)(buf + 14);
	struct icmp *icp = (struct icmp *)(buf + 34);
	size_t len, ilen;
	int s = setup();

	arp_set(s, PEER, mac_peer, 0);
	ilen = mkudp_frame(in, mac_us, US, 9, "closed");
	RZ(rump_pub_ktest_ether_input(in, ilen));
	RZ(rump_pub_ktest_ether_take(buf, FRAMESIZE(buf), &len, 2000));
	ATF_REQUIRE_EQ(memcmp(buf, mac_peer, 6), 0);
	ATF_REQUIRE_EQ(iph->ip_p, IPPROTO_ICMP);
	ATF_REQUIRE_EQ(iph->ip_src.s_addr, ip(US));
	ATF_REQUIRE_EQ(iph->ip_dst.s_addr, ip(PEER));
	ATF_REQUIRE_EQ(cksum(iph, 20, 0), 0);
	ATF_REQUIRE_EQ(icp->icmp_type, ICMP_UNREACH);
	ATF_REQUIRE_EQ(icp->icmp_code, ICMP_UNREACH_PORT);
	ATF_REQUIRE_EQ(len, 14u + 20 + 8 + 20 + 8);
	ATF_REQUIRE_EQ(cksum(icp, len - 34, 0), 0);
	ATF_REQUIRE_EQ(memcmp(buf + 42, in + 14, 28), 0);
	teardown(s);
}

static struct rump_ipstat
ipstat(int s)
{
	struct rump_ipstat st;

	RL(rump_sys_ioctl(s, RUMP_SIOCGIPSTAT, &st));
	return st;
}

/* Change ttl and DF of a frame made by mkudp_frame, fixing the sum. */
static void
frame_ip(uint8_t *buf, int ttl, int df)
{
	struct ip *iph = (struct ip *)(buf + 14);

	iph->ip_ttl = (uint8_t)ttl;
	iph->ip_off = htons(df ? IP_DF : 0);
	iph->ip_sum = 0;
	iph->ip_sum = cksum(iph, 20, 0);
}

static int
add_route(int s, const char *dst, const char *mask, const char *gw)
{
	struct rtentry rt;
	struct sockaddr_in d = sin_of(dst, 0), m = sin_of(mask, 0);
	struct sockaddr_in g = sin_of(gw, 0);

	memset(&rt, 0, sizeof(rt));
	memcpy(&rt.rt_dst, &d, sizeof(d));
	memcpy(&rt.rt_genmask, &m, sizeof(m));
	memcpy(&rt.rt_gateway, &g, sizeof(g));
	rt.rt_flags = RTF_UP | RTF_GATEWAY;
	return rump_sys_ioctl(s, SIOCADDRT, &rt);
}

H_TC(forwarding, "a datagram for another network is dropped unless "
    "forwarding is on; forwarded, its TTL drops by one; TTL 1 brings "
    "time exceeded, no route net unreachable, DF over the MTU need-frag, "
    "and without DF it leaves in fragments")
{
	static char big[1001];
	FRAME(in, 1600);
	FRAME(out, 1600);
	struct ip *oip = (struct ip *)(out + 14);
	struct icmp *icp = (struct icmp *)(out + 34);
	struct rump_ipstat b, a;
	struct ifreq ifr;
	size_t ilen, olen;
	int s = setup(), on = 1;

	arp_set(s, PEER, mac_peer, 0);
	RL(add_route(s, "10.9.9.0", "255.255.255.0", PEER));
	ilen = mkudp_frame(in, mac_us, "10.9.9.9", 53, "forward me");
	b = ipstat(s);
	RZ(rump_pub_ktest_ether_input(in, ilen));
	usleep(50000);
	a = ipstat(s);
	ATF_REQUIRE_EQ(a.ips_cantforward, b.ips_cantforward + 1);
	no_frame();

	RL(rump_sys_ioctl(s, RUMP_SIOCSIPFORWARDING, &on));
	b = a;
	RZ(rump_pub_ktest_ether_input(in, ilen));
	RZ(rump_pub_ktest_ether_take(out, FRAMESIZE(out), &olen, 2000));
	a = ipstat(s);
	ATF_REQUIRE_EQ(a.ips_forward, b.ips_forward + 1);
	ATF_REQUIRE_EQ(olen, ilen);
	ATF_REQUIRE_EQ(memcmp(out, mac_peer, 6), 0);
	ATF_REQUIRE_EQ(memcmp(out + 6, mac_us, 6), 0);
	ATF_REQUIRE_EQ(oip->ip_ttl, 63);
	ATF_REQUIRE_EQ(oip->ip_dst.s_addr, ip("10.9.9.9"));
	ATF_REQUIRE_EQ(oip->ip_src.s_addr, ip(PEER));
	ATF_REQUIRE_EQ(cksum(oip, 20, 0), 0);
	ATF_REQUIRE_EQ(memcmp(out + 34, in + 34, ilen - 34), 0);

	frame_ip(in, 1, 0);
	b = a;
	RZ(rump_pub_ktest_ether_input(in, ilen));
	RZ(rump_pub_ktest_ether_take(out, FRAMESIZE(out), &olen, 2000));
	a = ipstat(s);
	ATF_REQUIRE_EQ(a.ips_ttlexceeded, b.ips_ttlexceeded + 1);
	ATF_REQUIRE_EQ(oip->ip_p, IPPROTO_ICMP);
	ATF_REQUIRE_EQ(oip->ip_dst.s_addr, ip(PEER));
	ATF_REQUIRE_EQ(icp->icmp_type, ICMP_TIMXCEED);
	ATF_REQUIRE_EQ(icp->icmp_code, ICMP_TIMXCEED_INTRANS);

	ilen = mkudp_frame(in, mac_us, "10.8.8.8", 53, "no route");
	b = a;
	RZ(rump_pub_ktest_ether_input(in, ilen));
	RZ(rump_pub_ktest_ether_take(out, FRAMESIZE(out), &olen, 2000));
	a = ipstat(s);
	ATF_REQUIRE_EQ(a.ips_noroute, b.ips_noroute + 1);
	ATF_REQUIRE_EQ(icp->icmp_type, ICMP_UNREACH);
	ATF_REQUIRE_EQ(icp->icmp_code, ICMP_UNREACH_NET);

	memset(big, 'b', sizeof(big) - 1);
	memset(&ifr, 0, sizeof(ifr));
	strcpy(ifr.ifr_name, "kte0");
	ifr.ifr_mtu = 576;
	RL(rump_sys_ioctl(s, SIOCSIFMTU, &ifr));
	ilen = mkudp_frame(in, mac_us, "10.9.9.9", 53, big);
	frame_ip(in, 64, 1);
	b = a;
	RZ(rump_pub_ktest_ether_input(in, ilen));
	RZ(rump_pub_ktest_ether_take(out, FRAMESIZE(out), &olen, 2000));
	a = ipstat(s);
	ATF_REQUIRE_EQ(a.ips_cantfrag, b.ips_cantfrag + 1);
	ATF_REQUIRE_EQ(icp->icmp_type, ICMP_UNREACH);
	ATF_REQUIRE_EQ(icp->icmp_code, ICMP_UNREACH_NEEDFRAG);
	ATF_REQUIRE_EQ(ntohs(icp->icmp_nextmtu), 576);

	frame_ip(in, 64, 0);
	b = a;
	RZ(rump_pub_ktest_ether_input(in, ilen));
	RZ(rump_pub_ktest_ether_take(out, FRAMESIZE(out), &olen, 2000));
	/* 1008 bytes of UDP: 552 (a multiple of 8) and 456 */
	ATF_REQUIRE_EQ(olen, 14u + 20 + 552);
	ATF_REQUIRE_EQ(ntohs(oip->ip_off), IP_MF);
	ATF_REQUIRE_EQ(cksum(oip, 20, 0), 0);
	RZ(rump_pub_ktest_ether_take(out, FRAMESIZE(out), &olen, 2000));
	ATF_REQUIRE_EQ(ntohs(oip->ip_off), 552 / 8);
	ATF_REQUIRE_EQ(olen, 14u + 20 + 456);
	ATF_REQUIRE_EQ(cksum(oip, 20, 0), 0);
	a = ipstat(s);
	ATF_REQUIRE_EQ(a.ips_fragmented, b.ips_fragmented + 1);
	ATF_REQUIRE_EQ(a.ips_forward, b.ips_forward + 1);
	teardown(s);
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, arp_request_answered);
	ATF_TP_ADD_TC(tp, arp_holds_packets);
	ATF_TP_ADD_TC(tp, arp_gives_up);
	ATF_TP_ADD_TC(tp, arp_expiry);
	ATF_TP_ADD_TC(tp, bad_frames_counted);
	ATF_TP_ADD_TC(tp, udp_over_ether);
	ATF_TP_ADD_TC(tp, port_unreachable_on_wire);
	ATF_TP_ADD_TC(tp, forwarding);
	return atf_no_error();
}
