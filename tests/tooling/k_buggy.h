/*
 * k_buggy.h: purpose-built kernel bugs for testing the tooling.  Never
 * linked into the normal suite; only tests/tooling/h_buggy uses them.
 */
#ifndef _K_BUGGY_H_
#define _K_BUGGY_H_

/* Two KM_NOSLEEP allocations; the second's error path leaks the first. */
int	rump_pub_kbuggy_two_allocs(void);
/* Reads kbuggy_table[idx]; idx 16 is one past the end. */
int	rump_pub_kbuggy_read(int idx);

#endif /* _K_BUGGY_H_ */
