/*
 * k_intr.c: the kernel half of t_intr.  tintr is a pseudo-device whose
 * interrupt handler records where it ran and can be held at a gate, so
 * the host half can trigger while a run is in progress (coalescing) or
 * disestablish while one is (waiting).
 */
#include <rump-sys/systm.h>
#include <rump-sys/condvar.h>
#include <rump-sys/device.h>
#include <rump-sys/kmem.h>
#include <rump-sys/lwp.h>
#include <rump-sys/mutex.h>
#include <rump-sys/time.h>

#include "ktest_int.h"
#include "k_intr.h"

#define BOUND_NS	(10 * NSEC_PER_SEC)

struct tintr_softc {
	void		*sc_ih;
	kmutex_t	 sc_mtx;
	kcondvar_t	 sc_cv;		/* gate opened, counters moved */
	int		 sc_closed;	/* gate */
	int		 sc_claim;
	unsigned	 sc_entered;
	unsigned	 sc_runs;
	unsigned	 sc_inhandler;
	unsigned	 sc_badctx;	/* runs not in kernel context */
	struct lwp	*sc_lastlwp;
};

static device_t tintr_dev;

static int
tintr_intr(void *arg)
{
	struct tintr_softc *sc = arg;
	struct lwp *l = curlwp;
	int claim;

	mutex_enter(&sc->sc_mtx);
	sc->sc_inhandler++;
	sc->sc_entered++;
	if (l == NULL || curcpu() == NULL || (l->l_flag & LW_SYSTEM) == 0 ||
	    l->l_proc != &proc0 || curcpu()->ci_curlwp != l ||
	    !curcpu()->ci_kthread || rumpuser_curlwp() != l ||
	    strcmp(l->l_name, "intr/tintr0") != 0) {
		printf("ktest: handler run %u not in kernel context (%s)\n",
		    sc->sc_entered, l != NULL ? l->l_name : "no lwp");
		sc->sc_badctx++;
	}
	sc->sc_lastlwp = l;
	cv_broadcast(&sc->sc_cv);
	while (sc->sc_closed)
		cv_wait(&sc->sc_cv, &sc->sc_mtx);
	sc->sc_inhandler--;
	sc->sc_runs++;
	claim = sc->sc_claim;
	cv_broadcast(&sc->sc_cv);
	mutex_exit(&sc->sc_mtx);
	return claim;
}

static void
tintr_attach(device_t parent, device_t self, void *aux)
{
	struct tintr_softc *sc = device_private(self);

	mutex_init(&sc->sc_mtx, MUTEX_DEFAULT, IPL_NONE);
	cv_init(&sc->sc_cv, "tintr");
	sc->sc_claim = 1;
	sc->sc_ih = intr_establish(self, tintr_intr, sc);
}

static int
tintr_detach(device_t self, int flags)
{
	struct tintr_softc *sc = device_private(self);

	if (sc->sc_ih != NULL)
		intr_disestablish(sc->sc_ih);
	cv_destroy(&sc->sc_cv);
	mutex_destroy(&sc->sc_mtx);
	return 0;
}

static struct cfattach tintr_ca = {
	.ca_name = "tintr", .ca_devsize = sizeof(struct tintr_softc),
	.ca_attach = tintr_attach, .ca_detach = tintr_detach,
};

int
rump_pub_ktest_intr_setup(void **hostcookiep)
{
	struct tintr_softc *sc;
	int error;

	KTEST_ENTER();
	error = config_cfattach_register(&tintr_ca);
	KTEST_CHECK(error == 0, "register: %d", error);
	tintr_dev = config_attach_pseudo(&tintr_ca);
	KTEST_CHECK(tintr_dev != NULL, "attach");
	sc = device_private(tintr_dev);
	if (sc->sc_ih == NULL) {
		/* out of memory (failsweep): a clean error */
		(void)config_detach(tintr_dev, 0);
		tintr_dev = NULL;
		error = ENOMEM;
		goto out;
	}
	*hostcookiep = intr_hostcookie(sc->sc_ih);
	KTEST_CHECK(*hostcookiep != NULL, "no host cookie");
out:
	return KTEST_LEAVE(error);
}

int
rump_pub_ktest_intr_teardown(void)
{
	int error;

	KTEST_ENTER();
	error = config_detach(tintr_dev, 0);
	KTEST_CHECK(error == 0, "detach: %d", error);
	tintr_dev = NULL;
out:
	return KTEST_LEAVE(error);
}

static struct tintr_softc *
tintr_sc(void)
{
	KASSERT(tintr_dev != NULL);
	return device_private(tintr_dev);
}

int
rump_pub_ktest_intr_gate(int closed)
{
	struct tintr_softc *sc;

	KTEST_ENTER();
	sc = tintr_sc();
	mutex_enter(&sc->sc_mtx);
	sc->sc_closed = closed;
	cv_broadcast(&sc->sc_cv);
	mutex_exit(&sc->sc_mtx);
	return KTEST_LEAVE(0);
}

int
rump_pub_ktest_intr_claim(int claim)
{
	struct tintr_softc *sc;

	KTEST_ENTER();
	sc = tintr_sc();
	mutex_enter(&sc->sc_mtx);
	sc->sc_claim = claim;
	mutex_exit(&sc->sc_mtx);
	return KTEST_LEAVE(0);
}

/* Wait until *p >= n under sc_mtx; 0 or ETIMEDOUT. */
static int
wait_counter(struct tintr_softc *sc, unsigned *p, unsigned n)
{
	uint64_t deadline = rump_monotime_ns() + BOUND_NS;
	int error = 0;

	mutex_enter(&sc->sc_mtx);
	while (*p < n && error == 0) {
		uint64_t now = rump_monotime_ns();

		if (now >= deadline)
			error = ETIMEDOUT;
		else
			(void)cv_timedwait_ns(&sc->sc_cv, &sc->sc_mtx,
			    deadline - now);
	}
	if (error != 0)
		printf("ktest: counter at %u, waited for %u\n", *p, n);
	mutex_exit(&sc->sc_mtx);
	return error;
}

int
rump_pub_ktest_intr_wait_entered(unsigned n)
{
	struct tintr_softc *sc;

	KTEST_ENTER();
	sc = tintr_sc();
	return KTEST_LEAVE(wait_counter(sc, &sc->sc_entered, n));
}

int
rump_pub_ktest_intr_wait_runs(unsigned n)
{
	struct tintr_softc *sc;

	KTEST_ENTER();
	sc = tintr_sc();
	return KTEST_LEAVE(wait_counter(sc, &sc->sc_runs, n));
}

int
rump_pub_ktest_intr_counts(uint64_t *runs, uint64_t *stray)
{
	struct intr_stats st;
	struct tintr_softc *sc;
	int error = 0;

	KTEST_ENTER();
	sc = tintr_sc();
	intr_getstats(sc->sc_ih, &st);
	mutex_enter(&sc->sc_mtx);
	*runs = sc->sc_runs;
	mutex_exit(&sc->sc_mtx);
	*stray = st.is_stray;
	KTEST_CHECK(st.is_runs == *runs, "framework counted %llu runs, the "
	    "handler %llu", (unsigned long long)st.is_runs,
	    (unsigned long long)*runs);
out:
	return KTEST_LEAVE(error);
}

int
rump_pub_ktest_intr_check_context(void)
{
	struct tintr_softc *sc;
	int error = 0;

	KTEST_ENTER();
	sc = tintr_sc();
	mutex_enter(&sc->sc_mtx);
	KTEST_CHECK(sc->sc_entered > 0, "the handler never ran");
	KTEST_CHECK(sc->sc_badctx == 0, "%u runs out of context",
	    sc->sc_badctx);
	KTEST_CHECK(sc->sc_lastlwp != curlwp, "ran on the caller's lwp");
out:
	if (mutex_owned(&sc->sc_mtx))
		mutex_exit(&sc->sc_mtx);
	return KTEST_LEAVE(error);
}

int
rump_pub_ktest_intr_teardown_waits(void)
{
	struct tintr_softc *sc;
	unsigned inhandler, runs;
	int error;

	KTEST_ENTER();
	sc = tintr_sc();
	intr_disestablish(sc->sc_ih);
	sc->sc_ih = NULL;
	mutex_enter(&sc->sc_mtx);
	inhandler = sc->sc_inhandler;
	runs = sc->sc_runs;
	mutex_exit(&sc->sc_mtx);
	KTEST_CHECK(inhandler == 0, "disestablish returned with the handler "
	    "running");
	KTEST_CHECK(runs >= 1, "the gated run did not finish (%u)", runs);
	error = config_detach(tintr_dev, 0);
	KTEST_CHECK(error == 0, "detach: %d", error);
	tintr_dev = NULL;
out:
	return KTEST_LEAVE(error);
}

/* One establishment of the churn test. */
struct churn {
	int		ch_gone;	/* disestablish returned */
	unsigned	ch_late;	/* runs seen after that */
	unsigned	ch_runs;
};

static int
churn_intr(void *arg)
{
	struct churn *ch = arg;

	if (ATOMIC_LOAD(&ch->ch_gone))
		ATOMIC_INC(&ch->ch_late);
	ATOMIC_INC(&ch->ch_runs);
	return 1;
}

int
rump_pub_ktest_intr_churn(void *volatile *slot, unsigned rounds)
{
	struct churn ch;
	unsigned i, late = 0, runs = 0;
	void *ih;
	int error = 0;

	KTEST_ENTER();
	for (i = 0; i < rounds; i++) {
		memset(&ch, 0, sizeof(ch));
		ih = intr_establish(NULL, churn_intr, &ch);
		KTEST_CHECK(ih != NULL, "establish round %u", i);
		__atomic_store_n(slot, intr_hostcookie(ih), __ATOMIC_SEQ_CST);
		if (i % 2)
			kpause("churn", false, 1, NULL);
		else
			ktest_spin(1000);
		intr_disestablish(ih);
		ATOMIC_INC(&ch.ch_gone);
		/* a late run would come now, on freed interrupt state */
		ktest_spin(1000);
		late += ATOMIC_LOAD(&ch.ch_late);
		runs += ATOMIC_LOAD(&ch.ch_runs);
	}
	KTEST_CHECK(late == 0, "%u runs after disestablish", late);
	KTEST_CHECK(runs > 0, "no trigger got through in %u rounds", rounds);
out:
	return KTEST_LEAVE(error);
}

int
rump_pub_ktest_intr_forget(void)
{
	static struct churn ch;
	int error = 0;

	KTEST_ENTER();
	KTEST_CHECK(intr_establish(NULL, churn_intr, &ch) != NULL, "establish");
out:
	return KTEST_LEAVE(error);
}

int
rump_pub_ktest_intr_establish_nothread(void)
{
	static struct churn ch;
	void *ih;
	int error = 0;

	KTEST_ENTER();
	ih = intr_establish(NULL, churn_intr, &ch);
	if (ih != NULL)
		intr_disestablish(ih);
	KTEST_CHECK(ih == NULL, "established without a thread to run it");
out:
	return KTEST_LEAVE(error);
}

/*
 * Two interrupts at once: each trigger reaches its own handler, and
 * disestablishing the older one (not the newest, which the host half
 * finds first) leaves the other working.
 */
static struct churn two_ch[2];
static void *two_ih[2];

int
rump_pub_ktest_intr_two_setup(void **c0, void **c1)
{
	int error = 0, i;

	KTEST_ENTER();
	memset(two_ch, 0, sizeof(two_ch));
	for (i = 0; i < 2; i++) {
		two_ih[i] = intr_establish(NULL, churn_intr, &two_ch[i]);
		if (two_ih[i] == NULL) {
			/* out of memory (failsweep): a clean error */
			if (i == 1)
				intr_disestablish(two_ih[0]);
			error = ENOMEM;
			goto out;
		}
	}
	*c0 = intr_hostcookie(two_ih[0]);
	*c1 = intr_hostcookie(two_ih[1]);
	KTEST_CHECK(*c0 != *c1, "one host cookie for two interrupts");
out:
	return KTEST_LEAVE(error);
}

int
rump_pub_ktest_intr_two_drop(int i)
{
	KTEST_ENTER();
	KASSERT(two_ih[i] != NULL);
	intr_disestablish(two_ih[i]);
	two_ih[i] = NULL;
	return KTEST_LEAVE(0);
}

int
rump_pub_ktest_intr_two_runs(int i, unsigned *runsp, unsigned *otherp)
{
	KTEST_ENTER();
	*runsp = ATOMIC_LOAD(&two_ch[i].ch_runs);
	*otherp = ATOMIC_LOAD(&two_ch[1 - i].ch_runs);
	return KTEST_LEAVE(0);
}
