/*
 * kmem.h: the kernel memory allocator.  Every call site gets a static
 * record (struct kmem_site) so leaks are reported by file, line and
 * function, and failures can be injected per site or at the Nth call.
 */
#ifndef _RUMP_SYS_KMEM_H_
#define _RUMP_SYS_KMEM_H_

#include <rump-sys/types.h>

typedef unsigned int km_flag_t;
#define KM_SLEEP	0x01	/* may wait; never returns NULL */
#define KM_NOSLEEP	0x02	/* may return NULL */

struct kmem_site {
	const char	*ks_file;
	const char	*ks_func;
	int		 ks_line;
	int		 ks_linked;	/* on the site list this boot */
	unsigned long	 ks_boot;	/* boot generation of the counters */
	size_t		 ks_count;	/* allocations outstanding */
	size_t		 ks_bytes;	/* bytes outstanding */
	uint64_t	 ks_total;	/* allocations ever made */
	struct kmem_site *ks_next;
};

#define KMEM_SITE() __extension__ ({					\
	static struct kmem_site __kmem_site = {				\
		.ks_file = __FILE__, .ks_func = __func__,		\
		.ks_line = __LINE__ };					\
	&__kmem_site;							\
})

/*
 * Allocate size bytes (size > 0).  KM_SLEEP waits for memory under
 * RUMP_MEMLIMIT and panics with the numbers if none comes; KM_NOSLEEP
 * returns NULL instead.  kmem_free panics on a size that differs from
 * the allocation's, a double free or an overrun past the end.
 */
void	*kmem_alloc_site(size_t, km_flag_t, struct kmem_site *);
void	*kmem_zalloc_site(size_t, km_flag_t, struct kmem_site *);
char	*kmem_strdup_site(const char *, km_flag_t, struct kmem_site *);
void	 kmem_free(void *, size_t);
void	 kmem_strfree(char *);

#define kmem_alloc(sz, fl)	kmem_alloc_site((sz), (fl), KMEM_SITE())
#define kmem_zalloc(sz, fl)	kmem_zalloc_site((sz), (fl), KMEM_SITE())
#define kmem_strdup(s, fl)	kmem_strdup_site((s), (fl), KMEM_SITE())

/*
 * For a subsystem's own cache of free blocks (mbufs, uipc_mbuf.c): the
 * block p of size bytes, got from kmem_alloc and kept by its owner
 * instead of freed, is handed out again at site ks.  Fault injection
 * applies as to kmem_alloc (false: the allocation must fail, the block
 * stays cached), and the block's accounting moves to ks, so a leak of
 * it names its last allocator.  Cached blocks count as allocated: the
 * owner frees them before the leak check.
 */
bool	kmem_recycle_site(void *p, size_t size, km_flag_t flags,
	    struct kmem_site *ks);

/* Bytes currently allocated, for the leak check and the memory limit. */
size_t	kmem_inuse(void);

#endif /* _RUMP_SYS_KMEM_H_ */
