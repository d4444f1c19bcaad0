/*
 * ext2fs_vfsops.c: mounting an ext2 file system from a block device.
 *
 * Mount data is an option string, comma-separated:
 *
 *	"/dev/wd0"		the device (a kernel path), read-write
 *	"/dev/wd0,ro"		read-only ("rw" is the default)
 *	"dev=/dev/wd0,ro"	the same with the device named explicitly
 *
 * Mount reads and checks the superblock and the group descriptors
 * (EINVAL, with a console message naming what is wrong or which
 * incompatible feature the image uses); an image with read-only
 * compatible features this code does not maintain mounts only
 * read-only (EROFS otherwise, again with a message).  A read-write
 * mount marks the file system not clean on disk until unmount.  The
 * superblock and descriptors are kept in memory and written at sync,
 * fsync and unmount.
 */
#include <rump-sys/systm.h>
#include <rump-sys/buf.h>
#include <rump-sys/component.h>
#include <rump-sys/conf.h>
#include <rump-sys/file.h>
#include <rump-sys/kmem.h>
#include <rump-sys/mount.h>
#include <rump-sys/stat.h>
#include <rump-sys/time.h>
#include <rump-sys/vnode.h>

#include "ext2fs_int.h"

#define EXT2_DEVPATH_MAX	256

/* Parse the option string: 0, EINVAL. */
static int
ext2_parseopts(const char *data, char *dev, size_t devlen, int *ronlyp)
{
	const char *p = data, *end;

	*ronlyp = 0;
	dev[0] = '\0';
	if (data == NULL)
		goto nodev;
	while (*p != '\0') {
		size_t n;

		end = strchr(p, ',');
		n = end != NULL ? (size_t)(end - p) : strlen(p);
		if (n == 2 && strncmp(p, "ro", 2) == 0) {
			*ronlyp = 1;
		} else if (n == 2 && strncmp(p, "rw", 2) == 0) {
			*ronlyp = 0;
		} else if (n > 4 && strncmp(p, "dev=", 4) == 0 && n - 4 < devlen) {
			memcpy(dev, p + 4, n - 4);
			dev[n - 4] = '\0';
		} else if (n > 0 && p[0] == '/' && n < devlen) {
			memcpy(dev, p, n);
			dev[n] = '\0';
		} else {
			printf("ext2fs: unknown mount option \"%.*s\"\n", (int)n, p);
			return EINVAL;
		}
		p += n;
		if (*p == ',')
			p++;
	}
	if (dev[0] != '\0')
		return 0;
nodev:
	printf("ext2fs: mount data must name the device (\"/dev/wd0[,ro]\")\n");
	return EINVAL;
}

static int
ext2_badsb(const char *what)
{
	printf("ext2fs: not a usable ext2 file system: %s\n", what);
	return EINVAL;
}

/* Name an incompatible feature for the console. */
static const char *
ext2_incompat_name(uint32_t bits)
{
	static const struct {
		uint32_t bit;
		const char *name;
	} names[] = {
		{ 0x0001, "compression" }, { 0x0004, "needs_recovery" },
		{ 0x0008, "journal_dev" }, { 0x0010, "meta_bg" },
		{ 0x0040, "extent" }, { 0x0080, "64bit" }, { 0x0100, "mmp" },
		{ 0x0200, "flex_bg" }, { 0x0400, "ea_inode" },
		{ 0x1000, "dirdata" }, { 0x2000, "metadata_csum_seed" },
		{ 0x4000, "large_dir" }, { 0x8000, "inline_data" },
		{ 0x10000, "encrypt" }, { 0x20000, "casefold" },
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (bits & names[i].bit)
			return names[i].name;
	}
	return "unknown";
}

static const char *
ext2_rocompat_name(uint32_t bits)
{
	static const struct {
		uint32_t bit;
		const char *name;
	} names[] = {
		{ 0x0004, "btree_dir" }, { 0x0008, "huge_file" },
		{ 0x0010, "uninit_bg" }, { 0x0020, "dir_nlink" },
		{ 0x0040, "extra_isize" }, { 0x0100, "quota" },
		{ 0x0200, "bigalloc" }, { 0x0400, "metadata_csum" },
		{ 0x1000, "readonly" }, { 0x2000, "project" },
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (bits & names[i].bit)
			return names[i].name;
	}
	return "unknown";
}

/* Check the superblock and derive the geometry: 0, EINVAL, EROFS. */
static int
ext2_checksb(struct ext2_mount *um, int64_t devblocks)
{
	struct ext2_super *sb = &um->um_sb;
	uint32_t bits;

	if (sb->s_magic != EXT2_MAGIC)
		return ext2_badsb("bad magic number");
	if (sb->s_rev_level > 1)
		return ext2_badsb("revision newer than 1");
	/* rec_len, 16 bits, must span an empty directory block */
	if (sb->s_log_block_size > 5)
		return ext2_badsb("block size over 32 KiB");
	um->um_bshift = 10 + sb->s_log_block_size;
	um->um_bsize = 1u << um->um_bshift;
	um->um_nindir = um->um_bsize / 4;
	if ((bits = sb->s_feature_incompat & ~EXT2F_INCOMPAT_SUPP) != 0 &&
	    sb->s_rev_level > 0) {
		printf("ext2fs: unsupported incompatible feature %s (0x%x)\n",
		    ext2_incompat_name(bits), bits);
		return EINVAL;
	}
	if ((bits = sb->s_feature_ro_compat & ~EXT2F_ROCOMPAT_SUPP) != 0 &&
	    sb->s_rev_level > 0 && !um->um_ronly) {
		printf("ext2fs: read-only compatible feature %s (0x%x) is not "
		    "supported for writing; mount read-only\n",
		    ext2_rocompat_name(bits), bits);
		return EROFS;
	}
	if (sb->s_rev_level == 0) {
		um->um_isize = EXT2_GOOD_OLD_ISIZE;
		um->um_firstino = EXT2_GOOD_OLD_FIRST_INO;
	} else {
		um->um_isize = sb->s_inode_size;
		um->um_firstino = sb->s_first_ino;
		um->um_filetype = (sb->s_feature_incompat &
		    EXT2F_INCOMPAT_FILETYPE) != 0;
	}
	if (um->um_isize < EXT2_GOOD_OLD_ISIZE || um->um_isize > um->um_bsize ||
	    (um->um_isize & (um->um_isize - 1)) != 0)
		return ext2_badsb("bad inode size");
	if (sb->s_first_data_block != (um->um_bsize == 1024 ? 1u : 0u))
		return ext2_badsb("bad first data block");
	if (sb->s_blocks_per_group == 0 ||
	    sb->s_blocks_per_group > 8 * um->um_bsize ||
	    sb->s_inodes_per_group == 0 ||
	    sb->s_inodes_per_group > 8 * um->um_bsize ||
	    (sb->s_inodes_per_group * um->um_isize) % um->um_bsize != 0)
		return ext2_badsb("bad group geometry");
	if (sb->s_blocks_count <= sb->s_first_data_block + 1)
		return ext2_badsb("too few blocks");
	if (devblocks >= 0 && (uint64_t)sb->s_blocks_count << um->um_bshift >
	    (uint64_t)devblocks << DEV_BSHIFT)
		return ext2_badsb("file system larger than its device");
	um->um_ngroups = howmany(sb->s_blocks_count - sb->s_first_data_block,
	    sb->s_blocks_per_group);
	if ((uint64_t)um->um_ngroups * sb->s_inodes_per_group !=
	    sb->s_inodes_count)
		return ext2_badsb("inode count does not match the groups");
	if (um->um_firstino < EXT2_ROOTINO + 1 ||
	    um->um_firstino > sb->s_inodes_count)
		return ext2_badsb("bad first inode");
	if (sb->s_free_blocks_count > sb->s_blocks_count ||
	    sb->s_free_inodes_count > sb->s_inodes_count)
		return ext2_badsb("free counts exceed the totals");
	um->um_itblocks = sb->s_inodes_per_group * um->um_isize / um->um_bsize;
	um->um_gdblocks = howmany(um->um_ngroups * sizeof(struct ext2_gd),
	    um->um_bsize);
	return 0;
}

/* Read and check the group descriptors: 0, ENOMEM, EINVAL, EIO. */
static int
ext2_readgd(struct ext2_mount *um)
{
	size_t len = um->um_ngroups * sizeof(struct ext2_gd), done = 0;
	struct buf *bp;
	int error;

	if ((um->um_gd = kmem_alloc(len, KM_NOSLEEP)) == NULL)
		return ENOMEM;
	for (uint32_t i = 0; i < um->um_gdblocks; i++) {
		size_t n = MIN(len - done, um->um_bsize);

		if ((error = ext2_bread(um, um->um_sb.s_first_data_block + 1 + i,
		    &bp)) != 0)
			return error;
		memcpy((char *)um->um_gd + done, bp->b_data, n);
		brelse(bp);
		done += n;
	}
	for (uint32_t g = 0; g < um->um_ngroups; g++) {
		const struct ext2_gd *gd = &um->um_gd[g];

		if (!ext2_blkok(um, gd->bg_block_bitmap) ||
		    !ext2_blkok(um, gd->bg_inode_bitmap) ||
		    !ext2_blkok(um, gd->bg_inode_table) ||
		    gd->bg_inode_table + um->um_itblocks >
		    um->um_sb.s_blocks_count ||
		    gd->bg_inode_table + um->um_itblocks < gd->bg_inode_table)
			return ext2_badsb("group descriptor points outside the "
			    "device");
		if (gd->bg_free_inodes_count > um->um_sb.s_inodes_per_group ||
		    gd->bg_free_blocks_count > um->um_sb.s_blocks_per_group)
			return ext2_badsb("group descriptor free counts");
	}
	return 0;
}

static void
ext2_freemount(struct ext2_mount *um)
{
	ext2_dh_purge(um);
	if (um->um_root != NULL) {
		KASSERT(um->um_root->n_vnode == NULL);
		ext2_dh_free(um->um_root);
		kmem_free(um->um_root, sizeof(*um->um_root));
	}
	if (um->um_gd != NULL)
		kmem_free(um->um_gd, um->um_ngroups * sizeof(struct ext2_gd));
	rw_destroy(&um->um_lock);
	kmem_free(um, sizeof(*um));
}

static int64_t
ext2_devblocks(struct vnode *devvp)
{
	const struct bdevsw *bd = bdevsw_lookup(devvp->v_rdev);

	if (bd == NULL || bd->d_psize == NULL)
		return -1;
	return bd->d_psize(devvp->v_rdev);
}

/* Superblock, descriptors and root of the opened device: 0 or errno. */
static int
ext2_mountfs(struct ext2_mount *um)
{
	struct timespec now;
	struct buf *bp;
	int error;

	if ((error = bread(um->um_devvp, EXT2_SBOFF / DEV_BSIZE, EXT2_SBSIZE,
	    &bp)) != 0)
		return error;
	memcpy(&um->um_sb, bp->b_data, EXT2_SBSIZE);
	brelse(bp);
	if ((error = ext2_checksb(um, ext2_devblocks(um->um_devvp))) != 0)
		return error;
	if ((error = ext2_readgd(um)) != 0)
		return error;
	if ((um->um_root = kmem_zalloc(sizeof(*um->um_root),
	    KM_NOSLEEP)) == NULL)
		return ENOMEM;
	um->um_root->n_ino = EXT2_ROOTINO;
	if ((error = ext2_iread(um, EXT2_ROOTINO, &um->um_root->n_din)) != 0)
		return error;
	if (!S_ISDIR(um->um_root->n_din.i_mode) ||
	    um->um_root->n_din.i_links_count == 0 ||
	    ext2_icheck(um, EXT2_ROOTINO, &um->um_root->n_din) != 0)
		return ext2_badsb("the root inode is not a directory");
	if (!(um->um_sb.s_state & EXT2_VALID_FS) ||
	    (um->um_sb.s_state & EXT2_ERROR_FS))
		printf("ext2fs: warning: file system not clean; run fsck\n");
	if (um->um_ronly)
		return 0;
	/* mounted read-write: not clean on disk until unmount */
	um->um_sb.s_state &= (uint16_t)~EXT2_VALID_FS;
	um->um_sb.s_mnt_count++;
	getnanotime(&now);
	um->um_sb.s_mtime = (uint32_t)now.tv_sec;
	um->um_sbdirty = 1;
	if ((error = ext2_writemeta(um)) != 0)
		return error;
	return vflushbuf(um->um_devvp, 1);
}

static int
ext2fs_mount(struct mount *mp, const char *data)
{
	struct ext2_mount *um;
	char *dev;
	int error, ronly;

	dev = kmem_alloc(EXT2_DEVPATH_MAX, KM_SLEEP);
	if ((error = ext2_parseopts(data, dev, EXT2_DEVPATH_MAX, &ronly)) != 0)
		goto out;
	if ((um = kmem_zalloc(sizeof(*um), KM_NOSLEEP)) == NULL) {
		error = ENOMEM;
		goto out;
	}
	rw_init(&um->um_lock);
	um->um_mp = mp;
	um->um_ronly = ronly;
	um->um_fflags = FREAD | (ronly ? 0 : FWRITE);
	for (int i = 0; i < EXT2_NHASH; i++)
		LIST_INIT(&um->um_hash[i]);
	TAILQ_INIT(&um->um_dhcache);
	if ((error = bdev_open(dev, um->um_fflags, &um->um_devvp)) != 0) {
		ext2_freemount(um);
		goto out;
	}
	if ((error = ext2_mountfs(um)) != 0) {
		bdev_close(um->um_devvp, um->um_fflags);
		ext2_freemount(um);
		goto out;
	}
	mp->mnt_data = um;
out:
	kmem_free(dev, EXT2_DEVPATH_MAX);
	return error;
}

static int
ext2fs_unmount(struct mount *mp)
{
	struct ext2_mount *um = mp->mnt_data;
	struct ext2_node *n;
	int error = 0;

	/* After a forced unmount: the nodes of revoked vnodes. */
	rw_enter(&um->um_lock, RW_WRITER);
	for (int i = 0; i < EXT2_NHASH; i++) {
		while ((n = LIST_FIRST(&um->um_hash[i])) != NULL)
			ext2_node_reclaim(um, n);
	}
	rw_exit(&um->um_lock);
	if (!um->um_ronly) {
		um->um_sb.s_state |= EXT2_VALID_FS;
		um->um_sbdirty = 1;
		error = ext2_flush(um);
	}
	bdev_close(um->um_devvp, um->um_fflags);
	ext2_freemount(um);
	mp->mnt_data = NULL;
	return error;
}

static int
ext2fs_root(struct mount *mp, struct vnode **vpp)
{
	struct ext2_mount *um = mp->mnt_data;
	int error;

	rw_enter(&um->um_lock, RW_WRITER);
	error = ext2_vget(um, EXT2_ROOTINO, vpp);
	rw_exit(&um->um_lock);
	return error;
}

static int
ext2fs_statvfs(struct mount *mp, struct statvfs *sv)
{
	struct ext2_mount *um = mp->mnt_data;
	const struct ext2_super *sb = &um->um_sb;

	rw_enter(&um->um_lock, RW_WRITER);
	sv->f_bsize = sv->f_frsize = um->um_bsize;
	sv->f_blocks = sb->s_blocks_count;
	sv->f_bfree = sb->s_free_blocks_count;
	sv->f_bavail = sb->s_free_blocks_count > sb->s_r_blocks_count ?
	    sb->s_free_blocks_count - sb->s_r_blocks_count : 0;
	sv->f_files = sb->s_inodes_count;
	sv->f_ffree = sv->f_favail = sb->s_free_inodes_count;
	sv->f_flag = um->um_ronly ? 1 : 0;	/* ST_RDONLY */
	rw_exit(&um->um_lock);
	return 0;
}

/*
 * Write everything back and wait: 0 or the first write error.  A
 * failed write-back (the buffer cache drops what it could not write)
 * leaves the disk out of step with the kernel: the superblock then
 * records the error state, for fsck, and the console says so.
 */
int
ext2_flush(struct ext2_mount *um)
{
	int error;

	if (um->um_ronly)
		return 0;
	rw_enter(&um->um_lock, RW_WRITER);
	error = ext2_writemeta(um);
	rw_exit(&um->um_lock);
	if (error == 0)
		error = vflushbuf(um->um_devvp, 1);
	if (error != 0) {
		printf("ext2fs: write-back failed (%d); marking the file "
		    "system as having errors: run fsck\n", error);
		rw_enter(&um->um_lock, RW_WRITER);
		um->um_sb.s_state |= EXT2_ERROR_FS;
		um->um_sbdirty = 1;
		(void)ext2_writemeta(um);
		rw_exit(&um->um_lock);
		(void)vflushbuf(um->um_devvp, 1);
	}
	return error;
}

static int
ext2fs_sync(struct mount *mp)
{
	return ext2_flush(mp->mnt_data);
}

static struct vfsops ext2fs_vfsops = {
	.vfs_name = "ext2fs",
	.vfs_mount = ext2fs_mount,
	.vfs_unmount = ext2fs_unmount,
	.vfs_root = ext2fs_root,
	.vfs_statvfs = ext2fs_statvfs,
	.vfs_sync = ext2fs_sync,
};

RUMP_COMPONENT(RUMP_COMPONENT_VFS, ext2fs, "rumpvfs")
{
	return vfs_attach(&ext2fs_vfsops);
}

RUMP_COMPONENT_FINI(ext2fs)
{
	vfs_detach(&ext2fs_vfsops);
}
