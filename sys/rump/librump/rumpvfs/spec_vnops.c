/*
 * spec_vnops.c: device special files.  A device node lives in some file
 * system, which keeps its (major, minor) in v_rdev; everything done to
 * an open device goes to the driver through the device switch instead
 * of to that file system.  Opens are counted in the switch
 * (devsw_ref), so a driver cannot be unregistered under an open file.
 *
 * A cloning character driver (conf.h, d_clone) gets the open file
 * instead: spec_open_file hands it over and the node is done with.
 *
 * Block devices are opened and closed here; their reads and writes go
 * through the buffer cache (spec_blk.c, vfs_bio.c), and closing one
 * writes back what it left dirty there.
 */
#include <rump-sys/systm.h>
#include <rump-sys/conf.h>
#include <rump-sys/errno.h>
#include <rump-sys/file.h>
#include <rump-sys/select.h>
#include <rump-sys/uio.h>
#include <rump-sys/vnode.h>
#include <rump-sys/buf.h>

#include "vfs_int.h"

static int
devtype_of(struct vnode *vp)
{
	return vp->v_type == VBLK ? S_IFBLK_DEVTYPE : S_IFCHR_DEVTYPE;
}

int
spec_open(struct vnode *vp, int fflag)
{
	dev_t dev = vp->v_rdev;
	int devtype = devtype_of(vp), error;

	KASSERT(vn_isdev(vp));
	if ((error = devsw_ref(dev, devtype)) != 0)
		return error;
	if (devtype == S_IFBLK_DEVTYPE)
		error = bdevsw_lookup(dev)->d_open(dev, fflag, devtype);
	else if (cdevsw_lookup(dev)->d_open == NULL)
		error = EOPNOTSUPP;	/* cloning only: spec_open_file */
	else
		error = cdevsw_lookup(dev)->d_open(dev, fflag, devtype);
	if (error != 0)
		devsw_unref(dev, devtype);
	return error;
}

/*
 * Open vp's device for the file fp, which remembers the device's
 * revocation generation: taken before d_open, so a revoke racing the
 * open leaves the file revoked rather than attached to a new unit.
 */
static int
spec_open_tracked(struct vnode *vp, struct file *fp)
{
	struct devopen *d;
	uint64_t gen;
	int error;

	d = devopen_hold(vp->v_rdev, devtype_of(vp), &gen);
	if ((error = spec_open(vp, fp->f_flag)) != 0) {
		devopen_rele(d);
		return error;
	}
	fp->f_devopen = d;
	fp->f_devgen = gen;
	return 0;
}

int
spec_open_file(struct vnode *vp, struct file *fp)
{
	const struct fileops *fops = NULL;
	const struct cdevsw *cd;
	dev_t dev = vp->v_rdev;
	void *data = NULL;
	int error;

	KASSERT(fp->f_ops == NULL);
	if (vp->v_type != VCHR)
		return spec_open_tracked(vp, fp);
	if ((error = devsw_ref(dev, S_IFCHR_DEVTYPE)) != 0)
		return error;
	cd = cdevsw_lookup(dev);
	if (cd->d_clone == NULL) {
		devsw_unref(dev, S_IFCHR_DEVTYPE);
		return spec_open_tracked(vp, fp);
	}
	if ((error = cd->d_clone(dev, fp->f_flag, &fops, &data)) != 0) {
		devsw_unref(dev, S_IFCHR_DEVTYPE);
		return error;
	}
	KASSERTMSG(fops != NULL, "%s: dev %#llx cloned without fileops",
	    __func__, (unsigned long long)dev);
	/* The reference taken here is the file's: closef drops it. */
	fp->f_ops = fops;
	fp->f_data = data;
	fp->f_cdev = dev;
	fp->f_cloned = true;
	return 0;
}

void
spec_close(struct vnode *vp, int fflag)
{
	dev_t dev = vp->v_rdev;
	int devtype = devtype_of(vp);

	/* The reference taken at open keeps the switch registered. */
	if (devtype == S_IFBLK_DEVTYPE) {
		if (fflag & FWRITE)
			(void)vflushbuf(vp, 1);
		(void)bdevsw_lookup(dev)->d_close(dev, fflag, devtype);
	} else
		(void)cdevsw_lookup(dev)->d_close(dev, fflag, devtype);
	devsw_unref(dev, devtype);
}

/*
 * Calls on a device file opened through its node are bracketed so a
 * revoke (devsw_revoke) can turn them away and wait for those inside.
 */
int
spec_fenter(struct file *fp)
{
	if (fp->f_devopen == NULL)
		return 0;
	return devopen_enter(fp->f_devopen, fp->f_devgen);
}

void
spec_fexit(struct file *fp)
{
	if (fp->f_devopen != NULL)
		devopen_exit(fp->f_devopen);
}

/* The last close of a device file: d_close unless it was revoked. */
void
spec_close_file(struct file *fp)
{
	struct vnode *vp = fp->f_data;
	struct devopen *d = fp->f_devopen;

	KASSERT(d != NULL);
	if (devopen_enter(d, fp->f_devgen) == 0) {
		spec_close(vp, fp->f_flag);
		devopen_exit(d);
	} else {
		/* the driver forgot this open; only the switch counts it */
		devsw_unref(vp->v_rdev, devtype_of(vp));
	}
	fp->f_devopen = NULL;
	devopen_rele(d);
}

int
spec_read(struct vnode *vp, struct uio *uio, int fflag)
{
	const struct cdevsw *cd;

	if (vp->v_type == VBLK)
		return bdev_rw(vp, uio, fflag);
	if (vp->v_type != VCHR)
		return EOPNOTSUPP;
	cd = cdevsw_lookup(vp->v_rdev);
	return cd->d_read != NULL ? cd->d_read(vp->v_rdev, uio, fflag) :
	    EOPNOTSUPP;
}

int
spec_write(struct vnode *vp, struct uio *uio, int fflag)
{
	const struct cdevsw *cd;

	if (vp->v_type == VBLK)
		return bdev_rw(vp, uio, fflag);
	if (vp->v_type != VCHR)
		return EOPNOTSUPP;
	cd = cdevsw_lookup(vp->v_rdev);
	return cd->d_write != NULL ? cd->d_write(vp->v_rdev, uio, fflag) :
	    EOPNOTSUPP;
}

int
spec_ioctl(struct vnode *vp, u_long cmd, void *data, int fflag)
{
	int (*ioctl)(dev_t, u_long, void *, int);

	if (vp->v_type == VBLK)
		ioctl = bdevsw_lookup(vp->v_rdev)->d_ioctl;
	else
		ioctl = cdevsw_lookup(vp->v_rdev)->d_ioctl;
	return ioctl != NULL ? ioctl(vp->v_rdev, cmd, data, fflag) : ENOTTY;
}

int
spec_poll(struct vnode *vp, int events)
{
	const struct cdevsw *cd;

	if (vp->v_type == VCHR) {
		cd = cdevsw_lookup(vp->v_rdev);
		if (cd->d_poll != NULL)
			return cd->d_poll(vp->v_rdev, events);
	}
	/* no poll routine: always ready, as a disk is */
	return events & (POLLIN | POLLRDNORM | POLLOUT | POLLWRNORM);
}
