/*
 * rumpuser_random.c: entropy for the kernel's random number generator,
 * from the host kernel's getrandom(2).
 */

#include <sys/random.h>

#include <errno.h>

#include "rumpuser_int.h"

/*
 * Fill buf with buflen random bytes; *retp gets the count.  Without
 * RUMPUSER_RANDOM_NOWAIT this may block (only until the host pool is
 * first seeded), with the virtual CPU released.  With it, a pool not
 * yet seeded gives RUMP_EAGAIN, or a short count if some bytes came.
 * RUMPUSER_RANDOM_HARD needs nothing extra on Linux: once seeded, the
 * getrandom pool is cryptographically strong.  Returns 0, RUMP_EINVAL
 * for unknown flags, or the translated host error.
 */
int
rumpuser_getrandom(void *buf, size_t buflen, int flags, size_t *retp)
{
	unsigned char *p = buf;
	size_t done;
	ssize_t n;
	int error;

	if ((flags & ~(RUMPUSER_RANDOM_HARD | RUMPUSER_RANDOM_NOWAIT)) != 0)
		return RUMP_EINVAL;
	error = 0;
	for (done = 0; done < buflen;) {
		if ((flags & RUMPUSER_RANDOM_NOWAIT) != 0) {
			n = getrandom(p + done, buflen - done, GRND_NONBLOCK);
			error = n == -1 ? errno : 0;
		} else
			RUMPUSER_BLOCKING(
				n = getrandom(p + done, buflen - done, 0);
				error = n == -1 ? errno : 0
			);
		if (n > 0)
			done += (size_t)n;
		else if (error != EINTR)
			break;
	}
	if (error != 0 && (error != EAGAIN || done == 0))
		return rumpuser__errtrans(error);
	*retp = done;
	return 0;
}
