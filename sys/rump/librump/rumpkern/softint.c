/*
 * softint.c: soft interrupts, run by one kernel thread that serves the
 * highest pending level first.  A handler scheduled several times
 * before it runs runs once.
 */
#include <rump-sys/systm.h>
#include <rump-sys/condvar.h>
#include <rump-sys/intr.h>
#include <rump-sys/kmem.h>
#include <rump-sys/kthread.h>
#include <rump-sys/lwp.h>
#include <rump-sys/mutex.h>

struct softint {
	void			(*si_func)(void *);
	void			*si_arg;
	unsigned int		 si_level;
	int			 si_pending;
	int			 si_dying;	/* being disestablished */
	TAILQ_ENTRY(softint)	 si_entry;
};

static kmutex_t		 softint_lock;
static kcondvar_t	 softint_cv;
static kcondvar_t	 softint_done;
static TAILQ_HEAD(, softint) softint_queue[SOFTINT_COUNT];
static struct softint	*softint_running;
static int		 softint_exiting;
static struct lwp	*softint_lwp;

static struct softint *
softint_next(void)
{
	struct softint *si;

	for (int lvl = SOFTINT_COUNT - 1; lvl >= 0; lvl--) {
		if ((si = TAILQ_FIRST(&softint_queue[lvl])) != NULL) {
			TAILQ_REMOVE(&softint_queue[lvl], si, si_entry);
			si->si_pending = 0;
			return si;
		}
	}
	return NULL;
}

static void
softint_thread(void *arg)
{
	struct softint *si;

	(void)arg;
	mutex_enter(&softint_lock);
	while (!softint_exiting) {
		if ((si = softint_next()) == NULL) {
			cv_wait(&softint_cv, &softint_lock);
			continue;
		}
		softint_running = si;
		mutex_exit(&softint_lock);
		(*si->si_func)(si->si_arg);
		mutex_enter(&softint_lock);
		softint_running = NULL;
		cv_broadcast(&softint_done);
	}
	mutex_exit(&softint_lock);
}

int
softint_boot(void)
{
	int error;

	mutex_init(&softint_lock, MUTEX_DEFAULT, IPL_NONE);
	cv_init(&softint_cv, "softint");
	cv_init(&softint_done, "softdone");
	for (int i = 0; i < SOFTINT_COUNT; i++)
		TAILQ_INIT(&softint_queue[i]);
	softint_running = NULL;
	softint_exiting = 0;
	error = kthread_create(PRI_NONE, KTHREAD_MUSTJOIN | KTHREAD_MPSAFE,
	    NULL, softint_thread, NULL, &softint_lwp, "softint");
	if (error != 0) {
		cv_destroy(&softint_done);
		cv_destroy(&softint_cv);
		mutex_destroy(&softint_lock);
	}
	return error;
}

void
softint_shutdown(void)
{
	mutex_enter(&softint_lock);
	softint_exiting = 1;
	cv_signal(&softint_cv);
	mutex_exit(&softint_lock);
	kthread_join(softint_lwp);
	for (int i = 0; i < SOFTINT_COUNT; i++) {
		if (!TAILQ_EMPTY(&softint_queue[i]))
			printf("rump shutdown: level %d soft interrupts were "
			    "still pending\n", i);
	}
	cv_destroy(&softint_done);
	cv_destroy(&softint_cv);
	mutex_destroy(&softint_lock);
}

void *
softint_establish(unsigned int flags, void (*func)(void *), void *arg)
{
	struct softint *si;
	unsigned int level = flags & SOFTINT_LVLMASK;

	KASSERTMSG(level < SOFTINT_COUNT, "softint level %u", level);
	si = kmem_zalloc(sizeof(*si), KM_NOSLEEP);
	if (si == NULL)
		return NULL;
	si->si_func = func;
	si->si_arg = arg;
	si->si_level = level;
	return si;
}

void
softint_disestablish(void *cookie)
{
	struct softint *si = cookie;

	mutex_enter(&softint_lock);
	/*
	 * From now on schedules are ignored: a running handler that
	 * schedules itself again must not leave it queued once freed.
	 */
	si->si_dying = 1;
	if (si->si_pending) {
		TAILQ_REMOVE(&softint_queue[si->si_level], si, si_entry);
		si->si_pending = 0;
	}
	while (softint_running == si && curlwp != softint_lwp)
		cv_wait(&softint_done, &softint_lock);
	mutex_exit(&softint_lock);
	kmem_free(si, sizeof(*si));
}

void
softint_schedule(void *cookie)
{
	struct softint *si = cookie;

	mutex_enter(&softint_lock);
	if (!si->si_pending && !si->si_dying) {
		si->si_pending = 1;
		TAILQ_INSERT_TAIL(&softint_queue[si->si_level], si, si_entry);
		cv_signal(&softint_cv);
	}
	mutex_exit(&softint_lock);
}
