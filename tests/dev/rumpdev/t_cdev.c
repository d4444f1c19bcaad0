/*
 * t_cdev.c: a character device driver on rumpdev, end to end: the
 * driver component registers its switch and its node /dev/tcdev0; the
 * test opens, reads, writes and ioctls it through system calls, and
 * detaches the device under open files.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sys/select.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include <rump/rump.h>
#include <rump/rump_syscalls.h>

#include "harness.h"
#include "k_cdev.h"

H_TC(node_read_write_ioctl,
    "the driver's node exists as a character device; bytes written "
    "come back from read; its ioctl answers and unknown ones are ENOTTY")
{
	struct stat st;
	char buf[16];
	int fd, fd2, nopen = -1;

	RL(rump_sys_stat("/dev/tcdev0", &st));
	ATF_REQUIRE(S_ISCHR(st.st_mode));
	ATF_REQUIRE_EQ(minor(st.st_rdev), 0);
	RL(fd = rump_sys_open("/dev/tcdev0", O_RDWR, 0));
	RL(fd2 = rump_sys_open("/dev/tcdev0", O_RDONLY | O_NONBLOCK, 0));
	ATF_REQUIRE_EQ(rump_sys_write(fd, "hello", 5), 5);
	ATF_REQUIRE_EQ(rump_sys_write(fd, "", 0), 0);
	memset(buf, 0, sizeof(buf));
	ATF_REQUIRE_EQ(rump_sys_read(fd2, buf, sizeof(buf)), 5);
	ATF_REQUIRE_STREQ(buf, "hello");
	H_REQUIRE_ERRNO(EAGAIN, rump_sys_read(fd2, buf, sizeof(buf)));
	RL(rump_sys_ioctl(fd, TCDEV_GETOPEN, &nopen));
	ATF_REQUIRE_EQ(nopen, 2);
	H_REQUIRE_ERRNO(ENOTTY,
	    rump_sys_ioctl(fd, RUMP_IOR('t', 99, int), &nopen));
	RL(rump_sys_close(fd2));
	RL(rump_sys_close(fd));
}

H_TC(detach_refused_while_open,
    "a plain detach of an open device is EBUSY and the device keeps "
    "working; once closed it detaches and its node is gone")
{
	char c;
	int fd;

	RL(fd = rump_sys_open("/dev/tcdev0", O_RDWR, 0));
	ATF_REQUIRE_EQ(rump_pub_ktest_cdev_detach(0, 0), EBUSY);
	ATF_REQUIRE_EQ(rump_sys_write(fd, "x", 1), 1);
	ATF_REQUIRE_EQ(rump_sys_read(fd, &c, 1), 1);
	RL(rump_sys_close(fd));
	RZ(rump_pub_ktest_cdev_detach(0, 0));
	H_REQUIRE_ERRNO(ENOENT, rump_sys_open("/dev/tcdev0", O_RDWR, 0));
	ATF_REQUIRE_EQ(rump_pub_ktest_cdev_detach(0, 0), ENXIO);
}

H_TC(forced_detach_under_open_file,
    "after a forced detach of an open device the next read, write and "
    "ioctl are ENXIO, close succeeds, the node is gone; a new unit 0 "
    "works again")
{
	char c;
	int fd, nopen;

	RL(fd = rump_sys_open("/dev/tcdev0", O_RDWR, 0));
	RZ(rump_pub_ktest_cdev_detach(0, 1));
	H_REQUIRE_ERRNO(ENXIO, rump_sys_read(fd, &c, 1));
	H_REQUIRE_ERRNO(ENXIO, rump_sys_write(fd, "x", 1));
	H_REQUIRE_ERRNO(ENXIO, rump_sys_ioctl(fd, TCDEV_GETOPEN, &nopen));
	RL(rump_sys_close(fd));
	H_REQUIRE_ERRNO(ENOENT, rump_sys_open("/dev/tcdev0", O_RDWR, 0));
	RZ(rump_pub_ktest_cdev_attach());
	RL(fd = rump_sys_open("/dev/tcdev0", O_RDWR, 0));
	ATF_REQUIRE_EQ(rump_sys_write(fd, "y", 1), 1);
	ATF_REQUIRE_EQ(rump_sys_read(fd, &c, 1), 1);
	ATF_REQUIRE_EQ(c, 'y');
	RL(rump_sys_close(fd));
}

H_TC(stale_file_after_unit_reused,
    "a file left open across a forced detach stays dead (ENXIO) when a "
    "new device takes the same unit: it never reads, writes or closes "
    "the new one")
{
	char c;
	int old, fd, nopen = -1;

	/* The driver's detach revokes the old unit's files (devsw_revoke). */
	RL(old = rump_sys_open("/dev/tcdev0", O_RDWR, 0));
	RZ(rump_pub_ktest_cdev_detach(0, 1));
	RZ(rump_pub_ktest_cdev_attach());
	RL(fd = rump_sys_open("/dev/tcdev0", O_RDWR, 0));
	ATF_REQUIRE_EQ(rump_sys_write(old, "x", 1), -1);
	ATF_REQUIRE_MSG(errno == ENXIO || errno == EIO, "write: %s",
	    strerror(errno));
	ATF_REQUIRE_EQ(rump_sys_write(fd, "y", 1), 1);
	ATF_REQUIRE_EQ(rump_sys_read(old, &c, 1), -1);
	ATF_REQUIRE_MSG(errno == ENXIO || errno == EIO, "read: %s",
	    strerror(errno));
	RL(rump_sys_close(old));
	RL(rump_sys_ioctl(fd, TCDEV_GETOPEN, &nopen));
	ATF_REQUIRE_EQ_MSG(nopen, 1, "the new unit counts %d opens", nopen);
	ATF_REQUIRE_EQ(rump_sys_read(fd, &c, 1), 1);
	ATF_REQUIRE_EQ(c, 'y');
	RL(rump_sys_close(fd));
}

struct reader {
	int	r_fd;
	ssize_t	r_ret;
	int	r_errno;
};

static void *
blocked_reader(void *arg)
{
	struct reader *r = arg;
	char c;

	r->r_ret = rump_sys_read(r->r_fd, &c, 1);
	r->r_errno = errno;
	return NULL;
}

H_TC(forced_detach_wakes_blocked_reader,
    "a reader asleep in the driver when the device is force-detached "
    "returns EIO, and the detach waits for it to leave the driver")
{
	struct reader r = { -1, 0, 0 };
	pthread_t pt;
	unsigned n = 0;

	RL(r.r_fd = rump_sys_open("/dev/tcdev0", O_RDONLY, 0));
	RZ(pthread_create(&pt, NULL, blocked_reader, &r));
	for (int i = 0; i < 1000 && n == 0; i++) {
		RZ(rump_pub_ktest_cdev_sleepers(&n));
		if (n == 0)
			usleep(10 * 1000);
	}
	ATF_REQUIRE_EQ_MSG(n, 1, "the reader never slept");
	RZ(rump_pub_ktest_cdev_detach(0, 1));
	RZ(pthread_join(pt, NULL));
	ATF_REQUIRE_EQ(r.r_ret, -1);
	ATF_REQUIRE_EQ(r.r_errno, EIO);
	RL(rump_sys_close(r.r_fd));
}

H_TC(shutdown_with_open_device,
    "shutting down with the device open (and data buffered) detaches "
    "it and leaks nothing")
{
	int fd;

	RL(fd = rump_sys_open("/dev/tcdev0", O_RDWR, 0));
	ATF_REQUIRE_EQ(rump_sys_write(fd, "left", 4), 4);
	RZ(rump_pub_ktest_cdev_attach());
	RL(rump_sys_open("/dev/tcdev1", O_RDONLY, 0));
}

struct poller {
	int		p_fd;
	int		p_ret;
	short		p_revents;
	double		p_secs;
	short		p_events;	/* 0: POLLIN */
};

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void *
poll_thread(void *arg)
{
	struct poller *p = arg;
	struct pollfd pfd = { p->p_fd, p->p_events ? p->p_events : POLLIN, 0 };
	double t0 = now();

	p->p_ret = rump_sys_poll(&pfd, 1, 20 * 1000);
	p->p_revents = pfd.revents;
	p->p_secs = now() - t0;
	return NULL;
}

H_TC(poll_wakes_on_write,
    "poll on the empty device sleeps until another file writes to it, "
    "then reports POLLIN")
{
	struct poller p = { -1, -2, 0, 0, 0 };
	pthread_t pt;
	int wfd;

	RL(p.p_fd = rump_sys_open("/dev/tcdev0", O_RDONLY, 0));
	RL(wfd = rump_sys_open("/dev/tcdev0", O_WRONLY, 0));
	RZ(pthread_create(&pt, NULL, poll_thread, &p));
	usleep(100 * 1000);
	ATF_REQUIRE_EQ(rump_sys_write(wfd, "z", 1), 1);
	RZ(pthread_join(pt, NULL));
	ATF_REQUIRE_EQ_MSG(p.p_ret, 1, "poll returned %d", p.p_ret);
	ATF_REQUIRE(p.p_revents & POLLIN);
	ATF_REQUIRE_MSG(p.p_secs < 10, "took %.1fs", p.p_secs);
	RL(rump_sys_close(wfd));
	RL(rump_sys_close(p.p_fd));
}

H_TC(poll_out_wakes_on_read,
    "poll for POLLOUT on the full device sleeps until a read makes room, "
    "then reports POLLOUT")
{
	struct poller p = { -1, -2, 0, 0, POLLOUT };
	char buf[512];
	pthread_t pt;
	ssize_t n;
	int rfd;

	RL(p.p_fd = rump_sys_open("/dev/tcdev0", O_WRONLY | O_NONBLOCK, 0));
	RL(rfd = rump_sys_open("/dev/tcdev0", O_RDONLY, 0));
	memset(buf, 'f', sizeof(buf));
	RL(n = rump_sys_write(p.p_fd, buf, sizeof(buf)));
	ATF_REQUIRE_MSG(n > 0 && n < (ssize_t)sizeof(buf), "wrote %zd", n);
	H_REQUIRE_ERRNO(EAGAIN, rump_sys_write(p.p_fd, buf, 1));
	RZ(pthread_create(&pt, NULL, poll_thread, &p));
	usleep(100 * 1000);
	ATF_REQUIRE_EQ(rump_sys_read(rfd, buf, 1), 1);
	RZ(pthread_join(pt, NULL));
	ATF_REQUIRE_EQ_MSG(p.p_ret, 1, "poll returned %d", p.p_ret);
	ATF_REQUIRE(p.p_revents & POLLOUT);
	ATF_REQUIRE_MSG(p.p_secs < 10, "took %.1fs", p.p_secs);
	RL(rump_sys_close(rfd));
	RL(rump_sys_close(p.p_fd));
}

H_TC(poll_hangs_up_on_forced_detach,
    "a poller asleep on the device wakes with POLLHUP when the device "
    "is force-detached, well before its timeout; polling again says "
    "POLLHUP at once")
{
	struct poller p = { -1, -2, 0, 0, 0 };
	struct pollfd pfd;
	pthread_t pt;

	RL(p.p_fd = rump_sys_open("/dev/tcdev0", O_RDONLY, 0));
	RZ(pthread_create(&pt, NULL, poll_thread, &p));
	usleep(100 * 1000);
	RZ(rump_pub_ktest_cdev_detach(0, 1));
	RZ(pthread_join(pt, NULL));
	ATF_REQUIRE_EQ_MSG(p.p_ret, 1, "poll returned %d", p.p_ret);
	ATF_REQUIRE(p.p_revents & POLLHUP);
	ATF_REQUIRE_MSG(p.p_secs < 10, "took %.1fs", p.p_secs);
	pfd.fd = p.p_fd;
	pfd.events = POLLIN;
	pfd.revents = 0;
	ATF_REQUIRE_EQ(rump_sys_poll(&pfd, 1, 0), 1);
	ATF_REQUIRE(pfd.revents & POLLHUP);
	RL(rump_sys_close(p.p_fd));
}

/* select(2) for reading on one descriptor, from its own thread. */
struct selector {
	int	s_fd;
	int	s_ret;
	int	s_isset;
	double	s_secs;
};

static void *
select_thread(void *arg)
{
	struct selector *sl = arg;
	struct timeval tv = { 20, 0 };
	fd_set rd;
	double t0 = now();

	FD_ZERO(&rd);
	FD_SET(sl->s_fd, &rd);
	sl->s_ret = rump_sys_select(sl->s_fd + 1, &rd, NULL, NULL, &tv);
	sl->s_isset = FD_ISSET(sl->s_fd, &rd);
	sl->s_secs = now() - t0;
	return NULL;
}

H_TC(select_wakes_on_write,
    "select for reading on the empty device sleeps until another file "
    "writes to it, then reports it readable")
{
	struct selector sl = { -1, -2, 0, 0 };
	pthread_t pt;
	int wfd;

	RL(sl.s_fd = rump_sys_open("/dev/tcdev0", O_RDONLY, 0));
	RL(wfd = rump_sys_open("/dev/tcdev0", O_WRONLY, 0));
	RZ(pthread_create(&pt, NULL, select_thread, &sl));
	usleep(100 * 1000);
	ATF_REQUIRE_EQ(rump_sys_write(wfd, "z", 1), 1);
	RZ(pthread_join(pt, NULL));
	ATF_REQUIRE_EQ_MSG(sl.s_ret, 1, "select returned %d", sl.s_ret);
	ATF_REQUIRE(sl.s_isset);
	ATF_REQUIRE_MSG(sl.s_secs < 10, "took %.1fs", sl.s_secs);
	RL(rump_sys_close(wfd));
	RL(rump_sys_close(sl.s_fd));
}

H_TC(select_wakes_on_forced_detach,
    "select for reading asleep on the device returns it readable when "
    "the device is force-detached (the read then says ENXIO)")
{
	struct selector sl = { -1, -2, 0, 0 };
	pthread_t pt;
	char c;

	RL(sl.s_fd = rump_sys_open("/dev/tcdev0", O_RDONLY, 0));
	RZ(pthread_create(&pt, NULL, select_thread, &sl));
	usleep(100 * 1000);
	RZ(rump_pub_ktest_cdev_detach(0, 1));
	RZ(pthread_join(pt, NULL));
	ATF_REQUIRE_EQ_MSG(sl.s_ret, 1, "select returned %d", sl.s_ret);
	ATF_REQUIRE(sl.s_isset);
	ATF_REQUIRE_MSG(sl.s_secs < 10, "took %.1fs", sl.s_secs);
	H_REQUIRE_ERRNO(ENXIO, rump_sys_read(sl.s_fd, &c, 1));
	RL(rump_sys_close(sl.s_fd));
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, node_read_write_ioctl);
	ATF_TP_ADD_TC(tp, detach_refused_while_open);
	ATF_TP_ADD_TC(tp, forced_detach_under_open_file);
	ATF_TP_ADD_TC(tp, stale_file_after_unit_reused);
	ATF_TP_ADD_TC(tp, forced_detach_wakes_blocked_reader);
	ATF_TP_ADD_TC(tp, shutdown_with_open_device);
	ATF_TP_ADD_TC(tp, poll_wakes_on_write);
	ATF_TP_ADD_TC(tp, poll_out_wakes_on_read);
	ATF_TP_ADD_TC(tp, poll_hangs_up_on_forced_detach);
	ATF_TP_ADD_TC(tp, select_wakes_on_write);
	ATF_TP_ADD_TC(tp, select_wakes_on_forced_detach);
	return atf_no_error();
}
