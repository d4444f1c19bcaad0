/*
 * k_autoconf.c: the kernel half of t_autoconf.  A handful of test
 * drivers (a bus, its children and leaves, drivers of graded match
 * scores, one that refuses detach, a pseudo-device, one that holds
 * references like an open file) exercise the device tree; every attach
 * and detach is written to a log the host half compares.
 */
#include <rump-sys/systm.h>
#include <rump-sys/condvar.h>
#include <rump-sys/device.h>
#include <rump-sys/kmem.h>
#include <rump-sys/kthread.h>
#include <rump-sys/mutex.h>
#include <rump-sys/time.h>

#include "ktest_int.h"
#include "k_autoconf.h"

#define BOUND_NS	(10 * NSEC_PER_SEC)

static char cflog[1024];

static void
log_event(const char *what, device_t self)
{
	size_t n = strlen(cflog);

	snprintf(cflog + n, sizeof(cflog) - n, "%s%s:%s", n ? " " : "",
	    what, device_xname(self));
}

void
rump_pub_ktest_autoconf_log(char *buf, size_t len)
{
	strlcpy(buf, cflog, len);
}

/* What a bus passes down: how many children and leaves to find. */
struct targs {
	int	ta_nchildren;
	int	ta_nleaves;
};

/* Softc of the drivers that allocate: a buffer their detach frees. */
struct tsoftc {
	void	*sc_buf;
	size_t	 sc_buflen;
	int	 sc_busy;
};

static int
match_one(device_t parent, void *aux)
{
	return 1;
}

static int
detach_logged(device_t self, int flags)
{
	struct tsoftc *sc = device_private(self);

	log_event("D", self);
	if (sc != NULL && sc->sc_buf != NULL)
		kmem_free(sc->sc_buf, sc->sc_buflen);
	return 0;
}

static void
attach_alloc(device_t self, size_t len)
{
	struct tsoftc *sc = device_private(self);

	sc->sc_buflen = len;
	sc->sc_buf = kmem_alloc(len, KM_SLEEP);
}

/* tbus at mainbus: finds ta_nchildren tchild at "tbus". */
static void
tbus_attach(device_t parent, device_t self, void *aux)
{
	struct targs *ta = aux;
	int i;

	log_event("A", self);
	attach_alloc(self, 128);
	for (i = 0; i < ta->ta_nchildren; i++)
		(void)config_found(self, ta, "tbus");
}

static int
tbus_match(device_t parent, void *aux)
{
	return aux != NULL;
}

static struct cfattach tbus_ca = {
	.ca_name = "tbus", .ca_devsize = sizeof(struct tsoftc),
	.ca_match = tbus_match, .ca_attach = tbus_attach,
	.ca_detach = detach_logged, .ca_parent_attr = "mainbus",
};

/* tchild at tbus: finds ta_nleaves tleaf at "tchild". */
static void
tchild_attach(device_t parent, device_t self, void *aux)
{
	struct targs *ta = aux;
	int i;

	log_event("A", self);
	attach_alloc(self, 64 + 8 * device_unit(self));
	for (i = 0; i < ta->ta_nleaves; i++)
		(void)config_found(self, ta, "tchild");
}

static struct cfattach tchild_ca = {
	.ca_name = "tchild", .ca_devsize = sizeof(struct tsoftc),
	.ca_match = match_one, .ca_attach = tchild_attach,
	.ca_detach = detach_logged, .ca_parent_attr = "tbus",
};

static void
attach_logged(device_t parent, device_t self, void *aux)
{
	log_event("A", self);
}

static struct cfattach tleaf_ca = {
	.ca_name = "tleaf", .ca_match = match_one,
	.ca_attach = attach_logged, .ca_detach = detach_logged,
	.ca_parent_attr = "tchild",
};

static int
register_tree(void)
{
	int error;

	if ((error = config_cfattach_register(&tbus_ca)) != 0 ||
	    (error = config_cfattach_register(&tchild_ca)) != 0 ||
	    (error = config_cfattach_register(&tleaf_ca)) != 0)
		return error;
	return 0;
}

/* Graded matches at "tprio". */
static int match_lo(device_t p, void *aux) { return 1; }
static int match_hi(device_t p, void *aux) { return 5; }
static int match_no(device_t p, void *aux) { return 0; }

#define PRIO_CA(n, m) {							\
	.ca_name = n, .ca_match = m, .ca_attach = attach_logged,	\
	.ca_detach = detach_logged, .ca_parent_attr = "tprio" }
static struct cfattach tprio_ca[] = {
	PRIO_CA("tplo", match_lo), PRIO_CA("tphi", match_hi),
	PRIO_CA("tphib", match_hi), PRIO_CA("tpno", match_no),
};

int
rump_pub_ktest_autoconf_match_priority(void)
{
	device_t dv, dv2;
	int error = 0;
	size_t i;

	KTEST_ENTER();
	cflog[0] = '\0';
	for (i = 0; i < __arraycount(tprio_ca); i++) {
		error = config_cfattach_register(&tprio_ca[i]);
		KTEST_CHECK(error == 0, "register %s: %d",
		    tprio_ca[i].ca_name, error);
	}
	dv = config_found(NULL, NULL, "tprio");
	KTEST_CHECK(dv != NULL && device_is_a(dv, "tphi"),
	    "score 5 (first registered) should win: %s",
	    dv ? device_xname(dv) : "NULL");
	KTEST_CHECK(device_parent(dv) == config_rootdev(), "parent");
	dv2 = config_found(NULL, NULL, "tprio");
	KTEST_CHECK(dv2 != NULL && strcmp(device_xname(dv2), "tphi1") == 0,
	    "second: %s", dv2 ? device_xname(dv2) : "NULL");
	error = config_cfattach_unregister(&tprio_ca[1]);
	KTEST_CHECK(error == EBUSY, "unregister with devices: %d", error);
	KTEST_CHECK(config_detach(dv, 0) == 0, "detach");
	KTEST_CHECK(config_detach(dv2, 0) == 0, "detach");
	error = config_cfattach_unregister(&tprio_ca[1]);
	KTEST_CHECK(error == 0, "unregister: %d", error);
	dv = config_found(NULL, NULL, "tprio");
	KTEST_CHECK(dv != NULL && device_is_a(dv, "tphib"),
	    "the other score 5 next: %s", dv ? device_xname(dv) : "NULL");
	KTEST_CHECK(config_detach(dv, 0) == 0, "detach");
	KTEST_CHECK(config_cfattach_unregister(&tprio_ca[2]) == 0, "unreg");
	dv = config_found(NULL, NULL, "tprio");
	KTEST_CHECK(dv != NULL && device_is_a(dv, "tplo"), "then score 1: %s",
	    dv ? device_xname(dv) : "NULL");
	KTEST_CHECK(config_detach(dv, 0) == 0, "detach");
	KTEST_CHECK(config_cfattach_unregister(&tprio_ca[0]) == 0, "unreg");
	/* Only a score-0 driver is left: nothing attaches. */
	dv = config_found(NULL, NULL, "tprio");
	KTEST_CHECK(dv == NULL, "score 0 attached %s", device_xname(dv));
	KTEST_CHECK(strcmp(cflog, "A:tphi0 A:tphi1 D:tphi0 D:tphi1 A:tphib0 "
	    "D:tphib0 A:tplo0 D:tplo0") == 0, "log: %s", cflog);
	KTEST_CHECK(device_count() == 1, "devices left: %d", device_count());
out:
	return KTEST_LEAVE(error);
}

static struct cfattach tunit_ca = {
	.ca_name = "tunit", .ca_match = match_one,
	.ca_attach = attach_logged, .ca_detach = detach_logged,
	.ca_parent_attr = "tunit",
};

int
rump_pub_ktest_autoconf_units(void)
{
	device_t dv[4];
	int error, i;

	KTEST_ENTER();
	cflog[0] = '\0';
	error = config_cfattach_register(&tunit_ca);
	KTEST_CHECK(error == 0, "register: %d", error);
	for (i = 0; i < 3; i++) {
		dv[i] = config_found(NULL, NULL, "tunit");
		KTEST_CHECK(dv[i] != NULL && device_unit(dv[i]) == i,
		    "unit %d", i);
	}
	KTEST_CHECK(config_detach(dv[1], 0) == 0, "detach tunit1");
	KTEST_CHECK(device_find_by_xname("tunit1") == NULL, "still found");
	dv[1] = config_found(NULL, NULL, "tunit");
	KTEST_CHECK(dv[1] != NULL && device_unit(dv[1]) == 1,
	    "the freed unit 1 is reused");
	dv[3] = config_found(NULL, NULL, "tunit");
	KTEST_CHECK(dv[3] != NULL && device_unit(dv[3]) == 3, "then 3");
	KTEST_CHECK(device_find_by_xname("tunit3") == dv[3], "by name");
	KTEST_CHECK(device_nchildren(config_rootdev()) == 4, "children %d",
	    device_nchildren(config_rootdev()));
	KTEST_CHECK(device_count() == 5, "count %d", device_count());
	KTEST_CHECK(strcmp(cflog, "A:tunit0 A:tunit1 A:tunit2 D:tunit1 "
	    "A:tunit1 A:tunit3") == 0, "log: %s", cflog);
	/* Left attached: shutdown detaches them. */
out:
	return KTEST_LEAVE(error);
}

/* tbus0 { tchild0 { tleaf0 }, tchild1 { tleaf1 } } */
static device_t
attach_tree(void)
{
	struct targs ta = { .ta_nchildren = 2, .ta_nleaves = 1 };

	return config_found(config_rootdev(), &ta, "mainbus");
}

int
rump_pub_ktest_autoconf_tree(void)
{
	device_t bus, c0, c1, l0, l1;
	int error;

	KTEST_ENTER();
	cflog[0] = '\0';
	error = register_tree();
	KTEST_CHECK(error == 0, "register: %d", error);
	bus = attach_tree();
	KTEST_CHECK(bus != NULL, "no tbus");
	KTEST_CHECK(strcmp(cflog, "A:tbus0 A:tchild0 A:tleaf0 A:tchild1 "
	    "A:tleaf1") == 0, "log: %s", cflog);
	c0 = device_find_by_xname("tchild0");
	c1 = device_find_by_xname("tchild1");
	l0 = device_find_by_xname("tleaf0");
	l1 = device_find_by_xname("tleaf1");
	KTEST_CHECK(c0 && c1 && l0 && l1, "a device is missing");
	KTEST_CHECK(device_parent(bus) == config_rootdev(), "bus parent");
	KTEST_CHECK(device_parent(c0) == bus && device_parent(c1) == bus,
	    "child parents");
	KTEST_CHECK(device_parent(l0) == c0 && device_parent(l1) == c1,
	    "leaf parents");
	KTEST_CHECK(device_parent(config_rootdev()) == NULL, "root parent");
	KTEST_CHECK(strcmp(device_xname(config_rootdev()), "mainbus0") == 0,
	    "root name %s", device_xname(config_rootdev()));
	KTEST_CHECK(device_nchildren(bus) == 2 && device_nchildren(c1) == 1 &&
	    device_nchildren(l1) == 0, "child counts");
	KTEST_CHECK(device_count() == 6, "count %d", device_count());
	KTEST_CHECK(device_private(l0) == NULL, "no softc asked, got one");
	/* A leaf alone; the children of a device only. */
	KTEST_CHECK(config_detach(l0, 0) == 0, "detach tleaf0");
	KTEST_CHECK(device_nchildren(c0) == 0, "tleaf0 still a child");
	KTEST_CHECK(config_detach_children(c1, 0) == 0, "detach_children");
	KTEST_CHECK(device_nchildren(c1) == 0 && device_find_by_xname(
	    "tchild1") == c1, "tchild1 should stay, childless");
	KTEST_CHECK(config_detach_children(NULL, 0) == EINVAL, "NULL");
	/* no bus args: tbus does not match */
	KTEST_CHECK(config_found(NULL, NULL, "mainbus") == NULL, "matched");
out:
	return KTEST_LEAVE(error);
}

int
rump_pub_ktest_autoconf_detach_subtree(void)
{
	device_t bus;
	int error;

	KTEST_ENTER();
	error = register_tree();
	KTEST_CHECK(error == 0, "register: %d", error);
	bus = attach_tree();
	KTEST_CHECK(bus != NULL, "no tbus");
	cflog[0] = '\0';
	error = config_detach(bus, 0);
	KTEST_CHECK(error == 0, "detach: %d", error);
	KTEST_CHECK(strcmp(cflog, "D:tleaf1 D:tchild1 D:tleaf0 D:tchild0 "
	    "D:tbus0") == 0, "deepest and newest first: %s", cflog);
	KTEST_CHECK(device_count() == 1, "left: %d", device_count());
	KTEST_CHECK(device_find_by_xname("tleaf0") == NULL, "tleaf0 found");
	/* The units are free again. */
	bus = attach_tree();
	KTEST_CHECK(bus != NULL && strcmp(device_xname(bus), "tbus0") == 0 &&
	    device_find_by_xname("tleaf1") != NULL, "reattach");
	cflog[0] = '\0';
	error = config_detach_all(&tchild_ca, 0);
	KTEST_CHECK(error == 0, "detach_all: %d", error);
	KTEST_CHECK(strcmp(cflog, "D:tleaf0 D:tchild0 D:tleaf1 D:tchild1") ==
	    0, "detach_all: %s", cflog);
	KTEST_CHECK(device_count() == 2, "left: %d", device_count());
out:
	return KTEST_LEAVE(error);
}

/* trefuse: EBUSY while sc_busy, unless forced; finds one tleaf. */
static int
trefuse_detach(device_t self, int flags)
{
	struct tsoftc *sc = device_private(self);

	if (sc->sc_busy && (flags & DETACH_FORCE) == 0) {
		log_event("R", self);
		return EBUSY;
	}
	return detach_logged(self, flags);
}

static void
trefuse_attach(device_t parent, device_t self, void *aux)
{
	struct tsoftc *sc = device_private(self);
	struct targs ta = { 0, 0 };

	log_event("A", self);
	sc->sc_busy = 1;
	(void)config_found(self, &ta, "tchild");
}

static struct cfattach trefuse_ca = {
	.ca_name = "trefuse", .ca_devsize = sizeof(struct tsoftc),
	.ca_match = match_one, .ca_attach = trefuse_attach,
	.ca_detach = trefuse_detach, .ca_parent_attr = "trefuse",
};

/* Its softc is 64 plain bytes, not a tsoftc. */
static int
detach_logonly(device_t self, int flags)
{
	log_event("D", self);
	return 0;
}

static struct cfattach tpseudo_ca = {
	.ca_name = "tpseudo", .ca_devsize = 64,
	.ca_attach = attach_logged, .ca_detach = detach_logonly,
};

int
rump_pub_ktest_autoconf_detach_refused(void)
{
	device_t ps, dv, ref;
	int error;

	KTEST_ENTER();
	cflog[0] = '\0';
	KTEST_CHECK(config_cfattach_register(&trefuse_ca) == 0 &&
	    config_cfattach_register(&tleaf_ca) == 0 &&
	    config_cfattach_register(&tpseudo_ca) == 0, "register");
	ps = config_attach_pseudo(&tpseudo_ca);
	KTEST_CHECK(ps != NULL, "no pseudo");
	dv = config_found(ps, NULL, "trefuse");
	KTEST_CHECK(dv != NULL, "no trefuse");
	error = config_detach(dv, 0);
	KTEST_CHECK(error == EBUSY, "detach: %d", error);
	KTEST_CHECK(device_find_by_xname("trefuse0") == dv, "gone");
	/* Children go first, and stay gone. */
	KTEST_CHECK(device_nchildren(dv) == 0, "tleaf0 still attached");
	/* Refused: usable again. */
	ref = device_lookup_acquire(&trefuse_ca, 0);
	KTEST_CHECK(ref == dv, "lookup after a refused detach");
	device_release(ref);
	/* The refusal stops a detach of the parent too. */
	error = config_detach(ps, 0);
	KTEST_CHECK(error == EBUSY, "parent detach: %d", error);
	KTEST_CHECK(device_find_by_xname("tpseudo0") == ps, "parent gone");
	/* And one of config_detach_all, which says so. */
	error = config_detach_all(&trefuse_ca, DETACH_QUIET);
	KTEST_CHECK(error == EBUSY, "detach_all: %d", error);
	KTEST_CHECK(strcmp(cflog, "A:tpseudo0 A:trefuse0 A:tleaf0 D:tleaf0 "
	    "R:trefuse0 R:trefuse0 R:trefuse0") == 0, "log: %s", cflog);
	error = config_detach(ps, DETACH_FORCE);
	KTEST_CHECK(error == 0, "forced: %d", error);
	KTEST_CHECK(device_lookup_acquire(&trefuse_ca, 0) == NULL, "found");
	KTEST_CHECK(device_count() == 1, "left: %d", device_count());
	KTEST_CHECK(config_cfattach_unregister(&trefuse_ca) == 0, "unreg");
out:
	return KTEST_LEAVE(error);
}

int
rump_pub_ktest_autoconf_pseudo(void)
{
	device_t p0, p1;
	unsigned char *sc;
	int error = 0, i;

	KTEST_ENTER();
	KTEST_CHECK(config_attach_pseudo(&tpseudo_ca) == NULL,
	    "attached an unregistered driver");
	KTEST_CHECK(config_cfattach_register(&tpseudo_ca) == 0, "register");
	p0 = config_attach_pseudo(&tpseudo_ca);
	p1 = config_attach_pseudo(&tpseudo_ca);
	KTEST_CHECK(p0 && p1, "attach");
	KTEST_CHECK(strcmp(device_xname(p1), "tpseudo1") == 0, "name %s",
	    device_xname(p1));
	KTEST_CHECK(device_parent(p0) == config_rootdev(), "parent");
	KTEST_CHECK(device_cfattach(p0) == &tpseudo_ca, "cfattach");
	sc = device_private(p0);
	KTEST_CHECK(sc != NULL, "no softc");
	for (i = 0; i < 64; i++)
		KTEST_CHECK(sc[i] == 0, "softc byte %d is %d", i, sc[i]);
	memset(sc, 0xa5, 64);
	KTEST_CHECK(config_detach(p0, 0) == 0, "detach");
	p0 = config_attach_pseudo(&tpseudo_ca);
	KTEST_CHECK(p0 != NULL && device_unit(p0) == 0, "reattach");
	sc = device_private(p0);
	for (i = 0; i < 64; i++)
		KTEST_CHECK(sc[i] == 0, "reused softc byte %d is %d", i, sc[i]);
out:
	return KTEST_LEAVE(error);
}

static struct cfattach tdup_ca = {
	.ca_name = "tpseudo", .ca_attach = attach_logged,
};
static struct cfattach tnoattach_ca = { .ca_name = "tnoattach" };
static struct cfattach tlong_ca = {
	.ca_name = "averyveryverylongname", .ca_attach = attach_logged,
};
static struct cfattach tnomatch_ca = {
	.ca_name = "tnomatch", .ca_attach = attach_logged,
	.ca_parent_attr = "mainbus",
};
static struct cfattach tempty_ca = { .ca_name = "", .ca_attach =
	attach_logged };
static struct cfattach tnoname_ca = { .ca_attach = attach_logged };
/* "tdigit1" unit 0 would be "tdigit10", unit 10 of a "tdigit". */
static struct cfattach tdigit_ca = { .ca_name = "tdigit1", .ca_attach =
	attach_logged };

int
rump_pub_ktest_autoconf_badinput(void)
{
	int error;

	KTEST_ENTER();
	KTEST_CHECK(config_cfattach_register(&tpseudo_ca) == 0, "register");
	error = config_cfattach_register(&tpseudo_ca);
	KTEST_CHECK(error == EEXIST, "same struct twice: %d", error);
	error = config_cfattach_register(&tdup_ca);
	KTEST_CHECK(error == EEXIST, "same name: %d", error);
	error = config_cfattach_register(NULL);
	KTEST_CHECK(error == EINVAL, "NULL: %d", error);
	error = config_cfattach_register(&tnoattach_ca);
	KTEST_CHECK(error == EINVAL, "no attach: %d", error);
	error = config_cfattach_register(&tlong_ca);
	KTEST_CHECK(error == EINVAL, "long name: %d", error);
	error = config_cfattach_register(&tnomatch_ca);
	KTEST_CHECK(error == EINVAL, "attr without match: %d", error);
	error = config_cfattach_register(&tempty_ca);
	KTEST_CHECK(error == EINVAL, "empty name: %d", error);
	error = config_cfattach_register(&tdigit_ca);
	KTEST_CHECK(error == EINVAL, "name ending in a digit: %d", error);
	error = config_cfattach_register(&tnoname_ca);
	KTEST_CHECK(error == EINVAL, "no name: %d", error);
	KTEST_CHECK(config_attach_pseudo(NULL) == NULL, "pseudo NULL");
	KTEST_CHECK(!device_is_a(NULL, "tpseudo") &&
	    !device_is_a(config_rootdev(), NULL) &&
	    device_is_a(config_rootdev(), "mainbus"), "device_is_a");
	error = config_cfattach_unregister(&tdup_ca);
	KTEST_CHECK(error == ENOENT, "unregister unknown: %d", error);
	error = config_cfattach_unregister(NULL);
	KTEST_CHECK(error == EINVAL, "unregister NULL: %d", error);
	KTEST_CHECK(config_found(NULL, NULL, "nosuchattr") == NULL, "found");
	KTEST_CHECK(config_found(NULL, NULL, NULL) == NULL, "NULL attr");
	error = config_detach(config_rootdev(), 0);
	KTEST_CHECK(error == EINVAL, "detach root: %d", error);
	error = config_detach(NULL, 0);
	KTEST_CHECK(error == EINVAL, "detach NULL: %d", error);
	error = config_detach_all(NULL, 0);
	KTEST_CHECK(error == EINVAL, "detach_all NULL: %d", error);
	KTEST_CHECK(device_find_by_xname("nonesuch0") == NULL, "by name");
	KTEST_CHECK(device_find_by_xname(NULL) == NULL, "NULL name");
	KTEST_CHECK(device_lookup_acquire(&tdup_ca, 0) == NULL, "lookup");
	KTEST_CHECK(device_lookup_acquire(&tpseudo_ca, 0) == NULL,
	    "lookup of a unit never attached");
	KTEST_CHECK(device_count() == 1, "count %d", device_count());
	error = 0;
out:
	return KTEST_LEAVE(error);
}

/*
 * tref: a device with "open files".  A reader thread takes a reference
 * like a cdevsw entry point and sleeps for data; detach refuses while
 * open unless forced, and forced it wakes the reader and drains.
 */
struct tref_softc {
	kmutex_t	sc_mtx;
	kcondvar_t	sc_cv;
	int		sc_dying;
	unsigned	sc_sleepers;
	int		sc_readerr;
};

static void
tref_attach(device_t parent, device_t self, void *aux)
{
	struct tref_softc *sc = device_private(self);

	log_event("A", self);
	mutex_init(&sc->sc_mtx, MUTEX_DEFAULT, IPL_NONE);
	cv_init(&sc->sc_cv, "tref");
}

static int
tref_detach(device_t self, int flags)
{
	struct tref_softc *sc = device_private(self);

	mutex_enter(&sc->sc_mtx);
	if (sc->sc_sleepers != 0 && (flags & DETACH_FORCE) == 0) {
		mutex_exit(&sc->sc_mtx);
		return EBUSY;
	}
	sc->sc_dying = 1;
	cv_broadcast(&sc->sc_cv);
	mutex_exit(&sc->sc_mtx);
	device_drain(self);
	log_event("D", self);
	cv_destroy(&sc->sc_cv);
	mutex_destroy(&sc->sc_mtx);
	return 0;
}

static struct cfattach tref_ca = {
	.ca_name = "tref", .ca_devsize = sizeof(struct tref_softc),
	.ca_attach = tref_attach, .ca_detach = tref_detach,
};

static int tref_count_children;
static int tref_nchildren = -1;

/* What a d_read would do; the result goes to *errp. */
static void
tref_read(void *arg)
{
	struct ktest_worker *w = arg;
	int *errp = w->w_state;
	struct tref_softc *sc;
	device_t dv;

	if ((dv = device_lookup_acquire(&tref_ca, 0)) == NULL) {
		*errp = ENXIO;
		return;
	}
	sc = device_private(dv);
	mutex_enter(&sc->sc_mtx);
	sc->sc_sleepers++;
	while (!sc->sc_dying)
		cv_wait(&sc->sc_cv, &sc->sc_mtx);
	sc->sc_sleepers--;
	mutex_exit(&sc->sc_mtx);
	/* the softc stays valid until we let go */
	kpause("tref", false, 2, NULL);
	sc->sc_readerr = EIO;
	/* An entry point looking at its subtree while the detach drains. */
	if (tref_count_children)
		tref_nchildren = device_nchildren(dv);
	*errp = sc->sc_readerr;
	log_event("R", dv);
	device_release(dv);
}

int
rump_pub_ktest_autoconf_refs(int count_children)
{
	struct ktest_worker w;
	struct tref_softc *sc;
	device_t dv;
	uint64_t deadline = rump_monotime_ns() + BOUND_NS;
	int error, readerr = -1, started = 0;

	KTEST_ENTER();
	cflog[0] = '\0';
	tref_count_children = count_children;
	KTEST_CHECK(config_cfattach_register(&tref_ca) == 0, "register");
	dv = config_attach_pseudo(&tref_ca);
	KTEST_CHECK(dv != NULL, "attach");
	sc = device_private(dv);
	error = ktest_spawn(&w, 0, tref_read, &readerr, "reader");
	KTEST_CHECK(error == 0, "spawn: %d", error);
	started = 1;
	while (ATOMIC_LOAD(&sc->sc_sleepers) == 0) {
		KTEST_CHECK(rump_monotime_ns() < deadline, "reader never slept");
		kpause("wait", false, 1, NULL);
	}
	error = config_detach(dv, 0);
	KTEST_CHECK(error == EBUSY, "detach while open: %d", error);
	error = config_detach(dv, DETACH_FORCE);
	KTEST_CHECK(error == 0, "forced detach: %d", error);
	ktest_join_all(&w, 1);
	started = 0;
	KTEST_CHECK(readerr == EIO, "reader got %d", readerr);
	/* The next "call" finds no device. */
	KTEST_CHECK(device_lookup_acquire(&tref_ca, 0) == NULL, "lookup");
	error = ktest_spawn(&w, 1, tref_read, &readerr, "reader");
	KTEST_CHECK(error == 0, "spawn: %d", error);
	ktest_join_all(&w, 1);
	KTEST_CHECK(readerr == ENXIO, "second reader got %d", readerr);
	KTEST_CHECK(strcmp(cflog, "A:tref0 R:tref0 D:tref0") == 0,
	    "the detach must wait for the reference: %s", cflog);
	KTEST_CHECK(!tref_count_children || tref_nchildren == 0,
	    "device_nchildren from the reader: %d", tref_nchildren);
out:
	if (started) {
		(void)config_detach(dv, DETACH_FORCE);
		ktest_join_all(&w, 1);
	}
	return KTEST_LEAVE(error);
}

int
rump_pub_ktest_autoconf_leave_attached(void)
{
	int error;

	KTEST_ENTER();
	cflog[0] = '\0';
	KTEST_CHECK(register_tree() == 0, "register");
	KTEST_CHECK(config_cfattach_register(&tpseudo_ca) == 0, "register");
	KTEST_CHECK(config_cfattach_register(&tref_ca) == 0, "register");
	KTEST_CHECK(config_attach_pseudo(&tpseudo_ca) != NULL, "pseudo");
	KTEST_CHECK(attach_tree() != NULL, "tree");
	KTEST_CHECK(config_attach_pseudo(&tref_ca) != NULL, "tref");
	KTEST_CHECK(device_count() == 8, "count %d", device_count());
	cflog[0] = '\0';
	error = 0;
out:
	return KTEST_LEAVE(error);
}

/*
 * tslow: an attach that sleeps, found from several threads at once.
 * Attaches must not overlap and units must stay unique.
 */
struct slowstate {
	unsigned	ss_in;		/* in attach now */
	unsigned	ss_overlap;
	unsigned	ss_done;
	unsigned	ss_failed;
};
static struct slowstate slow;

static void
tslow_attach(device_t parent, device_t self, void *aux)
{
	if (ATOMIC_INC(&slow.ss_in) != 1)
		ATOMIC_INC(&slow.ss_overlap);
	kpause("tslow", false, 1, NULL);
	ATOMIC_DEC(&slow.ss_in);
}

static struct cfattach tslow_ca = {
	.ca_name = "tslow", .ca_match = match_one,
	.ca_attach = tslow_attach, .ca_parent_attr = "tslow",
};

#define SLOW_PER_THREAD	3

static void
tslow_finder(void *arg)
{
	int i;

	for (i = 0; i < SLOW_PER_THREAD; i++) {
		if (config_found(NULL, NULL, "tslow") == NULL)
			ATOMIC_INC(&slow.ss_failed);
		ATOMIC_INC(&slow.ss_done);
	}
}

int
rump_pub_ktest_autoconf_concurrent(unsigned nthreads)
{
	struct ktest_worker w[8];
	char name[DEVICE_XNAMELEN];
	unsigned n = 0, i;
	int error;

	KTEST_ENTER();
	memset(&slow, 0, sizeof(slow));
	if (nthreads > __arraycount(w))
		nthreads = __arraycount(w);
	KTEST_CHECK(config_cfattach_register(&tslow_ca) == 0, "register");
	error = ktest_spawn_all(w, nthreads, &n, tslow_finder, NULL, "finder");
	ktest_join_all(w, n);
	KTEST_CHECK(error == 0, "spawn: %d", error);
	KTEST_CHECK(slow.ss_overlap == 0, "%u attaches overlapped",
	    slow.ss_overlap);
	KTEST_CHECK(slow.ss_failed == 0, "%u finds failed", slow.ss_failed);
	for (i = 0; i < n * SLOW_PER_THREAD; i++) {
		snprintf(name, sizeof(name), "tslow%u", i);
		KTEST_CHECK(device_find_by_xname(name) != NULL, "no %s", name);
	}
	KTEST_CHECK(device_count() == 1 + (int)(n * SLOW_PER_THREAD),
	    "count %d", device_count());
	error = config_detach_all(&tslow_ca, 0);
	KTEST_CHECK(error == 0, "detach_all: %d", error);
out:
	return KTEST_LEAVE(error);
}

/* tleak: its detach forgets the buffer. */
static void
tleak_attach(device_t parent, device_t self, void *aux)
{
	attach_alloc(self, 333);
}

static struct cfattach tleak_ca = {
	.ca_name = "tleak", .ca_devsize = sizeof(struct tsoftc),
	.ca_attach = tleak_attach,
};

int
rump_pub_ktest_autoconf_leaky(void)
{
	int error = 0;

	KTEST_ENTER();
	KTEST_CHECK(config_cfattach_register(&tleak_ca) == 0, "register");
	KTEST_CHECK(config_attach_pseudo(&tleak_ca) != NULL, "attach");
out:
	return KTEST_LEAVE(error);
}

static int
tstubborn_detach(device_t self, int flags)
{
	return EBUSY;
}

static struct cfattach tstubborn_ca = {
	.ca_name = "tstubborn", .ca_attach = attach_logged,
	.ca_detach = tstubborn_detach,
};

int
rump_pub_ktest_autoconf_refuse_force(void)
{
	device_t dv;
	int error = 0;

	KTEST_ENTER();
	KTEST_CHECK(config_cfattach_register(&tstubborn_ca) == 0, "register");
	dv = config_attach_pseudo(&tstubborn_ca);
	KTEST_CHECK(dv != NULL, "attach");
	error = config_detach(dv, DETACH_FORCE);
	printf("ktest: forced detach returned %d\n", error);
	error = EIO;
out:
	return KTEST_LEAVE(error);
}

/*
 * tlook: what a device's own attach and detach see of it.  A lookup
 * must not hand out a device whose attach has not returned, nor one
 * that is detaching.
 */
static int look_attach_found, look_detach_found;
static struct cfattach tlook_ca;

static int
look_self(device_t self)
{
	device_t dv = device_lookup_acquire(&tlook_ca, device_unit(self));

	if (dv == NULL)
		return 0;
	device_release(dv);
	return 1;
}

static void
tlook_attach(device_t parent, device_t self, void *aux)
{
	look_attach_found = look_self(self);
}

static int
tlook_detach(device_t self, int flags)
{
	look_detach_found = look_self(self);
	return 0;
}

static struct cfattach tlook_ca = {
	.ca_name = "tlook", .ca_attach = tlook_attach,
	.ca_detach = tlook_detach,
};

int
rump_pub_ktest_autoconf_lookup_window(void)
{
	device_t dv, ref;
	int error = 0;

	KTEST_ENTER();
	look_attach_found = look_detach_found = -1;
	KTEST_CHECK(config_cfattach_register(&tlook_ca) == 0, "register");
	dv = config_attach_pseudo(&tlook_ca);
	KTEST_CHECK(dv != NULL, "attach");
	KTEST_CHECK(look_attach_found == 0, "found during its attach");
	ref = device_lookup_acquire(&tlook_ca, 0);
	KTEST_CHECK(ref == dv, "not found once attached");
	device_release(ref);
	KTEST_CHECK(config_detach(dv, 0) == 0, "detach");
	KTEST_CHECK(look_detach_found == 0, "found during its detach");
out:
	return KTEST_LEAVE(error);
}

/*
 * trec { treck }: the child's detach calls back into autoconf about
 * itself and its parent, the parent's detach about its own driver.
 * Each call must refuse or skip what is already detaching instead of
 * detaching it a second time.
 */
struct reentry {
	int	re_self;	/* config_detach(self) */
	int	re_parent;	/* config_detach(parent) */
	int	re_all;		/* config_detach_all(own driver) */
	int	re_parentall;	/* from the parent: detach_all(its own) */
	int	re_found;	/* config_found(self) gave a device */
	int	re_depth, re_reentered;
};
static struct reentry reent;

static struct cfattach treck_ca;

static void
trec_attach(device_t parent, device_t self, void *aux)
{
	log_event("A", self);
	(void)config_found(self, NULL, "trec");
}

static int
trec_detach(device_t self, int flags)
{
	if (ATOMIC_INC(&reent.re_depth) > 1) {
		ATOMIC_INC(&reent.re_reentered);
		return EBUSY;
	}
	reent.re_parentall = config_detach_all(device_cfattach(self), flags);
	log_event("D", self);
	ATOMIC_DEC(&reent.re_depth);
	return 0;
}

static struct cfattach trec_ca = {
	.ca_name = "trec", .ca_attach = trec_attach,
	.ca_detach = trec_detach,
};

static int
treck_detach(device_t self, int flags)
{
	if (ATOMIC_INC(&reent.re_depth) > 1) {
		ATOMIC_INC(&reent.re_reentered);
		return EBUSY;
	}
	reent.re_self = config_detach(self, flags);
	reent.re_parent = config_detach(device_parent(self), flags);
	reent.re_all = config_detach_all(&treck_ca, flags);
	reent.re_found = config_found(self, NULL, "trec") != NULL;
	log_event("D", self);
	ATOMIC_DEC(&reent.re_depth);
	return 0;
}

static struct cfattach treck_ca = {
	.ca_name = "treck", .ca_match = match_one,
	.ca_attach = attach_logged, .ca_detach = treck_detach,
	.ca_parent_attr = "trec",
};

int
rump_pub_ktest_autoconf_detach_reentry(int flags)
{
	device_t dv;
	int error = 0;

	KTEST_ENTER();
	cflog[0] = '\0';
	memset(&reent, 0, sizeof(reent));
	reent.re_self = reent.re_parent = reent.re_all = -1;
	KTEST_CHECK(config_cfattach_register(&trec_ca) == 0 &&
	    config_cfattach_register(&treck_ca) == 0, "register");
	dv = config_attach_pseudo(&trec_ca);
	KTEST_CHECK(dv != NULL && device_nchildren(dv) == 1, "attach");
	error = config_detach(dv, flags);
	KTEST_CHECK(error == 0, "detach: %d", error);
	KTEST_CHECK(reent.re_reentered == 0, "a detach ran twice (%d)",
	    reent.re_reentered);
	KTEST_CHECK(reent.re_self == EBUSY, "detach of itself: %d",
	    reent.re_self);
	KTEST_CHECK(reent.re_parent == EBUSY, "detach of its parent: %d",
	    reent.re_parent);
	KTEST_CHECK(reent.re_all == 0, "detach_all of its driver: %d",
	    reent.re_all);
	KTEST_CHECK(reent.re_parentall == 0, "detach_all from the parent: %d",
	    reent.re_parentall);
	KTEST_CHECK(!reent.re_found, "a detaching device got a child");
	KTEST_CHECK(strcmp(cflog, "A:trec0 A:treck0 D:treck0 D:trec0") == 0,
	    "log: %s", cflog);
	KTEST_CHECK(device_count() == 1, "left: %d", device_count());
out:
	return KTEST_LEAVE(error);
}

/*
 * tearly { tearlyc }: config_detach of a device whose attach has not
 * returned yet, by itself and by its child's attach.  EBUSY: the
 * attach still works on it (and config_found hands it back after).
 */
static int early_self = -1, early_parent = -1;

static void
tearly_attach(device_t parent, device_t self, void *aux)
{
	log_event("A", self);
	early_self = config_detach(self, DETACH_FORCE);
	(void)config_found(self, NULL, "tearly");
}

static void
tearlyc_attach(device_t parent, device_t self, void *aux)
{
	log_event("A", self);
	early_parent = config_detach(parent, DETACH_FORCE);
}

static struct cfattach tearly_ca = {
	.ca_name = "tearly", .ca_devsize = sizeof(struct tsoftc),
	.ca_attach = tearly_attach, .ca_detach = detach_logged,
};
static struct cfattach tearlyc_ca = {
	.ca_name = "tearlyc", .ca_match = match_one,
	.ca_attach = tearlyc_attach, .ca_detach = detach_logged,
	.ca_parent_attr = "tearly",
};

int
rump_pub_ktest_autoconf_detach_during_attach(void)
{
	device_t dv;
	int error = 0;

	KTEST_ENTER();
	cflog[0] = '\0';
	KTEST_CHECK(config_cfattach_register(&tearly_ca) == 0 &&
	    config_cfattach_register(&tearlyc_ca) == 0, "register");
	dv = config_attach_pseudo(&tearly_ca);
	KTEST_CHECK(dv != NULL, "attach");
	KTEST_CHECK(early_self == EBUSY, "detach of itself in its attach: "
	    "%d", early_self);
	KTEST_CHECK(early_parent == EBUSY, "detach of the parent in the "
	    "child's attach: %d", early_parent);
	KTEST_CHECK(device_find_by_xname("tearly0") == dv &&
	    device_nchildren(dv) == 1, "the tree is not whole");
	error = config_detach(dv, 0);
	KTEST_CHECK(error == 0, "detach after the attach: %d", error);
	KTEST_CHECK(strcmp(cflog, "A:tearly0 A:tearlyc0 D:tearlyc0 "
	    "D:tearly0") == 0, "log: %s", cflog);
out:
	return KTEST_LEAVE(error);
}
