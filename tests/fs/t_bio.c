/*
 * t_bio.c: the buffer cache (vfs_bio.c), driven from inside the kernel
 * (k_bio.c) against a memory disk whose transfers the tests count:
 * delayed writes and write-back, cache hits, the memory bound, read and
 * write-back errors, concurrent readers of one block, the syncer.
 */
#include <rump/rump.h>

#include "harness.h"
#include "k_bio.h"

H_TC(writeback_async,
    "bdwrite'd blocks stay in the cache until vflushbuf writes them; "
    "they read back from disk after invalidation (disk completes "
    "from its own thread)")
{
	RZ(rump_pub_ktest_bio_writeback(1));
}

H_TC(writeback_inline,
    "the same with a disk that completes inside d_strategy")
{
	RZ(rump_pub_ktest_bio_writeback(0));
}

H_TC_ENV(writeback_ncpu2, "RUMP_NCPU=2",
    "write-back with 2 CPUs and the multiprocessor locks")
{
	RZ(rump_pub_ktest_bio_writeback(1));
}

H_TC(cache_hit,
    "a second bread of a block is served from the cache: B_CACHE, no "
    "transfer, one hit and one miss counted")
{
	RZ(rump_pub_ktest_bio_cache_hit());
}

H_TC(memory_bound,
    "with a 64 KiB bound, 256 KiB of reads and of delayed writes stay "
    "within it; evicted dirty blocks are written first")
{
	RZ(rump_pub_ktest_bio_memory_bound());
}

H_TC(read_error,
    "a read failing at one block gives EIO and no buffer; nothing is "
    "cached, so the next read goes to the disk; reading past the end "
    "of the disk is EIO")
{
	RZ(rump_pub_ktest_bio_read_error());
}

H_TC(writeback_error,
    "a failed write-back is reported once by the next vflushbuf; the "
    "block is dropped; bwrite returns its own failure")
{
	RZ(rump_pub_ktest_bio_write_error());
}

H_TC(concurrent_readers,
    "8 threads bread one block of a slow disk at once: one transfer, "
    "all see the data")
{
	RZ(rump_pub_ktest_bio_concurrent_readers(8));
}

H_TC_ENV(concurrent_readers_ncpu4, "RUMP_NCPU=4",
    "16 concurrent readers of one block on 4 CPUs")
{
	RZ(rump_pub_ktest_bio_concurrent_readers(16));
}

H_TC(syncer_delay,
    "the syncer writes a delayed write back after the sync delay (1 s), "
    "not before")
{
	RZ(rump_pub_ktest_bio_syncer(0));
}

H_TC(syncer_kick,
    "a kicked syncer writes a delayed write back at once")
{
	RZ(rump_pub_ktest_bio_syncer(1));
}

H_TC(resize,
    "reading a cached block with another size writes the dirty old "
    "buffer first and rereads")
{
	RZ(rump_pub_ktest_bio_resize());
}

H_TC(no_driver_bad_args,
    "bread of a device without a driver is ENXIO; bad sizes and "
    "negative blocks are EINVAL; write-back to it fails with ENXIO")
{
	RZ(rump_pub_ktest_bio_nodriver());
}

H_TC(sync_all,
    "sync of all devices writes back and waits; a failing write-back "
    "makes it return EIO and is still reported by the device's next "
    "fsync")
{
	RZ(rump_pub_ktest_bio_sync_all());
}

H_TC(readahead,
    "a read-ahead brings a block into the cache without waiting; the "
    "next bread is a hit; a failed read-ahead leaves nothing behind")
{
	RZ(rump_pub_ktest_bio_readahead());
}

H_TC(bound_all_busy,
    "one owner holding more busy buffers than the memory bound does not "
    "deadlock; once released, the next allocation evicts back under "
    "the bound, writing the dirty buffers first")
{
	RZ(rump_pub_ktest_bio_bound_all_busy());
}

H_TC(iodone_callback,
    "with B_CALL, biodone hands the busy buffer and the transfer's "
    "error to b_iodone, which releases it")
{
	RZ(rump_pub_ktest_bio_iodone());
}

H_TC(held_twice,
    "bread of a block the calling thread already holds busy (what a "
    "corrupt file system can ask for) is EIO instead of a hang")
{
	RZ(rump_pub_ktest_bio_held_twice());
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, writeback_async);
	ATF_TP_ADD_TC(tp, writeback_inline);
	ATF_TP_ADD_TC(tp, writeback_ncpu2);
	ATF_TP_ADD_TC(tp, cache_hit);
	ATF_TP_ADD_TC(tp, memory_bound);
	ATF_TP_ADD_TC(tp, read_error);
	ATF_TP_ADD_TC(tp, writeback_error);
	ATF_TP_ADD_TC(tp, concurrent_readers);
	ATF_TP_ADD_TC(tp, concurrent_readers_ncpu4);
	ATF_TP_ADD_TC(tp, syncer_delay);
	ATF_TP_ADD_TC(tp, syncer_kick);
	ATF_TP_ADD_TC(tp, resize);
	ATF_TP_ADD_TC(tp, no_driver_bad_args);
	ATF_TP_ADD_TC(tp, sync_all);
	ATF_TP_ADD_TC(tp, readahead);
	ATF_TP_ADD_TC(tp, bound_all_busy);
	ATF_TP_ADD_TC(tp, iodone_callback);
	ATF_TP_ADD_TC(tp, held_twice);
	return atf_no_error();
}
