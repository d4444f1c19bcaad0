/*
 * uipc_usrreq.c: the local domain (AF_LOCAL, AF_UNIX): stream, datagram
 * and sequenced-packet sockets within one kernel, socketpair(2), names
 * in the file system and in Linux's abstract namespace, and passing
 * descriptors (SCM_RIGHTS) and credentials (SCM_CREDENTIALS).
 *
 * Data goes straight from the sender into the receiver's so_rcv.  Flow
 * control: a connected sender's so_snd.sb_cc mirrors the bytes waiting
 * in its peer's so_rcv, so sosend blocks (or says EAGAIN) once the
 * receiver holds SO_SNDBUF bytes, and pr_rcvd (a read) wakes it.
 *
 * Names.  A path is a VSOCK node made in the file system by bind and
 * looked up by connect and sendto; the bound socket keeps a reference
 * to its vnode, so unlinking the name or renaming it changes nothing
 * for connected sockets (as NetBSD and Linux).  The VFS faction is
 * optional: its functions are weak references here, and without it a
 * path gives EOPNOTSUPP while socketpair and abstract names work.  The
 * file system is called without softnet_lock (the socket is marked
 * UNP_BUSY meanwhile).
 *
 * Descriptors in flight are references to struct file in MT_CONTROL
 * mbufs.  Dropping them may close a socket, which takes softnet_lock;
 * drops made with it held (a socket freed with messages unread) go to
 * a list that a soft interrupt, and shutdown, close.  There is no
 * garbage collector for cycles (a socket in flight in its own queue)
 * while running; shutdown breaks them.
 */
#include <rump-sys/systm.h>
#include <rump-sys/component.h>
#include <rump-sys/domain.h>
#include <rump-sys/file.h>
#include <rump-sys/intr.h>
#include <rump-sys/kmem.h>
#include <rump-sys/lwp.h>
#include <rump-sys/mbuf.h>
#include <rump-sys/protosw.h>
#include <rump-sys/queue.h>
#include <rump-sys/socketvar.h>
#include <rump-sys/stat.h>
#include <rump-sys/uio.h>
#include <rump-sys/vnode.h>

#include "rumpnet_int.h"

/* The VFS faction, when linked. */
#pragma weak namei_kernel
#pragma weak namei_done
#pragma weak vn_access
#pragma weak vrele

#define UNP_SNDBUF	(64 * 1024)
#define UNP_RCVBUF	(64 * 1024)
#define UNP_AUTOBIND_LEN 8	/* family, NUL, five hex digits */

struct unpcb {
	struct socket		*unp_socket;
	struct unpcb		*unp_conn;	/* peer; datagram: target */
	LIST_HEAD(, unpcb)	 unp_refs;	/* datagram: connected to us */
	LIST_ENTRY(unpcb)	 unp_reflink;
	LIST_ENTRY(unpcb)	 unp_link;	/* unp_all */
	struct sockaddr_un	*unp_addr;	/* bound name, or NULL */
	unsigned int		 unp_addrlen;
	struct vnode		*unp_vnode;	/* a path's node, referenced */
	int			 unp_flags;
};
#define UNP_BUSY	0x01	/* bind or connect in the file system */
#define UNP_BOUND	0x02	/* the name is ours (not an accepted copy) */

#define sotounpcb(so)	((struct unpcb *)(so)->so_pcb)

/* Every local socket, for name lookups and shutdown; softnet_lock. */
static LIST_HEAD(, unpcb) unp_all = LIST_HEAD_INITIALIZER(unp_all);
static unsigned int unp_autobind_next;

/* Descriptors to close once softnet_lock is free (unp_defer_lock). */
struct unp_defer {
	struct file		*ud_fp;
	LIST_ENTRY(unp_defer)	 ud_next;
};
static kmutex_t unp_defer_lock;
static LIST_HEAD(, unp_defer) unp_deferred =
    LIST_HEAD_INITIALIZER(unp_deferred);
static void *unp_defer_sih;

static struct domain localdomain;
static const struct protosw unp_protosw[3];

/*
 * Addresses.  The length of an abstract name cannot be told from its
 * bytes: it travels with the address (sa_getlen, socketvar.h).
 */
_Static_assert(SA_LENOFF >= sizeof(struct sockaddr_un), "room for length");
_Static_assert(sizeof(struct sockaddr_un) <= (size_t)MLEN, "name in an mbuf");

/* unp's name (the family alone if unnamed) into a sockaddr_storage. */
static void
unp_putname(const struct unpcb *unp, struct sockaddr *nam)
{
	unsigned int len = sizeof(sa_family_t);

	nam->sa_family = AF_LOCAL;
	if (unp != NULL && unp->unp_addr != NULL) {
		memcpy(nam, unp->unp_addr, unp->unp_addrlen);
		len = unp->unp_addrlen;
	}
	sa_setlen(nam, len);
}

static unsigned int
unp_salen(const struct sockaddr *nam)
{
	return sa_getlen(nam);
}

/*
 * Check a user's address: 0 with *pathp the NUL-terminated path (in
 * buf) or NULL for an abstract name; EINVAL for a short or long one,
 * another family, or a path that fills sun_path without a NUL.
 */
static int
unp_checkaddr(const struct sockaddr *nam, unsigned int len, char *buf,
    const char **pathp)
{
	const struct sockaddr_un *sun = (const struct sockaddr_un *)nam;
	size_t plen = len - sizeof(sa_family_t), i;

	if (len <= sizeof(sa_family_t) || len > sizeof(*sun) ||
	    sun->sun_family != AF_LOCAL)
		return EINVAL;
	*pathp = NULL;
	if (sun->sun_path[0] == '\0')
		return 0;
	for (i = 0; i < plen && sun->sun_path[i] != '\0'; i++)
		buf[i] = sun->sun_path[i];
	if (i == SUN_PATHLEN)
		return EINVAL;
	buf[i] = '\0';
	*pathp = buf;
	return 0;
}

static int
unp_setname(struct unpcb *unp, const void *nam, unsigned int len)
{
	unp->unp_addr = kmem_zalloc(sizeof(*unp->unp_addr), KM_NOSLEEP);
	if (unp->unp_addr == NULL)
		return ENOBUFS;
	memcpy(unp->unp_addr, nam, len);
	unp->unp_addr->sun_family = AF_LOCAL;
	unp->unp_addrlen = len;
	unp->unp_flags |= UNP_BOUND;
	return 0;
}

/* The socket bound to an abstract name, or NULL. */
static struct unpcb *
unp_findabstract(const struct sockaddr *nam, unsigned int len)
{
	struct unpcb *unp;

	LIST_FOREACH(unp, &unp_all, unp_link)
		if ((unp->unp_flags & UNP_BOUND) && unp->unp_vnode == NULL &&
		    unp->unp_addrlen == len &&
		    memcmp(unp->unp_addr, nam, len) == 0)
			return unp;
	return NULL;
}

static struct unpcb *
unp_findvnode(const struct vnode *vp)
{
	struct unpcb *unp;

	LIST_FOREACH(unp, &unp_all, unp_link)
		if (unp->unp_vnode == vp && (unp->unp_flags & UNP_BOUND))
			return unp;
	return NULL;
}

static bool
unp_havevfs(void)
{
	return namei_kernel != NULL && namei_done != NULL &&
	    vn_access != NULL && vrele != NULL;
}

/*
 * Make the node of a path binding; softnet_lock not held.  0 with *vpp
 * referenced, EADDRINUSE if the name exists, or the lookup's and
 * permission check's errno.
 */
static int
unp_mknode(const char *path, struct vnode **vpp)
{
	const struct kauth_cred *cred = &curproc->p_cred;
	struct nameidata nd;
	struct vattr va;
	int error;

	if ((error = namei_kernel(&nd, path, WANTPARENT)) != 0)
		return error;
	if (nd.ni_vp != NULL)
		error = EADDRINUSE;
	else if (nd.ni_flags & REQUIREDIR)
		error = ENOENT;
	else if ((error = vn_access(nd.ni_dvp, VWRITE | VEXEC, cred)) == 0 &&
	    (error = VOP_GETATTR(nd.ni_dvp, &va)) == 0) {
		va.va_type = VSOCK;
		va.va_mode = ACCESSPERMS & ~curproc->p_umask;
		va.va_uid = cred->cr_euid;
		va.va_rdev = 0;
		error = VOP_CREATE(nd.ni_dvp, vpp, &nd.ni_cnd, &va, NULL);
	}
	namei_done(&nd);
	return error;
}

static int
unp_bind(struct socket *so, struct sockaddr *nam, struct lwp *l)
{
	struct unpcb *unp = sotounpcb(so);
	struct sockaddr_un auto_sun, *name;
	struct vnode *vp = NULL;
	char buf[SUN_PATHLEN + 1];
	const char *path;
	unsigned int len = sa_getlen(nam), n;
	int error;

	if (unp->unp_addr != NULL || (unp->unp_flags & UNP_BUSY))
		return EINVAL;
	if (len == sizeof(sa_family_t)) {
		/* Linux's autobind: a fresh abstract name */
		if (nam->sa_family != AF_LOCAL)
			return EINVAL;
		memset(&auto_sun, 0, sizeof(auto_sun));
		for (n = 0; n <= 0xfffff; n++) {
			snprintf(auto_sun.sun_path + 1, 6, "%05x",
			    unp_autobind_next++ & 0xfffff);
			if (unp_findabstract((struct sockaddr *)&auto_sun,
			    UNP_AUTOBIND_LEN) == NULL)
				return unp_setname(unp, &auto_sun,
				    UNP_AUTOBIND_LEN);
		}
		return EADDRINUSE;	/* every name taken, as Linux */
	}
	if ((error = unp_checkaddr(nam, len, buf, &path)) != 0)
		return error;
	if (path == NULL) {
		if (unp_findabstract(nam, len) != NULL)
			return EADDRINUSE;
		return unp_setname(unp, nam, len);
	}
	if (!unp_havevfs())
		return EOPNOTSUPP;
	/* the name's memory first: a node once made is never undone */
	if ((name = kmem_zalloc(sizeof(*name), KM_NOSLEEP)) == NULL)
		return ENOBUFS;
	unp->unp_flags |= UNP_BUSY;
	sounlock(so);
	error = unp_mknode(path, &vp);
	solock(so);
	unp->unp_flags &= ~UNP_BUSY;
	if (error != 0) {
		kmem_free(name, sizeof(*name));
		return error == EEXIST ? EADDRINUSE : error;
	}
	len = (unsigned int)(sizeof(sa_family_t) + strlen(path) + 1);
	name->sun_family = AF_LOCAL;
	memcpy(name->sun_path, path, len - sizeof(sa_family_t));
	unp->unp_addr = name;
	unp->unp_addrlen = len;
	unp->unp_flags |= UNP_BOUND;
	unp->unp_vnode = vp;
	return 0;
}

/*
 * The socket named by a user's address: softnet_lock held, dropped
 * around a path lookup (so stays: its caller holds its file).  0 with *unpp, ECONNREFUSED when nobody is
 * bound there (or the file is no socket), the lookup's errno,
 * EACCES without write permission on the node.
 */
static int
unp_lookup(struct socket *so, const struct sockaddr *nam, unsigned int len,
    struct unpcb **unpp)
{
	struct nameidata nd;
	char buf[SUN_PATHLEN + 1];
	const char *path;
	int error;

	if ((error = unp_checkaddr(nam, len, buf, &path)) != 0)
		return error;
	if (path == NULL) {
		*unpp = unp_findabstract(nam, len);
		return *unpp != NULL ? 0 : ECONNREFUSED;
	}
	if (!unp_havevfs())
		return EOPNOTSUPP;
	sounlock(so);
	if ((error = namei_kernel(&nd, path, FOLLOW)) != 0) {
		solock(so);
		return error;
	}
	/* a file that is no socket: Linux says ECONNREFUSED too */
	if (nd.ni_vp->v_type != VSOCK)
		error = ECONNREFUSED;
	else
		error = vn_access(nd.ni_vp, VWRITE, &curproc->p_cred);
	solock(so);
	if (error == 0 && (*unpp = unp_findvnode(nd.ni_vp)) == NULL)
		error = ECONNREFUSED;
	namei_done(&nd);
	return error;
}

/* Both ends of a connection-oriented pair point at each other. */
static void
unp_connect2(struct unpcb *unp, struct unpcb *unp2)
{
	struct socket *so = unp->unp_socket;

	unp->unp_conn = unp2;
	if (so->so_type == SOCK_DGRAM) {
		LIST_INSERT_HEAD(&unp2->unp_refs, unp, unp_reflink);
		return;
	}
	unp2->unp_conn = unp;
}

/* A datagram socket stops sending to its target. */
static void
unp_dgram_unlink(struct unpcb *unp)
{
	struct socket *so = unp->unp_socket;

	if (unp->unp_conn == NULL)
		return;
	LIST_REMOVE(unp, unp_reflink);
	unp->unp_conn = NULL;
	so->so_snd.sb_cc = 0;
	sowwakeup(so);
}

/*
 * unp's connection ends.  Stream and seqpacket: both sides are
 * disconnected (reads drain what is queued, then EOF; writes EPIPE).
 * Datagram: unp forgets its target; the ones sending to unp keep
 * "connected" and get ECONNREFUSED from send, as Linux.
 */
static void
unp_disconnect(struct unpcb *unp)
{
	struct socket *so = unp->unp_socket, *so2;
	struct unpcb *unp2 = unp->unp_conn, *ref;

	if (so->so_type == SOCK_DGRAM) {
		unp_dgram_unlink(unp);
		so->so_state &= ~SS_ISCONNECTED;
		while ((ref = LIST_FIRST(&unp->unp_refs)) != NULL)
			unp_dgram_unlink(ref);
		return;
	}
	if (unp2 == NULL)
		return;
	so2 = unp2->unp_socket;
	/* only a closing socket disconnects: unread data resets the
	 * peer, as Linux */
	if (so->so_rcv.sb_cc > 0)
		so2->so_error = ECONNRESET;
	unp->unp_conn = unp2->unp_conn = NULL;
	so->so_snd.sb_cc = so2->so_snd.sb_cc = 0;
	soisdisconnected(so);
	soisdisconnected(so2);
}

static int
unp_attach(struct socket *so, int proto)
{
	struct unpcb *unp;
	int error;

	if ((error = sbreserve(&so->so_snd, UNP_SNDBUF)) != 0 ||
	    (error = sbreserve(&so->so_rcv, UNP_RCVBUF)) != 0)
		return error;
	if ((unp = kmem_zalloc(sizeof(*unp), KM_NOSLEEP)) == NULL)
		return ENOBUFS;
	unp->unp_socket = so;
	LIST_INIT(&unp->unp_refs);
	LIST_INSERT_HEAD(&unp_all, unp, unp_link);
	so->so_pcb = unp;
	return 0;
}

/* The pcb goes: names, connections, the in-flight mirror. */
static void
unp_teardown(struct socket *so)
{
	struct unpcb *unp = sotounpcb(so);

	KASSERT(!(unp->unp_flags & UNP_BUSY));
	unp_disconnect(unp);
	if (unp->unp_vnode != NULL)
		vrele(unp->unp_vnode);
	if (unp->unp_addr != NULL)
		kmem_free(unp->unp_addr, sizeof(*unp->unp_addr));
	LIST_REMOVE(unp, unp_link);
	so->so_snd.sb_cc = 0;
	so->so_pcb = NULL;
	kmem_free(unp, sizeof(*unp));
}

static void
unp_detach(struct socket *so)
{
	unp_teardown(so);
}

static int
unp_abort(struct socket *so)
{
	unp_teardown(so);
	return 0;
}

static int
unp_accept(struct socket *so, struct sockaddr *nam)
{
	struct unpcb *unp = sotounpcb(so);

	unp_putname(unp->unp_conn, nam);
	return 0;
}

static int
unp_listen(struct socket *so, struct lwp *l)
{
	struct unpcb *unp = sotounpcb(so);

	if (unp->unp_addr == NULL)
		return EINVAL;	/* Linux: listen needs a name */
	return 0;
}

/* Connect to a listener: a new socket on its queue, connected to so. */
static int
unp_connect_stream(struct socket *so, struct unpcb *unp2)
{
	struct unpcb *unp = sotounpcb(so), *unp3;
	struct socket *so2 = unp2->unp_socket, *so3;
	struct sockaddr_un *name;

	if (!(so2->so_options & SO_OPT_ACCEPTCONN))
		return ECONNREFUSED;
	/* the accepted socket's name is the listener's */
	name = kmem_zalloc(sizeof(*name), KM_NOSLEEP);
	if (name == NULL)
		return ENOBUFS;
	if ((so3 = sonewconn(so2, 0)) == NULL) {
		kmem_free(name, sizeof(*name));
		return EAGAIN;	/* backlog full (Linux would wait) */
	}
	unp3 = sotounpcb(so3);
	memcpy(name, unp2->unp_addr, unp2->unp_addrlen);
	unp3->unp_addr = name;
	unp3->unp_addrlen = unp2->unp_addrlen;
	unp_connect2(unp, unp3);
	soisconnected(so3);
	soisconnected(so);
	return 0;
}

static int
unp_connect(struct socket *so, struct sockaddr *nam, struct lwp *l)
{
	struct unpcb *unp = sotounpcb(so), *unp2;
	int error;

	if (unp->unp_flags & UNP_BUSY)
		return EALREADY;
	unp->unp_flags |= UNP_BUSY;
	error = unp_lookup(so, nam, sa_getlen(nam), &unp2);
	unp->unp_flags &= ~UNP_BUSY;
	if (error != 0)
		return error;
	if (unp2->unp_socket->so_type != so->so_type)
		return EPROTOTYPE;
	if (so->so_type != SOCK_DGRAM) {
		if (so->so_state & SS_ISCONNECTED)
			return EISCONN;	/* connected meanwhile */
		return unp_connect_stream(so, unp2);
	}
	unp_dgram_unlink(unp);
	unp_connect2(unp, unp2);
	soisconnected(so);
	return 0;
}

static int
unp_connect2_pair(struct socket *so, struct socket *so2)
{
	struct unpcb *unp = sotounpcb(so), *unp2 = sotounpcb(so2);

	unp_connect2(unp, unp2);
	if (so->so_type == SOCK_DGRAM)
		unp_connect2(unp2, unp);
	soisconnected(so);
	soisconnected(so2);
	return 0;
}

static int
unp_disconnect_req(struct socket *so)
{
	unp_disconnect(sotounpcb(so));
	return 0;
}

static int
unp_shutdown(struct socket *so)
{
	struct unpcb *unp = sotounpcb(so);

	socantsendmore(so);
	if (so->so_type != SOCK_DGRAM && unp->unp_conn != NULL)
		socantrcvmore(unp->unp_conn->unp_socket);
	return 0;
}

static int
unp_ioctl(struct socket *so, u_long cmd, void *data, struct ifnet *ifp)
{
	return EOPNOTSUPP;
}

static int
unp_sockaddr(struct socket *so, struct sockaddr *nam)
{
	unp_putname(sotounpcb(so), nam);
	return 0;
}

static int
unp_peeraddr(struct socket *so, struct sockaddr *nam)
{
	unp_putname(sotounpcb(so)->unp_conn, nam);
	return 0;
}

/* A read made room: the senders' mirrors follow, and they wake. */
static int
unp_rcvd(struct socket *so, int flags, struct lwp *l)
{
	struct unpcb *unp = sotounpcb(so), *ref;
	struct socket *so2;

	if (so->so_type == SOCK_DGRAM) {
		LIST_FOREACH(ref, &unp->unp_refs, unp_reflink) {
			ref->unp_socket->so_snd.sb_cc = so->so_rcv.sb_cc;
			sowwakeup(ref->unp_socket);
		}
		return 0;
	}
	if (unp->unp_conn == NULL)
		return 0;
	so2 = unp->unp_conn->unp_socket;
	so2->so_snd.sb_cc = so->so_rcv.sb_cc;
	sowwakeup(so2);
	return 0;
}

/* A datagram to nam, or to the connected target. */
static int
unp_send_dgram(struct socket *so, struct mbuf *m, struct sockaddr *nam,
    struct mbuf *control)
{
	struct unpcb *unp = sotounpcb(so), *unp2 = unp->unp_conn;
	struct sockaddr_storage from;
	struct socket *so2;
	int error;

	if (m->m_pkthdr.len > (int)so->so_snd.sb_hiwat)
		return EMSGSIZE;
	if (nam != NULL) {
		if ((error = unp_lookup(so, nam, sa_getlen(nam), &unp2)) != 0)
			return error;
		if (unp2->unp_socket->so_type != SOCK_DGRAM)
			return EPROTOTYPE;
	} else if (unp2 == NULL)
		return ECONNREFUSED;	/* the target went away */
	so2 = unp2->unp_socket;
	if (so2->so_state & SS_CANTRCVMORE)
		return EPIPE;
	/* unconnected senders have no mirror to wait on */
	if (unp2 != unp->unp_conn &&
	    sbspace(&so2->so_rcv) < m->m_pkthdr.len)
		return EAGAIN;
	memset(&from, 0, sizeof(from));
	unp_putname(unp, (struct sockaddr *)&from);
	if (!sbappendaddrlen(&so2->so_rcv, unp->unp_addr != NULL ?
	    (struct sockaddr *)&from : NULL, unp->unp_addrlen, m, control))
		return ENOBUFS;
	sorwakeup(so2);
	if (unp2 == unp->unp_conn)
		so->so_snd.sb_cc = so2->so_rcv.sb_cc;
	return 0;
}

/* Stream and seqpacket data to the peer. */
static int
unp_send_conn(struct socket *so, struct mbuf *m, struct mbuf *control)
{
	struct unpcb *unp = sotounpcb(so);
	struct socket *so2;

	if (unp->unp_conn == NULL)
		return so->so_state & SS_ISDISCONNECTED ? EPIPE : ENOTCONN;
	so2 = unp->unp_conn->unp_socket;
	if (so2->so_state & SS_CANTRCVMORE)
		return EPIPE;	/* the peer shut down reading, as Linux */
	if (so->so_type == SOCK_SEQPACKET &&
	    m->m_pkthdr.len > (int)so->so_snd.sb_hiwat)
		return EMSGSIZE;	/* a record beyond SO_SNDBUF */
	if (control != NULL) {
		/* descriptors start a record reads do not join across */
		struct mbuf *c;

		for (c = control; c->m_next != NULL; c = c->m_next)
			;
		c->m_next = m;
		sbappendrecord(&so2->so_rcv, control);
	} else if (so->so_type == SOCK_STREAM)
		sbappendstream(&so2->so_rcv, m);
	else
		sbappendrecord(&so2->so_rcv, m);
	sorwakeup(so2);
	so->so_snd.sb_cc = so2->so_rcv.sb_cc;
	return 0;
}

static int
unp_send(struct socket *so, struct mbuf *m, struct sockaddr *nam,
    struct mbuf *control, struct lwp *l)
{
	int error;

	if (so->so_type == SOCK_DGRAM)
		error = unp_send_dgram(so, m, nam, control);
	else if (nam != NULL)
		error = EISCONN;
	else
		error = unp_send_conn(so, m, control);
	if (error != 0) {
		m_freem(m);
		if (control != NULL) {
			sodispose(so, control);
			m_freem(control);
		}
	}
	return error;
}

/*
 * Descriptors in flight.  The kernel's SCM_RIGHTS message holds struct
 * file pointers, each a reference, instead of the user's ints.
 */
#define RIGHTS_NFILES(cm) \
	(((cm)->cmsg_len - CMSG_HDRLEN) / sizeof(struct file *))

static void
unp_defer_close(struct file *fp)
{
	struct unp_defer *ud;

	ud = kmem_alloc(sizeof(*ud), KM_SLEEP);
	ud->ud_fp = fp;
	mutex_enter(&unp_defer_lock);
	LIST_INSERT_HEAD(&unp_deferred, ud, ud_next);
	mutex_exit(&unp_defer_lock);
	softint_schedule(unp_defer_sih);
}

/* Close what was deferred; softnet_lock not held.  Whether any was. */
static bool
unp_defer_run1(void)
{
	struct unp_defer *ud;
	bool any = false;

	for (;;) {
		mutex_enter(&unp_defer_lock);
		if ((ud = LIST_FIRST(&unp_deferred)) != NULL)
			LIST_REMOVE(ud, ud_next);
		mutex_exit(&unp_defer_lock);
		if (ud == NULL)
			return any;
		fd_putfile(ud->ud_fp);
		kmem_free(ud, sizeof(*ud));
		any = true;
	}
}

static void
unp_defer_run(void *arg)
{
	(void)unp_defer_run1();
}

/* Drop the references of one kernel control message. */
static void
unp_dispose(struct mbuf *m)
{
	struct cmsghdr cm;
	struct file **fpp;
	size_t i, n;

	if (m->m_len < (int)CMSG_HDRLEN)
		return;
	memcpy(&cm, m->m_data, sizeof(cm));
	if (cm.cmsg_level != SOL_SOCKET || cm.cmsg_type != SCM_RIGHTS)
		return;
	fpp = (struct file **)(void *)CMSG_DATA(m->m_data);
	n = RIGHTS_NFILES(&cm);
	for (i = 0; i < n; i++) {
		if (fpp[i] == NULL)
			continue;
		if (mutex_owned(softnet_lock))
			unp_defer_close(fpp[i]);
		else
			fd_putfile(fpp[i]);
		fpp[i] = NULL;
	}
}

/* A control mbuf of len bytes: 0 or ENOBUFS. */
static int
unp_ctlalloc(size_t len, struct mbuf **mp)
{
	struct mbuf *m;

	if (len > (size_t)MLEN)
		m = m_getext(M_DONTWAIT, MT_CONTROL, 0, len);
	else
		m = m_get(M_DONTWAIT, MT_CONTROL);
	if (m == NULL)
		return ENOBUFS;
	m->m_len = (int)len;
	memset(m->m_data, 0, len);
	*mp = m;
	return 0;
}

/* The user's SCM_RIGHTS (n ints at fds) into references: 0, EBADF. */
static int
unp_internalize_rights(const int *fds, size_t n, struct mbuf **mp)
{
	struct cmsghdr cm;
	struct file **fpp;
	struct mbuf *m;
	size_t i;
	int error, fd;

	if (n > SCM_MAX_FD)
		return EINVAL;
	if ((error = unp_ctlalloc(CMSG_LEN(n * sizeof(*fpp)), &m)) != 0)
		return error;
	cm.cmsg_len = CMSG_LEN(n * sizeof(*fpp));
	cm.cmsg_level = SOL_SOCKET;
	cm.cmsg_type = SCM_RIGHTS;
	memcpy(m->m_data, &cm, sizeof(cm));
	fpp = (struct file **)(void *)CMSG_DATA(m->m_data);
	for (i = 0; i < n; i++) {
		memcpy(&fd, &fds[i], sizeof(fd));
		if ((fpp[i] = fd_getfile(fd)) == NULL) {
			unp_dispose(m);
			m_freem(m);
			return EBADF;
		}
	}
	*mp = m;
	return 0;
}

/* SCM_CREDENTIALS: the sender's own, unless it is root (as Linux). */
static int
unp_internalize_creds(const void *data, struct mbuf **mp)
{
	const struct kauth_cred *cr = &curproc->p_cred;
	struct cmsghdr cm;
	struct ucred uc;
	struct mbuf *m;
	int error;

	memcpy(&uc, data, sizeof(uc));
	if (cr->cr_euid != 0 && (uc.pid != curproc->p_pid ||
	    (uc.uid != cr->cr_uid && uc.uid != cr->cr_euid &&
	    uc.uid != cr->cr_svuid) ||
	    (uc.gid != cr->cr_gid && uc.gid != cr->cr_egid &&
	    uc.gid != cr->cr_svgid)))
		return EPERM;
	if ((error = unp_ctlalloc(CMSG_LEN(sizeof(uc)), &m)) != 0)
		return error;
	cm.cmsg_len = CMSG_LEN(sizeof(uc));
	cm.cmsg_level = SOL_SOCKET;
	cm.cmsg_type = SCM_CREDENTIALS;
	memcpy(m->m_data, &cm, sizeof(cm));
	memcpy(CMSG_DATA(m->m_data), &uc, sizeof(uc));
	*mp = m;
	return 0;
}

/*
 * The user's control messages (Linux layout) into a chain of kernel
 * ones, one per mbuf.  EINVAL: a length short of a header or past the
 * end, another level or type, too many descriptors; EBADF; EPERM for
 * credentials not the sender's.  Bytes after the last whole header
 * are ignored, as Linux.
 */
static int
unp_internalize(struct mbuf **controlp)
{
	struct mbuf *in = *controlp, *out = NULL, **tail = &out, *m;
	const char *p = in->m_data;
	size_t off = 0, len = (size_t)in->m_len, dlen;
	struct cmsghdr cm;
	int error = 0;

	while (error == 0 && len - off >= sizeof(cm)) {
		memcpy(&cm, p + off, sizeof(cm));
		if (cm.cmsg_len < sizeof(cm) || cm.cmsg_len > len - off ||
		    cm.cmsg_level != SOL_SOCKET) {
			error = EINVAL;
			break;
		}
		dlen = cm.cmsg_len - CMSG_HDRLEN;
		m = NULL;
		if (cm.cmsg_type == SCM_RIGHTS)
			error = unp_internalize_rights((const int *)(const void *)
			    CMSG_DATA(p + off), dlen / sizeof(int), &m);
		else if (cm.cmsg_type == SCM_CREDENTIALS &&
		    dlen == sizeof(struct ucred))
			error = unp_internalize_creds(CMSG_DATA(p + off), &m);
		else
			error = EINVAL;
		if (m != NULL) {
			*tail = m;
			tail = &m->m_next;
		}
		off += MIN(CMSG_ALIGN(cm.cmsg_len), len - off);
	}
	if (error != 0) {
		for (m = out; m != NULL; m = m->m_next)
			unp_dispose(m);
		m_freem(out);
		return error;
	}
	m_freem(in);
	*controlp = out;	/* NULL: there was no whole message */
	return 0;
}

/* Install up to room's worth of passed files as descriptors. */
static int
unp_externalize_rights(struct mbuf *m, void *ubuf, size_t room, int rflags,
    size_t *usedp, int *flagsp)
{
	struct cmsghdr cm;
	struct file **fpp = (struct file **)(void *)CMSG_DATA(m->m_data);
	size_t n, fit, i;
	int fds[SCM_MAX_FD], error = 0;

	memcpy(&cm, m->m_data, sizeof(cm));
	n = RIGHTS_NFILES(&cm);
	fit = room > CMSG_HDRLEN ? (room - CMSG_HDRLEN) / sizeof(int) : 0;
	for (i = 0; i < MIN(n, fit); i++) {
		if (fd_dup(fpp[i], 0, &fds[i]) != 0)
			break;		/* EMFILE: the rest are lost */
		if (rflags & MSG_CMSG_CLOEXEC)
			fd_setcloexec(fds[i], 1);
	}
	if (i < n)
		*flagsp |= MSG_CTRUNC;
	*usedp = 0;
	if (i > 0) {
		cm.cmsg_len = CMSG_LEN(i * sizeof(int));
		error = copyout(&cm, ubuf, sizeof(cm));
		if (error == 0)
			error = copyout(fds, CMSG_DATA(ubuf), i * sizeof(int));
		*usedp = MIN(CMSG_SPACE(i * sizeof(int)), room);
		if (error != 0) {
			while (i-- > 0)
				(void)fd_close(fds[i]);
			*usedp = 0;
		}
	}
	unp_dispose(m);		/* the in-flight references */
	return error;
}

static int
unp_externalize(struct mbuf *m, void *ubuf, size_t room, int rflags,
    size_t *usedp, int *flagsp)
{
	struct cmsghdr cm;
	size_t n;

	*usedp = 0;
	if (m->m_len < (int)CMSG_HDRLEN)
		return 0;	/* the empty message of a send without any */
	memcpy(&cm, m->m_data, sizeof(cm));
	if (cm.cmsg_type == SCM_RIGHTS)
		return unp_externalize_rights(m, ubuf, room, rflags, usedp,
		    flagsp);
	/* credentials: as they are, cut to the room */
	n = MIN((size_t)cm.cmsg_len, room);
	if (n < cm.cmsg_len)
		*flagsp |= MSG_CTRUNC;
	if (n < CMSG_HDRLEN)
		return 0;
	*usedp = MIN(CMSG_SPACE(cm.cmsg_len - CMSG_HDRLEN), room);
	return copyout(m->m_data, ubuf, n);
}

static const struct protosw *
unp_findproto(int type, int proto, int *errorp)
{
	int i;

	if (proto != 0 && proto != AF_LOCAL) {
		*errorp = EPROTONOSUPPORT;
		return NULL;
	}
	for (i = 0; i < 3; i++)
		if (unp_protosw[i].pr_type == type)
			return &unp_protosw[i];
	*errorp = ESOCKTNOSUPPORT;
	return NULL;
}

static struct domain localdomain = {
	.dom_family = AF_LOCAL,
	.dom_name = "local",
	.dom_sa_len = sizeof(sa_family_t),
	.dom_findproto = unp_findproto,
	.dom_salen = unp_salen,
	.dom_internalize = unp_internalize,
	.dom_externalize = unp_externalize,
	.dom_dispose = unp_dispose,
};

static const struct pr_usrreqs unp_usrreqs = {
	.pr_attach = unp_attach,
	.pr_detach = unp_detach,
	.pr_accept = unp_accept,
	.pr_bind = unp_bind,
	.pr_listen = unp_listen,
	.pr_connect = unp_connect,
	.pr_connect2 = unp_connect2_pair,
	.pr_disconnect = unp_disconnect_req,
	.pr_shutdown = unp_shutdown,
	.pr_abort = unp_abort,
	.pr_ioctl = unp_ioctl,
	.pr_sockaddr = unp_sockaddr,
	.pr_peeraddr = unp_peeraddr,
	.pr_rcvd = unp_rcvd,
	.pr_send = unp_send,
};

static const struct protosw unp_protosw[3] = {
	{
		.pr_type = SOCK_STREAM,
		.pr_domain = &localdomain,
		.pr_flags = PR_CONNREQUIRED | PR_WANTRCVD | PR_RIGHTS |
		    PR_LISTEN,
		.pr_usrreqs = &unp_usrreqs,
	}, {
		.pr_type = SOCK_DGRAM,
		.pr_domain = &localdomain,
		.pr_flags = PR_ATOMIC | PR_ADDR | PR_WANTRCVD | PR_RIGHTS,
		.pr_usrreqs = &unp_usrreqs,
	}, {
		.pr_type = SOCK_SEQPACKET,
		.pr_domain = &localdomain,
		.pr_flags = PR_ATOMIC | PR_CONNREQUIRED | PR_WANTRCVD |
		    PR_RIGHTS | PR_LISTEN,
		.pr_usrreqs = &unp_usrreqs,
	},
};

RUMP_COMPONENT(RUMP_COMPONENT_NET, local, "rumpnet")
{
	mutex_init(&unp_defer_lock, MUTEX_DEFAULT, IPL_NONE);
	LIST_INIT(&unp_deferred);
	LIST_INIT(&unp_all);
	unp_autobind_next = 0;
	unp_defer_sih = softint_establish(SOFTINT_NET | SOFTINT_MPSAFE,
	    unp_defer_run, NULL);
	if (unp_defer_sih == NULL) {
		mutex_destroy(&unp_defer_lock);
		return ENOMEM;
	}
	return domain_attach(&localdomain);
}

/*
 * At shutdown, after every descriptor was closed (rumpnet_sockets):
 * close the files still in flight, which may free sockets holding more
 * of them (a cycle: a socket passed through itself); until none is
 * left.  Runs before the file systems go.
 */
void
unp_shutdown_gc(void)
{
	struct unpcb *unp;

	if (unp_defer_sih == NULL)
		return;
	do {
		mutex_enter(softnet_lock);
		LIST_FOREACH(unp, &unp_all, unp_link)
			sorflush(unp->unp_socket);
		mutex_exit(softnet_lock);
	} while (unp_defer_run1());
}

RUMP_COMPONENT_FINI(local)
{
	softint_disestablish(unp_defer_sih);
	unp_defer_sih = NULL;
	(void)unp_defer_run1();
	domain_detach(&localdomain);
	if (!LIST_EMPTY(&unp_all))
		printf("local: sockets left at shutdown\n");
	mutex_destroy(&unp_defer_lock);
}
