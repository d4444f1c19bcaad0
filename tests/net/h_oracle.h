/*
 * h_oracle.h: tshark and tcpdump as the judges of what went over a bus.  A case
 * converts the bus's capture log to pcap (tools/shmif2pcap) and asks
 * tshark for its expert summary, with checksum validation on for IP,
 * ICMP, UDP and TCP.
 */
#ifndef _TESTS_NET_H_ORACLE_H_
#define _TESTS_NET_H_ORACLE_H_

#include <stddef.h>

#include <atf-c.h>

/*
 * Convert bus-or-log to pcap with the shmif2pcap built beside the test
 * programs; fails the case if the tool fails.  Returns the frame count.
 */
int	h_shmif2pcap(const atf_tc_t *tc, const char *in, const char *pcap);

/*
 * Run tshark's expert analysis on pcap.  Skips the case (with the
 * reason) when tshark is not installed.  Returns the number of
 * problems, copying the expert lines about them into report: every
 * Error-severity item (malformed packets are errors) and any item
 * about a checksum or a malformed packet.  Other warnings (a TCP reset
 * is one) are not problems.  *nframes gets tshark's frame count.
 */
int	h_tshark_problems(const char *pcap, char *report, size_t len,
	    int *nframes);

/*
 * The second opinion: tcpdump -vv, which checks IP, ICMP, UDP and TCP
 * checksums and marks what it cannot decode.  Skips the case without
 * tcpdump.  Returns the number of packets with a problem (a checksum
 * it calls incorrect, bad or wrong, a truncated or bad-length header,
 * an Ethernet, ARP, IP, ICMP, UDP or TCP header cut off), copying their
 * lines into report; *nframes gets the number of packets tcpdump
 * printed and *nchecked how many TCP and UDP checksums it found good.
 * (What it guesses of a payload from its port number is not judged.)
 */
int	h_tcpdump_problems(const char *pcap, char *report, size_t len,
	    int *nframes, int *nchecked);

#endif /* _TESTS_NET_H_ORACLE_H_ */
