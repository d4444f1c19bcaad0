/*
 * uipc_socket.c: the protocol-independent half of sockets: creation and
 * teardown, connection queues of listeners, the blocking send and
 * receive loops, socket options, and the state changes protocols
 * report.  Every function expects softnet_lock held unless it is one
 * of the so*() calls the system calls use (socreate, sobind, ...),
 * which take it themselves.  See rump-sys/socketvar.h.
 */
#include <rump-sys/systm.h>
#include <rump-sys/abi.h>
#include <rump-sys/condvar.h>
#include <rump-sys/domain.h>
#include <rump-sys/kmem.h>
#include <rump-sys/lwp.h>
#include <rump-sys/mbuf.h>
#include <rump-sys/protosw.h>
#include <rump-sys/select.h>
#include <rump-sys/socketvar.h>
#include <rump-sys/time.h>
#include <rump-sys/uio.h>

#include "rumpnet_int.h"

static void
sbinit(struct sockbuf *sb, const char *wmesg)
{
	memset(sb, 0, sizeof(*sb));
	sb->sb_lowat = 1;
	cv_init(&sb->sb_cv, wmesg);
	selinit(&sb->sb_sel);
}

static void
sbfini(struct sockbuf *sb)
{
	sbflush(sb);
	seldestroy(&sb->sb_sel);
	cv_destroy(&sb->sb_cv);
}

int
socreate(int family, int type, int proto, struct socket **sop)
{
	const struct protosw *prp;
	struct domain *dp;
	struct socket *so;
	int error = 0;

	if (proto < 0 || proto >= 256)
		return EINVAL;
	if ((dp = domain_find(family)) == NULL)
		return EAFNOSUPPORT;
	if ((prp = dp->dom_findproto(type, proto, &error)) == NULL)
		return error != 0 ? error : EPROTONOSUPPORT;
	if ((so = kmem_zalloc(sizeof(*so), KM_NOSLEEP)) == NULL)
		return ENOBUFS;
	so->so_lock = softnet_lock;
	so->so_type = (short)type;
	so->so_proto = prp;
	so->so_uid = curproc->p_cred.cr_euid;
	TAILQ_INIT(&so->so_q0);
	TAILQ_INIT(&so->so_q);
	cv_init(&so->so_cv, "socket");
	sbinit(&so->so_rcv, "sbrcv");
	sbinit(&so->so_snd, "sbsnd");
	solock(so);
	error = prp->pr_usrreqs->pr_attach(so, proto);
	if (error != 0) {
		KASSERT(so->so_pcb == NULL);
		so->so_state |= SS_NOFDREF;
		sofree(so);
		mutex_exit(softnet_lock);
		return error;
	}
	sounlock(so);
	*sop = so;
	return 0;
}

/* Take so off its listener's queue. */
static void
soqremque(struct socket *so)
{
	struct socket *head = so->so_head;

	KASSERT(head != NULL);
	if (so->so_onq == 1) {
		TAILQ_REMOVE(&head->so_q0, so, so_qe);
		head->so_q0len--;
	} else {
		KASSERT(so->so_onq == 2);
		TAILQ_REMOVE(&head->so_q, so, so_qe);
		head->so_qlen--;
	}
	so->so_onq = 0;
	so->so_head = NULL;
}

static void
soqinsque(struct socket *head, struct socket *so, int q)
{
	so->so_head = head;
	so->so_onq = (short)q;
	if (q == 1) {
		TAILQ_INSERT_TAIL(&head->so_q0, so, so_qe);
		head->so_q0len++;
	} else {
		TAILQ_INSERT_TAIL(&head->so_q, so, so_qe);
		head->so_qlen++;
	}
}

void
sofree(struct socket *so)
{
	KASSERT(solocked(so));
	if (so->so_pcb != NULL || !(so->so_state & SS_NOFDREF))
		return;
	if (so->so_head != NULL) {
		/* a completed connection waits for accept, which frees it */
		if (so->so_onq == 2)
			return;
		soqremque(so);
	}
	KASSERT(TAILQ_EMPTY(&so->so_q0) && TAILQ_EMPTY(&so->so_q));
	sorflush(so);
	sbfini(&so->so_rcv);
	sbfini(&so->so_snd);
	cv_destroy(&so->so_cv);
	kmem_free(so, sizeof(*so));
}

void
sodispose(struct socket *so, struct mbuf *m)
{
	void (*dispose)(struct mbuf *) = so->so_proto->pr_domain != NULL ?
	    so->so_proto->pr_domain->dom_dispose : NULL;
	struct mbuf *n;

	if (dispose == NULL)
		return;
	for (; m != NULL; m = m->m_nextpkt)
		for (n = m; n != NULL; n = n->m_next)
			if (n->m_type == MT_CONTROL)
				dispose(n);
}

void
sorflush(struct socket *so)
{
	KASSERT(solocked(so));
	sodispose(so, so->so_rcv.sb_mb);
	sbflush(&so->so_rcv);
}

unsigned int
so_salen(const struct socket *so, const struct sockaddr *sa)
{
	const struct domain *dp = so->so_proto->pr_domain;

	return dp->dom_salen != NULL ? dp->dom_salen(sa) : dp->dom_sa_len;
}

int
soconnect2(struct socket *so1, struct socket *so2)
{
	int error;

	if (so1->so_proto->pr_usrreqs->pr_connect2 == NULL)
		return EOPNOTSUPP;
	solock(so1);
	error = so1->so_proto->pr_usrreqs->pr_connect2(so1, so2);
	sounlock(so1);
	return error;
}

void
soabort(struct socket *so)
{
	KASSERT(solocked(so) && so->so_head == NULL);
	so->so_state |= SS_NOFDREF;
	/* pr_abort drops the protocol state and clears so_pcb, keeping so */
	(void)so->so_proto->pr_usrreqs->pr_abort(so);
	sofree(so);
}

/* Wait until so is disconnected or the linger time passes. */
static void
solinger_wait(struct socket *so)
{
	uint64_t deadline, now;

	deadline = rump_monotime_ns() + (uint64_t)so->so_linger * NSEC_PER_SEC;
	while (so->so_state & SS_ISCONNECTED) {
		now = rump_monotime_ns();
		if (now >= deadline)
			break;
		(void)cv_timedwait_ns(&so->so_cv, so->so_lock, deadline - now);
	}
}

int
soclose(struct socket *so)
{
	struct socket *so2;
	int error = 0;

	solock(so);
	if (so->so_options & SO_OPT_ACCEPTCONN) {
		while ((so2 = TAILQ_FIRST(&so->so_q0)) != NULL ||
		    (so2 = TAILQ_FIRST(&so->so_q)) != NULL) {
			soqremque(so2);
			soabort(so2);
		}
	}
	if (so->so_pcb != NULL && (so->so_state & SS_ISCONNECTED) &&
	    (so->so_proto->pr_flags & PR_CONNREQUIRED)) {
		if (!(so->so_state & SS_ISDISCONNECTING))
			error = so->so_proto->pr_usrreqs->pr_disconnect(so);
		if ((so->so_options & SO_OPT_LINGER) && so->so_linger > 0 &&
		    error == 0)
			solinger_wait(so);
	}
	if (so->so_pcb != NULL)
		so->so_proto->pr_usrreqs->pr_detach(so);
	so->so_state |= SS_NOFDREF;
	sofree(so);		/* so may be gone now */
	mutex_exit(softnet_lock);
	return error;
}

/* The address length the socket's family needs, for syscall checks. */
static int
so_checklen(struct socket *so, socklen_t len)
{
	struct domain *dp = so->so_proto->pr_domain;

	if (dp != NULL && len < dp->dom_sa_len)
		return EINVAL;
	return 0;
}

int
sobind(struct socket *so, struct sockaddr *nam, socklen_t len)
{
	int error;

	if ((error = so_checklen(so, len)) != 0)
		return error;
	solock(so);
	error = so->so_proto->pr_usrreqs->pr_bind(so, nam, curlwp);
	sounlock(so);
	return error;
}

int
solisten(struct socket *so, int backlog)
{
	int error;

	if (!(so->so_proto->pr_flags & PR_LISTEN))
		return EOPNOTSUPP;
	solock(so);
	if (so->so_state & (SS_ISCONNECTED | SS_ISCONNECTING |
	    SS_ISDISCONNECTING)) {
		error = EINVAL;
		goto out;
	}
	error = so->so_proto->pr_usrreqs->pr_listen(so, curlwp);
	if (error != 0)
		goto out;
	if (backlog < 1)
		backlog = 1;
	so->so_qlimit = MIN(backlog, SOMAXCONN);
	so->so_options |= SO_OPT_ACCEPTCONN;
out:
	sounlock(so);
	return error;
}

/* Wait on cv for at most the sockbuf's timeout; 0 or EWOULDBLOCK. */
static int
so_timedwait(kcondvar_t *cv, struct socket *so, uint64_t timeo_ns)
{
	if (timeo_ns == 0) {
		cv_wait(cv, so->so_lock);
		return 0;
	}
	return cv_timedwait_ns(cv, so->so_lock, timeo_ns) == 0 ? 0 :
	    EWOULDBLOCK;
}

int
soconnect(struct socket *so, struct sockaddr *nam, socklen_t len, bool nbio)
{
	bool connreq = (so->so_proto->pr_flags & PR_CONNREQUIRED) != 0;
	int error;

	solock(so);
	if (so->so_options & SO_OPT_ACCEPTCONN) {
		error = EOPNOTSUPP;
		goto out;
	}
	if (connreq && (so->so_state & SS_ISCONNECTING)) {
		error = EALREADY;
		goto out;
	}
	if (connreq && (so->so_state & (SS_ISCONNECTED |
	    SS_ISDISCONNECTING))) {
		error = EISCONN;
		goto out;
	}
	if (!connreq && len >= sizeof(sa_family_t) &&
	    nam->sa_family == AF_UNSPEC) {
		/* datagram sockets: connect(AF_UNSPEC) dissolves */
		if (so->so_state & SS_ISCONNECTED)
			error = so->so_proto->pr_usrreqs->pr_disconnect(so);
		else
			error = 0;
		goto out;
	}
	if ((error = so_checklen(so, len)) != 0)
		goto out;
	so->so_error = 0;
	error = so->so_proto->pr_usrreqs->pr_connect(so, nam, curlwp);
	if (error != 0 || !connreq)
		goto out;
	if (nbio && (so->so_state & SS_ISCONNECTING)) {
		error = EINPROGRESS;
		goto out;
	}
	while ((so->so_state & SS_ISCONNECTING) && so->so_error == 0) {
		if (so_timedwait(&so->so_cv, so, so->so_snd.sb_timeo_ns) != 0) {
			error = EINPROGRESS;
			goto out;
		}
	}
	error = so->so_error;
	so->so_error = 0;
out:
	sounlock(so);
	return error;
}

int
soshutdown(struct socket *so, int how)
{
	int error = 0;

	if (how < SHUT_RD || how > SHUT_RDWR)
		return EINVAL;
	solock(so);
	if (!(so->so_state & (SS_ISCONNECTED | SS_ISCONNECTING |
	    SS_ISDISCONNECTING))) {
		error = ENOTCONN;
		goto out;
	}
	if (how != SHUT_WR) {
		socantrcvmore(so);
		sorflush(so);
	}
	if (how != SHUT_RD && !(so->so_state & SS_CANTSENDMORE))
		error = so->so_proto->pr_usrreqs->pr_shutdown(so);
out:
	sounlock(so);
	return error;
}

/*
 * Accept the first completed connection of listener head into *sop,
 * waiting for one unless nbio.  0, EINVAL (not listening), EAGAIN,
 * ECONNABORTED (the connection died before it was accepted).
 */
int
soaccept(struct socket *head, struct socket **sop, struct sockaddr *nam,
    bool nbio)
{
	struct socket *so;
	int error;

	solock(head);
	if (!(head->so_options & SO_OPT_ACCEPTCONN)) {
		error = EINVAL;
		goto out;
	}
	while (head->so_qlen == 0) {
		if (head->so_error != 0) {
			error = head->so_error;
			head->so_error = 0;
			goto out;
		}
		if (head->so_state & SS_CANTRCVMORE) {
			error = ECONNABORTED;
			goto out;
		}
		if (nbio) {
			error = EAGAIN;
			goto out;
		}
		if (so_timedwait(&head->so_rcv.sb_cv, head,
		    head->so_rcv.sb_timeo_ns) != 0) {
			error = EAGAIN;
			goto out;
		}
	}
	so = TAILQ_FIRST(&head->so_q);
	soqremque(so);
	KASSERT(so->so_state & SS_NOFDREF);
	if (so->so_pcb == NULL) {
		/* reset before we got to it */
		sofree(so);
		error = ECONNABORTED;
		goto out;
	}
	so->so_state &= ~SS_NOFDREF;
	memset(nam, 0, sizeof(struct sockaddr_storage));
	error = so->so_proto->pr_usrreqs->pr_accept(so, nam);
	if (error != 0) {
		soabort(so);
		goto out;
	}
	*sop = so;
out:
	sounlock(head);
	return error;
}

struct socket *
sonewconn(struct socket *head, int connstatus)
{
	struct socket *so;

	KASSERT(solocked(head));
	if (head->so_qlen + head->so_q0len >= head->so_qlimit)
		return NULL;
	if ((so = kmem_zalloc(sizeof(*so), KM_NOSLEEP)) == NULL)
		return NULL;
	so->so_lock = head->so_lock;
	so->so_type = head->so_type;
	so->so_proto = head->so_proto;
	so->so_options = head->so_options & ~SO_OPT_ACCEPTCONN;
	so->so_linger = head->so_linger;
	so->so_uid = head->so_uid;
	so->so_state = SS_NOFDREF;
	TAILQ_INIT(&so->so_q0);
	TAILQ_INIT(&so->so_q);
	cv_init(&so->so_cv, "socket");
	sbinit(&so->so_rcv, "sbrcv");
	sbinit(&so->so_snd, "sbsnd");
	so->so_rcv.sb_timeo_ns = head->so_rcv.sb_timeo_ns;
	so->so_snd.sb_timeo_ns = head->so_snd.sb_timeo_ns;
	soqinsque(head, so, 1);
	if (so->so_proto->pr_usrreqs->pr_attach(so, 0) != 0 ||
	    sbreserve(&so->so_rcv, head->so_rcv.sb_hiwat) != 0 ||
	    sbreserve(&so->so_snd, head->so_snd.sb_hiwat) != 0) {
		if (so->so_pcb != NULL) {
			soqremque(so);
			soabort(so);
		} else
			sofree(so);
		return NULL;
	}
	if (connstatus) {
		so->so_state |= (short)connstatus;
		soqremque(so);
		soqinsque(head, so, 2);
		sorwakeup(head);
		cv_broadcast(&head->so_cv);
	}
	return so;
}

void
soisconnecting(struct socket *so)
{
	so->so_state &= ~(SS_ISCONNECTED | SS_ISDISCONNECTING);
	so->so_state |= SS_ISCONNECTING;
}

void
soisconnected(struct socket *so)
{
	struct socket *head = so->so_head;

	so->so_state &= ~(SS_ISCONNECTING | SS_ISDISCONNECTING);
	so->so_state |= SS_ISCONNECTED;
	if (head != NULL && so->so_onq == 1) {
		soqremque(so);
		soqinsque(head, so, 2);
		sorwakeup(head);
		cv_broadcast(&head->so_cv);
		return;
	}
	cv_broadcast(&so->so_cv);
	sorwakeup(so);
	sowwakeup(so);
}

void
soisdisconnecting(struct socket *so)
{
	so->so_state &= ~SS_ISCONNECTING;
	so->so_state |= SS_ISDISCONNECTING | SS_CANTRCVMORE | SS_CANTSENDMORE;
	cv_broadcast(&so->so_cv);
	sowwakeup(so);
	sorwakeup(so);
}

void
soisdisconnected(struct socket *so)
{
	so->so_state &= ~(SS_ISCONNECTING | SS_ISCONNECTED |
	    SS_ISDISCONNECTING);
	so->so_state |= SS_CANTRCVMORE | SS_CANTSENDMORE | SS_ISDISCONNECTED;
	cv_broadcast(&so->so_cv);
	sowwakeup(so);
	sorwakeup(so);
}

void
socantsendmore(struct socket *so)
{
	so->so_state |= SS_CANTSENDMORE;
	sowwakeup(so);
}

void
socantrcvmore(struct socket *so)
{
	so->so_state |= SS_CANTRCVMORE;
	sorwakeup(so);
}

void
sorwakeup(struct socket *so)
{
	cv_broadcast(&so->so_rcv.sb_cv);
	selnotify(&so->so_rcv.sb_sel, POLLIN | POLLRDNORM);
}

void
sowwakeup(struct socket *so)
{
	cv_broadcast(&so->so_snd.sb_cv);
	selnotify(&so->so_snd.sb_sel, POLLOUT | POLLWRNORM);
}

void
sonotify_error(struct socket *so, int error)
{
	so->so_error = error;
	cv_broadcast(&so->so_cv);
	sorwakeup(so);
	sowwakeup(so);
}

int
soreadable(const struct socket *so)
{
	return so->so_rcv.sb_cc >= so->so_rcv.sb_lowat ||
	    (so->so_rcv.sb_mb != NULL && (so->so_proto->pr_flags & PR_ATOMIC)) ||
	    (so->so_state & SS_CANTRCVMORE) || so->so_qlen > 0 ||
	    so->so_error != 0;
}

int
sowritable(const struct socket *so)
{
	if (so->so_state & SS_CANTSENDMORE || so->so_error != 0)
		return 1;
	if ((so->so_proto->pr_flags & PR_CONNREQUIRED) &&
	    !(so->so_state & SS_ISCONNECTED))
		return 0;
	return sbspace(&so->so_snd) >= (long)so->so_snd.sb_lowat;
}

int
sbwait(struct sockbuf *sb)
{
	if (sb->sb_timeo_ns == 0) {
		cv_wait(&sb->sb_cv, softnet_lock);
		return 0;
	}
	return cv_timedwait_ns(&sb->sb_cv, softnet_lock, sb->sb_timeo_ns) ==
	    0 ? 0 : EWOULDBLOCK;
}
