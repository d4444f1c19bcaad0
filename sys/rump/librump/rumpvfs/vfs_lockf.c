/*
 * vfs_lockf.c: POSIX advisory record locks (fcntl F_GETLK, F_SETLK,
 * F_SETLKW) on vnodes.  A lock belongs to a process, named here by its
 * descriptor table, and covers a byte range of one vnode.  A process's
 * own locks never conflict with each other: a new lock replaces what
 * the process held on its range (splitting a lock it cuts through) and
 * merges with the process's adjacent locks of the same type.  All of
 * them go when the process closes any descriptor of the file.
 *
 * Locks are few, so every lock of the system sits on one list under
 * one mutex; waiters of F_SETLKW sleep on one condition variable and
 * look again whenever any lock is released.  Every lock is taken
 * through an open descriptor, so its vnode outlives it.
 */
#include <rump-sys/systm.h>
#include <rump-sys/abi.h>
#include <rump-sys/condvar.h>
#include <rump-sys/file.h>
#include <rump-sys/kmem.h>
#include <rump-sys/lwp.h>
#include <rump-sys/queue.h>
#include <rump-sys/vnode.h>
#include <rump/rumpdefs.h>

#include "vfs_int.h"

#define ENOLCK_K	RUMP_ENOLCK
#define LF_OFF_MAX	INT64_MAX	/* end of a lock "to EOF and beyond" */
#define LF_MAXCHAIN	64		/* deadlock search depth */

struct lockf {
	TAILQ_ENTRY(lockf)	 lf_entry;
	struct vnode		*lf_vp;
	const void		*lf_owner;	/* the holder's filedesc */
	pid_t			 lf_pid;
	short			 lf_type;	/* F_RDLCK or F_WRLCK */
	off_t			 lf_start;
	off_t			 lf_end;	/* inclusive */
};

/* An F_SETLKW sleeper: owner waits for a lock that blocker holds. */
struct lf_waiter {
	LIST_ENTRY(lf_waiter)	 lw_entry;
	const void		*lw_owner;
	const void		*lw_blocker;
};

static kmutex_t lf_lock;
static kcondvar_t lf_cv;
static TAILQ_HEAD(, lockf) lf_list = TAILQ_HEAD_INITIALIZER(lf_list);
static LIST_HEAD(, lf_waiter) lf_waiters = LIST_HEAD_INITIALIZER(lf_waiters);

void
vfs_lockf_init(void)
{
	mutex_init(&lf_lock, MUTEX_DEFAULT, IPL_NONE);
	cv_init(&lf_cv, "lockf");
	TAILQ_INIT(&lf_list);
	LIST_INIT(&lf_waiters);
}

void
vfs_lockf_fini(void)
{
	KASSERTMSG(TAILQ_EMPTY(&lf_list), "record locks left at shutdown");
	cv_destroy(&lf_cv);
	mutex_destroy(&lf_lock);
}

static bool
lf_overlaps(const struct lockf *lf, off_t start, off_t end)
{
	return lf->lf_start <= end && start <= lf->lf_end;
}

/* A lock of another owner that keeps owner from taking type; lf_lock. */
static struct lockf *
lf_conflict(struct vnode *vp, const void *owner, short type, off_t start,
    off_t end)
{
	struct lockf *lf;

	TAILQ_FOREACH(lf, &lf_list, lf_entry) {
		if (lf->lf_vp != vp || lf->lf_owner == owner ||
		    !lf_overlaps(lf, start, end))
			continue;
		if (lf->lf_type == F_WRLCK || type == F_WRLCK)
			return lf;
	}
	return NULL;
}

/* Would owner sleeping on blocker close a cycle of waiters?  lf_lock. */
static bool
lf_deadlock(const void *owner, const void *blocker)
{
	struct lf_waiter *lw;
	const void *cur = blocker;

	for (int depth = 0; depth < LF_MAXCHAIN; depth++) {
		if (cur == owner)
			return true;
		LIST_FOREACH(lw, &lf_waiters, lw_entry) {
			if (lw->lw_owner == cur)
				break;
		}
		if (lw == NULL)
			return false;
		cur = lw->lw_blocker;
	}
	return false;
}

/* Would giving [start, end] up cut one of owner's locks in two?  lf_lock. */
static bool
lf_splits(struct vnode *vp, const void *owner, off_t start, off_t end)
{
	struct lockf *lf;

	TAILQ_FOREACH(lf, &lf_list, lf_entry) {
		if (lf->lf_vp == vp && lf->lf_owner == owner &&
		    lf->lf_start < start && lf->lf_end > end)
			return true;
	}
	return false;
}

/*
 * Give owner's locks on [start, end] of vp up; spare is used (and set
 * to NULL) if a lock must be split in two.  lf_lock held.
 */
static void
lf_clear(struct vnode *vp, const void *owner, off_t start, off_t end,
    struct lockf **spare)
{
	struct lockf *lf, *next, *tail;

	TAILQ_FOREACH_SAFE(lf, &lf_list, lf_entry, next) {
		if (lf->lf_vp != vp || lf->lf_owner != owner ||
		    !lf_overlaps(lf, start, end))
			continue;
		if (lf->lf_start < start && lf->lf_end > end) {
			tail = *spare;
			*spare = NULL;
			KASSERT(tail != NULL);
			*tail = *lf;
			tail->lf_start = end + 1;
			lf->lf_end = start - 1;
			TAILQ_INSERT_TAIL(&lf_list, tail, lf_entry);
		} else if (lf->lf_start < start) {
			lf->lf_end = start - 1;
		} else if (lf->lf_end > end) {
			lf->lf_start = end + 1;
		} else {
			TAILQ_REMOVE(&lf_list, lf, lf_entry);
			kmem_free(lf, sizeof(*lf));
		}
	}
}

/* Insert nlf, merging owner's adjacent locks of its type.  lf_lock. */
static void
lf_insert(struct lockf *nlf)
{
	struct lockf *lf, *next;

	TAILQ_FOREACH_SAFE(lf, &lf_list, lf_entry, next) {
		if (lf->lf_vp != nlf->lf_vp || lf->lf_owner != nlf->lf_owner ||
		    lf->lf_type != nlf->lf_type)
			continue;
		if (lf->lf_end != LF_OFF_MAX && lf->lf_end + 1 == nlf->lf_start)
			nlf->lf_start = lf->lf_start;
		else if (nlf->lf_end != LF_OFF_MAX &&
		    nlf->lf_end + 1 == lf->lf_start)
			nlf->lf_end = lf->lf_end;
		else
			continue;
		TAILQ_REMOVE(&lf_list, lf, lf_entry);
		kmem_free(lf, sizeof(*lf));
	}
	TAILQ_INSERT_TAIL(&lf_list, nlf, lf_entry);
}

/* The byte range [*startp, *endp] that fl names for fp.  0 or EINVAL. */
static int
lf_range(struct file *fp, const struct flock *fl, off_t *startp,
    off_t *endp)
{
	off_t base, start;
	int error;

	if ((error = vn_whence_base(fp, fl->l_whence, &base)) != 0)
		return error;
	if ((fl->l_start > 0 && base > LF_OFF_MAX - fl->l_start) ||
	    (fl->l_start < 0 && base + fl->l_start < 0))
		return EINVAL;
	start = base + fl->l_start;
	if (fl->l_len > 0) {
		if (start > LF_OFF_MAX - (fl->l_len - 1))
			return EOVERFLOW;
		*startp = start;
		*endp = start + fl->l_len - 1;
	} else if (fl->l_len == 0) {
		*startp = start;
		*endp = LF_OFF_MAX;
	} else {
		/* negative length: the l_len bytes before start */
		if (start + fl->l_len < 0)
			return EINVAL;
		*startp = start + fl->l_len;
		*endp = start - 1;
	}
	return 0;
}

static int
lf_getlk(struct vnode *vp, const void *owner, struct flock *fl, off_t start,
    off_t end)
{
	struct lockf *lf;

	if (fl->l_type != F_RDLCK && fl->l_type != F_WRLCK)
		return EINVAL;
	mutex_enter(&lf_lock);
	lf = lf_conflict(vp, owner, fl->l_type, start, end);
	if (lf == NULL) {
		fl->l_type = F_UNLCK;
	} else {
		fl->l_type = lf->lf_type;
		fl->l_whence = SEEK_SET;
		fl->l_start = lf->lf_start;
		fl->l_len = lf->lf_end == LF_OFF_MAX ? 0 :
		    lf->lf_end - lf->lf_start + 1;
		fl->l_pid = lf->lf_pid;
	}
	mutex_exit(&lf_lock);
	return 0;
}

static int
lf_setlk(struct file *fp, int cmd, const struct flock *fl, off_t start,
    off_t end)
{
	struct vnode *vp = fp->f_data;
	const void *owner = curproc->p_fd;
	struct lockf *nlf = NULL, *spare;
	struct lf_waiter lw;
	struct lockf *blk;
	int error = 0;

	switch (fl->l_type) {
	case F_RDLCK:
		if ((fp->f_flag & FREAD) == 0)
			return EBADF;
		break;
	case F_WRLCK:
		if ((fp->f_flag & FWRITE) == 0)
			return EBADF;
		break;
	case F_UNLCK:
		break;
	default:
		return EINVAL;
	}
	/*
	 * At most two new locks: the one asked for, and the tail of a lock
	 * of ours it cuts through (taken below, only if needed, so that an
	 * unlock that splits nothing cannot fail).
	 */
	spare = NULL;
	if (fl->l_type != F_UNLCK &&
	    (nlf = kmem_alloc(sizeof(*nlf), KM_NOSLEEP)) == NULL)
		return ENOLCK_K;

	mutex_enter(&lf_lock);
	if (fl->l_type != F_UNLCK) {
		while ((blk = lf_conflict(vp, owner, fl->l_type, start,
		    end)) != NULL) {
			if (cmd != F_SETLKW) {
				error = EAGAIN;
				break;
			}
			if (lf_deadlock(owner, blk->lf_owner)) {
				error = EDEADLK;
				break;
			}
			lw.lw_owner = owner;
			lw.lw_blocker = blk->lf_owner;
			LIST_INSERT_HEAD(&lf_waiters, &lw, lw_entry);
			cv_wait(&lf_cv, &lf_lock);
			LIST_REMOVE(&lw, lw_entry);
		}
	}
	if (error == 0 && lf_splits(vp, owner, start, end) &&
	    (spare = kmem_alloc(sizeof(*spare), KM_NOSLEEP)) == NULL)
		error = ENOLCK_K;
	if (error == 0) {
		lf_clear(vp, owner, start, end, &spare);
		if (nlf != NULL) {
			nlf->lf_vp = vp;
			nlf->lf_owner = owner;
			nlf->lf_pid = curproc->p_pid;
			nlf->lf_type = fl->l_type;
			nlf->lf_start = start;
			nlf->lf_end = end;
			lf_insert(nlf);
			nlf = NULL;
		}
		/* anything may have been released or downgraded */
		cv_broadcast(&lf_cv);
	}
	mutex_exit(&lf_lock);
	if (spare != NULL)
		kmem_free(spare, sizeof(*spare));
	if (nlf != NULL)
		kmem_free(nlf, sizeof(*nlf));
	return error;
}

int
vn_advlock(struct file *fp, int cmd, void *uflock)
{
	struct flock fl;
	off_t start, end;
	int error;

	if ((error = copyin(uflock, &fl, sizeof(fl))) != 0)
		return error;
	if ((error = lf_range(fp, &fl, &start, &end)) != 0)
		return error;
	if (cmd == F_GETLK) {
		error = lf_getlk(fp->f_data, curproc->p_fd, &fl, start, end);
		if (error == 0)
			error = copyout(&fl, uflock, sizeof(fl));
		return error;
	}
	return lf_setlk(fp, cmd, &fl, start, end);
}

/* A descriptor of fp closes in fdp: that process's locks on it go. */
void
vn_fdclose(struct file *fp, struct filedesc *fdp)
{
	struct vnode *vp = fp->f_data;
	struct lockf *lf, *next;
	bool any = false;

	mutex_enter(&lf_lock);
	TAILQ_FOREACH_SAFE(lf, &lf_list, lf_entry, next) {
		if (lf->lf_vp == vp && lf->lf_owner == fdp) {
			TAILQ_REMOVE(&lf_list, lf, lf_entry);
			kmem_free(lf, sizeof(*lf));
			any = true;
		}
	}
	if (any)
		cv_broadcast(&lf_cv);
	mutex_exit(&lf_lock);
}
