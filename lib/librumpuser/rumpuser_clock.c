/*
 * rumpuser_clock.c: the host clocks behind kernel time, and sleeping.
 * Kernel timeouts run on the monotonic clock so that a test changing
 * the wall clock does not disturb them.
 */

#include <errno.h>
#include <stdint.h>
#include <time.h>

#include "rumpuser_int.h"

/*
 * Read the wall clock (RUMPUSER_CLOCK_WALL) or the monotonic clock
 * (RUMPUSER_CLOCK_MONO) into *secp and *nsecp.  Returns 0 or
 * RUMP_EINVAL for another clk.
 */
int
rumpuser_clock_gettime(int clk, int64_t *secp, long *nsecp)
{
	struct timespec ts;
	clockid_t id;

	switch (clk) {
	case RUMPUSER_CLOCK_WALL:
		id = CLOCK_REALTIME;
		break;
	case RUMPUSER_CLOCK_MONO:
		id = CLOCK_MONOTONIC;
		break;
	default:
		return RUMP_EINVAL;
	}
	if (clock_gettime(id, &ts) == -1)
		return rumpuser__errtrans(errno);
	*secp = ts.tv_sec;
	*nsecp = ts.tv_nsec;
	return 0;
}

/*
 * sec.nsec as a timespec; nsec may be outside [0, 1e9) and is carried
 * into sec.  Returns 0 if the result is negative (nothing to wait for).
 */
static int
to_timespec(int64_t sec, long nsec, struct timespec *ts)
{

	sec += nsec / 1000000000L;
	nsec %= 1000000000L;
	if (nsec < 0) {
		sec--;
		nsec += 1000000000L;
	}
	if (sec < 0)
		return 0;
	ts->tv_sec = (time_t)sec;
	ts->tv_nsec = nsec;
	return 1;
}

/* Sleep for *ts, resuming after signals; returns a host errno. */
static int
sleep_rel(struct timespec ts)
{

	while (nanosleep(&ts, &ts) == -1)
		if (errno != EINTR)
			return errno;
	return 0;
}

/* Sleep until the monotonic time *ts; returns a host errno. */
static int
sleep_absmono(const struct timespec *ts)
{
	int error;

	while ((error = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, ts,
	    NULL)) == EINTR)
		continue;
	return error;
}

/*
 * Sleep with the virtual CPU released, for sec.nsec (RUMPUSER_SLEEP_REL)
 * or until the monotonic time sec.nsec (RUMPUSER_SLEEP_ABSMONO).  A
 * negative interval or a time in the past returns at once.  Signals do
 * not cut the sleep short.  Returns 0 or RUMP_EINVAL for another how.
 */
int
rumpuser_clock_sleep(int how, int64_t sec, long nsec)
{
	struct timespec ts;
	int error;

	if (how != RUMPUSER_SLEEP_REL && how != RUMPUSER_SLEEP_ABSMONO)
		return RUMP_EINVAL;
	if (!to_timespec(sec, nsec, &ts))
		return 0;
	RUMPUSER_BLOCKING(error = how == RUMPUSER_SLEEP_REL ?
	    sleep_rel(ts) : sleep_absmono(&ts));
	return rumpuser__errtrans(error);
}
