/*
 * t_ext2fs: ext2-specific tests.  Images made by the host's mke2fs are
 * registered as the disk /dev/wd0 and mounted; what the kernel writes
 * is judged by the host's e2fsck and read back with debugfs, and what
 * the host wrote (mke2fs -d) is read back through the kernel.  Corrupt
 * images (patched at offsets debugfs reports) give EINVAL at mount or
 * EIO when the bad structure is used, never a crash, hang or leak (the
 * harness fails a case that leaks kernel memory).  Injected disk
 * errors reach the caller as EIO.
 */
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/statvfs.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rump/rump.h>
#include <rump/rump_syscalls.h>

#include "harness.h"
#include "h_ext2.h"

#define IMG	"img"
#define KEY	"/dev/wd0"
#define MNT	"/mnt"
#define BSIZE	1024

static int
trymount(const char *opts)
{
	char data[64];

	snprintf(data, sizeof(data), "%s%s%s", KEY, opts ? "," : "",
	    opts ? opts : "");
	RZ(rump_pub_etfs_register(KEY, IMG, RUMP_ETFS_BLK));
	if (rump_sys_mkdir(MNT, 0755) == -1)
		ATF_REQUIRE_EQ(errno, EEXIST);
	return rump_sys_mount("ext2fs", MNT, 0, data, strlen(data) + 1);
}

static void
mountimg(const char *opts)
{
	RL(trymount(opts));
}

static void
unmountimg(void)
{
	RL(rump_sys_unmount(MNT, 0));
	RZ(rump_pub_etfs_remove(KEY));
}

/* Mount must fail with error; the disk goes away again. */
static void
mount_fails(const char *opts, int error)
{
	H_REQUIRE_ERRNO(error, trymount(opts));
	RZ(rump_pub_etfs_remove(KEY));
}

static void
pattern(char *buf, size_t len, unsigned int seed)
{
	for (size_t i = 0; i < len; i++)
		buf[i] = (char)((i * 31 + seed + i / 1024) & 0xff);
}

static void
mkfile(const char *path, const char *data, size_t len)
{
	int fd = RL(rump_sys_open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644));

	ATF_REQUIRE_EQ(RL(rump_sys_write(fd, data, len)), (ssize_t)len);
	RL(rump_sys_close(fd));
}

/* Patch len bytes at off of the host image. */
static void
patch(off_t off, const void *data, size_t len)
{
	int fd = RL(open(IMG, O_RDWR));

	ATF_REQUIRE_EQ(RL(pwrite(fd, data, len, off)), (ssize_t)len);
	RL(close(fd));
}

static void
patch32(off_t off, uint32_t v)
{
	patch(off, &v, sizeof(v));
}

static void
patch16(off_t off, uint16_t v)
{
	patch(off, &v, sizeof(v));
}

/* Whether the host file path holds exactly len bytes equal to data. */
static int
host_file_is(const char *path, const char *data, size_t len)
{
	char *buf = malloc(len + 1);
	ssize_t n;
	int fd, ok;

	ATF_REQUIRE(buf != NULL);
	RL(fd = open(path, O_RDONLY));
	n = read(fd, buf, len + 1);
	ok = n == (ssize_t)len && memcmp(buf, data, len) == 0;
	close(fd);
	free(buf);
	return ok;
}

H_TC(write_read_by_host, "files, directories, links and symlinks written through the kernel read back with debugfs; e2fsck is happy")
{
	const size_t big = 300 * 1024;	/* direct, single and double indirect */
	char *wbuf = malloc(big), out[4096], longlink[200];
	int fd;

	ATF_REQUIRE(wbuf != NULL);
	pattern(wbuf, big, 7);
	h_ext2_mkfs(IMG, 4 << 20, NULL);
	mountimg(NULL);
	mkfile(MNT "/hello", "hello world\n", 12);
	RL(rump_sys_mkdir(MNT "/dir", 0750));
	RL(rump_sys_mkdir(MNT "/dir/sub", 0755));
	mkfile(MNT "/dir/sub/big", wbuf, big);
	RL(rump_sys_link(MNT "/hello", MNT "/dir/hello2"));
	RL(rump_sys_symlink("hello", MNT "/short"));
	memset(longlink, 'l', sizeof(longlink) - 1);
	longlink[sizeof(longlink) - 1] = '\0';
	RL(rump_sys_symlink(longlink, MNT "/long"));
	/* a sparse file: one byte in the triple indirect range */
	RL(fd = rump_sys_open(MNT "/sparse", O_RDWR | O_CREAT, 0600));
	ATF_REQUIRE_EQ(RL(rump_sys_pwrite(fd, "z", 1, 80LL << 20)), 1);
	RL(rump_sys_close(fd));
	unmountimg();
	h_ext2_fsck(IMG);

	h_ext2_debugfs(IMG, "cat /hello", out, sizeof(out));
	ATF_CHECK_STREQ(out, "hello world\n");
	h_ext2_debugfs(IMG, "cat /dir/hello2", out, sizeof(out));
	ATF_CHECK_STREQ(out, "hello world\n");
	h_ext2_debugfs(IMG, "stat /hello", out, sizeof(out));
	ATF_CHECK_MSG(strstr(out, "Links: 2") != NULL, "%s", out);
	h_ext2_debugfs(IMG, "stat /dir", out, sizeof(out));
	ATF_CHECK_MSG(strstr(out, "Mode:  0750") != NULL, "%s", out);
	ATF_CHECK_MSG(strstr(out, "Links: 3") != NULL, "%s", out);
	h_ext2_debugfs(IMG, "stat /short", out, sizeof(out));
	ATF_CHECK_MSG(strstr(out, "Fast link dest: \"hello\"") != NULL, "%s",
	    out);
	h_ext2_debugfs(IMG, "dump /dir/sub/big host_big", out, sizeof(out));
	ATF_CHECK(host_file_is("host_big", wbuf, big));
	h_ext2_debugfs(IMG, "dump /long host_long", out, sizeof(out));
	h_ext2_debugfs(IMG, "stat /long", out, sizeof(out));
	ATF_CHECK_MSG(strstr(out, "Size: 199") != NULL, "%s", out);
	h_ext2_debugfs(IMG, "stat /sparse", out, sizeof(out));
	ATF_CHECK_MSG(strstr(out, "Size: 83886081") != NULL, "%s", out);
	/* data block plus single, double and triple indirect blocks */
	ATF_CHECK_MSG(strstr(out, "Blockcount: 8\n") != NULL, "%s", out);
	free(wbuf);
}

H_TC(other_block_sizes, "2 KiB and 4 KiB blocks: files through the indirect levels, a large directory, symlinks and truncation; e2fsck and debugfs agree")
{
	const size_t big = 5 * 1024 * 1024 + 77;
	char *wbuf = malloc(big), name[64], out[256];
	struct stat sb;
	int fd;

	ATF_REQUIRE(wbuf != NULL);
	pattern(wbuf, big, 11);
	for (int bs = 2048; bs <= 4096; bs *= 2) {
		char opt[32];

		snprintf(opt, sizeof(opt), "-b %d", bs);
		h_ext2_mkfs(IMG, 32 << 20, opt);
		mountimg(NULL);
		mkfile(MNT "/big", wbuf, big);
		RL(fd = rump_sys_open(MNT "/sparse", O_RDWR | O_CREAT, 0644));
		ATF_REQUIRE_EQ(RL(rump_sys_pwrite(fd, "s", 1, 3LL << 30)), 1);
		RL(rump_sys_close(fd));
		RL(rump_sys_mkdir(MNT "/d", 0755));
		for (int i = 0; i < 1500; i++) {
			snprintf(name, sizeof(name), MNT "/d/entry-%d", i);
			mkfile(name, "", 0);
		}
		for (int i = 0; i < 1500; i += 3) {
			snprintf(name, sizeof(name), MNT "/d/entry-%d", i);
			RL(rump_sys_unlink(name));
		}
		RL(rump_sys_symlink("big", MNT "/short"));
		RL(rump_sys_truncate(MNT "/big", big - 4096 * 300));
		RL(rump_sys_stat(MNT "/big", &sb));
		ATF_CHECK_EQ(sb.st_blksize, bs);
		unmountimg();
		h_ext2_fsck(IMG);
		h_ext2_debugfs(IMG, "dump /big host_big", out, sizeof(out));
		ATF_CHECK(host_file_is("host_big", wbuf, big - 4096 * 300));
		mountimg("ro");
		snprintf(name, sizeof(name), MNT "/d/entry-%d", 1499);
		RL(rump_sys_stat(name, &sb));
		snprintf(name, sizeof(name), MNT "/d/entry-%d", 1497);
		H_REQUIRE_ERRNO(ENOENT, rump_sys_stat(name, &sb));
		unmountimg();
	}
	free(wbuf);
}

H_TC(revision0_image, "a revision 0 image (128-byte inodes, no file types in directories) is read and written; e2fsck agrees")
{
	char buf[64], dbuf[1024];
	struct stat sb;
	ssize_t n;
	int fd, found = 0;

	h_ext2_mkfs_args(IMG, 1 << 20, "-r 0 -b 1024 -m 0");
	mountimg(NULL);
	mkfile(MNT "/f", "rev0", 4);
	RL(rump_sys_mkdir(MNT "/d", 0755));
	RL(rump_sys_rename(MNT "/f", MNT "/d/g"));
	RL(rump_sys_utimes(MNT "/d/g", NULL));
	RL(fd = rump_sys_open(MNT "/d", O_RDONLY | O_DIRECTORY, 0));
	RL(n = rump_sys_getdents(fd, dbuf, sizeof(dbuf)));
	for (ssize_t off = 0; off < n;) {
		struct dirent *d = (struct dirent *)(dbuf + off);

		if (strcmp(d->d_name, "g") == 0) {
			found = 1;
			ATF_CHECK_EQ(d->d_type, DT_UNKNOWN);
		}
		off += d->d_reclen;
	}
	RL(rump_sys_close(fd));
	ATF_CHECK(found);
	unmountimg();
	h_ext2_fsck(IMG);
	mountimg("ro");
	RL(rump_sys_stat(MNT "/d/g", &sb));
	ATF_CHECK_EQ(sb.st_size, 4);
	/* 128-byte inodes keep whole seconds only */
	ATF_CHECK_EQ(sb.st_mtim.tv_nsec, 0);
	RL(fd = rump_sys_open(MNT "/d/g", O_RDONLY, 0));
	ATF_CHECK_EQ(RL(rump_sys_read(fd, buf, sizeof(buf))), 4);
	RL(rump_sys_close(fd));
	unmountimg();
	h_ext2_debugfs(IMG, "cat /d/g", buf, sizeof(buf));
	ATF_CHECK_STREQ(buf, "rev0");
}

H_TC(ext3_image_as_ext2, "a clean ext3 image (journal, dir_index, resize_inode, ext_attr) mounts as ext2 and stays clean for e2fsck after writes; one needing recovery does not mount")
{
	char name[64], buf[64];
	int fd;

	h_ext2_mkfs_args(IMG, 8 << 20, "-t ext3 -b 1024 -E root_owner=0:0");
	mountimg(NULL);
	RL(rump_sys_mkdir(MNT "/d", 0755));
	for (int i = 0; i < 400; i++) {
		snprintf(name, sizeof(name), MNT "/d/file-with-a-long-name-%d",
		    i);
		mkfile(name, "ext3", 4);
	}
	for (int i = 0; i < 400; i += 2) {
		snprintf(name, sizeof(name), MNT "/d/file-with-a-long-name-%d",
		    i);
		RL(rump_sys_unlink(name));
	}
	RL(fd = rump_sys_open(MNT "/d/file-with-a-long-name-399", O_RDONLY,
	    0));
	ATF_CHECK_EQ(RL(rump_sys_read(fd, buf, sizeof(buf))), 4);
	RL(rump_sys_close(fd));
	unmountimg();
	h_ext2_fsck(IMG);
	h_ext2_debugfs_w(IMG, "feature needs_recovery");
	mount_fails(NULL, EINVAL);
}

H_TC(left_mounted_at_shutdown, "a file system still mounted at shutdown is written back and unmounted cleanly: no leak, e2fsck happy, the data there")
{
	char out[64];

	h_ext2_mkfs(IMG, 1 << 20, NULL);
	mountimg(NULL);
	mkfile(MNT "/kept", "still here", 10);
	h_shutdown_check();
	h_ext2_fsck(IMG);
	h_ext2_debugfs(IMG, "cat /kept", out, sizeof(out));
	ATF_CHECK_STREQ(out, "still here");
	h_boot(NULL);
}

H_TC(read_host_image, "an image populated by the host (mke2fs -d) reads back through the kernel, read-only and read-write")
{
	const size_t big = 600 * 1024;
	char *wbuf = malloc(big), *rbuf = malloc(big), buf[512];
	struct stat sb;
	int fd;

	ATF_REQUIRE(wbuf != NULL && rbuf != NULL);
	pattern(wbuf, big, 3);
	RL(mkdir("root", 0755));
	RL(mkdir("root/d", 0755));
	RL(fd = open("root/big", O_WRONLY | O_CREAT, 0644));
	ATF_REQUIRE_EQ(write(fd, wbuf, big), (ssize_t)big);
	RL(close(fd));
	RL(symlink("big", "root/short"));
	memset(buf, 'p', 120);
	buf[120] = '\0';
	RL(symlink(buf, "root/d/long"));
	h_ext2_require_tools();
	h_ext2_mkfs(IMG, 4 << 20, "-d root");
	for (int pass = 0; pass < 2; pass++) {
		mountimg(pass == 0 ? "ro" : NULL);
		RL(fd = rump_sys_open(MNT "/big", O_RDONLY, 0));
		ATF_REQUIRE_EQ(RL(rump_sys_read(fd, rbuf, big)), (ssize_t)big);
		ATF_CHECK(memcmp(wbuf, rbuf, big) == 0);
		RL(rump_sys_close(fd));
		ATF_CHECK_EQ(RL(rump_sys_readlink(MNT "/short", buf,
		    sizeof(buf))), 3);
		ATF_CHECK_EQ(RL(rump_sys_readlink(MNT "/d/long", buf,
		    sizeof(buf))), 120);
		ATF_CHECK(buf[0] == 'p' && buf[119] == 'p');
		RL(rump_sys_stat(MNT "/d", &sb));
		ATF_CHECK(S_ISDIR(sb.st_mode));
		RL(rump_sys_stat(MNT "/lost+found", &sb));
		unmountimg();
	}
	h_ext2_fsck(IMG);
	free(wbuf);
	free(rbuf);
}

H_TC(readonly_mount, "a read-only mount refuses changes with EROFS and leaves the image untouched")
{
	struct statvfs sv;
	struct stat sb;
	char before[8192], after[8192];
	int fd;

	h_ext2_mkfs(IMG, 2 << 20, NULL);
	mountimg(NULL);
	mkfile(MNT "/f", "data", 4);
	unmountimg();
	RL(fd = open(IMG, O_RDONLY));
	ATF_REQUIRE_EQ(pread(fd, before, sizeof(before), 0),
	    (ssize_t)sizeof(before));
	RL(close(fd));
	mountimg("ro");
	RL(rump_sys_statvfs(MNT, &sv));
	ATF_CHECK(sv.f_flag & ST_RDONLY);
	H_REQUIRE_ERRNO(EROFS, rump_sys_mkdir(MNT "/d", 0755));
	H_REQUIRE_ERRNO(EROFS, rump_sys_open(MNT "/g", O_RDWR | O_CREAT, 0644));
	H_REQUIRE_ERRNO(EROFS, rump_sys_unlink(MNT "/f"));
	H_REQUIRE_ERRNO(EROFS, rump_sys_chmod(MNT "/f", 0600));
	H_REQUIRE_ERRNO(EROFS, rump_sys_rename(MNT "/f", MNT "/g"));
	H_REQUIRE_ERRNO(EROFS, rump_sys_symlink("x", MNT "/l"));
	H_REQUIRE_ERRNO(EROFS, rump_sys_link(MNT "/f", MNT "/h"));
	RL(fd = rump_sys_open(MNT "/f", O_RDWR, 0));
	H_REQUIRE_ERRNO(EROFS, rump_sys_write(fd, "x", 1));
	H_REQUIRE_ERRNO(EROFS, rump_sys_ftruncate(fd, 0));
	RL(rump_sys_close(fd));
	RL(rump_sys_stat(MNT "/f", &sb));
	ATF_CHECK_EQ(sb.st_size, 4);
	RL(rump_sys_sync());
	unmountimg();
	RL(fd = open(IMG, O_RDONLY));
	ATF_REQUIRE_EQ(pread(fd, after, sizeof(after), 0),
	    (ssize_t)sizeof(after));
	RL(close(fd));
	ATF_CHECK_MSG(memcmp(before, after, sizeof(before)) == 0,
	    "a read-only mount changed the superblock or descriptors");
	h_ext2_fsck(IMG);
}

static uint64_t
bfree(void)
{
	struct statvfs sv;

	RL(rump_sys_statvfs(MNT, &sv));
	return sv.f_bfree;
}

H_TC(truncate_frees_indirect, "truncating through the triple, double and single indirect ranges frees exactly what was allocated; e2fsck agrees at each step")
{
	static const off_t offs[] = {
		0, 11 * BSIZE, 12 * BSIZE, 200 * BSIZE, 268LL * BSIZE,
		30000LL * BSIZE, 65804LL * BSIZE, 70000LL * BSIZE,
	};
	static const off_t sizes[] = {
		65805LL * BSIZE, 65804LL * BSIZE + 5, 30000LL * BSIZE,
		268LL * BSIZE + 1, 12 * BSIZE, 5,
	};
	char buf[BSIZE], rbuf[BSIZE];
	uint64_t free0;
	int fd;

	memset(buf, 'b', sizeof(buf));
	h_ext2_mkfs(IMG, 4 << 20, NULL);
	for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
		mountimg(NULL);
		free0 = bfree();
		RL(fd = rump_sys_open(MNT "/f", O_RDWR | O_CREAT | O_TRUNC,
		    0644));
		for (size_t i = 0; i < sizeof(offs) / sizeof(offs[0]); i++)
			ATF_REQUIRE_EQ(RL(rump_sys_pwrite(fd, buf, sizeof(buf),
			    offs[i])), (ssize_t)sizeof(buf));
		ATF_CHECK(bfree() < free0);
		RL(rump_sys_ftruncate(fd, sizes[s]));
		/* what survives reads back; beyond reads nothing */
		if (sizes[s] > 5) {
			ATF_REQUIRE_EQ(RL(rump_sys_pread(fd, rbuf, 5, 0)), 5);
			ATF_CHECK(memcmp(rbuf, buf, 5) == 0);
		}
		ATF_CHECK_EQ(RL(rump_sys_pread(fd, rbuf, 1, sizes[s])), 0);
		/* growing again reads zeros where data was cut */
		RL(rump_sys_ftruncate(fd, sizes[s] + BSIZE));
		ATF_REQUIRE_EQ(RL(rump_sys_pread(fd, rbuf, 1, sizes[s])), 1);
		ATF_CHECK_EQ(rbuf[0], 0);
		RL(rump_sys_close(fd));
		RL(rump_sys_sync());
		unmountimg();
		h_ext2_fsck(IMG);
		mountimg(NULL);
		RL(rump_sys_truncate(MNT "/f", 0));
		ATF_CHECK_EQ(bfree(), free0);
		RL(rump_sys_unlink(MNT "/f"));
		unmountimg();
		h_ext2_fsck(IMG);
	}
}

H_TC(enospc_inodes, "running out of inodes gives ENOSPC; the counts stay right and the file system works after freeing")
{
	struct statvfs sv;
	char name[64];
	int n = 0, fd;

	h_ext2_mkfs(IMG, 1 << 20, "-N 64");
	mountimg(NULL);
	for (;;) {
		snprintf(name, sizeof(name), MNT "/f%d", n);
		if ((fd = rump_sys_open(name, O_RDWR | O_CREAT, 0644)) == -1) {
			ATF_REQUIRE_EQ(errno, ENOSPC);
			break;
		}
		RL(rump_sys_close(fd));
		ATF_REQUIRE(++n < 1000);
	}
	ATF_CHECK(n > 40);
	RL(rump_sys_statvfs(MNT, &sv));
	ATF_CHECK_EQ(sv.f_ffree, 0);
	H_REQUIRE_ERRNO(ENOSPC, rump_sys_mkdir(MNT "/d", 0755));
	H_REQUIRE_ERRNO(ENOSPC, rump_sys_symlink("x", MNT "/l"));
	unmountimg();
	h_ext2_fsck(IMG);
	mountimg(NULL);
	RL(rump_sys_unlink(MNT "/f0"));
	RL(rump_sys_mkdir(MNT "/d", 0755));
	unmountimg();
	h_ext2_fsck(IMG);
}

H_TC(enospc_blocks_consistent, "filling the disk with files, directories and a big directory: ENOSPC everywhere, e2fsck happy, all freed again")
{
	char buf[4096], name[300];
	uint64_t free0;
	int fd, i;

	memset(buf, 'x', sizeof(buf));
	h_ext2_mkfs(IMG, 512 * 1024, NULL);
	mountimg(NULL);
	free0 = bfree();
	RL(rump_sys_mkdir(MNT "/d", 0755));
	/* long names: the directory grows by blocks until no block is left */
	for (i = 0; ; i++) {
		snprintf(name, sizeof(name), MNT "/d/%0250d", i);
		if ((fd = rump_sys_open(name, O_RDWR | O_CREAT, 0644)) == -1) {
			ATF_REQUIRE_EQ(errno, ENOSPC);
			break;
		}
		if (rump_sys_write(fd, buf, sizeof(buf)) == -1)
			ATF_REQUIRE_EQ(errno, ENOSPC);
		RL(rump_sys_close(fd));
	}
	ATF_CHECK(i > 10);
	unmountimg();
	h_ext2_fsck(IMG);
	mountimg(NULL);
	for (int j = 0; j < i; j++) {
		snprintf(name, sizeof(name), MNT "/d/%0250d", j);
		RL(rump_sys_unlink(name));
	}
	RL(rump_sys_rmdir(MNT "/d"));
	ATF_CHECK_EQ(bfree(), free0);
	unmountimg();
	h_ext2_fsck(IMG);
}

H_TC(dir_entries_reused, "removed directory entries are merged and their space reused: the directory does not grow")
{
	struct stat sb1, sb2;
	char name[64];

	h_ext2_mkfs(IMG, 2 << 20, "-N 1024");
	mountimg(NULL);
	RL(rump_sys_mkdir(MNT "/d", 0755));
	for (int i = 0; i < 300; i++) {
		snprintf(name, sizeof(name), MNT "/d/file%d", i);
		mkfile(name, "", 0);
	}
	RL(rump_sys_stat(MNT "/d", &sb1));
	ATF_CHECK(sb1.st_size > BSIZE);
	for (int round = 0; round < 3; round++) {
		for (int i = 0; i < 300; i++) {
			snprintf(name, sizeof(name), MNT "/d/file%d", i);
			RL(rump_sys_unlink(name));
		}
		for (int i = 0; i < 300; i++) {
			snprintf(name, sizeof(name), MNT "/d/other%d", i);
			mkfile(name, "", 0);
		}
		for (int i = 0; i < 300; i++) {
			char from[64];

			snprintf(from, sizeof(from), MNT "/d/other%d", i);
			snprintf(name, sizeof(name), MNT "/d/file%d", i);
			RL(rump_sys_rename(from, name));
		}
	}
	RL(rump_sys_stat(MNT "/d", &sb2));
	ATF_CHECK_EQ(sb1.st_size, sb2.st_size);
	unmountimg();
	h_ext2_fsck(IMG);
}

/*
 * A large directory (indexed in memory once it has 16 blocks) under
 * random creates, removes and renames, checked against a model after
 * every step, then read back whole and judged by e2fsck.
 */
H_TC(big_dir_random_ops, "a large directory stays right under random create, unlink and rename (the in-memory index against a model)")
{
	enum { N = 3000, STEPS = 20000 };
	static char exists[N];
	char name[64], name2[64], buf[4096];
	unsigned int seed = 12345;
	struct stat sb;
	int fd, count = 0;
	ssize_t n;

	h_ext2_mkfs(IMG, 8 << 20, "-N 4096");
	mountimg(NULL);
	RL(rump_sys_mkdir(MNT "/d", 0755));
	memset(exists, 0, sizeof(exists));
	for (int step = 0; step < STEPS; step++) {
		int i = rand_r(&seed) % N, j = rand_r(&seed) % N;

		/* names of varied length so records of every size move */
		snprintf(name, sizeof(name), MNT "/d/%d%.*s", i, i % 40,
		    "abcdefghijklmnopqrstuvwxyzabcdefghijklmn");
		snprintf(name2, sizeof(name2), MNT "/d/%d%.*s", j, j % 40,
		    "abcdefghijklmnopqrstuvwxyzabcdefghijklmn");
		switch (rand_r(&seed) % 3) {
		case 0:
			fd = rump_sys_open(name, O_RDWR | O_CREAT | O_EXCL,
			    0644);
			if (exists[i]) {
				ATF_REQUIRE_EQ(fd, -1);
				ATF_REQUIRE_EQ(errno, EEXIST);
			} else {
				ATF_REQUIRE(fd != -1);
				RL(rump_sys_close(fd));
				exists[i] = 1;
			}
			break;
		case 1:
			if (exists[i])
				RL(rump_sys_unlink(name));
			else
				H_REQUIRE_ERRNO(ENOENT, rump_sys_unlink(name));
			exists[i] = 0;
			break;
		default:
			if (!exists[i]) {
				H_REQUIRE_ERRNO(ENOENT, rump_sys_rename(name,
				    name2));
				break;
			}
			RL(rump_sys_rename(name, name2));
			exists[i] = 0;
			exists[j] = 1;
			break;
		}
		if (step % 97 == 0) {
			for (int k = 0; k < N; k += 7) {
				snprintf(name, sizeof(name), MNT "/d/%d%.*s", k,
				    k % 40, "abcdefghijklmnopqrstuvwxyzabcdefg"
				    "hijklmn");
				ATF_REQUIRE_EQ(rump_sys_stat(name, &sb) == 0,
				    exists[k]);
			}
		}
	}
	RL(fd = rump_sys_open(MNT "/d", O_RDONLY | O_DIRECTORY, 0));
	while ((n = RL(rump_sys_getdents(fd, buf, sizeof(buf)))) > 0) {
		for (ssize_t off = 0; off < n;) {
			struct dirent *d = (struct dirent *)(buf + off);

			if (d->d_name[0] != '.') {
				int k = atoi(d->d_name);

				ATF_REQUIRE_MSG(exists[k] == 1, "%s", d->d_name);
				exists[k] = 2;
				count++;
			}
			off += d->d_reclen;
		}
	}
	RL(rump_sys_close(fd));
	for (int k = 0; k < N; k++)
		ATF_REQUIRE_MSG(exists[k] != 1, "%d missing from getdents", k);
	ATF_CHECK(count > N / 4);
	unmountimg();
	h_ext2_fsck(IMG);
}

/*
 * The work of dirhash_nomem_sweep under injection: every call either
 * gives the right answer or fails with ENOMEM.
 */
static void
dirhash_workload(void)
{
	char name[64];
	struct stat sb;
	int fd;

	for (int i = 0; i < 900; i += 37) {
		snprintf(name, sizeof(name), MNT "/d/name-%04d", i);
		if (rump_sys_stat(name, &sb) == -1)
			ATF_REQUIRE_EQ_MSG(errno, ENOMEM, "stat %s: %s", name,
			    strerror(errno));
		snprintf(name, sizeof(name), MNT "/d/none-%04d", i);
		if (rump_sys_stat(name, &sb) != -1 ||
		    (errno != ENOENT && errno != ENOMEM))
			atf_tc_fail("stat %s: not ENOENT", name);
	}
	for (int i = 0; i < 20; i++) {
		snprintf(name, sizeof(name), MNT "/d/name-%04d", i);
		if (rump_sys_unlink(name) == -1)
			ATF_REQUIRE_EQ(errno, ENOMEM);
		snprintf(name, sizeof(name), MNT "/d/new-%04d", i);
		if ((fd = rump_sys_open(name, O_RDWR | O_CREAT, 0644)) == -1)
			ATF_REQUIRE_EQ(errno, ENOMEM);
		else
			RL(rump_sys_close(fd));
	}
}

/*
 * A call of the general workload: success, the injected failure
 * (workload_err: ENOMEM or EIO) or the listed errno (what an earlier
 * failed step explains).
 */
static int workload_err = ENOMEM;
#define OK_OR_NOMEM(x, alt) do {					\
	if ((x) == -1 && errno != workload_err && errno != (alt))	\
		atf_tc_fail("%s: %s", #x, strerror(errno));		\
} while (0)

static void
general_workload(void)
{
	char buf[3 * BSIZE], target[300];
	int fd;

	memset(buf, 'g', sizeof(buf));
	memset(target, 't', sizeof(target) - 1);
	target[sizeof(target) - 1] = '\0';
	OK_OR_NOMEM(rump_sys_mkdir(MNT "/a", 0755), 0);
	OK_OR_NOMEM(rump_sys_mkdir(MNT "/a/b", 0755), ENOENT);
	if ((fd = rump_sys_open(MNT "/f", O_RDWR | O_CREAT, 0644)) == -1) {
		ATF_REQUIRE_EQ(errno, workload_err);
	} else {
		OK_OR_NOMEM(rump_sys_pwrite(fd, buf, sizeof(buf), 0), 0);
		OK_OR_NOMEM(rump_sys_pwrite(fd, buf, sizeof(buf), 20 * BSIZE),
		    0);
		OK_OR_NOMEM(rump_sys_ftruncate(fd, 2 * BSIZE), 0);
		OK_OR_NOMEM(rump_sys_fsync(fd), 0);
		RL(rump_sys_close(fd));
	}
	OK_OR_NOMEM(rump_sys_symlink("f", MNT "/a/fast"), ENOENT);
	OK_OR_NOMEM(rump_sys_symlink(target, MNT "/slow"), 0);
	OK_OR_NOMEM(rump_sys_link(MNT "/f", MNT "/a/g"), ENOENT);
	OK_OR_NOMEM(rump_sys_rename(MNT "/a/b", MNT "/c"), ENOENT);
	OK_OR_NOMEM(rump_sys_rename(MNT "/f", MNT "/a/g"), ENOENT);
	OK_OR_NOMEM(rump_sys_mknod(MNT "/dev", S_IFCHR | 0600, makedev(1, 2)),
	    0);
	OK_OR_NOMEM(rump_sys_unlink(MNT "/slow"), ENOENT);
	OK_OR_NOMEM(rump_sys_rmdir(MNT "/c"), ENOENT);
	OK_OR_NOMEM(rump_sys_chmod(MNT "/a", 0700), ENOENT);
	OK_OR_NOMEM(rump_sys_sync(), 0);
}

/*
 * Boot with the Nth KM_NOSLEEP allocation failing, for every N the
 * workload makes, on a copy of the pristine image: no crash, no leak
 * (checked at each shutdown), e2fsck happy after each unmount.
 */
static void
sweep_allocations(void (*workload)(void))
{
	unsigned long long c0, c1;
	char env[64];

	RL(system("cp " IMG " pristine") == 0 ? 0 : -1);
	h_shutdown_check();
	h_boot("RUMP_FAIL_NTH=1000000000");
	mountimg(NULL);
	c0 = rump_pub_fault_count();
	workload();
	c1 = rump_pub_fault_count();
	unmountimg();
	h_ext2_fsck(IMG);
	ATF_REQUIRE(c1 > c0);
	for (unsigned long long n = c0 + 1; n <= c1; n++) {
		h_shutdown_check();
		RL(system("cp pristine " IMG) == 0 ? 0 : -1);
		snprintf(env, sizeof(env), "RUMP_FAIL_NTH=%llu", n);
		h_boot(env);
		mountimg(NULL);
		workload();
		unmountimg();
		h_ext2_fsck(IMG);
	}
	unsetenv("RUMP_FAIL_NTH");
	printf("%llu allocations failed in turn\n", c1 - c0);
}

H_TC(alloc_failure_sweep, "every kernel allocation of creates, writes, truncation, links, renames, symlinks and removes fails in turn: success or ENOMEM, no leak, e2fsck happy")
{
	h_ext2_mkfs(IMG, 2 << 20, NULL);
	sweep_allocations(general_workload);
}

/* Whether the image's superblock records errors (s_state bit 2). */
static int
image_has_errors(void)
{
	uint16_t state;
	int fd = RL(open(IMG, O_RDONLY));

	ATF_REQUIRE_EQ(pread(fd, &state, 2, 1024 + 58), 2);
	RL(close(fd));
	return (state & 2) != 0;
}

H_TC(disk_error_sweep, "the disk fails every transfer from the Nth on, for every N of a workload: callers see EIO, nothing crashes or leaks, and the image is either clean for e2fsck or marked as having errors")
{
	uint64_t r0, w0, r1, w1;
	int clean = 0, marked = 0;

	h_ext2_mkfs(IMG, 2 << 20, NULL);
	RL(system("cp " IMG " pristine") == 0 ? 0 : -1);
	workload_err = EIO;
	mountimg(NULL);
	RZ(rump_pub_etfs_iocount(KEY, &r0, &w0));
	general_workload();
	RL(rump_sys_unmount(MNT, 0));
	RZ(rump_pub_etfs_iocount(KEY, &r1, &w1));
	RZ(rump_pub_etfs_remove(KEY));
	h_ext2_fsck(IMG);
	ATF_REQUIRE(r1 + w1 > r0 + w0);
	for (uint64_t n = 0; n < r1 + w1 - r0 - w0; n++) {
		RL(system("cp pristine " IMG) == 0 ? 0 : -1);
		mountimg(NULL);
		RZ(rump_pub_etfs_inject(KEY, -1, (int)n, EIO));
		general_workload();
		/* the disk recovers; what was lost stays lost */
		RZ(rump_pub_etfs_inject(KEY, -1, -1, 0));
		unmountimg();
		if (h_ext2_fsck_status(IMG) == 0)
			clean++;
		else if (image_has_errors())
			marked++;
		else
			atf_tc_fail("transfer %ju failing: e2fsck finds "
			    "problems and the superblock does not say so",
			    (uintmax_t)n);
	}
	printf("%d runs clean, %d marked with errors\n", clean, marked);
	workload_err = ENOMEM;
}

H_TC(dirhash_nomem_sweep, "every kernel allocation of lookups, creates and unlinks in an indexed directory fails in turn: ENOMEM or the right answer, no leak, e2fsck happy")
{
	char name[64];

	h_ext2_mkfs(IMG, 2 << 20, "-N 1024");
	mountimg(NULL);
	RL(rump_sys_mkdir(MNT "/d", 0755));
	for (int i = 0; i < 900; i++) {
		snprintf(name, sizeof(name), MNT "/d/name-%04d", i);
		mkfile(name, "", 0);
	}
	unmountimg();
	sweep_allocations(dirhash_workload);
}

H_TC(rename_dir_dotdot, "renaming a directory elsewhere updates its \"..\" and both parents' link counts on disk")
{
	char out[4096];
	struct stat sb;

	h_ext2_mkfs(IMG, 2 << 20, NULL);
	mountimg(NULL);
	RL(rump_sys_mkdir(MNT "/a", 0755));
	RL(rump_sys_mkdir(MNT "/b", 0755));
	RL(rump_sys_mkdir(MNT "/a/moved", 0755));
	RL(rump_sys_mkdir(MNT "/b/victim", 0755));
	RL(rump_sys_rename(MNT "/a/moved", MNT "/b/victim"));
	RL(rump_sys_stat(MNT "/a", &sb));
	ATF_CHECK_EQ(sb.st_nlink, 2);
	RL(rump_sys_stat(MNT "/b", &sb));
	ATF_CHECK_EQ(sb.st_nlink, 3);
	unmountimg();
	h_ext2_fsck(IMG);
	h_ext2_debugfs(IMG, "ls /b/victim/..", out, sizeof(out));
	ATF_CHECK_MSG(strstr(out, "victim") != NULL, "%s", out);
}

H_TC(device_nodes, "character and block device nodes keep their numbers on disk (old and new encodings); e2fsck and debugfs agree")
{
	struct stat sb;
	char out[4096];

	h_ext2_mkfs(IMG, 1 << 20, NULL);
	mountimg(NULL);
	RL(rump_sys_mknod(MNT "/c", S_IFCHR | 0600, makedev(5, 7)));
	RL(rump_sys_mknod(MNT "/b", S_IFBLK | 0640, makedev(300, 70000)));
	RL(rump_sys_stat(MNT "/c", &sb));
	ATF_CHECK(S_ISCHR(sb.st_mode));
	ATF_CHECK_EQ(sb.st_rdev, makedev(5, 7));
	unmountimg();
	h_ext2_fsck(IMG);
	mountimg(NULL);
	RL(rump_sys_stat(MNT "/b", &sb));
	ATF_CHECK(S_ISBLK(sb.st_mode));
	ATF_CHECK_EQ(major(sb.st_rdev), 300);
	ATF_CHECK_EQ(minor(sb.st_rdev), 70000);
	RL(rump_sys_stat(MNT "/c", &sb));
	ATF_CHECK_EQ(sb.st_rdev, makedev(5, 7));
	unmountimg();
	h_ext2_debugfs(IMG, "stat /c", out, sizeof(out));
	ATF_CHECK_MSG(strstr(out, "Device major/minor number: 05:07") != NULL,
	    "%s", out);
	h_ext2_debugfs(IMG, "stat /b", out, sizeof(out));
	ATF_CHECK_MSG(strstr(out, "Device major/minor number: 300:70000") !=
	    NULL, "%s", out);
	/* removing them frees no blocks (their numbers are no pointers) */
	mountimg(NULL);
	RL(rump_sys_unlink(MNT "/c"));
	RL(rump_sys_unlink(MNT "/b"));
	unmountimg();
	h_ext2_fsck(IMG);
}

/* Corrupt images. */

H_TC(corrupt_bad_magic, "an image with a bad magic number: mount EINVAL")
{
	h_ext2_mkfs(IMG, 1 << 20, NULL);
	patch16(1024 + 56, 0x1234);
	mount_fails(NULL, EINVAL);
	mount_fails("ro", EINVAL);
}

H_TC(corrupt_superblock_geometry, "superblocks with impossible geometry or a size beyond the device: mount EINVAL")
{
	static const struct {
		off_t off;
		uint32_t val;
	} bad[] = {
		{ 1024 + 24, 20 },		/* block size 1 GiB */
		{ 1024 + 32, 0 },		/* no blocks per group */
		{ 1024 + 40, 0 },		/* no inodes per group */
		{ 1024 + 0, 12345 },		/* inode count off the groups */
		{ 1024 + 4, 1 << 30 },		/* larger than the device */
		{ 1024 + 20, 7 },		/* first data block */
	};
	char sb[1024];
	int fd;

	h_ext2_mkfs(IMG, 1 << 20, NULL);
	RL(fd = open(IMG, O_RDONLY));
	ATF_REQUIRE_EQ(pread(fd, sb, sizeof(sb), 1024), (ssize_t)sizeof(sb));
	RL(close(fd));
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		patch(1024, sb, sizeof(sb));
		patch32(bad[i].off, bad[i].val);
		mount_fails(NULL, EINVAL);
	}
	patch(1024, sb, sizeof(sb));
	mountimg(NULL);
	unmountimg();
	h_ext2_fsck(IMG);
}

H_TC(unsupported_features, "an incompatible feature refuses the mount (EINVAL); an unknown read-only feature allows only read-only mounts (EROFS)")
{
	h_ext2_mkfs(IMG, 1 << 20, NULL);
	h_ext2_debugfs_w(IMG, "ssv feature_incompat 0x42");	/* extent */
	mount_fails(NULL, EINVAL);
	mount_fails("ro", EINVAL);
	h_ext2_debugfs_w(IMG, "ssv feature_incompat 0x2");
	h_ext2_debugfs_w(IMG, "ssv feature_ro_compat 0x0b");	/* huge_file */
	mount_fails(NULL, EROFS);
	mountimg("ro");
	unmountimg();
}

H_TC(corrupt_block_pointer, "an inode pointing outside the device reads as EIO; the rest of the file system works")
{
	char buf[64];
	int fd;

	RL(mkdir("root", 0755));
	RL(fd = open("root/f", O_WRONLY | O_CREAT, 0644));
	ATF_REQUIRE_EQ(write(fd, "payload", 7), 7);
	RL(close(fd));
	RL(fd = open("root/g", O_WRONLY | O_CREAT, 0644));
	ATF_REQUIRE_EQ(write(fd, "intact", 6), 6);
	RL(close(fd));
	h_ext2_require_tools();
	h_ext2_mkfs(IMG, 1 << 20, "-d root");
	h_ext2_debugfs_w(IMG, "sif /f block[0] 99999999");
	mountimg(NULL);
	RL(fd = rump_sys_open(MNT "/f", O_RDWR, 0));
	H_REQUIRE_ERRNO(EIO, rump_sys_read(fd, buf, sizeof(buf)));
	H_REQUIRE_ERRNO(EIO, rump_sys_pwrite(fd, "x", 1, 0));
	RL(rump_sys_close(fd));
	/* the other file is fine */
	RL(fd = rump_sys_open(MNT "/g", O_RDONLY, 0));
	ATF_CHECK_EQ(RL(rump_sys_read(fd, buf, sizeof(buf))), 6);
	ATF_CHECK(memcmp(buf, "intact", 6) == 0);
	RL(rump_sys_close(fd));
	unmountimg();
}

H_TC(corrupt_indirect_pointer, "a wild indirect block pointer: reads EIO, truncation EIO, no crash")
{
	char buf[BSIZE];
	int fd;

	h_ext2_mkfs(IMG, 1 << 20, NULL);
	mountimg(NULL);
	memset(buf, 'q', sizeof(buf));
	RL(fd = rump_sys_open(MNT "/f", O_RDWR | O_CREAT, 0644));
	ATF_REQUIRE_EQ(RL(rump_sys_pwrite(fd, buf, sizeof(buf), 20 * BSIZE)),
	    BSIZE);
	RL(rump_sys_close(fd));
	unmountimg();
	h_ext2_debugfs_w(IMG, "sif /f block[IND] 4000000000");
	mountimg(NULL);
	RL(fd = rump_sys_open(MNT "/f", O_RDWR, 0));
	H_REQUIRE_ERRNO(EIO, rump_sys_pread(fd, buf, sizeof(buf), 20 * BSIZE));
	ATF_CHECK_EQ(RL(rump_sys_pread(fd, buf, sizeof(buf), 0)), BSIZE);
	H_REQUIRE_ERRNO(EIO, rump_sys_ftruncate(fd, 0));
	RL(rump_sys_close(fd));
	unmountimg();
}

H_TC(corrupt_bitmap_frees_indirect, "a bitmap claiming a file's double indirect block is free: allocation hands that block out again (while it is being read), and nothing crashes, hangs or leaks")
{
	char buf[BSIZE], out[4096], req[64];
	unsigned long ind;
	int fd;

	memset(buf, 'i', sizeof(buf));
	h_ext2_mkfs(IMG, 1 << 20, NULL);
	mountimg(NULL);
	RL(fd = rump_sys_open(MNT "/f", O_RDWR | O_CREAT, 0644));
	/* the first block mapped through the double indirect block */
	ATF_REQUIRE_EQ(RL(rump_sys_pwrite(fd, buf, sizeof(buf), 268 * BSIZE)),
	    BSIZE);
	RL(rump_sys_close(fd));
	unmountimg();
	h_ext2_debugfs(IMG, "stat /f", out, sizeof(out));
	ATF_REQUIRE_MSG(strstr(out, "(DIND):") != NULL, "%s", out);
	ind = strtoul(strstr(out, "(DIND):") + 7, NULL, 10);
	snprintf(req, sizeof(req), "freeb %lu", ind);
	h_ext2_debugfs_w(IMG, req);
	mountimg(NULL);
	RL(fd = rump_sys_open(MNT "/f", O_RDWR, 0));
	/* needs a second indirect block under the double indirect one */
	(void)rump_sys_pwrite(fd, buf, sizeof(buf), 524 * BSIZE);
	(void)rump_sys_pread(fd, buf, sizeof(buf), 524 * BSIZE);
	(void)rump_sys_pread(fd, buf, sizeof(buf), 268 * BSIZE);
	RL(rump_sys_close(fd));
	(void)rump_sys_unlink(MNT "/f");
	unmountimg();
}

/* Block number of the first block of directory path in the image. */
static off_t
dirblock_off(const char *path)
{
	return (off_t)h_ext2_firstblock(IMG, path) * BSIZE;
}

H_TC(corrupt_dir_reclen, "directory records whose rec_len is zero, unaligned or overruns the block: EIO from lookup, readdir and create")
{
	static const uint16_t bad[] = { 0, 6, 13, 2000 };
	char buf[4096];
	struct stat sb;
	off_t off;
	int fd;

	h_ext2_mkfs(IMG, 1 << 20, NULL);
	mountimg(NULL);
	RL(rump_sys_mkdir(MNT "/d", 0755));
	mkfile(MNT "/d/file", "x", 1);
	unmountimg();
	off = dirblock_off("/d");
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		/* "." is 12 bytes, ".." follows; "file" after that */
		patch16(off + 12 + 4, bad[i]);
		mountimg(NULL);
		H_REQUIRE_ERRNO(EIO, rump_sys_stat(MNT "/d/file", &sb));
		H_REQUIRE_ERRNO(EIO, rump_sys_open(MNT "/d/new",
		    O_RDWR | O_CREAT, 0644));
		RL(fd = rump_sys_open(MNT "/d", O_RDONLY | O_DIRECTORY, 0));
		H_REQUIRE_ERRNO(EIO, rump_sys_getdents(fd, buf, sizeof(buf)));
		RL(rump_sys_close(fd));
		H_REQUIRE_ERRNO(EIO, rump_sys_rmdir(MNT "/d"));
		unmountimg();
	}
}

H_TC(corrupt_dir_inode_number, "a directory entry naming an inode beyond the table, a reserved or a free inode: EIO")
{
	struct stat sb;
	off_t off;

	h_ext2_mkfs(IMG, 1 << 20, NULL);
	mountimg(NULL);
	RL(rump_sys_mkdir(MNT "/d", 0755));
	mkfile(MNT "/d/file", "x", 1);
	unmountimg();
	off = dirblock_off("/d");
	/* the third record ("file") starts at 24 */
	patch32(off + 24, 0x7fffffff);
	mountimg(NULL);
	H_REQUIRE_ERRNO(EIO, rump_sys_stat(MNT "/d/file", &sb));
	unmountimg();
	patch32(off + 24, 5);		/* the boot loader inode */
	mountimg(NULL);
	H_REQUIRE_ERRNO(EIO, rump_sys_stat(MNT "/d/file", &sb));
	unmountimg();
	patch32(off + 24, 60);		/* never allocated */
	mountimg(NULL);
	H_REQUIRE_ERRNO(EIO, rump_sys_stat(MNT "/d/file", &sb));
	RL(rump_sys_stat(MNT "/d", &sb));
	unmountimg();
}

H_TC(corrupt_dir_loop, "a directory loop (\"..\" pointing below): rename detects it with EIO instead of looping forever")
{
	char out[256];
	unsigned long bino;
	off_t off;

	h_ext2_mkfs(IMG, 1 << 20, NULL);
	mountimg(NULL);
	RL(rump_sys_mkdir(MNT "/a", 0755));
	RL(rump_sys_mkdir(MNT "/a/b", 0755));
	RL(rump_sys_mkdir(MNT "/c", 0755));
	unmountimg();
	h_ext2_debugfs(IMG, "stat /a/b", out, sizeof(out));
	ATF_REQUIRE(sscanf(out, "Inode: %lu", &bino) == 1);
	/* a's ".." (inode at 12) now names its own child b */
	off = dirblock_off("/a");
	patch32(off + 12, (uint32_t)bino);
	mountimg(NULL);
	H_REQUIRE_ERRNO(EIO, rump_sys_rename(MNT "/c", MNT "/a/b/c"));
	RL(rump_sys_rmdir(MNT "/c"));
	unmountimg();
}

H_TC(corrupt_dir_size, "a directory whose size is not a whole number of blocks: EIO")
{
	struct stat sb;

	h_ext2_mkfs(IMG, 1 << 20, NULL);
	mountimg(NULL);
	RL(rump_sys_mkdir(MNT "/d", 0755));
	unmountimg();
	h_ext2_debugfs_w(IMG, "sif /d size 1000");
	mountimg(NULL);
	H_REQUIRE_ERRNO(EIO, rump_sys_stat(MNT "/d/x", &sb));
	unmountimg();
}

H_TC(bad_mount_args, "mount data without a device, with an unknown option, naming no device or a non-device: clear errnos")
{
	h_ext2_mkfs(IMG, 1 << 20, NULL);
	RL(rump_sys_mkdir(MNT, 0755));
	H_REQUIRE_ERRNO(EINVAL, rump_sys_mount("ext2fs", MNT, 0, NULL, 0));
	H_REQUIRE_ERRNO(EINVAL, rump_sys_mount("ext2fs", MNT, 0, "ro", 3));
	H_REQUIRE_ERRNO(EINVAL, rump_sys_mount("ext2fs", MNT, 0,
	    "/dev/wd0,bogus", 15));
	H_REQUIRE_ERRNO(ENOENT, rump_sys_mount("ext2fs", MNT, 0,
	    "/dev/nothere", 13));
	H_REQUIRE_ERRNO(ENOTBLK, rump_sys_mount("ext2fs", MNT, 0, "/mnt", 5));
	/* a disk too small for the file system on it */
	RL(truncate(IMG, 512 * 1024));
	RZ(rump_pub_etfs_register(KEY, IMG, RUMP_ETFS_BLK));
	H_REQUIRE_ERRNO(EINVAL, rump_sys_mount("ext2fs", MNT, 0, KEY,
	    sizeof(KEY)));
	RZ(rump_pub_etfs_remove(KEY));
}

H_TC(mounted_disk_busy, "a mounted disk cannot be removed or mounted twice")
{
	h_ext2_mkfs(IMG, 1 << 20, NULL);
	mountimg(NULL);
	ATF_CHECK_EQ(rump_pub_etfs_remove(KEY), EBUSY);
	RL(rump_sys_mkdir("/mnt2", 0755));
	H_REQUIRE_ERRNO(EBUSY, rump_sys_mount("ext2fs", "/mnt2", 0, KEY,
	    sizeof(KEY)));
	unmountimg();
}

/* Walk the tree at path: read every file and link, stat everything. */
static void
fuzz_walk(const char *path, int depth)
{
	char buf[2048], sub[512], data[4096];
	struct stat sb;
	ssize_t n;
	int fd;

	memset(data, 'w', sizeof(data));
	if (depth > 8 || (fd = rump_sys_open(path, O_RDONLY | O_DIRECTORY,
	    0)) == -1)
		return;
	while ((n = rump_sys_getdents(fd, buf, sizeof(buf))) > 0) {
		for (ssize_t off = 0; off < n;) {
			struct dirent *d = (struct dirent *)(buf + off);
			int f;

			off += d->d_reclen;
			if (d->d_reclen == 0)
				break;
			if (strcmp(d->d_name, ".") == 0 ||
			    strcmp(d->d_name, "..") == 0)
				continue;
			snprintf(sub, sizeof(sub), "%s/%s", path, d->d_name);
			if (rump_sys_lstat(sub, &sb) == -1)
				continue;
			if (S_ISDIR(sb.st_mode)) {
				fuzz_walk(sub, depth + 1);
			} else if (S_ISLNK(sb.st_mode)) {
				(void)rump_sys_readlink(sub, data, sizeof(data));
			} else if ((f = rump_sys_open(sub, O_RDWR, 0)) != -1) {
				/* a corrupt size may be huge: read a little */
				for (int k = 0; k < 16 && rump_sys_read(f, data,
				    sizeof(data)) > 0; k++)
					continue;
				(void)rump_sys_pwrite(f, "fuzz", 4, 100);
				(void)rump_sys_ftruncate(f, 10);
				rump_sys_close(f);
			}
		}
	}
	rump_sys_close(fd);
	/* and change it */
	snprintf(sub, sizeof(sub), "%s/new", path);
	if ((fd = rump_sys_open(sub, O_RDWR | O_CREAT, 0644)) != -1) {
		(void)rump_sys_write(fd, data, sizeof(data));
		rump_sys_close(fd);
	}
	snprintf(buf, sizeof(buf), "%s/newdir", path);
	(void)rump_sys_mkdir(buf, 0755);
	(void)rump_sys_rename(sub, buf);
	(void)rump_sys_unlink(sub);
	(void)rump_sys_rmdir(buf);
}

H_TC(corrupt_random_bytes, "images with random bytes of their metadata overwritten: every mount, walk, read, write and unmount ends in success or an errno, never a crash, hang or leak")
{
	char data[3000];
	unsigned int seed = 4242;
	int fd, mounted = 0, rounds = 100;

	memset(data, 'd', sizeof(data));
	RL(mkdir("root", 0755));
	RL(mkdir("root/a", 0755));
	RL(mkdir("root/a/b", 0755));
	for (int i = 0; i < 20; i++) {
		char name[64];

		snprintf(name, sizeof(name), "root/%s/f%d", i % 2 ? "a" : "a/b",
		    i);
		RL(fd = open(name, O_WRONLY | O_CREAT, 0644));
		ATF_REQUIRE_EQ(write(fd, data, (size_t)(i * 150)),
		    (ssize_t)(i * 150));
		RL(close(fd));
	}
	RL(symlink("a/b/f3", "root/l"));
	h_ext2_require_tools();
	h_ext2_mkfs("pristine", 1 << 20, "-d root -N 64");
	for (int r = 0; r < rounds; r++) {
		char cmd[64];
		int nflip = 1 + rand_r(&seed) % 24;

		snprintf(cmd, sizeof(cmd), "cp pristine %s", IMG);
		ATF_REQUIRE(system(cmd) == 0);
		for (int i = 0; i < nflip; i++) {
			/* blocks 1 to 63: superblock, descriptors, bitmaps,
			 * inode table, directories */
			off_t off = 1024 + rand_r(&seed) % (63 * 1024);
			uint8_t b = (uint8_t)rand_r(&seed);

			if (off < 2048 && rand_r(&seed) % 4 != 0)
				continue;	/* the superblock only sometimes */
			patch(off, &b, 1);
		}
		if (trymount(NULL) == 0) {
			mounted++;
			fuzz_walk(MNT, 0);
			unmountimg();
		} else {
			RZ(rump_pub_etfs_remove(KEY));
		}
	}
	printf("%d of %d corrupt images mounted\n", mounted, rounds);
	ATF_CHECK(mounted > rounds / 4);
}

/* Injected disk errors. */

H_TC(inject_read_error, "a disk read error gives EIO to the reader, and the block reads fine once the disk recovers")
{
	char buf[BSIZE];
	unsigned long blk;
	int fd;

	RL(mkdir("root", 0755));
	RL(fd = open("root/f", O_WRONLY | O_CREAT, 0644));
	memset(buf, 'r', sizeof(buf));
	ATF_REQUIRE_EQ(write(fd, buf, sizeof(buf)), (ssize_t)sizeof(buf));
	RL(close(fd));
	h_ext2_require_tools();
	h_ext2_mkfs(IMG, 1 << 20, "-d root");
	blk = h_ext2_firstblock(IMG, "/f");
	mountimg(NULL);
	RZ(rump_pub_etfs_inject(KEY, (int64_t)blk * 2, -1, EIO));
	RL(fd = rump_sys_open(MNT "/f", O_RDONLY, 0));
	H_REQUIRE_ERRNO(EIO, rump_sys_read(fd, buf, sizeof(buf)));
	RZ(rump_pub_etfs_inject(KEY, -1, -1, 0));
	memset(buf, 0, sizeof(buf));
	ATF_CHECK_EQ(RL(rump_sys_pread(fd, buf, sizeof(buf), 0)), BSIZE);
	ATF_CHECK(buf[0] == 'r' && buf[BSIZE - 1] == 'r');
	RL(rump_sys_close(fd));
	unmountimg();
	h_ext2_fsck(IMG);
}

H_TC(inject_write_error, "write-back failing on the disk gives EIO to fsync; the kernel keeps working, unmounts, and the superblock records the error for fsck")
{
	char buf[4 * BSIZE], rbuf[4 * BSIZE], out[4096];
	int fd;

	memset(buf, 'w', sizeof(buf));
	h_ext2_mkfs(IMG, 1 << 20, NULL);
	mountimg(NULL);
	RL(fd = rump_sys_open(MNT "/f", O_RDWR | O_CREAT, 0644));
	ATF_REQUIRE_EQ(RL(rump_sys_write(fd, buf, sizeof(buf))),
	    (ssize_t)sizeof(buf));
	RZ(rump_pub_etfs_inject(KEY, -1, 0, EIO));
	H_REQUIRE_ERRNO(EIO, rump_sys_fsync(fd));
	RZ(rump_pub_etfs_inject(KEY, -1, -1, 0));
	/*
	 * The buffer cache drops what it could not write, so the data may
	 * be gone; the file keeps its size and reads (old or zeros).
	 */
	ATF_CHECK_EQ(RL(rump_sys_pread(fd, rbuf, sizeof(rbuf), 0)),
	    (ssize_t)sizeof(rbuf));
	RL(rump_sys_close(fd));
	mkfile(MNT "/g", "after", 5);
	RL(rump_sys_fsync(RL(fd = rump_sys_open(MNT "/g", O_RDONLY, 0))));
	RL(rump_sys_close(fd));
	unmountimg();
	h_ext2_debugfs(IMG, "stats", out, sizeof(out));
	ATF_CHECK_MSG(strstr(out, "with errors") != NULL, "%s", out);
	h_ext2_debugfs(IMG, "cat /g", out, sizeof(out));
	ATF_CHECK_STREQ(out, "after");
	printf("e2fsck after a failed write-back: exit %d\n",
	    h_ext2_fsck_status(IMG));
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, write_read_by_host);
	ATF_TP_ADD_TC(tp, other_block_sizes);
	ATF_TP_ADD_TC(tp, revision0_image);
	ATF_TP_ADD_TC(tp, ext3_image_as_ext2);
	ATF_TP_ADD_TC(tp, left_mounted_at_shutdown);
	ATF_TP_ADD_TC(tp, read_host_image);
	ATF_TP_ADD_TC(tp, readonly_mount);
	ATF_TP_ADD_TC(tp, truncate_frees_indirect);
	ATF_TP_ADD_TC(tp, enospc_inodes);
	ATF_TP_ADD_TC(tp, enospc_blocks_consistent);
	ATF_TP_ADD_TC(tp, dir_entries_reused);
	ATF_TP_ADD_TC(tp, big_dir_random_ops);
	ATF_TP_ADD_TC(tp, alloc_failure_sweep);
	ATF_TP_ADD_TC(tp, dirhash_nomem_sweep);
	ATF_TP_ADD_TC(tp, disk_error_sweep);
	ATF_TP_ADD_TC(tp, rename_dir_dotdot);
	ATF_TP_ADD_TC(tp, device_nodes);
	ATF_TP_ADD_TC(tp, corrupt_bad_magic);
	ATF_TP_ADD_TC(tp, corrupt_superblock_geometry);
	ATF_TP_ADD_TC(tp, unsupported_features);
	ATF_TP_ADD_TC(tp, corrupt_block_pointer);
	ATF_TP_ADD_TC(tp, corrupt_indirect_pointer);
	ATF_TP_ADD_TC(tp, corrupt_bitmap_frees_indirect);
	ATF_TP_ADD_TC(tp, corrupt_dir_reclen);
	ATF_TP_ADD_TC(tp, corrupt_dir_inode_number);
	ATF_TP_ADD_TC(tp, corrupt_dir_loop);
	ATF_TP_ADD_TC(tp, corrupt_dir_size);
	ATF_TP_ADD_TC(tp, corrupt_random_bytes);
	ATF_TP_ADD_TC(tp, bad_mount_args);
	ATF_TP_ADD_TC(tp, mounted_disk_busy);
	ATF_TP_ADD_TC(tp, inject_read_error);
	ATF_TP_ADD_TC(tp, inject_write_error);
	return atf_no_error();
}
