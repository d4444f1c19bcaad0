/*
 * t_syscall.c: the system call layer seen from a test program: errno
 * values, credentials, names, clocks, copyin/copyout faults, pipes and
 * the descriptor table.  Host code only; everything goes through
 * rump_sys_*, and every failure must arrive as -1 with a host errno.
 */
#include <sys/mman.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <rump/rump.h>
#include <rump/rump_syscalls.h>

#include "harness.h"

/* The kernel's descriptor limit (RLIMIT_NOFILE of the test process). */
#define FD_LIMIT	1024

/* expr must fail with -1/EFAULT; what names the bad address. */
#define REQUIRE_EFAULT(what, x) do {					\
	long __rf_v;							\
	errno = 0;							\
	__rf_v = (long)(x);						\
	ATF_REQUIRE_MSG(__rf_v == -1 && errno == EFAULT,		\
	    "%s with %s: expected -1 with EFAULT, got %ld with %s",	\
	    #x, what, __rf_v, h_errname(errno));			\
} while (0)

static uint64_t
host_ns(clockid_t clk)
{
	struct timespec ts;

	ATF_REQUIRE(clock_gettime(clk, &ts) == 0);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static uint64_t
ts_ns(const struct timespec *ts)
{
	return (uint64_t)ts->tv_sec * 1000000000ULL + (uint64_t)ts->tv_nsec;
}

/*
 * Bad user addresses: NULL, one in the first page, unmapped memory, a
 * PROT_NONE page and (bad only for copyout) a read-only page.  Unmapped
 * memory is an address at the top of the address space, where no user
 * mapping can ever be: a page we munmap ourselves may be mapped again at
 * once by another thread (a sanitizer's allocator does exactly that).
 */
struct badmem {
	char	*bm_base;	/* 3 pages: (given back), none, read-only */
	size_t	 bm_pgsz;
};

struct badaddr {
	const char	*ba_name;
	void		*ba_addr;
};

static void
badmem_init(struct badmem *bm)
{
	bm->bm_pgsz = (size_t)sysconf(_SC_PAGESIZE);
	bm->bm_base = mmap(NULL, 3 * bm->bm_pgsz, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ATF_REQUIRE(bm->bm_base != MAP_FAILED);
	ATF_REQUIRE(munmap(bm->bm_base, bm->bm_pgsz) == 0);
	ATF_REQUIRE(mprotect(bm->bm_base + bm->bm_pgsz, bm->bm_pgsz,
	    PROT_NONE) == 0);
	ATF_REQUIRE(mprotect(bm->bm_base + 2 * bm->bm_pgsz, bm->bm_pgsz,
	    PROT_READ) == 0);
}

static void
badmem_fini(struct badmem *bm)
{
	ATF_REQUIRE(munmap(bm->bm_base + bm->bm_pgsz, 2 * bm->bm_pgsz) == 0);
}

/* Fill ba[] with the addresses bad for a copy in (out 0) or out; count. */
static int
badmem_addrs(const struct badmem *bm, int out, struct badaddr *ba)
{
	int n = 0;

	ba[n++] = (struct badaddr){ "NULL", NULL };
	ba[n++] = (struct badaddr){ "(void *)1", (void *)1 };
	ba[n++] = (struct badaddr){ "an unmapped page",
	    (void *)(~(uintptr_t)0 - 16 * bm->bm_pgsz + 1) };
	ba[n++] = (struct badaddr){ "a PROT_NONE page",
	    bm->bm_base + bm->bm_pgsz };
	if (out)
		ba[n++] = (struct badaddr){ "a read-only page",
		    bm->bm_base + 2 * bm->bm_pgsz };
	return n;
}

static void
require_pipe_fds(int flags, int r, int w)
{
	int fds[2];

	RL(rump_sys_pipe2(fds, flags));
	ATF_REQUIRE_EQ_MSG(fds[0], r, "read end %d, expected %d", fds[0], r);
	ATF_REQUIRE_EQ_MSG(fds[1], w, "write end %d, expected %d", fds[1], w);
}

/* Close every descriptor in [lo, hi). */
static void
close_fds(int lo, int hi)
{
	for (int fd = lo; fd < hi; fd++)
		RL(rump_sys_close(fd));
}

/* ---------------------------------------------------------------- */

H_TC(ids_of_test_process, "the test program is pid 1, child of pid 0, "
    "and starts as root")
{
	ATF_REQUIRE_EQ(rump_sys_getpid(), 1);
	ATF_REQUIRE_EQ(rump_sys_getppid(), 0);
	ATF_REQUIRE_EQ(rump_sys_getuid(), 0);
	ATF_REQUIRE_EQ(rump_sys_geteuid(), 0);
	ATF_REQUIRE_EQ(rump_sys_getgid(), 0);
	ATF_REQUIRE_EQ(rump_sys_getegid(), 0);
}

H_TC(close_bad_fd, "close of -1, of a never-opened and of an already "
    "closed descriptor fails with EBADF")
{
	int fds[2];

	H_REQUIRE_ERRNO(EBADF, rump_sys_close(-1));
	H_REQUIRE_ERRNO(EBADF, rump_sys_close(0));
	H_REQUIRE_ERRNO(EBADF, rump_sys_close(5));
	H_REQUIRE_ERRNO(EBADF, rump_sys_close(FD_LIMIT));
	H_REQUIRE_ERRNO(EBADF, rump_sys_close(INT_MAX));
	RL(rump_sys_pipe2(fds, 0));
	RL(rump_sys_close(fds[0]));
	H_REQUIRE_ERRNO(EBADF, rump_sys_close(fds[0]));
	RL(rump_sys_close(fds[1]));
}

H_TC(bad_fd_calls, "dup, dup2, fcntl, read and write on bad descriptors "
    "fail with EBADF")
{
	char buf[4] = "abc";
	int fds[2];

	RL(rump_sys_pipe2(fds, 0));
	for (int i = 0; i < 3; i++) {
		int bad = i == 0 ? -1 : i == 1 ? 7 : FD_LIMIT + 1;

		H_REQUIRE_ERRNO(EBADF, rump_sys_dup(bad));
		H_REQUIRE_ERRNO(EBADF, rump_sys_dup2(bad, 3));
		H_REQUIRE_ERRNO(EBADF, rump_sys_fcntl(bad, F_GETFL, 0));
		H_REQUIRE_ERRNO(EBADF, rump_sys_fcntl(bad, F_GETFD, 0));
		H_REQUIRE_ERRNO(EBADF, rump_sys_fcntl(bad, F_DUPFD, 0));
		H_REQUIRE_ERRNO(EBADF, rump_sys_read(bad, buf, sizeof(buf)));
		H_REQUIRE_ERRNO(EBADF, rump_sys_write(bad, buf, sizeof(buf)));
	}
	/* A good source but an impossible target. */
	H_REQUIRE_ERRNO(EBADF, rump_sys_dup2(fds[0], -1));
	H_REQUIRE_ERRNO(EBADF, rump_sys_dup2(fds[0], FD_LIMIT));
	/* The failed dup2 onto 3 created nothing. */
	H_REQUIRE_ERRNO(EBADF, rump_sys_close(3));
	RL(rump_sys_close(fds[0]));
	RL(rump_sys_close(fds[1]));
}

H_TC(fcntl_unknown_cmd, "fcntl with an unknown command fails with EINVAL")
{
	int fds[2];

	RL(rump_sys_pipe2(fds, 0));
	H_REQUIRE_ERRNO(EINVAL, rump_sys_fcntl(fds[0], 9999, 0));
	H_REQUIRE_ERRNO(EINVAL, rump_sys_fcntl(fds[0], -1, 0));
	/* A bad descriptor is reported before a bad command. */
	H_REQUIRE_ERRNO(EBADF, rump_sys_fcntl(9, 9999, 0));
	RL(rump_sys_close(fds[0]));
	RL(rump_sys_close(fds[1]));
}

H_TC(pipe_wrong_end, "reading the write end or writing the read end of a "
    "pipe fails with EBADF")
{
	char buf[4] = "abc";
	int fds[2];

	RL(rump_sys_pipe2(fds, O_NONBLOCK));
	H_REQUIRE_ERRNO(EBADF, rump_sys_read(fds[1], buf, sizeof(buf)));
	H_REQUIRE_ERRNO(EBADF, rump_sys_write(fds[0], buf, sizeof(buf)));
	/* Nothing went in: the read end is still empty. */
	H_REQUIRE_ERRNO(EAGAIN, rump_sys_read(fds[0], buf, sizeof(buf)));
	RL(rump_sys_close(fds[0]));
	RL(rump_sys_close(fds[1]));
}

/* ---------------------------------------------------------------- */

H_TC(nonroot_cannot_change_ids, "after setuid(1000), setting other uids, "
    "groups, the login name or the host name fails with EPERM")
{
	gid_t g[1] = { 5 };

	RL(rump_sys_setuid(1000));
	ATF_REQUIRE_EQ(rump_sys_getuid(), 1000);
	ATF_REQUIRE_EQ(rump_sys_geteuid(), 1000);
	H_REQUIRE_ERRNO(EPERM, rump_sys_setuid(0));
	H_REQUIRE_ERRNO(EPERM, rump_sys_setuid(1001));
	H_REQUIRE_ERRNO(EPERM, rump_sys_seteuid(0));
	H_REQUIRE_ERRNO(EPERM, rump_sys_setgid(5));
	H_REQUIRE_ERRNO(EPERM, rump_sys_setegid(5));
	H_REQUIRE_ERRNO(EPERM, rump_sys_setgroups(1, g));
	H_REQUIRE_ERRNO(EPERM, rump_sys_setlogin("mallory"));
	H_REQUIRE_ERRNO(EPERM, rump_sys_sethostname("evil", 4));
	/* Nothing changed on the way. */
	ATF_REQUIRE_EQ(rump_sys_getuid(), 1000);
	ATF_REQUIRE_EQ(rump_sys_geteuid(), 1000);
	ATF_REQUIRE_EQ(rump_sys_getgid(), 0);
	ATF_REQUIRE_EQ(rump_sys_getgroups(0, NULL), 1);
}

H_TC(posix_id_rules, "a non-root process may set its effective ids to its "
    "real or saved ids; root may give its effective uid up and take it back")
{
	/* Root with real and saved uid 0 drops only the effective uid. */
	RL(rump_sys_seteuid(1000));
	ATF_REQUIRE_EQ(rump_sys_getuid(), 0);
	ATF_REQUIRE_EQ(rump_sys_geteuid(), 1000);
	/* Not privileged now ... */
	H_REQUIRE_ERRNO(EPERM, rump_sys_sethostname("x", 1));
	H_REQUIRE_ERRNO(EPERM, rump_sys_seteuid(2000));
	/* ... but the real uid is allowed back. */
	RL(rump_sys_seteuid(0));
	ATF_REQUIRE_EQ(rump_sys_geteuid(), 0);

	/* setuid as root sets real, effective and saved ids. */
	RL(rump_sys_setuid(1000));
	RL(rump_sys_seteuid(1000));	/* its own real uid: allowed */
	ATF_REQUIRE_EQ(rump_sys_geteuid(), 1000);
	H_REQUIRE_ERRNO(EPERM, rump_sys_seteuid(0));	/* saved is 1000 */
	/* The real gid (still 0) is allowed, another is not. */
	RL(rump_sys_setegid(0));
	RL(rump_sys_setgid(0));
	H_REQUIRE_ERRNO(EPERM, rump_sys_setgid(1));
	/* (uid_t)-1 is not an id. */
	H_REQUIRE_ERRNO(EINVAL, rump_sys_setuid((uid_t)-1));
	H_REQUIRE_ERRNO(EINVAL, rump_sys_seteuid((uid_t)-1));
}

H_TC(groups_set_and_get, "setgroups then getgroups returns the list; "
    "getgroups with too small a buffer fails with EINVAL")
{
	gid_t set[3] = { 10, 20, 30 }, got[8];

	ATF_REQUIRE_EQ(rump_sys_getgroups(0, NULL), 1);
	RL(rump_sys_setgroups(3, set));
	ATF_REQUIRE_EQ(rump_sys_getgroups(0, NULL), 3);
	H_REQUIRE_ERRNO(EINVAL, rump_sys_getgroups(2, got));
	H_REQUIRE_ERRNO(EINVAL, rump_sys_getgroups(-1, got));
	memset(got, 0xff, sizeof(got));
	ATF_REQUIRE_EQ(rump_sys_getgroups(8, got), 3);
	ATF_REQUIRE(got[0] == 10 && got[1] == 20 && got[2] == 30);
	ATF_REQUIRE_EQ(got[3], (gid_t)-1);	/* nothing written past */
	H_REQUIRE_ERRNO(EINVAL, rump_sys_setgroups(-1, set));
	H_REQUIRE_ERRNO(EINVAL, rump_sys_setgroups(100000, set));
	/* An empty list is allowed. */
	RL(rump_sys_setgroups(0, NULL));
	ATF_REQUIRE_EQ(rump_sys_getgroups(0, NULL), 0);
}

H_TC(login_set_and_get, "setlogin then getlogin returns the name; a short "
    "buffer gives ERANGE, a too long name EINVAL")
{
	char buf[64], longname[100];

	ATF_REQUIRE_EQ(rump_sys_getlogin(buf, sizeof(buf)), 0);
	ATF_REQUIRE_STREQ(buf, "root");
	RL(rump_sys_setlogin("alice"));
	RL(rump_sys_getlogin(buf, 6));
	ATF_REQUIRE_STREQ(buf, "alice");
	H_REQUIRE_ERRNO(ERANGE, rump_sys_getlogin(buf, 5));
	H_REQUIRE_ERRNO(ERANGE, rump_sys_getlogin(buf, 0));

	memset(longname, 'x', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	H_REQUIRE_ERRNO(EINVAL, rump_sys_setlogin(longname));
	/* MAXLOGNAME is 16 with the NUL: 15 characters fit, 16 do not. */
	longname[16] = '\0';
	H_REQUIRE_ERRNO(EINVAL, rump_sys_setlogin(longname));
	longname[15] = '\0';
	RL(rump_sys_setlogin(longname));
	RL(rump_sys_getlogin(buf, sizeof(buf)));
	ATF_REQUIRE_STREQ(buf, longname);
}

H_TC(hostname_set_and_get, "sethostname then gethostname returns the name; "
    "too small a buffer gives ENAMETOOLONG")
{
	char buf[300];

	RL(rump_sys_sethostname("testhost", 8));
	memset(buf, 'z', sizeof(buf));
	RL(rump_sys_gethostname(buf, sizeof(buf)));
	ATF_REQUIRE_STREQ(buf, "testhost");
	RL(rump_sys_gethostname(buf, 9));
	ATF_REQUIRE_STREQ(buf, "testhost");
	H_REQUIRE_ERRNO(ENAMETOOLONG, rump_sys_gethostname(buf, 8));
	H_REQUIRE_ERRNO(ENAMETOOLONG, rump_sys_gethostname(buf, 0));
	/* The length counts, not a NUL: "test" of "testhost". */
	RL(rump_sys_sethostname("testhost", 4));
	RL(rump_sys_gethostname(buf, sizeof(buf)));
	ATF_REQUIRE_STREQ(buf, "test");
	memset(buf, 'y', sizeof(buf));
	H_REQUIRE_ERRNO(EINVAL, rump_sys_sethostname(buf, 256));
	RL(rump_sys_sethostname(buf, 255));
	RL(rump_sys_gethostname(buf, sizeof(buf)));
	ATF_REQUIRE_EQ(strlen(buf), 255);
}

H_TC_ENV(hostname_from_boot_parameter, "RUMP_HOSTNAME=foo",
    "a kernel booted with RUMP_HOSTNAME=foo is called foo")
{
	char buf[256];

	RL(rump_sys_gethostname(buf, sizeof(buf)));
	ATF_REQUIRE_STREQ(buf, "foo");
}

/* ---------------------------------------------------------------- */

H_TC(clock_gettime_clocks, "CLOCK_REALTIME and CLOCK_MONOTONIC agree with "
    "the host's; an unknown clock fails with EINVAL")
{
	struct timespec ts;
	uint64_t before, after;

	before = host_ns(CLOCK_MONOTONIC);
	RL(rump_sys_clock_gettime(CLOCK_MONOTONIC, &ts));
	after = host_ns(CLOCK_MONOTONIC);
	ATF_REQUIRE(ts.tv_nsec >= 0 && ts.tv_nsec < 1000000000L);
	ATF_REQUIRE_MSG(before <= ts_ns(&ts) && ts_ns(&ts) <= after,
	    "monotonic %ju not within host [%ju, %ju]", (uintmax_t)ts_ns(&ts),
	    (uintmax_t)before, (uintmax_t)after);

	/* The wall clock may be stepped by NTP: allow a second. */
	before = host_ns(CLOCK_REALTIME);
	RL(rump_sys_clock_gettime(CLOCK_REALTIME, &ts));
	after = host_ns(CLOCK_REALTIME);
	ATF_REQUIRE(ts.tv_nsec >= 0 && ts.tv_nsec < 1000000000L);
	ATF_REQUIRE_MSG(before - 1000000000ULL <= ts_ns(&ts) &&
	    ts_ns(&ts) <= after + 1000000000ULL,
	    "realtime %ju not near host [%ju, %ju]", (uintmax_t)ts_ns(&ts),
	    (uintmax_t)before, (uintmax_t)after);

	H_REQUIRE_ERRNO(EINVAL, rump_sys_clock_gettime(-1, &ts));
	H_REQUIRE_ERRNO(EINVAL, rump_sys_clock_gettime(12345, &ts));
	H_REQUIRE_ERRNO(EINVAL, rump_sys_clock_gettime(INT_MAX, &ts));
}

H_TC(nanosleep_bad_interval, "nanosleep with tv_nsec of 1e9 or a negative "
    "part fails with EINVAL")
{
	struct timespec bad[] = {
		{ 0, 1000000000L }, { 0, -1 }, { -1, 0 }, { 1, 2000000000L },
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		uint64_t t0 = host_ns(CLOCK_MONOTONIC);

		H_REQUIRE_ERRNO(EINVAL, rump_sys_nanosleep(&bad[i], NULL));
		/* Rejected up front, not after sleeping. */
		ATF_REQUIRE(host_ns(CLOCK_MONOTONIC) - t0 < 900000000ULL);
	}
}

H_TC(nanosleep_sleeps_long_enough, "nanosleep sleeps at least the time "
    "asked and reports nothing left")
{
	struct timespec rq = { 0, 150000000L }, rm = { 99, 99 };
	struct timespec zero = { 0, 0 };
	uint64_t t0, t1;

	t0 = host_ns(CLOCK_MONOTONIC);
	RL(rump_sys_nanosleep(&rq, &rm));
	t1 = host_ns(CLOCK_MONOTONIC);
	ATF_REQUIRE_MSG(t1 - t0 >= 150000000ULL, "slept only %ju ns",
	    (uintmax_t)(t1 - t0));
	ATF_REQUIRE(rm.tv_sec == 0 && rm.tv_nsec == 0);
	/* A zero interval returns at once. */
	RL(rump_sys_nanosleep(&zero, NULL));
	/* A whole second and a bit. */
	rq = (struct timespec){ 1, 1000000L };
	t0 = host_ns(CLOCK_MONOTONIC);
	RL(rump_sys_nanosleep(&rq, NULL));
	t1 = host_ns(CLOCK_MONOTONIC);
	ATF_REQUIRE_MSG(t1 - t0 >= 1001000000ULL, "slept only %ju ns",
	    (uintmax_t)(t1 - t0));
}

/* ---------------------------------------------------------------- */

H_TC(efault_pipe2_leaks_no_fd, "pipe2 into a bad or read-only array fails "
    "with EFAULT and leaves no descriptor behind")
{
	struct badmem bm;
	struct badaddr ba[5];
	int n, fds[2];

	badmem_init(&bm);
	n = badmem_addrs(&bm, 1, ba);
	for (int i = 0; i < n; i++) {
		REQUIRE_EFAULT(ba[i].ba_name,
		    rump_sys_pipe2(ba[i].ba_addr, 0));
		REQUIRE_EFAULT(ba[i].ba_name,
		    rump_sys_pipe2(ba[i].ba_addr, O_NONBLOCK | O_CLOEXEC));
		/* The lowest descriptors are free again. */
		require_pipe_fds(0, 0, 1);
		close_fds(0, 2);
	}
	/* And with descriptors in use the next ones are still free. */
	RL(rump_sys_pipe2(fds, 0));
	REQUIRE_EFAULT("a read-only page",
	    rump_sys_pipe2((int *)(void *)(bm.bm_base + 2 * bm.bm_pgsz), 0));
	require_pipe_fds(0, 2, 3);
	close_fds(0, 4);
	badmem_fini(&bm);
}

H_TC(efault_clocks, "clock_gettime and nanosleep with bad pointers fail "
    "with EFAULT in both directions")
{
	struct timespec rq = { 0, 1000 };
	struct badmem bm;
	struct badaddr ba[5];
	int n;

	badmem_init(&bm);
	n = badmem_addrs(&bm, 1, ba);
	for (int i = 0; i < n; i++) {
		REQUIRE_EFAULT(ba[i].ba_name,
		    rump_sys_clock_gettime(CLOCK_REALTIME, ba[i].ba_addr));
		REQUIRE_EFAULT(ba[i].ba_name,
		    rump_sys_clock_gettime(CLOCK_MONOTONIC, ba[i].ba_addr));
		/* rmtp is written (copyout); NULL means "not wanted" */
		if (ba[i].ba_addr != NULL)
			REQUIRE_EFAULT(ba[i].ba_name,
			    rump_sys_nanosleep(&rq, ba[i].ba_addr));
	}
	n = badmem_addrs(&bm, 0, ba);
	for (int i = 0; i < n; i++) {
		/* rqtp is read (copyin) */
		REQUIRE_EFAULT(ba[i].ba_name,
		    rump_sys_nanosleep(ba[i].ba_addr, NULL));
	}
	/* Reading from a read-only page is fine: it holds a zero interval. */
	RL(rump_sys_nanosleep((void *)(bm.bm_base + 2 * bm.bm_pgsz), NULL));
	badmem_fini(&bm);
}

H_TC(efault_credentials_and_names, "getgroups, setgroups, getlogin, "
    "setlogin, gethostname and sethostname fail with EFAULT on bad "
    "pointers")
{
	struct badmem bm;
	struct badaddr ba[5];
	char buf[256];
	int n;

	badmem_init(&bm);
	n = badmem_addrs(&bm, 1, ba);
	for (int i = 0; i < n; i++) {
		REQUIRE_EFAULT(ba[i].ba_name,
		    rump_sys_getgroups(16, ba[i].ba_addr));
		REQUIRE_EFAULT(ba[i].ba_name,
		    rump_sys_getlogin(ba[i].ba_addr, 32));
		REQUIRE_EFAULT(ba[i].ba_name,
		    rump_sys_gethostname(ba[i].ba_addr, 256));
	}
	n = badmem_addrs(&bm, 0, ba);
	for (int i = 0; i < n; i++) {
		REQUIRE_EFAULT(ba[i].ba_name,
		    rump_sys_setgroups(2, ba[i].ba_addr));
		REQUIRE_EFAULT(ba[i].ba_name,
		    rump_sys_setlogin(ba[i].ba_addr));
		REQUIRE_EFAULT(ba[i].ba_name,
		    rump_sys_sethostname(ba[i].ba_addr, 4));
	}
	/*
	 * copyinstr reads up to the NUL and no further: a name that ends
	 * just before a PROT_NONE page is fine, one that runs into it
	 * faults.
	 */
	{
		size_t pg = bm.bm_pgsz;
		char *two, *p;

		two = mmap(NULL, 2 * pg, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		ATF_REQUIRE(two != MAP_FAILED);
		ATF_REQUIRE(mprotect(two + pg, pg, PROT_NONE) == 0);
		p = two + pg - 3;
		memcpy(p, "ab", 3);
		RL(rump_sys_setlogin(p));
		memcpy(p, "xyz", 3);		/* no NUL before the page */
		REQUIRE_EFAULT("a name running into a PROT_NONE page",
		    rump_sys_setlogin(p));
		ATF_REQUIRE(munmap(two, 2 * pg) == 0);
	}
	/* Nothing was changed by the failed calls. */
	ATF_REQUIRE_EQ(rump_sys_getgroups(0, NULL), 1);
	RL(rump_sys_getlogin(buf, sizeof(buf)));
	ATF_REQUIRE_STREQ(buf, "ab");
	badmem_fini(&bm);
}

H_TC(efault_read_write, "read into and write from bad buffers fail with "
    "EFAULT and move no data")
{
	struct badmem bm;
	struct badaddr ba[5];
	char buf[16];
	int n, fds[2];

	badmem_init(&bm);
	RL(rump_sys_pipe2(fds, O_NONBLOCK));
	ATF_REQUIRE_EQ(rump_sys_write(fds[1], "hello", 5), 5);
	n = badmem_addrs(&bm, 1, ba);
	for (int i = 0; i < n; i++)
		REQUIRE_EFAULT(ba[i].ba_name,
		    rump_sys_read(fds[0], ba[i].ba_addr, 5));
	/* The data is still there, whole. */
	ATF_REQUIRE_EQ(rump_sys_read(fds[0], buf, sizeof(buf)), 5);
	ATF_REQUIRE(memcmp(buf, "hello", 5) == 0);

	n = badmem_addrs(&bm, 0, ba);
	for (int i = 0; i < n; i++)
		REQUIRE_EFAULT(ba[i].ba_name,
		    rump_sys_write(fds[1], ba[i].ba_addr, 5));
	H_REQUIRE_ERRNO(EAGAIN, rump_sys_read(fds[0], buf, sizeof(buf)));
	/* Writing from a read-only page only reads it: allowed. */
	ATF_REQUIRE_EQ(rump_sys_write(fds[1], bm.bm_base + 2 * bm.bm_pgsz,
	    5), 5);
	memset(buf, 'x', sizeof(buf));
	ATF_REQUIRE_EQ(rump_sys_read(fds[0], buf, sizeof(buf)), 5);
	ATF_REQUIRE(memcmp(buf, "\0\0\0\0\0", 5) == 0);
	RL(rump_sys_close(fds[0]));
	RL(rump_sys_close(fds[1]));
	badmem_fini(&bm);
}

/* ---------------------------------------------------------------- */

H_TC(pipe_roundtrip, "what is written to a pipe is read back in order")
{
	char buf[64];
	int fds[2];

	RL(rump_sys_pipe2(fds, 0));
	ATF_REQUIRE_EQ(rump_sys_write(fds[1], "hello, ", 7), 7);
	ATF_REQUIRE_EQ(rump_sys_write(fds[1], "world", 5), 5);
	ATF_REQUIRE_EQ(rump_sys_read(fds[0], buf, 3), 3);
	ATF_REQUIRE(memcmp(buf, "hel", 3) == 0);
	/* A read returns what is there without waiting for more. */
	ATF_REQUIRE_EQ(rump_sys_read(fds[0], buf, sizeof(buf)), 9);
	ATF_REQUIRE(memcmp(buf, "lo, world", 9) == 0);
	RL(rump_sys_close(fds[0]));
	RL(rump_sys_close(fds[1]));
}

struct reader {
	int	 r_fd;
	char	*r_buf;
	size_t	 r_len;
	size_t	 r_got;
	int	 r_errno;
};

static void *
reader_main(void *arg)
{
	struct reader *r = arg;
	ssize_t n;

	while (r->r_got < r->r_len) {
		/* Odd-sized reads so the ring wraps at odd places. */
		size_t want = r->r_len - r->r_got;

		if (want > 3001)
			want = 3001;
		n = rump_sys_read(r->r_fd, r->r_buf + r->r_got, want);
		if (n == -1) {
			r->r_errno = errno;
			break;
		}
		if (n == 0)
			break;
		r->r_got += (size_t)n;
	}
	return NULL;
}

H_TC(pipe_large_transfer, "a write much bigger than the pipe blocks until "
    "a reader thread has taken it all, byte for byte")
{
	const size_t len = 256 * 1024;
	struct reader r;
	pthread_t t;
	char *src;
	int fds[2];

	src = malloc(len);
	ATF_REQUIRE(src != NULL);
	for (size_t i = 0; i < len; i++)
		src[i] = (char)(i * 7 + i / 251);
	RL(rump_sys_pipe2(fds, 0));
	memset(&r, 0, sizeof(r));
	r.r_fd = fds[0];
	r.r_len = len;
	r.r_buf = calloc(1, len);
	ATF_REQUIRE(r.r_buf != NULL);
	ATF_REQUIRE(pthread_create(&t, NULL, reader_main, &r) == 0);
	ATF_REQUIRE_EQ(rump_sys_write(fds[1], src, len), (ssize_t)len);
	ATF_REQUIRE(pthread_join(t, NULL) == 0);
	ATF_REQUIRE_EQ_MSG(r.r_errno, 0, "reader: %s", h_errname(r.r_errno));
	ATF_REQUIRE_EQ(r.r_got, len);
	ATF_REQUIRE(memcmp(src, r.r_buf, len) == 0);
	RL(rump_sys_close(fds[0]));
	RL(rump_sys_close(fds[1]));
	free(r.r_buf);
	free(src);
}

H_TC(pipe_eof_after_writer_closes, "reading a pipe whose write end is "
    "closed returns the data left, then 0")
{
	char buf[8];
	int fds[2];

	RL(rump_sys_pipe2(fds, 0));
	ATF_REQUIRE_EQ(rump_sys_write(fds[1], "abc", 3), 3);
	RL(rump_sys_close(fds[1]));
	ATF_REQUIRE_EQ(rump_sys_read(fds[0], buf, sizeof(buf)), 3);
	ATF_REQUIRE_EQ(rump_sys_read(fds[0], buf, sizeof(buf)), 0);
	ATF_REQUIRE_EQ(rump_sys_read(fds[0], buf, sizeof(buf)), 0);
	RL(rump_sys_close(fds[0]));
}

struct closer {
	int	c_fd;
	int	c_errno;
};

static void *
closer_main(void *arg)
{
	struct closer *c = arg;
	struct timespec ts = { 0, 100000000L };

	(void)nanosleep(&ts, NULL);
	if (rump_sys_close(c->c_fd) == -1)
		c->c_errno = errno;
	return NULL;
}

H_TC(pipe_eof_wakes_blocked_reader, "a reader blocked on an empty pipe "
    "gets 0 when the last writer closes")
{
	struct closer c = { 0, 0 };
	pthread_t t;
	char buf[8];
	int fds[2];

	RL(rump_sys_pipe2(fds, 0));
	c.c_fd = fds[1];
	ATF_REQUIRE(pthread_create(&t, NULL, closer_main, &c) == 0);
	ATF_REQUIRE_EQ(rump_sys_read(fds[0], buf, sizeof(buf)), 0);
	ATF_REQUIRE(pthread_join(t, NULL) == 0);
	ATF_REQUIRE_EQ(c.c_errno, 0);
	RL(rump_sys_close(fds[0]));
}

H_TC(pipe_write_without_reader, "writing a pipe whose read end is closed "
    "fails with EPIPE")
{
	int fds[2];

	RL(rump_sys_pipe2(fds, 0));
	RL(rump_sys_close(fds[0]));
	H_REQUIRE_ERRNO(EPIPE, rump_sys_write(fds[1], "x", 1));
	H_REQUIRE_ERRNO(EPIPE, rump_sys_write(fds[1], "x", 1));
	RL(rump_sys_close(fds[1]));
}

/*
 * Fill a non-blocking pipe with 'f', in 1 KiB writes and then single
 * bytes (small writes are all-or-nothing); returns its capacity.
 */
static size_t
fill_pipe(int wfd)
{
	char chunk[1024];
	size_t total = 0, sz = sizeof(chunk);
	ssize_t n;

	memset(chunk, 'f', sizeof(chunk));
	for (;;) {
		n = rump_sys_write(wfd, chunk, sz);
		if (n == -1 && errno == EAGAIN && sz > 1) {
			sz = 1;
			continue;
		}
		if (n == -1)
			break;
		ATF_REQUIRE(n > 0);
		total += (size_t)n;
		ATF_REQUIRE_MSG(total < 16 * 1024 * 1024, "pipe never fills");
	}
	ATF_REQUIRE_EQ_MSG(errno, EAGAIN, "write: %s", h_errname(errno));
	return total;
}

H_TC(pipe_nonblocking, "with O_NONBLOCK, reading an empty pipe and writing "
    "a full one fail with EAGAIN")
{
	char buf[2048];
	size_t cap;
	int fds[2];

	RL(rump_sys_pipe2(fds, O_NONBLOCK));
	H_REQUIRE_ERRNO(EAGAIN, rump_sys_read(fds[0], buf, sizeof(buf)));
	cap = fill_pipe(fds[1]);
	/* POSIX: at least PIPE_BUF bytes fit. */
	ATF_REQUIRE_MSG(cap >= PIPE_BUF, "capacity %zu", cap);
	H_REQUIRE_ERRNO(EAGAIN, rump_sys_write(fds[1], "x", 1));
	/* Room again after a read. */
	ATF_REQUIRE_EQ(rump_sys_read(fds[0], buf, 1024), 1024);
	ATF_REQUIRE_EQ(rump_sys_write(fds[1], buf, 1024), 1024);
	H_REQUIRE_ERRNO(EAGAIN, rump_sys_write(fds[1], "x", 1));
	/* Everything written comes back, then EAGAIN. */
	for (size_t left = cap; left > 0;) {
		ssize_t n = rump_sys_read(fds[0], buf, sizeof(buf));

		ATF_REQUIRE(n > 0 && (size_t)n <= left);
		left -= (size_t)n;
	}
	H_REQUIRE_ERRNO(EAGAIN, rump_sys_read(fds[0], buf, sizeof(buf)));
	RL(rump_sys_close(fds[0]));
	RL(rump_sys_close(fds[1]));
}

H_TC(pipe_small_writes_are_atomic, "a non-blocking write of at most "
    "PIPE_BUF bytes into a pipe without room for all of it fails with "
    "EAGAIN and writes nothing")
{
	char buf[PIPE_BUF + 1];
	size_t cap;
	ssize_t n;
	int fds[2];

	RL(rump_sys_pipe2(fds, O_NONBLOCK));
	cap = fill_pipe(fds[1]);
	ATF_REQUIRE_EQ(rump_sys_read(fds[0], buf, 100), 100);
	memset(buf, 'a', sizeof(buf));
	/* 100 bytes of room: 200 do not fit and must not be split. */
	H_REQUIRE_ERRNO(EAGAIN, rump_sys_write(fds[1], buf, 200));
	H_REQUIRE_ERRNO(EAGAIN, rump_sys_write(fds[1], buf, PIPE_BUF));
	ATF_REQUIRE_EQ(rump_sys_write(fds[1], buf, 100), 100);
	/* A write bigger than PIPE_BUF may be split: it takes what fits. */
	ATF_REQUIRE_EQ(rump_sys_read(fds[0], buf, 100), 100);
	memset(buf, 'b', sizeof(buf));
	ATF_REQUIRE_EQ(rump_sys_write(fds[1], buf, PIPE_BUF + 1), 100);
	/* Drain: what is left of the fill, 100 'a', 100 'b'. */
	for (size_t left = cap - 200; left > 0;) {
		n = rump_sys_read(fds[0], buf, left < 1024 ? left : 1024);
		ATF_REQUIRE(n > 0);
		for (ssize_t i = 0; i < n; i++)
			ATF_REQUIRE_EQ_MSG(buf[i], 'f', "byte %zd", i);
		left -= (size_t)n;
	}
	ATF_REQUIRE_EQ(rump_sys_read(fds[0], buf, 100), 100);
	ATF_REQUIRE(buf[0] == 'a' && buf[99] == 'a');
	ATF_REQUIRE_EQ(rump_sys_read(fds[0], buf, sizeof(buf)), 100);
	ATF_REQUIRE(buf[0] == 'b' && buf[99] == 'b');
	H_REQUIRE_ERRNO(EAGAIN, rump_sys_read(fds[0], buf, sizeof(buf)));
	RL(rump_sys_close(fds[0]));
	RL(rump_sys_close(fds[1]));
}

struct zeroreader {
	int	z_fd;
	ssize_t	z_ret;
	int	z_done;
};

static void *
zeroreader_main(void *arg)
{
	struct zeroreader *z = arg;
	char c;

	z->z_ret = rump_sys_read(z->z_fd, &c, 0);
	__atomic_store_n(&z->z_done, 1, __ATOMIC_RELEASE);
	return NULL;
}

H_TC(pipe_read_zero_bytes, "a read of 0 bytes from an empty blocking pipe "
    "returns 0 at once")
{
	struct zeroreader z = { 0, -2, 0 };
	pthread_t t;
	char c;
	int fds[2], i;

	RL(rump_sys_pipe2(fds, 0));
	z.z_fd = fds[0];
	ATF_REQUIRE(pthread_create(&t, NULL, zeroreader_main, &z) == 0);
	for (i = 0; i < 1000 && !__atomic_load_n(&z.z_done, __ATOMIC_ACQUIRE);
	    i++)
		usleep(10000);
	if (!__atomic_load_n(&z.z_done, __ATOMIC_ACQUIRE)) {
		/* Unblock it so the case can end. */
		RL(rump_sys_write(fds[1], "x", 1));
	}
	ATF_REQUIRE(pthread_join(t, NULL) == 0);
	ATF_REQUIRE_MSG(i < 1000, "read of 0 bytes blocked for 10 s");
	ATF_REQUIRE_EQ(z.z_ret, 0);
	/* A write of 0 bytes writes nothing. */
	ATF_REQUIRE_EQ(rump_sys_write(fds[1], &c, 0), 0);
	RL(rump_sys_fcntl(fds[0], F_SETFL, O_NONBLOCK));
	H_REQUIRE_ERRNO(EAGAIN, rump_sys_read(fds[0], &c, 1));
	RL(rump_sys_close(fds[0]));
	RL(rump_sys_close(fds[1]));
}

H_TC(pipe2_bad_flags, "pipe2 with unknown flags fails with EINVAL and "
    "allocates nothing")
{
	int fds[2] = { -5, -5 };

	H_REQUIRE_ERRNO(EINVAL, rump_sys_pipe2(fds, O_APPEND));
	H_REQUIRE_ERRNO(EINVAL, rump_sys_pipe2(fds, 0x40000000));
	H_REQUIRE_ERRNO(EINVAL, rump_sys_pipe2(fds, -1));
	ATF_REQUIRE(fds[0] == -5 && fds[1] == -5);
	require_pipe_fds(O_NONBLOCK | O_CLOEXEC, 0, 1);
	close_fds(0, 2);
}

/* ---------------------------------------------------------------- */

H_TC(fcntl_status_flags, "F_GETFL reports the access mode and O_NONBLOCK; "
    "F_SETFL turns O_NONBLOCK on and off")
{
	char buf[4];
	int fds[2], dfd;

	RL(rump_sys_pipe2(fds, 0));
	ATF_REQUIRE_EQ(rump_sys_fcntl(fds[0], F_GETFL, 0), O_RDONLY);
	ATF_REQUIRE_EQ(rump_sys_fcntl(fds[1], F_GETFL, 0), O_WRONLY);
	RL(rump_sys_fcntl(fds[0], F_SETFL, O_NONBLOCK));
	ATF_REQUIRE_EQ(rump_sys_fcntl(fds[0], F_GETFL, 0),
	    O_RDONLY | O_NONBLOCK);
	H_REQUIRE_ERRNO(EAGAIN, rump_sys_read(fds[0], buf, sizeof(buf)));
	/* The flag belongs to the open file, which a dup shares. */
	dfd = RL(rump_sys_dup(fds[0]));
	ATF_REQUIRE(rump_sys_fcntl(dfd, F_GETFL, 0) & O_NONBLOCK);
	RL(rump_sys_fcntl(fds[0], F_SETFL, 0));
	ATF_REQUIRE_EQ(rump_sys_fcntl(dfd, F_GETFL, 0), O_RDONLY);
	/* F_SETFL cannot change the access mode. */
	RL(rump_sys_fcntl(fds[1], F_SETFL, O_RDWR));
	ATF_REQUIRE_EQ(rump_sys_fcntl(fds[1], F_GETFL, 0), O_WRONLY);
	RL(rump_sys_close(dfd));
	RL(rump_sys_close(fds[0]));
	RL(rump_sys_close(fds[1]));

	RL(rump_sys_pipe2(fds, O_NONBLOCK));
	ATF_REQUIRE_EQ(rump_sys_fcntl(fds[1], F_GETFL, 0),
	    O_WRONLY | O_NONBLOCK);
	RL(rump_sys_close(fds[0]));
	RL(rump_sys_close(fds[1]));
}

H_TC(fcntl_cloexec, "F_GETFD/F_SETFD read and set FD_CLOEXEC per "
    "descriptor; pipe2(O_CLOEXEC) sets it and dup clears it")
{
	int fds[2], dfd;

	RL(rump_sys_pipe2(fds, 0));
	ATF_REQUIRE_EQ(rump_sys_fcntl(fds[0], F_GETFD, 0), 0);
	RL(rump_sys_fcntl(fds[0], F_SETFD, FD_CLOEXEC));
	ATF_REQUIRE_EQ(rump_sys_fcntl(fds[0], F_GETFD, 0), FD_CLOEXEC);
	ATF_REQUIRE_EQ(rump_sys_fcntl(fds[1], F_GETFD, 0), 0);
	dfd = RL(rump_sys_dup(fds[0]));
	ATF_REQUIRE_EQ(rump_sys_fcntl(dfd, F_GETFD, 0), 0);
	RL(rump_sys_close(dfd));
	dfd = RL(rump_sys_fcntl(fds[0], F_DUPFD_CLOEXEC, 0));
	ATF_REQUIRE_EQ(rump_sys_fcntl(dfd, F_GETFD, 0), FD_CLOEXEC);
	RL(rump_sys_close(dfd));
	RL(rump_sys_fcntl(fds[0], F_SETFD, 0));
	ATF_REQUIRE_EQ(rump_sys_fcntl(fds[0], F_GETFD, 0), 0);
	RL(rump_sys_close(fds[0]));
	RL(rump_sys_close(fds[1]));

	RL(rump_sys_pipe2(fds, O_CLOEXEC));
	ATF_REQUIRE_EQ(rump_sys_fcntl(fds[0], F_GETFD, 0), FD_CLOEXEC);
	ATF_REQUIRE_EQ(rump_sys_fcntl(fds[1], F_GETFD, 0), FD_CLOEXEC);
	/* A closed and reused slot does not inherit the flag. */
	RL(rump_sys_close(fds[0]));
	RL(rump_sys_close(fds[1]));
	RL(rump_sys_pipe2(fds, 0));
	ATF_REQUIRE_EQ(rump_sys_fcntl(fds[0], F_GETFD, 0), 0);
	ATF_REQUIRE_EQ(rump_sys_fcntl(fds[1], F_GETFD, 0), 0);
	RL(rump_sys_close(fds[0]));
	RL(rump_sys_close(fds[1]));
}

H_TC(fcntl_dupfd_minimum, "F_DUPFD returns the lowest free descriptor at "
    "or above its argument")
{
	char buf[4];
	int fds[2];

	RL(rump_sys_pipe2(fds, 0));
	ATF_REQUIRE_EQ(rump_sys_fcntl(fds[1], F_DUPFD, 10), 10);
	ATF_REQUIRE_EQ(rump_sys_fcntl(fds[1], F_DUPFD, 10), 11);
	ATF_REQUIRE_EQ(rump_sys_fcntl(fds[1], F_DUPFD, 5), 5);
	ATF_REQUIRE_EQ(rump_sys_fcntl(fds[1], F_DUPFD, 0), 2);
	ATF_REQUIRE_EQ(rump_sys_fcntl(fds[1], F_DUPFD, FD_LIMIT - 1),
	    FD_LIMIT - 1);
	H_REQUIRE_ERRNO(EMFILE, rump_sys_fcntl(fds[1], F_DUPFD,
	    FD_LIMIT - 1));
	H_REQUIRE_ERRNO(EINVAL, rump_sys_fcntl(fds[1], F_DUPFD, -1));
	H_REQUIRE_ERRNO(EINVAL, rump_sys_fcntl(fds[1], F_DUPFD, FD_LIMIT));
	/* Each one is the write end. */
	ATF_REQUIRE_EQ(rump_sys_write(11, "w", 1), 1);
	ATF_REQUIRE_EQ(rump_sys_write(FD_LIMIT - 1, "z", 1), 1);
	ATF_REQUIRE_EQ(rump_sys_read(fds[0], buf, sizeof(buf)), 2);
	ATF_REQUIRE(memcmp(buf, "wz", 2) == 0);
	RL(rump_sys_close(2));
	RL(rump_sys_close(5));
	RL(rump_sys_close(10));
	RL(rump_sys_close(11));
	RL(rump_sys_close(FD_LIMIT - 1));
	RL(rump_sys_close(fds[0]));
	RL(rump_sys_close(fds[1]));
}

H_TC(dup_lowest_free, "dup returns the lowest free descriptor")
{
	int fds[2];

	RL(rump_sys_pipe2(fds, 0));
	ATF_REQUIRE_EQ(rump_sys_dup(fds[0]), 2);
	ATF_REQUIRE_EQ(rump_sys_dup(fds[0]), 3);
	RL(rump_sys_close(0));
	ATF_REQUIRE_EQ(rump_sys_dup(fds[1]), 0);
	RL(rump_sys_close(2));
	ATF_REQUIRE_EQ(rump_sys_dup(3), 2);
	ATF_REQUIRE_EQ(rump_sys_dup(3), 4);
	/* 0 is now the write end, 2, 3 and 4 the read end. */
	ATF_REQUIRE_EQ(rump_sys_write(0, "q", 1), 1);
	ATF_REQUIRE_EQ(rump_sys_fcntl(4, F_GETFL, 0), O_RDONLY);
	close_fds(0, 5);
}

H_TC(dup2_replaces_open_fd, "dup2 onto an open descriptor closes what was "
    "there; data flows through the new one")
{
	char buf[8];
	int a[2], b[2];

	RL(rump_sys_pipe2(a, 0));	/* 0, 1 */
	RL(rump_sys_pipe2(b, 0));	/* 2, 3 */
	/* b's only write end goes away: its reader sees end of file. */
	ATF_REQUIRE_EQ(rump_sys_dup2(a[1], b[1]), b[1]);
	ATF_REQUIRE_EQ(rump_sys_read(b[0], buf, sizeof(buf)), 0);
	/* b[1] is a's write end now. */
	ATF_REQUIRE_EQ(rump_sys_write(b[1], "via dup", 7), 7);
	ATF_REQUIRE_EQ(rump_sys_read(a[0], buf, sizeof(buf)), 7);
	ATF_REQUIRE(memcmp(buf, "via dup", 7) == 0);
	/* The original still works after the copy is closed. */
	RL(rump_sys_close(b[1]));
	ATF_REQUIRE_EQ(rump_sys_write(a[1], "orig", 4), 4);
	ATF_REQUIRE_EQ(rump_sys_read(a[0], buf, sizeof(buf)), 4);
	/* dup2 to a free descriptor beyond the others. */
	ATF_REQUIRE_EQ(rump_sys_dup2(a[1], 100), 100);
	ATF_REQUIRE_EQ(rump_sys_fcntl(100, F_GETFL, 0), O_WRONLY);
	RL(rump_sys_close(100));
	RL(rump_sys_close(b[0]));
	RL(rump_sys_close(a[0]));
	RL(rump_sys_close(a[1]));
}

H_TC(dup2_to_itself, "dup2 of a descriptor onto itself returns it and "
    "changes nothing")
{
	char buf[4];
	int fds[2];

	RL(rump_sys_pipe2(fds, 0));
	RL(rump_sys_fcntl(fds[1], F_SETFD, FD_CLOEXEC));
	ATF_REQUIRE_EQ(rump_sys_dup2(fds[1], fds[1]), fds[1]);
	ATF_REQUIRE_EQ(rump_sys_fcntl(fds[1], F_GETFD, 0), FD_CLOEXEC);
	ATF_REQUIRE_EQ(rump_sys_write(fds[1], "ok", 2), 2);
	ATF_REQUIRE_EQ(rump_sys_read(fds[0], buf, sizeof(buf)), 2);
	/* Still one reference: closing it makes the reader see EOF. */
	RL(rump_sys_close(fds[1]));
	ATF_REQUIRE_EQ(rump_sys_read(fds[0], buf, sizeof(buf)), 0);
	/* A closed descriptor onto itself is EBADF. */
	H_REQUIRE_ERRNO(EBADF, rump_sys_dup2(fds[1], fds[1]));
	RL(rump_sys_close(fds[0]));
}

H_TC(fd_exhaustion, "pipe2 fails with EMFILE once all 1024 descriptors are "
    "in use, and works again when two are free")
{
	int fds[2], npipes = 0;

	for (;;) {
		if (rump_sys_pipe2(fds, 0) == -1)
			break;
		ATF_REQUIRE_EQ(fds[0], 2 * npipes);
		ATF_REQUIRE_EQ(fds[1], 2 * npipes + 1);
		npipes++;
		ATF_REQUIRE(npipes <= FD_LIMIT / 2);
	}
	ATF_REQUIRE_EQ_MSG(errno, EMFILE, "pipe2: %s", h_errname(errno));
	ATF_REQUIRE_EQ(npipes, FD_LIMIT / 2);
	H_REQUIRE_ERRNO(EMFILE, rump_sys_dup(0));
	H_REQUIRE_ERRNO(EMFILE, rump_sys_fcntl(0, F_DUPFD, 0));

	/* One free slot is not enough, and the failure keeps nothing. */
	RL(rump_sys_close(7));
	H_REQUIRE_ERRNO(EMFILE, rump_sys_pipe2(fds, 0));
	H_REQUIRE_ERRNO(EMFILE, rump_sys_pipe2(fds, 0));
	ATF_REQUIRE_EQ(rump_sys_dup(1), 7);
	H_REQUIRE_ERRNO(EMFILE, rump_sys_dup(1));

	/* Two free slots are. */
	RL(rump_sys_close(500));
	RL(rump_sys_close(FD_LIMIT - 1));
	RL(rump_sys_pipe2(fds, 0));
	ATF_REQUIRE(fds[0] == 500 && fds[1] == FD_LIMIT - 1);
	ATF_REQUIRE_EQ(rump_sys_write(fds[1], "e", 1), 1);
	H_REQUIRE_ERRNO(EMFILE, rump_sys_pipe2(fds, 0));
	/* Everything else is closed by the shutdown (and leak-checked). */
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, ids_of_test_process);
	ATF_TP_ADD_TC(tp, close_bad_fd);
	ATF_TP_ADD_TC(tp, bad_fd_calls);
	ATF_TP_ADD_TC(tp, fcntl_unknown_cmd);
	ATF_TP_ADD_TC(tp, pipe_wrong_end);
	ATF_TP_ADD_TC(tp, nonroot_cannot_change_ids);
	ATF_TP_ADD_TC(tp, posix_id_rules);
	ATF_TP_ADD_TC(tp, groups_set_and_get);
	ATF_TP_ADD_TC(tp, login_set_and_get);
	ATF_TP_ADD_TC(tp, hostname_set_and_get);
	ATF_TP_ADD_TC(tp, hostname_from_boot_parameter);
	ATF_TP_ADD_TC(tp, clock_gettime_clocks);
	ATF_TP_ADD_TC(tp, nanosleep_bad_interval);
	ATF_TP_ADD_TC(tp, nanosleep_sleeps_long_enough);
	ATF_TP_ADD_TC(tp, efault_pipe2_leaks_no_fd);
	ATF_TP_ADD_TC(tp, efault_clocks);
	ATF_TP_ADD_TC(tp, efault_credentials_and_names);
	ATF_TP_ADD_TC(tp, efault_read_write);
	ATF_TP_ADD_TC(tp, pipe_roundtrip);
	ATF_TP_ADD_TC(tp, pipe_large_transfer);
	ATF_TP_ADD_TC(tp, pipe_eof_after_writer_closes);
	ATF_TP_ADD_TC(tp, pipe_eof_wakes_blocked_reader);
	ATF_TP_ADD_TC(tp, pipe_write_without_reader);
	ATF_TP_ADD_TC(tp, pipe_nonblocking);
	ATF_TP_ADD_TC(tp, pipe_small_writes_are_atomic);
	ATF_TP_ADD_TC(tp, pipe_read_zero_bytes);
	ATF_TP_ADD_TC(tp, pipe2_bad_flags);
	ATF_TP_ADD_TC(tp, fcntl_status_flags);
	ATF_TP_ADD_TC(tp, fcntl_cloexec);
	ATF_TP_ADD_TC(tp, fcntl_dupfd_minimum);
	ATF_TP_ADD_TC(tp, dup_lowest_free);
	ATF_TP_ADD_TC(tp, dup2_replaces_open_fd);
	ATF_TP_ADD_TC(tp, dup2_to_itself);
	ATF_TP_ADD_TC(tp, fd_exhaustion);
	return atf_no_error();
}
