/*
 * unix_common.h: helpers of the local socket tests (t_unix, with the
 * VFS, and t_unix_novfs, without): addresses, sending and receiving
 * descriptors.  Constants and structures are the host's (Linux's).
 */
#ifndef _UNIX_COMMON_H_
#define _UNIX_COMMON_H_

#include <sys/socket.h>
#include <sys/un.h>
#include <stddef.h>
#include <string.h>

#include <rump/rump.h>
#include <rump/rump_syscalls.h>

#include "harness.h"

#define rump_sys_send(s, b, l, f)	rump_sys_sendto(s, b, l, f, NULL, 0)
#define rump_sys_recv(s, b, l, f)	rump_sys_recvfrom(s, b, l, f, NULL, NULL)

/* A path address and its length (family, path, NUL). */
static inline socklen_t
sun_path_of(struct sockaddr_un *sun, const char *path)
{
	memset(sun, 0, sizeof(*sun));
	sun->sun_family = AF_UNIX;
	strncpy(sun->sun_path, path, sizeof(sun->sun_path) - 1);
	return (socklen_t)(offsetof(struct sockaddr_un, sun_path) +
	    strlen(path) + 1);
}

/* An abstract name: a NUL, then name (its length counts, no NUL after). */
static inline socklen_t
sun_abstract_of(struct sockaddr_un *sun, const char *name)
{
	memset(sun, 0, sizeof(*sun));
	sun->sun_family = AF_UNIX;
	memcpy(sun->sun_path + 1, name, strlen(name));
	return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 +
	    strlen(name));
}

/* sendmsg of len bytes with n descriptors (SCM_RIGHTS); -1/errno. */
static inline ssize_t
send_fds(int s, const void *buf, size_t len, const int *fds, int n)
{
	union {
		char buf[CMSG_SPACE(16 * sizeof(int))];
		struct cmsghdr align;
	} u;
	struct iovec iov = { (void *)(uintptr_t)buf, len };
	struct msghdr msg;
	struct cmsghdr *cm;

	memset(&msg, 0, sizeof(msg));
	memset(&u, 0, sizeof(u));
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	if (n > 0) {
		msg.msg_control = u.buf;
		msg.msg_controllen = CMSG_SPACE((size_t)n * sizeof(int));
		cm = CMSG_FIRSTHDR(&msg);
		cm->cmsg_len = CMSG_LEN((size_t)n * sizeof(int));
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		memcpy(CMSG_DATA(cm), fds, (size_t)n * sizeof(int));
	}
	return rump_sys_sendmsg(s, &msg, 0);
}

/*
 * recvmsg into buf with room for room descriptors (0: no control
 * buffer at all); the descriptors received go to fds, their number to
 * *nfds, the message flags to *flagsp.  -1/errno.
 */
static inline ssize_t
recv_fds(int s, void *buf, size_t len, int *fds, int room, int *nfds,
    int *flagsp)
{
	union {
		char buf[CMSG_SPACE(16 * sizeof(int))];
		struct cmsghdr align;
	} u;
	struct iovec iov = { buf, len };
	struct msghdr msg;
	struct cmsghdr *cm;
	ssize_t n;

	memset(&msg, 0, sizeof(msg));
	memset(&u, 0, sizeof(u));
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	if (room > 0) {
		msg.msg_control = u.buf;
		msg.msg_controllen = CMSG_LEN((size_t)room * sizeof(int));
	}
	*nfds = 0;
	if ((n = rump_sys_recvmsg(s, &msg, 0)) == -1)
		return -1;
	*flagsp = msg.msg_flags;
	for (cm = CMSG_FIRSTHDR(&msg); cm != NULL; cm = CMSG_NXTHDR(&msg, cm)) {
		if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS)
			continue;
		memcpy(fds + *nfds, CMSG_DATA(cm), cm->cmsg_len - CMSG_LEN(0));
		*nfds += (int)((cm->cmsg_len - CMSG_LEN(0)) / sizeof(int));
	}
	return n;
}

#endif /* _UNIX_COMMON_H_ */
