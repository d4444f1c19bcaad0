/*
 * uipc_syscalls.c: the socket system calls.  They check and copy the
 * user's arguments and call the so*() layer (uipc_socket.c, uipc_soio.c).
 * Address arguments are at most a struct sockaddr_storage; shorter
 * than the family needs is EINVAL (checked below the syscall layer).
 */
#include <rump-sys/systm.h>
#include <rump-sys/abi.h>
#include <rump-sys/domain.h>
#include <rump-sys/file.h>
#include <rump-sys/kmem.h>
#include <rump-sys/lwp.h>
#include <rump-sys/mbuf.h>
#include <rump-sys/protosw.h>
#include <rump-sys/socketvar.h>
#include <rump-sys/uio.h>
#include <rump-sys/syscallargs.h>

#include "rumpnet_int.h"

#define SOCKOPT_MAX	1024	/* largest option value we copy */
#define SSIZE_MAX_NET	((size_t)0x7fffffffffffffffL)

int
fd_getsock(int fd, struct socket **sop, struct file **fpp)
{
	struct file *fp;

	if ((fp = fd_getfile(fd)) == NULL)
		return EBADF;
	if (fp->f_ops != &socketops) {
		fd_putfile(fp);
		return ENOTSOCK;
	}
	*sop = fp->f_data;
	*fpp = fp;
	return 0;
}

int
sockargs(struct sockaddr_storage *ss, const void *uaddr, socklen_t len)
{
	int error;

	if (len > sizeof(*ss) || len < sizeof(sa_family_t))
		return EINVAL;
	memset(ss, 0, sizeof(*ss));
	if ((error = copyin(uaddr, ss, len)) != 0)
		return error;
	/* a full-size address loses its last bytes: no family uses them */
	sa_setlen((struct sockaddr *)ss, len);
	return 0;
}

/* Copy an address out, truncated to the user's room; *alen = its size. */
static int
copyout_sockaddr(const struct sockaddr *sa, socklen_t salen, void *uaddr,
    unsigned int *ualen)
{
	unsigned int len;
	int error;

	if (uaddr == NULL || ualen == NULL)
		return 0;
	if ((error = copyin(ualen, &len, sizeof(len))) != 0)
		return error;
	if ((int)len < 0)
		return EINVAL;
	if ((error = copyout(sa, uaddr, MIN(len, salen))) != 0)
		return error;
	return copyout(&salen, ualen, sizeof(salen));
}

static int
fflags_of(int type)
{
	return FREAD | FWRITE | ((type & SOCK_NONBLOCK) ? FNONBLOCK : 0);
}

int
sys_socket(struct lwp *l, const struct sys_socket_args *uap, register_t *rv)
{
	struct socket *so;
	struct file *fp;
	int fd, error, type = uap->type;

	if (type & ~(SOCK_TYPE_MASK | SOCK_NONBLOCK | SOCK_CLOEXEC))
		return EINVAL;
	error = socreate(uap->domain, type & SOCK_TYPE_MASK, uap->protocol,
	    &so);
	if (error != 0)
		return error;
	if ((error = fd_allocfile(&fp, &fd)) != 0) {
		(void)soclose(so);
		return error;
	}
	fp->f_ops = &socketops;
	fp->f_data = so;
	fp->f_flag = fflags_of(type);
	fd_affix(fp, fd);
	if (type & SOCK_CLOEXEC)
		fd_setcloexec(fd, 1);
	*rv = fd;
	return 0;
}

/*
 * socketpair: two connected sockets.  Both descriptors are reserved and
 * copied out before either becomes visible, so a bad rsv (EFAULT)
 * leaves nothing behind.
 */
int
sys_socketpair(struct lwp *l, const struct sys_socketpair_args *uap,
    register_t *rv)
{
	struct socket *so1, *so2;
	struct file *fp1, *fp2;
	int fds[2], error, type = uap->type;

	if (type & ~(SOCK_TYPE_MASK | SOCK_NONBLOCK | SOCK_CLOEXEC))
		return EINVAL;
	error = socreate(uap->domain, type & SOCK_TYPE_MASK, uap->protocol,
	    &so1);
	if (error != 0)
		return error;
	error = socreate(uap->domain, type & SOCK_TYPE_MASK, uap->protocol,
	    &so2);
	if (error != 0)
		goto out1;
	if ((error = soconnect2(so1, so2)) != 0)
		goto out2;
	if ((error = fd_allocfile(&fp1, &fds[0])) != 0)
		goto out2;
	if ((error = fd_allocfile(&fp2, &fds[1])) != 0)
		goto out3;
	if ((error = copyout(fds, uap->rsv, sizeof(fds))) != 0) {
		fd_abort(fp2, fds[1]);
		goto out3;
	}
	fp1->f_ops = fp2->f_ops = &socketops;
	fp1->f_data = so1;
	fp2->f_data = so2;
	fp1->f_flag = fp2->f_flag = fflags_of(type);
	fd_affix(fp1, fds[0]);
	fd_affix(fp2, fds[1]);
	if (type & SOCK_CLOEXEC) {
		fd_setcloexec(fds[0], 1);
		fd_setcloexec(fds[1], 1);
	}
	return 0;
out3:
	fd_abort(fp1, fds[0]);
out2:
	(void)soclose(so2);
out1:
	(void)soclose(so1);
	return error;
}

int
sys_bind(struct lwp *l, const struct sys_bind_args *uap, register_t *rv)
{
	struct sockaddr_storage ss;
	struct socket *so;
	struct file *fp;
	int error;

	if ((error = fd_getsock(uap->s, &so, &fp)) != 0)
		return error;
	if ((error = sockargs(&ss, uap->name, uap->namelen)) == 0)
		error = sobind(so, (struct sockaddr *)&ss, uap->namelen);
	fd_putfile(fp);
	return error;
}

int
sys_listen(struct lwp *l, const struct sys_listen_args *uap, register_t *rv)
{
	struct socket *so;
	struct file *fp;
	int error;

	if ((error = fd_getsock(uap->s, &so, &fp)) != 0)
		return error;
	error = solisten(so, uap->backlog);
	fd_putfile(fp);
	return error;
}

int
sys_connect(struct lwp *l, const struct sys_connect_args *uap, register_t *rv)
{
	struct sockaddr_storage ss;
	struct socket *so;
	struct file *fp;
	int error;

	if ((error = fd_getsock(uap->s, &so, &fp)) != 0)
		return error;
	if ((error = sockargs(&ss, uap->name, uap->namelen)) == 0)
		error = soconnect(so, (struct sockaddr *)&ss, uap->namelen,
		    (fp->f_flag & FNONBLOCK) != 0);
	fd_putfile(fp);
	return error;
}

int
sys_accept(struct lwp *l, const struct sys_accept_args *uap, register_t *rv)
{
	struct sockaddr_storage ss;
	struct socket *head, *so;
	struct file *hfp, *fp;
	unsigned int len;
	int fd, error;

	if ((error = fd_getsock(uap->s, &head, &hfp)) != 0)
		return error;
	if (uap->anamelen != NULL && uap->name != NULL &&
	    (error = copyin(uap->anamelen, &len, sizeof(len))) != 0)
		goto out;
	if (uap->anamelen != NULL && uap->name != NULL && (int)len < 0) {
		error = EINVAL;
		goto out;
	}
	if ((error = fd_allocfile(&fp, &fd)) != 0)
		goto out;
	error = soaccept(head, &so, (struct sockaddr *)&ss,
	    (hfp->f_flag & FNONBLOCK) != 0);
	if (error != 0) {
		fd_abort(fp, fd);
		goto out;
	}
	error = copyout_sockaddr((struct sockaddr *)&ss,
	    so_salen(so, (struct sockaddr *)&ss), uap->name, uap->anamelen);
	if (error != 0) {
		fd_abort(fp, fd);
		(void)soclose(so);
		goto out;
	}
	fp->f_ops = &socketops;
	fp->f_data = so;
	fp->f_flag = FREAD | FWRITE;
	fd_affix(fp, fd);
	*rv = fd;
out:
	fd_putfile(hfp);
	return error;
}

static int
getname(int fd, void *uaddr, unsigned int *ualen, bool peer)
{
	struct sockaddr_storage ss;
	struct socket *so;
	struct file *fp;
	int error;

	if ((error = fd_getsock(fd, &so, &fp)) != 0)
		return error;
	if (uaddr == NULL || ualen == NULL) {
		error = EFAULT;
		goto out;
	}
	memset(&ss, 0, sizeof(ss));
	solock(so);
	if (peer && !(so->so_state & (SS_ISCONNECTED | SS_ISCONNECTING)))
		error = ENOTCONN;
	else if (so->so_pcb == NULL)
		error = EINVAL;
	else if (peer)
		error = so->so_proto->pr_usrreqs->pr_peeraddr(so,
		    (struct sockaddr *)&ss);
	else
		error = so->so_proto->pr_usrreqs->pr_sockaddr(so,
		    (struct sockaddr *)&ss);
	sounlock(so);
	if (error == 0)
		error = copyout_sockaddr((struct sockaddr *)&ss,
		    so_salen(so, (struct sockaddr *)&ss), uaddr, ualen);
out:
	fd_putfile(fp);
	return error;
}

int
sys_getsockname(struct lwp *l, const struct sys_getsockname_args *uap,
    register_t *rv)
{
	return getname(uap->fdes, uap->asa, uap->alen, false);
}

int
sys_getpeername(struct lwp *l, const struct sys_getpeername_args *uap,
    register_t *rv)
{
	return getname(uap->fdes, uap->asa, uap->alen, true);
}

int
sys_setsockopt(struct lwp *l, const struct sys_setsockopt_args *uap,
    register_t *rv)
{
	struct socket *so;
	struct file *fp;
	char buf[SOCKOPT_MAX];
	int error;

	if ((error = fd_getsock(uap->s, &so, &fp)) != 0)
		return error;
	if (uap->valsize > sizeof(buf)) {
		error = EINVAL;
		goto out;
	}
	if (uap->valsize > 0 && uap->val == NULL) {
		error = EFAULT;
		goto out;
	}
	if ((error = copyin(uap->val, buf, uap->valsize)) != 0)
		goto out;
	error = sosetopt(so, uap->level, uap->name, buf, uap->valsize);
out:
	fd_putfile(fp);
	return error;
}

int
sys_getsockopt(struct lwp *l, const struct sys_getsockopt_args *uap,
    register_t *rv)
{
	struct socket *so;
	struct file *fp;
	char buf[SOCKOPT_MAX];
	unsigned int ulen;
	size_t len;
	int error;

	if ((error = fd_getsock(uap->s, &so, &fp)) != 0)
		return error;
	if (uap->avalsize == NULL) {
		error = EFAULT;
		goto out;
	}
	if ((error = copyin(uap->avalsize, &ulen, sizeof(ulen))) != 0)
		goto out;
	if ((int)ulen < 0) {
		error = EINVAL;
		goto out;
	}
	len = MIN(ulen, sizeof(buf));
	memset(buf, 0, sizeof(buf));
	if ((error = sogetopt(so, uap->level, uap->name, buf, &len)) != 0)
		goto out;
	if ((error = copyout(buf, uap->val, len)) != 0)
		goto out;
	ulen = (unsigned int)len;
	error = copyout(&ulen, uap->avalsize, sizeof(ulen));
out:
	fd_putfile(fp);
	return error;
}

int
sys_shutdown(struct lwp *l, const struct sys_shutdown_args *uap,
    register_t *rv)
{
	struct socket *so;
	struct file *fp;
	int error;

	if ((error = fd_getsock(uap->s, &so, &fp)) != 0)
		return error;
	error = soshutdown(so, uap->how);
	fd_putfile(fp);
	return error;
}

/*
 * The user's ancillary data into one mbuf, then into the family's
 * kernel form (AF_LOCAL: descriptors become file references).  At most
 * CONTROL_MAX bytes (EINVAL beyond, as Linux's optmem limit says
 * ENOBUFS; a smaller bound here, stated in docs/rumpnet.md).
 */
#define CONTROL_MAX	((size_t)MCLBYTES)
static int
control_copyin(struct socket *so, const struct msghdr *msg,
    struct mbuf **controlp)
{
	const struct domain *dp = so->so_proto->pr_domain;
	struct mbuf *control;
	size_t len = msg->msg_controllen;
	int error;

	if (len > CONTROL_MAX)
		return EINVAL;
	if (len > (size_t)MLEN)
		control = m_getext(M_DONTWAIT, MT_CONTROL, 0, len);
	else
		control = m_get(M_DONTWAIT, MT_CONTROL);
	if (control == NULL)
		return ENOBUFS;
	control->m_len = (int)len;
	if ((error = copyin(msg->msg_control, control->m_data, len)) != 0) {
		m_freem(control);
		return error;
	}
	if (dp->dom_internalize != NULL &&
	    (error = dp->dom_internalize(&control)) != 0) {
		m_freem(control);
		return error;
	}
	*controlp = control;
	return 0;
}

/*
 * Received control messages out to the user's buffer (ubuf, room
 * bytes): *usedp the bytes written, MSG_CTRUNC into *flagsp when they
 * did not fit.  Consumes the chain.
 */
static int
control_copyout(struct socket *so, struct mbuf *control, void *ubuf,
    size_t room, int rflags, size_t *usedp, int *flagsp)
{
	const struct domain *dp = so->so_proto->pr_domain;
	struct mbuf *m;
	size_t used = 0, n;
	int error = 0;

	for (m = control; m != NULL; m = m->m_next) {
		if (m->m_type != MT_CONTROL)
			continue;
		if (error != 0) {
			sodispose(so, m);
			continue;
		}
		n = 0;
		if (dp->dom_externalize != NULL) {
			error = dp->dom_externalize(m, ubuf == NULL ? NULL :
			    (char *)ubuf + used, ubuf == NULL ? 0 : room - used,
			    rflags, &n, flagsp);
		} else {
			n = MIN((size_t)m->m_len, ubuf == NULL ? 0 :
			    room - used);
			if (n < (size_t)m->m_len)
				*flagsp |= MSG_CTRUNC;
			if (n > 0)
				error = copyout(m->m_data, (char *)ubuf + used,
				    n);
		}
		used += n;
	}
	m_freem(control);
	*usedp = used;
	return error;
}

/*
 * The common send path: msg (kernel copy) with a kernel iovec array.
 */
static int
do_sendmsg(int s, struct msghdr *msg, struct iovec *iov, int flags,
    register_t *rv)
{
	struct sockaddr_storage ss;
	struct socket *so;
	struct file *fp;
	struct mbuf *control = NULL;
	struct uio uio;
	size_t total = 0;
	int error, i;

	for (i = 0; i < (int)msg->msg_iovlen; i++) {
		if (iov[i].iov_len > SSIZE_MAX_NET - total)
			return EINVAL;
		total += iov[i].iov_len;
	}
	if ((error = fd_getsock(s, &so, &fp)) != 0)
		return error;
	if (msg->msg_name != NULL && msg->msg_namelen > 0 &&
	    (error = sockargs(&ss, msg->msg_name, msg->msg_namelen)) != 0)
		goto out;
	if (msg->msg_name != NULL && msg->msg_namelen > 0 &&
	    msg->msg_namelen < so->so_proto->pr_domain->dom_sa_len) {
		error = EINVAL;
		goto out;
	}
	if (msg->msg_control != NULL && msg->msg_controllen > 0 &&
	    (error = control_copyin(so, msg, &control)) != 0)
		goto out;
	uio.uio_iov = iov;
	uio.uio_iovcnt = (int)msg->msg_iovlen;
	uio.uio_offset = 0;
	uio.uio_resid = total;
	uio.uio_rw = UIO_WRITE;
	uio.uio_segflg = UIO_USERSPACE;
	error = sosend(so, msg->msg_name != NULL && msg->msg_namelen > 0 ?
	    (struct sockaddr *)&ss : NULL, &uio, NULL, control, flags,
	    (fp->f_flag & FNONBLOCK) != 0);
	if (error == 0)
		*rv = (register_t)(total - uio.uio_resid);
out:
	fd_putfile(fp);
	return error;
}

int
sys_sendto(struct lwp *l, const struct sys_sendto_args *uap, register_t *rv)
{
	struct msghdr msg;
	struct iovec iov;

	iov.iov_base = __UNCONST(uap->buf);
	iov.iov_len = uap->len;
	memset(&msg, 0, sizeof(msg));
	msg.msg_name = __UNCONST(uap->to);
	msg.msg_namelen = uap->to != NULL ? uap->tolen : 0;
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	return do_sendmsg(uap->s, &msg, &iov, uap->flags, rv);
}

/* Copy in a msghdr and its iovec array (*iovp: free with iovfree). */
static int
msg_copyin(const struct msghdr *umsg, struct msghdr *msg,
    struct iovec **iovp)
{
	struct iovec *iov;
	int error;

	if ((error = copyin(umsg, msg, sizeof(*msg))) != 0)
		return error;
	if (msg->msg_iovlen > UIO_MAXIOV)
		return EMSGSIZE;
	*iovp = NULL;
	if (msg->msg_iovlen == 0)
		return 0;
	iov = kmem_alloc(msg->msg_iovlen * sizeof(*iov), KM_SLEEP);
	if ((error = copyin(msg->msg_iov, iov, msg->msg_iovlen *
	    sizeof(*iov))) != 0) {
		kmem_free(iov, msg->msg_iovlen * sizeof(*iov));
		return error;
	}
	*iovp = iov;
	return 0;
}

static void
iovfree(struct iovec *iov, size_t n)
{
	if (iov != NULL)
		kmem_free(iov, n * sizeof(*iov));
}

int
sys_sendmsg(struct lwp *l, const struct sys_sendmsg_args *uap,
    register_t *rv)
{
	struct msghdr msg;
	struct iovec *iov;
	int error;

	if ((error = msg_copyin(uap->msg, &msg, &iov)) != 0)
		return error;
	error = do_sendmsg(uap->s, &msg, iov, uap->flags, rv);
	iovfree(iov, msg.msg_iovlen);
	return error;
}

/*
 * The common receive path.  *namelenp in: room at name; out: the
 * sender's address length (0 if none).  *flagsp out: MSG_TRUNC.
 */
static int
do_recvmsg(int s, struct iovec *iov, size_t iovlen, int flags, void *name,
    socklen_t *namelenp, void *ctl, size_t *ctllenp, int *flagsp,
    register_t *rv)
{
	struct socket *so;
	struct file *fp;
	struct mbuf *from = NULL, *control = NULL;
	struct uio uio;
	size_t total = 0, i;
	socklen_t alen;
	int error, rflags = flags;

	for (i = 0; i < iovlen; i++) {
		if (iov[i].iov_len > SSIZE_MAX_NET - total)
			return EINVAL;
		total += iov[i].iov_len;
	}
	if ((error = fd_getsock(s, &so, &fp)) != 0)
		return error;
	uio.uio_iov = iov;
	uio.uio_iovcnt = (int)iovlen;
	uio.uio_offset = 0;
	uio.uio_resid = total;
	uio.uio_rw = UIO_READ;
	uio.uio_segflg = UIO_USERSPACE;
	/* control is always taken: without a buffer it is disposed of
	 * below, with softnet_lock free, so descriptors close now */
	error = soreceive(so, name != NULL ? &from : NULL, &uio, &control,
	    &rflags, (fp->f_flag & FNONBLOCK) != 0);
	if (error != 0)
		goto out;
	*rv = (register_t)(total - uio.uio_resid);
	if (ctllenp != NULL) {
		size_t used = 0;

		error = control_copyout(so, control, ctl, *ctllenp, flags,
		    &used, &rflags);
		control = NULL;
		*ctllenp = used;
		if (error != 0)
			goto out;
	}
	*flagsp = rflags;
	if (name != NULL && namelenp != NULL) {
		alen = 0;
		if (from != NULL) {
			alen = (socklen_t)from->m_len;
			error = copyout(from->m_data, name,
			    MIN(*namelenp, alen));
		}
		*namelenp = alen;
	}
out:
	if (control != NULL) {
		sodispose(so, control);
		m_freem(control);
	}
	m_freem(from);
	fd_putfile(fp);
	return error;
}

int
sys_recvfrom(struct lwp *l, const struct sys_recvfrom_args *uap,
    register_t *rv)
{
	struct iovec iov;
	socklen_t len = 0;
	int error, oflags;

	iov.iov_base = uap->buf;
	iov.iov_len = uap->len;
	if (uap->from != NULL && uap->fromlenaddr != NULL &&
	    (error = copyin(uap->fromlenaddr, &len, sizeof(len))) != 0)
		return error;
	if ((int)len < 0)
		return EINVAL;
	error = do_recvmsg(uap->s, &iov, 1, uap->flags,
	    uap->fromlenaddr != NULL ? uap->from : NULL, &len, NULL, NULL,
	    &oflags, rv);
	if (error == 0 && uap->from != NULL && uap->fromlenaddr != NULL)
		error = copyout(&len, uap->fromlenaddr, sizeof(len));
	return error;
}

int
sys_recvmsg(struct lwp *l, const struct sys_recvmsg_args *uap,
    register_t *rv)
{
	struct msghdr msg;
	struct iovec *iov;
	int error, oflags = 0;

	if ((error = msg_copyin(uap->msg, &msg, &iov)) != 0)
		return error;
	if (msg.msg_control == NULL)
		msg.msg_controllen = 0;
	error = do_recvmsg(uap->s, iov, msg.msg_iovlen, uap->flags,
	    msg.msg_name, &msg.msg_namelen, msg.msg_control,
	    &msg.msg_controllen, &oflags, rv);
	iovfree(iov, msg.msg_iovlen);
	if (error != 0)
		return error;
	msg.msg_flags = oflags;
	if (msg.msg_name == NULL)
		msg.msg_namelen = 0;
	return copyout(&msg, uap->msg, sizeof(msg));
}
