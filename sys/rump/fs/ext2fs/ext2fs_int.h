/*
 * ext2fs_int.h: the second extended file system, revision 1, in its
 * classic layout: a superblock, a table of group descriptors, and per
 * group a block bitmap, an inode bitmap and an inode table; files map
 * their blocks through 12 direct, one single, one double and one triple
 * indirect pointer; directories are linear lists of records chained by
 * rec_len.  No journal, extents, htree indexes or checksums.
 *
 * The on-disk structures are little-endian; the kernel runs only on
 * little-endian hosts (checked at compile time), so they are read and
 * written as C structures.  What is shared between the files of the
 * component: the on-disk layout, the in-memory mount and node, and the
 * helpers of ext2fs_subr.c (blocks, inodes, allocation) and
 * ext2fs_dir.c (directories).
 *
 * Locking: one reader/writer lock per mount (um_lock), held as writer
 * for the whole of every operation that may touch the disk (buffer
 * cache calls sleep, so no mutex is held across them).
 *
 * Errors: a malformed superblock or an unsupported feature at mount is
 * EINVAL with a console message naming the problem; corrupt metadata
 * found later (a block number outside the file system, a bad directory
 * record, an inode number beyond the table, a directory loop) is EIO,
 * also with a message.  Neither crashes nor leaves anything held.
 */
#ifndef _EXT2FS_INT_H_
#define _EXT2FS_INT_H_

#include <rump-sys/types.h>
#include <rump-sys/queue.h>
#include <rump-sys/rwlock.h>

_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
    "ext2fs reads its little-endian structures directly");

#define EXT2_MAGIC		0xef53
#define EXT2_SBOFF		1024		/* bytes from the device start */
#define EXT2_SBSIZE		1024
#define EXT2_ROOTINO		2
#define EXT2_GOOD_OLD_FIRST_INO	11
#define EXT2_GOOD_OLD_ISIZE	128
#define EXT2_NDADDR		12
#define EXT2_NIADDR		3
#define EXT2_NBLOCKS		(EXT2_NDADDR + EXT2_NIADDR)
#define EXT2_MAXSYMLINKLEN	(EXT2_NBLOCKS * 4)	/* 60: fast symlinks */
#define EXT2_LINK_MAX		32000
#define EXT2_NAMELEN		255

/* s_state */
#define EXT2_VALID_FS		0x0001
#define EXT2_ERROR_FS		0x0002

/* Features this implementation knows. */
#define EXT2F_COMPAT_DIR_PREALLOC	0x0001
#define EXT2F_COMPAT_IMAGIC_INODES	0x0002
#define EXT2F_COMPAT_HAS_JOURNAL	0x0004
#define EXT2F_COMPAT_EXT_ATTR		0x0008
#define EXT2F_COMPAT_RESIZE_INODE	0x0010
#define EXT2F_COMPAT_DIR_INDEX		0x0020
#define EXT2F_ROCOMPAT_SPARSE_SUPER	0x0001
#define EXT2F_ROCOMPAT_LARGE_FILE	0x0002
#define EXT2F_ROCOMPAT_BTREE_DIR	0x0004
#define EXT2F_INCOMPAT_FILETYPE		0x0002
/* read-write: sparse_super (backups are already allocated), large_file */
#define EXT2F_ROCOMPAT_SUPP	(EXT2F_ROCOMPAT_SPARSE_SUPER | \
				 EXT2F_ROCOMPAT_LARGE_FILE)
#define EXT2F_INCOMPAT_SUPP	EXT2F_INCOMPAT_FILETYPE

/* i_flags */
#define EXT2_INDEX_FL		0x00001000	/* htree directory */
#define EXT2_EXTENTS_FL		0x00080000
#define EXT2_INLINE_DATA_FL	0x10000000

/* Directory record file types (with the filetype feature). */
#define EXT2_FT_UNKNOWN		0
#define EXT2_FT_REG_FILE	1
#define EXT2_FT_DIR		2
#define EXT2_FT_CHRDEV		3
#define EXT2_FT_BLKDEV		4
#define EXT2_FT_FIFO		5
#define EXT2_FT_SOCK		6
#define EXT2_FT_SYMLINK		7

struct ext2_super {
	uint32_t	s_inodes_count;
	uint32_t	s_blocks_count;
	uint32_t	s_r_blocks_count;
	uint32_t	s_free_blocks_count;
	uint32_t	s_free_inodes_count;
	uint32_t	s_first_data_block;
	uint32_t	s_log_block_size;
	uint32_t	s_log_frag_size;
	uint32_t	s_blocks_per_group;
	uint32_t	s_frags_per_group;
	uint32_t	s_inodes_per_group;
	uint32_t	s_mtime;
	uint32_t	s_wtime;
	uint16_t	s_mnt_count;
	int16_t		s_max_mnt_count;
	uint16_t	s_magic;
	uint16_t	s_state;
	uint16_t	s_errors;
	uint16_t	s_minor_rev_level;
	uint32_t	s_lastcheck;
	uint32_t	s_checkinterval;
	uint32_t	s_creator_os;
	uint32_t	s_rev_level;
	uint16_t	s_def_resuid;
	uint16_t	s_def_resgid;
	/* revision 1 */
	uint32_t	s_first_ino;
	uint16_t	s_inode_size;
	uint16_t	s_block_group_nr;
	uint32_t	s_feature_compat;
	uint32_t	s_feature_incompat;
	uint32_t	s_feature_ro_compat;
	uint8_t		s_uuid[16];
	char		s_volume_name[16];
	char		s_last_mounted[64];
	uint32_t	s_algorithm_usage_bitmap;
	uint8_t		s_prealloc_blocks;
	uint8_t		s_prealloc_dir_blocks;
	uint16_t	s_reserved_gdt_blocks;
	uint8_t		s_journal_uuid[16];
	uint32_t	s_journal_inum;
	uint32_t	s_journal_dev;
	uint32_t	s_last_orphan;
	uint32_t	s_hash_seed[4];
	uint8_t		s_def_hash_version;
	uint8_t		s_jnl_backup_type;
	uint16_t	s_desc_size;
	uint32_t	s_default_mount_opts;
	uint32_t	s_first_meta_bg;
	uint32_t	s_mkfs_time;
	uint32_t	s_jnl_blocks[17];
	uint32_t	s_blocks_count_hi;
	uint32_t	s_r_blocks_count_hi;
	uint32_t	s_free_blocks_hi;
	uint16_t	s_min_extra_isize;
	uint16_t	s_want_extra_isize;
	uint8_t		s_rest[EXT2_SBSIZE - 0x160];
};
_Static_assert(sizeof(struct ext2_super) == EXT2_SBSIZE, "superblock");
_Static_assert(__builtin_offsetof(struct ext2_super, s_min_extra_isize) ==
    0x15c, "superblock layout");

struct ext2_gd {
	uint32_t	bg_block_bitmap;
	uint32_t	bg_inode_bitmap;
	uint32_t	bg_inode_table;
	uint16_t	bg_free_blocks_count;
	uint16_t	bg_free_inodes_count;
	uint16_t	bg_used_dirs_count;
	uint16_t	bg_flags;
	uint32_t	bg_reserved[3];
};
_Static_assert(sizeof(struct ext2_gd) == 32, "group descriptor");

/* The part of an inode this implementation reads and writes. */
struct ext2_dinode {
	uint16_t	i_mode;
	uint16_t	i_uid;
	uint32_t	i_size;
	uint32_t	i_atime;
	uint32_t	i_ctime;
	uint32_t	i_mtime;
	uint32_t	i_dtime;
	uint16_t	i_gid;
	uint16_t	i_links_count;
	uint32_t	i_blocks;	/* 512-byte units */
	uint32_t	i_flags;
	uint32_t	i_osd1;
	uint32_t	i_block[EXT2_NBLOCKS];
	uint32_t	i_generation;
	uint32_t	i_file_acl;
	uint32_t	i_size_high;
	uint32_t	i_faddr;
	uint16_t	i_blocks_hi;
	uint16_t	i_file_acl_hi;
	uint16_t	i_uid_high;
	uint16_t	i_gid_high;
	uint16_t	i_checksum_lo;
	uint16_t	i_reserved;
	/* large inodes (s_inode_size > 128), as far as i_extra_isize says */
	uint16_t	i_extra_isize;
	uint16_t	i_checksum_hi;
	uint32_t	i_ctime_extra;	/* nanoseconds << 2 | epoch bits */
	uint32_t	i_mtime_extra;
	uint32_t	i_atime_extra;
	uint32_t	i_crtime;
	uint32_t	i_crtime_extra;
};
_Static_assert(sizeof(struct ext2_dinode) == 152, "inode");
#define EXT2_DINODE_EXTRA	(sizeof(struct ext2_dinode) - 128)	/* 24 */

/* A directory record; the name follows, not NUL-terminated. */
struct ext2_dirhdr {
	uint32_t	d_ino;
	uint16_t	d_reclen;
	uint8_t		d_namelen;
	uint8_t		d_type;
};
#define EXT2_DIRHDR		8
#define EXT2_DIRSIZ(namelen)	(((namelen) + EXT2_DIRHDR + 3) & ~3u)

struct ext2_node;
struct ext2_dirhash;
struct buf;
struct timespec;
#define EXT2_NHASH		256

struct ext2_mount {
	krwlock_t		 um_lock;
	struct mount		*um_mp;
	struct vnode		*um_devvp;
	int			 um_ronly;
	int			 um_fflags;	/* bdev_open flags */
	struct ext2_super	 um_sb;
	int			 um_sbdirty;
	struct ext2_gd		*um_gd;		/* um_ngroups entries */
	uint32_t		 um_gdblocks;	/* blocks the table takes */
	int			 um_gddirty;
	uint32_t		 um_bsize;
	uint32_t		 um_bshift;	/* log2(um_bsize) */
	uint32_t		 um_nindir;	/* pointers per block */
	uint32_t		 um_ngroups;
	uint32_t		 um_isize;	/* bytes per inode on disk */
	uint32_t		 um_icopy;	/* bytes of it we keep */
	uint32_t		 um_itblocks;	/* inode table blocks a group */
	uint32_t		 um_firstino;
	int			 um_filetype;	/* records carry d_type */
	struct ext2_node	*um_root;	/* the root's, for the mount */
	LIST_HEAD(, ext2_node)	 um_hash[EXT2_NHASH];
	/* indexes of directories that have no node now (dirhash.c) */
	TAILQ_HEAD(, ext2_dirhash) um_dhcache;
	unsigned int		 um_ndhcache;
};

struct ext2_node {
	LIST_ENTRY(ext2_node)	 n_hash;
	uint32_t		 n_ino;
	struct vnode		*n_vnode;
	struct ext2_dinode	 n_din;
	struct ext2_dirhash	*n_dirhash;	/* large directories, or NULL */
};

#define VTOUM(vp)	((struct ext2_mount *)(vp)->v_mount->mnt_data)
#define VTOEN(vp)	((struct ext2_node *)(vp)->v_data)

/* ext2fs_vfsops.c: write back and wait (not under um_lock): 0, EIO. */
int	ext2_flush(struct ext2_mount *);

/* ext2fs_vnops.c */
extern const struct vnodeops ext2fs_vnodeops;
struct vnode;
int	ext2_vget(struct ext2_mount *, uint32_t ino, struct vnode **);
int	ext2_icheck(struct ext2_mount *, uint32_t ino,
	    const struct ext2_dinode *);

/* ext2fs_subr.c: blocks, inodes, allocation.  um_lock held. */
int	ext2_bread(struct ext2_mount *, uint32_t blk, struct buf **);
struct buf *ext2_getblk(struct ext2_mount *, uint32_t blk);
int	ext2_blkok(struct ext2_mount *, uint32_t blk);
int	ext2_corrupt(struct ext2_mount *, uint32_t ino, const char *what);
int	ext2_iread(struct ext2_mount *, uint32_t ino, struct ext2_dinode *);
int	ext2_iupdate(struct ext2_mount *, uint32_t ino,
	    const struct ext2_dinode *);
uint64_t ext2_isize(const struct ext2_dinode *);
void	ext2_setisize(struct ext2_mount *, struct ext2_dinode *, uint64_t);
int	ext2_bmap(struct ext2_mount *, uint32_t ino, struct ext2_dinode *,
	    uint64_t lbn, int alloc, uint32_t *pbnp, int *newp);
struct ext2_node;
void	ext2_node_reclaim(struct ext2_mount *, struct ext2_node *);
int	ext2_truncate(struct ext2_mount *, uint32_t ino, struct ext2_dinode *,
	    uint64_t size);
int	ext2_ialloc(struct ext2_mount *, uint32_t pino, int isdir,
	    uint32_t *inop);
int	ext2_ifree(struct ext2_mount *, uint32_t ino, int isdir);
int	ext2_writemeta(struct ext2_mount *);
uint64_t ext2_maxfilesize(struct ext2_mount *);
void	ext2_gettime(const struct ext2_dinode *, int which, struct timespec *);
void	ext2_settime(struct ext2_mount *, struct ext2_dinode *, int which,
	    const struct timespec *);
#define EXT2_ATIME	0
#define EXT2_MTIME	1
#define EXT2_CTIME	2
void	ext2_touch(struct ext2_mount *, struct ext2_dinode *, int mtime);

/* ext2fs_dir.c: directories.  um_lock held. */
struct ext2_dirpos {
	uint64_t	dp_lbn;		/* directory block */
	uint32_t	dp_off;		/* the record in it */
	uint32_t	dp_prevoff;	/* the record before, or ~0u */
	uint32_t	dp_ino;		/* what it names */
};
int	ext2_dirlookup(struct ext2_mount *, struct ext2_node *,
	    const char *name, size_t len, struct ext2_dirpos *);
int	ext2_direnter(struct ext2_mount *, struct ext2_node *,
	    const char *name, size_t len, uint32_t ino, int ftype);
int	ext2_dirremove(struct ext2_mount *, struct ext2_node *,
	    const struct ext2_dirpos *);
int	ext2_dirrewrite(struct ext2_mount *, struct ext2_node *,
	    const struct ext2_dirpos *, uint32_t ino, int ftype);
int	ext2_dirempty(struct ext2_mount *, struct ext2_node *, int *emptyp);
int	ext2_dirinit(struct ext2_mount *, uint32_t ino, struct ext2_dinode *,
	    uint32_t pino);
int	ext2_dotdot(struct ext2_mount *, uint32_t ino,
	    const struct ext2_dinode *, uint32_t *pinop);
int	ext2_setdotdot(struct ext2_mount *, uint32_t ino,
	    struct ext2_dinode *, uint32_t pino);
struct uio;
int	ext2_readdir_locked(struct ext2_mount *, struct ext2_node *,
	    struct uio *, int *eofp);
int	ext2_ftype(uint16_t mode);

/* ext2fs_dirhash.c: the in-memory index of large directories. */
#define EXT2_DH_MINBLKS		16	/* directories of this many blocks */
int	ext2_dh_start(struct ext2_node *, uint64_t nblk);
void	ext2_dh_free(struct ext2_node *);
int	ext2_dh_add(struct ext2_node *, const char *name, size_t len,
	    uint64_t off);
void	ext2_dh_remove(struct ext2_node *, const char *name, size_t len,
	    uint64_t off);
void	ext2_dh_setfree(struct ext2_node *, uint64_t lbn, uint32_t slack);
int	ext2_dh_findfree(struct ext2_node *, uint32_t need, uint64_t *lbnp);
int	ext2_dh_next(struct ext2_node *, const char *name, size_t len,
	    int32_t *cursorp, uint64_t *offp);
/* Keep a reclaimed directory's index; give it back to its next node. */
void	ext2_dh_stash(struct ext2_mount *, struct ext2_node *);
void	ext2_dh_fetch(struct ext2_mount *, struct ext2_node *);
/* Free every kept index (unmount). */
void	ext2_dh_purge(struct ext2_mount *);

#endif /* _EXT2FS_INT_H_ */
