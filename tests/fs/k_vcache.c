/*
 * k_vcache.c: the kernel half of t_vcache, which checks the vnode
 * cache by its counters: hits, misses, evictions, how many vnodes live.
 */
#include <rump-sys/systm.h>
#include <rump-sys/sched.h>
#include <rump-sys/vnode.h>

#include "k_vcache.h"

int
rump_pub_ktest_vcache_stats(struct ktest_vcache_stats *ks)
{
	struct vcache_stats vs;

	rump_schedule();
	vcache_getstats(&vs);
	rump_unschedule();
	ks->hits = vs.vs_hits;
	ks->misses = vs.vs_misses;
	ks->reclaims = vs.vs_reclaims;
	ks->evictions = vs.vs_evictions;
	ks->numvnodes = vs.vs_numvnodes;
	ks->numfree = vs.vs_numfree;
	ks->limit = vs.vs_limit;
	return 0;
}
