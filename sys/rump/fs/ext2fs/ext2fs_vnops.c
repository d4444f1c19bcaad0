/*
 * ext2fs_vnops.c: the vnode operations of ext2.  A node (struct
 * ext2_node) is the in-memory copy of one inode and lives exactly as
 * long as its vnode, referenced or in the vnode cache: ext2_vget finds
 * it in the mount's hash or reads the inode and makes both;
 * ext2_inactive caches the vnode when the last reference goes, or frees
 * both (when the cache evicts it, or no name is left: then the inode
 * and its blocks go too).  A forced unmount frees the nodes of revoked
 * vnodes in ext2fs_unmount.  Every change to an inode is written back to its table block
 * (delayed) before the operation returns.
 *
 * The semantics and the order of the errno checks follow tmpfs (the
 * reference implementation of the VFS contract).
 */
#include <rump-sys/systm.h>
#include <rump-sys/buf.h>
#include <rump-sys/dirent.h>
#include <rump-sys/kmem.h>
#include <rump-sys/lwp.h>
#include <rump-sys/mount.h>
#include <rump-sys/stat.h>
#include <rump-sys/time.h>
#include <rump-sys/uio.h>
#include <rump-sys/vnode.h>

#include "ext2fs_int.h"

const struct vnodeops ext2fs_vnodeops;
static char ext2_zeros[4096];

static enum vtype
ext2_vtype(uint16_t mode)
{
	switch (mode & S_IFMT) {
	case S_IFREG:
		return VREG;
	case S_IFDIR:
		return VDIR;
	case S_IFLNK:
		return VLNK;
	case S_IFCHR:
		return VCHR;
	case S_IFBLK:
		return VBLK;
	case S_IFIFO:
		return VFIFO;
	case S_IFSOCK:
		return VSOCK;
	default:
		return VNON;
	}
}

static uint16_t
ext2_vtomode(enum vtype t)
{
	switch (t) {
	case VREG:
		return S_IFREG;
	case VDIR:
		return S_IFDIR;
	case VLNK:
		return S_IFLNK;
	case VCHR:
		return S_IFCHR;
	case VBLK:
		return S_IFBLK;
	case VFIFO:
		return S_IFIFO;
	case VSOCK:
		return S_IFSOCK;
	default:
		return 0;
	}
}

/* Device numbers in i_block: the old 8:8 form or the new 12:20 one. */
static dev_t
ext2_getrdev(const struct ext2_dinode *din)
{
	uint32_t x;

	if (din->i_block[0] != 0) {
		x = din->i_block[0];
		return makedev((x >> 8) & 0xff, x & 0xff);
	}
	x = din->i_block[1];
	return makedev((x & 0xfff00) >> 8, (x & 0xff) | ((x >> 12) & 0xfff00));
}

static void
ext2_setrdev(struct ext2_dinode *din, dev_t dev)
{
	uint32_t ma = (uint32_t)major(dev), mi = (uint32_t)minor(dev);

	if (ma < 256 && mi < 256) {
		din->i_block[0] = ma << 8 | mi;
	} else {
		din->i_block[0] = 0;
		din->i_block[1] = (mi & 0xff) | (ma << 8) | ((mi & ~0xffu) << 12);
	}
}

/* Whether din can be the inode of a name: 0, EIO. */
int
ext2_icheck(struct ext2_mount *um, uint32_t ino, const struct ext2_dinode *din)
{
	if (din->i_links_count == 0 || ext2_vtype(din->i_mode) == VNON)
		return ext2_corrupt(um, ino, "entry names a free inode");
	if (din->i_flags & (EXT2_EXTENTS_FL | EXT2_INLINE_DATA_FL))
		return ext2_corrupt(um, ino, "inode uses extents or inline "
		    "data");
	return 0;
}

/* A new vnode for node n (not in the hash): 0, ENOMEM. */
static int
ext2_vattach(struct ext2_mount *um, struct ext2_node *n, struct vnode **vpp)
{
	enum vtype type = ext2_vtype(n->n_din.i_mode);
	struct vnode *vp;

	KASSERT(n->n_vnode == NULL);
	vp = vnalloc(um->um_mp, type, &ext2fs_vnodeops, n, KM_NOSLEEP);
	if (vp == NULL)
		return ENOMEM;
	if (n->n_ino == EXT2_ROOTINO)
		vp->v_vflag |= VV_ROOT;
	if (type == VCHR || type == VBLK)
		vp->v_rdev = ext2_getrdev(&n->n_din);
	n->n_vnode = vp;
	if (type == VDIR && n->n_dirhash == NULL)
		ext2_dh_fetch(um, n);
	LIST_INSERT_HEAD(&um->um_hash[n->n_ino % EXT2_NHASH], n, n_hash);
	*vpp = vp;
	return 0;
}

/*
 * The referenced vnode of inode ino: 0, ENOMEM, EIO.  um_lock held.
 * The root's node stays in memory for the whole mount (read and checked
 * at mount), so the root, and with it unmount, never depends on
 * rereading a disk that may have gone bad since.
 */
int
ext2_vget(struct ext2_mount *um, uint32_t ino, struct vnode **vpp)
{
	struct ext2_node *n;
	struct vnode *vp;
	int error;

	LIST_FOREACH(n, &um->um_hash[ino % EXT2_NHASH], n_hash) {
		if (n->n_ino == ino) {
			vp = n->n_vnode;
			vcache_ref(vp);		/* referenced or cached */
			*vpp = vp;
			return 0;
		}
	}
	if (ino == EXT2_ROOTINO)
		return ext2_vattach(um, um->um_root, vpp);
	if (ino < um->um_firstino)
		return ext2_corrupt(um, ino, "entry names a reserved inode");
	if ((n = kmem_zalloc(sizeof(*n), KM_NOSLEEP)) == NULL)
		return ENOMEM;
	if ((error = ext2_iread(um, ino, &n->n_din)) != 0)
		goto bad;
	if ((error = ext2_icheck(um, ino, &n->n_din)) != 0)
		goto bad;
	n->n_ino = ino;
	if ((error = ext2_vattach(um, n, vpp)) != 0)
		goto bad;
	return 0;
bad:
	kmem_free(n, sizeof(*n));
	return error;
}

/*
 * Free inode ino (din) with its blocks: it is written back unlinked
 * (no links, a deletion time) before its bitmap bit goes.  Failures are
 * reported on the console (fsck finds what is left).
 */
static void
ext2_idiscard(struct ext2_mount *um, uint32_t ino, struct ext2_dinode *din)
{
	struct timespec now;
	int error;

	error = ext2_truncate(um, ino, din, 0);
	getnanotime(&now);
	din->i_links_count = 0;
	din->i_dtime = (uint32_t)now.tv_sec;
	if (error == 0)
		error = ext2_iupdate(um, ino, din);
	if (error == 0)
		error = ext2_ifree(um, ino, S_ISDIR(din->i_mode));
	if (error != 0)
		printf("ext2fs: inode %u: freeing failed (%d); run fsck\n",
		    ino, error);
}

/*
 * Forget node n (its vnode is gone or revoked); if no name is left, free
 * its blocks and the inode.  um_lock held as the writer.  The root's
 * node stays for the whole mount, index and all (unmount frees it).
 */
void
ext2_node_reclaim(struct ext2_mount *um, struct ext2_node *n)
{
	LIST_REMOVE(n, n_hash);
	if (n->n_din.i_links_count == 0 && !um->um_ronly) {
		/* the last name went before the last reference */
		ext2_idiscard(um, n->n_ino, &n->n_din);
	}
	n->n_vnode = NULL;
	if (n == um->um_root)
		return;
	if (n->n_din.i_links_count == 0)
		ext2_dh_free(n);
	else
		ext2_dh_stash(um, n);
	kmem_free(n, sizeof(*n));
}

/* The last reference went: cache the vnode, or free it and its node. */
static void
ext2_inactive(struct vnode *vp)
{
	struct ext2_mount *um = VTOUM(vp);
	struct ext2_node *n = VTOEN(vp);

	rw_enter(&um->um_lock, RW_WRITER);
	if (!vcache_release(vp, n->n_din.i_links_count > 0)) {
		rw_exit(&um->um_lock);
		return;
	}
	ext2_node_reclaim(um, n);
	rw_exit(&um->um_lock);
	vnfree(vp);
}

static int
isdotdot(const struct componentname *cn)
{
	return cn->cn_namelen == 2 && cn->cn_nameptr[0] == '.' &&
	    cn->cn_nameptr[1] == '.';
}

static int
ext2_lookup(struct vnode *dvp, struct vnode **vpp,
    const struct componentname *cn)
{
	struct ext2_mount *um = VTOUM(dvp);
	struct ext2_node *dn = VTOEN(dvp);
	struct ext2_dirpos pos;
	uint32_t ino;
	int error;

	rw_enter(&um->um_lock, RW_WRITER);
	if (dn->n_din.i_links_count == 0) {
		error = ENOENT;		/* removed directory */
	} else if (isdotdot(cn)) {
		if ((error = ext2_dotdot(um, dn->n_ino, &dn->n_din, &ino)) == 0)
			error = ext2_vget(um, ino, vpp);
	} else if ((error = ext2_dirlookup(um, dn, cn->cn_nameptr,
	    cn->cn_namelen, &pos)) == 0) {
		error = ext2_vget(um, pos.dp_ino, vpp);
	}
	rw_exit(&um->um_lock);
	return error;
}

/* A symlink's target: in i_block if short, else in a block. */
static int
ext2_setlink(struct ext2_mount *um, uint32_t ino, struct ext2_dinode *din,
    const char *target)
{
	size_t len = strlen(target);
	struct buf *bp;
	uint32_t pbn;
	int error, isnew;

	if (len >= um->um_bsize)
		return ENAMETOOLONG;
	if (len > 0 && len < EXT2_MAXSYMLINKLEN) {
		memcpy(din->i_block, target, len);
	} else {
		if ((error = ext2_bmap(um, ino, din, 0, 1, &pbn, &isnew)) != 0)
			return error;
		bp = ext2_getblk(um, pbn);
		memset(bp->b_data, 0, um->um_bsize);
		memcpy(bp->b_data, target, len);
		bdwrite(bp);
	}
	ext2_setisize(um, din, len);
	return 0;
}

/* A fresh inode of the given attributes, written: 0, ENOSPC, EIO. */
static int
ext2_makeinode(struct ext2_mount *um, struct ext2_node *dn,
    const struct vattr *va, const char *target, uint32_t *inop)
{
	struct ext2_dinode din;
	struct timespec now;
	uint32_t ino;
	int error, isdir = va->va_type == VDIR;

	if ((error = ext2_ialloc(um, dn->n_ino, isdir, &ino)) != 0)
		return error;
	memset(&din, 0, sizeof(din));
	if (um->um_isize > EXT2_GOOD_OLD_ISIZE)
		din.i_extra_isize = (uint16_t)MIN(um->um_isize -
		    EXT2_GOOD_OLD_ISIZE, um->um_sb.s_want_extra_isize > 0 ?
		    um->um_sb.s_want_extra_isize : 32);
	din.i_mode = ext2_vtomode(va->va_type) | (va->va_mode & ALLPERMS);
	din.i_uid = (uint16_t)va->va_uid;
	din.i_uid_high = (uint16_t)(va->va_uid >> 16);
	/* BSD: a new file takes its directory's group */
	din.i_gid = dn->n_din.i_gid;
	din.i_gid_high = dn->n_din.i_gid_high;
	din.i_links_count = isdir ? 2 : 1;
	getnanotime(&now);
	ext2_settime(um, &din, EXT2_ATIME, &now);
	ext2_settime(um, &din, EXT2_MTIME, &now);
	ext2_settime(um, &din, EXT2_CTIME, &now);
	if (isdir)
		error = ext2_dirinit(um, ino, &din, dn->n_ino);
	else if (va->va_type == VLNK)
		error = ext2_setlink(um, ino, &din, target);
	else if (va->va_type == VCHR || va->va_type == VBLK)
		ext2_setrdev(&din, va->va_rdev);
	if (error == 0)
		error = ext2_iupdate(um, ino, &din);
	if (error != 0) {
		ext2_idiscard(um, ino, &din);
		return error;
	}
	*inop = ino;
	return 0;
}

static int
ext2_create(struct vnode *dvp, struct vnode **vpp,
    const struct componentname *cn, const struct vattr *va,
    const char *target)
{
	struct ext2_mount *um = VTOUM(dvp);
	struct ext2_node *dn = VTOEN(dvp), *n;
	struct ext2_dirpos pos;
	struct vnode *vp = NULL;
	uint32_t ino;
	int error;

	if (um->um_ronly)
		return EROFS;
	if (cn->cn_namelen > EXT2_NAMELEN)
		return ENAMETOOLONG;
	rw_enter(&um->um_lock, RW_WRITER);
	if (dn->n_din.i_links_count == 0) {
		error = ENOENT;
		goto out;
	}
	error = ext2_dirlookup(um, dn, cn->cn_nameptr, cn->cn_namelen, &pos);
	if (error != ENOENT) {
		if (error == 0)
			error = EEXIST;
		goto out;
	}
	if (va->va_type == VDIR && dn->n_din.i_links_count >= EXT2_LINK_MAX) {
		error = EMLINK;
		goto out;
	}
	if ((error = ext2_makeinode(um, dn, va, target, &ino)) != 0)
		goto out;
	if ((error = ext2_vget(um, ino, &vp)) != 0) {
		struct ext2_dinode din;

		if (ext2_iread(um, ino, &din) == 0)
			ext2_idiscard(um, ino, &din);
		goto out;
	}
	n = VTOEN(vp);
	error = ext2_direnter(um, dn, cn->cn_nameptr, cn->cn_namelen, ino,
	    ext2_ftype(n->n_din.i_mode));
	if (error != 0) {
		/* no name: the last vrele frees the inode */
		n->n_din.i_links_count = 0;
		goto out;
	}
	if (va->va_type == VDIR) {
		/*
		 * The name is in: the create happened.  A failure to write
		 * the parent back is a disk error, already recorded.
		 */
		dn->n_din.i_links_count++;
		(void)ext2_iupdate(um, dn->n_ino, &dn->n_din);
	}
	*vpp = vp;
	vp = NULL;
out:
	rw_exit(&um->um_lock);
	if (vp != NULL)
		vrele(vp);
	return error;
}

/* Drop one link of n (the caller removed a name): 0, EIO. */
static int
ext2_droplink(struct ext2_mount *um, struct ext2_node *n, int all)
{
	if (all)
		n->n_din.i_links_count = 0;
	else if (n->n_din.i_links_count > 0)
		n->n_din.i_links_count--;
	ext2_touch(um, &n->n_din, 0);
	return ext2_iupdate(um, n->n_ino, &n->n_din);
}

static int
ext2_remove(struct vnode *dvp, struct vnode *vp,
    const struct componentname *cn)
{
	struct ext2_mount *um = VTOUM(dvp);
	struct ext2_node *dn = VTOEN(dvp), *n = VTOEN(vp);
	struct ext2_dirpos pos;
	int error;

	if (um->um_ronly)
		return EROFS;
	rw_enter(&um->um_lock, RW_WRITER);
	error = ext2_dirlookup(um, dn, cn->cn_nameptr, cn->cn_namelen, &pos);
	if (error == 0 && pos.dp_ino != n->n_ino)
		error = ENOENT;
	if (error == 0 && vp->v_type == VDIR)
		error = EPERM;
	if (error == 0)
		error = ext2_dirremove(um, dn, &pos);
	if (error == 0)
		error = ext2_droplink(um, n, 0);
	rw_exit(&um->um_lock);
	return error;
}

static int
ext2_rmdir(struct vnode *dvp, struct vnode *vp,
    const struct componentname *cn)
{
	struct ext2_mount *um = VTOUM(dvp);
	struct ext2_node *dn = VTOEN(dvp), *n = VTOEN(vp);
	struct ext2_dirpos pos;
	int error, empty = 0;

	if (um->um_ronly)
		return EROFS;
	rw_enter(&um->um_lock, RW_WRITER);
	error = ext2_dirlookup(um, dn, cn->cn_nameptr, cn->cn_namelen, &pos);
	if (error == 0 && pos.dp_ino != n->n_ino)
		error = ENOENT;
	if (error == 0 && vp->v_type != VDIR)
		error = ENOTDIR;
	if (error == 0 && (error = ext2_dirempty(um, n, &empty)) == 0 &&
	    !empty)
		error = ENOTEMPTY;
	if (error == 0)
		error = ext2_dirremove(um, dn, &pos);
	if (error == 0)
		error = ext2_droplink(um, n, 1);
	if (error == 0) {
		if (dn->n_din.i_links_count > 0)
			dn->n_din.i_links_count--;
		error = ext2_iupdate(um, dn->n_ino, &dn->n_din);
	}
	rw_exit(&um->um_lock);
	return error;
}

static int
ext2_link(struct vnode *dvp, struct vnode *vp,
    const struct componentname *cn)
{
	struct ext2_mount *um = VTOUM(dvp);
	struct ext2_node *dn = VTOEN(dvp), *n = VTOEN(vp);
	struct ext2_dirpos pos;
	int error;

	if (um->um_ronly)
		return EROFS;
	if (cn->cn_namelen > EXT2_NAMELEN)
		return ENAMETOOLONG;
	rw_enter(&um->um_lock, RW_WRITER);
	if (dn->n_din.i_links_count == 0 || n->n_din.i_links_count == 0)
		error = ENOENT;
	else if ((error = ext2_dirlookup(um, dn, cn->cn_nameptr,
	    cn->cn_namelen, &pos)) != ENOENT)
		error = error == 0 ? EEXIST : error;
	else if (n->n_din.i_links_count >= EXT2_LINK_MAX)
		error = EMLINK;
	else if ((error = ext2_direnter(um, dn, cn->cn_nameptr,
	    cn->cn_namelen, n->n_ino, ext2_ftype(n->n_din.i_mode))) == 0) {
		n->n_din.i_links_count++;
		ext2_touch(um, &n->n_din, 0);
		error = ext2_iupdate(um, n->n_ino, &n->n_din);
	}
	rw_exit(&um->um_lock);
	return error;
}

/*
 * Whether directory anc is dino or one of its ancestors: walks the
 * ".." records up to the root.  0 (*isp set), EIO (a loop or a broken
 * "..").
 */
static int
ext2_isancestor(struct ext2_mount *um, uint32_t anc, uint32_t dino,
    int *isp)
{
	struct ext2_dinode din;
	uint32_t ino = dino, pino;
	int error;

	*isp = 0;
	for (uint32_t steps = 0; ; steps++) {
		if (ino == anc) {
			*isp = 1;
			return 0;
		}
		if (ino == EXT2_ROOTINO)
			return 0;
		if (steps > um->um_sb.s_inodes_count)
			return ext2_corrupt(um, dino, "directory loop");
		if ((error = ext2_iread(um, ino, &din)) != 0)
			return error;
		if (!S_ISDIR(din.i_mode))
			return ext2_corrupt(um, ino, "\"..\" is not a directory");
		if ((error = ext2_dotdot(um, ino, &din, &pino)) != 0)
			return error;
		ino = pino;
	}
}

/* The checks of rename, in the order vnode.h gives: 0 or the errno. */
static int
ext2_rename_check(struct ext2_mount *um, struct ext2_node *fdn,
    struct ext2_node *fn, struct ext2_node *tdn, struct ext2_node *tn)
{
	int fdir = S_ISDIR(fn->n_din.i_mode), is, error, empty;

	if (fdir) {
		if ((error = ext2_isancestor(um, fn->n_ino, tdn->n_ino,
		    &is)) != 0)
			return error;
		if (is)
			return EINVAL;
		if (tn == NULL && fdn != tdn &&
		    tdn->n_din.i_links_count >= EXT2_LINK_MAX)
			return EMLINK;
	}
	if (tn == NULL)
		return 0;
	if (S_ISDIR(tn->n_din.i_mode)) {
		if ((error = ext2_isancestor(um, tn->n_ino, fdn->n_ino,
		    &is)) != 0)
			return error;
		if (is)
			return ENOTEMPTY;
	}
	if (fdir && !S_ISDIR(tn->n_din.i_mode))
		return ENOTDIR;
	if (!fdir && S_ISDIR(tn->n_din.i_mode))
		return EISDIR;
	if (S_ISDIR(tn->n_din.i_mode)) {
		if ((error = ext2_dirempty(um, tn, &empty)) != 0)
			return error;
		if (!empty)
			return ENOTEMPTY;
	}
	return 0;
}

/*
 * Rename, once checked: the target name points to the source inode
 * (rewritten if it existed, else entered: the only step that may fail
 * for space, and it comes first), the source name goes, link counts
 * and the moved directory's ".." follow.
 */
static int
ext2_rename_do(struct ext2_mount *um, struct ext2_node *fdn,
    struct ext2_node *fn, const struct componentname *fcn,
    struct ext2_node *tdn, struct ext2_node *tn, const struct ext2_dirpos *tpos,
    const struct componentname *tcn)
{
	int fdir = S_ISDIR(fn->n_din.i_mode), ft = ext2_ftype(fn->n_din.i_mode);
	struct ext2_dirpos fpos;
	int error;

	if (tn != NULL)
		error = ext2_dirrewrite(um, tdn, tpos, fn->n_ino, ft);
	else
		error = ext2_direnter(um, tdn, tcn->cn_nameptr, tcn->cn_namelen,
		    fn->n_ino, ft);
	if (error != 0)
		return error;
	if (tn != NULL) {
		if ((error = ext2_droplink(um, tn, S_ISDIR(tn->n_din.i_mode)))
		    != 0)
			return error;
		if (S_ISDIR(tn->n_din.i_mode))
			tdn->n_din.i_links_count--;
	}
	/* the entering may have moved records: find the source again */
	if ((error = ext2_dirlookup(um, fdn, fcn->cn_nameptr, fcn->cn_namelen,
	    &fpos)) != 0)
		return error;
	if ((error = ext2_dirremove(um, fdn, &fpos)) != 0)
		return error;
	if (fdir && fdn != tdn) {
		if ((error = ext2_setdotdot(um, fn->n_ino, &fn->n_din,
		    tdn->n_ino)) != 0)
			return error;
		fdn->n_din.i_links_count--;
		tdn->n_din.i_links_count++;
		if ((error = ext2_iupdate(um, fdn->n_ino, &fdn->n_din)) != 0)
			return error;
	}
	if ((error = ext2_iupdate(um, tdn->n_ino, &tdn->n_din)) != 0)
		return error;
	ext2_touch(um, &fn->n_din, 0);
	return ext2_iupdate(um, fn->n_ino, &fn->n_din);
}

static int
ext2_rename(struct vnode *fdvp, struct vnode *fvp,
    const struct componentname *fcn, struct vnode *tdvp, struct vnode *tvp,
    const struct componentname *tcn)
{
	struct ext2_mount *um = VTOUM(fdvp);
	struct ext2_node *fdn = VTOEN(fdvp), *fn = VTOEN(fvp);
	struct ext2_node *tdn = VTOEN(tdvp), *tn = NULL;
	struct ext2_dirpos fpos, tpos;
	int error;

	if (um->um_ronly)
		return EROFS;
	if (tcn->cn_namelen > EXT2_NAMELEN)
		return ENAMETOOLONG;
	rw_enter(&um->um_lock, RW_WRITER);
	error = ext2_dirlookup(um, fdn, fcn->cn_nameptr, fcn->cn_namelen,
	    &fpos);
	if (error == 0 && (fpos.dp_ino != fn->n_ino ||
	    tdn->n_din.i_links_count == 0))
		error = ENOENT;
	if (error != 0)
		goto out;
	error = ext2_dirlookup(um, tdn, tcn->cn_nameptr, tcn->cn_namelen,
	    &tpos);
	if (error == 0)
		tn = tvp != NULL ? VTOEN(tvp) : NULL;
	else if (error != ENOENT)
		goto out;
	if ((error == 0) != (tvp != NULL) ||
	    (tn != NULL && tpos.dp_ino != tn->n_ino)) {
		error = ENOENT;		/* the target changed under us */
		goto out;
	}
	error = 0;
	if (tn == fn)
		goto out;
	if ((error = ext2_rename_check(um, fdn, fn, tdn, tn)) != 0)
		goto out;
	error = ext2_rename_do(um, fdn, fn, fcn, tdn, tn, &tpos, tcn);
out:
	rw_exit(&um->um_lock);
	return error;
}

static int
ext2_readlink(struct vnode *vp, struct uio *uio)
{
	struct ext2_mount *um = VTOUM(vp);
	struct ext2_node *n = VTOEN(vp);
	uint64_t len = ext2_isize(&n->n_din);
	struct buf *bp;
	uint32_t pbn;
	int error;

	rw_enter(&um->um_lock, RW_WRITER);
	if (len >= um->um_bsize) {
		error = ext2_corrupt(um, n->n_ino, "symlink longer than a "
		    "block");
	} else if (n->n_din.i_blocks == 0 && len < EXT2_MAXSYMLINKLEN) {
		error = uiomove(n->n_din.i_block, MIN(len, uio->uio_resid),
		    uio);
	} else if ((error = ext2_bmap(um, n->n_ino, &n->n_din, 0, 0, &pbn,
	    NULL)) == 0) {
		if (pbn == 0) {
			error = ext2_corrupt(um, n->n_ino, "symlink without "
			    "its block");
		} else if ((error = ext2_bread(um, pbn, &bp)) == 0) {
			error = uiomove(bp->b_data, MIN(len, uio->uio_resid),
			    uio);
			brelse(bp);
		}
	}
	rw_exit(&um->um_lock);
	return error;
}

/* relatime: atime moves when it is older than mtime/ctime or a day. */
static void
ext2_markatime(struct ext2_mount *um, struct ext2_node *n)
{
	struct timespec now, at, mt, ct;

	if (um->um_ronly)
		return;
	getnanotime(&now);
	ext2_gettime(&n->n_din, EXT2_ATIME, &at);
	ext2_gettime(&n->n_din, EXT2_MTIME, &mt);
	ext2_gettime(&n->n_din, EXT2_CTIME, &ct);
	if (at.tv_sec > mt.tv_sec && at.tv_sec > ct.tv_sec &&
	    now.tv_sec - at.tv_sec < 24 * 3600)
		return;
	ext2_settime(um, &n->n_din, EXT2_ATIME, &now);
	(void)ext2_iupdate(um, n->n_ino, &n->n_din);
}

static int
ext2_read(struct vnode *vp, struct uio *uio, int ioflag)
{
	struct ext2_mount *um = VTOUM(vp);
	struct ext2_node *n = VTOEN(vp);
	uint64_t size;
	int error = 0;

	if (uio->uio_offset < 0)
		return EINVAL;
	if (vp->v_type != VREG)
		return EINVAL;
	rw_enter(&um->um_lock, RW_WRITER);
	size = ext2_isize(&n->n_din);
	while (uio->uio_resid > 0 && (uint64_t)uio->uio_offset < size) {
		uint64_t off = (uint64_t)uio->uio_offset;
		uint32_t boff = (uint32_t)(off & (um->um_bsize - 1)), pbn;
		size_t len = MIN(um->um_bsize - boff, uio->uio_resid);
		struct buf *bp;

		len = MIN(len, size - off);
		error = ext2_bmap(um, n->n_ino, &n->n_din, off >> um->um_bshift,
		    0, &pbn, NULL);
		if (error != 0)
			break;
		if (pbn == 0) {
			error = uiomove(ext2_zeros, MIN(len, sizeof(ext2_zeros)),
			    uio);
		} else if ((error = ext2_bread(um, pbn, &bp)) == 0) {
			error = uiomove((char *)bp->b_data + boff, len, uio);
			brelse(bp);
		}
		if (error != 0)
			break;
	}
	ext2_markatime(um, n);
	rw_exit(&um->um_lock);
	return error;
}

/* One block's worth of a write at the uio's offset: 0 or an errno. */
static int
ext2_write_block(struct ext2_mount *um, struct ext2_node *n, struct uio *uio)
{
	uint64_t off = (uint64_t)uio->uio_offset;
	uint32_t boff = (uint32_t)(off & (um->um_bsize - 1)), pbn;
	size_t len = MIN(um->um_bsize - boff, uio->uio_resid), before;
	int whole = boff == 0 && len == um->um_bsize, isnew, error;
	struct buf *bp;

	error = ext2_bmap(um, n->n_ino, &n->n_din, off >> um->um_bshift, 1,
	    &pbn, &isnew);
	if (error != 0)
		return error;
	if (isnew || whole) {
		bp = ext2_getblk(um, pbn);
		if (isnew && !whole)
			memset(bp->b_data, 0, um->um_bsize);
	} else if ((error = ext2_bread(um, pbn, &bp)) != 0) {
		return error;
	}
	before = uio->uio_resid;
	error = uiomove((char *)bp->b_data + boff, len, uio);
	if (whole && before - uio->uio_resid < len) {
		/* a fault cut the copy short: no stale bytes */
		size_t done = before - uio->uio_resid;

		memset((char *)bp->b_data + done, 0, len - done);
	}
	bdwrite(bp);
	if ((uint64_t)uio->uio_offset > ext2_isize(&n->n_din))
		ext2_setisize(um, &n->n_din, (uint64_t)uio->uio_offset);
	return error;
}

static int
ext2_write(struct vnode *vp, struct uio *uio, int ioflag)
{
	struct ext2_mount *um = VTOUM(vp);
	struct ext2_node *n = VTOEN(vp);
	uint64_t max = ext2_maxfilesize(um);
	int error = 0, uerror;

	if (vp->v_type != VREG)
		return EINVAL;
	if (um->um_ronly)
		return EROFS;
	rw_enter(&um->um_lock, RW_WRITER);
	if (ioflag & IO_APPEND)
		uio->uio_offset = (off_t)ext2_isize(&n->n_din);
	if (uio->uio_offset < 0) {
		error = EINVAL;
		goto out;
	}
	if (uio->uio_resid > 0 && ((uint64_t)uio->uio_offset >= max ||
	    uio->uio_resid > max - (uint64_t)uio->uio_offset)) {
		error = EFBIG;
		goto out;
	}
	while (uio->uio_resid > 0) {
		size_t before = uio->uio_resid;

		error = ext2_write_block(um, n, uio);
		if (error != 0 || uio->uio_resid == before)
			break;
	}
	ext2_touch(um, &n->n_din, 1);
	/* the inode changed even if the write failed part way */
	uerror = ext2_iupdate(um, n->n_ino, &n->n_din);
	if (error == 0)
		error = uerror;
out:
	rw_exit(&um->um_lock);
	return error;
}

static int
ext2_getattr(struct vnode *vp, struct vattr *va)
{
	struct ext2_mount *um = VTOUM(vp);
	struct ext2_node *n = VTOEN(vp);
	const struct ext2_dinode *din = &n->n_din;

	rw_enter(&um->um_lock, RW_WRITER);
	va->va_type = vp->v_type;
	va->va_mode = din->i_mode & ALLPERMS;
	va->va_nlink = din->i_links_count;
	va->va_uid = din->i_uid | (uint32_t)din->i_uid_high << 16;
	va->va_gid = din->i_gid | (uint32_t)din->i_gid_high << 16;
	va->va_fileid = n->n_ino;
	va->va_size = (off_t)ext2_isize(din);
	va->va_bytes = (uint64_t)din->i_blocks << DEV_BSHIFT;
	ext2_gettime(din, EXT2_ATIME, &va->va_atime);
	ext2_gettime(din, EXT2_MTIME, &va->va_mtime);
	ext2_gettime(din, EXT2_CTIME, &va->va_ctime);
	va->va_blocksize = um->um_bsize;
	va->va_fsid = vp->v_mount->mnt_fsid;
	va->va_rdev = vp->v_type == VCHR || vp->v_type == VBLK ?
	    ext2_getrdev(din) : 0;
	rw_exit(&um->um_lock);
	return 0;
}

static int
ext2_setattr(struct vnode *vp, const struct vattr *va)
{
	struct ext2_mount *um = VTOUM(vp);
	struct ext2_node *n = VTOEN(vp);
	struct ext2_dinode *din = &n->n_din;
	int error = 0;

	if (um->um_ronly)
		return EROFS;
	rw_enter(&um->um_lock, RW_WRITER);
	if (va->va_size != VNOVAL) {
		if (vp->v_type != VREG)
			error = vp->v_type == VDIR ? EISDIR : EINVAL;
		else if ((error = ext2_truncate(um, n->n_ino, din,
		    (uint64_t)va->va_size)) == 0)
			ext2_touch(um, din, 1);
	}
	if (error == 0) {
		if (va->va_mode != (mode_t)VNOVAL)
			din->i_mode = (uint16_t)((din->i_mode & S_IFMT) |
			    (va->va_mode & ALLPERMS));
		if (va->va_uid != (uid_t)VNOVAL) {
			din->i_uid = (uint16_t)va->va_uid;
			din->i_uid_high = (uint16_t)(va->va_uid >> 16);
		}
		if (va->va_gid != (gid_t)VNOVAL) {
			din->i_gid = (uint16_t)va->va_gid;
			din->i_gid_high = (uint16_t)(va->va_gid >> 16);
		}
		if (va->va_atime.tv_sec != VNOVAL)
			ext2_settime(um, din, EXT2_ATIME, &va->va_atime);
		if (va->va_mtime.tv_sec != VNOVAL)
			ext2_settime(um, din, EXT2_MTIME, &va->va_mtime);
		ext2_touch(um, din, 0);
	}
	/* a failed truncate may have freed blocks: write what is true */
	if (ext2_iupdate(um, n->n_ino, din) != 0 && error == 0)
		error = EIO;
	rw_exit(&um->um_lock);
	return error;
}

static int
ext2_readdir(struct vnode *vp, struct uio *uio, int *eofp)
{
	struct ext2_mount *um = VTOUM(vp);
	int error;

	*eofp = 0;
	if (vp->v_type != VDIR)
		return ENOTDIR;
	if (uio->uio_offset < 0)
		return EINVAL;
	rw_enter(&um->um_lock, RW_WRITER);
	error = ext2_readdir_locked(um, VTOEN(vp), uio, eofp);
	rw_exit(&um->um_lock);
	return error;
}

static int
ext2_fsync(struct vnode *vp)
{
	return ext2_flush(VTOUM(vp));
}

const struct vnodeops ext2fs_vnodeops = {
	.vop_lookup = ext2_lookup,
	.vop_create = ext2_create,
	.vop_remove = ext2_remove,
	.vop_rmdir = ext2_rmdir,
	.vop_link = ext2_link,
	.vop_rename = ext2_rename,
	.vop_readlink = ext2_readlink,
	.vop_read = ext2_read,
	.vop_write = ext2_write,
	.vop_getattr = ext2_getattr,
	.vop_setattr = ext2_setattr,
	.vop_readdir = ext2_readdir,
	.vop_fsync = ext2_fsync,
	.vop_inactive = ext2_inactive,
};
