/*
 * k_vcache.h: the kernel half of t_vcache: the vnode cache's counters,
 * read inside the kernel (no system call exposes them).
 */
#ifndef _TESTS_FS_K_VCACHE_H_
#define _TESTS_FS_K_VCACHE_H_

#include <stdint.h>

struct ktest_vcache_stats {
	uint64_t	hits;		/* an unreferenced vnode found again */
	uint64_t	misses;		/* vnodes allocated */
	uint64_t	reclaims;	/* vnodes freed */
	uint64_t	evictions;	/* freed because the cache was full */
	uint32_t	numvnodes;	/* vnodes now */
	uint32_t	numfree;	/* of which unreferenced (cached) */
	uint32_t	limit;		/* RUMP_VNODES */
};

/* Copy the counters out; always 0. */
int	rump_pub_ktest_vcache_stats(struct ktest_vcache_stats *);
/*
 * Inside the root mount's VOP gate, with a forced-unmount-like writer
 * queued, drop the last reference to /gatefile (which must exist):
 * returns 0 (a host errno from the lookup), or hangs if vrele queues
 * for the gate it is already in.
 */
int	rump_pub_ktest_vcache_gate_reentry(void);
/*
 * fd is an open directory of a force-unmounted file system: every
 * vnode operation on it answers as dead_vnodeops says (ENOENT for
 * names and attributes, EIO for I/O).  0, or EIO with the
 * mismatches on the console.
 */
int	rump_pub_ktest_vcache_dead_ops(int fd);

#endif /* _TESTS_FS_K_VCACHE_H_ */
