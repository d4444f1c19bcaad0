/*
 * time.c: kernel time from the host's clocks, and sleeping for a while.
 */
#include <rump-sys/systm.h>
#include <rump-sys/time.h>
#include <rump-sys/mutex.h>
#include <rump/rumpuser.h>

uint64_t
rump_monotime_ns(void)
{
	int64_t sec;
	long nsec;

	if (rumpuser_clock_gettime(RUMPUSER_CLOCK_MONO, &sec, &nsec) != 0)
		panic("%s: the host has no monotonic clock", __func__);
	return (uint64_t)sec * NSEC_PER_SEC + (uint64_t)nsec;
}

void
nanouptime(struct timespec *ts)
{
	ns_to_timespec(rump_monotime_ns(), ts);
}

void
getnanouptime(struct timespec *ts)
{
	nanouptime(ts);
}

void
nanotime(struct timespec *ts)
{
	int64_t sec;
	long nsec;

	if (rumpuser_clock_gettime(RUMPUSER_CLOCK_WALL, &sec, &nsec) != 0)
		panic("%s: the host has no wall clock", __func__);
	ts->tv_sec = sec;
	ts->tv_nsec = nsec;
}

void
getnanotime(struct timespec *ts)
{
	nanotime(ts);
}

void
getmicrotime(struct timeval *tv)
{
	struct timespec ts;

	nanotime(&ts);
	tv->tv_sec = ts.tv_sec;
	tv->tv_usec = ts.tv_nsec / 1000;
}

time_t
time_uptime_sec(void)
{
	return (time_t)(rump_monotime_ns() / NSEC_PER_SEC);
}

int
kpause(const char *wmesg, bool intr, int ticks, kmutex_t *mtx)
{
	uint64_t ns = (uint64_t)(ticks > 0 ? ticks : 1) * NSEC_PER_TICK;
	int error;

	(void)wmesg;
	(void)intr;
	if (mtx != NULL)
		mutex_exit(mtx);
	/* The hypercall gives the CPU up while the host sleeps. */
	error = rumpuser_clock_sleep(RUMPUSER_SLEEP_REL,
	    (int64_t)(ns / NSEC_PER_SEC), (long)(ns % NSEC_PER_SEC));
	if (mtx != NULL)
		mutex_enter(mtx);
	return error;
}
