/*
 * uipc_mbuf.c: packet buffers (see rump-sys/mbuf.h).  Every mbuf and
 * cluster is a kmem allocation, charged to the caller's site for the
 * public allocators, so the harness's leak check names a leaked
 * packet's origin; mbstat keeps the totals for the faction's shutdown
 * check.
 *
 * Free mbufs are kept per virtual CPU (NetBSD's pool_cache, in small):
 * a bulk transfer allocates and frees several mbufs per segment, often
 * on different host threads, and the host allocator's cross-thread
 * frees, kmem's checks and its quarantine's poisoning cost as much as
 * the protocol work.  A thread keeps its virtual CPU while it runs
 * kernel code, so a CPU's list needs no lock.  A cached mbuf handed out
 * again goes through kmem_recycle_site, which applies fault injection
 * and moves the leak accounting to the new caller, as a fresh
 * allocation would.  Under valgrind or AddressSanitizer there is no
 * cache, so that they see every use after free.  The cache is emptied
 * at shutdown, before the leak check.
 */
#include <rump-sys/systm.h>
#include <rump-sys/atomic.h>
#include <rump-sys/kmem.h>
#include <rump-sys/lwp.h>
#include <rump-sys/mbuf.h>
#include <rump-sys/socket.h>
#include <rump/rumpuser.h>

#include "rumpnet_int.h"

struct mbstat mbstat;

#define MCACHE_MAX	256		/* free mbufs kept per virtual CPU */

struct mcache {
	struct mbuf	*mc_free;	/* linked through m_next */
	unsigned int	 mc_n;
} __aligned(CACHE_LINE_SIZE);

static struct mcache	mcache[MAXCPUS];
static bool		mcache_on;

/*
 * Counters and reference counts change only with a virtual CPU held:
 * KATOMIC (plain adds with the uniprocessor locks; a locked add per
 * mbuf on a line the receive and the application threads share cost
 * several percent of a bulk transfer).
 */
#define MBSTAT_ADD(f, n) KATOMIC_ADD(&mbstat.f, (n))

void
mbinit(void)
{
	char buf[8];

	memset(mcache, 0, sizeof(mcache));
	mcache_on = rumpuser_getparam(RUMPUSER_PARAM_INSTRUMENTED, buf,
	    sizeof(buf)) != 0;
}

void
mbfini(void)
{
	struct mbuf *m;

	for (int i = 0; i < MAXCPUS; i++) {
		while ((m = mcache[i].mc_free) != NULL) {
			mcache[i].mc_free = m->m_next;
			kmem_free(m, MSIZE);
		}
		mcache[i].mc_n = 0;
	}
	mcache_on = false;
}

/* This virtual CPU's cache, or NULL for none. */
static struct mcache *
mcache_here(void)
{
	struct lwp *l = curlwp;

	if (!mcache_on || l == NULL || l->l_cpu == NULL)
		return NULL;
	return &mcache[l->l_cpu->ci_index];
}

static struct mbuf *
m_alloc(int how, int type, int flags, struct kmem_site *site)
{
	struct mcache *mc = mcache_here();
	struct mbuf *m;

	KASSERT(how == M_WAITOK || how == M_DONTWAIT);
	if (mc != NULL && mc->mc_free != NULL) {
		m = mc->mc_free;
		if (!kmem_recycle_site(m, MSIZE, (km_flag_t)how, site)) {
			MBSTAT_ADD(m_drops, 1);
			return NULL;
		}
		mc->mc_free = m->m_next;
		mc->mc_n--;
	} else if ((m = kmem_alloc_site(MSIZE, (km_flag_t)how, site)) ==
	    NULL) {
		MBSTAT_ADD(m_drops, 1);
		return NULL;
	}
	MBSTAT_ADD(m_mbufs, 1);
	m->m_next = m->m_nextpkt = NULL;
	m->m_data = m->m_dat;
	m->m_len = 0;
	m->m_type = (short)type;
	m->m_flags = (short)flags;
	memset(&m->m_pkthdr, 0, sizeof(m->m_pkthdr));
	memset(&m->m_ext, 0, sizeof(m->m_ext));
	return m;
}

struct mbuf *
m_get_site(int how, int type, struct kmem_site *site)
{
	return m_alloc(how, type, 0, site);
}

struct mbuf *
m_gethdr_site(int how, int type, struct kmem_site *site)
{
	return m_alloc(how, type, M_PKTHDR, site);
}

/* Give m external storage of size bytes with a reference count. */
static int
m_extget_site(struct mbuf *m, int how, size_t size, struct kmem_site *site)
{
	char *buf;
	unsigned int *ref;

	KASSERT((m->m_flags & M_EXT) == 0);
	buf = kmem_alloc_site(size + sizeof(*ref), (km_flag_t)how, site);
	if (buf == NULL) {
		MBSTAT_ADD(m_drops, 1);
		return ENOBUFS;
	}
	ref = (unsigned int *)(void *)(buf + size);
	*ref = 1;
	MBSTAT_ADD(m_clusters, 1);
	m->m_ext.ext_buf = buf;
	m->m_ext.ext_size = size;
	m->m_ext.ext_refcnt = ref;
	m->m_data = buf;
	m->m_flags |= M_EXT;
	return 0;
}

static int
m_clget_site(struct mbuf *m, int how, struct kmem_site *site)
{
	return m_extget_site(m, how, MCLBYTES, site);
}

int
m_clget(struct mbuf *m, int how)
{
	return m_clget_site(m, how, KMEM_SITE());
}

struct mbuf *
m_getcl_site(int how, int type, int flags, struct kmem_site *site)
{
	struct mbuf *m;

	if ((m = m_alloc(how, type, flags & M_PKTHDR, site)) == NULL)
		return NULL;
	if (m_clget_site(m, how, site) != 0) {
		m_free(m);
		return NULL;
	}
	return m;
}

struct mbuf *
m_getext_site(int how, int type, int flags, size_t size,
    struct kmem_site *site)
{
	struct mbuf *m;

	/* The reference count after the data stays aligned. */
	KASSERT(size > 0 && size % sizeof(unsigned int) == 0);
	if ((m = m_alloc(how, type, flags & M_PKTHDR, site)) == NULL)
		return NULL;
	if (m_extget_site(m, how, size, site) != 0) {
		m_free(m);
		return NULL;
	}
	return m;
}

struct mbuf *
m_extref_site(struct mbuf *m, int off, int len, int how,
    struct kmem_site *site)
{
	struct mbuf *n;

	KASSERT(m->m_flags & M_EXT);
	KASSERT(off >= 0 && len >= 0 &&
	    (size_t)off + (size_t)len <= m->m_ext.ext_size);
	if ((n = m_alloc(how, MT_DATA, M_PKTHDR, site)) == NULL)
		return NULL;
	n->m_ext = m->m_ext;
	n->m_flags |= M_EXT;
	KATOMIC_ADD(m->m_ext.ext_refcnt, 1);
	n->m_data = m->m_ext.ext_buf + off;
	n->m_len = n->m_pkthdr.len = len;
	return n;
}

struct mbuf *
m_free(struct mbuf *m)
{
	struct mbuf *n = m->m_next;
	struct mcache *mc;

	KASSERTMSG(m->m_type != MT_FREE, "m_free: mbuf %p freed twice", m);
	if (m->m_flags & M_EXT) {
		if (KATOMIC_SUB_FETCH(m->m_ext.ext_refcnt, 1) == 0) {
			kmem_free(m->m_ext.ext_buf,
			    m->m_ext.ext_size + sizeof(unsigned int));
			MBSTAT_ADD(m_clusters, -1);
		}
	}
	m->m_type = MT_FREE;
	MBSTAT_ADD(m_mbufs, -1);
	if ((mc = mcache_here()) != NULL && mc->mc_n < MCACHE_MAX) {
		m->m_next = mc->mc_free;
		mc->mc_free = m;
		mc->mc_n++;
	} else
		kmem_free(m, MSIZE);
	return n;
}

void
m_freem(struct mbuf *m)
{
	while (m != NULL)
		m = m_free(m);
}

static bool
m_writable(const struct mbuf *m)
{
	return !(m->m_flags & M_EXT) ||
	    __atomic_load_n(m->m_ext.ext_refcnt, __ATOMIC_ACQUIRE) == 1;
}

static char *
m_bufstart(const struct mbuf *m)
{
	return (m->m_flags & M_EXT) ? m->m_ext.ext_buf :
	    __UNCONST(m->m_dat);
}

static size_t
m_bufsize(const struct mbuf *m)
{
	return (m->m_flags & M_EXT) ? m->m_ext.ext_size : (size_t)MLEN;
}

int
m_leadingspace(const struct mbuf *m)
{
	if (!m_writable(m))
		return 0;
	return (int)(m->m_data - m_bufstart(m));
}

int
m_trailingspace(const struct mbuf *m)
{
	if (!m_writable(m))
		return 0;
	return (int)(m_bufstart(m) + m_bufsize(m) - (m->m_data + m->m_len));
}

void
m_align(struct mbuf *m, int len)
{
	KASSERT(m->m_len == 0 && len >= 0 && (size_t)len <= m_bufsize(m));
	m->m_data = m_bufstart(m) + ((m_bufsize(m) - (size_t)len) &
	    ~(sizeof(long) - 1));
}

void
m_copydata(const struct mbuf *m, int off, int len, void *cp)
{
	char *p = cp;
	int n;

	KASSERTMSG(off >= 0 && len >= 0, "off %d len %d", off, len);
	while (off > 0) {
		KASSERTMSG(m != NULL, "offset past the chain");
		if (off < m->m_len)
			break;
		off -= m->m_len;
		m = m->m_next;
	}
	while (len > 0) {
		KASSERTMSG(m != NULL, "length %d past the chain", len);
		n = MIN(m->m_len - off, len);
		memcpy(p, m->m_data + off, (size_t)n);
		p += n;
		len -= n;
		off = 0;
		m = m->m_next;
	}
}

/* Grow the chain with zeroed bytes until it holds len; 0 or ENOBUFS. */
static int
m_extend(struct mbuf *m, int len, int how)
{
	struct mbuf *n;
	int have = m_length(m), room;

	while (m->m_next != NULL)
		m = m->m_next;
	while (have < len) {
		room = MIN(M_TRAILINGSPACE(m), len - have);
		if (room > 0) {
			memset(m->m_data + m->m_len, 0, (size_t)room);
			m->m_len += room;
			have += room;
			continue;
		}
		n = len - have > MLEN ? m_getcl(how, m->m_type, 0) :
		    m_get(how, m->m_type);
		if (n == NULL)
			return ENOBUFS;
		m->m_next = n;
		m = n;
	}
	return 0;
}

int
m_copyback(struct mbuf *m0, int off, int len, const void *cp, int how)
{
	const char *p = cp;
	struct mbuf *m;
	int n, error;

	KASSERT(off >= 0 && len >= 0);
	if ((error = m_extend(m0, off + len, how)) != 0)
		return error;
	for (m = m0; len > 0; m = m->m_next) {
		KASSERT(m != NULL);
		if (off >= m->m_len) {
			off -= m->m_len;
			continue;
		}
		KASSERT(m_writable(m));
		n = MIN(m->m_len - off, len);
		memcpy(m->m_data + off, p, (size_t)n);
		p += n;
		len -= n;
		off = 0;
	}
	if ((m0->m_flags & M_PKTHDR) && m0->m_pkthdr.len < m_length(m0))
		m0->m_pkthdr.len = m_length(m0);
	return 0;
}

void
m_move_pkthdr(struct mbuf *to, struct mbuf *from)
{
	KASSERT(from->m_flags & M_PKTHDR);
	to->m_flags = (short)((to->m_flags & M_EXT) |
	    (from->m_flags & M_COPYFLAGS));
	to->m_pkthdr = from->m_pkthdr;
	from->m_flags &= ~M_PKTHDR;
}

struct mbuf *
m_pullup(struct mbuf *m0, int len)
{
	struct mbuf *m;
	int n;

	if (m0->m_len >= len)
		return m0;
	if (len > MHLEN) {
		m_freem(m0);
		return NULL;
	}
	if ((m = m_get(M_DONTWAIT, m0->m_type)) == NULL) {
		m_freem(m0);
		return NULL;
	}
	if (m0->m_flags & M_PKTHDR)
		m_move_pkthdr(m, m0);
	m->m_next = m0;
	while (m->m_len < len && m->m_next != NULL) {
		struct mbuf *s = m->m_next;

		n = MIN(len - m->m_len, s->m_len);
		memcpy(m->m_data + m->m_len, s->m_data, (size_t)n);
		m->m_len += n;
		s->m_data += n;
		s->m_len -= n;
		if (s->m_len == 0)
			m->m_next = m_free(s);
	}
	if (m->m_len < len) {
		m_freem(m);		/* the chain was too short */
		return NULL;
	}
	return m;
}

void
m_adj(struct mbuf *mp, int req_len)
{
	struct mbuf *m;
	int len = req_len, count = 0;

	if (mp == NULL)
		return;
	if (len >= 0) {
		for (m = mp; m != NULL && len > 0; m = m->m_next) {
			int n = MIN(m->m_len, len);

			m->m_data += n;
			m->m_len -= n;
			len -= n;
		}
		if (mp->m_flags & M_PKTHDR)
			mp->m_pkthdr.len -= req_len - len;
		return;
	}
	len = -len;
	for (m = mp; m != NULL; m = m->m_next)
		count += m->m_len;
	if (len > count)
		len = count;
	count -= len;
	if (mp->m_flags & M_PKTHDR)
		mp->m_pkthdr.len = count;
	for (m = mp; m != NULL; m = m->m_next) {
		if (m->m_len >= count) {
			m->m_len = count;
			break;
		}
		count -= m->m_len;
	}
	if (m != NULL)
		for (m = m->m_next; m != NULL; m = m->m_next)
			m->m_len = 0;
}

struct mbuf *
m_prepend(struct mbuf *m, int len, int how)
{
	struct mbuf *mn;

	KASSERT(len >= 0 && len <= MHLEN);
	if ((mn = m_get(how, m->m_type)) == NULL) {
		m_freem(m);
		return NULL;
	}
	if (m->m_flags & M_PKTHDR)
		m_move_pkthdr(mn, m);
	mn->m_next = m;
	m_align(mn, len);
	mn->m_len = len;
	if (mn->m_flags & M_PKTHDR)
		mn->m_pkthdr.len += len;
	return mn;
}

void
m_cat(struct mbuf *m, struct mbuf *n)
{
	while (m->m_next != NULL)
		m = m->m_next;
	while (n != NULL) {
		if ((m->m_flags & M_EXT) || n->m_len > M_TRAILINGSPACE(m)) {
			m->m_next = n;
			return;
		}
		memcpy(m->m_data + m->m_len, n->m_data, (size_t)n->m_len);
		m->m_len += n->m_len;
		n = m_free(n);
	}
}

struct mbuf *
m_copym(struct mbuf *m, int off, int len, int how)
{
	struct mbuf *top = NULL, **np = &top, *n, *m0 = m;
	int copyhdr = (off == 0 && (m->m_flags & M_PKTHDR)), total = len;

	KASSERT(off >= 0);
	while (off > 0 && m != NULL && off >= m->m_len) {
		off -= m->m_len;
		m = m->m_next;
	}
	while (len != 0 && m != NULL) {
		if ((n = m_get(how, m->m_type)) == NULL)
			goto nospace;
		*np = n;
		if (copyhdr) {
			n->m_flags |= (short)(m0->m_flags & M_COPYFLAGS);
			n->m_pkthdr = m0->m_pkthdr;
			n->m_pkthdr.len = len == M_COPYALL ?
			    m0->m_pkthdr.len : len;
			copyhdr = 0;
		}
		n->m_len = len == M_COPYALL ? m->m_len - off :
		    MIN(len, m->m_len - off);
		if (m->m_flags & M_EXT) {
			n->m_ext = m->m_ext;
			n->m_flags |= M_EXT;
			KATOMIC_ADD(m->m_ext.ext_refcnt, 1);
			n->m_data = m->m_data + off;
		} else
			memcpy(n->m_data, m->m_data + off, (size_t)n->m_len);
		if (len != M_COPYALL)
			len -= n->m_len;
		off = 0;
		m = m->m_next;
		np = &n->m_next;
	}
	KASSERTMSG(len == 0 || len == M_COPYALL,
	    "m_copym: %d of %d bytes past the chain", len, total);
	return top;
nospace:
	m_freem(top);
	return NULL;
}

struct mbuf *
m_dup(struct mbuf *m, int off, int len, int how)
{
	struct mbuf *top = NULL, *n, **np = &top;
	int total = len == M_COPYALL ? m_length(m) - off : len, chunk;

	while (total > 0) {
		if (top == NULL)
			n = total > MHLEN ? m_getcl(how, m->m_type, M_PKTHDR) :
			    m_gethdr(how, m->m_type);
		else
			n = total > MLEN ? m_getcl(how, m->m_type, 0) :
			    m_get(how, m->m_type);
		if (n == NULL) {
			m_freem(top);
			return NULL;
		}
		if (top == NULL && (m->m_flags & M_PKTHDR)) {
			n->m_pkthdr = m->m_pkthdr;
			n->m_flags |= (short)(m->m_flags & M_COPYFLAGS);
		}
		*np = n;
		np = &n->m_next;
		chunk = MIN(total, (int)m_bufsize(n));
		m_copydata(m, off, chunk, n->m_data);
		n->m_len = chunk;
		off += chunk;
		total -= chunk;
		if (top != n)
			top->m_pkthdr.len += chunk;
		else
			top->m_pkthdr.len = chunk;
	}
	if (top == NULL)
		top = m_gethdr(how, m->m_type);
	return top;
}

struct mbuf *
m_split(struct mbuf *m0, int len0, int how)
{
	struct mbuf *m, *n;
	int len = len0, remain;

	for (m = m0; m != NULL && len > m->m_len; m = m->m_next)
		len -= m->m_len;
	if (m == NULL)
		return NULL;
	remain = m->m_len - len;
	if ((n = m_gethdr(how, m0->m_type)) == NULL)
		return NULL;
	n->m_pkthdr.rcvif = m0->m_pkthdr.rcvif;
	n->m_pkthdr.len = m0->m_pkthdr.len - len0;
	if (remain == 0) {
		n->m_next = m->m_next;
	} else if (m->m_flags & M_EXT) {
		n->m_next = m_copym(m, len, remain, how);
		if (n->m_next == NULL) {
			m_free(n);
			return NULL;
		}
		n->m_next->m_next = m->m_next;
	} else {
		if (remain > MHLEN) {
			m_free(n);
			return NULL;
		}
		memcpy(n->m_data, m->m_data + len, (size_t)remain);
		n->m_len = remain;
		n->m_next = m->m_next;
	}
	m->m_len = len;
	m->m_next = NULL;
	m0->m_pkthdr.len = len0;
	return n;
}

int
m_length(const struct mbuf *m)
{
	int len = 0;

	for (; m != NULL; m = m->m_next)
		len += m->m_len;
	return len;
}

struct mbuf *
m_devget(const void *buf, int len, struct ifnet *ifp, int how)
{
	struct mbuf *m;

	m = len + MBUF_ETHER_ALIGN > MHLEN ?
	    m_getcl(how, MT_DATA, M_PKTHDR) : m_gethdr(how, MT_DATA);
	if (m == NULL)
		return NULL;
	/* a header after a 14-byte link header lands 4-byte aligned */
	m->m_data += MBUF_ETHER_ALIGN;
	if (len + MBUF_ETHER_ALIGN <= (int)m_bufsize(m)) {
		memcpy(m->m_data, buf, (size_t)len);
		m->m_len = len;
		m->m_pkthdr.len = len;
	} else if (m_copyback(m, 0, len, buf, how) != 0) {
		m_freem(m);
		return NULL;
	}
	m->m_pkthdr.rcvif = ifp;
	return m;
}

void
m_check(const struct mbuf *m)
{
	KASSERT(m->m_flags & M_PKTHDR);
	KASSERTMSG(m_length(m) == m->m_pkthdr.len,
	    "chain has %d bytes, pkthdr says %d", m_length(m),
	    m->m_pkthdr.len);
}

int
ifq_enqueue(struct ifqueue *q, struct mbuf *m)
{
	if (IF_QFULL(q)) {
		q->ifq_drops++;
		m_freem(m);
		return ENOBUFS;
	}
	m->m_nextpkt = NULL;
	if (q->ifq_tail == NULL)
		q->ifq_head = m;
	else
		q->ifq_tail->m_nextpkt = m;
	q->ifq_tail = m;
	q->ifq_len++;
	return 0;
}

struct mbuf *
ifq_dequeue(struct ifqueue *q)
{
	struct mbuf *m = q->ifq_head;

	if (m == NULL)
		return NULL;
	q->ifq_head = m->m_nextpkt;
	if (q->ifq_head == NULL)
		q->ifq_tail = NULL;
	m->m_nextpkt = NULL;
	q->ifq_len--;
	return m;
}

void
ifq_purge(struct ifqueue *q)
{
	struct mbuf *m;

	while ((m = ifq_dequeue(q)) != NULL)
		m_freem(m);
}
