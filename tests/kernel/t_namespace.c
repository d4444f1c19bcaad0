/*
 * t_namespace.c: a test program may define its own printf, malloc and
 * memcpy and still link and run with the kernel, and the kernel keeps
 * using its own (invariant 3: kernel symbols live in rumpns_).
 *
 * The definitions below replace libc's for this whole program; they
 * count their calls and forward to working implementations.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rump/rump.h>
#include <rump/rump_syscalls.h>

#include "harness.h"

static volatile unsigned long my_printf_calls;
static volatile unsigned long my_malloc_calls;
static volatile unsigned long my_memcpy_calls;

/*
 * AddressSanitizer owns malloc and memcpy in its builds; replacing them
 * there breaks the sanitizer, not the kernel, so the cases skip.
 */
#if defined(__SANITIZE_ADDRESS__)
#define NAMESPACE_SKIP() atf_tc_skip("AddressSanitizer owns malloc/memcpy")
#else
#define NAMESPACE_SKIP() do { } while (0)

extern void *__libc_malloc(size_t);


int
printf(const char *fmt, ...)
{
	va_list ap;
	int n;

	my_printf_calls++;
	va_start(ap, fmt);
	n = vfprintf(stdout, fmt, ap);
	va_end(ap);
	return n;
}

void *
malloc(size_t size)
{
	my_malloc_calls++;
	return __libc_malloc(size);
}

void *
memcpy(void *dst, const void *src, size_t len)
{
	volatile unsigned char *d = dst;
	const volatile unsigned char *s = src;

	my_memcpy_calls++;
	while (len-- > 0)
		*d++ = *s++;
	return dst;
}
#endif /* !__SANITIZE_ADDRESS__ */

ATF_TC_WITHOUT_HEAD(own_definitions_are_used);
ATF_TC_BODY(own_definitions_are_used, tc)
{
	char a[8] = "abcdefg", b[8];
	void *volatile p;
	/* Through pointers, so the compiler cannot fold the calls away. */
	void *(*volatile cpy)(void *, const void *, size_t) = memcpy;
	int (*volatile prt)(const char *, ...) = printf;
	unsigned long before;

	NAMESPACE_SKIP();
	/* The program's calls reach its own definitions. */
	before = my_printf_calls;
	prt("%s", "");
	ATF_CHECK_EQ(my_printf_calls, before + 1);
	before = my_malloc_calls;
	p = malloc(16);
	ATF_CHECK_EQ(my_malloc_calls, before + 1);
	free(p);
	before = my_memcpy_calls;
	cpy(b, a, sizeof(a));
	ATF_CHECK_EQ(my_memcpy_calls, before + 1);
	ATF_CHECK_STREQ(b, "abcdefg");
}

H_TC_ENV(kernel_uses_its_own, "RUMP_VERBOSE=1",
    "the kernel prints, copies and allocates with its own routines, not "
    "the program's")
{
	gid_t set[4] = { 10, 20, 30, 40 }, got[4];
	char msg[256];
	int fds[2];
	unsigned long printfs, memcpys;
	size_t inuse;

	NAMESPACE_SKIP();
	printfs = my_printf_calls;
	memcpys = my_memcpy_calls;
	/* Kernel memcpy (credentials) and kernel printf (nothing here). */
	for (int i = 0; i < 100; i++) {
		RL(rump_sys_setgroups(4, set));
		ATF_REQUIRE_EQ(rump_sys_getgroups(4, got), 4);
	}
	ATF_CHECK_EQ(got[3], 40);
	/* Pipes move data through uiomove and the kernel's copies. */
	RL(rump_sys_pipe2(fds, 0));
	ATF_REQUIRE_EQ(rump_sys_write(fds[1], "namespace", 10), 10);
	ATF_REQUIRE_EQ(rump_sys_read(fds[0], msg, sizeof(msg)), 10);
	ATF_CHECK_STREQ(msg, "namespace");
	RL(rump_sys_close(fds[0]));
	RL(rump_sys_close(fds[1]));
	ATF_CHECK_EQ_MSG(my_memcpy_calls, memcpys,
	    "the kernel called the program's memcpy %lu times",
	    my_memcpy_calls - memcpys);
	ATF_CHECK_EQ_MSG(my_printf_calls, printfs,
	    "the kernel called the program's printf");
	/* Kernel memory is the kernel's kmem, accounted as such. */
	inuse = rump_pub_kmem_inuse();
	ATF_CHECK(inuse > 0);
}

static void
boot_verbose(void *arg)
{
	(void)arg;
	setenv("RUMP_VERBOSE", "1", 1);
	my_printf_calls = 0;
	if (rump_init() != 0)
		exit(2);
	rump_sys_reboot(0, NULL);
	/* Report through stderr: printf here would count itself. */
	fprintf(stderr, "program printf calls during boot: %lu\n",
	    my_printf_calls);
}

ATF_TC_WITHOUT_HEAD(kernel_printf_is_not_ours);
ATF_TC_BODY(kernel_printf_is_not_ours, tc)
{
	struct h_child hc;

	NAMESPACE_SKIP();
	h_child_run(boot_verbose, NULL, 30, &hc);
	/* The kernel printed its boot line through its own printf... */
	h_child_require_output(&hc, "rump kernel: 1 cpu");
	/* ...and never through the program's. */
	h_child_require_output(&hc, "program printf calls during boot: 0\n");
	h_child_free(&hc);
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, own_definitions_are_used);
	ATF_TP_ADD_TC(tp, kernel_uses_its_own);
	ATF_TP_ADD_TC(tp, kernel_printf_is_not_ours);
	return atf_no_error();
}
