/*
 * t_unmount: unmounting while the file system is in use, for every file
 * system of the matrix.  The bodies unmount the matrix's own mount at
 * mp and mount it again (fs_run_arg) before they return.  Without
 * MNT_FORCE an unmount is EBUSY while a vnode is referenced; with it
 * the unmount succeeds and what was open answers with errors (EIO for
 * I/O, EBADF for attributes, ENOENT for names) until it is closed, and
 * nothing leaks (for ext2, e2fsck finds the image clean afterwards).
 * A mount with another mounted inside it stays EBUSY even when forced:
 * the inner one must go first.
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

static void
force(const struct fs_backend *fs, const char *mp)
{
	int error;

	if ((error = fs->fs_forceunmount(fs_run_arg, mp)) != 0)
		atf_tc_fail("forced unmount of %s: %s", mp, strerror(error));
}

static void
remount(const struct fs_backend *fs, const char *mp)
{
	int error;

	if ((error = fs->fs_mount(fs_run_arg, mp)) != 0)
		atf_tc_fail("mount %s again: %s", mp, strerror(error));
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
	int fd, error;

	RL(rump_sys_chdir("/"));
	mkfile(FS_MNT "/f", "data");
	RL(fd = rump_sys_open(FS_MNT "/f", O_RDONLY, 0));
	H_REQUIRE_ERRNO(EBUSY, rump_sys_unmount(FS_MNT, 0));
	H_REQUIRE_ERRNO(EINVAL, rump_sys_unmount(FS_MNT, 0x2));
	RL(rump_sys_close(fd));
	/* only cached vnodes are left: those do not make it busy */
	if ((error = fs->fs_unmount(fs_run_arg, mp)) != 0)
		atf_tc_fail("unmount: %s", strerror(error));
	H_REQUIRE_ERRNO(ENOENT, rump_sys_open(FS_MNT "/f", O_RDONLY, 0));
	remount(fs, mp);
}

static void
force_open_file(const struct fs_backend *fs, const char *mp)
{
	char buf[16];
	struct stat sb;
	int fd, dfd;

	RL(rump_sys_chdir("/"));
	mkfile(FS_MNT "/f", "data");
	RL(rump_sys_mkdir(FS_MNT "/d", 0755));
	RL(fd = rump_sys_open(FS_MNT "/f", O_RDWR, 0));
	RL(dfd = rump_sys_open(FS_MNT "/d", O_RDONLY | O_DIRECTORY, 0));
	ATF_REQUIRE_EQ(rump_sys_read(fd, buf, 2), 2);
	H_REQUIRE_ERRNO(EBUSY, rump_sys_unmount(FS_MNT, 0));
	force(fs, mp);
	/* the mount point is an empty directory of the root again */
	H_REQUIRE_ERRNO(ENOENT, rump_sys_stat(FS_MNT "/f", &sb));
	RL(rump_sys_stat(FS_MNT, &sb));
	/* what was open is revoked */
	H_REQUIRE_ERRNO(EIO, rump_sys_read(fd, buf, sizeof(buf)));
	H_REQUIRE_ERRNO(EIO, rump_sys_write(fd, "x", 1));
	H_REQUIRE_ERRNO(EIO, rump_sys_pread(fd, buf, 1, 0));
	H_REQUIRE_ERRNO(EBADF, rump_sys_fstat(fd, &sb));
	H_REQUIRE_ERRNO(EBADF, rump_sys_ftruncate(fd, 0));
	H_REQUIRE_ERRNO(EBADF, rump_sys_fchmod(fd, 0600));
	H_REQUIRE_ERRNO(EIO, rump_sys_fsync(fd));
	H_REQUIRE_ERRNO(EIO, rump_sys_getdents(dfd, buf, sizeof(buf)));
	/* the directory is gone: ENOENT, as for a removed one */
	H_REQUIRE_ERRNO(ENOENT, rump_sys_fchdir(dfd));
	RL(rump_sys_close(fd));
	RL(rump_sys_close(dfd));
	/* and the place mounts again, with what was written before */
	remount(fs, mp);
	RL(rump_sys_stat(FS_MNT, &sb));
}

static void
force_unlinked_open_file(const struct fs_backend *fs, const char *mp)
{
	struct statvfs before, after;
	char buf[8192];
	int fd;

	RL(rump_sys_chdir("/"));
	RL(rump_sys_statvfs(FS_MNT, &before));
	RL(fd = rump_sys_open(FS_MNT "/f", O_RDWR | O_CREAT, 0644));
	memset(buf, 'u', sizeof(buf));
	ATF_REQUIRE_EQ(rump_sys_write(fd, buf, sizeof(buf)),
	    (ssize_t)sizeof(buf));
	RL(rump_sys_unlink(FS_MNT "/f"));
	/* the last reference goes with the mount: the file's space too */
	force(fs, mp);
	H_REQUIRE_ERRNO(EIO, rump_sys_read(fd, buf, 1));
	RL(rump_sys_close(fd));
	remount(fs, mp);
	RL(rump_sys_statvfs(FS_MNT, &after));
	ATF_REQUIRE_EQ_MSG(after.f_bfree, before.f_bfree, "%ju blocks "
	    "before, %ju after", (uintmax_t)before.f_bfree,
	    (uintmax_t)after.f_bfree);
}

static void
force_cwd_inside(const struct fs_backend *fs, const char *mp)
{
	char buf[256];
	struct statvfs svb;
	struct stat sb;

	RL(rump_sys_mkdir(FS_MNT "/d", 0755));
	RL(rump_sys_chdir(FS_MNT "/d"));
	H_REQUIRE_ERRNO(EBUSY, rump_sys_unmount(FS_MNT, 0));
	force(fs, mp);
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
	remount(fs, mp);
}

static void
force_root_of_mount_as_cwd(const struct fs_backend *fs, const char *mp)
{
	struct stat sb;

	/* the root vnode of the mount: ".." must not climb out of it */
	RL(rump_sys_chdir(FS_MNT));
	force(fs, mp);
	H_REQUIRE_ERRNO(ENOENT, rump_sys_stat("..", &sb));
	H_REQUIRE_ERRNO(ENOENT, rump_sys_chdir(".."));
	RL(rump_sys_chdir("/"));
	remount(fs, mp);
}

static void
force_nested(const struct fs_backend *fs, const char *mp)
{
	int fd;

	RL(rump_sys_chdir("/"));
	RL(rump_sys_mkdir(FS_MNT "/sub", 0755));
	RL(rump_sys_mount("tmpfs", FS_MNT "/sub", 0, NULL, 0));
	mkfile(FS_MNT "/sub/f", "x");
	RL(fd = rump_sys_open(FS_MNT "/sub/f", O_RDONLY, 0));
	/* the outer one is busy even forced while the inner is mounted */
	H_REQUIRE_ERRNO(EBUSY, rump_sys_unmount(FS_MNT, MNT_FORCE));
	H_REQUIRE_ERRNO(EBUSY, rump_sys_unmount(FS_MNT, 0));
	H_REQUIRE_ERRNO(EBUSY, rump_sys_unmount(FS_MNT "/sub", 0));
	RL(rump_sys_unmount(FS_MNT "/sub", MNT_FORCE));
	force(fs, mp);
	RL(rump_sys_close(fd));
	remount(fs, mp);
}

static void
force_left_open_at_shutdown(const struct fs_backend *fs, const char *mp)
{
	int fd;

	RL(rump_sys_chdir("/"));
	mkfile(FS_MNT "/f", "data");
	RL(fd = rump_sys_open(FS_MNT "/f", O_RDONLY, 0));
	force(fs, mp);
	remount(fs, mp);
	/* fd stays open: shutdown closes it and frees the dead vnode */
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
	struct io_thread t[3];
	pthread_t tid[3];
	volatile int stop = 0;
	struct timespec ts = { 0, 50 * 1000 * 1000 };
	char path[64];

	RL(rump_sys_chdir("/"));
	for (int i = 0; i < 3; i++) {
		snprintf(path, sizeof(path), FS_MNT "/f%d", i);
		RL(t[i].fd = rump_sys_open(path, O_RDWR | O_CREAT, 0644));
		t[i].stop = &stop;
		t[i].bad = t[i].eio = 0;
		ATF_REQUIRE(pthread_create(&tid[i], NULL, io_thread, &t[i]) ==
		    0);
	}
	nanosleep(&ts, NULL);
	force(fs, mp);
	nanosleep(&ts, NULL);
	stop = 1;
	for (int i = 0; i < 3; i++) {
		ATF_REQUIRE(pthread_join(tid[i], NULL) == 0);
		ATF_REQUIRE_EQ_MSG(t[i].bad, 0, "thread %d: %s", i,
		    strerror(t[i].bad));
		ATF_REQUIRE_MSG(t[i].eio, "thread %d never saw EIO", i);
		RL(rump_sys_close(t[i].fd));
	}
	remount(fs, mp);
}

/* Mounting, unmounting (forced or not) and using /race from threads. */
struct race {
	volatile int	 stop;
	int		 bad;		/* an unexpected errno */
	const char	*badop;		/* from this call */
	unsigned	 unmounts;
};

static void *
race_mounter(void *arg)
{
	struct race *r = arg;
	unsigned n = 0;

	while (!r->stop) {
		int flags = (n++ % 3 == 0) ? MNT_FORCE : 0;

		if (rump_sys_unmount("/race", flags) == 0)
			__atomic_add_fetch(&r->unmounts, 1, __ATOMIC_RELAXED);
		else if (errno != EINVAL && errno != EBUSY)
			r->bad = errno, r->badop = "unmount";
		/*
		 * Mounts stack (two threads mounting on the same top at
		 * once: one gets EBUSY).
		 */
		if (n % 2 == 0 && rump_sys_mount("tmpfs", "/race", 0, NULL,
		    0) == -1 && errno != EBUSY)
			r->bad = errno, r->badop = "mount";
	}
	return NULL;
}

static void *
race_user(void *arg)
{
	struct race *r = arg;
	char buf[64];
	struct stat sb;

	while (!r->stop) {
		int fd = rump_sys_open("/race/f", O_RDWR | O_CREAT, 0644);

		if (fd == -1) {
			if (errno != ENOENT)
				r->bad = errno, r->badop = "open";
			continue;
		}
		if (rump_sys_write(fd, "abc", 3) == -1 && errno != EIO)
			r->bad = errno, r->badop = "write";
		if (rump_sys_pread(fd, buf, sizeof(buf), 0) == -1 &&
		    errno != EIO)
			r->bad = errno, r->badop = "pread";
		if (rump_sys_fstat(fd, &sb) == -1 && errno != EBADF)
			r->bad = errno, r->badop = "fstat";
		RL(rump_sys_close(fd));
		if (rump_sys_unlink("/race/f") == -1 && errno != ENOENT)
			r->bad = errno, r->badop = "unlink";
	}
	return NULL;
}

H_TC_ENV(unmount_race, "RUMP_NCPU=2", "two threads mounting and "
    "unmounting /race (forced or not) while two use files in it, for "
    "0.3 s: only EINVAL, EBUSY, ENOENT, EIO, EBADF; no crash or leak")
{
	struct race r = { .stop = 0 };
	void *(*fn[4])(void *) = { race_mounter, race_mounter, race_user,
	    race_user };
	struct timespec ts = { 0, 300 * 1000 * 1000 };
	pthread_t t[4];

	RL(rump_sys_mkdir("/race", 0755));
	RL(rump_sys_mount("tmpfs", "/race", 0, NULL, 0));
	for (int i = 0; i < 4; i++)
		ATF_REQUIRE(pthread_create(&t[i], NULL, fn[i], &r) == 0);
	nanosleep(&ts, NULL);
	r.stop = 1;
	for (int i = 0; i < 4; i++)
		ATF_REQUIRE(pthread_join(t[i], NULL) == 0);
	ATF_REQUIRE_EQ_MSG(r.bad, 0, "%s: %s", r.badop, strerror(r.bad));
	ATF_REQUIRE(r.unmounts > 0);
	while (rump_sys_unmount("/race", MNT_FORCE) == 0)
		continue;
	H_REQUIRE_ERRNO(EINVAL, rump_sys_unmount("/race", 0));
}

FSTEST(busy_without_force, "unmount without MNT_FORCE is EBUSY while a "
    "file is open, and succeeds with only cached vnodes left")
FSTEST(force_open_file, "a forced unmount revokes open files: EIO, "
    "EBADF, close works, the place mounts again")
FSTEST(force_unlinked_open_file, "an unlinked open file goes with a "
    "forced unmount, its space freed")
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
	FSAPPLY(tp, force_unlinked_open_file);
	FSAPPLY(tp, force_cwd_inside);
	FSAPPLY(tp, force_root_of_mount_as_cwd);
	FSAPPLY(tp, force_nested);
	FSAPPLY(tp, force_left_open_at_shutdown);
	FSAPPLY(tp, force_during_io);
	ATF_TP_ADD_TC(tp, unmount_race);
	return atf_no_error();
}
