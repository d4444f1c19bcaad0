/*
 * h_net.h: several kernels in one test case, for networking tests.
 *
 * Process model.  The test process itself never boots a kernel.
 * h_net_start() forks a child (fork only, no exec: the test process is
 * single-threaded at that point because it has no kernel, so fork is
 * safe, and it is the fastest way to a fresh kernel), which boots its
 * own kernel with the given environment and then serves requests.
 * Each kernel is one process; buses (shmif files) connect them.
 *
 * Channel.  Parent and child share a SOCK_SEQPACKET socketpair.  A
 * request names a function by address (valid in the child, which is a
 * copy of the parent), with an input blob; the child runs it on its
 * kernel and answers with the return value, errno and an output blob.
 * So a test writes what a kernel should do as an ordinary function
 * calling rump_sys_*, and the typed helpers (h_net_ops.c:
 * h_net_ifconfig, h_net_ping, ...) are such functions.  A call is
 * synchronous (h_net_call) or started and collected later
 * (h_net_call_start / h_net_call_finish), so that two kernels can
 * block at once: a server in one, a client in the other.  Every wait
 * for an answer has a time limit (H_NET_TIMEOUT_MS in the environment;
 * default 20000 ms, ten times that under valgrind); running out fails
 * the case.
 *
 * Teardown.  h_net_teardown() asks each kernel to shut down, collects
 * its kernel memory leak report, reaps it (SIGKILL after a grace
 * period), fails the case on a leak or a kernel that died, and checks
 * that the test process has no child left.  It also runs from atexit
 * (without failing anything: the case already failed), so a body that
 * fails half-way leaves nothing behind; and each kernel has
 * PR_SET_PDEATHSIG(SIGKILL), so even a test process killed outright
 * (kyua's timeout) takes its kernels with it.
 */
#ifndef _HARNESS_H_NET_H_
#define _HARNESS_H_NET_H_

#include <stddef.h>
#include <sys/types.h>

#include <atf-c.h>

#define H_NET_MAXKERN		8
#define H_NET_MAXMSG		(64 * 1024)	/* in or out blob */

/*
 * A function run in a kernel's process.  in/inlen: the request blob;
 * out: room for *outlen bytes, set *outlen to what was written.  Return
 * like a system call (-1 with errno set on failure) or any int.
 */
typedef int (*h_net_fn)(const void *in, size_t inlen, void *out,
    size_t *outlen);

/*
 * Start a kernel in a new process, booted with env ("NAME=value ...",
 * may be NULL).  Returns its number (0, 1, ...).  Fails the case if the
 * boot fails or H_NET_MAXKERN are running.
 */
int	h_net_start(const char *env);
/* Number of kernels running. */
int	h_net_nkern(void);
/* The host pid of kernel k. */
pid_t	h_net_pid(int k);

/*
 * Run fn in kernel k; its return value, errno set from the kernel
 * process.  out may be NULL when outmax is 0; *outlen (if not NULL)
 * gets the output length.  Fails the case if the kernel dies or does
 * not answer in time.
 */
int	h_net_call(int k, h_net_fn fn, const void *in, size_t inlen,
	    void *out, size_t outmax, size_t *outlen);
/* The same in two steps; one call at a time per kernel. */
void	h_net_call_start(int k, h_net_fn fn, const void *in, size_t inlen,
	    size_t outmax);
int	h_net_call_finish(int k, void *out, size_t outmax, size_t *outlen);

/*
 * Shut every kernel down and reap it.  check: fail the case on a kernel
 * memory leak, a kernel that died, or a child process left behind.
 */
void	h_net_teardown(int check);

/*
 * For tests of the harness itself: when nonzero, a failure prints its
 * reason to stderr and exits with this status (running the atexit
 * teardown) instead of failing the case.
 */
extern int h_net_fail_exit;

/* Children of this process still alive or unreaped (from /proc). */
int	h_net_nchildren(void);

/*
 * H_NET_TC(name, descr) { body }: a case whose body starts kernels
 * with h_net_start; all of them are torn down and checked after it.
 */
#define H_NET_TC(name, descr)						\
	static void name##_hbody(const atf_tc_t *);			\
	ATF_TC(name);							\
	ATF_TC_HEAD(name, tc)						\
	{								\
		atf_tc_set_md_var(tc, "descr", "%s", descr);		\
	}								\
	ATF_TC_BODY(name, tc)						\
	{								\
		name##_hbody(tc);					\
		h_net_teardown(1);					\
	}								\
	static void name##_hbody(const atf_tc_t *tc __attribute__((__unused__)))

#endif /* _HARNESS_H_NET_H_ */
