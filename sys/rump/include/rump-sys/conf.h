/*
 * conf.h: the device switches.  A driver registers a character device
 * switch, a block device switch or both under a name with devsw_attach
 * and gets major numbers; device nodes (mknod, or rump_vfs_makedevnode
 * from a component) name a (major, minor) pair, and opening one calls
 * through the switch.  The switches live in rumpkern (subr_devsw.c), so
 * a faction can register drivers without the VFS; the VFS's special
 * vnodes (rumpvfs/spec_vnops.c) are the only other user.
 *
 * Every entry point runs in kernel context on a virtual CPU, with no
 * VFS lock held.  A d_open that fails leaves nothing open; d_close
 * comes once for each successful d_open (per open file, not per node).
 *
 * Cloning opens.  The dev_t entry points cannot tell two open files of
 * one node apart.  A character driver that keeps state per open file
 * (audio(4)'s virtual tracks) sets d_clone instead; NetBSD's drivers
 * get the same from fd_clone() and EMOVEFD in their d_open.  open(2)
 * of its node then calls d_clone, not d_open, and the new file belongs
 * to the driver:
 *  - d_clone(dev, flag, &fops, &data) returns 0 with *fopsp set to the
 *    driver's fileops and *fdatap to its per-open state, or an errno
 *    with nothing allocated (the open fails with it).  flag as d_open's.
 *  - The file gets f_ops = *fopsp, f_data = *fdatap, f_flag = flag;
 *    its reads, writes, ioctls and polls go to those fileops, never to
 *    d_read ... d_poll.  dup(2) and descriptors a process inherits share
 *    the one file, as with any file.
 *  - The device node's vnode is released at once (as NetBSD does): the
 *    file does not keep the file system holding the node busy.
 *    fstat(2) asks fo_stat (file.h), EOPNOTSUPP without one; calls that
 *    need a vnode (lseek, pread, fchmod, fsync, flock) answer as for a
 *    pipe.
 *  - Last close calls the driver's fo_close (never d_close), which frees
 *    the data.  The switch counts the file as an open (devsw_ref) from
 *    before d_clone until after fo_close returns, so devsw_detach is
 *    EBUSY while any clone is open; the driver does no counting.
 * A cloning switch needs no d_open, d_close, d_read, d_write, d_ioctl
 * or d_poll; only character switches clone.
 */
#ifndef _RUMP_SYS_CONF_H_
#define _RUMP_SYS_CONF_H_

#include <rump-sys/types.h>

struct uio;
struct buf;
struct fileops;

typedef int32_t devmajor_t;
typedef int32_t devminor_t;
#define NODEVMAJOR	(-1)
#define NODEV		((dev_t)-1)

/* The Linux encoding, so a test's st_rdev splits with host major(). */
#define major(d)	((devmajor_t)((((d) >> 32) & 0xfffff000) | \
			    (((d) >> 8) & 0x00000fff)))
#define minor(d)	((devminor_t)((((d) >> 12) & 0xffffff00) | \
			    ((d) & 0x000000ff)))
#define makedev(ma, mi)	((((dev_t)(ma) & 0x00000fffULL) << 8) | \
			    (((dev_t)(ma) & 0xfffff000ULL) << 32) | \
			    (((dev_t)(mi) & 0x000000ffULL)) | \
			    (((dev_t)(mi) & 0xffffff00ULL) << 12))

/* d_flag of the open: FREAD, FWRITE, FNONBLOCK (file.h) */
struct cdevsw {
	int	(*d_open)(dev_t, int flag, int devtype);
	int	(*d_close)(dev_t, int flag, int devtype);
	int	(*d_read)(dev_t, struct uio *, int flag);
	int	(*d_write)(dev_t, struct uio *, int flag);
	/* data: a kernel copy of the argument, sized by the command */
	int	(*d_ioctl)(dev_t, u_long cmd, void *data, int flag);
	/* events ready now; else selrecord() and return 0 for them */
	int	(*d_poll)(dev_t, int events);
	/* optional: a cloning open (above); d_open is not called then */
	int	(*d_clone)(dev_t, int flag, const struct fileops **fopsp,
		    void **fdatap);
	int	d_flag;
};

struct bdevsw {
	int	(*d_open)(dev_t, int flag, int devtype);
	int	(*d_close)(dev_t, int flag, int devtype);
	/* start the transfer; biodone() when it completes (buf.h) */
	void	(*d_strategy)(struct buf *);
	int	(*d_ioctl)(dev_t, u_long cmd, void *data, int flag);
	/* size in DEV_BSIZE blocks, or -1 */
	int64_t	(*d_psize)(dev_t);
	int	d_flag;
};

/* devtype arguments */
#define S_IFCHR_DEVTYPE	1
#define S_IFBLK_DEVTYPE	2

#define DEV_BSHIFT	9
#define DEV_BSIZE	(1 << DEV_BSHIFT)

/*
 * Register the switches under name; either may be NULL.  *bmajor and
 * *cmajor: NODEVMAJOR asks for a free number, anything else asks for
 * that number.  0, EEXIST (the name or a requested major is taken).
 */
int	devsw_attach(const char *name, const struct bdevsw *, devmajor_t *bmajor,
	    const struct cdevsw *, devmajor_t *cmajor);
/*
 * Unregister.  EBUSY while a device of the driver is open: specfs
 * counts opens with devsw_ref/devsw_unref around d_open/d_close, and
 * a cloned file's from d_clone until its fo_close is done.
 */
int	devsw_detach(const struct bdevsw *, const struct cdevsw *);
/* The switch for dev, or NULL (the caller answers ENXIO). */
const struct cdevsw *cdevsw_lookup(dev_t);
const struct bdevsw *bdevsw_lookup(dev_t);
/* Count an open of dev (devtype S_IF*_DEVTYPE): 0 or ENXIO. */
int	devsw_ref(dev_t, int devtype);
void	devsw_unref(dev_t, int devtype);
/*
 * Revocation.  When a unit goes away for good (a forced detach) its
 * driver, after waking its sleepers and without holding its own locks,
 * calls devsw_revoke(dev, devtype): every file then open on dev through
 * a device node answers ENXIO (poll: POLLERR | POLLHUP) without
 * reaching the driver again, and its last close skips d_close.  So a
 * new unit that reuses the number never sees the old unit's files, and
 * its open count stays its own (NetBSD's vdevgone).  devsw_revoke waits
 * for the calls in progress on dev to leave the driver; files opened
 * afterwards belong to whatever has dev then.  Cloned files (d_clone)
 * are the driver's own to orphan.
 */
void	devsw_revoke(dev_t, int devtype);

/*
 * The file side of revocation, for specfs: an open file holds the
 * devopen of its device and the generation it opened at; each call
 * into the driver is bracketed by devopen_enter (ENXIO once revoked)
 * and devopen_exit.
 */
struct devopen;
struct devopen *devopen_hold(dev_t, int devtype, uint64_t *genp);
void	devopen_rele(struct devopen *);
int	devopen_enter(struct devopen *, uint64_t gen);
void	devopen_exit(struct devopen *);
bool	devopen_revoked(struct devopen *, uint64_t gen);

/* Major number of a name, or NODEVMAJOR. */
devmajor_t cdevsw_lookup_major(const char *name);
devmajor_t bdevsw_lookup_major(const char *name);

/*
 * Device nodes.  A driver asks for a node (path absolute, "/dev/audio";
 * type S_IFCHR_DEVTYPE or S_IFBLK_DEVTYPE; mode 0666-style bits).  With
 * rumpvfs linked the node appears once the root file system is mounted
 * (at once, if it already is); without it the request is kept and does
 * nothing, so a driver need not care whether a VFS is present.
 * 0, or the errno of creating the node (EEXIST, ENOENT for a missing
 * parent other than /dev, which is created on demand).
 */
int	devnode_create(const char *path, int devtype, dev_t, mode_t mode);
/* Forget and remove a node created so (a detaching driver). */
int	devnode_remove(const char *path);

/*
 * The VFS's side (rumpvfs sets these when its root is mounted and
 * clears them before unmounting it); devnode_vfs_attach creates every
 * node asked for before then.
 */
struct devnode_vfsops {
	int	(*dv_create)(const char *path, int devtype, dev_t, mode_t);
	int	(*dv_remove)(const char *path);
};
void	devnode_vfs_attach(const struct devnode_vfsops *);
void	devnode_vfs_detach(void);

#endif /* _RUMP_SYS_CONF_H_ */
