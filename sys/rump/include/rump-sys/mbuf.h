/*
 * mbuf.h: packet buffers.  A packet is a chain of mbufs linked by
 * m_next; the first carries the packet header (M_PKTHDR: total length,
 * receiving interface).  Packets queue through m_nextpkt.  Small data
 * lives inside the mbuf (MLEN bytes), bigger data in a cluster of
 * MCLBYTES (M_EXT), which m_copym shares by reference count.
 *
 * Every mbuf and cluster is a kmem allocation charged to the call site
 * that asked for it (m_get and friends are macros passing KMEM_SITE()),
 * so a leaked packet fails the test case and names where it was made;
 * mbstat counts what is outstanding.
 *
 * how: M_WAITOK sleeps for memory and never fails; M_DONTWAIT
 * (KM_NOSLEEP, fault-injectable) may return NULL and every caller on
 * a packet path uses it and copes.  Functions consuming a chain say so;
 * on failure they free it unless stated otherwise.
 *
 * Locking: an mbuf belongs to whoever holds the pointer; no locks.
 */
#ifndef _RUMP_SYS_MBUF_H_
#define _RUMP_SYS_MBUF_H_

#include <rump-sys/types.h>
#include <rump-sys/kmem.h>
#include <rump-sys/neterrno.h>

struct ifnet;

#define MSIZE		256		/* an mbuf, header included */
#define MCLBYTES	2048		/* a cluster */

#define M_WAITOK	KM_SLEEP
#define M_DONTWAIT	KM_NOSLEEP
#define M_WAIT		M_WAITOK
#define M_NOWAIT	M_DONTWAIT

/* m_type */
#define MT_FREE		0
#define MT_DATA		1
#define MT_HEADER	2
#define MT_SONAME	3
#define MT_CONTROL	4
#define MT_OOBDATA	5

/* m_flags */
#define M_EXT		0x0001	/* data in an external cluster */
#define M_PKTHDR	0x0002	/* first of a packet: m_pkthdr valid */
#define M_EOR		0x0004	/* end of record */
#define M_BCAST		0x0100	/* received as link broadcast */
#define M_MCAST		0x0200	/* received as link multicast */
#define M_CANFASTFWD	0x0400
#define M_COPYFLAGS	(M_PKTHDR | M_EOR | M_BCAST | M_MCAST)

struct m_ext {
	char		*ext_buf;
	size_t		 ext_size;
	unsigned int	*ext_refcnt;	/* shared by m_copym'd mbufs */
};

struct pkthdr {
	struct ifnet	*rcvif;		/* receiving interface, or NULL */
	int		 len;		/* total bytes in the chain */
	int		 csum_flags;	/* M_CSUM_*: checksums verified */
};
#define M_CSUM_IPv4	0x0001	/* IP header checksum checked ok */
#define M_CSUM_DATA	0x0002	/* transport checksum checked ok */

struct mbuf {
	struct mbuf	*m_next;	/* next mbuf of this packet */
	struct mbuf	*m_nextpkt;	/* next packet in a queue */
	char		*m_data;	/* first valid byte */
	int		 m_len;		/* valid bytes in this mbuf */
	short		 m_type;
	short		 m_flags;
	struct pkthdr	 m_pkthdr;	/* valid with M_PKTHDR */
	struct m_ext	 m_ext;		/* valid with M_EXT */
	char		 m_dat[];	/* internal storage */
};

#define MHDRSZ		(sizeof(struct mbuf))
#define MLEN		((int)(MSIZE - MHDRSZ))	/* internal storage */
#define MHLEN		MLEN			/* same with a pkthdr */
#define MINCLSIZE	(MHLEN + 1)

#define mtod(m, t)	((t)(void *)((m)->m_data))

/* Bytes free before m_data and after the valid data in this mbuf. */
#define M_LEADINGSPACE(m)	m_leadingspace(m)
#define M_TRAILINGSPACE(m)	m_trailingspace(m)

/*
 * Allocation.  m_get: one mbuf of type; m_gethdr: the same with a zero
 * packet header; m_getcl: a packet header mbuf with a cluster (flags
 * M_PKTHDR or 0).  NULL only with M_DONTWAIT.
 */
struct mbuf	*m_get_site(int how, int type, struct kmem_site *);
struct mbuf	*m_gethdr_site(int how, int type, struct kmem_site *);
struct mbuf	*m_getcl_site(int how, int type, int flags,
		    struct kmem_site *);
#define m_get(how, type)	m_get_site((how), (type), KMEM_SITE())
#define m_gethdr(how, type)	m_gethdr_site((how), (type), KMEM_SITE())
#define m_getcl(how, type, fl)	m_getcl_site((how), (type), (fl), KMEM_SITE())
#define MGET(m, how, type)	((m) = m_get((how), (type)))
#define MGETHDR(m, how, type)	((m) = m_gethdr((how), (type)))
/* Give m a cluster; 0 or ENOBUFS (m unchanged). */
int		 m_clget(struct mbuf *m, int how);
/*
 * m_getext: an mbuf (flags M_PKTHDR or 0) with external storage of
 * size bytes (a multiple of 4), for buffers bigger than a cluster.
 * m_extref: a new packet header mbuf for the len bytes at off in m's
 * external storage, which it shares by reference (as m_copym does):
 * a driver receiving many frames into one big buffer.
 */
struct mbuf	*m_getext_site(int how, int type, int flags, size_t size,
		    struct kmem_site *);
struct mbuf	*m_extref_site(struct mbuf *m, int off, int len, int how,
		    struct kmem_site *);
#define m_getext(how, type, fl, size) \
	m_getext_site((how), (type), (fl), (size), KMEM_SITE())
#define m_extref(m, off, len, how) \
	m_extref_site((m), (off), (len), (how), KMEM_SITE())

/* Free one mbuf and return its successor; free a whole chain (NULL ok). */
struct mbuf	*m_free(struct mbuf *);
void		 m_freem(struct mbuf *);

int		 m_leadingspace(const struct mbuf *);
int		 m_trailingspace(const struct mbuf *);

/* Place len bytes at the end of m's storage (an empty, fresh mbuf). */
void		 m_align(struct mbuf *m, int len);
#define M_ALIGN(m, len)	m_align((m), (len))
#define MH_ALIGN(m, len) m_align((m), (len))

/*
 * Copy len bytes starting off bytes into the chain out to cp.  The
 * chain must hold them (KASSERT).
 */
void		 m_copydata(const struct mbuf *, int off, int len, void *cp);
/*
 * Copy len bytes from cp into the chain at off, extending it with new
 * mbufs as needed (and the pkthdr length).  0 or ENOBUFS.
 */
int		 m_copyback(struct mbuf *, int off, int len, const void *cp,
		    int how);
/*
 * Make the first len bytes contiguous in the first mbuf (len <= MHLEN).
 * Returns the (maybe new) head, or NULL having freed the chain.
 */
struct mbuf	*m_pullup(struct mbuf *, int len);
/* Trim len bytes from the head (len > 0) or the tail (len < 0). */
void		 m_adj(struct mbuf *, int len);
/*
 * Make room for len (<= MHLEN) bytes before the data, allocating a new
 * head if needed.  Returns the head or NULL having freed the chain.
 */
struct mbuf	*m_prepend(struct mbuf *, int len, int how);
#define M_PREPEND(m, plen, how) do {					\
	int __plen = (int)(plen);					\
	if (M_LEADINGSPACE(m) >= __plen) {				\
		(m)->m_data -= __plen;					\
		(m)->m_len += __plen;					\
		if ((m)->m_flags & M_PKTHDR)				\
			(m)->m_pkthdr.len += __plen;			\
	} else								\
		(m) = m_prepend((m), __plen, (how));			\
} while (0)
/* Append chain n to m (no pkthdr length update). */
void		 m_cat(struct mbuf *m, struct mbuf *n);
/*
 * A new chain with len bytes (M_COPYALL: to the end) from off; clusters
 * are shared, not copied, so the copy is read-only.  The pkthdr is
 * copied when off is 0.  NULL when out of memory (m untouched).
 */
#define M_COPYALL	(-1)
struct mbuf	*m_copym(struct mbuf *, int off, int len, int how);
/* A deep, writable copy of a whole packet; NULL when out of memory. */
struct mbuf	*m_dup(struct mbuf *, int off, int len, int how);
/*
 * Split the chain at len: m keeps len bytes, the rest is returned as a
 * new packet (NULL, m unchanged, when out of memory).
 */
struct mbuf	*m_split(struct mbuf *, int len, int how);
/* Bytes in the chain (walks it). */
int		 m_length(const struct mbuf *);
/*
 * A packet header mbuf holding a copy of len bytes (any len), for
 * drivers.  The data starts MBUF_ETHER_ALIGN bytes into the buffer so
 * that the IP header after a 14-byte Ethernet header is 4-byte aligned
 * (struct ip's fields are read in place).
 */
#define MBUF_ETHER_ALIGN	2
struct mbuf	*m_devget(const void *buf, int len, struct ifnet *ifp,
		    int how);
/* Move the packet header from "from" to "to" (a fresh mbuf). */
void		 m_move_pkthdr(struct mbuf *to, struct mbuf *from);
/* Check the chain: lengths add up to the pkthdr's (KASSERT). */
void		 m_check(const struct mbuf *);

/* Outstanding counts, for tests and the shutdown check. */
struct mbstat {
	uint64_t	m_mbufs;	/* mbufs allocated now */
	uint64_t	m_clusters;	/* clusters allocated now */
	uint64_t	m_drops;	/* M_DONTWAIT allocations that failed */
};
extern struct mbstat mbstat;

/*
 * A queue of packets (m_nextpkt) with a limit; not locked itself.
 */
struct ifqueue {
	struct mbuf	*ifq_head;
	struct mbuf	*ifq_tail;
	int		 ifq_len;
	int		 ifq_maxlen;
	uint64_t	 ifq_drops;
};
#define IF_QFULL(q)	((q)->ifq_len >= (q)->ifq_maxlen)
#define IF_IS_EMPTY(q)	((q)->ifq_len == 0)
/* Append; 0, or ENOBUFS having freed m and counted a drop. */
int		 ifq_enqueue(struct ifqueue *, struct mbuf *);
struct mbuf	*ifq_dequeue(struct ifqueue *);
void		 ifq_purge(struct ifqueue *);

#endif /* _RUMP_SYS_MBUF_H_ */
