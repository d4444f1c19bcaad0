/*
 * netinet/in_pcb.h: Internet protocol control blocks, shared by UDP,
 * raw IP and TCP.  A pcb holds a socket's local and foreign address and
 * port; each protocol keeps its pcbs in one struct inpcbtable, which
 * allocates ephemeral ports and finds the pcb for an incoming packet.
 * TCP hangs its own state off inp_ppcb.
 *
 * Binding rules (as BSD): a local (addr, port) may be bound twice only
 * if both sockets set SO_REUSEADDR and the addresses differ or are both
 * wildcards with SO_REUSEPORT; otherwise EADDRINUSE.  Ports below 1024
 * are not restricted (tests run as anyone).
 *
 * Locking: softnet_lock for everything.
 */
#ifndef _RUMP_SYS_NETINET_IN_PCB_H_
#define _RUMP_SYS_NETINET_IN_PCB_H_

#include <rump-sys/types.h>
#include <rump-sys/queue.h>
#include <rump-sys/route.h>
#include <rump-sys/netinet/in.h>

struct socket;
struct lwp;
struct mbuf;

struct inpcb {
	LIST_ENTRY(inpcb)	 inp_list;	/* table's list */
	struct inpcbtable	*inp_table;
	struct socket		*inp_socket;	/* NULL once detached */
	void			*inp_ppcb;	/* protocol's own (tcpcb) */
	struct in_addr		 inp_laddr;	/* network order */
	struct in_addr		 inp_faddr;
	in_port_t		 inp_lport;	/* network order, 0: none */
	in_port_t		 inp_fport;
	int			 inp_flags;	/* INP_* */
	struct route		 inp_route;	/* cached route to faddr */
	uint8_t			 inp_ip_ttl;
	uint8_t			 inp_ip_tos;
	uint8_t			 inp_ip_p;	/* raw: protocol, 0 all */
	int			 inp_errormtu;
};
#define INP_HDRINCL	0x0001	/* raw: user supplies the IP header */
#define INP_RECVERR	0x0002

struct inpcbtable {
	LIST_HEAD(, inpcb)	 inpt_list;
	in_port_t		 inpt_lastport;	/* host order */
	int			 inpt_count;
};

#define IPPORT_EPHEMERALFIRST	49152
#define IPPORT_EPHEMERALLAST	65535

void	in_pcbinit(struct inpcbtable *);
/* New pcb for so in table: so_pcb set.  0 or ENOBUFS. */
int	in_pcballoc(struct socket *, struct inpcbtable *);
/*
 * Bind to sin (NULL or port 0: an ephemeral port; INADDR_ANY: any
 * address).  0, EINVAL (already bound, bad length/family),
 * EADDRNOTAVAIL (not our address), EADDRINUSE, EAFNOSUPPORT.
 */
int	in_pcbbind(struct inpcb *, const struct sockaddr_in *, struct lwp *);
/*
 * Set the foreign address, binding first if needed and choosing the
 * local address from the route.  0, EADDRNOTAVAIL (port 0 / any addr),
 * ENETUNREACH, EADDRINUSE (the 4-tuple exists), EAFNOSUPPORT.
 */
int	in_pcbconnect(struct inpcb *, const struct sockaddr_in *,
	    struct lwp *);
void	in_pcbdisconnect(struct inpcb *);
/* Unlink and free the pcb (so_pcb cleared). */
void	in_pcbdetach(struct inpcb *);
/*
 * pr_abort of a connectionless protocol: free the pcb but not the
 * socket, which soabort frees.  0.
 */
int	in_pcbabort(struct socket *);
/* The local address to reach dst from: 0 or ENETUNREACH. */
int	in_selectsrc(struct in_addr dst, struct route *ro,
	    struct in_addr *srcp);

void	in_setsockaddr(const struct inpcb *, struct sockaddr_in *);
void	in_setpeeraddr(const struct inpcb *, struct sockaddr_in *);

/* An exact 4-tuple match, or NULL. */
struct inpcb *in_pcblookup_connect(struct inpcbtable *, struct in_addr faddr,
	    in_port_t fport, struct in_addr laddr, in_port_t lport);
/* The best listening/bound (unconnected) pcb for laddr:lport, or NULL. */
struct inpcb *in_pcblookup_bind(struct inpcbtable *, struct in_addr laddr,
	    in_port_t lport);
/*
 * Report errno to every socket with foreign address faddr (and, if
 * nonzero, the ports and local address): notify(inp, errno) is called
 * for each, with softnet_lock held.
 */
void	in_pcbnotify(struct inpcbtable *, struct in_addr faddr,
	    in_port_t fport, struct in_addr laddr, in_port_t lport, int errno,
	    void (*notify)(struct inpcb *, int));
void	in_pcbnotifyall(struct inpcbtable *, struct in_addr faddr, int errno,
	    void (*notify)(struct inpcb *, int));
/* A notify function: set so_error and wake the socket. */
void	in_pcb_seterror(struct inpcb *, int errno);

#define sotoinpcb(so)	((struct inpcb *)(so)->so_pcb)

#endif /* _RUMP_SYS_NETINET_IN_PCB_H_ */
