/*
 * lwp.c: lwps and the two processes of a kernel: proc0, which owns the
 * kernel threads, and the test program's process (pid 1), which owns
 * the lwps made for host threads entering through rump_sys_*.
 *
 * The list of all lwps is guarded by a host mutex rather than a kernel
 * one, because lwps are made for host threads before they hold a CPU.
 */
#include <rump-sys/systm.h>
#include <rump-sys/kmem.h>
#include <rump-sys/lwp.h>
#include <rump-sys/file.h>
#include <rump-sys/kthread.h>
#include <rump-sys/sched.h>
#include <rump-sys/time.h>
#include <rump/rumpuser.h>

#include "rumpkern_int.h"

struct proc		 proc0;
static struct proc	 proc1;
struct proc		*rump_initproc;
/* rump_pub_lwproc_newproc's processes (p_list), under lwp_mtx */
static LIST_HEAD(, proc) lwproc_procs;
static pid_t		 lwproc_nextpid;
void			(*proc_fork_hook)(struct proc *, struct proc *);

static struct rumpuser_mtx *lwp_mtx;
static struct rumpuser_cv *lwp_cv;	/* a kernel thread went away */
static LIST_HEAD(, lwp)	 alllwp;
static lwpid_t		 lwp_nextlid;
static int		 lwp_nkthreads;	/* live or unjoined kthreads */

static void
proc_init(struct proc *p, pid_t pid, struct proc *parent, const char *comm)
{
	memset(p, 0, sizeof(*p));
	p->p_pid = pid;
	p->p_pptr = parent;
	LIST_INIT(&p->p_lwps);
	strlcpy(p->p_comm, comm, sizeof(p->p_comm));
	strlcpy(p->p_login, "root", sizeof(p->p_login));
	/* Everyone starts as root; tests drop privileges with setuid. */
	p->p_cred.cr_ngroups = 1;
}

/* First boot step for lwps: the processes and their list lock. */
int
lwp_boot(void)
{
	int error;

	if ((error = rumpuser_mutex_init(RUMPUSER_MTX_SPIN, &lwp_mtx)) != 0)
		return error;
	if ((error = rumpuser_cv_init(&lwp_cv)) != 0) {
		rumpuser_mutex_destroy(lwp_mtx);
		return error;
	}
	LIST_INIT(&alllwp);
	lwp_nextlid = 1;
	lwp_nkthreads = 0;
	proc_init(&proc0, 0, NULL, "system");
	proc_init(&proc1, 1, &proc0, "test");
	rump_initproc = &proc1;
	LIST_INIT(&lwproc_procs);
	lwproc_nextpid = 2;
	return 0;
}

/* Second step, with a CPU held: what needs kernel locks and memory. */
int
proc_boot(void)
{
	mutex_init(&proc0.p_lock, MUTEX_DEFAULT, IPL_NONE);
	mutex_init(&proc1.p_lock, MUTEX_DEFAULT, IPL_NONE);
	proc0.p_fd = fd_init();
	proc1.p_fd = fd_init();
	return 0;
}

void
proc_shutdown(void)
{
	struct proc *p;
	struct lwp *l;

	/* Extra processes go first; their lwps return to the test's. */
	while ((p = LIST_FIRST(&lwproc_procs)) != NULL) {
		fd_free(p->p_fd);
		rumpuser_mutex_enter_nowrap(lwp_mtx);
		LIST_REMOVE(p, p_list);
		while ((l = LIST_FIRST(&p->p_lwps)) != NULL) {
			LIST_REMOVE(l, l_sibling);
			l->l_proc = &proc1;
			LIST_INSERT_HEAD(&proc1.p_lwps, l, l_sibling);
			proc1.p_nlwps++;
		}
		rumpuser_mutex_exit(lwp_mtx);
		mutex_destroy(&p->p_lock);
		kmem_free(p, sizeof(*p));
	}
	fd_free(proc1.p_fd);
	fd_free(proc0.p_fd);
	proc1.p_fd = proc0.p_fd = NULL;
	mutex_destroy(&proc1.p_lock);
	mutex_destroy(&proc0.p_lock);
}

/*
 * A new lwp of p.  Kernel threads take KM_NOSLEEP memory, so their
 * creation can fail with ENOMEM (and fault injection reaches it); the
 * lwp of a host thread entering the kernel cannot wait for memory nor
 * fail, so it takes KM_SLEEP.  NULL when out of memory.
 */
struct lwp *
lwp_alloc(struct proc *p, int flags, const char *name)
{
	struct lwp *l;

	l = kmem_zalloc(sizeof(*l),
	    (flags & LW_SYSTEM) ? KM_NOSLEEP : KM_SLEEP);
	if (l == NULL)
		return NULL;
	l->l_proc = p;
	l->l_flag = flags;
	strlcpy(l->l_name, name, sizeof(l->l_name));
	rumpuser_mutex_enter_nowrap(lwp_mtx);
	l->l_lid = lwp_nextlid++;
	LIST_INSERT_HEAD(&alllwp, l, l_list);
	LIST_INSERT_HEAD(&p->p_lwps, l, l_sibling);
	p->p_nlwps++;
	if (flags & LW_SYSTEM)
		lwp_nkthreads++;
	rumpuser_mutex_exit(lwp_mtx);
	return l;
}

/* Free an lwp that holds no CPU and runs on no host thread any more. */
void
lwp_free(struct lwp *l)
{
	KASSERT(l->l_cpu == NULL);
	rumpuser_mutex_enter_nowrap(lwp_mtx);
	LIST_REMOVE(l, l_list);
	LIST_REMOVE(l, l_sibling);
	l->l_proc->p_nlwps--;
	if (l->l_flag & LW_SYSTEM) {
		lwp_nkthreads--;
		rumpuser_cv_broadcast(lwp_cv);
	}
	rumpuser_mutex_exit(lwp_mtx);
	rump_sched_lwp_gone(l);
	if (l->l_sleepcv != NULL)
		rumpuser_cv_destroy(l->l_sleepcv);
	kmem_free(l, sizeof(*l));
}

/*
 * A host thread entered the kernel for the first time (this boot):
 * give it an lwp in the test process and remember it in the thread.
 * Freed at shutdown.
 */
struct lwp *
lwp_create_implicit(void)
{
	struct lwp *l;

	l = lwp_alloc(rump_initproc, LW_IMPLICIT, "host");
	if (l == NULL)
		panic("%s: no memory for the lwp of a host thread", __func__);
	rumpuser_curlwpop(RUMPUSER_LWP_SET, l);
	return l;
}

void
proc_foreach(void (*fn)(struct proc *))
{
	struct proc *p;

	fn(&proc0);
	fn(&proc1);
	/* only the calling test thread makes processes: no lock needed */
	LIST_FOREACH(p, &lwproc_procs, p_list)
		fn(p);
}

int
rump_pub_lwproc_newproc(void)
{
	struct proc *parent, *p;
	struct lwp *l;
	pid_t pid;

	rump_schedule();
	parent = curproc;
	p = kmem_alloc(sizeof(*p), KM_SLEEP);
	rumpuser_mutex_enter_nowrap(lwp_mtx);
	pid = lwproc_nextpid++;
	rumpuser_mutex_exit(lwp_mtx);
	proc_init(p, pid, parent, "lwproc");
	mutex_init(&p->p_lock, MUTEX_DEFAULT, IPL_NONE);
	mutex_enter(&parent->p_lock);
	p->p_cred = parent->p_cred;
	memcpy(p->p_login, parent->p_login, sizeof(p->p_login));
	mutex_exit(&parent->p_lock);
	p->p_fd = fd_init();
	if (proc_fork_hook != NULL)
		proc_fork_hook(parent, p);
	rumpuser_mutex_enter_nowrap(lwp_mtx);
	LIST_INSERT_HEAD(&lwproc_procs, p, p_list);
	rumpuser_mutex_exit(lwp_mtx);
	l = lwp_alloc(p, LW_IMPLICIT, "host");
	rump_unschedule();
	rumpuser_curlwpop(RUMPUSER_LWP_SET, l);
	return pid;
}

int
rump_pub_lwproc_switch(int pid)
{
	struct proc *p = NULL, *q;
	struct lwp *l;

	rump_schedule();
	if (pid == proc1.p_pid) {
		p = &proc1;
	} else {
		rumpuser_mutex_enter_nowrap(lwp_mtx);
		LIST_FOREACH(q, &lwproc_procs, p_list) {
			if (q->p_pid == pid)
				p = q;
		}
		rumpuser_mutex_exit(lwp_mtx);
	}
	if (p == NULL) {
		rump_unschedule();
		return rumpuser_errno_tohost(ESRCH);
	}
	/* a fresh lwp of p: the thread's old one stays until shutdown */
	l = lwp_alloc(p, LW_IMPLICIT, "host");
	rump_unschedule();
	rumpuser_curlwpop(RUMPUSER_LWP_SET, l);
	return 0;
}

int
kthread_count(void)
{
	int n;

	rumpuser_mutex_enter_nowrap(lwp_mtx);
	n = lwp_nkthreads;
	rumpuser_mutex_exit(lwp_mtx);
	return n;
}

/* Kernel threads still running (not exited and waiting for a join). */
static int
lwp_nrunning_kthreads(void)
{
	struct lwp *l;
	int n = 0;

	LIST_FOREACH(l, &alllwp, l_list) {
		if ((l->l_flag & LW_SYSTEM) &&
		    !(__atomic_load_n(&l->l_flag, __ATOMIC_ACQUIRE) & LW_EXITED))
			n++;
	}
	return n;
}

/*
 * Wait (off-CPU) up to timeout_ns for the running kernel threads to
 * end.  Returns 0 when none is left, or EBUSY after naming each one left
 * on the console (and the first in name, of namelen bytes): still
 * running, or exited but never joined (which no wait can fix).
 */
int
lwp_wait_kthreads(uint64_t timeout_ns, char *name, size_t namelen)
{
	struct lwp *l;
	uint64_t deadline = rump_monotime_ns() + timeout_ns;
	int error = 0;

	rump_unschedule();
	rumpuser_mutex_enter_nowrap(lwp_mtx);
	while (lwp_nrunning_kthreads() > 0) {
		uint64_t now = rump_monotime_ns();

		if (now >= deadline)
			break;
		(void)rumpuser_cv_timedwait_nowrap(lwp_cv, lwp_mtx,
		    (int64_t)((deadline - now) / 1000000000ULL),
		    (long)((deadline - now) % 1000000000ULL));
	}
	LIST_FOREACH(l, &alllwp, l_list) {
		if (!(l->l_flag & LW_SYSTEM))
			continue;
		if (error == 0)
			strlcpy(name, l->l_name, namelen);
		error = EBUSY;
		printf("rump shutdown: kernel thread \"%s\" (lwp %d) %s\n",
		    l->l_name, l->l_lid, (l->l_flag & LW_EXITED) ?
		    "exited but was never joined with kthread_join" :
		    "is still running");
	}
	rumpuser_mutex_exit(lwp_mtx);
	rump_schedule();
	return error;
}

/*
 * Last step of shutdown, with no CPU held and no kernel thread left:
 * free the lwps of host threads (the caller's included).
 */
void
lwp_shutdown(void)
{
	struct lwp *l;

	rumpuser_curlwpop(RUMPUSER_LWP_CLEAR, NULL);
	while ((l = LIST_FIRST(&alllwp)) != NULL)
		lwp_free(l);
	rumpuser_cv_destroy(lwp_cv);
	rumpuser_mutex_destroy(lwp_mtx);
}

int
kauth_cred_geteuid_root(const struct kauth_cred *cr)
{
	return cr->cr_euid == 0;
}
