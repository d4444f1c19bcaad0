/*
 * k_bio.h: the kernel half of t_bio, tests of the buffer cache
 * (vfs_bio.c) against a memory disk driver that completes transfers
 * from its own thread, later (asynchronously), or inside d_strategy.
 * Functions return 0 or a host errno (EIO when an expectation failed;
 * the console says which).
 */
#ifndef _K_BIO_H_
#define _K_BIO_H_

/*
 * bdwrite'd blocks do not reach the disk until vflushbuf; then they do
 * and read back the same after the cache dropped them.  async: the
 * driver completes from its thread.
 */
int	rump_pub_ktest_bio_writeback(int async);
/* A second bread of a block is a hit: no transfer. */
int	rump_pub_ktest_bio_cache_hit(void);
/*
 * With a 64 KiB bound, reading and dirtying 256 KiB of blocks stays
 * within the bound, evicts, and writes the dirty ones back first.
 */
int	rump_pub_ktest_bio_memory_bound(void);
/* An injected read error: bread EIO, *bpp NULL, nothing cached. */
int	rump_pub_ktest_bio_read_error(void);
/*
 * An injected write error during write-back: vflushbuf reports EIO
 * once, and bwrite returns it directly.
 */
int	rump_pub_ktest_bio_write_error(void);
/*
 * nthreads threads bread one block at once from a slow disk: one
 * transfer, every thread sees the data.
 */
int	rump_pub_ktest_bio_concurrent_readers(unsigned nthreads);
/* The syncer writes back a delayed write after the delay, or when kicked. */
int	rump_pub_ktest_bio_syncer(int kick);
/* A cached block read with another size is reread (dirty: written first). */
int	rump_pub_ktest_bio_resize(void);
/* A device without a driver: bread ENXIO, and bad sizes EINVAL. */
int	rump_pub_ktest_bio_nodriver(void);
/* bio_sync_all (sync(2)) writes back every device and waits. */
int	rump_pub_ktest_bio_sync_all(void);

/*
 * bio_readahead brings a block in without waiting: the next bread is a
 * hit; cached blocks are not read again; a failed read-ahead leaves
 * nothing behind.
 */
int	rump_pub_ktest_bio_readahead(void);

/*
 * One owner holding more busy buffers than the bound does not wait for
 * itself: the cache exceeds the bound, and returns under it (writing
 * the dirty ones first) once they are released.
 */
int	rump_pub_ktest_bio_bound_all_busy(void);

/*
 * A buffer with B_CALL: biodone hands it, still busy, to b_iodone
 * (which releases it) with the transfer's error.
 */
int	rump_pub_ktest_bio_iodone(void);

/* bread of a block the thread already holds is EIO, not a hang. */
int	rump_pub_ktest_bio_held_twice(void);

#endif /* _K_BIO_H_ */
