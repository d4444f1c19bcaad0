/*
 * vfs_syscalls.c: the file system calls and the file operations of an
 * open vnode.  Policy that every file system shares lives here: which
 * errors a path gives (EEXIST, ENOTDIR, EISDIR, EBUSY at mount points),
 * permission checks against the caller's credentials, the file mode
 * mask, file offsets.  The file system then does the operation itself.
 */
#include <rump-sys/systm.h>
#include <rump-sys/abi.h>
#include <rump-sys/dirent.h>
#include <rump-sys/file.h>
#include <rump-sys/kmem.h>
#include <rump-sys/buf.h>
#include <rump-sys/lwp.h>
#include <rump-sys/mount.h>
#include <rump-sys/select.h>
#include <rump-sys/stat.h>
#include <rump-sys/time.h>
#include <rump-sys/uio.h>
#include <rump-sys/vnode.h>
#include <rump-sys/syscallargs.h>

#include "vfs_int.h"

#define LINK_MAX	32767

static const struct kauth_cred *
curcred(void)
{
	return &curproc->p_cred;
}

static int
isowner(struct vnode *vp, const struct kauth_cred *cred, struct vattr *va)
{
	int error;

	if ((error = VOP_GETATTR(vp, va)) != 0)
		return error;
	if (cred->cr_euid != 0 && cred->cr_euid != va->va_uid)
		return EPERM;
	return 0;
}

/* A device file's I/O: the driver's, unless the device was revoked. */
static int
vn_spec_rw(struct file *fp, struct uio *uio)
{
	struct vnode *vp = fp->f_data;
	int error;

	if ((error = spec_fenter(fp)) != 0)
		return error;
	if (uio->uio_rw == UIO_READ)
		error = spec_read(vp, uio, fp->f_flag);
	else
		error = spec_write(vp, uio, fp->f_flag);
	spec_fexit(fp);
	return error;
}

static int
vn_fo_read(struct file *fp, struct uio *uio, int flags)
{
	struct vnode *vp = fp->f_data;
	int error;

	if (vp->v_type == VDIR)
		return EISDIR;
	mutex_enter(&fp->f_lock);
	uio->uio_offset = fp->f_offset;
	mutex_exit(&fp->f_lock);
	if (vn_isdev(vp))
		error = vn_spec_rw(fp, uio);
	else
		error = VOP_READ(vp, uio, 0);
	mutex_enter(&fp->f_lock);
	fp->f_offset = uio->uio_offset;
	mutex_exit(&fp->f_lock);
	return error;
}

static int
vn_fo_write(struct file *fp, struct uio *uio, int flags)
{
	struct vnode *vp = fp->f_data;
	size_t resid = uio->uio_resid;
	int error;

	mutex_enter(&fp->f_lock);
	uio->uio_offset = fp->f_offset;
	mutex_exit(&fp->f_lock);
	if (vn_isdev(vp))
		error = vn_spec_rw(fp, uio);
	else
		error = VOP_WRITE(vp, uio,
		    (fp->f_flag & FAPPEND) ? IO_APPEND : 0);
	mutex_enter(&fp->f_lock);
	fp->f_offset = uio->uio_offset;
	mutex_exit(&fp->f_lock);
	/* Out of space part way: a short write, as POSIX says. */
	if (error == ENOSPC && uio->uio_resid != resid)
		error = 0;
	return error;
}

static int
vn_fo_close(struct file *fp)
{
	struct vnode *vp = fp->f_data;

	if (vn_isdev(vp))
		spec_close_file(fp);
	vrele(vp);
	return 0;
}

static int
vn_fo_ioctl(struct file *fp, u_long cmd, void *data)
{
	struct vnode *vp = fp->f_data;
	struct vattr va;
	off_t off;
	int error;

	if (vn_isdev(vp)) {
		if ((error = spec_fenter(fp)) != 0)
			return error;
		error = spec_ioctl(vp, cmd, data, fp->f_flag);
		spec_fexit(fp);
		return error;
	}
	if (vp->v_type != VREG)
		return ENOTTY;
	switch (cmd) {
	case FIONREAD:
		if ((error = VOP_GETATTR(vp, &va)) != 0)
			return error;
		mutex_enter(&fp->f_lock);
		off = fp->f_offset;
		mutex_exit(&fp->f_lock);
		off = va.va_size > off ? va.va_size - off : 0;
		*(int *)data = off > INT32_MAX ? INT32_MAX : (int)off;
		return 0;
	case FIONBIO:
		return 0;
	default:
		return ENOTTY;
	}
}

static int
vn_fo_poll(struct file *fp, int events)
{
	struct vnode *vp = fp->f_data;

	int revents;

	if (vn_isdev(vp)) {
		/* a revoked device has hung up */
		if (spec_fenter(fp) != 0)
			return POLLERR | POLLHUP;
		revents = spec_poll(vp, events);
		spec_fexit(fp);
		return revents;
	}
	/* Files and directories never block. */
	return events & (POLLIN | POLLRDNORM | POLLOUT | POLLWRNORM);
}

const struct fileops vn_fileops = {
	.fo_name = "vnode",
	.fo_read = vn_fo_read,
	.fo_write = vn_fo_write,
	.fo_ioctl = vn_fo_ioctl,
	.fo_poll = vn_fo_poll,
	.fo_close = vn_fo_close,
	.fo_advlock = vn_advlock,
	.fo_fdclose = vn_fdclose,
};

/*
 * A revoked vnode's attributes are gone (ENOENT, which path calls
 * pass on); through a descriptor that is EBADF, as NetBSD's deadfs.
 */
static int
fd_deaderr(struct vnode *vp, int error)
{
	return error == ENOENT && vn_isdead(vp) ? EBADF : error;
}

/* The vnode of fd with the file referenced; EBADF, or ESPIPE if not one. */
static int
getvnode(int fd, struct file **fpp)
{
	struct file *fp;

	if ((fp = fd_getfile(fd)) == NULL)
		return EBADF;
	if (fp->f_ops != &vn_fileops) {
		fd_putfile(fp);
		return ESPIPE;
	}
	*fpp = fp;
	return 0;
}

/*
 * open(O_CREAT) without O_EXCL whose name appeared between the lookup
 * and the create looks again (it must not fail with EEXIST), this
 * many times before giving up with EEXIST under a create/unlink storm.
 */
#define OPEN_CREATE_RETRIES	64

int
sys_open(struct lwp *l, const struct sys_open_args *uap, register_t *rv)
{
	const struct kauth_cred *cred = curcred();
	struct nameidata nd;
	struct vnode *vp;
	struct vattr va;
	struct file *fp;
	int flags = uap->flags, fflag, fd, error, created = 0, races = 0;

	switch (flags & O_ACCMODE) {
	case O_RDONLY:
		fflag = FREAD;
		break;
	case O_WRONLY:
		fflag = FWRITE;
		break;
	case O_RDWR:
		fflag = FREAD | FWRITE;
		break;
	default:
		return EINVAL;
	}
	if ((error = fd_allocfile(&fp, &fd)) != 0)
		return error;
	if (flags & O_CREAT) {
retry:
		error = namei(&nd, uap->path, WANTPARENT |
		    ((flags & (O_EXCL | O_NOFOLLOW)) ? 0 : FOLLOW));
		if (error != 0)
			goto bad;
		if (nd.ni_vp == NULL) {
			if (nd.ni_flags & REQUIREDIR) {
				error = EISDIR;
				goto badnd;
			}
			if ((error = vn_access(nd.ni_dvp, VWRITE | VEXEC, cred)))
				goto badnd;
			if ((error = VOP_GETATTR(nd.ni_dvp, &va)) != 0)
				goto badnd;
			va.va_type = VREG;
			va.va_mode = uap->mode & ALLPERMS & ~l->l_proc->p_umask;
			va.va_uid = cred->cr_euid;
			/* BSD: a new file takes its directory's group */
			error = VOP_CREATE(nd.ni_dvp,
			    &nd.ni_vp, &nd.ni_cnd, &va, NULL);
			if (error == EEXIST && !(flags & O_EXCL) &&
			    ++races < OPEN_CREATE_RETRIES) {
				/* created by another thread since the lookup */
				namei_done(&nd);
				goto retry;
			}
			if (error != 0)
				goto badnd;
			created = 1;
		} else if (flags & O_EXCL) {
			error = EEXIST;
			goto badnd;
		}
		vp = nd.ni_vp;
		nd.ni_vp = NULL;
	} else {
		error = namei(&nd, uap->path,
		    (flags & O_NOFOLLOW) ? 0 : FOLLOW);
		if (error != 0)
			goto bad;
		vp = nd.ni_vp;
		nd.ni_vp = NULL;
	}
	namei_done(&nd);
	if (vp->v_type == VLNK) {
		error = ELOOP;		/* O_NOFOLLOW */
		goto badvp;
	}
	if ((flags & O_DIRECTORY) && vp->v_type != VDIR) {
		error = ENOTDIR;
		goto badvp;
	}
	if (vp->v_type == VSOCK) {
		error = ENXIO;	/* a local socket's name: connect(2) it */
		goto badvp;
	}
	if (vp->v_type == VDIR && (fflag & FWRITE)) {
		error = EISDIR;
		goto badvp;
	}
	if (!created) {
		int acc = ((fflag & FREAD) ? VREAD : 0) |
		    ((fflag & FWRITE) ? VWRITE : 0);

		if ((error = vn_access(vp, acc, cred)) != 0)
			goto badvp;
	}
	fflag |= ((flags & O_APPEND) ? FAPPEND : 0) |
	    ((flags & O_NONBLOCK) ? FNONBLOCK : 0);
	if ((flags & O_TRUNC) && (fflag & FWRITE) && vp->v_type == VREG &&
	    !created) {
		vattr_null(&va);
		va.va_size = 0;
		if ((error = VOP_SETATTR(vp, &va)) != 0)
			goto badvp;
	}
	fp->f_flag = fflag;
	/* The driver has its say last: nothing may fail after its open. */
	if (vn_isdev(vp) && (error = spec_open_file(vp, fp)) != 0)
		goto badvp;
	if (fp->f_ops != NULL) {
		vrele(vp);	/* a cloning driver took the file (conf.h) */
	} else {
		fp->f_ops = &vn_fileops;
		fp->f_data = vp;
	}
	fd_affix(fp, fd);
	if (flags & O_CLOEXEC)
		fd_setcloexec(fd, 1);
	rv[0] = fd;
	return 0;

badnd:
	namei_done(&nd);
	goto bad;
badvp:
	vrele(vp);
bad:
	fd_abort(fp, fd);
	return error;
}

static int
dopio(int fd, void *buf, size_t nbyte, off_t offset, enum uio_rw rw,
    register_t *rv)
{
	struct iovec iov = { buf, nbyte };
	struct uio uio = {
		.uio_iov = &iov, .uio_iovcnt = 1, .uio_resid = nbyte,
		.uio_offset = offset, .uio_rw = rw,
		.uio_segflg = UIO_USERSPACE,
	};
	struct file *fp;
	struct vnode *vp;
	int error;

	if ((error = getvnode(fd, &fp)) != 0)
		return error;
	vp = fp->f_data;
	if ((fp->f_flag & (rw == UIO_READ ? FREAD : FWRITE)) == 0)
		error = EBADF;
	else if (offset < 0 || (ssize_t)nbyte < 0)
		error = EINVAL;
	else if (vp->v_type == VDIR)
		error = EISDIR;
	else if (vn_isdev(vp))
		error = vn_spec_rw(fp, &uio);
	else if (rw == UIO_READ)
		error = VOP_READ(vp, &uio, 0);
	else
		error = VOP_WRITE(vp, &uio, 0);
	if (error == ENOSPC && uio.uio_resid != nbyte)
		error = 0;
	if (error == 0)
		rv[0] = (register_t)(nbyte - uio.uio_resid);
	fd_putfile(fp);
	return error;
}

int
sys_pread(struct lwp *l, const struct sys_pread_args *uap, register_t *rv)
{
	return dopio(uap->fd, uap->buf, uap->nbyte, uap->offset, UIO_READ, rv);
}

int
sys_pwrite(struct lwp *l, const struct sys_pwrite_args *uap, register_t *rv)
{
	return dopio(uap->fd, __UNCONST(uap->buf), uap->nbyte, uap->offset,
	    UIO_WRITE, rv);
}

int
vn_whence_base(struct file *fp, int whence, off_t *basep)
{
	struct vattr va;
	int error;

	switch (whence) {
	case SEEK_SET:
		*basep = 0;
		return 0;
	case SEEK_CUR:
		mutex_enter(&fp->f_lock);
		*basep = fp->f_offset;
		mutex_exit(&fp->f_lock);
		return 0;
	case SEEK_END:
		if ((error = VOP_GETATTR((struct vnode *)fp->f_data, &va)))
			return error;
		*basep = va.va_size;
		return 0;
	default:
		return EINVAL;
	}
}

int
sys_lseek(struct lwp *l, const struct sys_lseek_args *uap, register_t *rv)
{
	struct file *fp;
	off_t base;
	int error;

	if ((error = getvnode(uap->fd, &fp)) != 0)
		return error;
	if ((error = vn_whence_base(fp, uap->whence, &base)) != 0)
		goto out;
	if ((uap->offset > 0 && base > INT64_MAX - uap->offset) ||
	    base + uap->offset < 0) {
		error = EINVAL;
		goto out;
	}
	mutex_enter(&fp->f_lock);
	fp->f_offset = base + uap->offset;
	mutex_exit(&fp->f_lock);
	rv[0] = base + uap->offset;
out:
	fd_putfile(fp);
	return error;
}

static int
vn_stat(struct vnode *vp, struct stat *sb)
{
	static const mode_t tmode[] = {
		[VREG] = S_IFREG, [VDIR] = S_IFDIR, [VBLK] = S_IFBLK,
		[VCHR] = S_IFCHR, [VLNK] = S_IFLNK, [VSOCK] = S_IFSOCK,
		[VFIFO] = S_IFIFO,
	};
	struct vattr va;
	int error;

	if ((error = VOP_GETATTR(vp, &va)) != 0)
		return error;
	memset(sb, 0, sizeof(*sb));
	sb->st_dev = va.va_fsid;
	sb->st_ino = va.va_fileid;
	sb->st_rdev = vn_isdev(vp) ? va.va_rdev : 0;
	sb->st_nlink = va.va_nlink;
	sb->st_mode = tmode[va.va_type] | (va.va_mode & ALLPERMS);
	sb->st_uid = va.va_uid;
	sb->st_gid = va.va_gid;
	sb->st_size = va.va_size;
	sb->st_blksize = va.va_blocksize;
	sb->st_blocks = (int64_t)(va.va_bytes / 512);
	sb->st_atim = va.va_atime;
	sb->st_mtim = va.va_mtime;
	sb->st_ctim = va.va_ctime;
	return 0;
}

static int
dostat(const char *path, struct stat *ub, int follow)
{
	struct nameidata nd;
	struct stat sb;
	int error;

	if ((error = namei(&nd, path, follow)) != 0)
		return error;
	error = vn_stat(nd.ni_vp, &sb);
	namei_done(&nd);
	if (error == 0)
		error = copyout(&sb, ub, sizeof(sb));
	return error;
}

int
sys_stat(struct lwp *l, const struct sys_stat_args *uap, register_t *rv)
{
	return dostat(uap->path, uap->ub, FOLLOW);
}

int
sys_lstat(struct lwp *l, const struct sys_lstat_args *uap, register_t *rv)
{
	return dostat(uap->path, uap->ub, 0);
}

int
sys_fstat(struct lwp *l, const struct sys_fstat_args *uap, register_t *rv)
{
	struct file *fp;
	struct stat sb;
	int error;

	if ((fp = fd_getfile(uap->fd)) == NULL)
		return EBADF;
	memset(&sb, 0, sizeof(sb));
	if (fp->f_ops == &vn_fileops)
		error = fd_deaderr(fp->f_data, vn_stat(fp->f_data, &sb));
	else if (fp->f_ops->fo_stat != NULL)
		error = fp->f_ops->fo_stat(fp, &sb);	/* a cloned device */
	else
		error = EOPNOTSUPP;
	fd_putfile(fp);
	if (error == 0)
		error = copyout(&sb, uap->sb, sizeof(sb));
	return error;
}

/*
 * Create a directory, symlink or device node at path: a user path, or
 * for the kernel's own device nodes (kpath) a kernel one created as
 * root without permission checks.
 */
static int
docreate_common(const char *path, int kpath, enum vtype type, mode_t mode,
    const char *target, dev_t rdev)
{
	const struct kauth_cred *cred = curcred();
	struct nameidata nd;
	struct vnode *vp;
	struct vattr va;
	int error;

	error = kpath ? namei_kernel(&nd, path, WANTPARENT) :
	    namei(&nd, path, WANTPARENT);
	if (error != 0)
		return error;
	if (nd.ni_vp != NULL) {
		error = EEXIST;
		goto out;
	}
	if ((nd.ni_flags & REQUIREDIR) && type != VDIR) {
		error = ENOENT;
		goto out;
	}
	if (!kpath &&
	    (error = vn_access(nd.ni_dvp, VWRITE | VEXEC, cred)) != 0)
		goto out;
	if ((error = VOP_GETATTR(nd.ni_dvp, &va)) != 0)
		goto out;
	va.va_type = type;
	va.va_mode = mode;
	va.va_uid = kpath ? 0 : cred->cr_euid;
	if (kpath)
		va.va_gid = 0;
	va.va_rdev = rdev;
	error = VOP_CREATE(nd.ni_dvp, &vp, &nd.ni_cnd, &va,
	    target);
	if (error == 0)
		vrele(vp);
out:
	namei_done(&nd);
	return error;
}

static int
docreate(const char *path, enum vtype type, mode_t mode, const char *target)
{
	return docreate_common(path, 0, type, mode, target, 0);
}

/*
 * mknod: character and block devices (root only), and regular files
 * (as Linux allows).  FIFOs are not supported: there is no fifo file
 * type, so EOPNOTSUPP says so rather than making a node that cannot
 * be opened.
 */
int
sys_mknod(struct lwp *l, const struct sys_mknod_args *uap, register_t *rv)
{
	mode_t perm = uap->mode & ALLPERMS & ~l->l_proc->p_umask;
	enum vtype type;

	switch (uap->mode & S_IFMT) {
	case S_IFCHR:
		type = VCHR;
		break;
	case S_IFBLK:
		type = VBLK;
		break;
	case 0:
	case S_IFREG:
		return docreate_common(uap->path, 0, VREG, perm, NULL, 0);
	case S_IFIFO:
		return EOPNOTSUPP;
	default:
		return EINVAL;
	}
	if (curcred()->cr_euid != 0)
		return EPERM;
	if (uap->dev == NODEV)
		return EINVAL;
	return docreate_common(uap->path, 0, type, perm, NULL, uap->dev);
}

/* A directory made by the kernel itself (/dev at boot). */
int
vfs_kmkdir(const char *path, mode_t mode)
{
	return docreate_common(path, 1, VDIR, mode, NULL, 0);
}

/*
 * Device nodes the kernel's drivers ask for (conf.h, devnode_create):
 * created as root under /dev, which is made again if a test removed it.
 */
static int
vfs_devnode_create(const char *path, int devtype, dev_t dev, mode_t mode)
{
	enum vtype type = devtype == S_IFBLK_DEVTYPE ? VBLK : VCHR;
	int error;

	error = docreate_common(path, 1, type, mode & ALLPERMS, NULL, dev);
	if (error == ENOENT && strncmp(path, "/dev/", 5) == 0) {
		error = docreate_common("/dev", 1, VDIR, 0755, NULL, 0);
		if (error == 0 || error == EEXIST)
			error = docreate_common(path, 1, type,
			    mode & ALLPERMS, NULL, dev);
	}
	return error;
}

static int
vfs_devnode_remove(const char *path)
{
	struct nameidata nd;
	int error;

	if ((error = namei_kernel(&nd, path, WANTPARENT)) != 0)
		return error;
	if (nd.ni_vp == NULL)
		error = ENOENT;
	else if (!vn_isdev(nd.ni_vp))
		error = EINVAL;
	else
		error = VOP_REMOVE(nd.ni_dvp, nd.ni_vp,
		    &nd.ni_cnd);
	namei_done(&nd);
	return error;
}

const struct devnode_vfsops vfs_devnodeops = {
	.dv_create = vfs_devnode_create,
	.dv_remove = vfs_devnode_remove,
};

int
sys_mkdir(struct lwp *l, const struct sys_mkdir_args *uap, register_t *rv)
{
	return docreate(uap->path, VDIR,
	    uap->mode & ALLPERMS & ~l->l_proc->p_umask, NULL);
}

int
sys_symlink(struct lwp *l, const struct sys_symlink_args *uap,
    register_t *rv)
{
	char *target;
	int error;

	target = kmem_alloc(PATH_MAX, KM_SLEEP);
	error = copyinstr(uap->path, target, PATH_MAX, NULL);
	if (error == 0)
		error = docreate(uap->link, VLNK, ACCESSPERMS, target);
	kmem_free(target, PATH_MAX);
	return error;
}

/* Remove a name: rmdir when dir, unlink otherwise. */
static int
doremove(const char *path, int dir)
{
	struct nameidata nd;
	struct vnode *vp;
	int error;

	if ((error = namei(&nd, path, WANTPARENT)) != 0)
		return error;
	vp = nd.ni_vp;
	if (vp == NULL)
		error = ENOENT;
	else if (vp->v_vflag & VV_ROOT)
		error = EBUSY;
	else if (nd.ni_dotlast)
		error = dir ? EINVAL : EISDIR;
	else if (dir && vp->v_type != VDIR)
		error = ENOTDIR;
	else if (!dir && vp->v_type == VDIR)
		error = EPERM;
	else if (vp->v_mountedhere != NULL)
		error = EBUSY;
	else if ((error = vn_access(nd.ni_dvp, VWRITE | VEXEC, curcred())))
		;
	else if (dir)
		error = VOP_RMDIR(nd.ni_dvp, vp, &nd.ni_cnd);
	else
		error = VOP_REMOVE(nd.ni_dvp, vp, &nd.ni_cnd);
	namei_done(&nd);
	return error;
}

int
sys_rmdir(struct lwp *l, const struct sys_rmdir_args *uap, register_t *rv)
{
	return doremove(uap->path, 1);
}

int
sys_unlink(struct lwp *l, const struct sys_unlink_args *uap, register_t *rv)
{
	return doremove(uap->path, 0);
}

int
sys_link(struct lwp *l, const struct sys_link_args *uap, register_t *rv)
{
	struct nameidata nd, tnd;
	struct vnode *vp;
	int error;

	if ((error = namei(&nd, uap->path, 0)) != 0)
		return error;
	vp = nd.ni_vp;
	if ((error = namei(&tnd, uap->link, WANTPARENT)) != 0) {
		namei_done(&nd);
		return error;
	}
	if (tnd.ni_vp != NULL)
		error = EEXIST;
	else if (tnd.ni_flags & REQUIREDIR)
		error = ENOENT;
	else if (vp->v_type == VDIR)
		error = EPERM;
	else if (tnd.ni_dvp->v_mount != vp->v_mount)
		error = EXDEV;
	else if ((error = vn_access(tnd.ni_dvp, VWRITE | VEXEC, curcred())))
		;
	else
		error = VOP_LINK(tnd.ni_dvp, vp,
		    &tnd.ni_cnd);
	namei_done(&tnd);
	namei_done(&nd);
	return error;
}

int
sys_rename(struct lwp *l, const struct sys_rename_args *uap, register_t *rv)
{
	const struct kauth_cred *cred = curcred();
	struct nameidata fnd, tnd;
	struct vnode *fvp, *tvp;
	int error;

	if ((error = namei(&fnd, uap->from, WANTPARENT)) != 0)
		return error;
	/* Both paths resolve before either name's absence counts. */
	if ((error = namei(&tnd, uap->to, WANTPARENT)) != 0) {
		namei_done(&fnd);
		return error;
	}
	if ((fvp = fnd.ni_vp) == NULL)
		error = ENOENT;
	else if (fnd.ni_dotlast || (fvp->v_vflag & VV_ROOT))
		error = fnd.ni_dotlast ? EINVAL : EBUSY;
	else if (fvp->v_type != VDIR && (fnd.ni_flags & REQUIREDIR))
		error = ENOTDIR;
	if (error != 0) {
		namei_done(&tnd);
		namei_done(&fnd);
		return error;
	}
	tvp = tnd.ni_vp;
	if (tnd.ni_dotlast)
		error = tvp != NULL && (tvp->v_vflag & VV_ROOT) ? EBUSY :
		    EINVAL;
	else if (tnd.ni_dvp->v_mount != fvp->v_mount ||
	    (tvp != NULL && tvp->v_mount != fvp->v_mount))
		error = EXDEV;
	else if (tvp == fvp)
		error = 0;	/* the same file: nothing to do */
	else if (tvp == NULL && fvp->v_type != VDIR &&
	    (tnd.ni_flags & REQUIREDIR))
		error = ENOTDIR;
	else if (tvp != NULL && tvp->v_mountedhere != NULL)
		error = EBUSY;
	else if ((error = vn_access(fnd.ni_dvp, VWRITE | VEXEC, cred)) ||
	    (error = vn_access(tnd.ni_dvp, VWRITE | VEXEC, cred)))
		;
	else	/* the file system checks the types, after the ancestry */
		error = VOP_RENAME(fnd.ni_dvp, fvp, &fnd.ni_cnd,
		    tnd.ni_dvp, tvp, &tnd.ni_cnd);
	namei_done(&tnd);
	namei_done(&fnd);
	return error;
}

int
sys_readlink(struct lwp *l, const struct sys_readlink_args *uap,
    register_t *rv)
{
	struct nameidata nd;
	struct iovec iov = { uap->buf, uap->count };
	struct uio uio = {
		.uio_iov = &iov, .uio_iovcnt = 1, .uio_resid = uap->count,
		.uio_rw = UIO_READ, .uio_segflg = UIO_USERSPACE,
	};
	int error;

	if ((ssize_t)uap->count <= 0)
		return EINVAL;
	if ((error = namei(&nd, uap->path, 0)) != 0)
		return error;
	if (nd.ni_vp->v_type != VLNK)
		error = EINVAL;
	else
		error = VOP_READLINK(nd.ni_vp, &uio);
	namei_done(&nd);
	if (error == 0)
		rv[0] = (register_t)(uap->count - uio.uio_resid);
	return error;
}

static int
setcwd(struct vnode *vp)
{
	struct proc *p = curproc;
	struct vnode *ovp;
	int error;

	if (vp->v_type != VDIR)
		return ENOTDIR;
	if ((error = vn_access(vp, VEXEC, curcred())) != 0)
		return error;
	vref(vp);
	mutex_enter(&p->p_lock);
	ovp = p->p_cwd;
	p->p_cwd = vp;
	mutex_exit(&p->p_lock);
	vrele(ovp);
	return 0;
}

int
sys_chdir(struct lwp *l, const struct sys_chdir_args *uap, register_t *rv)
{
	struct nameidata nd;
	int error;

	if ((error = namei(&nd, uap->path, FOLLOW)) != 0)
		return error;
	error = setcwd(nd.ni_vp);
	namei_done(&nd);
	return error;
}

int
sys_fchdir(struct lwp *l, const struct sys_fchdir_args *uap, register_t *rv)
{
	struct file *fp;
	int error;

	if ((error = getvnode(uap->fd, &fp)) != 0)
		return error == ESPIPE ? ENOTDIR : error;
	error = setcwd(fp->f_data);
	fd_putfile(fp);
	return error;
}

/* Find vp's name in directory dvp by reading it; name has NAME_MAX+1. */
static int
getcwd_name(struct vnode *dvp, uint64_t fileid, char *name)
{
	char *buf = kmem_alloc(PAGE_SIZE, KM_SLEEP);
	off_t off = 0;
	int error, eof = 0;

	for (;;) {
		struct iovec iov = { buf, PAGE_SIZE };
		struct uio uio = {
			.uio_iov = &iov, .uio_iovcnt = 1,
			.uio_resid = PAGE_SIZE, .uio_offset = off,
			.uio_rw = UIO_READ, .uio_segflg = UIO_SYSSPACE,
		};
		size_t len, pos;

		if ((error = VOP_READDIR(dvp, &uio, &eof)) != 0)
			break;
		len = PAGE_SIZE - uio.uio_resid;
		for (pos = 0; pos < len;) {
			struct dirent *d = (struct dirent *)(buf + pos);

			if (d->d_ino == fileid && strcmp(d->d_name, ".") != 0 &&
			    strcmp(d->d_name, "..") != 0) {
				strlcpy(name, d->d_name, NAME_MAX + 1);
				goto out;
			}
			pos += d->d_reclen;
		}
		if (len == 0 || eof) {
			error = ENOENT;
			break;
		}
		off = uio.uio_offset;
	}
out:
	kmem_free(buf, PAGE_SIZE);
	return error;
}

int
sys_getcwd(struct lwp *l, const struct sys_getcwd_args *uap, register_t *rv)
{
	struct proc *p = l->l_proc;
	struct componentname cn = { "..", 2, curcred() };
	struct vnode *vp, *pvp;
	struct vattr va;
	char *path, *name;
	size_t off = PATH_MAX - 1, len;
	int error = 0;

	path = kmem_alloc(PATH_MAX, KM_SLEEP);
	name = kmem_alloc(NAME_MAX + 1, KM_SLEEP);
	path[off] = '\0';
	mutex_enter(&p->p_lock);
	vp = p->p_cwd;
	vref(vp);
	mutex_exit(&p->p_lock);
	while (vp != rootvnode) {
		if (vn_isdead(vp)) {
			error = ENOENT;		/* force-unmounted */
			break;
		}
		if (vp->v_vflag & VV_ROOT) {
			if ((error = vfs_coveredvp(vp, &pvp)) != 0)
				break;
			vrele(vp);
			vp = pvp;
			continue;
		}
		if ((error = VOP_GETATTR(vp, &va)) != 0 ||
		    (error = VOP_LOOKUP(vp, &pvp, &cn)) != 0)
			break;
		if ((error = vn_access(pvp, VREAD | VEXEC, curcred())) == 0)
			error = getcwd_name(pvp, va.va_fileid, name);
		vrele(vp);
		vp = pvp;
		if (error != 0)
			break;
		len = strlen(name);
		if (len + 1 > off) {
			error = ENAMETOOLONG;
			break;
		}
		off -= len;
		memcpy(path + off, name, len);
		path[--off] = '/';
	}
	vrele(vp);
	if (error == 0 && off == PATH_MAX - 1)
		path[--off] = '/';
	if (error == 0) {
		len = PATH_MAX - off;	/* with the NUL */
		if (uap->size < len)
			error = ERANGE;
		else
			error = copyout(path + off, uap->buf, len);
		if (error == 0)
			rv[0] = (register_t)len;
	}
	kmem_free(name, NAME_MAX + 1);
	kmem_free(path, PATH_MAX);
	return error;
}

int
sys_access(struct lwp *l, const struct sys_access_args *uap, register_t *rv)
{
	struct kauth_cred cred = l->l_proc->p_cred;
	struct nameidata nd;
	int error, acc = 0;

	if (uap->mode & ~(R_OK | W_OK | X_OK))
		return EINVAL;
	/* access(2) checks the real ids */
	cred.cr_euid = cred.cr_uid;
	cred.cr_egid = cred.cr_gid;
	if ((error = namei(&nd, uap->path, FOLLOW)) != 0)
		return error;
	acc = ((uap->mode & R_OK) ? VREAD : 0) |
	    ((uap->mode & W_OK) ? VWRITE : 0) |
	    ((uap->mode & X_OK) ? VEXEC : 0);
	if (acc != 0)
		error = vn_access(nd.ni_vp, acc, &cred);
	namei_done(&nd);
	return error;
}

int
sys_umask(struct lwp *l, const struct sys_umask_args *uap, register_t *rv)
{
	struct proc *p = l->l_proc;

	mutex_enter(&p->p_lock);
	rv[0] = p->p_umask;
	p->p_umask = uap->newmask & ACCESSPERMS;
	mutex_exit(&p->p_lock);
	return 0;
}

static int
dochmod(struct vnode *vp, mode_t mode)
{
	struct vattr va;
	int error;

	if ((error = isowner(vp, curcred(), &va)) != 0)
		return error;
	vattr_null(&va);
	va.va_mode = mode & ALLPERMS;
	return VOP_SETATTR(vp, &va);
}

int
sys_chmod(struct lwp *l, const struct sys_chmod_args *uap, register_t *rv)
{
	struct nameidata nd;
	int error;

	if ((error = namei(&nd, uap->path, FOLLOW)) != 0)
		return error;
	error = dochmod(nd.ni_vp, uap->mode);
	namei_done(&nd);
	return error;
}

int
sys_fchmod(struct lwp *l, const struct sys_fchmod_args *uap, register_t *rv)
{
	struct file *fp;
	int error;

	if ((error = getvnode(uap->fd, &fp)) != 0)
		return error == ESPIPE ? EINVAL : error;
	error = fd_deaderr(fp->f_data, dochmod(fp->f_data, uap->mode));
	fd_putfile(fp);
	return error;
}

/*
 * Only root gives a file away; an owner may change its group to one of
 * his own.  A non-root change clears the set-id bits.
 */
static int
dochown(struct vnode *vp, uid_t uid, gid_t gid)
{
	const struct kauth_cred *cred = curcred();
	struct vattr va, nva;
	int error, ingroup = 0;

	if ((error = isowner(vp, cred, &va)) != 0)
		return error;
	if (cred->cr_euid != 0) {
		if (uid != (uid_t)-1 && uid != va.va_uid)
			return EPERM;
		if (gid != (gid_t)-1 && gid != va.va_gid) {
			ingroup = cred->cr_egid == gid;
			for (int i = 0; i < cred->cr_ngroups; i++)
				ingroup |= cred->cr_groups[i] == gid;
			if (!ingroup)
				return EPERM;
		}
	}
	vattr_null(&nva);
	if (uid != (uid_t)-1)
		nva.va_uid = uid;
	if (gid != (gid_t)-1)
		nva.va_gid = gid;
	if (cred->cr_euid != 0 && (va.va_mode & (S_ISUID | S_ISGID)))
		nva.va_mode = va.va_mode & ~(mode_t)(S_ISUID | S_ISGID);
	return VOP_SETATTR(vp, &nva);
}

int
sys_chown(struct lwp *l, const struct sys_chown_args *uap, register_t *rv)
{
	struct nameidata nd;
	int error;

	if ((error = namei(&nd, uap->path, FOLLOW)) != 0)
		return error;
	error = dochown(nd.ni_vp, uap->uid, uap->gid);
	namei_done(&nd);
	return error;
}

int
sys_fchown(struct lwp *l, const struct sys_fchown_args *uap, register_t *rv)
{
	struct file *fp;
	int error;

	if ((error = getvnode(uap->fd, &fp)) != 0)
		return error == ESPIPE ? EINVAL : error;
	error = fd_deaderr(fp->f_data, dochown(fp->f_data, uap->uid,
	    uap->gid));
	fd_putfile(fp);
	return error;
}

static int
dotruncate(struct vnode *vp, off_t length)
{
	struct vattr va;

	if (length < 0)
		return EINVAL;
	if (vp->v_type == VDIR)
		return EISDIR;
	if (vp->v_type != VREG)
		return EINVAL;
	vattr_null(&va);
	va.va_size = length;
	return VOP_SETATTR(vp, &va);
}

int
sys_truncate(struct lwp *l, const struct sys_truncate_args *uap,
    register_t *rv)
{
	struct nameidata nd;
	int error;

	if ((error = namei(&nd, uap->path, FOLLOW)) != 0)
		return error;
	if (nd.ni_vp->v_type == VDIR)
		error = EISDIR;
	else if ((error = vn_access(nd.ni_vp, VWRITE, curcred())) == 0)
		error = dotruncate(nd.ni_vp, uap->length);
	namei_done(&nd);
	return error;
}

int
sys_ftruncate(struct lwp *l, const struct sys_ftruncate_args *uap,
    register_t *rv)
{
	struct file *fp;
	int error;

	if ((error = getvnode(uap->fd, &fp)) != 0)
		return error == ESPIPE ? EINVAL : error;
	if ((fp->f_flag & FWRITE) == 0)
		error = EINVAL;
	else
		error = fd_deaderr(fp->f_data,
		    dotruncate(fp->f_data, uap->length));
	fd_putfile(fp);
	return error;
}

int
sys_fsync(struct lwp *l, const struct sys_fsync_args *uap, register_t *rv)
{
	struct file *fp;
	struct vnode *vp;
	int error;

	if ((error = getvnode(uap->fd, &fp)) != 0)
		return error == ESPIPE ? EINVAL : error;
	vp = fp->f_data;
	/* a block device: its buffers, whatever file system holds the node */
	if (vp->v_type == VBLK)
		error = vflushbuf(vp, 1);
	else
		error = VOP_FSYNC(vp);
	fd_putfile(fp);
	return error;
}

int
sys_sync(struct lwp *l, const void *v, register_t *rv)
{
	struct mount *mp;

	mutex_enter(&vfs_mountlock);
	TAILQ_FOREACH(mp, &vfs_mountlist, mnt_list)
		(void)mp->mnt_op->vfs_sync(mp);
	mutex_exit(&vfs_mountlock);
	/* then what the file systems left in the buffer cache, and wait */
	(void)bio_sync_all();
	return 0;
}

int
sys_getdents(struct lwp *l, const struct sys_getdents_args *uap,
    register_t *rv)
{
	struct iovec iov = { uap->buf, uap->count };
	struct uio uio = {
		.uio_iov = &iov, .uio_iovcnt = 1, .uio_resid = uap->count,
		.uio_rw = UIO_READ, .uio_segflg = UIO_USERSPACE,
	};
	struct file *fp;
	struct vnode *vp;
	int error, eof;

	if ((error = getvnode(uap->fd, &fp)) != 0)
		return error == ESPIPE ? ENOTDIR : error;
	vp = fp->f_data;
	if (vp->v_type != VDIR) {
		fd_putfile(fp);
		return ENOTDIR;
	}
	if ((ssize_t)uap->count < 0) {
		fd_putfile(fp);
		return EINVAL;
	}
	mutex_enter(&fp->f_lock);
	uio.uio_offset = fp->f_offset;
	mutex_exit(&fp->f_lock);
	error = VOP_READDIR(vp, &uio, &eof);
	if (error == 0) {
		mutex_enter(&fp->f_lock);
		fp->f_offset = uio.uio_offset;
		mutex_exit(&fp->f_lock);
		rv[0] = (register_t)(uap->count - uio.uio_resid);
	}
	fd_putfile(fp);
	return error;
}

int
sys_statvfs(struct lwp *l, const struct sys_statvfs_args *uap,
    register_t *rv)
{
	struct nameidata nd;
	struct statvfs sb;
	struct mount *mp;
	int error;

	if ((error = namei(&nd, uap->path, FOLLOW)) != 0)
		return error;
	mp = nd.ni_vp->v_mount;
	memset(&sb, 0, sizeof(sb));
	mutex_enter(&vfs_mountlock);
	if (mp->mnt_iflag & MNTI_GONE)
		error = ENOENT;		/* force-unmounted meanwhile */
	else
		error = mp->mnt_op->vfs_statvfs(mp, &sb);
	mutex_exit(&vfs_mountlock);
	sb.f_fsid = mp->mnt_fsid;
	sb.f_namemax = NAME_MAX;
	namei_done(&nd);
	if (error == 0)
		error = copyout(&sb, uap->buf, sizeof(sb));
	return error;
}

#define MOUNT_DATA_MAX	256

int
sys_mount(struct lwp *l, const struct sys_mount_args *uap, register_t *rv)
{
	const struct vfsops *ops;
	struct nameidata nd;
	struct mount *mp;
	struct vnode *vp;
	char type[MFSNAMELEN], *data = NULL;
	int error;

	if (!kauth_cred_geteuid_root(curcred()))
		return EPERM;
	if ((error = copyinstr(uap->type, type, sizeof(type), NULL)) != 0)
		return error == ENAMETOOLONG ? ENODEV : error;
	if ((ops = vfs_getops(type)) == NULL)
		return ENODEV;
	if (uap->flags != 0)
		return EINVAL;
	if (uap->data != NULL) {
		if (uap->data_len == 0 || uap->data_len > MOUNT_DATA_MAX)
			return EINVAL;
		data = kmem_alloc(uap->data_len, KM_SLEEP);
		if ((error = copyin(uap->data, data, uap->data_len)) != 0)
			goto out;
		if (data[uap->data_len - 1] != '\0') {
			error = EINVAL;
			goto out;
		}
	}
	if ((error = namei(&nd, uap->path, FOLLOW)) != 0)
		goto out;
	vp = nd.ni_vp;
	if (vp->v_type != VDIR) {
		error = ENOTDIR;
		goto outnd;
	}
	if (vp == rootvnode) {
		error = EBUSY;		/* lookups start below "/" */
		goto outnd;
	}
	if ((error = vfs_mountfs(ops, data, &mp)) != 0)
		goto outnd;
	mutex_enter(&vfs_mountlock);
	if (vp->v_mountedhere != NULL || vn_isdead(vp)) {
		mutex_exit(&vfs_mountlock);
		vfs_freemount(mp);
		error = EBUSY;
		goto outnd;
	}
	vp->v_mountedhere = mp;
	mp->mnt_vnodecovered = vp;
	nd.ni_vp = NULL;	/* the mount keeps the reference */
	TAILQ_INSERT_TAIL(&vfs_mountlist, mp, mnt_list);
	mutex_exit(&vfs_mountlock);
outnd:
	namei_done(&nd);
out:
	if (data != NULL)
		kmem_free(data, uap->data_len);
	return error;
}

/*
 * unmount(path, flags): path must be the root of a mount other than
 * "/".  EBUSY while a vnode of it is referenced (open files, working
 * directories), unless flags has MNT_FORCE: then every vnode of it is
 * revoked (see vnode.h) and the unmount succeeds.  A mount with another
 * mounted below it is EBUSY even when forced: unmount the inner one
 * first (NetBSD does the same); otherwise the inner mount would hang
 * off a dead vnode with no path to reach it.
 */
int
sys_unmount(struct lwp *l, const struct sys_unmount_args *uap,
    register_t *rv)
{
	struct nameidata nd;
	struct mount *mp, *omp;
	uint64_t fsid;
	int error;

	if (!kauth_cred_geteuid_root(curcred()))
		return EPERM;
	if (uap->flags & ~MNT_FORCE)
		return EINVAL;
	if ((error = namei(&nd, uap->path, FOLLOW)) != 0)
		return error;
	mp = nd.ni_vp->v_mount;
	fsid = mp->mnt_fsid;
	if (!(nd.ni_vp->v_vflag & VV_ROOT))
		error = EINVAL;
	else if (mp == vfs_rootmount)
		error = EBUSY;
	namei_done(&nd);
	if (error != 0)
		return error;
	/*
	 * mp may be gone by now (another unmount): find it again by
	 * address and its fsid, which no later mount reuses.
	 */
	mutex_enter(&vfs_mountlock);
	TAILQ_FOREACH(omp, &vfs_mountlist, mnt_list) {
		if (omp == mp && omp->mnt_fsid == fsid)
			break;
	}
	if (omp == NULL)
		error = EINVAL;	/* somebody else unmounted it meanwhile */
	else
		error = vfs_unmountfs(mp, uap->flags & MNT_FORCE);
	mutex_exit(&vfs_mountlock);
	return error;
}

/*
 * utimes: with times, the owner (or root) sets them; without, anyone
 * who may write the file sets both to now.
 */
int
sys_utimes(struct lwp *l, const struct sys_utimes_args *uap,
    register_t *rv)
{
	const struct kauth_cred *cred = curcred();
	struct nameidata nd;
	struct timeval tv[2];
	struct vattr va;
	int error;

	if (uap->tptr != NULL) {
		if ((error = copyin(uap->tptr, tv, sizeof(tv))) != 0)
			return error;
		for (int i = 0; i < 2; i++) {
			if (tv[i].tv_usec < 0 || tv[i].tv_usec >= 1000000)
				return EINVAL;
		}
	}
	if ((error = namei(&nd, uap->path, FOLLOW)) != 0)
		return error;
	if (uap->tptr != NULL)
		error = isowner(nd.ni_vp, cred, &va);
	else if ((error = isowner(nd.ni_vp, cred, &va)) != 0)
		error = vn_access(nd.ni_vp, VWRITE, cred);
	if (error == 0) {
		vattr_null(&va);
		if (uap->tptr != NULL) {
			va.va_atime.tv_sec = tv[0].tv_sec;
			va.va_atime.tv_nsec = tv[0].tv_usec * 1000;
			va.va_mtime.tv_sec = tv[1].tv_sec;
			va.va_mtime.tv_nsec = tv[1].tv_usec * 1000;
		} else {
			getnanotime(&va.va_atime);
			va.va_mtime = va.va_atime;
		}
		error = VOP_SETATTR(nd.ni_vp, &va);
	}
	namei_done(&nd);
	return error;
}
