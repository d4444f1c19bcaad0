/*
 * t_shmif: the shmif interface in kernels: units made by ioctl or by
 * rump_pub_shmif_create, link strings and link state, random local
 * MACs, bad bus paths, and malformed frames put on the bus by the test
 * (runts, bogus record lengths, bad IP and UDP checksums, lying IP
 * lengths) being dropped and counted while the kernel keeps working.
 */
#include <arpa/inet.h>
#include <fcntl.h>
#include <unistd.h>

#include <rump/rump_shmif.h>

#include "h_frames.h"
#include "net_common.h"
#include "shmif_user.h"

struct linkstr_get {
	char	ifname[16];
	size_t	len;
};

/* RUMP_SIOCGLINKSTR in the kernel; out: the path. */
static int
r_getlinkstr(const void *in, size_t inlen, void *out, size_t *outlen)
{
	struct linkstr_get rq;
	struct rump_ifdrv ifd;
	int s, rv;

	memcpy(&rq, in, sizeof(rq));
	memset(&ifd, 0, sizeof(ifd));
	memcpy(ifd.ifd_name, rq.ifname, sizeof(ifd.ifd_name));
	ifd.ifd_len = rq.len;
	ifd.ifd_data = out;
	*outlen = 0;
	if ((s = rump_sys_socket(AF_INET, SOCK_DGRAM, 0)) == -1)
		return -1;
	rv = rump_sys_ioctl(s, RUMP_SIOCGLINKSTR, &ifd);
	rump_sys_close(s);
	if (rv == 0 && rq.len != 0)
		*outlen = strlen(out) + 1;
	return rv == 0 ? (int)ifd.ifd_len : -1;
}

static int
getlinkstr(int k, const char *ifname, char *buf, size_t len)
{
	struct linkstr_get rq;

	memset(&rq, 0, sizeof(rq));
	snprintf(rq.ifname, sizeof(rq.ifname), "%s", ifname);
	rq.len = len;
	return h_net_call(k, r_getlinkstr, &rq, sizeof(rq), buf, len, NULL);
}

H_NET_TC(create_by_ioctl, "shmif0 made by RUMP_SIOCIFCREATE comes up on "
    "a bus given by RUMP_SIOCSLINKSTR, reports it back, and goes link "
    "down when disconnected")
{
	struct rump_ifstats ifs;
	char path[256];
	int k = h_net_start(NULL);

	h_net_ifcreate(k, "shmif0");
	h_net_ifstats(k, "shmif0", &ifs);
	ATF_REQUIRE_EQ(ifs.ifs_link_state, 1);
	H_REQUIRE_ERRNO(ENOENT, getlinkstr(k, "shmif0", path, sizeof(path)));
	h_net_linkstr(k, "shmif0", "bus0");
	h_net_ifstats(k, "shmif0", &ifs);
	ATF_REQUIRE_EQ(ifs.ifs_link_state, 2);
	ATF_REQUIRE_EQ(ifs.ifs_mtu, 1500);
	ATF_REQUIRE_EQ(getlinkstr(k, "shmif0", path, 0), 5);
	H_REQUIRE_ERRNO(E2BIG, getlinkstr(k, "shmif0", path, 3));
	ATF_REQUIRE(getlinkstr(k, "shmif0", path, sizeof(path)) >= 0);
	ATF_REQUIRE_STREQ(path, "bus0");
	ATF_REQUIRE(access("bus0", F_OK) == 0);
	/* Moving to another bus, then off any bus. */
	h_net_linkstr(k, "shmif0", "bus1");
	ATF_REQUIRE(getlinkstr(k, "shmif0", path, sizeof(path)) >= 0);
	ATF_REQUIRE_STREQ(path, "bus1");
	h_net_linkstr(k, "shmif0", "");
	h_net_ifstats(k, "shmif0", &ifs);
	ATF_REQUIRE_EQ(ifs.ifs_link_state, 1);
	h_net_linkstr(k, "shmif0", "bus0");
	h_net_ifdestroy(k, "shmif0");
}

H_NET_TC(units_by_harness_call, "rump_pub_shmif_create takes the lowest "
    "free unit and the bus path")
{
	int k = h_net_start(NULL);

	ATF_REQUIRE_EQ(h_net_shmif(k, "bus0"), 0);
	ATF_REQUIRE_EQ(h_net_shmif(k, "bus1"), 1);
	h_net_ifdestroy(k, "shmif0");
	ATF_REQUIRE_EQ(h_net_shmif(k, "bus2"), 0);
}

H_NET_TC(bad_bus_paths, "a bus path in a missing directory, a file that "
    "is not a bus, or a missing interface give clear errors and leave "
    "the interface down")
{
	struct rump_ifstats ifs;
	int k = h_net_start(NULL), fd;
	char big[2000];

	RL(fd = open("notabus", O_WRONLY | O_CREAT, 0644));
	ATF_REQUIRE_EQ(write(fd, "plain text, long enough to read\n", 32), 32);
	RL(close(fd));
	h_net_ifcreate(k, "shmif0");
	H_REQUIRE_ERRNO(ENOENT, h_net_try_linkstr(k, "shmif0", "nodir/bus"));
	/* EFTYPE has no Linux counterpart: it arrives as EINVAL. */
	H_REQUIRE_ERRNO(EINVAL, h_net_try_linkstr(k, "shmif0", "notabus"));
	H_REQUIRE_ERRNO(ENXIO, h_net_try_linkstr(k, "shmif9", "bus0"));
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	H_REQUIRE_ERRNO(ENAMETOOLONG, h_net_try_linkstr(k, "shmif0", big));
	h_net_ifstats(k, "shmif0", &ifs);
	ATF_REQUIRE_EQ(ifs.ifs_link_state, 1);
}

H_NET_TC(random_local_macs, "each interface gets its own random, "
    "locally administered, unicast MAC")
{
	uint8_t m0[6], m1[6], m2[6];
	int a = h_net_start(NULL), b = h_net_start(NULL);

	h_net_shmif(a, "bus0");
	h_net_shmif(a, "bus1");
	h_net_shmif(b, "bus0");
	h_net_ifmac(a, "shmif0", m0);
	h_net_ifmac(a, "shmif1", m1);
	h_net_ifmac(b, "shmif0", m2);
	ATF_REQUIRE(memcmp(m0, m1, 6) != 0 && memcmp(m0, m2, 6) != 0 &&
	    memcmp(m1, m2, 6) != 0);
	ATF_REQUIRE((m0[0] & 0x03) == 0x02);
	ATF_REQUIRE((m1[0] & 0x03) == 0x02);
	ATF_REQUIRE((m2[0] & 0x03) == 0x02);
}

static void
send_frame(struct rumpcomp_shmif *att, const void *buf, size_t len)
{

	ATF_REQUIRE_EQ(rumpcomp_shmif_send(att, buf, len), 0);
}

H_NET_TC(malformed_frames_counted, "runts, bogus ring records, bad IP "
    "and UDP checksums and lying IP lengths from the bus are dropped "
    "and counted; the kernel still answers pings and leaks nothing")
{
	static const uint8_t me[6] = { 0x02, 0xee, 0, 0, 0, 1 };
	struct rumpcomp_shmif *att;
	struct rumpcomp_shmif_stats ss;
	struct rump_ifstats ifs0, ifs1;
	struct rump_ipstat ip0, ip1;
	struct rump_udpstat udp0, udp1;
	uint32_t src = inet_addr("10.0.0.9"), dst = inet_addr("10.0.0.2");
	uint8_t mac[6], buf[1600];
	size_t len;

	net_pair("bus0");
	ATF_REQUIRE_EQ(h_net_ping(0, "10.0.0.2", 1, 56, 2000), 1);
	h_net_ifmac(1, "shmif0", mac);
	h_net_ifstats(1, "shmif0", &ifs0);
	h_net_ipstat(1, &ip0);
	h_net_udpstat(1, &udp0);
	ATF_REQUIRE_EQ(rumpcomp_shmif_attach("bus0", 0, &att), 0);

	/* A runt: shorter than an Ethernet header. */
	send_frame(att, mac, 6);
	/* IP header checksum broken. */
	len = h_frame_udp(buf, mac, me, src, dst, 1, 9, 1, "x", 1);
	buf[H_FRAME_ETHER + 10] ^= 0x01;
	send_frame(att, buf, len);
	/* ip_len larger than the frame. */
	len = h_frame_udp(buf, mac, me, src, dst, 1, 9, 2, "x", 1);
	buf[H_FRAME_ETHER + 2] = 0x05;
	buf[H_FRAME_ETHER + 10] = buf[H_FRAME_ETHER + 11] = 0;
	*(uint16_t *)(buf + H_FRAME_ETHER + 10) =
	    h_cksum(buf + H_FRAME_ETHER, 20, 0);
	send_frame(att, buf, len);
	/* Header length below 20 bytes. */
	len = h_frame_udp(buf, mac, me, src, dst, 1, 9, 3, "x", 1);
	buf[H_FRAME_ETHER] = 0x44;
	send_frame(att, buf, len);
	/* Truncated: the frame ends inside the IP header. */
	send_frame(att, buf, H_FRAME_ETHER + 12);
	/* UDP checksum broken (the payload changed after summing). */
	len = h_frame_udp(buf, mac, me, src, dst, 1, 9, 4, "hello", 5);
	buf[len - 1] ^= 0x20;
	send_frame(att, buf, len);
	/* A ring record whose length runs past everything. */
	ATF_REQUIRE_EQ(rumpcomp_shmif_inject_record(att, 0x7fffffff, buf,
	    64), 0);

	/*
	 * The kernel still works, then look at what it counted.  A reader
	 * meeting the bogus record skips to the head of the ring, losing
	 * what came after it: give both kernels time to get past it.
	 */
	usleep(200000);
	ATF_REQUIRE_EQ(h_net_ping(0, "10.0.0.2", 2, 56, 2000), 2);
	h_net_ifstats(1, "shmif0", &ifs1);
	h_net_ipstat(1, &ip1);
	h_net_udpstat(1, &udp1);
	ATF_REQUIRE_MSG(ifs1.ifs_ierrors >= ifs0.ifs_ierrors + 1,
	    "ierrors %llu -> %llu", ifs0.ifs_ierrors, ifs1.ifs_ierrors);
	ATF_REQUIRE_EQ(ip1.ips_badsum, ip0.ips_badsum + 1);
	ATF_REQUIRE_MSG(ip1.ips_tooshort + ip1.ips_badlen + ip1.ips_toosmall >=
	    ip0.ips_tooshort + ip0.ips_badlen + ip0.ips_toosmall + 2,
	    "tooshort %llu badlen %llu toosmall %llu", ip1.ips_tooshort,
	    ip1.ips_badlen, ip1.ips_toosmall);
	ATF_REQUIRE_EQ(ip1.ips_badhlen, ip0.ips_badhlen + 1);
	ATF_REQUIRE_EQ(udp1.udps_badsum, udp0.udps_badsum + 1);
	ATF_REQUIRE_EQ(rumpcomp_shmif_stats(att, &ss), 0);
	ATF_REQUIRE(ss.ss_bus_badrec >= 1);
	rumpcomp_shmif_detach(att);
}

H_NET_TC(interface_down_drops, "frames reaching an interface that is "
    "down are not delivered; up again, it answers")
{

	net_pair("bus0");
	ATF_REQUIRE_EQ(h_net_ping(0, "10.0.0.2", 1, 56, 2000), 1);
	h_net_ifupdown(1, "shmif0", 0);
	ATF_REQUIRE_EQ(h_net_ping(0, "10.0.0.2", 1, 56, 300), 0);
	h_net_ifupdown(1, "shmif0", 1);
	ATF_REQUIRE_EQ(h_net_ping(0, "10.0.0.2", 2, 56, 2000), 2);
}

H_NET_TC(jumbo_mtu, "the MTU goes up to what the bus carries (9004 "
    "bytes with the Ethernet header: 9018); jumbo datagrams then cross "
    "unfragmented")
{
	struct rump_ifstats ifs;
	struct rump_ipstat st;

	net_pair("bus0");
	H_REQUIRE_ERRNO(EINVAL, h_net_ifmtu(0, "shmif0", 9005));
	RL(h_net_ifmtu(0, "shmif0", 9004));
	RL(h_net_ifmtu(1, "shmif0", 9000));
	h_net_ifstats(0, "shmif0", &ifs);
	ATF_REQUIRE_EQ(ifs.ifs_mtu, 9004);
	h_net_udp_echo_start(1, 7, 2, 5000);
	ATF_REQUIRE_EQ(h_net_udp_client(0, "10.0.0.2", 7, 2, 8000, 2000), 2);
	ATF_REQUIRE_EQ(h_net_udp_echo_finish(1), 2);
	h_net_ipstat(1, &st);
	ATF_REQUIRE_EQ(st.ips_fragments, 0);
}

H_NET_TC(overlapping_fragments_dropped, "fragments from the bus that "
    "overlap are dropped with their whole datagram and counted; clean "
    "fragments after them are reassembled")
{
	static const uint8_t me[6] = { 0x02, 0xee, 0, 0, 0, 2 };
	struct rumpcomp_shmif *att;
	struct rump_ipstat st0, st1;
	uint32_t src = inet_addr("10.0.0.9"), dst = inet_addr("10.0.0.2");
	uint8_t mac[6], buf[200], udp[40];
	uint16_t v;

	net_pair("bus0");
	ATF_REQUIRE_EQ(h_net_ping(0, "10.0.0.2", 1, 56, 2000), 1);
	h_net_ifmac(1, "shmif0", mac);
	h_net_ipstat(1, &st0);
	ATF_REQUIRE_EQ(rumpcomp_shmif_attach("bus0", 0, &att), 0);
	/* A UDP header (no checksum) and 24 bytes of data: 32 bytes. */
	memset(udp, 'x', sizeof(udp));
	v = htons(1234);
	memcpy(udp, &v, 2);
	v = htons(9);
	memcpy(udp + 2, &v, 2);
	v = htons(32);
	memcpy(udp + 4, &v, 2);
	memset(udp + 6, 0, 2);
	/* 0..15 then 8..31: an overlap, not a duplicate. */
	send_frame(att, buf, h_frame_frag(buf, mac, me, src, dst, 17, 77, 0,
	    1, udp, 16));
	send_frame(att, buf, h_frame_frag(buf, mac, me, src, dst, 17, 77, 8,
	    0, udp + 8, 24));
	/* The same datagram again, cleanly split: 0..15, 16..31. */
	send_frame(att, buf, h_frame_frag(buf, mac, me, src, dst, 17, 78, 0,
	    1, udp, 16));
	send_frame(att, buf, h_frame_frag(buf, mac, me, src, dst, 17, 78, 16,
	    0, udp + 16, 16));
	ATF_REQUIRE_EQ(h_net_ping(0, "10.0.0.2", 1, 56, 2000), 1);
	h_net_ipstat(1, &st1);
	ATF_REQUIRE_EQ(st1.ips_fragments, st0.ips_fragments + 4);
	ATF_REQUIRE_EQ(st1.ips_fragdropped, st0.ips_fragdropped + 2);
	ATF_REQUIRE_EQ(st1.ips_reassembled, st0.ips_reassembled + 1);
	rumpcomp_shmif_detach(att);
}

struct create_req {
	int	null_unit;
	char	path[256];
};

/* rump_pub_shmif_create in the kernel; its (host) error or the unit. */
static int
r_create(const void *in, size_t inlen, void *out, size_t *outlen)
{
	const struct create_req *rq = in;
	int unit = -1, error;

	*outlen = 0;
	error = rump_pub_shmif_create(rq->path, rq->null_unit ? NULL : &unit);
	if (error != 0) {
		errno = error;
		return -1;
	}
	return unit;
}

H_NET_TC(create_errors, "rump_pub_shmif_create reports bad arguments "
    "and bad paths and leaves no interface behind")
{
	struct create_req rq;
	int k = h_net_start(NULL);

	memset(&rq, 0, sizeof(rq));
	rq.null_unit = 1;
	snprintf(rq.path, sizeof(rq.path), "bus0");
	H_REQUIRE_ERRNO(EFAULT, h_net_call(k, r_create, &rq, sizeof(rq), NULL,
	    0, NULL));
	rq.null_unit = 0;
	snprintf(rq.path, sizeof(rq.path), "nodir/bus0");
	H_REQUIRE_ERRNO(ENOENT, h_net_call(k, r_create, &rq, sizeof(rq), NULL,
	    0, NULL));
	/* The failed unit was destroyed: the next one is shmif0 again. */
	snprintf(rq.path, sizeof(rq.path), "bus0");
	ATF_REQUIRE_EQ(h_net_call(k, r_create, &rq, sizeof(rq), NULL, 0,
	    NULL), 0);
}

H_NET_TC(burst_from_bus, "a burst of frames faster than the kernel "
    "takes them is received (the receive thread lets the rest of the "
    "kernel run in between) and the kernel answers pings after it")
{
	static const uint8_t me[6] = { 0x02, 0xee, 0, 0, 0, 3 };
	struct rumpcomp_shmif *att;
	struct rump_ifstats ifs0, ifs1;
	uint32_t src = inet_addr("10.0.0.9"), dst = inet_addr("10.0.0.2");
	uint8_t mac[6], buf[200];
	size_t len;

	net_pair("bus0");
	ATF_REQUIRE_EQ(h_net_ping(0, "10.0.0.2", 1, 56, 2000), 1);
	h_net_ifmac(1, "shmif0", mac);
	h_net_ifstats(1, "shmif0", &ifs0);
	ATF_REQUIRE_EQ(rumpcomp_shmif_attach("bus0", 0, &att), 0);
	/* Port 9 is closed: the ICMP errors wait for ARP, unanswered. */
	for (uint16_t i = 0; i < 1000; i++) {
		len = h_frame_udp(buf, mac, me, src, dst, 1, 9, i, "burst", 5);
		send_frame(att, buf, len);
	}
	ATF_REQUIRE_EQ(h_net_ping(0, "10.0.0.2", 3, 56, 2000), 3);
	h_net_ifstats(1, "shmif0", &ifs1);
	ATF_REQUIRE_MSG(ifs1.ifs_ipackets >= ifs0.ifs_ipackets + 1000,
	    "ipackets %llu -> %llu", ifs0.ifs_ipackets, ifs1.ifs_ipackets);
	rumpcomp_shmif_detach(att);
}

ATF_TP_ADD_TCS(tp)
{

	ATF_TP_ADD_TC(tp, create_by_ioctl);
	ATF_TP_ADD_TC(tp, units_by_harness_call);
	ATF_TP_ADD_TC(tp, create_errors);
	ATF_TP_ADD_TC(tp, bad_bus_paths);
	ATF_TP_ADD_TC(tp, random_local_macs);
	ATF_TP_ADD_TC(tp, malformed_frames_counted);
	ATF_TP_ADD_TC(tp, interface_down_drops);
	ATF_TP_ADD_TC(tp, jumbo_mtu);
	ATF_TP_ADD_TC(tp, overlapping_fragments_dropped);
	ATF_TP_ADD_TC(tp, burst_from_bus);
	return atf_no_error();
}
