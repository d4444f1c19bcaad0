/*
 * uipc_sockbuf.c: socket buffers.  A sockbuf is a list of records
 * (m_nextpkt), each a chain of mbufs (m_next): a datagram record is
 * [MT_SONAME] [MT_CONTROL...] data...; a stream socket has a single
 * record that grows at the tail.  sb_cc counts data bytes only.
 * softnet_lock held throughout.
 */
#include <rump-sys/systm.h>
#include <rump-sys/mbuf.h>
#include <rump-sys/socketvar.h>

#include "rumpnet_int.h"

static int
m_isdata(const struct mbuf *m)
{
	return m->m_type == MT_DATA || m->m_type == MT_HEADER ||
	    m->m_type == MT_OOBDATA;
}

static size_t
sb_datalen(const struct mbuf *m)
{
	size_t n = 0;

	for (; m != NULL; m = m->m_next)
		if (m_isdata(m))
			n += (size_t)m->m_len;
	return n;
}

int
sbreserve(struct sockbuf *sb, size_t cc)
{
	if (cc == 0 || cc > SB_MAX)
		return ENOBUFS;
	sb->sb_hiwat = cc;
	if (sb->sb_lowat > cc)
		sb->sb_lowat = cc;
	return 0;
}

static struct mbuf *
m_last(struct mbuf *m)
{
	while (m->m_next != NULL)
		m = m->m_next;
	return m;
}

void
sbappendstream(struct sockbuf *sb, struct mbuf *m)
{
	struct mbuf *tail;

	if (m == NULL)
		return;
	/* TCP has one record; a local stream also starts one per message
	 * carrying control (descriptors), and data goes to the last. */
	if (m->m_flags & M_PKTHDR)
		m->m_flags &= ~M_PKTHDR;
	sb->sb_cc += sb_datalen(m);
	if (sb->sb_mb == NULL) {
		sb->sb_mb = sb->sb_lastrecord = m;
		sb->sb_mbtail = m_last(m);
		return;
	}
	tail = sb->sb_mbtail;
	/* pack small mbufs into the tail: keeps long streams short */
	while (m != NULL && m_isdata(tail) && !(m->m_flags & M_EXT) &&
	    m->m_len <= M_TRAILINGSPACE(tail)) {
		memcpy(tail->m_data + tail->m_len, m->m_data, (size_t)m->m_len);
		tail->m_len += m->m_len;
		m = m_free(m);
	}
	if (m != NULL) {
		tail->m_next = m;
		sb->sb_mbtail = m_last(m);
	}
}

void
sbappend(struct sockbuf *sb, struct mbuf *m)
{
	sbappendstream(sb, m);
}

void
sbappendrecord(struct sockbuf *sb, struct mbuf *m)
{
	if (m == NULL)
		return;
	m->m_nextpkt = NULL;
	sb->sb_cc += sb_datalen(m);
	if (sb->sb_mb == NULL)
		sb->sb_mb = m;
	else
		sb->sb_lastrecord->m_nextpkt = m;
	sb->sb_lastrecord = m;
	sb->sb_mbtail = m_last(m);
}

int
sbappendaddrlen(struct sockbuf *sb, const struct sockaddr *asa,
    unsigned int salen, struct mbuf *m, struct mbuf *control)
{
	struct mbuf *n = NULL;

	KASSERT(salen <= (unsigned int)MLEN);
	if (asa != NULL) {
		if ((n = m_get(M_DONTWAIT, MT_SONAME)) == NULL)
			return 0;
		memcpy(n->m_data, asa, salen);
		n->m_len = (int)salen;
	}
	if (control != NULL) {
		m_last(control)->m_next = m;
		m = control;
	}
	if (n != NULL) {
		n->m_next = m;
		m = n;
	}
	sbappendrecord(sb, m);
	return 1;
}

int
sbappendaddr(struct sockbuf *sb, const struct sockaddr *asa, struct mbuf *m,
    struct mbuf *control)
{
	size_t len = m != NULL ? (size_t)m_length(m) : 0;

	if ((long)len > sbspace(sb))
		return 0;
	return sbappendaddrlen(sb, asa, sizeof(struct sockaddr), m, control);
}

struct mbuf *
sbtakecontrol(struct sockbuf *sb)
{
	struct mbuf *m = sb->sb_mb, *top = m, *last = NULL;

	while (m != NULL && m->m_type == MT_CONTROL) {
		last = m;
		m = m->m_next;
	}
	if (last == NULL)
		return NULL;
	last->m_next = NULL;
	if (m != NULL) {
		m->m_nextpkt = top->m_nextpkt;
		if (sb->sb_lastrecord == top)
			sb->sb_lastrecord = m;
	} else {
		m = top->m_nextpkt;
		if (sb->sb_lastrecord == top)
			sb->sb_lastrecord = NULL;
	}
	top->m_nextpkt = NULL;
	sb->sb_mb = m;
	if (m == NULL)
		sb->sb_lastrecord = sb->sb_mbtail = NULL;
	return top;
}

void
sbdroprecord(struct sockbuf *sb)
{
	struct mbuf *m = sb->sb_mb;

	if (m == NULL)
		return;
	sb->sb_mb = m->m_nextpkt;
	sb->sb_cc -= sb_datalen(m);
	m_freem(m);
	if (sb->sb_mb == NULL)
		sb->sb_lastrecord = sb->sb_mbtail = NULL;
}

void
sbdrop(struct sockbuf *sb, int len)
{
	struct mbuf *m, *next;

	KASSERT(len >= 0 && (size_t)len <= sb->sb_cc);
	while (len > 0) {
		m = sb->sb_mb;
		KASSERT(m != NULL);
		if (m_isdata(m) && m->m_len > len) {
			m->m_data += len;
			m->m_len -= len;
			sb->sb_cc -= (size_t)len;
			break;
		}
		if (m_isdata(m)) {
			len -= m->m_len;
			sb->sb_cc -= (size_t)m->m_len;
		}
		next = m->m_next != NULL ? m->m_next : m->m_nextpkt;
		if (m->m_next != NULL)
			m->m_next->m_nextpkt = m->m_nextpkt;
		m->m_next = NULL;
		m_free(m);
		sb->sb_mb = next;
		if (next == NULL)
			break;
	}
	if (sb->sb_mb == NULL) {
		sb->sb_lastrecord = sb->sb_mbtail = NULL;
		return;
	}
	/* the first record may have a new head (sb_mbtail stays valid) */
	if (sb->sb_mb->m_nextpkt == NULL)
		sb->sb_lastrecord = sb->sb_mb;
}

void
sbflush(struct sockbuf *sb)
{
	while (sb->sb_mb != NULL)
		sbdroprecord(sb);
	KASSERTMSG(sb->sb_cc == 0, "sbflush: %zu bytes left", sb->sb_cc);
}

void
sbrelease(struct sockbuf *sb)
{
	sbflush(sb);
	sb->sb_hiwat = 0;
}
