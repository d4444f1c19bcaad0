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
 */
#ifndef _RUMP_SYS_CONF_H_
#define _RUMP_SYS_CONF_H_

#include <rump-sys/types.h>

struct uio;
struct buf;

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
 * counts opens with devsw_ref/devsw_unref around d_open/d_close.
 */
int	devsw_detach(const struct bdevsw *, const struct cdevsw *);
/* The switch for dev, or NULL (the caller answers ENXIO). */
const struct cdevsw *cdevsw_lookup(dev_t);
const struct bdevsw *bdevsw_lookup(dev_t);
/* Count an open of dev (devtype S_IF*_DEVTYPE): 0 or ENXIO. */
int	devsw_ref(dev_t, int devtype);
void	devsw_unref(dev_t, int devtype);
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
