/*
 * abi.h: constants that cross the system call boundary.  Test programs
 * pass their host's values (O_NONBLOCK, CLOCK_MONOTONIC, ...) straight
 * to rump_sys_*, so the kernel uses the values of the host ABI (Linux).
 * Errno values are the exception: the kernel keeps NetBSD's numbers and
 * librumpuser translates them when it sets the caller's errno.
 */
#ifndef _RUMP_SYS_ABI_H_
#define _RUMP_SYS_ABI_H_

#include <rump-sys/types.h>

#define O_RDONLY	0x0000
#define O_WRONLY	0x0001
#define O_RDWR		0x0002
#define O_ACCMODE	0x0003
#define O_NONBLOCK	00004000
#define O_APPEND	00002000
#define O_CLOEXEC	02000000
#define O_CREAT		00000100
#define O_EXCL		00000200
#define O_NOCTTY	00000400
#define O_TRUNC		00001000
#define O_DIRECTORY	00200000
#define O_NOFOLLOW	00400000

#define AT_FDCWD	(-100)

/* lseek */
#define SEEK_SET	0
#define SEEK_CUR	1
#define SEEK_END	2

/* access */
#define F_OK		0
#define X_OK		1
#define W_OK		2
#define R_OK		4

#define F_DUPFD		0
#define F_GETFD		1
#define F_SETFD		2
#define F_GETFL		3
#define F_SETFL		4
#define F_DUPFD_CLOEXEC	1030
#define FD_CLOEXEC	1

/* Advisory record locks: fcntl commands and struct flock (Linux x86_64). */
#define F_GETLK		5
#define F_SETLK		6
#define F_SETLKW	7
#define F_RDLCK		0
#define F_WRLCK		1
#define F_UNLCK		2
struct flock {
	short	l_type;
	short	l_whence;
	off_t	l_start;
	off_t	l_len;		/* 0: to the end of file and beyond */
	pid_t	l_pid;		/* F_GETLK: the holder */
};

/* Generic ioctls (Linux numbers, outside the _IOC encoding). */
#define FIONREAD	0x541B	/* int out: bytes ready to read */
#define FIONBIO		0x5421	/* int in: non-blocking on/off */
#define FIONCLEX	0x5450
#define FIOCLEX		0x5451
#define FIOASYNC	0x5452	/* int in */

#define CLOCK_REALTIME	0
#define CLOCK_MONOTONIC	1

/* Pipe writes of at most this many bytes are atomic (<limits.h>). */
#define PIPE_BUF	4096

#endif /* _RUMP_SYS_ABI_H_ */
