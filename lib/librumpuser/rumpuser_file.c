/*
 * rumpuser_file.c: host files as the kernel's backing store.  A host
 * file (or block device) is what a kernel disk driver reads and writes,
 * synchronously with iovread/iovwrite or asynchronously with
 * rumpuser_bio, whose requests a small pool of host I/O threads serves.
 *
 * The pool starts on the first rumpuser_bio and is joined by
 * rumpuser_fini (through rumpuser__bio_fini), so each kernel booted in
 * a process gets fresh workers and leaves no thread behind.
 */

#include <sys/ioctl.h>
#include <sys/queue.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/uio.h>

#include <linux/fs.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "rumpuser_int.h"

/* The kernel's iovec is passed to the host as is. */
_Static_assert(sizeof(struct rumpuser_iovec) == sizeof(struct iovec) &&
    offsetof(struct rumpuser_iovec, iov_base) ==
    offsetof(struct iovec, iov_base) &&
    offsetof(struct rumpuser_iovec, iov_len) ==
    offsetof(struct iovec, iov_len),
    "struct rumpuser_iovec must match the host's struct iovec");

#define OPEN_KNOWN	(RUMPUSER_OPEN_ACCMODE | RUMPUSER_OPEN_CREATE | \
			 RUMPUSER_OPEN_EXCL | RUMPUSER_OPEN_TRUNC)
#define OPEN_MODE	0644	/* for RUMPUSER_OPEN_CREATE, before umask */

/* RUMPUSER_OPEN_* -> open(2) flags; -1 for flags we do not know. */
static int
host_open_flags(int ruflags)
{
	int flags;

	if ((ruflags & ~OPEN_KNOWN) != 0)
		return -1;
	switch (ruflags & RUMPUSER_OPEN_ACCMODE) {
	case RUMPUSER_OPEN_RDONLY:
		flags = O_RDONLY;
		break;
	case RUMPUSER_OPEN_WRONLY:
		flags = O_WRONLY;
		break;
	case RUMPUSER_OPEN_RDWR:
		flags = O_RDWR;
		break;
	default:
		return -1;
	}
	if ((ruflags & RUMPUSER_OPEN_CREATE) != 0)
		flags |= O_CREAT;
	if ((ruflags & RUMPUSER_OPEN_EXCL) != 0)
		flags |= O_EXCL;
	if ((ruflags & RUMPUSER_OPEN_TRUNC) != 0)
		flags |= O_TRUNC;
	return flags | O_CLOEXEC;
}

/*
 * Open the host file path with RUMPUSER_OPEN_* flags (always
 * close-on-exec; created files get mode 0644 less the umask).  Returns
 * 0 with the descriptor in *fdp, RUMP_EINVAL for unknown flags, or the
 * translated open(2) error.  Releases the virtual CPU.
 */
int
rumpuser_open(const char *path, int ruflags, int *fdp)
{
	int flags, fd, error;

	if (rumpuser__fault(RUMPUSER__FAULT_OPEN))
		return RUMP_EIO;

	if ((flags = host_open_flags(ruflags)) == -1)
		return RUMP_EINVAL;
	error = 0;
	RUMPUSER_BLOCKING(
		fd = open(path, flags, OPEN_MODE);
		if (fd == -1)
			error = errno
	);
	if (fd == -1)
		return rumpuser__errtrans(error);
	*fdp = fd;
	return 0;
}

/*
 * Close a descriptor from rumpuser_open.  Returns 0 or the translated
 * close(2) error; on Linux the descriptor is gone even after EINTR, so
 * that counts as success.
 */
int
rumpuser_close(int fd)
{

	if (close(fd) == -1 && errno != EINTR)
		return rumpuser__errtrans(errno);
	return 0;
}

/* The size of the block device path, in bytes; a host errno. */
static int
blkdev_size(const char *path, uint64_t *sizep)
{
	int fd, error;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return errno;
	error = 0;
	if (ioctl(fd, BLKGETSIZE64, sizep) == -1)
		error = errno;
	close(fd);
	return error;
}

/* stat(2) path and fill in what getfileinfo reports; a host errno. */
static int
fileinfo(const char *path, uint64_t *sizep, int *typep)
{
	struct stat sb;
	uint64_t size;
	int type, error;

	if (stat(path, &sb) == -1)
		return errno;
	size = 0;
	switch (sb.st_mode & S_IFMT) {
	case S_IFDIR:
		type = RUMPUSER_FT_DIR;
		break;
	case S_IFREG:
		type = RUMPUSER_FT_REG;
		size = (uint64_t)sb.st_size;
		break;
	case S_IFBLK:
		type = RUMPUSER_FT_BLK;
		if ((error = blkdev_size(path, &size)) != 0)
			return error;
		break;
	case S_IFCHR:
		type = RUMPUSER_FT_CHR;
		break;
	default:
		type = RUMPUSER_FT_OTHER;
		break;
	}
	if (sizep != NULL)
		*sizep = size;
	if (typep != NULL)
		*typep = type;
	return 0;
}

/*
 * The type (RUMPUSER_FT_*) of the host file path, following symbolic
 * links, and its size in bytes: the file size of a regular file, the
 * device size of a block device, 0 otherwise.  Either pointer may be
 * NULL.  Returns 0 or the translated stat(2)/open(2)/ioctl(2) error.
 * Releases the virtual CPU.
 */
int
rumpuser_getfileinfo(const char *path, uint64_t *sizep, int *typep)
{
	int error;

	RUMPUSER_BLOCKING(error = fileinfo(path, sizep, typep));
	return rumpuser__errtrans(error);
}

/* Check iovcnt and off; 0 or a kernel errno. */
static int
iov_check(size_t iovcnt, int64_t off)
{

	if (iovcnt > IOV_MAX)
		return RUMP_EINVAL;
	if (off < 0 && off != RUMPUSER_IOV_NOSEEK)
		return RUMP_EINVAL;
	return 0;
}

/*
 * Read into iov from fd at off, or at the file offset when off is
 * RUMPUSER_IOV_NOSEEK.  One host call (retried after EINTR), so the
 * count in *retp may be short.  Returns 0, RUMP_EINVAL for more than
 * IOV_MAX vectors or a negative off, or the translated host error.
 * Releases the virtual CPU.
 */
int
rumpuser_iovread(int fd, struct rumpuser_iovec *iov, size_t iovcnt,
    int64_t off, size_t *retp)
{
	const struct iovec *hiov = (const struct iovec *)iov;
	ssize_t n;
	int error;

	if (rumpuser__fault(RUMPUSER__FAULT_IOVREAD))
		return RUMP_EIO;

	if ((error = iov_check(iovcnt, off)) != 0)
		return error;
	RUMPUSER_BLOCKING(
		do {
			if (off == RUMPUSER_IOV_NOSEEK)
				n = readv(fd, hiov, (int)iovcnt);
			else
				n = preadv(fd, hiov, (int)iovcnt, off);
		} while (n == -1 && errno == EINTR);
		error = n == -1 ? errno : 0
	);
	if (n == -1)
		return rumpuser__errtrans(error);
	*retp = (size_t)n;
	return 0;
}

/*
 * Write iov to fd at off, or at the file offset when off is
 * RUMPUSER_IOV_NOSEEK.  As rumpuser_iovread otherwise.
 */
int
rumpuser_iovwrite(int fd, const struct rumpuser_iovec *iov, size_t iovcnt,
    int64_t off, size_t *retp)
{
	const struct iovec *hiov = (const struct iovec *)iov;
	ssize_t n;
	int error;

	if (rumpuser__fault(RUMPUSER__FAULT_IOVWRITE))
		return RUMP_EIO;

	if ((error = iov_check(iovcnt, off)) != 0)
		return error;
	RUMPUSER_BLOCKING(
		do {
			if (off == RUMPUSER_IOV_NOSEEK)
				n = writev(fd, hiov, (int)iovcnt);
			else
				n = pwritev(fd, hiov, (int)iovcnt, off);
		} while (n == -1 && errno == EINTR);
		error = n == -1 ? errno : 0
	);
	if (n == -1)
		return rumpuser__errtrans(error);
	*retp = (size_t)n;
	return 0;
}

#define SYNCFD_KNOWN	(RUMPUSER_SYNCFD_READ | RUMPUSER_SYNCFD_WRITE | \
			 RUMPUSER_SYNCFD_BARRIER | RUMPUSER_SYNCFD_SYNC)

/*
 * Make what was written to fd durable.  RUMPUSER_SYNCFD_SYNC asks for
 * everything, metadata included (fsync); WRITE or BARRIER ask for the
 * data (fdatasync, which on Linux is also the only barrier there is).
 * READ alone needs nothing on this host.  Returns 0, RUMP_EINVAL for
 * unknown flags, or the translated host error.  Releases the virtual
 * CPU.
 */
int
rumpuser_syncfd(int fd, int flags)
{
	int rv, error;

	if ((flags & ~SYNCFD_KNOWN) != 0)
		return RUMP_EINVAL;
	if ((flags & (RUMPUSER_SYNCFD_WRITE | RUMPUSER_SYNCFD_BARRIER |
	    RUMPUSER_SYNCFD_SYNC)) == 0)
		return 0;
	RUMPUSER_BLOCKING(
		if ((flags & RUMPUSER_SYNCFD_SYNC) != 0)
			rv = fsync(fd);
		else
			rv = fdatasync(fd);
		error = rv == -1 ? errno : 0
	);
	return rumpuser__errtrans(error);
}

/*
 * Asynchronous block I/O.  bio_mtx protects everything below it; it is
 * held only for queue manipulation, never across I/O or an upcall.
 */
#define BIO_NWORKERS	2

struct bio_req {
	TAILQ_ENTRY(bio_req)	 br_entries;
	int			 br_fd;
	int			 br_op;		/* RUMPUSER_BIO_* */
	void			*br_data;
	size_t			 br_dlen;
	int64_t			 br_off;
	rumpuser_biodone_fn	 br_done;
	void			*br_donearg;
};

static pthread_mutex_t bio_mtx = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t bio_cv = PTHREAD_COND_INITIALIZER;
static TAILQ_HEAD(, bio_req) bio_queue = TAILQ_HEAD_INITIALIZER(bio_queue);
static pthread_t bio_workers[BIO_NWORKERS];
static int bio_nworkers;
static int bio_quit;

/*
 * Do the transfer of br: pread/pwrite until done, resuming after short
 * counts and EINTR.  End of file on a read ends it early without an
 * error.  Returns a host errno, the bytes moved in *donep.
 */
static int
bio_transfer(const struct bio_req *br, size_t *donep)
{
	char *data = br->br_data;
	size_t done;
	ssize_t n;
	int error;

	error = 0;
	for (done = 0; done < br->br_dlen; done += (size_t)n) {
		if ((br->br_op & RUMPUSER_BIO_READ) != 0)
			n = pread(br->br_fd, data + done, br->br_dlen - done,
			    br->br_off + (off_t)done);
		else
			n = pwrite(br->br_fd, data + done, br->br_dlen - done,
			    br->br_off + (off_t)done);
		if (n == -1 && errno == EINTR) {
			n = 0;
			continue;
		}
		if (n == -1)
			error = errno;
		else if (n == 0 && (br->br_op & RUMPUSER_BIO_WRITE) != 0)
			error = EIO;	/* no progress and no reason given */
		if (n <= 0)
			break;
	}
	if (error == 0 && (br->br_op & RUMPUSER_BIO_WRITE) != 0 &&
	    (br->br_op & RUMPUSER_BIO_SYNC) != 0 && fdatasync(br->br_fd) == -1)
		error = errno;
	*donep = done;
	return error;
}

/*
 * Serve br on an I/O thread, which holds no virtual CPU: do the I/O,
 * take a CPU for the completion callback, give it back, free br.
 */
static void
bio_serve(struct bio_req *br)
{
	size_t done;
	int error;

	error = rumpuser__errtrans(bio_transfer(br, &done));
	rumpuser__schedule();
	br->br_done(br->br_donearg, done, error);
	rumpuser__unschedule();
	free(br);
}

static void *
bio_worker(void *arg)
{
	struct bio_req *br;

	RUMPUSER_NOFAIL(pthread_mutex_lock(&bio_mtx));
	for (;;) {
		while ((br = TAILQ_FIRST(&bio_queue)) == NULL && !bio_quit)
			RUMPUSER_NOFAIL(pthread_cond_wait(&bio_cv, &bio_mtx));
		if (br == NULL)
			break;
		TAILQ_REMOVE(&bio_queue, br, br_entries);
		RUMPUSER_NOFAIL(pthread_mutex_unlock(&bio_mtx));
		bio_serve(br);
		RUMPUSER_NOFAIL(pthread_mutex_lock(&bio_mtx));
	}
	RUMPUSER_NOFAIL(pthread_mutex_unlock(&bio_mtx));
	return NULL;
}

/*
 * Start the workers if there are none; called with bio_mtx held.
 * Workers block every signal so signals meant for the test program
 * land on its own threads.  Returns how many workers run.
 */
static int
bio_start_workers(void)
{
	sigset_t all, old;

	if (bio_nworkers > 0)
		return bio_nworkers;
	sigfillset(&all);
	RUMPUSER_NOFAIL(pthread_sigmask(SIG_SETMASK, &all, &old));
	while (bio_nworkers < BIO_NWORKERS &&
	    pthread_create(&bio_workers[bio_nworkers], NULL, bio_worker,
	    NULL) == 0) {
		(void)pthread_setname_np(bio_workers[bio_nworkers],
		    "rumpuser_bio");
		bio_nworkers++;
	}
	RUMPUSER_NOFAIL(pthread_sigmask(SIG_SETMASK, &old, NULL));
	return bio_nworkers;
}

/*
 * Start a read (RUMPUSER_BIO_READ) or write (RUMPUSER_BIO_WRITE, with
 * RUMPUSER_BIO_SYNC for a durable one) of dlen bytes at off of fd.
 * done(donearg, bytes_done, kernel_errno) is called once, from an I/O
 * thread holding a virtual CPU; a read that meets end of file reports
 * the short count with error 0.  If the request cannot be queued (no
 * memory, no thread), it is served on the calling thread instead and
 * done runs before rumpuser_bio returns.  An op that is neither a read
 * nor a write completes at once with RUMP_EINVAL.
 */
void
rumpuser_bio(int fd, int op, void *data, size_t dlen, int64_t off,
    rumpuser_biodone_fn done, void *donearg)
{
	struct bio_req *br, onstack;
	size_t donelen;
	int rw, error;

	if (rumpuser__fault(RUMPUSER__FAULT_BIO)) {
		done(donearg, 0, RUMP_EIO);
		return;
	}

	rw = op & (RUMPUSER_BIO_READ | RUMPUSER_BIO_WRITE);
	if (rw != RUMPUSER_BIO_READ && rw != RUMPUSER_BIO_WRITE) {
		done(donearg, 0, RUMP_EINVAL);
		return;
	}
	if ((br = malloc(sizeof(*br))) == NULL)
		br = &onstack;
	*br = (struct bio_req){ .br_fd = fd, .br_op = op, .br_data = data,
	    .br_dlen = dlen, .br_off = off, .br_done = done,
	    .br_donearg = donearg };

	if (br != &onstack) {
		RUMPUSER_NOFAIL(pthread_mutex_lock(&bio_mtx));
		if (bio_start_workers() > 0) {
			TAILQ_INSERT_TAIL(&bio_queue, br, br_entries);
			RUMPUSER_NOFAIL(pthread_cond_signal(&bio_cv));
			RUMPUSER_NOFAIL(pthread_mutex_unlock(&bio_mtx));
			return;
		}
		RUMPUSER_NOFAIL(pthread_mutex_unlock(&bio_mtx));
	}

	/* Cannot queue it: serve it here, the CPU released for the I/O. */
	RUMPUSER_BLOCKING(error = bio_transfer(br, &donelen));
	done(donearg, donelen, rumpuser__errtrans(error));
	if (br != &onstack)
		free(br);
}

/*
 * Stop the I/O workers: they finish the queue, then exit and are
 * joined.  Their completions need a virtual CPU, so the kernel should
 * have waited for every request before shutting down; a non-empty
 * queue here is reported.
 */
void
rumpuser__bio_fini(void)
{
	struct bio_req *br;
	int i, n;

	RUMPUSER_NOFAIL(pthread_mutex_lock(&bio_mtx));
	n = 0;
	TAILQ_FOREACH(br, &bio_queue, br_entries)
		n++;
	if (n > 0)
		dprintf(STDERR_FILENO, "rumpuser: %d block I/O requests "
		    "still queued at rumpuser_fini\n", n);
	bio_quit = 1;
	RUMPUSER_NOFAIL(pthread_cond_broadcast(&bio_cv));
	RUMPUSER_NOFAIL(pthread_mutex_unlock(&bio_mtx));

	for (i = 0; i < bio_nworkers; i++)
		RUMPUSER_NOFAIL(pthread_join(bio_workers[i], NULL));

	RUMPUSER_NOFAIL(pthread_mutex_lock(&bio_mtx));
	bio_nworkers = 0;
	bio_quit = 0;
	RUMPUSER_NOFAIL(pthread_mutex_unlock(&bio_mtx));
}
