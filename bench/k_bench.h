/*
 * k_bench.h: entry points of the benchmarks' kernel half (k_bench.c),
 * callable from host code; freestanding types only.
 */
#ifndef _K_BENCH_H_
#define _K_BENCH_H_

#include <stdint.h>

/*
 * Enter and exit one fresh adaptive mutex n times on the caller's
 * virtual CPU; *elapsed_ns is the kernel clock time the loop took.
 * Returns 0, or a host errno: EINVAL when n is 0.
 */
int	rump_pub_kbench_mutex(uint64_t n, uint64_t *elapsed_ns);

#endif /* _K_BENCH_H_ */
