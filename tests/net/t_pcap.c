/*
 * t_pcap: real tools judge the kernels' packets.  The bus keeps a
 * capture log of an exchange; tools/shmif2pcap turns it into pcap and
 * tshark's expert analysis (checksums checked) must find no malformed
 * packet and no bad checksum, and tcpdump -vv, the second opinion, no
 * incorrect checksum and nothing it cannot decode.  Skipped, saying
 * why, without the tools.
 */
#include "h_oracle.h"
#include "net_common.h"
#include "shmif_user.h"

/* Two kernels on a bus whose capture log is on. */
static struct rumpcomp_shmif *
captured_pair(void)
{
	struct rumpcomp_shmif *att;

	ATF_REQUIRE_EQ(rumpcomp_shmif_attach("bus0", 0, &att), 0);
	ATF_REQUIRE_EQ(rumpcomp_shmif_setcapture(att, 1), 0);
	net_pair("bus0");
	return att;
}

static void
judge(const atf_tc_t *tc, int minframes, int minchecked)
{
	char report[4096];
	int nconv, nread, nchecked, problems;

	nconv = h_shmif2pcap(tc, "bus0.log", "bus0.pcap");
	ATF_REQUIRE_MSG(nconv >= minframes, "%d frames captured", nconv);
	problems = h_tshark_problems("bus0.pcap", report, sizeof(report),
	    &nread);
	ATF_REQUIRE_EQ_MSG(nread, nconv, "tshark read %d of %d frames", nread,
	    nconv);
	ATF_REQUIRE_EQ_MSG(problems, 0, "tshark expert: %s", report);
	problems = h_tcpdump_problems("bus0.pcap", report, sizeof(report),
	    &nread, &nchecked);
	ATF_REQUIRE_EQ_MSG(nread, nconv, "tcpdump read %d of %d frames",
	    nread, nconv);
	ATF_REQUIRE_EQ_MSG(problems, 0, "tcpdump: %s", report);
	ATF_REQUIRE_MSG(nchecked >= minchecked, "tcpdump checked %d "
	    "checksums, expected %d or more", nchecked, minchecked);
}

H_NET_TC(tshark_ping_udp, "the ARP, ICMP and UDP (fragments included) of "
    "a ping and UDP exchange decode in tshark with no malformed packet "
    "and no bad checksum")
{
	struct rumpcomp_shmif *att = captured_pair();

	ATF_REQUIRE_EQ(h_net_ping(0, "10.0.0.2", 3, 56, 2000), 3);
	ATF_REQUIRE_EQ(h_net_ping(1, "10.0.0.1", 1, 3000, 2000), 1);
	h_net_udp_echo_start(1, 7, 4, 5000);
	ATF_REQUIRE_EQ(h_net_udp_client(0, "10.0.0.2", 7, 2, 100, 2000), 2);
	ATF_REQUIRE_EQ(h_net_udp_client(0, "10.0.0.2", 7, 2, 5000, 2000), 2);
	ATF_REQUIRE_EQ(h_net_udp_echo_finish(1), 4);
	ATF_REQUIRE_EQ(h_net_udp_probe(0, "10.0.0.2", 9, 20, 2000),
	    ECONNREFUSED);
	rumpcomp_shmif_detach(att);
	h_net_teardown(1);
	/*
	 * 2 ARP + 8 ping + 4 big ping fragments + UDP + ICMP error; tcpdump
	 * checks the unfragmented UDP checksums.
	 */
	judge(tc, 20, 2);
}

H_NET_TC(tshark_tcp, "a TCP connection with 256 KiB of data decodes in "
    "tshark with no malformed segment and no bad checksum")
{
	struct rumpcomp_shmif *att = captured_pair();

	net_require_tcp(0);
	h_net_tcp_sink_start(1, 5001, 3);
	RL(h_net_tcp_source(0, "10.0.0.2", 5001, 256 * 1024, 3));
	ATF_REQUIRE_EQ(h_net_tcp_sink_finish(1), 256 * 1024);
	rumpcomp_shmif_detach(att);
	h_net_teardown(1);
	judge(tc, 100, 100);
}

ATF_TP_ADD_TCS(tp)
{

	ATF_TP_ADD_TC(tp, tshark_ping_udp);
	ATF_TP_ADD_TC(tp, tshark_tcp);
	return atf_no_error();
}
