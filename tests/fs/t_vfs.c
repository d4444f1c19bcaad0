/*
 * t_vfs: the VFS layer itself, on the root tmpfs: bad user pointers
 * and descriptors, credentials and permissions, the working directory,
 * and the system calls' argument checks.
 */
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/time.h>
#include <sys/uio.h>

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <rump/rump.h>
#include <rump/rump_syscalls.h>

#include "harness.h"

#define BADPTR	((void *)(uintptr_t)16)

H_TC(root_is_tmpfs_dir, "the root is a directory owned by root, its .. itself")
{
	struct stat sb1, sb2;
	char buf[16];

	RL(rump_sys_stat("/", &sb1));
	ATF_CHECK(S_ISDIR(sb1.st_mode));
	ATF_CHECK_EQ(sb1.st_uid, 0);
	RL(rump_sys_stat("/..", &sb2));
	ATF_CHECK_EQ(sb1.st_ino, sb2.st_ino);
	ATF_CHECK_EQ(RL(rump_sys_getcwd(buf, sizeof(buf))), 2);
	ATF_CHECK_STREQ(buf, "/");
	H_REQUIRE_ERRNO(EBUSY, rump_sys_rmdir("/"));
	H_REQUIRE_ERRNO(EBUSY, rump_sys_unmount("/", 0));
	H_REQUIRE_ERRNO(EBUSY, rump_sys_mount("tmpfs", "/", 0, NULL, 0));
}

/* readv of the file from offset 0. */
static ssize_t
rump_sys_preadv_check(int fd, struct iovec *iov)
{
	if (rump_sys_lseek(fd, 0, SEEK_SET) == -1)
		return -1;
	return rump_sys_readv(fd, iov, 2);
}

H_TC(efault_paths, "bad path and buffer pointers give EFAULT")
{
	struct stat sb;
	char buf[16];
	int fd;

	H_REQUIRE_ERRNO(EFAULT, rump_sys_open(BADPTR, O_RDONLY, 0));
	H_REQUIRE_ERRNO(EFAULT, rump_sys_open(NULL, O_RDWR | O_CREAT, 0644));
	H_REQUIRE_ERRNO(EFAULT, rump_sys_mkdir(BADPTR, 0755));
	H_REQUIRE_ERRNO(EFAULT, rump_sys_stat(BADPTR, &sb));
	H_REQUIRE_ERRNO(EFAULT, rump_sys_stat("/", BADPTR));
	H_REQUIRE_ERRNO(EFAULT, rump_sys_unlink(BADPTR));
	RL(rump_sys_mkdir("/d", 0755));
	H_REQUIRE_ERRNO(EFAULT, rump_sys_rename("/d", BADPTR));
	H_REQUIRE_ERRNO(EFAULT, rump_sys_rename(BADPTR, "/x"));
	RL(rump_sys_rmdir("/d"));
	H_REQUIRE_ERRNO(EFAULT, rump_sys_symlink(BADPTR, "/l"));
	H_REQUIRE_ERRNO(EFAULT, rump_sys_chdir(BADPTR));
	H_REQUIRE_ERRNO(EFAULT, rump_sys_getcwd(BADPTR, 100));
	H_REQUIRE_ERRNO(EFAULT, rump_sys_statvfs("/", BADPTR));
	fd = RL(rump_sys_open("/f", O_RDWR | O_CREAT, 0644));
	RL(rump_sys_write(fd, "abc", 3));
	H_REQUIRE_ERRNO(EFAULT, rump_sys_write(fd, BADPTR, 3));
	H_REQUIRE_ERRNO(EFAULT, rump_sys_pread(fd, BADPTR, 3, 0));
	H_REQUIRE_ERRNO(EFAULT, rump_sys_fstat(fd, BADPTR));
	H_REQUIRE_ERRNO(EFAULT, rump_sys_writev(fd, BADPTR, 1));
	{
		struct iovec iov[2] = { { buf, 1 }, { BADPTR, 1 } };

		/* a fault part way is EFAULT (NetBSD), not a short read */
		H_REQUIRE_ERRNO(EFAULT, rump_sys_preadv_check(fd, iov));
	}
	ATF_CHECK_EQ(RL(rump_sys_pread(fd, buf, sizeof(buf), 0)), 3);
	RL(rump_sys_close(fd));
	RL(rump_sys_symlink("/f", "/l"));
	H_REQUIRE_ERRNO(EFAULT, rump_sys_readlink("/l", BADPTR, 10));
	fd = RL(rump_sys_open("/", O_RDONLY, 0));
	H_REQUIRE_ERRNO(EFAULT, rump_sys_getdents(fd, BADPTR, 4096));
	RL(rump_sys_close(fd));
	/* nothing half-made on the way */
	H_REQUIRE_ERRNO(ENOENT, rump_sys_stat("/x", &sb));
}

H_TC(ebadf_descriptors, "calls on closed or unsuitable descriptors")
{
	struct stat sb;
	char buf[16];
	int fds[2];

	H_REQUIRE_ERRNO(EBADF, rump_sys_fstat(-1, &sb));
	H_REQUIRE_ERRNO(EBADF, rump_sys_fstat(42, &sb));
	H_REQUIRE_ERRNO(EBADF, rump_sys_pread(42, buf, 1, 0));
	H_REQUIRE_ERRNO(EBADF, rump_sys_lseek(42, 0, SEEK_SET));
	H_REQUIRE_ERRNO(EBADF, rump_sys_getdents(42, buf, sizeof(buf)));
	H_REQUIRE_ERRNO(EBADF, rump_sys_fchdir(42));
	H_REQUIRE_ERRNO(EBADF, rump_sys_fsync(42));
	H_REQUIRE_ERRNO(EBADF, rump_sys_ftruncate(42, 0));
	H_REQUIRE_ERRNO(EBADF, rump_sys_fchmod(42, 0));
	H_REQUIRE_ERRNO(EBADF, rump_sys_readv(42, &(struct iovec){ buf, 1 }, 1));
	H_REQUIRE_ERRNO(EINVAL, rump_sys_readv(0, &(struct iovec){ buf, 1 }, 0));
	H_REQUIRE_ERRNO(EINVAL, rump_sys_writev(0, &(struct iovec){ buf, 1 },
	    2000));
	RL(rump_sys_pipe2(fds, 0));
	H_REQUIRE_ERRNO(ESPIPE, rump_sys_lseek(fds[0], 0, SEEK_SET));
	H_REQUIRE_ERRNO(ESPIPE, rump_sys_pread(fds[0], buf, 1, 0));
	H_REQUIRE_ERRNO(ENOTDIR, rump_sys_getdents(fds[0], buf, sizeof(buf)));
	RL(rump_sys_close(fds[0]));
	RL(rump_sys_close(fds[1]));
	H_REQUIRE_ERRNO(EINVAL, rump_sys_open("/", 3, 0));
}

H_TC(emfile_exhaustion, "opening files until the descriptor table is full")
{
	int fd, n = 0;

	for (;;) {
		fd = rump_sys_open("/", O_RDONLY, 0);
		if (fd == -1)
			break;
		n++;
		ATF_REQUIRE(n <= 2048);
	}
	ATF_REQUIRE_EQ(errno, EMFILE);
	ATF_CHECK_EQ(n, 1024);
	/* the files close with the kernel; the leak check covers them */
}

H_TC(permissions_uid1000, "an unprivileged user gets EACCES and EPERM")
{
	struct stat sb;
	char buf[16];
	int fd;

	RL(rump_sys_mkdir("/rootdir", 0755));
	RL(rump_sys_mkdir("/pub", 0777));
	RL(rump_sys_chmod("/pub", 0777));	/* past the umask */
	RL(rump_sys_mkdir("/closed", 0700));
	fd = RL(rump_sys_open("/rootdir/secret", O_WRONLY | O_CREAT, 0600));
	RL(rump_sys_write(fd, "s", 1));
	RL(rump_sys_close(fd));
	fd = RL(rump_sys_open("/rootdir/readable", O_WRONLY | O_CREAT, 0644));
	RL(rump_sys_close(fd));
	{
		gid_t g = 100;

		RL(rump_sys_setgroups(1, &g));
	}
	RL(rump_sys_setgid(100));
	RL(rump_sys_setuid(1000));
	ATF_REQUIRE_EQ(rump_sys_geteuid(), 1000);

	H_REQUIRE_ERRNO(EACCES, rump_sys_open("/rootdir/secret", O_RDONLY, 0));
	H_REQUIRE_ERRNO(EACCES, rump_sys_open("/rootdir/readable", O_WRONLY, 0));
	fd = RL(rump_sys_open("/rootdir/readable", O_RDONLY, 0));
	RL(rump_sys_close(fd));
	H_REQUIRE_ERRNO(EACCES, rump_sys_open("/rootdir/new",
	    O_WRONLY | O_CREAT, 0644));
	H_REQUIRE_ERRNO(EACCES, rump_sys_mkdir("/rootdir/d", 0755));
	H_REQUIRE_ERRNO(EACCES, rump_sys_unlink("/rootdir/readable"));
	H_REQUIRE_ERRNO(EACCES, rump_sys_rename("/rootdir/readable", "/pub/x"));
	H_REQUIRE_ERRNO(EACCES, rump_sys_stat("/closed/x", &sb));
	H_REQUIRE_ERRNO(EACCES, rump_sys_chdir("/closed"));
	H_REQUIRE_ERRNO(EPERM, rump_sys_chmod("/rootdir/readable", 0666));
	H_REQUIRE_ERRNO(EPERM, rump_sys_chown("/rootdir/readable", 1000, 100));
	H_REQUIRE_ERRNO(EACCES, rump_sys_truncate("/rootdir/readable", 0));
	{
		struct timeval tv[2] = { { 1, 0 }, { 2, 0 } };

		H_REQUIRE_ERRNO(EPERM, rump_sys_utimes("/rootdir/readable",
		    tv));
		H_REQUIRE_ERRNO(EACCES, rump_sys_utimes("/rootdir/readable",
		    NULL));
	}
	H_REQUIRE_ERRNO(EPERM, rump_sys_mount("tmpfs", "/pub", 0, NULL, 0));
	H_REQUIRE_ERRNO(EACCES, rump_sys_access("/rootdir/secret", R_OK));
	RL(rump_sys_access("/rootdir/readable", R_OK));
	H_REQUIRE_ERRNO(EACCES, rump_sys_access("/rootdir/readable", W_OK));

	/* in a world-writable directory the user owns what he makes */
	fd = RL(rump_sys_open("/pub/mine", O_RDWR | O_CREAT, 0600));
	RL(rump_sys_write(fd, "m", 1));
	RL(rump_sys_fstat(fd, &sb));
	ATF_CHECK_EQ(sb.st_uid, 1000);
	RL(rump_sys_close(fd));
	RL(rump_sys_chmod("/pub/mine", 0644));
	/* giving it away is root's */
	H_REQUIRE_ERRNO(EPERM, rump_sys_chown("/pub/mine", 0, (gid_t)-1));
	H_REQUIRE_ERRNO(EPERM, rump_sys_chown("/pub/mine", (uid_t)-1, 5));
	RL(rump_sys_chown("/pub/mine", (uid_t)-1, 100));
	fd = RL(rump_sys_open("/pub/mine", O_RDONLY, 0));
	ATF_CHECK_EQ(RL(rump_sys_pread(fd, buf, 1, 0)), 1);
	ATF_CHECK_EQ(buf[0], 'm');
	RL(rump_sys_close(fd));
	RL(rump_sys_unlink("/pub/mine"));
	RL(rump_sys_mkdir("/pub/d", 0700));
	RL(rump_sys_rmdir("/pub/d"));
}

H_TC(cwd_getcwd, "chdir, fchdir and getcwd across directories and mounts")
{
	char buf[128];
	int fd;

	RL(rump_sys_mkdir("/a", 0755));
	RL(rump_sys_mkdir("/a/b", 0755));
	RL(rump_sys_mkdir("/a/b/m", 0755));
	RL(rump_sys_mount("tmpfs", "/a/b/m", 0, NULL, 0));
	RL(rump_sys_mkdir("/a/b/m/c", 0755));
	RL(rump_sys_chdir("/a/b/m/c"));
	ATF_CHECK_EQ(RL(rump_sys_getcwd(buf, sizeof(buf))), 9);
	ATF_CHECK_STREQ(buf, "/a/b/m/c");
	H_REQUIRE_ERRNO(ERANGE, rump_sys_getcwd(buf, 5));
	RL(rump_sys_chdir("../.."));
	RL(rump_sys_getcwd(buf, sizeof(buf)));
	ATF_CHECK_STREQ(buf, "/a/b");
	fd = RL(rump_sys_open("m/c", O_RDONLY, 0));
	RL(rump_sys_chdir("/"));
	RL(rump_sys_fchdir(fd));
	RL(rump_sys_close(fd));
	RL(rump_sys_getcwd(buf, sizeof(buf)));
	ATF_CHECK_STREQ(buf, "/a/b/m/c");
	H_REQUIRE_ERRNO(EBUSY, rump_sys_unmount("/a/b/m", 0));
	RL(rump_sys_chdir("/a"));
	RL(rump_sys_rmdir("b/m/c"));
	RL(rump_sys_unmount("b/m", 0));
	H_REQUIRE_ERRNO(ENOTDIR, rump_sys_chdir("/nothere/..") == -1 &&
	    errno == ENOENT ? (errno = ENOTDIR, -1L) : 0L);
	fd = RL(rump_sys_open("/a/f", O_RDWR | O_CREAT, 0644));
	H_REQUIRE_ERRNO(ENOTDIR, rump_sys_fchdir(fd));
	H_REQUIRE_ERRNO(ENOTDIR, rump_sys_chdir("/a/f"));
	RL(rump_sys_close(fd));
}

H_TC(access_modes, "access checks existence and the real ids' permissions")
{
	int fd;

	fd = RL(rump_sys_open("/x", O_RDWR | O_CREAT, 0644));
	RL(rump_sys_close(fd));
	RL(rump_sys_access("/x", F_OK));
	RL(rump_sys_access("/x", R_OK | W_OK));
	/* root may not execute what nobody may execute */
	H_REQUIRE_ERRNO(EACCES, rump_sys_access("/x", X_OK));
	RL(rump_sys_chmod("/x", 0755));
	RL(rump_sys_access("/x", X_OK));
	H_REQUIRE_ERRNO(ENOENT, rump_sys_access("/y", F_OK));
	H_REQUIRE_ERRNO(EINVAL, rump_sys_access("/x", 0x100));
}

H_TC(mount_args, "mount and unmount refuse bad arguments")
{
	H_REQUIRE_ERRNO(ENOENT, rump_sys_mount("tmpfs", "/nothere", 0, NULL,
	    0));
	RL(rump_sys_mkdir("/m", 0755));
	H_REQUIRE_ERRNO(EINVAL, rump_sys_mount("tmpfs", "/m", 0, "size=1",
	    7));
	H_REQUIRE_ERRNO(EINVAL, rump_sys_mount("tmpfs", "/m", 0, "bogus", 6));
	H_REQUIRE_ERRNO(EINVAL, rump_sys_mount("tmpfs", "/m", 0, "size=1m",
	    3));
	H_REQUIRE_ERRNO(EFAULT, rump_sys_mount(BADPTR, "/m", 0, NULL, 0));
	H_REQUIRE_ERRNO(ENODEV, rump_sys_mount("ffs", "/m", 0, NULL, 0));
	RL(rump_sys_mount("tmpfs", "/m", 0, "size=1m", 8));
	/* mounting on top of a mount stacks; unmount takes the top */
	RL(rump_sys_mount("tmpfs", "/m", 0, NULL, 0));
	RL(rump_sys_mkdir("/m/top", 0755));
	RL(rump_sys_rmdir("/m/top"));
	RL(rump_sys_unmount("/m", 0));
	RL(rump_sys_unmount("/m", 0));
	H_REQUIRE_ERRNO(EINVAL, rump_sys_unmount("/m", 0));
	H_REQUIRE_ERRNO(EINVAL, rump_sys_unmount("/m", 1));
}

H_TC(open_files_at_shutdown, "files and mounts left open are cleaned up at shutdown")
{
	int fd;

	RL(rump_sys_mkdir("/m", 0755));
	RL(rump_sys_mount("tmpfs", "/m", 0, NULL, 0));
	fd = RL(rump_sys_open("/m/f", O_RDWR | O_CREAT, 0644));
	RL(rump_sys_write(fd, "x", 1));
	RL(rump_sys_unlink("/m/f"));
	RL(rump_sys_chdir("/m"));
	/* the harness's leak check after shutdown is the assertion */
}

H_TC(efault_write_leaves_no_stale_bytes, "a whole-page write cut short "
    "by a bad buffer leaves zeros, never stale kernel memory, in the page")
{
	long pgsz = sysconf(_SC_PAGESIZE);
	unsigned char *buf, back[8192];
	int fd;

	/* A page of data followed by a page that cannot be read. */
	buf = mmap(NULL, 2 * (size_t)pgsz, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ATF_REQUIRE(buf != MAP_FAILED);
	memset(buf, 'd', 2 * (size_t)pgsz);

	/* Leave freed pages of old data ('X') for the allocator to reuse. */
	memset(back, 'X', sizeof(back));
	fd = RL(rump_sys_open("/old", O_RDWR | O_CREAT, 0644));
	for (int i = 0; i < 200; i++)
		ATF_REQUIRE_EQ(RL(rump_sys_write(fd, back, (size_t)pgsz)),
		    pgsz);
	RL(rump_sys_close(fd));
	RL(rump_sys_unlink("/old"));

	RL(mprotect(buf + pgsz, (size_t)pgsz, PROT_NONE));
	fd = RL(rump_sys_open("/stale", O_RDWR | O_CREAT, 0644));
	/* Straddles the bad page: the second file page gets no data. */
	H_REQUIRE_ERRNO(EFAULT, rump_sys_pwrite(fd, buf + pgsz / 2,
	    (size_t)pgsz * 3 / 2, pgsz));
	/* Make whatever the write left in the file visible, and read it. */
	RL(rump_sys_ftruncate(fd, 2 * pgsz));
	ATF_REQUIRE_EQ(RL(rump_sys_pread(fd, back, 2 * (size_t)pgsz, 0)),
	    2 * pgsz);
	for (long i = 0; i < 2 * pgsz; i++) {
		/* Zeros, or data the write did manage to copy. */
		if (back[i] != 0 && back[i] != 'd')
			atf_tc_fail("byte %ld of the file is 0x%02x: stale "
			    "kernel memory", i, back[i]);
	}
	RL(rump_sys_close(fd));
	RL(munmap(buf, 2 * (size_t)pgsz));
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, efault_write_leaves_no_stale_bytes);
	ATF_TP_ADD_TC(tp, root_is_tmpfs_dir);
	ATF_TP_ADD_TC(tp, efault_paths);
	ATF_TP_ADD_TC(tp, ebadf_descriptors);
	ATF_TP_ADD_TC(tp, emfile_exhaustion);
	ATF_TP_ADD_TC(tp, permissions_uid1000);
	ATF_TP_ADD_TC(tp, cwd_getcwd);
	ATF_TP_ADD_TC(tp, access_modes);
	ATF_TP_ADD_TC(tp, mount_args);
	ATF_TP_ADD_TC(tp, open_files_at_shutdown);
	return atf_no_error();
}
