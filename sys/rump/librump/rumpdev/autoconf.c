/*
 * autoconf.c: the device tree.  Drivers register a cfattach; parents
 * find children with config_found (best match at an interface attribute
 * wins); config_detach takes subtrees apart deepest first; at shutdown
 * the whole tree under mainbus0 goes.  The contract is in device.h.
 *
 * Two locks.  The configuration lock serialises every change of the
 * tree and is held across driver entry points (which may recurse into
 * config_found/config_detach), so it is an ownership flag (cfg_owner,
 * cfg_depth) guarded by cfg_mtx rather than a plain mutex.  cfg_mtx
 * guards the device list, the child lists and the reference counts:
 * the tree changes under both locks and is read under either, so
 * lookups from open devices (device_lookup_acquire, device_nchildren)
 * never wait for a driver that is detaching under the configuration
 * lock, which may itself be waiting for their references.
 *
 * Reentry.  A driver entry point holds the configuration lock, so its
 * calls back into autoconf run at once instead of waiting.  A device
 * whose attach has not returned (no DVF_ACTIVE) or whose detach has
 * begun (DVF_DETACHING) is therefore refused as a target of detach
 * (EBUSY) and as a parent (config_found: NULL), or it would be freed
 * under the code still working on it.
 */
#include <rump-sys/systm.h>
#include <rump-sys/condvar.h>
#include <rump-sys/component.h>
#include <rump-sys/device.h>
#include <rump-sys/kmem.h>
#include <rump-sys/lwp.h>
#include <rump-sys/mutex.h>
#include <rump-sys/queue.h>

#include "rumpdev_int.h"

/* dv_flags */
#define DVF_ACTIVE	0x01	/* attach done; lookups find it */
#define DVF_DETACHING	0x02	/* lookups fail; references drain */

struct device {
	char			 dv_xname[DEVICE_XNAMELEN];
	int			 dv_unit;
	int			 dv_flags;	/* cfg_mtx */
	unsigned		 dv_refcnt;	/* cfg_mtx */
	struct cfattach		*dv_ca;
	struct cfreg		*dv_reg;	/* NULL for mainbus0 */
	struct device		*dv_parent;
	void			*dv_private;
	/* children, most recently attached first; cfg_mtx (see above) */
	TAILQ_HEAD(, device)	 dv_children;
	TAILQ_ENTRY(device)	 dv_sibling;
	TAILQ_ENTRY(device)	 dv_all;	/* alldevs, cfg_mtx */
};

/* A registered driver. */
struct cfreg {
	struct cfattach		*cr_ca;
	int			 cr_ndevs;
	TAILQ_ENTRY(cfreg)	 cr_list;
};

static kmutex_t		 cfg_mtx;
static kcondvar_t	 cfg_cv;	/* configuration lock released */
static kcondvar_t	 cfg_refcv;	/* a reference released */
static struct lwp	*cfg_owner;
static int		 cfg_depth;
static TAILQ_HEAD(, cfreg) cfregs = TAILQ_HEAD_INITIALIZER(cfregs);
static TAILQ_HEAD(, device) alldevs = TAILQ_HEAD_INITIALIZER(alldevs);
static struct device	*rootdev;
static int		 ndevs;

static struct cfattach mainbus_ca = {
	.ca_name = "mainbus",
};

static void
config_enter(void)
{
	mutex_enter(&cfg_mtx);
	while (cfg_owner != NULL && cfg_owner != curlwp)
		cv_wait(&cfg_cv, &cfg_mtx);
	cfg_owner = curlwp;
	cfg_depth++;
	mutex_exit(&cfg_mtx);
}

static void
config_exit(void)
{
	mutex_enter(&cfg_mtx);
	KASSERTMSG(cfg_owner == curlwp, "%s: not the owner", __func__);
	if (--cfg_depth == 0) {
		cfg_owner = NULL;
		cv_broadcast(&cfg_cv);
	}
	mutex_exit(&cfg_mtx);
}

static struct cfreg *
cfreg_find(const struct cfattach *ca, const char *name)
{
	struct cfreg *cr;

	TAILQ_FOREACH(cr, &cfregs, cr_list) {
		if (cr->cr_ca == ca || (name != NULL &&
		    strcmp(cr->cr_ca->ca_name, name) == 0))
			return cr;
	}
	return NULL;
}

/*
 * A driver name leaves room in an xname for units up to 9999 and does
 * not end in a digit: "sd1" unit 0 would be "sd10", unit 10 of "sd".
 */
static bool
cfname_ok(const char *name)
{
	size_t len = strnlen(name, DEVICE_XNAMELEN);

	return len > 0 && len <= DEVICE_XNAMELEN - 5 &&
	    !(name[len - 1] >= '0' && name[len - 1] <= '9');
}

int
config_cfattach_register(struct cfattach *ca)
{
	struct cfreg *cr;
	int error = 0;

	if (ca == NULL || ca->ca_name == NULL || ca->ca_attach == NULL ||
	    (ca->ca_parent_attr != NULL && ca->ca_match == NULL) ||
	    !cfname_ok(ca->ca_name))
		return EINVAL;
	cr = kmem_zalloc(sizeof(*cr), KM_SLEEP);
	config_enter();
	if (cfreg_find(ca, ca->ca_name) != NULL) {
		error = EEXIST;
		kmem_free(cr, sizeof(*cr));
	} else {
		cr->cr_ca = ca;
		TAILQ_INSERT_TAIL(&cfregs, cr, cr_list);
	}
	config_exit();
	return error;
}

int
config_cfattach_unregister(struct cfattach *ca)
{
	struct cfreg *cr;
	int error = 0;

	if (ca == NULL)
		return EINVAL;
	config_enter();
	cr = cfreg_find(ca, NULL);
	if (cr == NULL)
		error = ENOENT;
	else if (cr->cr_ndevs != 0)
		error = EBUSY;
	else {
		TAILQ_REMOVE(&cfregs, cr, cr_list);
		kmem_free(cr, sizeof(*cr));
	}
	config_exit();
	return error;
}

/* The lowest unit of cr's driver not in use.  Configuration lock held. */
static int
unit_alloc(const struct cfreg *cr)
{
	struct device *dv;
	int unit = 0;

again:
	TAILQ_FOREACH(dv, &alldevs, dv_all) {
		if (dv->dv_reg == cr && dv->dv_unit == unit) {
			unit++;
			goto again;
		}
	}
	return unit;
}

/* Make, link and attach a device of cr under parent. */
static device_t
config_attach_reg(device_t parent, struct cfreg *cr, void *aux)
{
	struct cfattach *ca = cr->cr_ca;
	struct device *dv;

	dv = kmem_zalloc(sizeof(*dv), KM_SLEEP);
	if (ca->ca_devsize != 0)
		dv->dv_private = kmem_zalloc(ca->ca_devsize, KM_SLEEP);
	dv->dv_ca = ca;
	dv->dv_reg = cr;
	dv->dv_parent = parent;
	dv->dv_unit = unit_alloc(cr);
	snprintf(dv->dv_xname, sizeof(dv->dv_xname), "%s%d", ca->ca_name,
	    dv->dv_unit);
	TAILQ_INIT(&dv->dv_children);
	cr->cr_ndevs++;
	mutex_enter(&cfg_mtx);
	TAILQ_INSERT_HEAD(&parent->dv_children, dv, dv_sibling);
	TAILQ_INSERT_TAIL(&alldevs, dv, dv_all);
	ndevs++;
	mutex_exit(&cfg_mtx);
	aprint_verbose("%s at %s\n", dv->dv_xname, parent->dv_xname);
	ca->ca_attach(parent, dv, aux);
	mutex_enter(&cfg_mtx);
	dv->dv_flags |= DVF_ACTIVE;
	mutex_exit(&cfg_mtx);
	return dv;
}

device_t
config_found(device_t parent, void *aux, const char *iattr)
{
	struct cfreg *cr, *best = NULL;
	device_t dv = NULL;
	int score, bestscore = 0;

	if (iattr == NULL)
		return NULL;
	config_enter();
	if (parent == NULL)
		parent = rootdev;
	/* Its detach is running, and would free it with a child left. */
	if ((parent->dv_flags & DVF_DETACHING) != 0)
		goto out;
	TAILQ_FOREACH(cr, &cfregs, cr_list) {
		struct cfattach *ca = cr->cr_ca;

		if (ca->ca_parent_attr == NULL ||
		    strcmp(ca->ca_parent_attr, iattr) != 0)
			continue;
		score = ca->ca_match(parent, aux);
		if (score > bestscore) {
			bestscore = score;
			best = cr;
		}
	}
	if (best != NULL)
		dv = config_attach_reg(parent, best, aux);
out:
	config_exit();
	return dv;
}

device_t
config_attach_pseudo(struct cfattach *ca)
{
	struct cfreg *cr;
	device_t dv = NULL;

	if (ca == NULL)
		return NULL;
	config_enter();
	cr = cfreg_find(ca, NULL);
	if (cr != NULL)
		dv = config_attach_reg(rootdev, cr, NULL);
	config_exit();
	return dv;
}

/* Unlink and free dv, once its driver let go.  Configuration lock held. */
static void
device_free(struct device *dv)
{
	mutex_enter(&cfg_mtx);
	KASSERT(TAILQ_EMPTY(&dv->dv_children));
	if (dv->dv_parent != NULL)
		TAILQ_REMOVE(&dv->dv_parent->dv_children, dv, dv_sibling);
	KASSERT(dv->dv_refcnt == 0);
	TAILQ_REMOVE(&alldevs, dv, dv_all);
	ndevs--;
	mutex_exit(&cfg_mtx);
	if (dv->dv_reg != NULL)
		dv->dv_reg->cr_ndevs--;
	if (dv->dv_private != NULL)
		kmem_free(dv->dv_private, dv->dv_ca->ca_devsize);
	kmem_free(dv, sizeof(*dv));
}

static int detach_subtree(struct device *, int);

/* Children of dv, most recent first.  Configuration lock held. */
static int
detach_children(struct device *dv, int flags)
{
	struct device *child;
	int error;

	while ((child = TAILQ_FIRST(&dv->dv_children)) != NULL) {
		if ((child->dv_flags & DVF_DETACHING) != 0)
			return EBUSY;	/* its own ca_detach got here */
		error = detach_subtree(child, flags);
		if (error != 0)
			return error;
	}
	return 0;
}

static int
detach_subtree(struct device *dv, int flags)
{
	struct cfattach *ca = dv->dv_ca;
	int error;

	/* Reentry from its own attach, or its child's (see above). */
	if ((dv->dv_flags & DVF_ACTIVE) == 0)
		return EBUSY;
	error = detach_children(dv, flags);
	if (error != 0)
		return error;
	mutex_enter(&cfg_mtx);
	dv->dv_flags |= DVF_DETACHING;
	mutex_exit(&cfg_mtx);
	error = ca->ca_detach != NULL ? ca->ca_detach(dv, flags) : 0;
	if (error != 0) {
		if ((flags & DETACH_FORCE) != 0)
			panic("%s: %s refused a forced detach: error %d",
			    __func__, dv->dv_xname, error);
		mutex_enter(&cfg_mtx);
		dv->dv_flags &= ~DVF_DETACHING;
		mutex_exit(&cfg_mtx);
		return error;
	}
	device_drain(dv);
	if ((flags & DETACH_QUIET) == 0)
		aprint_verbose("%s detached\n", dv->dv_xname);
	device_free(dv);
	return 0;
}

int
config_detach(device_t dv, int flags)
{
	int error;

	if (dv == NULL)
		return EINVAL;
	config_enter();
	if (dv == rootdev)
		error = EINVAL;
	else if ((dv->dv_flags & DVF_DETACHING) != 0)
		error = EBUSY;
	else
		error = detach_subtree(dv, flags);
	config_exit();
	return error;
}

int
config_detach_children(device_t dv, int flags)
{
	int error;

	if (dv == NULL)
		return EINVAL;
	config_enter();
	error = detach_children(dv, flags);
	config_exit();
	return error;
}

int
config_detach_all(struct cfattach *ca, int flags)
{
	struct device *dv;
	int error = 0;

	if (ca == NULL)
		return EINVAL;
	config_enter();
again:
	TAILQ_FOREACH(dv, &alldevs, dv_all) {
		if (dv->dv_ca == ca && (dv->dv_flags & DVF_DETACHING) == 0) {
			error = detach_subtree(dv, flags);
			if (error != 0)
				break;
			goto again;
		}
	}
	config_exit();
	return error;
}

device_t
config_rootdev(void)
{
	return rootdev;
}

device_t
device_parent(device_t dv)
{
	return dv->dv_parent;
}

void *
device_private(device_t dv)
{
	return dv->dv_private;
}

const char *
device_xname(device_t dv)
{
	return dv->dv_xname;
}

int
device_unit(device_t dv)
{
	return dv->dv_unit;
}

struct cfattach *
device_cfattach(device_t dv)
{
	return dv->dv_ca;
}

bool
device_is_a(device_t dv, const char *name)
{
	return dv != NULL && name != NULL &&
	    strcmp(dv->dv_ca->ca_name, name) == 0;
}

device_t
device_find_by_xname(const char *xname)
{
	struct device *dv;

	if (xname == NULL)
		return NULL;
	mutex_enter(&cfg_mtx);
	TAILQ_FOREACH(dv, &alldevs, dv_all) {
		if (strcmp(dv->dv_xname, xname) == 0)
			break;
	}
	mutex_exit(&cfg_mtx);
	return dv;
}

int
device_nchildren(device_t dv)
{
	struct device *child;
	int n = 0;

	mutex_enter(&cfg_mtx);
	TAILQ_FOREACH(child, &dv->dv_children, dv_sibling)
		n++;
	mutex_exit(&cfg_mtx);
	return n;
}

int
device_count(void)
{
	int n;

	mutex_enter(&cfg_mtx);
	n = ndevs;
	mutex_exit(&cfg_mtx);
	return n;
}

device_t
device_lookup_acquire(struct cfattach *ca, int unit)
{
	struct device *dv;

	mutex_enter(&cfg_mtx);
	TAILQ_FOREACH(dv, &alldevs, dv_all) {
		if (dv->dv_ca == ca && dv->dv_unit == unit)
			break;
	}
	if (dv != NULL && (dv->dv_flags & (DVF_ACTIVE | DVF_DETACHING)) ==
	    DVF_ACTIVE)
		dv->dv_refcnt++;
	else
		dv = NULL;
	mutex_exit(&cfg_mtx);
	return dv;
}

void
device_release(device_t dv)
{
	mutex_enter(&cfg_mtx);
	KASSERTMSG(dv->dv_refcnt > 0, "%s: %s not referenced", __func__,
	    dv->dv_xname);
	if (--dv->dv_refcnt == 0)
		cv_broadcast(&cfg_refcv);
	mutex_exit(&cfg_mtx);
}

void
device_drain(device_t dv)
{
	mutex_enter(&cfg_mtx);
	KASSERTMSG(dv->dv_flags & DVF_DETACHING, "%s: %s is not detaching",
	    __func__, dv->dv_xname);
	while (dv->dv_refcnt != 0)
		cv_wait(&cfg_refcv, &cfg_mtx);
	mutex_exit(&cfg_mtx);
}

/* Faction init: the locks and mainbus0. */
void
rumpdev_autoconf_init(void)
{
	struct device *dv;

	mutex_init(&cfg_mtx, MUTEX_DEFAULT, IPL_NONE);
	cv_init(&cfg_cv, "config");
	cv_init(&cfg_refcv, "devref");
	dv = kmem_zalloc(sizeof(*dv), KM_SLEEP);
	dv->dv_ca = &mainbus_ca;
	strlcpy(dv->dv_xname, "mainbus0", sizeof(dv->dv_xname));
	dv->dv_flags = DVF_ACTIVE;
	TAILQ_INIT(&dv->dv_children);
	TAILQ_INSERT_TAIL(&alldevs, dv, dv_all);
	ndevs = 1;
	rootdev = dv;
}

/*
 * Faction shutdown, after the drivers' own hooks: detach what is left,
 * deepest first, and drop the registrations.
 */
void
rumpdev_autoconf_fini(void)
{
	struct cfreg *cr;
	int error;

	config_enter();
	error = detach_children(rootdev, DETACH_FORCE | DETACH_SHUTDOWN);
	KASSERTMSG(error == 0, "%s: detach: %d", __func__, error);
	device_free(rootdev);
	rootdev = NULL;
	while ((cr = TAILQ_FIRST(&cfregs)) != NULL) {
		TAILQ_REMOVE(&cfregs, cr, cr_list);
		kmem_free(cr, sizeof(*cr));
	}
	config_exit();
	KASSERT(TAILQ_EMPTY(&alldevs) && ndevs == 0);
	cv_destroy(&cfg_refcv);
	cv_destroy(&cfg_cv);
	mutex_destroy(&cfg_mtx);
}
