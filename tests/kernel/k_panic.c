/*
 * k_panic.c: the kernel half of t_panic: panics, failed assertions and
 * concurrent panics on request, and the kernel's snprintf run over the
 * table of formats in k_panic.h.
 */
#include <rump-sys/systm.h>
#include <rump-sys/kthread.h>
#include <rump-sys/time.h>

#include "ktest_int.h"
#include "k_panic.h"

#define SPIN_NS		(10 * NSEC_PER_SEC)

int
rump_pub_ktest_panic(int v)
{
	KTEST_ENTER();
	panic("ktest: deliberate panic %d", v);
}

/* Both __LINE__s are the line this macro is used on. */
#define KASSERT_NOTING_LINE(e, linep) do {				\
	*(linep) = __LINE__; KASSERT(e);				\
} while (0)

int
rump_pub_ktest_kassert(int v, int limit, int *linep)
{
	int line;

	KTEST_ENTER();
	KASSERT_NOTING_LINE(v < limit, &line);
	*linep = line;
	return KTEST_LEAVE(0);
}

struct racer {
	int	r_ready;
	int	r_go;
};

/* Spin (on a CPU of its own) until told, then panic. */
static void
panic_thread(void *arg)
{
	struct racer *r = arg;
	uint64_t deadline = rump_monotime_ns() + SPIN_NS;

	__atomic_store_n(&r->r_ready, 1, __ATOMIC_SEQ_CST);
	while (!__atomic_load_n(&r->r_go, __ATOMIC_SEQ_CST) &&
	    rump_monotime_ns() < deadline)
		continue;
	panic("ktest: concurrent panic from the kernel thread");
}

int
rump_pub_ktest_panic_concurrent(void)
{
	static struct racer r;
	uint64_t deadline = rump_monotime_ns() + SPIN_NS;
	int error;

	KTEST_ENTER();
	error = kthread_create(PRI_NONE, KTHREAD_MPSAFE, NULL, panic_thread,
	    &r, NULL, "ktpanic");
	if (error != 0)
		return KTEST_LEAVE(error);
	/* Off-CPU polling: spinning here would starve it under valgrind. */
	while (!__atomic_load_n(&r.r_ready, __ATOMIC_SEQ_CST) &&
	    rump_monotime_ns() < deadline)
		kpause("ktready", false, 1, NULL);
	__atomic_store_n(&r.r_go, 1, __ATOMIC_SEQ_CST);
	panic("ktest: concurrent panic from the caller");
}

int
rump_pub_ktest_snprintf(unsigned int which, char *buf, size_t len,
    int *retp)
{
	unsigned int i = 0;
	int ret = 0, found = 0;

	KTEST_ENTER();
#define PRF_CASE(...)							\
	if (i++ == which) {						\
		ret = snprintf(buf, len, __VA_ARGS__);			\
		found = 1;						\
	}
	KTEST_PRF_CASES(PRF_CASE)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat"
	KTEST_PRF_ODD_CASES(PRF_CASE)
#pragma GCC diagnostic pop
#undef PRF_CASE
	*retp = ret;
	return KTEST_LEAVE(found ? 0 : EINVAL);
}
