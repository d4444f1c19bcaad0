/*
 * bench.c: calibration, alternating rounds and the report line shared
 * by the benchmarks; see bench.h.
 */
#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench.h"

#define ROUND_MS_DEFAULT	150
#define ROUNDS_DEFAULT		7
#define ROUNDS_MAX		101

static long
env_long(const char *name, long def, long min, long max)
{
	const char *s = getenv(name);
	char *end;
	long v;

	if (s == NULL || *s == '\0')
		return def;
	v = strtol(s, &end, 10);
	if (*end != '\0' || v < min || v > max)
		errx(2, "%s=\"%s\": want a number from %ld to %ld", name, s,
		    min, max);
	return v;
}

uint64_t
bench_now_ns(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
		err(2, "clock_gettime");
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* One round of n operations, with the side's setup around it. */
static uint64_t
run_round(struct bench_side *s, uint64_t n)
{
	uint64_t ns;

	if (s->bs_setup != NULL)
		s->bs_setup(s->bs_arg);
	ns = s->bs_run(s->bs_arg, n);
	if (s->bs_teardown != NULL)
		s->bs_teardown(s->bs_arg);
	return ns;
}

/* Operations that take about round_ns: double n, then scale it. */
static uint64_t
calibrate(struct bench_side *s, uint64_t round_ns)
{
	uint64_t n = 1, ns;

	for (;;) {
		ns = run_round(s, n);
		if (ns >= round_ns / 8 || n >= (1ULL << 40))
			break;
		n *= 2;
	}
	if (ns == 0)
		ns = 1;
	n = (uint64_t)((double)n * (double)round_ns / (double)ns);
	return n < 1 ? 1 : n;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static void
summarise(struct bench_side *s, double *v, int rounds)
{
	qsort(v, (size_t)rounds, sizeof(*v), cmp_double);
	s->bs_min = v[0];
	s->bs_max = v[rounds - 1];
	s->bs_median = rounds % 2 != 0 ? v[rounds / 2] :
	    (v[rounds / 2 - 1] + v[rounds / 2]) / 2;
}

void
bench_compare(struct bench_side *a, struct bench_side *b)
{
	double va[ROUNDS_MAX], vb[ROUNDS_MAX];
	uint64_t round_ns;
	int rounds, i;

	round_ns = (uint64_t)env_long("BENCH_ROUND_MS", ROUND_MS_DEFAULT,
	    1, 60000) * 1000000ULL;
	rounds = (int)env_long("BENCH_ROUNDS", a->bs_rounds != 0 ?
	    a->bs_rounds : ROUNDS_DEFAULT, 1, ROUNDS_MAX);

	a->bs_ops = calibrate(a, round_ns);
	b->bs_ops = calibrate(b, round_ns);
	for (i = 0; i < rounds; i++) {
		va[i] = (double)run_round(a, a->bs_ops) / (double)a->bs_ops;
		vb[i] = (double)run_round(b, b->bs_ops) / (double)b->bs_ops;
	}
	summarise(a, va, rounds);
	summarise(b, vb, rounds);
}

void
bench_report(const char *what, const struct bench_side *a,
    const struct bench_side *b, double scale, const char *unit,
    double target)
{
	double ratio = a->bs_median / b->bs_median;

	printf("%s: %s %.1f %s, %s %.1f %s, ratio %.2f (target <= %.2f) "
	    "%s\n", what, a->bs_name, a->bs_median / scale, unit,
	    b->bs_name, b->bs_median / scale, unit, ratio, target,
	    ratio <= target ? "PASS" : "MISS");
	printf("  median of rounds; %s %.1f..%.1f %s (%llu ops/round), "
	    "%s %.1f..%.1f %s (%llu ops/round)\n",
	    a->bs_name, a->bs_min / scale, a->bs_max / scale, unit,
	    (unsigned long long)a->bs_ops,
	    b->bs_name, b->bs_min / scale, b->bs_max / scale, unit,
	    (unsigned long long)b->bs_ops);
	fflush(stdout);
}
