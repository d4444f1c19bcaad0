/*
 * t_ipv4: IPv4, ICMP, UDP and ARP between kernels, each in its own
 * process, over shmif buses: ping, UDP echo, port unreachable,
 * reassembly of fragmented datagrams, forwarding by a middle kernel,
 * ARP expiry, and ping over a bus that loses, duplicates and reorders.
 */
#include <unistd.h>

#include "net_common.h"
#include "shmif_user.h"

H_NET_TC(ping_two_kernels, "two kernels on one bus ping each other; ARP "
    "learns the peer's MAC and the interface counts the traffic")
{
	struct rump_ifstats ifs;
	uint8_t mac[6], learned[6];

	net_pair("bus0");
	ATF_REQUIRE_EQ(h_net_ping(0, "10.0.0.2", 3, 56, 2000), 3);
	ATF_REQUIRE_EQ(h_net_ping(1, "10.0.0.1", 3, 1000, 2000), 3);
	h_net_ifmac(1, "shmif0", mac);
	RL(h_net_arp_lookup(0, "shmif0", "10.0.0.2", learned));
	ATF_REQUIRE(memcmp(mac, learned, 6) == 0);
	h_net_ifstats(0, "shmif0", &ifs);
	ATF_REQUIRE(ifs.ifs_opackets >= 4 && ifs.ifs_ipackets >= 4);
	ATF_REQUIRE_EQ(ifs.ifs_ierrors, 0);
	/* Nobody at .3: no reply, no crash. */
	ATF_REQUIRE_EQ(h_net_ping(0, "10.0.0.3", 1, 56, 300), 0);
}

H_NET_TC(udp_echo, "UDP datagrams of several sizes go to a server in "
    "another kernel and come back intact")
{

	net_pair("bus0");
	h_net_udp_echo_start(1, 7, 30, 5000);
	ATF_REQUIRE_EQ(h_net_udp_client(0, "10.0.0.2", 7, 10, 4, 2000), 10);
	ATF_REQUIRE_EQ(h_net_udp_client(0, "10.0.0.2", 7, 10, 512, 2000), 10);
	ATF_REQUIRE_EQ(h_net_udp_client(0, "10.0.0.2", 7, 10, 1472, 2000),
	    10);
	ATF_REQUIRE_EQ(h_net_udp_echo_finish(1), 30);
}

H_NET_TC(udp_echo_mp, "UDP echo between kernels with two virtual CPUs "
    "each (the receive thread, the softint and the callers in parallel)")
{

	net_pair_env("bus0", "RUMP_NCPU=2");
	h_net_udp_echo_start(1, 7, 200, 5000);
	ATF_REQUIRE_EQ(h_net_udp_client(0, "10.0.0.2", 7, 100, 64, 2000),
	    100);
	ATF_REQUIRE_EQ(h_net_udp_client(0, "10.0.0.2", 7, 100, 3000, 2000),
	    100);
	ATF_REQUIRE_EQ(h_net_udp_echo_finish(1), 200);
	ATF_REQUIRE_EQ(h_net_ping(1, "10.0.0.1", 3, 56, 2000), 3);
}

H_NET_TC(udp_port_unreachable, "a datagram to a closed port brings an "
    "ICMP port unreachable, which a connected socket reports as "
    "ECONNREFUSED")
{
	struct rump_udpstat us;
	struct rump_icmpstat is;

	net_pair("bus0");
	ATF_REQUIRE_EQ(h_net_udp_probe(0, "10.0.0.2", 9, 32, 2000),
	    ECONNREFUSED);
	h_net_udpstat(1, &us);
	ATF_REQUIRE_EQ(us.udps_noport, 1);
	h_net_icmpstat(1, &is);
	ATF_REQUIRE_EQ(is.icps_outhist[3], 1);
	h_net_icmpstat(0, &is);
	ATF_REQUIRE_EQ(is.icps_inhist[3], 1);
}

H_NET_TC(fragments_reassembled, "datagrams larger than the MTU cross the "
    "bus as fragments and are reassembled intact, both ways")
{
	struct rump_ipstat st;

	net_pair("bus0");
	h_net_udp_echo_start(1, 7, 6, 5000);
	ATF_REQUIRE_EQ(h_net_udp_client(0, "10.0.0.2", 7, 3, 4000, 2000), 3);
	ATF_REQUIRE_EQ(h_net_udp_client(0, "10.0.0.2", 7, 3, 30000, 2000),
	    3);
	ATF_REQUIRE_EQ(h_net_udp_echo_finish(1), 6);
	h_net_ipstat(1, &st);
	/* 4000 bytes: 3 fragments; 30000: 21. */
	ATF_REQUIRE_EQ(st.ips_reassembled, 6);
	ATF_REQUIRE_EQ(st.ips_fragments, 3 * 3 + 3 * 21);
	ATF_REQUIRE(st.ips_fragmented >= 6);
	h_net_ipstat(0, &st);
	ATF_REQUIRE_EQ(st.ips_reassembled, 6);
	/* Pings too big for one frame. */
	ATF_REQUIRE_EQ(h_net_ping(0, "10.0.0.2", 2, 5000, 2000), 2);
}

/*
 * 10.0.0.1 [bus0] 10.0.0.2 (forwarder) 10.0.1.2 [bus1] 10.0.1.3
 */
static void
three_kernels(void)
{
	int a = h_net_start(NULL), m = h_net_start(NULL),
	    c = h_net_start(NULL);

	h_net_shmif(a, "bus0");
	h_net_shmif(m, "bus0");
	h_net_shmif(m, "bus1");
	h_net_shmif(c, "bus1");
	h_net_ifconfig(a, "shmif0", "10.0.0.1/24");
	h_net_ifconfig(m, "shmif0", "10.0.0.2/24");
	h_net_ifconfig(m, "shmif1", "10.0.1.2/24");
	h_net_ifconfig(c, "shmif0", "10.0.1.3/24");
	h_net_route_add(a, "default", "10.0.0.2");
	h_net_route_add(c, "10.0.0.0/24", "10.0.1.2");
}

H_NET_TC(forwarding_three_kernels, "three kernels on two buses: the "
    "middle one forwards between them only when forwarding is on")
{
	struct rump_ipstat st;

	three_kernels();
	/* The middle answers on both sides itself. */
	ATF_REQUIRE_EQ(h_net_ping(0, "10.0.1.2", 1, 56, 2000), 1);
	ATF_REQUIRE_EQ(h_net_ping(0, "10.0.1.3", 1, 56, 500), 0);
	h_net_ipstat(1, &st);
	ATF_REQUIRE(st.ips_cantforward >= 1);
	h_net_forwarding(1, 1);
	ATF_REQUIRE_EQ(h_net_ping(0, "10.0.1.3", 3, 56, 2000), 3);
	ATF_REQUIRE_EQ(h_net_ping(2, "10.0.0.1", 3, 56, 2000), 3);
	h_net_ipstat(1, &st);
	ATF_REQUIRE(st.ips_forward >= 12);
	/* UDP through the forwarder, fragments included. */
	h_net_udp_echo_start(2, 7, 4, 5000);
	ATF_REQUIRE_EQ(h_net_udp_client(0, "10.0.1.3", 7, 2, 100, 2000), 2);
	ATF_REQUIRE_EQ(h_net_udp_client(0, "10.0.1.3", 7, 2, 3000, 2000), 2);
	ATF_REQUIRE_EQ(h_net_udp_echo_finish(2), 4);
}

H_NET_TC(arp_expiry, "an ARP entry expires after its lifetime and is "
    "learned again on the next packet")
{
	struct rump_arpstat as;
	uint8_t mac[6];

	net_pair("bus0");
	h_net_arptimers(0, 1, 0, 0);
	ATF_REQUIRE_EQ(h_net_ping(0, "10.0.0.2", 1, 56, 2000), 1);
	RL(h_net_arp_lookup(0, "shmif0", "10.0.0.2", mac));
	for (int i = 0; i < 40; i++) {
		if (h_net_arp_lookup(0, "shmif0", "10.0.0.2", mac) == -1)
			break;
		usleep(100000);
	}
	H_REQUIRE_ERRNO(ENXIO, h_net_arp_lookup(0, "shmif0", "10.0.0.2",
	    mac));
	h_net_arpstat(0, &as);
	ATF_REQUIRE(as.as_timeouts >= 1);
	ATF_REQUIRE_EQ(h_net_ping(0, "10.0.0.2", 1, 56, 2000), 1);
	RL(h_net_arp_lookup(0, "shmif0", "10.0.0.2", mac));
}

H_NET_TC(lossy_bus_ping, "with 5% loss, duplication and reordering on "
    "the bus, most pings still get through and nothing breaks")
{
	struct rumpcomp_shmif *att;
	struct rumpcomp_shmif_stats ss;
	int got;

	net_pair("bus0");
	ATF_REQUIRE_EQ(rumpcomp_shmif_attach("bus0", 0, &att), 0);
	ATF_REQUIRE_EQ(rumpcomp_shmif_setfault(att, 50000, 50000, 50000, 0,
	    7), 0);
	got = h_net_ping(0, "10.0.0.2", 60, 56, 300);
	ATF_REQUIRE_MSG(got >= 40, "%d of 60 replies", got);
	ATF_REQUIRE_EQ(rumpcomp_shmif_stats(att, &ss), 0);
	ATF_REQUIRE(ss.ss_bus_dropped > 0 && ss.ss_bus_duped > 0 &&
	    ss.ss_bus_reordered > 0);
	rumpcomp_shmif_detach(att);
}

ATF_TP_ADD_TCS(tp)
{

	ATF_TP_ADD_TC(tp, ping_two_kernels);
	ATF_TP_ADD_TC(tp, udp_echo);
	ATF_TP_ADD_TC(tp, udp_echo_mp);
	ATF_TP_ADD_TC(tp, udp_port_unreachable);
	ATF_TP_ADD_TC(tp, fragments_reassembled);
	ATF_TP_ADD_TC(tp, forwarding_three_kernels);
	ATF_TP_ADD_TC(tp, arp_expiry);
	ATF_TP_ADD_TC(tp, lossy_bus_ping);
	return atf_no_error();
}
