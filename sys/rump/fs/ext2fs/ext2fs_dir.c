/*
 * ext2fs_dir.c: linear directories.  A directory is a whole number of
 * blocks; each block is a chain of records (inode, rec_len, name_len,
 * file type, name) whose rec_len values add up to the block size.  A
 * removed record is merged into the one before it in its block (or,
 * first in its block, gets inode 0), so the free space of a block is
 * the slack at the ends of its records; a new name takes the first slack
 * large enough, else a new block is appended.  readdir cookies are byte
 * offsets in the directory.
 *
 * Every record is checked before use (rec_len a multiple of 4, at least
 * the header and name, inside its block; the inode number in the
 * table); a bad one is EIO.  um_lock held throughout.
 */
#include <rump-sys/systm.h>
#include <rump-sys/buf.h>
#include <rump-sys/dirent.h>
#include <rump-sys/mount.h>
#include <rump-sys/stat.h>
#include <rump-sys/uio.h>
#include <rump-sys/vnode.h>

#include "ext2fs_int.h"

static struct ext2_dirhdr *
dirrec(struct buf *bp, uint32_t off)
{
	return (struct ext2_dirhdr *)((char *)bp->b_data + off);
}

/* The record at off of a directory block: 0 or EIO. */
static int
ext2_dircheck(struct ext2_mount *um, uint32_t dino, struct buf *bp,
    uint32_t off)
{
	struct ext2_dirhdr *d;

	if (off + EXT2_DIRHDR > um->um_bsize)
		return ext2_corrupt(um, dino, "directory record past its block");
	d = dirrec(bp, off);
	if (d->d_reclen < EXT2_DIRHDR || (d->d_reclen & 3) != 0 ||
	    d->d_reclen > um->um_bsize - off)
		return ext2_corrupt(um, dino, "bad directory rec_len");
	if (d->d_namelen + EXT2_DIRHDR > d->d_reclen)
		return ext2_corrupt(um, dino, "directory name overruns its "
		    "record");
	if (d->d_ino != 0 && d->d_namelen == 0)
		return ext2_corrupt(um, dino, "directory entry without a name");
	if (d->d_ino > um->um_sb.s_inodes_count)
		return ext2_corrupt(um, dino, "directory entry names an inode "
		    "beyond the table");
	return 0;
}

/* Directory block lbn of dnode, read: 0, EIO. */
static int
ext2_dirblock(struct ext2_mount *um, uint32_t dino, struct ext2_dinode *din,
    uint64_t lbn, struct buf **bpp)
{
	uint32_t pbn;
	int error;

	if ((error = ext2_bmap(um, dino, din, lbn, 0, &pbn, NULL)) != 0)
		return error;
	if (pbn == 0)
		return ext2_corrupt(um, dino, "hole in a directory");
	return ext2_bread(um, pbn, bpp);
}

static int
ext2_dirnblocks(struct ext2_mount *um, uint32_t dino,
    const struct ext2_dinode *din, uint64_t *np)
{
	uint64_t size = ext2_isize(din);

	if ((size & (um->um_bsize - 1)) != 0)
		return ext2_corrupt(um, dino, "directory size not a whole "
		    "number of blocks");
	*np = size >> um->um_bshift;
	return 0;
}

/* The largest slack of the records of a directory block: 0, EIO. */
static int
ext2_blkslack(struct ext2_mount *um, uint32_t dino, struct buf *bp,
    uint32_t *slackp)
{
	uint32_t off = 0, max = 0;
	int error;

	while (off < um->um_bsize) {
		struct ext2_dirhdr *d;
		uint32_t used;

		if ((error = ext2_dircheck(um, dino, bp, off)) != 0)
			return error;
		d = dirrec(bp, off);
		used = d->d_ino == 0 ? 0 : EXT2_DIRSIZ(d->d_namelen);
		max = MAX(max, d->d_reclen - used);
		off += d->d_reclen;
	}
	*slackp = max;
	return 0;
}

/* Index a large directory (ext2fs_dirhash.c): 0, EIO; no memory: 0. */
static int
ext2_dirhash_build(struct ext2_mount *um, struct ext2_node *dn, uint64_t nblk)
{
	struct buf *bp;
	uint32_t slack;
	int error;

	if (ext2_dh_start(dn, nblk) != 0)
		return 0;
	for (uint64_t lbn = 0; lbn < nblk && dn->n_dirhash != NULL; lbn++) {
		uint32_t off = 0;

		if ((error = ext2_dirblock(um, dn->n_ino, &dn->n_din, lbn,
		    &bp)) != 0)
			goto fail;
		if ((error = ext2_blkslack(um, dn->n_ino, bp, &slack)) != 0) {
			brelse(bp);
			goto fail;
		}
		while (off < um->um_bsize) {
			struct ext2_dirhdr *d = dirrec(bp, off);

			if (d->d_ino != 0)
				(void)ext2_dh_add(dn, (const char *)(d + 1),
				    d->d_namelen, (lbn << um->um_bshift) + off);
			off += d->d_reclen;
		}
		brelse(bp);
		ext2_dh_setfree(dn, lbn, slack);
	}
	return 0;
fail:
	ext2_dh_free(dn);
	return error;
}

/*
 * Look name up through the index: 0 and *pos, ENOENT, EIO; EAGAIN when
 * the index turned out wrong (it is dropped; the caller scans).
 */
static int
ext2_dirhash_lookup(struct ext2_mount *um, struct ext2_node *dn,
    const char *name, size_t len, uint64_t nblk, struct ext2_dirpos *pos)
{
	int32_t cursor = -1;
	uint64_t off;
	struct buf *bp;
	int error;

	while (ext2_dh_next(dn, name, len, &cursor, &off) == 0) {
		uint64_t lbn = off >> um->um_bshift;
		uint32_t boff = (uint32_t)(off & (um->um_bsize - 1));
		uint32_t o = 0, prev = ~0u;
		struct ext2_dirhdr *d = NULL;

		if (lbn >= nblk)
			goto wrong;
		if ((error = ext2_dirblock(um, dn->n_ino, &dn->n_din, lbn,
		    &bp)) != 0) {
			ext2_dh_free(dn);
			return error;
		}
		while (o < boff) {
			if ((error = ext2_dircheck(um, dn->n_ino, bp, o)) != 0) {
				brelse(bp);
				ext2_dh_free(dn);
				return error;
			}
			prev = o;
			o += dirrec(bp, o)->d_reclen;
		}
		if (o == boff && ext2_dircheck(um, dn->n_ino, bp, o) == 0)
			d = dirrec(bp, o);
		if (d == NULL || d->d_ino == 0) {
			brelse(bp);
			goto wrong;
		}
		if (d->d_namelen == len && memcmp(d + 1, name, len) == 0) {
			pos->dp_lbn = lbn;
			pos->dp_off = boff;
			pos->dp_prevoff = prev;
			pos->dp_ino = d->d_ino;
			brelse(bp);
			return 0;
		}
		brelse(bp);
	}
	return ENOENT;
wrong:
	ext2_dh_free(dn);
	return EAGAIN;
}

/* Look name up in dnode: 0 and *pos, ENOENT, EIO. */
int
ext2_dirlookup(struct ext2_mount *um, struct ext2_node *dn, const char *name,
    size_t len, struct ext2_dirpos *pos)
{
	uint64_t nblk = 0;
	struct buf *bp;
	int error;

	if ((error = ext2_dirnblocks(um, dn->n_ino, &dn->n_din, &nblk)) != 0)
		return error;
	if (dn->n_dirhash == NULL && nblk >= EXT2_DH_MINBLKS &&
	    (error = ext2_dirhash_build(um, dn, nblk)) != 0)
		return error;
	if (dn->n_dirhash != NULL) {
		error = ext2_dirhash_lookup(um, dn, name, len, nblk, pos);
		if (error != EAGAIN)
			return error;
	}
	for (uint64_t lbn = 0; lbn < nblk; lbn++) {
		uint32_t off = 0, prev = ~0u;

		if ((error = ext2_dirblock(um, dn->n_ino, &dn->n_din, lbn,
		    &bp)) != 0)
			return error;
		while (off < um->um_bsize) {
			struct ext2_dirhdr *d;

			if ((error = ext2_dircheck(um, dn->n_ino, bp, off)) != 0) {
				brelse(bp);
				return error;
			}
			d = dirrec(bp, off);
			if (d->d_ino != 0 && d->d_namelen == len &&
			    memcmp(d + 1, name, len) == 0) {
				pos->dp_lbn = lbn;
				pos->dp_off = off;
				pos->dp_prevoff = prev;
				pos->dp_ino = d->d_ino;
				brelse(bp);
				return 0;
			}
			prev = off;
			off += d->d_reclen;
		}
		brelse(bp);
	}
	return ENOENT;
}

/* The directory changed: times, no htree index any more, write back. */
static int
ext2_dirchanged(struct ext2_mount *um, struct ext2_node *dn)
{
	dn->n_din.i_flags &= ~EXT2_INDEX_FL;
	ext2_touch(um, &dn->n_din, 1);
	return ext2_iupdate(um, dn->n_ino, &dn->n_din);
}

static void
ext2_dirfill(struct ext2_mount *um, struct ext2_dirhdr *d, const char *name,
    size_t len, uint32_t ino, int ftype)
{
	d->d_ino = ino;
	d->d_namelen = (uint8_t)len;
	d->d_type = um->um_filetype ? (uint8_t)ftype : 0;
	memcpy(d + 1, name, len);
}

/* Append a block holding one record: 0, ENOSPC, EFBIG, EIO. */
static int
ext2_dirappend(struct ext2_mount *um, struct ext2_node *dn, uint64_t lbn,
    const char *name, size_t len, uint32_t ino, int ftype)
{
	struct ext2_dirhdr *d;
	struct buf *bp;
	uint32_t pbn;
	int error, isnew;

	error = ext2_bmap(um, dn->n_ino, &dn->n_din, lbn, 1, &pbn, &isnew);
	if (error != 0) {
		/* indirect blocks allocated on the way stay counted */
		(void)ext2_iupdate(um, dn->n_ino, &dn->n_din);
		return error;
	}
	bp = ext2_getblk(um, pbn);
	memset(bp->b_data, 0, um->um_bsize);
	d = bp->b_data;
	d->d_reclen = (uint16_t)um->um_bsize;
	ext2_dirfill(um, d, name, len, ino, ftype);
	bdwrite(bp);
	ext2_setisize(um, &dn->n_din, (lbn + 1) << um->um_bshift);
	return 0;
}

/*
 * Put the record into directory block lbn (in bp) if some record's
 * slack holds it: 0 (the block is written), ENOSPC (no room; bp still
 * held), EIO (bp released).
 */
static int
ext2_dirblk_insert(struct ext2_mount *um, struct ext2_node *dn,
    struct buf *bp, uint64_t lbn, const char *name, size_t len,
    uint32_t ino, int ftype)
{
	uint32_t need = EXT2_DIRSIZ(len), off = 0, slack;
	int error;

	while (off < um->um_bsize) {
		struct ext2_dirhdr *d, *nd;
		uint32_t used;

		if ((error = ext2_dircheck(um, dn->n_ino, bp, off)) != 0) {
			brelse(bp);
			return error;
		}
		d = dirrec(bp, off);
		used = d->d_ino == 0 ? 0 : EXT2_DIRSIZ(d->d_namelen);
		if (d->d_reclen - used >= need) {
			if (used == 0) {
				nd = d;
			} else {
				nd = dirrec(bp, off + used);
				nd->d_reclen = (uint16_t)(d->d_reclen - used);
				d->d_reclen = (uint16_t)used;
			}
			ext2_dirfill(um, nd, name, len, ino, ftype);
			if (ext2_blkslack(um, dn->n_ino, bp, &slack) != 0)
				slack = 0;
			bdwrite(bp);
			ext2_dh_setfree(dn, lbn, slack);
			(void)ext2_dh_add(dn, name, len, (lbn << um->um_bshift) +
			    off + used);
			return 0;
		}
		off += d->d_reclen;
	}
	return ENOSPC;
}

/*
 * Enter name for inode ino (type ftype, EXT2_FT_*) into dnode, which
 * must not hold the name: 0, ENOSPC, EFBIG, EIO.
 */
int
ext2_direnter(struct ext2_mount *um, struct ext2_node *dn, const char *name,
    size_t len, uint32_t ino, int ftype)
{
	uint64_t nblk = 0, lbn;
	struct buf *bp;
	int error;

	if ((error = ext2_dirnblocks(um, dn->n_ino, &dn->n_din, &nblk)) != 0)
		return error;
	if (dn->n_dirhash != NULL &&
	    ext2_dh_findfree(dn, EXT2_DIRSIZ(len), &lbn) == 0) {
		if ((error = ext2_dirblock(um, dn->n_ino, &dn->n_din, lbn,
		    &bp)) != 0)
			return error;
		error = ext2_dirblk_insert(um, dn, bp, lbn, name, len, ino,
		    ftype);
		if (error != ENOSPC)
			return error == 0 ? ext2_dirchanged(um, dn) : error;
		/* the index was wrong about the room: scan without it */
		brelse(bp);
		ext2_dh_free(dn);
	}
	for (lbn = 0; lbn < nblk && dn->n_dirhash == NULL; lbn++) {
		if ((error = ext2_dirblock(um, dn->n_ino, &dn->n_din, lbn,
		    &bp)) != 0)
			return error;
		error = ext2_dirblk_insert(um, dn, bp, lbn, name, len, ino,
		    ftype);
		if (error != ENOSPC)
			return error == 0 ? ext2_dirchanged(um, dn) : error;
		brelse(bp);
	}
	if ((error = ext2_dirappend(um, dn, nblk, name, len, ino, ftype)) != 0)
		return error;
	ext2_dh_setfree(dn, nblk, um->um_bsize - EXT2_DIRSIZ(len));
	(void)ext2_dh_add(dn, name, len, nblk << um->um_bshift);
	return ext2_dirchanged(um, dn);
}

/* Remove the record at pos (from ext2_dirlookup): 0, EIO. */
int
ext2_dirremove(struct ext2_mount *um, struct ext2_node *dn,
    const struct ext2_dirpos *pos)
{
	struct buf *bp;
	int error;

	struct ext2_dirhdr *d;
	uint32_t slack;
	char name[EXT2_NAMELEN];
	size_t len;

	if ((error = ext2_dirblock(um, dn->n_ino, &dn->n_din, pos->dp_lbn,
	    &bp)) != 0)
		return error;
	d = dirrec(bp, pos->dp_off);
	len = d->d_namelen;
	memcpy(name, d + 1, len);
	if (pos->dp_prevoff != ~0u)
		dirrec(bp, pos->dp_prevoff)->d_reclen += d->d_reclen;
	else
		d->d_ino = 0;
	if (ext2_blkslack(um, dn->n_ino, bp, &slack) != 0)
		slack = 0;
	bdwrite(bp);
	ext2_dh_remove(dn, name, len, (pos->dp_lbn << um->um_bshift) +
	    pos->dp_off);
	ext2_dh_setfree(dn, pos->dp_lbn, slack);
	return ext2_dirchanged(um, dn);
}

/* Point the record at pos to ino instead: 0, EIO. */
int
ext2_dirrewrite(struct ext2_mount *um, struct ext2_node *dn,
    const struct ext2_dirpos *pos, uint32_t ino, int ftype)
{
	struct ext2_dirhdr *d;
	struct buf *bp;
	int error;

	if ((error = ext2_dirblock(um, dn->n_ino, &dn->n_din, pos->dp_lbn,
	    &bp)) != 0)
		return error;
	d = dirrec(bp, pos->dp_off);
	d->d_ino = ino;
	if (um->um_filetype)
		d->d_type = (uint8_t)ftype;
	bdwrite(bp);
	return ext2_dirchanged(um, dn);
}

static int
isdotordotdot(const struct ext2_dirhdr *d)
{
	const char *n = (const char *)(d + 1);

	return (d->d_namelen == 1 && n[0] == '.') ||
	    (d->d_namelen == 2 && n[0] == '.' && n[1] == '.');
}

/* Whether dnode holds nothing but "." and "..": 0, EIO. */
int
ext2_dirempty(struct ext2_mount *um, struct ext2_node *dn, int *emptyp)
{
	uint64_t nblk = 0;
	struct buf *bp;
	int error;

	*emptyp = 1;
	if ((error = ext2_dirnblocks(um, dn->n_ino, &dn->n_din, &nblk)) != 0)
		return error;
	for (uint64_t lbn = 0; lbn < nblk && *emptyp; lbn++) {
		uint32_t off = 0;

		if ((error = ext2_dirblock(um, dn->n_ino, &dn->n_din, lbn,
		    &bp)) != 0)
			return error;
		while (off < um->um_bsize) {
			struct ext2_dirhdr *d;

			if ((error = ext2_dircheck(um, dn->n_ino, bp, off)) != 0) {
				brelse(bp);
				return error;
			}
			d = dirrec(bp, off);
			if (d->d_ino != 0 && !isdotordotdot(d)) {
				*emptyp = 0;
				break;
			}
			off += d->d_reclen;
		}
		brelse(bp);
	}
	return 0;
}

/* The first block of a new directory: "." and "..": 0, ENOSPC, EIO. */
int
ext2_dirinit(struct ext2_mount *um, uint32_t ino, struct ext2_dinode *din,
    uint32_t pino)
{
	struct ext2_dirhdr *d;
	struct buf *bp;
	uint32_t pbn;
	int error, isnew;

	if ((error = ext2_bmap(um, ino, din, 0, 1, &pbn, &isnew)) != 0)
		return error;
	bp = ext2_getblk(um, pbn);
	memset(bp->b_data, 0, um->um_bsize);
	d = bp->b_data;
	d->d_reclen = EXT2_DIRSIZ(1);
	ext2_dirfill(um, d, ".", 1, ino, EXT2_FT_DIR);
	d = dirrec(bp, EXT2_DIRSIZ(1));
	d->d_reclen = (uint16_t)(um->um_bsize - EXT2_DIRSIZ(1));
	ext2_dirfill(um, d, "..", 2, pino, EXT2_FT_DIR);
	bdwrite(bp);
	ext2_setisize(um, din, um->um_bsize);
	return 0;
}

/* Block 0 of a directory and the offset of its ".." record: 0, EIO. */
static int
ext2_finddotdot(struct ext2_mount *um, uint32_t ino, struct ext2_dinode *din,
    struct buf **bpp, uint32_t *offp)
{
	struct ext2_dirhdr *d;
	struct buf *bp;
	uint32_t off;
	int error;

	if (ext2_isize(din) < um->um_bsize)
		return ext2_corrupt(um, ino, "directory without a block");
	if ((error = ext2_dirblock(um, ino, din, 0, &bp)) != 0)
		return error;
	if ((error = ext2_dircheck(um, ino, bp, 0)) != 0)
		goto bad;
	d = dirrec(bp, 0);
	off = d->d_reclen;
	if (d->d_namelen != 1 || memcmp(d + 1, ".", 1) != 0 ||
	    off >= um->um_bsize) {
		error = ext2_corrupt(um, ino, "directory does not start with "
		    "\".\"");
		goto bad;
	}
	if ((error = ext2_dircheck(um, ino, bp, off)) != 0)
		goto bad;
	d = dirrec(bp, off);
	if (d->d_namelen != 2 || memcmp(d + 1, "..", 2) != 0 || d->d_ino == 0) {
		error = ext2_corrupt(um, ino, "directory without \"..\"");
		goto bad;
	}
	*bpp = bp;
	*offp = off;
	return 0;
bad:
	brelse(bp);
	return error;
}

/* The inode ".." of directory ino names: 0, EIO. */
int
ext2_dotdot(struct ext2_mount *um, uint32_t ino, const struct ext2_dinode *din,
    uint32_t *pinop)
{
	struct ext2_dinode copy = *din;
	struct buf *bp;
	uint32_t off;
	int error;

	if ((error = ext2_finddotdot(um, ino, &copy, &bp, &off)) != 0)
		return error;
	*pinop = dirrec(bp, off)->d_ino;
	brelse(bp);
	return 0;
}

/* Make ".." of directory ino name pino: 0, EIO. */
int
ext2_setdotdot(struct ext2_mount *um, uint32_t ino, struct ext2_dinode *din,
    uint32_t pino)
{
	struct buf *bp;
	uint32_t off;
	int error;

	if ((error = ext2_finddotdot(um, ino, din, &bp, &off)) != 0)
		return error;
	dirrec(bp, off)->d_ino = pino;
	bdwrite(bp);
	return 0;
}

int
ext2_ftype(uint16_t mode)
{
	switch (mode & S_IFMT) {
	case S_IFREG:
		return EXT2_FT_REG_FILE;
	case S_IFDIR:
		return EXT2_FT_DIR;
	case S_IFLNK:
		return EXT2_FT_SYMLINK;
	case S_IFCHR:
		return EXT2_FT_CHRDEV;
	case S_IFBLK:
		return EXT2_FT_BLKDEV;
	case S_IFIFO:
		return EXT2_FT_FIFO;
	case S_IFSOCK:
		return EXT2_FT_SOCK;
	default:
		return EXT2_FT_UNKNOWN;
	}
}

static int
ext2_dtype(struct ext2_mount *um, uint8_t ft)
{
	static const uint8_t map[] = {
		[EXT2_FT_UNKNOWN] = DT_UNKNOWN,
		[EXT2_FT_REG_FILE] = DT_REG,
		[EXT2_FT_DIR] = DT_DIR,
		[EXT2_FT_CHRDEV] = DT_CHR,
		[EXT2_FT_BLKDEV] = DT_BLK,
		[EXT2_FT_FIFO] = DT_FIFO,
		[EXT2_FT_SOCK] = DT_SOCK,
		[EXT2_FT_SYMLINK] = DT_LNK,
	};

	if (!um->um_filetype || ft >= sizeof(map))
		return DT_UNKNOWN;
	return map[ft];
}

/* Copy one entry out; EJUSTRETURN when it does not fit. */
static int
ext2_dirent_out(struct uio *uio, uint64_t ino, off_t next, int type,
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

/*
 * readdir from the byte offset uio_offset (a cookie from an earlier
 * call; one that now falls inside a merged record resumes at the next
 * record): 0, EINVAL (no room for one entry), EIO.
 */
int
ext2_readdir_locked(struct ext2_mount *um, struct ext2_node *dn,
    struct uio *uio, int *eofp)
{
	off_t off = uio->uio_offset;
	size_t resid = uio->uio_resid;
	uint64_t nblk = 0, lbn;
	struct buf *bp;
	int error = 0;

	*eofp = 0;
	if ((error = ext2_dirnblocks(um, dn->n_ino, &dn->n_din, &nblk)) != 0)
		return error;
	if (dn->n_din.i_links_count == 0)
		nblk = 0;
	for (lbn = (uint64_t)off >> um->um_bshift; lbn < nblk; lbn++) {
		uint32_t boff = 0;

		if ((error = ext2_dirblock(um, dn->n_ino, &dn->n_din, lbn,
		    &bp)) != 0)
			break;
		while (boff < um->um_bsize) {
			struct ext2_dirhdr *d;
			off_t here = (off_t)(lbn << um->um_bshift) + boff;

			if ((error = ext2_dircheck(um, dn->n_ino, bp, boff)) != 0)
				break;
			d = dirrec(bp, boff);
			boff += d->d_reclen;
			if (here < off || d->d_ino == 0)
				continue;
			error = ext2_dirent_out(uio, d->d_ino,
			    here + d->d_reclen, ext2_dtype(um, d->d_type),
			    (const char *)(d + 1), d->d_namelen);
			if (error != 0)
				break;
			off = here + d->d_reclen;
		}
		brelse(bp);
		if (error != 0)
			break;
		off = (off_t)((lbn + 1) << um->um_bshift);
	}
	if (lbn >= nblk && error == 0)
		*eofp = 1;
	if (error == EJUSTRETURN)
		error = uio->uio_resid == resid ? EINVAL : 0;
	if (error == 0)
		uio->uio_offset = off;
	return error;
}
