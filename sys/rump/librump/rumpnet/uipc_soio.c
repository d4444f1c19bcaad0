/*
 * uipc_soio.c: moving data through sockets (sosend, soreceive) and
 * socket options.  Both loops run with softnet_lock held and sleep on
 * the sockbuf's condition variable (sbwait), which releases it; user
 * memory is copied with the lock held (it is our own address space,
 * copyin never sleeps).
 */
#include <rump-sys/systm.h>
#include <rump-sys/domain.h>
#include <rump-sys/lwp.h>
#include <rump-sys/mbuf.h>
#include <rump-sys/protosw.h>
#include <rump-sys/socketvar.h>
#include <rump-sys/time.h>
#include <rump-sys/uio.h>
#include <rump/rumpuser.h>

#include "rumpnet_int.h"

/*
 * Storage for a big write: buffers of up to SO_EXTMAX bytes rather than
 * 2 KiB clusters.  A 64 KiB write is then one buffer, not 32: one
 * allocation and free instead of 32 (each of which kmem poisons), and a
 * chain that TCP walks (m_copym for every segment it sends from the
 * send buffer) 32 times shorter.  Segments share the buffer by
 * reference, as they share clusters.
 */
#define SO_EXTMAX	(64 * 1024)

/* Copy len bytes of uio into a new packet; 0, EFAULT, ENOBUFS. */
static int
so_uio_to_mbuf(struct uio *uio, size_t len, struct mbuf **mp)
{
	struct mbuf *top = NULL, *m, **np = &top;
	size_t chunk, ext;
	int error, fl;

	do {
		fl = top == NULL ? M_PKTHDR : 0;
		m = NULL;
		if (len > (size_t)MCLBYTES) {
			ext = (MIN(len, (size_t)SO_EXTMAX) + 7) & ~(size_t)7;
			m = m_getext(M_DONTWAIT, MT_DATA, fl, ext);
		}
		if (m != NULL)
			;
		else if (top == NULL)
			m = len > (size_t)MHLEN ?
			    m_getcl(M_DONTWAIT, MT_DATA, M_PKTHDR) :
			    m_gethdr(M_DONTWAIT, MT_DATA);
		else
			m = len > (size_t)MLEN ? m_getcl(M_DONTWAIT, MT_DATA, 0) :
			    m_get(M_DONTWAIT, MT_DATA);
		if (m == NULL) {
			m_freem(top);
			return ENOBUFS;
		}
		*np = m;
		np = &m->m_next;
		chunk = MIN(len, (size_t)M_TRAILINGSPACE(m));
		if (top == m && chunk < len && !(m->m_flags & M_EXT)) {
			/* leave room for protocol headers before small data */
			m_align(m, (int)chunk);
		}
		if ((error = uiomove(m->m_data, chunk, uio)) != 0) {
			m_freem(top);
			return error;
		}
		m->m_len = (int)chunk;
		top->m_pkthdr.len += (int)chunk;
		len -= chunk;
	} while (len > 0);
	*mp = top;
	return 0;
}

int
sosend(struct socket *so, const struct sockaddr *addr, struct uio *uio,
    struct mbuf *top, struct mbuf *control, int flags, bool nbio)
{
	const struct protosw *pr = so->so_proto;
	bool atomic = (pr->pr_flags & PR_ATOMIC) != 0;
	size_t resid = top != NULL ? (size_t)top->m_pkthdr.len :
	    uio->uio_resid, sent0 = resid, chunk;
	long space;
	struct mbuf *m;
	int error = 0;

	if (flags & MSG_DONTWAIT)
		nbio = true;
	solock(so);
	if ((flags & MSG_OOB) && pr->pr_usrreqs->pr_sendoob == NULL) {
		error = EOPNOTSUPP;
		goto out;
	}
	do {
		if (so->so_state & SS_CANTSENDMORE) {
			error = EPIPE;
			goto out;
		}
		if (so->so_error != 0) {
			error = so->so_error;
			so->so_error = 0;
			goto out;
		}
		if (!(so->so_state & SS_ISCONNECTED)) {
			if (pr->pr_flags & PR_CONNREQUIRED) {
				error = (so->so_state & SS_ISCONNECTING) &&
				    nbio ? EAGAIN : ENOTCONN;
				if (so->so_state & SS_ISCONNECTING && !nbio)
					goto wait;
				goto out;
			}
			if (addr == NULL) {
				error = EDESTADDRREQ;
				goto out;
			}
		}
		space = sbspace(&so->so_snd);
		/*
		 * A record bigger than the buffer goes when the buffer is
		 * empty (as Linux: SO_SNDBUF bounds what is queued, the
		 * protocol the size of a datagram).
		 */
		if ((atomic && space < (long)MIN(resid, so->so_snd.sb_hiwat)) ||
		    (!atomic && space < (long)MIN(resid,
		    so->so_snd.sb_lowat)) || space <= 0) {
			if (nbio) {
				error = EAGAIN;
				goto out;
			}
wait:
			if ((error = sbwait(&so->so_snd)) != 0) {
				error = EAGAIN;
				goto out;
			}
			error = 0;
			continue;
		}
		chunk = atomic ? resid : MIN(resid, (size_t)space);
		if (top != NULL) {
			m = top;
			top = NULL;
		} else if ((error = so_uio_to_mbuf(uio, chunk, &m)) != 0)
			goto out;
		if (resid == chunk && (flags & MSG_EOR))
			m->m_flags |= M_EOR;
		resid -= chunk;
		if (flags & MSG_OOB)
			error = pr->pr_usrreqs->pr_sendoob(so, m, control);
		else
			error = pr->pr_usrreqs->pr_send(so, m,
			    __UNCONST(addr), control, curlwp);
		control = NULL;
		if (error != 0)
			goto out;
	} while (resid > 0);
out:
	sounlock(so);
	m_freem(top);
	if (control != NULL) {
		/* never handed to the protocol: drop what it refers to */
		sodispose(so, control);
		m_freem(control);
	}
	/* a partial stream write counts: report what went */
	if (error == EAGAIN && !atomic && resid < sent0 && top == NULL)
		error = 0;
	return error;
}

/* Wait for something to receive; 0 with data ready, or the outcome. */
static int
soreceive_wait(struct socket *so, bool nbio, bool *eofp)
{
	int error;

	*eofp = false;
	while (so->so_rcv.sb_mb == NULL) {
		if (so->so_error != 0) {
			error = so->so_error;
			so->so_error = 0;
			return error;
		}
		if (so->so_state & SS_CANTRCVMORE) {
			*eofp = true;
			return 0;
		}
		if ((so->so_proto->pr_flags & PR_CONNREQUIRED) &&
		    !(so->so_state & (SS_ISCONNECTED | SS_ISCONNECTING)))
			return ENOTCONN;
		if (nbio)
			return EAGAIN;
		if (sbwait(&so->so_rcv) != 0)
			return EAGAIN;
	}
	return 0;
}

/*
 * Unlink the control mbufs that follow m (the record's address) or head
 * the first record (m NULL); NULL when there are none.
 */
static struct mbuf *
so_takecontrol(struct sockbuf *sb, struct mbuf *m)
{
	struct mbuf *top, *last;

	if (m == NULL)
		return sbtakecontrol(sb);
	if ((top = m->m_next) == NULL || top->m_type != MT_CONTROL)
		return NULL;
	for (last = top; last->m_next != NULL &&
	    last->m_next->m_type == MT_CONTROL; last = last->m_next)
		;
	m->m_next = last->m_next;
	last->m_next = NULL;
	if (m->m_next == NULL && sb->sb_lastrecord == sb->sb_mb)
		sb->sb_mbtail = m;
	return top;
}

/*
 * Control messages at the head of what is read: to *controlp, or
 * disposed of (read(2), recv(2): descriptors passed are closed).
 * MSG_PEEK leaves them where they are.
 */
static void
soreceive_control(struct socket *so, struct mbuf *addr,
    struct mbuf **controlp, int flags)
{
	struct mbuf *c;

	if (flags & MSG_PEEK)
		return;
	if ((c = so_takecontrol(&so->so_rcv, addr)) == NULL)
		return;
	if (controlp != NULL && *controlp == NULL) {
		*controlp = c;
		return;
	}
	sodispose(so, c);
	m_freem(c);
}

/* A datagram record: address, control, then data. */
static int
soreceive_record(struct socket *so, struct mbuf **paddr, struct uio *uio,
    struct mbuf **controlp, int *flagsp)
{
	struct mbuf *m = so->so_rcv.sb_mb;
	bool peek = (*flagsp & MSG_PEEK) != 0;
	int error = 0, dlen = 0, moved = 0, n;
	int oflags = 0;

	if (m->m_type == MT_SONAME) {
		if (paddr != NULL)
			*paddr = m_copym(m, 0, m->m_len, M_DONTWAIT);
		soreceive_control(so, m, controlp, *flagsp);
		m = m->m_next;
	} else {
		soreceive_control(so, NULL, controlp, *flagsp);
		m = so->so_rcv.sb_mb;
	}
	while (m != NULL && m->m_type == MT_CONTROL)
		m = m->m_next;	/* MSG_PEEK: control stays for the read */
	for (; m != NULL; m = m->m_next) {
		dlen += m->m_len;
		if (uio->uio_resid == 0 || error != 0)
			continue;
		n = (int)MIN((size_t)m->m_len, uio->uio_resid);
		error = uiomove(m->m_data, (size_t)n, uio);
		moved += n;
	}
	if (dlen > moved)
		oflags |= MSG_TRUNC;
	if (!peek)
		sbdroprecord(&so->so_rcv);
	*flagsp = oflags;
	/* MSG_TRUNC asked: the datagram's real length is returned */
	return error;
}

/*
 * Stream data: up to uio_resid bytes from the front of the first
 * record.  A record headed by control messages (a local socket's
 * message with descriptors) is not joined to data already read
 * (*stopp set).
 */
static int
soreceive_stream(struct socket *so, struct uio *uio, int flags,
    struct mbuf **controlp, size_t total, size_t *got, bool *stopp)
{
	struct mbuf *m;
	size_t off = 0, n;
	int error = 0;

	*got = 0;
	*stopp = false;
	if (so->so_rcv.sb_mb->m_type == MT_CONTROL) {
		if (total > 0) {
			*stopp = true;
			return 0;
		}
		soreceive_control(so, NULL, controlp, flags);
		if (so->so_rcv.sb_mb == NULL)
			return 0;
	}
	for (m = so->so_rcv.sb_mb; m != NULL && uio->uio_resid > 0;
	    m = m->m_next) {
		if (m->m_type != MT_DATA && m->m_type != MT_HEADER)
			continue;
		n = MIN((size_t)m->m_len, uio->uio_resid);
		if ((error = uiomove(m->m_data, n, uio)) != 0)
			break;
		off += n;
	}
	if (!(flags & MSG_PEEK) && off > 0)
		sbdrop(&so->so_rcv, (int)off);
	*got = off;
	return error;
}

int
soreceive(struct socket *so, struct mbuf **paddr, struct uio *uio,
    struct mbuf **controlp, int *flagsp, bool nbio)
{
	const struct protosw *pr = so->so_proto;
	int flags = flagsp != NULL ? *flagsp : 0, error;
	size_t got, total = 0;
	bool eof, stop;

	if (paddr != NULL)
		*paddr = NULL;
	if (controlp != NULL)
		*controlp = NULL;
	if (flags & MSG_OOB)
		return EOPNOTSUPP;
	if (flags & MSG_DONTWAIT)
		nbio = true;
	if (uio->uio_resid == 0 && !(pr->pr_flags & PR_ATOMIC))
		return 0;
	solock(so);
	for (;;) {
		/* after some data only MSG_WAITALL waits for more */
		error = soreceive_wait(so, nbio ||
		    (total > 0 && !(flags & MSG_WAITALL)), &eof);
		if (error != 0 || eof)
			break;
		if (pr->pr_flags & PR_ATOMIC) {
			int rflags = flags;

			error = soreceive_record(so, paddr, uio, controlp,
			    &rflags);
			if (flagsp != NULL)
				*flagsp = rflags;
			/* a record was taken: the sender may have room now */
			if ((pr->pr_flags & PR_WANTRCVD) && !(flags & MSG_PEEK) &&
			    so->so_pcb != NULL)
				(void)pr->pr_usrreqs->pr_rcvd(so, flags, curlwp);
			goto out;
		}
		error = soreceive_stream(so, uio, flags, controlp, total, &got,
		    &stop);
		total += got;
		if (stop)
			break;
		/* room was made: let the protocol open its window now */
		if (got > 0 && (pr->pr_flags & PR_WANTRCVD) &&
		    !(flags & MSG_PEEK) && so->so_pcb != NULL &&
		    uio->uio_resid > 0)
			(void)pr->pr_usrreqs->pr_rcvd(so, flags, curlwp);
		if (error != 0 || uio->uio_resid == 0 ||
		    !(flags & MSG_WAITALL) || (flags & MSG_PEEK))
			break;
	}
	/* data already moved wins over a later error or EAGAIN */
	if (total > 0)
		error = 0;
	if (flagsp != NULL)
		*flagsp = 0;
out:
	if (total > 0 && (pr->pr_flags & PR_WANTRCVD) && !(flags & MSG_PEEK) &&
	    so->so_pcb != NULL)
		(void)pr->pr_usrreqs->pr_rcvd(so, flags, curlwp);
	sounlock(so);
	return error;
}

int
sockopt_get(const struct sockopt *sopt, void *buf, size_t len)
{
	if (sopt->sopt_size < len)
		return EINVAL;
	memcpy(buf, sopt->sopt_data, len);
	return 0;
}

int
sockopt_set(struct sockopt *sopt, const void *buf, size_t len)
{
	len = MIN(len, sopt->sopt_size);
	memcpy(sopt->sopt_data, buf, len);
	sopt->sopt_size = len;
	return 0;
}

int
sockopt_getint(const struct sockopt *sopt, int *valp)
{
	return sockopt_get(sopt, valp, sizeof(*valp));
}

int
sockopt_setint(struct sockopt *sopt, int val)
{
	return sockopt_set(sopt, &val, sizeof(val));
}

static int
so_optbit(int name)
{
	switch (name) {
	case SO_DEBUG:		return SO_OPT_DEBUG;
	case SO_REUSEADDR:	return SO_OPT_REUSEADDR;
	case SO_KEEPALIVE:	return SO_OPT_KEEPALIVE;
	case SO_DONTROUTE:	return SO_OPT_DONTROUTE;
	case SO_BROADCAST:	return SO_OPT_BROADCAST;
	case SO_OOBINLINE:	return SO_OPT_OOBINLINE;
	case SO_REUSEPORT:	return SO_OPT_REUSEPORT;
	default:		return 0;
	}
}

static int
so_settimeo(struct sockbuf *sb, const struct sockopt *sopt)
{
	struct timeval tv;
	int error;

	if ((error = sockopt_get(sopt, &tv, sizeof(tv))) != 0)
		return error;
	if (tv.tv_sec < 0 || tv.tv_usec < 0 || tv.tv_usec >= 1000000)
		return EDOM;
	if (tv.tv_sec > 100000000)
		return EDOM;
	sb->sb_timeo_ns = (uint64_t)tv.tv_sec * NSEC_PER_SEC +
	    (uint64_t)tv.tv_usec * 1000;
	return 0;
}

static void
so_gettimeo(const struct sockbuf *sb, struct timeval *tv)
{
	tv->tv_sec = (time_t)(sb->sb_timeo_ns / NSEC_PER_SEC);
	tv->tv_usec = (suseconds_t)((sb->sb_timeo_ns % NSEC_PER_SEC) / 1000);
}

static int
sosetopt_socket(struct socket *so, struct sockopt *sopt)
{
	struct linger l;
	int val, error, bit;

	if (sopt->sopt_name == SO_LINGER) {
		if ((error = sockopt_get(sopt, &l, sizeof(l))) != 0)
			return error;
		if (l.l_linger < 0 || l.l_linger > 32767)
			l.l_linger = 32767;
		so->so_linger = (short)l.l_linger;
		if (l.l_onoff)
			so->so_options |= SO_OPT_LINGER;
		else
			so->so_options &= ~SO_OPT_LINGER;
		return 0;
	}
	if (sopt->sopt_name == SO_RCVTIMEO)
		return so_settimeo(&so->so_rcv, sopt);
	if (sopt->sopt_name == SO_SNDTIMEO)
		return so_settimeo(&so->so_snd, sopt);
	if ((error = sockopt_getint(sopt, &val)) != 0)
		return error;
	if ((bit = so_optbit(sopt->sopt_name)) != 0) {
		if (val)
			so->so_options |= (short)bit;
		else
			so->so_options &= (short)~bit;
		return 0;
	}
	switch (sopt->sopt_name) {
	case SO_SNDBUF:
	case SO_RCVBUF:
		if (val <= 0)
			return EINVAL;
		/* as Linux: too much is clamped, not refused */
		return sbreserve(sopt->sopt_name == SO_SNDBUF ? &so->so_snd :
		    &so->so_rcv, MIN((size_t)val, (size_t)SB_MAX));
	case SO_RCVLOWAT:
	case SO_SNDLOWAT:
		if (val < 0)
			return EINVAL;
		if (sopt->sopt_name == SO_RCVLOWAT)
			so->so_rcv.sb_lowat = MAX(1, MIN((size_t)val,
			    so->so_rcv.sb_hiwat));
		else
			so->so_snd.sb_lowat = MAX(1, MIN((size_t)val,
			    so->so_snd.sb_hiwat));
		return 0;
	default:
		return ENOPROTOOPT;
	}
}

int
sosetopt(struct socket *so, int level, int name, const void *val, size_t len)
{
	struct sockopt sopt = {
		.sopt_level = level, .sopt_name = name,
		.sopt_data = __UNCONST(val), .sopt_size = len,
	};
	int error;

	solock(so);
	if (level == SOL_SOCKET)
		error = sosetopt_socket(so, &sopt);
	else if (so->so_proto->pr_ctloutput == NULL)
		error = ENOPROTOOPT;
	else
		error = so->so_proto->pr_ctloutput(PRCO_SETOPT, so, &sopt);
	sounlock(so);
	return error;
}

static int
sogetopt_socket(struct socket *so, struct sockopt *sopt)
{
	struct linger l;
	struct timeval tv;
	int val, bit;

	switch (sopt->sopt_name) {
	case SO_LINGER:
		l.l_onoff = (so->so_options & SO_OPT_LINGER) != 0;
		l.l_linger = so->so_linger;
		return sockopt_set(sopt, &l, sizeof(l));
	case SO_RCVTIMEO:
	case SO_SNDTIMEO:
		so_gettimeo(sopt->sopt_name == SO_RCVTIMEO ? &so->so_rcv :
		    &so->so_snd, &tv);
		return sockopt_set(sopt, &tv, sizeof(tv));
	case SO_TYPE:		val = so->so_type; break;
	case SO_ERROR:
		/* an errno crosses the boundary: the host's number */
		val = rumpuser_errno_tohost(so->so_error);
		so->so_error = 0;
		break;
	case SO_SNDBUF:		val = (int)so->so_snd.sb_hiwat; break;
	case SO_RCVBUF:		val = (int)so->so_rcv.sb_hiwat; break;
	case SO_RCVLOWAT:	val = (int)so->so_rcv.sb_lowat; break;
	case SO_SNDLOWAT:	val = (int)so->so_snd.sb_lowat; break;
	case SO_PROTOCOL:	val = so->so_proto->pr_protocol; break;
	case SO_DOMAIN:
		val = so->so_proto->pr_domain->dom_family;
		break;
	case SO_ACCEPTCONN:
		val = (so->so_options & SO_OPT_ACCEPTCONN) != 0;
		break;
	default:
		if ((bit = so_optbit(sopt->sopt_name)) == 0)
			return ENOPROTOOPT;
		val = (so->so_options & bit) != 0;
		break;
	}
	return sockopt_setint(sopt, val);
}

int
sogetopt(struct socket *so, int level, int name, void *val, size_t *lenp)
{
	struct sockopt sopt = {
		.sopt_level = level, .sopt_name = name,
		.sopt_data = val, .sopt_size = *lenp,
	};
	int error;

	solock(so);
	if (level == SOL_SOCKET)
		error = sogetopt_socket(so, &sopt);
	else if (so->so_proto->pr_ctloutput == NULL)
		error = ENOPROTOOPT;
	else
		error = so->so_proto->pr_ctloutput(PRCO_GETOPT, so, &sopt);
	sounlock(so);
	if (error == 0)
		*lenp = sopt.sopt_size;
	return error;
}
