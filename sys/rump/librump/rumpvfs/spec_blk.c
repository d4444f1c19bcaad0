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

#define BDEV_IOSIZE	(64 * 1024)	/* buffer size of raw block I/O */
#define BDEV_MAXOPEN	32
#define BDEV_RAHEAD	2		/* buffers read ahead */

/* Devices opened for mounts, so a second mount of one is EBUSY. */
static kmutex_t bdev_lock;
static dev_t bdev_inuse[BDEV_MAXOPEN];
static unsigned int bdev_ninuse;

/*
 * Sequential read detection for bdev_rw, per device (a few slots,
 * replaced round robin): the buffer a sequential reader reads next.
 * Under bdev_lock.
 */
#define BDEV_RASLOTS	8
static struct bdev_ra {
	dev_t		ra_dev;
	daddr_t		ra_next;
} bdev_ra[BDEV_RASLOTS];
static unsigned int bdev_ranext;

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

/*
 * Note that vp's buffer at blkno is being read: whether it continues
 * a sequential read (the last read ended right before it).
 */
static bool
bdev_sequential(struct vnode *vp, daddr_t blkno, daddr_t nextblkno)
{
	struct bdev_ra *ra = NULL;
	bool seq;

	mutex_enter(&bdev_lock);
	for (unsigned int i = 0; i < BDEV_RASLOTS; i++) {
		if (bdev_ra[i].ra_dev == vp->v_rdev)
			ra = &bdev_ra[i];
	}
	if (ra == NULL) {
		ra = &bdev_ra[bdev_ranext++ % BDEV_RASLOTS];
		ra->ra_dev = vp->v_rdev;
		ra->ra_next = -1;
	}
	seq = ra->ra_next == blkno;
	ra->ra_next = nextblkno;
	mutex_exit(&bdev_lock);
	return seq;
}

/* Start reading the BDEV_RAHEAD whole buffers after base. */
static void
bdev_readahead(struct vnode *vp, int64_t base, int64_t devsize)
{
	for (int i = 1; i <= BDEV_RAHEAD; i++) {
		if (base + (i + 1) * BDEV_IOSIZE > devsize)
			break;
		bio_readahead(vp, (base + i * BDEV_IOSIZE) / DEV_BSIZE,
		    BDEV_IOSIZE);
	}
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
 * BDEV_IOSIZE buffers (the last one of the device shorter), reading
 * the next buffer ahead when reads are sequential.  Reads end
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
		/* devsize is whole sectors: so is the last, short buffer */
		base = off - off % BDEV_IOSIZE;
		size = (size_t)MIN((int64_t)BDEV_IOSIZE, devsize - base);
		on = (size_t)(off - base);
		KASSERT(on < size && size % DEV_BSIZE == 0);
		n = MIN(size - on, uio->uio_resid);
		if (wr && on == 0 && n == size) {
			bp = getblk(vp, base / DEV_BSIZE, (int)size);
		} else {
			if ((error = bread(vp, base / DEV_BSIZE, (int)size,
			    &bp)) != 0)
				break;
			/* the next ones come while this one is copied out */
			if (!wr && bdev_sequential(vp, base / DEV_BSIZE,
			    (base + BDEV_IOSIZE) / DEV_BSIZE))
				bdev_readahead(vp, base, devsize);
		}
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
	memset(bdev_ra, 0, sizeof(bdev_ra));
	bdev_ranext = 0;
	return 0;
}

RUMP_COMPONENT_FINI(rumpvfs_bdev)
{
	mutex_destroy(&bdev_lock);
}
