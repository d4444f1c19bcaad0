/*
 * rumpblk.c: disks backed by host files (NetBSD calls the mechanism
 * etfs, "extra-terrestrial file system").  A test registers a host
 * image file under a kernel path ("/dev/wd0"); the driver "rumpblk"
 * answers for it through its block switch (transfers go to the host
 * asynchronously with rumpuser_bio, the buffer cache on top) and, for
 * RUMP_ETFS_CHR, through its character switch (synchronous, uncached,
 * sector-aligned raw access).  Each registered file is one minor.
 *
 * Errors can be injected per device (rump_pub_etfs_inject): transfers
 * touching a chosen block fail, or all transfers after the next N.  A
 * failed transfer moves nothing.
 *
 * rblk_lock protects the table, each device's open count, counters and
 * injection settings; no transfer runs under it.
 */
#include <rump-sys/types.h>
#include <rump-sys/systm.h>
#include <rump-sys/errno.h>
#include <rump-sys/kmem.h>
#include <rump-sys/mutex.h>
#include <rump-sys/condvar.h>
#include <rump-sys/sched.h>
#include <rump-sys/component.h>
#include <rump-sys/conf.h>
#include <rump-sys/uio.h>
#include <rump-sys/buf.h>
#include <rump/rump.h>
#include <rump/rumpuser.h>

#define RBLK_MAX	16		/* devices (minors) */
#define RBLK_KEYMAX	256		/* key length with the NUL */
#define RBLK_RAWMAX	(64 * 1024)	/* raw transfer chunk */

struct rblk {
	char		*rb_key;	/* kmem, rb_keylen bytes */
	size_t		 rb_keylen;
	int		 rb_fd;		/* host */
	uint64_t	 rb_size;	/* bytes */
	int		 rb_type;	/* RUMP_ETFS_* */
	unsigned int	 rb_nopen;	/* d_open minus d_close */
	unsigned int	 rb_npending;	/* transfers at the host */
	int64_t		 rb_inj_block;	/* -1: none */
	int		 rb_inj_after;	/* -1: none */
	int		 rb_inj_error;	/* kernel errno */
	uint64_t	 rb_inj_passed;	/* transfers since inject */
	uint64_t	 rb_nreads, rb_nwrites;
};

static kmutex_t rblk_lock;
static kcondvar_t rblk_cv;		/* rb_npending dropped */
static struct rblk *rblk_devs[RBLK_MAX];
static devmajor_t rblk_bmajor, rblk_cmajor;
static bool rblk_attached;

/* The device of dev, or NULL; with rblk_lock held. */
static struct rblk *
rblk_get(dev_t dev)
{
	devminor_t unit = minor(dev);

	KASSERT(mutex_owned(&rblk_lock));
	if (unit < 0 || unit >= RBLK_MAX)
		return NULL;
	return rblk_devs[unit];
}

/* The device registered under key and its minor, or NULL. */
static struct rblk *
rblk_find(const char *key, int *unitp)
{
	KASSERT(mutex_owned(&rblk_lock));
	for (int i = 0; i < RBLK_MAX; i++) {
		if (rblk_devs[i] != NULL &&
		    strcmp(rblk_devs[i]->rb_key, key) == 0) {
			*unitp = i;
			return rblk_devs[i];
		}
	}
	return NULL;
}

/*
 * Admit a transfer of len bytes at block blkno: 0, or the injected
 * error.  Counts it.  With rblk_lock held.
 */
static int
rblk_admit(struct rblk *rb, daddr_t blkno, size_t len, bool rd)
{
	daddr_t nblks = (daddr_t)howmany(len, DEV_BSIZE);

	KASSERT(mutex_owned(&rblk_lock));
	if (rb->rb_inj_block >= 0 && rb->rb_inj_block >= blkno &&
	    rb->rb_inj_block < blkno + nblks)
		return rb->rb_inj_error;
	if (rb->rb_inj_after >= 0 &&
	    rb->rb_inj_passed >= (uint64_t)rb->rb_inj_after)
		return rb->rb_inj_error;
	rb->rb_inj_passed++;
	if (rd)
		rb->rb_nreads++;
	else
		rb->rb_nwrites++;
	return 0;
}

static void
rblk_iodone(void *arg, size_t donelen, int error)
{
	struct buf *bp = arg;
	struct rblk *rb = bp->b_private;

	bp->b_private = NULL;
	bp->b_resid = bp->b_bcount - donelen;
	bp->b_error = error;
	mutex_enter(&rblk_lock);
	rb->rb_npending--;
	cv_broadcast(&rblk_cv);
	mutex_exit(&rblk_lock);
	biodone(bp);
}

/*
 * Start a transfer.  The part beyond the end of the device is not
 * transferred (b_resid says how much; the buffer cache makes that
 * EIO).
 */
static void
rblk_strategy(struct buf *bp)
{
	struct rblk *rb;
	uint64_t off = (uint64_t)bp->b_blkno * DEV_BSIZE;
	size_t len = bp->b_bcount;
	bool rd = (bp->b_flags & B_READ) != 0;
	int error, fd;

	mutex_enter(&rblk_lock);
	if ((rb = rblk_get(bp->b_dev)) == NULL)
		error = ENXIO;
	else if (bp->b_blkno < 0)
		error = EINVAL;
	else
		error = rblk_admit(rb, bp->b_blkno, len, rd);
	if (error == 0) {
		if (off >= rb->rb_size)
			len = 0;
		else if (len > rb->rb_size - off)
			len = (size_t)(rb->rb_size - off);
		rb->rb_npending++;
	}
	fd = rb != NULL ? rb->rb_fd : -1;
	mutex_exit(&rblk_lock);

	if (error != 0) {
		bp->b_error = error;
		bp->b_resid = bp->b_bcount;
		biodone(bp);
		return;
	}
	/* the tail beyond the device: counted as not done */
	bp->b_private = rb;
	if (len == 0) {
		rblk_iodone(bp, 0, 0);
		return;
	}
	rumpuser_bio(fd, rd ? RUMPUSER_BIO_READ : RUMPUSER_BIO_WRITE,
	    bp->b_data, len, (int64_t)off, rblk_iodone, bp);
}

static int
rblk_open(dev_t dev, int flag, int devtype)
{
	struct rblk *rb;
	int error = 0;

	(void)flag;
	(void)devtype;
	mutex_enter(&rblk_lock);
	if ((rb = rblk_get(dev)) == NULL)
		error = ENXIO;
	else
		rb->rb_nopen++;
	mutex_exit(&rblk_lock);
	return error;
}

static int
rblk_close(dev_t dev, int flag, int devtype)
{
	struct rblk *rb;

	(void)flag;
	(void)devtype;
	mutex_enter(&rblk_lock);
	if ((rb = rblk_get(dev)) != NULL && rb->rb_nopen > 0)
		rb->rb_nopen--;
	mutex_exit(&rblk_lock);
	return 0;
}

static int64_t
rblk_psize(dev_t dev)
{
	struct rblk *rb;
	int64_t size = -1;

	mutex_enter(&rblk_lock);
	if ((rb = rblk_get(dev)) != NULL)
		size = (int64_t)(rb->rb_size / DEV_BSIZE);
	mutex_exit(&rblk_lock);
	return size;
}

/*
 * Raw (character device) transfer: sector-aligned offsets and lengths
 * only (EINVAL), synchronous, through a bounce buffer.  A read at the
 * end of the device returns nothing; a write there fails with ENOSPC.
 */
static int
rblk_rw(dev_t dev, struct uio *uio, bool rd)
{
	struct rumpuser_iovec iov;
	struct rblk *rb;
	void *bounce;
	size_t len, done;
	int error = 0, fd;
	uint64_t size;

	if (uio->uio_offset < 0 || uio->uio_offset % DEV_BSIZE != 0 ||
	    uio->uio_resid % DEV_BSIZE != 0)
		return EINVAL;
	bounce = kmem_alloc(RBLK_RAWMAX, KM_SLEEP);
	while (uio->uio_resid > 0 && error == 0) {
		mutex_enter(&rblk_lock);
		if ((rb = rblk_get(dev)) == NULL) {
			mutex_exit(&rblk_lock);
			error = ENXIO;
			break;
		}
		size = rb->rb_size;
		fd = rb->rb_fd;
		if ((uint64_t)uio->uio_offset >= size) {
			mutex_exit(&rblk_lock);
			if (!rd)
				error = ENOSPC;
			break;
		}
		len = MIN(uio->uio_resid, RBLK_RAWMAX);
		len = (size_t)MIN((uint64_t)len,
		    size - (uint64_t)uio->uio_offset);
		error = rblk_admit(rb, uio->uio_offset / DEV_BSIZE, len, rd);
		mutex_exit(&rblk_lock);
		if (error != 0)
			break;
		iov.iov_base = bounce;
		iov.iov_len = len;
		if (rd) {
			error = rumpuser_iovread(fd, &iov, 1, uio->uio_offset,
			    &done);
			if (error == 0 && done != len)
				error = EIO;
			if (error == 0)
				error = uiomove(bounce, len, uio);
		} else {
			off_t off = uio->uio_offset;

			if ((error = uiomove(bounce, len, uio)) != 0)
				break;
			error = rumpuser_iovwrite(fd, &iov, 1, off, &done);
			if (error == 0 && done != len)
				error = EIO;
		}
	}
	kmem_free(bounce, RBLK_RAWMAX);
	return error;
}

static int
rblk_read(dev_t dev, struct uio *uio, int flag)
{
	(void)flag;
	return rblk_rw(dev, uio, true);
}

static int
rblk_write(dev_t dev, struct uio *uio, int flag)
{
	(void)flag;
	return rblk_rw(dev, uio, false);
}

static const struct bdevsw rblk_bdevsw = {
	.d_open = rblk_open,
	.d_close = rblk_close,
	.d_strategy = rblk_strategy,
	.d_psize = rblk_psize,
};

static const struct cdevsw rblk_cdevsw = {
	.d_open = rblk_open,
	.d_close = rblk_close,
	.d_read = rblk_read,
	.d_write = rblk_write,
};

/* Check a key (kernel path of the node); 0, EINVAL or ENAMETOOLONG. */
static int
rblk_checkkey(const char *key)
{
	size_t len;

	if (key == NULL || key[0] != '/')
		return EINVAL;
	if ((len = strnlen(key, RBLK_KEYMAX)) == RBLK_KEYMAX)
		return ENAMETOOLONG;
	if (key[len - 1] == '/')
		return EINVAL;
	return 0;
}

/* Open the host file; 0 and *fdp, *sizep, or a kernel errno. */
static int
rblk_openhost(const char *hostpath, int *fdp, uint64_t *sizep)
{
	int error, type;

	if (hostpath == NULL || hostpath[0] == '\0')
		return ENOENT;
	if ((error = rumpuser_getfileinfo(hostpath, sizep, &type)) != 0)
		return error;
	if (type == RUMPUSER_FT_DIR)
		return EISDIR;
	if (type != RUMPUSER_FT_REG && type != RUMPUSER_FT_BLK)
		return EINVAL;
	return rumpuser_open(hostpath, RUMPUSER_OPEN_RDWR, fdp);
}

static void
rblk_free(struct rblk *rb)
{
	kmem_free(rb->rb_key, rb->rb_keylen);
	kmem_free(rb, sizeof(*rb));
}

static int
etfs_register(const char *key, const char *hostpath,
    enum rump_etfs_type ftype)
{
	struct rblk *rb;
	int error, unit, devtype;
	dev_t dev;

	if ((error = rblk_checkkey(key)) != 0)
		return error;
	if (ftype != RUMP_ETFS_BLK && ftype != RUMP_ETFS_CHR)
		return EINVAL;
	if (!rblk_attached)
		return ENXIO;
	rb = kmem_zalloc(sizeof(*rb), KM_SLEEP);
	rb->rb_keylen = strlen(key) + 1;
	rb->rb_key = kmem_alloc(rb->rb_keylen, KM_SLEEP);
	memcpy(rb->rb_key, key, rb->rb_keylen);
	rb->rb_type = ftype;
	rb->rb_inj_block = -1;
	rb->rb_inj_after = -1;
	if ((error = rblk_openhost(hostpath, &rb->rb_fd, &rb->rb_size)) != 0) {
		rblk_free(rb);
		return error;
	}

	mutex_enter(&rblk_lock);
	if (rblk_find(key, &unit) != NULL) {
		error = EEXIST;
	} else {
		for (unit = 0; unit < RBLK_MAX; unit++) {
			if (rblk_devs[unit] == NULL)
				break;
		}
		if (unit == RBLK_MAX)
			error = ENOSPC;
		else
			rblk_devs[unit] = rb;
	}
	mutex_exit(&rblk_lock);
	if (error != 0)
		goto fail;

	if (ftype == RUMP_ETFS_BLK) {
		devtype = S_IFBLK_DEVTYPE;
		dev = makedev(rblk_bmajor, unit);
	} else {
		devtype = S_IFCHR_DEVTYPE;
		dev = makedev(rblk_cmajor, unit);
	}
	if ((error = devnode_create(key, devtype, dev, 0600)) != 0) {
		mutex_enter(&rblk_lock);
		rblk_devs[unit] = NULL;
		mutex_exit(&rblk_lock);
		goto fail;
	}
	return 0;
fail:
	(void)rumpuser_close(rb->rb_fd);
	rblk_free(rb);
	return error;
}

/* Drop device unit: flush its buffers, wait, close the host file. */
static void
rblk_destroy(int unit)
{
	struct rblk *rb = rblk_devs[unit];

	vinvalbuf_dev(makedev(rblk_bmajor, unit));
	mutex_enter(&rblk_lock);
	while (rb->rb_npending > 0)
		cv_wait(&rblk_cv, &rblk_lock);
	rblk_devs[unit] = NULL;
	mutex_exit(&rblk_lock);
	(void)rumpuser_close(rb->rb_fd);
	rblk_free(rb);
}

static int
etfs_remove(const char *key)
{
	struct rblk *rb;
	int unit, error;

	if ((error = rblk_checkkey(key)) != 0)
		return error;
	mutex_enter(&rblk_lock);
	if ((rb = rblk_find(key, &unit)) == NULL)
		error = ENOENT;
	else if (rb->rb_nopen > 0)
		error = EBUSY;
	mutex_exit(&rblk_lock);
	if (error != 0)
		return error;
	/*
	 * The node goes first so nobody opens it again; a racing open
	 * that got in before is caught by rechecking.
	 */
	(void)devnode_remove(key);
	mutex_enter(&rblk_lock);
	if (rb->rb_nopen > 0)
		error = EBUSY;
	mutex_exit(&rblk_lock);
	if (error != 0)
		return error;
	rblk_destroy(unit);
	return 0;
}

static int
etfs_inject(const char *key, int64_t at_block, int after_n, int error)
{
	struct rblk *rb;
	int unit, kerror;

	if ((kerror = rblk_checkkey(key)) != 0)
		return kerror;
	if (at_block < -1 || after_n < -1)
		return EINVAL;
	/* 1..34 mean the same on Linux and NetBSD, but for 11 */
	if (error == 0)
		error = EIO;
	if (error < 1 || error > 34 || error == 11)
		return EINVAL;
	mutex_enter(&rblk_lock);
	if ((rb = rblk_find(key, &unit)) == NULL) {
		kerror = ENOENT;
	} else {
		rb->rb_inj_block = at_block;
		rb->rb_inj_after = after_n;
		rb->rb_inj_error = error;
		rb->rb_inj_passed = 0;
	}
	mutex_exit(&rblk_lock);
	return kerror;
}

static int
etfs_iocount(const char *key, uint64_t *readsp, uint64_t *writesp)
{
	struct rblk *rb;
	int unit, error;

	if ((error = rblk_checkkey(key)) != 0)
		return error;
	mutex_enter(&rblk_lock);
	if ((rb = rblk_find(key, &unit)) == NULL) {
		error = ENOENT;
	} else {
		if (readsp != NULL)
			*readsp = rb->rb_nreads;
		if (writesp != NULL)
			*writesp = rb->rb_nwrites;
	}
	mutex_exit(&rblk_lock);
	return error;
}

/* The public entry points: enter the kernel, translate the errno. */
#define ETFS_CALL(call) __extension__ ({				\
	int __error;							\
	if (!rump_booted())						\
		return rumpuser_errno_tohost(ENXIO);			\
	rump_schedule();						\
	__error = (call);						\
	rump_unschedule();						\
	rumpuser_errno_tohost(__error);					\
})

int
rump_pub_etfs_register(const char *key, const char *hostpath,
    enum rump_etfs_type ftype)
{
	return ETFS_CALL(etfs_register(key, hostpath, ftype));
}

int
rump_pub_etfs_remove(const char *key)
{
	return ETFS_CALL(etfs_remove(key));
}

int
rump_pub_etfs_inject(const char *key, int64_t at_block, int after_n,
    int error)
{
	return ETFS_CALL(etfs_inject(key, at_block, after_n, error));
}

int
rump_pub_etfs_iocount(const char *key, uint64_t *readsp, uint64_t *writesp)
{
	return ETFS_CALL(etfs_iocount(key, readsp, writesp));
}

RUMP_COMPONENT(RUMP_COMPONENT_DEV, rumpblk)
{
	int error;

	mutex_init(&rblk_lock, MUTEX_DEFAULT, IPL_NONE);
	cv_init(&rblk_cv, "rumpblk");
	memset(rblk_devs, 0, sizeof(rblk_devs));
	rblk_bmajor = rblk_cmajor = NODEVMAJOR;
	error = devsw_attach("rumpblk", &rblk_bdevsw, &rblk_bmajor,
	    &rblk_cdevsw, &rblk_cmajor);
	if (error != 0) {
		cv_destroy(&rblk_cv);
		mutex_destroy(&rblk_lock);
		return error;
	}
	rblk_attached = true;
	return 0;
}

/*
 * Shutdown: file systems are unmounted and descriptors closed by now;
 * write back and drop what the cache holds of each device, then let
 * the host files go.
 */
RUMP_COMPONENT_FINI(rumpblk)
{
	for (int unit = 0; unit < RBLK_MAX; unit++) {
		if (rblk_devs[unit] != NULL) {
			(void)devnode_remove(rblk_devs[unit]->rb_key);
			rblk_destroy(unit);
		}
	}
	rblk_attached = false;
	if (devsw_detach(&rblk_bdevsw, &rblk_cdevsw) != 0)
		printf("rumpblk: devsw_detach failed at shutdown\n");
	cv_destroy(&rblk_cv);
	mutex_destroy(&rblk_lock);
}
