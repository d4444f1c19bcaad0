/*
 * types.h: the kernel's basic types.  Kernel code sees only the
 * compiler's freestanding headers and these; the sizes match the LP64
 * host ABI so system call arguments pass through unchanged (checked by
 * the static asserts at the end).
 */
#ifndef _RUMP_SYS_TYPES_H_
#define _RUMP_SYS_TYPES_H_

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef int32_t		pid_t;
typedef int32_t		lwpid_t;
typedef uint32_t	uid_t;
typedef uint32_t	gid_t;
typedef uint32_t	mode_t;
typedef int64_t		off_t;
typedef uint64_t	dev_t;
typedef long		ssize_t;
typedef int64_t		time_t;
typedef long		suseconds_t;
typedef int		clockid_t;
typedef long		register_t;
typedef uintptr_t	vaddr_t;
typedef unsigned int	u_int;
typedef unsigned long	u_long;

struct timespec {
	time_t	tv_sec;
	long	tv_nsec;
};

struct timeval {
	time_t		tv_sec;
	suseconds_t	tv_usec;
};

#define __predict_true(e)	__builtin_expect(!!(e), 1)
#define __predict_false(e)	__builtin_expect(!!(e), 0)
#define __unused		__attribute__((__unused__))
#define __noreturn		__attribute__((__noreturn__))
#define __printflike(f, a)	__attribute__((__format__(__printf__, f, a)))
#define __aligned(n)		__attribute__((__aligned__(n)))
#define __packed		__attribute__((__packed__))
#define __UNCONST(p)		((void *)(uintptr_t)(const void *)(p))
#define __arraycount(a)		(sizeof(a) / sizeof((a)[0]))
#define __CONCAT(a, b)		a##b
#define __STRING(x)		#x

#define MIN(a, b)		((a) < (b) ? (a) : (b))
#define MAX(a, b)		((a) > (b) ? (a) : (b))
#define roundup(x, y)		((((x) + ((y) - 1)) / (y)) * (y))
#define howmany(x, y)		(((x) + ((y) - 1)) / (y))

#define CACHE_LINE_SIZE		64
#define PAGE_SIZE		4096
#define MAXCOMLEN		16
#define MAXLOGNAME		16
#define MAXHOSTNAMELEN		256
#define NGROUPS_MAX		16

_Static_assert(sizeof(pid_t) == 4, "pid_t matches the host ABI");
_Static_assert(sizeof(off_t) == 8, "off_t matches the host ABI");
_Static_assert(sizeof(struct timespec) == 16, "timespec matches the host ABI");

#endif /* _RUMP_SYS_TYPES_H_ */
