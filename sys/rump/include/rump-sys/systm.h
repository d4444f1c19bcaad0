/*
 * systm.h: what every kernel file needs: printf and panic, assertions,
 * the string routines (the kernel has no libc), copyin/copyout.
 */
#ifndef _RUMP_SYS_SYSTM_H_
#define _RUMP_SYS_SYSTM_H_

#include <rump-sys/types.h>
#include <rump-sys/errno.h>

/* Console output; returns the number of characters printed. */
int	printf(const char *, ...) __printflike(1, 2);
int	vprintf(const char *, va_list) __printflike(1, 0);
int	snprintf(char *, size_t, const char *, ...) __printflike(3, 4);
int	vsnprintf(char *, size_t, const char *, va_list) __printflike(3, 0);
/* printf only when booted with RUMP_VERBOSE set */
void	aprint_verbose(const char *, ...) __printflike(1, 2);
extern int rump_verbose;

/* Print "panic: <message>" and a host backtrace, flush gcov, abort. */
void	panic(const char *, ...) __printflike(1, 2) __noreturn;
void	vpanic(const char *, va_list) __printflike(1, 0) __noreturn;
void	kern_assert(const char *, ...) __printflike(1, 2) __noreturn;

/*
 * Assertions are always compiled in: this kernel exists to find bugs,
 * and the cost is a predicted branch.
 */
#define KASSERT(e) do {							\
	if (__predict_false(!(e)))					\
		kern_assert("kernel assertion \"%s\" failed: "		\
		    "file \"%s\", line %d, function \"%s\"",		\
		    #e, __FILE__, __LINE__, __func__);			\
} while (0)
#define KASSERTMSG(e, fmt, ...) do {					\
	if (__predict_false(!(e)))					\
		kern_assert("kernel assertion \"%s\" failed: "		\
		    "file \"%s\", line %d, function \"%s\": " fmt,	\
		    #e, __FILE__, __LINE__, __func__, ##__VA_ARGS__);	\
} while (0)
#define CTASSERT(e)	_Static_assert(e, #e)

/* String and memory routines (subr_string.c). */
void	*memcpy(void *, const void *, size_t);
void	*memmove(void *, const void *, size_t);
void	*memset(void *, int, size_t);
int	 memcmp(const void *, const void *, size_t);
size_t	 strlen(const char *);
size_t	 strnlen(const char *, size_t);
int	 strcmp(const char *, const char *);
int	 strncmp(const char *, const char *, size_t);
size_t	 strlcpy(char *, const char *, size_t);
char	*strchr(const char *, int);
/* Parse a decimal number; 0 or EINVAL/ERANGE (no partial parses). */
int	 kstrtoull(const char *, unsigned long long *);

#define memcpy(d, s, n)		__builtin_memcpy((d), (s), (n))
#define memset(d, c, n)		__builtin_memset((d), (c), (n))
#define memcmp(a, b, n)		__builtin_memcmp((a), (b), (n))
#define memmove(d, s, n)	__builtin_memmove((d), (s), (n))

/*
 * Moving data across the user/kernel line.  The "user" is the test
 * program, in our own address space; bad pointers give EFAULT.
 */
int	copyin(const void *uaddr, void *kaddr, size_t len);
int	copyout(const void *kaddr, void *uaddr, size_t len);
int	copyinstr(const void *uaddr, void *kaddr, size_t maxlen,
	    size_t *donep);
int	copyoutstr(const void *kaddr, void *uaddr, size_t maxlen,
	    size_t *donep);

/* Interrupt priority levels: no hardware, so these only document. */
#define IPL_NONE	0
#define IPL_SOFTCLOCK	1
#define IPL_SOFTBIO	2
#define IPL_SOFTNET	3
#define IPL_SOFTSERIAL	4
#define IPL_VM		5
#define IPL_SCHED	6
#define IPL_HIGH	7
static inline int splhigh(void) { return 0; }
static inline int splvm(void) { return 0; }
static inline int splnet(void) { return 0; }
static inline void splx(int s) { (void)s; }

#endif /* _RUMP_SYS_SYSTM_H_ */
