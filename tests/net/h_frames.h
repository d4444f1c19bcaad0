/*
 * h_frames.h: Ethernet/IPv4 frames built by hand (host code), for
 * putting raw traffic on a bus: valid frames for the pcap oracle and
 * damaged ones for the bad-input cases.  Addresses in network order.
 */
#ifndef _TESTS_NET_H_FRAMES_H_
#define _TESTS_NET_H_FRAMES_H_

#include <stddef.h>
#include <stdint.h>

/* The Internet checksum of len bytes (RFC 1071), folded, complemented. */
uint16_t	h_cksum(const void *buf, size_t len, uint32_t sum);

/*
 * A UDP/IPv4 datagram in an Ethernet frame; the frame length.  buf must
 * hold 42 + plen bytes.  id: the IP identification.
 */
size_t	h_frame_udp(uint8_t *buf, const uint8_t *dmac, const uint8_t *smac,
	    uint32_t sip, uint32_t dip, uint16_t sport, uint16_t dport,
	    uint16_t id, const void *payload, size_t plen);

/* An ICMP echo request (type 8) with plen bytes of payload. */
size_t	h_frame_ping(uint8_t *buf, const uint8_t *dmac, const uint8_t *smac,
	    uint32_t sip, uint32_t dip, uint16_t ident, uint16_t seq,
	    size_t plen);

/*
 * An IPv4 fragment carrying len bytes of payload at byte offset off
 * (a multiple of 8) of datagram id; mf: more fragments follow.
 */
size_t	h_frame_frag(uint8_t *buf, const uint8_t *dmac, const uint8_t *smac,
	    uint32_t sip, uint32_t dip, uint8_t proto, uint16_t id,
	    unsigned off, int mf, const void *payload, size_t len);

#define H_FRAME_ETHER	14	/* offset of the IP header */
#define H_FRAME_IP	34	/* offset of the transport header */

#endif /* _TESTS_NET_H_FRAMES_H_ */
