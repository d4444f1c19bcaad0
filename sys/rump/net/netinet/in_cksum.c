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

/*
 * The one's complement sum of len bytes at p, read as 16-bit words in
 * the host's byte order (a trailing odd byte padded with zero after
 * it), folded to 16 bits.  RFC 1071 2(B): the sum in either byte order
 * is the byte swap of the other, so the data is summed eight bytes at
 * a time in native order and swapped once at the end.
 */
static uint32_t
cksum_native(const uint8_t *p, int len)
{
	unsigned __int128 wide = 0;
	uint64_t sum, a, b, c, d;
	uint32_t w;
	uint16_t h;

	/*
	 * 64-bit words into a 128-bit sum (add with carry); 2^64 is 1
	 * modulo 0xffff, so its halves add up to the same checksum.
	 */
	for (; len >= 32; len -= 32, p += 32) {
		__builtin_memcpy(&a, p, 8);
		__builtin_memcpy(&b, p + 8, 8);
		__builtin_memcpy(&c, p + 16, 8);
		__builtin_memcpy(&d, p + 24, 8);
		wide += a;
		wide += b;
		wide += c;
		wide += d;
	}
	for (; len >= 8; len -= 8, p += 8) {
		__builtin_memcpy(&a, p, 8);
		wide += a;
	}
	sum = (uint64_t)wide;
	wide = (wide >> 64) + sum;	/* < 2^65 */
	sum = (uint64_t)(wide >> 64) + (uint64_t)wide;
	if (sum < (uint64_t)(wide >> 64))
		sum++;			/* end-around carry */
	/* Down to 32 bits, then the short tail. */
	sum = (sum & 0xffffffff) + (sum >> 32);
	if (len >= 4) {
		__builtin_memcpy(&w, p, 4);
		sum += w;
		p += 4;
		len -= 4;
	}
	if (len >= 2) {
		__builtin_memcpy(&h, p, 2);
		sum += h;
		p += 2;
		len -= 2;
	}
	if (len == 1) {
		h = 0;
		__builtin_memcpy(&h, p, 1);	/* the byte first in memory */
		sum += h;
	}
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint32_t)sum;
}

/* Network-order value of a native-order folded sum. */
static uint32_t
cksum_tonet(uint32_t s)
{
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	return ((s & 0xff) << 8) | (s >> 8);
#else
	return s;
#endif
}

/*
 * Add len bytes at p to the running sum (network-order word values);
 * *oddp says the bytes so far were odd in number, so these start in
 * the low half of a word: their sum is byte-swapped.
 */
static uint64_t
cksum_add(uint64_t sum, const uint8_t *p, int len, int *oddp)
{
	uint32_t s;

	if (len <= 0)
		return sum;
	s = cksum_tonet(cksum_native(p, len));
	if (*oddp)
		s = ((s & 0xff) << 8) | (s >> 8);
	*oddp ^= len & 1;
	return sum + s;
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
