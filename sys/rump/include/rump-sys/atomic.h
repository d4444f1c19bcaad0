/*
 * atomic.h: read-modify-write of counters that only code holding a
 * virtual CPU touches (kmem accounting, vnode reference counts).  With
 * the uniprocessor locks (rump_locks_up, fixed at boot) there is one
 * virtual CPU, so only one thread runs kernel code at a time and a
 * plain load and store is atomic enough; a locked instruction would
 * cost as much as it does on a multiprocessor, which is what the UP
 * configuration exists to avoid.  With the MP locks these are real
 * atomic operations (relaxed unless a variant says otherwise).
 *
 * Never use them for data a host thread changes without a virtual CPU.
 */
#ifndef _RUMP_SYS_ATOMIC_H_
#define _RUMP_SYS_ATOMIC_H_

/* Set at boot from RUMP_LOCKS / RUMP_NCPU (locks.c). */
extern int rump_locks_up;

#define KATOMIC_ADD(p, v) do {						\
	if (__builtin_expect(rump_locks_up, 1))				\
		__atomic_store_n((p), __atomic_load_n((p),		\
		    __ATOMIC_RELAXED) + (v), __ATOMIC_RELAXED);		\
	else								\
		(void)__atomic_add_fetch((p), (v), __ATOMIC_RELAXED);	\
} while (0)

#define KATOMIC_SUB(p, v) do {						\
	if (__builtin_expect(rump_locks_up, 1))				\
		__atomic_store_n((p), __atomic_load_n((p),		\
		    __ATOMIC_RELAXED) - (v), __ATOMIC_RELAXED);		\
	else								\
		(void)__atomic_sub_fetch((p), (v), __ATOMIC_RELAXED);	\
} while (0)

/*
 * Subtract and return the result, acquire/release (a reference count
 * whose last holder frees: it must see the others' writes).
 */
#define KATOMIC_SUB_FETCH(p, v) __extension__ ({			\
	__typeof__(*(p)) __ka_nv;					\
	if (__builtin_expect(rump_locks_up, 1)) {			\
		__ka_nv = __atomic_load_n((p), __ATOMIC_RELAXED) - (v);	\
		__atomic_store_n((p), __ka_nv, __ATOMIC_RELAXED);	\
	} else								\
		__ka_nv = __atomic_sub_fetch((p), (v), __ATOMIC_ACQ_REL); \
	__ka_nv;							\
})

/*
 * Compare and swap, acquire/release: 1 if *p was *expp and is now nv;
 * else 0 with *expp updated to what *p holds.
 */
#define KATOMIC_CAS(p, expp, nv)					\
	(__builtin_expect(rump_locks_up, 1) ?				\
	    (__atomic_load_n((p), __ATOMIC_RELAXED) == *(expp) ?	\
	    (__atomic_store_n((p), (nv), __ATOMIC_RELAXED), 1) :	\
	    (*(expp) = __atomic_load_n((p), __ATOMIC_RELAXED), 0)) :	\
	    __atomic_compare_exchange_n((p), (expp), (nv), 0,		\
	    __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))

#endif /* _RUMP_SYS_ATOMIC_H_ */
