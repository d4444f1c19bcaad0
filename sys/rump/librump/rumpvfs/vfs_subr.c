/*
 * vfs_subr.c: the VFS faction's bootstrap and its mount bookkeeping:
 * the file system type table, the list of mounts, unmounting (forced
 * too), the root file system mounted at boot and everything unmounted
 * again at shutdown.  Vnodes themselves live in vfs_vnode.c.
 */
#include <rump-sys/systm.h>
#include <rump-sys/component.h>
#include <rump-sys/file.h>
#include <rump-sys/kmem.h>
#include <rump-sys/lwp.h>
#include <rump-sys/mount.h>
#include <rump-sys/stat.h>
#include <rump-sys/vnode.h>

#include "vfs_int.h"

kmutex_t		 vfs_mountlock;
struct mntlist		 vfs_mountlist;
struct mount		*vfs_rootmount;
struct vnode		*rootvnode;

static LIST_HEAD(, vfsops) vfs_list;
static uint64_t		 vfs_nextfsid;

void
vattr_null(struct vattr *va)
{
	memset(va, 0xff, sizeof(*va));
	va->va_type = VNON;
}

static int
groupmember(gid_t gid, const struct kauth_cred *cred)
{
	if (cred->cr_egid == gid)
		return 1;
	for (int i = 0; i < cred->cr_ngroups; i++) {
		if (cred->cr_groups[i] == gid)
			return 1;
	}
	return 0;
}

int
vaccess(enum vtype type, mode_t mode, uid_t uid, gid_t gid, int acc_mode,
    const struct kauth_cred *cred)
{
	mode_t bits;

	if (cred->cr_euid == 0) {
		/* Root may execute only what somebody may execute. */
		if ((acc_mode & VEXEC) && type != VDIR &&
		    (mode & (0111)) == 0)
			return EACCES;
		return 0;
	}
	if (cred->cr_euid == uid)
		bits = (mode >> 6) & 7;
	else if (groupmember(gid, cred))
		bits = (mode >> 3) & 7;
	else
		bits = mode & 7;
	return ((mode_t)acc_mode & ~bits) == 0 ? 0 : EACCES;
}

int
vn_access(struct vnode *vp, int acc_mode, const struct kauth_cred *cred)
{
	struct vattr va;
	int error;

	/* Revoked (forced unmount): ENOENT from dead_getattr. */
	if ((error = VOP_GETATTR(vp, &va)) != 0)
		return error;
	return vaccess(va.va_type, va.va_mode, va.va_uid, va.va_gid, acc_mode,
	    cred);
}

int
vfs_attach(struct vfsops *ops)
{
	if (vfs_getops(ops->vfs_name) != NULL)
		return EEXIST;
	LIST_INSERT_HEAD(&vfs_list, ops, vfs_list);
	return 0;
}

void
vfs_detach(struct vfsops *ops)
{
	LIST_REMOVE(ops, vfs_list);
}

const struct vfsops *
vfs_getops(const char *name)
{
	struct vfsops *ops;

	LIST_FOREACH(ops, &vfs_list, vfs_list) {
		if (strcmp(ops->vfs_name, name) == 0)
			return ops;
	}
	return NULL;
}

/* A new, unattached mount of type ops: 0 or the file system's errno. */
int
vfs_mountfs(const struct vfsops *ops, const char *data, struct mount **mpp)
{
	struct mount *mp;
	int error;

	if ((mp = kmem_zalloc(sizeof(*mp), KM_NOSLEEP)) == NULL)
		return ENOMEM;
	mp->mnt_op = ops;
	mp->mnt_fsid = ++vfs_nextfsid;
	TAILQ_INIT(&mp->mnt_vnodes);
	rw_init(&mp->mnt_opslock);
	if ((error = ops->vfs_mount(mp, data)) != 0) {
		vfs_destroymount(mp);
		return error;
	}
	*mpp = mp;
	return 0;
}

void
vfs_freemount(struct mount *mp)
{
	KASSERTMSG(mp->mnt_nvnodes == 0, "mount of %s freed with %u vnodes",
	    mp->mnt_op->vfs_name, mp->mnt_nvnodes);
	(void)mp->mnt_op->vfs_unmount(mp);
	vfs_destroymount(mp);
}

void
vfs_destroymount(struct mount *mp)
{
	KASSERT(mp->mnt_nvnodes == 0);
	/* Wait for a thread still leaving the gate (vn_inactive). */
	rw_enter(&mp->mnt_opslock, RW_WRITER);
	rw_exit(&mp->mnt_opslock);
	rw_destroy(&mp->mnt_opslock);
	kmem_free(mp, sizeof(*mp));
}

int
vfs_unmountfs(struct mount *mp, int force)
{
	struct vnode *cvp = mp->mnt_vnodecovered;
	struct mount *omp;
	unsigned int left;

	KASSERT(mutex_owned(&vfs_mountlock));
	KASSERT(mp != vfs_rootmount);
	/* Mounts below first, even when forced (see sys_unmount). */
	TAILQ_FOREACH(omp, &vfs_mountlist, mnt_list) {
		if (omp->mnt_vnodecovered != NULL &&
		    omp->mnt_vnodecovered->v_mount == mp)
			return EBUSY;
	}
	vflush(mp);
	if (!force && __atomic_load_n(&mp->mnt_nvnodes, __ATOMIC_ACQUIRE) != 0)
		return EBUSY;
	cvp->v_mountedhere = NULL;
	mp->mnt_vnodecovered = NULL;
	TAILQ_REMOVE(&vfs_mountlist, mp, mnt_list);
	if (force) {
		rw_enter(&mp->mnt_opslock, RW_WRITER);
		left = vfs_revoke(mp);
		(void)mp->mnt_op->vfs_unmount(mp);
		rw_exit(&mp->mnt_opslock);
		/* Else the last dead vnode's vrele frees the mount. */
		if (left == 0)
			vfs_destroymount(mp);
	} else {
		vfs_freemount(mp);
	}
	vrele(cvp);
	return 0;
}

int
vfs_coveredvp(struct vnode *vp, struct vnode **cvpp)
{
	struct vnode *cvp;

	mutex_enter(&vfs_mountlock);
	if ((cvp = vp->v_mount->mnt_vnodecovered) != NULL)
		vref(cvp);
	mutex_exit(&vfs_mountlock);
	*cvpp = cvp;
	return cvp != NULL ? 0 : ENOENT;
}

int
vfs_crossmount(struct vnode **vpp)
{
	struct vnode *vp = *vpp, *nvp;
	struct mount *mp;
	int error;

	while (vp->v_type == VDIR) {
		mutex_enter(&vfs_mountlock);
		if ((mp = vp->v_mountedhere) == NULL) {
			mutex_exit(&vfs_mountlock);
			break;
		}
		error = mp->mnt_op->vfs_root(mp, &nvp);
		mutex_exit(&vfs_mountlock);
		vrele(vp);
		if (error != 0) {
			*vpp = NULL;
			return error;
		}
		vp = nvp;
	}
	*vpp = vp;
	return 0;
}

RUMP_COMPONENT(RUMP_COMPONENT_KERN_VFS, rumpvfs)
{
	int error;

	if ((error = vcache_init()) != 0)
		return error;
	mutex_init(&vfs_mountlock, MUTEX_DEFAULT, IPL_NONE);
	vfs_lockf_init();
	TAILQ_INIT(&vfs_mountlist);
	LIST_INIT(&vfs_list);
	vfs_nextfsid = 0;
	vfs_rootmount = NULL;
	rootvnode = NULL;
	return 0;
}

RUMP_COMPONENT_FINI(rumpvfs)
{
	vfs_lockf_fini();
	vcache_fini();
	mutex_destroy(&vfs_mountlock);
}

/* A new process (rump_pub_lwproc_newproc) starts where its parent is. */
static void
vfs_proc_fork(struct proc *parent, struct proc *child)
{
	mutex_enter(&parent->p_lock);
	child->p_cwd = parent->p_cwd;
	if (child->p_cwd != NULL)
		vref(child->p_cwd);
	child->p_umask = parent->p_umask;
	mutex_exit(&parent->p_lock);
}

/*
 * The root file system, once every file system type has registered.
 * For now the root is a tmpfs; without one the boot fails and says so.
 */
RUMP_COMPONENT(RUMP_COMPONENT_POSTINIT, rumpvfs_root, "rumpvfs")
{
	const struct vfsops *ops;
	struct mount *mp;
	int error;

	if ((ops = vfs_getops("tmpfs")) == NULL) {
		printf("rumpvfs: no root file system: the root is a tmpfs; "
		    "link the tmpfs component (librumpfs_tmpfs.a)\n");
		return ENODEV;
	}
	if ((error = vfs_mountfs(ops, NULL, &mp)) != 0) {
		printf("rumpvfs: mounting the root tmpfs failed: %d\n", error);
		return error;
	}
	if ((error = ops->vfs_root(mp, &rootvnode)) != 0) {
		vfs_freemount(mp);
		printf("rumpvfs: the root tmpfs has no root: %d\n", error);
		return error;
	}
	vfs_rootmount = mp;
	TAILQ_INSERT_TAIL(&vfs_mountlist, mp, mnt_list);
	for (int i = 0; i < 2; i++) {
		struct proc *p = i ? rump_initproc : &proc0;

		vref(rootvnode);
		p->p_cwd = rootvnode;
		p->p_umask = 022;
	}
	proc_fork_hook = vfs_proc_fork;
	/* Drivers' device nodes, asked for before there was a root. */
	if ((error = vfs_kmkdir("/dev", 0755)) != 0)
		printf("rumpvfs: cannot make /dev: %d\n", error);
	devnode_vfs_attach(&vfs_devnodeops);
	return 0;
}

/* Every process closes its files and leaves its working directory. */
static void
vfs_proc_exit(struct proc *p)
{
	fd_closeall(p->p_fd);
	if (p->p_cwd != NULL)
		vrele(p->p_cwd);
	p->p_cwd = NULL;
}

RUMP_COMPONENT_FINI(rumpvfs_root)
{
	struct mount *mp;

	/* Nothing may hold a vnode once the file systems go. */
	devnode_vfs_detach();
	proc_fork_hook = NULL;
	proc_foreach(vfs_proc_exit);
	for (;;) {
		struct mount *last = NULL;

		/* the newest mount first: it may be mounted on the others */
		TAILQ_FOREACH(mp, &vfs_mountlist, mnt_list)
			last = mp;
		if ((mp = last) == NULL)
			break;
		if (mp != vfs_rootmount) {
			int error;

			mutex_enter(&vfs_mountlock);
			error = vfs_unmountfs(mp, 0);
			mutex_exit(&vfs_mountlock);
			if (error != 0)
				panic("rumpvfs shutdown: %u vnodes of a %s "
				    "mount are still referenced",
				    mp->mnt_nvnodes, mp->mnt_op->vfs_name);
			continue;
		}
		TAILQ_REMOVE(&vfs_mountlist, mp, mnt_list);
		vrele(rootvnode);
		rootvnode = NULL;
		vfs_rootmount = NULL;
		vflush(mp);
		if (mp->mnt_nvnodes != 0)
			panic("rumpvfs shutdown: %u vnodes of the root %s "
			    "are still referenced", mp->mnt_nvnodes,
			    mp->mnt_op->vfs_name);
		vfs_freemount(mp);
	}
}
