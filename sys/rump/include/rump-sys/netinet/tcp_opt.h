/*
 * tcp_opt.h: parsing and building TCP options (tcp_opt.c).  Both work on
 * plain byte buffers so they can be tested without packets.
 */
#ifndef _RUMP_SYS_NETINET_TCP_OPT_H_
#define _RUMP_SYS_NETINET_TCP_OPT_H_

#include <rump-sys/netinet/tcp.h>

struct tcp_opts {
	unsigned	to_flags;
	uint16_t	to_mss;		/* TOF_MSS */
	uint8_t		to_wscale;	/* TOF_SCALE, clamped to 14 */
};
#define TOF_MSS		0x01
#define TOF_SCALE	0x02
#define TOF_SACKPERM	0x04	/* seen, not used */
#define TOF_TS		0x08	/* seen, not used */
#define TOF_BADSCALE	0x10	/* a shift above 14 was clamped */

/*
 * Parse len bytes of options.  MSS and window scale count only on a
 * SYN (syn true) and are ignored elsewhere, as RFC 9293 and RFC 7323
 * say.  Returns 0, or EINVAL for a malformed list: an option whose
 * length byte is missing, below 2, or runs past the end, or a known
 * option with the wrong length.  Never reads outside cp[0..len).
 */
int	tcp_opt_parse(const uint8_t *cp, size_t len, bool syn,
	    struct tcp_opts *to);

/*
 * Write the options of to (MSS, window scale) into buf, padded with
 * NOPs to a multiple of 4; returns the length, which is at most
 * TCP_MAXOLEN (0 if buf is smaller than what is needed).
 */
size_t	tcp_opt_build(uint8_t *buf, size_t size,
	    const struct tcp_opts *to);

#endif /* _RUMP_SYS_NETINET_TCP_OPT_H_ */
