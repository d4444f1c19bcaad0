/*
 * vfs_bio.c: the buffer cache.  Buffers cache blocks of block devices,
 * keyed by (device number, block number), so every vnode of a device
 * sees the same cache.  One lock (bio_lock) protects the hash, the
 * queues and every buffer's flags; one condition variable (bio_cv) is
 * broadcast whenever a buffer is released or a transfer ends, and all
 * waiting (for a busy buffer, for a transfer, for memory) re-checks
 * under the lock.  That keeps the rules few: a buffer struct may be
 * freed by whoever holds it busy, so a waiter never touches a buffer
 * after waking except by looking it up again.
 *
 * Transfers go to the device's d_strategy with no lock held; biodone
 * may come from a host I/O thread (scheduled on a virtual CPU by the
 * rumpuser_bio completion) or from inside d_strategy itself.
 *
 * Dirty (B_DELWRI) buffers sit on bio_dirtyq in the order they became
 * dirty.  The syncer thread writes back those older than the sync
 * delay; vflushbuf (fsync, sync, unmount) and memory pressure write
 * back the others.  A failed write-back drops the buffer (its data is
 * lost, as on a real disk) and remembers the error for the device, to
 * be returned once by the next vflushbuf.
 */
#include <rump-sys/types.h>
#include <rump-sys/systm.h>
#include <rump-sys/errno.h>
#include <rump-sys/kmem.h>
#include <rump-sys/mutex.h>
#include <rump-sys/condvar.h>
#include <rump-sys/kthread.h>
#include <rump-sys/lwp.h>
#include <rump-sys/time.h>
#include <rump-sys/component.h>
#include <rump-sys/conf.h>
#include <rump-sys/vnode.h>
#include <rump-sys/buf.h>

#define BIO_HASHSIZE	16384		/* chains; a power of two */
#define BIO_MAXBYTES	(8ULL << 20)	/* default memory bound */
#define BIO_MAXBSIZE	(64 * 1024)	/* largest buffer */

static kmutex_t bio_lock;
static kcondvar_t bio_cv;		/* any buffer released or done */
static kcondvar_t bio_syncer_cv;	/* the syncer's alarm clock */
static LIST_HEAD(, buf) bio_hash[BIO_HASHSIZE];
static TAILQ_HEAD(, buf) bio_lruq;	/* not busy, least recent first */
static TAILQ_HEAD(, buf) bio_dirtyq;	/* B_DELWRI, oldest first */
static TAILQ_HEAD(, buf) bio_writeq;	/* writes in flight (b_lru) */
static TAILQ_HEAD(, buf) bio_allq;	/* every buffer (b_all) */
static struct bio_stats bio_stats;
static unsigned int bio_npending;	/* transfers in flight */
static int bio_syncdelay;		/* seconds */
static bool bio_syncer_quit, bio_syncer_kicked;
static struct lwp *bio_syncer_lwp;

/* Write-back errors not yet reported, per device. */
struct bio_deverr {
	dev_t			de_dev;
	int			de_error;
	LIST_ENTRY(bio_deverr)	de_list;
};
static LIST_HEAD(, bio_deverr) bio_deverrs;

/* A 64-bit mix (murmur3's finaliser): neighbouring blocks spread. */
static inline size_t
bio_hashidx(dev_t dev, daddr_t blkno)
{
	uint64_t h = (uint64_t)blkno ^ (dev * 0x9e3779b97f4a7c15ULL);

	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 33;
	return (size_t)h & (BIO_HASHSIZE - 1);
}

static struct buf *
bio_lookup(dev_t dev, daddr_t blkno)
{
	struct buf *bp;

	KASSERT(mutex_owned(&bio_lock));
	LIST_FOREACH(bp, &bio_hash[bio_hashidx(dev, blkno)], b_hash) {
		if (bp->b_dev == dev && bp->b_blkno == blkno)
			return bp;
	}
	return NULL;
}

static void
bio_setdirty(struct buf *bp)
{
	KASSERT(mutex_owned(&bio_lock));
	if (bp->b_flags & B_DELWRI)
		return;
	bp->b_flags |= B_DELWRI;
	bp->b_dirtytime = rump_monotime_ns();
	TAILQ_INSERT_TAIL(&bio_dirtyq, bp, b_dirty);
	bio_stats.bs_delwri++;
}

static void
bio_clrdirty(struct buf *bp)
{
	KASSERT(mutex_owned(&bio_lock));
	if (!(bp->b_flags & B_DELWRI))
		return;
	bp->b_flags &= ~B_DELWRI;
	TAILQ_REMOVE(&bio_dirtyq, bp, b_dirty);
	bio_stats.bs_delwri--;
}

/* Free a buffer that is busy (so nobody else can see it) or not hashed. */
static void
bio_free(struct buf *bp)
{
	KASSERT(mutex_owned(&bio_lock));
	KASSERT(!(bp->b_flags & (B_DELWRI | B_IOPEND)));
	LIST_REMOVE(bp, b_hash);
	TAILQ_REMOVE(&bio_allq, bp, b_all);
	bio_stats.bs_bytes -= bp->b_bufsize;
	kmem_free(bp->b_data, bp->b_bufsize);
	kmem_free(bp, sizeof(*bp));
}

static void
bio_deverr_set(dev_t dev, int error)
{
	struct bio_deverr *de;

	KASSERT(mutex_owned(&bio_lock));
	LIST_FOREACH(de, &bio_deverrs, de_list) {
		if (de->de_dev == dev)
			return;		/* the first one is reported */
	}
	/* KM_NOSLEEP under the lock; without memory the error is lost. */
	if ((de = kmem_alloc(sizeof(*de), KM_NOSLEEP)) == NULL) {
		printf("bio: write-back error %d on device %#llx not "
		    "recorded (no memory)\n", error, (unsigned long long)dev);
		return;
	}
	de->de_dev = dev;
	de->de_error = error;
	LIST_INSERT_HEAD(&bio_deverrs, de, de_list);
}

static int
bio_deverr_take(dev_t dev)
{
	struct bio_deverr *de;
	int error;

	KASSERT(mutex_owned(&bio_lock));
	LIST_FOREACH(de, &bio_deverrs, de_list) {
		if (de->de_dev == dev) {
			error = de->de_error;
			LIST_REMOVE(de, de_list);
			kmem_free(de, sizeof(*de));
			return error;
		}
	}
	return 0;
}

/*
 * Release a busy buffer with bio_lock held: drop it if invalid, else
 * put it at the tail of the LRU queue.  Wakes every waiter.
 */
static void
bio_release_locked(struct buf *bp)
{
	KASSERT(mutex_owned(&bio_lock));
	KASSERT(bp->b_flags & B_BUSY);
	KASSERT(!(bp->b_flags & B_IOPEND));
	if ((bp->b_flags & B_ERROR) && !(bp->b_flags & B_DELWRI))
		bp->b_flags |= B_INVAL;
	if (!(bp->b_flags & B_DONE))	/* getblk'd and never filled */
		bp->b_flags |= B_INVAL;
	if (bp->b_flags & B_INVAL) {
		bio_clrdirty(bp);
		bio_free(bp);
	} else {
		bp->b_flags &= ~(B_BUSY | B_ASYNC | B_READ | B_CALL | B_CACHE);
		bp->b_iodone = NULL;
		bp->b_owner = NULL;
		TAILQ_INSERT_TAIL(&bio_lruq, bp, b_lru);
	}
	cv_broadcast(&bio_cv);
}

void
brelse(struct buf *bp)
{
	mutex_enter(&bio_lock);
	bio_release_locked(bp);
	mutex_exit(&bio_lock);
}

/*
 * Start the transfer of busy buffer bp (B_READ in b_flags or not).
 * A device without a driver fails it at once with ENXIO.
 */
static void
bio_strategy(struct buf *bp)
{
	const struct bdevsw *bdev;

	mutex_enter(&bio_lock);
	KASSERT(bp->b_flags & B_BUSY);
	KASSERT(!(bp->b_flags & B_IOPEND));
	bp->b_flags |= B_IOPEND;
	bp->b_flags &= ~(B_DONE | B_ERROR);
	bp->b_error = 0;
	bp->b_resid = 0;
	bio_npending++;
	if (bp->b_flags & B_READ) {
		bio_stats.bs_reads++;
	} else {
		bio_stats.bs_writes++;
		TAILQ_INSERT_TAIL(&bio_writeq, bp, b_lru);
	}
	mutex_exit(&bio_lock);

	if ((bdev = bdevsw_lookup(bp->b_dev)) == NULL ||
	    bdev->d_strategy == NULL) {
		bp->b_error = ENXIO;
		bp->b_resid = bp->b_bcount;
		biodone(bp);
		return;
	}
	bdev->d_strategy(bp);
}

/*
 * The transfer of bp ended.  A short transfer without an error counts
 * as EIO.  Asynchronous buffers are released here; a failed
 * asynchronous write is dropped and its error kept for the device.
 */
void
biodone(struct buf *bp)
{
	void (*iodone)(struct buf *);

	mutex_enter(&bio_lock);
	KASSERT(bp->b_flags & B_IOPEND);
	if (bp->b_error == 0 && bp->b_resid != 0)
		bp->b_error = EIO;
	if (bp->b_error != 0)
		bp->b_flags |= B_ERROR;
	bp->b_flags &= ~B_IOPEND;
	bp->b_flags |= B_DONE;
	bio_npending--;
	if (!(bp->b_flags & B_READ))
		TAILQ_REMOVE(&bio_writeq, bp, b_lru);
	iodone = (bp->b_flags & B_CALL) ? bp->b_iodone : NULL;
	if (iodone != NULL) {
		mutex_exit(&bio_lock);
		iodone(bp);
		return;
	}
	if (bp->b_flags & B_ASYNC) {
		if ((bp->b_flags & B_ERROR) && !(bp->b_flags & B_READ))
			bio_deverr_set(bp->b_dev, bp->b_error);
		bio_release_locked(bp);
	} else
		cv_broadcast(&bio_cv);
	mutex_exit(&bio_lock);
}

int
biowait(struct buf *bp)
{
	int error;

	mutex_enter(&bio_lock);
	while (bp->b_flags & B_IOPEND)
		cv_wait(&bio_cv, &bio_lock);
	error = (bp->b_flags & B_ERROR) ? bp->b_error : 0;
	mutex_exit(&bio_lock);
	return error;
}

/*
 * Start writing busy buffer bp back.  It stops being dirty now; if the
 * write fails it is dropped, so a buffer is never written twice for
 * one bdwrite.
 */
static void
bio_startwrite(struct buf *bp, bool async)
{
	mutex_enter(&bio_lock);
	bio_clrdirty(bp);
	bp->b_flags &= ~(B_READ | B_INVAL);
	if (async) {
		bp->b_flags |= B_ASYNC;
		bp->b_owner = NULL;	/* biodone releases it */
	} else {
		bp->b_flags &= ~B_ASYNC;
	}
	mutex_exit(&bio_lock);
	bio_strategy(bp);
}

int
bwrite(struct buf *bp)
{
	int error;

	bio_startwrite(bp, false);
	error = biowait(bp);
	brelse(bp);
	return error;
}

void
bawrite(struct buf *bp)
{
	bio_startwrite(bp, true);
}

void
bdwrite(struct buf *bp)
{
	mutex_enter(&bio_lock);
	KASSERT(bp->b_flags & B_BUSY);
	bp->b_flags |= B_DONE;
	bp->b_flags &= ~(B_ERROR | B_INVAL);
	bio_setdirty(bp);
	bio_release_locked(bp);
	mutex_exit(&bio_lock);
}

/* Take not busy buffer bp off the LRU queue and make it busy. */
static void
bio_take(struct buf *bp)
{
	KASSERT(mutex_owned(&bio_lock));
	KASSERT(!(bp->b_flags & B_BUSY));
	TAILQ_REMOVE(&bio_lruq, bp, b_lru);
	bp->b_flags |= B_BUSY;
	bp->b_owner = curlwp;
}

/*
 * Make room for need more bytes: free clean buffers from the LRU end,
 * start writing dirty ones there (their completion frees nothing, but
 * makes them clean for the next round).  Waits while writes are in
 * flight; when everything is busy with its owners it lets the cache
 * exceed its bound rather than deadlock.  Called and returns with
 * bio_lock held; may drop it.
 */
static void
bio_makeroom(size_t need)
{
	struct buf *bp, *nbp;
	bool progress;

	KASSERT(mutex_owned(&bio_lock));
	while (bio_stats.bs_bytes + need > bio_stats.bs_maxbytes) {
		progress = false;
		TAILQ_FOREACH_SAFE(bp, &bio_lruq, b_lru, nbp) {
			if (bio_stats.bs_bytes + need <=
			    bio_stats.bs_maxbytes)
				break;
			bio_take(bp);
			progress = true;
			if (bp->b_flags & B_DELWRI) {
				mutex_exit(&bio_lock);
				bawrite(bp);
				mutex_enter(&bio_lock);
				break;	/* the queue changed meanwhile */
			}
			bio_free(bp);
			bio_stats.bs_evictions++;
		}
		if (bio_stats.bs_bytes + need <= bio_stats.bs_maxbytes)
			break;
		if (!progress && bio_npending == 0)
			break;		/* all held by their owners */
		if (!progress)
			cv_wait(&bio_cv, &bio_lock);
	}
}

static bool
bio_size_ok(int size)
{
	return size > 0 && size <= BIO_MAXBSIZE;
}

/*
 * The busy buffer for (dev, blkno) of size bytes; bio_lock held on
 * entry and return.  Resizes a cached buffer of another size (writing
 * it first if dirty).  NULL if the calling lwp holds it busy already.
 */
static struct buf *
bio_getblk_locked(struct vnode *vp, dev_t dev, daddr_t blkno, int size)
{
	struct buf *bp;

	for (;;) {
		if ((bp = bio_lookup(dev, blkno)) == NULL)
			break;
		if ((bp->b_flags & B_BUSY) && bp->b_owner == curlwp)
			return NULL;	/* it would wait for itself */
		if (bp->b_flags & B_BUSY) {
			cv_wait(&bio_cv, &bio_lock);
			continue;
		}
		bio_take(bp);
		if (bp->b_bufsize == (size_t)size) {
			bio_stats.bs_hits++;
			bp->b_flags |= B_CACHE;
			bp->b_bcount = (size_t)size;
			if (bp->b_vp == NULL)
				bp->b_vp = vp;
			return bp;
		}
		/* Another size: write it out if dirty, drop it, start over. */
		mutex_exit(&bio_lock);
		if (bp->b_flags & B_DELWRI)
			(void)bwrite(bp);
		else
			brelse(bp);
		mutex_enter(&bio_lock);
		if ((bp = bio_lookup(dev, blkno)) != NULL &&
		    !(bp->b_flags & B_BUSY)) {
			bio_take(bp);
			bp->b_flags |= B_INVAL;
			bio_release_locked(bp);
		}
	}
	bio_stats.bs_misses++;
	bio_makeroom((size_t)size);
	if (bio_lookup(dev, blkno) != NULL)	/* raced while making room */
		return bio_getblk_locked(vp, dev, blkno, size);

	mutex_exit(&bio_lock);
	bp = kmem_zalloc(sizeof(*bp), KM_SLEEP);
	bp->b_data = kmem_alloc((size_t)size, KM_SLEEP);
	mutex_enter(&bio_lock);
	if (bio_lookup(dev, blkno) != NULL) {
		kmem_free(bp->b_data, (size_t)size);
		kmem_free(bp, sizeof(*bp));
		return bio_getblk_locked(vp, dev, blkno, size);
	}
	bp->b_bufsize = bp->b_bcount = (size_t)size;
	bp->b_blkno = blkno;
	bp->b_dev = dev;
	bp->b_vp = vp;
	bp->b_flags = B_BUSY;
	bp->b_owner = curlwp;
	LIST_INSERT_HEAD(&bio_hash[bio_hashidx(dev, blkno)], bp, b_hash);
	TAILQ_INSERT_TAIL(&bio_allq, bp, b_all);
	bio_stats.bs_bytes += (size_t)size;
	return bp;
}

struct buf *
getblk(struct vnode *devvp, daddr_t blkno, int size)
{
	struct buf *bp;

	KASSERTMSG(bio_size_ok(size) && blkno >= 0,
	    "getblk: size %d blkno %lld", size, (long long)blkno);
	mutex_enter(&bio_lock);
	bp = bio_getblk_locked(devvp, devvp->v_rdev, blkno, size);
	mutex_exit(&bio_lock);
	if (bp == NULL)
		panic("getblk: block %lld of device %#llx is already held "
		    "by this thread", (long long)blkno,
		    (unsigned long long)devvp->v_rdev);
	return bp;
}

int
bread(struct vnode *devvp, daddr_t blkno, int size, struct buf **bpp)
{
	struct buf *bp;
	int error;

	*bpp = NULL;
	if (!bio_size_ok(size) || blkno < 0)
		return EINVAL;
	mutex_enter(&bio_lock);
	bp = bio_getblk_locked(devvp, devvp->v_rdev, blkno, size);
	mutex_exit(&bio_lock);
	if (bp == NULL) {
		printf("bread: block %lld of device %#llx is already held by "
		    "this thread (a corrupt file system?)\n", (long long)blkno,
		    (unsigned long long)devvp->v_rdev);
		return EIO;
	}
	if (bp->b_flags & B_DONE) {
		*bpp = bp;
		return 0;
	}
	mutex_enter(&bio_lock);
	bp->b_flags |= B_READ;
	bp->b_flags &= ~B_ASYNC;
	mutex_exit(&bio_lock);
	bio_strategy(bp);
	if ((error = biowait(bp)) != 0) {
		mutex_enter(&bio_lock);
		bp->b_flags |= B_INVAL;
		bio_release_locked(bp);
		mutex_exit(&bio_lock);
		return error;
	}
	*bpp = bp;
	return 0;
}

void
bio_readahead(struct vnode *devvp, daddr_t blkno, int size)
{
	dev_t dev = devvp->v_rdev;
	struct buf *bp;

	if (!bio_size_ok(size) || blkno < 0)
		return;
	mutex_enter(&bio_lock);
	if (bio_lookup(dev, blkno) != NULL) {
		mutex_exit(&bio_lock);
		return;		/* cached or on its way */
	}
	bp = bio_getblk_locked(devvp, dev, blkno, size);
	if (bp == NULL) {		/* ours already */
		mutex_exit(&bio_lock);
		return;
	}
	if (bp->b_flags & B_DONE) {	/* raced with another reader */
		bio_release_locked(bp);
		mutex_exit(&bio_lock);
		return;
	}
	bio_stats.bs_readaheads++;
	bp->b_flags |= B_READ | B_ASYNC;
	bp->b_owner = NULL;		/* biodone releases it */
	mutex_exit(&bio_lock);
	bio_strategy(bp);
}

/* Whether a write of dev (all devices: NODEV) is in flight. */
static bool
bio_writes_pending(dev_t dev)
{
	struct buf *bp;

	KASSERT(mutex_owned(&bio_lock));
	TAILQ_FOREACH(bp, &bio_writeq, b_lru) {
		if (dev == NODEV || bp->b_dev == dev)
			return true;
	}
	return false;
}

/*
 * Start writing back the dirty buffers of dev (NODEV: all) that became
 * dirty before olderthan (ns, monotonic).  Busy ones are their owners'
 * business.  With bio_lock held; drops it while starting writes.
 */
static void
bio_flush_locked(dev_t dev, uint64_t olderthan)
{
	struct buf *bp;

	KASSERT(mutex_owned(&bio_lock));
again:
	TAILQ_FOREACH(bp, &bio_dirtyq, b_dirty) {
		if (bp->b_dirtytime >= olderthan)
			break;
		if ((bp->b_flags & B_BUSY) ||
		    (dev != NODEV && bp->b_dev != dev))
			continue;
		bio_take(bp);
		mutex_exit(&bio_lock);
		bawrite(bp);
		mutex_enter(&bio_lock);
		goto again;
	}
}

int
vflushbuf_dev(dev_t dev, int sync)
{
	int error;

	mutex_enter(&bio_lock);
	bio_flush_locked(dev, UINT64_MAX);
	while (sync && bio_writes_pending(dev))
		cv_wait(&bio_cv, &bio_lock);
	error = bio_deverr_take(dev);
	mutex_exit(&bio_lock);
	return error;
}

int
vflushbuf(struct vnode *devvp, int sync)
{
	return vflushbuf_dev(devvp->v_rdev, sync);
}

/* Drop every buffer of dev, waiting for busy ones to be released. */
void
vinvalbuf_dev(dev_t dev)
{
	struct buf *bp, *nbp;
	int error;

	if ((error = vflushbuf_dev(dev, 1)) != 0)
		printf("bio: device %#llx: write-back error %d lost at "
		    "invalidation\n", (unsigned long long)dev, error);
	mutex_enter(&bio_lock);
again:
	/* nbp stays valid while the lock is held */
	TAILQ_FOREACH_SAFE(bp, &bio_allq, b_all, nbp) {
		if (bp->b_dev != dev)
			continue;
		if (bp->b_flags & B_BUSY) {
			cv_wait(&bio_cv, &bio_lock);
			goto again;
		}
		if (bp->b_flags & B_DELWRI) {
			/* dirtied again meanwhile */
			mutex_exit(&bio_lock);
			(void)vflushbuf_dev(dev, 1);
			mutex_enter(&bio_lock);
			goto again;
		}
		bio_take(bp);
		bio_free(bp);
	}
	(void)bio_deverr_take(dev);
	mutex_exit(&bio_lock);
}

void
vinvalbuf(struct vnode *devvp)
{
	vinvalbuf_dev(devvp->v_rdev);
}

/*
 * sync(2): every device.  Returns the first write-back error of any
 * device but leaves them recorded: sync(2) returns nothing, so the
 * next fsync (vflushbuf) of each device reports its own.
 */
int
bio_sync_all(void)
{
	struct bio_deverr *de;
	int error = 0;

	mutex_enter(&bio_lock);
	bio_flush_locked(NODEV, UINT64_MAX);
	while (bio_writes_pending(NODEV))
		cv_wait(&bio_cv, &bio_lock);
	if ((de = LIST_FIRST(&bio_deverrs)) != NULL)
		error = de->de_error;
	mutex_exit(&bio_lock);
	return error;
}

void
bio_syncer_kick(void)
{
	mutex_enter(&bio_lock);
	bio_syncer_kicked = true;
	cv_broadcast(&bio_syncer_cv);
	mutex_exit(&bio_lock);
}

int
bio_setsyncdelay(int seconds)
{
	int old;

	mutex_enter(&bio_lock);
	old = bio_syncdelay;
	bio_syncdelay = seconds > 0 ? seconds : BIO_SYNCDELAY;
	mutex_exit(&bio_lock);
	return old;
}

void
bio_getstats(struct bio_stats *bs)
{
	mutex_enter(&bio_lock);
	*bs = bio_stats;
	mutex_exit(&bio_lock);
}

void
bio_setmaxbytes(uint64_t max)
{
	mutex_enter(&bio_lock);
	bio_stats.bs_maxbytes = max != 0 ? max : BIO_MAXBYTES;
	bio_makeroom(0);
	mutex_exit(&bio_lock);
}

/*
 * The syncer: once a second (or when kicked), write back what has been
 * dirty longer than the sync delay (everything, when kicked).
 */
static void
bio_syncer(void *arg)
{
	uint64_t now, delay;

	(void)arg;
	mutex_enter(&bio_lock);
	while (!bio_syncer_quit) {
		if (!bio_syncer_kicked)
			(void)cv_timedwait_ns(&bio_syncer_cv, &bio_lock,
			    NSEC_PER_SEC);
		now = rump_monotime_ns();
		delay = (uint64_t)bio_syncdelay * NSEC_PER_SEC;
		if (bio_syncer_kicked)
			bio_flush_locked(NODEV, UINT64_MAX);
		else if (now > delay)
			bio_flush_locked(NODEV, now - delay);
		bio_syncer_kicked = false;
	}
	mutex_exit(&bio_lock);
	kthread_exit(0);
}

RUMP_COMPONENT(RUMP_COMPONENT_KERN_VFS, rumpvfs_bio)
{
	int error;

	mutex_init(&bio_lock, MUTEX_DEFAULT, IPL_NONE);
	cv_init(&bio_cv, "biowait");
	cv_init(&bio_syncer_cv, "syncer");
	for (size_t i = 0; i < BIO_HASHSIZE; i++)
		LIST_INIT(&bio_hash[i]);
	TAILQ_INIT(&bio_lruq);
	TAILQ_INIT(&bio_dirtyq);
	TAILQ_INIT(&bio_writeq);
	TAILQ_INIT(&bio_allq);
	LIST_INIT(&bio_deverrs);
	memset(&bio_stats, 0, sizeof(bio_stats));
	bio_stats.bs_maxbytes = BIO_MAXBYTES;
	bio_npending = 0;
	bio_syncdelay = BIO_SYNCDELAY;
	bio_syncer_quit = bio_syncer_kicked = false;
	error = kthread_create(PRI_NONE, KTHREAD_MPSAFE | KTHREAD_MUSTJOIN,
	    NULL, bio_syncer, NULL, &bio_syncer_lwp, "syncer");
	if (error != 0) {
		cv_destroy(&bio_syncer_cv);
		cv_destroy(&bio_cv);
		mutex_destroy(&bio_lock);
	}
	return error;
}

/*
 * Shutdown: the file systems are unmounted and the devices closed by
 * now (each flushed its buffers); write back whatever is left, wait
 * for every transfer (the host must not call back into a kernel that
 * is gone) and free the cache.
 */
RUMP_COMPONENT_FINI(rumpvfs_bio)
{
	struct bio_deverr *de;
	struct buf *bp;
	int error;

	mutex_enter(&bio_lock);
	bio_syncer_quit = true;
	cv_broadcast(&bio_syncer_cv);
	mutex_exit(&bio_lock);
	(void)kthread_join(bio_syncer_lwp);

	if ((error = bio_sync_all()) != 0)
		printf("bio: write-back error %d at shutdown\n", error);
	mutex_enter(&bio_lock);
	while (bio_npending != 0)
		cv_wait(&bio_cv, &bio_lock);
	while ((de = LIST_FIRST(&bio_deverrs)) != NULL) {
		LIST_REMOVE(de, de_list);
		kmem_free(de, sizeof(*de));
	}
	while ((bp = TAILQ_FIRST(&bio_allq)) != NULL) {
		if (bp->b_flags & B_BUSY)
			panic("%s: buffer dev %#llx blkno %lld still busy at "
			    "shutdown", __func__, (unsigned long long)bp->b_dev,
			    (long long)bp->b_blkno);
		bio_take(bp);
		bio_clrdirty(bp);	/* its write failed: lost */
		bio_free(bp);
	}
	mutex_exit(&bio_lock);
	cv_destroy(&bio_syncer_cv);
	cv_destroy(&bio_cv);
	mutex_destroy(&bio_lock);
}
