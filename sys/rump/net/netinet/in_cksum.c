/*
 * in_cksum.c: the Internet checksum (RFC 1071) over mbuf chains, with
 * the IPv4 pseudo header for TCP and UDP.  Sums 16-bit words in network
 * order, carrying odd bytes across mbuf boundaries.
 */
#include <rump-sys/systm.h>
#include <rump-sys/mbuf.h>
#include <rump-sys/netinet/in.h>
#include <rump-sys/netinet/ip.h>
#include <rump-sys/netinet/ip_var.h>

/* Add len bytes at p to the running sum; *oddp tracks a pending byte. */
static uint64_t
cksum_add(uint64_t sum, const uint8_t *p, int len, int *oddp)
{
	if (len <= 0)
		return sum;
	if (*oddp) {
		sum += p[0];		/* low half of the split word */
		p++;
		len--;
		*oddp = 0;
	}
	while (len >= 2) {
		sum += (uint64_t)((p[0] << 8) | p[1]);
		p += 2;
		len -= 2;
	}
	if (len == 1) {
		sum += (uint64_t)p[0] << 8;
		*oddp = 1;
	}
	return sum;
}

static uint16_t
cksum_fold(uint64_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return htons((uint16_t)~sum);
}

static uint64_t
cksum_mbuf(uint64_t sum, const struct mbuf *m, int off, int len)
{
	int odd = 0, n;

	while (m != NULL && off >= m->m_len) {
		off -= m->m_len;
		m = m->m_next;
	}
	for (; m != NULL && len > 0; m = m->m_next, off = 0) {
		n = MIN(m->m_len - off, len);
		sum = cksum_add(sum, (const uint8_t *)m->m_data + off, n, &odd);
		len -= n;
	}
	KASSERTMSG(len == 0, "in_cksum: %d bytes past the chain", len);
	return sum;
}

uint16_t
in_cksum_skip(const struct mbuf *m, int len, int off)
{
	return cksum_fold(cksum_mbuf(0, m, off, len - off));
}

uint16_t
in_cksum(const struct mbuf *m, int len)
{
	return cksum_fold(cksum_mbuf(0, m, 0, len));
}

uint16_t
in_cksum_buf(const void *buf, int len)
{
	int odd = 0;

	return cksum_fold(cksum_add(0, buf, len, &odd));
}

uint16_t
in4_cksum(const struct mbuf *m, uint8_t proto, int off, int len)
{
	const struct ip *ip = mtod(m, const struct ip *);
	uint64_t sum = 0;
	uint32_t s = ntohl(ip->ip_src.s_addr), d = ntohl(ip->ip_dst.s_addr);

	KASSERT(m->m_len >= (int)sizeof(struct ip));
	sum += (s >> 16) + (s & 0xffff) + (d >> 16) + (d & 0xffff);
	sum += proto;
	sum += (uint32_t)len;
	return cksum_fold(cksum_mbuf(sum, m, off, len));
}
