/*
 * t_etfs.c: disks backed by host files (rump_pub_etfs_*).  A host image
 * file becomes /dev/wd0; the test reads and writes the block device
 * through rump system calls (the buffer cache) and checks the image
 * with plain host pread: delayed writes are not there before fsync,
 * sync or close and are there after.  Injected errors reach the
 * caller as EIO.  Registration errors are clear errnos.  The ext2_*
 * cases do the same through a file system mounted on the disk (images
 * made and checked by the host's mke2fs and e2fsck).
 */
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <errno.h>
#include <pthread.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <rump/rump.h>
#include <rump/rump_syscalls.h>

#include "harness.h"
#include "h_ext2.h"

#define IMG		"disk.img"
#define KEY		"/dev/wd0"
#define IMGSIZE		(1024 * 1024)

/* A host image of size bytes, zero-filled. */
static void
mkimage(const char *path, off_t size)
{
	int fd;

	RL(fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644));
	RL(ftruncate(fd, size));
	RL(close(fd));
}

/* Whether the host image holds c in [off, off + len). */
static int
image_holds(off_t off, size_t len, int c)
{
	unsigned char *buf;
	ssize_t n;
	int fd, ok = 1;

	buf = malloc(len);
	ATF_REQUIRE(buf != NULL);
	RL(fd = open(IMG, O_RDONLY));
	RL(n = pread(fd, buf, len, off));
	ATF_REQUIRE_EQ((size_t)n, len);
	for (size_t i = 0; i < len; i++) {
		if (buf[i] != (unsigned char)c) {
			ok = 0;
			break;
		}
	}
	RL(close(fd));
	free(buf);
	return ok;
}

static int
wd0_setup(int flags)
{
	int fd;

	mkimage(IMG, IMGSIZE);
	RZ(rump_pub_etfs_register(KEY, IMG, RUMP_ETFS_BLK));
	RL(fd = rump_sys_open(KEY, flags, 0));
	return fd;
}

static void
fill_write(int fd, off_t off, size_t len, int c)
{
	char buf[8192];

	ATF_REQUIRE(len <= sizeof(buf));
	memset(buf, c, len);
	ATF_REQUIRE_EQ(rump_sys_pwrite(fd, buf, len, off), (ssize_t)len);
}

H_TC(node_is_block_device,
    "a registered image appears at its key as a block device of the "
    "rumpblk driver")
{
	struct stat sb;

	mkimage(IMG, IMGSIZE);
	RZ(rump_pub_etfs_register(KEY, IMG, RUMP_ETFS_BLK));
	RL(rump_sys_stat(KEY, &sb));
	ATF_REQUIRE(S_ISBLK(sb.st_mode));
	RZ(rump_pub_etfs_remove(KEY));
	H_REQUIRE_ERRNO(ENOENT, rump_sys_stat(KEY, &sb));
}

H_TC(read_sees_host_data,
    "what the host file holds is what the block device reads, at any "
    "offset")
{
	char buf[3000];
	int hfd, fd;

	mkimage(IMG, IMGSIZE);
	RL(hfd = open(IMG, O_RDWR));
	memset(buf, 'h', sizeof(buf));
	RL(pwrite(hfd, buf, sizeof(buf), 70000));
	RL(close(hfd));
	RZ(rump_pub_etfs_register(KEY, IMG, RUMP_ETFS_BLK));
	RL(fd = rump_sys_open(KEY, O_RDONLY, 0));
	memset(buf, 0, sizeof(buf));
	ATF_REQUIRE_EQ(rump_sys_pread(fd, buf, sizeof(buf), 70000),
	    (ssize_t)sizeof(buf));
	for (size_t i = 0; i < sizeof(buf); i++)
		ATF_REQUIRE_EQ(buf[i], 'h');
	ATF_REQUIRE_EQ(rump_sys_pread(fd, buf, 10, 70000 - 10), 10);
	for (size_t i = 0; i < 10; i++)
		ATF_REQUIRE_EQ(buf[i], 0);
	RL(rump_sys_close(fd));
}

H_TC(delayed_write_until_fsync,
    "a write to the block device stays in the buffer cache (the image "
    "is unchanged) until fsync, which writes it back")
{
	char buf[5000];
	int fd;

	fd = wd0_setup(O_RDWR);
	fill_write(fd, 12345, 5000, 'w');
	ATF_REQUIRE(image_holds(12345, 5000, 0));
	/* the kernel reads its own write from the cache */
	ATF_REQUIRE_EQ(rump_sys_pread(fd, buf, sizeof(buf), 12345),
	    (ssize_t)sizeof(buf));
	ATF_REQUIRE(buf[0] == 'w' && buf[4999] == 'w');
	RL(rump_sys_fsync(fd));
	ATF_REQUIRE(image_holds(12345, 5000, 'w'));
	ATF_REQUIRE(image_holds(12345 - 100, 100, 0));
	ATF_REQUIRE(image_holds(12345 + 5000, 100, 0));
	RL(rump_sys_close(fd));
}

H_TC(sync_writes_back,
    "sync(2) writes back the block device's delayed writes")
{
	int fd;

	fd = wd0_setup(O_RDWR);
	fill_write(fd, 0, 4096, 's');
	ATF_REQUIRE(image_holds(0, 4096, 0));
	RL(rump_sys_sync());
	ATF_REQUIRE(image_holds(0, 4096, 's'));
	RL(rump_sys_close(fd));
}

H_TC(close_writes_back,
    "the last close of the block device writes its delayed writes back")
{
	int fd;

	fd = wd0_setup(O_RDWR);
	fill_write(fd, 4096 * 7, 4096, 'c');
	RL(rump_sys_close(fd));
	ATF_REQUIRE(image_holds(4096 * 7, 4096, 'c'));
}

H_TC(shutdown_writes_back,
    "a kernel shut down with the device open and dirty writes it back")
{
	int fd;

	fd = wd0_setup(O_RDWR);
	fill_write(fd, 4096 * 9, 4096, 'd');
	ATF_REQUIRE(image_holds(4096 * 9, 4096, 0));
	RL(rump_sys_reboot(0, NULL));
	ATF_REQUIRE(image_holds(4096 * 9, 4096, 'd'));
}

H_TC(cache_hits_skip_the_host,
    "reading the same block again does not reach the host file")
{
	uint64_t r0, r1, w;
	char buf[512];
	int fd;

	fd = wd0_setup(O_RDONLY);
	ATF_REQUIRE_EQ(rump_sys_pread(fd, buf, sizeof(buf), 1024), 512);
	RZ(rump_pub_etfs_iocount(KEY, &r0, &w));
	ATF_REQUIRE(r0 >= 1);
	for (int i = 0; i < 10; i++)
		ATF_REQUIRE_EQ(rump_sys_pread(fd, buf, sizeof(buf), 1024),
		    512);
	RZ(rump_pub_etfs_iocount(KEY, &r1, &w));
	ATF_REQUIRE_EQ(r1, r0);
	ATF_REQUIRE_EQ(w, 0);
	RL(rump_sys_close(fd));
}

H_TC(inject_read_at_block,
    "an error injected at one block fails reads touching it with EIO "
    "and only those; clearing it heals the disk")
{
	char buf[512];
	int fd;

	fd = wd0_setup(O_RDONLY);
	RZ(rump_pub_etfs_inject(KEY, 200, -1, EIO));
	H_REQUIRE_ERRNO(EIO, rump_sys_pread(fd, buf, sizeof(buf), 200 * 512));
	ATF_REQUIRE_EQ(rump_sys_pread(fd, buf, sizeof(buf), 300 * 512), 512);
	RZ(rump_pub_etfs_inject(KEY, -1, -1, 0));
	ATF_REQUIRE_EQ(rump_sys_pread(fd, buf, sizeof(buf), 200 * 512), 512);
	RL(rump_sys_close(fd));
}

H_TC(inject_read_after_n,
    "an error injected after 2 transfers lets 2 reads through and "
    "fails the third with EIO")
{
	char buf[512];
	int fd;

	fd = wd0_setup(O_RDONLY);
	RZ(rump_pub_etfs_inject(KEY, -1, 2, EIO));
	/* far apart: separate buffers, and no read-ahead */
	ATF_REQUIRE_EQ(rump_sys_pread(fd, buf, sizeof(buf), 0), 512);
	ATF_REQUIRE_EQ(rump_sys_pread(fd, buf, sizeof(buf), 3 * 65536), 512);
	H_REQUIRE_ERRNO(EIO, rump_sys_pread(fd, buf, sizeof(buf), 7 * 65536));
	/* cached blocks still read */
	ATF_REQUIRE_EQ(rump_sys_pread(fd, buf, sizeof(buf), 0), 512);
	RL(rump_sys_close(fd));
}

H_TC(inject_writeback_fsync,
    "a write-back failing at its block makes fsync fail with EIO; the "
    "error is reported once and the image keeps its old data")
{
	int fd;

	fd = wd0_setup(O_RDWR);
	fill_write(fd, 100 * 512, 512, 'e');
	RZ(rump_pub_etfs_inject(KEY, 100, -1, EIO));
	H_REQUIRE_ERRNO(EIO, rump_sys_fsync(fd));
	RL(rump_sys_fsync(fd));
	ATF_REQUIRE(image_holds(100 * 512, 512, 0));
	RZ(rump_pub_etfs_inject(KEY, -1, -1, 0));
	RL(rump_sys_close(fd));
}

H_TC(inject_other_errno,
    "an injected ENOSPC reaches the reader as ENOSPC; a non-classic "
    "errno is refused with EINVAL")
{
	char buf[512];
	int fd;

	fd = wd0_setup(O_RDONLY);
	ATF_REQUIRE_EQ(rump_pub_etfs_inject(KEY, -1, 0, EAGAIN), EINVAL);
	ATF_REQUIRE_EQ(rump_pub_etfs_inject(KEY, -1, 0, 200), EINVAL);
	RZ(rump_pub_etfs_inject(KEY, -1, 0, ENOSPC));
	H_REQUIRE_ERRNO(ENOSPC, rump_sys_pread(fd, buf, sizeof(buf), 0));
	RL(rump_sys_close(fd));
}

H_TC(remove_while_open_busy,
    "removing a disk that is open fails with EBUSY; after the close it "
    "goes, and its node with it")
{
	int fd;

	fd = wd0_setup(O_RDWR);
	ATF_REQUIRE_EQ(rump_pub_etfs_remove(KEY), EBUSY);
	RL(rump_sys_close(fd));
	RZ(rump_pub_etfs_remove(KEY));
	H_REQUIRE_ERRNO(ENOENT, rump_sys_open(KEY, O_RDONLY, 0));
	ATF_REQUIRE_EQ(rump_pub_etfs_remove(KEY), ENOENT);
}

H_TC(register_errors,
    "registration errors: a missing host file ENOENT, a directory "
    "EISDIR, a relative key EINVAL, a bad type EINVAL, a key taken "
    "EEXIST")
{
	mkimage(IMG, IMGSIZE);
	ATF_REQUIRE_EQ(rump_pub_etfs_register(KEY, "no/such/file",
	    RUMP_ETFS_BLK), ENOENT);
	ATF_REQUIRE_EQ(rump_pub_etfs_register(KEY, ".", RUMP_ETFS_BLK),
	    EISDIR);
	ATF_REQUIRE_EQ(rump_pub_etfs_register("wd0", IMG, RUMP_ETFS_BLK),
	    EINVAL);
	ATF_REQUIRE_EQ(rump_pub_etfs_register(KEY, IMG,
	    (enum rump_etfs_type)7), EINVAL);
	ATF_REQUIRE_EQ(rump_pub_etfs_register(KEY, NULL, RUMP_ETFS_BLK),
	    ENOENT);
	RZ(rump_pub_etfs_register(KEY, IMG, RUMP_ETFS_BLK));
	ATF_REQUIRE_EQ(rump_pub_etfs_register(KEY, IMG, RUMP_ETFS_BLK),
	    EEXIST);
	ATF_REQUIRE_EQ(rump_pub_etfs_inject("/dev/nope", 1, -1, EIO), ENOENT);
	ATF_REQUIRE_EQ(rump_pub_etfs_inject(KEY, -5, -1, EIO), EINVAL);
	/* left registered: shutdown removes it */
}

H_TC(short_device_end,
    "a device of 10000 bytes has 19 sectors: a read straddling the end "
    "is short, one at the end reads nothing, a write there is ENOSPC")
{
	char buf[4096];
	int fd;

	mkimage(IMG, 10000);
	RZ(rump_pub_etfs_register(KEY, IMG, RUMP_ETFS_BLK));
	RL(fd = rump_sys_open(KEY, O_RDWR, 0));
	ATF_REQUIRE_EQ(rump_sys_pread(fd, buf, sizeof(buf), 8192),
	    19 * 512 - 8192);
	ATF_REQUIRE_EQ(rump_sys_pread(fd, buf, sizeof(buf), 19 * 512), 0);
	ATF_REQUIRE_EQ(rump_sys_pread(fd, buf, sizeof(buf), 100000), 0);
	H_REQUIRE_ERRNO(ENOSPC, rump_sys_pwrite(fd, buf, 512, 19 * 512));
	ATF_REQUIRE_EQ(rump_sys_pwrite(fd, buf, 1024, 18 * 512), 512);
	RL(rump_sys_close(fd));
}

H_TC(raw_character_device,
    "a RUMP_ETFS_CHR disk is raw: writes reach the image at once, "
    "unaligned transfers are EINVAL, injected errors are EIO")
{
	char buf[1024];
	int fd;

	mkimage(IMG, IMGSIZE);
	RZ(rump_pub_etfs_register("/dev/rwd0", IMG, RUMP_ETFS_CHR));
	RL(fd = rump_sys_open("/dev/rwd0", O_RDWR, 0));
	memset(buf, 'r', sizeof(buf));
	ATF_REQUIRE_EQ(rump_sys_pwrite(fd, buf, 1024, 2048), 1024);
	ATF_REQUIRE(image_holds(2048, 1024, 'r'));
	H_REQUIRE_ERRNO(EINVAL, rump_sys_pwrite(fd, buf, 100, 0));
	H_REQUIRE_ERRNO(EINVAL, rump_sys_pread(fd, buf, 512, 3));
	memset(buf, 0, sizeof(buf));
	ATF_REQUIRE_EQ(rump_sys_pread(fd, buf, 1024, 2048), 1024);
	ATF_REQUIRE(buf[0] == 'r' && buf[1023] == 'r');
	RZ(rump_pub_etfs_inject("/dev/rwd0", 4, -1, EIO));
	H_REQUIRE_ERRNO(EIO, rump_sys_pread(fd, buf, 1024, 2048));
	RL(rump_sys_close(fd));
}

H_TC(many_disks,
    "16 disks can be registered at once; the 17th is ENOSPC")
{
	char key[32];

	mkimage(IMG, IMGSIZE);
	for (int i = 0; i < 16; i++) {
		snprintf(key, sizeof(key), "/dev/wd%d", i);
		RZ(rump_pub_etfs_register(key, IMG, RUMP_ETFS_BLK));
	}
	ATF_REQUIRE_EQ(rump_pub_etfs_register("/dev/wd99", IMG,
	    RUMP_ETFS_BLK), ENOSPC);
	for (int i = 0; i < 16; i += 2) {
		snprintf(key, sizeof(key), "/dev/wd%d", i);
		RZ(rump_pub_etfs_remove(key));
	}
}

H_TC(not_booted,
    "the etfs calls without a kernel are ENXIO")
{
	RL(rump_sys_reboot(0, NULL));
	ATF_REQUIRE_EQ(rump_pub_etfs_register(KEY, IMG, RUMP_ETFS_BLK), ENXIO);
	ATF_REQUIRE_EQ(rump_pub_etfs_remove(KEY), ENXIO);
}

/* ext2 on /dev/wd0 at /mnt: a fresh 4 MiB image, registered and mounted. */
static void
ext2_setup(void)
{
	h_ext2_require_tools();
	h_ext2_mkfs(IMG, 4 * 1024 * 1024, NULL);
	RZ(rump_pub_etfs_register(KEY, IMG, RUMP_ETFS_BLK));
	RL(rump_sys_mkdir("/mnt", 0755));
	RL(rump_sys_mount("ext2fs", "/mnt", 0, KEY, sizeof(KEY)));
}

/* Whether the host image contains len bytes of c somewhere. */
static int
image_contains(int c, size_t len)
{
	unsigned char buf[65536];
	size_t run = 0;
	ssize_t n;
	int fd;

	RL(fd = open(IMG, O_RDONLY));
	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		for (ssize_t i = 0; i < n; i++) {
			run = buf[i] == (unsigned char)c ? run + 1 : 0;
			if (run >= len) {
				RL(close(fd));
				return 1;
			}
		}
	}
	RL(n);
	RL(close(fd));
	return 0;
}

static void
write_file(const char *path, int c, size_t len)
{
	char buf[8192];
	int fd;

	ATF_REQUIRE(len <= sizeof(buf));
	memset(buf, c, len);
	RL(fd = rump_sys_open(path, O_RDWR | O_CREAT | O_TRUNC, 0644));
	ATF_REQUIRE_EQ(rump_sys_write(fd, buf, len), (ssize_t)len);
	RL(rump_sys_close(fd));
}

H_TC(ext2_mounted_disk_busy,
    "a disk with a mounted ext2 cannot be removed (EBUSY) or mounted "
    "again (EBUSY); after the unmount it can, and the image is clean")
{
	ext2_setup();
	ATF_REQUIRE_EQ(rump_pub_etfs_remove(KEY), EBUSY);
	RL(rump_sys_mkdir("/mnt2", 0755));
	H_REQUIRE_ERRNO(EBUSY,
	    rump_sys_mount("ext2fs", "/mnt2", 0, KEY, sizeof(KEY)));
	RL(rump_sys_unmount("/mnt", 0));
	RZ(rump_pub_etfs_remove(KEY));
	h_ext2_fsck(IMG);
}

H_TC(ext2_fsync_reaches_image,
    "file data written on ext2 reaches the host image at fsync (not "
    "before: it waits in the buffer cache), and e2fsck and debugfs "
    "agree after the unmount")
{
	char buf[8192], out[8192];
	int fd;

	ext2_setup();
	memset(buf, 'Q', 6000);
	RL(fd = rump_sys_open("/mnt/f", O_RDWR | O_CREAT, 0644));
	ATF_REQUIRE_EQ(rump_sys_write(fd, buf, 6000), 6000);
	ATF_REQUIRE(!image_contains('Q', 1024));
	RL(rump_sys_fsync(fd));
	ATF_REQUIRE(image_contains('Q', 6000));
	RL(rump_sys_close(fd));
	RL(rump_sys_unmount("/mnt", 0));
	RZ(rump_pub_etfs_remove(KEY));
	h_ext2_fsck(IMG);
	ATF_REQUIRE(h_ext2_debugfs(IMG, "stat /f", out, sizeof(out)) > 0);
	ATF_REQUIRE_MSG(strstr(out, "Size: 6000") != NULL, "%s", out);
}

H_TC(ext2_read_eio,
    "with every transfer of the disk failing, reading an ext2 file whose "
    "data is not cached fails with EIO; when the disk heals the read "
    "works and the image is clean")
{
	char buf[8192];
	int fd;

	ext2_setup();
	write_file("/mnt/f", 'R', 8192);
	RL(rump_sys_unmount("/mnt", 0));
	RL(rump_sys_mount("ext2fs", "/mnt", 0, KEY, sizeof(KEY)));
	RL(fd = rump_sys_open("/mnt/f", O_RDONLY, 0));
	RZ(rump_pub_etfs_inject(KEY, -1, 0, EIO));
	H_REQUIRE_ERRNO(EIO, rump_sys_read(fd, buf, sizeof(buf)));
	RZ(rump_pub_etfs_inject(KEY, -1, -1, 0));
	ATF_REQUIRE_EQ(rump_sys_pread(fd, buf, sizeof(buf), 0), 8192);
	ATF_REQUIRE(buf[0] == 'R' && buf[8191] == 'R');
	RL(rump_sys_close(fd));
	RL(rump_sys_unmount("/mnt", 0));
	RZ(rump_pub_etfs_remove(KEY));
	h_ext2_fsck(IMG);
}

H_TC(ext2_writeback_eio_fsync,
    "an ext2 write-back that fails on the disk makes fsync fail with "
    "EIO; unmounting afterwards neither crashes nor leaks")
{
	char buf[4096];
	int fd;

	ext2_setup();
	memset(buf, 'W', sizeof(buf));
	RL(fd = rump_sys_open("/mnt/f", O_RDWR | O_CREAT, 0644));
	ATF_REQUIRE_EQ(rump_sys_write(fd, buf, sizeof(buf)),
	    (ssize_t)sizeof(buf));
	RZ(rump_pub_etfs_inject(KEY, -1, 0, EIO));
	H_REQUIRE_ERRNO(EIO, rump_sys_fsync(fd));
	RZ(rump_pub_etfs_inject(KEY, -1, -1, 0));
	RL(rump_sys_close(fd));
	(void)rump_sys_unmount("/mnt", 0);
}

H_TC(ext2_mount_eio,
    "mounting ext2 from a disk whose superblock cannot be read fails "
    "with EIO and leaves the disk free; healed, the mount works")
{
	h_ext2_require_tools();
	h_ext2_mkfs(IMG, 4 * 1024 * 1024, NULL);
	RZ(rump_pub_etfs_register(KEY, IMG, RUMP_ETFS_BLK));
	RL(rump_sys_mkdir("/mnt", 0755));
	/* the superblock is at byte 1024: sector 2 */
	RZ(rump_pub_etfs_inject(KEY, 2, -1, EIO));
	H_REQUIRE_ERRNO(EIO,
	    rump_sys_mount("ext2fs", "/mnt", 0, KEY, sizeof(KEY)));
	RZ(rump_pub_etfs_inject(KEY, -1, -1, 0));
	RL(rump_sys_mount("ext2fs", "/mnt", 0, KEY, sizeof(KEY)));
	RL(rump_sys_unmount("/mnt", 0));
	RZ(rump_pub_etfs_remove(KEY));
}

H_TC(sync_error_reaches_fsync,
    "a write-back that fails during sync(2) is reported by the next "
    "fsync of the device, once")
{
	int fd;

	fd = wd0_setup(O_RDWR);
	fill_write(fd, 40 * 512, 512, 'f');
	RZ(rump_pub_etfs_inject(KEY, 40, -1, EIO));
	RL(rump_sys_sync());
	H_REQUIRE_ERRNO(EIO, rump_sys_fsync(fd));
	RL(rump_sys_fsync(fd));
	RL(rump_sys_close(fd));
}

H_TC_ENV(host_bio_failure, "RUMP_HYPERFAIL=bio:1",
    "a transfer the host fails (the first rumpuser_bio completing with "
    "EIO) reaches the reader as EIO; the next read of the block works")
{
	char buf[512];
	int fd;

	fd = wd0_setup(O_RDONLY);
	H_REQUIRE_ERRNO(EIO, rump_sys_pread(fd, buf, sizeof(buf), 0));
	ATF_REQUIRE_EQ(rump_sys_pread(fd, buf, sizeof(buf), 0), 512);
	RL(rump_sys_close(fd));
}

H_TC(sequential_read_ahead,
    "reading the block device sequentially reads the next two 64 KiB "
    "buffers ahead; a random read does not")
{
	static char buf[65536];
	uint64_t r, w;
	int fd;

	fd = wd0_setup(O_RDONLY);
	ATF_REQUIRE_EQ(rump_sys_pread(fd, buf, 512, 10 * 65536), 512);
	RZ(rump_pub_etfs_iocount(KEY, &r, &w));
	ATF_REQUIRE_EQ(r, 1);
	ATF_REQUIRE_EQ(rump_sys_pread(fd, buf, sizeof(buf), 0), 65536);
	ATF_REQUIRE_EQ(rump_sys_pread(fd, buf, sizeof(buf), 65536), 65536);
	/* 0 and 1 on demand, 2 and 3 ahead (asynchronously) */
	for (int i = 0; i < 2000; i++) {
		RZ(rump_pub_etfs_iocount(KEY, &r, &w));
		if (r >= 5)
			break;
		usleep(1000);
	}
	ATF_REQUIRE_EQ(r, 5);
	usleep(50000);
	RZ(rump_pub_etfs_iocount(KEY, &r, &w));
	ATF_REQUIRE_EQ(r, 5);
	RL(rump_sys_close(fd));
}

H_TC(ext2_mount_needs_block_device,
    "mounting from a character device or a regular file is ENOTBLK, "
    "from a missing node ENOENT")
{
	h_ext2_require_tools();
	h_ext2_mkfs(IMG, 4 * 1024 * 1024, NULL);
	RZ(rump_pub_etfs_register("/dev/rwd0", IMG, RUMP_ETFS_CHR));
	RL(rump_sys_mkdir("/mnt", 0755));
	H_REQUIRE_ERRNO(ENOTBLK, rump_sys_mount("ext2fs", "/mnt", 0,
	    "/dev/rwd0", sizeof("/dev/rwd0")));
	RL(rump_sys_mknod("/file", S_IFREG | 0644, 0));
	H_REQUIRE_ERRNO(ENOTBLK, rump_sys_mount("ext2fs", "/mnt", 0,
	    "/file", sizeof("/file")));
	H_REQUIRE_ERRNO(ENOENT, rump_sys_mount("ext2fs", "/mnt", 0,
	    "/dev/nowhere", sizeof("/dev/nowhere")));
	/* the failed mounts left the raw disk free */
	RZ(rump_pub_etfs_remove("/dev/rwd0"));
}

/*
 * Threads hammering one block device: each owns a 4 MiB region (four
 * of them: twice the cache), writes random 4 KiB pieces of it with a
 * pattern it remembers, reads pieces back and checks them; one more
 * thread calls fsync and sync.  At the end the image must equal what
 * the threads remember.
 */
#define HAMMER_THREADS	4
#define HAMMER_REGION	(4u << 20)
#define HAMMER_PIECE	4096u
#define HAMMER_SECONDS	3

struct hammer {
	int		 fd;
	unsigned	 idx;
	unsigned	 seed;
	unsigned char	*shadow;	/* HAMMER_REGION bytes */
	volatile int	*stop;
	int		 bad;		/* errno, or -1 for a mismatch */
	unsigned long	 ops;
};

static void *
hammer_main(void *arg)
{
	struct hammer *h = arg;
	unsigned char buf[HAMMER_PIECE];
	off_t base = (off_t)h->idx * HAMMER_REGION;

	while (!*h->stop && h->bad == 0) {
		unsigned piece = (unsigned)rand_r(&h->seed) %
		    (HAMMER_REGION / HAMMER_PIECE);
		size_t off = (size_t)piece * HAMMER_PIECE;

		if (rand_r(&h->seed) % 2 == 0) {
			memset(buf, (int)(h->ops % 251) + 1, sizeof(buf));
			if (rump_sys_pwrite(h->fd, buf, sizeof(buf),
			    base + (off_t)off) != (ssize_t)sizeof(buf)) {
				h->bad = errno;
				break;
			}
			memcpy(h->shadow + off, buf, sizeof(buf));
		} else {
			if (rump_sys_pread(h->fd, buf, sizeof(buf),
			    base + (off_t)off) != (ssize_t)sizeof(buf)) {
				h->bad = errno;
				break;
			}
			if (memcmp(buf, h->shadow + off, sizeof(buf)) != 0)
				h->bad = -1;
		}
		h->ops++;
	}
	return NULL;
}

static void *
syncer_main(void *arg)
{
	struct hammer *h = arg;

	while (!*h->stop && h->bad == 0) {
		if (rump_sys_fsync(h->fd) == -1)
			h->bad = errno;
		usleep(20000);
		rump_sys_sync();
		h->ops++;
	}
	return NULL;
}

H_TC_ENV(concurrent_writers_readers, "RUMP_NCPU=2",
    "4 threads write and read back random pieces of their own 4 MiB "
    "of one block device (twice the cache) while another fsyncs and "
    "syncs, for 3 s: every read sees the last write, and the image "
    "holds them all at the end")
{
	struct hammer h[HAMMER_THREADS + 1];
	pthread_t t[HAMMER_THREADS + 1];
	volatile int stop = 0;
	time_t start = time(NULL);
	unsigned long total = 0;
	unsigned char *img;
	int fd, hfd;

	mkimage(IMG, HAMMER_THREADS * HAMMER_REGION);
	RZ(rump_pub_etfs_register(KEY, IMG, RUMP_ETFS_BLK));
	RL(fd = rump_sys_open(KEY, O_RDWR, 0));
	memset(h, 0, sizeof(h));
	for (unsigned i = 0; i <= HAMMER_THREADS; i++) {
		h[i].fd = fd;
		h[i].idx = i;
		h[i].seed = (unsigned)start + i;
		h[i].stop = &stop;
		if (i < HAMMER_THREADS) {
			h[i].shadow = calloc(1, HAMMER_REGION);
			ATF_REQUIRE(h[i].shadow != NULL);
		}
		ATF_REQUIRE(pthread_create(&t[i], NULL, i < HAMMER_THREADS ?
		    hammer_main : syncer_main, &h[i]) == 0);
	}
	while (time(NULL) - start < HAMMER_SECONDS)
		usleep(50000);
	stop = 1;
	for (unsigned i = 0; i <= HAMMER_THREADS; i++) {
		ATF_REQUIRE(pthread_join(t[i], NULL) == 0);
		ATF_CHECK_MSG(h[i].bad == 0, "thread %u: %s", i,
		    h[i].bad == -1 ? "read a stale piece" :
		    strerror(h[i].bad));
		total += h[i].ops;
	}
	printf("%lu operations (seed %ld)\n", total, (long)start);
	RL(rump_sys_fsync(fd));
	RL(rump_sys_close(fd));

	img = malloc(HAMMER_REGION);
	ATF_REQUIRE(img != NULL);
	RL(hfd = open(IMG, O_RDONLY));
	for (unsigned i = 0; i < HAMMER_THREADS; i++) {
		ATF_REQUIRE_EQ(pread(hfd, img, HAMMER_REGION,
		    (off_t)i * HAMMER_REGION), (ssize_t)HAMMER_REGION);
		ATF_CHECK_MSG(memcmp(img, h[i].shadow, HAMMER_REGION) == 0,
		    "region %u of the image differs from what was written",
		    i);
		free(h[i].shadow);
	}
	RL(close(hfd));
	free(img);
}

H_TC(whole_buffer_write,
    "a write covering whole 64 KiB buffers does not read them first; "
    "it reaches the image at fsync")
{
	static char buf[2 * 65536];
	uint64_t r, w;
	int fd;

	fd = wd0_setup(O_RDWR);
	memset(buf, 'B', sizeof(buf));
	ATF_REQUIRE_EQ(rump_sys_pwrite(fd, buf, sizeof(buf), 4 * 65536),
	    (ssize_t)sizeof(buf));
	RZ(rump_pub_etfs_iocount(KEY, &r, &w));
	ATF_REQUIRE_EQ(r, 0);
	ATF_REQUIRE_EQ(w, 0);
	RL(rump_sys_fsync(fd));
	RZ(rump_pub_etfs_iocount(KEY, &r, &w));
	ATF_REQUIRE_EQ(r, 0);
	ATF_REQUIRE_EQ(w, 2);
	ATF_REQUIRE(image_holds(4 * 65536, sizeof(buf), 'B'));
	RL(rump_sys_close(fd));
}

H_TC(image_shrunk_under_disk,
    "when the host image shrinks under a registered disk, reading past "
    "its new end is EIO, through the cache and raw")
{
	char buf[512];
	int fd, cfd;

	mkimage(IMG, IMGSIZE);
	RZ(rump_pub_etfs_register(KEY, IMG, RUMP_ETFS_BLK));
	RZ(rump_pub_etfs_register("/dev/rwd0", IMG, RUMP_ETFS_CHR));
	RL(fd = rump_sys_open(KEY, O_RDONLY, 0));
	RL(cfd = rump_sys_open("/dev/rwd0", O_RDONLY, 0));
	RL(truncate(IMG, IMGSIZE / 2));
	ATF_REQUIRE_EQ(rump_sys_pread(fd, buf, sizeof(buf), 1024), 512);
	H_REQUIRE_ERRNO(EIO, rump_sys_pread(fd, buf, sizeof(buf),
	    IMGSIZE / 2 + 65536));
	H_REQUIRE_ERRNO(EIO, rump_sys_pread(cfd, buf, sizeof(buf),
	    IMGSIZE / 2 + 65536));
	RL(rump_sys_close(cfd));
	RL(rump_sys_close(fd));
}

H_TC(syncer_writes_back,
    "a delayed write to the block device reaches the image by itself, "
    "after the syncer's delay (5 s) and not before")
{
	struct timespec t0, t1;
	double elapsed = 0;
	int fd, seen = 0;

	fd = wd0_setup(O_RDWR);
	RL(clock_gettime(CLOCK_MONOTONIC, &t0));
	fill_write(fd, 3 * 65536, 4096, 'y');
	while (elapsed < 15) {
		RL(clock_gettime(CLOCK_MONOTONIC, &t1));
		elapsed = (double)(t1.tv_sec - t0.tv_sec) +
		    (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
		if ((seen = image_holds(3 * 65536, 4096, 'y')))
			break;
		usleep(50000);
	}
	ATF_REQUIRE_MSG(seen, "not written back after %.1f s", elapsed);
	ATF_REQUIRE_MSG(elapsed >= 4.0, "written back after %.1f s, before "
	    "the delay", elapsed);
	RL(rump_sys_close(fd));
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, node_is_block_device);
	ATF_TP_ADD_TC(tp, read_sees_host_data);
	ATF_TP_ADD_TC(tp, delayed_write_until_fsync);
	ATF_TP_ADD_TC(tp, sync_writes_back);
	ATF_TP_ADD_TC(tp, close_writes_back);
	ATF_TP_ADD_TC(tp, shutdown_writes_back);
	ATF_TP_ADD_TC(tp, cache_hits_skip_the_host);
	ATF_TP_ADD_TC(tp, inject_read_at_block);
	ATF_TP_ADD_TC(tp, inject_read_after_n);
	ATF_TP_ADD_TC(tp, inject_writeback_fsync);
	ATF_TP_ADD_TC(tp, inject_other_errno);
	ATF_TP_ADD_TC(tp, remove_while_open_busy);
	ATF_TP_ADD_TC(tp, register_errors);
	ATF_TP_ADD_TC(tp, short_device_end);
	ATF_TP_ADD_TC(tp, raw_character_device);
	ATF_TP_ADD_TC(tp, many_disks);
	ATF_TP_ADD_TC(tp, not_booted);
	ATF_TP_ADD_TC(tp, sync_error_reaches_fsync);
	ATF_TP_ADD_TC(tp, host_bio_failure);
	ATF_TP_ADD_TC(tp, sequential_read_ahead);
	ATF_TP_ADD_TC(tp, concurrent_writers_readers);
	ATF_TP_ADD_TC(tp, whole_buffer_write);
	ATF_TP_ADD_TC(tp, image_shrunk_under_disk);
	ATF_TP_ADD_TC(tp, syncer_writes_back);
	ATF_TP_ADD_TC(tp, ext2_mounted_disk_busy);
	ATF_TP_ADD_TC(tp, ext2_fsync_reaches_image);
	ATF_TP_ADD_TC(tp, ext2_read_eio);
	ATF_TP_ADD_TC(tp, ext2_writeback_eio_fsync);
	ATF_TP_ADD_TC(tp, ext2_mount_eio);
	ATF_TP_ADD_TC(tp, ext2_mount_needs_block_device);
	return atf_no_error();
}
