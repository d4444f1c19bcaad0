/*
 * t_unix_novfs: local sockets in a kernel without the VFS faction:
 * socketpair and abstract names work, a path name is EOPNOTSUPP (there
 * is no file system to hold it).
 */
#include <errno.h>

#include "unix_common.h"

H_TC(socketpair_without_vfs, "socketpair works without the VFS")
{
	char buf[4];
	int sv[2];

	RL(rump_sys_socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv));
	RL(rump_sys_write(sv[0], "abc", 3));
	ATF_REQUIRE_EQ(RL(rump_sys_read(sv[1], buf, sizeof(buf))), 3);
	RL(rump_sys_close(sv[0]));
	RL(rump_sys_close(sv[1]));
}

H_TC(path_needs_vfs, "bind, connect and sendto with a path answer "
    "EOPNOTSUPP without the VFS")
{
	struct sockaddr_un sun;
	socklen_t len = sun_path_of(&sun, "/sock");
	int s, d;

	s = RL(rump_sys_socket(AF_UNIX, SOCK_STREAM, 0));
	H_REQUIRE_ERRNO(EOPNOTSUPP, rump_sys_bind(s, (struct sockaddr *)&sun,
	    len));
	H_REQUIRE_ERRNO(EOPNOTSUPP, rump_sys_connect(s,
	    (struct sockaddr *)&sun, len));
	d = RL(rump_sys_socket(AF_UNIX, SOCK_DGRAM, 0));
	H_REQUIRE_ERRNO(EOPNOTSUPP, rump_sys_sendto(d, "x", 1, 0,
	    (struct sockaddr *)&sun, len));
	/* a bad address is still EINVAL first */
	H_REQUIRE_ERRNO(EINVAL, rump_sys_bind(s, (struct sockaddr *)&sun,
	    sizeof(sun) + 1));
	RL(rump_sys_close(d));
	RL(rump_sys_close(s));
}

H_TC(abstract_without_vfs, "abstract names need no file system: bind, "
    "listen, connect, accept")
{
	struct sockaddr_un sun;
	socklen_t len = sun_abstract_of(&sun, "novfs");
	char c;
	int l, cl, a;

	l = RL(rump_sys_socket(AF_UNIX, SOCK_STREAM, 0));
	RL(rump_sys_bind(l, (struct sockaddr *)&sun, len));
	RL(rump_sys_listen(l, 1));
	cl = RL(rump_sys_socket(AF_UNIX, SOCK_STREAM, 0));
	RL(rump_sys_connect(cl, (struct sockaddr *)&sun, len));
	a = RL(rump_sys_accept(l, NULL, NULL));
	RL(rump_sys_write(cl, "z", 1));
	ATF_REQUIRE_EQ(RL(rump_sys_read(a, &c, 1)), 1);
	ATF_REQUIRE_EQ(c, 'z');
	RL(rump_sys_close(a));
	RL(rump_sys_close(cl));
	RL(rump_sys_close(l));
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, socketpair_without_vfs);
	ATF_TP_ADD_TC(tp, path_needs_vfs);
	ATF_TP_ADD_TC(tp, abstract_without_vfs);
	return atf_no_error();
}
