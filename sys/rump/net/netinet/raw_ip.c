/*
 * raw_ip.c: raw IP sockets (SOCK_RAW): a socket per protocol number
 * receives every datagram of that protocol (with its IP header, as
 * Linux gives it) and sends datagrams to which the kernel adds the IP
 * header, or which carry their own (IP_HDRINCL, or IPPROTO_RAW).
 * Raw ICMP sockets are how tests ping.  Also the IP-level socket
 * options shared with UDP.
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

#include "netinet_int.h"

#define RIP_SENDSPACE	(64 * 1024)
#define RIP_RECVSPACE	(64 * 1024)

static struct inpcbtable rawcbtable;

bool
rip_input_deliver(struct mbuf *m, int off, int proto)
{
	struct ip *ip = mtod(m, struct ip *);
	struct sockaddr_in from;
	struct inpcb *inp;
	struct socket *last = NULL;
	struct mbuf *n;
	bool taken = false;

	memset(&from, 0, sizeof(from));
	from.sin_family = AF_INET;
	from.sin_addr = ip->ip_src;
	LIST_FOREACH(inp, &rawcbtable.inpt_list, inp_list) {
		if (inp->inp_socket == NULL ||
		    (inp->inp_ip_p != 0 && inp->inp_ip_p != proto))
			continue;
		if (inp->inp_laddr.s_addr != INADDR_ANY &&
		    inp->inp_laddr.s_addr != ip->ip_dst.s_addr)
			continue;
		if (inp->inp_faddr.s_addr != INADDR_ANY &&
		    inp->inp_faddr.s_addr != ip->ip_src.s_addr)
			continue;
		if (last != NULL &&
		    (n = m_copym(m, 0, M_COPYALL, M_DONTWAIT)) != NULL) {
			if (sbappendaddr(&last->so_rcv, sintosa(&from), n,
			    NULL) == 0)
				m_freem(n);
			else
				sorwakeup(last);
		}
		last = inp->inp_socket;
		taken = true;
	}
	if (last != NULL && sbappendaddr(&last->so_rcv, sintosa(&from), m,
	    NULL) != 0) {
		sorwakeup(last);
		return taken;
	}
	m_freem(m);
	return taken;
}

void
rip_input(struct mbuf *m, int off, int proto)
{
	struct mbuf *copy;
	bool taken;

	/* keep the head for a protocol unreachable */
	copy = m_copym(m, 0, MIN(m->m_pkthdr.len, off + 8), M_DONTWAIT);
	taken = rip_input_deliver(m, off, proto);
	if (taken || copy == NULL) {
		m_freem(copy);
		return;
	}
	IP_STATINC(ips_noproto);
	icmp_error(copy, ICMP_UNREACH, ICMP_UNREACH_PROTOCOL, 0);
}

void
rip_ctlinput(int cmd, const struct sockaddr *sa, void *vip)
{
	/* raw sockets see ICMP errors as packets, through rip_input */
}

static int
rip_attach(struct socket *so, int proto)
{
	struct inpcb *inp;
	int error;

	if ((error = sbreserve(&so->so_snd, RIP_SENDSPACE)) != 0 ||
	    (error = sbreserve(&so->so_rcv, RIP_RECVSPACE)) != 0)
		return error;
	if ((error = in_pcballoc(so, &rawcbtable)) != 0)
		return error;
	inp = sotoinpcb(so);
	inp->inp_ip_p = (uint8_t)proto;
	if (proto == IPPROTO_RAW)
		inp->inp_flags |= INP_HDRINCL;
	return 0;
}

static void
rip_detach(struct socket *so)
{
	in_pcbdetach(sotoinpcb(so));
}

static int
rip_bind(struct socket *so, struct sockaddr *nam, struct lwp *l)
{
	struct sockaddr_in *sin = satosin(nam);
	struct inpcb *inp = sotoinpcb(so);

	if (sin->sin_family != AF_INET)
		return EAFNOSUPPORT;
	if (sin->sin_addr.s_addr != INADDR_ANY &&
	    in_localaddr_ia(sin->sin_addr) == NULL)
		return EADDRNOTAVAIL;
	inp->inp_laddr = sin->sin_addr;
	return 0;
}

static int
rip_connect(struct socket *so, struct sockaddr *nam, struct lwp *l)
{
	struct sockaddr_in *sin = satosin(nam);

	if (sin->sin_family != AF_INET)
		return EAFNOSUPPORT;
	sotoinpcb(so)->inp_faddr = sin->sin_addr;
	soisconnected(so);
	return 0;
}

static int
rip_disconnect(struct socket *so)
{
	if (!(so->so_state & SS_ISCONNECTED))
		return ENOTCONN;
	sotoinpcb(so)->inp_faddr.s_addr = INADDR_ANY;
	so->so_state &= ~SS_ISCONNECTED;
	return 0;
}

static int
rip_shutdown(struct socket *so)
{
	socantsendmore(so);
	return 0;
}

static int
rip_ioctl(struct socket *so, u_long cmd, void *data, struct ifnet *ifp)
{
	return in_control(so, cmd, data, ifp);
}

static int
rip_sockaddr(struct socket *so, struct sockaddr *nam)
{
	in_setsockaddr(sotoinpcb(so), satosin(nam));
	satosin(nam)->sin_port = 0;
	return 0;
}

static int
rip_peeraddr(struct socket *so, struct sockaddr *nam)
{
	in_setpeeraddr(sotoinpcb(so), satosin(nam));
	satosin(nam)->sin_port = 0;
	return 0;
}

static int
so_ipflags(const struct socket *so)
{
	return ((so->so_options & SO_OPT_BROADCAST) ? IP_ALLOWBROADCAST : 0) |
	    ((so->so_options & SO_OPT_DONTROUTE) ? IP_ROUTETOIF : 0);
}

/* A user-built header: checked, ip_len the datagram's (network order). */
static int
rip_hdrincl(struct mbuf **mp)
{
	struct mbuf *m = *mp;
	struct ip *ip;
	int hlen;

	if (m->m_pkthdr.len < (int)sizeof(struct ip))
		return EINVAL;
	if ((m = *mp = m_pullup(m, sizeof(struct ip))) == NULL)
		return ENOBUFS;
	ip = mtod(m, struct ip *);
	hlen = ip->ip_hl << 2;
	if (ip->ip_v != IPVERSION || hlen < (int)sizeof(struct ip) ||
	    hlen > m->m_pkthdr.len || hlen > MHLEN)
		return EINVAL;
	if ((m = *mp = m_pullup(m, hlen)) == NULL)
		return ENOBUFS;
	ip = mtod(m, struct ip *);
	ip->ip_len = htons((uint16_t)m->m_pkthdr.len);	/* as Linux */
	return 0;
}

static int
rip_send(struct socket *so, struct mbuf *m, struct sockaddr *nam,
    struct mbuf *control, struct lwp *l)
{
	struct inpcb *inp = sotoinpcb(so);
	struct in_addr dst;
	struct ip *ip;
	int error, len = m->m_pkthdr.len;

	m_freem(control);
	if (nam != NULL) {
		if (satosin(nam)->sin_family != AF_INET) {
			m_freem(m);
			return EAFNOSUPPORT;
		}
		dst = satosin(nam)->sin_addr;
	} else
		dst = inp->inp_faddr;
	if (inp->inp_flags & INP_HDRINCL) {
		if ((error = rip_hdrincl(&m)) != 0) {
			m_freem(m);
			return error;
		}
		return ip_output(m, &inp->inp_route, IP_RAWOUTPUT |
		    so_ipflags(so));
	}
	if (len + (int)sizeof(struct ip) > IP_MAXPACKET) {
		m_freem(m);
		return EMSGSIZE;
	}
	M_PREPEND(m, sizeof(struct ip), M_DONTWAIT);
	if (m == NULL)
		return ENOBUFS;
	ip = mtod(m, struct ip *);
	memset(ip, 0, sizeof(*ip));
	ip->ip_tos = inp->inp_ip_tos;
	ip->ip_len = htons((uint16_t)m->m_pkthdr.len);
	ip->ip_ttl = inp->inp_ip_ttl;
	ip->ip_p = inp->inp_ip_p;
	ip->ip_src = inp->inp_laddr;
	ip->ip_dst = dst;
	return ip_output(m, &inp->inp_route, so_ipflags(so));
}

const struct pr_usrreqs rip_usrreqs = {
	.pr_attach = rip_attach,
	.pr_detach = rip_detach,
	.pr_bind = rip_bind,
	.pr_connect = rip_connect,
	.pr_disconnect = rip_disconnect,
	.pr_shutdown = rip_shutdown,
	.pr_abort = in_pcbabort,
	.pr_ioctl = rip_ioctl,
	.pr_sockaddr = rip_sockaddr,
	.pr_peeraddr = rip_peeraddr,
	.pr_send = rip_send,
};

static void
rip_init(void)
{
	in_pcbinit(&rawcbtable);
}

/* The raw wildcard: any protocol number without its own. */
const struct protosw rip_protosw = {
	.pr_type = SOCK_RAW,
	.pr_domain = &inetdomain,
	.pr_protocol = 0,
	.pr_flags = PR_ATOMIC | PR_ADDR,
	.pr_input = rip_input,
	.pr_ctlinput = rip_ctlinput,
	.pr_ctloutput = ip_ctloutput,
	.pr_usrreqs = &rip_usrreqs,
	.pr_init = rip_init,
};

int
ip_ctloutput(int op, struct socket *so, struct sockopt *sopt)
{
	struct inpcb *inp = sotoinpcb(so);
	int v, error;

	if (sopt->sopt_level != IPPROTO_IP)
		return ENOPROTOOPT;
	if (op == PRCO_GETOPT) {
		switch (sopt->sopt_name) {
		case IP_TTL:	v = inp->inp_ip_ttl; break;
		case IP_TOS:	v = inp->inp_ip_tos; break;
		case IP_HDRINCL:
			v = (inp->inp_flags & INP_HDRINCL) != 0;
			break;
		default:	return ENOPROTOOPT;
		}
		return sockopt_setint(sopt, v);
	}
	if ((error = sockopt_getint(sopt, &v)) != 0)
		return error;
	switch (sopt->sopt_name) {
	case IP_TTL:
		if (v == -1)
			v = ip_defttl;
		if (v < 1 || v > MAXTTL)
			return EINVAL;
		inp->inp_ip_ttl = (uint8_t)v;
		return 0;
	case IP_TOS:
		inp->inp_ip_tos = (uint8_t)v;
		return 0;
	case IP_HDRINCL:
		if (so->so_type != SOCK_RAW)
			return ENOPROTOOPT;
		if (v)
			inp->inp_flags |= INP_HDRINCL;
		else
			inp->inp_flags &= ~INP_HDRINCL;
		return 0;
	default:
		return ENOPROTOOPT;
	}
}
