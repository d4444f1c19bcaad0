/*
 * spec_blk.c: block devices seen from above the buffer cache.  A file
 * system opens its device with bdev_open (one mount per device), and
 * a test that opens /dev/wd0 itself reads and writes it through the
 * cache with bdev_rw, at any offset and length, as on NetBSD.
 */
#include <rump-sys/types.h>
#include <rump-sys/systm.h>
#include <rump-sys/errno.h>
#include <rump-sys/mutex.h>
#include <rump-sys/component.h>
#include <rump-sys/conf.h>
#include <rump-sys/uio.h>
#include <rump-sys/vnode.h>
#include <rump-sys/buf.h>

#define BDEV_IOSIZE	4096		/* buffer size of raw block I/O */
#define BDEV_MAXOPEN	32

/* Devices opened for mounts, so a second mount of one is EBUSY. */
static kmutex_t bdev_lock;
static dev_t bdev_inuse[BDEV_MAXOPEN];
static unsigned int bdev_ninuse;

/* Claim dev for a mount: 0, EBUSY (claimed), ENFILE (table full). */
static int
bdev_claim(dev_t dev)
{
	int error = 0;

	mutex_enter(&bdev_lock);
	for (unsigned int i = 0; i < bdev_ninuse; i++) {
		if (bdev_inuse[i] == dev)
			error = EBUSY;
	}
	if (error == 0 && bdev_ninuse == BDEV_MAXOPEN)
		error = ENFILE;
	if (error == 0)
		bdev_inuse[bdev_ninuse++] = dev;
	mutex_exit(&bdev_lock);
	return error;
}

static void
bdev_unclaim(dev_t dev)
{
	mutex_enter(&bdev_lock);
	for (unsigned int i = 0; i < bdev_ninuse; i++) {
		if (bdev_inuse[i] == dev) {
			bdev_inuse[i] = bdev_inuse[--bdev_ninuse];
			break;
		}
	}
	mutex_exit(&bdev_lock);
}

int
bdev_open(const char *kpath, int fflags, struct vnode **devvpp)
{
	struct nameidata nd;
	struct vnode *vp;
	int error;

	*devvpp = NULL;
	if ((error = namei_kernel(&nd, kpath, FOLLOW)) != 0)
		return error;
	vp = nd.ni_vp;
	nd.ni_vp = NULL;
	namei_done(&nd);
	if (vp->v_type != VBLK) {
		error = ENOTBLK;
		goto fail;
	}
	if (bdevsw_lookup(vp->v_rdev) == NULL) {
		error = ENXIO;
		goto fail;
	}
	if ((error = bdev_claim(vp->v_rdev)) != 0)
		goto fail;
	if ((error = spec_open(vp, fflags)) != 0) {
		bdev_unclaim(vp->v_rdev);
		goto fail;
	}
	*devvpp = vp;
	return 0;
fail:
	vrele(vp);
	return error;
}

void
bdev_close(struct vnode *devvp, int fflags)
{
	vinvalbuf(devvp);
	spec_close(devvp, fflags);
	bdev_unclaim(devvp->v_rdev);
	vrele(devvp);
}

/* The device's size in bytes, or INT64_MAX if it does not say. */
static int64_t
bdev_size(struct vnode *vp)
{
	const struct bdevsw *bdev = bdevsw_lookup(vp->v_rdev);
	int64_t nblks;

	if (bdev == NULL || bdev->d_psize == NULL ||
	    (nblks = bdev->d_psize(vp->v_rdev)) < 0)
		return INT64_MAX;
	return nblks * DEV_BSIZE;
}

/*
 * Read or write the open block device vp through the buffer cache in
 * BDEV_IOSIZE buffers (the last one of the device shorter).  Reads end
 * at the device's end; a write there is ENOSPC.  Writes are delayed
 * (fsync, sync, close or the syncer write them back); a partial buffer
 * is read first.  0 or an errno (EIO from the device).
 */
int
bdev_rw(struct vnode *vp, struct uio *uio, int fflag)
{
	int64_t devsize = bdev_size(vp), off, base;
	size_t on, n, size;
	struct buf *bp;
	bool wr = uio->uio_rw == UIO_WRITE, valid;
	int error = 0;

	(void)fflag;
	if (uio->uio_offset < 0)
		return EINVAL;
	while (uio->uio_resid > 0 && error == 0) {
		off = uio->uio_offset;
		if (off >= devsize)
			return wr ? ENOSPC : 0;
		base = off - off % BDEV_IOSIZE;
		size = (size_t)MIN((int64_t)BDEV_IOSIZE, devsize - base);
		size -= size % DEV_BSIZE;
		on = (size_t)(off - base);
		if (on >= size)
			return wr ? ENOSPC : 0;	/* a partial last sector */
		n = MIN(size - on, uio->uio_resid);
		if (wr && on == 0 && n == size) {
			bp = getblk(vp, base / DEV_BSIZE, (int)size);
		} else if ((error = bread(vp, base / DEV_BSIZE, (int)size,
		    &bp)) != 0)
			break;
		valid = (bp->b_flags & B_DONE) != 0;
		error = uiomove((char *)bp->b_data + on, n, uio);
		if (wr && (error == 0 || valid))
			bdwrite(bp);
		else
			brelse(bp);
	}
	return error;
}

RUMP_COMPONENT(RUMP_COMPONENT_KERN_VFS, rumpvfs_bdev)
{
	mutex_init(&bdev_lock, MUTEX_DEFAULT, IPL_NONE);
	bdev_ninuse = 0;
	return 0;
}

RUMP_COMPONENT_FINI(rumpvfs_bdev)
{
	mutex_destroy(&bdev_lock);
}
