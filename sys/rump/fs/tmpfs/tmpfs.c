/*
 * tmpfs.c: a file system kept in kernel memory.  Directories hash their
 * entries by name (lookup stays fast with 100,000 entries) and keep them
 * in creation order for readdir; regular files are sparse: a two-level
 * table of pages, a page allocated only when written, holes read as
 * zeros (the first TMPFS_NDIRECT page pointers live in the node, so a
 * small file needs no table).  Every byte the file system holds (nodes, entries, pages,
 * tables, link targets) is charged against the mount's size limit
 * ("size=" option), which gives ENOSPC.
 *
 * Locking.  tm_lock, one mutex per mount, guards the tree (entries,
 * parents, link counts), the node list, the memory accounting and the
 * attributes; directory operations hold it throughout, since a name
 * operation may touch two directories and walk the parents (rename),
 * and it is never held across a copy to or from user memory (readdir
 * fills a kernel buffer first).  A regular file's data (its page
 * table and size) is guarded by its own rwlock, tn_rwlock: readers
 * share it, writers and truncation take it exclusively, so copies of
 * file data run without the mount lock.  Order: tn_rwlock, tm_lock.
 * A node knows its vnode (tn_vnode) while one exists, referenced or in
 * the vnode cache; when its last reference goes (tmpfs_inactive, under
 * the mount lock) the vnode is cached, or reclaimed if the node is
 * unlinked (and the node freed with it) or the cache says so.
 */
#include <rump-sys/systm.h>
#include <rump-sys/component.h>
#include <rump-sys/dirent.h>
#include <rump-sys/kmem.h>
#include <rump-sys/lwp.h>
#include <rump-sys/mount.h>
#include <rump-sys/stat.h>
#include <rump-sys/time.h>
#include <rump-sys/uio.h>
#include <rump-sys/vnode.h>

#define TMPFS_NDIRECT		16		/* pages in the node itself */
#define TMPFS_LEAFPAGES		512		/* pages per leaf table */
#define TMPFS_MAXFILESIZE	((off_t)1 << 36)	/* 64 GiB */
#define TMPFS_LINK_MAX		32767
#define TMPFS_HASH_MIN		16
#define TMPFS_COOKIE_FIRST	2		/* 0 ".", 1 ".." */

struct tmpfs_node;

struct tmpfs_dirent {
	struct tmpfs_dirent	*td_hnext;	/* hash chain */
	TAILQ_ENTRY(tmpfs_dirent) td_entries;	/* creation order */
	struct tmpfs_node	*td_node;
	uint64_t		 td_cookie;
	uint16_t		 td_namelen;
	char			 td_name[];
};

struct tmpfs_node {
	enum vtype		 tn_type;
	mode_t			 tn_mode;
	uid_t			 tn_uid;
	gid_t			 tn_gid;
	uint64_t		 tn_id;
	uint32_t		 tn_links;
	off_t			 tn_size;
	dev_t			 tn_rdev;	/* VCHR, VBLK */
	struct timespec		 tn_atime, tn_mtime, tn_ctime;
	struct vnode		*tn_vnode;
	LIST_ENTRY(tmpfs_node)	 tn_list;	/* the mount's nodes */
	krwlock_t		 tn_rwlock;	/* VREG: pages, tn_size */
	union {
		struct {
			struct tmpfs_node *parent;
			TAILQ_HEAD(, tmpfs_dirent) entries;
			struct tmpfs_dirent **hash;
			size_t		 nhash;
			size_t		 nentries;
			uint64_t	 nextcookie;
			/* where the last readdir stopped, to resume fast */
			struct tmpfs_dirent *hint;
			off_t		 hintoff;
		} tn_dir;
		struct {
			/* pages 0..NDIRECT-1: small files need no table */
			char		*direct[TMPFS_NDIRECT];
			/* then [nleaves][LEAFPAGES] */
			char		***leaves;
			size_t		 nleaves;
			size_t		 npages;	/* allocated */
		} tn_reg;
		struct {
			char		*target;
			size_t		 len;
		} tn_lnk;
	};
};

struct tmpfs_mount {
	kmutex_t		 tm_lock;
	struct mount		*tm_mp;
	struct tmpfs_node	*tm_root;
	uint64_t		 tm_nextid;
	size_t			 tm_bytes_max;
	size_t			 tm_bytes_used;
	size_t			 tm_nnodes;
	LIST_HEAD(, tmpfs_node)	 tm_nodes;
};

static const struct vnodeops tmpfs_vnodeops;
static char tmpfs_zeropage[PAGE_SIZE];

#define VTOTM(vp)	((struct tmpfs_mount *)(vp)->v_mount->mnt_data)
#define VTON(vp)	((struct tmpfs_node *)(vp)->v_data)

/* Memory accounting against the size limit; tm_lock held. */
static void *
tmpfs_alloc(struct tmpfs_mount *tm, size_t len, int zero, int *errorp)
{
	void *p;

	if (tm->tm_bytes_used + len > tm->tm_bytes_max ||
	    tm->tm_bytes_used + len < tm->tm_bytes_used) {
		*errorp = ENOSPC;
		return NULL;
	}
	p = zero ? kmem_zalloc(len, KM_NOSLEEP) : kmem_alloc(len, KM_NOSLEEP);
	if (p == NULL) {
		*errorp = ENOSPC;
		return NULL;
	}
	tm->tm_bytes_used += len;
	return p;
}

static void
tmpfs_free(struct tmpfs_mount *tm, void *p, size_t len)
{
	KASSERT(tm->tm_bytes_used >= len);
	tm->tm_bytes_used -= len;
	kmem_free(p, len);
}

static void
tmpfs_now(struct timespec *ts)
{
	getnanotime(ts);
}

/* Free every page at or after page index first. */
static void
tmpfs_reg_freefrom(struct tmpfs_mount *tm, struct tmpfs_node *node,
    size_t first)
{
	for (size_t i = first; i < TMPFS_NDIRECT; i++) {
		if (node->tn_reg.direct[i] != NULL) {
			tmpfs_free(tm, node->tn_reg.direct[i], PAGE_SIZE);
			node->tn_reg.direct[i] = NULL;
			node->tn_reg.npages--;
		}
	}
	first = first > TMPFS_NDIRECT ? first - TMPFS_NDIRECT : 0;
	for (size_t l = 0; l < node->tn_reg.nleaves; l++) {
		char **leaf = node->tn_reg.leaves[l];
		size_t base = l * TMPFS_LEAFPAGES, nleft = 0;

		if (leaf == NULL)
			continue;
		for (size_t i = 0; i < TMPFS_LEAFPAGES; i++) {
			if (leaf[i] == NULL)
				continue;
			if (base + i >= first) {
				tmpfs_free(tm, leaf[i], PAGE_SIZE);
				leaf[i] = NULL;
				node->tn_reg.npages--;
			} else {
				nleft++;
			}
		}
		if (nleft == 0) {
			tmpfs_free(tm, leaf, TMPFS_LEAFPAGES * sizeof(char *));
			node->tn_reg.leaves[l] = NULL;
		}
	}
}

static void
tmpfs_free_node(struct tmpfs_mount *tm, struct tmpfs_node *node)
{
	KASSERT(node->tn_vnode == NULL);
	switch (node->tn_type) {
	case VREG:
		tmpfs_reg_freefrom(tm, node, 0);
		if (node->tn_reg.nleaves > 0)
			tmpfs_free(tm, node->tn_reg.leaves,
			    node->tn_reg.nleaves * sizeof(char **));
		rw_destroy(&node->tn_rwlock);
		break;
	case VDIR:
		KASSERT(node->tn_dir.nentries == 0);
		if (node->tn_dir.hash != NULL)
			tmpfs_free(tm, node->tn_dir.hash,
			    node->tn_dir.nhash * sizeof(struct tmpfs_dirent *));
		break;
	case VLNK:
		tmpfs_free(tm, node->tn_lnk.target, node->tn_lnk.len + 1);
		break;
	default:
		break;
	}
	LIST_REMOVE(node, tn_list);
	tm->tm_nnodes--;
	tmpfs_free(tm, node, sizeof(*node));
}

static struct tmpfs_node *
tmpfs_alloc_node(struct tmpfs_mount *tm, const struct vattr *va,
    const char *target, int *errorp)
{
	struct tmpfs_node *node;

	if ((node = tmpfs_alloc(tm, sizeof(*node), 1, errorp)) == NULL)
		return NULL;
	node->tn_type = va->va_type;
	node->tn_mode = va->va_mode & ALLPERMS;
	node->tn_uid = va->va_uid;
	node->tn_gid = va->va_gid;
	node->tn_id = tm->tm_nextid++;
	tmpfs_now(&node->tn_atime);
	node->tn_mtime = node->tn_ctime = node->tn_atime;
	switch (node->tn_type) {
	case VDIR:
		TAILQ_INIT(&node->tn_dir.entries);
		node->tn_dir.nextcookie = TMPFS_COOKIE_FIRST;
		node->tn_links = 2;
		node->tn_size = 0;
		break;
	case VLNK:
		node->tn_lnk.len = strlen(target);
		node->tn_lnk.target = tmpfs_alloc(tm, node->tn_lnk.len + 1, 0,
		    errorp);
		if (node->tn_lnk.target == NULL) {
			tmpfs_free(tm, node, sizeof(*node));
			return NULL;
		}
		memcpy(node->tn_lnk.target, target, node->tn_lnk.len + 1);
		node->tn_size = (off_t)node->tn_lnk.len;
		node->tn_links = 1;
		break;
	case VREG:
		rw_init(&node->tn_rwlock);
		node->tn_links = 1;
		break;
	case VCHR:
	case VBLK:
		node->tn_rdev = va->va_rdev;
		node->tn_links = 1;
		break;
	default:
		node->tn_links = 1;
		break;
	}
	LIST_INSERT_HEAD(&tm->tm_nodes, node, tn_list);
	tm->tm_nnodes++;
	return node;
}

/* The referenced vnode of node; tm_lock held. */
static int
tmpfs_vget(struct tmpfs_mount *tm, struct tmpfs_node *node,
    struct vnode **vpp)
{
	struct vnode *vp;

	if ((vp = node->tn_vnode) != NULL) {
		vcache_ref(vp);		/* referenced or cached */
		*vpp = vp;
		return 0;
	}
	vp = vnalloc(tm->tm_mp, node->tn_type, &tmpfs_vnodeops, node,
	    KM_NOSLEEP);
	if (vp == NULL)
		return ENOMEM;
	if (node == tm->tm_root)
		vp->v_vflag |= VV_ROOT;
	if (node->tn_type == VCHR || node->tn_type == VBLK)
		vp->v_rdev = node->tn_rdev;
	node->tn_vnode = vp;
	*vpp = vp;
	return 0;
}

/* The last reference went: cache vp, or reclaim it (and an unlinked node). */
static void
tmpfs_inactive(struct vnode *vp)
{
	struct tmpfs_mount *tm = VTOTM(vp);
	struct tmpfs_node *node = VTON(vp);

	mutex_enter(&tm->tm_lock);
	if (!vcache_release(vp, node->tn_links > 0)) {
		mutex_exit(&tm->tm_lock);
		return;
	}
	node->tn_vnode = NULL;
	if (node->tn_links == 0)
		tmpfs_free_node(tm, node);
	mutex_exit(&tm->tm_lock);
	vnfree(vp);
}

/* Directories: hashing by name. */
static size_t
tmpfs_hash(const char *name, size_t len)
{
	uint64_t h = 14695981039346656037ULL;

	for (size_t i = 0; i < len; i++) {
		h ^= (unsigned char)name[i];
		h *= 1099511628211ULL;
	}
	return (size_t)(h ^ (h >> 32));
}

static struct tmpfs_dirent **
tmpfs_dir_slot(struct tmpfs_node *dnode, const char *name, size_t len)
{
	struct tmpfs_dirent **tdp;

	if (dnode->tn_dir.hash == NULL)
		return NULL;
	tdp = &dnode->tn_dir.hash[tmpfs_hash(name, len) &
	    (dnode->tn_dir.nhash - 1)];
	for (; *tdp != NULL; tdp = &(*tdp)->td_hnext) {
		if ((*tdp)->td_namelen == len &&
		    memcmp((*tdp)->td_name, name, len) == 0)
			break;
	}
	return tdp;
}

static struct tmpfs_dirent *
tmpfs_dir_lookup(struct tmpfs_node *dnode, const struct componentname *cn)
{
	struct tmpfs_dirent **tdp;

	tdp = tmpfs_dir_slot(dnode, cn->cn_nameptr, cn->cn_namelen);
	return tdp != NULL ? *tdp : NULL;
}

/* Grow the hash table when it gets full; failing to is harmless. */
static void
tmpfs_dir_rehash(struct tmpfs_mount *tm, struct tmpfs_node *dnode)
{
	struct tmpfs_dirent **nh, *td;
	size_t n;
	int error;

	if (dnode->tn_dir.hash != NULL &&
	    dnode->tn_dir.nentries < dnode->tn_dir.nhash * 2)
		return;
	n = dnode->tn_dir.hash == NULL ? TMPFS_HASH_MIN :
	    dnode->tn_dir.nhash * 4;
	if ((nh = tmpfs_alloc(tm, n * sizeof(*nh), 1, &error)) == NULL)
		return;
	TAILQ_FOREACH(td, &dnode->tn_dir.entries, td_entries) {
		size_t b = tmpfs_hash(td->td_name, td->td_namelen) & (n - 1);

		td->td_hnext = nh[b];
		nh[b] = td;
	}
	if (dnode->tn_dir.hash != NULL)
		tmpfs_free(tm, dnode->tn_dir.hash,
		    dnode->tn_dir.nhash * sizeof(*nh));
	dnode->tn_dir.hash = nh;
	dnode->tn_dir.nhash = n;
}

static struct tmpfs_dirent *
tmpfs_dirent_alloc(struct tmpfs_mount *tm, const struct componentname *cn,
    int *errorp)
{
	struct tmpfs_dirent *td;

	td = tmpfs_alloc(tm, sizeof(*td) + cn->cn_namelen, 0, errorp);
	if (td == NULL)
		return NULL;
	td->td_namelen = (uint16_t)cn->cn_namelen;
	memcpy(td->td_name, cn->cn_nameptr, cn->cn_namelen);
	td->td_node = NULL;
	return td;
}

static void
tmpfs_dirent_free(struct tmpfs_mount *tm, struct tmpfs_dirent *td)
{
	tmpfs_free(tm, td, sizeof(*td) + td->td_namelen);
}

/* Make sure an entry can be attached to dnode: 0 or ENOSPC. */
static int
tmpfs_dir_prepare(struct tmpfs_mount *tm, struct tmpfs_node *dnode)
{
	tmpfs_dir_rehash(tm, dnode);
	return dnode->tn_dir.hash != NULL ? 0 : ENOSPC;
}

/* Enter td (for node) into dnode, prepared with tmpfs_dir_prepare. */
static void
tmpfs_dir_attach(struct tmpfs_mount *tm, struct tmpfs_node *dnode,
    struct tmpfs_dirent *td, struct tmpfs_node *node)
{
	struct tmpfs_dirent **tdp;

	tmpfs_dir_rehash(tm, dnode);
	KASSERT(dnode->tn_dir.hash != NULL);
	tdp = tmpfs_dir_slot(dnode, td->td_name, td->td_namelen);
	KASSERT(*tdp == NULL);
	td->td_hnext = NULL;
	*tdp = td;
	td->td_node = node;
	td->td_cookie = dnode->tn_dir.nextcookie++;
	TAILQ_INSERT_TAIL(&dnode->tn_dir.entries, td, td_entries);
	dnode->tn_dir.nentries++;
	dnode->tn_size += (off_t)_DIRENT_RECLEN(td->td_namelen);
	tmpfs_now(&dnode->tn_mtime);
	dnode->tn_ctime = dnode->tn_mtime;
}

static void
tmpfs_dir_detach(struct tmpfs_node *dnode, struct tmpfs_dirent *td)
{
	struct tmpfs_dirent **tdp;

	tdp = tmpfs_dir_slot(dnode, td->td_name, td->td_namelen);
	KASSERT(tdp != NULL && *tdp == td);
	*tdp = td->td_hnext;
	TAILQ_REMOVE(&dnode->tn_dir.entries, td, td_entries);
	if (dnode->tn_dir.hint == td)
		dnode->tn_dir.hint = NULL;
	dnode->tn_dir.nentries--;
	dnode->tn_size -= (off_t)_DIRENT_RECLEN(td->td_namelen);
	tmpfs_now(&dnode->tn_mtime);
	dnode->tn_ctime = dnode->tn_mtime;
}

static int
tmpfs_lookup(struct vnode *dvp, struct vnode **vpp,
    const struct componentname *cn)
{
	struct tmpfs_mount *tm = VTOTM(dvp);
	struct tmpfs_node *dnode = VTON(dvp), *node;
	struct tmpfs_dirent *td;
	int error;

	mutex_enter(&tm->tm_lock);
	if (dnode->tn_links == 0) {
		error = ENOENT;		/* removed directory */
	} else if (cn->cn_namelen == 2 && cn->cn_nameptr[0] == '.' &&
	    cn->cn_nameptr[1] == '.') {
		node = dnode == tm->tm_root ? dnode : dnode->tn_dir.parent;
		error = tmpfs_vget(tm, node, vpp);
	} else if ((td = tmpfs_dir_lookup(dnode, cn)) == NULL) {
		error = ENOENT;
	} else {
		error = tmpfs_vget(tm, td->td_node, vpp);
	}
	mutex_exit(&tm->tm_lock);
	return error;
}

static int
tmpfs_create(struct vnode *dvp, struct vnode **vpp,
    const struct componentname *cn, const struct vattr *va,
    const char *target)
{
	struct tmpfs_mount *tm = VTOTM(dvp);
	struct tmpfs_node *dnode = VTON(dvp), *node = NULL;
	struct tmpfs_dirent *td = NULL;
	int error = 0;

	mutex_enter(&tm->tm_lock);
	if (dnode->tn_links == 0) {
		error = ENOENT;
		goto out;
	}
	if (tmpfs_dir_lookup(dnode, cn) != NULL) {
		error = EEXIST;
		goto out;
	}
	if (va->va_type == VDIR && dnode->tn_links >= TMPFS_LINK_MAX) {
		error = EMLINK;
		goto out;
	}
	if ((td = tmpfs_dirent_alloc(tm, cn, &error)) == NULL)
		goto out;
	if ((node = tmpfs_alloc_node(tm, va, target, &error)) == NULL)
		goto out;
	node->tn_gid = dnode->tn_gid;
	if ((error = tmpfs_dir_prepare(tm, dnode)) != 0 ||
	    (error = tmpfs_vget(tm, node, vpp)) != 0)
		goto out;
	tmpfs_dir_attach(tm, dnode, td, node);
	if (node->tn_type == VDIR) {
		node->tn_dir.parent = dnode;
		dnode->tn_links++;
	}
	td = NULL;
	node = NULL;
out:
	if (node != NULL)
		tmpfs_free_node(tm, node);
	if (td != NULL)
		tmpfs_dirent_free(tm, td);
	mutex_exit(&tm->tm_lock);
	return error;
}

static int
tmpfs_remove(struct vnode *dvp, struct vnode *vp,
    const struct componentname *cn)
{
	struct tmpfs_mount *tm = VTOTM(dvp);
	struct tmpfs_node *dnode = VTON(dvp), *node = VTON(vp);
	struct tmpfs_dirent *td;
	int error = 0;

	mutex_enter(&tm->tm_lock);
	td = tmpfs_dir_lookup(dnode, cn);
	if (td == NULL || td->td_node != node) {
		error = ENOENT;
	} else if (node->tn_type == VDIR) {
		error = EPERM;
	} else {
		tmpfs_dir_detach(dnode, td);
		tmpfs_dirent_free(tm, td);
		node->tn_links--;
		tmpfs_now(&node->tn_ctime);
	}
	mutex_exit(&tm->tm_lock);
	return error;
}

static int
tmpfs_rmdir(struct vnode *dvp, struct vnode *vp,
    const struct componentname *cn)
{
	struct tmpfs_mount *tm = VTOTM(dvp);
	struct tmpfs_node *dnode = VTON(dvp), *node = VTON(vp);
	struct tmpfs_dirent *td;
	int error = 0;

	mutex_enter(&tm->tm_lock);
	td = tmpfs_dir_lookup(dnode, cn);
	if (td == NULL || td->td_node != node) {
		error = ENOENT;
	} else if (node->tn_type != VDIR) {
		error = ENOTDIR;
	} else if (node->tn_dir.nentries > 0) {
		error = ENOTEMPTY;
	} else {
		tmpfs_dir_detach(dnode, td);
		tmpfs_dirent_free(tm, td);
		node->tn_links = 0;
		dnode->tn_links--;
		tmpfs_now(&node->tn_ctime);
	}
	mutex_exit(&tm->tm_lock);
	return error;
}

static int
tmpfs_link(struct vnode *dvp, struct vnode *vp,
    const struct componentname *cn)
{
	struct tmpfs_mount *tm = VTOTM(dvp);
	struct tmpfs_node *dnode = VTON(dvp), *node = VTON(vp);
	struct tmpfs_dirent *td;
	int error = 0;

	mutex_enter(&tm->tm_lock);
	if (dnode->tn_links == 0 || node->tn_links == 0)
		error = ENOENT;
	else if (tmpfs_dir_lookup(dnode, cn) != NULL)
		error = EEXIST;
	else if (node->tn_links >= TMPFS_LINK_MAX)
		error = EMLINK;
	else if ((error = tmpfs_dir_prepare(tm, dnode)) != 0)
		;
	else if ((td = tmpfs_dirent_alloc(tm, cn, &error)) == NULL)
		;
	else {
		tmpfs_dir_attach(tm, dnode, td, node);
		node->tn_links++;
		tmpfs_now(&node->tn_ctime);
	}
	mutex_exit(&tm->tm_lock);
	return error;
}

static int
tmpfs_rename(struct vnode *fdvp, struct vnode *fvp,
    const struct componentname *fcn, struct vnode *tdvp, struct vnode *tvp,
    const struct componentname *tcn)
{
	struct tmpfs_mount *tm = VTOTM(fdvp);
	struct tmpfs_node *fdnode = VTON(fdvp), *fnode = VTON(fvp);
	struct tmpfs_node *tdnode = VTON(tdvp), *tnode, *n;
	struct tmpfs_dirent *fde, *tde, *nde = NULL;
	int error = 0;

	mutex_enter(&tm->tm_lock);
	fde = tmpfs_dir_lookup(fdnode, fcn);
	if (fde == NULL || fde->td_node != fnode || tdnode->tn_links == 0) {
		error = ENOENT;
		goto out;
	}
	tde = tmpfs_dir_lookup(tdnode, tcn);
	tnode = tde != NULL ? tde->td_node : NULL;
	if (tnode != (tvp != NULL ? VTON(tvp) : NULL)) {
		error = ENOENT;		/* the target changed under us */
		goto out;
	}
	if (tnode == fnode)
		goto out;
	if (fnode->tn_type == VDIR) {
		/* Not into itself or below itself. */
		for (n = tdnode; ; n = n->tn_dir.parent) {
			if (n == fnode) {
				error = EINVAL;
				goto out;
			}
			if (n == tm->tm_root)
				break;
		}
		if (tnode == NULL && fdnode != tdnode &&
		    tdnode->tn_links >= TMPFS_LINK_MAX) {
			error = EMLINK;
			goto out;
		}
	}
	/* Onto an ancestor of the source: that directory is not empty. */
	if (tnode != NULL && tnode->tn_type == VDIR) {
		for (n = fdnode; ; n = n->tn_dir.parent) {
			if (n == tnode) {
				error = ENOTEMPTY;
				goto out;
			}
			if (n == tm->tm_root)
				break;
		}
	}
	if (tnode != NULL && fnode->tn_type == VDIR &&
	    tnode->tn_type != VDIR) {
		error = ENOTDIR;
		goto out;
	}
	if (tnode != NULL && fnode->tn_type != VDIR &&
	    tnode->tn_type == VDIR) {
		error = EISDIR;
		goto out;
	}
	if (tnode != NULL && tnode->tn_type == VDIR &&
	    tnode->tn_dir.nentries > 0) {
		error = ENOTEMPTY;
		goto out;
	}
	if ((error = tmpfs_dir_prepare(tm, tdnode)) != 0)
		goto out;
	if ((nde = tmpfs_dirent_alloc(tm, tcn, &error)) == NULL)
		goto out;
	/* From here on nothing fails. */
	if (tde != NULL) {
		tmpfs_dir_detach(tdnode, tde);
		tmpfs_dirent_free(tm, tde);
		if (tnode->tn_type == VDIR) {
			tnode->tn_links = 0;
			tdnode->tn_links--;
		} else {
			tnode->tn_links--;
		}
		tmpfs_now(&tnode->tn_ctime);
	}
	tmpfs_dir_detach(fdnode, fde);
	tmpfs_dirent_free(tm, fde);
	tmpfs_dir_attach(tm, tdnode, nde, fnode);
	nde = NULL;
	if (fnode->tn_type == VDIR && fdnode != tdnode) {
		fnode->tn_dir.parent = tdnode;
		fdnode->tn_links--;
		tdnode->tn_links++;
	}
	tmpfs_now(&fnode->tn_ctime);
out:
	if (nde != NULL)
		tmpfs_dirent_free(tm, nde);
	mutex_exit(&tm->tm_lock);
	return error;
}

static int
tmpfs_readlink(struct vnode *vp, struct uio *uio)
{
	struct tmpfs_mount *tm = VTOTM(vp);
	struct tmpfs_node *node = VTON(vp);
	int error;

	/* The target never changes and lives as long as the vnode. */
	error = uiomove(node->tn_lnk.target,
	    MIN(node->tn_lnk.len, uio->uio_resid), uio);
	mutex_enter(&tm->tm_lock);
	tmpfs_now(&node->tn_atime);
	mutex_exit(&tm->tm_lock);
	return error;
}

static char *
tmpfs_getpage(struct tmpfs_node *node, size_t pg)
{
	size_t l;

	if (pg < TMPFS_NDIRECT)
		return node->tn_reg.direct[pg];
	pg -= TMPFS_NDIRECT;
	l = pg / TMPFS_LEAFPAGES;
	if (l >= node->tn_reg.nleaves || node->tn_reg.leaves[l] == NULL)
		return NULL;
	return node->tn_reg.leaves[l][pg % TMPFS_LEAFPAGES];
}

/*
 * The slot of page pg (beyond the direct ones) in its leaf table,
 * allocating the table and growing the leaf array as needed.  *leafp
 * is the table, to give back with tmpfs_leaf_putback if unused.
 */
static int
tmpfs_leafslot(struct tmpfs_mount *tm, struct tmpfs_node *node, size_t pg,
    char ***slotp, char ***leafp)
{
	size_t l = pg / TMPFS_LEAFPAGES;
	char ***leaves, **leaf;
	int error;

	if (l >= node->tn_reg.nleaves) {
		size_t n = MAX(l + 1, node->tn_reg.nleaves * 2);

		if ((leaves = tmpfs_alloc(tm, n * sizeof(*leaves), 1,
		    &error)) == NULL)
			return error;
		if (node->tn_reg.nleaves > 0) {
			memcpy(leaves, node->tn_reg.leaves,
			    node->tn_reg.nleaves * sizeof(*leaves));
			tmpfs_free(tm, node->tn_reg.leaves,
			    node->tn_reg.nleaves * sizeof(*leaves));
		}
		node->tn_reg.leaves = leaves;
		node->tn_reg.nleaves = n;
	}
	if ((leaf = node->tn_reg.leaves[l]) == NULL) {
		if ((leaf = tmpfs_alloc(tm, TMPFS_LEAFPAGES * sizeof(*leaf), 1,
		    &error)) == NULL)
			return error;
		node->tn_reg.leaves[l] = leaf;
	}
	*slotp = &leaf[pg % TMPFS_LEAFPAGES];
	*leafp = leaf;
	return 0;
}

/* Keep no empty leaf table behind (page pg's allocation failed). */
static void
tmpfs_leaf_putback(struct tmpfs_mount *tm, struct tmpfs_node *node,
    size_t pg, char **leaf)
{
	size_t i;

	for (i = 0; i < TMPFS_LEAFPAGES && leaf[i] == NULL;)
		i++;
	if (i == TMPFS_LEAFPAGES) {
		tmpfs_free(tm, leaf, TMPFS_LEAFPAGES * sizeof(*leaf));
		node->tn_reg.leaves[pg / TMPFS_LEAFPAGES] = NULL;
	}
}

/*
 * The page pg of node, allocated if it is a hole: zeroed, unless the
 * caller is about to overwrite all of it (zero == 0), in which case
 * *freshp tells it the page is new and its contents undefined.
 */
static int
tmpfs_allocpage(struct tmpfs_mount *tm, struct tmpfs_node *node, size_t pg,
    int zero, char **pagep, int *freshp)
{
	char **slot = NULL, **leaf = NULL, *page;
	int error;

	if (pg < TMPFS_NDIRECT) {
		slot = &node->tn_reg.direct[pg];
	} else if ((error = tmpfs_leafslot(tm, node, pg - TMPFS_NDIRECT,
	    &slot, &leaf)) != 0) {
		return error;
	}
	*freshp = 0;
	if (*slot == NULL) {
		if ((page = tmpfs_alloc(tm, PAGE_SIZE, zero, &error)) == NULL) {
			if (leaf != NULL)
				tmpfs_leaf_putback(tm, node,
				    pg - TMPFS_NDIRECT, leaf);
			return error;
		}
		*slot = page;
		node->tn_reg.npages++;
		*freshp = 1;
	}
	*pagep = *slot;
	return 0;
}

static int
tmpfs_read(struct vnode *vp, struct uio *uio, int ioflag)
{
	struct tmpfs_mount *tm = VTOTM(vp);
	struct tmpfs_node *node = VTON(vp);
	int error = 0;

	if (uio->uio_offset < 0)
		return EINVAL;
	if (vp->v_type != VREG)
		return EINVAL;
	rw_enter(&node->tn_rwlock, RW_READER);
	/* Up to UIOMOVEV_BATCH pages per copy (one hypercall). */
	while (uio->uio_resid > 0 && uio->uio_offset < node->tn_size) {
		struct iovec kiov[UIOMOVEV_BATCH];
		off_t off = uio->uio_offset;
		size_t left = MIN(uio->uio_resid,
		    (size_t)(node->tn_size - off));
		int n;

		for (n = 0; n < UIOMOVEV_BATCH && left > 0; n++) {
			size_t poff = (size_t)(off % PAGE_SIZE);
			size_t len = MIN(PAGE_SIZE - poff, left);
			char *page = tmpfs_getpage(node,
			    (size_t)(off / PAGE_SIZE));

			kiov[n].iov_base = page != NULL ? page + poff :
			    tmpfs_zeropage;
			kiov[n].iov_len = len;
			off += (off_t)len;
			left -= len;
		}
		if ((error = uiomovev(kiov, n, uio)) != 0)
			break;
	}
	rw_exit(&node->tn_rwlock);
	mutex_enter(&tm->tm_lock);
	tmpfs_now(&node->tn_atime);
	mutex_exit(&tm->tm_lock);
	return error;
}

static int
tmpfs_write(struct vnode *vp, struct uio *uio, int ioflag)
{
	struct tmpfs_mount *tm = VTOTM(vp);
	struct tmpfs_node *node = VTON(vp);
	off_t size;
	int error = 0;

	if (vp->v_type != VREG)
		return EINVAL;
	rw_enter(&node->tn_rwlock, RW_WRITER);
	size = node->tn_size;
	if (ioflag & IO_APPEND)
		uio->uio_offset = size;
	if (uio->uio_offset < 0) {
		error = EINVAL;
		goto out;
	}
	if (uio->uio_resid > 0 && (uio->uio_offset >= TMPFS_MAXFILESIZE ||
	    uio->uio_resid > (size_t)(TMPFS_MAXFILESIZE - uio->uio_offset))) {
		error = EFBIG;
		goto out;
	}
	while (uio->uio_resid > 0) {
		size_t pg = (size_t)(uio->uio_offset / PAGE_SIZE);
		size_t off = (size_t)(uio->uio_offset % PAGE_SIZE);
		size_t len = MIN(PAGE_SIZE - off, uio->uio_resid);
		size_t before = uio->uio_resid;
		int whole = off == 0 && len == PAGE_SIZE, fresh = 0;
		char *page = NULL;

		/* A page about to be overwritten whole need not be zeroed. */
		mutex_enter(&tm->tm_lock);
		error = tmpfs_allocpage(tm, node, pg, !whole, &page, &fresh);
		mutex_exit(&tm->tm_lock);
		if (error != 0)
			break;
		error = uiomove(page + off, len, uio);
		if (fresh && whole && before - uio->uio_resid < len) {
			/* A fault cut the copy short: no stale bytes. */
			size_t done = before - uio->uio_resid;

			memset(page + done, 0, len - done);
		}
		if (uio->uio_offset > size)
			size = uio->uio_offset;
		if (error != 0 || uio->uio_resid == before)
			break;
	}
	mutex_enter(&tm->tm_lock);
	node->tn_size = size;
	tmpfs_now(&node->tn_mtime);
	node->tn_ctime = node->tn_mtime;
	mutex_exit(&tm->tm_lock);
out:
	rw_exit(&node->tn_rwlock);
	return error;
}

static int
tmpfs_getattr(struct vnode *vp, struct vattr *va)
{
	struct tmpfs_mount *tm = VTOTM(vp);
	struct tmpfs_node *node = VTON(vp);

	mutex_enter(&tm->tm_lock);
	va->va_type = node->tn_type;
	va->va_mode = node->tn_mode;
	va->va_nlink = node->tn_links;
	va->va_uid = node->tn_uid;
	va->va_gid = node->tn_gid;
	va->va_fileid = node->tn_id;
	va->va_size = node->tn_size;
	va->va_bytes = node->tn_type == VREG ?
	    node->tn_reg.npages * PAGE_SIZE : 0;
	va->va_atime = node->tn_atime;
	va->va_mtime = node->tn_mtime;
	va->va_ctime = node->tn_ctime;
	va->va_blocksize = PAGE_SIZE;
	va->va_fsid = vp->v_mount->mnt_fsid;
	va->va_rdev = (node->tn_type == VCHR || node->tn_type == VBLK) ?
	    node->tn_rdev : 0;
	mutex_exit(&tm->tm_lock);
	return 0;
}

/* Truncate or extend node to size; tn_rwlock (writer), tm_lock held. */
static int
tmpfs_truncate(struct tmpfs_mount *tm, struct tmpfs_node *node, off_t size)
{
	if (size > TMPFS_MAXFILESIZE)
		return EFBIG;
	if (size < node->tn_size) {
		size_t pg = (size_t)(size / PAGE_SIZE);
		char *page = tmpfs_getpage(node, pg);

		/* Zero the tail of the last page: it reads as a hole. */
		if (page != NULL && size % PAGE_SIZE != 0) {
			memset(page + size % PAGE_SIZE, 0,
			    PAGE_SIZE - size % PAGE_SIZE);
			pg++;
		}
		tmpfs_reg_freefrom(tm, node, pg);
	}
	node->tn_size = size;
	tmpfs_now(&node->tn_mtime);
	node->tn_ctime = node->tn_mtime;
	return 0;
}

static int
tmpfs_setattr(struct vnode *vp, const struct vattr *va)
{
	struct tmpfs_mount *tm = VTOTM(vp);
	struct tmpfs_node *node = VTON(vp);
	int error = 0, trunc = va->va_size != VNOVAL && node->tn_type == VREG;

	if (trunc)
		rw_enter(&node->tn_rwlock, RW_WRITER);
	mutex_enter(&tm->tm_lock);
	if (va->va_size != VNOVAL) {
		if (node->tn_type != VREG)
			error = node->tn_type == VDIR ? EISDIR : EINVAL;
		else
			error = tmpfs_truncate(tm, node, va->va_size);
	}
	if (error == 0) {
		if (va->va_mode != (mode_t)VNOVAL)
			node->tn_mode = va->va_mode & ALLPERMS;
		if (va->va_uid != (uid_t)VNOVAL)
			node->tn_uid = va->va_uid;
		if (va->va_gid != (gid_t)VNOVAL)
			node->tn_gid = va->va_gid;
		if (va->va_atime.tv_sec != VNOVAL)
			node->tn_atime = va->va_atime;
		if (va->va_mtime.tv_sec != VNOVAL)
			node->tn_mtime = va->va_mtime;
		tmpfs_now(&node->tn_ctime);
	}
	mutex_exit(&tm->tm_lock);
	if (trunc)
		rw_exit(&node->tn_rwlock);
	return error;
}

/* Copy one entry out; EJUSTRETURN when it does not fit. */
static int
tmpfs_dirent_out(struct uio *uio, uint64_t ino, off_t next, int type,
    const char *name, size_t namelen)
{
	char buf[_DIRENT_RECLEN(NAME_MAX)] __aligned(8);
	struct dirent *d = (struct dirent *)buf;
	size_t reclen = _DIRENT_RECLEN(namelen);

	if (reclen > uio->uio_resid)
		return EJUSTRETURN;
	memset(buf, 0, reclen);
	d->d_ino = ino;
	d->d_off = next;
	d->d_reclen = (uint16_t)reclen;
	d->d_type = (uint8_t)type;
	memcpy(d->d_name, name, namelen);
	return uiomove(buf, reclen, uio);
}

static int
tmpfs_dtype(enum vtype t)
{
	switch (t) {
	case VREG:
		return DT_REG;
	case VDIR:
		return DT_DIR;
	case VLNK:
		return DT_LNK;
	case VCHR:
		return DT_CHR;
	case VBLK:
		return DT_BLK;
	case VSOCK:
		return DT_SOCK;
	default:
		return DT_UNKNOWN;
	}
}

/* readdir into a kernel uio, tm_lock held. */
static int
tmpfs_readdir_locked(struct vnode *vp, struct uio *uio, int *eofp)
{
	struct tmpfs_mount *tm = VTOTM(vp);
	struct tmpfs_node *dnode = VTON(vp), *pnode;
	struct tmpfs_dirent *td;
	off_t off = uio->uio_offset;
	size_t resid = uio->uio_resid;
	int error = 0;

	if (dnode->tn_links == 0) {
		*eofp = 1;	/* removed: empty */
		goto out;
	}
	if (off == 0) {
		if ((error = tmpfs_dirent_out(uio, dnode->tn_id, 1, DT_DIR,
		    ".", 1)) != 0)
			goto out;
		off = 1;
	}
	if (off == 1) {
		pnode = dnode == tm->tm_root ? dnode : dnode->tn_dir.parent;
		if ((error = tmpfs_dirent_out(uio, pnode->tn_id, 2, DT_DIR,
		    "..", 2)) != 0)
			goto out;
		off = 2;
	}
	if (dnode->tn_dir.hint != NULL && dnode->tn_dir.hintoff == off) {
		td = dnode->tn_dir.hint;
	} else {
		TAILQ_FOREACH(td, &dnode->tn_dir.entries, td_entries) {
			if ((off_t)td->td_cookie >= off)
				break;
		}
	}
	for (; td != NULL; td = TAILQ_NEXT(td, td_entries)) {
		error = tmpfs_dirent_out(uio, td->td_node->tn_id,
		    (off_t)td->td_cookie + 1, tmpfs_dtype(td->td_node->tn_type),
		    td->td_name, td->td_namelen);
		if (error != 0)
			break;
		off = (off_t)td->td_cookie + 1;
	}
	dnode->tn_dir.hint = td;
	dnode->tn_dir.hintoff = off;
	if (td == NULL)
		*eofp = 1;
out:
	if (error == EJUSTRETURN)
		error = uio->uio_resid == resid ? EINVAL : 0;
	if (error == 0)
		uio->uio_offset = off;
	tmpfs_now(&dnode->tn_atime);
	return error;
}

#define TMPFS_READDIR_MAX	(4 * PAGE_SIZE)

/*
 * Entries are formatted into a kernel buffer under the mount lock and
 * copied to the caller after it is dropped.
 */
static int
tmpfs_readdir(struct vnode *vp, struct uio *uio, int *eofp)
{
	struct tmpfs_mount *tm = VTOTM(vp);
	size_t len = MIN(uio->uio_resid, TMPFS_READDIR_MAX), done;
	off_t cookie = uio->uio_offset;
	struct iovec iov;
	struct uio kuio;
	char *buf;
	int error;

	*eofp = 0;
	if (vp->v_type != VDIR)
		return ENOTDIR;
	if (cookie < 0)
		return EINVAL;
	if (len == 0)
		return EINVAL;
	buf = kmem_alloc(len, KM_SLEEP);
	iov.iov_base = buf;
	iov.iov_len = len;
	kuio.uio_iov = &iov;
	kuio.uio_iovcnt = 1;
	kuio.uio_offset = cookie;
	kuio.uio_resid = len;
	kuio.uio_rw = UIO_READ;
	kuio.uio_segflg = UIO_SYSSPACE;
	mutex_enter(&tm->tm_lock);
	error = tmpfs_readdir_locked(vp, &kuio, eofp);
	mutex_exit(&tm->tm_lock);
	done = len - kuio.uio_resid;
	if (error == 0 && done > 0)
		error = uiomove(buf, done, uio);
	uio->uio_offset = error == 0 ? kuio.uio_offset : cookie;
	kmem_free(buf, len);
	return error;
}

static int
tmpfs_fsync(struct vnode *vp)
{
	return 0;
}

static const struct vnodeops tmpfs_vnodeops = {
	.vop_lookup = tmpfs_lookup,
	.vop_create = tmpfs_create,
	.vop_remove = tmpfs_remove,
	.vop_rmdir = tmpfs_rmdir,
	.vop_link = tmpfs_link,
	.vop_rename = tmpfs_rename,
	.vop_readlink = tmpfs_readlink,
	.vop_read = tmpfs_read,
	.vop_write = tmpfs_write,
	.vop_getattr = tmpfs_getattr,
	.vop_setattr = tmpfs_setattr,
	.vop_readdir = tmpfs_readdir,
	.vop_fsync = tmpfs_fsync,
	.vop_inactive = tmpfs_inactive,
};

/* "size=N[kmg]": the limit in bytes (at least 16 pages). */
static int
tmpfs_parseopts(const char *data, size_t *maxp)
{
	unsigned long long v;
	char num[32];
	size_t n;

	if (data == NULL || *data == '\0')
		return 0;
	if (strncmp(data, "size=", 5) != 0)
		return EINVAL;
	data += 5;
	n = strlen(data);
	if (n == 0 || n >= sizeof(num))
		return EINVAL;
	memcpy(num, data, n + 1);
	switch (num[n - 1]) {
	case 'k': case 'm': case 'g':
		num[n - 1] = '\0';
		break;
	}
	if (kstrtoull(num, &v) != 0)
		return EINVAL;
	switch (data[n - 1]) {
	case 'g':
		v <<= 10;
		/* FALLTHROUGH */
	case 'm':
		v <<= 10;
		/* FALLTHROUGH */
	case 'k':
		v <<= 10;
		break;
	}
	if (v < 16 * PAGE_SIZE)
		return EINVAL;
	*maxp = (size_t)v;
	return 0;
}

static int
tmpfs_mount(struct mount *mp, const char *data)
{
	struct tmpfs_mount *tm;
	struct vattr va;
	size_t max = SIZE_MAX;
	int error;

	if ((error = tmpfs_parseopts(data, &max)) != 0)
		return error;
	if ((tm = kmem_zalloc(sizeof(*tm), KM_NOSLEEP)) == NULL)
		return ENOMEM;
	mutex_init(&tm->tm_lock, MUTEX_DEFAULT, IPL_NONE);
	tm->tm_mp = mp;
	tm->tm_bytes_max = max;
	tm->tm_nextid = 2;
	LIST_INIT(&tm->tm_nodes);
	vattr_null(&va);
	va.va_type = VDIR;
	va.va_mode = 0755;
	va.va_uid = 0;
	va.va_gid = 0;
	mutex_enter(&tm->tm_lock);
	tm->tm_root = tmpfs_alloc_node(tm, &va, NULL, &error);
	mutex_exit(&tm->tm_lock);
	if (tm->tm_root == NULL) {
		mutex_destroy(&tm->tm_lock);
		kmem_free(tm, sizeof(*tm));
		return error == ENOSPC ? ENOMEM : error;
	}
	tm->tm_root->tn_dir.parent = tm->tm_root;
	mp->mnt_data = tm;
	return 0;
}

static int
tmpfs_unmount(struct mount *mp)
{
	struct tmpfs_mount *tm = mp->mnt_data;
	struct tmpfs_node *node;

	mutex_enter(&tm->tm_lock);
	/* Entries first, so every node can go. */
	LIST_FOREACH(node, &tm->tm_nodes, tn_list) {
		struct tmpfs_dirent *td;

		if (node->tn_type != VDIR)
			continue;
		while ((td = TAILQ_FIRST(&node->tn_dir.entries)) != NULL) {
			tmpfs_dir_detach(node, td);
			tmpfs_dirent_free(tm, td);
		}
	}
	while ((node = LIST_FIRST(&tm->tm_nodes)) != NULL) {
		node->tn_vnode = NULL;	/* forced: a revoked vnode */
		tmpfs_free_node(tm, node);
	}
	KASSERTMSG(tm->tm_bytes_used == 0, "tmpfs unmount: %zu bytes left",
	    tm->tm_bytes_used);
	mutex_exit(&tm->tm_lock);
	mutex_destroy(&tm->tm_lock);
	kmem_free(tm, sizeof(*tm));
	mp->mnt_data = NULL;
	return 0;
}

static int
tmpfs_root(struct mount *mp, struct vnode **vpp)
{
	struct tmpfs_mount *tm = mp->mnt_data;
	int error;

	mutex_enter(&tm->tm_lock);
	error = tmpfs_vget(tm, tm->tm_root, vpp);
	mutex_exit(&tm->tm_lock);
	return error;
}

static int
tmpfs_statvfs(struct mount *mp, struct statvfs *sb)
{
	struct tmpfs_mount *tm = mp->mnt_data;
	size_t max, used;

	mutex_enter(&tm->tm_lock);
	used = tm->tm_bytes_used;
	max = tm->tm_bytes_max;
	sb->f_files = tm->tm_nnodes;
	mutex_exit(&tm->tm_lock);
	if (max == SIZE_MAX)
		max = used + ((size_t)1 << 30);	/* unlimited: say 1 GiB free */
	sb->f_bsize = sb->f_frsize = PAGE_SIZE;
	sb->f_blocks = max / PAGE_SIZE;
	sb->f_bfree = sb->f_bavail = (max - used) / PAGE_SIZE;
	sb->f_ffree = sb->f_favail = (max - used) / sizeof(struct tmpfs_node);
	sb->f_files += sb->f_ffree;
	return 0;
}

static int
tmpfs_sync(struct mount *mp)
{
	return 0;
}

static struct vfsops tmpfs_vfsops = {
	.vfs_name = "tmpfs",
	.vfs_mount = tmpfs_mount,
	.vfs_unmount = tmpfs_unmount,
	.vfs_root = tmpfs_root,
	.vfs_statvfs = tmpfs_statvfs,
	.vfs_sync = tmpfs_sync,
};

RUMP_COMPONENT(RUMP_COMPONENT_VFS, tmpfs, "rumpvfs")
{
	return vfs_attach(&tmpfs_vfsops);
}

RUMP_COMPONENT_FINI(tmpfs)
{
	vfs_detach(&tmpfs_vfsops);
}
