/*
 * vnode.h: the VFS faction's view of a file.  A vnode is an in-memory
 * handle on a file of some mounted file system, counted by v_usecount
 * (vref/vrele).  The file system owns the association between its nodes
 * and vnodes: it hands out vnodes from its lookup/create operations
 * with a reference, and when vrele drops the last one it calls
 * VOP_INACTIVE, which under the file system's own lock either finds the
 * vnode referenced again or reclaims it (and frees an unlinked node).
 * So a vnode lives exactly as long as somebody holds it.
 *
 * File system operations are called without VFS locks held; each file
 * system serialises its own operations (tmpfs: one lock per mount) and
 * must not call vrele on its own vnodes while holding that lock.
 */
#ifndef _RUMP_SYS_VNODE_H_
#define _RUMP_SYS_VNODE_H_

#include <rump-sys/types.h>
#include <rump-sys/mutex.h>
#include <rump-sys/kmem.h>
#include <rump-sys/queue.h>
#include <rump-sys/conf.h>

struct mount;
struct uio;
struct kauth_cred;

enum vtype { VNON, VREG, VDIR, VBLK, VCHR, VLNK, VSOCK, VFIFO };

struct vnode {
	kmutex_t		 v_interlock;	/* v_usecount */
	unsigned int		 v_usecount;
	enum vtype		 v_type;
	int			 v_vflag;
	struct mount		*v_mount;
	struct mount		*v_mountedhere;	/* vfs_mountlock */
	const struct vnodeops	*v_op;
	void			*v_data;	/* the file system's node */
	dev_t			 v_rdev;	/* VCHR, VBLK: the device */
	void			*v_specinfo;	/* VCHR, VBLK: spec_vnops.c */
};

#define VV_ROOT		0x0001	/* the root of its mount */

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
	/* vrele saw the last reference go: reclaim unless re-referenced */
	void	(*vop_inactive)(struct vnode *);
};

#define VOP_LOOKUP(dvp, vpp, cnp)	((dvp)->v_op->vop_lookup(dvp, vpp, cnp))
#define VOP_GETATTR(vp, vap)		((vp)->v_op->vop_getattr(vp, vap))
#define VOP_SETATTR(vp, vap)		((vp)->v_op->vop_setattr(vp, vap))
#define VOP_READ(vp, uio, fl)		((vp)->v_op->vop_read(vp, uio, fl))
#define VOP_WRITE(vp, uio, fl)		((vp)->v_op->vop_write(vp, uio, fl))
#define VOP_READLINK(vp, uio)		((vp)->v_op->vop_readlink(vp, uio))
#define VOP_READDIR(vp, uio, eofp)	((vp)->v_op->vop_readdir(vp, uio, eofp))
#define VOP_FSYNC(vp)			((vp)->v_op->vop_fsync(vp))

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
struct vnode *vnalloc(struct mount *, enum vtype, const struct vnodeops *,
	    void *data, km_flag_t);
void	vnfree(struct vnode *);
void	vref(struct vnode *);
void	vrele(struct vnode *);

/* Permission check: 0, EACCES (acc_mode: VREAD|VWRITE|VEXEC). */
#define VREAD		0x04
#define VWRITE		0x02
#define VEXEC		0x01
int	vaccess(enum vtype, mode_t, uid_t, gid_t, int acc_mode,
	    const struct kauth_cred *);
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
