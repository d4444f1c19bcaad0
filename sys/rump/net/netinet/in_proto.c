/*
 * in_proto.c: the AF_INET family: its domain, the table of transport
 * protocols (in_proto_register), the per-protocol-number dispatch that
 * ip_input uses, and the netinet component's boot and shutdown.
 */
#include <rump-sys/systm.h>
#include <rump-sys/component.h>
#include <rump-sys/domain.h>
#include <rump-sys/if.h>
#include <rump-sys/if_ether.h>
#include <rump-sys/protosw.h>
#include <rump-sys/socketvar.h>
#include <rump-sys/netinet/in.h>
#include <rump-sys/netinet/in_var.h>
#include <rump-sys/netinet/ip_var.h>

#include "netinet_int.h"

#define INETSW_MAX	16

static const struct protosw *inetsw[INETSW_MAX];
/* ip_input's dispatch: the protocol for each ip_p, NULL: raw only */
const struct protosw *ip_protox[IPPROTO_MAX];

const int inetctlerrmap[PRC_NCMDS] = {
	[PRC_MSGSIZE] = EMSGSIZE,
	[PRC_HOSTDEAD] = EHOSTDOWN,
	[PRC_UNREACH_NET] = EHOSTUNREACH,
	[PRC_UNREACH_HOST] = EHOSTUNREACH,
	[PRC_UNREACH_PROTOCOL] = ECONNREFUSED,
	[PRC_UNREACH_PORT] = ECONNREFUSED,
	[PRC_UNREACH_SRCFAIL] = EHOSTUNREACH,
	[PRC_PARAMPROB] = ENOPROTOOPT,
};

static const struct protosw *
in_findproto(int type, int proto, int *errorp)
{
	const struct protosw *pr, *raw = NULL;
	bool typeseen = false, protoseen = false;
	int i;

	for (i = 0; i < INETSW_MAX; i++) {
		if ((pr = inetsw[i]) == NULL)
			continue;
		if (pr->pr_protocol == proto && proto != 0)
			protoseen = true;
		if (pr->pr_type != type)
			continue;
		typeseen = true;
		if (type == SOCK_RAW && pr->pr_protocol == 0)
			raw = pr;
		else if (proto == 0 || pr->pr_protocol == proto)
			return pr;
	}
	if (raw != NULL && proto != 0)
		return raw;
	*errorp = !typeseen ? ESOCKTNOSUPPORT : protoseen || proto != 0 ?
	    EPROTONOSUPPORT : EPROTONOSUPPORT;
	return NULL;
}

struct domain inetdomain = {
	.dom_family = AF_INET,
	.dom_name = "internet",
	.dom_sa_len = sizeof(struct sockaddr_in),
	.dom_findproto = in_findproto,
};

int
in_proto_register(const struct protosw *pr)
{
	int i, slot = -1, error = 0;

	mutex_enter(softnet_lock);
	for (i = 0; i < INETSW_MAX; i++) {
		if (inetsw[i] == NULL) {
			if (slot < 0)
				slot = i;
			continue;
		}
		if (inetsw[i]->pr_type == pr->pr_type &&
		    inetsw[i]->pr_protocol == pr->pr_protocol)
			error = EEXIST;
	}
	if (error == 0 && slot < 0)
		error = ENOSPC;
	if (error == 0) {
		inetsw[slot] = pr;
		if (pr->pr_protocol != 0 && pr->pr_input != NULL &&
		    ip_protox[pr->pr_protocol] == NULL)
			ip_protox[pr->pr_protocol] = pr;
	}
	mutex_exit(softnet_lock);
	if (error == 0 && pr->pr_init != NULL)
		pr->pr_init();
	return error;
}

void
in_proto_unregister(const struct protosw *pr)
{
	int i;

	if (pr->pr_fini != NULL)
		pr->pr_fini();
	mutex_enter(softnet_lock);
	for (i = 0; i < INETSW_MAX; i++)
		if (inetsw[i] == pr)
			inetsw[i] = NULL;
	for (i = 0; i < IPPROTO_MAX; i++)
		if (ip_protox[i] == pr)
			ip_protox[i] = NULL;
	mutex_exit(softnet_lock);
}

static struct if_proto_hooks in_hooks = {
	.ifh_up = in_if_up,
	.ifh_down = in_if_down,
	.ifh_detach = in_if_detach,
};

RUMP_COMPONENT(RUMP_COMPONENT_NET, netinet, "rumpnet")
{
	int error;

	ip_init();
	arp_init();
	if ((error = domain_attach(&inetdomain)) != 0)
		return error;
	if_proto_hooks_register(&in_hooks);
	netisr_register(NETISR_IP, ipintr);
	netisr_register(NETISR_ARP, arp_input);
	if ((error = in_proto_register(&icmp_protosw)) != 0 ||
	    (error = in_proto_register(&udp_protosw)) != 0 ||
	    (error = in_proto_register(&rip_protosw)) != 0)
		return error;
	return 0;
}

RUMP_COMPONENT_FINI(netinet)
{
	in_proto_unregister(&rip_protosw);
	in_proto_unregister(&udp_protosw);
	in_proto_unregister(&icmp_protosw);
	netisr_unregister(NETISR_ARP);
	netisr_unregister(NETISR_IP);
	if_proto_hooks_unregister(&in_hooks);
	domain_detach(&inetdomain);
	arp_fini();
	ip_fini();
	for (int i = 0; i < INETSW_MAX; i++)
		KASSERTMSG(inetsw[i] == NULL, "netinet: %d/%d registered at "
		    "shutdown", inetsw[i]->pr_type, inetsw[i]->pr_protocol);
}

/* lo0 gets 127.0.0.1/8 once it exists. */
RUMP_COMPONENT(RUMP_COMPONENT_NET_IFCFG, netinet_lo0, "netinet",
    "rumpnet_loop")
{
	struct in_addr a, m, b;
	int error;

	a.s_addr = htonl(INADDR_LOOPBACK);
	m.s_addr = htonl(IN_CLASSA_NET);
	b.s_addr = 0;
	mutex_enter(softnet_lock);
	error = in_addaddr(lo0ifp, a, m, b);
	mutex_exit(softnet_lock);
	return error;
}

RUMP_COMPONENT_FINI(netinet_lo0)
{
}
