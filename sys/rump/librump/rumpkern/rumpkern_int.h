/*
 * rumpkern_int.h: declarations private to the rumpkern faction (boot
 * steps and the internals the boot sequence ties together).
 */
#ifndef _RUMPKERN_INT_H_
#define _RUMPKERN_INT_H_

#include <rump-sys/types.h>
#include <rump-sys/kmem.h>
#include <rump/rump.h>

struct cpu_info;

/* kmem.c */
void	kmem_init(size_t limit);
void	kmem_init_locks(void);
void	kmem_fini(void);
size_t	kmem_foreach_site(rump_kmem_site_fn, void *);

/* fault.c: whether to fail this allocation (fault injection) */
int	rump_fault_kmem(struct kmem_site *, km_flag_t);
void	rump_fault_init(void);
void	rump_fault_arm(int);

/* sched.c */
struct cpu_info *rump_cpu(int);

/* lwp.c */
int	lwp_boot(void);
int	proc_boot(void);
void	proc_shutdown(void);
int	lwp_wait_kthreads(uint64_t timeout_ns, char *name, size_t namelen);
void	lwp_shutdown(void);

/* boot.c */
int	rump_is_up(void);
extern char rump_hostname[];

#endif /* _RUMPKERN_INT_H_ */
