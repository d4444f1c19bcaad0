/*
 * t_ext2fs: ext2-specific tests.  Images made by the host's mke2fs are
 * registered as disks and mounted; what the kernel writes is judged by
 * the host's e2fsck and read back with debugfs.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
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

static void
mountimg(const char *opts)
{
	char data[64];

	snprintf(data, sizeof(data), "%s%s%s", KEY, opts ? "," : "",
	    opts ? opts : "");
	RZ(rump_pub_etfs_register(KEY, IMG, RUMP_ETFS_BLK));
	RL(rump_sys_mkdir(MNT, 0755));
	RL(rump_sys_mount("ext2fs", MNT, 0, data, strlen(data) + 1));
}

static void
unmountimg(void)
{
	RL(rump_sys_unmount(MNT, 0));
	RZ(rump_pub_etfs_remove(KEY));
}

H_TC(write_read_by_host, "files written through the kernel read back with debugfs; e2fsck is happy")
{
	char buf[256];
	int fd;

	h_ext2_mkfs(IMG, 4 << 20, NULL);
	mountimg(NULL);
	RL(fd = rump_sys_open(MNT "/hello", O_RDWR | O_CREAT, 0644));
	ATF_REQUIRE_EQ(RL(rump_sys_write(fd, "hello world\n", 12)), 12);
	RL(rump_sys_close(fd));
	unmountimg();
	h_ext2_fsck(IMG);
	h_ext2_debugfs(IMG, "cat /hello", buf, sizeof(buf));
	ATF_CHECK_STREQ(buf, "hello world\n");
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, write_read_by_host);
	return atf_no_error();
}
