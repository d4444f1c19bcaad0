/*
 * ext2fs_dirhash.c: an in-memory index of a large directory, in the
 * manner of FFS's dirhash.  Linear directories cost a scan of every
 * block per lookup and per new name; for a directory of EXT2_DH_MINBLKS
 * blocks or more the first lookup builds, in kernel memory only, a hash
 * table from name to record offset and the largest free slack of every
 * block.  Lookups then read one block per candidate, new names go
 * straight to a block with room.  Nothing of it reaches the disk, so
 * the on-disk format stays plain ext2.
 *
 * The index follows every change of the directory's records
 * (ext2fs_dir.c calls ext2_dh_add/ext2_dh_remove/ext2_dh_setfree) and
 * is dropped whenever anything goes wrong (no memory, an I/O error, a
 * corrupt record): the linear code is always the fallback.  Nodes live
 * only as long as their vnodes, so when a directory's node goes (and
 * the directory stays) its index is kept in a small per-mount cache
 * (EXT2_DH_CACHE of them, oldest dropped) for the next node of that
 * directory; a directory cannot change while it has no node.  um_lock
 * held throughout.
 */
#include <rump-sys/systm.h>
#include <rump-sys/buf.h>
#include <rump-sys/kmem.h>

#include "ext2fs_int.h"

#define EXT2_DH_CACHE	8

struct ext2_dhent {
	uint64_t	de_off;		/* byte offset of the record */
	uint32_t	de_hash;
	int32_t		de_next;	/* chain, or -1 */
};

struct ext2_dirhash {
	int32_t		*dh_bucket;	/* dh_nbuckets chains, -1 ends */
	uint32_t	 dh_nbuckets;	/* a power of two */
	struct ext2_dhent *dh_ents;
	uint32_t	 dh_nents;	/* slots used (live or free) */
	uint32_t	 dh_maxents;
	int32_t		 dh_freeent;	/* free slots, chained by de_next */
	uint32_t	 dh_live;
	uint16_t	*dh_blkfree;	/* largest slack per block */
	uint64_t	 dh_nblocks;
	uint64_t	 dh_maxblocks;
	uint32_t	 dh_ino;	/* in the cache: whose */
	TAILQ_ENTRY(ext2_dirhash) dh_cache;
};

static uint32_t
ext2_dh_hashname(const char *name, size_t len)
{
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < len; i++) {
		h ^= (unsigned char)name[i];
		h *= 16777619u;
	}
	return h;
}

static void
ext2_dh_destroy(struct ext2_dirhash *dh)
{
	if (dh->dh_bucket != NULL)
		kmem_free(dh->dh_bucket, dh->dh_nbuckets * sizeof(int32_t));
	if (dh->dh_ents != NULL)
		kmem_free(dh->dh_ents, dh->dh_maxents * sizeof(*dh->dh_ents));
	if (dh->dh_blkfree != NULL)
		kmem_free(dh->dh_blkfree, dh->dh_maxblocks * sizeof(uint16_t));
	kmem_free(dh, sizeof(*dh));
}

void
ext2_dh_free(struct ext2_node *dn)
{
	if (dn->n_dirhash == NULL)
		return;
	ext2_dh_destroy(dn->n_dirhash);
	dn->n_dirhash = NULL;
}

void
ext2_dh_stash(struct ext2_mount *um, struct ext2_node *dn)
{
	struct ext2_dirhash *dh = dn->n_dirhash, *old;

	if (dh == NULL)
		return;
	dn->n_dirhash = NULL;
	dh->dh_ino = dn->n_ino;
	TAILQ_INSERT_TAIL(&um->um_dhcache, dh, dh_cache);
	if (++um->um_ndhcache > EXT2_DH_CACHE) {
		old = TAILQ_FIRST(&um->um_dhcache);
		TAILQ_REMOVE(&um->um_dhcache, old, dh_cache);
		um->um_ndhcache--;
		ext2_dh_destroy(old);
	}
}

void
ext2_dh_fetch(struct ext2_mount *um, struct ext2_node *dn)
{
	struct ext2_dirhash *dh;

	TAILQ_FOREACH(dh, &um->um_dhcache, dh_cache) {
		if (dh->dh_ino == dn->n_ino) {
			TAILQ_REMOVE(&um->um_dhcache, dh, dh_cache);
			um->um_ndhcache--;
			KASSERT(dn->n_dirhash == NULL);
			dn->n_dirhash = dh;
			return;
		}
	}
}

void
ext2_dh_purge(struct ext2_mount *um)
{
	struct ext2_dirhash *dh;

	while ((dh = TAILQ_FIRST(&um->um_dhcache)) != NULL) {
		TAILQ_REMOVE(&um->um_dhcache, dh, dh_cache);
		um->um_ndhcache--;
		ext2_dh_destroy(dh);
	}
}

/* Grow an array of n elements of size sz to at least want: 0, ENOMEM. */
static int
ext2_dh_grow(void **arrp, uint64_t *np, uint64_t want, size_t sz)
{
	uint64_t n = *np == 0 ? 64 : *np;
	void *na;

	while (n < want)
		n *= 2;
	if (n == *np)
		return 0;
	if ((na = kmem_alloc(n * sz, KM_NOSLEEP)) == NULL)
		return ENOMEM;
	if (*arrp != NULL) {
		memcpy(na, *arrp, *np * sz);
		kmem_free(*arrp, *np * sz);
	}
	*arrp = na;
	*np = n;
	return 0;
}

/* Rebuild the chains with nb buckets: 0, ENOMEM. */
static int
ext2_dh_rehash(struct ext2_dirhash *dh, uint32_t nb)
{
	int32_t *b;

	if ((b = kmem_alloc(nb * sizeof(*b), KM_NOSLEEP)) == NULL)
		return ENOMEM;
	for (uint32_t i = 0; i < nb; i++)
		b[i] = -1;
	for (uint32_t i = 0; i < dh->dh_nents; i++) {
		struct ext2_dhent *e = &dh->dh_ents[i];

		if (e->de_off == UINT64_MAX)
			continue;
		e->de_next = b[e->de_hash & (nb - 1)];
		b[e->de_hash & (nb - 1)] = (int32_t)i;
	}
	if (dh->dh_bucket != NULL)
		kmem_free(dh->dh_bucket, dh->dh_nbuckets * sizeof(int32_t));
	dh->dh_bucket = b;
	dh->dh_nbuckets = nb;
	return 0;
}

/* Index the record at off named name: 0, ENOMEM (the index is dropped). */
int
ext2_dh_add(struct ext2_node *dn, const char *name, size_t len, uint64_t off)
{
	struct ext2_dirhash *dh = dn->n_dirhash;
	struct ext2_dhent *e;
	uint64_t max;
	int32_t i;

	if (dh == NULL)
		return 0;
	if (dh->dh_freeent >= 0) {
		i = dh->dh_freeent;
		dh->dh_freeent = dh->dh_ents[i].de_next;
	} else {
		max = dh->dh_maxents;
		if (dh->dh_nents == max && (max >= INT32_MAX / 2 ||
		    ext2_dh_grow((void **)&dh->dh_ents, &max, max + 1,
		    sizeof(*e)) != 0))
			goto fail;
		dh->dh_maxents = (uint32_t)max;
		i = (int32_t)dh->dh_nents++;
	}
	e = &dh->dh_ents[i];
	e->de_off = off;
	e->de_hash = ext2_dh_hashname(name, len);
	e->de_next = dh->dh_bucket[e->de_hash & (dh->dh_nbuckets - 1)];
	dh->dh_bucket[e->de_hash & (dh->dh_nbuckets - 1)] = i;
	dh->dh_live++;
	if (dh->dh_live > dh->dh_nbuckets * 2 && dh->dh_nbuckets < (1u << 24))
		(void)ext2_dh_rehash(dh, dh->dh_nbuckets * 4);
	return 0;
fail:
	ext2_dh_free(dn);
	return ENOMEM;
}

/* Forget the record at off named name. */
void
ext2_dh_remove(struct ext2_node *dn, const char *name, size_t len,
    uint64_t off)
{
	struct ext2_dirhash *dh = dn->n_dirhash;
	int32_t *ip;

	if (dh == NULL)
		return;
	ip = &dh->dh_bucket[ext2_dh_hashname(name, len) &
	    (dh->dh_nbuckets - 1)];
	for (; *ip >= 0; ip = &dh->dh_ents[*ip].de_next) {
		struct ext2_dhent *e = &dh->dh_ents[*ip];

		if (e->de_off == off) {
			int32_t i = *ip;

			*ip = e->de_next;
			e->de_off = UINT64_MAX;
			e->de_next = dh->dh_freeent;
			dh->dh_freeent = i;
			dh->dh_live--;
			return;
		}
	}
	/* not there: the index is wrong, stop trusting it */
	ext2_dh_free(dn);
}

/* Record the largest slack of block lbn (appending a block is lbn == n). */
void
ext2_dh_setfree(struct ext2_node *dn, uint64_t lbn, uint32_t slack)
{
	struct ext2_dirhash *dh = dn->n_dirhash;

	if (dh == NULL)
		return;
	if (lbn >= dh->dh_nblocks) {
		if (ext2_dh_grow((void **)&dh->dh_blkfree, &dh->dh_maxblocks,
		    lbn + 1, sizeof(uint16_t)) != 0) {
			ext2_dh_free(dn);
			return;
		}
		for (uint64_t b = dh->dh_nblocks; b < lbn; b++)
			dh->dh_blkfree[b] = 0;
		dh->dh_nblocks = lbn + 1;
	}
	dh->dh_blkfree[lbn] = (uint16_t)MIN(slack, 0xffff);
}

/* A block with at least need bytes of slack: 0 and *lbnp, or ENOENT. */
int
ext2_dh_findfree(struct ext2_node *dn, uint32_t need, uint64_t *lbnp)
{
	struct ext2_dirhash *dh = dn->n_dirhash;

	for (uint64_t b = 0; b < dh->dh_nblocks; b++) {
		if (dh->dh_blkfree[b] >= need) {
			*lbnp = b;
			return 0;
		}
	}
	return ENOENT;
}

/*
 * Candidate record offsets for name: call with *cursorp -1 first; 0
 * and *offp for each candidate, ENOENT when there are no more.
 */
int
ext2_dh_next(struct ext2_node *dn, const char *name, size_t len,
    int32_t *cursorp, uint64_t *offp)
{
	struct ext2_dirhash *dh = dn->n_dirhash;
	uint32_t h = ext2_dh_hashname(name, len);
	int32_t i;

	i = *cursorp < 0 ? dh->dh_bucket[h & (dh->dh_nbuckets - 1)] :
	    dh->dh_ents[*cursorp].de_next;
	for (; i >= 0; i = dh->dh_ents[i].de_next) {
		if (dh->dh_ents[i].de_hash == h) {
			*cursorp = i;
			*offp = dh->dh_ents[i].de_off;
			return 0;
		}
	}
	return ENOENT;
}

/* Start an empty index for dn: 0, ENOMEM. */
int
ext2_dh_start(struct ext2_node *dn, uint64_t nblk)
{
	struct ext2_dirhash *dh;

	KASSERT(dn->n_dirhash == NULL);
	if ((dh = kmem_zalloc(sizeof(*dh), KM_NOSLEEP)) == NULL)
		return ENOMEM;
	dn->n_dirhash = dh;
	dh->dh_freeent = -1;
	if (ext2_dh_rehash(dh, 256) != 0 ||
	    ext2_dh_grow((void **)&dh->dh_blkfree, &dh->dh_maxblocks, nblk,
	    sizeof(uint16_t)) != 0) {
		ext2_dh_free(dn);
		return ENOMEM;
	}
	return 0;
}
