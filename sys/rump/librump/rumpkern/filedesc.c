/*
 * filedesc.c: open files and per-process descriptor tables.  A slot is
 * reserved first (fd_allocfile) and made visible only when the file is
 * ready (fd_affix), so another thread never sees a half-built file.
 */
#include <rump-sys/systm.h>
#include <rump-sys/conf.h>
#include <rump-sys/file.h>
#include <rump-sys/kmem.h>
#include <rump-sys/lwp.h>

#define FD_RESERVED	((struct file *)(uintptr_t)1)
#define FD_INITIAL	32

struct filedesc *
fd_init(void)
{
	struct filedesc *fdp;

	fdp = kmem_zalloc(sizeof(*fdp), KM_SLEEP);
	mutex_init(&fdp->fd_lock, MUTEX_DEFAULT, IPL_NONE);
	fdp->fd_limit = FD_DEFAULT_LIMIT;
	return fdp;
}

static void
closef(struct file *fp)
{
	unsigned int left;

	mutex_enter(&fp->f_lock);
	KASSERT(fp->f_count > 0);
	left = --fp->f_count;
	mutex_exit(&fp->f_lock);
	if (left > 0)
		return;
	if (fp->f_ops != NULL && fp->f_ops->fo_close != NULL)
		(void)fp->f_ops->fo_close(fp);
	/* A cloned device stays counted open until its driver closed it. */
	if (fp->f_cloned)
		devsw_unref(fp->f_cdev, S_IFCHR_DEVTYPE);
	mutex_destroy(&fp->f_lock);
	kmem_free(fp, sizeof(*fp));
}

/* A descriptor of fp in fdp goes away (not the file: closef does that). */
static void
fd_closing(struct filedesc *fdp, struct file *fp)
{
	if (fp->f_ops != NULL && fp->f_ops->fo_fdclose != NULL)
		fp->f_ops->fo_fdclose(fp, fdp);
}

void
fd_free(struct filedesc *fdp)
{
	for (int i = 0; i < fdp->fd_nfiles; i++) {
		struct file *fp = fdp->fd_ofiles[i];

		KASSERTMSG(fp != FD_RESERVED, "fd %d reserved at exit", i);
		if (fp != NULL) {
			fd_closing(fdp, fp);
			closef(fp);
		}
	}
	if (fdp->fd_nfiles > 0) {
		kmem_free(fdp->fd_ofiles,
		    (size_t)fdp->fd_nfiles * sizeof(*fdp->fd_ofiles));
		kmem_free(fdp->fd_cloexec, (size_t)fdp->fd_nfiles);
	}
	mutex_destroy(&fdp->fd_lock);
	kmem_free(fdp, sizeof(*fdp));
}

void
fd_closeall(struct filedesc *fdp)
{
	for (int i = 0; i < fdp->fd_nfiles; i++) {
		struct file *fp;

		mutex_enter(&fdp->fd_lock);
		fp = fdp->fd_ofiles[i];
		if (fp == FD_RESERVED)
			fp = NULL;
		if (fp != NULL)
			fdp->fd_ofiles[i] = NULL;
		mutex_exit(&fdp->fd_lock);
		if (fp != NULL) {
			fd_closing(fdp, fp);
			closef(fp);
		}
	}
}

/* Make room for descriptor fd; fd_lock held.  0, EMFILE or ENOMEM. */
static int
fd_grow(struct filedesc *fdp, int fd)
{
	struct file **nfiles;
	unsigned char *ncloexec;
	int n;

	if (fd >= fdp->fd_limit)
		return EMFILE;
	if (fd < fdp->fd_nfiles)
		return 0;
	n = fdp->fd_nfiles ? fdp->fd_nfiles : FD_INITIAL;
	while (n <= fd)
		n *= 2;
	n = MIN(n, fdp->fd_limit);
	nfiles = kmem_zalloc((size_t)n * sizeof(*nfiles), KM_NOSLEEP);
	ncloexec = kmem_zalloc((size_t)n, KM_NOSLEEP);
	if (nfiles == NULL || ncloexec == NULL) {
		if (nfiles != NULL)
			kmem_free(nfiles, (size_t)n * sizeof(*nfiles));
		if (ncloexec != NULL)
			kmem_free(ncloexec, (size_t)n);
		return ENOMEM;
	}
	if (fdp->fd_nfiles > 0) {
		memcpy(nfiles, fdp->fd_ofiles,
		    (size_t)fdp->fd_nfiles * sizeof(*nfiles));
		memcpy(ncloexec, fdp->fd_cloexec, (size_t)fdp->fd_nfiles);
		kmem_free(fdp->fd_ofiles,
		    (size_t)fdp->fd_nfiles * sizeof(*nfiles));
		kmem_free(fdp->fd_cloexec, (size_t)fdp->fd_nfiles);
	}
	fdp->fd_ofiles = nfiles;
	fdp->fd_cloexec = ncloexec;
	fdp->fd_nfiles = n;
	return 0;
}

/* Lowest free slot >= minfd, reserved for val; fd_lock held. */
static int
fd_reserve(struct filedesc *fdp, int minfd, struct file *val, int *fdret)
{
	int fd, error;

	for (fd = minfd; fd < fdp->fd_nfiles; fd++) {
		if (fdp->fd_ofiles[fd] == NULL)
			break;
	}
	if ((error = fd_grow(fdp, fd)) != 0)
		return error;
	fdp->fd_ofiles[fd] = val;
	fdp->fd_cloexec[fd] = 0;
	*fdret = fd;
	return 0;
}

int
fd_allocfile(struct file **fpp, int *fdp)
{
	struct filedesc *fdt = curproc->p_fd;
	struct file *fp;
	int error;

	mutex_enter(&fdt->fd_lock);
	error = fd_reserve(fdt, 0, FD_RESERVED, fdp);
	mutex_exit(&fdt->fd_lock);
	if (error != 0)
		return error;
	fp = kmem_zalloc(sizeof(*fp), KM_NOSLEEP);
	if (fp == NULL) {
		mutex_enter(&fdt->fd_lock);
		fdt->fd_ofiles[*fdp] = NULL;
		mutex_exit(&fdt->fd_lock);
		return ENOMEM;
	}
	mutex_init(&fp->f_lock, MUTEX_DEFAULT, IPL_NONE);
	fp->f_count = 1;
	*fpp = fp;
	return 0;
}

void
fd_affix(struct file *fp, int fd)
{
	struct filedesc *fdt = curproc->p_fd;

	mutex_enter(&fdt->fd_lock);
	KASSERT(fdt->fd_ofiles[fd] == FD_RESERVED);
	fdt->fd_ofiles[fd] = fp;
	mutex_exit(&fdt->fd_lock);
}

void
fd_abort(struct file *fp, int fd)
{
	struct filedesc *fdt = curproc->p_fd;

	mutex_enter(&fdt->fd_lock);
	KASSERT(fdt->fd_ofiles[fd] == FD_RESERVED);
	fdt->fd_ofiles[fd] = NULL;
	mutex_exit(&fdt->fd_lock);
	if (fp != NULL) {
		fp->f_ops = NULL;	/* never opened: nothing to close */
		closef(fp);
	}
}

struct file *
fd_getfile(int fd)
{
	struct filedesc *fdt = curproc->p_fd;
	struct file *fp = NULL;

	mutex_enter(&fdt->fd_lock);
	if (fd >= 0 && fd < fdt->fd_nfiles) {
		fp = fdt->fd_ofiles[fd];
		if (fp == FD_RESERVED)
			fp = NULL;
	}
	if (fp != NULL) {
		mutex_enter(&fp->f_lock);
		fp->f_count++;
		mutex_exit(&fp->f_lock);
	}
	mutex_exit(&fdt->fd_lock);
	return fp;
}

void
fd_putfile(struct file *fp)
{
	closef(fp);
}

int
fd_close(int fd)
{
	struct filedesc *fdt = curproc->p_fd;
	struct file *fp = NULL;

	mutex_enter(&fdt->fd_lock);
	if (fd >= 0 && fd < fdt->fd_nfiles &&
	    fdt->fd_ofiles[fd] != FD_RESERVED) {
		fp = fdt->fd_ofiles[fd];
		fdt->fd_ofiles[fd] = NULL;
	}
	mutex_exit(&fdt->fd_lock);
	if (fp == NULL)
		return EBADF;
	fd_closing(fdt, fp);
	closef(fp);
	return 0;
}

int
fd_dup(struct file *fp, int minfd, int *newfdp)
{
	struct filedesc *fdt = curproc->p_fd;
	int error;

	mutex_enter(&fdt->fd_lock);
	error = fd_reserve(fdt, minfd, fp, newfdp);
	if (error == 0) {
		mutex_enter(&fp->f_lock);
		fp->f_count++;
		mutex_exit(&fp->f_lock);
	}
	mutex_exit(&fdt->fd_lock);
	return error;
}

int
fd_dup2(struct file *fp, int newfd)
{
	struct filedesc *fdt = curproc->p_fd;
	struct file *old;
	int error;

	if (newfd < 0 || newfd >= fdt->fd_limit)
		return EBADF;
	mutex_enter(&fdt->fd_lock);
	if ((error = fd_grow(fdt, newfd)) != 0) {
		mutex_exit(&fdt->fd_lock);
		return error;
	}
	old = fdt->fd_ofiles[newfd];
	if (old == FD_RESERVED) {
		mutex_exit(&fdt->fd_lock);
		return EBUSY;
	}
	if (old == fp) {
		mutex_exit(&fdt->fd_lock);
		return 0;
	}
	mutex_enter(&fp->f_lock);
	fp->f_count++;
	mutex_exit(&fp->f_lock);
	fdt->fd_ofiles[newfd] = fp;
	fdt->fd_cloexec[newfd] = 0;
	mutex_exit(&fdt->fd_lock);
	if (old != NULL) {
		fd_closing(fdt, old);
		closef(old);
	}
	return 0;
}

int
fd_getcloexec(int fd)
{
	struct filedesc *fdt = curproc->p_fd;
	int v = 0;

	mutex_enter(&fdt->fd_lock);
	if (fd >= 0 && fd < fdt->fd_nfiles)
		v = fdt->fd_cloexec[fd];
	mutex_exit(&fdt->fd_lock);
	return v;
}

void
fd_setcloexec(int fd, int on)
{
	struct filedesc *fdt = curproc->p_fd;

	mutex_enter(&fdt->fd_lock);
	if (fd >= 0 && fd < fdt->fd_nfiles)
		fdt->fd_cloexec[fd] = on != 0;
	mutex_exit(&fdt->fd_lock);
}
