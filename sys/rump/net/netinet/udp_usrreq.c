/*
 * udp_usrreq.c: UDP (RFC 768, RFC 1122 4.1): datagram sockets, with
 * connected sockets, broadcast (SO_BROADCAST to send; every matching
 * socket receives), port unreachable for datagrams nobody wants, and
 * ECONNREFUSED on a connected socket when such an error comes back.
 */
#include <rump-sys/systm.h>
#include <rump-sys/if.h>
#include <rump-sys/mbuf.h>
#include <rump-sys/protosw.h>
#include <rump-sys/route.h>
#include <rump-sys/socketvar.h>
#include <rump-sys/netinet/in.h>
#include <rump-sys/netinet/in_pcb.h>
#include <rump-sys/netinet/in_var.h>
#include <rump-sys/netinet/ip.h>
#include <rump-sys/netinet/ip_icmp.h>
#include <rump-sys/netinet/ip_var.h>
#include <rump-sys/netinet/udp.h>
#include <rump-sys/netinet/udp_var.h>

#include "netinet_int.h"

struct inpcbtable udbtable;
struct rump_udpstat udpstat;

/* Append a copy (or m itself) to so; false when the buffer is full. */
static bool
udp_append(struct socket *so, const struct sockaddr_in *from, struct mbuf *m)
{
	if (sbappendaddr(&so->so_rcv, (const struct sockaddr *)from, m,
	    NULL) == 0) {
		udpstat.udps_fullsock++;
		m_freem(m);
		return false;
	}
	udpstat.udps_delivered++;
	sorwakeup(so);
	return true;
}

static bool
udp_matches(const struct inpcb *inp, const struct ip *ip,
    const struct udphdr *uh)
{
	if (inp->inp_lport != uh->uh_dport || inp->inp_socket == NULL)
		return false;
	if (inp->inp_laddr.s_addr != INADDR_ANY &&
	    inp->inp_laddr.s_addr != ip->ip_dst.s_addr &&
	    !in_broadcast(ip->ip_dst, NULL))
		return false;
	if (inp->inp_faddr.s_addr != INADDR_ANY &&
	    (inp->inp_faddr.s_addr != ip->ip_src.s_addr ||
	    inp->inp_fport != uh->uh_sport))
		return false;
	return true;
}

/* Broadcast: a copy for every socket bound to the port. */
static void
udp_broadcast(struct mbuf *m, const struct ip *ip, const struct udphdr *uh,
    const struct sockaddr_in *from, int hdrs)
{
	struct inpcb *inp;
	struct mbuf *n;
	bool any = false;

	LIST_FOREACH(inp, &udbtable.inpt_list, inp_list) {
		if (!udp_matches(inp, ip, uh))
			continue;
		any = true;
		if ((n = m_copym(m, hdrs, M_COPYALL, M_DONTWAIT)) == NULL) {
			udpstat.udps_fullsock++;
			continue;
		}
		(void)udp_append(inp->inp_socket, from, n);
	}
	if (!any)
		udpstat.udps_noportbcast++;
	m_freem(m);
}

static void
udp_input(struct mbuf *m, int off, int proto)
{
	struct ip *ip;
	struct udphdr *uh;
	struct sockaddr_in from;
	struct inpcb *inp;
	int ulen, iplen;

	udpstat.udps_ipackets++;
	if (m->m_pkthdr.len < off + (int)sizeof(*uh)) {
		udpstat.udps_hdrops++;
		goto drop;
	}
	if ((m = m_pullup(m, off + (int)sizeof(*uh))) == NULL) {
		udpstat.udps_hdrops++;
		return;
	}
	ip = mtod(m, struct ip *);
	uh = (struct udphdr *)(void *)(mtod(m, char *) + off);
	ulen = ntohs(uh->uh_ulen);
	iplen = ntohs(ip->ip_len) - off;
	if (ulen < (int)sizeof(*uh) || ulen > iplen) {
		udpstat.udps_badlen++;
		goto drop;
	}
	if (ulen < iplen) {
		m_adj(m, ulen - iplen);
		ip->ip_len = htons((uint16_t)(off + ulen));
	}
	if (uh->uh_sum != 0 && in4_cksum(m, IPPROTO_UDP, off, ulen) != 0) {
		udpstat.udps_badsum++;
		goto drop;
	}
	memset(&from, 0, sizeof(from));
	from.sin_family = AF_INET;
	from.sin_addr = ip->ip_src;
	from.sin_port = uh->uh_sport;
	if ((m->m_flags & M_BCAST) || in_broadcast(ip->ip_dst,
	    m->m_pkthdr.rcvif)) {
		udp_broadcast(m, ip, uh, &from, off + (int)sizeof(*uh));
		return;
	}
	inp = in_pcblookup_connect(&udbtable, ip->ip_src, uh->uh_sport,
	    ip->ip_dst, uh->uh_dport);
	if (inp == NULL)
		inp = in_pcblookup_bind(&udbtable, ip->ip_dst, uh->uh_dport);
	if (inp == NULL || inp->inp_socket == NULL) {
		udpstat.udps_noport++;
		icmp_error(m, ICMP_UNREACH, ICMP_UNREACH_PORT, 0);
		return;
	}
	m_adj(m, off + (int)sizeof(*uh));
	(void)udp_append(inp->inp_socket, &from, m);
	return;
drop:
	m_freem(m);
}

void
udp_ctlinput(int cmd, const struct sockaddr *sa, void *vip)
{
	const struct ip *ip = vip;
	const struct udphdr *uh;
	struct in_addr dst = satocsin(sa)->sin_addr;

	if (cmd < 0 || cmd >= PRC_NCMDS || inetctlerrmap[cmd] == 0)
		return;
	if (ip == NULL) {
		in_pcbnotifyall(&udbtable, dst, inetctlerrmap[cmd],
		    in_pcb_seterror);
		return;
	}
	uh = (const struct udphdr *)(const void *)((const char *)ip +
	    (ip->ip_hl << 2));
	/* only connected sockets hear of it (as BSD and Linux) */
	in_pcbnotify(&udbtable, dst, uh->uh_dport, ip->ip_src, uh->uh_sport,
	    inetctlerrmap[cmd], in_pcb_seterror);
}

static int
udp_attach(struct socket *so, int proto)
{
	int error;

	if ((error = sbreserve(&so->so_snd, UDP_SENDSPACE)) != 0 ||
	    (error = sbreserve(&so->so_rcv, UDP_RECVSPACE)) != 0)
		return error;
	return in_pcballoc(so, &udbtable);
}

static void
udp_detach(struct socket *so)
{
	in_pcbdetach(sotoinpcb(so));
}

static int
udp_bind(struct socket *so, struct sockaddr *nam, struct lwp *l)
{
	return in_pcbbind(sotoinpcb(so), satocsin(nam), l);
}

static int
udp_connect(struct socket *so, struct sockaddr *nam, struct lwp *l)
{
	struct inpcb *inp = sotoinpcb(so);
	int error;

	if (so->so_state & SS_ISCONNECTED) {
		in_pcbdisconnect(inp);
		so->so_state &= ~SS_ISCONNECTED;
	}
	if ((error = in_pcbconnect(inp, satocsin(nam), l)) != 0)
		return error;
	soisconnected(so);
	return 0;
}

static int
udp_disconnect(struct socket *so)
{
	struct inpcb *inp = sotoinpcb(so);

	if (!(so->so_state & SS_ISCONNECTED))
		return ENOTCONN;
	in_pcbdisconnect(inp);
	inp->inp_laddr.s_addr = INADDR_ANY;
	so->so_state &= ~SS_ISCONNECTED;
	return 0;
}

static int
udp_shutdown(struct socket *so)
{
	socantsendmore(so);
	return 0;
}

static int
udp_ioctl(struct socket *so, u_long cmd, void *data, struct ifnet *ifp)
{
	return in_control(so, cmd, data, ifp);
}

static int
udp_sockaddr(struct socket *so, struct sockaddr *nam)
{
	in_setsockaddr(sotoinpcb(so), satosin(nam));
	return 0;
}

static int
udp_peeraddr(struct socket *so, struct sockaddr *nam)
{
	in_setpeeraddr(sotoinpcb(so), satosin(nam));
	return 0;
}

/* Where a datagram goes and from where; binds a port if needed. */
static int
udp_addrs(struct socket *so, struct sockaddr *nam, struct sockaddr_in *dst,
    struct in_addr *src)
{
	struct inpcb *inp = sotoinpcb(so);
	int error;

	if (nam != NULL) {
		if (so->so_state & SS_ISCONNECTED)
			return EISCONN;
		*dst = *satosin(nam);
		if (dst->sin_family != AF_INET)
			return EAFNOSUPPORT;
		if (dst->sin_port == 0)
			return EINVAL;
		if (dst->sin_addr.s_addr == INADDR_ANY)
			dst->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		if (inp->inp_lport == 0 &&
		    (error = in_pcbbind(inp, NULL, NULL)) != 0)
			return error;
		*src = inp->inp_laddr;
		if (src->s_addr == INADDR_ANY || in_broadcast_any(*src))
			return in_selectsrc(dst->sin_addr, &inp->inp_route,
			    src);
		return 0;
	}
	if (!(so->so_state & SS_ISCONNECTED))
		return EDESTADDRREQ;
	memset(dst, 0, sizeof(*dst));
	dst->sin_family = AF_INET;
	dst->sin_addr = inp->inp_faddr;
	dst->sin_port = inp->inp_fport;
	*src = inp->inp_laddr;
	return 0;
}

static int
udp_send(struct socket *so, struct mbuf *m, struct sockaddr *nam,
    struct mbuf *control, struct lwp *l)
{
	struct inpcb *inp = sotoinpcb(so);
	struct sockaddr_in dst;
	struct in_addr src;
	struct udphdr *uh;
	struct ip *ip;
	int error, len = m->m_pkthdr.len, flags;

	m_freem(control);
	if ((error = udp_addrs(so, nam, &dst, &src)) != 0)
		goto bad;
	if (len > IP_MAXPACKET - (int)(sizeof(*ip) + sizeof(*uh))) {
		error = EMSGSIZE;
		goto bad;
	}
	M_PREPEND(m, sizeof(*ip) + sizeof(*uh), M_DONTWAIT);
	if (m == NULL)
		return ENOBUFS;
	ip = mtod(m, struct ip *);
	uh = (struct udphdr *)(ip + 1);
	memset(ip, 0, sizeof(*ip));
	ip->ip_p = IPPROTO_UDP;
	ip->ip_src = src;
	ip->ip_dst = dst.sin_addr;
	ip->ip_len = htons((uint16_t)m->m_pkthdr.len);
	ip->ip_ttl = inp->inp_ip_ttl;
	ip->ip_tos = inp->inp_ip_tos;
	uh->uh_sport = inp->inp_lport;
	uh->uh_dport = dst.sin_port;
	uh->uh_ulen = htons((uint16_t)(len + sizeof(*uh)));
	uh->uh_sum = 0;
	uh->uh_sum = in4_cksum(m, IPPROTO_UDP, sizeof(*ip),
	    len + (int)sizeof(*uh));
	if (uh->uh_sum == 0)
		uh->uh_sum = 0xffff;
	flags = ((so->so_options & SO_OPT_BROADCAST) ? IP_ALLOWBROADCAST : 0) |
	    ((so->so_options & SO_OPT_DONTROUTE) ? IP_ROUTETOIF : 0);
	udpstat.udps_opackets++;
	return ip_output(m, &inp->inp_route, flags);
bad:
	m_freem(m);
	return error;
}

static const struct pr_usrreqs udp_usrreqs = {
	.pr_attach = udp_attach,
	.pr_detach = udp_detach,
	.pr_bind = udp_bind,
	.pr_connect = udp_connect,
	.pr_disconnect = udp_disconnect,
	.pr_shutdown = udp_shutdown,
	.pr_abort = in_pcbabort,
	.pr_ioctl = udp_ioctl,
	.pr_sockaddr = udp_sockaddr,
	.pr_peeraddr = udp_peeraddr,
	.pr_send = udp_send,
};

static void
udp_init(void)
{
	in_pcbinit(&udbtable);
	memset(&udpstat, 0, sizeof(udpstat));
}

const struct protosw udp_protosw = {
	.pr_type = SOCK_DGRAM,
	.pr_domain = &inetdomain,
	.pr_protocol = IPPROTO_UDP,
	.pr_flags = PR_ATOMIC | PR_ADDR,
	.pr_input = udp_input,
	.pr_ctlinput = udp_ctlinput,
	.pr_ctloutput = ip_ctloutput,
	.pr_usrreqs = &udp_usrreqs,
	.pr_init = udp_init,
};
