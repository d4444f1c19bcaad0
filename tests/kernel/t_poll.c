/*
 * t_poll.c: poll(2), select(2) and ioctl(2) through the system call
 * layer, on pipes (the core's own file type): readiness, sleeping until
 * another thread makes a descriptor ready, timeouts, end of file and
 * broken pipes, the generic ioctls, and bad arguments.  Every selrecord
 * link a poll makes must be gone when it returns: the harness's leak
 * check after each case sees to that.
 */
#include <sys/ioctl.h>
#include <sys/select.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <rump/rump.h>
#include <rump/rump_syscalls.h>

#include "harness.h"

static uint64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

struct delayed {
	int	fd;
	int	ms;
	int	closeit;	/* close instead of writing */
};

/* A host thread that, after a while, writes a byte to (or closes) fd. */
static void *
delayed_act(void *arg)
{
	struct delayed *d = arg;
	char c = 'x';

	usleep((useconds_t)d->ms * 1000);
	if (d->closeit)
		rump_sys_close(d->fd);
	else
		rump_sys_write(d->fd, &c, 1);
	return NULL;
}

H_TC(poll_pipe_readiness, "poll reports a pipe's read end ready only "
    "with data, its write end ready with room")
{
	struct pollfd pfd[2];
	int p[2];
	char c = 'a';

	RL(rump_sys_pipe2(p, 0));
	pfd[0] = (struct pollfd){ .fd = p[0], .events = POLLIN };
	pfd[1] = (struct pollfd){ .fd = p[1], .events = POLLOUT };
	ATF_REQUIRE_EQ(RL(rump_sys_poll(pfd, 2, 0)), 1);
	ATF_CHECK_EQ(pfd[0].revents, 0);
	ATF_CHECK_EQ(pfd[1].revents, POLLOUT);
	RL(rump_sys_write(p[1], &c, 1));
	ATF_REQUIRE_EQ(RL(rump_sys_poll(pfd, 2, 0)), 2);
	ATF_CHECK_EQ(pfd[0].revents, POLLIN);
	/* a negative descriptor is skipped, its revents cleared */
	pfd[1].fd = -1;
	pfd[1].revents = 0x7fff;
	ATF_REQUIRE_EQ(RL(rump_sys_poll(pfd, 2, 0)), 1);
	ATF_CHECK_EQ(pfd[1].revents, 0);
	RZ(rump_sys_close(p[0]));
	RZ(rump_sys_close(p[1]));
}

H_TC(poll_pipe_full, "a full pipe's write end is not writable until a "
    "reader makes room")
{
	struct pollfd pfd;
	char buf[4096];
	int p[2], n = 0;

	RL(rump_sys_pipe2(p, O_NONBLOCK));
	memset(buf, 'f', sizeof(buf));
	while (rump_sys_write(p[1], buf, sizeof(buf)) > 0)
		n++;
	ATF_REQUIRE_EQ(errno, EAGAIN);
	ATF_REQUIRE(n > 0);
	pfd = (struct pollfd){ .fd = p[1], .events = POLLOUT };
	ATF_CHECK_EQ(RL(rump_sys_poll(&pfd, 1, 0)), 0);
	RL(rump_sys_read(p[0], buf, sizeof(buf)));
	ATF_CHECK_EQ(RL(rump_sys_poll(&pfd, 1, 0)), 1);
	ATF_CHECK_EQ(pfd.revents, POLLOUT);
	RZ(rump_sys_close(p[0]));
	RZ(rump_sys_close(p[1]));
}

H_TC(poll_sleeps_until_ready, "a blocked poll wakes when another "
    "thread writes, long before its timeout")
{
	struct delayed d;
	struct pollfd pfd;
	pthread_t t;
	uint64_t t0, dt;
	int p[2];

	RL(rump_sys_pipe2(p, 0));
	d = (struct delayed){ .fd = p[1], .ms = 50 };
	pfd = (struct pollfd){ .fd = p[0], .events = POLLIN };
	ATF_REQUIRE_EQ(pthread_create(&t, NULL, delayed_act, &d), 0);
	t0 = now_ms();
	ATF_REQUIRE_EQ(RL(rump_sys_poll(&pfd, 1, 10000)), 1);
	dt = now_ms() - t0;
	ATF_REQUIRE_EQ(pthread_join(t, NULL), 0);
	ATF_CHECK_EQ(pfd.revents, POLLIN);
	ATF_CHECK_MSG(dt >= 40 && dt < 5000, "woke after %ju ms",
	    (uintmax_t)dt);
	RZ(rump_sys_close(p[0]));
	RZ(rump_sys_close(p[1]));
}

H_TC(poll_timeout, "poll with nothing ready returns 0 after its "
    "timeout, not before")
{
	struct pollfd pfd;
	uint64_t t0, dt;
	int p[2];

	RL(rump_sys_pipe2(p, 0));
	pfd = (struct pollfd){ .fd = p[0], .events = POLLIN };
	t0 = now_ms();
	ATF_REQUIRE_EQ(RL(rump_sys_poll(&pfd, 1, 60)), 0);
	dt = now_ms() - t0;
	ATF_CHECK_MSG(dt >= 59, "returned after %ju ms", (uintmax_t)dt);
	ATF_CHECK_EQ(pfd.revents, 0);
	/* no descriptors at all: a sleep */
	ATF_CHECK_EQ(RL(rump_sys_poll(NULL, 0, 10)), 0);
	RZ(rump_sys_close(p[0]));
	RZ(rump_sys_close(p[1]));
}

H_TC(poll_hangup, "a closed writer wakes a blocked reader's poll with "
    "POLLHUP; a closed reader gives the writer POLLERR")
{
	struct delayed d;
	struct pollfd pfd;
	pthread_t t;
	int p[2];

	RL(rump_sys_pipe2(p, 0));
	d = (struct delayed){ .fd = p[1], .ms = 30, .closeit = 1 };
	pfd = (struct pollfd){ .fd = p[0], .events = POLLIN };
	ATF_REQUIRE_EQ(pthread_create(&t, NULL, delayed_act, &d), 0);
	ATF_REQUIRE_EQ(RL(rump_sys_poll(&pfd, 1, 10000)), 1);
	ATF_REQUIRE_EQ(pthread_join(t, NULL), 0);
	ATF_CHECK(pfd.revents & POLLHUP);
	RZ(rump_sys_close(p[0]));

	RL(rump_sys_pipe2(p, 0));
	RZ(rump_sys_close(p[0]));
	pfd = (struct pollfd){ .fd = p[1], .events = POLLOUT };
	ATF_REQUIRE_EQ(RL(rump_sys_poll(&pfd, 1, 0)), 1);
	ATF_CHECK_EQ(pfd.revents, POLLERR);
	RZ(rump_sys_close(p[1]));
}

H_TC(poll_bad_arguments, "poll: a closed descriptor is POLLNVAL, too "
    "many descriptors EINVAL, a wild array EFAULT")
{
	struct pollfd pfd = { .fd = 77, .events = POLLIN };

	ATF_REQUIRE_EQ(RL(rump_sys_poll(&pfd, 1, 0)), 1);
	ATF_CHECK_EQ(pfd.revents, POLLNVAL);
	H_REQUIRE_ERRNO(EINVAL, rump_sys_poll(&pfd, 1u << 20, 0));
	H_REQUIRE_ERRNO(EFAULT, rump_sys_poll((void *)(uintptr_t)16, 1, 0));
}

H_TC(select_pipe, "select reports the ready descriptors of each set and "
    "clears the rest")
{
	fd_set rd, wr;
	struct timeval tv = { 0, 0 };
	int p[2], q[2];
	char c = 'z';

	RL(rump_sys_pipe2(p, 0));
	RL(rump_sys_pipe2(q, 0));
	RL(rump_sys_write(q[1], &c, 1));
	FD_ZERO(&rd);
	FD_ZERO(&wr);
	FD_SET(p[0], &rd);
	FD_SET(q[0], &rd);
	FD_SET(p[1], &wr);
	ATF_REQUIRE_EQ(RL(rump_sys_select(q[1] + 1, &rd, &wr, NULL, &tv)),
	    2);
	ATF_CHECK(!FD_ISSET(p[0], &rd));
	ATF_CHECK(FD_ISSET(q[0], &rd));
	ATF_CHECK(FD_ISSET(p[1], &wr));
	for (int i = 0; i < 4; i++)
		RZ(rump_sys_close(i < 2 ? p[i] : q[i - 2]));
}

H_TC(select_timeout_and_errors, "select times out, and refuses a closed "
    "descriptor (EBADF), a bad count or time (EINVAL), a wild set "
    "(EFAULT)")
{
	fd_set rd;
	struct timeval tv = { 0, 30000 }, bad = { 0, 1000000 };
	uint64_t t0;
	int p[2];

	RL(rump_sys_pipe2(p, 0));
	FD_ZERO(&rd);
	FD_SET(p[0], &rd);
	t0 = now_ms();
	ATF_CHECK_EQ(RL(rump_sys_select(p[0] + 1, &rd, NULL, NULL, &tv)), 0);
	ATF_CHECK(now_ms() - t0 >= 29);
	ATF_CHECK(!FD_ISSET(p[0], &rd));
	FD_SET(200, &rd);
	tv = (struct timeval){ 0, 0 };
	H_REQUIRE_ERRNO(EBADF, rump_sys_select(201, &rd, NULL, NULL, &tv));
	H_REQUIRE_ERRNO(EINVAL, rump_sys_select(-1, NULL, NULL, NULL, &tv));
	H_REQUIRE_ERRNO(EINVAL, rump_sys_select(1 << 20, NULL, NULL, NULL,
	    &tv));
	H_REQUIRE_ERRNO(EINVAL, rump_sys_select(1, NULL, NULL, NULL, &bad));
	H_REQUIRE_ERRNO(EFAULT, rump_sys_select(p[0] + 1,
	    (void *)(uintptr_t)8, NULL, NULL, &tv));
	RZ(rump_sys_close(p[0]));
	RZ(rump_sys_close(p[1]));
}

H_TC(ioctl_generic, "FIONREAD counts a pipe's bytes, FIONBIO makes "
    "reads non-blocking, FIOCLEX sets close-on-exec")
{
	int p[2], n = -1, on = 1;
	char buf[8] = "abcdefg";

	RL(rump_sys_pipe2(p, 0));
	RL(rump_sys_write(p[1], buf, 5));
	RZ(rump_sys_ioctl(p[0], FIONREAD, &n));
	ATF_CHECK_EQ(n, 5);
	RL(rump_sys_read(p[0], buf, 5));
	RZ(rump_sys_ioctl(p[0], FIONBIO, &on));
	H_REQUIRE_ERRNO(EAGAIN, rump_sys_read(p[0], buf, 1));
	on = 0;
	RZ(rump_sys_ioctl(p[0], FIONBIO, &on));
	ATF_CHECK_EQ(RL(rump_sys_fcntl(p[0], F_GETFL, 0)) & O_NONBLOCK, 0);
	RZ(rump_sys_ioctl(p[0], FIOCLEX, NULL));
	ATF_CHECK_EQ(RL(rump_sys_fcntl(p[0], F_GETFD, 0)), FD_CLOEXEC);
	RZ(rump_sys_ioctl(p[0], FIONCLEX, NULL));
	ATF_CHECK_EQ(RL(rump_sys_fcntl(p[0], F_GETFD, 0)), 0);
	RZ(rump_sys_close(p[0]));
	RZ(rump_sys_close(p[1]));
}

H_TC(ioctl_bad_arguments, "ioctl: EBADF for a closed descriptor, ENOTTY "
    "for a command the file does not know, EFAULT for a wild argument")
{
	int p[2], n;

	H_REQUIRE_ERRNO(EBADF, rump_sys_ioctl(99, FIONREAD, &n));
	RL(rump_sys_pipe2(p, 0));
	H_REQUIRE_ERRNO(ENOTTY, rump_sys_ioctl(p[0], _IOR('q', 1, int), &n));
	H_REQUIRE_ERRNO(ENOTTY, rump_sys_ioctl(p[0], _IO('q', 2), NULL));
	H_REQUIRE_ERRNO(EFAULT, rump_sys_ioctl(p[0], FIONBIO,
	    (void *)(uintptr_t)24));
	H_REQUIRE_ERRNO(EFAULT, rump_sys_ioctl(p[0], FIONREAD,
	    (void *)(uintptr_t)24));
	/* a direction with no size is malformed */
	H_REQUIRE_ERRNO(EINVAL, rump_sys_ioctl(p[0], _IOC(_IOC_READ, 'q', 3,
	    0), &n));
	RZ(rump_sys_close(p[0]));
	RZ(rump_sys_close(p[1]));
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, poll_pipe_readiness);
	ATF_TP_ADD_TC(tp, poll_pipe_full);
	ATF_TP_ADD_TC(tp, poll_sleeps_until_ready);
	ATF_TP_ADD_TC(tp, poll_timeout);
	ATF_TP_ADD_TC(tp, poll_hangup);
	ATF_TP_ADD_TC(tp, poll_bad_arguments);
	ATF_TP_ADD_TC(tp, select_pipe);
	ATF_TP_ADD_TC(tp, select_timeout_and_errors);
	ATF_TP_ADD_TC(tp, ioctl_generic);
	ATF_TP_ADD_TC(tp, ioctl_bad_arguments);
	return atf_no_error();
}
