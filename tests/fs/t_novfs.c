/*
 * t_novfs: a kernel without the VFS faction has no file system calls:
 * they answer ENOSYS (their handlers are weak references), while the
 * core's descriptor calls keep working.
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>

#include <rump/rump.h>
#include <rump/rump_syscalls.h>

#include "harness.h"

H_TC(vfs_calls_are_enosys, "without rumpvfs, open/mkdir/stat give ENOSYS; pipes still work")
{
	struct stat sb;
	char buf[4];
	int fds[2];

	H_REQUIRE_ERRNO(ENOSYS, rump_sys_open("/", O_RDONLY, 0));
	H_REQUIRE_ERRNO(ENOSYS, rump_sys_mkdir("/d", 0755));
	H_REQUIRE_ERRNO(ENOSYS, rump_sys_stat("/", &sb));
	H_REQUIRE_ERRNO(ENOSYS, rump_sys_mount("tmpfs", "/", 0, NULL, 0));
	RL(rump_sys_pipe2(fds, 0));
	ATF_CHECK_EQ(RL(rump_sys_write(fds[1], "abc", 3)), 3);
	ATF_CHECK_EQ(RL(rump_sys_read(fds[0], buf, sizeof(buf))), 3);
	RL(rump_sys_close(fds[0]));
	RL(rump_sys_close(fds[1]));
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, vfs_calls_are_enosys);
	return atf_no_error();
}
