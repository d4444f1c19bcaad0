/*
 * t_ipinput: malformed IPv4, UDP and ICMP packets and fragment streams
 * handed straight to ip_input (the kernel half k_ipinput.c injects them
 * as lo0 input): each is dropped and counted under its own reason,
 * nothing is delivered, nothing leaks (the harness's kmem check and the
 * mbuf count), and well-formed packets around them still get through.
 * Also the mbuf routines' own checks, and a random fuzz run.
 */
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/ip_icmp.h>
#include <netinet/udp.h>
#include <arpa/inet.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include <unistd.h>

#include <rump/rump.h>
#include <rump/rump_syscalls.h>

#include "harness.h"
#include "k_ipinput.h"

#define SRC	"127.0.0.2"
#define DST	"127.0.0.1"
#define PORT	5000

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

/* An IPv4 header at p for a datagram of total bytes, checksum set. */
static void
mkip(void *p, int total, int proto, uint16_t id, uint16_t off)
{
	struct ip *ip = p;

	memset(ip, 0, sizeof(*ip));
	ip->ip_v = 4;
	ip->ip_hl = 5;
	ip->ip_len = htons((uint16_t)total);
	ip->ip_id = htons(id);
	ip->ip_off = htons(off);
	ip->ip_ttl = 64;
	ip->ip_p = (uint8_t)proto;
	inet_pton(AF_INET, SRC, &ip->ip_src);
	inet_pton(AF_INET, DST, &ip->ip_dst);
	ip->ip_sum = cksum(ip, sizeof(*ip), 0);
}

static void
resum(void *p)
{
	struct ip *ip = p;

	ip->ip_sum = 0;
	ip->ip_sum = cksum(ip, (size_t)ip->ip_hl * 4, 0);
}

/* A whole UDP datagram to DST:PORT with payload; returns its length. */
static int
mkudp(uint8_t *p, const char *payload, int plen, uint16_t id)
{
	struct ip *ip = (struct ip *)p;
	struct udphdr *uh = (struct udphdr *)(p + 20);
	uint32_t pseudo;
	int ulen = 8 + plen;

	mkip(p, 20 + ulen, IPPROTO_UDP, id, 0);
	uh->uh_sport = htons(4000);
	uh->uh_dport = htons(PORT);
	uh->uh_ulen = htons((uint16_t)ulen);
	uh->uh_sum = 0;
	memcpy(p + 28, payload, (size_t)plen);
	pseudo = (ntohl(ip->ip_src.s_addr) >> 16) +
	    (ntohl(ip->ip_src.s_addr) & 0xffff) +
	    (ntohl(ip->ip_dst.s_addr) >> 16) +
	    (ntohl(ip->ip_dst.s_addr) & 0xffff) + IPPROTO_UDP +
	    (uint32_t)ulen;
	uh->uh_sum = cksum(uh, (size_t)ulen, pseudo);
	if (uh->uh_sum == 0)
		uh->uh_sum = 0xffff;
	return 20 + ulen;
}

static int
udp_sink(void)
{
	struct sockaddr_in sin;
	int s = RL(rump_sys_socket(AF_INET, SOCK_DGRAM, 0));

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(PORT);
	inet_pton(AF_INET, DST, &sin.sin_addr);
	RL(rump_sys_bind(s, (struct sockaddr *)&sin, sizeof(sin)));
	return s;
}

static struct k_netstat
stats(void)
{
	struct k_netstat ns;

	RZ(rump_pub_ktest_netstat(&ns));
	return ns;
}

/* What arrived at the sink: its length, or -1 if nothing. */
static int
sink_read(int s, char *buf, size_t len)
{
	ssize_t n = rump_sys_recvfrom(s, buf, len, MSG_DONTWAIT, NULL, NULL);

	if (n < 0) {
		ATF_REQUIRE_EQ(errno, EAGAIN);
		return -1;
	}
	return (int)n;
}

#define REQUIRE_COUNTED(before, after, field)				\
	ATF_REQUIRE_MSG((after).field == (before).field + 1,		\
	    "%s: %llu -> %llu", #field, (before).field, (after).field)

H_TC(mbuf_routines, "m_copyback, m_copym, m_dup, m_prepend, m_pullup, "
    "m_adj, m_split, m_cat and m_devget keep the data and leak nothing")
{
	RZ(rump_pub_ktest_mbuf());
}

H_TC(bad_headers_dropped, "truncated headers, wrong version, header "
    "lengths, checksums, total lengths and martian sources are each "
    "dropped and counted; a good datagram still arrives")
{
	uint8_t p[256];
	struct ip *ip = (struct ip *)p;
	struct k_netstat b, a;
	char buf[64];
	int s = udp_sink(), len;

	b = stats();
	RZ(rump_pub_ktest_ip_inject(p, 10));
	a = stats();
	REQUIRE_COUNTED(b.ip, a.ip, ips_toosmall);

	len = mkudp(p, "hello", 5, 1);
	ip->ip_v = 6;
	resum(p);
	b = a;
	RZ(rump_pub_ktest_ip_inject(p, (size_t)len));
	a = stats();
	REQUIRE_COUNTED(b.ip, a.ip, ips_badvers);

	len = mkudp(p, "hello", 5, 2);
	ip->ip_hl = 4;
	resum(p);
	b = a;
	RZ(rump_pub_ktest_ip_inject(p, (size_t)len));
	a = stats();
	REQUIRE_COUNTED(b.ip, a.ip, ips_badhlen);

	mkudp(p, "hello", 5, 3);
	ip->ip_hl = 15;			/* 60 bytes, more than given */
	b = a;
	RZ(rump_pub_ktest_ip_inject(p, 40));
	a = stats();
	REQUIRE_COUNTED(b.ip, a.ip, ips_badhlen);

	len = mkudp(p, "hello", 5, 4);
	ip->ip_sum ^= 0x0101;
	b = a;
	RZ(rump_pub_ktest_ip_inject(p, (size_t)len));
	a = stats();
	REQUIRE_COUNTED(b.ip, a.ip, ips_badsum);

	len = mkudp(p, "hello", 5, 5);
	ip->ip_len = htons(12);		/* shorter than its header */
	resum(p);
	b = a;
	RZ(rump_pub_ktest_ip_inject(p, (size_t)len));
	a = stats();
	REQUIRE_COUNTED(b.ip, a.ip, ips_badlen);

	len = mkudp(p, "hello", 5, 6);
	ip->ip_len = htons(200);	/* longer than the packet */
	resum(p);
	b = a;
	RZ(rump_pub_ktest_ip_inject(p, (size_t)len));
	a = stats();
	REQUIRE_COUNTED(b.ip, a.ip, ips_tooshort);

	len = mkudp(p, "hello", 5, 7);
	inet_pton(AF_INET, "224.0.0.1", &ip->ip_src);
	resum(p);
	b = a;
	RZ(rump_pub_ktest_ip_inject(p, (size_t)len));
	a = stats();
	REQUIRE_COUNTED(b.ip, a.ip, ips_badaddr);

	ATF_REQUIRE_EQ(a.ip.ips_delivered, 0);
	ATF_REQUIRE_EQ(sink_read(s, buf, sizeof(buf)), -1);

	/* a good one, split into 3-byte mbufs, and with link padding */
	len = mkudp(p, "hello", 5, 8);
	RZ(rump_pub_ktest_ip_inject_chunked(p, (size_t)len + 6, 3));
	ATF_REQUIRE_EQ(sink_read(s, buf, sizeof(buf)), 5);
	ATF_REQUIRE_EQ(memcmp(buf, "hello", 5), 0);
	/* not 4-byte aligned in its mbuf: realigned, not misread */
	len = mkudp(p, "odd", 3, 9);
	RZ(rump_pub_ktest_ip_inject_at(p, (size_t)len, 1));
	ATF_REQUIRE_EQ(sink_read(s, buf, sizeof(buf)), 3);
	RZ(rump_pub_ktest_ip_inject_at(p, (size_t)len, 2));
	ATF_REQUIRE_EQ(sink_read(s, buf, sizeof(buf)), 3);
	a = stats();
	ATF_REQUIRE_EQ(a.ip.ips_delivered, 3);
	ATF_REQUIRE_EQ(a.udp.udps_delivered, 3);
	RL(rump_sys_close(s));
}

H_TC(bad_udp_dropped, "UDP with a bad checksum, a length longer or "
    "shorter than possible, or a truncated header is dropped and counted; "
    "a zero checksum means none")
{
	uint8_t p[256];
	struct udphdr *uh = (struct udphdr *)(p + 20);
	struct k_netstat b, a;
	char buf[64];
	int s = udp_sink(), len;

	b = stats();
	len = mkudp(p, "data", 4, 10);
	uh->uh_sum ^= 0x0f0f;
	RZ(rump_pub_ktest_ip_inject(p, (size_t)len));
	a = stats();
	REQUIRE_COUNTED(b.udp, a.udp, udps_badsum);

	len = mkudp(p, "data", 4, 11);
	uh->uh_ulen = htons(100);
	b = a;
	RZ(rump_pub_ktest_ip_inject(p, (size_t)len));
	a = stats();
	REQUIRE_COUNTED(b.udp, a.udp, udps_badlen);

	len = mkudp(p, "data", 4, 12);
	uh->uh_ulen = htons(4);
	b = a;
	RZ(rump_pub_ktest_ip_inject(p, (size_t)len));
	a = stats();
	REQUIRE_COUNTED(b.udp, a.udp, udps_badlen);

	mkip(p, 24, IPPROTO_UDP, 13, 0);
	b = a;
	RZ(rump_pub_ktest_ip_inject(p, 24));
	a = stats();
	REQUIRE_COUNTED(b.udp, a.udp, udps_hdrops);
	ATF_REQUIRE_EQ(sink_read(s, buf, sizeof(buf)), -1);

	len = mkudp(p, "data", 4, 14);
	uh->uh_sum = 0;
	RZ(rump_pub_ktest_ip_inject(p, (size_t)len));
	ATF_REQUIRE_EQ(sink_read(s, buf, sizeof(buf)), 4);
	RL(rump_sys_close(s));
}

H_TC(udp_no_port_unreachable, "a UDP datagram for a port nobody has "
    "is answered with ICMP port unreachable and counted")
{
	uint8_t p[256];
	struct k_netstat b, a;
	int len;

	b = stats();
	len = mkudp(p, "data", 4, 20);
	RZ(rump_pub_ktest_ip_inject(p, (size_t)len));
	a = stats();
	REQUIRE_COUNTED(b.udp, a.udp, udps_noport);
	REQUIRE_COUNTED(b.icmp, a.icmp, icps_outhist[ICMP_UNREACH]);
}

H_TC(bad_icmp_dropped, "ICMP with a bad checksum or shorter than its "
    "header, and an error message too short to name a datagram, are "
    "counted and ignored")
{
	uint8_t p[256];
	struct icmphdr *icp = (struct icmphdr *)(p + 20);
	struct k_netstat b, a;

	b = stats();
	mkip(p, 20 + 8, IPPROTO_ICMP, 30, 0);
	memset(icp, 0, 8);
	icp->type = ICMP_ECHO;
	icp->checksum = 0x1234;
	RZ(rump_pub_ktest_ip_inject(p, 28));
	a = stats();
	REQUIRE_COUNTED(b.icmp, a.icmp, icps_checksum);

	mkip(p, 20 + 4, IPPROTO_ICMP, 31, 0);
	b = a;
	RZ(rump_pub_ktest_ip_inject(p, 24));
	a = stats();
	REQUIRE_COUNTED(b.icmp, a.icmp, icps_tooshort);

	mkip(p, 20 + 12, IPPROTO_ICMP, 32, 0);
	memset(icp, 0, 12);
	icp->type = ICMP_UNREACH;
	icp->code = ICMP_UNREACH_PORT;
	icp->checksum = cksum(icp, 12, 0);
	b = a;
	RZ(rump_pub_ktest_ip_inject(p, 32));
	a = stats();
	REQUIRE_COUNTED(b.icmp, a.icmp, icps_badlen);
	/* no error is ever sent about an ICMP error */
	ATF_REQUIRE_EQ(a.icmp.icps_error, b.icmp.icps_error);
}

/* Fragment i of a datagram: data bytes [off, off+len) of payload. */
static void
inject_frag(const uint8_t *dgram, int off, int len, bool more, uint16_t id)
{
	uint8_t p[2048];

	mkip(p, 20 + len, IPPROTO_UDP, id, (uint16_t)((off >> 3) |
	    (more ? IP_MF : 0)));
	/* offsets past the buffer (the too-long case) reuse its bytes */
	memcpy(p + 20, dgram + 20 + off % 1024, (size_t)len);
	RZ(rump_pub_ktest_ip_inject(p, (size_t)(20 + len)));
}

H_TC(fragments_reassembled, "a datagram in fragments arriving out of "
    "order, with a duplicate, is reassembled once and delivered")
{
	static char payload[1000];
	uint8_t d[2048];
	struct k_netstat b, a;
	char buf[2048];
	int s = udp_sink(), i;

	for (i = 0; i < (int)sizeof(payload); i++)
		payload[i] = (char)i;
	mkudp(d, payload, sizeof(payload), 40);	/* 1008 bytes of UDP */
	b = stats();
	inject_frag(d, 800, 208, false, 40);
	inject_frag(d, 0, 400, true, 40);
	inject_frag(d, 0, 400, true, 40);	/* duplicate */
	ATF_REQUIRE_EQ(sink_read(s, buf, sizeof(buf)), -1);
	inject_frag(d, 400, 400, true, 40);
	ATF_REQUIRE_EQ(sink_read(s, buf, sizeof(buf)), 1000);
	ATF_REQUIRE_EQ(memcmp(buf, payload, 1000), 0);
	a = stats();
	ATF_REQUIRE_EQ(a.ip.ips_fragments, b.ip.ips_fragments + 4);
	REQUIRE_COUNTED(b.ip, a.ip, ips_fragdropped);
	REQUIRE_COUNTED(b.ip, a.ip, ips_reassembled);
	ATF_REQUIRE_EQ(a.reass_queues, 0);
	RL(rump_sys_close(s));
}

H_TC(fragments_overlapping_dropped, "overlapping fragments drop the "
    "whole datagram; so do an inconsistent end, a non-final fragment "
    "not a multiple of 8 and a datagram over 65535 bytes")
{
	static char payload[1000];
	uint8_t d[2048];
	struct k_netstat b, a;
	char buf[2048];
	int s = udp_sink();

	memset(payload, 'o', sizeof(payload));
	mkudp(d, payload, sizeof(payload), 50);
	b = stats();
	inject_frag(d, 0, 400, true, 50);
	inject_frag(d, 200, 400, true, 50);	/* overlaps */
	inject_frag(d, 400, 400, true, 50);
	inject_frag(d, 800, 208, false, 50);
	a = stats();
	ATF_REQUIRE_EQ(sink_read(s, buf, sizeof(buf)), -1);
	ATF_REQUIRE_MSG(a.ip.ips_fragdropped >= b.ip.ips_fragdropped + 2,
	    "fragdropped %llu -> %llu", b.ip.ips_fragdropped,
	    a.ip.ips_fragdropped);
	ATF_REQUIRE_EQ(a.ip.ips_reassembled, b.ip.ips_reassembled);
	/* the later fragments started a new datagram, never complete */
	ATF_REQUIRE(a.reass_queues <= 1);

	/* two different ends */
	b = a;
	inject_frag(d, 800, 208, false, 51);
	inject_frag(d, 400, 200, false, 51);
	a = stats();
	ATF_REQUIRE(a.ip.ips_fragdropped >= b.ip.ips_fragdropped + 2);

	/* 12 bytes in a non-final fragment */
	b = a;
	inject_frag(d, 0, 12, true, 52);
	a = stats();
	REQUIRE_COUNTED(b.ip, a.ip, ips_fragdropped);

	/* offset 65528 + 16 bytes: past the largest datagram */
	b = a;
	inject_frag(d, 65528, 16, false, 53);
	a = stats();
	REQUIRE_COUNTED(b.ip, a.ip, ips_toolong);
	ATF_REQUIRE_EQ(sink_read(s, buf, sizeof(buf)), -1);
	RL(rump_sys_close(s));
}

H_TC(fragments_limits, "more fragments per datagram or more datagrams in "
    "reassembly than allowed are dropped and counted")
{
	uint8_t d[2048];
	struct k_netstat b, a;
	int i;

	static char zeros[1000];

	memset(d, 0, sizeof(d));
	mkudp(d, zeros, 1000, 60);
	RZ(rump_pub_ktest_reass_limits(2, 0, 4));
	b = stats();
	for (i = 0; i < 5; i++)
		inject_frag(d, i * 16, 16, true, 60);
	a = stats();
	REQUIRE_COUNTED(b.ip, a.ip, ips_fragoverflow);
	ATF_REQUIRE_EQ(a.reass_queues, 0);
	b = a;
	inject_frag(d, 0, 16, true, 61);
	inject_frag(d, 0, 16, true, 62);
	inject_frag(d, 0, 16, true, 63);
	a = stats();
	REQUIRE_COUNTED(b.ip, a.ip, ips_fragoverflow);
	ATF_REQUIRE_EQ(a.reass_queues, 2);
}

H_TC(fragments_timeout, "an incomplete datagram is dropped after the "
    "reassembly timeout, with ICMP time exceeded for its first fragment")
{
	uint8_t d[2048];
	struct k_netstat b, a;
	int i;

	static char zeros[500];

	memset(d, 0, sizeof(d));
	mkudp(d, zeros, 500, 70);
	RZ(rump_pub_ktest_reass_limits(0, 1, 0));
	b = stats();
	inject_frag(d, 0, 200, true, 70);
	inject_frag(d, 200, 96, true, 70);
	a = stats();
	ATF_REQUIRE_EQ(a.reass_queues, 1);
	for (i = 0; i < 40 && a.reass_queues != 0; i++) {
		usleep(100000);
		a = stats();
	}
	ATF_REQUIRE_EQ(a.reass_queues, 0);
	ATF_REQUIRE_EQ(a.ip.ips_fragtimeout, b.ip.ips_fragtimeout + 2);
	/* the ICMP error goes through lo0 to 127.0.0.2: wait for it */
	for (i = 0; i < 20 && a.icmp.icps_outhist[ICMP_TIMXCEED] == 0; i++) {
		usleep(50000);
		a = stats();
	}
	REQUIRE_COUNTED(b.icmp, a.icmp, icps_outhist[ICMP_TIMXCEED]);
}

H_TC(fuzz_ip_input, "thousands of random and half-valid packets: "
    "nothing crashes, everything is dropped or delivered, nothing leaks")
{
	uint8_t p[1600];
	struct ip *ip = (struct ip *)p;
	struct k_netstat a;
	int i, len, j, s = udp_sink();
	char buf[2048];

	srandom(4242);
	for (i = 0; i < 4000; i++) {
		len = (int)(random() % 1500) + 1;
		for (j = 0; j < len; j++)
			p[j] = (uint8_t)random();
		if (i % 2 == 0 && len >= 20) {
			/* plausible headers reach the deeper checks */
			ip->ip_v = 4;
			ip->ip_hl = 5 + (uint8_t)(random() % 3);
			ip->ip_len = htons((uint16_t)(len - (int)(random() % 4)));
			ip->ip_p = (uint8_t)(i % 3 == 0 ? IPPROTO_UDP :
			    i % 3 == 1 ? IPPROTO_ICMP : random());
			ip->ip_off = htons((uint16_t)(random() % 4 == 0 ?
			    random() & (IP_MF | 0x3f) : 0));
			inet_pton(AF_INET, SRC, &ip->ip_src);
			inet_pton(AF_INET, DST, &ip->ip_dst);
			resum(p);
		}
		RZ(rump_pub_ktest_ip_inject_chunked(p, (size_t)len,
		    (size_t)(random() % 300) + 1));
		while (sink_read(s, buf, sizeof(buf)) >= 0)
			;
	}
	a = stats();
	/* ICMP errors come back through lo0 and count too */
	ATF_REQUIRE_MSG(a.ip.ips_total >= 4000, "%llu", a.ip.ips_total);
	ATF_REQUIRE(a.ip.ips_delivered < 4000);
	RL(rump_sys_close(s));
}

static void
child_leak(void *arg)
{
	int line = 0, freedline = 0, error;

	if ((error = rump_init()) != 0) {
		h_child_printf("rump_init: %d\n", error);
		return;
	}
	error = rump_pub_ktest_mbuf_leak(&line, &freedline);
	h_child_printf("leak: %d line=%d freed=%d\n", error, line, freedline);
	h_shutdown_check();	/* fails the child */
	h_child_printf("h_shutdown_check returned\n");
}

ATF_TC_WITHOUT_HEAD(leaked_mbuf_fails_case);
ATF_TC_BODY(leaked_mbuf_fails_case, tc)
{
	struct h_child hc;
	const char *p;
	char want[128];
	int line;

	h_child_run(child_leak, NULL, 60, &hc);
	h_child_require_output(&hc, "leak: 0 line=");
	p = strstr(hc.hc_output, "line=");
	line = atoi(p + 5);
	if (!hc.hc_exited || hc.hc_status == 0)
		h_child_fail(&hc, "a leaked mbuf did not fail the case");
	snprintf(want, sizeof(want), "tests/net/k_ipinput.c:%d", line);
	h_child_require_output(&hc, want);
	h_child_require_output(&hc, "rumpnet: 1 mbufs and 0 clusters still "
	    "allocated");
	/* Not the line whose mbuf was freed and (cached) handed out again. */
	p = strstr(hc.hc_output, "freed=");
	snprintf(want, sizeof(want), "tests/net/k_ipinput.c:%d ", atoi(p + 6));
	ATF_REQUIRE_MSG(strstr(hc.hc_output, want) == NULL, "%s", hc.hc_output);
	ATF_REQUIRE(strstr(hc.hc_output, "h_shutdown_check returned") ==
	    NULL);
	h_child_free(&hc);
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, mbuf_routines);
	ATF_TP_ADD_TC(tp, leaked_mbuf_fails_case);
	ATF_TP_ADD_TC(tp, bad_headers_dropped);
	ATF_TP_ADD_TC(tp, bad_udp_dropped);
	ATF_TP_ADD_TC(tp, udp_no_port_unreachable);
	ATF_TP_ADD_TC(tp, bad_icmp_dropped);
	ATF_TP_ADD_TC(tp, fragments_reassembled);
	ATF_TP_ADD_TC(tp, fragments_overlapping_dropped);
	ATF_TP_ADD_TC(tp, fragments_limits);
	ATF_TP_ADD_TC(tp, fragments_timeout);
	ATF_TP_ADD_TC(tp, fuzz_ip_input);
	return atf_no_error();
}
