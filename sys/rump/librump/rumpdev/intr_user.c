/*
 * intr_user.c: hardware interrupt emulation, the host half.  Fake
 * hardware calls rumpcomp_intr_trigger() from its own host thread; the
 * interrupt's kernel thread waits here (off its virtual CPU) in
 * rumpcomp_intr_wait().  Interrupts are found by a cookie that is never
 * reused, under one process-wide lock that outlives every kernel, so a
 * trigger that races with intr_disestablish, or comes after the kernel
 * is gone, finds nothing instead of freed memory.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>

#include <rump/rumpdefs.h>
#include <rump-sys/rumpcomp_intr.h>

struct hintr {
	uintptr_t	 hi_cookie;
	int		 hi_pending;
	int		 hi_dead;
	pthread_cond_t	 hi_cv;
	struct hintr	*hi_next;
};

static pthread_mutex_t hintr_mtx = PTHREAD_MUTEX_INITIALIZER;
static struct hintr *hintr_list;	/* live ones */
static uintptr_t hintr_lastcookie;

int
rumpcomp_intr_create(void **hp, void **cookiep)
{
	struct hintr *hi;

	if ((hi = calloc(1, sizeof(*hi))) == NULL)
		return RUMP_ENOMEM;
	if (pthread_cond_init(&hi->hi_cv, NULL) != 0) {
		free(hi);
		return RUMP_ENOMEM;
	}
	pthread_mutex_lock(&hintr_mtx);
	hi->hi_cookie = ++hintr_lastcookie;
	hi->hi_next = hintr_list;
	hintr_list = hi;
	pthread_mutex_unlock(&hintr_mtx);
	*hp = hi;
	*cookiep = (void *)hi->hi_cookie;
	return 0;
}

int
rumpcomp_intr_trigger(void *cookie)
{
	struct hintr *hi;
	int error = RUMP_ENOENT;

	pthread_mutex_lock(&hintr_mtx);
	for (hi = hintr_list; hi != NULL; hi = hi->hi_next) {
		if (hi->hi_cookie == (uintptr_t)cookie) {
			if (!hi->hi_pending) {
				hi->hi_pending = 1;
				pthread_cond_signal(&hi->hi_cv);
			}
			error = 0;
			break;
		}
	}
	pthread_mutex_unlock(&hintr_mtx);
	return error;
}

int
rumpcomp_intr_wait(void *h)
{
	struct hintr *hi = h;
	int dead;

	pthread_mutex_lock(&hintr_mtx);
	while (!hi->hi_pending && !hi->hi_dead)
		pthread_cond_wait(&hi->hi_cv, &hintr_mtx);
	dead = hi->hi_dead;
	hi->hi_pending = 0;
	pthread_mutex_unlock(&hintr_mtx);
	return dead;
}

void
rumpcomp_intr_kill(void *h)
{
	struct hintr *hi = h, **pp;

	pthread_mutex_lock(&hintr_mtx);
	for (pp = &hintr_list; *pp != NULL; pp = &(*pp)->hi_next) {
		if (*pp == hi) {
			*pp = hi->hi_next;
			break;
		}
	}
	hi->hi_dead = 1;
	pthread_cond_signal(&hi->hi_cv);
	pthread_mutex_unlock(&hintr_mtx);
}

void
rumpcomp_intr_destroy(void *h)
{
	struct hintr *hi = h;

	pthread_cond_destroy(&hi->hi_cv);
	free(hi);
}
