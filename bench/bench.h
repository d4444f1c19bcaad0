/*
 * bench.h: the measuring loop shared by the benchmarks (host code).
 * A benchmark compares two sides measured in the same run: each side
 * is a function that performs n operations and returns the nanoseconds
 * they took.  Rounds alternate between the sides so that a load spike
 * on the (shared) machine hits both, and the median round is reported.
 *
 * BENCH_ROUND_MS (default 150) and BENCH_ROUNDS (default 7) in the
 * environment shorten or lengthen a run, e.g. for a profiler.
 */
#ifndef _BENCH_H_
#define _BENCH_H_

#include <stdint.h>

struct bench_side {
	const char	*bs_name;
	/* Perform n operations; the nanoseconds they took. */
	uint64_t	(*bs_run)(void *arg, uint64_t n);
	/* Optional, around every round (not timed): boot, shut down. */
	void		(*bs_setup)(void *arg);
	void		(*bs_teardown)(void *arg);
	void		*bs_arg;
	/* Rounds when BENCH_ROUNDS is unset (0: 7); read from side a. */
	int		bs_rounds;
	/* Results: operations per round, median/min/max ns per op. */
	uint64_t	bs_ops;
	double		bs_median;
	double		bs_min;
	double		bs_max;
};

/* Monotonic clock in nanoseconds. */
uint64_t	bench_now_ns(void);

/*
 * Calibrate both sides to a round of about BENCH_ROUND_MS, then run
 * BENCH_ROUNDS alternating rounds of each; fills the bs_ops and
 * per-operation results.  Exits with a message if a side fails.
 */
void	bench_compare(struct bench_side *a, struct bench_side *b);

/*
 * Print "<what>: <a> <x> <unit>, <b> <y> <unit>, ratio x/y (target <=
 * t) PASS|MISS" and a line with the spread.  scale divides ns per op
 * into unit (1 for ns, 1000 for us).
 */
void	bench_report(const char *what, const struct bench_side *a,
	    const struct bench_side *b, double scale, const char *unit,
	    double target);

#endif /* _BENCH_H_ */
