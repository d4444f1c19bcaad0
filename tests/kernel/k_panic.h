/*
 * k_panic.h: the kernel half of t_panic: panics and failed assertions
 * on request, and the kernel's snprintf on a table of formats shared
 * with the host half, which runs the same table through libc's
 * snprintf as the oracle.
 */
#ifndef _TESTS_KERNEL_K_PANIC_H_
#define _TESTS_KERNEL_K_PANIC_H_

#include <stddef.h>
#include <stdint.h>

/* panic("ktest: deliberate panic %d", v). */
int	rump_pub_ktest_panic(int v);
/*
 * KASSERT(v < limit), noting the assertion's line in *linep first.
 * Returns 0 when it holds.
 */
int	rump_pub_ktest_kassert(int v, int limit, int *linep);
/*
 * A kernel thread and the caller panic at the same moment (needs
 * RUMP_NCPU >= 2 to be simultaneous).
 */
int	rump_pub_ktest_panic_concurrent(void);
/*
 * Format case which of KTEST_PRF_ALL_CASES with the kernel's snprintf into
 * buf of len bytes; *retp gets snprintf's return value.  0, or EINVAL
 * for no such case.
 */
int	rump_pub_ktest_snprintf(unsigned int which, char *buf, size_t len,
	    int *retp);

/*
 * X(format, arguments...) for each case.  Types come from <stddef.h>
 * and <stdint.h> only, so both halves compile the same table.
 */
#define KTEST_PRF_PTR	((void *)(uintptr_t)0x1234abcdUL)
#define KTEST_PRF_CASES(X)						\
	X("plain text")							\
	X("%d|%d|%d", 42, -42, 0)					\
	X("%i|%i", -2147483647 - 1, 2147483647)				\
	X("%u|%u", 0u, 4294967295u)					\
	X("%x|%X|%x", 0xdeadbeefu, 0xabcdefu, 0u)			\
	X("%o|%o", 8u, 0u)						\
	X("%ld|%lu|%lx", -1234567890123L, 1234567890123UL, 0xfeedUL)	\
	X("%lld|%lld", -9223372036854775807LL - 1, 9223372036854775807LL) \
	X("%llu|%llx", 18446744073709551615ULL, 0x123456789abcdefULL)	\
	X("%zu|%zx", (size_t)123456789, (size_t)0xfff)			\
	X("%td|%jd|%ju", (ptrdiff_t)-77, (intmax_t)-7, (uintmax_t)7)	\
	X("%hd|%hu|%hhd|%hhu", (short)-3, (unsigned short)65535,	\
	    (signed char)-4, (unsigned char)255)			\
	X("%s|%s|", "hello", "")					\
	X("[%10s][%-10s]", "right", "left")				\
	X("[%.3s][%8.3s][%-8.3s]", "truncate", "truncate", "truncate")	\
	X("[%.*s][%*s][%*s]", 2, "star", 6, "w", -6, "w")		\
	X("[%.10s]", "short")						\
	X("%p", KTEST_PRF_PTR)						\
	X("[%20p][%-20p]", KTEST_PRF_PTR, KTEST_PRF_PTR)		\
	X("%c%c%c", 'a', 'b', 'c')					\
	X("[%3c][%-3c]", 'x', 'y')					\
	X("100%% [%%] %d%%", 5)						\
	X("[%5d][%-5d][%05d][%05d]", 42, 42, 42, -42)			\
	X("[%*d][%*d][%-*d]", 6, 42, -6, 42, 4, 7)			\
	X("[%.5d][%.5d][%8.5d][%-8.5d]", 42, -42, -42, 42)		\
	X("[%.0d][%5.0d][%.0u]", 0, 0, 0u)				\
	X("[%010llx][%-10llu][%20lld]", 0xbeefULL, 42ULL,		\
	    -9223372036854775807LL)					\
	X("[%.30d][%40.30lld]", 1, -5LL)				\
	X("[%#x][%#X][%#o][%#x][%#o]", 0x1fu, 0xabu, 8u, 0u, 0u)	\
	X("[%#10x][%#-10x][%#010x]", 0x1fu, 0x1fu, 0x1fu)		\
	X("[%+d][%+d][% d][% d][%+5d][% 05d]", 5, -5, 5, -5, 5, 5)	\
	X("%s=%d (%s) %u%% of %zu at %p", "key", -1, "note", 99u,	\
	    (size_t)4096, KTEST_PRF_PTR)

/*
 * Flag combinations C defines but gcc's -Wformat calls pointless: '0'
 * with '-' or with a precision is ignored.  Compile these with -Wformat
 * off (only these: the table above keeps its type checks).
 */
#define KTEST_PRF_ODD_CASES(X)						\
	X("[%-05d][%-05x]", 42, 0x2au)					\
	X("[%08.5d][%08.3x][%08.0d]", 42, 0xabu, 0)

#define KTEST_PRF_ALL_CASES(X)	KTEST_PRF_CASES(X) KTEST_PRF_ODD_CASES(X)

#define KTEST_PRF_ONE(...)	+ 1
#define KTEST_PRF_NCASES	(0 KTEST_PRF_ALL_CASES(KTEST_PRF_ONE))

#endif /* _TESTS_KERNEL_K_PANIC_H_ */
