/*
 * k_string.c: thin entry points to the kernel's memset, memcpy, memmove,
 * memcmp and strlcpy (subr_string.c), which a test program cannot reach
 * by name: they are renamed into rumpns_.  They need no kernel context.
 */
#include <rump-sys/systm.h>

#include "k_string.h"

#undef memset
#undef memcpy
#undef memmove
#undef memcmp

void *
rump_pub_ktest_memset(void *dst, int c, size_t len)
{
	return memset(dst, c, len);
}

void *
rump_pub_ktest_memcpy(void *dst, const void *src, size_t len)
{
	return memcpy(dst, src, len);
}

void *
rump_pub_ktest_memmove(void *dst, const void *src, size_t len)
{
	return memmove(dst, src, len);
}

int
rump_pub_ktest_memcmp(const void *a, const void *b, size_t len)
{
	return memcmp(a, b, len);
}

size_t
rump_pub_ktest_strlcpy(char *dst, const char *src, size_t size)
{
	return strlcpy(dst, src, size);
}
