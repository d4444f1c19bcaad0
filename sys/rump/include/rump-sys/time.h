/*
 * time.h: kernel time.  The clock ticks at hz for interfaces counted in
 * ticks; everything else is nanoseconds from the host's monotonic clock.
 */
#ifndef _RUMP_SYS_TIME_H_
#define _RUMP_SYS_TIME_H_

#include <rump-sys/types.h>

#define hz		100
#define NSEC_PER_SEC	1000000000ULL
#define NSEC_PER_TICK	(NSEC_PER_SEC / hz)
#define mstohz(ms)	((int)(((uint64_t)(ms) * hz + 999) / 1000))

/* Monotonic nanoseconds since an arbitrary origin. */
uint64_t	rump_monotime_ns(void);
void	nanouptime(struct timespec *);
void	getnanouptime(struct timespec *);
void	nanotime(struct timespec *);
void	getnanotime(struct timespec *);
void	getmicrotime(struct timeval *);
time_t	time_uptime_sec(void);

/*
 * Sleep ticks (at least 1) off-CPU.  With mtx non-NULL it is released
 * for the sleep.  0 after the time passed.
 */
struct kmutex;
int	kpause(const char *wmesg, bool intr, int ticks, struct kmutex *mtx);

static inline uint64_t
timespec_to_ns(const struct timespec *ts)
{
	return (uint64_t)ts->tv_sec * NSEC_PER_SEC + (uint64_t)ts->tv_nsec;
}

static inline void
ns_to_timespec(uint64_t ns, struct timespec *ts)
{
	ts->tv_sec = (time_t)(ns / NSEC_PER_SEC);
	ts->tv_nsec = (long)(ns % NSEC_PER_SEC);
}

#endif /* _RUMP_SYS_TIME_H_ */
