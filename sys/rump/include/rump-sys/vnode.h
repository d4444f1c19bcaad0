/*
 * vnode.h: the VFS faction's view of a file.  A vnode is an in-memory
 * handle on a file of some mounted file system, counted by v_usecount
 * (vref/vrele, atomic).  The file system owns the association between
 * its nodes and vnodes: it hands out vnodes from its lookup/create
 * operations with a reference (vnalloc for a new one, vcache_ref under
 * its own lock for one it already has).
 *
 * The vnode cache.  When vrele sees the last reference go it calls
 * VOP_INACTIVE; the file system, under its lock, calls vcache_release,
 * which either finds the vnode referenced again, or parks it on the
 * LRU list of unreferenced vnodes (the file system keeps its node->vnode
 * link, so a later lookup finds it: a cache hit), or tells the file
 * system to reclaim it now (an unlinked file, a vnode picked for
 * eviction).  The list holds at most vcache_limit vnodes (boot
 * parameter RUMP_VNODES, default 1024; 0 disables caching); beyond it
 * vrele evicts the least recently used ones.
 *
 * The operations gate.  Every VOP runs with its mount's mnt_opslock held
 * as a reader.  A forced unmount takes it as the writer, so it waits for
 * the operations in progress, then revokes every vnode of the mount:
 * cached ones are freed, referenced ones get dead_vnodeops (EIO for
 * I/O, ENOENT for names and attributes; fd calls say EBADF) and lose
 * their node, and
 * the file system frees all of its nodes.  A revoked vnode lives on
 * until its holders let go; so does its struct mount.  Device vnodes
 * keep v_type and v_rdev, and spec_* I/O (which bypasses the gate: a
 * read may sleep for long) still reaches the driver.
 *
 * File system operations are called without other VFS locks held
 * (except the gate); each file system serialises its own operations
 * and must not call vrele on its own vnodes while holding its own lock
 * (vrele may run its VOP_INACTIVE).  A vrele from inside an operation,
 * after dropping that lock, is fine: the gate is not taken twice.
 */
#ifndef _RUMP_SYS_VNODE_H_
#define _RUMP_SYS_VNODE_H_

#include <rump-sys/types.h>
#include <rump-sys/mutex.h>
#include <rump-sys/rwlock.h>
#include <rump-sys/kmem.h>
#include <rump-sys/queue.h>
#include <rump-sys/conf.h>
#include <rump-sys/mount.h>
#include <rump-sys/lwp.h>

struct mount;
struct uio;
struct kauth_cred;

enum vtype { VNON, VREG, VDIR, VBLK, VCHR, VLNK, VSOCK, VFIFO };

struct vnode {
	unsigned int		 v_usecount;	/* atomic; 0: cached */
	enum vtype		 v_type;
	int			 v_vflag;
	int			 v_iflag;	/* VI_*: vcache_lock */
	TAILQ_ENTRY(vnode)	 v_freelist;	/* VI_FREE: the LRU list */
	TAILQ_ENTRY(vnode)	 v_mntvnodes;	/* the mount's vnodes */
	struct mount		*v_mount;
	struct mount		*v_mountedhere;	/* vfs_mountlock */
	const struct vnodeops	*v_op;
	void			*v_data;	/* the file system's node */
	dev_t			 v_rdev;	/* VCHR, VBLK: the device */
	void			*v_specinfo;	/* VCHR, VBLK: spec_vnops.c */
};

#define VV_ROOT		0x0001	/* the root of its mount */

#define VI_FREE		0x0001	/* unreferenced, on the LRU list */
#define VI_DOOMED	0x0002	/* reclaim at the last vrele */
#define VI_DEAD		0x0004	/* revoked: dead_vnodeops */

/* Attributes; VNOVAL in a field means "not given" to setattr. */
#define VNOVAL		(-1)
struct vattr {
	enum vtype	 va_type;
	mode_t		 va_mode;	/* permission bits only */
	uint64_t	 va_nlink;
	uid_t		 va_uid;
	gid_t		 va_gid;
	uint64_t	 va_fileid;
	off_t		 va_size;
	uint64_t	 va_bytes;	/* storage used */
	struct timespec	 va_atime, va_mtime, va_ctime;
	unsigned int	 va_blocksize;
	uint64_t	 va_fsid;
	dev_t		 va_rdev;	/* VCHR, VBLK */
};
void	vattr_null(struct vattr *);

/* One component of a path. */
struct componentname {
	const char		*cn_nameptr;	/* not NUL-terminated */
	size_t			 cn_namelen;
	const struct kauth_cred	*cn_cred;
};

/* ioflag */
#define IO_APPEND	0x0001

/*
 * The operations.  Results come back referenced (*vpp); arguments are
 * referenced by the caller and keep their references.
 */
struct vnodeops {
	/* dvp is a directory; name is neither "." nor "..", or ".." */
	int	(*vop_lookup)(struct vnode *dvp, struct vnode **vpp,
		    const struct componentname *);
	/*
	 * va_type VREG, VDIR, VLNK, or VCHR/VBLK with va_rdev (the file
	 * system sets v_rdev on the vnodes of such nodes); va_mode,
	 * va_uid, va_gid set
	 */
	int	(*vop_create)(struct vnode *dvp, struct vnode **vpp,
		    const struct componentname *, const struct vattr *,
		    const char *target);
	int	(*vop_remove)(struct vnode *dvp, struct vnode *vp,
		    const struct componentname *);
	int	(*vop_rmdir)(struct vnode *dvp, struct vnode *vp,
		    const struct componentname *);
	int	(*vop_link)(struct vnode *dvp, struct vnode *vp,
		    const struct componentname *);
	/*
	 * tvp NULL when the target name does not exist.  The file system
	 * checks, in this order: a directory into itself or below (EINVAL),
	 * onto an ancestor of the source (ENOTEMPTY, as Linux), directory
	 * over non-directory (ENOTDIR) and the reverse (EISDIR),
	 * a non-empty target directory (ENOTEMPTY).
	 */
	int	(*vop_rename)(struct vnode *fdvp, struct vnode *fvp,
		    const struct componentname *, struct vnode *tdvp,
		    struct vnode *tvp, const struct componentname *);
	int	(*vop_readlink)(struct vnode *, struct uio *);
	int	(*vop_read)(struct vnode *, struct uio *, int ioflag);
	int	(*vop_write)(struct vnode *, struct uio *, int ioflag);
	int	(*vop_getattr)(struct vnode *, struct vattr *);
	/* mode, uid, gid, size, times; permission checked by the caller */
	int	(*vop_setattr)(struct vnode *, const struct vattr *);
	/* uio_offset is a cookie: 0 at the start, d_off afterwards */
	int	(*vop_readdir)(struct vnode *, struct uio *, int *eofp);
	int	(*vop_fsync)(struct vnode *);
	/*
	 * vrele saw the last reference go: under the file system's lock,
	 * vcache_release(vp, keep); if that says so, reclaim vp (detach
	 * it from its node, vnfree; free the node if it is unlinked).
	 */
	void	(*vop_inactive)(struct vnode *);
};

/*
 * The VOP_* calls: each runs the operation inside its mount's gate
 * (mnt_opslock as a reader), see above.  vrele runs vop_inactive the
 * same way.  An lwp already inside that mount's gate (a file system
 * that vreles its own vnode from an operation) does not take it again:
 * a reader queued behind a waiting forced unmount would deadlock.
 */
#define VOP_GATED(vp, call) do {					\
	struct mount *_mp = (vp)->v_mount;				\
	struct lwp *_l = curlwp;					\
	struct mount *_omp = _l->l_vfsgate;				\
									\
	if (_omp != _mp) {						\
		rw_enter(&_mp->mnt_opslock, RW_READER);			\
		_l->l_vfsgate = _mp;					\
	}								\
	call;								\
	if (_omp != _mp) {						\
		_l->l_vfsgate = _omp;					\
		rw_exit(&_mp->mnt_opslock);				\
	}								\
} while (0)

#define VOP_DEFINE(name, op, proto, args)				\
static inline int							\
name proto								\
{									\
	int _error;							\
	VOP_GATED(vp, _error = vp->v_op->op args);			\
	return _error;							\
}
#define VOP_DEFINE_D(name, op, proto, args)				\
static inline int							\
name proto								\
{									\
	int _error;							\
	VOP_GATED(dvp, _error = dvp->v_op->op args);			\
	return _error;							\
}

VOP_DEFINE_D(VOP_LOOKUP, vop_lookup, (struct vnode *dvp, struct vnode **vpp,
    const struct componentname *cnp), (dvp, vpp, cnp))
VOP_DEFINE_D(VOP_CREATE, vop_create, (struct vnode *dvp, struct vnode **vpp,
    const struct componentname *cnp, const struct vattr *vap,
    const char *target), (dvp, vpp, cnp, vap, target))
VOP_DEFINE_D(VOP_REMOVE, vop_remove, (struct vnode *dvp, struct vnode *vp,
    const struct componentname *cnp), (dvp, vp, cnp))
VOP_DEFINE_D(VOP_RMDIR, vop_rmdir, (struct vnode *dvp, struct vnode *vp,
    const struct componentname *cnp), (dvp, vp, cnp))
VOP_DEFINE_D(VOP_LINK, vop_link, (struct vnode *dvp, struct vnode *vp,
    const struct componentname *cnp), (dvp, vp, cnp))
/* fdvp and tdvp are on one mount (the caller checks: EXDEV). */
static inline int
VOP_RENAME(struct vnode *fdvp, struct vnode *fvp,
    const struct componentname *fcnp, struct vnode *tdvp, struct vnode *tvp,
    const struct componentname *tcnp)
{
	int error;

	VOP_GATED(fdvp, error = fdvp->v_op->vop_rename(fdvp, fvp, fcnp, tdvp,
	    tvp, tcnp));
	return error;
}
VOP_DEFINE(VOP_GETATTR, vop_getattr, (struct vnode *vp, struct vattr *vap),
    (vp, vap))
VOP_DEFINE(VOP_SETATTR, vop_setattr,
    (struct vnode *vp, const struct vattr *vap), (vp, vap))
VOP_DEFINE(VOP_READ, vop_read, (struct vnode *vp, struct uio *uio, int fl),
    (vp, uio, fl))
VOP_DEFINE(VOP_WRITE, vop_write, (struct vnode *vp, struct uio *uio, int fl),
    (vp, uio, fl))
VOP_DEFINE(VOP_READLINK, vop_readlink, (struct vnode *vp, struct uio *uio),
    (vp, uio))
VOP_DEFINE(VOP_READDIR, vop_readdir,
    (struct vnode *vp, struct uio *uio, int *eofp), (vp, uio, eofp))
VOP_DEFINE(VOP_FSYNC, vop_fsync, (struct vnode *vp), (vp))

/*
 * spec_vnops.c: device vnodes (VCHR, VBLK).  Whatever file system holds
 * the node, opening it, I/O, ioctl and poll go to the device switch of
 * v_rdev; fflag is the open file's FREAD/FWRITE/FNONBLOCK.
 */
int	spec_open(struct vnode *, int fflag);
void	spec_close(struct vnode *, int fflag);
int	spec_read(struct vnode *, struct uio *, int fflag);
int	spec_write(struct vnode *, struct uio *, int fflag);
int	spec_ioctl(struct vnode *, u_long cmd, void *data, int fflag);
int	spec_poll(struct vnode *, int events);
#define vn_isdev(vp)	((vp)->v_type == VCHR || (vp)->v_type == VBLK)

/* vfs_vnode.c */
/* A new vnode with one reference; NULL if flags is KM_NOSLEEP and none. */
struct vnode *vnalloc(struct mount *, enum vtype, const struct vnodeops *,
	    void *data, km_flag_t);
/* Free an unreferenced vnode that vcache_release said to reclaim. */
void	vnfree(struct vnode *);
/* Another reference; the caller holds one. */
void	vref(struct vnode *);
/* Drop a reference; the last runs VOP_INACTIVE, then trims the cache. */
void	vrele(struct vnode *);
/* The file system's lock held: a reference to its vnode, cached or not. */
void	vcache_ref(struct vnode *);
/*
 * From vop_inactive, the file system's lock held: drop the caller's
 * reference.  1: it was the last and vp must be reclaimed now (keep is
 * 0, caching is off, or vp was picked for eviction); 0: vp is still
 * referenced, or is cached now.
 */
int	vcache_release(struct vnode *, int keep);
/* Whether vp was revoked by a forced unmount. */
int	vn_isdead(const struct vnode *);
extern const struct vnodeops dead_vnodeops;

/* Counters of the vnode cache (rump_pub_vfs_vcache_stats). */
struct vcache_stats {
	uint64_t	vs_hits;	/* an unreferenced vnode found again */
	uint64_t	vs_misses;	/* vnalloc */
	uint64_t	vs_reclaims;	/* vnfree */
	uint64_t	vs_evictions;	/* reclaimed because the list was full */
	unsigned int	vs_numvnodes;	/* vnodes now */
	unsigned int	vs_numfree;	/* of which cached */
	unsigned int	vs_limit;	/* RUMP_VNODES */
};
void	vcache_getstats(struct vcache_stats *);

/* Permission check: 0, EACCES (acc_mode: VREAD|VWRITE|VEXEC). */
#define VREAD		0x04
#define VWRITE		0x02
#define VEXEC		0x01
int	vaccess(enum vtype, mode_t, uid_t, gid_t, int acc_mode,
	    const struct kauth_cred *);
/* vaccess on vp's attributes: 0, EACCES, ENOENT if vp is revoked. */
int	vn_access(struct vnode *, int acc_mode, const struct kauth_cred *);

/* vfs_lookup.c: namei */
#define FOLLOW		0x0001	/* follow a symlink in the last component */
#define WANTPARENT	0x0002	/* return the parent; last may not exist */
#define REQUIREDIR	0x0004	/* (internal) path ended in '/' */

struct nameidata {
	int			 ni_flags;
	char			*ni_pnbuf;	/* PATH_MAX, kmem */
	struct vnode		*ni_dvp;	/* WANTPARENT: the parent */
	struct vnode		*ni_vp;		/* the file, or NULL */
	struct componentname	 ni_cnd;	/* the last component */
	int			 ni_dotlast;	/* last was "." or ".." */
};
/* Look up a user path; 0 or an errno.  namei_done releases. */
int	namei(struct nameidata *, const char *upath, int flags);
int	namei_kernel(struct nameidata *, const char *kpath, int flags);
void	namei_done(struct nameidata *);

#endif /* _RUMP_SYS_VNODE_H_ */
