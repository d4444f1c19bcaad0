/*
 * t_boot.c: booting and shutting down kernels, and boot parameters.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rump/rump.h>
#include <rump/rump_syscalls.h>

#include "harness.h"

/*
 * In a child: set NAME to value (NULL: unset), boot (and shut down), and
 * print what rump_init returned and how many call sites still hold
 * kernel memory.
 */
struct bootparam {
	const char	*bp_name;
	const char	*bp_value;
};

static void
boot_with_param(void *arg)
{
	const struct bootparam *bp = arg;
	int error;

	if (bp->bp_value != NULL)
		setenv(bp->bp_name, bp->bp_value, 1);
	else
		unsetenv(bp->bp_name);
	error = rump_init();
	if (error == 0 && rump_sys_reboot(0, NULL) == -1)
		printf("rump_sys_reboot: %s\n", h_errname(errno));
	printf("rump_init=%s sites=%zu\n", error == 0 ? "0" :
	    h_errname(error), rump_pub_kmem_sites(NULL, NULL));
	fflush(stdout);
}

H_TC(boot_shutdown, "a kernel boots, answers a system call and shuts down")
{
	ATF_REQUIRE(rump_booted());
	ATF_REQUIRE_EQ(rump_sys_getpid(), 1);
}

ATF_TC_WITHOUT_HEAD(boot_many);
ATF_TC_BODY(boot_many, tc)
{
	/* One process, many kernels in turn: nothing carries over. */
	for (int i = 0; i < 50; i++) {
		RZ(rump_init());
		ATF_REQUIRE_EQ(rump_sys_getpid(), 1);
		RL(rump_sys_reboot(0, NULL));
		ATF_REQUIRE(!rump_booted());
	}
	h_shutdown_check();
}

ATF_TC_WITHOUT_HEAD(syscalls_without_kernel);
ATF_TC_BODY(syscalls_without_kernel, tc)
{
	int fds[2];

	/* Before the first boot: no kernel, no crash. */
	ATF_REQUIRE(!rump_booted());
	H_REQUIRE_ERRNO(ENXIO, rump_sys_getpid());
	H_REQUIRE_ERRNO(ENXIO, rump_sys_close(0));
	H_REQUIRE_ERRNO(ENXIO, rump_sys_pipe2(fds, 0));
	H_REQUIRE_ERRNO(ENXIO, rump_sys_reboot(0, NULL));

	RZ(rump_init());
	RL(rump_sys_pipe2(fds, 0));
	RL(rump_sys_reboot(0, NULL));

	/* After shutdown: the same, and the old descriptors are gone. */
	H_REQUIRE_ERRNO(ENXIO, rump_sys_getpid());
	H_REQUIRE_ERRNO(ENXIO, rump_sys_write(fds[1], "x", 1));
	H_REQUIRE_ERRNO(ENXIO, rump_sys_reboot(0, NULL));
	H_REQUIRE_ERRNO(ENXIO, rump_sys_reboot(0, NULL));
	h_shutdown_check();
}

H_TC(init_twice_busy, "rump_init while a kernel runs fails with EBUSY and "
    "leaves the running kernel alone")
{
	int fds[2];

	RL(rump_sys_pipe2(fds, 0));
	ATF_REQUIRE_EQ(rump_init(), EBUSY);
	ATF_REQUIRE_EQ(rump_init(), EBUSY);
	ATF_REQUIRE(rump_booted());
	ATF_REQUIRE_EQ(rump_sys_write(fds[1], "y", 1), 1);
	RL(rump_sys_close(fds[0]));
	RL(rump_sys_close(fds[1]));
}

static const char *const bad_ncpus[] = { "0", "-1", "abc", "65", "", "1x",
    "99999999999999999999999" };

ATF_TC(bad_ncpu_rejected);
ATF_TC_HEAD(bad_ncpu_rejected, tc)
{
	atf_tc_set_md_var(tc, "descr", "RUMP_NCPU values that are not a "
	    "number from 1 to 64 make rump_init fail with EINVAL, leaving "
	    "nothing allocated, and the console names RUMP_NCPU");
}
ATF_TC_BODY(bad_ncpu_rejected, tc)
{
	struct h_child hc;

	for (size_t i = 0; i < sizeof(bad_ncpus) / sizeof(bad_ncpus[0]); i++) {
		struct bootparam bp = { "RUMP_NCPU", bad_ncpus[i] };

		h_child_run(boot_with_param, &bp, 60, &hc);
		h_child_require_exit(&hc, 0);
		h_child_require_output(&hc, "rump_init=EINVAL sites=0");
		h_child_require_output(&hc, "RUMP_NCPU");
		h_child_free(&hc);

		/* And in this process: no kernel, nothing left behind. */
		ATF_REQUIRE(setenv("RUMP_NCPU", bad_ncpus[i], 1) == 0);
		ATF_REQUIRE_EQ(rump_init(), EINVAL);
		ATF_REQUIRE(!rump_booted());
		H_REQUIRE_ERRNO(ENXIO, rump_sys_getpid());
		h_shutdown_check();
	}
	/* A good value boots again. */
	ATF_REQUIRE(setenv("RUMP_NCPU", "2", 1) == 0);
	RZ(rump_init());
	ATF_REQUIRE_EQ(rump_sys_getpid(), 1);
	h_shutdown_check();
}

H_TC_ENV(ncpu_64_boots, "RUMP_NCPU=64", "a kernel with the maximum of 64 "
    "virtual CPUs boots and runs system calls")
{
	int fds[2];
	char c;

	ATF_REQUIRE_EQ(rump_sys_getpid(), 1);
	RL(rump_sys_pipe2(fds, 0));
	ATF_REQUIRE_EQ(rump_sys_write(fds[1], "z", 1), 1);
	ATF_REQUIRE_EQ(rump_sys_read(fds[0], &c, 1), 1);
	ATF_REQUIRE_EQ(c, 'z');
	RL(rump_sys_close(fds[0]));
	RL(rump_sys_close(fds[1]));
}

ATF_TC(bad_locks_rejected);
ATF_TC_HEAD(bad_locks_rejected, tc)
{
	atf_tc_set_md_var(tc, "descr", "RUMP_LOCKS=bogus makes rump_init "
	    "fail with EINVAL and the console names RUMP_LOCKS");
}
ATF_TC_BODY(bad_locks_rejected, tc)
{
	struct bootparam bp = { "RUMP_LOCKS", "bogus" };
	struct h_child hc;

	h_child_run(boot_with_param, &bp, 60, &hc);
	h_child_require_exit(&hc, 0);
	h_child_require_output(&hc, "rump_init=EINVAL sites=0");
	h_child_require_output(&hc, "RUMP_LOCKS");
	h_child_free(&hc);

	ATF_REQUIRE(setenv("RUMP_LOCKS", "bogus", 1) == 0);
	ATF_REQUIRE_EQ(rump_init(), EINVAL);
	ATF_REQUIRE(!rump_booted());
	ATF_REQUIRE(setenv("RUMP_LOCKS", "mp", 1) == 0);
	RZ(rump_init());
	ATF_REQUIRE_EQ(rump_sys_getpid(), 1);
	h_shutdown_check();
}

ATF_TC(verbose_prints_boot_line);
ATF_TC_HEAD(verbose_prints_boot_line, tc)
{
	atf_tc_set_md_var(tc, "descr", "RUMP_VERBOSE=1 prints a boot line "
	    "naming the CPUs and locks; without it boot is silent");
}
ATF_TC_BODY(verbose_prints_boot_line, tc)
{
	struct bootparam verbose = { "RUMP_VERBOSE", "1" };
	struct bootparam quiet = { "RUMP_VERBOSE", NULL };
	struct h_child hc;

	h_child_run(boot_with_param, &verbose, 60, &hc);
	h_child_require_output(&hc, "rump_init=0 sites=0");
	h_child_require_output(&hc, "rump kernel: 1 cpu, uniprocessor locks");
	h_child_free(&hc);

	h_child_run(boot_with_param, &quiet, 60, &hc);
	h_child_require_output(&hc, "rump_init=0 sites=0");
	if (strstr(hc.hc_output, "rump kernel:") != NULL)
		h_child_fail(&hc, "boot line printed without RUMP_VERBOSE");
	h_child_free(&hc);
}

/* A host thread that outlives one kernel and enters the next. */
struct survivor {
	pthread_mutex_t	 s_mtx;
	pthread_cond_t	 s_cv;
	int		 s_step;	/* 1: entered kernel 1; 2: go again */
	pid_t		 s_pid[2];
	int		 s_errno[2];
	int		 s_fds[2];
};

static void
survivor_wait(struct survivor *s, int step)
{
	pthread_mutex_lock(&s->s_mtx);
	while (s->s_step < step)
		pthread_cond_wait(&s->s_cv, &s->s_mtx);
	pthread_mutex_unlock(&s->s_mtx);
}

static void
survivor_step(struct survivor *s, int step)
{
	pthread_mutex_lock(&s->s_mtx);
	s->s_step = step;
	pthread_cond_broadcast(&s->s_cv);
	pthread_mutex_unlock(&s->s_mtx);
}

static void *
survivor_main(void *arg)
{
	struct survivor *s = arg;

	s->s_pid[0] = rump_sys_getpid();
	s->s_errno[0] = s->s_pid[0] == -1 ? errno : 0;
	survivor_step(s, 1);
	survivor_wait(s, 2);
	/* A new kernel: the lwp of the old one must not be used. */
	s->s_pid[1] = rump_sys_getpid();
	s->s_errno[1] = s->s_pid[1] == -1 ? errno : 0;
	if (rump_sys_pipe2(s->s_fds, 0) == -1)
		s->s_errno[1] = errno;
	return NULL;
}

H_TC(thread_survives_reboot, "a host thread that entered one kernel makes "
    "system calls in the next after a reboot")
{
	struct survivor s;
	pthread_t t;

	memset(&s, 0, sizeof(s));
	pthread_mutex_init(&s.s_mtx, NULL);
	pthread_cond_init(&s.s_cv, NULL);
	ATF_REQUIRE(pthread_create(&t, NULL, survivor_main, &s) == 0);
	survivor_wait(&s, 1);
	ATF_REQUIRE_EQ_MSG(s.s_pid[0], 1, "getpid in kernel 1: %s",
	    h_errname(s.s_errno[0]));
	RL(rump_sys_reboot(0, NULL));
	RZ(rump_init());
	survivor_step(&s, 2);
	ATF_REQUIRE(pthread_join(t, NULL) == 0);
	ATF_REQUIRE_EQ_MSG(s.s_pid[1], 1, "getpid in kernel 2: %s",
	    h_errname(s.s_errno[1]));
	ATF_REQUIRE_EQ_MSG(s.s_errno[1], 0, "pipe2 in kernel 2: %s",
	    h_errname(s.s_errno[1]));
	/* The thread's descriptors are the test process's. */
	ATF_REQUIRE(s.s_fds[0] == 0 && s.s_fds[1] == 1);
	RL(rump_sys_close(0));
	RL(rump_sys_close(1));
	pthread_cond_destroy(&s.s_cv);
	pthread_mutex_destroy(&s.s_mtx);
}

/*
 * A writer thread stuck inside the kernel: its one write is bigger than
 * the pipe, so once the first bytes arrive at the read end the thread
 * is known to be in rump_sys_write, and it cannot leave before the
 * reader has taken everything.
 */
#define STUCK_LEN	(256 * 1024)

struct stuck {
	int	st_fd;
	ssize_t	st_ret;
	int	st_errno;
};

static void *
stuck_main(void *arg)
{
	struct stuck *st = arg;
	char *buf;

	buf = calloc(1, STUCK_LEN);
	if (buf == NULL) {
		st->st_errno = ENOMEM;
		return NULL;
	}
	st->st_ret = rump_sys_write(st->st_fd, buf, STUCK_LEN);
	st->st_errno = st->st_ret == -1 ? errno : 0;
	free(buf);
	return NULL;
}

static void
shutdown_refused_body(void)
{
	struct stuck st = { 0, 0, 0 };
	char buf[4096];
	size_t got = 0;
	pthread_t t;
	ssize_t n;
	int fds[2];

	RL(rump_sys_pipe2(fds, 0));
	st.st_fd = fds[1];
	ATF_REQUIRE(pthread_create(&t, NULL, stuck_main, &st) == 0);
	n = RL(rump_sys_read(fds[0], buf, 100));
	ATF_REQUIRE(n > 0);
	got += (size_t)n;

	/* The writer is inside: shutdown must not pull the kernel away. */
	H_REQUIRE_ERRNO(EBUSY, rump_sys_reboot(0, NULL));
	H_REQUIRE_ERRNO(EBUSY, rump_sys_reboot(0, NULL));
	ATF_REQUIRE(rump_booted());
	ATF_REQUIRE_EQ(rump_sys_getpid(), 1);

	while (got < STUCK_LEN) {
		n = RL(rump_sys_read(fds[0], buf, sizeof(buf)));
		ATF_REQUIRE(n > 0);
		got += (size_t)n;
	}
	ATF_REQUIRE(pthread_join(t, NULL) == 0);
	ATF_REQUIRE_EQ_MSG(st.st_ret, STUCK_LEN, "write: %zd, %s", st.st_ret,
	    h_errname(st.st_errno));
	RL(rump_sys_close(fds[0]));
	RL(rump_sys_close(fds[1]));
	/* Now the shutdown can happen (the H_TC wrapper does it). */
}

H_TC(shutdown_refused_while_thread_inside, "rump_sys_reboot fails with "
    "EBUSY while another host thread is blocked in a system call, and "
    "works once it has left")
{
	shutdown_refused_body();
}

H_TC_ENV(shutdown_refused_while_thread_inside_mp, "RUMP_NCPU=2 RUMP_LOCKS=mp",
    "with two CPUs too, rump_sys_reboot fails with EBUSY while another "
    "host thread is inside a system call")
{
	shutdown_refused_body();
}

struct sleeper {
	int	sl_ret;
	int	sl_errno;
};

static void *
sleeper_main(void *arg)
{
	struct sleeper *sl = arg;
	struct timespec ts = { 3, 0 };

	sl->sl_ret = rump_sys_nanosleep(&ts, NULL);
	sl->sl_errno = sl->sl_ret == -1 ? errno : 0;
	return NULL;
}

H_TC(shutdown_refused_while_thread_sleeps, "rump_sys_reboot fails with "
    "EBUSY while another host thread sleeps in nanosleep")
{
	struct sleeper sl = { -2, 0 };
	struct timespec ts = { 0, 300000000L };
	pthread_t t;
	int refused = 0;

	ATF_REQUIRE(pthread_create(&t, NULL, sleeper_main, &sl) == 0);
	/*
	 * Give it time to enter; if it has not, the reboot goes through
	 * and its call fails with ENXIO, which is fine too.  What must
	 * never happen is a teardown under a sleeping thread.
	 */
	nanosleep(&ts, NULL);
	if (rump_sys_reboot(0, NULL) == -1) {
		ATF_REQUIRE_EQ_MSG(errno, EBUSY, "reboot: %s",
		    h_errname(errno));
		refused = 1;
	}
	ATF_REQUIRE(pthread_join(t, NULL) == 0);
	if (refused)
		ATF_REQUIRE_EQ_MSG(sl.sl_ret, 0, "nanosleep: %s",
		    h_errname(sl.sl_errno));
	else {
		ATF_REQUIRE_EQ(sl.sl_ret, -1);
		ATF_REQUIRE_EQ(sl.sl_errno, ENXIO);
		RZ(rump_init());
	}
}

static void
reboot_dump(void *arg)
{
	(void)arg;
	if (rump_init() != 0)
		return;
	(void)rump_sys_reboot(RUMP_RB_DUMP, NULL);
	printf("rump_sys_reboot(RUMP_RB_DUMP) returned\n");
}

ATF_TC(reboot_dump_panics);
ATF_TC_HEAD(reboot_dump_panics, tc)
{
	atf_tc_set_md_var(tc, "descr", "rump_sys_reboot(RUMP_RB_DUMP) "
	    "panics, leaving a core; without a kernel it is ENXIO");
}
ATF_TC_BODY(reboot_dump_panics, tc)
{
	struct h_child hc;

	h_child_run(reboot_dump, NULL, 60, &hc);
	h_child_require_panic(&hc, "RUMP_RB_DUMP");
	h_child_free(&hc);
	H_REQUIRE_ERRNO(ENXIO, rump_sys_reboot(RUMP_RB_DUMP, NULL));
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, boot_shutdown);
	ATF_TP_ADD_TC(tp, boot_many);
	ATF_TP_ADD_TC(tp, syscalls_without_kernel);
	ATF_TP_ADD_TC(tp, init_twice_busy);
	ATF_TP_ADD_TC(tp, bad_ncpu_rejected);
	ATF_TP_ADD_TC(tp, ncpu_64_boots);
	ATF_TP_ADD_TC(tp, bad_locks_rejected);
	ATF_TP_ADD_TC(tp, verbose_prints_boot_line);
	ATF_TP_ADD_TC(tp, thread_survives_reboot);
	ATF_TP_ADD_TC(tp, shutdown_refused_while_thread_inside);
	ATF_TP_ADD_TC(tp, shutdown_refused_while_thread_inside_mp);
	ATF_TP_ADD_TC(tp, shutdown_refused_while_thread_sleeps);
	ATF_TP_ADD_TC(tp, reboot_dump_panics);
	return atf_no_error();
}
