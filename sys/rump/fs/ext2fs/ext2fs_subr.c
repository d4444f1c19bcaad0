/*
 * ext2fs_subr.c: the block level of ext2: reading and writing inodes
 * in their tables, mapping a file's logical blocks through the direct
 * and indirect pointers (allocating on write), truncating (freeing data
 * and indirect blocks), and the block and inode bitmaps with the free
 * counts of the group descriptors and the superblock.  Every function
 * expects um_lock held as writer.
 */
#include <rump-sys/systm.h>
#include <rump-sys/buf.h>
#include <rump-sys/kmem.h>
#include <rump-sys/mount.h>
#include <rump-sys/stat.h>
#include <rump-sys/time.h>
#include <rump-sys/vnode.h>

#include "ext2fs_int.h"

/*
 * Something is wrong with the disk or what is on it: an operation may
 * have stopped half way, so the superblock records the error state (for
 * fsck; written at the next sync) as Linux's ext2_error does.
 */
static void
ext2_markerror(struct ext2_mount *um)
{
	if (um->um_ronly || (um->um_sb.s_state & EXT2_ERROR_FS))
		return;
	um->um_sb.s_state |= EXT2_ERROR_FS;
	um->um_sbdirty = 1;
}

int
ext2_corrupt(struct ext2_mount *um, uint32_t ino, const char *what)
{
	printf("ext2fs: corrupt file system: inode %u: %s\n", ino, what);
	ext2_markerror(um);
	return EIO;
}

int
ext2_blkok(struct ext2_mount *um, uint32_t blk)
{
	return blk >= um->um_sb.s_first_data_block &&
	    blk < um->um_sb.s_blocks_count;
}

/* File system block blk, read: 0, or EIO (bad number, I/O error). */
int
ext2_bread(struct ext2_mount *um, uint32_t blk, struct buf **bpp)
{
	int error;

	if (!ext2_blkok(um, blk) && blk != 0) {
		*bpp = NULL;
		return ext2_corrupt(um, 0, "block number outside the device");
	}
	error = bread(um->um_devvp, (daddr_t)blk << (um->um_bshift -
	    DEV_BSHIFT), (int)um->um_bsize, bpp);
	if (error != 0)
		ext2_markerror(um);
	return error;
}

/* File system block blk, busy, contents undefined unless B_DONE. */
struct buf *
ext2_getblk(struct ext2_mount *um, uint32_t blk)
{
	KASSERT(ext2_blkok(um, blk));
	return getblk(um->um_devvp,
	    (daddr_t)blk << (um->um_bshift - DEV_BSHIFT), (int)um->um_bsize);
}

/* Where inode ino lives: its table block and the offset in it. */
static int
ext2_iloc(struct ext2_mount *um, uint32_t ino, uint32_t *blkp,
    uint32_t *offp)
{
	uint32_t g, idx, byte;

	if (ino < 1 || ino > um->um_sb.s_inodes_count)
		return ext2_corrupt(um, ino, "inode number beyond the table");
	g = (ino - 1) / um->um_sb.s_inodes_per_group;
	idx = (ino - 1) % um->um_sb.s_inodes_per_group;
	byte = idx * um->um_isize;
	*blkp = um->um_gd[g].bg_inode_table + (byte >> um->um_bshift);
	*offp = byte & (um->um_bsize - 1);
	return 0;
}

/* Bytes of the on-disk inode din's copy mirrors. */
static size_t
ext2_icopylen(struct ext2_mount *um, const struct ext2_dinode *din)
{
	size_t extra;

	if (um->um_isize <= EXT2_GOOD_OLD_ISIZE)
		return EXT2_GOOD_OLD_ISIZE;
	extra = MIN(din->i_extra_isize, EXT2_DINODE_EXTRA);
	return EXT2_GOOD_OLD_ISIZE + MIN(extra, um->um_isize -
	    EXT2_GOOD_OLD_ISIZE);
}

/* Read inode ino into din: 0, EIO. */
int
ext2_iread(struct ext2_mount *um, uint32_t ino, struct ext2_dinode *din)
{
	struct buf *bp;
	uint32_t blk, off;
	size_t n;
	int error;

	if ((error = ext2_iloc(um, ino, &blk, &off)) != 0)
		return error;
	if ((error = ext2_bread(um, blk, &bp)) != 0)
		return error;
	memset(din, 0, sizeof(*din));
	memcpy(din, (char *)bp->b_data + off, EXT2_GOOD_OLD_ISIZE);
	if (um->um_isize > EXT2_GOOD_OLD_ISIZE) {
		memcpy(&din->i_extra_isize, (char *)bp->b_data + off +
		    EXT2_GOOD_OLD_ISIZE, 2);
		n = ext2_icopylen(um, din);
		memcpy(din, (char *)bp->b_data + off, n);
	}
	brelse(bp);
	return 0;
}

/* Write din back as inode ino (delayed): 0, EIO. */
int
ext2_iupdate(struct ext2_mount *um, uint32_t ino,
    const struct ext2_dinode *din)
{
	struct buf *bp;
	uint32_t blk, off;
	int error;

	KASSERT(!um->um_ronly);
	if ((error = ext2_iloc(um, ino, &blk, &off)) != 0)
		return error;
	if ((error = ext2_bread(um, blk, &bp)) != 0)
		return error;
	memcpy((char *)bp->b_data + off, din, ext2_icopylen(um, din));
	bdwrite(bp);
	return 0;
}

uint64_t
ext2_isize(const struct ext2_dinode *din)
{
	uint64_t size = din->i_size;

	if (S_ISREG(din->i_mode))
		size |= (uint64_t)din->i_size_high << 32;
	return size;
}

/* Set the size; a regular file over 2 GiB marks the large_file feature. */
void
ext2_setisize(struct ext2_mount *um, struct ext2_dinode *din, uint64_t size)
{
	din->i_size = (uint32_t)size;
	if (S_ISREG(din->i_mode)) {
		din->i_size_high = (uint32_t)(size >> 32);
		if (size >= ((uint64_t)1 << 31) &&
		    !(um->um_sb.s_feature_ro_compat &
		    EXT2F_ROCOMPAT_LARGE_FILE)) {
			um->um_sb.s_feature_ro_compat |=
			    EXT2F_ROCOMPAT_LARGE_FILE;
			um->um_sbdirty = 1;
		}
	}
}

/* Largest file: what the pointers reach, and under 2^32 sectors. */
uint64_t
ext2_maxfilesize(struct ext2_mount *um)
{
	uint64_t n = um->um_nindir, blocks, max;

	blocks = EXT2_NDADDR + n + n * n + n * n * n;
	max = blocks << um->um_bshift;
	/* i_blocks counts 512-byte sectors in 32 bits */
	if (max > ((uint64_t)1 << 41) - um->um_bsize * 4)
		max = ((uint64_t)1 << 41) - um->um_bsize * 4;
	return max;
}

/* Times: seconds, and nanoseconds where the inode has room. */
static int
ext2_hasnsec(const struct ext2_dinode *din)
{
	return din->i_extra_isize >= 16;
}

void
ext2_gettime(const struct ext2_dinode *din, int which, struct timespec *ts)
{
	static const size_t soff[] = {
		offsetof(struct ext2_dinode, i_atime),
		offsetof(struct ext2_dinode, i_mtime),
		offsetof(struct ext2_dinode, i_ctime),
	};
	static const size_t xoff[] = {
		offsetof(struct ext2_dinode, i_atime_extra),
		offsetof(struct ext2_dinode, i_mtime_extra),
		offsetof(struct ext2_dinode, i_ctime_extra),
	};
	uint32_t sec, extra = 0;

	memcpy(&sec, (const char *)din + soff[which], 4);
	ts->tv_sec = (int32_t)sec;
	ts->tv_nsec = 0;
	if (ext2_hasnsec(din)) {
		memcpy(&extra, (const char *)din + xoff[which], 4);
		ts->tv_sec += (int64_t)(extra & 3) << 32;
		ts->tv_nsec = (long)(extra >> 2);
		if (ts->tv_nsec >= 1000000000)
			ts->tv_nsec = 0;
	}
}

void
ext2_settime(struct ext2_mount *um, struct ext2_dinode *din, int which,
    const struct timespec *ts)
{
	static const size_t soff[] = {
		offsetof(struct ext2_dinode, i_atime),
		offsetof(struct ext2_dinode, i_mtime),
		offsetof(struct ext2_dinode, i_ctime),
	};
	static const size_t xoff[] = {
		offsetof(struct ext2_dinode, i_atime_extra),
		offsetof(struct ext2_dinode, i_mtime_extra),
		offsetof(struct ext2_dinode, i_ctime_extra),
	};
	uint32_t sec = (uint32_t)ts->tv_sec, extra;

	memcpy((char *)din + soff[which], &sec, 4);
	if (ext2_hasnsec(din)) {
		extra = ((uint32_t)ts->tv_nsec << 2) |
		    (uint32_t)(((ts->tv_sec - (int32_t)sec) >> 32) & 3);
		memcpy((char *)din + xoff[which], &extra, 4);
	}
}

/* ctime, and mtime too if asked, to now. */
void
ext2_touch(struct ext2_mount *um, struct ext2_dinode *din, int mtime)
{
	struct timespec now;

	getnanotime(&now);
	ext2_settime(um, din, EXT2_CTIME, &now);
	if (mtime)
		ext2_settime(um, din, EXT2_MTIME, &now);
}

/*
 * Bitmaps.  Group g's bitmap block holds one bit per block (inode) of
 * the group; nbits of them are in use by the file system.
 */
static int
ext2_bitmap_find(uint8_t *map, uint32_t nbits, uint32_t start,
    uint32_t *bitp)
{
	for (uint32_t i = 0; i < nbits; i++) {
		uint32_t b = (start + i) % nbits;

		if ((b & 7) == 0 && map[b >> 3] == 0xff && b + 8 <= nbits) {
			i += 7;
			continue;
		}
		if (!(map[b >> 3] & (1u << (b & 7)))) {
			*bitp = b;
			return 0;
		}
	}
	return ENOSPC;
}

static uint32_t
ext2_group_nblocks(struct ext2_mount *um, uint32_t g)
{
	uint32_t first = um->um_sb.s_first_data_block +
	    g * um->um_sb.s_blocks_per_group;

	return MIN(um->um_sb.s_blocks_per_group,
	    um->um_sb.s_blocks_count - first);
}

/* Allocate a block, near goal if it is one: 0, ENOSPC, EIO. */
static int
ext2_balloc(struct ext2_mount *um, uint32_t goal, uint32_t *bnp)
{
	uint32_t g0 = 0, start = 0, bit;
	struct buf *bp;
	int error;

	if (um->um_sb.s_free_blocks_count == 0)
		return ENOSPC;
	if (ext2_blkok(um, goal)) {
		g0 = (goal - um->um_sb.s_first_data_block) /
		    um->um_sb.s_blocks_per_group;
		start = (goal - um->um_sb.s_first_data_block) %
		    um->um_sb.s_blocks_per_group;
	}
	for (uint32_t i = 0; i < um->um_ngroups; i++) {
		uint32_t g = (g0 + i) % um->um_ngroups;
		struct ext2_gd *gd = &um->um_gd[g];

		if (gd->bg_free_blocks_count == 0)
			continue;
		if ((error = ext2_bread(um, gd->bg_block_bitmap, &bp)) != 0)
			return error;
		if (ext2_bitmap_find(bp->b_data, ext2_group_nblocks(um, g),
		    i == 0 ? start : 0, &bit) != 0) {
			brelse(bp);
			printf("ext2fs: group %u: free block count %u, bitmap "
			    "full\n", g, gd->bg_free_blocks_count);
			continue;
		}
		((uint8_t *)bp->b_data)[bit >> 3] |= (uint8_t)(1u << (bit & 7));
		bdwrite(bp);
		gd->bg_free_blocks_count--;
		um->um_sb.s_free_blocks_count--;
		um->um_gddirty = um->um_sbdirty = 1;
		*bnp = um->um_sb.s_first_data_block +
		    g * um->um_sb.s_blocks_per_group + bit;
		return 0;
	}
	return ENOSPC;
}

/* Free block bn: 0, EIO (not a block of the file system, or free). */
static int
ext2_bfree(struct ext2_mount *um, uint32_t bn)
{
	uint32_t g, bit;
	struct buf *bp;
	uint8_t *byte;
	int error;

	if (!ext2_blkok(um, bn))
		return ext2_corrupt(um, 0, "freeing a block outside the device");
	g = (bn - um->um_sb.s_first_data_block) / um->um_sb.s_blocks_per_group;
	bit = (bn - um->um_sb.s_first_data_block) %
	    um->um_sb.s_blocks_per_group;
	if ((error = ext2_bread(um, um->um_gd[g].bg_block_bitmap, &bp)) != 0)
		return error;
	byte = (uint8_t *)bp->b_data + (bit >> 3);
	if (!(*byte & (1u << (bit & 7)))) {
		brelse(bp);
		return ext2_corrupt(um, 0, "freeing a free block");
	}
	*byte &= (uint8_t)~(1u << (bit & 7));
	bdwrite(bp);
	um->um_gd[g].bg_free_blocks_count++;
	um->um_sb.s_free_blocks_count++;
	um->um_gddirty = um->um_sbdirty = 1;
	return 0;
}

/*
 * Allocate an inode: a directory goes to the group with the most free
 * inodes, anything else near its parent.  The on-disk inode is zeroed.
 * 0, ENOSPC, EIO.
 */
int
ext2_ialloc(struct ext2_mount *um, uint32_t pino, int isdir, uint32_t *inop)
{
	uint32_t g0 = 0, bit, ino, blk, off, ipg = um->um_sb.s_inodes_per_group;
	struct buf *bp;
	int error;

	if (um->um_sb.s_free_inodes_count == 0)
		return ENOSPC;
	if (isdir) {
		for (uint32_t g = 0; g < um->um_ngroups; g++) {
			if (um->um_gd[g].bg_free_inodes_count >
			    um->um_gd[g0].bg_free_inodes_count)
				g0 = g;
		}
	} else if (pino >= 1 && pino <= um->um_sb.s_inodes_count) {
		g0 = (pino - 1) / ipg;
	}
	for (uint32_t i = 0; i < um->um_ngroups; i++) {
		uint32_t g = (g0 + i) % um->um_ngroups;
		struct ext2_gd *gd = &um->um_gd[g];

		if (gd->bg_free_inodes_count == 0)
			continue;
		if ((error = ext2_bread(um, gd->bg_inode_bitmap, &bp)) != 0)
			return error;
		if (ext2_bitmap_find(bp->b_data, ipg, 0, &bit) != 0 ||
		    g * ipg + bit + 1 < um->um_firstino) {
			brelse(bp);
			printf("ext2fs: group %u: free inode count %u, bitmap "
			    "full\n", g, gd->bg_free_inodes_count);
			continue;
		}
		((uint8_t *)bp->b_data)[bit >> 3] |= (uint8_t)(1u << (bit & 7));
		bdwrite(bp);
		gd->bg_free_inodes_count--;
		if (isdir)
			gd->bg_used_dirs_count++;
		um->um_sb.s_free_inodes_count--;
		um->um_gddirty = um->um_sbdirty = 1;
		ino = g * ipg + bit + 1;
		/* a clean slate, whatever the last user left */
		if ((error = ext2_iloc(um, ino, &blk, &off)) != 0 ||
		    (error = ext2_bread(um, blk, &bp)) != 0) {
			(void)ext2_ifree(um, ino, isdir);
			return error;
		}
		memset((char *)bp->b_data + off, 0, um->um_isize);
		bdwrite(bp);
		*inop = ino;
		return 0;
	}
	return ENOSPC;
}

/* Free inode ino in its bitmap: 0, EIO. */
int
ext2_ifree(struct ext2_mount *um, uint32_t ino, int isdir)
{
	uint32_t g, bit, ipg = um->um_sb.s_inodes_per_group;
	struct buf *bp;
	uint8_t *byte;
	int error;

	if (ino < um->um_firstino || ino > um->um_sb.s_inodes_count)
		return ext2_corrupt(um, ino, "freeing a reserved inode");
	g = (ino - 1) / ipg;
	bit = (ino - 1) % ipg;
	if ((error = ext2_bread(um, um->um_gd[g].bg_inode_bitmap, &bp)) != 0)
		return error;
	byte = (uint8_t *)bp->b_data + (bit >> 3);
	if (!(*byte & (1u << (bit & 7)))) {
		brelse(bp);
		return ext2_corrupt(um, ino, "freeing a free inode");
	}
	*byte &= (uint8_t)~(1u << (bit & 7));
	bdwrite(bp);
	um->um_gd[g].bg_free_inodes_count++;
	if (isdir && um->um_gd[g].bg_used_dirs_count > 0)
		um->um_gd[g].bg_used_dirs_count--;
	um->um_sb.s_free_inodes_count++;
	um->um_gddirty = um->um_sbdirty = 1;
	return 0;
}

/* A fresh block for inode din (zeroed if zero): counts it in i_blocks. */
static int
ext2_newblock(struct ext2_mount *um, struct ext2_dinode *din, uint32_t goal,
    int zero, uint32_t *bnp)
{
	struct buf *bp;
	int error;

	if ((error = ext2_balloc(um, goal, bnp)) != 0)
		return error;
	din->i_blocks += um->um_bsize >> DEV_BSHIFT;
	if (zero) {
		bp = ext2_getblk(um, *bnp);
		memset(bp->b_data, 0, um->um_bsize);
		bdwrite(bp);
	}
	return 0;
}

/*
 * The path from the inode to logical block lbn: the level (0 direct,
 * 1..3 indirect) and the index at each level.
 */
static int
ext2_bpath(struct ext2_mount *um, uint64_t lbn, uint32_t idx[4])
{
	uint64_t n = um->um_nindir;

	if (lbn < EXT2_NDADDR) {
		idx[0] = (uint32_t)lbn;
		return 0;
	}
	lbn -= EXT2_NDADDR;
	if (lbn < n) {
		idx[0] = EXT2_NDADDR;
		idx[1] = (uint32_t)lbn;
		return 1;
	}
	lbn -= n;
	if (lbn < n * n) {
		idx[0] = EXT2_NDADDR + 1;
		idx[1] = (uint32_t)(lbn / n);
		idx[2] = (uint32_t)(lbn % n);
		return 2;
	}
	lbn -= n * n;
	idx[0] = EXT2_NDADDR + 2;
	idx[1] = (uint32_t)(lbn / (n * n));
	idx[2] = (uint32_t)(lbn / n % n);
	idx[3] = (uint32_t)(lbn % n);
	return 3;
}

/*
 * Logical block lbn of inode ino (din) to a device block: *pbnp 0 for a
 * hole.  With alloc, holes (and missing indirect blocks) are filled and
 * *newp says the data block is new (its contents undefined; indirect
 * blocks come zeroed).  0, ENOSPC, EFBIG, EIO.
 */
int
ext2_bmap(struct ext2_mount *um, uint32_t ino, struct ext2_dinode *din,
    uint64_t lbn, int alloc, uint32_t *pbnp, int *newp)
{
	uint32_t idx[4], bn, goal;
	struct buf *bp;
	int level, error;

	if (newp != NULL)
		*newp = 0;
	if (lbn >= (ext2_maxfilesize(um) >> um->um_bshift))
		return alloc ? EFBIG : (*pbnp = 0, 0);
	level = ext2_bpath(um, lbn, idx);
	bn = din->i_block[idx[0]];
	goal = um->um_gd[(ino - 1) / um->um_sb.s_inodes_per_group].
	    bg_inode_table;
	if (bn == 0 && alloc) {
		if ((error = ext2_newblock(um, din, goal, level > 0, &bn)) != 0)
			return error;
		din->i_block[idx[0]] = bn;
		if (level == 0 && newp != NULL)
			*newp = 1;
	}
	for (int l = 1; l <= level && bn != 0; l++) {
		uint32_t next;

		if (!ext2_blkok(um, bn))
			return ext2_corrupt(um, ino, "indirect block number "
			    "outside the device");
		if ((error = ext2_bread(um, bn, &bp)) != 0)
			return error;
		next = ((uint32_t *)bp->b_data)[idx[l]];
		brelse(bp);
		if (next == 0 && alloc) {
			/*
			 * Allocate holding no buffer: on a corrupt disk the
			 * new block may be this very indirect block.
			 */
			error = ext2_newblock(um, din, bn, l < level, &next);
			if (error == 0)
				error = ext2_bread(um, bn, &bp);
			if (error != 0)
				return error;
			((uint32_t *)bp->b_data)[idx[l]] = next;
			bdwrite(bp);
			if (l == level && newp != NULL)
				*newp = 1;
		}
		bn = next;
	}
	if (bn != 0 && !ext2_blkok(um, bn))
		return ext2_corrupt(um, ino, "data block number outside the "
		    "device");
	*pbnp = bn;
	return 0;
}

/*
 * Free the blocks of the tree at *bnp (level 0: a data block) that map
 * logical blocks at or after first; base is the tree's first logical
 * block, span the number it maps.  *bnp becomes 0 if the whole tree
 * went.
 */
static int
ext2_trunc_tree(struct ext2_mount *um, uint32_t ino, struct ext2_dinode *din,
    uint32_t *bnp, int level, uint64_t base, uint64_t span, uint64_t first)
{
	uint64_t cspan = span / um->um_nindir;
	struct buf *bp;
	uint32_t *ptrs;
	int error = 0, dirty = 0;

	if (*bnp == 0 || base + span <= first)
		return 0;
	if (!ext2_blkok(um, *bnp))
		return ext2_corrupt(um, ino, "block number outside the device");
	if (level > 0) {
		if ((error = ext2_bread(um, *bnp, &bp)) != 0)
			return error;
		ptrs = bp->b_data;
		for (uint32_t i = 0; i < um->um_nindir; i++) {
			uint32_t old = ptrs[i];

			if (old == 0)
				continue;
			error = ext2_trunc_tree(um, ino, din, &ptrs[i],
			    level - 1, base + i * cspan, cspan, first);
			if (ptrs[i] != old)
				dirty = 1;
			if (error != 0)
				break;
		}
		if (dirty)
			bdwrite(bp);
		else
			brelse(bp);
		if (error != 0 || base < first)
			return error;
	}
	if ((error = ext2_bfree(um, *bnp)) != 0)
		return error;
	*bnp = 0;
	din->i_blocks -= MIN(din->i_blocks, um->um_bsize >> DEV_BSHIFT);
	return 0;
}

/* Zero the bytes of the block holding offset size from there on. */
static int
ext2_zerotail(struct ext2_mount *um, uint32_t ino, struct ext2_dinode *din,
    uint64_t size)
{
	uint32_t off = (uint32_t)(size & (um->um_bsize - 1)), pbn;
	struct buf *bp;
	int error;

	if (off == 0)
		return 0;
	if ((error = ext2_bmap(um, ino, din, size >> um->um_bshift, 0, &pbn,
	    NULL)) != 0 || pbn == 0)
		return error;
	if ((error = ext2_bread(um, pbn, &bp)) != 0)
		return error;
	memset((char *)bp->b_data + off, 0, um->um_bsize - off);
	bdwrite(bp);
	return 0;
}

/*
 * Set the size of inode ino to size, freeing every block past it (fast
 * symlinks and device nodes have none).  The caller writes the inode back.  0, EFBIG,
 * EIO (the blocks freed so far stay freed; the inode stays consistent
 * with the bitmaps).
 */
int
ext2_truncate(struct ext2_mount *um, uint32_t ino, struct ext2_dinode *din,
    uint64_t size)
{
	uint64_t first, n = um->um_nindir, base = EXT2_NDADDR, span = n;
	int error = 0;

	if (size > ext2_maxfilesize(um))
		return EFBIG;
	if ((S_ISLNK(din->i_mode) && din->i_blocks == 0) ||
	    (!S_ISREG(din->i_mode) && !S_ISDIR(din->i_mode) &&
	    !S_ISLNK(din->i_mode))) {
		/*
		 * A fast symlink keeps its target in i_block, a device
		 * node its number: no block pointers to free.
		 */
		if (S_ISLNK(din->i_mode))
			memset(din->i_block, 0, sizeof(din->i_block));
		ext2_setisize(um, din, size);
		return 0;
	}
	if (size < ext2_isize(din) &&
	    (error = ext2_zerotail(um, ino, din, size)) != 0)
		return error;
	first = (size + um->um_bsize - 1) >> um->um_bshift;
	for (uint32_t i = 0; i < EXT2_NDADDR && error == 0; i++)
		error = ext2_trunc_tree(um, ino, din, &din->i_block[i], 0, i,
		    1, first);
	for (int l = 1; l <= EXT2_NIADDR && error == 0; l++) {
		error = ext2_trunc_tree(um, ino, din,
		    &din->i_block[EXT2_NDADDR + l - 1], l, base, span, first);
		base += span;
		span *= n;
	}
	if (error == 0 || size > ext2_isize(din))
		ext2_setisize(um, din, size);
	return error;
}

/* Write the superblock and group descriptors if changed: 0, EIO. */
int
ext2_writemeta(struct ext2_mount *um)
{
	struct timespec now;
	struct buf *bp;
	int error;

	if (um->um_ronly)
		return 0;
	if (um->um_gddirty) {
		const char *src = (const char *)um->um_gd;
		size_t left = um->um_ngroups * sizeof(struct ext2_gd);

		for (uint32_t i = 0; i < um->um_gdblocks; i++) {
			size_t n = MIN(left, um->um_bsize);

			if ((error = ext2_bread(um,
			    um->um_sb.s_first_data_block + 1 + i, &bp)) != 0)
				return error;
			memcpy(bp->b_data, src, n);
			bdwrite(bp);
			src += n;
			left -= n;
		}
		um->um_gddirty = 0;
	}
	if (um->um_sbdirty) {
		if ((error = bread(um->um_devvp, EXT2_SBOFF / DEV_BSIZE,
		    EXT2_SBSIZE, &bp)) != 0)
			return error;
		getnanotime(&now);
		um->um_sb.s_wtime = (uint32_t)now.tv_sec;
		memcpy(bp->b_data, &um->um_sb, EXT2_SBSIZE);
		bdwrite(bp);
		um->um_sbdirty = 0;
	}
	return 0;
}
