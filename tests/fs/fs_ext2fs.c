/*
 * fs_ext2fs.c: the ext2 backend of the test matrix.  newfs makes a host
 * image with the host's mke2fs (revision 1, 1 KiB blocks, 256-byte
 * inodes, the features the kernel's ext2fs maintains: filetype,
 * sparse_super, large_file; no dir_index, resize_inode, ext_attr or
 * journal), mount registers it as the disk /dev/ext2 (etfs) and mounts
 * it with the option string "/dev/ext2", and unmount unmounts, removes
 * the disk and runs `e2fsck -fn` on the image: the case fails if the
 * host's checker finds anything wrong.  Without mke2fs the cases skip.
 *
 * Sizes: a case of any size gets a 128 MiB image with 110,000 inodes
 * (dir_100k_lookup needs 100,000; the image file is sparse, about 28 MB
 * of it inode tables); a sized case (enospc_recover, statvfs_counts)
 * gets an image of exactly that size with mke2fs's default inode count.
 * Every generic case applies to ext2.
 */
#include <sys/stat.h>

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rump/rump.h>
#include <rump/rump_syscalls.h>

#include "fs_common.h"
#include "h_ext2.h"

#define EXT2_KEY	"/dev/ext2"
#define EXT2_IMG	"ext2.img"

struct ext2_arg {
	size_t	size;
};

static int
ext2_newfs(void **argp, size_t size)
{
	struct ext2_arg *a;

	h_ext2_require_tools();
	if ((a = malloc(sizeof(*a))) == NULL)
		return ENOMEM;
	a->size = size;
	if (size == 0)
		h_ext2_mkfs(EXT2_IMG, 128 * 1024 * 1024, "-N 110000");
	else
		h_ext2_mkfs(EXT2_IMG, size, NULL);
	*argp = a;
	return 0;
}

static int
ext2_mount(void *arg, const char *mp)
{
	int error;

	if (rump_sys_mkdir(mp, 0777) == -1 && errno != EEXIST)
		return errno;
	if ((error = rump_pub_etfs_register(EXT2_KEY, EXT2_IMG,
	    RUMP_ETFS_BLK)) != 0)
		return error;
	if (rump_sys_mount("ext2fs", mp, 0, EXT2_KEY, sizeof(EXT2_KEY)) == -1) {
		error = errno;
		(void)rump_pub_etfs_remove(EXT2_KEY);
		return error;
	}
	return 0;
}

static int
ext2_unmount(void *arg, const char *mp)
{
	int error;

	if (rump_sys_unmount(mp, 0) == -1)
		return errno;
	if ((error = rump_pub_etfs_remove(EXT2_KEY)) != 0)
		return error;
	h_ext2_fsck(EXT2_IMG);
	return 0;
}

static void
ext2_delete(void *arg)
{
	(void)unlink(EXT2_IMG);
	free(arg);
}

const struct fs_backend fs_ext2fs = {
	.fs_name = "ext2fs",
	.fs_newfs = ext2_newfs,
	.fs_mount = ext2_mount,
	.fs_unmount = ext2_unmount,
	.fs_delete = ext2_delete,
};
