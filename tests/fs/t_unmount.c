/*
 * t_unmount: unmounting while the file system is in use, for every file
 * system of the matrix.  Each body makes a second file system of its
 * kind and mounts it at INNER, inside the matrix's mount.  Without
 * MNT_FORCE an unmount is EBUSY while a vnode is referenced; with it
 * the unmount succeeds and what was open answers with errors (EIO for
 * I/O, EBADF for attributes, ENOENT for names) until it is closed, and
 * nothing leaks.  A mount with another mounted inside it stays EBUSY
 * even when forced: the inner one must go first.
 */
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <rump/rump.h>
#include <rump/rump_syscalls.h>

#include "fs_common.h"
#include "harness.h"

#define INNER	FS_MNT "/inner"

static void *
inner_mount(const struct fs_backend *fs, const char *path)
{
	void *arg;
	int error;

	if ((error = fs->fs_newfs(&arg, 0)) != 0)
		atf_tc_fail("newfs: %s", strerror(error));
	if ((error = fs->fs_mount(arg, path)) != 0)
		atf_tc_fail("mount %s: %s", path, strerror(error));
	return arg;
}

static void
mkfile(const char *path, const char *data)
{
	int fd;

	RL(fd = rump_sys_open(path, O_WRONLY | O_CREAT | O_EXCL, 0644));
	ATF_REQUIRE_EQ(rump_sys_write(fd, data, strlen(data)),
	    (ssize_t)strlen(data));
	RL(rump_sys_close(fd));
}

static void
busy_without_force(const struct fs_backend *fs, const char *mp)
{
	void *arg = inner_mount(fs, INNER);
	int fd;

	RL(rump_sys_chdir("/"));
	mkfile(INNER "/f", "data");
	RL(fd = rump_sys_open(INNER "/f", O_RDONLY, 0));
	H_REQUIRE_ERRNO(EBUSY, rump_sys_unmount(INNER, 0));
	RL(rump_sys_close(fd));
	/* only cached vnodes are left: those do not make it busy */
	RL(rump_sys_unmount(INNER, 0));
	H_REQUIRE_ERRNO(ENOENT, rump_sys_open(INNER "/f", O_RDONLY, 0));
	H_REQUIRE_ERRNO(EINVAL, rump_sys_unmount(INNER, 0x2));
	fs->fs_delete(arg);
}

static void
force_open_file(const struct fs_backend *fs, const char *mp)
{
	void *arg = inner_mount(fs, INNER);
	char buf[16];
	struct stat sb;
	int fd, dfd;

	RL(rump_sys_chdir("/"));
	mkfile(INNER "/f", "data");
	RL(rump_sys_mkdir(INNER "/d", 0755));
	RL(fd = rump_sys_open(INNER "/f", O_RDWR, 0));
	RL(dfd = rump_sys_open(INNER "/d", O_RDONLY | O_DIRECTORY, 0));
	ATF_REQUIRE_EQ(rump_sys_read(fd, buf, 2), 2);
	H_REQUIRE_ERRNO(EBUSY, rump_sys_unmount(INNER, 0));
	RL(rump_sys_unmount(INNER, MNT_FORCE));
	/* the mount point is an empty directory of the outer mount again */
	H_REQUIRE_ERRNO(ENOENT, rump_sys_stat(INNER "/f", &sb));
	RL(rump_sys_stat(INNER, &sb));
	/* what was open is revoked */
	H_REQUIRE_ERRNO(EIO, rump_sys_read(fd, buf, sizeof(buf)));
	H_REQUIRE_ERRNO(EIO, rump_sys_write(fd, "x", 1));
	H_REQUIRE_ERRNO(EIO, rump_sys_pread(fd, buf, 1, 0));
	H_REQUIRE_ERRNO(EBADF, rump_sys_fstat(fd, &sb));
	H_REQUIRE_ERRNO(EBADF, rump_sys_ftruncate(fd, 0));
	H_REQUIRE_ERRNO(EBADF, rump_sys_fchmod(fd, 0600));
	H_REQUIRE_ERRNO(EIO, rump_sys_fsync(fd));
	H_REQUIRE_ERRNO(EIO, rump_sys_getdents(dfd, buf, sizeof(buf)));
	H_REQUIRE_ERRNO(EBADF, rump_sys_fchdir(dfd));
	RL(rump_sys_close(fd));
	RL(rump_sys_close(dfd));
	/* and the place can be mounted again */
	fs->fs_delete(arg);
	arg = inner_mount(fs, INNER);
	H_REQUIRE_ERRNO(ENOENT, rump_sys_open(INNER "/f", O_RDONLY, 0));
	RL(rump_sys_unmount(INNER, 0));
	fs->fs_delete(arg);
}

static void
force_cwd_inside(const struct fs_backend *fs, const char *mp)
{
	void *arg = inner_mount(fs, INNER);
	char buf[256];
	struct statvfs svb;
	struct stat sb;

	RL(rump_sys_mkdir(INNER "/d", 0755));
	RL(rump_sys_chdir(INNER "/d"));
	H_REQUIRE_ERRNO(EBUSY, rump_sys_unmount(INNER, 0));
	RL(rump_sys_unmount(INNER, MNT_FORCE));
	H_REQUIRE_ERRNO(ENOENT, rump_sys_getcwd(buf, sizeof(buf)));
	H_REQUIRE_ERRNO(ENOENT, rump_sys_open("x", O_RDWR | O_CREAT, 0644));
	H_REQUIRE_ERRNO(ENOENT, rump_sys_stat(".", &sb));
	H_REQUIRE_ERRNO(ENOENT, rump_sys_chdir(".."));
	H_REQUIRE_ERRNO(ENOENT, rump_sys_mkdir("sub", 0755));
	H_REQUIRE_ERRNO(ENOENT, rump_sys_statvfs(".", &svb));
	/* absolute paths still work; leaving releases the dead vnode */
	RL(rump_sys_chdir("/"));
	RL(rump_sys_getcwd(buf, sizeof(buf)));
	ATF_REQUIRE_STREQ(buf, "/");
	fs->fs_delete(arg);
}

static void
force_root_of_mount_as_cwd(const struct fs_backend *fs, const char *mp)
{
	void *arg = inner_mount(fs, INNER);
	struct stat sb;

	/* the root vnode of the mount: ".." must not climb out of it */
	RL(rump_sys_chdir(INNER));
	RL(rump_sys_unmount(INNER, MNT_FORCE));
	H_REQUIRE_ERRNO(ENOENT, rump_sys_stat("..", &sb));
	H_REQUIRE_ERRNO(ENOENT, rump_sys_chdir(".."));
	RL(rump_sys_chdir(FS_MNT));
	fs->fs_delete(arg);
}

static void
force_nested(const struct fs_backend *fs, const char *mp)
{
	void *arg = inner_mount(fs, INNER);
	void *arg2 = inner_mount(fs, INNER "/sub");
	int fd;

	RL(rump_sys_chdir("/"));
	mkfile(INNER "/sub/f", "x");
	RL(fd = rump_sys_open(INNER "/sub/f", O_RDONLY, 0));
	/* the outer one is busy even forced while the inner is mounted */
	H_REQUIRE_ERRNO(EBUSY, rump_sys_unmount(INNER, MNT_FORCE));
	H_REQUIRE_ERRNO(EBUSY, rump_sys_unmount(INNER, 0));
	H_REQUIRE_ERRNO(EBUSY, rump_sys_unmount(INNER "/sub", 0));
	RL(rump_sys_unmount(INNER "/sub", MNT_FORCE));
	RL(rump_sys_unmount(INNER, MNT_FORCE));
	RL(rump_sys_close(fd));
	fs->fs_delete(arg2);
	fs->fs_delete(arg);
}

static void
force_left_open_at_shutdown(const struct fs_backend *fs, const char *mp)
{
	void *arg = inner_mount(fs, INNER);
	int fd;

	RL(rump_sys_chdir("/"));
	mkfile(INNER "/f", "data");
	RL(fd = rump_sys_open(INNER "/f", O_RDONLY, 0));
	RL(rump_sys_unmount(INNER, MNT_FORCE));
	/* fd stays open: shutdown closes it and frees the dead vnode */
	fs->fs_delete(arg);
}

/* Threads doing I/O in the mount while it is forced away. */
struct io_thread {
	int		 fd;
	volatile int	*stop;
	int		 bad;		/* an errno that is neither 0 nor EIO */
	int		 eio;
};

static void *
io_thread(void *arg)
{
	struct io_thread *t = arg;
	char buf[8192];

	memset(buf, 'a', sizeof(buf));
	while (!*t->stop) {
		ssize_t n = rump_sys_pwrite(t->fd, buf, sizeof(buf), 0);

		if (n == -1 && errno != EIO)
			t->bad = errno;
		n = rump_sys_pread(t->fd, buf, sizeof(buf), 0);
		if (n == -1 && errno == EIO)
			t->eio = 1;
		else if (n == -1)
			t->bad = errno;
	}
	return NULL;
}

static void
force_during_io(const struct fs_backend *fs, const char *mp)
{
	void *arg = inner_mount(fs, INNER);
	struct io_thread t[3];
	pthread_t tid[3];
	volatile int stop = 0;
	struct timespec ts = { 0, 50 * 1000 * 1000 };
	char path[64];

	RL(rump_sys_chdir("/"));
	for (int i = 0; i < 3; i++) {
		snprintf(path, sizeof(path), INNER "/f%d", i);
		RL(t[i].fd = rump_sys_open(path, O_RDWR | O_CREAT, 0644));
		t[i].stop = &stop;
		t[i].bad = t[i].eio = 0;
		ATF_REQUIRE(pthread_create(&tid[i], NULL, io_thread, &t[i]) ==
		    0);
	}
	nanosleep(&ts, NULL);
	RL(rump_sys_unmount(INNER, MNT_FORCE));
	nanosleep(&ts, NULL);
	stop = 1;
	for (int i = 0; i < 3; i++) {
		ATF_REQUIRE(pthread_join(tid[i], NULL) == 0);
		ATF_REQUIRE_EQ_MSG(t[i].bad, 0, "thread %d: %s", i,
		    strerror(t[i].bad));
		ATF_REQUIRE_MSG(t[i].eio, "thread %d never saw EIO", i);
		RL(rump_sys_close(t[i].fd));
	}
	fs->fs_delete(arg);
}

FSTEST(busy_without_force, "unmount without MNT_FORCE is EBUSY while a "
    "file is open, and succeeds with only cached vnodes left")
FSTEST(force_open_file, "a forced unmount revokes open files: EIO, "
    "EBADF, close works, the place mounts again")
FSTEST(force_cwd_inside, "a working directory inside a force-unmounted "
    "file system gives ENOENT until the process leaves")
FSTEST(force_root_of_mount_as_cwd, "a force-unmounted mount root as the "
    "working directory does not lead out through ..")
FSTEST(force_nested, "a mount with another mounted inside is EBUSY even "
    "forced; inner first works")
FSTEST(force_left_open_at_shutdown, "files left open on a force-unmounted "
    "file system are released at shutdown without leaks")
FSTEST_ENV(force_during_io, "RUMP_NCPU=2", "a forced unmount while three "
    "threads read and write: they see EIO afterwards, nothing else")

ATF_TP_ADD_TCS(tp)
{
	FSAPPLY(tp, busy_without_force);
	FSAPPLY(tp, force_open_file);
	FSAPPLY(tp, force_cwd_inside);
	FSAPPLY(tp, force_root_of_mount_as_cwd);
	FSAPPLY(tp, force_nested);
	FSAPPLY(tp, force_left_open_at_shutdown);
	FSAPPLY(tp, force_during_io);
	return atf_no_error();
}
