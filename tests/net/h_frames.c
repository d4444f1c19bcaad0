/*
 * h_frames.c: hand-built frames (see h_frames.h).
 */
#include <arpa/inet.h>
#include <string.h>

#include "h_frames.h"

uint16_t
h_cksum(const void *buf, size_t len, uint32_t sum)
{
	const uint8_t *p = buf;

	for (; len > 1; p += 2, len -= 2)
		sum += (uint32_t)(p[0] << 8 | p[1]);
	if (len == 1)
		sum += (uint32_t)(p[0] << 8);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return htons((uint16_t)~sum);
}

/* Ethernet and IPv4 headers; returns the IP header. */
static uint8_t *
frame_ip(uint8_t *buf, const uint8_t *dmac, const uint8_t *smac,
    uint32_t sip, uint32_t dip, uint8_t proto, uint16_t id, size_t iplen)
{
	uint8_t *ip = buf + H_FRAME_ETHER;
	uint16_t v;

	memcpy(buf, dmac, 6);
	memcpy(buf + 6, smac, 6);
	buf[12] = 0x08;
	buf[13] = 0x00;
	memset(ip, 0, 20);
	ip[0] = 0x45;
	v = htons((uint16_t)iplen);
	memcpy(ip + 2, &v, 2);
	v = htons(id);
	memcpy(ip + 4, &v, 2);
	ip[8] = 64;
	ip[9] = proto;
	memcpy(ip + 12, &sip, 4);
	memcpy(ip + 16, &dip, 4);
	v = h_cksum(ip, 20, 0);
	memcpy(ip + 10, &v, 2);
	return ip;
}

size_t
h_frame_udp(uint8_t *buf, const uint8_t *dmac, const uint8_t *smac,
    uint32_t sip, uint32_t dip, uint16_t sport, uint16_t dport, uint16_t id,
    const void *payload, size_t plen)
{
	uint8_t *ip, *uh;
	uint32_t sum;
	uint16_t v;

	ip = frame_ip(buf, dmac, smac, sip, dip, 17, id, 28 + plen);
	uh = ip + 20;
	v = htons(sport);
	memcpy(uh, &v, 2);
	v = htons(dport);
	memcpy(uh + 2, &v, 2);
	v = htons((uint16_t)(8 + plen));
	memcpy(uh + 4, &v, 2);
	memset(uh + 6, 0, 2);
	memcpy(uh + 8, payload, plen);
	/* Pseudo-header: addresses, protocol, UDP length. */
	sum = (uint32_t)(ntohs((uint16_t)sip) + ntohs((uint16_t)(sip >> 16)) +
	    ntohs((uint16_t)dip) + ntohs((uint16_t)(dip >> 16)) + 17 + 8 +
	    plen);
	v = h_cksum(uh, 8 + plen, sum);
	if (v == 0)
		v = 0xffff;
	memcpy(uh + 6, &v, 2);
	return 42 + plen;
}

size_t
h_frame_ping(uint8_t *buf, const uint8_t *dmac, const uint8_t *smac,
    uint32_t sip, uint32_t dip, uint16_t ident, uint16_t seq, size_t plen)
{
	uint8_t *ip, *ic;
	uint16_t v;

	ip = frame_ip(buf, dmac, smac, sip, dip, 1, seq, 28 + plen);
	ic = ip + 20;
	ic[0] = 8;
	ic[1] = 0;
	memset(ic + 2, 0, 2);
	v = htons(ident);
	memcpy(ic + 4, &v, 2);
	v = htons(seq);
	memcpy(ic + 6, &v, 2);
	for (size_t i = 0; i < plen; i++)
		ic[8 + i] = (uint8_t)i;
	v = h_cksum(ic, 8 + plen, 0);
	memcpy(ic + 2, &v, 2);
	return 42 + plen;
}

size_t
h_frame_frag(uint8_t *buf, const uint8_t *dmac, const uint8_t *smac,
    uint32_t sip, uint32_t dip, uint8_t proto, uint16_t id, unsigned off,
    int mf, const void *payload, size_t len)
{
	uint8_t *ip;
	uint16_t v;

	ip = frame_ip(buf, dmac, smac, sip, dip, proto, id, 20 + len);
	v = htons((uint16_t)((mf ? 0x2000 : 0) | (off / 8)));
	memcpy(ip + 6, &v, 2);
	memset(ip + 10, 0, 2);
	v = h_cksum(ip, 20, 0);
	memcpy(ip + 10, &v, 2);
	memcpy(ip + 20, payload, len);
	return 34 + len;
}
