/*
 * sys_socket.c: sockets as files: read, write, ioctl, poll and close
 * of a socket descriptor.
 */
#include <rump-sys/systm.h>
#include <rump-sys/file.h>
#include <rump-sys/if.h>
#include <rump-sys/lwp.h>
#include <rump-sys/mbuf.h>
#include <rump-sys/protosw.h>
#include <rump-sys/select.h>
#include <rump-sys/socketvar.h>
#include <rump-sys/stat.h>
#include <rump-sys/uio.h>

#include "rumpnet_int.h"

static int
soo_read(struct file *fp, struct uio *uio, int flags)
{
	struct mbuf *control = NULL;
	int error;

	error = soreceive(fp->f_data, NULL, uio, &control, NULL,
	    (fp->f_flag & FNONBLOCK) != 0);
	if (control != NULL) {
		/* read(2) has no room for descriptors passed: close them */
		sodispose(fp->f_data, control);
		m_freem(control);
	}
	return error;
}

static int
soo_write(struct file *fp, struct uio *uio, int flags)
{
	return sosend(fp->f_data, NULL, uio, NULL, NULL, 0,
	    (fp->f_flag & FNONBLOCK) != 0);
}

static int
soo_ioctl(struct file *fp, u_long cmd, void *data)
{
	struct socket *so = fp->f_data;
	int v;

	switch (cmd) {
	case FIONBIO:
		return 0;	/* f_flag is the system call layer's */
	case FIONREAD:
		solock(so);
		v = (int)MIN(so->so_rcv.sb_cc, (size_t)0x7fffffff);
		sounlock(so);
		memcpy(data, &v, sizeof(v));
		return 0;
	case SIOCATMARK:
		solock(so);
		v = (so->so_state & SS_RCVATMARK) != 0;
		sounlock(so);
		return copyout(&v, data, sizeof(v));
	default:
		return ifioctl(so, cmd, data, curlwp);
	}
}

static int
soo_poll(struct file *fp, int events)
{
	struct socket *so = fp->f_data;
	int revents = 0;

	solock(so);
	if ((events & (POLLIN | POLLRDNORM)) && soreadable(so))
		revents |= events & (POLLIN | POLLRDNORM);
	if ((events & (POLLOUT | POLLWRNORM)) && sowritable(so))
		revents |= events & (POLLOUT | POLLWRNORM);
	if (so->so_error != 0)
		revents |= POLLERR;
	if ((so->so_state & SS_CANTRCVMORE) && (so->so_state &
	    SS_CANTSENDMORE))
		revents |= POLLHUP;
	if (revents == 0) {
		if (events & (POLLIN | POLLRDNORM))
			selrecord(&so->so_rcv.sb_sel);
		if (events & (POLLOUT | POLLWRNORM))
			selrecord(&so->so_snd.sb_sel);
	}
	sounlock(so);
	return revents;
}

/* fstat: a socket, its owner, its receive queue as the size (as BSD). */
static int
soo_stat(struct file *fp, struct stat *sb)
{
	struct socket *so = fp->f_data;

	memset(sb, 0, sizeof(*sb));
	solock(so);
	sb->st_mode = S_IFSOCK | 0777;
	sb->st_nlink = 1;
	sb->st_uid = so->so_uid;
	sb->st_size = (int64_t)so->so_rcv.sb_cc;
	sb->st_blksize = (int64_t)so->so_snd.sb_hiwat;
	sounlock(so);
	return 0;
}

static int
soo_close(struct file *fp)
{
	struct socket *so = fp->f_data;

	fp->f_data = NULL;
	return soclose(so);
}

const struct fileops socketops = {
	.fo_name = "socket",
	.fo_read = soo_read,
	.fo_write = soo_write,
	.fo_ioctl = soo_ioctl,
	.fo_poll = soo_poll,
	.fo_stat = soo_stat,
	.fo_close = soo_close,
};
