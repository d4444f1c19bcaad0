/*
 * k_devsw.c: the kernel half of t_devsw: test drivers registered in
 * the device switches (see k_devsw.h).
 */
#include <rump-sys/systm.h>
#include <rump-sys/component.h>
#include <rump-sys/conf.h>
#include <rump-sys/condvar.h>
#include <rump-sys/errno.h>
#include <rump-sys/file.h>
#include <rump-sys/mutex.h>
#include <rump-sys/select.h>
#include <rump-sys/uio.h>

#include "../kernel/ktest_int.h"
#include "k_devsw.h"

struct kdev_softc {
	kmutex_t	sc_lock;
	struct selinfo	sc_sel;
	char		sc_buf[KDEV_BUFSZ];
	size_t		sc_len;
	int		sc_opens;
	int		sc_openerr;
	int		sc_voidcalls;
};

static struct kdev_softc kdev_sc, kdevb_sc;
static devmajor_t kdev_major = NODEVMAJOR, kdevb_major, kblk_major;
static int kblk_opens;

static struct kdev_softc *
kdev_softc(dev_t dev)
{
	if (minor(dev) != 0)
		return NULL;
	return major(dev) == kdev_major ? &kdev_sc : &kdevb_sc;
}

static int
kdev_open(dev_t dev, int flag, int devtype)
{
	struct kdev_softc *sc = kdev_softc(dev);
	int error = 0;

	if (sc == NULL)
		return ENXIO;
	mutex_enter(&sc->sc_lock);
	if (sc->sc_openerr != 0)
		error = sc->sc_openerr;
	else
		sc->sc_opens++;
	mutex_exit(&sc->sc_lock);
	return error;
}

static int
kdev_close(dev_t dev, int flag, int devtype)
{
	struct kdev_softc *sc = kdev_softc(dev);

	mutex_enter(&sc->sc_lock);
	KASSERT(sc->sc_opens > 0);
	sc->sc_opens--;
	mutex_exit(&sc->sc_lock);
	return 0;
}

static int
kdev_read(dev_t dev, struct uio *uio, int flag)
{
	struct kdev_softc *sc = kdev_softc(dev);
	size_t n;
	int error;

	mutex_enter(&sc->sc_lock);
	if (sc->sc_len == 0 && (flag & FNONBLOCK)) {
		mutex_exit(&sc->sc_lock);
		return EAGAIN;
	}
	n = MIN(sc->sc_len, uio->uio_resid);
	error = uiomove(sc->sc_buf, n, uio);
	if (error == 0) {
		memmove(sc->sc_buf, sc->sc_buf + n, sc->sc_len - n);
		sc->sc_len -= n;
	}
	mutex_exit(&sc->sc_lock);
	return error;
}

static int
kdev_write(dev_t dev, struct uio *uio, int flag)
{
	struct kdev_softc *sc = kdev_softc(dev);
	size_t n;
	int error;

	mutex_enter(&sc->sc_lock);
	if (sc->sc_len == KDEV_BUFSZ) {
		mutex_exit(&sc->sc_lock);
		return ENOSPC;
	}
	n = MIN(KDEV_BUFSZ - sc->sc_len, uio->uio_resid);
	error = uiomove(sc->sc_buf + sc->sc_len, n, uio);
	if (error == 0) {
		sc->sc_len += n;
		selnotify(&sc->sc_sel, POLLIN);
	}
	mutex_exit(&sc->sc_lock);
	return error;
}

static int
kdev_ioctl(dev_t dev, u_long cmd, void *data, int flag)
{
	struct kdev_softc *sc = kdev_softc(dev);
	struct kdev_echo *ke;
	int error = 0;

	mutex_enter(&sc->sc_lock);
	switch (cmd) {
	case KDEV_GETOPENS:
		*(int *)data = sc->sc_opens;
		break;
	case KDEV_SETOPENERR:
		sc->sc_openerr = *(int *)data;
		break;
	case KDEV_ECHO:
		ke = data;
		ke->ke_out = ke->ke_in * 2;
		strlcpy(ke->ke_name, "kdev", sizeof(ke->ke_name));
		break;
	case KDEV_VOID:
		sc->sc_voidcalls++;
		break;
	default:
		error = ENOTTY;
		break;
	}
	mutex_exit(&sc->sc_lock);
	return error;
}

static int
kdev_poll(dev_t dev, int events)
{
	struct kdev_softc *sc = kdev_softc(dev);
	int revents;

	mutex_enter(&sc->sc_lock);
	revents = events & (POLLOUT | POLLWRNORM);
	if (sc->sc_len > 0)
		revents |= events & (POLLIN | POLLRDNORM);
	if ((revents & (POLLIN | POLLRDNORM)) == 0)
		selrecord(&sc->sc_sel);
	mutex_exit(&sc->sc_lock);
	return revents;
}

static const struct cdevsw kdev_cdevsw = {
	.d_open = kdev_open,
	.d_close = kdev_close,
	.d_read = kdev_read,
	.d_write = kdev_write,
	.d_ioctl = kdev_ioctl,
	.d_poll = kdev_poll,
};

/* The same driver a second time: its own switch, so its own major. */
static const struct cdevsw kdevb_cdevsw = {
	.d_open = kdev_open,
	.d_close = kdev_close,
	.d_read = kdev_read,
	.d_write = kdev_write,
	.d_ioctl = kdev_ioctl,
	.d_poll = kdev_poll,
};

static int
kblk_open(dev_t dev, int flag, int devtype)
{
	if (minor(dev) != 0)
		return ENXIO;
	kblk_opens++;
	return 0;
}

static int
kblk_close(dev_t dev, int flag, int devtype)
{
	kblk_opens--;
	return 0;
}

static void
kblk_strategy(struct buf *bp)
{
	panic("kblk: no transfers expected");
}

static int
kblk_ioctl(dev_t dev, u_long cmd, void *data, int flag)
{
	if (cmd != KBLK_GETOPENS)
		return ENOTTY;
	*(int *)data = kblk_opens;
	return 0;
}

static const struct bdevsw kblk_bdevsw = {
	.d_open = kblk_open,
	.d_close = kblk_close,
	.d_strategy = kblk_strategy,
	.d_ioctl = kblk_ioctl,
};

static void
kdev_sc_init(struct kdev_softc *sc)
{
	memset(sc, 0, sizeof(*sc));
	mutex_init(&sc->sc_lock, MUTEX_DEFAULT, IPL_NONE);
	selinit(&sc->sc_sel);
}

static void
kdev_sc_fini(struct kdev_softc *sc)
{
	seldestroy(&sc->sc_sel);
	mutex_destroy(&sc->sc_lock);
}

int
rump_pub_kdev_attach(int *majorp)
{
	devmajor_t m = NODEVMAJOR;
	int error;

	KTEST_ENTER();
	kdev_sc_init(&kdev_sc);
	error = devsw_attach("kdev", NULL, NULL, &kdev_cdevsw, &m);
	if (error == 0) {
		kdev_major = m;
		error = devnode_create("/dev/kdev0", S_IFCHR_DEVTYPE,
		    makedev(m, 0), 0666);
		if (error != 0)
			(void)devsw_detach(NULL, &kdev_cdevsw);
	}
	if (error != 0)
		kdev_sc_fini(&kdev_sc);
	*majorp = m;
	return KTEST_LEAVE(error);
}

int
rump_pub_kdev_detach(void)
{
	int error;

	KTEST_ENTER();
	if ((error = devsw_detach(NULL, &kdev_cdevsw)) == 0) {
		error = devnode_remove("/dev/kdev0");
		kdev_sc_fini(&kdev_sc);
		kdev_major = NODEVMAJOR;
	}
	return KTEST_LEAVE(error);
}

int
rump_pub_kdev_attach_again(void)
{
	devmajor_t m = NODEVMAJOR;
	int error;

	KTEST_ENTER();
	error = devsw_attach("kdev", NULL, NULL, &kdevb_cdevsw, &m);
	return KTEST_LEAVE(error);
}

int
rump_pub_kdevb_major(void)
{
	return kdevb_major;
}

int
rump_pub_kdev_voidcalls(void)
{
	return kdev_sc.sc_voidcalls;
}

/* Registered in the device phase, before the VFS has a root. */
RUMP_COMPONENT(RUMP_COMPONENT_DEV, kdevb)
{
	int error;

	kdev_sc_init(&kdevb_sc);
	kdevb_major = kblk_major = NODEVMAJOR;
	kblk_opens = 0;
	kdev_major = NODEVMAJOR;
	if ((error = devsw_attach("kdevb", NULL, NULL, &kdevb_cdevsw,
	    &kdevb_major)) != 0)
		return error;
	if ((error = devsw_attach("kblk", &kblk_bdevsw, &kblk_major, NULL,
	    NULL)) != 0)
		return error;
	if ((error = devnode_create("/dev/kdevb0", S_IFCHR_DEVTYPE,
	    makedev(kdevb_major, 0), 0600)) != 0)
		return error;
	return devnode_create("/dev/kblk0", S_IFBLK_DEVTYPE,
	    makedev(kblk_major, 0), 0600);
}

RUMP_COMPONENT_FINI(kdevb)
{
	kdev_sc_fini(&kdevb_sc);
}
