/*
 * k_tcp_unit.h: kernel halves of the TCP unit tests (k_tcp_unit.c):
 * sequence arithmetic, option parsing, the RFC 6298 estimator and
 * RFC 5681 congestion control, exercised without sockets or packets.
 * Each returns 0 or a host errno (EIO: an expectation failed, printed
 * on the console).
 */
#ifndef _K_TCP_UNIT_H_
#define _K_TCP_UNIT_H_

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

int	rump_pub_ktest_tcp_seq(void);
int	rump_pub_ktest_tcp_rto(void);
int	rump_pub_ktest_tcp_cc_slowstart(void);
int	rump_pub_ktest_tcp_cc_fastrecovery(void);
int	rump_pub_ktest_tcp_cc_timeout(void);
int	rump_pub_ktest_tcp_optbuild(void);

/* What tcp_opt_parse made of a buffer, for the host half to judge. */
struct ktest_tcpopt {
	int		kt_error;	/* kernel errno (0 or EINVAL=22) */
	unsigned	kt_flags;
	unsigned	kt_mss;
	unsigned	kt_wscale;
};
/* Parse len bytes at buf in the kernel; always returns 0. */
int	rump_pub_ktest_tcp_optparse(const uint8_t *buf, size_t len, bool syn,
	    struct ktest_tcpopt *res);

#endif /* _K_TCP_UNIT_H_ */
