/*
 * subr_devsw.c: the character and block device switches, and the
 * device nodes drivers ask for.  Drivers are few and registered at
 * attach time, so the tables are small arrays searched under one lock;
 * the hot path (cdevsw_lookup on every read) indexes by major.
 */
#include <rump-sys/systm.h>
#include <rump-sys/component.h>
#include <rump-sys/conf.h>
#include <rump-sys/condvar.h>
#include <rump-sys/errno.h>
#include <rump-sys/kmem.h>
#include <rump-sys/mutex.h>
#include <rump-sys/queue.h>

#define MAXDEVSW	64
#define DEVNAMELEN	16

struct devsw_entry {
	char			 de_name[DEVNAMELEN];
	const struct bdevsw	*de_bdev;
	const struct cdevsw	*de_cdev;
	unsigned int		 de_bopens, de_copens;
};

/* Indexed by major; de_name[0] == '\0' marks a free slot. */
static struct devsw_entry	 devsw_b[MAXDEVSW], devsw_c[MAXDEVSW];
static kmutex_t			 devsw_lock;

struct devnode_req {
	char			*dr_path;
	size_t			 dr_pathlen;
	int			 dr_devtype;
	dev_t			 dr_dev;
	mode_t			 dr_mode;
	TAILQ_ENTRY(devnode_req) dr_list;
};
static TAILQ_HEAD(, devnode_req) devnode_pending;

/*
 * Devices open through nodes, one record per (dev, devtype) while any
 * file has it open.  do_gen changes when the device is revoked; a file
 * remembers the generation it opened at.  do_calls counts the calls in
 * the driver, so a revoke can wait for them (the lock-free pairing:
 * enter increments do_calls then reads do_gen, revoke writes do_gen
 * then reads do_calls; one of the two sees the other).
 */
struct devopen {
	dev_t			 do_dev;
	int			 do_devtype;
	uint64_t		 do_gen;
	unsigned int		 do_refs;	/* devsw_lock */
	unsigned int		 do_calls;
	unsigned int		 do_revoking;
	LIST_ENTRY(devopen)	 do_list;
};
static LIST_HEAD(, devopen) devopen_list;
static kcondvar_t	devopen_cv;	/* a revoke waiting for calls */
static const struct devnode_vfsops *devnode_vfs;

static struct devsw_entry *
byname(struct devsw_entry *tab, const char *name)
{
	for (int i = 0; i < MAXDEVSW; i++)
		if (tab[i].de_name[0] != '\0' &&
		    strcmp(tab[i].de_name, name) == 0)
			return &tab[i];
	return NULL;
}

/* A slot for name in tab: *majorp if asked for, else a free one. */
static int
pickmajor(struct devsw_entry *tab, devmajor_t *majorp)
{
	if (*majorp != NODEVMAJOR) {
		if (*majorp < 0 || *majorp >= MAXDEVSW)
			return EINVAL;
		return tab[*majorp].de_name[0] == '\0' ? 0 : EEXIST;
	}
	/* Leave 0 unused, so a zeroed dev_t never names a driver. */
	for (devmajor_t m = 1; m < MAXDEVSW; m++) {
		if (tab[m].de_name[0] == '\0') {
			*majorp = m;
			return 0;
		}
	}
	return ENOSPC;
}

int
devsw_attach(const char *name, const struct bdevsw *bdev, devmajor_t *bmajor,
    const struct cdevsw *cdev, devmajor_t *cmajor)
{
	devmajor_t bm = bmajor ? *bmajor : NODEVMAJOR;
	devmajor_t cm = cmajor ? *cmajor : NODEVMAJOR;
	int error = 0;

	if (name == NULL || name[0] == '\0' || strlen(name) >= DEVNAMELEN ||
	    (bdev == NULL && cdev == NULL))
		return EINVAL;
	mutex_enter(&devsw_lock);
	if (byname(devsw_b, name) != NULL || byname(devsw_c, name) != NULL) {
		error = EEXIST;
		goto out;
	}
	if (bdev != NULL && (error = pickmajor(devsw_b, &bm)) != 0)
		goto out;
	if (cdev != NULL && (error = pickmajor(devsw_c, &cm)) != 0)
		goto out;
	if (bdev != NULL) {
		strlcpy(devsw_b[bm].de_name, name, DEVNAMELEN);
		devsw_b[bm].de_bdev = bdev;
		*bmajor = bm;
	}
	if (cdev != NULL) {
		strlcpy(devsw_c[cm].de_name, name, DEVNAMELEN);
		devsw_c[cm].de_cdev = cdev;
		*cmajor = cm;
	}
out:
	mutex_exit(&devsw_lock);
	return error;
}

static struct devsw_entry *
bysw(const struct bdevsw *bdev, const struct cdevsw *cdev, int blk)
{
	struct devsw_entry *tab = blk ? devsw_b : devsw_c;

	for (int i = 0; i < MAXDEVSW; i++) {
		if (tab[i].de_name[0] == '\0')
			continue;
		if (blk ? tab[i].de_bdev == bdev : tab[i].de_cdev == cdev)
			return &tab[i];
	}
	return NULL;
}

int
devsw_detach(const struct bdevsw *bdev, const struct cdevsw *cdev)
{
	struct devsw_entry *be = NULL, *ce = NULL;
	int error = 0;

	mutex_enter(&devsw_lock);
	if (bdev != NULL && (be = bysw(bdev, NULL, 1)) == NULL)
		error = ENOENT;
	if (cdev != NULL && (ce = bysw(NULL, cdev, 0)) == NULL)
		error = ENOENT;
	if (error == 0 && ((be && be->de_bopens) || (ce && ce->de_copens)))
		error = EBUSY;
	if (error == 0) {
		if (be != NULL)
			memset(be, 0, sizeof(*be));
		if (ce != NULL)
			memset(ce, 0, sizeof(*ce));
	}
	mutex_exit(&devsw_lock);
	return error;
}

/*
 * Lookups run without the lock: an entry's switch pointer is set
 * before the entry can be named and cleared only when nothing has the
 * device open, and callers look up only for an open or an open device.
 */
const struct cdevsw *
cdevsw_lookup(dev_t dev)
{
	devmajor_t m = major(dev);

	if (dev == NODEV || m < 0 || m >= MAXDEVSW)
		return NULL;
	return __atomic_load_n(&devsw_c[m].de_cdev, __ATOMIC_ACQUIRE);
}

const struct bdevsw *
bdevsw_lookup(dev_t dev)
{
	devmajor_t m = major(dev);

	if (dev == NODEV || m < 0 || m >= MAXDEVSW)
		return NULL;
	return __atomic_load_n(&devsw_b[m].de_bdev, __ATOMIC_ACQUIRE);
}

int
devsw_ref(dev_t dev, int devtype)
{
	devmajor_t m = major(dev);
	struct devsw_entry *e;
	int error = ENXIO;

	if (dev == NODEV || m < 0 || m >= MAXDEVSW)
		return ENXIO;
	mutex_enter(&devsw_lock);
	if (devtype == S_IFBLK_DEVTYPE) {
		e = &devsw_b[m];
		if (e->de_bdev != NULL) {
			e->de_bopens++;
			error = 0;
		}
	} else {
		e = &devsw_c[m];
		if (e->de_cdev != NULL) {
			e->de_copens++;
			error = 0;
		}
	}
	mutex_exit(&devsw_lock);
	return error;
}

void
devsw_unref(dev_t dev, int devtype)
{
	devmajor_t m = major(dev);
	unsigned int *cnt;

	mutex_enter(&devsw_lock);
	cnt = devtype == S_IFBLK_DEVTYPE ? &devsw_b[m].de_bopens :
	    &devsw_c[m].de_copens;
	KASSERT(*cnt > 0);
	(*cnt)--;
	mutex_exit(&devsw_lock);
}

struct devopen *
devopen_hold(dev_t dev, int devtype, uint64_t *genp)
{
	struct devopen *d, *nd = NULL;

	for (;;) {
		mutex_enter(&devsw_lock);
		LIST_FOREACH(d, &devopen_list, do_list)
			if (d->do_dev == dev && d->do_devtype == devtype)
				break;
		if (d == NULL && nd != NULL) {
			d = nd;
			nd = NULL;
			LIST_INSERT_HEAD(&devopen_list, d, do_list);
		}
		if (d != NULL) {
			d->do_refs++;
			*genp = __atomic_load_n(&d->do_gen, __ATOMIC_SEQ_CST);
			mutex_exit(&devsw_lock);
			if (nd != NULL)
				kmem_free(nd, sizeof(*nd));
			return d;
		}
		mutex_exit(&devsw_lock);
		/* allocate outside the lock, then look again */
		nd = kmem_zalloc(sizeof(*nd), KM_SLEEP);
		nd->do_dev = dev;
		nd->do_devtype = devtype;
	}
}

void
devopen_rele(struct devopen *d)
{
	mutex_enter(&devsw_lock);
	KASSERT(d->do_refs > 0);
	if (--d->do_refs > 0) {
		mutex_exit(&devsw_lock);
		return;
	}
	LIST_REMOVE(d, do_list);
	mutex_exit(&devsw_lock);
	KASSERT(d->do_calls == 0);
	kmem_free(d, sizeof(*d));
}

int
devopen_enter(struct devopen *d, uint64_t gen)
{
	__atomic_add_fetch(&d->do_calls, 1, __ATOMIC_SEQ_CST);
	if (__atomic_load_n(&d->do_gen, __ATOMIC_SEQ_CST) == gen)
		return 0;
	devopen_exit(d);
	return ENXIO;
}

void
devopen_exit(struct devopen *d)
{
	if (__atomic_sub_fetch(&d->do_calls, 1, __ATOMIC_SEQ_CST) == 0 &&
	    __atomic_load_n(&d->do_revoking, __ATOMIC_SEQ_CST) != 0) {
		mutex_enter(&devsw_lock);
		cv_broadcast(&devopen_cv);
		mutex_exit(&devsw_lock);
	}
}

bool
devopen_revoked(struct devopen *d, uint64_t gen)
{
	return __atomic_load_n(&d->do_gen, __ATOMIC_SEQ_CST) != gen;
}

void
devsw_revoke(dev_t dev, int devtype)
{
	struct devopen *d;

	mutex_enter(&devsw_lock);
	LIST_FOREACH(d, &devopen_list, do_list)
		if (d->do_dev == dev && d->do_devtype == devtype)
			break;
	if (d == NULL) {		/* nothing open: nothing to revoke */
		mutex_exit(&devsw_lock);
		return;
	}
	d->do_refs++;			/* keep it while we wait */
	__atomic_add_fetch(&d->do_revoking, 1, __ATOMIC_SEQ_CST);
	__atomic_add_fetch(&d->do_gen, 1, __ATOMIC_SEQ_CST);
	while (__atomic_load_n(&d->do_calls, __ATOMIC_SEQ_CST) != 0)
		cv_wait(&devopen_cv, &devsw_lock);
	__atomic_sub_fetch(&d->do_revoking, 1, __ATOMIC_SEQ_CST);
	mutex_exit(&devsw_lock);
	devopen_rele(d);
}

static devmajor_t
lookup_major(struct devsw_entry *tab, const char *name)
{
	struct devsw_entry *e;
	devmajor_t m;

	mutex_enter(&devsw_lock);
	e = byname(tab, name);
	m = e == NULL ? NODEVMAJOR : (devmajor_t)(e - tab);
	mutex_exit(&devsw_lock);
	return m;
}

devmajor_t
cdevsw_lookup_major(const char *name)
{
	return lookup_major(devsw_c, name);
}

devmajor_t
bdevsw_lookup_major(const char *name)
{
	return lookup_major(devsw_b, name);
}

/*
 * Device nodes.  Before the VFS's root exists the requests queue up;
 * devnode_vfs_attach plays them.  A failure then is printed, since
 * the driver that asked is long gone from the call stack.
 */
int
devnode_create(const char *path, int devtype, dev_t dev, mode_t mode)
{
	const struct devnode_vfsops *vfs;
	struct devnode_req *dr;
	size_t len;

	if (path == NULL || path[0] != '/' ||
	    (devtype != S_IFCHR_DEVTYPE && devtype != S_IFBLK_DEVTYPE))
		return EINVAL;
	mutex_enter(&devsw_lock);
	vfs = devnode_vfs;
	mutex_exit(&devsw_lock);
	if (vfs != NULL)
		return vfs->dv_create(path, devtype, dev, mode);

	len = strlen(path) + 1;
	dr = kmem_alloc(sizeof(*dr), KM_SLEEP);
	dr->dr_path = kmem_alloc(len, KM_SLEEP);
	memcpy(dr->dr_path, path, len);
	dr->dr_pathlen = len;
	dr->dr_devtype = devtype;
	dr->dr_dev = dev;
	dr->dr_mode = mode;
	mutex_enter(&devsw_lock);
	TAILQ_INSERT_TAIL(&devnode_pending, dr, dr_list);
	mutex_exit(&devsw_lock);
	return 0;
}

static void
devnode_req_free(struct devnode_req *dr)
{
	kmem_free(dr->dr_path, dr->dr_pathlen);
	kmem_free(dr, sizeof(*dr));
}

int
devnode_remove(const char *path)
{
	const struct devnode_vfsops *vfs;
	struct devnode_req *dr;

	mutex_enter(&devsw_lock);
	vfs = devnode_vfs;
	TAILQ_FOREACH(dr, &devnode_pending, dr_list)
		if (strcmp(dr->dr_path, path) == 0)
			break;
	if (dr != NULL)
		TAILQ_REMOVE(&devnode_pending, dr, dr_list);
	mutex_exit(&devsw_lock);
	if (dr != NULL) {
		devnode_req_free(dr);
		return 0;
	}
	return vfs != NULL ? vfs->dv_remove(path) : ENOENT;
}

void
devnode_vfs_attach(const struct devnode_vfsops *vfs)
{
	struct devnode_req *dr;
	int error;

	mutex_enter(&devsw_lock);
	devnode_vfs = vfs;
	while ((dr = TAILQ_FIRST(&devnode_pending)) != NULL) {
		TAILQ_REMOVE(&devnode_pending, dr, dr_list);
		mutex_exit(&devsw_lock);
		error = vfs->dv_create(dr->dr_path, dr->dr_devtype,
		    dr->dr_dev, dr->dr_mode);
		if (error != 0)
			printf("devnode: cannot create %s: error %d\n",
			    dr->dr_path, error);
		devnode_req_free(dr);
		mutex_enter(&devsw_lock);
	}
	mutex_exit(&devsw_lock);
}

void
devnode_vfs_detach(void)
{
	mutex_enter(&devsw_lock);
	devnode_vfs = NULL;
	mutex_exit(&devsw_lock);
}

RUMP_COMPONENT(RUMP_COMPONENT_KERN, devsw)
{
	memset(devsw_b, 0, sizeof(devsw_b));
	memset(devsw_c, 0, sizeof(devsw_c));
	TAILQ_INIT(&devnode_pending);
	LIST_INIT(&devopen_list);
	devnode_vfs = NULL;
	mutex_init(&devsw_lock, MUTEX_DEFAULT, IPL_NONE);
	cv_init(&devopen_cv, "devrevok");
	return 0;
}

RUMP_COMPONENT_FINI(devsw)
{
	struct devnode_req *dr;

	while ((dr = TAILQ_FIRST(&devnode_pending)) != NULL) {
		TAILQ_REMOVE(&devnode_pending, dr, dr_list);
		devnode_req_free(dr);
	}
	KASSERT(LIST_EMPTY(&devopen_list));
	cv_destroy(&devopen_cv);
	mutex_destroy(&devsw_lock);
}
