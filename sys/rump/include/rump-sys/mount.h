/*
 * mount.h: mounted file systems and the table of file system types.
 * A file system component registers a struct vfsops with vfs_attach();
 * mount(2) finds it by name.  Mounts form a tree: a mount covers a
 * directory vnode of its parent (mnt_vnodecovered, whose v_mountedhere
 * points back), and path lookup crosses between them.
 */
#ifndef _RUMP_SYS_MOUNT_H_
#define _RUMP_SYS_MOUNT_H_

#include <rump-sys/types.h>
#include <rump-sys/queue.h>
#include <rump-sys/kmem.h>
#include <rump-sys/rwlock.h>

struct vnode;
struct statvfs;

#define MFSNAMELEN	16

struct mount {
	const struct vfsops	*mnt_op;
	struct vnode		*mnt_vnodecovered;	/* referenced */
	void			*mnt_data;		/* the file system's */
	unsigned int		 mnt_nvnodes;		/* vnodes, cached too */
	TAILQ_HEAD(vnodelst, vnode) mnt_vnodes;		/* vcache_lock */
	krwlock_t		 mnt_opslock;		/* the VOP gate */
	int			 mnt_iflag;		/* MNTI_* */
	unsigned int		 mnt_freeme;		/* atomic, see vrele */
	uint64_t		 mnt_fsid;
	TAILQ_ENTRY(mount)	 mnt_list;
};

#define MNTI_GONE	0x0001	/* force-unmounted; its dead vnodes remain */

struct vfsops {
	const char	*vfs_name;
	/* data: an option string ("size=1m") of data_len bytes, or NULL */
	int	(*vfs_mount)(struct mount *, const char *data);
	/*
	 * Free everything: no vnodes remain, or (forced unmount) those
	 * that remain were revoked and no longer point to nodes.
	 */
	int	(*vfs_unmount)(struct mount *);
	int	(*vfs_root)(struct mount *, struct vnode **);
	int	(*vfs_statvfs)(struct mount *, struct statvfs *);
	int	(*vfs_sync)(struct mount *);
	LIST_ENTRY(vfsops) vfs_list;
};

/* vfs_init.c */
int	vfs_attach(struct vfsops *);
void	vfs_detach(struct vfsops *);
extern struct vnode *rootvnode;

#endif /* _RUMP_SYS_MOUNT_H_ */
