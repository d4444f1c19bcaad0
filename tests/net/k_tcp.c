/*
 * k_tcp.c: what the TCP socket tests need from inside the kernel: the
 * tunables and counters, a connection's sequence variables, the
 * simultaneous close, and hand-built segments for tcp_input.
 */
#include <rump-sys/systm.h>
#include <rump-sys/mbuf.h>
#include <rump-sys/socketvar.h>
#include <rump-sys/if.h>
#include <rump-sys/netinet/ip.h>
#include <rump-sys/netinet/ip_icmp.h>
#include <rump-sys/netinet/ip_var.h>
#include <rump-sys/netinet/tcp_var.h>

#include "ktest_int.h"
#include "k_tcp.h"

#define MS	(1000ull * 1000ull)

int
rump_pub_ktest_tcp_knob(const char *name, uint64_t v)
{
	int error = 0;

	KTEST_ENTER();
	mutex_enter(softnet_lock);
	if (strcmp(name, "defaults") == 0)
		tcp_knobs_default();
	else if (strcmp(name, "msl_ms") == 0)
		tcp_knobs.tk_msl_ns = v * MS;
	else if (strcmp(name, "rto_init_ms") == 0)
		tcp_knobs.tk_rto_init_us = v * 1000;
	else if (strcmp(name, "rto_min_ms") == 0)
		tcp_knobs.tk_rto_min_us = v * 1000;
	else if (strcmp(name, "delack_ms") == 0)
		tcp_knobs.tk_delack_ns = v * MS;
	else if (strcmp(name, "conntimeo_ms") == 0)
		tcp_knobs.tk_conntimeo_ns = v * MS;
	else if (strcmp(name, "keepidle") == 0)
		tcp_knobs.tk_keepidle = (unsigned)v;
	else if (strcmp(name, "keepintvl") == 0)
		tcp_knobs.tk_keepintvl = (unsigned)v;
	else if (strcmp(name, "keepcnt") == 0)
		tcp_knobs.tk_keepcnt = (unsigned)v;
	else if (strcmp(name, "synrxtshift") == 0)
		tcp_knobs.tk_synrxtshift = (unsigned)v;
	else if (strcmp(name, "maxrxtshift") == 0)
		tcp_knobs.tk_maxrxtshift = (unsigned)v;
	else if (strcmp(name, "drop_nth") == 0)
		tcp_knobs.tk_drop_nth = (unsigned)v;
	else if (strcmp(name, "blackhole") == 0)
		tcp_knobs.tk_blackhole = v != 0;
	else if (strcmp(name, "oowlimit_ms") == 0)
		tcp_knobs.tk_oowlimit_ns = v * MS;
	else if (strcmp(name, "rfc5961") == 0)
		tcp_knobs.tk_rfc5961 = v != 0;
	else
		error = ENOENT;
	mutex_exit(softnet_lock);
	return KTEST_LEAVE(error);
}

int
rump_pub_ktest_tcp_stat(const char *name, uint64_t *valp)
{
	int error;

	KTEST_ENTER();
	mutex_enter(softnet_lock);
	error = tcp_stat_byname(name, valp);
	mutex_exit(softnet_lock);
	return KTEST_LEAVE(error);
}

int
rump_pub_ktest_tcp_count(unsigned *np)
{
	struct inpcb *inp;
	unsigned n = 0;

	KTEST_ENTER();
	mutex_enter(softnet_lock);
	LIST_FOREACH(inp, &tcbtable.inpt_list, inp_list)
		n++;
	mutex_exit(softnet_lock);
	*np = n;
	return KTEST_LEAVE(0);
}

static struct tcpcb *
find_conn(uint16_t lport, uint16_t fport)
{
	struct inpcb *inp;

	LIST_FOREACH(inp, &tcbtable.inpt_list, inp_list) {
		if (inp->inp_lport == htons(lport) &&
		    inp->inp_fport == htons(fport) && inp->inp_ppcb != NULL)
			return intotcpcb(inp);
	}
	return NULL;
}

int
rump_pub_ktest_tcp_conn(uint16_t lport, uint16_t fport,
    struct ktest_tcpconn *kc)
{
	struct tcpcb *tp;
	int error = 0;

	KTEST_ENTER();
	mutex_enter(softnet_lock);
	if ((tp = find_conn(lport, fport)) == NULL) {
		error = ENOENT;
		goto out;
	}
	memset(kc, 0, sizeof(*kc));
	kc->kc_state = tp->t_state;
	kc->kc_iss = tp->iss;
	kc->kc_irs = tp->irs;
	kc->kc_snd_una = tp->snd_una;
	kc->kc_snd_nxt = tp->snd_nxt;
	kc->kc_snd_max = tp->snd_max;
	kc->kc_snd_wnd = tp->snd_wnd;
	kc->kc_max_sndwnd = tp->max_sndwnd;
	kc->kc_rcv_nxt = tp->rcv_nxt;
	kc->kc_rcv_adv = tp->rcv_adv;
	kc->kc_maxseg = tp->t_maxseg;
	kc->kc_cwnd = tp->t_cc.cc_cwnd;
	kc->kc_ssthresh = tp->t_cc.cc_ssthresh;
	kc->kc_snd_scale = tp->snd_scale;
	kc->kc_rcv_scale = tp->rcv_scale;
	kc->kc_flags = tp->t_flags;
	kc->kc_rto_us = tcp_rtt_rto(&tp->t_rtt);
	kc->kc_segqlen = tp->t_segqlen;
	kc->kc_has_socket = tp->t_socket != NULL &&
	    !(tp->t_socket->so_state & SS_NOFDREF);
out:
	mutex_exit(softnet_lock);
	return KTEST_LEAVE(error);
}

int
rump_pub_ktest_tcp_close_both(uint16_t port1, uint16_t port2)
{
	struct tcpcb *a, *b;
	int error = 0;

	KTEST_ENTER();
	mutex_enter(softnet_lock);
	a = find_conn(port1, port2);
	b = find_conn(port2, port1);
	if (a == NULL || b == NULL || a->t_socket == NULL ||
	    b->t_socket == NULL) {
		error = ENOENT;
		goto out;
	}
	/* Both FINs go out before either side can see the other's. */
	socantsendmore(a->t_socket);
	socantsendmore(b->t_socket);
	tcp_usrclosed(a);
	tcp_usrclosed(b);
out:
	mutex_exit(softnet_lock);
	return KTEST_LEAVE(error);
}

int
rump_pub_ktest_tcp_inject(const struct ktest_tcpseg *ks)
{
	struct mbuf *m;
	struct ip *ip;
	struct tcphdr *th;
	int hlen = (int)(sizeof(*ip) + TCP_HDRLEN + ks->ks_optlen);
	int len = hlen + (int)ks->ks_datalen;
	int error = 0;

	KTEST_ENTER();
	if (ks->ks_optlen > TCP_MAXOLEN || ks->ks_datalen > 60000) {
		error = EINVAL;
		goto out;
	}
	m = m_gethdr(M_WAITOK, MT_DATA);
	m->m_len = m->m_pkthdr.len = 0;
	{
		uint8_t buf[sizeof(struct ip) + TCP_HDRLEN + TCP_MAXOLEN];

		memset(buf, 0, sizeof(buf));
		ip = (struct ip *)buf;
		ip->ip_v = IPVERSION;
		ip->ip_hl = sizeof(*ip) >> 2;
		ip->ip_len = htons((uint16_t)len);
		ip->ip_ttl = 64;
		ip->ip_p = IPPROTO_TCP;
		ip->ip_src.s_addr = htonl(ks->ks_src);
		ip->ip_dst.s_addr = htonl(ks->ks_dst);
		th = (struct tcphdr *)(ip + 1);
		th->th_sport = htons(ks->ks_sport);
		th->th_dport = htons(ks->ks_dport);
		th->th_seq = htonl(ks->ks_seq);
		th->th_ack = htonl(ks->ks_ack);
		TH_SETOFF(th, ks->ks_off != 0 ? ks->ks_off :
		    (int)(TCP_HDRLEN + ks->ks_optlen) / 4);
		th->th_flags = ks->ks_flags;
		th->th_win = htons(ks->ks_win);
		if (ks->ks_optlen > 0)
			memcpy(th + 1, ks->ks_opt, ks->ks_optlen);
		if (m_copyback(m, 0, hlen, buf, M_WAITOK) != 0)
			goto nomem;
	}
	for (size_t i = 0; i < ks->ks_datalen; i++) {
		uint8_t c = (uint8_t)('a' + i % 26);
		if (m_copyback(m, hlen + (int)i, 1, &c, M_WAITOK) != 0)
			goto nomem;
	}
	if ((m = m_pullup(m, hlen)) == NULL) {
		error = ENOMEM;
		goto out;
	}
	ip = mtod(m, struct ip *);
	th = (struct tcphdr *)(ip + 1);
	th->th_sum = in4_cksum(m, IPPROTO_TCP, (int)sizeof(*ip),
	    len - (int)sizeof(*ip));
	if (ks->ks_badsum)
		th->th_sum ^= 0x1234;
	if (ks->ks_trunc > 0 && ks->ks_trunc < (size_t)len)
		m_adj(m, -(len - (int)ks->ks_trunc));
	mutex_enter(softnet_lock);
	tcp_input(m, (int)sizeof(*ip), IPPROTO_TCP);
	mutex_exit(softnet_lock);
out:
	return KTEST_LEAVE(error);
nomem:
	m_freem(m);
	error = ENOMEM;
	goto out;
}

int
rump_pub_ktest_tcp_icmp_unreach(uint16_t lport, uint16_t fport, int code,
    uint32_t seqoff)
{
	uint8_t buf[sizeof(struct ip) + ICMP_MINLEN + sizeof(struct ip) + 8];
	struct ip *ip = (struct ip *)buf, *oip;
	uint8_t *icp = buf + sizeof(struct ip);
	struct tcphdr th;
	struct tcpcb *tp;
	struct mbuf *m;
	uint16_t sum;
	int error = 0;

	KTEST_ENTER();
	mutex_enter(softnet_lock);
	if ((tp = find_conn(lport, fport)) == NULL) {
		error = ENOENT;
		goto out;
	}
	memset(buf, 0, sizeof(buf));
	oip = (struct ip *)(icp + ICMP_MINLEN);
	oip->ip_v = IPVERSION;
	oip->ip_hl = sizeof(*oip) >> 2;
	oip->ip_len = htons(sizeof(*oip) + TCP_HDRLEN);
	oip->ip_ttl = 64;
	oip->ip_p = IPPROTO_TCP;
	oip->ip_src = tp->t_inpcb->inp_laddr;
	oip->ip_dst = tp->t_inpcb->inp_faddr;
	/* The quote: the first 8 bytes of the TCP header. */
	memset(&th, 0, sizeof(th));
	th.th_sport = tp->t_inpcb->inp_lport;
	th.th_dport = tp->t_inpcb->inp_fport;
	th.th_seq = htonl(tp->snd_una + seqoff);
	memcpy(oip + 1, &th, 8);
	icp[0] = ICMP_UNREACH;
	icp[1] = (uint8_t)code;
	sum = in_cksum_buf(icp, (int)(sizeof(buf) - sizeof(struct ip)));
	memcpy(icp + 2, &sum, sizeof(sum));
	ip->ip_v = IPVERSION;
	ip->ip_hl = sizeof(*ip) >> 2;
	ip->ip_len = htons(sizeof(buf));
	ip->ip_ttl = 64;
	ip->ip_p = IPPROTO_ICMP;
	ip->ip_src = tp->t_inpcb->inp_faddr;
	ip->ip_dst = tp->t_inpcb->inp_laddr;
	ip->ip_sum = in_cksum_buf(ip, sizeof(*ip));
	if ((m = m_devget(buf, (int)sizeof(buf), lo0ifp, M_DONTWAIT)) == NULL) {
		error = ENOMEM;
		goto out;
	}
	ip_input(m);
out:
	mutex_exit(softnet_lock);
	return KTEST_LEAVE(error);
}
