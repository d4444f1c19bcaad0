/*
 * ktest_common.c: helpers shared by the kernel halves of the tests
 * (worker threads, waiting for counters); linked into every libk_*.a.
 */
#include <rump-sys/systm.h>
#include <rump-sys/kthread.h>
#include <rump-sys/time.h>

#include "ktest_int.h"

int
ktest_spawn(struct ktest_worker *w, unsigned idx, void (*fn)(void *),
    void *state, const char *name)
{
	w->w_state = state;
	w->w_idx = idx;
	return kthread_create(PRI_NONE, KTHREAD_MUSTJOIN | KTHREAD_MPSAFE,
	    NULL, fn, w, &w->w_lwp, "%s%u", name, idx);
}

int
ktest_spawn_all(struct ktest_worker *w, unsigned n, unsigned *np,
    void (*fn)(void *), void *state, const char *name)
{
	int error;

	for (*np = 0; *np < n; (*np)++) {
		if ((error = ktest_spawn(&w[*np], *np, fn, state, name)) != 0)
			return error;
	}
	return 0;
}

void
ktest_join_all(struct ktest_worker *w, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		(void)kthread_join(w[i].w_lwp);
}

void
ktest_spin(unsigned n)
{
	for (volatile unsigned i = 0; i < n; i++)
		continue;
}

int
ktest_wait_count(unsigned *p, const unsigned *want, uint64_t deadline_ns)
{
	while (ATOMIC_LOAD(p) < ATOMIC_LOAD(want)) {
		if (rump_monotime_ns() > deadline_ns)
			return ETIMEDOUT;
		(void)kpause("ktwait", false, 1, NULL);
	}
	return 0;
}
