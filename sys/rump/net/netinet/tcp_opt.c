/*
 * tcp_opt.c: TCP option lists.  Options come from the peer and may be
 * hostile: every length is checked against what is left before a byte
 * is read, and a malformed list is reported, not guessed at (RFC 9293
 * MUST-7: an illegal option length must not crash the receiver).
 */
#include <rump-sys/systm.h>
#include <rump-sys/netinet/tcp_opt.h>

int
tcp_opt_parse(const uint8_t *cp, size_t len, bool syn, struct tcp_opts *to)
{
	size_t i = 0, olen;
	uint8_t kind;

	memset(to, 0, sizeof(*to));
	while (i < len) {
		kind = cp[i];
		if (kind == TCPOPT_EOL)
			break;
		if (kind == TCPOPT_NOP) {
			i++;
			continue;
		}
		if (len - i < 2)
			return EINVAL;		/* no length byte */
		olen = cp[i + 1];
		if (olen < 2 || olen > len - i)
			return EINVAL;
		switch (kind) {
		case TCPOPT_MAXSEG:
			if (olen != TCPOLEN_MAXSEG)
				return EINVAL;
			if (syn) {
				to->to_flags |= TOF_MSS;
				to->to_mss = (uint16_t)(cp[i + 2] << 8 |
				    cp[i + 3]);
			}
			break;
		case TCPOPT_WINDOW:
			if (olen != TCPOLEN_WINDOW)
				return EINVAL;
			if (syn) {
				to->to_flags |= TOF_SCALE;
				to->to_wscale = cp[i + 2];
				if (to->to_wscale > TCP_MAX_WINSHIFT) {
					/* RFC 7323 2.3: use 14 instead. */
					to->to_wscale = TCP_MAX_WINSHIFT;
					to->to_flags |= TOF_BADSCALE;
				}
			}
			break;
		case TCPOPT_SACK_PERMITTED:
			if (olen != 2)
				return EINVAL;
			if (syn)
				to->to_flags |= TOF_SACKPERM;
			break;
		case TCPOPT_TIMESTAMP:
			if (olen != TCPOLEN_TIMESTAMP)
				return EINVAL;
			to->to_flags |= TOF_TS;
			break;
		default:
			break;		/* unknown: skip by length */
		}
		i += olen;
	}
	return 0;
}

size_t
tcp_opt_build(uint8_t *buf, size_t size, const struct tcp_opts *to)
{
	size_t n = 0, need = 0;

	if (to->to_flags & TOF_MSS)
		need += TCPOLEN_MAXSEG;
	if (to->to_flags & TOF_SCALE)
		need += 1 + TCPOLEN_WINDOW;
	KASSERT(need <= TCP_MAXOLEN);
	if (need > size)
		return 0;
	if (to->to_flags & TOF_MSS) {
		buf[n++] = TCPOPT_MAXSEG;
		buf[n++] = TCPOLEN_MAXSEG;
		buf[n++] = (uint8_t)(to->to_mss >> 8);
		buf[n++] = (uint8_t)to->to_mss;
	}
	if (to->to_flags & TOF_SCALE) {
		buf[n++] = TCPOPT_NOP;
		buf[n++] = TCPOPT_WINDOW;
		buf[n++] = TCPOLEN_WINDOW;
		buf[n++] = MIN(to->to_wscale, TCP_MAX_WINSHIFT);
	}
	KASSERT(n % 4 == 0);
	return n;
}
