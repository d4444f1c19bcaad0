/*
 * k_kmem.c: the kernel half of t_kmem.  It allocates from lines the
 * host half learns (so it can check that accounting, leak reports and
 * panics name the right call site), misuses the allocator on request,
 * and runs the one scenario that needs a second kernel thread: a
 * KM_SLEEP allocation waiting at RUMP_MEMLIMIT until memory is freed.
 */
#include <rump-sys/systm.h>
#include <rump-sys/kmem.h>
#include <rump-sys/kthread.h>
#include <rump-sys/time.h>

#include "ktest_int.h"
#include "k_kmem.h"

/*
 * Allocate and note the line, which is the kmem site's line too (both
 * __LINE__s are the line this macro is used on).
 */
#define ALLOC_NOTING_LINE(sz, fl, zero, linep)				\
	(*(linep) = __LINE__, (zero) ? kmem_zalloc((sz), (fl)) :	\
	    kmem_alloc((sz), (fl)))

static struct {
	void	*ts_p;
	size_t	 ts_size;
} slots[KTEST_KMEM_NSLOTS];

int
rump_pub_ktest_kmem_alloc(unsigned int slot, size_t size, int flags,
    int *linep)
{
	km_flag_t fl = (flags & KTEST_KM_SLEEP) ? KM_SLEEP : KM_NOSLEEP;
	void *p;
	int line;

	if (slot >= KTEST_KMEM_NSLOTS || slots[slot].ts_p != NULL)
		return EINVAL;
	KTEST_ENTER();
	p = ALLOC_NOTING_LINE(size, fl, flags & KTEST_KM_ZERO, &line);
	if (p != NULL) {
		slots[slot].ts_p = p;
		slots[slot].ts_size = size;
	}
	*linep = line;
	return KTEST_LEAVE(p != NULL ? 0 : ENOMEM);
}

int
rump_pub_ktest_kmem_recycle(unsigned int slot, int flags, int *linep)
{
	km_flag_t fl = (flags & KTEST_KM_SLEEP) ? KM_SLEEP : KM_NOSLEEP;
	struct kmem_site *ks;
	bool ok;
	int line;

	if (slot >= KTEST_KMEM_NSLOTS || slots[slot].ts_p == NULL)
		return EINVAL;
	KTEST_ENTER();
	ks = KMEM_SITE(); line = __LINE__;	/* one line: the site's */
	ok = kmem_recycle_site(slots[slot].ts_p, slots[slot].ts_size, fl, ks);
	*linep = line;
	return KTEST_LEAVE(ok ? 0 : ENOMEM);
}

static int
slot_free(unsigned int slot, size_t size)
{
	void *p;

	if (slot >= KTEST_KMEM_NSLOTS || slots[slot].ts_p == NULL)
		return EINVAL;
	p = slots[slot].ts_p;
	slots[slot].ts_p = NULL;
	KTEST_ENTER();
	kmem_free(p, size);
	return KTEST_LEAVE(0);
}

int
rump_pub_ktest_kmem_free(unsigned int slot)
{
	if (slot >= KTEST_KMEM_NSLOTS)
		return EINVAL;
	return slot_free(slot, slots[slot].ts_size);
}

int
rump_pub_ktest_kmem_free_size(unsigned int slot, size_t size)
{
	return slot_free(slot, size);
}

int
rump_pub_ktest_kmem_overrun(unsigned int slot)
{
	if (slot >= KTEST_KMEM_NSLOTS || slots[slot].ts_p == NULL)
		return EINVAL;
	((volatile char *)slots[slot].ts_p)[slots[slot].ts_size] = 0;
	return rump_pub_ktest_kmem_free(slot);
}

int
rump_pub_ktest_kmem_double_free(void)
{
	void *p;

	KTEST_ENTER();
	p = kmem_alloc(32, KM_SLEEP);
	kmem_free(p, 32);
	kmem_free(p, 32);
	return KTEST_LEAVE(0);
}

int
rump_pub_ktest_kmem_double_free_reused(void)
{
	void *p, *q;

	KTEST_ENTER();
	p = kmem_alloc(32, KM_SLEEP);
	kmem_free(p, 32);
	/* The host allocator tends to hand the same block back at once. */
	q = kmem_alloc(32, KM_SLEEP);
	printf("ktest: first block %p, second %p\n", p, q);
	kmem_free(p, 32);
	printf("ktest: second free of %p went unnoticed\n", p);
	if (q != p)
		kmem_free(q, 32);
	return KTEST_LEAVE(0);
}

int
rump_pub_ktest_kmem_alloc_zero(void)
{
	void *p;

	KTEST_ENTER();
	p = kmem_alloc(0, KM_SLEEP);
	printf("ktest: kmem_alloc(0) returned %p\n", p);
	return KTEST_LEAVE(0);
}

int
rump_pub_ktest_kmem_leak(size_t size, int *linep)
{
	void *p;
	int line;

	KTEST_ENTER();
	p = ALLOC_NOTING_LINE(size, KM_SLEEP, 0, &line);
	*linep = line;
	(void)p;	/* leaked on purpose */
	return KTEST_LEAVE(0);
}

/*
 * Enough freed blocks to get past kmem's quarantine of recent frees,
 * so the host allocator has dirty blocks of the size to hand back.
 */
#define NDIRTY	256

static bool
dirty_then_zalloc(size_t size, size_t *badp)
{
	static unsigned char *blocks[NDIRTY];
	unsigned char *p;
	size_t i, j;
	bool ok = true;

	for (i = 0; i < NDIRTY; i++) {
		blocks[i] = kmem_alloc(size, KM_SLEEP);
		memset(blocks[i], 0xa5, size);
	}
	for (i = 0; i < NDIRTY; i++)
		kmem_free(blocks[i], size);
	for (i = 0; i < 8; i++) {
		p = kmem_zalloc(size, KM_SLEEP);
		for (j = 0; j < size && p[j] == 0; j++)
			continue;
		if (j != size) {
			ok = false;
			*badp = j;
		}
		kmem_free(p, size);
	}
	return ok;
}

int
rump_pub_ktest_kmem_zalloc_zeroes(void)
{
	static const size_t sizes[] = { 1, 16, 100, 4096, 70000 };
	size_t bad = 0;
	int error = 0;

	KTEST_ENTER();
	for (size_t i = 0; i < __arraycount(sizes); i++) {
		KTEST_CHECK(dirty_then_zalloc(sizes[i], &bad),
		    "kmem_zalloc(%zu): byte %zu is not zero", sizes[i], bad);
	}
out:
	return KTEST_LEAVE(error);
}

struct freer {
	unsigned int	 f_slot;
	unsigned int	 f_delay_ms;
	int		 f_freeing;	/* set just before the free */
};

static void
freer_thread(void *arg)
{
	struct freer *f = arg;
	void *p = slots[f->f_slot].ts_p;

	kpause("ktfree", false, mstohz(f->f_delay_ms), NULL);
	slots[f->f_slot].ts_p = NULL;
	__atomic_store_n(&f->f_freeing, 1, __ATOMIC_SEQ_CST);
	kmem_free(p, slots[f->f_slot].ts_size);
}

int
rump_pub_ktest_kmem_wait_for_free(unsigned int slot, size_t want,
    unsigned int delay_ms, unsigned int *waited_msp)
{
	struct freer f = { slot, delay_ms, 0 };
	struct lwp *l;
	uint64_t t0, t1;
	void *p;
	int error = 0, freeing;

	if (slot >= KTEST_KMEM_NSLOTS || slots[slot].ts_p == NULL)
		return EINVAL;
	KTEST_ENTER();
	error = kthread_create(PRI_NONE, KTHREAD_MUSTJOIN | KTHREAD_MPSAFE,
	    NULL, freer_thread, &f, &l, "ktfree");
	KTEST_CHECK(error == 0, "kthread_create: %d", error);
	t0 = rump_monotime_ns();
	p = kmem_alloc(want, KM_SLEEP);
	t1 = rump_monotime_ns();
	freeing = __atomic_load_n(&f.f_freeing, __ATOMIC_SEQ_CST);
	kmem_free(p, want);
	kthread_join(l);
	*waited_msp = (unsigned int)((t1 - t0) / 1000000);
	KTEST_CHECK(freeing, "KM_SLEEP allocation of %zu bytes succeeded "
	    "after %llu ms, before the other thread freed memory", want,
	    (unsigned long long)((t1 - t0) / 1000000));
out:
	return KTEST_LEAVE(error);
}
