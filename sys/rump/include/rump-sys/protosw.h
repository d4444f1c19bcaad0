/*
 * protosw.h: how a protocol plugs into sockets and into IP.
 *
 * A protocol is a struct protosw: its socket type and protocol number,
 * its packet input (called by the network layer below it), an error
 * notification (ICMP errors from below), its socket option handler, and
 * its user requests (struct pr_usrreqs) that the socket layer calls for
 * each system call.  Every entry point is called with softnet_lock held
 * (see socketvar.h) and must not sleep except where noted.
 *
 * Internet transport protocols (UDP, ICMP raw, TCP) register with
 * in_proto_register() (netinet/in_var.h); ip_input() then calls
 * pr_input(m, off, proto) for packets whose ip_p equals pr_protocol,
 * and socket(AF_INET, type, proto) attaches the matching pr_usrreqs.
 */
#ifndef _RUMP_SYS_PROTOSW_H_
#define _RUMP_SYS_PROTOSW_H_

#include <rump-sys/types.h>

struct domain;
struct ifnet;
struct lwp;
struct mbuf;
struct sockaddr;
struct socket;
struct sockopt;

/*
 * User requests.  Return 0 or an errno.  Those given an mbuf (send)
 * consume it (and control) in every case.  The socket layer has
 * checked the socket state the request needs (not listening for
 * connect, connected for PR_CONNREQUIRED sends, ...) and the address
 * length against the family's.
 */
struct pr_usrreqs {
	/* New socket: allocate so_pcb, reserve sockbuf space. */
	int	(*pr_attach)(struct socket *, int proto);
	/* Socket closing: free so_pcb; may leave a protocol-owned pcb
	 * (TCP TIME_WAIT) that no longer points at so. */
	void	(*pr_detach)(struct socket *);
	/* Address of the accepted connection's peer into *nam. */
	int	(*pr_accept)(struct socket *, struct sockaddr *nam);
	int	(*pr_bind)(struct socket *, struct sockaddr *, struct lwp *);
	/* Become a listener (after the socket layer set the backlog). */
	int	(*pr_listen)(struct socket *, struct lwp *);
	/* Start connecting; datagram protocols just set the peer. */
	int	(*pr_connect)(struct socket *, struct sockaddr *, struct lwp *);
	int	(*pr_disconnect)(struct socket *);
	/* socketpair: connect two new sockets; NULL: EOPNOTSUPP. */
	int	(*pr_connect2)(struct socket *, struct socket *);
	/* No more sends (SHUT_WR). */
	int	(*pr_shutdown)(struct socket *);
	/*
	 * Drop a connection not yet accepted (SS_NOFDREF is set): free the
	 * pcb and clear so_pcb without freeing so (clear inp_socket before
	 * in_pcbdetach); soabort frees the socket after.
	 */
	int	(*pr_abort)(struct socket *);
	/* Protocol ioctl; ENOTTY if not its command.  data is kernel memory. */
	int	(*pr_ioctl)(struct socket *, u_long cmd, void *data,
		    struct ifnet *);
	int	(*pr_sockaddr)(struct socket *, struct sockaddr *);
	int	(*pr_peeraddr)(struct socket *, struct sockaddr *);
	/* The user took data from so_rcv (PR_WANTRCVD): window update. */
	int	(*pr_rcvd)(struct socket *, int flags, struct lwp *);
	/*
	 * Data to send (a packet header chain): nam is the destination
	 * of sendto (NULL if connected), control ancillary data.
	 */
	int	(*pr_send)(struct socket *, struct mbuf *m,
		    struct sockaddr *nam, struct mbuf *control, struct lwp *);
	/* MSG_OOB data; NULL: EOPNOTSUPP. */
	int	(*pr_sendoob)(struct socket *, struct mbuf *m,
		    struct mbuf *control);
};

struct protosw {
	int		 pr_type;	/* SOCK_* */
	struct domain	*pr_domain;
	short		 pr_protocol;	/* IPPROTO_*; 0 for raw wildcard */
	short		 pr_flags;	/* PR_* */
	/* Packet from the layer below; off is the header length. */
	void		(*pr_input)(struct mbuf *m, int off, int proto);
	/*
	 * An error about a packet we sent (PRC_* cmd), dst its
	 * destination; ip is the offending packet's IP header (with at
	 * least 8 bytes of its payload), or NULL for "all sockets to dst".
	 */
	void		(*pr_ctlinput)(int cmd, const struct sockaddr *dst,
			    void *ip);
	/* PRCO_GETOPT/PRCO_SETOPT for levels other than SOL_SOCKET. */
	int		(*pr_ctloutput)(int op, struct socket *,
			    struct sockopt *);
	const struct pr_usrreqs *pr_usrreqs;
	void		(*pr_init)(void);	/* at registration */
	void		(*pr_fini)(void);	/* at unregistration */
};

/* pr_flags */
#define PR_ATOMIC	0x01	/* sends are whole records (datagrams) */
#define PR_ADDR		0x02	/* records carry the sender's address */
#define PR_CONNREQUIRED	0x04	/* must connect before sending */
#define PR_WANTRCVD	0x08	/* call pr_rcvd after reading */
#define PR_RIGHTS	0x10
#define PR_LISTEN	0x20	/* supports listen/accept */
#define PR_LASTHDR	0x40

/* pr_ctlinput commands (from ICMP) */
#define PRC_IFDOWN		0
#define PRC_ROUTEDEAD		1
#define PRC_QUENCH		4
#define PRC_MSGSIZE		5	/* fragmentation needed */
#define PRC_HOSTDEAD		6
#define PRC_UNREACH_NET		8
#define PRC_UNREACH_HOST	9
#define PRC_UNREACH_PROTOCOL	10
#define PRC_UNREACH_PORT	11
#define PRC_UNREACH_SRCFAIL	13
#define PRC_REDIRECT_NET	14
#define PRC_REDIRECT_HOST	15
#define PRC_TIMXCEED_INTRANS	18
#define PRC_TIMXCEED_REASS	19
#define PRC_PARAMPROB		20
#define PRC_NCMDS		21
/* The errno each command means for a socket (0: none). */
extern const int inetctlerrmap[PRC_NCMDS];

#endif /* _RUMP_SYS_PROTOSW_H_ */
