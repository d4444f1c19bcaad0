/*
 * k_vcache.c: the kernel half of t_vcache, which checks the vnode
 * cache by its counters (hits, misses, evictions, how many vnodes
 * live) and the VOP gate's reentry rule.
 */
#include <rump-sys/systm.h>
#include <rump-sys/sched.h>
#include <rump-sys/file.h>
#include <rump-sys/kthread.h>
#include <rump-sys/uio.h>
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

#define DEAD_CHECK(call, want) do {					\
	int _e = (call);						\
	if (_e != (want)) {						\
		printf("ktest %s:%d: %s gave %d, not %d\n", __FILE__,	\
		    __LINE__, #call, _e, (want));			\
		error = EIO;						\
	}								\
} while (0)

int
rump_pub_ktest_vcache_dead_ops(int fd)
{
	struct componentname cn = { "x", 1, NULL };
	struct vnode *vp, *xvp = NULL;
	struct vattr va;
	struct file *fp;
	char buf[8];
	struct iovec iov = { buf, sizeof(buf) };
	struct uio uio = {
		.uio_iov = &iov, .uio_iovcnt = 1, .uio_resid = sizeof(buf),
		.uio_rw = UIO_READ, .uio_segflg = UIO_SYSSPACE,
	};
	int error = 0, eof;

	rump_schedule();
	if ((fp = fd_getfile(fd)) == NULL) {
		error = EBADF;
		goto out;
	}
	vp = fp->f_data;
	cn.cn_cred = &curproc->p_cred;
	if (!vn_isdead(vp)) {
		printf("ktest: fd %d is not revoked\n", fd);
		error = EIO;
	}
	/* names: the directory is gone */
	DEAD_CHECK(VOP_LOOKUP(vp, &xvp, &cn), ENOENT);
	vattr_null(&va);
	va.va_type = VREG;
	va.va_mode = 0644;
	DEAD_CHECK(VOP_CREATE(vp, &xvp, &cn, &va, NULL), ENOENT);
	DEAD_CHECK(VOP_REMOVE(vp, vp, &cn), ENOENT);
	DEAD_CHECK(VOP_RMDIR(vp, vp, &cn), ENOENT);
	DEAD_CHECK(VOP_LINK(vp, vp, &cn), ENOENT);
	DEAD_CHECK(VOP_RENAME(vp, vp, &cn, vp, NULL, &cn), ENOENT);
	/* I/O */
	DEAD_CHECK(VOP_READ(vp, &uio, 0), EIO);
	uio.uio_rw = UIO_WRITE;
	DEAD_CHECK(VOP_WRITE(vp, &uio, 0), EIO);
	uio.uio_rw = UIO_READ;
	DEAD_CHECK(VOP_READLINK(vp, &uio), EIO);
	DEAD_CHECK(VOP_READDIR(vp, &uio, &eof), EIO);
	DEAD_CHECK(VOP_FSYNC(vp), EIO);
	/* attributes: the file is gone */
	DEAD_CHECK(VOP_GETATTR(vp, &va), ENOENT);
	vattr_null(&va);
	DEAD_CHECK(VOP_SETATTR(vp, &va), ENOENT);
	if (xvp != NULL) {
		printf("ktest: a dead vnode handed out a vnode\n");
		error = EIO;
	}
	fd_putfile(fp);
out:
	rump_unschedule();
	return rumpuser_errno_tohost(error);
}
