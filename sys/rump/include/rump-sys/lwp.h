/*
 * lwp.h: virtual CPUs, lwps (kernel threads of control) and processes.
 *
 * A host thread runs kernel code only while it holds a virtual CPU
 * (struct cpu_info) and is bound to an lwp.  Test threads get an lwp of
 * the test process (pid 1) the first time they enter the kernel; kernel
 * threads belong to proc0.
 */
#ifndef _RUMP_SYS_LWP_H_
#define _RUMP_SYS_LWP_H_

#include <rump-sys/types.h>
#include <rump-sys/queue.h>
#include <rump-sys/mutex.h>
#include <rump/rumpuser.h>

#define MAXCPUS		64

struct cpu_info {
	struct lwp	*ci_curlwp;	/* holder; NULL when free */
	int		 ci_kthread;	/* the holder is a kernel thread */
	unsigned int	 ci_index;
	uint64_t	 ci_nswitch;	/* times handed to a thread */
} __aligned(CACHE_LINE_SIZE);

struct kauth_cred {
	uid_t	cr_uid, cr_euid, cr_svuid;
	gid_t	cr_gid, cr_egid, cr_svgid;
	int	cr_ngroups;
	gid_t	cr_groups[NGROUPS_MAX];
};

struct filedesc;
struct vnode;

struct proc {
	pid_t			 p_pid;
	struct proc		*p_pptr;
	struct kauth_cred	 p_cred;
	struct filedesc		*p_fd;
	/* the VFS faction's: working directory, file mode mask */
	struct vnode		*p_cwd;		/* p_lock */
	mode_t			 p_umask;	/* p_lock */
	kmutex_t		 p_lock;	/* p_cred, p_login */
	char			 p_login[MAXLOGNAME];
	char			 p_comm[MAXCOMLEN];
	LIST_HEAD(, lwp)	 p_lwps;
	int			 p_nlwps;
	LIST_ENTRY(proc)	 p_list;
};

/* l_flag bits */
#define LW_SYSTEM	0x0001	/* a kernel thread (kthread_create) */
#define LW_MUSTJOIN	0x0002	/* kthread_join will collect it */
#define LW_IMPLICIT	0x0004	/* made for a host thread on entry */
#define LW_EXITED	0x0008	/* kthread has returned */

struct lwp {
	struct cpu_info		*l_cpu;		/* held CPU, or NULL */
	struct cpu_info		*l_lastcpu;	/* try this one first */
	struct proc		*l_proc;
	lwpid_t			 l_lid;
	int			 l_flag;
	void			*l_hostcookie;	/* rumpuser thread */
	char			 l_name[MAXCOMLEN];
	/*
	 * Sleeping (sched.c); l_wakeup and l_wakepend are protected by
	 * the sched lock.  l_sleepchain links a sleeper on its l_waitq;
	 * l_wakechain a woken lwp whose host thread is not signalled yet
	 * (l_wakepend: until its waker gives up its CPU).
	 */
	struct rumpuser_cv	*l_sleepcv;
	int			 l_wakeup;
	int			 l_wakepend;
	struct rump_waitq	*l_waitq;	/* queue we sleep on */
	TAILQ_ENTRY(lwp)	 l_sleepchain;
	TAILQ_ENTRY(lwp)	 l_wakechain;
	const char		*l_wmesg;
	void			*l_private;	/* for the subsystem we wait in */
	struct selwaiter	*l_selwait;	/* sys_select.c: poll running */
	struct mount		*l_vfsgate;	/* vnode.h: VOP gate held */
	LIST_ENTRY(lwp)		 l_sibling;	/* p_lwps */
	LIST_ENTRY(lwp)		 l_list;	/* all lwps */
	void			(*l_func)(void *);
	void			*l_arg;
};

/*
 * The lwp running on the calling host thread while it holds a virtual
 * CPU; NULL otherwise.  A thread-local copy kept by the scheduler, so
 * the hot paths (locks) read it in one instruction; the binding of host
 * threads to lwps across CPU switches is the hypercall's
 * (rumpuser_curlwp).
 */
extern __thread struct lwp *rump_curlwp_tls;
#define curlwp		rump_curlwp_tls
#define curproc		(curlwp->l_proc)
#define curcpu()	(curlwp->l_cpu)

extern struct proc	proc0;		/* the kernel's own threads */
extern struct proc	*rump_initproc;	/* the test program, pid 1 */
extern int		ncpu;

/* lwp.c */
/*
 * Further test processes (rump_pub_lwproc_newproc).  A faction keeping
 * per-process state sets the hook: a new process takes a copy of its
 * parent's.  proc_foreach visits proc0, the test process and the rest.
 */
extern void	(*proc_fork_hook)(struct proc *parent, struct proc *child);
void		 proc_foreach(void (*fn)(struct proc *));
struct lwp	*lwp_create_implicit(void);
void		 lwp_free(struct lwp *);
struct lwp	*lwp_alloc(struct proc *, int flags, const char *name);

/* kauth-like credential checks. */
int	kauth_cred_geteuid_root(const struct kauth_cred *);

#endif /* _RUMP_SYS_LWP_H_ */
