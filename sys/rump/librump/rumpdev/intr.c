/*
 * intr.c: hardware interrupt emulation, the kernel side.  Each
 * established interrupt has its own kernel thread.  The thread gives up
 * its virtual CPU and blocks in the host half (intr_user.c) until the
 * fake hardware triggers the interrupt from a host thread, then takes a
 * CPU back and runs the driver's handler in kernel context.  The host
 * thread that triggers never enters the kernel: it only sets a flag and
 * signals a host condition variable, which is what a host thread
 * without a virtual CPU may do.  A per-interrupt thread keeps one slow
 * handler from delaying another device's, as separate interrupt lines
 * would; the cost, a host thread per interrupt, is small for test
 * kernels.
 */
#include <rump-sys/systm.h>
#include <rump-sys/device.h>
#include <rump-sys/kmem.h>
#include <rump-sys/kthread.h>
#include <rump-sys/lwp.h>
#include <rump-sys/mutex.h>
#include <rump-sys/queue.h>
#include <rump-sys/rumpcomp_intr.h>
#include <rump-sys/sched.h>

#include "rumpdev_int.h"

struct intrhand {
	char			 ih_name[DEVICE_XNAMELEN];
	int			(*ih_fn)(void *);
	void			*ih_arg;
	void			*ih_host;	/* intr_user.c state */
	void			*ih_hostcookie;	/* what triggers name */
	struct lwp		*ih_lwp;
	uint64_t		 ih_runs;	/* atomic */
	uint64_t		 ih_stray;	/* atomic */
	LIST_ENTRY(intrhand)	 ih_list;	/* intr_mtx */
};

static kmutex_t intr_mtx;
static LIST_HEAD(, intrhand) intrhands = LIST_HEAD_INITIALIZER(intrhands);

static void
intr_thread(void *arg)
{
	struct intrhand *ih = arg;
	struct lwp *l = curlwp;
	int dead, handled;

	for (;;) {
		/* Blocking on the host: off the CPU (invariant 5). */
		rump_unschedule_lwp(l);
		dead = rumpcomp_intr_wait(ih->ih_host);
		rump_schedule_lwp(l);
		if (dead)
			break;
		handled = ih->ih_fn(ih->ih_arg);
		__atomic_add_fetch(&ih->ih_runs, 1, __ATOMIC_RELAXED);
		if (!handled)
			__atomic_add_fetch(&ih->ih_stray, 1, __ATOMIC_RELAXED);
	}
	kthread_exit(0);
}

void *
intr_establish(device_t dev, int (*handler)(void *), void *arg)
{
	struct intrhand *ih;
	int error;

	KASSERTMSG(handler != NULL, "%s: no handler", __func__);
	ih = kmem_zalloc(sizeof(*ih), KM_NOSLEEP);
	if (ih == NULL)
		return NULL;
	strlcpy(ih->ih_name, dev != NULL ? device_xname(dev) : "-",
	    sizeof(ih->ih_name));
	ih->ih_fn = handler;
	ih->ih_arg = arg;
	if (rumpcomp_intr_create(&ih->ih_host, &ih->ih_hostcookie) != 0)
		goto fail;
	error = kthread_create(PRI_NONE, KTHREAD_MUSTJOIN | KTHREAD_MPSAFE,
	    NULL, intr_thread, ih, &ih->ih_lwp, "intr/%s", ih->ih_name);
	if (error != 0) {
		rumpcomp_intr_kill(ih->ih_host);
		rumpcomp_intr_destroy(ih->ih_host);
		goto fail;
	}
	mutex_enter(&intr_mtx);
	LIST_INSERT_HEAD(&intrhands, ih, ih_list);
	mutex_exit(&intr_mtx);
	return ih;
fail:
	kmem_free(ih, sizeof(*ih));
	return NULL;
}

void
intr_disestablish(void *cookie)
{
	struct intrhand *ih = cookie;
	int error;

	KASSERTMSG(curlwp != ih->ih_lwp, "%s from the handler itself",
	    __func__);
	mutex_enter(&intr_mtx);
	LIST_REMOVE(ih, ih_list);
	mutex_exit(&intr_mtx);
	/* Triggers are ignored from now; the thread ends after its run. */
	rumpcomp_intr_kill(ih->ih_host);
	error = kthread_join(ih->ih_lwp);
	KASSERTMSG(error == 0, "%s: join: %d", __func__, error);
	rumpcomp_intr_destroy(ih->ih_host);
	kmem_free(ih, sizeof(*ih));
}

void *
intr_hostcookie(void *cookie)
{
	struct intrhand *ih = cookie;

	return ih->ih_hostcookie;
}

void
intr_getstats(void *cookie, struct intr_stats *st)
{
	struct intrhand *ih = cookie;

	st->is_runs = __atomic_load_n(&ih->ih_runs, __ATOMIC_RELAXED);
	st->is_stray = __atomic_load_n(&ih->ih_stray, __ATOMIC_RELAXED);
}

void
rumpdev_intr_init(void)
{
	mutex_init(&intr_mtx, MUTEX_DEFAULT, IPL_NONE);
}

/*
 * After the tree is detached: an interrupt still established is a
 * driver that forgot intr_disestablish in its detach.
 */
void
rumpdev_intr_fini(void)
{
	struct intrhand *ih = LIST_FIRST(&intrhands);

	if (ih != NULL)
		panic("%s: interrupt of %s still established at shutdown",
		    __func__, ih->ih_name);
	mutex_destroy(&intr_mtx);
}
