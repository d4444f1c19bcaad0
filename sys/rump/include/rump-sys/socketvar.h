/*
 * socketvar.h: sockets inside the kernel.  A socket is the file type
 * behind socket(2): a protocol (struct protosw) attached to a pair of
 * socket buffers.  The generic layer (uipc_socket.c) moves data between
 * user buffers and the sockbufs, sleeps and wakes; protocols fill and
 * drain the sockbufs and call the so*() state changes below.
 *
 * Locking: one lock, softnet_lock, covers every socket, sockbuf,
 * protocol control block, route and interface address list; packet
 * input (a softint), protocol timers (callouts) and the system calls
 * take it.  solock(so) takes it (so->so_lock points at it).  All
 * functions here expect it held unless said otherwise.  Sleeping on a
 * sockbuf (sbwait) releases it.
 */
#ifndef _RUMP_SYS_SOCKETVAR_H_
#define _RUMP_SYS_SOCKETVAR_H_

#include <rump-sys/types.h>
#include <rump-sys/condvar.h>
#include <rump-sys/mutex.h>
#include <rump-sys/queue.h>
#include <rump-sys/select.h>
#include <rump-sys/socket.h>

struct mbuf;
struct protosw;
struct lwp;
struct uio;

extern kmutex_t *softnet_lock;

struct sockbuf {
	struct mbuf	*sb_mb;		/* records (m_nextpkt), then data */
	struct mbuf	*sb_mbtail;	/* last mbuf of the chain */
	struct mbuf	*sb_lastrecord;	/* first mbuf of the last record */
	size_t		 sb_cc;		/* data bytes held */
	size_t		 sb_hiwat;	/* limit (SO_RCVBUF / SO_SNDBUF) */
	size_t		 sb_lowat;
	uint64_t	 sb_timeo_ns;	/* SO_RCVTIMEO/SNDTIMEO; 0: forever */
	int		 sb_flags;	/* SB_* */
	kcondvar_t	 sb_cv;		/* sbwait sleeps here */
	struct selinfo	 sb_sel;	/* poll */
};
#define SB_NOINTR	0x01
#define SB_AUTOSIZE	0x02

struct socket {
	kmutex_t	*so_lock;	/* = softnet_lock */
	short		 so_type;	/* SOCK_* */
	short		 so_options;	/* SO_* as bits, below */
	short		 so_linger;	/* seconds */
	short		 so_state;	/* SS_* */
	int		 so_error;	/* pending asynchronous error */
	void		*so_pcb;	/* protocol control block */
	const struct protosw *so_proto;
	/* listening: connections in progress (q0), ready (q) */
	struct socket	*so_head;	/* the listener of a queued one */
	TAILQ_HEAD(, socket) so_q0;
	TAILQ_HEAD(, socket) so_q;
	TAILQ_ENTRY(socket) so_qe;
	int		 so_qlen;
	int		 so_q0len;
	int		 so_qlimit;	/* listen backlog: at most this many
					   connections, complete or not */
	short		 so_onq;	/* 0, 1: on so_q0, 2: on so_q */
	kcondvar_t	 so_cv;		/* connect/close/accept waits */
	struct sockbuf	 so_rcv;
	struct sockbuf	 so_snd;
	int		 so_refs;	/* file and kernel references */
	uid_t		 so_uid;
};

/* so_options: kernel bits for the options that are flags */
#define SO_OPT_DEBUG		0x0001
#define SO_OPT_ACCEPTCONN	0x0002
#define SO_OPT_REUSEADDR	0x0004
#define SO_OPT_KEEPALIVE	0x0008
#define SO_OPT_DONTROUTE	0x0010
#define SO_OPT_BROADCAST	0x0020
#define SO_OPT_LINGER		0x0080
#define SO_OPT_OOBINLINE	0x0100
#define SO_OPT_REUSEPORT	0x0200

/* so_state */
#define SS_NOFDREF		0x0001	/* no file references: free it */
#define SS_ISCONNECTED		0x0002
#define SS_ISCONNECTING		0x0004
#define SS_ISDISCONNECTING	0x0008
#define SS_CANTSENDMORE		0x0010
#define SS_CANTRCVMORE		0x0020
#define SS_RCVATMARK		0x0040
#define SS_ISDISCONNECTED	0x0800

#define solock(so)	mutex_enter((so)->so_lock)
#define sounlock(so)	mutex_exit((so)->so_lock)
#define solocked(so)	mutex_owned((so)->so_lock)

/* Bytes and records the sockbuf can take now. */
static inline long
sbspace(const struct sockbuf *sb)
{
	return (long)sb->sb_hiwat - (long)sb->sb_cc;
}

/* Whether poll/read would report the socket readable, writable now. */
int	soreadable(const struct socket *);
int	sowritable(const struct socket *);

/*
 * Sockbufs.  sbreserve: set the limit (0 or ENOBUFS beyond
 * SB_MAX).  sbappend: stream data at the end.  sbappendrecord: a new
 * record (datagram).  sbappendaddr: a datagram with its sender's
 * address and control; 0 when there is no room (m and control then
 * still belong to the caller), 1 when appended.  sbdrop: remove len
 * bytes from the front.  sbflush/sbrelease: drop everything.
 */
#define SB_MAX		(4 * 1024 * 1024)
int	sbreserve(struct sockbuf *, size_t cc);
void	sbappend(struct sockbuf *, struct mbuf *);
void	sbappendstream(struct sockbuf *, struct mbuf *);
void	sbappendrecord(struct sockbuf *, struct mbuf *);
int	sbappendaddr(struct sockbuf *, const struct sockaddr *,
	    struct mbuf *m, struct mbuf *control);
/*
 * sbappendaddrlen: as sbappendaddr with an address of salen bytes (asa
 * NULL: none), whatever the room: 0 when out of mbufs (m and control
 * still the caller's), 1 when appended.  sbtakecontrol: unlink the
 * control mbufs heading the first record and return them (NULL: none).
 */
int	sbappendaddrlen(struct sockbuf *, const struct sockaddr *asa,
	    unsigned int salen, struct mbuf *m, struct mbuf *control);
struct mbuf *sbtakecontrol(struct sockbuf *);
void	sbdrop(struct sockbuf *, int len);
void	sbdroprecord(struct sockbuf *);
void	sbflush(struct sockbuf *);
void	sbrelease(struct sockbuf *);
/*
 * Sleep until the sockbuf changes; softnet_lock released meanwhile.
 * 0, or EWOULDBLOCK when its timeout (sb_timeo_ns) passed.
 */
int	sbwait(struct sockbuf *);

/*
 * State changes a protocol reports; each wakes the sleepers and pollers
 * concerned.  soisconnected also moves an incoming connection from the
 * listener's q0 to q, where accept finds it.
 */
void	soisconnecting(struct socket *);
void	soisconnected(struct socket *);
void	soisdisconnecting(struct socket *);
void	soisdisconnected(struct socket *);
void	socantsendmore(struct socket *);
void	socantrcvmore(struct socket *);
void	sorwakeup(struct socket *);
void	sowwakeup(struct socket *);
/* Set so_error and wake everybody (ICMP errors, resets). */
void	sonotify_error(struct socket *, int error);
/*
 * A listener received a connection request: a new socket of the same
 * protocol, attached (pr_attach), on head's q0 (connstatus 0) or q
 * (SS_ISCONNECTED).  NULL when the backlog is full or out of memory.
 */
struct socket *sonewconn(struct socket *head, int connstatus);
/*
 * Abort a connection not on a listener's queue (take it off first):
 * marks it SS_NOFDREF and calls pr_abort, which drops the protocol
 * state and clears so_pcb but leaves so alone; then frees so (if the
 * protocol kept its pcb, sofree waits for it).
 */
void	soabort(struct socket *);
/*
 * Free so if nothing refers to it: no descriptor (SS_NOFDREF) and no
 * protocol state (so_pcb NULL).  A protocol that kept its pcb past
 * pr_detach (TCP finishing a close) clears so_pcb and calls sofree
 * when it is done.  A completed connection on a listener's queue waits
 * for accept, an incomplete one is freed.
 */
void	sofree(struct socket *);
/*
 * Empty so_rcv; the references control messages in it held (passed
 * descriptors) are dropped through the family's dom_dispose.
 */
void	sorflush(struct socket *);
/* dom_dispose on every control mbuf of the chain (m_next, m_nextpkt). */
void	sodispose(struct socket *, struct mbuf *);
/*
 * Addresses travel inside the kernel in a struct sockaddr_storage.  Its
 * last two bytes, past any family's address, carry the length: the one
 * the user gave (sockargs sets it for bind, connect and sendto) or, from
 * a family with variable lengths (AF_LOCAL), the one to report.
 */
#define SA_LENOFF	(sizeof(struct sockaddr_storage) - sizeof(uint16_t))
static inline unsigned int
sa_getlen(const struct sockaddr *sa)
{
	uint16_t len;

	__builtin_memcpy(&len, (const char *)sa + SA_LENOFF, sizeof(len));
	return len;
}
static inline void
sa_setlen(struct sockaddr *sa, unsigned int len)
{
	uint16_t l = (uint16_t)len;

	__builtin_memcpy((char *)sa + SA_LENOFF, &l, sizeof(l));
}
/* The length of an address of so's family as the user sees it. */
unsigned int so_salen(const struct socket *, const struct sockaddr *);

/*
 * The kernel side of the system calls, usable by kernel code and
 * tests.  All take and release softnet_lock themselves (call without
 * it).  Returns 0 or an errno.
 */
int	socreate(int domain, int type, int proto, struct socket **sop);
int	soclose(struct socket *);
int	sobind(struct socket *, struct sockaddr *, socklen_t);
int	solisten(struct socket *, int backlog);
int	soconnect(struct socket *, struct sockaddr *, socklen_t, bool nbio);
int	soshutdown(struct socket *, int how);
/* socketpair: two new connected sockets of (domain, type, proto). */
int	soconnect2(struct socket *, struct socket *);
/* The first completed connection; address of the peer into nam. */
int	soaccept(struct socket *head, struct socket **sop,
	    struct sockaddr *nam, bool nbio);
/* top may be NULL (data from uio); addr NULL unless sendto */
int	sosend(struct socket *, const struct sockaddr *addr, struct uio *,
	    struct mbuf *top, struct mbuf *control, int flags, bool nbio);
/*
 * *paddr gets an MT_SONAME mbuf with the sender (free it) if wanted;
 * *controlp the control messages of what was read (the caller
 * externalizes or disposes them, then frees), if controlp is not NULL;
 * otherwise they are disposed of.
 */
int	soreceive(struct socket *, struct mbuf **paddr, struct uio *,
	    struct mbuf **controlp, int *flagsp, bool nbio);
int	sosetopt(struct socket *, int level, int name, const void *val,
	    size_t len);
int	sogetopt(struct socket *, int level, int name, void *val,
	    size_t *lenp);

/* The file type of sockets (sys_socket.c). */
struct fileops;
extern const struct fileops socketops;

/*
 * Get/set-option request handed to a protocol's pr_ctloutput; the
 * value is in kernel memory.
 */
#define PRCO_GETOPT	0
#define PRCO_SETOPT	1
struct sockopt {
	int	 sopt_level;
	int	 sopt_name;
	void	*sopt_data;	/* kernel buffer */
	size_t	 sopt_size;	/* set: bytes given; get: room, then used */
};
/* Copy an option value in (exactly len bytes or EINVAL) or out. */
int	sockopt_get(const struct sockopt *, void *buf, size_t len);
int	sockopt_set(struct sockopt *, const void *buf, size_t len);
int	sockopt_getint(const struct sockopt *, int *valp);
int	sockopt_setint(struct sockopt *, int val);

#endif /* _RUMP_SYS_SOCKETVAR_H_ */
