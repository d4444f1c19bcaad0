/*
 * k_devsw.c: the kernel half of t_devsw: test drivers registered in
 * the device switches (see k_devsw.h), one of them cloning (kcln).
 */
#include <rump-sys/systm.h>
#include <rump-sys/component.h>
#include <rump-sys/conf.h>
#include <rump-sys/condvar.h>
#include <rump-sys/errno.h>
#include <rump-sys/file.h>
#include <rump-sys/kmem.h>
#include <rump-sys/lwp.h>
#include <rump-sys/mutex.h>
#include <rump-sys/select.h>
#include <rump-sys/stat.h>
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

/*
 * Register a character switch under name and make its node path for
 * minor 0; on failure nothing is left registered.
 */
static int
cdev_attach_node(const char *name, const struct cdevsw *cd,
    const char *path, devmajor_t *mp)
{
	int error;

	if ((error = devsw_attach(name, NULL, NULL, cd, mp)) != 0)
		return error;
	if ((error = devnode_create(path, S_IFCHR_DEVTYPE, makedev(*mp, 0),
	    0666)) != 0)
		(void)devsw_detach(NULL, cd);
	return error;
}

int
rump_pub_kdev_attach(int *majorp)
{
	devmajor_t m = NODEVMAJOR;
	int error;

	KTEST_ENTER();
	kdev_sc_init(&kdev_sc);
	error = cdev_attach_node("kdev", &kdev_cdevsw, "/dev/kdev0", &m);
	if (error == 0)
		kdev_major = m;
	else
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

void
rump_pub_kdev_revoke(void)
{
	KTEST_ENTER();
	devsw_revoke(makedev(kdev_major, 0), S_IFCHR_DEVTYPE);
	(void)KTEST_LEAVE(0);
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

/*
 * kcln: a cloning character driver (conf.h, d_clone).  Every open gets
 * its own struct kcln_file: an id, a byte buffer like kdev's and the
 * pid of the process that opened it.  kcln_live counts the files the
 * driver holds, kcln_closes its fo_close calls.
 */
struct kcln_file {
	kmutex_t	kf_lock;
	struct selinfo	kf_sel;
	dev_t		kf_dev;
	int		kf_id;
	int		kf_flag;
	pid_t		kf_pid;
	char		kf_buf[KDEV_BUFSZ];
	size_t		kf_len;
};

static devmajor_t kcln_major = NODEVMAJOR;
static kmutex_t kcln_lock;		/* the counters below */
static int kcln_nextid, kcln_live, kcln_closes, kcln_openerr;

static int
kcln_fo_read(struct file *fp, struct uio *uio, int flags)
{
	struct kcln_file *kf = fp->f_data;
	size_t n;
	int error;

	mutex_enter(&kf->kf_lock);
	if (kf->kf_len == 0 && (fp->f_flag & FNONBLOCK)) {
		mutex_exit(&kf->kf_lock);
		return EAGAIN;
	}
	n = MIN(kf->kf_len, uio->uio_resid);
	error = uiomove(kf->kf_buf, n, uio);
	if (error == 0) {
		memmove(kf->kf_buf, kf->kf_buf + n, kf->kf_len - n);
		kf->kf_len -= n;
	}
	mutex_exit(&kf->kf_lock);
	return error;
}

static int
kcln_fo_write(struct file *fp, struct uio *uio, int flags)
{
	struct kcln_file *kf = fp->f_data;
	size_t n;
	int error;

	mutex_enter(&kf->kf_lock);
	if (kf->kf_len == KDEV_BUFSZ) {
		mutex_exit(&kf->kf_lock);
		return ENOSPC;
	}
	n = MIN(KDEV_BUFSZ - kf->kf_len, uio->uio_resid);
	error = uiomove(kf->kf_buf + kf->kf_len, n, uio);
	if (error == 0) {
		kf->kf_len += n;
		selnotify(&kf->kf_sel, POLLIN);
	}
	mutex_exit(&kf->kf_lock);
	return error;
}

static int
kcln_fo_ioctl(struct file *fp, u_long cmd, void *data)
{
	struct kcln_file *kf = fp->f_data;

	switch (cmd) {
	case KCLN_GETID:
		*(int *)data = kf->kf_id;
		return 0;
	case KCLN_GETPID:
		*(int *)data = kf->kf_pid;
		return 0;
	case KCLN_GETFLAG:
		*(int *)data = kf->kf_flag;
		return 0;
	default:
		return ENOTTY;
	}
}

static int
kcln_fo_poll(struct file *fp, int events)
{
	struct kcln_file *kf = fp->f_data;
	int revents;

	mutex_enter(&kf->kf_lock);
	revents = events & (POLLOUT | POLLWRNORM);
	if (kf->kf_len > 0)
		revents |= events & (POLLIN | POLLRDNORM);
	if ((revents & (POLLIN | POLLRDNORM)) == 0)
		selrecord(&kf->kf_sel);
	mutex_exit(&kf->kf_lock);
	return revents;
}

static int
kcln_fo_stat(struct file *fp, struct stat *sb)
{
	struct kcln_file *kf = fp->f_data;

	sb->st_mode = S_IFCHR | 0666;
	sb->st_rdev = kf->kf_dev;
	sb->st_nlink = 1;
	return 0;
}

static int
kcln_fo_close(struct file *fp)
{
	struct kcln_file *kf = fp->f_data;

	seldestroy(&kf->kf_sel);
	mutex_destroy(&kf->kf_lock);
	kmem_free(kf, sizeof(*kf));
	mutex_enter(&kcln_lock);
	KASSERT(kcln_live > 0);
	kcln_live--;
	kcln_closes++;
	mutex_exit(&kcln_lock);
	return 0;
}

static const struct fileops kcln_fileops = {
	.fo_name = "kcln",
	.fo_read = kcln_fo_read,
	.fo_write = kcln_fo_write,
	.fo_ioctl = kcln_fo_ioctl,
	.fo_poll = kcln_fo_poll,
	.fo_close = kcln_fo_close,
	.fo_stat = kcln_fo_stat,
};

static int
kcln_clone(dev_t dev, int flag, const struct fileops **fopsp, void **fdatap)
{
	struct kcln_file *kf;
	int error;

	if (minor(dev) != 0)
		return ENXIO;
	mutex_enter(&kcln_lock);
	error = kcln_openerr;
	mutex_exit(&kcln_lock);
	if (error != 0)
		return error;
	if ((kf = kmem_zalloc(sizeof(*kf), KM_NOSLEEP)) == NULL)
		return ENOMEM;
	mutex_init(&kf->kf_lock, MUTEX_DEFAULT, IPL_NONE);
	selinit(&kf->kf_sel);
	kf->kf_dev = dev;
	kf->kf_flag = flag;
	kf->kf_pid = curproc->p_pid;
	mutex_enter(&kcln_lock);
	kf->kf_id = ++kcln_nextid;
	kcln_live++;
	mutex_exit(&kcln_lock);
	*fopsp = &kcln_fileops;
	*fdatap = kf;
	return 0;
}

/* Nothing but the clone: every other entry point comes from the file. */
static const struct cdevsw kcln_cdevsw = {
	.d_clone = kcln_clone,
};

int
rump_pub_kcln_attach(int *majorp)
{
	devmajor_t m = NODEVMAJOR;
	int error;

	KTEST_ENTER();
	mutex_init(&kcln_lock, MUTEX_DEFAULT, IPL_NONE);
	kcln_nextid = kcln_live = kcln_closes = kcln_openerr = 0;
	error = cdev_attach_node("kcln", &kcln_cdevsw, "/dev/kcln0", &m);
	if (error == 0)
		kcln_major = m;
	else
		mutex_destroy(&kcln_lock);
	*majorp = m;
	return KTEST_LEAVE(error);
}

int
rump_pub_kcln_detach(void)
{
	int error;

	KTEST_ENTER();
	if ((error = devsw_detach(NULL, &kcln_cdevsw)) == 0) {
		KASSERT(kcln_live == 0);
		error = devnode_remove("/dev/kcln0");
		mutex_destroy(&kcln_lock);
		kcln_major = NODEVMAJOR;
	}
	return KTEST_LEAVE(error);
}

void
rump_pub_kcln_counts(int *livep, int *closesp)
{
	KTEST_ENTER();
	mutex_enter(&kcln_lock);
	*livep = kcln_live;
	*closesp = kcln_closes;
	mutex_exit(&kcln_lock);
	(void)KTEST_LEAVE(0);
}

void
rump_pub_kcln_setopenerr(int hosterr)
{
	KTEST_ENTER();
	mutex_enter(&kcln_lock);
	kcln_openerr = hosterr == 0 ? 0 : EIO;
	mutex_exit(&kcln_lock);
	(void)KTEST_LEAVE(0);
}
