/*
 * k_vcache.c: the kernel half of t_vcache, which checks the vnode
 * cache by its counters (hits, misses, evictions, how many vnodes
 * live) and the VOP gate's reentry rule.
 */
#include <rump-sys/systm.h>
#include <rump-sys/sched.h>
#include <rump-sys/kthread.h>
#include <rump-sys/time.h>
#include <rump-sys/vnode.h>

#include <rump/rumpuser.h>

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

/* Take the root mount's gate as the writer, as a forced unmount does. */
static void
gate_writer(void *arg)
{
	struct mount *mp = arg;

	rw_enter(&mp->mnt_opslock, RW_WRITER);
	rw_exit(&mp->mnt_opslock);
}

int
rump_pub_ktest_vcache_gate_reentry(void)
{
	struct nameidata nd;
	struct lwp *wl = NULL;
	struct mount *mp;
	struct vnode *vp;
	int error;

	rump_schedule();
	if ((error = namei_kernel(&nd, "/gatefile", FOLLOW)) != 0)
		goto out;
	vp = nd.ni_vp;
	nd.ni_vp = NULL;
	namei_done(&nd);
	mp = vp->v_mount;
	/*
	 * Inside an operation of the mount (its gate held as a reader),
	 * with a writer queued behind, the last vrele of one of its
	 * vnodes runs vop_inactive: it must not queue for the gate again.
	 */
	VOP_GATED(vp, {
		error = kthread_create(PRI_NONE, KTHREAD_MUSTJOIN |
		    KTHREAD_MPSAFE, NULL, gate_writer, mp, &wl, "gatew");
		if (error == 0) {
			(void)kpause("gatew", false, hz / 10, NULL);
			vrele(vp);
		}
	});
	if (error != 0)
		vrele(vp);
	if (wl != NULL)
		(void)kthread_join(wl);
out:
	rump_unschedule();
	return rumpuser_errno_tohost(error);
}
