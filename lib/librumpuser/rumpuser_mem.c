/*
 * rumpuser_mem.c: memory for the kernel's allocators (kmem, pools),
 * straight from the host malloc so that valgrind and the sanitizers
 * see every kernel allocation.
 */

#include <errno.h>
#include <stdalign.h>
#include <stddef.h>
#include <stdlib.h>

#include "rumpuser_int.h"

/*
 * Allocate len bytes aligned to alignment (0 or a power of two; 0 means
 * the host's natural malloc alignment).  Returns 0 with the memory in
 * *memp, RUMP_EINVAL for a bad alignment or RUMP_ENOMEM.  len 0 gives a
 * unique pointer that must still be freed.
 */
int
rumpuser_malloc(size_t len, size_t alignment, void **memp)
{
	void *mem;
	int error;

	if (rumpuser__fault(RUMPUSER__FAULT_MALLOC))
		return RUMP_ENOMEM;

	if ((alignment & (alignment - 1)) != 0)
		return RUMP_EINVAL;
	if (len == 0)
		len = 1;
	if (alignment <= alignof(max_align_t)) {
		mem = malloc(len);
		if (mem == NULL)
			return RUMP_ENOMEM;
	} else {
		/* alignment > max_align_t is a multiple of sizeof(void *). */
		error = posix_memalign(&mem, alignment, len);
		if (error != 0)
			return error == EINVAL ? RUMP_EINVAL : RUMP_ENOMEM;
	}
	*memp = mem;
	return 0;
}

/* Free memory from rumpuser_malloc; len is the size asked for (unused). */
void
rumpuser_free(void *mem, size_t len)
{

	free(mem);
}
