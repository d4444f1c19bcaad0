/*
 * k_buggy.c: kernel code with deliberate bugs, so the tooling tests can
 * prove that failsweep, leaks and sanitize find such bugs.
 */
#include <rump-sys/systm.h>
#include <rump-sys/kmem.h>

#include "../kernel/ktest_int.h"
#include "k_buggy.h"

static volatile char kbuggy_table[16];

int
rump_pub_kbuggy_two_allocs(void)
{
	void *a, *b;
	int error = 0;

	KTEST_ENTER();
	if ((a = kmem_alloc(64, KM_NOSLEEP)) == NULL) {
		error = ENOMEM;
		goto out;
	}
	if ((b = kmem_alloc(128, KM_NOSLEEP)) == NULL) {
		error = ENOMEM;	/* BUG (deliberate): a is not freed */
		goto out;
	}
	kmem_free(b, 128);
	kmem_free(a, 64);
out:
	return KTEST_LEAVE(error);
}

int
rump_pub_kbuggy_read(int idx)
{
	int v;

	KTEST_ENTER();
	v = kbuggy_table[idx];	/* BUG (deliberate) for idx >= 16 */
	rump_unschedule();
	return v;
}
