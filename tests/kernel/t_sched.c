/*
 * t_sched.c: the virtual CPU scheduler.  More threads than CPUs must
 * all make progress, host threads may enter the kernel concurrently,
 * a thread blocked in the kernel must give its CPU up, and no more
 * than RUMP_NCPU lwps may ever run kernel code at once.  A scheduler
 * bug usually shows as a hang, so those cases run the scenario on a
 * separate thread and fail after a generous time limit.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <rump/rump.h>
#include <rump/rump_syscalls.h>

#include "harness.h"
#include "k_sched.h"

#define BOUND_S		120	/* "hung", even under valgrind */

struct bounded {
	void		(*b_fn)(void *);
	void		*b_arg;
	pthread_mutex_t	 b_mtx;
	pthread_cond_t	 b_cv;
	int		 b_done;
};

static void *
bounded_main(void *arg)
{
	struct bounded *b = arg;

	b->b_fn(b->b_arg);
	pthread_mutex_lock(&b->b_mtx);
	b->b_done = 1;
	pthread_cond_signal(&b->b_cv);
	pthread_mutex_unlock(&b->b_mtx);
	return NULL;
}

/*
 * Run fn(arg) on its own host thread and fail the case, naming what,
 * if it has not returned after timeout_s seconds.
 */
static void
run_bounded(void (*fn)(void *), void *arg, int timeout_s, const char *what)
{
	struct bounded b = { .b_fn = fn, .b_arg = arg };
	pthread_condattr_t ca;
	struct timespec ts;
	pthread_t t;
	int rv = 0;

	pthread_mutex_init(&b.b_mtx, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&b.b_cv, &ca);
	pthread_condattr_destroy(&ca);
	RZ(pthread_create(&t, NULL, bounded_main, &b));
	clock_gettime(CLOCK_MONOTONIC, &ts);
	ts.tv_sec += timeout_s;
	pthread_mutex_lock(&b.b_mtx);
	while (!b.b_done && rv != ETIMEDOUT)
		rv = pthread_cond_timedwait(&b.b_cv, &b.b_mtx, &ts);
	pthread_mutex_unlock(&b.b_mtx);
	if (!b.b_done)
		atf_tc_fail("%s: not done after %d s", what, timeout_s);
	RZ(pthread_join(t, NULL));
	pthread_cond_destroy(&b.b_cv);
	pthread_mutex_destroy(&b.b_mtx);
}

static void
many_kthreads(void)
{
	RZ(rump_pub_ktest_sched_many_kthreads(16, 5));
}

H_TC_ENV(many_kthreads_ncpu1, "RUMP_NCPU=1",
    "16 sleeping and spinning kernel threads share 1 CPU and all finish")
{
	many_kthreads();
}

H_TC_ENV(many_kthreads_ncpu2, "RUMP_NCPU=2",
    "16 sleeping and spinning kernel threads share 2 CPUs and all finish")
{
	many_kthreads();
}

/* Host threads hammering getpid. */

#define NHOST		8
#define NGETPID		1000

struct getpid_run {
	pthread_t	 gr_thr[NHOST];
	int		 gr_wrong[NHOST];	/* results other than 1 */
	int		 gr_errno[NHOST];	/* errno of the first failure */
	int		 gr_done[NHOST];
};

struct getpid_arg {
	struct getpid_run	*ga_run;
	int			 ga_idx;
};

static void *
getpid_thread(void *arg)
{
	struct getpid_arg *ga = arg;
	struct getpid_run *r = ga->ga_run;
	pid_t pid;

	for (int i = 0; i < NGETPID; i++) {
		if ((pid = rump_sys_getpid()) != 1) {
			if (r->gr_wrong[ga->ga_idx]++ == 0)
				r->gr_errno[ga->ga_idx] = pid == -1 ? errno : 0;
		}
	}
	r->gr_done[ga->ga_idx] = NGETPID;
	return NULL;
}

static void
getpid_all(void *arg)
{
	struct getpid_run *r = arg;
	struct getpid_arg ga[NHOST];

	for (int i = 0; i < NHOST; i++) {
		ga[i].ga_run = r;
		ga[i].ga_idx = i;
		RZ(pthread_create(&r->gr_thr[i], NULL, getpid_thread, &ga[i]));
	}
	for (int i = 0; i < NHOST; i++)
		RZ(pthread_join(r->gr_thr[i], NULL));
}

static void
host_threads_getpid(void)
{
	struct getpid_run r;

	memset(&r, 0, sizeof(r));
	run_bounded(getpid_all, &r, BOUND_S, "8 threads calling getpid");
	for (int i = 0; i < NHOST; i++) {
		ATF_REQUIRE_EQ_MSG(r.gr_done[i], NGETPID, "thread %d did not "
		    "finish", i);
		ATF_REQUIRE_EQ_MSG(r.gr_wrong[i], 0, "thread %d: %d getpid "
		    "calls were wrong (first errno %d)", i, r.gr_wrong[i],
		    r.gr_errno[i]);
	}
	/* And the kernel is still fine for the main thread. */
	ATF_REQUIRE_EQ(rump_sys_getpid(), 1);
}

H_TC_ENV(host_threads_getpid_ncpu1, "RUMP_NCPU=1",
    "8 host threads call getpid concurrently on 1 CPU, all get pid 1")
{
	host_threads_getpid();
}

H_TC_ENV(host_threads_getpid_ncpu2, "RUMP_NCPU=2",
    "8 host threads call getpid concurrently on 2 CPUs, all get pid 1")
{
	host_threads_getpid();
}

/* Blocked in the kernel: the CPU must go to somebody else. */

static void
getpid_some(void)
{
	for (int i = 0; i < 100; i++)
		ATF_REQUIRE_EQ(rump_sys_getpid(), 1);
}

static void
kthread_blocked_scenario(void *arg)
{
	RZ(rump_pub_ktest_sched_blocked_start());
	getpid_some();
	RZ(rump_pub_ktest_sched_blocked_stop());
}

H_TC_ENV(woken_past_deadline_ncpu1, "RUMP_NCPU=1",
    "on 1 CPU, a thread signalled before its cv_timedwait deadline but "
    "given the CPU only after it returns 0, not a timeout")
{
	RZ(rump_pub_ktest_sched_woken_past_deadline());
}

H_TC_ENV(woken_past_deadline_ncpu2, "RUMP_NCPU=2",
    "the same on 2 CPUs (the MP locks)")
{
	RZ(rump_pub_ktest_sched_woken_past_deadline());
}

H_TC_ENV(timed_out_then_signalled_ncpu1, "RUMP_NCPU=1",
    "on 1 CPU, a cv_timedwait whose deadline passed while another thread "
    "kept the CPU, signalled before it got the CPU back, returns 0; its "
    "queues stay sound")
{
	int timedout = -1;

	RZ(rump_pub_ktest_sched_timed_out_queued(1, &timedout));
	ATF_REQUIRE_EQ_MSG(timedout, 0, "signalled, yet a timeout");
	/* Again, so that broken queues would show. */
	RZ(rump_pub_ktest_sched_timed_out_queued(1, &timedout));
	ATF_REQUIRE_EQ(timedout, 0);
}

H_TC_ENV(timed_out_not_signalled_ncpu1, "RUMP_NCPU=1",
    "on 1 CPU, the same without the signal times out (ETIMEDOUT)")
{
	int timedout = -1;

	RZ(rump_pub_ktest_sched_timed_out_queued(0, &timedout));
	ATF_REQUIRE_EQ_MSG(timedout, 1, "not signalled, yet no timeout");
	RZ(rump_pub_ktest_sched_timed_out_queued(0, &timedout));
	ATF_REQUIRE_EQ(timedout, 1);
}

H_TC_ENV(blocked_kthread_frees_cpu, "RUMP_NCPU=1",
    "on 1 CPU, system calls work while a kernel thread sleeps in cv_wait")
{
	run_bounded(kthread_blocked_scenario, NULL, BOUND_S,
	    "system calls beside a kernel thread in cv_wait");
}

struct reader {
	int	rd_fd;
	int	rd_started;	/* about to call read */
	ssize_t	rd_n;		/* what read returned */
	int	rd_errno;
	char	rd_buf[8];
};

static void *
reader_thread(void *arg)
{
	struct reader *rd = arg;
	ssize_t n;

	__atomic_store_n(&rd->rd_started, 1, __ATOMIC_SEQ_CST);
	n = rump_sys_read(rd->rd_fd, rd->rd_buf, sizeof(rd->rd_buf));
	rd->rd_errno = errno;
	__atomic_store_n(&rd->rd_n, n, __ATOMIC_SEQ_CST);
	return NULL;
}

struct pipe_run {
	int		pr_fds[2];
	struct reader	pr_rd;
	pthread_t	pr_thr;
};

static void
pipe_scenario(void *arg)
{
	struct pipe_run *pr = arg;

	getpid_some();
	ATF_REQUIRE_EQ_MSG(__atomic_load_n(&pr->pr_rd.rd_n, __ATOMIC_SEQ_CST),
	    -2, "read of an empty pipe returned %zd", pr->pr_rd.rd_n);
	ATF_REQUIRE_EQ(RL(rump_sys_write(pr->pr_fds[1], "x", 1)), 1);
	RZ(pthread_join(pr->pr_thr, NULL));
}

H_TC_ENV(blocked_read_frees_cpu, "RUMP_NCPU=1",
    "on 1 CPU, system calls work while a host thread blocks in read")
{
	struct pipe_run pr;

	memset(&pr, 0, sizeof(pr));
	RL(rump_sys_pipe2(pr.pr_fds, 0));
	pr.pr_rd.rd_fd = pr.pr_fds[0];
	pr.pr_rd.rd_n = -2;
	RZ(pthread_create(&pr.pr_thr, NULL, reader_thread, &pr.pr_rd));
	while (!__atomic_load_n(&pr.pr_rd.rd_started, __ATOMIC_SEQ_CST))
		usleep(1000);
	usleep(200 * 1000);	/* into the kernel and asleep, most likely */
	run_bounded(pipe_scenario, &pr, BOUND_S,
	    "system calls beside a thread blocked in read");
	ATF_REQUIRE_EQ_MSG(pr.pr_rd.rd_n, 1, "read returned %zd, errno %d",
	    pr.pr_rd.rd_n, pr.pr_rd.rd_errno);
	ATF_REQUIRE_EQ(pr.pr_rd.rd_buf[0], 'x');
	RL(rump_sys_close(pr.pr_fds[0]));
	RL(rump_sys_close(pr.pr_fds[1]));
}

/* Never more lwps in kernel code than CPUs, and all CPUs used. */

static void
at_most_ncpu(int ncpu)
{
	unsigned max = 0;

	RZ(rump_pub_ktest_sched_concurrency(8, 20, &max));
	ATF_REQUIRE_EQ_MSG(max, (unsigned)ncpu, "%u lwps ran at once on %d "
	    "CPUs", max, ncpu);
}

H_TC_ENV(at_most_ncpu_running_1, "RUMP_NCPU=1",
    "8 kernel threads on 1 CPU: exactly one runs kernel code at a time")
{
	at_most_ncpu(1);
}

H_TC_ENV(at_most_ncpu_running_2, "RUMP_NCPU=2",
    "8 kernel threads on 2 CPUs: at most, and at times exactly, 2 run "
    "kernel code at once, each on its own CPU")
{
	at_most_ncpu(2);
}

H_TC_ENV(at_most_ncpu_running_4, "RUMP_NCPU=4",
    "8 kernel threads on 4 CPUs: at most, and at times exactly, 4 run "
    "kernel code at once, each on its own CPU")
{
	at_most_ncpu(4);
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, many_kthreads_ncpu1);
	ATF_TP_ADD_TC(tp, many_kthreads_ncpu2);
	ATF_TP_ADD_TC(tp, host_threads_getpid_ncpu1);
	ATF_TP_ADD_TC(tp, host_threads_getpid_ncpu2);
	ATF_TP_ADD_TC(tp, woken_past_deadline_ncpu1);
	ATF_TP_ADD_TC(tp, woken_past_deadline_ncpu2);
	ATF_TP_ADD_TC(tp, timed_out_then_signalled_ncpu1);
	ATF_TP_ADD_TC(tp, timed_out_not_signalled_ncpu1);
	ATF_TP_ADD_TC(tp, blocked_kthread_frees_cpu);
	ATF_TP_ADD_TC(tp, blocked_read_frees_cpu);
	ATF_TP_ADD_TC(tp, at_most_ncpu_running_1);
	ATF_TP_ADD_TC(tp, at_most_ncpu_running_2);
	ATF_TP_ADD_TC(tp, at_most_ncpu_running_4);
	return atf_no_error();
}
