/*
 * fault.c: fault injection in the style of Linux's fail_nth.  With
 * RUMP_FAIL_NTH=N the Nth KM_NOSLEEP allocation made in kernel context
 * after boot fails (as if memory ran out), once.  KM_SLEEP allocations
 * cannot fail by contract and are not counted.  The harness's failsweep
 * raises N until a run sees no injection; the console line names the
 * site that failed, so a sweep can say which error path broke.
 */
#include <rump-sys/systm.h>
#include <rump-sys/kmem.h>
#include <rump-sys/lwp.h>
#include <rump/rumpuser.h>

#include <rump/rump.h>

#include "rumpkern_int.h"

static uint64_t fault_nth;	/* 0: off */
static uint64_t fault_count;
static int	fault_armed;

void
rump_fault_init(void)
{
	char buf[32];
	unsigned long long v;

	fault_nth = 0;
	fault_count = 0;
	fault_armed = 0;
	if (rumpuser_getparam("RUMP_FAIL_NTH", buf, sizeof(buf)) == 0 &&
	    kstrtoull(buf, &v) == 0 && v > 0)
		fault_nth = v;
}

/* Arm after boot: the sweep targets the test's paths, not boot's. */
void
rump_fault_arm(int on)
{
	fault_armed = on && fault_nth != 0;
}

int
rump_fault_kmem(struct kmem_site *ks, km_flag_t flags)
{
	uint64_t n;

	if (__predict_true(!fault_armed) || !(flags & KM_NOSLEEP))
		return 0;
	n = __atomic_add_fetch(&fault_count, 1, __ATOMIC_RELAXED);
	if (n != fault_nth)
		return 0;
	printf("fault injection: allocation %llu fails at %s:%d (%s)\n",
	    (unsigned long long)n, ks->ks_file, ks->ks_line, ks->ks_func);
	return 1;
}

/* How many countable allocations ran; the sweep stops past this. */
unsigned long long
rump_pub_fault_count(void)
{
	return (unsigned long long)__atomic_load_n(&fault_count,
	    __ATOMIC_RELAXED);
}
