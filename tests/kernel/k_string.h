/*
 * k_string.h: the kernel's own string routines, called from the host
 * half so their results can be compared with libc's.
 */
#ifndef _K_STRING_H_
#define _K_STRING_H_

#include <stddef.h>

void	*rump_pub_ktest_memset(void *dst, int c, size_t len);
void	*rump_pub_ktest_memcpy(void *dst, const void *src, size_t len);
void	*rump_pub_ktest_memmove(void *dst, const void *src, size_t len);
int	 rump_pub_ktest_memcmp(const void *a, const void *b, size_t len);
size_t	 rump_pub_ktest_strlcpy(char *dst, const char *src, size_t size);

#endif /* _K_STRING_H_ */
