/*
 * rumpnet.h: networking requests that Linux has no ioctl for, and the
 * counters behind them, shared by the kernel and test programs.  All
 * are ioctls on any socket (AF_INET); fixed-size types only, so the
 * layouts are the same in both worlds.  Includes only rumpdefs.h.
 *
 *   ifconfig shmif0 create     RUMP_SIOCIFCREATE   struct rump_ifreq_name
 *   ifconfig shmif0 destroy    RUMP_SIOCIFDESTROY  struct rump_ifreq_name
 *   ifconfig shmif0 linkstr X  RUMP_SIOCSLINKSTR   struct rump_ifdrv
 *   ifconfig -a addresses      RUMP_SIOCAIFADDR    struct rump_ifaliasreq
 *   netstat -i                 RUMP_SIOCGIFSTATS   struct rump_ifstats
 *   netstat -s -p ip/icmp/udp  RUMP_SIOCGIPSTAT ... (below)
 *   netstat -rn                RUMP_SIOCGRTABLE    struct rump_rtlist
 *   sysctl net.inet.ip.forwarding  RUMP_SIOC[GS]IPFORWARDING  int
 *   sysctl net.inet.arp.keep   RUMP_SIOCSARPTIMERS struct rump_arptimers
 */
#ifndef _RUMP_RUMPNET_H_
#define _RUMP_RUMPNET_H_

#include <rump/rumpdefs.h>

#define RUMP_IFNAMSIZ	16

struct rump_ifreq_name {
	char		rin_name[RUMP_IFNAMSIZ];	/* not ifr_name: <net/if.h> macro */
};

/* A driver-specific string (shmif: the bus file path). */
struct rump_ifdrv {
	char		ifd_name[RUMP_IFNAMSIZ];
	unsigned long	ifd_cmd;	/* 0: the link string */
	unsigned long	ifd_len;	/* bytes at ifd_data, NUL included */
	void		*ifd_data;	/* user memory */
};

/*
 * Add an address (BSD SIOCAIFADDR): with its netmask and broadcast in
 * one request; addresses are AF_INET struct sockaddr_in images
 * (16 bytes each), network order.  Broadcast all-zero: derived.
 */
struct rump_ifaliasreq {
	char		ifra_name[RUMP_IFNAMSIZ];
	unsigned char	ifra_addr[16];
	unsigned char	ifra_broadaddr[16];
	unsigned char	ifra_mask[16];
};

struct rump_ifstats {
	char		ifs_name[RUMP_IFNAMSIZ];	/* in */
	unsigned long long ifs_ipackets;
	unsigned long long ifs_ierrors;
	unsigned long long ifs_opackets;
	unsigned long long ifs_oerrors;
	unsigned long long ifs_collisions;
	unsigned long long ifs_ibytes;
	unsigned long long ifs_obytes;
	unsigned long long ifs_imcasts;
	unsigned long long ifs_omcasts;
	unsigned long long ifs_iqdrops;
	unsigned long long ifs_oqdrops;
	unsigned long long ifs_noproto;
	int		ifs_mtu;
	int		ifs_flags;
	int		ifs_link_state;	/* 0 unknown, 1 down, 2 up */
	int		ifs_index;
};

/* IPv4 counters: every reason a packet is dropped has its own. */
struct rump_ipstat {
	unsigned long long ips_total;		/* packets received */
	unsigned long long ips_badsum;		/* header checksum */
	unsigned long long ips_tooshort;	/* shorter than ip_len */
	unsigned long long ips_toosmall;	/* shorter than a header */
	unsigned long long ips_badhlen;		/* ip_hl < 5 or > length */
	unsigned long long ips_badlen;		/* ip_len < ip_hl */
	unsigned long long ips_badvers;		/* not version 4 */
	unsigned long long ips_badaddr;		/* martian source/dest */
	unsigned long long ips_badoptions;
	unsigned long long ips_fragments;	/* fragments received */
	unsigned long long ips_fragdropped;	/* dup, overlap, no memory */
	unsigned long long ips_fragtimeout;	/* reassembly timed out */
	unsigned long long ips_fragoverflow;	/* too many in reassembly */
	unsigned long long ips_toolong;		/* reassembled > 65535 */
	unsigned long long ips_reassembled;
	unsigned long long ips_delivered;	/* to a protocol */
	unsigned long long ips_noproto;		/* unknown protocol */
	unsigned long long ips_forward;		/* forwarded */
	unsigned long long ips_cantforward;	/* not for us, no forwarding */
	unsigned long long ips_ttlexceeded;	/* forwarding with TTL <= 1 */
	unsigned long long ips_localout;	/* sent by us */
	unsigned long long ips_noroute;
	unsigned long long ips_fragmented;	/* packets fragmented */
	unsigned long long ips_ofragments;	/* fragments sent */
	unsigned long long ips_cantfrag;	/* DF set, too big */
	unsigned long long ips_odropped;	/* no memory on output */
	unsigned long long ips_notmember;
};

struct rump_icmpstat {
	unsigned long long icps_error;		/* errors we sent */
	unsigned long long icps_oldicmp;	/* no error about an error */
	unsigned long long icps_badcode;
	unsigned long long icps_tooshort;
	unsigned long long icps_checksum;
	unsigned long long icps_badlen;
	unsigned long long icps_reflect;	/* echo replies sent */
	unsigned long long icps_inhist[41];	/* by type received */
	unsigned long long icps_outhist[41];	/* by type sent */
};

struct rump_udpstat {
	unsigned long long udps_ipackets;
	unsigned long long udps_hdrops;		/* shorter than a header */
	unsigned long long udps_badsum;
	unsigned long long udps_badlen;		/* uh_ulen wrong */
	unsigned long long udps_noport;		/* port unreachable sent */
	unsigned long long udps_noportbcast;	/* broadcast, no socket */
	unsigned long long udps_fullsock;	/* socket buffer full */
	unsigned long long udps_delivered;
	unsigned long long udps_opackets;
};

struct rump_arpstat {
	unsigned long long as_sndtotal;
	unsigned long long as_sndreply;
	unsigned long long as_sndrequest;
	unsigned long long as_rcvtotal;
	unsigned long long as_rcvrequest;
	unsigned long long as_rcvreply;
	unsigned long long as_rcvbadproto;	/* not Ethernet/IPv4 */
	unsigned long long as_rcvbadlen;
	unsigned long long as_rcvlocalsha;	/* our own MAC as sender */
	unsigned long long as_rcvbcastsha;	/* broadcast MAC as sender */
	unsigned long long as_rcvdup;		/* someone has our address */
	unsigned long long as_dfrdropped;	/* held packets dropped */
	unsigned long long as_timeouts;		/* entries expired */
	unsigned long long as_entries;		/* entries now */
};

/* Timers of ARP, in seconds (0: leave unchanged). */
struct rump_arptimers {
	int		at_keep;	/* complete entry lifetime */
	int		at_down;	/* "host down" hold time */
	int		at_maxtries;	/* requests before giving up */
};

#define RUMP_RTLIST_MAX	32
struct rump_rtinfo {
	unsigned int	rti_dst;	/* network order */
	unsigned int	rti_mask;
	unsigned int	rti_gateway;
	unsigned int	rti_flags;	/* RTF_* (Linux values) */
	char		rti_ifname[RUMP_IFNAMSIZ];
	unsigned long long rti_use;
};
struct rump_rtlist {
	int		rtl_count;	/* out: entries filled */
	int		rtl_total;	/* out: routes in the table */
	struct rump_rtinfo rtl_routes[RUMP_RTLIST_MAX];
};

#define RUMP_SIOCIFCREATE	RUMP_IOW('R', 1, struct rump_ifreq_name)
#define RUMP_SIOCIFDESTROY	RUMP_IOW('R', 2, struct rump_ifreq_name)
#define RUMP_SIOCSLINKSTR	RUMP_IOW('R', 3, struct rump_ifdrv)
#define RUMP_SIOCAIFADDR	RUMP_IOW('R', 4, struct rump_ifaliasreq)
#define RUMP_SIOCGIFSTATS	RUMP_IOWR('R', 5, struct rump_ifstats)
#define RUMP_SIOCGIPSTAT	RUMP_IOR('R', 6, struct rump_ipstat)
#define RUMP_SIOCGICMPSTAT	RUMP_IOR('R', 7, struct rump_icmpstat)
#define RUMP_SIOCGUDPSTAT	RUMP_IOR('R', 8, struct rump_udpstat)
#define RUMP_SIOCGARPSTAT	RUMP_IOR('R', 9, struct rump_arpstat)
#define RUMP_SIOCGRTABLE	RUMP_IOR('R', 10, struct rump_rtlist)
#define RUMP_SIOCSIPFORWARDING	RUMP_IOW('R', 11, int)
#define RUMP_SIOCGIPFORWARDING	RUMP_IOR('R', 12, int)
#define RUMP_SIOCSARPTIMERS	RUMP_IOW('R', 13, struct rump_arptimers)
#define RUMP_SIOCGLINKSTR	RUMP_IOWR('R', 14, struct rump_ifdrv)
/* Reassembly limits: max datagrams waiting, timeout in seconds. */
struct rump_ipreass {
	int		ipr_maxqueues;
	int		ipr_timeout_s;
	int		ipr_maxfrags;	/* fragments per datagram */
};
#define RUMP_SIOCSIPREASS	RUMP_IOW('R', 15, struct rump_ipreass)

#endif /* _RUMP_RUMPNET_H_ */
