/*
 * vfs_vnode.c: vnode life: allocation, the atomic reference count, the
 * cache of unreferenced vnodes (an LRU list bounded by RUMP_VNODES),
 * the operations gate that lets a forced unmount wait for operations in
 * progress, and revocation: the dead vnode operations a revoked vnode
 * answers with.  The protocol is described in rump-sys/vnode.h.
 *
 * Locks: vcache_lock guards the LRU list, VI_FREE, every mount's vnode
 * list and the counters.  The reference count changes atomically
 * (KATOMIC_*: plain with the uniprocessor locks, see atomic.h); it
 * goes from 0 to 1 only under vcache_lock (vcache_ref, eviction), and
 * from 1 to 0 only in vcache_release, under the file system's lock, so
 * an eviction never races a lookup of the same vnode.  Order: the
 * file system's lock, then vcache_lock.
 */
#include <rump-sys/systm.h>
#include <rump-sys/atomic.h>
#include <rump-sys/kmem.h>
#include <rump-sys/mount.h>
#include <rump-sys/vnode.h>
#include <rump/rumpuser.h>

#include "vfs_int.h"

#define VCACHE_LIMIT_DEFAULT	1024

static kmutex_t			 vcache_lock;
static struct vnodelst		 vcache_lru;	/* oldest first */
static struct vcache_stats	 vcache_st;	/* vcache_lock */
static unsigned int		 vcache_limit;

#define USECOUNT(vp)	__atomic_load_n(&(vp)->v_usecount, __ATOMIC_ACQUIRE)

int
vcache_init(void)
{
	char buf[32];
	unsigned long long v;

	vcache_limit = VCACHE_LIMIT_DEFAULT;
	if (rumpuser_getparam("RUMP_VNODES", buf, sizeof(buf)) == 0) {
		if (kstrtoull(buf, &v) != 0 || v > UINT32_MAX) {
			printf("rumpvfs: RUMP_VNODES=%s: not a number of "
			    "vnodes (0 to %u)\n", buf, UINT32_MAX);
			return EINVAL;
		}
		vcache_limit = (unsigned int)v;
	}
	mutex_init(&vcache_lock, MUTEX_DEFAULT, IPL_NONE);
	TAILQ_INIT(&vcache_lru);
	memset(&vcache_st, 0, sizeof(vcache_st));
	vcache_st.vs_limit = vcache_limit;
	return 0;
}

void
vcache_fini(void)
{
	KASSERTMSG(vcache_st.vs_numvnodes == 0, "%u vnodes left",
	    vcache_st.vs_numvnodes);
	mutex_destroy(&vcache_lock);
}

void
vcache_getstats(struct vcache_stats *vs)
{
	mutex_enter(&vcache_lock);
	*vs = vcache_st;
	mutex_exit(&vcache_lock);
}

struct vnode *
vnalloc(struct mount *mp, enum vtype type, const struct vnodeops *ops,
    void *data, km_flag_t flags)
{
	struct vnode *vp;

	if ((vp = kmem_zalloc(sizeof(*vp), flags)) == NULL)
		return NULL;
	vp->v_usecount = 1;
	vp->v_type = type;
	vp->v_mount = mp;
	vp->v_op = ops;
	vp->v_data = data;
	mutex_enter(&vcache_lock);
	TAILQ_INSERT_TAIL(&mp->mnt_vnodes, vp, v_mntvnodes);
	mp->mnt_nvnodes++;
	vcache_st.vs_misses++;
	vcache_st.vs_numvnodes++;
	mutex_exit(&vcache_lock);
	return vp;
}

/* vcache_lock held.  1 if vp was the last vnode of a gone mount. */
static int
vnfree_locked(struct vnode *vp)
{
	struct mount *mp = vp->v_mount;

	KASSERT(USECOUNT(vp) == 0);
	KASSERT((vp->v_iflag & VI_FREE) == 0);
	KASSERT(vp->v_mountedhere == NULL);
	TAILQ_REMOVE(&mp->mnt_vnodes, vp, v_mntvnodes);
	mp->mnt_nvnodes--;
	vcache_st.vs_reclaims++;
	vcache_st.vs_numvnodes--;
	return mp->mnt_nvnodes == 0 && (mp->mnt_iflag & MNTI_GONE);
}

void
vnfree(struct vnode *vp)
{
	struct mount *mp = vp->v_mount;
	int last;

	mutex_enter(&vcache_lock);
	last = vnfree_locked(vp);
	mutex_exit(&vcache_lock);
	/* The thread in vn_inactive below frees the mount. */
	if (last)
		__atomic_store_n(&mp->mnt_freeme, 1, __ATOMIC_RELEASE);
	kmem_free(vp, sizeof(*vp));
}

void
vref(struct vnode *vp)
{
	KASSERTMSG(USECOUNT(vp) > 0, "vref of an unreferenced vnode %p", vp);
	KATOMIC_ADD(&vp->v_usecount, 1);
}

/* Take vp off the LRU list; vcache_lock held. */
static void
vcache_unfree(struct vnode *vp)
{
	KASSERT(vp->v_iflag & VI_FREE);
	TAILQ_REMOVE(&vcache_lru, vp, v_freelist);
	vp->v_iflag &= ~VI_FREE;
	vcache_st.vs_numfree--;
}

void
vcache_ref(struct vnode *vp)
{
	unsigned int n = USECOUNT(vp);

	for (;;) {
		if (n == 0) {
			mutex_enter(&vcache_lock);
			if (USECOUNT(vp) == 0) {
				vcache_unfree(vp);
				vcache_st.vs_hits++;
				__atomic_store_n(&vp->v_usecount, 1,
				    __ATOMIC_RELEASE);
				mutex_exit(&vcache_lock);
				return;
			}
			mutex_exit(&vcache_lock);
			n = USECOUNT(vp);
			continue;
		}
		if (KATOMIC_CAS(&vp->v_usecount, &n, n + 1))
			return;
	}
}

int
vcache_release(struct vnode *vp, int keep)
{
	unsigned int n = USECOUNT(vp);

	for (;;) {
		KASSERTMSG(n > 0, "vrele of an unreferenced vnode %p", vp);
		if (n == 1)
			break;
		if (KATOMIC_CAS(&vp->v_usecount, &n, n - 1))
			return 0;
	}
	/*
	 * The last reference: nobody else may take one now, but a lookup
	 * under the file system's lock (which the caller holds).
	 */
	mutex_enter(&vcache_lock);
	__atomic_store_n(&vp->v_usecount, 0, __ATOMIC_RELEASE);
	if (!keep || vcache_limit == 0 || (vp->v_iflag & VI_DOOMED)) {
		mutex_exit(&vcache_lock);
		return 1;
	}
	TAILQ_INSERT_TAIL(&vcache_lru, vp, v_freelist);
	vp->v_iflag |= VI_FREE;
	vcache_st.vs_numfree++;
	mutex_exit(&vcache_lock);
	return 0;
}

/*
 * Run vp's vop_inactive inside its mount's gate, for a reference the
 * caller holds and gives up.  If that freed the last dead vnode of a
 * force-unmounted mount, free the mount too.
 */
static void
vn_inactive(struct vnode *vp)
{
	struct mount *mp = vp->v_mount;
	unsigned int freeme = 0;

	VOP_GATED(vp, {
		vp->v_op->vop_inactive(vp);
		if (mp->mnt_iflag & MNTI_GONE)
			freeme = __atomic_exchange_n(&mp->mnt_freeme, 0,
			    __ATOMIC_ACQ_REL);
	});
	if (freeme)
		vfs_destroymount(mp);
}

/*
 * Take the oldest cached vnode (of mp, or of any mount if mp is NULL)
 * off the list with a reference and doomed; NULL if there is none.
 * vcache_lock held.
 */
static struct vnode *
vcache_pick(struct mount *mp)
{
	struct vnode *vp;

	if (mp == NULL) {
		vp = TAILQ_FIRST(&vcache_lru);
	} else {
		TAILQ_FOREACH(vp, &mp->mnt_vnodes, v_mntvnodes) {
			if (vp->v_iflag & VI_FREE)
				break;
		}
	}
	if (vp == NULL)
		return NULL;
	vcache_unfree(vp);
	vp->v_iflag |= VI_DOOMED;
	__atomic_store_n(&vp->v_usecount, 1, __ATOMIC_RELEASE);
	return vp;
}

/* Evict the least recently used vnodes beyond the limit. */
static void
vcache_trim(void)
{
	struct vnode *vp;

	for (;;) {
		mutex_enter(&vcache_lock);
		if (vcache_st.vs_numfree <= vcache_limit) {
			mutex_exit(&vcache_lock);
			return;
		}
		vp = vcache_pick(NULL);
		vcache_st.vs_evictions++;
		mutex_exit(&vcache_lock);
		vn_inactive(vp);
	}
}

void
vrele(struct vnode *vp)
{
	unsigned int n = USECOUNT(vp);

	for (;;) {
		KASSERTMSG(n > 0, "vrele of an unreferenced vnode %p", vp);
		if (n == 1)
			break;
		if (KATOMIC_CAS(&vp->v_usecount, &n, n - 1))
			return;
	}
	/* Possibly the last: the file system decides under its lock. */
	vn_inactive(vp);
	if (__atomic_load_n(&vcache_st.vs_numfree, __ATOMIC_RELAXED) >
	    vcache_limit)
		vcache_trim();
}

void
vflush(struct mount *mp)
{
	struct vnode *vp;

	for (;;) {
		mutex_enter(&vcache_lock);
		vp = vcache_pick(mp);
		mutex_exit(&vcache_lock);
		if (vp == NULL)
			return;
		vn_inactive(vp);
	}
}

/*
 * Forced unmount, with mnt_opslock held as the writer (no operation in
 * progress): free the cached vnodes of mp, revoke the referenced ones.
 * Afterwards no vnode points to a node of the file system, which may
 * then free all of them.  Returns the number of vnodes left (dead).
 */
unsigned int
vfs_revoke(struct mount *mp)
{
	struct vnode *vp, *next;
	unsigned int left;

	KASSERT(rw_write_held(&mp->mnt_opslock));
	mutex_enter(&vcache_lock);
	for (vp = TAILQ_FIRST(&mp->mnt_vnodes); vp != NULL; vp = next) {
		next = TAILQ_NEXT(vp, v_mntvnodes);
		if (vp->v_iflag & VI_FREE) {
			vcache_unfree(vp);
			(void)vnfree_locked(vp);
			kmem_free(vp, sizeof(*vp));
			continue;
		}
		vp->v_op = &dead_vnodeops;
		vp->v_data = NULL;
		vp->v_vflag &= ~VV_ROOT;
		__atomic_or_fetch(&vp->v_iflag, VI_DEAD, __ATOMIC_RELEASE);
	}
	mp->mnt_iflag |= MNTI_GONE;
	left = mp->mnt_nvnodes;
	mutex_exit(&vcache_lock);
	return left;
}

int
vn_isdead(const struct vnode *vp)
{
	return (__atomic_load_n(&vp->v_iflag, __ATOMIC_ACQUIRE) &
	    VI_DEAD) != 0;
}

/*
 * The dead vnode operations.  A revoked directory has no names and a
 * revoked file no attributes (ENOENT: the file is gone; a path call
 * that met the vnode just before the revocation says so; the fd calls
 * turn it into EBADF, as NetBSD's deadfs), I/O fails (EIO).  The last
 * reference frees the vnode.
 */
static int
dead_lookup(struct vnode *dvp, struct vnode **vpp,
    const struct componentname *cn)
{
	return ENOENT;
}

static int
dead_create(struct vnode *dvp, struct vnode **vpp,
    const struct componentname *cn, const struct vattr *va,
    const char *target)
{
	return ENOENT;
}

static int
dead_name(struct vnode *dvp, struct vnode *vp,
    const struct componentname *cn)
{
	return ENOENT;
}

static int
dead_rename(struct vnode *fdvp, struct vnode *fvp,
    const struct componentname *fcn, struct vnode *tdvp, struct vnode *tvp,
    const struct componentname *tcn)
{
	return ENOENT;
}

static int
dead_uio(struct vnode *vp, struct uio *uio)
{
	return EIO;
}

static int
dead_rw(struct vnode *vp, struct uio *uio, int ioflag)
{
	return EIO;
}

static int
dead_getattr(struct vnode *vp, struct vattr *va)
{
	return ENOENT;
}

static int
dead_setattr(struct vnode *vp, const struct vattr *va)
{
	return ENOENT;
}

static int
dead_readdir(struct vnode *vp, struct uio *uio, int *eofp)
{
	return EIO;
}

static int
dead_fsync(struct vnode *vp)
{
	return EIO;
}

static void
dead_inactive(struct vnode *vp)
{
	if (vcache_release(vp, 0))
		vnfree(vp);
}

const struct vnodeops dead_vnodeops = {
	.vop_lookup = dead_lookup,
	.vop_create = dead_create,
	.vop_remove = dead_name,
	.vop_rmdir = dead_name,
	.vop_link = dead_name,
	.vop_rename = dead_rename,
	.vop_readlink = dead_uio,
	.vop_read = dead_rw,
	.vop_write = dead_rw,
	.vop_getattr = dead_getattr,
	.vop_setattr = dead_setattr,
	.vop_readdir = dead_readdir,
	.vop_fsync = dead_fsync,
	.vop_inactive = dead_inactive,
};
