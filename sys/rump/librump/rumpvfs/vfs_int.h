/*
 * vfs_int.h: what the files of the VFS faction share among themselves.
 */
#ifndef _RUMPVFS_VFS_INT_H_
#define _RUMPVFS_VFS_INT_H_

#include <rump-sys/types.h>
#include <rump-sys/mutex.h>
#include <rump-sys/queue.h>

struct mount;
struct vnode;
struct file;

/*
 * Guards v_mountedhere, mnt_vnodecovered, the mount list; held across
 * an unmount.  Order: vfs_mountlock, a mount's gate, the file system's
 * locks, vcache_lock.
 */
extern kmutex_t vfs_mountlock;
extern TAILQ_HEAD(mntlist, mount) vfs_mountlist;
extern struct mount *vfs_rootmount;

struct vfsops;
const struct vfsops *vfs_getops(const char *name);
int	vfs_mountfs(const struct vfsops *, const char *data, struct mount **);
/* The file system frees its data, then the mount goes (no vnodes). */
void	vfs_freemount(struct mount *);
/* Free the struct mount itself (no vnodes, no file system data). */
void	vfs_destroymount(struct mount *);
/*
 * Unmount mp, a mount on the list other than the root, with
 * vfs_mountlock held: 0; EBUSY if its vnodes are referenced (without
 * force) or another mount is mounted on it.
 */
int	vfs_unmountfs(struct mount *, int force);

/* vfs_vnode.c */
/* 0, or EINVAL for a bad RUMP_VNODES (said on the console). */
int	vcache_init(void);
void	vcache_fini(void);
/* Reclaim the cached (unreferenced) vnodes of mp. */
void	vflush(struct mount *);
unsigned int vfs_revoke(struct mount *);
/*
 * The referenced vnode the mount of root vnode vp covers: 0, or ENOENT
 * if that mount was force-unmounted meanwhile.
 */
int	vfs_coveredvp(struct vnode *vp, struct vnode **cvpp);
/* If vp is covered by a mount, replace it with that mount's root. */
int	vfs_crossmount(struct vnode **vpp);

/* vfs_lockf.c: record locks */
struct filedesc;
void	vfs_lockf_init(void);
void	vfs_lockf_fini(void);
int	vn_advlock(struct file *, int cmd, void *uflock);
void	vn_fdclose(struct file *, struct filedesc *);

/*
 * spec_vnops.c: open the device of vp for the new file fp (f_flag set,
 * f_ops NULL).  0 with fp->f_ops still NULL: opened through d_open, fp
 * is the caller's to make a vnode file of.  0 with fp->f_ops set: a
 * cloning driver (conf.h) took fp, and the caller releases vp.  Else
 * the driver's errno (or ENXIO), nothing opened.
 */
int	spec_open_file(struct vnode *vp, struct file *fp);
/* Around each call on such a file: 0 or ENXIO (revoked); then exit. */
int	spec_fenter(struct file *fp);
void	spec_fexit(struct file *fp);
/* Its last close. */
void	spec_close_file(struct file *fp);

/* vfs_syscalls.c */
extern const struct fileops vn_fileops;
extern const struct devnode_vfsops vfs_devnodeops;
int	vfs_kmkdir(const char *kpath, mode_t mode);
/*
 * The offset whence (SEEK_SET/CUR/END) refers to in the vnode file fp:
 * 0, the file offset or the file size.  0, EINVAL or a getattr error.
 */
int	vn_whence_base(struct file *fp, int whence, off_t *basep);

#endif /* _RUMPVFS_VFS_INT_H_ */
