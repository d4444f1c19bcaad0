/*
 * sys_pipe.c: pipes, the core's own file type.  A pipe is a 16 KiB
 * ring shared by a read end and a write end; readers and writers block
 * on one condition variable (or get EAGAIN with O_NONBLOCK).  Writes of
 * up to PIPE_BUF bytes are atomic.  Writing with no reader left gives
 * EPIPE (there are no signals here).
 */
#include <rump-sys/systm.h>
#include <rump-sys/abi.h>
#include <rump-sys/condvar.h>
#include <rump-sys/file.h>
#include <rump-sys/kmem.h>
#include <rump-sys/lwp.h>
#include <rump-sys/mutex.h>
#include <rump-sys/select.h>
#include <rump-sys/uio.h>
#include <rump-sys/syscallargs.h>

#define PIPE_SIZE	16384
_Static_assert(PIPE_SIZE >= PIPE_BUF, "an atomic write must fit");

struct pipe {
	kmutex_t	 pipe_lock;
	kcondvar_t	 pipe_cv;	/* data, room or a close */
	char		*pipe_buf;
	size_t		 pipe_head;	/* first unread byte */
	size_t		 pipe_len;	/* unread bytes */
	int		 pipe_readers;
	int		 pipe_writers;
	struct selinfo	 pipe_sel;	/* poll on either end */
};

static void
pipe_free(struct pipe *pp)
{
	seldestroy(&pp->pipe_sel);
	cv_destroy(&pp->pipe_cv);
	mutex_destroy(&pp->pipe_lock);
	kmem_free(pp->pipe_buf, PIPE_SIZE);
	kmem_free(pp, sizeof(*pp));
}

/* Move up to n bytes between the ring at off and uio; lock held. */
static int
pipe_move(struct pipe *pp, size_t off, size_t n, struct uio *uio)
{
	size_t first = MIN(n, PIPE_SIZE - off);
	int error;

	if ((error = uiomove(pp->pipe_buf + off, first, uio)) != 0)
		return error;
	if (n > first)
		error = uiomove(pp->pipe_buf, n - first, uio);
	return error;
}

static int
pipe_read(struct file *fp, struct uio *uio, int flags)
{
	struct pipe *pp = fp->f_data;
	size_t n, before;
	int error = 0;

	/* Nothing asked, nothing to wait for (POSIX read of 0 bytes). */
	if (uio->uio_resid == 0)
		return 0;
	mutex_enter(&pp->pipe_lock);
	while (pp->pipe_len == 0) {
		if (pp->pipe_writers == 0)
			goto out;		/* end of file */
		if (fp->f_flag & FNONBLOCK) {
			error = EAGAIN;
			goto out;
		}
		cv_wait(&pp->pipe_cv, &pp->pipe_lock);
	}
	n = MIN(pp->pipe_len, uio->uio_resid);
	before = uio->uio_resid;
	error = pipe_move(pp, pp->pipe_head, n, uio);
	n = before - uio->uio_resid;
	pp->pipe_head = (pp->pipe_head + n) % PIPE_SIZE;
	pp->pipe_len -= n;
	cv_broadcast(&pp->pipe_cv);
	selnotify(&pp->pipe_sel, POLLOUT);
out:
	mutex_exit(&pp->pipe_lock);
	return error;
}

/*
 * A write of at most PIPE_BUF bytes goes in whole or waits (EAGAIN with
 * FNONBLOCK), so writers sharing a pipe never interleave such writes;
 * a bigger one takes whatever room there is, piece by piece.
 */
static int
pipe_write(struct file *fp, struct uio *uio, int flags)
{
	struct pipe *pp = fp->f_data;
	size_t room, n, before, need;
	int error = 0;

	need = uio->uio_resid <= PIPE_BUF ? uio->uio_resid : 1;
	mutex_enter(&pp->pipe_lock);
	while (uio->uio_resid > 0) {
		if (pp->pipe_readers == 0) {
			error = EPIPE;
			break;
		}
		room = PIPE_SIZE - pp->pipe_len;
		if (room < need) {
			if (fp->f_flag & FNONBLOCK) {
				error = EAGAIN;
				break;
			}
			cv_wait(&pp->pipe_cv, &pp->pipe_lock);
			continue;
		}
		n = MIN(room, uio->uio_resid);
		before = uio->uio_resid;
		error = pipe_move(pp, (pp->pipe_head + pp->pipe_len) %
		    PIPE_SIZE, n, uio);
		pp->pipe_len += before - uio->uio_resid;
		cv_broadcast(&pp->pipe_cv);
		selnotify(&pp->pipe_sel, POLLIN);
		if (error != 0)
			break;
	}
	mutex_exit(&pp->pipe_lock);
	return error;
}

static int
pipe_close(struct file *fp)
{
	struct pipe *pp = fp->f_data;
	int gone;

	mutex_enter(&pp->pipe_lock);
	if (fp->f_flag & FREAD)
		pp->pipe_readers--;
	else
		pp->pipe_writers--;
	cv_broadcast(&pp->pipe_cv);
	selnotify(&pp->pipe_sel, POLLHUP);
	gone = pp->pipe_readers == 0 && pp->pipe_writers == 0;
	mutex_exit(&pp->pipe_lock);
	if (gone)
		pipe_free(pp);
	return 0;
}

/*
 * Readable with data or with no writer left (end of file, POLLHUP as
 * well); writable with room for an atomic write; POLLERR on the write
 * end once the readers are gone (the next write gets EPIPE).
 */
static int
pipe_poll(struct file *fp, int events)
{
	struct pipe *pp = fp->f_data;
	int revents = 0;

	mutex_enter(&pp->pipe_lock);
	if (fp->f_flag & FREAD) {
		if (pp->pipe_len > 0)
			revents |= events & (POLLIN | POLLRDNORM);
		if (pp->pipe_writers == 0)
			revents |= POLLHUP | (events & (POLLIN | POLLRDNORM));
	}
	if (fp->f_flag & FWRITE) {
		if (pp->pipe_readers == 0)
			revents |= POLLERR;
		else if (PIPE_SIZE - pp->pipe_len >= PIPE_BUF)
			revents |= events & (POLLOUT | POLLWRNORM);
	}
	if (revents == 0)
		selrecord(&pp->pipe_sel);
	mutex_exit(&pp->pipe_lock);
	return revents;
}

static int
pipe_ioctl(struct file *fp, u_long cmd, void *data)
{
	struct pipe *pp = fp->f_data;

	switch (cmd) {
	case FIONREAD:
		mutex_enter(&pp->pipe_lock);
		*(int *)data = (fp->f_flag & FREAD) ? (int)pp->pipe_len : 0;
		mutex_exit(&pp->pipe_lock);
		return 0;
	case FIONBIO:
		return 0;	/* the descriptor flag is all there is */
	default:
		return ENOTTY;
	}
}

static const struct fileops pipeops = {
	.fo_name = "pipe",
	.fo_read = pipe_read,
	.fo_write = pipe_write,
	.fo_ioctl = pipe_ioctl,
	.fo_poll = pipe_poll,
	.fo_close = pipe_close,
};

int
sys_pipe2(struct lwp *l, const struct sys_pipe2_args *uap, register_t *rv)
{
	struct file *rf, *wf;
	struct pipe *pp;
	int fds[2], error, fflag = 0;

	if (uap->flags & ~(O_NONBLOCK | O_CLOEXEC))
		return EINVAL;
	if (uap->flags & O_NONBLOCK)
		fflag |= FNONBLOCK;
	pp = kmem_zalloc(sizeof(*pp), KM_NOSLEEP);
	if (pp == NULL)
		return ENOMEM;
	pp->pipe_buf = kmem_alloc(PIPE_SIZE, KM_NOSLEEP);
	if (pp->pipe_buf == NULL) {
		kmem_free(pp, sizeof(*pp));
		return ENOMEM;
	}
	mutex_init(&pp->pipe_lock, MUTEX_DEFAULT, IPL_NONE);
	cv_init(&pp->pipe_cv, "pipe");
	selinit(&pp->pipe_sel);

	if ((error = fd_allocfile(&rf, &fds[0])) != 0)
		goto fail_pipe;
	if ((error = fd_allocfile(&wf, &fds[1])) != 0)
		goto fail_rf;
	rf->f_ops = wf->f_ops = &pipeops;
	rf->f_data = wf->f_data = pp;
	rf->f_flag = FREAD | fflag;
	wf->f_flag = FWRITE | fflag;
	pp->pipe_readers = pp->pipe_writers = 1;
	/* Copy out before the descriptors become visible. */
	if ((error = copyout(fds, uap->fildes, sizeof(fds))) != 0) {
		wf->f_ops = rf->f_ops = NULL;
		fd_abort(wf, fds[1]);
		goto fail_rf;
	}
	fd_affix(rf, fds[0]);
	fd_affix(wf, fds[1]);
	if (uap->flags & O_CLOEXEC) {
		fd_setcloexec(fds[0], 1);
		fd_setcloexec(fds[1], 1);
	}
	rv[0] = 0;
	return 0;

fail_rf:
	fd_abort(rf, fds[0]);
fail_pipe:
	pipe_free(pp);
	return error;
}
