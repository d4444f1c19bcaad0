/*
 * boot.c: rump_init() and rump_sys_reboot().  Boot runs in a fixed
 * order: hypercalls, parameters, memory, CPUs, lwps, locks, processes,
 * kernel threads, components.  Shutdown undoes it in reverse, joins
 * every kernel thread and frees every lwp, and the same teardown
 * cleans up after a boot that fails halfway.
 */
#include <rump-sys/systm.h>
#include <rump-sys/callout.h>
#include <rump-sys/component.h>
#include <rump-sys/intr.h>
#include <rump-sys/kthread.h>
#include <rump-sys/lwp.h>
#include <rump-sys/sched.h>
#include <rump-sys/time.h>
#include <rump-sys/syscallargs.h>
#include <rump/rumpuser.h>
#include <rump/rump.h>

#include "locks_int.h"
#include "rumpkern_int.h"

#define KTHREAD_EXIT_WAIT_NS	(5 * NSEC_PER_SEC)

enum { RUMP_DOWN, RUMP_BOOTING, RUMP_UP, RUMP_HALTING };
static int rump_state = RUMP_DOWN;

/* How far boot got, so teardown undoes exactly that. */
enum {
	BOOTED_HYPER = 1, BOOTED_SCHED, BOOTED_LWP, BOOTED_LOCKS,
	BOOTED_PROC, BOOTED_CALLOUT, BOOTED_SOFTINT, BOOTED_COMPONENTS
};
static int boot_stage;

static void rump_schedule_hyp(void);
static void rump_unschedule_hyp(void);

static const struct rumpuser_hyperup hyp = {
	.hyp_schedule = rump_schedule_hyp,
	.hyp_unschedule = rump_unschedule_hyp,
};

int
rump_is_up(void)
{
	/* seq_cst: pairs with the count of threads in rump_syscall(). */
	return __atomic_load_n(&rump_state, __ATOMIC_SEQ_CST) == RUMP_UP;
}

int
rump_booted(void)
{
	return rump_is_up();
}

static void
rump_schedule_hyp(void)
{
	rump_schedule();
}

static void
rump_unschedule_hyp(void)
{
	rump_unschedule();
}

struct bootparams {
	int	bp_ncpu;
	size_t	bp_memlimit;
	int	bp_locks_up;
};

/* A number with an optional k/m/g suffix; 0 or EINVAL. */
static int
parse_size(const char *s, unsigned long long *vp)
{
	char buf[32];
	size_t len = strlen(s);
	unsigned long long mult = 1, v;

	if (len == 0 || len >= sizeof(buf))
		return EINVAL;
	strlcpy(buf, s, sizeof(buf));
	switch (buf[len - 1]) {
	case 'k': case 'K': mult = 1ULL << 10; buf[--len] = '\0'; break;
	case 'm': case 'M': mult = 1ULL << 20; buf[--len] = '\0'; break;
	case 'g': case 'G': mult = 1ULL << 30; buf[--len] = '\0'; break;
	}
	if (kstrtoull(buf, &v) != 0 || v > (~0ULL) / mult)
		return EINVAL;
	*vp = v * mult;
	return 0;
}

/* Read and check the boot parameters; a bad one is named on the console. */
static int
getparams(struct bootparams *bp)
{
	char buf[64];
	unsigned long long v;
	int error;

	bp->bp_ncpu = 1;
	error = rumpuser_getparam(RUMPUSER_PARAM_NCPU, buf, sizeof(buf));
	if (error == 0) {
		if (kstrtoull(buf, &v) != 0 || v < 1 || v > MAXCPUS) {
			printf("rump_init: RUMP_NCPU=\"%s\" is not a number "
			    "from 1 to %d\n", buf, MAXCPUS);
			return EINVAL;
		}
		bp->bp_ncpu = (int)v;
	} else if (error != ENOENT) {
		printf("rump_init: RUMP_NCPU is too long\n");
		return EINVAL;
	}

	bp->bp_memlimit = 0;
	error = rumpuser_getparam(RUMPUSER_PARAM_MEMLIMIT, buf, sizeof(buf));
	if (error == 0) {
		if (parse_size(buf, &v) != 0 || v < 4096) {
			printf("rump_init: RUMP_MEMLIMIT=\"%s\" is not a size "
			    "of at least 4096 bytes (suffixes k, m, g)\n", buf);
			return EINVAL;
		}
		bp->bp_memlimit = (size_t)v;
	} else if (error != ENOENT) {
		printf("rump_init: RUMP_MEMLIMIT is too long\n");
		return EINVAL;
	}

	rump_verbose = rumpuser_getparam(RUMPUSER_PARAM_VERBOSE, buf,
	    sizeof(buf)) == 0 && strcmp(buf, "0") != 0;

	bp->bp_locks_up = bp->bp_ncpu == 1;
	if (rumpuser_getparam(RUMPUSER_PARAM_LOCKS, buf, sizeof(buf)) == 0) {
		if (strcmp(buf, "up") == 0) {
			bp->bp_locks_up = 1;
		} else if (strcmp(buf, "mp") == 0) {
			bp->bp_locks_up = 0;
		} else if (strcmp(buf, "auto") != 0) {
			printf("rump_init: RUMP_LOCKS=\"%s\" is not up, mp or "
			    "auto\n", buf);
			return EINVAL;
		}
	}
	/* The guard: uniprocessor locks are only correct on one CPU. */
	if (bp->bp_locks_up && bp->bp_ncpu != 1)
		panic("rump_init: uniprocessor locks (RUMP_LOCKS=up) cannot "
		    "run on %d virtual CPUs", bp->bp_ncpu);

	if (rumpuser_getparam(RUMPUSER_PARAM_HOSTNAME, rump_hostname,
	    MAXHOSTNAMELEN) != 0)
		strlcpy(rump_hostname, "rump", MAXHOSTNAMELEN);
	return 0;
}

/* Undo the boot up to boot_stage; the caller holds a CPU if stage > LWP. */
static int
teardown(void)
{
	char name[MAXCOMLEN];
	int error = 0;

	if (boot_stage >= BOOTED_COMPONENTS)
		rump_component_fini_all();
	if (boot_stage >= BOOTED_SOFTINT)
		softint_shutdown();
	if (boot_stage >= BOOTED_CALLOUT)
		callout_shutdown();
	if (boot_stage >= BOOTED_LOCKS &&
	    (error = lwp_wait_kthreads(KTHREAD_EXIT_WAIT_NS, name,
	    sizeof(name))) != 0)
		panic("rump shutdown: kernel thread \"%s\" outlived the "
		    "kernel (see above); join kernel threads, and stop a "
		    "component's threads in its shutdown hook", name);
	if (boot_stage >= BOOTED_PROC)
		proc_shutdown();
	if (boot_stage >= BOOTED_LOCKS) {
		kmem_fini();
		(void)rump_lockreg_fini();
	}
	if (boot_stage >= BOOTED_LWP) {
		rump_unschedule();
		lwp_shutdown();
	}
	if (boot_stage >= BOOTED_SCHED)
		rump_sched_fini();
	if (boot_stage >= BOOTED_HYPER)
		rumpuser_fini();
	boot_stage = 0;
	return error;
}

static void
report_leak(void *arg, const char *file, int line, const char *func,
    size_t count, size_t bytes)
{
	(void)arg;
	printf("rump shutdown: kernel memory leak: %zu bytes in %zu "
	    "allocation%s from %s:%d (%s)\n", bytes, count,
	    count == 1 ? "" : "s", file, line, func);
}

static int
boot(void)
{
	struct bootparams bp;
	int error;

	if ((error = rumpuser_init(RUMPUSER_VERSION, &hyp)) != 0)
		return error;
	boot_stage = BOOTED_HYPER;
	if ((error = getparams(&bp)) != 0)
		return error;
	kmem_init(bp.bp_memlimit);
	rump_fault_init();
	rump_locks_up = bp.bp_locks_up;
	if ((error = rump_sched_init(bp.bp_ncpu)) != 0)
		return error;
	boot_stage = BOOTED_SCHED;
	if ((error = lwp_boot()) != 0)
		return error;
	boot_stage = BOOTED_LWP;
	rump_schedule();
	if ((error = rump_lockreg_init()) != 0)
		return error;
	kmem_init_locks();
	boot_stage = BOOTED_LOCKS;
	if ((error = proc_boot()) != 0)
		return error;
	boot_stage = BOOTED_PROC;
	if ((error = callout_boot()) != 0)
		return error;
	boot_stage = BOOTED_CALLOUT;
	if ((error = softint_boot()) != 0)
		return error;
	boot_stage = BOOTED_SOFTINT;
	aprint_verbose("rump kernel: %d cpu%s, %s locks, memory limit %zu\n",
	    ncpu, ncpu == 1 ? "" : "s", rump_locks_up ? "uniprocessor" :
	    "multiprocessor", bp.bp_memlimit);
	boot_stage = BOOTED_COMPONENTS;
	if ((error = rump_component_init_all()) != 0)
		return error;
	rump_unschedule();
	return 0;
}

int
rump_init(void)
{
	int expect = RUMP_DOWN, error;

	if (!__atomic_compare_exchange_n(&rump_state, &expect, RUMP_BOOTING,
	    0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
		return rumpuser_errno_tohost(EBUSY);
	if ((error = boot()) != 0) {
		(void)teardown();
		(void)kmem_foreach_site(report_leak, NULL);
		__atomic_store_n(&rump_state, RUMP_DOWN, __ATOMIC_RELEASE);
		return rumpuser_errno_tohost(error);
	}
	rump_fault_arm(1);
	__atomic_store_n(&rump_state, RUMP_UP, __ATOMIC_RELEASE);
	return 0;
}

/*
 * Shut down, unless another host thread is inside the kernel: in a
 * system call (running, asleep or waiting for a CPU) or holding a CPU
 * some other way.  Then nothing is torn down and EBUSY says so; system
 * calls made while the check runs fail with ENXIO.
 */
/*
 * Whether no other host thread holds a CPU, allowing a moment for one
 * that is just passing through (a completion, a thread between its
 * entry and its CPU): 100 checks, 1 ms apart, off-CPU between them.
 */
static int
shutdown_cpus_idle(void)
{
	for (int tries = 0; tries < 100; tries++) {
		if (rump_sched_idle_except_me())
			return 1;
		rump_unschedule();
		(void)rumpuser_clock_sleep(RUMPUSER_SLEEP_REL, 0, 1000000);
		rump_schedule();
	}
	return 0;
}

int
rump_sys_reboot(int howto, char *bootstr)
{
	int expect = RUMP_UP;

	(void)bootstr;
	if ((howto & RUMP_RB_DUMP) && rump_is_up())
		panic("rump_sys_reboot: RUMP_RB_DUMP (howto 0x%x)", howto);
	if (!__atomic_compare_exchange_n(&rump_state, &expect, RUMP_HALTING,
	    0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST)) {
		rumpuser_seterrno(expect == RUMP_HALTING ? EBUSY : ENXIO);
		return -1;
	}
	if (rump_syscall_inflight() != 0) {
		__atomic_store_n(&rump_state, RUMP_UP, __ATOMIC_SEQ_CST);
		rumpuser_seterrno(EBUSY);
		return -1;
	}
	rump_fault_arm(0);
	rump_schedule();
	if (!shutdown_cpus_idle()) {
		rump_unschedule();
		rump_fault_arm(1);
		__atomic_store_n(&rump_state, RUMP_UP, __ATOMIC_SEQ_CST);
		rumpuser_seterrno(EBUSY);
		return -1;
	}
	(void)teardown();
	(void)kmem_foreach_site(report_leak, NULL);
	__atomic_store_n(&rump_state, RUMP_DOWN, __ATOMIC_RELEASE);
	return 0;
}
