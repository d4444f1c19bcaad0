/*
 * buf.h: the buffer cache (rumpvfs/vfs_bio.c).  File systems read and
 * write their device through buffers: a buffer caches the bytes of one
 * (device, block number) pair, where block numbers count DEV_BSIZE
 * (512-byte) units from the start of the device whatever the file
 * system's block size.  Transfers go to the device's bdevsw d_strategy,
 * which starts them and returns; biodone() (typically from a host I/O
 * thread's completion, on a virtual CPU) ends them.
 *
 * Life of a buffer: bread/getblk hand it out B_BUSY (owned by the
 * caller alone; others asking for the same block sleep until it is
 * released).  The owner releases it with exactly one of brelse (clean,
 * or still dirty from an earlier bdwrite), bwrite (write now, wait),
 * bawrite (write now, do not wait) or bdwrite (mark dirty: the syncer
 * thread, fsync, sync, unmount or memory pressure write it later).
 *
 * A file system must use one size per block number for as long as the
 * block is cached (bread of a cached block with another size writes the
 * old buffer back if dirty and rereads).  All functions may sleep; call
 * them with no spin lock held.
 */
#ifndef _RUMP_SYS_BUF_H_
#define _RUMP_SYS_BUF_H_

#include <rump-sys/types.h>
#include <rump-sys/queue.h>
#include <rump-sys/conf.h>

struct vnode;

typedef int64_t daddr_t;	/* in DEV_BSIZE (512-byte) units */

struct buf {
	void		*b_data;	/* b_bufsize bytes, kmem */
	daddr_t		 b_blkno;	/* device block, DEV_BSIZE units */
	size_t		 b_bcount;	/* bytes to transfer */
	size_t		 b_resid;	/* bytes not transferred (short I/O) */
	int		 b_error;	/* errno of the last transfer */
	int		 b_flags;	/* B_* below */
	dev_t		 b_dev;		/* the device (d_strategy reads it) */
	struct vnode	*b_vp;		/* the device vnode, NULL: private */
	/*
	 * With B_CALL, biodone calls b_iodone instead of releasing the
	 * buffer or waking a biowait: the callback gets it still busy,
	 * with b_error set, and must release it.
	 */
	void		(*b_iodone)(struct buf *);
	void		*b_private;	/* for b_iodone's owner */

	/* Private to vfs_bio.c. */
	size_t		 b_bufsize;	/* allocated size of b_data */
	uint64_t	 b_dirtytime;	/* monotonic ns, when made dirty */
	struct lwp	*b_owner;	/* B_BUSY by this lwp (not async) */
	LIST_ENTRY(buf)	 b_hash;	/* the (b_dev, b_blkno) hash chain */
	TAILQ_ENTRY(buf) b_lru;		/* not busy: LRU; writing: writeq */
	TAILQ_ENTRY(buf) b_all;		/* every buffer */
	TAILQ_ENTRY(buf) b_dirty;	/* B_DELWRI ones, oldest first */
};

/* b_flags */
#define B_WRITE		0x0000	/* the transfer writes (not B_READ) */
#define B_READ		0x0001	/* the transfer reads */
#define B_ASYNC		0x0002	/* nobody waits: release at biodone */
#define B_DELWRI	0x0004	/* dirty: must be written before reuse */
#define B_INVAL		0x0008	/* contents invalid: drop at release */
#define B_BUSY		0x0010	/* owned by one thread */
#define B_DONE		0x0020	/* contents valid (transfer complete) */
#define B_ERROR		0x0040	/* the last transfer failed (b_error) */
#define B_CALL		0x0080	/* biodone calls b_iodone */
#define B_CACHE		0x0100	/* (out) bread found it in the cache */
#define B_IOPEND	0x0200	/* (private) transfer in flight */

/*
 * Read size bytes at blkno of the device devvp (a VBLK vnode opened
 * with bdev_open), from the cache or the device.  0 and *bpp a busy
 * buffer with valid contents, or an errno (EIO for a failed or short
 * transfer, or when the calling thread already holds that block busy,
 * which a corrupt file system can ask for; EINVAL for a bad size) and
 * *bpp NULL with nothing held.
 */
int	bread(struct vnode *devvp, daddr_t blkno, int size, struct buf **bpp);
/*
 * The busy buffer for (devvp, blkno), without I/O: its contents are
 * valid only if B_DONE is set (a cache hit); otherwise the caller fills
 * it whole (and normally bdwrite()s it).  Never fails (sleeps for
 * memory and for the busy buffer); panics if the calling thread holds
 * the block busy already (it would wait for itself).
 */
struct buf *getblk(struct vnode *devvp, daddr_t blkno, int size);
/*
 * Read-ahead: start reading (devvp, blkno) into the cache unless it is
 * there, and return at once.  A failure is forgotten (the later bread
 * reads again and reports it).
 */
void	bio_readahead(struct vnode *devvp, daddr_t blkno, int size);
/* Write synchronously and release; 0 or the transfer's errno. */
int	bwrite(struct buf *);
/* Start the write and release at once; errors are reported at fsync. */
void	bawrite(struct buf *);
/* Mark dirty and release; written back later (write-back). */
void	bdwrite(struct buf *);
/* Release a busy buffer; with B_INVAL (or after an error) drop it. */
void	brelse(struct buf *);
/* Wait for the transfer started on a busy buffer: 0 or b_error. */
int	biowait(struct buf *);
/* The transfer ended (b_error and b_resid set by the driver). */
void	biodone(struct buf *);

/*
 * Write back every dirty buffer of the device.  sync: wait for all of
 * them.  0, or the first write error since the last call (errors of
 * asynchronous write-backs are remembered for the device and returned
 * once, as fsync does).
 */
int	vflushbuf(struct vnode *devvp, int sync);
/* Flush, then drop every buffer of the device (unmount, close). */
void	vinvalbuf(struct vnode *devvp);
/*
 * The same by device number (buffers belong to the device, not to one
 * of its vnodes), for drivers going away (rumpblk's etfs_remove).
 */
int	vflushbuf_dev(dev_t, int sync);
void	vinvalbuf_dev(dev_t);

/*
 * Open the block device at kpath (a kernel path) for a mount: lookup,
 * VBLK check, d_open through the switch.  0 and *devvpp referenced;
 * ENOENT, ENOTBLK (not a block device), ENXIO (no driver), EBUSY (the
 * driver's answer, e.g. already mounted), or the driver's errno.
 * fflags FREAD|FWRITE (file.h).
 */
int	bdev_open(const char *kpath, int fflags, struct vnode **devvpp);
/* Flush and drop the device's buffers, d_close, vrele. */
void	bdev_close(struct vnode *devvp, int fflags);
/*
 * read/write of an open block device file (specfs): through the cache,
 * any offset and length; reads stop at the device's end, a write there
 * is ENOSPC; writes are delayed.  0 or an errno (EIO).
 */
struct uio;
int	bdev_rw(struct vnode *devvp, struct uio *, int fflag);

/*
 * The syncer thread writes back delayed writes older than the sync
 * delay (seconds, default BIO_SYNCDELAY) once a second.  kick: write
 * back every delayed write now, do not wait.  setsyncdelay (tests):
 * 0 restores the default; returns the old value.
 */
#define BIO_SYNCDELAY	5
void	bio_syncer_kick(void);
int	bio_setsyncdelay(int seconds);
/*
 * Write back every dirty buffer of every device and wait: sync(2).
 * Returns the first recorded write-back error but leaves the errors
 * for each device's next vflushbuf (fsync) to report.
 */
int	bio_sync_all(void);

/* Statistics (tests): counters since boot. */
struct bio_stats {
	uint64_t	bs_hits;	/* bread/getblk found the block */
	uint64_t	bs_misses;
	uint64_t	bs_reads;	/* transfers started */
	uint64_t	bs_writes;
	uint64_t	bs_evictions;	/* buffers freed for memory */
	uint64_t	bs_readaheads;	/* bio_readahead transfers */
	uint64_t	bs_delwri;	/* dirty buffers now */
	uint64_t	bs_bytes;	/* buffer memory now */
	uint64_t	bs_maxbytes;	/* the memory bound */
};
void	bio_getstats(struct bio_stats *);
/* Set the memory bound (bytes; 0: the default).  Evicts to fit. */
void	bio_setmaxbytes(uint64_t);

#endif /* _RUMP_SYS_BUF_H_ */
