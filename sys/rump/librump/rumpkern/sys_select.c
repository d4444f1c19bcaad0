/*
 * sys_select.c: poll(2) and select(2), and the selinfo records file
 * types use to wake them.
 *
 * A polling lwp owns a struct selwaiter on its stack.  While it asks
 * each descriptor (fo_poll), a file with nothing ready calls
 * selrecord(), which links the waiter to the file's selinfo; a later
 * selnotify() on that selinfo marks every linked waiter and wakes it.
 * The waiter then drops all its links and asks every descriptor again.
 * An event between fo_poll and the sleep is not lost: the link already
 * exists, so the notification marks the waiter and it does not sleep.
 *
 * One lock (sel_lock) guards every link; it is a leaf, taken inside
 * drivers' locks, never around them.
 */
#include <rump-sys/systm.h>
#include <rump-sys/abi.h>
#include <rump-sys/component.h>
#include <rump-sys/condvar.h>
#include <rump-sys/errno.h>
#include <rump-sys/file.h>
#include <rump-sys/kmem.h>
#include <rump-sys/lwp.h>
#include <rump-sys/mutex.h>
#include <rump-sys/queue.h>
#include <rump-sys/select.h>
#include <rump-sys/time.h>
#include <rump-sys/syscallargs.h>

struct selwaiter {
	kcondvar_t			 sw_cv;
	int				 sw_notified;
	LIST_HEAD(, selrecord_link)	 sw_links;
};

struct selrecord_link {
	struct selinfo			*sl_sip;	/* NULL: seldestroyed */
	struct selwaiter		*sl_waiter;
	LIST_ENTRY(selrecord_link)	 sl_sichain;	/* sip->sel_waiters */
	LIST_ENTRY(selrecord_link)	 sl_wchain;	/* sw_links */
};

static kmutex_t sel_lock;

/* Linux's FD_SETSIZE: select's sets are this many bits. */
#define SEL_FD_SETSIZE	1024
#define NFDBITS		(8 * sizeof(unsigned long))

void
selinit(struct selinfo *sip)
{
	LIST_INIT(&sip->sel_waiters);
}

void
seldestroy(struct selinfo *sip)
{
	struct selrecord_link *sl;

	mutex_enter(&sel_lock);
	while ((sl = LIST_FIRST(&sip->sel_waiters)) != NULL) {
		LIST_REMOVE(sl, sl_sichain);
		sl->sl_sip = NULL;
		/* the file is going: let the poller look again */
		sl->sl_waiter->sw_notified = 1;
		cv_broadcast(&sl->sl_waiter->sw_cv);
	}
	mutex_exit(&sel_lock);
}

void
selrecord(struct selinfo *sip)
{
	struct selwaiter *sw = curlwp->l_selwait;
	struct selrecord_link *sl;

	if (sw == NULL)		/* fo_poll called outside poll/select */
		return;
	sl = kmem_alloc(sizeof(*sl), KM_SLEEP);
	sl->sl_sip = sip;
	sl->sl_waiter = sw;
	mutex_enter(&sel_lock);
	LIST_INSERT_HEAD(&sip->sel_waiters, sl, sl_sichain);
	LIST_INSERT_HEAD(&sw->sw_links, sl, sl_wchain);
	mutex_exit(&sel_lock);
}

void
selnotify(struct selinfo *sip, int events)
{
	struct selrecord_link *sl;

	mutex_enter(&sel_lock);
	LIST_FOREACH(sl, &sip->sel_waiters, sl_sichain) {
		sl->sl_waiter->sw_notified = 1;
		cv_broadcast(&sl->sl_waiter->sw_cv);
	}
	mutex_exit(&sel_lock);
}

static void
selwaiter_clear(struct selwaiter *sw)
{
	struct selrecord_link *sl;

	mutex_enter(&sel_lock);
	while ((sl = LIST_FIRST(&sw->sw_links)) != NULL) {
		LIST_REMOVE(sl, sl_wchain);
		if (sl->sl_sip != NULL)
			LIST_REMOVE(sl, sl_sichain);
		kmem_free(sl, sizeof(*sl));
	}
	sw->sw_notified = 0;
	mutex_exit(&sel_lock);
}

/*
 * The events of fd ready now (POLLNVAL for a closed descriptor).  A
 * file type without fo_poll is always ready for what it can do, as
 * regular files are.
 */
static int
pollone(int fd, int events)
{
	struct file *fp;
	int revents;

	if ((fp = fd_getfile(fd)) == NULL)
		return POLLNVAL;
	events |= POLLERR | POLLHUP;
	if (fp->f_ops->fo_poll != NULL)
		revents = fp->f_ops->fo_poll(fp, events);
	else
		revents = events & (POLLIN | POLLRDNORM | POLLOUT |
		    POLLWRNORM);
	fd_putfile(fp);
	return revents & events;
}

/*
 * Scan: ask every descriptor through scan(arg) (which returns how many
 * are ready, or -1 with *errorp set); sleep until something may have
 * changed, at most timeout_ns (UINT64_MAX forever, 0 not at all).
 */
static int
selscan_wait(int (*scan)(void *, int *), void *arg, uint64_t timeout_ns,
    register_t *rv)
{
	struct selwaiter sw;
	uint64_t deadline = 0, now;
	int n, error = 0, timedout = 0;

	if (timeout_ns != UINT64_MAX && timeout_ns != 0)
		deadline = rump_monotime_ns() + timeout_ns;
	cv_init(&sw.sw_cv, "select");
	sw.sw_notified = 0;
	LIST_INIT(&sw.sw_links);
	for (;;) {
		curlwp->l_selwait = &sw;
		n = scan(arg, &error);
		curlwp->l_selwait = NULL;
		if (n != 0 || error != 0 || timeout_ns == 0 || timedout)
			break;
		mutex_enter(&sel_lock);
		while (!sw.sw_notified) {
			if (timeout_ns == UINT64_MAX) {
				cv_wait(&sw.sw_cv, &sel_lock);
				continue;
			}
			now = rump_monotime_ns();
			if (now >= deadline) {
				timedout = 1;
				break;
			}
			(void)cv_timedwait_ns(&sw.sw_cv, &sel_lock,
			    deadline - now);
		}
		mutex_exit(&sel_lock);
		selwaiter_clear(&sw);
	}
	selwaiter_clear(&sw);
	cv_destroy(&sw.sw_cv);
	if (n < 0)
		return error;
	rv[0] = n;
	return error;
}

struct pollscan {
	struct pollfd	*ps_fds;
	unsigned int	 ps_nfds;
};

static int
pollscan(void *arg, int *errorp)
{
	struct pollscan *ps = arg;
	int n = 0;

	for (unsigned int i = 0; i < ps->ps_nfds; i++) {
		struct pollfd *pfd = &ps->ps_fds[i];

		pfd->revents = pfd->fd < 0 ? 0 :
		    (short)pollone(pfd->fd, pfd->events);
		if (pfd->revents != 0)
			n++;
	}
	return n;
}

int
sys_poll(struct lwp *l, const struct sys_poll_args *uap, register_t *rv)
{
	struct pollscan ps;
	size_t len;
	uint64_t timeout_ns;
	int error;

	if (uap->nfds > FD_DEFAULT_LIMIT)
		return EINVAL;
	ps.ps_nfds = uap->nfds;
	len = ps.ps_nfds * sizeof(struct pollfd);
	ps.ps_fds = len ? kmem_alloc(len, KM_SLEEP) : NULL;
	if (len && (error = copyin(uap->fds, ps.ps_fds, len)) != 0)
		goto out;
	timeout_ns = uap->timeout < 0 ? UINT64_MAX :
	    (uint64_t)uap->timeout * 1000000;
	error = selscan_wait(pollscan, &ps, timeout_ns, rv);
	if (error == 0 && len)
		error = copyout(ps.ps_fds, uap->fds, len);
out:
	if (len)
		kmem_free(ps.ps_fds, len);
	return error;
}

struct selectscan {
	int		 ss_nd;
	unsigned long	*ss_in[3];	/* read, write, except; or NULL */
	unsigned long	*ss_out[3];
	size_t		 ss_words;
};

static int
selectscan(void *arg, int *errorp)
{
	static const int ev[3] = {
		POLLIN | POLLRDNORM | POLLHUP | POLLERR,
		POLLOUT | POLLWRNORM | POLLERR,
		POLLPRI | POLLRDBAND,
	};
	struct selectscan *ss = arg;
	int n = 0;

	for (int s = 0; s < 3; s++)
		if (ss->ss_out[s] != NULL)
			memset(ss->ss_out[s], 0, ss->ss_words * sizeof(long));
	for (int fd = 0; fd < ss->ss_nd; fd++) {
		size_t w = (size_t)fd / NFDBITS;
		unsigned long bit = 1UL << ((size_t)fd % NFDBITS);
		int want = 0, got;

		for (int s = 0; s < 3; s++)
			if (ss->ss_in[s] != NULL && (ss->ss_in[s][w] & bit))
				want |= ev[s];
		if (want == 0)
			continue;
		got = pollone(fd, want);
		if (got & POLLNVAL) {
			*errorp = EBADF;
			return -1;
		}
		for (int s = 0; s < 3; s++) {
			if (ss->ss_in[s] != NULL && (ss->ss_in[s][w] & bit) &&
			    (got & ev[s])) {
				ss->ss_out[s][w] |= bit;
				n++;
			}
		}
	}
	return n;
}

int
sys_select(struct lwp *l, const struct sys_select_args *uap, register_t *rv)
{
	void *const usets[3] = { uap->in, uap->ou, uap->ex };
	struct selectscan ss;
	struct timeval tv;
	uint64_t timeout_ns = UINT64_MAX;
	size_t bytes;
	int error = 0;

	if (uap->nd < 0 || uap->nd > SEL_FD_SETSIZE)
		return EINVAL;
	memset(&ss, 0, sizeof(ss));
	ss.ss_nd = uap->nd;
	ss.ss_words = howmany((size_t)uap->nd, NFDBITS);
	bytes = ss.ss_words * sizeof(long);
	if (uap->tv != NULL) {
		if ((error = copyin(uap->tv, &tv, sizeof(tv))) != 0)
			return error;
		if (tv.tv_sec < 0 || tv.tv_usec < 0 || tv.tv_usec >= 1000000)
			return EINVAL;
		timeout_ns = (uint64_t)tv.tv_sec * 1000000000ULL +
		    (uint64_t)tv.tv_usec * 1000;
	}
	for (int s = 0; s < 3 && bytes != 0; s++) {
		if (usets[s] == NULL)
			continue;
		ss.ss_in[s] = kmem_alloc(bytes, KM_SLEEP);
		ss.ss_out[s] = kmem_alloc(bytes, KM_SLEEP);
		if ((error = copyin(usets[s], ss.ss_in[s], bytes)) != 0)
			goto out;
	}
	error = selscan_wait(selectscan, &ss, timeout_ns, rv);
	for (int s = 0; s < 3 && error == 0; s++)
		if (ss.ss_out[s] != NULL)
			error = copyout(ss.ss_out[s], usets[s], bytes);
out:
	for (int s = 0; s < 3; s++) {
		if (ss.ss_in[s] != NULL)
			kmem_free(ss.ss_in[s], bytes);
		if (ss.ss_out[s] != NULL)
			kmem_free(ss.ss_out[s], bytes);
	}
	return error;
}

RUMP_COMPONENT(RUMP_COMPONENT_KERN, select)
{
	mutex_init(&sel_lock, MUTEX_DEFAULT, IPL_NONE);
	return 0;
}

RUMP_COMPONENT_FINI(select)
{
	mutex_destroy(&sel_lock);
}
