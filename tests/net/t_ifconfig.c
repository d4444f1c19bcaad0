/*
 * t_ifconfig: configuring interfaces and routes the way ifconfig(8),
 * route(8) and arp(8) do, with ioctls on a socket: Linux's SIOC*
 * requests with <net/if.h>'s struct ifreq, <net/route.h>'s struct
 * rtentry and <net/if_arp.h>'s struct arpreq, plus the RUMP_SIOC*
 * requests of <rump/rumpnet.h> for what Linux does another way.  All on
 * lo0, in one kernel: flags, MTU (fragmenting datagrams over a small
 * one), addresses, the routing table, counters and the errors.
 */
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <net/route.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rump/rump.h>
#include <rump/rump_syscalls.h>
#include <rump/rumpnet.h>

#include "harness.h"
#include "h_sock.h"

static void
ifr_init(struct ifreq *ifr, const char *name)
{
	memset(ifr, 0, sizeof(*ifr));
	strncpy(ifr->ifr_name, name, IFNAMSIZ - 1);
}

static int
sock(void)
{
	return RL(xsocket(AF_INET, SOCK_DGRAM, 0));
}

static struct rump_ipstat
ipstat(int s)
{
	struct rump_ipstat st;

	RL(rump_sys_ioctl(s, RUMP_SIOCGIPSTAT, &st));
	return st;
}

H_TC(lo0_configured_at_boot, "lo0 exists at boot: up, running, loopback, "
    "127.0.0.1/8, index 1, MTU 33624; SIOCGIFCONF lists it")
{
	struct ifreq ifr, reqs[8];
	struct ifconf ifc;
	struct sockaddr_in *sin = (struct sockaddr_in *)&ifr.ifr_addr;
	int s = sock();

	ifr_init(&ifr, "lo0");
	RL(rump_sys_ioctl(s, SIOCGIFFLAGS, &ifr));
	ATF_REQUIRE_EQ(ifr.ifr_flags & (IFF_UP | IFF_RUNNING | IFF_LOOPBACK),
	    IFF_UP | IFF_RUNNING | IFF_LOOPBACK);
	RL(rump_sys_ioctl(s, SIOCGIFADDR, &ifr));
	ATF_REQUIRE_EQ(sin->sin_family, AF_INET);
	ATF_REQUIRE_EQ(sin->sin_addr.s_addr, htonl(INADDR_LOOPBACK));
	RL(rump_sys_ioctl(s, SIOCGIFNETMASK, &ifr));
	ATF_REQUIRE_EQ(sin->sin_addr.s_addr, htonl(0xff000000));
	RL(rump_sys_ioctl(s, SIOCGIFMTU, &ifr));
	ATF_REQUIRE_EQ(ifr.ifr_mtu, 33624);
	RL(rump_sys_ioctl(s, SIOCGIFINDEX, &ifr));
	ATF_REQUIRE_EQ(ifr.ifr_ifindex, 1);
	ifr_init(&ifr, "");
	ifr.ifr_ifindex = 1;
	RL(rump_sys_ioctl(s, SIOCGIFNAME, &ifr));
	ATF_REQUIRE_STREQ(ifr.ifr_name, "lo0");
	ifr_init(&ifr, "lo0");
	RL(rump_sys_ioctl(s, SIOCGIFHWADDR, &ifr));
	ATF_REQUIRE_EQ(ifr.ifr_hwaddr.sa_family, ARPHRD_LOOPBACK);
	memset(&ifc, 0, sizeof(ifc));
	ifc.ifc_len = sizeof(reqs);
	ifc.ifc_req = reqs;
	RL(rump_sys_ioctl(s, SIOCGIFCONF, &ifc));
	ATF_REQUIRE_EQ(ifc.ifc_len, (int)sizeof(struct ifreq));
	ATF_REQUIRE_STREQ(reqs[0].ifr_name, "lo0");
	RL(rump_sys_close(s));
}

H_TC(ioctl_errors, "an unknown interface is ENODEV, a bad pointer "
    "EFAULT, an unknown request ENOTTY, an MTU out of range EINVAL, "
    "cloning an unknown type ENXIO and destroying lo0 EOPNOTSUPP")
{
	struct ifreq ifr;
	struct rump_ifreq_name rn;
	int s = sock();

	ifr_init(&ifr, "nosuch7");
	H_REQUIRE_ERRNO(ENODEV, rump_sys_ioctl(s, SIOCGIFFLAGS, &ifr));
	H_REQUIRE_ERRNO(ENODEV, rump_sys_ioctl(s, SIOCSIFMTU, &ifr));
	H_REQUIRE_ERRNO(EFAULT, rump_sys_ioctl(s, SIOCGIFFLAGS, (void *)8));
	H_REQUIRE_ERRNO(ENOTTY, rump_sys_ioctl(s, _IOR('z', 99, int), &ifr));
	ifr_init(&ifr, "lo0");
	ifr.ifr_mtu = 67;
	H_REQUIRE_ERRNO(EINVAL, rump_sys_ioctl(s, SIOCSIFMTU, &ifr));
	ifr.ifr_mtu = 70000;
	H_REQUIRE_ERRNO(EINVAL, rump_sys_ioctl(s, SIOCSIFMTU, &ifr));
	memset(&rn, 0, sizeof(rn));
	strcpy(rn.rin_name, "nosuch0");
	H_REQUIRE_ERRNO(ENXIO, rump_sys_ioctl(s, RUMP_SIOCIFCREATE, &rn));
	strcpy(rn.rin_name, "lo0");
	H_REQUIRE_ERRNO(EOPNOTSUPP, rump_sys_ioctl(s, RUMP_SIOCIFDESTROY,
	    &rn));
	strcpy(rn.rin_name, "lo9");
	H_REQUIRE_ERRNO(ENXIO, rump_sys_ioctl(s, RUMP_SIOCIFDESTROY, &rn));
	RL(rump_sys_close(s));
}

H_TC(lo0_small_mtu_fragments, "with lo0's MTU at 576, a 5000-byte "
    "datagram leaves in 10 fragments and arrives whole, "
    "as the counters say")
{
	struct sockaddr_in srv = sin_of("127.0.0.1", 6000);
	struct rump_ipstat b, a;
	struct ifreq ifr;
	static char out[5000], in[6000];
	int s = sock(), r = sock(), i;

	for (i = 0; i < (int)sizeof(out); i++)
		out[i] = (char)(i ^ (i >> 8));
	RL(rump_sys_bind(r, (struct sockaddr *)&srv, sizeof(srv)));
	ifr_init(&ifr, "lo0");
	ifr.ifr_mtu = 576;
	RL(rump_sys_ioctl(s, SIOCSIFMTU, &ifr));
	ifr.ifr_mtu = 0;
	RL(rump_sys_ioctl(s, SIOCGIFMTU, &ifr));
	ATF_REQUIRE_EQ(ifr.ifr_mtu, 576);
	b = ipstat(s);
	ATF_REQUIRE_EQ(RL(rump_sys_sendto(s, out, sizeof(out), 0,
	    (struct sockaddr *)&srv, sizeof(srv))), (ssize_t)sizeof(out));
	ATF_REQUIRE_EQ(RL(rump_sys_recvfrom(r, in, sizeof(in), 0, NULL,
	    NULL)), (ssize_t)sizeof(out));
	ATF_REQUIRE_EQ(memcmp(in, out, sizeof(out)), 0);
	a = ipstat(s);
	/* 5008 bytes of UDP in 552-byte pieces: 10 fragments */
	ATF_REQUIRE_EQ(a.ips_fragmented, b.ips_fragmented + 1);
	ATF_REQUIRE_EQ(a.ips_ofragments, b.ips_ofragments + 10);
	ATF_REQUIRE_EQ(a.ips_fragments, b.ips_fragments + 10);
	ATF_REQUIRE_EQ(a.ips_reassembled, b.ips_reassembled + 1);
	RL(rump_sys_close(s));
	RL(rump_sys_close(r));
}

H_TC(lo0_down_enetdown, "with lo0 down, sending over it is ENETDOWN; "
    "up again, it works")
{
	struct sockaddr_in srv = sin_of("127.0.0.1", 6001);
	struct ifreq ifr;
	char buf[4];
	int s = sock(), r = sock();

	RL(rump_sys_bind(r, (struct sockaddr *)&srv, sizeof(srv)));
	ifr_init(&ifr, "lo0");
	RL(rump_sys_ioctl(s, SIOCGIFFLAGS, &ifr));
	ifr.ifr_flags &= ~IFF_UP;
	RL(rump_sys_ioctl(s, SIOCSIFFLAGS, &ifr));
	RL(rump_sys_ioctl(s, SIOCGIFFLAGS, &ifr));
	ATF_REQUIRE_EQ(ifr.ifr_flags & (IFF_UP | IFF_RUNNING), 0);
	H_REQUIRE_ERRNO(ENETDOWN, rump_sys_sendto(s, "x", 1, 0,
	    (struct sockaddr *)&srv, sizeof(srv)));
	ifr.ifr_flags |= IFF_UP;
	RL(rump_sys_ioctl(s, SIOCSIFFLAGS, &ifr));
	RL(rump_sys_ioctl(s, SIOCGIFFLAGS, &ifr));
	ATF_REQUIRE(ifr.ifr_flags & IFF_RUNNING);
	RL(rump_sys_sendto(s, "x", 1, 0, (struct sockaddr *)&srv,
	    sizeof(srv)));
	ATF_REQUIRE_EQ(RL(rump_sys_recvfrom(r, buf, sizeof(buf), 0, NULL,
	    NULL)), 1);
	RL(rump_sys_close(s));
	RL(rump_sys_close(r));
}

static void
aifaddr(int s, const char *ifname, const char *addr, const char *mask)
{
	struct rump_ifaliasreq ifra;
	struct sockaddr_in a = sin_of(addr, 0), m = sin_of(mask, 0);

	memset(&ifra, 0, sizeof(ifra));
	strcpy(ifra.ifra_name, ifname);
	memcpy(ifra.ifra_addr, &a, sizeof(a));
	memcpy(ifra.ifra_mask, &m, sizeof(m));
	RL(rump_sys_ioctl(s, RUMP_SIOCAIFADDR, &ifra));
}

/*
 * In a child kernel whose nth allocation fails: add 10.1.2.3/24 to lo0
 * and say whether that worked and whether the subnet's route is there.
 */
static void
child_add_with_fault(void *arg)
{
	struct rump_ifaliasreq ifra;
	struct sockaddr_in a = sin_of("10.1.2.3", 0);
	struct sockaddr_in m = sin_of("255.255.255.0", 0);
	struct rump_rtlist rl;
	int s, i, route = 0, add;

	h_setenv((const char *)arg);
	if (rump_init() != 0) {
		h_child_printf("boot failed\n");
		return;
	}
	if ((s = rump_sys_socket(AF_INET, SOCK_DGRAM, 0)) == -1) {
		h_child_printf("socket failed\n");
		h_shutdown_check();
		return;
	}
	memset(&ifra, 0, sizeof(ifra));
	strcpy(ifra.ifra_name, "lo0");
	memcpy(ifra.ifra_addr, &a, sizeof(a));
	memcpy(ifra.ifra_mask, &m, sizeof(m));
	add = rump_sys_ioctl(s, RUMP_SIOCAIFADDR, &ifra) == -1 ? errno : 0;
	if (rump_sys_ioctl(s, RUMP_SIOCGRTABLE, &rl) == -1) {
		h_child_printf("rtable failed\n");
		return;
	}
	for (i = 0; i < rl.rtl_count; i++)
		if (rl.rtl_routes[i].rti_dst == inet_addr("10.1.2.0"))
			route = 1;
	h_child_printf("add=%d route=%d injected=%d\n", add, route,
	    rump_pub_fault_count() >= (unsigned long long)strtoull(
	    strchr(arg, '=') + 1, NULL, 10));
	rump_sys_close(s);
	h_shutdown_check();	/* and no leak on the error path */
}

ATF_TC_WITHOUT_HEAD(address_add_all_or_nothing);
ATF_TC_BODY(address_add_all_or_nothing, tc)
{
	struct h_child hc;
	char env[32];
	int n, add, route, injected = 1, failed = 0;

	/* Each allocation of socket, address and route fails in turn. */
	for (n = 1; injected && n < 60; n++) {
		snprintf(env, sizeof(env), "RUMP_FAIL_NTH=%d", n);
		h_child_run(child_add_with_fault, env, 60, &hc);
		if (!hc.hc_exited || hc.hc_status != 0)
			h_child_fail(&hc, "%s: the child failed", env);
		if (strstr(hc.hc_output, "socket failed") != NULL) {
			h_child_free(&hc);
			continue;
		}
		if (sscanf(strstr(hc.hc_output, "add=") ?
		    strstr(hc.hc_output, "add=") : "", "add=%d route=%d "
		    "injected=%d", &add, &route, &injected) != 3)
			h_child_fail(&hc, "%s: no result", env);
		if (add == 0 && !route)
			h_child_fail(&hc, "%s: the address was added without "
			    "the route to its subnet", env);
		if (add != 0) {
			if (add != ENOBUFS)
				h_child_fail(&hc, "%s: %s, not ENOBUFS", env,
				    strerror(add));
			failed++;
		}
		h_child_free(&hc);
	}
	ATF_REQUIRE_MSG(!injected, "still injecting at the 60th allocation");
	ATF_REQUIRE_MSG(failed > 0, "no injection made the address fail");
}

H_TC(address_add_delete, "a second address on lo0 can be bound and "
    "reached; deleted, binding it is EADDRNOTAVAIL and its route goes")
{
	struct sockaddr_in a = sin_of("10.1.2.3", 6002);
	struct rump_rtlist rl;
	struct ifreq ifr;
	char buf[4];
	int s = sock(), r = sock(), i, found = 0;

	aifaddr(s, "lo0", "10.1.2.3", "255.255.255.0");
	RL(rump_sys_ioctl(s, RUMP_SIOCGRTABLE, &rl));
	for (i = 0; i < rl.rtl_count; i++)
		if (rl.rtl_routes[i].rti_dst == inet_addr("10.1.2.0") &&
		    rl.rtl_routes[i].rti_mask == inet_addr("255.255.255.0"))
			found = 1;
	ATF_REQUIRE_MSG(found, "no route to 10.1.2.0/24");
	RL(rump_sys_bind(r, (struct sockaddr *)&a, sizeof(a)));
	RL(rump_sys_sendto(s, "abc", 3, 0, (struct sockaddr *)&a, sizeof(a)));
	ATF_REQUIRE_EQ(RL(rump_sys_recvfrom(r, buf, sizeof(buf), 0, NULL,
	    NULL)), 3);
	RL(rump_sys_close(r));
	ifr_init(&ifr, "lo0");
	memcpy(&ifr.ifr_addr, &a, sizeof(a));
	RL(rump_sys_ioctl(s, SIOCDIFADDR, &ifr));
	H_REQUIRE_ERRNO(EADDRNOTAVAIL, rump_sys_ioctl(s, SIOCDIFADDR, &ifr));
	r = sock();
	H_REQUIRE_ERRNO(EADDRNOTAVAIL, rump_sys_bind(r, (struct sockaddr *)&a,
	    sizeof(a)));
	RL(rump_sys_ioctl(s, RUMP_SIOCGRTABLE, &rl));
	for (i = 0; i < rl.rtl_count; i++)
		ATF_REQUIRE(rl.rtl_routes[i].rti_dst != inet_addr("10.1.2.0"));
	/* the first address is still there */
	RL(rump_sys_ioctl(s, SIOCGIFADDR, &ifr));
	ATF_REQUIRE_EQ(((struct sockaddr_in *)&ifr.ifr_addr)->sin_addr.s_addr,
	    htonl(INADDR_LOOPBACK));
	RL(rump_sys_close(r));
	RL(rump_sys_close(s));
}

static int
route(int s, unsigned long cmd, const char *dst, const char *mask,
    const char *gw)
{
	struct rtentry rt;
	struct sockaddr_in d = sin_of(dst, 0), m = sin_of(mask, 0), g;

	memset(&rt, 0, sizeof(rt));
	memcpy(&rt.rt_dst, &d, sizeof(d));
	memcpy(&rt.rt_genmask, &m, sizeof(m));
	rt.rt_flags = RTF_UP;
	if (gw != NULL) {
		g = sin_of(gw, 0);
		memcpy(&rt.rt_gateway, &g, sizeof(g));
		rt.rt_flags |= RTF_GATEWAY;
	}
	return rump_sys_ioctl(s, cmd, &rt);
}

H_TC(routes_add_delete, "route add and delete through a gateway on a "
    "connected network; EEXIST, ESRCH, ENETUNREACH, EINVAL as route(8) "
    "would see them; no route is ENETUNREACH for a sender")
{
	struct sockaddr_in far = sin_of("203.0.113.9", 53);
	struct rump_rtlist rl;
	int s = sock(), i, found = 0;

	H_REQUIRE_ERRNO(ENETUNREACH, rump_sys_sendto(s, "x", 1, 0,
	    (struct sockaddr *)&far, sizeof(far)));
	aifaddr(s, "lo0", "10.7.0.1", "255.255.0.0");
	RL(route(s, SIOCADDRT, "192.168.50.0", "255.255.255.0", "10.7.0.254"));
	H_REQUIRE_ERRNO(EEXIST, route(s, SIOCADDRT, "192.168.50.0",
	    "255.255.255.0", "10.7.0.254"));
	H_REQUIRE_ERRNO(ENETUNREACH, route(s, SIOCADDRT, "192.168.60.0",
	    "255.255.255.0", "172.16.0.1"));
	H_REQUIRE_ERRNO(EINVAL, route(s, SIOCADDRT, "192.168.50.1",
	    "255.255.255.0", "10.7.0.254"));
	H_REQUIRE_ERRNO(EINVAL, route(s, SIOCADDRT, "192.168.0.0",
	    "255.0.255.0", "10.7.0.254"));
	RL(route(s, SIOCADDRT, "0.0.0.0", "0.0.0.0", "10.7.0.254"));
	RL(rump_sys_ioctl(s, RUMP_SIOCGRTABLE, &rl));
	ATF_REQUIRE(rl.rtl_count >= 4);
	for (i = 0; i < rl.rtl_count; i++) {
		if (rl.rtl_routes[i].rti_dst == inet_addr("192.168.50.0")) {
			found++;
			ATF_REQUIRE_EQ(rl.rtl_routes[i].rti_gateway,
			    inet_addr("10.7.0.254"));
			ATF_REQUIRE(rl.rtl_routes[i].rti_flags & RTF_GATEWAY);
			ATF_REQUIRE_STREQ(rl.rtl_routes[i].rti_ifname, "lo0");
		}
	}
	ATF_REQUIRE_EQ(found, 1);
	/* the default route is the last, the longest prefix first */
	ATF_REQUIRE_EQ(rl.rtl_routes[rl.rtl_count - 1].rti_mask, 0);
	RL(route(s, SIOCDELRT, "192.168.50.0", "255.255.255.0", NULL));
	H_REQUIRE_ERRNO(ESRCH, route(s, SIOCDELRT, "192.168.50.0",
	    "255.255.255.0", NULL));
	RL(route(s, SIOCDELRT, "0.0.0.0", "0.0.0.0", NULL));
	H_REQUIRE_ERRNO(ENETUNREACH, rump_sys_sendto(s, "x", 1, 0,
	    (struct sockaddr *)&far, sizeof(far)));
	RL(rump_sys_close(s));
}

H_TC(counters_and_knobs, "lo0's counters grow with traffic; FIONREAD "
    "counts queued bytes; IP forwarding switches on and off; ARP "
    "requests on a loopback address find no Ethernet interface")
{
	struct sockaddr_in srv = sin_of("127.0.0.1", 6003);
	struct rump_ifstats st0, st1;
	struct arpreq ar;
	struct sockaddr_in *pa = (struct sockaddr_in *)&ar.arp_pa;
	int s = sock(), r = sock(), v, n;

	memset(&st0, 0, sizeof(st0));
	strcpy(st0.ifs_name, "lo0");
	RL(rump_sys_ioctl(s, RUMP_SIOCGIFSTATS, &st0));
	RL(rump_sys_bind(r, (struct sockaddr *)&srv, sizeof(srv)));
	RL(rump_sys_sendto(s, "0123456789", 10, 0, (struct sockaddr *)&srv,
	    sizeof(srv)));
	usleep(20000);
	RL(rump_sys_ioctl(r, FIONREAD, &n));
	ATF_REQUIRE_EQ(n, 10);
	st1 = st0;
	RL(rump_sys_ioctl(s, RUMP_SIOCGIFSTATS, &st1));
	ATF_REQUIRE_EQ(st1.ifs_opackets, st0.ifs_opackets + 1);
	ATF_REQUIRE_EQ(st1.ifs_ipackets, st0.ifs_ipackets + 1);
	ATF_REQUIRE_EQ(st1.ifs_obytes, st0.ifs_obytes + 38);
	ATF_REQUIRE_EQ(st1.ifs_mtu, 33624);
	RL(rump_sys_ioctl(s, RUMP_SIOCGIPFORWARDING, &v));
	ATF_REQUIRE_EQ(v, 0);
	v = 1;
	RL(rump_sys_ioctl(s, RUMP_SIOCSIPFORWARDING, &v));
	v = 0;
	RL(rump_sys_ioctl(s, RUMP_SIOCGIPFORWARDING, &v));
	ATF_REQUIRE_EQ(v, 1);
	memset(&ar, 0, sizeof(ar));
	pa->sin_family = AF_INET;
	pa->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	H_REQUIRE_ERRNO(ENXIO, rump_sys_ioctl(s, SIOCGARP, &ar));
	H_REQUIRE_ERRNO(ENXIO, rump_sys_ioctl(s, SIOCSARP, &ar));
	RL(rump_sys_close(s));
	RL(rump_sys_close(r));
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, lo0_configured_at_boot);
	ATF_TP_ADD_TC(tp, ioctl_errors);
	ATF_TP_ADD_TC(tp, lo0_small_mtu_fragments);
	ATF_TP_ADD_TC(tp, lo0_down_enetdown);
	ATF_TP_ADD_TC(tp, address_add_delete);
	ATF_TP_ADD_TC(tp, address_add_all_or_nothing);
	ATF_TP_ADD_TC(tp, routes_add_delete);
	ATF_TP_ADD_TC(tp, counters_and_knobs);
	return atf_no_error();
}
