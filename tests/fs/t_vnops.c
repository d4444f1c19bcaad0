/*
 * t_vnops: the generic file system tests, each body written once and
 * run on every file system of the matrix (fs_common.h).  Paths are
 * relative to the mount point, which is the working directory.
 */
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/time.h>
#include <sys/uio.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <time.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rump/rump.h>
#include <rump/rump_syscalls.h>

#include "fs_common.h"

static void
mkfile(const char *path, const char *data)
{
	int fd = RL(rump_sys_open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644));
	size_t len = strlen(data);

	ATF_REQUIRE_EQ(RL(rump_sys_write(fd, data, len)), (ssize_t)len);
	RL(rump_sys_close(fd));
}

/* The whole content of path, NUL-terminated, in buf. */
static ssize_t
readfile(const char *path, char *buf, size_t len)
{
	int fd = RL(rump_sys_open(path, O_RDONLY, 0));
	ssize_t n = RL(rump_sys_read(fd, buf, len - 1));

	buf[n] = '\0';
	RL(rump_sys_close(fd));
	return n;
}

static nlink_t
nlinks(const char *path)
{
	struct stat sb;

	RL(rump_sys_lstat(path, &sb));
	return sb.st_nlink;
}

static void
lookup_simple(const struct fs_backend *fs, const char *mp)
{
	char buf[64];
	struct stat sb1, sb2;

	RL(rump_sys_mkdir("dir", 0755));
	mkfile("dir/file", "x");
	snprintf(buf, sizeof(buf), "%s/dir/file", mp);
	RL(rump_sys_stat("dir/file", &sb1));
	RL(rump_sys_stat(buf, &sb2));
	ATF_CHECK_EQ(sb1.st_ino, sb2.st_ino);
	ATF_CHECK(S_ISREG(sb1.st_mode));
	H_REQUIRE_ERRNO(ENOENT, rump_sys_stat("dir/nothere", &sb1));
	H_REQUIRE_ERRNO(ENOENT, rump_sys_stat("", &sb1));
	H_REQUIRE_ERRNO(ENOTDIR, rump_sys_stat("dir/file/x", &sb1));
}

static void
lookup_complex(const struct fs_backend *fs, const char *mp)
{
	struct stat sb1, sb2;
	char buf[128];

	RL(rump_sys_mkdir("a", 0755));
	RL(rump_sys_mkdir("a/b", 0755));
	RL(rump_sys_stat("a/b", &sb1));
	RL(rump_sys_stat("./a/../a/b/.", &sb2));
	ATF_CHECK_EQ(sb1.st_ino, sb2.st_ino);
	RL(rump_sys_stat("a//b//", &sb2));
	ATF_CHECK_EQ(sb1.st_ino, sb2.st_ino);
	snprintf(buf, sizeof(buf), "//%s/../%s/a/b/../b", mp, mp);
	RL(rump_sys_stat(buf, &sb2));
	ATF_CHECK_EQ(sb1.st_ino, sb2.st_ino);
	/* ".." of the mount's root is the directory it is mounted on */
	RL(rump_sys_stat("..", &sb1));
	RL(rump_sys_stat("/", &sb2));
	ATF_CHECK_EQ(sb1.st_ino, sb2.st_ino);
	ATF_CHECK_EQ(sb1.st_dev, sb2.st_dev);
	RL(rump_sys_stat(".", &sb2));
	ATF_CHECK(sb1.st_dev != sb2.st_dev);
	/* "/.." is "/" */
	RL(rump_sys_stat("/../../..", &sb2));
	ATF_CHECK_EQ(sb1.st_ino, sb2.st_ino);
	mkfile("f", "x");
	H_REQUIRE_ERRNO(ENOTDIR, rump_sys_stat("f/", &sb1));
	H_REQUIRE_ERRNO(ENOTDIR, rump_sys_open("f/.", O_RDONLY, 0));
}

static void
open_excl_existing(const struct fs_backend *fs, const char *mp)
{
	int fd;

	mkfile("f", "data");
	H_REQUIRE_ERRNO(EEXIST, rump_sys_open("f", O_RDWR | O_CREAT | O_EXCL,
	    0644));
	RL(rump_sys_mkdir("d", 0755));
	H_REQUIRE_ERRNO(EEXIST, rump_sys_open("d", O_RDWR | O_CREAT | O_EXCL,
	    0644));
	/* without O_EXCL the existing file opens, untruncated */
	fd = RL(rump_sys_open("f", O_RDWR | O_CREAT, 0644));
	RL(rump_sys_close(fd));
	ATF_CHECK_EQ(nlinks("f"), 1);
	{
		struct stat sb;

		RL(rump_sys_stat("f", &sb));
		ATF_CHECK_EQ(sb.st_size, 4);
	}
	H_REQUIRE_ERRNO(ENOENT, rump_sys_open("nothere", O_RDONLY, 0));
	H_REQUIRE_ERRNO(EISDIR, rump_sys_open("d", O_WRONLY, 0));
	H_REQUIRE_ERRNO(ENOTDIR, rump_sys_open("f", O_RDONLY | O_DIRECTORY, 0));
	fd = RL(rump_sys_open("d", O_RDONLY | O_DIRECTORY, 0));
	RL(rump_sys_close(fd));
	H_REQUIRE_ERRNO(EISDIR, rump_sys_open("newdir/",
	    O_RDWR | O_CREAT, 0644));
}

static void
dir_create_notempty(const struct fs_backend *fs, const char *mp)
{
	struct stat sb;

	RL(rump_sys_mkdir("d", 0755));
	H_REQUIRE_ERRNO(EEXIST, rump_sys_mkdir("d", 0755));
	H_REQUIRE_ERRNO(EEXIST, rump_sys_mkdir(".", 0755));
	RL(rump_sys_mkdir("d/sub", 0755));
	ATF_CHECK_EQ(nlinks("d"), 3);
	H_REQUIRE_ERRNO(ENOTEMPTY, rump_sys_rmdir("d"));
	mkfile("d/sub/f", "x");
	H_REQUIRE_ERRNO(ENOTEMPTY, rump_sys_rmdir("d/sub"));
	H_REQUIRE_ERRNO(ENOTDIR, rump_sys_rmdir("d/sub/f"));
	H_REQUIRE_ERRNO(EPERM, rump_sys_unlink("d/sub"));
	RL(rump_sys_unlink("d/sub/f"));
	H_REQUIRE_ERRNO(EINVAL, rump_sys_rmdir("d/sub/."));
	H_REQUIRE_ERRNO(EINVAL, rump_sys_rmdir("d/sub/.."));
	RL(rump_sys_rmdir("d/sub"));
	ATF_CHECK_EQ(nlinks("d"), 2);
	RL(rump_sys_rmdir("d"));
	H_REQUIRE_ERRNO(ENOENT, rump_sys_stat("d", &sb));
	H_REQUIRE_ERRNO(ENOENT, rump_sys_rmdir("d"));
}

/* rmdir of the working directory; ".." of it is then gone too. */
static void
dir_rmdir_dotdot(const struct fs_backend *fs, const char *mp)
{
	char buf[128];
	struct stat sb;

	RL(rump_sys_mkdir("test", 0777));
	RL(rump_sys_chdir("test"));
	RL(rump_sys_mkdir("subtest", 0777));
	RL(rump_sys_chdir("subtest"));
	snprintf(buf, sizeof(buf), "%s/test/subtest", mp);
	RL(rump_sys_rmdir(buf));
	snprintf(buf, sizeof(buf), "%s/test", mp);
	RL(rump_sys_rmdir(buf));
	H_REQUIRE_ERRNO(ENOENT, rump_sys_chdir(".."));
	H_REQUIRE_ERRNO(ENOENT, rump_sys_stat("..", &sb));
	H_REQUIRE_ERRNO(ENOENT, rump_sys_open("new", O_RDWR | O_CREAT, 0644));
	RL(rump_sys_chdir(mp));
}

static void
rename_files(const struct fs_backend *fs, const char *mp)
{
	char buf[16];
	struct stat sb;

	mkfile("a", "aaa");
	mkfile("b", "bbbbb");
	RL(rump_sys_link("b", "b2"));
	ATF_CHECK_EQ(nlinks("b"), 2);
	RL(rump_sys_rename("a", "b"));
	H_REQUIRE_ERRNO(ENOENT, rump_sys_stat("a", &sb));
	readfile("b", buf, sizeof(buf));
	ATF_CHECK_STREQ(buf, "aaa");
	/* the overwritten file lives on under its other name */
	readfile("b2", buf, sizeof(buf));
	ATF_CHECK_STREQ(buf, "bbbbb");
	ATF_CHECK_EQ(nlinks("b2"), 1);
	/* onto itself and onto another link of itself: nothing happens */
	RL(rump_sys_rename("b", "b"));
	RL(rump_sys_link("b", "c"));
	RL(rump_sys_rename("b", "c"));
	RL(rump_sys_stat("b", &sb));
	ATF_CHECK_EQ(sb.st_nlink, 2);
	RL(rump_sys_mkdir("d", 0755));
	H_REQUIRE_ERRNO(EISDIR, rump_sys_rename("b", "d"));
	H_REQUIRE_ERRNO(ENOTDIR, rump_sys_rename("d", "b"));
	RL(rump_sys_rename("b", "d/b"));
	readfile("d/b", buf, sizeof(buf));
	ATF_CHECK_STREQ(buf, "aaa");
	H_REQUIRE_ERRNO(ENOENT, rump_sys_rename("nothere", "x"));
	H_REQUIRE_ERRNO(ENOTDIR, rump_sys_rename("c", "nothere/"));
}

static void
rename_dirs(const struct fs_backend *fs, const char *mp)
{
	struct stat sb1, sb2;
	/* the root may hold a lost+found already (ext2) */
	nlink_t root = nlinks(".");

	RL(rump_sys_mkdir("dir1", 0755));
	RL(rump_sys_mkdir("dir1/sub", 0755));
	RL(rump_sys_mkdir("dir2", 0755));
	/* into its own child or itself below */
	H_REQUIRE_ERRNO(EINVAL, rump_sys_rename("dir1", "dir1/sub/x"));
	H_REQUIRE_ERRNO(EINVAL, rump_sys_rename("dir1", "dir1/x"));
	/* onto itself */
	RL(rump_sys_rename("dir1", "dir1"));
	H_REQUIRE_ERRNO(EINVAL, rump_sys_rename("dir1/.", "dir3"));
	H_REQUIRE_ERRNO(EINVAL, rump_sys_rename("dir1/..", "dir3"));
	H_REQUIRE_ERRNO(EINVAL, rump_sys_rename("dir2", "dir1/."));
	/* over an empty directory */
	RL(rump_sys_stat("dir2", &sb1));
	RL(rump_sys_rename("dir2", "dir1/sub"));
	RL(rump_sys_stat("dir1/sub", &sb2));
	ATF_CHECK_EQ(sb1.st_ino, sb2.st_ino);
	/* over a non-empty one */
	RL(rump_sys_mkdir("dir3", 0755));
	H_REQUIRE_ERRNO(ENOTEMPTY, rump_sys_rename("dir3", "dir1"));
	/* moving changes ".." and the link counts */
	ATF_CHECK_EQ(nlinks("."), root + 2);
	RL(rump_sys_rename("dir3", "dir1/sub/dir3"));
	ATF_CHECK_EQ(nlinks("."), root + 1);
	ATF_CHECK_EQ(nlinks("dir1/sub"), 3);
	RL(rump_sys_stat("dir1/sub/dir3/..", &sb1));
	ATF_CHECK_EQ(sb1.st_ino, sb2.st_ino);
	RL(rump_sys_rename("dir1/sub/dir3", "dir4"));
	RL(rump_sys_stat("dir4/..", &sb1));
	RL(rump_sys_stat(".", &sb2));
	ATF_CHECK_EQ(sb1.st_ino, sb2.st_ino);
}

static void
name_too_long(const struct fs_backend *fs, const char *mp)
{
	char name[NAME_MAX + 2], path[1100];
	struct stat sb;
	int fd;

	memset(name, 'a', sizeof(name));
	name[NAME_MAX + 1] = '\0';
	H_REQUIRE_ERRNO(ENAMETOOLONG, rump_sys_open(name, O_RDWR | O_CREAT,
	    0644));
	H_REQUIRE_ERRNO(ENAMETOOLONG, rump_sys_mkdir(name, 0755));
	H_REQUIRE_ERRNO(ENAMETOOLONG, rump_sys_stat(name, &sb));
	name[NAME_MAX] = '\0';
	fd = RL(rump_sys_open(name, O_RDWR | O_CREAT, 0644));
	RL(rump_sys_close(fd));
	RL(rump_sys_stat(name, &sb));
	RL(rump_sys_unlink(name));
	/* a path of PATH_MAX (1024) bytes and more */
	memset(path, '/', sizeof(path));
	path[sizeof(path) - 1] = '\0';
	H_REQUIRE_ERRNO(ENAMETOOLONG, rump_sys_stat(path, &sb));
	path[1023] = '\0';
	RL(rump_sys_stat(path, &sb));
}

static void
symlink_zerolen(const struct fs_backend *fs, const char *mp)
{
	char buf[16];
	struct stat sb;

	RL(rump_sys_symlink("", "empty"));
	RL(rump_sys_lstat("empty", &sb));
	ATF_CHECK(S_ISLNK(sb.st_mode));
	ATF_CHECK_EQ(sb.st_size, 0);
	H_REQUIRE_ERRNO(ENOENT, rump_sys_stat("empty", &sb));
	H_REQUIRE_ERRNO(EINVAL, rump_sys_readlink("empty", buf, 0));
	ATF_CHECK_EQ(RL(rump_sys_readlink("empty", buf, sizeof(buf))), 0);
	RL(rump_sys_unlink("empty"));
}

static void
symlink_loop_and_lstat(const struct fs_backend *fs, const char *mp)
{
	char buf[64];
	struct stat sb;
	int fd;

	RL(rump_sys_symlink("loop2", "loop1"));
	RL(rump_sys_symlink("loop1", "loop2"));
	H_REQUIRE_ERRNO(ELOOP, rump_sys_stat("loop1", &sb));
	H_REQUIRE_ERRNO(ELOOP, rump_sys_open("loop1", O_RDONLY, 0));
	RL(rump_sys_symlink("self", "self"));
	H_REQUIRE_ERRNO(ELOOP, rump_sys_stat("self/x", &sb));

	mkfile("target", "hello");
	RL(rump_sys_symlink("target", "link"));
	RL(rump_sys_lstat("link", &sb));
	ATF_CHECK(S_ISLNK(sb.st_mode));
	ATF_CHECK_EQ(sb.st_size, 6);
	RL(rump_sys_stat("link", &sb));
	ATF_CHECK(S_ISREG(sb.st_mode));
	ATF_CHECK_EQ(sb.st_size, 5);
	ATF_CHECK_EQ(RL(rump_sys_readlink("link", buf, sizeof(buf))), 6);
	ATF_CHECK(memcmp(buf, "target", 6) == 0);
	H_REQUIRE_ERRNO(EINVAL, rump_sys_readlink("target", buf, sizeof(buf)));
	H_REQUIRE_ERRNO(ELOOP, rump_sys_open("link", O_RDONLY | O_NOFOLLOW, 0));
	fd = RL(rump_sys_open("link", O_RDONLY, 0));
	RL(rump_sys_close(fd));
	/* an absolute symlink through the mount point, and a chain */
	snprintf(buf, sizeof(buf), "%s/target", mp);
	RL(rump_sys_symlink(buf, "abs"));
	RL(rump_sys_symlink("abs", "chain"));
	readfile("chain", buf, sizeof(buf));
	ATF_CHECK_STREQ(buf, "hello");
	/* a dangling symlink: O_CREAT makes its target */
	RL(rump_sys_symlink("made", "dangling"));
	fd = RL(rump_sys_open("dangling", O_WRONLY | O_CREAT, 0644));
	RL(rump_sys_close(fd));
	RL(rump_sys_stat("made", &sb));
	H_REQUIRE_ERRNO(EEXIST, rump_sys_symlink("x", "link"));
	/* unlinking a symlink removes the link, not the target */
	RL(rump_sys_unlink("link"));
	RL(rump_sys_stat("target", &sb));
}

static void
read_write_append(const struct fs_backend *fs, const char *mp)
{
	char buf[64];
	int fd;

	fd = RL(rump_sys_open("f", O_RDWR | O_CREAT, 0644));
	ATF_REQUIRE_EQ(RL(rump_sys_write(fd, "hello", 5)), 5);
	ATF_REQUIRE_EQ(RL(rump_sys_write(fd, " world", 6)), 6);
	ATF_CHECK_EQ(RL(rump_sys_lseek(fd, 0, SEEK_CUR)), 11);
	ATF_CHECK_EQ(RL(rump_sys_read(fd, buf, sizeof(buf))), 0);
	ATF_CHECK_EQ(RL(rump_sys_lseek(fd, 6, SEEK_SET)), 6);
	ATF_CHECK_EQ(RL(rump_sys_read(fd, buf, sizeof(buf))), 5);
	ATF_CHECK(memcmp(buf, "world", 5) == 0);
	ATF_CHECK_EQ(RL(rump_sys_pwrite(fd, "W", 1, 6)), 1);
	ATF_CHECK_EQ(RL(rump_sys_pread(fd, buf, 5, 6)), 5);
	ATF_CHECK(memcmp(buf, "World", 5) == 0);
	/* pread/pwrite leave the offset alone */
	ATF_CHECK_EQ(RL(rump_sys_lseek(fd, 0, SEEK_CUR)), 11);
	ATF_CHECK_EQ(RL(rump_sys_lseek(fd, -1, SEEK_END)), 10);
	H_REQUIRE_ERRNO(EINVAL, rump_sys_lseek(fd, -12, SEEK_END));
	H_REQUIRE_ERRNO(EINVAL, rump_sys_lseek(fd, 0, 42));
	H_REQUIRE_ERRNO(EINVAL, rump_sys_pread(fd, buf, 1, -1));
	RL(rump_sys_close(fd));

	fd = RL(rump_sys_open("f", O_WRONLY | O_APPEND, 0));
	RL(rump_sys_lseek(fd, 0, SEEK_SET));
	ATF_REQUIRE_EQ(RL(rump_sys_write(fd, "!", 1)), 1);
	ATF_CHECK_EQ(RL(rump_sys_lseek(fd, 0, SEEK_CUR)), 12);
	H_REQUIRE_ERRNO(EBADF, rump_sys_read(fd, buf, 1));
	RL(rump_sys_close(fd));
	readfile("f", buf, sizeof(buf));
	ATF_CHECK_STREQ(buf, "hello World!");

	fd = RL(rump_sys_open("f", O_RDONLY, 0));
	H_REQUIRE_ERRNO(EBADF, rump_sys_write(fd, "x", 1));
	H_REQUIRE_ERRNO(EBADF, rump_sys_pwrite(fd, "x", 1, 0));
	RL(rump_sys_close(fd));
	/* readv and writev gather and scatter at the file offset */
	{
		char b1[3], b2[4];
		struct iovec wv[2] = { { "abc", 3 }, { "defg", 4 } };
		struct iovec rv[2] = { { b1, sizeof(b1) }, { b2, sizeof(b2) } };

		fd = RL(rump_sys_open("v", O_RDWR | O_CREAT, 0644));
		ATF_REQUIRE_EQ(RL(rump_sys_writev(fd, wv, 2)), 7);
		ATF_CHECK_EQ(RL(rump_sys_lseek(fd, 0, SEEK_CUR)), 7);
		RL(rump_sys_lseek(fd, 0, SEEK_SET));
		ATF_REQUIRE_EQ(RL(rump_sys_readv(fd, rv, 2)), 7);
		ATF_CHECK(memcmp(b1, "abc", 3) == 0);
		ATF_CHECK(memcmp(b2, "defg", 4) == 0);
		ATF_CHECK_EQ(RL(rump_sys_readv(fd, rv, 2)), 0);
		RL(rump_sys_close(fd));
	}
	/* O_TRUNC empties */
	fd = RL(rump_sys_open("f", O_WRONLY | O_TRUNC, 0));
	RL(rump_sys_close(fd));
	ATF_CHECK_EQ(readfile("f", buf, sizeof(buf)), 0);
	/* a directory reads as EISDIR */
	fd = RL(rump_sys_open(".", O_RDONLY, 0));
	H_REQUIRE_ERRNO(EISDIR, rump_sys_read(fd, buf, sizeof(buf)));
	RL(rump_sys_close(fd));
}

/* Write, read back and compare a pattern that spans pages. */
static void
read_write_large(const struct fs_backend *fs, const char *mp)
{
	const size_t len = 5 * 4096 + 123;
	char *wbuf = malloc(len), *rbuf = malloc(len);
	int fd;

	ATF_REQUIRE(wbuf != NULL && rbuf != NULL);
	for (size_t i = 0; i < len; i++)
		wbuf[i] = (char)(i * 7 + i / 4096);
	fd = RL(rump_sys_open("big", O_RDWR | O_CREAT, 0644));
	ATF_REQUIRE_EQ(RL(rump_sys_write(fd, wbuf, len)), (ssize_t)len);
	ATF_REQUIRE_EQ(RL(rump_sys_pread(fd, rbuf, len, 0)), (ssize_t)len);
	ATF_CHECK(memcmp(wbuf, rbuf, len) == 0);
	ATF_REQUIRE_EQ(RL(rump_sys_pread(fd, rbuf, 100, 4090)), 100);
	ATF_CHECK(memcmp(wbuf + 4090, rbuf, 100) == 0);
	RL(rump_sys_close(fd));
	free(wbuf);
	free(rbuf);
}

static int
allzero(const char *buf, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (buf[i] != 0)
			return 0;
	}
	return 1;
}

static void
truncate_up_down(const struct fs_backend *fs, const char *mp)
{
	char buf[8192];
	struct stat sb;
	int fd;

	mkfile("f", "0123456789");
	RL(rump_sys_truncate("f", 4));
	ATF_CHECK_EQ(readfile("f", buf, sizeof(buf)), 4);
	ATF_CHECK_STREQ(buf, "0123");
	/* up: the new bytes are zeros, not the old data */
	RL(rump_sys_truncate("f", 6000));
	RL(rump_sys_stat("f", &sb));
	ATF_CHECK_EQ(sb.st_size, 6000);
	fd = RL(rump_sys_open("f", O_RDWR, 0));
	ATF_REQUIRE_EQ(RL(rump_sys_read(fd, buf, sizeof(buf))), 6000);
	ATF_CHECK(memcmp(buf, "0123", 4) == 0);
	ATF_CHECK(allzero(buf + 4, 6000 - 4));
	RL(rump_sys_ftruncate(fd, 0));
	RL(rump_sys_fstat(fd, &sb));
	ATF_CHECK_EQ(sb.st_size, 0);
	ATF_CHECK_EQ(sb.st_blocks, 0);
	H_REQUIRE_ERRNO(EINVAL, rump_sys_ftruncate(fd, -1));
	RL(rump_sys_close(fd));
	fd = RL(rump_sys_open("f", O_RDONLY, 0));
	H_REQUIRE_ERRNO(EINVAL, rump_sys_ftruncate(fd, 10));
	RL(rump_sys_close(fd));
	RL(rump_sys_mkdir("d", 0755));
	H_REQUIRE_ERRNO(EISDIR, rump_sys_truncate("d", 0));
}

static void
sparse_reads(const struct fs_backend *fs, const char *mp)
{
	char buf[4096];
	struct stat sb;
	int fd;

	fd = RL(rump_sys_open("sparse", O_RDWR | O_CREAT, 0644));
	/* one byte 100 MiB in: one page of storage */
	ATF_REQUIRE_EQ(RL(rump_sys_pwrite(fd, "z", 1, 100 << 20)), 1);
	RL(rump_sys_fstat(fd, &sb));
	ATF_CHECK_EQ(sb.st_size, (100 << 20) + 1);
	ATF_CHECK_MSG(sb.st_blocks * 512 <= 64 * 1024,
	    "a sparse file takes %lld bytes", (long long)sb.st_blocks * 512);
	memset(buf, 'x', sizeof(buf));
	ATF_REQUIRE_EQ(RL(rump_sys_pread(fd, buf, sizeof(buf), 50 << 20)),
	    (ssize_t)sizeof(buf));
	ATF_CHECK(allzero(buf, sizeof(buf)));
	memset(buf, 'x', sizeof(buf));
	ATF_REQUIRE_EQ(RL(rump_sys_pread(fd, buf, sizeof(buf),
	    (100 << 20) - 10)), 11);
	ATF_CHECK(allzero(buf, 10));
	ATF_CHECK_EQ(buf[10], 'z');
	RL(rump_sys_close(fd));
}

static void
hardlink_counts(const struct fs_backend *fs, const char *mp)
{
	struct stat sb1, sb2;

	mkfile("f", "x");
	ATF_CHECK_EQ(nlinks("f"), 1);
	RL(rump_sys_link("f", "g"));
	RL(rump_sys_mkdir("d", 0755));
	RL(rump_sys_link("f", "d/h"));
	ATF_CHECK_EQ(nlinks("g"), 3);
	RL(rump_sys_stat("f", &sb1));
	RL(rump_sys_stat("d/h", &sb2));
	ATF_CHECK_EQ(sb1.st_ino, sb2.st_ino);
	RL(rump_sys_unlink("f"));
	ATF_CHECK_EQ(nlinks("g"), 2);
	H_REQUIRE_ERRNO(EEXIST, rump_sys_link("g", "d/h"));
	H_REQUIRE_ERRNO(EPERM, rump_sys_link("d", "d2"));
	H_REQUIRE_ERRNO(ENOENT, rump_sys_link("nothere", "x"));
	/* directories: 2 + subdirectories */
	ATF_CHECK_EQ(nlinks("d"), 2);
	RL(rump_sys_mkdir("d/s1", 0755));
	RL(rump_sys_mkdir("d/s2", 0755));
	ATF_CHECK_EQ(nlinks("d"), 4);
	RL(rump_sys_rmdir("d/s1"));
	ATF_CHECK_EQ(nlinks("d"), 3);
}

static void
unlinked_open_file(const struct fs_backend *fs, const char *mp)
{
	char buf[16];
	struct stat sb;
	int fd;

	mkfile("f", "survivor");
	fd = RL(rump_sys_open("f", O_RDWR, 0));
	RL(rump_sys_unlink("f"));
	H_REQUIRE_ERRNO(ENOENT, rump_sys_stat("f", &sb));
	RL(rump_sys_fstat(fd, &sb));
	ATF_CHECK_EQ(sb.st_nlink, 0);
	ATF_CHECK_EQ(RL(rump_sys_pread(fd, buf, sizeof(buf), 0)), 8);
	ATF_CHECK(memcmp(buf, "survivor", 8) == 0);
	ATF_CHECK_EQ(RL(rump_sys_pwrite(fd, "S", 1, 0)), 1);
	ATF_CHECK_EQ(RL(rump_sys_pread(fd, buf, 1, 0)), 1);
	ATF_CHECK_EQ(buf[0], 'S');
	/* a new file of the same name is another file */
	mkfile("f", "new");
	ATF_CHECK_EQ(RL(rump_sys_pread(fd, buf, sizeof(buf), 0)), 8);
	RL(rump_sys_close(fd));
	/* the kernel's leak check at shutdown proves the node went */
}

/* Read every entry of dir with getdents, bufsize bytes at a time. */
static size_t
countdir(const char *dir, size_t bufsize, char *seen, size_t nseen)
{
	char *buf = malloc(bufsize);
	size_t count = 0;
	ssize_t n;
	int fd;

	ATF_REQUIRE(buf != NULL);
	fd = RL(rump_sys_open(dir, O_RDONLY | O_DIRECTORY, 0));
	while ((n = RL(rump_sys_getdents(fd, buf, bufsize))) > 0) {
		for (ssize_t off = 0; off < n;) {
			struct dirent *d = (struct dirent *)(buf + off);
			unsigned long i;

			ATF_REQUIRE(d->d_reclen > 0);
			if (strcmp(d->d_name, ".") != 0 &&
			    strcmp(d->d_name, "..") != 0) {
				ATF_REQUIRE_EQ(d->d_type, DT_REG);
				i = strtoul(d->d_name + 1, NULL, 10);
				ATF_REQUIRE_MSG(i < nseen && !seen[i],
				    "bad or repeated entry %s", d->d_name);
				seen[i] = 1;
			} else {
				ATF_REQUIRE_EQ(d->d_type, DT_DIR);
			}
			count++;
			off += d->d_reclen;
		}
	}
	RL(rump_sys_close(fd));
	free(buf);
	return count;
}

static void
dir_many_entries(const struct fs_backend *fs, const char *mp)
{
	const size_t n = 10000;
	char name[32], *seen = calloc(n, 1);
	struct stat sb;
	int fd;

	ATF_REQUIRE(seen != NULL);
	RL(rump_sys_mkdir("big", 0755));
	for (size_t i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "big/f%zu", i);
		fd = RL(rump_sys_open(name, O_WRONLY | O_CREAT | O_EXCL,
		    0644));
		RL(rump_sys_close(fd));
	}
	ATF_CHECK_EQ(countdir("big", 4096, seen, n), n + 2);
	for (size_t i = 0; i < n; i++)
		ATF_REQUIRE_MSG(seen[i], "f%zu missing from getdents", i);
	/* remove every other entry, read back with a tiny buffer */
	for (size_t i = 0; i < n; i += 2) {
		snprintf(name, sizeof(name), "big/f%zu", i);
		RL(rump_sys_unlink(name));
	}
	memset(seen, 0, n);
	ATF_CHECK_EQ(countdir("big", 64, seen, n), n / 2 + 2);
	for (size_t i = 0; i < n; i++)
		ATF_REQUIRE_EQ(seen[i], i % 2);
	snprintf(name, sizeof(name), "big/f%zu", n - 1);
	RL(rump_sys_stat(name, &sb));
	/* a buffer too small for one entry */
	fd = RL(rump_sys_open("big", O_RDONLY, 0));
	H_REQUIRE_ERRNO(EINVAL, rump_sys_getdents(fd, name, 8));
	RL(rump_sys_close(fd));
	for (size_t i = 1; i < n; i += 2) {
		snprintf(name, sizeof(name), "big/f%zu", i);
		RL(rump_sys_unlink(name));
	}
	RL(rump_sys_rmdir("big"));
	free(seen);
}

/* 100,000 names in one directory: creation and lookup stay usable. */
static void
dir_100k_lookup(const struct fs_backend *fs, const char *mp)
{
	const int n = 100000;
	char name[32];
	struct stat sb;
	int fd;

	RL(rump_sys_mkdir("huge", 0755));
	for (int i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "huge/%07d", i);
		fd = RL(rump_sys_open(name, O_WRONLY | O_CREAT | O_EXCL, 0644));
		RL(rump_sys_close(fd));
	}
	for (int i = 0; i < n; i += 997) {
		snprintf(name, sizeof(name), "huge/%07d", i);
		RL(rump_sys_stat(name, &sb));
		ATF_CHECK(S_ISREG(sb.st_mode));
		snprintf(name, sizeof(name), "huge/%07dx", i);
		H_REQUIRE_ERRNO(ENOENT, rump_sys_stat(name, &sb));
	}
	RL(rump_sys_stat("huge", &sb));
	ATF_CHECK_EQ(sb.st_nlink, 2);
	for (int i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "huge/%07d", i);
		RL(rump_sys_unlink(name));
	}
	RL(rump_sys_rmdir("huge"));
}

#define SMALLFS		(256 * 1024)

static void
enospc_recover(const struct fs_backend *fs, const char *mp)
{
	char buf[4096], rbuf[4096];
	struct stat sb;
	ssize_t n = 0, total = 0;
	int fd, i;

	memset(buf, 'q', sizeof(buf));
	fd = RL(rump_sys_open("fill", O_WRONLY | O_CREAT, 0644));
	for (i = 0; i < 1000; i++) {
		n = rump_sys_write(fd, buf, sizeof(buf));
		if (n == -1)
			break;
		total += n;
	}
	ATF_REQUIRE_MSG(n == -1 && errno == ENOSPC,
	    "wrote %zd bytes to a %d-byte file system without ENOSPC",
	    total, SMALLFS);
	ATF_CHECK(total > 0 && total <= SMALLFS);
	RL(rump_sys_close(fd));
	/* consistent: the size is what was written, the data readable */
	RL(rump_sys_stat("fill", &sb));
	ATF_CHECK_EQ(sb.st_size, total);
	fd = RL(rump_sys_open("fill", O_RDONLY, 0));
	ATF_REQUIRE_EQ(RL(rump_sys_pread(fd, rbuf, sizeof(rbuf), total - 4096)),
	    4096);
	ATF_CHECK(memcmp(buf, rbuf, sizeof(rbuf)) == 0);
	RL(rump_sys_close(fd));
	/* creating things fails cleanly too, or succeeds */
	for (i = 0; i < 100; i++) {
		snprintf(rbuf, sizeof(rbuf), "d%d", i);
		if (rump_sys_mkdir(rbuf, 0755) == -1) {
			ATF_REQUIRE_EQ(errno, ENOSPC);
			break;
		}
	}
	ATF_CHECK_MSG(i < 100, "100 directories fit in a full file system");
	/* and after freeing space the file system works again */
	RL(rump_sys_unlink("fill"));
	fd = RL(rump_sys_open("again", O_RDWR | O_CREAT, 0644));
	ATF_REQUIRE_EQ(RL(rump_sys_write(fd, buf, sizeof(buf))), 4096);
	RL(rump_sys_close(fd));
	for (int j = 0; j < i; j++) {
		snprintf(rbuf, sizeof(rbuf), "d%d", j);
		RL(rump_sys_rmdir(rbuf));
	}
}

static void
mount_busy(const struct fs_backend *fs, const char *mp)
{
	struct stat sb1, sb2;
	int fd;

	RL(rump_sys_mkdir("sub", 0755));
	RL(rump_sys_stat("sub", &sb1));
	RL(rump_sys_mount("tmpfs", "sub", 0, NULL, 0));
	RL(rump_sys_stat("sub", &sb2));
	ATF_CHECK(sb1.st_dev != sb2.st_dev);
	H_REQUIRE_ERRNO(EBUSY, rump_sys_rmdir("sub"));
	mkfile("sub/f", "x");
	fd = RL(rump_sys_open("sub/f", O_RDONLY, 0));
	H_REQUIRE_ERRNO(EBUSY, rump_sys_unmount("sub", 0));
	RL(rump_sys_close(fd));
	RL(rump_sys_chdir("sub"));
	H_REQUIRE_ERRNO(EBUSY, rump_sys_unmount(".", 0));
	RL(rump_sys_chdir(".."));
	/* the mount point's file system is busy while sub is mounted */
	H_REQUIRE_ERRNO(EBUSY, rump_sys_unmount(mp, 0));
	H_REQUIRE_ERRNO(EINVAL, rump_sys_unmount("sub/f", 0));
	RL(rump_sys_unmount("sub", 0));
	/* the covered directory is back, empty */
	RL(rump_sys_stat("sub", &sb2));
	ATF_CHECK_EQ(sb1.st_ino, sb2.st_ino);
	ATF_CHECK_EQ(sb1.st_dev, sb2.st_dev);
	H_REQUIRE_ERRNO(ENOENT, rump_sys_stat("sub/f", &sb2));
	H_REQUIRE_ERRNO(ENODEV, rump_sys_mount("nofs", "sub", 0, NULL, 0));
	H_REQUIRE_ERRNO(ENOENT, rump_sys_unmount("nothere", 0));
	RL(rump_sys_rmdir("sub"));
}

static void
statvfs_counts(const struct fs_backend *fs, const char *mp)
{
	struct statvfs sv1, sv2;
	char buf[4096];
	int fd;

	RL(rump_sys_statvfs(".", &sv1));
	ATF_CHECK_EQ(sv1.f_namemax, 255);
	ATF_CHECK(sv1.f_bsize > 0 && sv1.f_frsize > 0);
	ATF_CHECK(sv1.f_bfree <= sv1.f_blocks);
	ATF_CHECK(sv1.f_bavail <= sv1.f_bfree);
	ATF_CHECK(sv1.f_blocks * sv1.f_frsize <= SMALLFS);
	memset(buf, 1, sizeof(buf));
	fd = RL(rump_sys_open("f", O_WRONLY | O_CREAT, 0644));
	for (int i = 0; i < 8; i++)
		RL(rump_sys_write(fd, buf, sizeof(buf)));
	RL(rump_sys_fsync(fd));
	RL(rump_sys_close(fd));
	RL(rump_sys_sync());
	RL(rump_sys_statvfs("f", &sv2));
	ATF_CHECK_EQ(sv1.f_fsid, sv2.f_fsid);
	ATF_CHECK_MSG(sv1.f_bfree - sv2.f_bfree >= 8 * 4096 / sv1.f_frsize,
	    "32 KiB written, free blocks %llu -> %llu",
	    (unsigned long long)sv1.f_bfree, (unsigned long long)sv2.f_bfree);
	RL(rump_sys_unlink("f"));
	RL(rump_sys_statvfs(".", &sv2));
	ATF_CHECK_EQ(sv1.f_bfree, sv2.f_bfree);
	/* the root is another file system */
	RL(rump_sys_statvfs("/", &sv2));
	ATF_CHECK(sv1.f_fsid != sv2.f_fsid);
}

static void
attrs_times(const struct fs_backend *fs, const char *mp)
{
	struct stat sb1, sb2;
	int fd;

	mkfile("f", "x");
	RL(rump_sys_stat("f", &sb1));
	ATF_CHECK_EQ(sb1.st_mode & 07777, 0644 & ~022);
	ATF_CHECK_EQ(sb1.st_uid, 0);
	ATF_CHECK(sb1.st_mtim.tv_sec > 0);
	RL(rump_sys_chmod("f", 04711));
	RL(rump_sys_chown("f", 1000, 100));
	RL(rump_sys_stat("f", &sb2));
	ATF_CHECK_EQ(sb2.st_mode, S_IFREG | 04711);
	ATF_CHECK_EQ(sb2.st_uid, 1000);
	ATF_CHECK_EQ(sb2.st_gid, 100);
	RL(rump_sys_chown("f", (uid_t)-1, 5));
	RL(rump_sys_stat("f", &sb2));
	ATF_CHECK_EQ(sb2.st_uid, 1000);
	ATF_CHECK_EQ(sb2.st_gid, 5);
	fd = RL(rump_sys_open("f", O_RDWR, 0));
	RL(rump_sys_fchmod(fd, 0600));
	RL(rump_sys_fchown(fd, 7, 8));
	RL(rump_sys_fstat(fd, &sb2));
	ATF_CHECK_EQ(sb2.st_mode & 07777, 0600);
	ATF_CHECK_EQ(sb2.st_uid, 7);
	RL(rump_sys_close(fd));
	/* a write moves mtime forward (never back) */
	RL(rump_sys_stat("f", &sb1));
	mkfile("f", "y");
	RL(rump_sys_stat("f", &sb2));
	ATF_CHECK(sb2.st_mtim.tv_sec > sb1.st_mtim.tv_sec ||
	    (sb2.st_mtim.tv_sec == sb1.st_mtim.tv_sec &&
	    sb2.st_mtim.tv_nsec >= sb1.st_mtim.tv_nsec));
	/* utimes sets both times, or both to now */
	{
		struct timeval tv[2] = { { 1000, 5 }, { 2000, 7 } };

		RL(rump_sys_utimes("f", tv));
		RL(rump_sys_stat("f", &sb1));
		ATF_CHECK_EQ(sb1.st_atim.tv_sec, 1000);
		ATF_CHECK_EQ(sb1.st_atim.tv_nsec, 5000);
		ATF_CHECK_EQ(sb1.st_mtim.tv_sec, 2000);
		ATF_CHECK_EQ(sb1.st_mtim.tv_nsec, 7000);
		tv[1].tv_usec = 1000000;
		H_REQUIRE_ERRNO(EINVAL, rump_sys_utimes("f", tv));
		RL(rump_sys_utimes("f", NULL));
		RL(rump_sys_stat("f", &sb1));
		ATF_CHECK(sb1.st_mtim.tv_sec > 2000);
		ATF_CHECK_EQ(sb1.st_atim.tv_sec, sb1.st_mtim.tv_sec);
	}
	/* umask applies to creation */
	ATF_CHECK_EQ(rump_sys_umask(077), 022);
	RL(rump_sys_mkdir("d", 0777));
	RL(rump_sys_stat("d", &sb1));
	ATF_CHECK_EQ(sb1.st_mode, S_IFDIR | 0700);
	ATF_CHECK_EQ(rump_sys_umask(022), 077);
}

/*
 * Several threads rename, make and remove the same few directories for
 * a bounded time.  Every call either works or fails with an error the
 * race explains; afterwards the tree is consistent (link counts, every
 * directory removable) and nothing leaked (the shutdown check).
 */
#define RACE_THREADS	4
#define RACE_SECONDS	2
#define RACE_MAXOPS	20000

struct race {
	volatile int	 stop;
	unsigned int	 seed;
	unsigned long	 ops;
	int		 bad_errno;
	const char	*bad_op;
};

static int
race_expected(int e)
{
	return e == ENOENT || e == EEXIST || e == ENOTEMPTY || e == EINVAL ||
	    e == ENOTDIR || e == EISDIR || e == EPERM;
}

static void *
race_main(void *arg)
{
	static const char *const paths[] = {
		"r/a", "r/a/b", "r/c", "r/b", "r/c/b", "r/a/b/x",
	};
	struct race *r = arg;
	struct stat sb;

	while (!r->stop && r->ops < RACE_MAXOPS) {
		const char *p1 = paths[rand_r(&r->seed) % 6];
		const char *p2 = paths[rand_r(&r->seed) % 6];
		const char *op;
		int rv;

		switch (rand_r(&r->seed) % 7) {
		case 4:
			op = "create";
			if ((rv = rump_sys_open(p1, O_RDWR | O_CREAT, 0644)) !=
			    -1) {
				rump_sys_write(rv, "x", 1);
				rv = rump_sys_close(rv);
			}
			break;
		case 5:
			op = "unlink";
			rv = rump_sys_unlink(p1);
			break;
		case 6:
			op = "link";
			rv = rump_sys_link(p1, p2);
			break;
		case 0:
			op = "mkdir";
			rv = rump_sys_mkdir(p1, 0755);
			break;
		case 1:
			op = "rmdir";
			rv = rump_sys_rmdir(p1);
			break;
		case 2:
			op = "rename";
			rv = rump_sys_rename(p1, p2);
			break;
		default:
			op = "stat";
			rv = rump_sys_stat(p1, &sb);
			break;
		}
		if (rv == -1 && !race_expected(errno) && r->bad_errno == 0) {
			r->bad_errno = errno;
			r->bad_op = op;
		}
		r->ops++;
	}
	return NULL;
}

/* Remove the tree at path; every directory must go (unlinking files). */
static void
rmtree(const char *path)
{
	char buf[4096], sub[512];
	ssize_t n;
	int fd, found;

	do {
		found = 0;
		fd = RL(rump_sys_open(path, O_RDONLY | O_DIRECTORY, 0));
		while (!found && (n = RL(rump_sys_getdents(fd, buf,
		    sizeof(buf)))) > 0) {
			for (ssize_t off = 0; off < n;) {
				struct dirent *d = (struct dirent *)(buf + off);

				off += d->d_reclen;
				if (strcmp(d->d_name, ".") == 0 ||
				    strcmp(d->d_name, "..") == 0)
					continue;
				if ((size_t)snprintf(sub, sizeof(sub), "%s/%s",
				    path, d->d_name) >= sizeof(sub))
					atf_tc_fail("path too long: %s", path);
				if (d->d_type != DT_DIR) {
					RL(rump_sys_unlink(sub));
					continue;
				}
				found = 1;
				break;
			}
		}
		RL(rump_sys_close(fd));
		if (found)
			rmtree(sub);
	} while (found);
	ATF_CHECK_EQ(nlinks(path), 2);
	RL(rump_sys_rmdir(path));
}

static void
rename_rmdir_race(const struct fs_backend *fs, const char *mp)
{
	struct race r[RACE_THREADS];
	pthread_t t[RACE_THREADS];
	time_t start = time(NULL);
	unsigned long total = 0;

	RL(rump_sys_mkdir("r", 0755));
	memset(r, 0, sizeof(r));
	for (int i = 0; i < RACE_THREADS; i++) {
		r[i].seed = (unsigned int)(start + i);
		ATF_REQUIRE(pthread_create(&t[i], NULL, race_main, &r[i]) == 0);
	}
	while (time(NULL) - start < RACE_SECONDS) {
		int done = 1;

		for (int i = 0; i < RACE_THREADS; i++)
			done &= r[i].ops >= RACE_MAXOPS;
		if (done)
			break;
		usleep(10000);
	}
	for (int i = 0; i < RACE_THREADS; i++)
		r[i].stop = 1;
	for (int i = 0; i < RACE_THREADS; i++) {
		ATF_REQUIRE(pthread_join(t[i], NULL) == 0);
		ATF_CHECK_MSG(r[i].bad_errno == 0, "thread %d: %s: %s", i,
		    r[i].bad_op, strerror(r[i].bad_errno));
		total += r[i].ops;
	}
	printf("%lu operations (seed %ld)\n", total, (long)start);
	ATF_CHECK(total > 0);
	rmtree("r");
}

/*
 * Readers and writers of one file at once, plus directory operations
 * on the same mount: a read sees each write whole or not at all (the
 * file's lock is exclusive for writers, shared among readers), and the
 * size and contents agree afterwards.
 */
#define RW_LEN		(64 * 1024)

struct rw_state {
	const char	*path;
	volatile int	 stop;
	int		 torn;		/* a read mixing two writes */
	int		 errors;
	unsigned	 reads;
};

static void *
rw_reader(void *arg)
{
	struct rw_state *st = arg;
	static __thread char buf[RW_LEN];
	int fd = rump_sys_open(st->path, O_RDONLY, 0);

	if (fd == -1) {
		__atomic_add_fetch(&st->errors, 1, __ATOMIC_RELAXED);
		return NULL;
	}
	while (!st->stop) {
		ssize_t n = rump_sys_pread(fd, buf, RW_LEN, 0);

		if (n != RW_LEN) {
			__atomic_add_fetch(&st->errors, 1, __ATOMIC_RELAXED);
			break;
		}
		for (size_t i = 1; i < RW_LEN; i++) {
			if (buf[i] != buf[0]) {
				__atomic_add_fetch(&st->torn, 1,
				    __ATOMIC_RELAXED);
				break;
			}
		}
		__atomic_add_fetch(&st->reads, 1, __ATOMIC_RELAXED);
	}
	rump_sys_close(fd);
	return NULL;
}

static void *
rw_writer(void *arg)
{
	struct rw_state *st = arg;
	static __thread char buf[RW_LEN];
	int fd = rump_sys_open(st->path, O_WRONLY, 0);

	if (fd == -1) {
		__atomic_add_fetch(&st->errors, 1, __ATOMIC_RELAXED);
		return NULL;
	}
	for (unsigned i = 0; !st->stop; i++) {
		memset(buf, 'a' + (int)(i % 26), RW_LEN);
		if (rump_sys_pwrite(fd, buf, RW_LEN, 0) != RW_LEN) {
			__atomic_add_fetch(&st->errors, 1, __ATOMIC_RELAXED);
			break;
		}
	}
	rump_sys_close(fd);
	return NULL;
}

static void *
rw_dirops(void *arg)
{
	struct rw_state *st = arg;

	while (!st->stop) {
		if (rump_sys_mkdir("rwdir", 0755) == -1 ||
		    rump_sys_rmdir("rwdir") == -1)
			__atomic_add_fetch(&st->errors, 1, __ATOMIC_RELAXED);
	}
	return NULL;
}

static void
read_write_concurrent(const struct fs_backend *fs, const char *mp)
{
	struct rw_state st = { .path = "rwfile" };
	struct timespec ts = { 0, 300 * 1000 * 1000 };
	void *(*fn[5])(void *) = { rw_reader, rw_reader, rw_writer,
	    rw_writer, rw_dirops };
	pthread_t t[5];
	static char buf[RW_LEN];
	struct stat sb;
	int fd;

	memset(buf, 'z', sizeof(buf));
	RL(fd = rump_sys_open(st.path, O_RDWR | O_CREAT, 0644));
	ATF_REQUIRE_EQ(rump_sys_write(fd, buf, RW_LEN), RW_LEN);
	for (int i = 0; i < 5; i++)
		ATF_REQUIRE(pthread_create(&t[i], NULL, fn[i], &st) == 0);
	nanosleep(&ts, NULL);
	st.stop = 1;
	for (int i = 0; i < 5; i++)
		ATF_REQUIRE(pthread_join(t[i], NULL) == 0);
	ATF_REQUIRE_EQ(st.errors, 0);
	ATF_REQUIRE_EQ_MSG(st.torn, 0, "%d of %u reads saw two writes",
	    st.torn, st.reads);
	ATF_REQUIRE(st.reads > 0);
	RL(rump_sys_fstat(fd, &sb));
	ATF_REQUIRE_EQ(sb.st_size, RW_LEN);
	RL(rump_sys_close(fd));
	RL(rump_sys_unlink(st.path));
}

/*
 * Pages on both sides of where a file's page table starts (tmpfs keeps
 * the first pages in the node): writes, holes, truncation across it.
 */
static void
truncate_across_tables(const struct fs_backend *fs, const char *mp)
{
	const off_t pg = 4096, npg = 40;
	char buf[4096], want[4096];
	struct stat sb;
	int fd;

	/* data in pages 0, 3, 6, ..., 39 */
	RL(fd = rump_sys_open("big", O_RDWR | O_CREAT, 0644));
	for (off_t i = 0; i < npg; i += 3) {
		memset(buf, 'a' + (int)(i % 26), sizeof(buf));
		ATF_REQUIRE_EQ(rump_sys_pwrite(fd, buf, sizeof(buf), i * pg),
		    (ssize_t)sizeof(buf));
	}
	/* cut inside page 21, then inside page 12, then extend again */
	RL(rump_sys_ftruncate(fd, 21 * pg + 100));
	RL(rump_sys_ftruncate(fd, 12 * pg + 100));
	RL(rump_sys_ftruncate(fd, npg * pg));
	for (off_t i = 0; i < npg; i++) {
		ATF_REQUIRE_EQ(rump_sys_pread(fd, buf, sizeof(buf), i * pg),
		    (ssize_t)sizeof(buf));
		memset(want, 0, sizeof(want));
		if (i % 3 == 0 && i < 12)
			memset(want, 'a' + (int)(i % 26), sizeof(want));
		else if (i == 12)
			memset(want, 'a' + 12, 100);
		ATF_REQUIRE_MSG(memcmp(buf, want, sizeof(buf)) == 0,
		    "page %jd", (intmax_t)i);
	}
	RL(rump_sys_fstat(fd, &sb));
	ATF_REQUIRE_EQ(sb.st_size, npg * pg);
	/* only pages 0, 3, 6, 9 and 12 hold data now */
	ATF_REQUIRE_MSG(sb.st_blocks * 512 <= 5 * pg, "%jd blocks",
	    (intmax_t)sb.st_blocks);
	RL(rump_sys_close(fd));
	RL(rump_sys_unlink("big"));
}

/* Threads opening one name with O_CREAT (no O_EXCL), another unlinking. */
struct creat_race {
	volatile int	 stop;
	int		 bad;
	unsigned	 opens;
};

static void *
creat_opener(void *arg)
{
	struct creat_race *c = arg;

	while (!c->stop) {
		int fd = rump_sys_open("cr", O_RDWR | O_CREAT, 0644);

		if (fd == -1) {
			c->bad = errno;
			break;
		}
		rump_sys_close(fd);
		__atomic_add_fetch(&c->opens, 1, __ATOMIC_RELAXED);
	}
	return NULL;
}

static void *
creat_unlinker(void *arg)
{
	struct creat_race *c = arg;

	while (!c->stop) {
		if (rump_sys_unlink("cr") == -1 && errno != ENOENT) {
			c->bad = errno;
			break;
		}
	}
	return NULL;
}

static void
open_creat_race(const struct fs_backend *fs, const char *mp)
{
	struct creat_race c = { .stop = 0 };
	void *(*fn[4])(void *) = { creat_opener, creat_opener, creat_opener,
	    creat_unlinker };
	struct timespec ts = { 0, 300 * 1000 * 1000 };
	pthread_t t[4];

	for (int i = 0; i < 4; i++)
		ATF_REQUIRE(pthread_create(&t[i], NULL, fn[i], &c) == 0);
	nanosleep(&ts, NULL);
	c.stop = 1;
	for (int i = 0; i < 4; i++)
		ATF_REQUIRE(pthread_join(t[i], NULL) == 0);
	ATF_REQUIRE_EQ_MSG(c.bad, 0, "open(O_CREAT) or unlink: %s",
	    strerror(c.bad));
	ATF_REQUIRE(c.opens > 0);
	(void)rump_sys_unlink("cr");
}

FSTEST(lookup_simple, "simple lookups: absolute, relative, ENOENT, ENOTDIR")
FSTEST(lookup_complex, "lookups through ., .., //, trailing / and mount points")
FSTEST(open_excl_existing, "O_CREAT|O_EXCL on existing names; O_DIRECTORY")
FSTEST(dir_create_notempty, "mkdir, EEXIST, rmdir of non-empty, . and ..")
FSTEST(dir_rmdir_dotdot, "rmdir of the working directory and its parent")
FSTEST(rename_files, "rename files over files, onto links, into directories")
FSTEST(rename_dirs, "rename directories: into own child EINVAL, over empty/non-empty, .. moves")
FSTEST(name_too_long, "names over NAME_MAX and paths over PATH_MAX: ENAMETOOLONG")
FSTEST(symlink_zerolen, "a zero-length symlink: lstat, ENOENT when followed")
FSTEST(symlink_loop_and_lstat, "looping symlinks give ELOOP; lstat, readlink, O_NOFOLLOW")
FSTEST(read_write_append, "read, write, lseek, pread, pwrite, O_APPEND, O_TRUNC")
FSTEST(read_write_large, "data spanning pages reads back")
FSTEST(truncate_up_down, "truncate down keeps the head, up reads zeros")
FSTEST(sparse_reads, "a sparse file takes little space and its holes read as zeros")
FSTEST(hardlink_counts, "link counts of files and directories")
FSTEST(unlinked_open_file, "an unlinked open file keeps its data until close")
FSTEST(dir_many_entries, "10000 entries read back completely with getdents")
FSTEST(dir_100k_lookup, "a directory of 100,000 entries: create, look up, remove")
FSTEST_SIZE(enospc_recover, SMALLFS, "a full file system gives ENOSPC and works again after")
FSTEST(mount_busy, "mount over a directory; unmount EBUSY while in use")
FSTEST_SIZE(statvfs_counts, SMALLFS, "statvfs reflects the size limit and usage")
FSTEST(attrs_times, "chmod, chown, fchmod, fchown, umask and times")
FSTEST(truncate_across_tables, "pages before and after the start of a file's page table: holes and truncation across it")
FSTEST_ENV(open_creat_race, "RUMP_NCPU=2", "three threads open one name with O_CREAT while one unlinks it: never EEXIST")
FSTEST_ENV(read_write_concurrent, "RUMP_NCPU=2", "two readers, two writers of one file and mkdir/rmdir on the mount at once: reads never see a write half done")
FSTEST_ENV(rename_rmdir_race, "RUMP_NCPU=2", "threads racing rename, mkdir, rmdir, create, link and unlink: no crash, leak or deadlock; the tree stays consistent")

ATF_TP_ADD_TCS(tp)
{
	FSAPPLY(tp, lookup_simple);
	FSAPPLY(tp, lookup_complex);
	FSAPPLY(tp, open_excl_existing);
	FSAPPLY(tp, dir_create_notempty);
	FSAPPLY(tp, dir_rmdir_dotdot);
	FSAPPLY(tp, rename_files);
	FSAPPLY(tp, rename_dirs);
	FSAPPLY(tp, name_too_long);
	FSAPPLY(tp, symlink_zerolen);
	FSAPPLY(tp, symlink_loop_and_lstat);
	FSAPPLY(tp, read_write_append);
	FSAPPLY(tp, read_write_large);
	FSAPPLY(tp, truncate_up_down);
	FSAPPLY(tp, sparse_reads);
	FSAPPLY(tp, hardlink_counts);
	FSAPPLY(tp, unlinked_open_file);
	FSAPPLY(tp, dir_many_entries);
	FSAPPLY(tp, dir_100k_lookup);
	FSAPPLY(tp, enospc_recover);
	FSAPPLY(tp, mount_busy);
	FSAPPLY(tp, statvfs_counts);
	FSAPPLY(tp, attrs_times);
	FSAPPLY(tp, rename_rmdir_race);
	FSAPPLY(tp, read_write_concurrent);
	FSAPPLY(tp, open_creat_race);
	FSAPPLY(tp, truncate_across_tables);
	return atf_no_error();
}
