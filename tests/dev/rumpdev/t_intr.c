/*
 * t_intr.c: interrupt emulation.  This program plays the fake hardware:
 * its host threads, which never enter the kernel, raise the interrupt
 * of the pseudo-device tintr0 with rumpcomp_intr_trigger(), and the
 * kernel half checks where and how often the handler ran.
 */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <rump/rump.h>
#include <rump-sys/rumpcomp_intr.h>

#include "harness.h"
#include "k_intr.h"

/* A host thread that triggers once; the kernel never saw it. */
struct trig {
	void	*t_cookie;
	int	 t_count;
	int	 t_error;
};

static void *
trigger_thread(void *arg)
{
	struct trig *t = arg;

	for (int i = 0; i < t->t_count; i++) {
		t->t_error = rumpcomp_intr_trigger(t->t_cookie);
		if (t->t_error != 0)
			break;
	}
	return NULL;
}

static void
trigger_from_thread(void *cookie, int count)
{
	struct trig t = { cookie, count, -1 };
	pthread_t pt;

	RZ(pthread_create(&pt, NULL, trigger_thread, &t));
	RZ(pthread_join(pt, NULL));
	ATF_REQUIRE_EQ_MSG(t.t_error, 0, "trigger: %d", t.t_error);
}

static void
handler_context(void)
{
	void *cookie;

	RZ(rump_pub_ktest_intr_setup(&cookie));
	trigger_from_thread(cookie, 1);
	RZ(rump_pub_ktest_intr_wait_runs(1));
	RZ(rump_pub_ktest_intr_check_context());
	RZ(rump_pub_ktest_intr_teardown());
}

H_TC(handler_runs_in_kernel_context,
    "a trigger from a host thread without a virtual CPU runs the "
    "handler on the interrupt's kernel thread, holding a CPU")
{
	handler_context();
}

H_TC_ENV(handler_runs_in_kernel_context_ncpu2, "RUMP_NCPU=2",
    "handler_runs_in_kernel_context on 2 CPUs")
{
	handler_context();
}

H_TC(trigger_does_not_wait_for_handler,
    "rumpcomp_intr_trigger returns while the handler it started is "
    "still held in the kernel: the handler is not on the host thread")
{
	void *cookie;
	uint64_t runs, stray;

	RZ(rump_pub_ktest_intr_setup(&cookie));
	RZ(rump_pub_ktest_intr_gate(1));
	/* From this (test) thread too; it is outside the kernel here. */
	RZ(rumpcomp_intr_trigger(cookie));
	RZ(rump_pub_ktest_intr_wait_entered(1));
	RZ(rump_pub_ktest_intr_counts(&runs, &stray));
	ATF_REQUIRE_EQ(runs, 0);
	RZ(rump_pub_ktest_intr_gate(0));
	RZ(rump_pub_ktest_intr_wait_runs(1));
	RZ(rump_pub_ktest_intr_check_context());
	RZ(rump_pub_ktest_intr_teardown());
}

static void
coalescing(void)
{
	void *cookie;
	uint64_t runs, stray;

	RZ(rump_pub_ktest_intr_setup(&cookie));
	RZ(rump_pub_ktest_intr_gate(1));
	trigger_from_thread(cookie, 1);
	RZ(rump_pub_ktest_intr_wait_entered(1));
	/* 1000 triggers while the first run is held: one more run. */
	trigger_from_thread(cookie, 1000);
	RZ(rump_pub_ktest_intr_gate(0));
	RZ(rump_pub_ktest_intr_wait_runs(2));
	usleep(100 * 1000);
	RZ(rump_pub_ktest_intr_counts(&runs, &stray));
	ATF_REQUIRE_EQ_MSG(runs, 2, "%llu runs", (unsigned long long)runs);
	/* And a later trigger is never lost. */
	trigger_from_thread(cookie, 1);
	RZ(rump_pub_ktest_intr_wait_runs(3));
	RZ(rump_pub_ktest_intr_teardown());
}

H_TC(triggers_coalesce,
    "triggers made while the handler runs coalesce into one more run, "
    "and a trigger after that still gives a run")
{
	coalescing();
}

H_TC_ENV(triggers_coalesce_ncpu2, "RUMP_NCPU=2",
    "triggers_coalesce on 2 CPUs")
{
	coalescing();
}

H_TC(stray_interrupts_counted,
    "runs whose handler returns 0 are counted as stray")
{
	void *cookie;
	uint64_t runs, stray;

	RZ(rump_pub_ktest_intr_setup(&cookie));
	/* Unequal numbers of each, so a count of the wrong kind shows. */
	RZ(rump_pub_ktest_intr_claim(0));
	RZ(rumpcomp_intr_trigger(cookie));
	RZ(rump_pub_ktest_intr_wait_runs(1));
	RZ(rumpcomp_intr_trigger(cookie));
	RZ(rump_pub_ktest_intr_wait_runs(2));
	RZ(rump_pub_ktest_intr_claim(1));
	RZ(rumpcomp_intr_trigger(cookie));
	RZ(rump_pub_ktest_intr_wait_runs(3));
	RZ(rump_pub_ktest_intr_counts(&runs, &stray));
	ATF_REQUIRE_EQ(runs, 3);
	ATF_REQUIRE_EQ_MSG(stray, 2, "%llu stray", (unsigned long long)stray);
	RZ(rump_pub_ktest_intr_teardown());
}

static void *
open_gate_later(void *arg)
{
	usleep(100 * 1000);
	*(int *)arg = rump_pub_ktest_intr_gate(0);
	return NULL;
}

H_TC(disestablish_waits_for_handler,
    "intr_disestablish with the handler running returns only after it "
    "finished")
{
	void *cookie;
	pthread_t pt;
	int gate_error = -1;

	RZ(rump_pub_ktest_intr_setup(&cookie));
	RZ(rump_pub_ktest_intr_gate(1));
	RZ(rumpcomp_intr_trigger(cookie));
	RZ(rump_pub_ktest_intr_wait_entered(1));
	RZ(pthread_create(&pt, NULL, open_gate_later, &gate_error));
	RZ(rump_pub_ktest_intr_teardown_waits());
	RZ(pthread_join(pt, NULL));
	RZ(gate_error);
	/* The old cookie is dead. */
	ATF_REQUIRE_EQ(rumpcomp_intr_trigger(cookie), ENOENT);
}

/* Host threads triggering whatever cookie is published, until told. */
struct churnhost {
	void *volatile	 ch_slot;
	volatile int	 ch_stop;
	unsigned long	 ch_ok, ch_gone;
	pthread_mutex_t	 ch_mtx;
};

static void *
churn_trigger(void *arg)
{
	struct churnhost *ch = arg;
	unsigned long ok = 0, gone = 0;
	int error;

	while (!__atomic_load_n(&ch->ch_stop, __ATOMIC_SEQ_CST)) {
		void *c = __atomic_load_n(&ch->ch_slot, __ATOMIC_SEQ_CST);

		if (c == NULL)
			continue;
		error = rumpcomp_intr_trigger(c);
		if (error == 0)
			ok++;
		else if (error == ENOENT)
			gone++;
		else
			abort();
	}
	pthread_mutex_lock(&ch->ch_mtx);
	ch->ch_ok += ok;
	ch->ch_gone += gone;
	pthread_mutex_unlock(&ch->ch_mtx);
	return NULL;
}

static void
churn(unsigned nthreads)
{
	struct churnhost ch;
	pthread_t pt[4];
	time_t start = time(NULL);
	void *last;

	memset(&ch, 0, sizeof(ch));
	pthread_mutex_init(&ch.ch_mtx, NULL);
	for (unsigned i = 0; i < nthreads; i++)
		RZ(pthread_create(&pt[i], NULL, churn_trigger, &ch));
	RZ(rump_pub_ktest_intr_churn(&ch.ch_slot, 200));
	__atomic_store_n(&ch.ch_stop, 1, __ATOMIC_SEQ_CST);
	for (unsigned i = 0; i < nthreads; i++)
		RZ(pthread_join(pt[i], NULL));
	pthread_mutex_destroy(&ch.ch_mtx);
	printf("triggers delivered %lu, to a gone interrupt %lu, %lds\n",
	    ch.ch_ok, ch.ch_gone, (long)(time(NULL) - start));
	/*
	 * No time limit here: a hang is Kyua's timeout to catch, and under
	 * valgrind on a loaded machine 200 rounds took over a minute.
	 */
	ATF_REQUIRE(ch.ch_ok > 0);
	last = __atomic_load_n(&ch.ch_slot, __ATOMIC_SEQ_CST);
	ATF_REQUIRE(last != NULL);
	ATF_REQUIRE_EQ(rumpcomp_intr_trigger(last), ENOENT);
}

H_TC(disestablish_races_triggers,
    "200 rounds of establish and disestablish while two host threads "
    "trigger the current cookie nonstop: no run after disestablish, "
    "stale triggers are ENOENT, bounded time")
{
	churn(2);
}

H_TC_ENV(disestablish_races_triggers_ncpu2, "RUMP_NCPU=2",
    "disestablish_races_triggers on 2 CPUs")
{
	churn(2);
}

/* Wait (bounded) until interrupt i of two_setup has run n times. */
static void
two_wait(int i, unsigned n, unsigned *otherp)
{
	unsigned runs = 0;

	for (int t = 0; t < 1000; t++) {
		RZ(rump_pub_ktest_intr_two_runs(i, &runs, otherp));
		if (runs >= n)
			break;
		usleep(10 * 1000);
	}
	ATF_REQUIRE_EQ_MSG(runs, n, "interrupt %d ran %u times, not %u", i,
	    runs, n);
}

H_TC(two_interrupts_independent,
    "with two interrupts established each trigger runs only its own "
    "handler, and disestablishing the older one leaves the newer working")
{
	void *c0, *c1;
	unsigned other;

	RZ(rump_pub_ktest_intr_two_setup(&c0, &c1));
	RZ(rumpcomp_intr_trigger(c0));
	two_wait(0, 1, &other);
	ATF_REQUIRE_EQ(other, 0);
	RZ(rumpcomp_intr_trigger(c1));
	two_wait(1, 1, &other);
	ATF_REQUIRE_EQ(other, 1);
	RZ(rump_pub_ktest_intr_two_drop(0));
	ATF_REQUIRE_EQ(rumpcomp_intr_trigger(c0), ENOENT);
	RZ(rumpcomp_intr_trigger(c1));
	two_wait(1, 2, &other);
	ATF_REQUIRE_EQ(other, 1);
	RZ(rump_pub_ktest_intr_two_drop(1));
	ATF_REQUIRE_EQ(rumpcomp_intr_trigger(c1), ENOENT);
}

H_TC_ENV(establish_fails_without_thread, "RUMP_HYPERFAIL=thread_create:3+",
    "when the host cannot create the interrupt's thread, intr_establish "
    "returns NULL and leaves nothing behind")
{
	RZ(rump_pub_ktest_intr_establish_nothread());
}

ATF_TC(trigger_bad_cookie);
ATF_TC_HEAD(trigger_bad_cookie, tc)
{
	atf_tc_set_md_var(tc, "descr", "triggering a cookie never handed "
	    "out, or with no kernel at all, is ENOENT and nothing else");
}
ATF_TC_BODY(trigger_bad_cookie, tc)
{
	ATF_REQUIRE_EQ(rumpcomp_intr_trigger(NULL), ENOENT);
	ATF_REQUIRE_EQ(rumpcomp_intr_trigger((void *)(uintptr_t)-1), ENOENT);
	h_boot(NULL);
	ATF_REQUIRE_EQ(rumpcomp_intr_trigger((void *)(uintptr_t)0x12345678),
	    ENOENT);
	h_shutdown_check();
}

static void
forget_child(void *arg)
{
	h_boot(NULL);
	if (rump_pub_ktest_intr_forget() != 0)
		h_child_printf("setup failed\n");
	h_child_printf("booted\n");
	(void)rump_sys_reboot(0, NULL);
	h_child_printf("survived shutdown\n");
}

ATF_TC(forgotten_disestablish_panics);
ATF_TC_HEAD(forgotten_disestablish_panics, tc)
{
	atf_tc_set_md_var(tc, "descr", "an interrupt still established at "
	    "shutdown is a driver bug: the kernel panics saying so");
}
ATF_TC_BODY(forgotten_disestablish_panics, tc)
{
	struct h_child hc;

	h_child_run(forget_child, NULL, 60, &hc);
	h_child_require_output(&hc, "booted\n");
	h_child_require_panic(&hc, "still established at shutdown");
	h_child_free(&hc);
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, handler_runs_in_kernel_context);
	ATF_TP_ADD_TC(tp, handler_runs_in_kernel_context_ncpu2);
	ATF_TP_ADD_TC(tp, trigger_does_not_wait_for_handler);
	ATF_TP_ADD_TC(tp, triggers_coalesce);
	ATF_TP_ADD_TC(tp, triggers_coalesce_ncpu2);
	ATF_TP_ADD_TC(tp, stray_interrupts_counted);
	ATF_TP_ADD_TC(tp, disestablish_waits_for_handler);
	ATF_TP_ADD_TC(tp, disestablish_races_triggers);
	ATF_TP_ADD_TC(tp, disestablish_races_triggers_ncpu2);
	ATF_TP_ADD_TC(tp, two_interrupts_independent);
	ATF_TP_ADD_TC(tp, establish_fails_without_thread);
	ATF_TP_ADD_TC(tp, trigger_bad_cookie);
	ATF_TP_ADD_TC(tp, forgotten_disestablish_panics);
	return atf_no_error();
}
