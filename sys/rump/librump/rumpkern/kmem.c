/*
 * kmem.c: the kernel allocator.  A thin layer over the host's malloc
 * that adds what a test harness needs: accounting per call site (so a
 * leak names its line), size and overrun checks at free, and a memory
 * limit (RUMP_MEMLIMIT) that KM_NOSLEEP callers see as NULL.
 *
 * Each block is [header | caller's bytes | 8-byte tail canary].
 *
 * Freed blocks are held back in a small quarantine (the last
 * KMEM_QUARANTINE frees of blocks up to KMEM_QUARANTINE_MAX bytes) with
 * their data poisoned before the host gets them back.  Without it a
 * double free goes unnoticed whenever the host allocator has already
 * handed the block to a new kmem_alloc of the same size: the second
 * free then names a live block and silently frees someone else's
 * memory.  The price: valgrind and ASan report a use after free of such
 * a block only once it has left the quarantine (until then reads see
 * the poison, 0x6b bytes).
 */
#include <rump-sys/systm.h>
#include <rump-sys/atomic.h>
#include <rump-sys/kmem.h>
#include <rump-sys/mutex.h>
#include <rump-sys/condvar.h>
#include <rump-sys/lwp.h>
#include <rump-sys/time.h>
#include <rump/rumpuser.h>
#include <rump/rump.h>

#include "rumpkern_int.h"

#define KMEM_MAGIC_LIVE		0x6b6d656d4c495645ULL	/* "kmemLIVE" */
#define KMEM_MAGIC_FREE		0x6b6d656d46524545ULL	/* "kmemFREE" */
#define KMEM_TAIL		0x5441494c5441494cULL	/* "TAILTAIL" */
#define KMEM_WAIT_NS		(2 * NSEC_PER_SEC)
#define KMEM_QUARANTINE		64
#define KMEM_QUARANTINE_MAX	4096
#define KMEM_POISON		0x6b

struct kmem_hdr {
	struct kmem_site	*kh_site;
	size_t			 kh_size;
	uint64_t		 kh_magic;
	uint64_t		 kh_pad;	/* keeps the data 16-aligned */
};
CTASSERT(sizeof(struct kmem_hdr) % 16 == 0);

static struct kmem_site	*kmem_sites;	/* every site ever used */
static size_t		 kmem_inuse_bytes;
static size_t		 kmem_limit;	/* 0: none */
static unsigned int	 kmem_nwaiters;
static kmutex_t		 kmem_lock;	/* for waiting at the limit */
static kcondvar_t	 kmem_cv;
static int		 kmem_ready;
static struct kmem_hdr	*kmem_quarantine[KMEM_QUARANTINE];
static unsigned int	 kmem_qnext;

/* Give a block back to the host. */
static void
kmem_release(struct kmem_hdr *kh)
{
	rumpuser_free(kh, sizeof(*kh) + kh->kh_size + sizeof(uint64_t));
}

/*
 * Hold a freed block back, releasing the oldest one held.  Lock-free:
 * each block lands in exactly one slot and whoever displaces it frees
 * it.  Off before the locks are up and after kmem_fini().
 */
static void
kmem_quarantine_put(struct kmem_hdr *kh)
{
	unsigned int i;

	if (!__atomic_load_n(&kmem_ready, __ATOMIC_ACQUIRE) ||
	    kh->kh_size > KMEM_QUARANTINE_MAX) {
		kmem_release(kh);
		return;
	}
	memset(kh + 1, KMEM_POISON, kh->kh_size);
	if (rump_locks_up) {
		/* one virtual CPU: no other thread is in here (atomic.h) */
		struct kmem_hdr *okh;

		i = kmem_qnext++ % KMEM_QUARANTINE;
		okh = kmem_quarantine[i];
		kmem_quarantine[i] = kh;
		kh = okh;
	} else {
		i = __atomic_fetch_add(&kmem_qnext, 1, __ATOMIC_RELAXED) %
		    KMEM_QUARANTINE;
		kh = __atomic_exchange_n(&kmem_quarantine[i], kh,
		    __ATOMIC_ACQ_REL);
	}
	if (kh != NULL)
		kmem_release(kh);
}

static void
kmem_quarantine_drain(void)
{
	struct kmem_hdr *kh;

	for (int i = 0; i < KMEM_QUARANTINE; i++) {
		kh = __atomic_exchange_n(&kmem_quarantine[i], NULL,
		    __ATOMIC_ACQ_REL);
		if (kh != NULL)
			kmem_release(kh);
	}
}

/* Zero the counters of all known sites; the first step of every boot. */
void
kmem_init(size_t limit)
{
	struct kmem_site *ks;

	for (ks = kmem_sites; ks != NULL; ks = ks->ks_next) {
		ks->ks_count = 0;
		ks->ks_bytes = 0;
	}
	kmem_inuse_bytes = 0;
	kmem_limit = limit;
	kmem_nwaiters = 0;
}

/* Second step, once locks work: enable waiting at the limit. */
void
kmem_init_locks(void)
{
	mutex_init(&kmem_lock, MUTEX_DEFAULT, IPL_NONE);
	cv_init(&kmem_cv, "kmemlim");
	__atomic_store_n(&kmem_ready, 1, __ATOMIC_RELEASE);
}

/* Frees after this (the last lwps) go straight back to the host. */
void
kmem_fini(void)
{
	__atomic_store_n(&kmem_ready, 0, __ATOMIC_RELEASE);
	kmem_quarantine_drain();
	cv_destroy(&kmem_cv);
	mutex_destroy(&kmem_lock);
}

static void
kmem_site_link(struct kmem_site *ks)
{
	struct kmem_site *head;
	int expect = 0;

	if (!__atomic_compare_exchange_n(&ks->ks_linked, &expect, 1, 0,
	    __ATOMIC_ACQ_REL, __ATOMIC_RELAXED))
		return;
	head = __atomic_load_n(&kmem_sites, __ATOMIC_ACQUIRE);
	do {
		ks->ks_next = head;
	} while (!__atomic_compare_exchange_n(&kmem_sites, &head, ks, 1,
	    __ATOMIC_RELEASE, __ATOMIC_ACQUIRE));
}

/* Count one block of size bytes to site ks, and one allocation made. */
static void
site_charge(struct kmem_site *ks, size_t size)
{
	if (__predict_false(!ks->ks_linked))
		kmem_site_link(ks);
	KATOMIC_ADD(&ks->ks_count, 1);
	KATOMIC_ADD(&ks->ks_bytes, size);
	KATOMIC_ADD(&ks->ks_total, 1);
}

/* The block is no longer ks's. */
static void
site_uncharge(struct kmem_site *ks, size_t size)
{
	KATOMIC_SUB(&ks->ks_count, 1);
	KATOMIC_SUB(&ks->ks_bytes, size);
}

/*
 * Add size to the bytes in use if that stays within the limit; never
 * overshoots, so a racing allocation cannot fail for another's sake.
 * *nowp gets the bytes in use seen.
 */
static int
kmem_trycharge(size_t size, size_t *nowp)
{
	size_t now = __atomic_load_n(&kmem_inuse_bytes, __ATOMIC_RELAXED);

	do {
		*nowp = now;
		if (now + size > kmem_limit || now + size < now)
			return 0;
	} while (!__atomic_compare_exchange_n(&kmem_inuse_bytes, &now,
	    now + size, 1, __ATOMIC_RELAXED, __ATOMIC_RELAXED));
	return 1;
}

/*
 * Charge size bytes against the limit.  Returns 0, or ENOMEM when the
 * limit is reached and the caller cannot (or waited and could not) get
 * the memory.
 */
static int
kmem_charge(size_t size, km_flag_t flags, struct kmem_site *ks)
{
	uint64_t deadline;
	size_t now;

	if (kmem_limit == 0) {
		KATOMIC_ADD(&kmem_inuse_bytes, size);
		return 0;
	}
	if (kmem_trycharge(size, &now))
		return 0;
	if ((flags & KM_NOSLEEP) || !kmem_ready || curlwp == NULL)
		return ENOMEM;

	/* Sleeping allocation: wait for frees, for a bounded time. */
	deadline = rump_monotime_ns() + KMEM_WAIT_NS;
	mutex_enter(&kmem_lock);
	kmem_nwaiters++;
	while (!kmem_trycharge(size, &now)) {
		uint64_t t = rump_monotime_ns();

		if (t >= deadline)
			panic("kmem_alloc: RUMP_MEMLIMIT=%zu exhausted: %zu bytes "
			    "in use, %zu more requested by %s:%d (%s) with "
			    "KM_SLEEP, and nothing was freed for %llu s",
			    kmem_limit, now, size, ks->ks_file,
			    ks->ks_line, ks->ks_func,
			    (unsigned long long)(KMEM_WAIT_NS / NSEC_PER_SEC));
		(void)cv_timedwait_ns(&kmem_cv, &kmem_lock, deadline - t);
	}
	kmem_nwaiters--;
	mutex_exit(&kmem_lock);
	return 0;
}

static void
kmem_uncharge(size_t size)
{
	KATOMIC_SUB(&kmem_inuse_bytes, size);
	if (__atomic_load_n(&kmem_nwaiters, __ATOMIC_RELAXED) != 0 &&
	    kmem_ready && curlwp != NULL && curlwp->l_cpu != NULL) {
		mutex_enter(&kmem_lock);
		cv_broadcast(&kmem_cv);
		mutex_exit(&kmem_lock);
	}
}

void *
kmem_alloc_site(size_t size, km_flag_t flags, struct kmem_site *ks)
{
	struct kmem_hdr *kh;
	uint64_t tail = KMEM_TAIL;
	void *mem;
	size_t total;

	if (size == 0 || size > (SIZE_MAX >> 2))
		panic("kmem_alloc: bad size %zu at %s:%d (%s)", size,
		    ks->ks_file, ks->ks_line, ks->ks_func);
	KASSERTMSG(flags == KM_SLEEP || flags == KM_NOSLEEP,
	    "bad kmem flags 0x%x at %s:%d", flags, ks->ks_file, ks->ks_line);
	if (rump_fault_kmem(ks, flags))
		return NULL;
	if (kmem_charge(size, flags, ks) != 0)
		return NULL;

	total = sizeof(*kh) + size + sizeof(tail);
	if (rumpuser_malloc(total, 16, &mem) != 0) {
		kmem_uncharge(size);
		if (flags & KM_NOSLEEP)
			return NULL;
		panic("kmem_alloc: host out of memory for %zu bytes at %s:%d",
		    size, ks->ks_file, ks->ks_line);
	}
	kh = mem;
	kh->kh_site = ks;
	kh->kh_size = size;
	kh->kh_magic = KMEM_MAGIC_LIVE;
	memcpy((char *)(kh + 1) + size, &tail, sizeof(tail));

	site_charge(ks, size);
	return kh + 1;
}

void *
kmem_zalloc_site(size_t size, km_flag_t flags, struct kmem_site *ks)
{
	void *p;

	p = kmem_alloc_site(size, flags, ks);
	if (p != NULL)
		memset(p, 0, size);
	return p;
}

char *
kmem_strdup_site(const char *s, km_flag_t flags, struct kmem_site *ks)
{
	size_t len = strlen(s) + 1;
	char *p;

	p = kmem_alloc_site(len, flags, ks);
	if (p != NULL)
		memcpy(p, s, len);
	return p;
}

void
kmem_strfree(char *s)
{
	kmem_free(s, strlen(s) + 1);
}

void
kmem_free(void *p, size_t size)
{
	struct kmem_hdr *kh;
	struct kmem_site *ks;
	uint64_t tail;

	KASSERTMSG(p != NULL, "kmem_free(NULL, %zu)", size);
	kh = (struct kmem_hdr *)p - 1;
	if (kh->kh_magic == KMEM_MAGIC_FREE)
		panic("kmem_free: double free of %p (%zu bytes)", p, size);
	if (kh->kh_magic != KMEM_MAGIC_LIVE)
		panic("kmem_free: %p was not allocated by kmem_alloc", p);
	ks = kh->kh_site;
	if (kh->kh_size != size)
		panic("kmem_free: %p freed with size %zu, allocated with %zu "
		    "at %s:%d (%s)", p, size, kh->kh_size, ks->ks_file,
		    ks->ks_line, ks->ks_func);
	memcpy(&tail, (char *)p + size, sizeof(tail));
	if (tail != KMEM_TAIL)
		panic("kmem_free: %p overrun past its %zu bytes; allocated at "
		    "%s:%d (%s)", p, size, ks->ks_file, ks->ks_line,
		    ks->ks_func);
	kh->kh_magic = KMEM_MAGIC_FREE;
	site_uncharge(ks, size);
	kmem_quarantine_put(kh);
	kmem_uncharge(size);
}

bool
kmem_recycle_site(void *p, size_t size, km_flag_t flags,
    struct kmem_site *ks)
{
	struct kmem_hdr *kh = (struct kmem_hdr *)p - 1;

	KASSERTMSG(kh->kh_magic == KMEM_MAGIC_LIVE && kh->kh_size == size,
	    "kmem_recycle: %p is not a live block of %zu bytes", p, size);
	if (rump_fault_kmem(ks, flags))
		return false;
	site_uncharge(kh->kh_site, size);
	site_charge(ks, size);
	kh->kh_site = ks;
	return true;
}

size_t
kmem_inuse(void)
{
	return __atomic_load_n(&kmem_inuse_bytes, __ATOMIC_RELAXED);
}

/* Walk the sites with memory outstanding; see rump.h. */
size_t
kmem_foreach_site(rump_kmem_site_fn fn, void *arg)
{
	struct kmem_site *ks;
	size_t n = 0;

	for (ks = __atomic_load_n(&kmem_sites, __ATOMIC_ACQUIRE); ks != NULL;
	    ks = ks->ks_next) {
		size_t count = __atomic_load_n(&ks->ks_count,
		    __ATOMIC_RELAXED);

		if (count == 0)
			continue;
		n++;
		if (fn != NULL)
			fn(arg, ks->ks_file, ks->ks_line, ks->ks_func, count,
			    __atomic_load_n(&ks->ks_bytes, __ATOMIC_RELAXED));
	}
	return n;
}

size_t
rump_pub_kmem_sites(rump_kmem_site_fn fn, void *arg)
{
	return kmem_foreach_site(fn, arg);
}

size_t
rump_pub_kmem_inuse(void)
{
	return kmem_inuse();
}
