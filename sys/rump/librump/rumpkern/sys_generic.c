/*
 * sys_generic.c: the core's system calls: identity and credentials,
 * login name, host name, clocks and sleeping, and the descriptor calls
 * (read, write, readv, writev, close, dup, dup2, fcntl) every file type
 * shares.
 */
#include <rump-sys/systm.h>
#include <rump-sys/abi.h>
#include <rump-sys/file.h>
#include <rump-sys/kmem.h>
#include <rump-sys/lwp.h>
#include <rump-sys/time.h>
#include <rump-sys/uio.h>
#include <rump-sys/syscallargs.h>
#include <rump/rumpuser.h>

#include "rumpkern_int.h"

char rump_hostname[MAXHOSTNAMELEN];

int
sys_getpid(struct lwp *l, const void *v, register_t *rv)
{
	rv[0] = l->l_proc->p_pid;
	return 0;
}

int
sys_getppid(struct lwp *l, const void *v, register_t *rv)
{
	struct proc *pp = l->l_proc->p_pptr;

	rv[0] = pp != NULL ? pp->p_pid : 0;
	return 0;
}

int
sys_getuid(struct lwp *l, const void *v, register_t *rv)
{
	rv[0] = l->l_proc->p_cred.cr_uid;
	return 0;
}

int
sys_geteuid(struct lwp *l, const void *v, register_t *rv)
{
	rv[0] = l->l_proc->p_cred.cr_euid;
	return 0;
}

int
sys_getgid(struct lwp *l, const void *v, register_t *rv)
{
	rv[0] = l->l_proc->p_cred.cr_gid;
	return 0;
}

int
sys_getegid(struct lwp *l, const void *v, register_t *rv)
{
	rv[0] = l->l_proc->p_cred.cr_egid;
	return 0;
}

/*
 * POSIX set*id: root may set anything; others only switch among their
 * real and saved ids.
 */
static int
setid(struct proc *p, uint32_t id, int group, int effonly)
{
	struct kauth_cred *cr = &p->p_cred;
	uint32_t *real = group ? &cr->cr_gid : &cr->cr_uid;
	uint32_t *eff = group ? &cr->cr_egid : &cr->cr_euid;
	uint32_t *saved = group ? &cr->cr_svgid : &cr->cr_svuid;
	int error = 0;

	if (id == (uint32_t)-1)
		return EINVAL;
	mutex_enter(&p->p_lock);
	if (cr->cr_euid == 0 && !effonly) {
		*real = *eff = *saved = id;
	} else if (cr->cr_euid == 0 || id == *real || id == *saved) {
		*eff = id;
	} else {
		error = EPERM;
	}
	mutex_exit(&p->p_lock);
	return error;
}

int
sys_setuid(struct lwp *l, const struct sys_setuid_args *uap, register_t *rv)
{
	return setid(l->l_proc, uap->uid, 0, 0);
}

int
sys_seteuid(struct lwp *l, const struct sys_seteuid_args *uap,
    register_t *rv)
{
	return setid(l->l_proc, uap->euid, 0, 1);
}

int
sys_setgid(struct lwp *l, const struct sys_setgid_args *uap, register_t *rv)
{
	return setid(l->l_proc, uap->gid, 1, 0);
}

int
sys_setegid(struct lwp *l, const struct sys_setegid_args *uap,
    register_t *rv)
{
	return setid(l->l_proc, uap->egid, 1, 1);
}

int
sys_getgroups(struct lwp *l, const struct sys_getgroups_args *uap,
    register_t *rv)
{
	struct kauth_cred *cr = &l->l_proc->p_cred;
	gid_t groups[NGROUPS_MAX];
	int n, error;

	mutex_enter(&l->l_proc->p_lock);
	n = cr->cr_ngroups;
	memcpy(groups, cr->cr_groups, sizeof(groups));
	mutex_exit(&l->l_proc->p_lock);
	if (uap->gidsetsize == 0) {
		rv[0] = n;
		return 0;
	}
	if (uap->gidsetsize < n)
		return EINVAL;
	if ((error = copyout(groups, uap->gidset, (size_t)n * sizeof(gid_t))))
		return error;
	rv[0] = n;
	return 0;
}

int
sys_setgroups(struct lwp *l, const struct sys_setgroups_args *uap,
    register_t *rv)
{
	struct kauth_cred *cr = &l->l_proc->p_cred;
	gid_t groups[NGROUPS_MAX];
	int n = uap->gidsetsize, error;

	if (!kauth_cred_geteuid_root(cr))
		return EPERM;
	if (n < 0 || n > NGROUPS_MAX)
		return EINVAL;
	if ((error = copyin(uap->gidset, groups, (size_t)n * sizeof(gid_t))))
		return error;
	mutex_enter(&l->l_proc->p_lock);
	memcpy(cr->cr_groups, groups, (size_t)n * sizeof(gid_t));
	cr->cr_ngroups = n;
	mutex_exit(&l->l_proc->p_lock);
	return 0;
}

int
sys_getlogin(struct lwp *l, const struct sys_getlogin_args *uap,
    register_t *rv)
{
	char name[MAXLOGNAME];
	size_t len;

	mutex_enter(&l->l_proc->p_lock);
	strlcpy(name, l->l_proc->p_login, sizeof(name));
	mutex_exit(&l->l_proc->p_lock);
	len = strlen(name) + 1;
	if (uap->namelen < len)
		return ERANGE;
	return copyout(name, uap->namebuf, len);
}

int
sys_setlogin(struct lwp *l, const struct sys_setlogin_args *uap,
    register_t *rv)
{
	char name[MAXLOGNAME];
	int error;

	if (!kauth_cred_geteuid_root(&l->l_proc->p_cred))
		return EPERM;
	error = copyinstr(uap->namebuf, name, sizeof(name), NULL);
	if (error == ENAMETOOLONG)
		return EINVAL;
	if (error != 0)
		return error;
	mutex_enter(&l->l_proc->p_lock);
	strlcpy(l->l_proc->p_login, name, sizeof(l->l_proc->p_login));
	mutex_exit(&l->l_proc->p_lock);
	return 0;
}

int
sys_gethostname(struct lwp *l, const struct sys_gethostname_args *uap,
    register_t *rv)
{
	size_t len = strlen(rump_hostname) + 1;

	if (uap->len < len)
		return ENAMETOOLONG;
	return copyout(rump_hostname, uap->name, len);
}

int
sys_sethostname(struct lwp *l, const struct sys_sethostname_args *uap,
    register_t *rv)
{
	char name[MAXHOSTNAMELEN];
	int error;

	if (!kauth_cred_geteuid_root(&l->l_proc->p_cred))
		return EPERM;
	if (uap->len >= sizeof(name))
		return EINVAL;
	if ((error = copyin(uap->name, name, uap->len)) != 0)
		return error;
	name[uap->len] = '\0';
	strlcpy(rump_hostname, name, sizeof(rump_hostname));
	return 0;
}

int
sys_clock_gettime(struct lwp *l, const struct sys_clock_gettime_args *uap,
    register_t *rv)
{
	struct timespec ts;

	switch (uap->clock_id) {
	case CLOCK_REALTIME:
		nanotime(&ts);
		break;
	case CLOCK_MONOTONIC:
		nanouptime(&ts);
		break;
	default:
		return EINVAL;
	}
	return copyout(&ts, uap->tp, sizeof(ts));
}

int
sys_nanosleep(struct lwp *l, const struct sys_nanosleep_args *uap,
    register_t *rv)
{
	struct timespec ts, zero = { 0, 0 };
	int error;

	if ((error = copyin(uap->rqtp, &ts, sizeof(ts))) != 0)
		return error;
	if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= 1000000000L)
		return EINVAL;
	/* Off-CPU for the whole sleep; nothing interrupts it. */
	error = rumpuser_clock_sleep(RUMPUSER_SLEEP_REL, ts.tv_sec,
	    ts.tv_nsec);
	if (error != 0)
		return error;
	if (uap->rmtp != NULL)
		error = copyout(&zero, uap->rmtp, sizeof(zero));
	return error;
}

/*
 * Move total bytes between the file on fd, at its offset, and the user
 * buffers iov[0..iovcnt).  EBADF for a descriptor not open for the
 * direction, EINVAL for a total that does not fit a ssize_t; a partial
 * transfer cut short by EAGAIN or EINTR reports what moved.
 */
static int
dofiletransfer(int fd, struct iovec *iov, int iovcnt, size_t total,
    enum uio_rw rw, register_t *rv)
{
	struct uio uio = {
		.uio_iov = iov, .uio_iovcnt = iovcnt, .uio_resid = total,
		.uio_rw = rw, .uio_segflg = UIO_USERSPACE,
	};
	struct file *fp;
	int error;

	if ((fp = fd_getfile(fd)) == NULL)
		return EBADF;
	if ((fp->f_flag & (rw == UIO_READ ? FREAD : FWRITE)) == 0 ||
	    (rw == UIO_READ ? fp->f_ops->fo_read : fp->f_ops->fo_write)
	    == NULL) {
		fd_putfile(fp);
		return EBADF;
	}
	if ((ssize_t)total < 0) {
		fd_putfile(fp);
		return EINVAL;
	}
	uio.uio_offset = fp->f_offset;
	if (rw == UIO_READ)
		error = fp->f_ops->fo_read(fp, &uio, 0);
	else
		error = fp->f_ops->fo_write(fp, &uio, 0);
	/* A partial transfer is a success; report what moved. */
	if (error != 0 && uio.uio_resid != total &&
	    (error == EAGAIN || error == EINTR))
		error = 0;
	if (error == 0)
		rv[0] = (register_t)(total - uio.uio_resid);
	fd_putfile(fp);
	return error;
}

static int
dofileio(int fd, void *buf, size_t nbyte, enum uio_rw rw, register_t *rv)
{
	struct iovec iov = { buf, nbyte };

	return dofiletransfer(fd, &iov, 1, nbyte, rw, rv);
}

int
sys_read(struct lwp *l, const struct sys_read_args *uap, register_t *rv)
{
	return dofileio(uap->fd, uap->buf, uap->nbyte, UIO_READ, rv);
}

int
sys_write(struct lwp *l, const struct sys_write_args *uap, register_t *rv)
{
	return dofileio(uap->fd, __UNCONST(uap->buf), uap->nbyte, UIO_WRITE,
	    rv);
}

/* readv and writev: read and write with a user iovec array. */
static int
dofileiov(int fd, const struct iovec *uiov, int iovcnt, enum uio_rw rw,
    register_t *rv)
{
	struct iovec *iov;
	size_t total = 0, len;
	int error;

	if (iovcnt <= 0 || iovcnt > UIO_MAXIOV)
		return EINVAL;
	len = (size_t)iovcnt * sizeof(*iov);
	iov = kmem_alloc(len, KM_SLEEP);
	if ((error = copyin(uiov, iov, len)) != 0)
		goto out;
	for (int i = 0; i < iovcnt; i++) {
		if (iov[i].iov_len > (size_t)INT64_MAX - total) {
			error = EINVAL;
			goto out;
		}
		total += iov[i].iov_len;
	}
	error = dofiletransfer(fd, iov, iovcnt, total, rw, rv);
out:
	kmem_free(iov, len);
	return error;
}

int
sys_readv(struct lwp *l, const struct sys_readv_args *uap, register_t *rv)
{
	return dofileiov(uap->fd, uap->iov, uap->iovcnt, UIO_READ, rv);
}

int
sys_writev(struct lwp *l, const struct sys_writev_args *uap, register_t *rv)
{
	return dofileiov(uap->fd, uap->iov, uap->iovcnt, UIO_WRITE, rv);
}

int
sys_close(struct lwp *l, const struct sys_close_args *uap, register_t *rv)
{
	return fd_close(uap->fd);
}

int
sys_dup(struct lwp *l, const struct sys_dup_args *uap, register_t *rv)
{
	struct file *fp;
	int error, fd;

	if ((fp = fd_getfile(uap->fd)) == NULL)
		return EBADF;
	error = fd_dup(fp, 0, &fd);
	fd_putfile(fp);
	if (error == 0)
		rv[0] = fd;
	return error;
}

int
sys_dup2(struct lwp *l, const struct sys_dup2_args *uap, register_t *rv)
{
	struct file *fp;
	int error;

	if ((fp = fd_getfile(uap->from)) == NULL)
		return EBADF;
	error = fd_dup2(fp, uap->to);
	fd_putfile(fp);
	if (error == 0)
		rv[0] = uap->to;
	return error;
}

int
sys_fcntl(struct lwp *l, const struct sys_fcntl_args *uap, register_t *rv)
{
	struct file *fp;
	int error = 0, fd;

	if ((fp = fd_getfile(uap->fd)) == NULL)
		return EBADF;
	switch (uap->cmd) {
	case F_DUPFD:
	case F_DUPFD_CLOEXEC:
		if (uap->arg < 0 || uap->arg >= FD_DEFAULT_LIMIT) {
			error = EINVAL;
			break;
		}
		if ((error = fd_dup(fp, (int)uap->arg, &fd)) == 0) {
			fd_setcloexec(fd, uap->cmd == F_DUPFD_CLOEXEC);
			rv[0] = fd;
		}
		break;
	case F_GETFD:
		rv[0] = fd_getcloexec(uap->fd) ? FD_CLOEXEC : 0;
		break;
	case F_SETFD:
		fd_setcloexec(uap->fd, (uap->arg & FD_CLOEXEC) != 0);
		break;
	case F_GETFL:
		rv[0] = ((fp->f_flag & (FREAD | FWRITE)) == (FREAD | FWRITE) ?
		    O_RDWR : (fp->f_flag & FWRITE) ? O_WRONLY : O_RDONLY) |
		    ((fp->f_flag & FNONBLOCK) ? O_NONBLOCK : 0) |
		    ((fp->f_flag & FAPPEND) ? O_APPEND : 0);
		break;
	case F_SETFL:
		mutex_enter(&fp->f_lock);
		fp->f_flag = (fp->f_flag & ~(FNONBLOCK | FAPPEND)) |
		    ((uap->arg & O_NONBLOCK) ? FNONBLOCK : 0) |
		    ((uap->arg & O_APPEND) ? FAPPEND : 0);
		mutex_exit(&fp->f_lock);
		break;
	case F_GETLK:
	case F_SETLK:
	case F_SETLKW:
		/* record locks: the file type's (vnodes); none on pipes */
		if (fp->f_ops->fo_advlock == NULL)
			error = EINVAL;
		else
			error = fp->f_ops->fo_advlock(fp, uap->cmd,
			    (void *)(uintptr_t)uap->arg);
		break;
	default:
		error = EINVAL;
		break;
	}
	fd_putfile(fp);
	return error;
}

/*
 * ioctl: the command's encoding (rump/rumpdefs.h, the host's layout)
 * says how big the argument is and which way it goes; the argument is
 * copied in before and out after, so file types and drivers see a
 * kernel buffer.  A command without a direction passes the argument
 * value itself.  The few generic commands predating the encoding are
 * sized here.
 */
int
sys_ioctl(struct lwp *l, const struct sys_ioctl_args *uap, register_t *rv)
{
	u_long com = uap->com;
	struct file *fp;
	char stkbuf[128];
	void *data = uap->data;
	unsigned int dir;
	size_t size;
	int error = 0, on;

	if ((fp = fd_getfile(uap->fd)) == NULL)
		return EBADF;
	switch (com) {
	case FIOCLEX:
	case FIONCLEX:
		fd_setcloexec(uap->fd, com == FIOCLEX);
		goto out;
	case FIONBIO:
	case FIOASYNC:
		dir = RUMP_IOC_IN;
		size = sizeof(int);
		break;
	case FIONREAD:
		dir = RUMP_IOC_OUT;
		size = sizeof(int);
		break;
	default:
		dir = RUMP_IOC_DIR(com);
		size = RUMP_IOC_SIZE(com);
		break;
	}
	if (dir != RUMP_IOC_NONE) {
		if (size == 0) {
			error = EINVAL;
			goto out;
		}
		data = size <= sizeof(stkbuf) ? stkbuf :
		    kmem_alloc(size, KM_SLEEP);
		if (dir & RUMP_IOC_IN)
			error = copyin(uap->data, data, size);
		else
			memset(data, 0, size);
		if (error != 0)
			goto outfree;
	}
	if (com == FIONBIO) {
		memcpy(&on, data, sizeof(on));
		mutex_enter(&fp->f_lock);
		if (on)
			fp->f_flag |= FNONBLOCK;
		else
			fp->f_flag &= ~FNONBLOCK;
		mutex_exit(&fp->f_lock);
		/* The file type may care too; it need not. */
		if (fp->f_ops->fo_ioctl != NULL &&
		    (error = fp->f_ops->fo_ioctl(fp, com, data)) == ENOTTY)
			error = 0;
	} else if (fp->f_ops->fo_ioctl == NULL) {
		error = ENOTTY;
	} else {
		error = fp->f_ops->fo_ioctl(fp, com, data);
	}
	if (error == 0 && (dir & RUMP_IOC_OUT))
		error = copyout(data, uap->data, size);
outfree:
	if (data != stkbuf && dir != RUMP_IOC_NONE)
		kmem_free(data, size);
out:
	fd_putfile(fp);
	return error;
}
