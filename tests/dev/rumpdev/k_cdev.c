/*
 * k_cdev.c: the kernel half of t_cdev, a character device driver built
 * the way real ones are meant to be on rumpdev: a component that
 * registers its cfattach and its cdevsw once, attaches a pseudo-device
 * that creates /dev/tcdev<unit>, finds the softc of a minor with
 * device_lookup_acquire in every entry point, and on a forced detach
 * wakes its sleepers (EIO), drains, and revokes the unit's open files
 * (devsw_revoke) before it frees anything.
 *
 * The device is a byte pipe: write appends to a small buffer, read
 * takes from it and sleeps while it is empty (EAGAIN if non-blocking).
 */
#include <rump-sys/systm.h>
#include <rump-sys/component.h>
#include <rump-sys/condvar.h>
#include <rump-sys/conf.h>
#include <rump-sys/device.h>
#include <rump-sys/errno.h>
#include <rump-sys/file.h>
#include <rump-sys/kmem.h>
#include <rump-sys/mutex.h>
#include <rump-sys/select.h>
#include <rump-sys/uio.h>

#include "ktest_int.h"
#include "k_cdev.h"

#define TCDEV_BUFLEN	256

struct tcdev_softc {
	device_t	 sc_dev;
	kmutex_t	 sc_mtx;
	kcondvar_t	 sc_cv;
	struct selinfo	 sc_rsel;	/* pollers waiting for data */
	struct selinfo	 sc_wsel;	/* pollers waiting for room */
	unsigned	 sc_nopen;
	unsigned	 sc_sleepers;
	int		 sc_dying;
	char		*sc_buf;
	size_t		 sc_len;
	char		 sc_path[32];
};

static devmajor_t tcdev_major = NODEVMAJOR;

static void	tcdev_attach(device_t, device_t, void *);
static int	tcdev_detach(device_t, int);

static struct cfattach tcdev_ca = {
	.ca_name = "tcdev", .ca_devsize = sizeof(struct tcdev_softc),
	.ca_attach = tcdev_attach, .ca_detach = tcdev_detach,
};

/* The softc of dev, referenced; NULL when the unit is gone. */
static struct tcdev_softc *
tcdev_get(dev_t dev)
{
	device_t dv = device_lookup_acquire(&tcdev_ca, minor(dev));

	return dv != NULL ? device_private(dv) : NULL;
}

static void
tcdev_put(struct tcdev_softc *sc)
{
	device_release(sc->sc_dev);
}

static int
tcdev_open(dev_t dev, int flag, int devtype)
{
	struct tcdev_softc *sc;
	int error = 0;

	if ((sc = tcdev_get(dev)) == NULL)
		return ENXIO;
	/*
	 * A detach may have run its open-count check between our lookup
	 * and here (it then waits for our reference): do not count an
	 * open it has already decided against.
	 */
	mutex_enter(&sc->sc_mtx);
	if (sc->sc_dying)
		error = ENXIO;
	else
		sc->sc_nopen++;
	mutex_exit(&sc->sc_mtx);
	tcdev_put(sc);
	return error;
}

static int
tcdev_close(dev_t dev, int flag, int devtype)
{
	struct tcdev_softc *sc;

	/* Detached under the open file: nothing left to close. */
	if ((sc = tcdev_get(dev)) == NULL)
		return 0;
	mutex_enter(&sc->sc_mtx);
	KASSERT(sc->sc_nopen > 0);
	sc->sc_nopen--;
	mutex_exit(&sc->sc_mtx);
	tcdev_put(sc);
	return 0;
}

static int
tcdev_read(dev_t dev, struct uio *uio, int flag)
{
	struct tcdev_softc *sc;
	size_t n;
	int error = 0;

	if ((sc = tcdev_get(dev)) == NULL)
		return ENXIO;
	mutex_enter(&sc->sc_mtx);
	while (sc->sc_len == 0 && !sc->sc_dying && error == 0) {
		if (flag & FNONBLOCK) {
			error = EAGAIN;
			break;
		}
		sc->sc_sleepers++;
		cv_wait(&sc->sc_cv, &sc->sc_mtx);
		sc->sc_sleepers--;
	}
	if (sc->sc_dying)
		error = EIO;
	if (error == 0) {
		n = uio->uio_resid < sc->sc_len ? uio->uio_resid : sc->sc_len;
		error = uiomove(sc->sc_buf, n, uio);
		if (error == 0) {
			memmove(sc->sc_buf, sc->sc_buf + n, sc->sc_len - n);
			sc->sc_len -= n;
			if (n > 0)
				selnotify(&sc->sc_wsel, POLLOUT | POLLWRNORM);
		}
	}
	mutex_exit(&sc->sc_mtx);
	tcdev_put(sc);
	return error;
}

static int
tcdev_write(dev_t dev, struct uio *uio, int flag)
{
	struct tcdev_softc *sc;
	size_t n;
	int error = 0;

	if ((sc = tcdev_get(dev)) == NULL)
		return ENXIO;
	mutex_enter(&sc->sc_mtx);
	n = TCDEV_BUFLEN - sc->sc_len;
	if (uio->uio_resid < n)
		n = uio->uio_resid;
	if (sc->sc_dying)
		error = EIO;
	else if (uio->uio_resid == 0)
		error = 0;	/* nothing to write is not "full" */
	else if (n == 0)
		error = EAGAIN;
	else if ((error = uiomove(sc->sc_buf + sc->sc_len, n, uio)) == 0) {
		sc->sc_len += n;
		cv_broadcast(&sc->sc_cv);
		selnotify(&sc->sc_rsel, POLLIN | POLLRDNORM);
	}
	mutex_exit(&sc->sc_mtx);
	tcdev_put(sc);
	return error;
}

static int
tcdev_ioctl(dev_t dev, u_long cmd, void *data, int flag)
{
	struct tcdev_softc *sc;
	int error = 0;

	if ((sc = tcdev_get(dev)) == NULL)
		return ENXIO;
	mutex_enter(&sc->sc_mtx);
	if (cmd == TCDEV_GETOPEN)
		*(int *)data = (int)sc->sc_nopen;
	else
		error = ENOTTY;
	mutex_exit(&sc->sc_mtx);
	tcdev_put(sc);
	return error;
}

/* A detached unit hangs up: the poller learns at once. */
static int
tcdev_poll(dev_t dev, int events)
{
	struct tcdev_softc *sc;
	int revents = 0;

	if ((sc = tcdev_get(dev)) == NULL)
		return POLLHUP | POLLERR;
	mutex_enter(&sc->sc_mtx);
	if (sc->sc_dying)
		revents |= POLLHUP;
	else {
		/* Each direction waits on its own selinfo, woken by the other. */
		if (sc->sc_len > 0)
			revents |= events & (POLLIN | POLLRDNORM);
		else if (events & (POLLIN | POLLRDNORM))
			selrecord(&sc->sc_rsel);
		if (sc->sc_len < TCDEV_BUFLEN)
			revents |= events & (POLLOUT | POLLWRNORM);
		else if (events & (POLLOUT | POLLWRNORM))
			selrecord(&sc->sc_wsel);
	}
	mutex_exit(&sc->sc_mtx);
	tcdev_put(sc);
	return revents;
}

static const struct cdevsw tcdev_cdevsw = {
	.d_open = tcdev_open, .d_close = tcdev_close,
	.d_read = tcdev_read, .d_write = tcdev_write,
	.d_ioctl = tcdev_ioctl, .d_poll = tcdev_poll,
};

static void
tcdev_attach(device_t parent, device_t self, void *aux)
{
	struct tcdev_softc *sc = device_private(self);
	int error;

	sc->sc_dev = self;
	mutex_init(&sc->sc_mtx, MUTEX_DEFAULT, IPL_NONE);
	cv_init(&sc->sc_cv, "tcdev");
	selinit(&sc->sc_rsel);
	selinit(&sc->sc_wsel);
	sc->sc_buf = kmem_alloc(TCDEV_BUFLEN, KM_SLEEP);
	snprintf(sc->sc_path, sizeof(sc->sc_path), "/dev/%s",
	    device_xname(self));
	error = devnode_create(sc->sc_path, S_IFCHR_DEVTYPE,
	    makedev(tcdev_major, device_unit(self)), 0666);
	if (error != 0)
		printf("%s: no device node: %d\n", device_xname(self), error);
}

static int
tcdev_detach(device_t self, int flags)
{
	struct tcdev_softc *sc = device_private(self);

	mutex_enter(&sc->sc_mtx);
	if (sc->sc_nopen != 0 && (flags & DETACH_FORCE) == 0) {
		mutex_exit(&sc->sc_mtx);
		return EBUSY;
	}
	/* Revoke: sleepers wake with EIO, new calls find no unit (ENXIO). */
	sc->sc_dying = 1;
	cv_broadcast(&sc->sc_cv);
	selnotify(&sc->sc_rsel, POLLHUP);
	selnotify(&sc->sc_wsel, POLLHUP);
	mutex_exit(&sc->sc_mtx);
	device_drain(self);
	/*
	 * Files still open on this unit answer ENXIO from now on and never
	 * reach a later unit that takes the same minor.
	 */
	devsw_revoke(makedev(tcdev_major, device_unit(self)), S_IFCHR_DEVTYPE);
	seldestroy(&sc->sc_rsel);
	seldestroy(&sc->sc_wsel);
	(void)devnode_remove(sc->sc_path);
	kmem_free(sc->sc_buf, TCDEV_BUFLEN);
	cv_destroy(&sc->sc_cv);
	mutex_destroy(&sc->sc_mtx);
	return 0;
}

RUMP_COMPONENT(RUMP_COMPONENT_DEV, tcdev, "rumpdev")
{
	int error;

	tcdev_major = NODEVMAJOR;
	if ((error = config_cfattach_register(&tcdev_ca)) != 0)
		return error;
	error = devsw_attach("tcdev", NULL, NULL, &tcdev_cdevsw, &tcdev_major);
	if (error != 0) {
		(void)config_cfattach_unregister(&tcdev_ca);
		return error;
	}
	if (config_attach_pseudo(&tcdev_ca) == NULL)
		return ENXIO;
	return 0;
}

/* Files are closed by now (rumpvfs_root's hook ran first). */
RUMP_COMPONENT_FINI(tcdev)
{
	int error;

	error = config_detach_all(&tcdev_ca, DETACH_FORCE | DETACH_SHUTDOWN);
	KASSERTMSG(error == 0, "tcdev: detach: %d", error);
	error = devsw_detach(NULL, &tcdev_cdevsw);
	KASSERTMSG(error == 0, "tcdev: devsw_detach: %d", error);
	error = config_cfattach_unregister(&tcdev_ca);
	KASSERTMSG(error == 0, "tcdev: unregister: %d", error);
}

int
rump_pub_ktest_cdev_detach(int unit, int force)
{
	device_t dv;
	int error;

	KTEST_ENTER();
	dv = device_find_by_xname(unit == 0 ? "tcdev0" : "tcdev1");
	if (dv == NULL)
		error = ENXIO;
	else
		error = config_detach(dv, force ? DETACH_FORCE : 0);
	return KTEST_LEAVE(error);
}

int
rump_pub_ktest_cdev_attach(void)
{
	int error;

	KTEST_ENTER();
	error = config_attach_pseudo(&tcdev_ca) != NULL ? 0 : ENXIO;
	return KTEST_LEAVE(error);
}

int
rump_pub_ktest_cdev_sleepers(unsigned *np)
{
	struct tcdev_softc *sc;

	KTEST_ENTER();
	if ((sc = tcdev_get(makedev(tcdev_major, 0))) == NULL)
		return KTEST_LEAVE(ENXIO);
	mutex_enter(&sc->sc_mtx);
	*np = sc->sc_sleepers;
	mutex_exit(&sc->sc_mtx);
	tcdev_put(sc);
	return KTEST_LEAVE(0);
}
