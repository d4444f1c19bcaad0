/*
 * k_kmem.h: the kernel half of t_kmem.  Allocations made here come from
 * known lines of k_kmem.c (returned through linep) so the host half can
 * check that accounting, leak reports and panics name them.
 */
#ifndef _TESTS_KERNEL_K_KMEM_H_
#define _TESTS_KERNEL_K_KMEM_H_

#include <stddef.h>
#include <stdint.h>

/* rump_pub_ktest_kmem_alloc() flags. */
#define KTEST_KM_SLEEP		0x1	/* KM_SLEEP (default KM_NOSLEEP) */
#define KTEST_KM_ZERO		0x2	/* kmem_zalloc */
#define KTEST_KMEM_NSLOTS	8

/*
 * Allocate size bytes into slot (which must be empty) and set *linep
 * to the line of the allocating call.  0; ENOMEM when a KM_NOSLEEP
 * allocation returned NULL; EINVAL for a bad slot.
 */
int	rump_pub_ktest_kmem_alloc(unsigned int slot, size_t size, int flags,
	    int *linep);
/*
 * Hand slot's block out again from another line (kmem_recycle_site, as
 * the mbuf cache does) and set *linep to that line.  0; ENOMEM when
 * fault injection failed it (the block stays in the slot); EINVAL.
 */
int	rump_pub_ktest_kmem_recycle(unsigned int slot, int flags, int *linep);
/* Free slot with the size it was allocated with; 0 or EINVAL. */
int	rump_pub_ktest_kmem_free(unsigned int slot);
/* Free slot claiming size bytes (a wrong size panics). */
int	rump_pub_ktest_kmem_free_size(unsigned int slot, size_t size);
/* Write one byte just past the end of slot's block, then free it. */
int	rump_pub_ktest_kmem_overrun(unsigned int slot);
/* Allocate, free and free again (panics). */
int	rump_pub_ktest_kmem_double_free(void);
/*
 * Allocate, free, allocate the same size again (the host may reuse the
 * block) and free the first pointer again (panics).
 */
int	rump_pub_ktest_kmem_double_free_reused(void);
/* kmem_alloc(0, KM_SLEEP) (panics). */
int	rump_pub_ktest_kmem_alloc_zero(void);
/* Allocate size bytes and drop the pointer; *linep as above. */
int	rump_pub_ktest_kmem_leak(size_t size, int *linep);
/*
 * Dirty a block of each of several sizes, free it, then check that
 * kmem_zalloc of the same size returns zeroes.  0 or EIO.
 */
int	rump_pub_ktest_kmem_zalloc_zeroes(void);
/*
 * Under a memory limit: slot holds memory; a kernel thread frees it
 * after delay_ms while this thread makes a KM_SLEEP allocation of want
 * bytes that cannot fit until then.  0 when the allocation waited for
 * the free and succeeded (and was freed again); EIO otherwise.
 * *waited_msp gets how long the allocation took.
 */
int	rump_pub_ktest_kmem_wait_for_free(unsigned int slot, size_t want,
	    unsigned int delay_ms, unsigned int *waited_msp);

#endif /* _TESTS_KERNEL_K_KMEM_H_ */
