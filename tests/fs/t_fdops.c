/*
 * t_fdops: descriptor operations on files of every file system in the
 * matrix (fs_common.h): dup, dup2 and fcntl's F_GETFL/F_SETFL on
 * vnodes, and POSIX advisory record locks (F_GETLK, F_SETLK, F_SETLKW).
 * A process's own locks never conflict (POSIX), so F_GETLK reports
 * F_UNLCK for them; conflicts, blocking and deadlocks take further
 * processes, which rump_pub_lwproc_newproc makes (the calling host
 * thread then acts as the new process).  Locks left at close or
 * shutdown would show as a kernel leak.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <rump/rump.h>
#include <rump/rump_syscalls.h>

#include "fs_common.h"

/* F_GETLK; the conflicting lock it reports in *out (if not NULL). */
static short
getlk_full(int fd, short type, off_t start, off_t len, struct flock *out)
{
	struct flock fl;

	memset(&fl, 0, sizeof(fl));
	fl.l_type = type;
	fl.l_whence = SEEK_SET;
	fl.l_start = start;
	fl.l_len = len;
	fl.l_pid = 12345;
	RL(rump_sys_fcntl(fd, F_GETLK, (long)&fl));
	if (fl.l_type == F_UNLCK) {
		/* nothing else changes (POSIX) */
		ATF_CHECK_EQ(fl.l_start, start);
		ATF_CHECK_EQ(fl.l_len, len);
		ATF_CHECK_EQ(fl.l_pid, 12345);
	}
	if (out != NULL)
		*out = fl;
	return fl.l_type;
}

static int
setlk(int fd, int cmd, short type, short whence, off_t start, off_t len)
{
	struct flock fl;

	memset(&fl, 0, sizeof(fl));
	fl.l_type = type;
	fl.l_whence = whence;
	fl.l_start = start;
	fl.l_len = len;
	return rump_sys_fcntl(fd, cmd, (long)&fl);
}

/* F_GETLK for type on [start, start+len): the type it reports. */
static short
getlk(int fd, short type, off_t start, off_t len)
{
	return getlk_full(fd, type, start, len, NULL);
}

static void
lock_own_never_conflicts(const struct fs_backend *fs, const char *mp)
{
	int fd, fd2;

	fd = RL(rump_sys_open("f", O_RDWR | O_CREAT, 0644));
	ATF_REQUIRE_EQ(RL(rump_sys_write(fd, "0123456789", 10)), 10);
	RL(setlk(fd, F_SETLK, F_WRLCK, SEEK_SET, 0, 10));
	ATF_CHECK_EQ(getlk(fd, F_WRLCK, 0, 10), F_UNLCK);
	ATF_CHECK_EQ(getlk(fd, F_RDLCK, 5, 0), F_UNLCK);
	/* relocking, converting, splitting own locks: all succeed */
	RL(setlk(fd, F_SETLK, F_WRLCK, SEEK_SET, 0, 10));
	RL(setlk(fd, F_SETLK, F_RDLCK, SEEK_SET, 3, 4));
	RL(setlk(fd, F_SETLKW, F_WRLCK, SEEK_SET, 2, 1));
	RL(setlk(fd, F_SETLK, F_UNLCK, SEEK_SET, 4, 1));
	RL(setlk(fd, F_SETLK, F_WRLCK, SEEK_SET, 100, 0));
	RL(setlk(fd, F_SETLK, F_RDLCK, SEEK_SET, 50, 60));
	/* a second open file of the same process: still the same owner */
	fd2 = RL(rump_sys_open("f", O_RDWR, 0));
	RL(setlk(fd2, F_SETLK, F_WRLCK, SEEK_SET, 0, 0));
	ATF_CHECK_EQ(getlk(fd2, F_WRLCK, 0, 0), F_UNLCK);
	/* unlocking what is not locked is fine */
	RL(setlk(fd2, F_SETLK, F_UNLCK, SEEK_SET, 1000, 5));
	/* closing fd2 drops every lock of the process on the file */
	RL(rump_sys_close(fd2));
	RL(setlk(fd, F_SETLK, F_RDLCK, SEEK_SET, 0, 1));
	RL(rump_sys_close(fd));
	/* locks held at close go with it */
	fd = RL(rump_sys_open("f", O_RDWR, 0));
	RL(setlk(fd, F_SETLK, F_WRLCK, SEEK_SET, 0, 0));
	RL(setlk(fd, F_SETLK, F_UNLCK, SEEK_SET, 0, 0));
	RL(setlk(fd, F_SETLK, F_RDLCK, SEEK_SET, 0, 5));
	RL(setlk(fd, F_SETLK, F_RDLCK, SEEK_SET, 9, 5));
	/* close drops them; a lock left over would show as a leak */
	RL(rump_sys_close(fd));
}

static void
lock_ranges(const struct fs_backend *fs, const char *mp)
{
	int fd;

	fd = RL(rump_sys_open("f", O_RDWR | O_CREAT, 0644));
	ATF_REQUIRE_EQ(RL(rump_sys_write(fd, "0123456789", 10)), 10);
	/* SEEK_CUR and SEEK_END are relative to the offset and the size */
	RL(setlk(fd, F_SETLK, F_WRLCK, SEEK_CUR, -10, 10));
	RL(setlk(fd, F_SETLK, F_WRLCK, SEEK_END, -10, 0));
	H_REQUIRE_ERRNO(EINVAL, setlk(fd, F_SETLK, F_WRLCK, SEEK_CUR, -11, 1));
	H_REQUIRE_ERRNO(EINVAL, setlk(fd, F_SETLK, F_WRLCK, SEEK_END, -11, 1));
	H_REQUIRE_ERRNO(EINVAL, setlk(fd, F_SETLK, F_WRLCK, SEEK_SET, -1, 1));
	/* a negative length covers the bytes before l_start */
	RL(setlk(fd, F_SETLK, F_WRLCK, SEEK_SET, 5, -5));
	H_REQUIRE_ERRNO(EINVAL, setlk(fd, F_SETLK, F_WRLCK, SEEK_SET, 5, -6));
	H_REQUIRE_ERRNO(EINVAL, setlk(fd, F_SETLK, F_UNLCK, SEEK_SET, -1, 0));
	/* locks past the end of file are fine */
	RL(setlk(fd, F_SETLK, F_RDLCK, SEEK_END, 1000000, 10));
	RL(rump_sys_close(fd));
}

static void
lock_bad_args(const struct fs_backend *fs, const char *mp)
{
	struct flock fl;
	int fd, pfd[2];

	fd = RL(rump_sys_open("f", O_RDWR | O_CREAT, 0644));
	H_REQUIRE_ERRNO(EINVAL, setlk(fd, F_SETLK, 3, SEEK_SET, 0, 0));
	H_REQUIRE_ERRNO(EINVAL, setlk(fd, F_SETLKW, -1, SEEK_SET, 0, 0));
	H_REQUIRE_ERRNO(EINVAL, setlk(fd, F_SETLK, F_WRLCK, 3, 0, 0));
	H_REQUIRE_ERRNO(EINVAL, setlk(fd, F_GETLK, F_WRLCK, -1, 0, 0));
	/* F_GETLK asks about a lock type, never F_UNLCK */
	H_REQUIRE_ERRNO(EINVAL, setlk(fd, F_GETLK, F_UNLCK, SEEK_SET, 0, 0));
	H_REQUIRE_ERRNO(EFAULT, rump_sys_fcntl(fd, F_SETLK, (long)8));
	H_REQUIRE_ERRNO(EFAULT, rump_sys_fcntl(fd, F_GETLK, (long)8));
	RL(rump_sys_close(fd));
	H_REQUIRE_ERRNO(EBADF, setlk(fd, F_SETLK, F_WRLCK, SEEK_SET, 0, 0));

	/* the lock type must match the open mode; F_GETLK needs neither */
	fd = RL(rump_sys_open("f", O_RDONLY, 0));
	H_REQUIRE_ERRNO(EBADF, setlk(fd, F_SETLK, F_WRLCK, SEEK_SET, 0, 0));
	H_REQUIRE_ERRNO(EBADF, setlk(fd, F_SETLKW, F_WRLCK, SEEK_SET, 0, 0));
	RL(setlk(fd, F_SETLK, F_RDLCK, SEEK_SET, 0, 0));
	ATF_CHECK_EQ(getlk(fd, F_WRLCK, 0, 0), F_UNLCK);
	RL(setlk(fd, F_SETLK, F_UNLCK, SEEK_SET, 0, 0));
	RL(rump_sys_close(fd));
	fd = RL(rump_sys_open("f", O_WRONLY, 0));
	H_REQUIRE_ERRNO(EBADF, setlk(fd, F_SETLK, F_RDLCK, SEEK_SET, 0, 0));
	RL(setlk(fd, F_SETLK, F_WRLCK, SEEK_SET, 0, 0));
	RL(setlk(fd, F_SETLK, F_UNLCK, SEEK_SET, 0, 0));
	RL(rump_sys_close(fd));

	/* pipes have no record locks */
	RL(rump_sys_pipe2(pfd, 0));
	memset(&fl, 0, sizeof(fl));
	fl.l_type = F_RDLCK;
	H_REQUIRE_ERRNO(EINVAL, rump_sys_fcntl(pfd[0], F_SETLK, (long)&fl));
	H_REQUIRE_ERRNO(EINVAL, rump_sys_fcntl(pfd[0], F_GETLK, (long)&fl));
	RL(rump_sys_close(pfd[0]));
	RL(rump_sys_close(pfd[1]));
}

static void
dup_shares_offset(const struct fs_backend *fs, const char *mp)
{
	char buf[16];
	int fd, fd2, fd3;

	fd = RL(rump_sys_open("f", O_RDWR | O_CREAT, 0644));
	ATF_REQUIRE_EQ(RL(rump_sys_write(fd, "abcdefgh", 8)), 8);
	fd2 = RL(rump_sys_dup(fd));
	ATF_CHECK(fd2 != fd);
	/* one open file: the offset moves for both */
	ATF_CHECK_EQ(RL(rump_sys_lseek(fd2, 0, SEEK_CUR)), 8);
	RL(rump_sys_lseek(fd, 2, SEEK_SET));
	ATF_REQUIRE_EQ(RL(rump_sys_read(fd2, buf, 3)), 3);
	ATF_CHECK(memcmp(buf, "cde", 3) == 0);
	ATF_CHECK_EQ(RL(rump_sys_lseek(fd, 0, SEEK_CUR)), 5);
	/* F_DUPFD: lowest free descriptor at least arg */
	fd3 = RL(rump_sys_fcntl(fd, F_DUPFD, 20));
	ATF_CHECK_EQ(fd3, 20);
	ATF_CHECK_EQ(RL(rump_sys_read(fd3, buf, 3)), 3);
	ATF_CHECK(memcmp(buf, "fgh", 3) == 0);
	/* the copies outlive the original */
	RL(rump_sys_close(fd));
	RL(rump_sys_lseek(fd2, 0, SEEK_SET));
	ATF_CHECK_EQ(RL(rump_sys_read(fd3, buf, 8)), 8);
	ATF_CHECK(memcmp(buf, "abcdefgh", 8) == 0);
	RL(rump_sys_close(fd2));
	RL(rump_sys_close(fd3));
	H_REQUIRE_ERRNO(EBADF, rump_sys_dup(fd3));
}

static void
dup2_replaces(const struct fs_backend *fs, const char *mp)
{
	char buf[16];
	int fa, fb;

	fa = RL(rump_sys_open("a", O_RDWR | O_CREAT, 0644));
	ATF_REQUIRE_EQ(RL(rump_sys_write(fa, "AAAA", 4)), 4);
	fb = RL(rump_sys_open("b", O_RDWR | O_CREAT, 0644));
	ATF_REQUIRE_EQ(RL(rump_sys_write(fb, "BB", 2)), 2);
	/* fb now names a's open file; b's file was closed */
	ATF_CHECK_EQ(RL(rump_sys_dup2(fa, fb)), fb);
	ATF_CHECK_EQ(RL(rump_sys_lseek(fb, 0, SEEK_CUR)), 4);
	RL(rump_sys_lseek(fb, 0, SEEK_SET));
	ATF_CHECK_EQ(RL(rump_sys_read(fb, buf, sizeof(buf))), 4);
	/* dup2 onto itself: nothing happens */
	ATF_CHECK_EQ(RL(rump_sys_dup2(fa, fa)), fa);
	ATF_CHECK_EQ(RL(rump_sys_lseek(fa, 0, SEEK_CUR)), 4);
	/* a lock held through a file that dup2 closes goes (no leak) */
	RL(setlk(fa, F_SETLK, F_WRLCK, SEEK_SET, 0, 0));
	ATF_CHECK_EQ(RL(rump_sys_dup2(fb, 30)), 30);
	RL(rump_sys_close(fa));
	RL(rump_sys_close(fb));
	RL(rump_sys_close(30));
	H_REQUIRE_ERRNO(EBADF, rump_sys_dup2(fa, 31));
	H_REQUIRE_ERRNO(EBADF, rump_sys_close(31));
	fb = RL(rump_sys_open("b", O_RDONLY, 0));
	ATF_CHECK_EQ(RL(rump_sys_read(fb, buf, sizeof(buf))), 2);
	ATF_CHECK(memcmp(buf, "BB", 2) == 0);
	RL(rump_sys_close(fb));
}

static void
fcntl_getfl_setfl_append(const struct fs_backend *fs, const char *mp)
{
	char buf[16];
	int fd, fd2, rd;

	fd = RL(rump_sys_open("f", O_RDWR | O_CREAT, 0644));
	ATF_CHECK_EQ(RL(rump_sys_fcntl(fd, F_GETFL, 0)) & O_ACCMODE, O_RDWR);
	ATF_CHECK_EQ(RL(rump_sys_fcntl(fd, F_GETFL, 0)) & O_APPEND, 0);
	ATF_REQUIRE_EQ(RL(rump_sys_write(fd, "hello", 5)), 5);
	RL(rump_sys_lseek(fd, 0, SEEK_SET));
	fd2 = RL(rump_sys_dup(fd));
	/* O_APPEND is the open file's: it shows through the dup */
	RL(rump_sys_fcntl(fd, F_SETFL, O_APPEND));
	ATF_CHECK_EQ(RL(rump_sys_fcntl(fd2, F_GETFL, 0)) & O_APPEND,
	    O_APPEND);
	ATF_CHECK_EQ(RL(rump_sys_fcntl(fd2, F_GETFL, 0)) & O_ACCMODE, O_RDWR);
	ATF_REQUIRE_EQ(RL(rump_sys_write(fd2, "!", 1)), 1);
	ATF_CHECK_EQ(RL(rump_sys_lseek(fd, 0, SEEK_CUR)), 6);
	/* F_SETFL does not change the access mode */
	RL(rump_sys_fcntl(fd, F_SETFL, O_RDONLY));
	ATF_CHECK_EQ(RL(rump_sys_fcntl(fd, F_GETFL, 0)) & (O_ACCMODE |
	    O_APPEND), O_RDWR);
	RL(rump_sys_lseek(fd, 0, SEEK_SET));
	ATF_REQUIRE_EQ(RL(rump_sys_write(fd, "H", 1)), 1);
	RL(rump_sys_close(fd));
	RL(rump_sys_close(fd2));

	rd = RL(rump_sys_open("f", O_RDONLY, 0));
	ATF_CHECK_EQ(RL(rump_sys_fcntl(rd, F_GETFL, 0)) & O_ACCMODE,
	    O_RDONLY);
	memset(buf, 0, sizeof(buf));
	ATF_CHECK_EQ(RL(rump_sys_read(rd, buf, sizeof(buf))), 6);
	ATF_CHECK_STREQ(buf, "Hello!");
	RL(rump_sys_close(rd));
	fd = RL(rump_sys_open("f", O_WRONLY | O_APPEND, 0));
	ATF_CHECK_EQ(RL(rump_sys_fcntl(fd, F_GETFL, 0)) & (O_ACCMODE |
	    O_APPEND), O_WRONLY | O_APPEND);
	RL(rump_sys_close(fd));
}

/* The conflicting lock F_GETLK reports must be exactly this one. */
static void
check_holder(int fd, short type, off_t start, off_t len, short htype,
    off_t hstart, off_t hlen, pid_t hpid)
{
	struct flock fl;

	ATF_CHECK_EQ(getlk_full(fd, type, start, len, &fl), htype);
	ATF_CHECK_EQ(fl.l_whence, SEEK_SET);
	ATF_CHECK_EQ(fl.l_start, hstart);
	ATF_CHECK_EQ(fl.l_len, hlen);
	ATF_CHECK_EQ(fl.l_pid, hpid);
}

static void
lock_conflicts_two_procs(const struct fs_backend *fs, const char *mp)
{
	int f1, f1b, f2, pid2;

	/* process 1: a write lock on [0, 10) */
	f1 = RL(rump_sys_open("f", O_RDWR | O_CREAT, 0644));
	RL(setlk(f1, F_SETLK, F_WRLCK, SEEK_SET, 0, 10));

	pid2 = rump_pub_lwproc_newproc();
	ATF_REQUIRE(pid2 > 1);
	ATF_CHECK_EQ(rump_sys_getpid(), pid2);
	/* its own descriptor table: f1 is not open here */
	H_REQUIRE_ERRNO(EBADF, rump_sys_fcntl(f1, F_GETFL, 0));
	f2 = RL(rump_sys_open("f", O_RDWR, 0));
	H_REQUIRE_ERRNO(EAGAIN, setlk(f2, F_SETLK, F_RDLCK, SEEK_SET, 5, 1));
	H_REQUIRE_ERRNO(EAGAIN, setlk(f2, F_SETLK, F_WRLCK, SEEK_SET, 9, 0));
	check_holder(f2, F_RDLCK, 0, 0, F_WRLCK, 0, 10, 1);
	RL(setlk(f2, F_SETLK, F_WRLCK, SEEK_SET, 10, 5));
	ATF_CHECK_EQ(getlk(f2, F_WRLCK, 15, 0), F_UNLCK);

	/* process 1 sees process 2's lock; it splits its own in two */
	RZ(rump_pub_lwproc_switch(1));
	ATF_CHECK_EQ(rump_sys_getpid(), 1);
	check_holder(f1, F_RDLCK, 12, 1, F_WRLCK, 10, 5, pid2);
	RL(setlk(f1, F_SETLK, F_UNLCK, SEEK_SET, 3, 4));
	RZ(rump_pub_lwproc_switch(pid2));
	check_holder(f2, F_WRLCK, 0, 1, F_WRLCK, 0, 3, 1);
	check_holder(f2, F_WRLCK, 5, 0, F_WRLCK, 7, 3, 1);
	RL(setlk(f2, F_SETLK, F_RDLCK, SEEK_SET, 3, 4));

	/* read locks share: process 1's [0, 10) read lock is one lock */
	RZ(rump_pub_lwproc_switch(1));
	RL(setlk(f1, F_SETLK, F_RDLCK, SEEK_SET, 0, 3));
	RL(setlk(f1, F_SETLK, F_RDLCK, SEEK_SET, 7, 3));
	RL(setlk(f1, F_SETLK, F_RDLCK, SEEK_SET, 3, 4));
	H_REQUIRE_ERRNO(EAGAIN, setlk(f1, F_SETLK, F_WRLCK, SEEK_SET, 3, 1));
	RZ(rump_pub_lwproc_switch(pid2));
	check_holder(f2, F_WRLCK, 0, 0, F_RDLCK, 0, 10, 1);
	ATF_CHECK_EQ(getlk(f2, F_RDLCK, 0, 0), F_UNLCK);
	H_REQUIRE_ERRNO(EAGAIN, setlk(f2, F_SETLK, F_WRLCK, SEEK_SET, 9, 1));

	/* closing any descriptor of the file drops all of process 1's */
	RZ(rump_pub_lwproc_switch(1));
	f1b = RL(rump_sys_open("f", O_RDONLY, 0));
	RL(rump_sys_close(f1b));
	RZ(rump_pub_lwproc_switch(pid2));
	ATF_CHECK_EQ(getlk(f2, F_WRLCK, 0, 0), F_UNLCK);
	RL(setlk(f2, F_SETLK, F_WRLCK, SEEK_SET, 0, 0));
	RZ(rump_pub_lwproc_switch(1));
	check_holder(f1, F_RDLCK, 100, 1, F_WRLCK, 0, 0, pid2);
	H_REQUIRE_ERRNO(EAGAIN, setlk(f1, F_SETLK, F_RDLCK, SEEK_SET, 0, 1));

	/* process 2 leaves: its files closed, out of the mount point */
	RZ(rump_pub_lwproc_switch(pid2));
	RL(rump_sys_close(f2));
	RL(rump_sys_chdir("/"));
	RZ(rump_pub_lwproc_switch(1));
	ATF_CHECK_EQ(getlk(f1, F_WRLCK, 0, 0), F_UNLCK);
	RL(rump_sys_close(f1));
	ATF_CHECK_EQ(rump_pub_lwproc_switch(12345), ESRCH);
}

struct waiter {
	short		 type;
	off_t		 start, len;
	off_t		 hold_start;	/* first takes this byte, if >= 0 */
	int		 pid;
	int		 error;		/* F_SETLKW's errno, 0 when granted */
	volatile int	 held;		/* hold_start's lock taken */
	volatile int	 done;
	volatile int	 release;	/* main thread: let go and leave */
};

/* A host thread acting as a new process, waiting for a record lock. */
static void *
waiter_thread(void *arg)
{
	struct waiter *w = arg;
	int fd;

	w->pid = rump_pub_lwproc_newproc();
	fd = rump_sys_open("f", O_RDWR, 0);
	if (fd == -1) {
		w->error = errno;
		w->done = 1;
		return NULL;
	}
	if (w->hold_start >= 0 &&
	    setlk(fd, F_SETLK, F_WRLCK, SEEK_SET, w->hold_start, 1) == -1) {
		w->error = errno;
		goto out;
	}
	__atomic_store_n(&w->held, 1, __ATOMIC_SEQ_CST);
	w->error = setlk(fd, F_SETLKW, w->type, SEEK_SET, w->start,
	    w->len) == -1 ? errno : 0;
	__atomic_store_n(&w->done, 1, __ATOMIC_SEQ_CST);
	if (w->error == EDEADLK)
		/* the loser of a deadlock lets the other one go on */
		(void)setlk(fd, F_SETLK, F_UNLCK, SEEK_SET, 0, 0);
	while (!__atomic_load_n(&w->release, __ATOMIC_SEQ_CST))
		usleep(1000);
out:
	(void)rump_sys_close(fd);
	(void)rump_sys_chdir("/");
	__atomic_store_n(&w->done, 1, __ATOMIC_SEQ_CST);
	return NULL;
}

static void
lock_setlkw_waits(const struct fs_backend *fs, const char *mp)
{
	struct waiter w = { .type = F_WRLCK, .start = 0, .len = 5,
	    .hold_start = -1 };
	pthread_t t;
	int fd;

	fd = RL(rump_sys_open("f", O_RDWR | O_CREAT, 0644));
	RL(setlk(fd, F_SETLK, F_RDLCK, SEEK_SET, 4, 1));
	RZ(pthread_create(&t, NULL, waiter_thread, &w));
	/* generous: if F_SETLKW did not wait, it would be done by now */
	usleep(300000);
	ATF_CHECK_EQ(__atomic_load_n(&w.done, __ATOMIC_SEQ_CST), 0);
	/* a lock elsewhere does not wake it for good */
	RL(setlk(fd, F_SETLK, F_WRLCK, SEEK_SET, 100, 1));
	usleep(100000);
	ATF_CHECK_EQ(__atomic_load_n(&w.done, __ATOMIC_SEQ_CST), 0);
	/* releasing the conflict lets it in */
	RL(setlk(fd, F_SETLK, F_UNLCK, SEEK_SET, 4, 1));
	while (!__atomic_load_n(&w.done, __ATOMIC_SEQ_CST))
		usleep(1000);
	ATF_CHECK_EQ(w.error, 0);
	check_holder(fd, F_RDLCK, 0, 0, F_WRLCK, 0, 5, w.pid);
	__atomic_store_n(&w.release, 1, __ATOMIC_SEQ_CST);
	RZ(pthread_join(t, NULL));
	ATF_CHECK_EQ(getlk(fd, F_WRLCK, 0, 0), F_UNLCK);
	RL(rump_sys_close(fd));
}

static void
lock_deadlock_detected(const struct fs_backend *fs, const char *mp)
{
	struct waiter w = { .type = F_WRLCK, .start = 0, .len = 1,
	    .hold_start = 1 };
	pthread_t t;
	int fd, error;

	/* 1 holds byte 0, w's process byte 1; each then wants the other */
	fd = RL(rump_sys_open("f", O_RDWR | O_CREAT, 0644));
	RL(setlk(fd, F_SETLK, F_WRLCK, SEEK_SET, 0, 1));
	RZ(pthread_create(&t, NULL, waiter_thread, &w));
	while (!__atomic_load_n(&w.held, __ATOMIC_SEQ_CST) &&
	    !__atomic_load_n(&w.done, __ATOMIC_SEQ_CST))
		usleep(1000);
	ATF_REQUIRE_EQ(w.error, 0);
	usleep(200000);		/* most likely w sleeps in F_SETLKW now */
	error = setlk(fd, F_SETLKW, F_WRLCK, SEEK_SET, 1, 1) == -1 ? errno : 0;
	if (error != 0)
		/* refused (or failed): let the waiter have byte 0 */
		RL(setlk(fd, F_SETLK, F_UNLCK, SEEK_SET, 0, 1));
	while (!__atomic_load_n(&w.done, __ATOMIC_SEQ_CST))
		usleep(1000);
	/* exactly one of the two was refused, and the other went on */
	ATF_CHECK_MSG((error == EDEADLK) != (w.error == EDEADLK),
	    "main %d, waiter %d", error, w.error);
	ATF_CHECK(error == 0 || error == EDEADLK);
	ATF_CHECK(w.error == 0 || w.error == EDEADLK);
	__atomic_store_n(&w.release, 1, __ATOMIC_SEQ_CST);
	RZ(pthread_join(t, NULL));
	RL(rump_sys_close(fd));
}

FSTEST(lock_own_never_conflicts, "one process's record locks: set, convert, split, unlock; F_GETLK reports F_UNLCK for its own")
FSTEST(lock_ranges, "record lock ranges: SEEK_CUR, SEEK_END, negative lengths, EINVAL for negative starts")
FSTEST(lock_bad_args, "record locks: EINVAL for bad l_type/l_whence and on pipes, EBADF for modes, EFAULT")
FSTEST(lock_conflicts_two_procs, "record locks of two processes: EAGAIN, F_GETLK names the holder, split, merge, close drops all")
FSTEST(lock_setlkw_waits, "F_SETLKW sleeps until the conflicting lock goes")
FSTEST(lock_deadlock_detected, "two processes waiting for each other's locks: one gets EDEADLK")
FSTEST(dup_shares_offset, "dup and F_DUPFD share the open file's offset and outlive it")
FSTEST(dup2_replaces, "dup2 closes what newfd named; onto itself it does nothing")
FSTEST(fcntl_getfl_setfl_append, "F_GETFL reports the access mode; F_SETFL O_APPEND acts through every dup")

ATF_TP_ADD_TCS(tp)
{
	FSAPPLY(tp, lock_own_never_conflicts);
	FSAPPLY(tp, lock_ranges);
	FSAPPLY(tp, lock_bad_args);
	FSAPPLY(tp, lock_conflicts_two_procs);
	FSAPPLY(tp, lock_setlkw_waits);
	FSAPPLY(tp, lock_deadlock_detected);
	FSAPPLY(tp, dup_shares_offset);
	FSAPPLY(tp, dup2_replaces);
	FSAPPLY(tp, fcntl_getfl_setfl_append);
	return atf_no_error();
}
