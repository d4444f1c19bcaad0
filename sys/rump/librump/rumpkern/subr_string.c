/*
 * subr_string.c: the string and memory routines the kernel would
 * otherwise take from libc.  Renamed into rumpns_ like all kernel
 * symbols, so a test program's own memcpy never meets these.
 */
#include <rump-sys/systm.h>

CTASSERT(sizeof(long) == 8);	/* memset builds its word by shifting */

#undef memcpy
#undef memmove
#undef memset
#undef memcmp

__attribute__((__optimize__("no-tree-loop-distribute-patterns")))
void *
memcpy(void *dst, const void *src, size_t len)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	/* Word copies when both are aligned; most kernel copies are. */
	if ((((uintptr_t)d | (uintptr_t)s) & (sizeof(long) - 1)) == 0) {
		for (; len >= sizeof(long); len -= sizeof(long)) {
			*(long *)(void *)d = *(const long *)(const void *)s;
			d += sizeof(long);
			s += sizeof(long);
		}
	}
	while (len-- > 0)
		*d++ = *s++;
	return dst;
}

void *
memmove(void *dst, const void *src, size_t len)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	if (d == s || len == 0)
		return dst;
	if (d < s || d >= s + len)
		return memcpy(dst, src, len);
	d += len;
	s += len;
	while (len-- > 0)
		*--d = *--s;
	return dst;
}

/*
 * Word stores between the unaligned ends: kmem poisons and tmpfs zeroes
 * whole pages, so this is hot.  The attribute keeps the compiler from
 * turning the loops back into a call to memset, which is us.
 */
__attribute__((__optimize__("no-tree-loop-distribute-patterns")))
void *
memset(void *dst, int c, size_t len)
{
	unsigned char *d = dst;
	unsigned long w = (unsigned char)c;

	for (; len > 0 && ((uintptr_t)d & (sizeof(long) - 1)) != 0; len--)
		*d++ = (unsigned char)c;
	if (len >= sizeof(long)) {
		w |= w << 8;
		w |= w << 16;
		w |= w << 32;
		for (; len >= sizeof(long); len -= sizeof(long)) {
			*(unsigned long *)(void *)d = w;
			d += sizeof(long);
		}
	}
	while (len-- > 0)
		*d++ = (unsigned char)c;
	return dst;
}

int
memcmp(const void *a, const void *b, size_t len)
{
	const unsigned char *p = a, *q = b;

	for (; len > 0; len--, p++, q++) {
		if (*p != *q)
			return *p < *q ? -1 : 1;
	}
	return 0;
}

size_t
strlen(const char *s)
{
	const char *p = s;

	while (*p != '\0')
		p++;
	return (size_t)(p - s);
}

size_t
strnlen(const char *s, size_t max)
{
	size_t n;

	for (n = 0; n < max && s[n] != '\0'; n++)
		continue;
	return n;
}

int
strcmp(const char *a, const char *b)
{
	for (; *a == *b; a++, b++) {
		if (*a == '\0')
			return 0;
	}
	return (unsigned char)*a < (unsigned char)*b ? -1 : 1;
}

int
strncmp(const char *a, const char *b, size_t n)
{
	for (; n > 0; n--, a++, b++) {
		if (*a != *b)
			return (unsigned char)*a < (unsigned char)*b ? -1 : 1;
		if (*a == '\0')
			return 0;
	}
	return 0;
}

/* Copy with truncation; returns strlen(src), so >= size means it was cut. */
size_t
strlcpy(char *dst, const char *src, size_t size)
{
	size_t len = strlen(src);

	if (size > 0) {
		size_t n = len < size - 1 ? len : size - 1;
		memcpy(dst, src, n);
		dst[n] = '\0';
	}
	return len;
}

char *
strchr(const char *s, int c)
{
	for (;; s++) {
		if (*s == (char)c)
			return __UNCONST(s);
		if (*s == '\0')
			return NULL;
	}
}

int
kstrtoull(const char *s, unsigned long long *vp)
{
	unsigned long long v = 0;

	if (*s == '\0')
		return EINVAL;
	for (; *s != '\0'; s++) {
		unsigned int d;

		if (*s < '0' || *s > '9')
			return EINVAL;
		d = (unsigned int)(*s - '0');
		if (v > (~0ULL - d) / 10)
			return ERANGE;
		v = v * 10 + d;
	}
	*vp = v;
	return 0;
}
