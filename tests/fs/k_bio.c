/*
 * k_bio.c: the kernel half of t_bio.  A memory disk driver ("kbiomd")
 * lets the tests see exactly which transfers the buffer cache starts
 * and when: it counts them, can fail the ones touching one block, and
 * completes them either inside d_strategy or later from its own thread
 * (optionally after a pause), as a host I/O thread would.
 */
#include <rump-sys/systm.h>
#include <rump-sys/errno.h>
#include <rump-sys/kmem.h>
#include <rump-sys/mutex.h>
#include <rump-sys/condvar.h>
#include <rump-sys/kthread.h>
#include <rump-sys/time.h>
#include <rump-sys/conf.h>
#include <rump-sys/vnode.h>
#include <rump-sys/buf.h>

#include "ktest_int.h"
#include "k_bio.h"

#define MD_SIZE		(1024 * 1024)
#define BSIZE		4096
#define BLKS		(BSIZE / DEV_BSIZE)	/* daddr_t per block */

static struct md {
	uint8_t		*md_data;
	bool		 md_async;	/* complete from md_thread */
	int		 md_delay;	/* ticks before completing */
	int64_t		 md_failblock;	/* -1: none */
	unsigned	 md_nreads, md_nwrites;
	kmutex_t	 md_lock;
	kcondvar_t	 md_cv;
	struct buf	*md_queue[512];
	unsigned	 md_nqueued;
	bool		 md_quit;
	struct lwp	*md_lwp;
	devmajor_t	 md_bmajor;
	struct vnode	 md_vn;		/* a stand-in device vnode */
} md;

/* Do bp's transfer on the memory disk and end it. */
static void
md_transfer(struct buf *bp)
{
	uint64_t off = (uint64_t)bp->b_blkno * DEV_BSIZE;
	size_t len = bp->b_bcount;
	int64_t nblks = (int64_t)howmany(len, DEV_BSIZE);

	bp->b_error = 0;
	bp->b_resid = 0;
	if (md.md_failblock >= bp->b_blkno &&
	    md.md_failblock < bp->b_blkno + nblks) {
		bp->b_error = EIO;
		bp->b_resid = bp->b_bcount;
	} else {
		if (off >= MD_SIZE)
			len = 0;
		else if (len > MD_SIZE - off)
			len = MD_SIZE - off;
		if (bp->b_flags & B_READ) {
			memcpy(bp->b_data, md.md_data + off, len);
			ATOMIC_INC(&md.md_nreads);
		} else {
			memcpy(md.md_data + off, bp->b_data, len);
			ATOMIC_INC(&md.md_nwrites);
		}
		bp->b_resid = bp->b_bcount - len;
	}
	biodone(bp);
}

static void
md_strategy(struct buf *bp)
{
	if (!md.md_async) {
		md_transfer(bp);
		return;
	}
	mutex_enter(&md.md_lock);
	KASSERT(md.md_nqueued < __arraycount(md.md_queue));
	md.md_queue[md.md_nqueued++] = bp;
	cv_broadcast(&md.md_cv);
	mutex_exit(&md.md_lock);
}

static void
md_thread(void *arg)
{
	struct buf *bp;

	(void)arg;
	mutex_enter(&md.md_lock);
	for (;;) {
		while (md.md_nqueued == 0 && !md.md_quit)
			cv_wait(&md.md_cv, &md.md_lock);
		if (md.md_nqueued == 0)
			break;
		bp = md.md_queue[0];
		memmove(&md.md_queue[0], &md.md_queue[1],
		    --md.md_nqueued * sizeof(md.md_queue[0]));
		mutex_exit(&md.md_lock);
		if (md.md_delay > 0)
			(void)kpause("mddelay", false, md.md_delay, NULL);
		md_transfer(bp);
		mutex_enter(&md.md_lock);
	}
	mutex_exit(&md.md_lock);
}

static int
md_open(dev_t dev, int flag, int devtype)
{
	(void)dev; (void)flag; (void)devtype;
	return 0;
}

static const struct bdevsw md_bdevsw = {
	.d_open = md_open,
	.d_close = md_open,
	.d_strategy = md_strategy,
};

static int
md_setup(bool async, int delay)
{
	devmajor_t cmajor = NODEVMAJOR;
	int error;

	memset(&md, 0, sizeof(md));
	md.md_data = kmem_zalloc(MD_SIZE, KM_SLEEP);
	md.md_async = async;
	md.md_delay = delay;
	md.md_failblock = -1;
	md.md_bmajor = NODEVMAJOR;
	mutex_init(&md.md_lock, MUTEX_DEFAULT, IPL_NONE);
	cv_init(&md.md_cv, "md");
	if ((error = devsw_attach("kbiomd", &md_bdevsw, &md.md_bmajor, NULL,
	    &cmajor)) != 0)
		return error;
	md.md_vn.v_type = VBLK;
	md.md_vn.v_rdev = makedev(md.md_bmajor, 0);
	return kthread_create(PRI_NONE, KTHREAD_MPSAFE | KTHREAD_MUSTJOIN,
	    NULL, md_thread, NULL, &md.md_lwp, "md");
}

static void
md_teardown(void)
{
	md.md_failblock = -1;
	if (md.md_bmajor != NODEVMAJOR) {
		vinvalbuf(&md.md_vn);
		(void)devsw_detach(&md_bdevsw, NULL);
	}
	if (md.md_lwp != NULL) {
		mutex_enter(&md.md_lock);
		md.md_quit = true;
		cv_broadcast(&md.md_cv);
		mutex_exit(&md.md_lock);
		(void)kthread_join(md.md_lwp);
	}
	cv_destroy(&md.md_cv);
	mutex_destroy(&md.md_lock);
	kmem_free(md.md_data, MD_SIZE);
}

/* Whether the disk holds c throughout block blk. */
static bool
md_holds(int blk, int c)
{
	for (size_t i = 0; i < BSIZE; i++) {
		if (md.md_data[(size_t)blk * BSIZE + i] != (uint8_t)c)
			return false;
	}
	return true;
}

static bool
buf_holds(const struct buf *bp, size_t len, int c)
{
	const uint8_t *p = bp->b_data;

	for (size_t i = 0; i < len; i++) {
		if (p[i] != (uint8_t)c)
			return false;
	}
	return true;
}

int
rump_pub_ktest_bio_writeback(int async)
{
	struct bio_stats bs;
	struct buf *bp;
	int error;

	KTEST_ENTER();
	if ((error = md_setup(async != 0, 0)) != 0)
		goto out;
	for (int i = 0; i < 8; i++) {
		bp = getblk(&md.md_vn, i * BLKS, BSIZE);
		KTEST_CHECK(!(bp->b_flags & B_DONE), "block %d", i);
		memset(bp->b_data, 'a' + i, BSIZE);
		bdwrite(bp);
	}
	bio_getstats(&bs);
	KTEST_CHECK(bs.bs_delwri == 8, "%llu dirty",
	    (unsigned long long)bs.bs_delwri);
	KTEST_CHECK(ATOMIC_LOAD(&md.md_nwrites) == 0, "%u writes",
	    md.md_nwrites);
	KTEST_CHECK(md_holds(3, 0), "written early");
	KTEST_CHECK((error = vflushbuf(&md.md_vn, 1)) == 0, "%d", error);
	KTEST_CHECK(ATOMIC_LOAD(&md.md_nwrites) == 8, "%u writes",
	    md.md_nwrites);
	for (int i = 0; i < 8; i++)
		KTEST_CHECK(md_holds(i, 'a' + i), "block %d", i);
	bio_getstats(&bs);
	KTEST_CHECK(bs.bs_delwri == 0, "%llu dirty",
	    (unsigned long long)bs.bs_delwri);

	vinvalbuf(&md.md_vn);
	KTEST_CHECK((error = bread(&md.md_vn, 5 * BLKS, BSIZE, &bp)) == 0,
	    "%d", error);
	KTEST_CHECK(ATOMIC_LOAD(&md.md_nreads) == 1, "%u", md.md_nreads);
	KTEST_CHECK(buf_holds(bp, BSIZE, 'f'), "reread");
	brelse(bp);
out:
	md_teardown();
	return KTEST_LEAVE(error);
}

int
rump_pub_ktest_bio_cache_hit(void)
{
	struct bio_stats bs0, bs;
	struct buf *bp;
	int error;

	KTEST_ENTER();
	if ((error = md_setup(true, 0)) != 0)
		goto out;
	memset(md.md_data + 2 * BSIZE, 'q', BSIZE);
	bio_getstats(&bs0);
	KTEST_CHECK((error = bread(&md.md_vn, 2 * BLKS, BSIZE, &bp)) == 0,
	    "%d", error);
	KTEST_CHECK(!(bp->b_flags & B_CACHE), "first read a hit");
	brelse(bp);
	KTEST_CHECK((error = bread(&md.md_vn, 2 * BLKS, BSIZE, &bp)) == 0,
	    "%d", error);
	KTEST_CHECK(bp->b_flags & B_CACHE, "second read a miss");
	KTEST_CHECK(buf_holds(bp, BSIZE, 'q'), "data");
	brelse(bp);
	KTEST_CHECK(ATOMIC_LOAD(&md.md_nreads) == 1, "%u reads",
	    md.md_nreads);
	bio_getstats(&bs);
	KTEST_CHECK(bs.bs_hits == bs0.bs_hits + 1 &&
	    bs.bs_misses == bs0.bs_misses + 1, "hits %llu misses %llu",
	    (unsigned long long)(bs.bs_hits - bs0.bs_hits),
	    (unsigned long long)(bs.bs_misses - bs0.bs_misses));
out:
	md_teardown();
	return KTEST_LEAVE(error);
}

int
rump_pub_ktest_bio_memory_bound(void)
{
	const uint64_t bound = 64 * 1024;
	struct bio_stats bs0, bs;
	struct buf *bp;
	int error;

	KTEST_ENTER();
	if ((error = md_setup(true, 0)) != 0)
		goto out;
	bio_getstats(&bs0);
	bio_setmaxbytes(bound);
	for (int i = 0; i < 64; i++) {
		KTEST_CHECK((error = bread(&md.md_vn, i * BLKS, BSIZE,
		    &bp)) == 0, "%d", error);
		brelse(bp);
		bio_getstats(&bs);
		KTEST_CHECK(bs.bs_bytes <= bound, "%llu bytes at %d",
		    (unsigned long long)bs.bs_bytes, i);
	}
	bio_getstats(&bs);
	KTEST_CHECK(bs.bs_evictions - bs0.bs_evictions >= 48, "%llu",
	    (unsigned long long)(bs.bs_evictions - bs0.bs_evictions));
	for (int i = 0; i < 64; i++) {
		bp = getblk(&md.md_vn, i * BLKS, BSIZE);
		memset(bp->b_data, 'A' + (i % 26), BSIZE);
		bdwrite(bp);
		bio_getstats(&bs);
		KTEST_CHECK(bs.bs_bytes <= bound, "%llu bytes at %d",
		    (unsigned long long)bs.bs_bytes, i);
	}
	/* the evicted dirty blocks were written before they went */
	KTEST_CHECK(ATOMIC_LOAD(&md.md_nwrites) >= 48, "%u", md.md_nwrites);
	KTEST_CHECK((error = vflushbuf(&md.md_vn, 1)) == 0, "%d", error);
	for (int i = 0; i < 64; i++)
		KTEST_CHECK(md_holds(i, 'A' + (i % 26)), "block %d", i);
out:
	bio_setmaxbytes(0);
	md_teardown();
	return KTEST_LEAVE(error);
}

int
rump_pub_ktest_bio_read_error(void)
{
	struct buf *bp;
	int error;

	KTEST_ENTER();
	if ((error = md_setup(true, 0)) != 0)
		goto out;
	md.md_failblock = 4 * BLKS + 3;
	bp = (void *)1;
	error = bread(&md.md_vn, 4 * BLKS, BSIZE, &bp);
	KTEST_CHECK(error == EIO && bp == NULL, "error %d bp %p", error, bp);
	/* a bigger block covering it fails too */
	error = bread(&md.md_vn, 3 * BLKS, 2 * BSIZE, &bp);
	KTEST_CHECK(error == EIO && bp == NULL, "error %d", error);
	KTEST_CHECK(ATOMIC_LOAD(&md.md_nreads) == 0, "%u", md.md_nreads);
	/* nothing was cached: once the disk heals, the read goes to it */
	md.md_failblock = -1;
	memset(md.md_data + 4 * BSIZE, 'h', BSIZE);
	KTEST_CHECK((error = bread(&md.md_vn, 4 * BLKS, BSIZE, &bp)) == 0,
	    "%d", error);
	KTEST_CHECK(buf_holds(bp, BSIZE, 'h'), "data");
	KTEST_CHECK(ATOMIC_LOAD(&md.md_nreads) == 1, "%u", md.md_nreads);
	brelse(bp);
	/* past the end of the disk: a short transfer is EIO */
	error = bread(&md.md_vn, MD_SIZE / DEV_BSIZE - 1, BSIZE, &bp);
	KTEST_CHECK(error == EIO && bp == NULL, "end: error %d", error);
	error = 0;
out:
	md_teardown();
	return KTEST_LEAVE(error);
}

int
rump_pub_ktest_bio_write_error(void)
{
	struct buf *bp;
	int error;

	KTEST_ENTER();
	if ((error = md_setup(true, 0)) != 0)
		goto out;
	bp = getblk(&md.md_vn, 6 * BLKS, BSIZE);
	memset(bp->b_data, 'w', BSIZE);
	bdwrite(bp);
	bp = getblk(&md.md_vn, 7 * BLKS, BSIZE);
	memset(bp->b_data, 'v', BSIZE);
	bdwrite(bp);
	md.md_failblock = 6 * BLKS;
	error = vflushbuf(&md.md_vn, 1);
	KTEST_CHECK(error == EIO, "flush: %d", error);
	/* reported once; the other block made it */
	KTEST_CHECK((error = vflushbuf(&md.md_vn, 1)) == 0, "again: %d",
	    error);
	KTEST_CHECK(md_holds(7, 'v') && md_holds(6, 0), "disk");
	/* the failed block is not cached any more: a read goes to disk */
	md.md_failblock = -1;
	KTEST_CHECK((error = bread(&md.md_vn, 6 * BLKS, BSIZE, &bp)) == 0,
	    "%d", error);
	KTEST_CHECK(!(bp->b_flags & B_CACHE) && buf_holds(bp, BSIZE, 0),
	    "stale buffer");
	/* bwrite reports its own failure */
	memset(bp->b_data, 'x', BSIZE);
	md.md_failblock = 6 * BLKS + 7;
	error = bwrite(bp);
	KTEST_CHECK(error == EIO, "bwrite: %d", error);
	KTEST_CHECK((error = vflushbuf(&md.md_vn, 1)) == 0, "%d", error);
out:
	md_teardown();
	return KTEST_LEAVE(error);
}

struct readers {
	struct vnode	*r_vn;
	unsigned	 r_ok;
	unsigned	 r_bad;
};

static void
reader(void *arg)
{
	struct ktest_worker *w = arg;
	struct readers *r = w->w_state;
	struct buf *bp;

	if (bread(r->r_vn, 9 * BLKS, BSIZE, &bp) != 0) {
		ATOMIC_INC(&r->r_bad);
		return;
	}
	if (buf_holds(bp, BSIZE, 'r'))
		ATOMIC_INC(&r->r_ok);
	else
		ATOMIC_INC(&r->r_bad);
	brelse(bp);
}

int
rump_pub_ktest_bio_concurrent_readers(unsigned nthreads)
{
	struct ktest_worker w[16];
	struct readers r = { .r_vn = &md.md_vn };
	unsigned n = 0;
	int error;

	KTEST_ENTER();
	if (nthreads > __arraycount(w))
		nthreads = __arraycount(w);
	if ((error = md_setup(true, 2)) != 0)
		goto out;
	memset(md.md_data + 9 * BSIZE, 'r', BSIZE);
	error = ktest_spawn_all(w, nthreads, &n, reader, &r, "reader");
	ktest_join_all(w, n);
	KTEST_CHECK(error == 0, "spawn: %d", error);
	KTEST_CHECK(r.r_ok == nthreads && r.r_bad == 0, "ok %u bad %u",
	    r.r_ok, r.r_bad);
	KTEST_CHECK(ATOMIC_LOAD(&md.md_nreads) == 1, "%u transfers",
	    md.md_nreads);
out:
	md_teardown();
	return KTEST_LEAVE(error);
}

int
rump_pub_ktest_bio_syncer(int kick)
{
	struct buf *bp;
	uint64_t t0, elapsed = 0;
	int error, old;

	KTEST_ENTER();
	old = bio_setsyncdelay(kick ? 60 : 1);
	if ((error = md_setup(true, 0)) != 0)
		goto out;
	t0 = rump_monotime_ns();
	bp = getblk(&md.md_vn, 11 * BLKS, BSIZE);
	memset(bp->b_data, 's', BSIZE);
	bdwrite(bp);
	if (kick)
		bio_syncer_kick();
	while (ATOMIC_LOAD(&md.md_nwrites) == 0) {
		elapsed = rump_monotime_ns() - t0;
		if (elapsed > 10 * NSEC_PER_SEC)
			break;
		(void)kpause("syncwait", false, 1, NULL);
	}
	KTEST_CHECK(ATOMIC_LOAD(&md.md_nwrites) == 1, "not written in %llu ms",
	    (unsigned long long)(elapsed / 1000000));
	if (kick)
		KTEST_CHECK(elapsed < 2 * NSEC_PER_SEC, "kick took %llu ms",
		    (unsigned long long)(elapsed / 1000000));
	else
		KTEST_CHECK(elapsed >= 900 * 1000000ULL, "written after "
		    "%llu ms, before the delay",
		    (unsigned long long)(elapsed / 1000000));
	/* the write is asynchronous: wait for the buffer to be clean */
	KTEST_CHECK((error = vflushbuf(&md.md_vn, 1)) == 0, "%d", error);
	KTEST_CHECK(md_holds(11, 's'), "disk");
out:
	(void)bio_setsyncdelay(old);
	md_teardown();
	return KTEST_LEAVE(error);
}

int
rump_pub_ktest_bio_resize(void)
{
	struct buf *bp;
	int error;

	KTEST_ENTER();
	if ((error = md_setup(false, 0)) != 0)
		goto out;
	memset(md.md_data + 13 * BSIZE, 'n', BSIZE);
	KTEST_CHECK((error = bread(&md.md_vn, 12 * BLKS, BSIZE, &bp)) == 0,
	    "%d", error);
	memset(bp->b_data, 'o', BSIZE);
	bdwrite(bp);
	KTEST_CHECK((error = bread(&md.md_vn, 12 * BLKS, 2 * BSIZE,
	    &bp)) == 0, "%d", error);
	KTEST_CHECK(ATOMIC_LOAD(&md.md_nwrites) == 1, "dirty part not "
	    "written first: %u", md.md_nwrites);
	KTEST_CHECK(buf_holds(bp, BSIZE, 'o'), "first half");
	KTEST_CHECK(bp->b_bcount == 2 * BSIZE &&
	    buf_holds(bp, BSIZE, 'o') &&
	    ((uint8_t *)bp->b_data)[BSIZE] == 'n', "second half");
	brelse(bp);
out:
	md_teardown();
	return KTEST_LEAVE(error);
}

int
rump_pub_ktest_bio_nodriver(void)
{
	struct vnode vn;
	struct buf *bp;
	int error;

	KTEST_ENTER();
	memset(&vn, 0, sizeof(vn));
	vn.v_type = VBLK;
	vn.v_rdev = makedev(4000, 1);
	error = bread(&vn, 0, BSIZE, &bp);
	KTEST_CHECK(error == ENXIO && bp == NULL, "no driver: %d", error);
	error = bread(&vn, 0, 0, &bp);
	KTEST_CHECK(error == EINVAL && bp == NULL, "size 0: %d", error);
	error = bread(&vn, 0, 128 * 1024, &bp);
	KTEST_CHECK(error == EINVAL && bp == NULL, "size 128k: %d", error);
	error = bread(&vn, -1, BSIZE, &bp);
	KTEST_CHECK(error == EINVAL && bp == NULL, "blkno -1: %d", error);
	/* a dirty buffer of such a device fails its write-back */
	bp = getblk(&vn, 0, BSIZE);
	memset(bp->b_data, 0, BSIZE);
	bdwrite(bp);
	error = vflushbuf(&vn, 1);
	KTEST_CHECK(error == ENXIO, "flush: %d", error);
	error = 0;
out:
	vinvalbuf(&vn);
	return KTEST_LEAVE(error);
}

int
rump_pub_ktest_bio_sync_all(void)
{
	struct buf *bp;
	int error;

	KTEST_ENTER();
	if ((error = md_setup(true, 1)) != 0)
		goto out;
	for (int i = 0; i < 4; i++) {
		bp = getblk(&md.md_vn, (20 + i) * BLKS, BSIZE);
		memset(bp->b_data, 'y', BSIZE);
		bdwrite(bp);
	}
	KTEST_CHECK((error = bio_sync_all()) == 0, "%d", error);
	KTEST_CHECK(ATOMIC_LOAD(&md.md_nwrites) == 4, "%u", md.md_nwrites);
	for (int i = 0; i < 4; i++)
		KTEST_CHECK(md_holds(20 + i, 'y'), "block %d", 20 + i);
	bp = getblk(&md.md_vn, 30 * BLKS, BSIZE);
	memset(bp->b_data, 'z', BSIZE);
	bdwrite(bp);
	md.md_failblock = 30 * BLKS;
	KTEST_CHECK((error = bio_sync_all()) == EIO, "%d", error);
	/* the device's fsync still hears of it, once */
	KTEST_CHECK((error = vflushbuf(&md.md_vn, 1)) == EIO, "%d", error);
	KTEST_CHECK((error = vflushbuf(&md.md_vn, 1)) == 0, "%d", error);
out:
	md_teardown();
	return KTEST_LEAVE(error);
}

int
rump_pub_ktest_bio_readahead(void)
{
	struct bio_stats bs0, bs;
	struct buf *bp;
	uint64_t deadline;
	int error;

	KTEST_ENTER();
	if ((error = md_setup(true, 1)) != 0)
		goto out;
	memset(md.md_data + 40 * BSIZE, 'a', BSIZE);
	bio_getstats(&bs0);
	bio_readahead(&md.md_vn, 40 * BLKS, BSIZE);
	/* a second one for the same block while it is in flight: nothing */
	bio_readahead(&md.md_vn, 40 * BLKS, BSIZE);
	deadline = rump_monotime_ns() + 10 * NSEC_PER_SEC;
	while (ATOMIC_LOAD(&md.md_nreads) == 0 &&
	    rump_monotime_ns() < deadline)
		(void)kpause("ra", false, 1, NULL);
	KTEST_CHECK((error = bread(&md.md_vn, 40 * BLKS, BSIZE, &bp)) == 0,
	    "%d", error);
	KTEST_CHECK(bp->b_flags & B_CACHE, "not read ahead");
	KTEST_CHECK(buf_holds(bp, BSIZE, 'a'), "data");
	brelse(bp);
	KTEST_CHECK(ATOMIC_LOAD(&md.md_nreads) == 1, "%u", md.md_nreads);
	bio_getstats(&bs);
	KTEST_CHECK(bs.bs_readaheads - bs0.bs_readaheads == 1, "%llu",
	    (unsigned long long)(bs.bs_readaheads - bs0.bs_readaheads));
	/* a cached block is not read again */
	bio_readahead(&md.md_vn, 40 * BLKS, BSIZE);
	KTEST_CHECK(ATOMIC_LOAD(&md.md_nreads) == 1, "%u", md.md_nreads);
	/* a failed read-ahead is forgotten: bread tries again, fails */
	md.md_failblock = 41 * BLKS;
	bio_readahead(&md.md_vn, 41 * BLKS, BSIZE);
	error = bread(&md.md_vn, 41 * BLKS, BSIZE, &bp);
	KTEST_CHECK(error == EIO && bp == NULL, "%d", error);
	md.md_failblock = -1;
	KTEST_CHECK((error = bread(&md.md_vn, 41 * BLKS, BSIZE, &bp)) == 0,
	    "%d", error);
	brelse(bp);
	/* bad arguments are ignored */
	bio_readahead(&md.md_vn, -1, BSIZE);
	bio_readahead(&md.md_vn, 0, 0);
out:
	md_teardown();
	return KTEST_LEAVE(error);
}

int
rump_pub_ktest_bio_bound_all_busy(void)
{
	struct buf *held[8];
	struct bio_stats bs;
	int error, n = 0;

	KTEST_ENTER();
	if ((error = md_setup(true, 0)) != 0)
		goto out;
	bio_setmaxbytes(2 * BSIZE);
	/* one owner holds more than the bound: no wait for itself */
	for (n = 0; n < 8; n++) {
		held[n] = getblk(&md.md_vn, (50 + n) * BLKS, BSIZE);
		memset(held[n]->b_data, 'b', BSIZE);
	}
	bio_getstats(&bs);
	KTEST_CHECK(bs.bs_bytes >= 8 * BSIZE, "%llu",
	    (unsigned long long)bs.bs_bytes);
	for (int i = 0; i < n; i++)
		bdwrite(held[i]);
	n = 0;
	/* the next allocation brings the cache back under its bound */
	held[0] = getblk(&md.md_vn, 60 * BLKS, BSIZE);
	n = 1;
	bio_getstats(&bs);
	KTEST_CHECK(bs.bs_bytes <= 2 * BSIZE, "%llu",
	    (unsigned long long)bs.bs_bytes);
	/*
	 * The 7 least recently used (50..56) had to go to make room, so
	 * they were written first; 57 may still be cached.
	 */
	for (int i = 0; i < 7; i++)
		KTEST_CHECK(md_holds(50 + i, 'b'), "block %d", 50 + i);
out:
	for (int i = 0; i < n; i++)
		brelse(held[i]);
	bio_setmaxbytes(0);
	md_teardown();
	return KTEST_LEAVE(error);
}

struct iodone_seen {
	unsigned	is_calls;
	int		is_error;
	bool		is_busy;
};
static struct iodone_seen iodone_seen;

static void
test_iodone(struct buf *bp)
{
	iodone_seen.is_error = bp->b_error;
	iodone_seen.is_busy = (bp->b_flags & B_BUSY) != 0;
	brelse(bp);		/* B_CALL: the callback owns the buffer */
	ATOMIC_INC(&iodone_seen.is_calls);
}

int
rump_pub_ktest_bio_iodone(void)
{
	struct buf *bp;
	uint64_t deadline;
	int error;

	KTEST_ENTER();
	memset(&iodone_seen, 0, sizeof(iodone_seen));
	if ((error = md_setup(true, 0)) != 0)
		goto out;
	md.md_failblock = 70 * BLKS;
	for (int i = 0; i < 2; i++) {
		bp = getblk(&md.md_vn, (70 + i) * BLKS, BSIZE);
		memset(bp->b_data, 'i', BSIZE);
		bp->b_flags |= B_CALL;
		bp->b_iodone = test_iodone;
		bawrite(bp);
		deadline = rump_monotime_ns() + 10 * NSEC_PER_SEC;
		while (ATOMIC_LOAD(&iodone_seen.is_calls) == (unsigned)i &&
		    rump_monotime_ns() < deadline)
			(void)kpause("iodone", false, 1, NULL);
		KTEST_CHECK(ATOMIC_LOAD(&iodone_seen.is_calls) ==
		    (unsigned)i + 1, "callback %d not called", i);
		KTEST_CHECK(iodone_seen.is_busy, "buffer not busy in callback");
		KTEST_CHECK(iodone_seen.is_error == (i == 0 ? EIO : 0),
		    "error %d", iodone_seen.is_error);
	}
	KTEST_CHECK(md_holds(71, 'i') && md_holds(70, 0), "disk");
	/* the callback's release kept the good block cached */
	KTEST_CHECK((error = bread(&md.md_vn, 71 * BLKS, BSIZE, &bp)) == 0,
	    "%d", error);
	KTEST_CHECK(bp->b_flags & B_CACHE, "not cached");
	brelse(bp);
out:
	md_teardown();
	return KTEST_LEAVE(error);
}

int
rump_pub_ktest_bio_held_twice(void)
{
	struct buf *bp, *bp2;
	int error;

	KTEST_ENTER();
	if ((error = md_setup(true, 0)) != 0)
		goto out;
	KTEST_CHECK((error = bread(&md.md_vn, 80 * BLKS, BSIZE, &bp)) == 0,
	    "%d", error);
	bp2 = (void *)1;
	error = bread(&md.md_vn, 80 * BLKS, BSIZE, &bp2);
	brelse(bp);
	KTEST_CHECK(error == EIO && bp2 == NULL, "error %d", error);
	/* released, it reads again */
	KTEST_CHECK((error = bread(&md.md_vn, 80 * BLKS, BSIZE, &bp)) == 0,
	    "%d", error);
	brelse(bp);
out:
	md_teardown();
	return KTEST_LEAVE(error);
}
