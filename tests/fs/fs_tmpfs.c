/*
 * fs_tmpfs.c: the tmpfs backend of the test matrix.  There is nothing
 * to make: a mount is the file system; the size limit is the "size="
 * mount option.
 */
#include <sys/mount.h>

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rump/rump.h>
#include <rump/rump_syscalls.h>

#include "fs_common.h"

static int
tmpfs_newfs(void **argp, size_t size)
{
	size_t *sp = malloc(sizeof(*sp));

	if (sp == NULL)
		return ENOMEM;
	*sp = size;
	*argp = sp;
	return 0;
}

static int
tmpfs_mount(void *arg, const char *mp)
{
	size_t size = *(size_t *)arg;
	char opts[64];

	if (rump_sys_mkdir(mp, 0777) == -1 && errno != EEXIST)
		return errno;
	if (size == 0)
		return rump_sys_mount("tmpfs", mp, 0, NULL, 0) == 0 ? 0 : errno;
	snprintf(opts, sizeof(opts), "size=%zu", size);
	return rump_sys_mount("tmpfs", mp, 0, opts, strlen(opts) + 1) == 0 ?
	    0 : errno;
}

static int
tmpfs_unmount(void *arg, const char *mp)
{
	return rump_sys_unmount(mp, 0) == 0 ? 0 : errno;
}

static int
tmpfs_forceunmount(void *arg, const char *mp)
{
	return rump_sys_unmount(mp, MNT_FORCE) == 0 ? 0 : errno;
}

static void
tmpfs_delete(void *arg)
{
	free(arg);
}

const struct fs_backend fs_tmpfs = {
	.fs_name = "tmpfs",
	.fs_newfs = tmpfs_newfs,
	.fs_mount = tmpfs_mount,
	.fs_unmount = tmpfs_unmount,
	.fs_forceunmount = tmpfs_forceunmount,
	.fs_delete = tmpfs_delete,
};

void *fs_run_arg;

void
fs_run(const struct fs_backend *fs, fs_body_t *body, size_t size)
{
	void *arg;
	int error;

	if ((error = fs->fs_newfs(&arg, size)) != 0)
		atf_tc_fail("%s newfs: %s", fs->fs_name, strerror(error));
	fs_run_arg = arg;
	if ((error = fs->fs_mount(arg, FS_MNT)) != 0)
		atf_tc_fail("%s mount: %s", fs->fs_name, strerror(error));
	RL(rump_sys_chdir(FS_MNT));
	body(fs, FS_MNT);
	RL(rump_sys_chdir("/"));
	if ((error = fs->fs_unmount(arg, FS_MNT)) != 0)
		atf_tc_fail("%s unmount: %s (a vnode still referenced?)",
		    fs->fs_name, strerror(error));
	fs->fs_delete(arg);
}
