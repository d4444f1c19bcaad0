/*
 * socket.h: the socket interface as it crosses the system call
 * boundary.  Test programs include their host's <sys/socket.h> and
 * <netinet/in.h> and pass AF_INET, SOCK_DGRAM, struct sockaddr_in,
 * struct msghdr ... straight to rump_sys_*, so every constant and
 * layout here is Linux x86_64's (checked by the static asserts at the
 * end and, from the host side, by tests/net/t_abi.c).  Kernel-only
 * socket machinery is in socketvar.h.
 */
#ifndef _RUMP_SYS_SOCKET_H_
#define _RUMP_SYS_SOCKET_H_

#include <rump-sys/types.h>
#include <rump-sys/uio.h>

#include <rump-sys/neterrno.h>

typedef uint32_t	socklen_t;
typedef uint16_t	sa_family_t;

/* Address families (Linux). */
#define AF_UNSPEC	0
#define AF_LOCAL	1
#define AF_UNIX		AF_LOCAL
#define AF_INET		2
#define AF_INET6	10
#define AF_PACKET	17
#define AF_MAX		46
#define PF_UNSPEC	AF_UNSPEC
#define PF_INET		AF_INET

/* Socket types; the flag bits may be or'ed into socket()'s type. */
#define SOCK_STREAM	1
#define SOCK_DGRAM	2
#define SOCK_RAW	3
#define SOCK_RDM	4
#define SOCK_SEQPACKET	5
#define SOCK_TYPE_MASK	0xf
#define SOCK_NONBLOCK	00004000	/* = O_NONBLOCK */
#define SOCK_CLOEXEC	02000000	/* = O_CLOEXEC */

/* Socket-level options (Linux numbers). */
#define SOL_SOCKET	1
#define SO_DEBUG	1
#define SO_REUSEADDR	2
#define SO_TYPE		3
#define SO_ERROR	4
#define SO_DONTROUTE	5
#define SO_BROADCAST	6
#define SO_SNDBUF	7
#define SO_RCVBUF	8
#define SO_KEEPALIVE	9
#define SO_OOBINLINE	10
#define SO_LINGER	13
#define SO_REUSEPORT	15
#define SO_RCVLOWAT	18
#define SO_SNDLOWAT	19
#define SO_RCVTIMEO	20
#define SO_SNDTIMEO	21
#define SO_ACCEPTCONN	30
#define SO_PROTOCOL	38
#define SO_DOMAIN	39

/* send/recv flags (Linux). */
#define MSG_OOB		0x0001
#define MSG_PEEK	0x0002
#define MSG_DONTROUTE	0x0004
#define MSG_CTRUNC	0x0008
#define MSG_TRUNC	0x0020
#define MSG_DONTWAIT	0x0040
#define MSG_EOR		0x0080
#define MSG_WAITALL	0x0100
#define MSG_NOSIGNAL	0x4000
#define MSG_CMSG_CLOEXEC 0x40000000	/* recvmsg: passed fds close-on-exec */

/* shutdown(how) */
#define SHUT_RD		0
#define SHUT_WR		1
#define SHUT_RDWR	2

#define SOMAXCONN	4096

struct sockaddr {
	sa_family_t	sa_family;
	char		sa_data[14];
};

/* Big enough for any address the kernel knows. */
struct sockaddr_storage {
	sa_family_t	ss_family;
	char		__ss_pad[126];
} __aligned(8);

struct msghdr {
	void		*msg_name;	/* optional address */
	socklen_t	 msg_namelen;
	struct iovec	*msg_iov;
	size_t		 msg_iovlen;
	void		*msg_control;	/* ancillary data */
	size_t		 msg_controllen;
	int		 msg_flags;	/* recvmsg: MSG_TRUNC, MSG_CTRUNC */
};

struct cmsghdr {
	size_t		 cmsg_len;
	int		 cmsg_level;
	int		 cmsg_type;
};

/*
 * Ancillary data (Linux x86_64): each message is a cmsghdr followed by
 * its data, padded to a multiple of 8 bytes (CMSG_ALIGN).
 */
#define CMSG_ALIGN(n)	(((n) + sizeof(size_t) - 1) & ~(sizeof(size_t) - 1))
#define CMSG_HDRLEN	CMSG_ALIGN(sizeof(struct cmsghdr))
#define CMSG_LEN(n)	(CMSG_HDRLEN + (n))
#define CMSG_SPACE(n)	(CMSG_HDRLEN + CMSG_ALIGN(n))
#define CMSG_DATA(c)	((unsigned char *)(c) + CMSG_HDRLEN)
#define SCM_RIGHTS	1	/* SOL_SOCKET: an array of int descriptors */
#define SCM_CREDENTIALS	2	/* SOL_SOCKET: struct ucred */
#define SCM_MAX_FD	253	/* descriptors in one message, as Linux */

/* SCM_CREDENTIALS' data (Linux). */
struct ucred {
	int32_t		 pid;
	uint32_t	 uid;
	uint32_t	 gid;
};

/* AF_LOCAL addresses (Linux): a path, or with sun_path[0] == 0 a name
 * in the abstract namespace whose length is the address length's. */
#define SUN_PATHLEN	108
struct sockaddr_un {
	sa_family_t	sun_family;
	char		sun_path[SUN_PATHLEN];
};

struct linger {
	int	l_onoff;
	int	l_linger;	/* seconds */
};

_Static_assert(sizeof(struct sockaddr) == 16, "sockaddr: Linux layout");
_Static_assert(sizeof(struct sockaddr_storage) == 128,
    "sockaddr_storage: Linux layout");
_Static_assert(sizeof(struct msghdr) == 56, "msghdr: Linux x86_64 layout");
_Static_assert(offsetof(struct msghdr, msg_iov) == 16, "msghdr.msg_iov");
_Static_assert(offsetof(struct msghdr, msg_flags) == 48, "msghdr.msg_flags");
_Static_assert(sizeof(struct linger) == 8, "linger: Linux layout");
_Static_assert(sizeof(struct cmsghdr) == 16, "cmsghdr: Linux x86_64 layout");
_Static_assert(sizeof(struct sockaddr_un) == 110, "sockaddr_un: Linux layout");
_Static_assert(sizeof(struct ucred) == 12, "ucred: Linux layout");

#endif /* _RUMP_SYS_SOCKET_H_ */
