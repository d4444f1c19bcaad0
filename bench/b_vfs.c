/*
 * b_vfs.c: what the file system path costs.  rump tmpfs through
 * rump_sys_*() against the host's tmpfs through host system calls, on
 * two workloads: a create / write 4 KiB / close / unlink loop, and a
 * 64 MiB sequential write and read in 64 KiB calls.  A rump kernel has
 * no system call boundary to cross, so the target is to be at least as
 * fast (host/rump >= 1.0).  Then the create loop on one virtual CPU
 * with the UP locks against the MP locks (NetBSD measured UP 34% faster
 * on this workload: up/mp <= 0.66).
 *
 *	b_vfs [create|seq|locks]...	(default: all three)
 *
 * The host side uses /dev/shm if it is a tmpfs, else a directory under
 * $TMPDIR (or /tmp); the output says which.
 */
#include <sys/stat.h>
#include <sys/vfs.h>

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rump/rump.h>
#include <rump/rump_syscalls.h>

#include "bench.h"

#define TMPFS_MAGIC	0x01021994

#define CREATE_TARGET	1.0	/* host/rump, >= */
#define SEQ_TARGET	1.0	/* host/rump, >= */
#define LOCKS_TARGET	0.66	/* up/mp, <= */

#define SMALL		4096
#define SEQ_TOTAL	(64u << 20)
#define SEQ_CHUNK	(64u << 10)

/* One set of system calls: the host's or the rump kernel's. */
struct fsops {
	const char	*fo_dir;	/* where the files go */
	int	(*fo_open)(const char *, int, mode_t);
	ssize_t	(*fo_read)(int, void *, size_t);
	ssize_t	(*fo_write)(int, const void *, size_t);
	off_t	(*fo_lseek)(int, off_t, int);
	int	(*fo_ftruncate)(int, off_t);
	int	(*fo_close)(int);
	int	(*fo_unlink)(const char *);
	char	fo_file[512];		/* fo_dir + "/f" */
	int	fo_fd;			/* the seq benchmarks' file */
	const char	*fo_locks;	/* RUMP_LOCKS for bench_locks */
};

static char small[SMALL];
static char *seqbuf;

static int
host_open(const char *path, int flags, mode_t mode)
{
	return open(path, flags, mode);
}

static void
rump_boot(void)
{
	int error;

	if ((error = rump_init()) != 0) {
		errno = error;
		err(1, "rump_init");
	}
}

static void
rump_shutdown(void)
{
	if (rump_sys_reboot(0, NULL) != 0)
		err(1, "rump_sys_reboot");
}

/* create / write 4 KiB / close / unlink, n times. */
static uint64_t
run_create(void *arg, uint64_t n)
{
	struct fsops *o = arg;
	uint64_t t0 = bench_now_ns();
	int fd;

	for (uint64_t i = 0; i < n; i++) {
		fd = o->fo_open(o->fo_file, O_WRONLY | O_CREAT | O_EXCL,
		    0644);
		if (fd == -1)
			err(1, "open %s", o->fo_file);
		if (o->fo_write(fd, small, SMALL) != SMALL)
			err(1, "write %s", o->fo_file);
		if (o->fo_close(fd) != 0)
			err(1, "close %s", o->fo_file);
		if (o->fo_unlink(o->fo_file) != 0)
			err(1, "unlink %s", o->fo_file);
	}
	return bench_now_ns() - t0;
}

/* Truncate the file to 0 and write 64 MiB into it, n times. */
static uint64_t
run_seqwrite(void *arg, uint64_t n)
{
	struct fsops *o = arg;
	uint64_t t0 = bench_now_ns();

	for (uint64_t i = 0; i < n; i++) {
		if (o->fo_ftruncate(o->fo_fd, 0) != 0)
			err(1, "ftruncate %s", o->fo_file);
		if (o->fo_lseek(o->fo_fd, 0, SEEK_SET) != 0)
			err(1, "lseek %s", o->fo_file);
		for (size_t off = 0; off < SEQ_TOTAL; off += SEQ_CHUNK) {
			if (o->fo_write(o->fo_fd, seqbuf, SEQ_CHUNK) !=
			    SEQ_CHUNK)
				err(1, "write %s", o->fo_file);
		}
	}
	return bench_now_ns() - t0;
}

/* lseek to 0 and read the 64 MiB back, n times. */
static uint64_t
run_seqread(void *arg, uint64_t n)
{
	struct fsops *o = arg;
	uint64_t t0 = bench_now_ns();

	for (uint64_t i = 0; i < n; i++) {
		if (o->fo_lseek(o->fo_fd, 0, SEEK_SET) != 0)
			err(1, "lseek %s", o->fo_file);
		for (size_t off = 0; off < SEQ_TOTAL; off += SEQ_CHUNK) {
			if (o->fo_read(o->fo_fd, seqbuf, SEQ_CHUNK) !=
			    SEQ_CHUNK)
				err(1, "read %s", o->fo_file);
		}
	}
	return bench_now_ns() - t0;
}

/*
 * "<what>: rump X unit, host Y unit, host/rump Z (rump faster if > 1;
 * target >= t) PASS|MISS"; the higher-is-better ratio of the brief.
 */
static void
report_speedup(const char *what, const struct bench_side *r,
    const struct bench_side *h, double scale, const char *unit,
    double target)
{
	double ratio = h->bs_median / r->bs_median;

	printf("%s: %s %.1f %s, %s %.1f %s, host/rump %.2f (rump faster "
	    "if > 1; target >= %.2f) %s\n", what, r->bs_name,
	    r->bs_median / scale, unit, h->bs_name, h->bs_median / scale,
	    unit, ratio, target, ratio >= target ? "PASS" : "MISS");
	printf("  median of rounds; %s %.1f..%.1f %s (%llu ops/round), "
	    "%s %.1f..%.1f %s (%llu ops/round)\n",
	    r->bs_name, r->bs_min / scale, r->bs_max / scale, unit,
	    (unsigned long long)r->bs_ops,
	    h->bs_name, h->bs_min / scale, h->bs_max / scale, unit,
	    (unsigned long long)h->bs_ops);
	fflush(stdout);
}

/* Time per op in ns for SEQ_TOTAL bytes, as MB/s (10^6 bytes). */
static double
mbps(double ns)
{
	return (double)SEQ_TOTAL / ns * 1e3;
}

static void
report_seq(const char *what, const struct bench_side *r,
    const struct bench_side *h, const char *hostdir)
{
	double ratio = h->bs_median / r->bs_median;

	printf("%s 64 MiB in 64 KiB calls: rump %.0f MB/s, host %.0f MB/s "
	    "(%s), rump/host throughput %.2f (rump faster if > 1; target "
	    ">= %.2f) %s\n", what, mbps(r->bs_median), mbps(h->bs_median),
	    hostdir, ratio, SEQ_TARGET, ratio >= SEQ_TARGET ? "PASS" :
	    "MISS");
	printf("  median of rounds; rump %.0f..%.0f MB/s (%llu x 64 MiB/"
	    "round), host %.0f..%.0f MB/s (%llu x 64 MiB/round)\n",
	    mbps(r->bs_max), mbps(r->bs_min), (unsigned long long)r->bs_ops,
	    mbps(h->bs_max), mbps(h->bs_min), (unsigned long long)h->bs_ops);
	fflush(stdout);
}

static void
bench_create(struct fsops *rump, struct fsops *host, const char *hostdir)
{
	struct bench_side r = {
		.bs_name = "rump", .bs_run = run_create, .bs_arg = rump,
	};
	struct bench_side h = {
		.bs_name = "host", .bs_run = run_create, .bs_arg = host,
	};
	char what[400];

	rump_boot();
	if (rump_sys_mkdir(rump->fo_dir, 0755) != 0)
		err(1, "rump_sys_mkdir %s", rump->fo_dir);
	bench_compare(&r, &h);
	rump_shutdown();
	snprintf(what, sizeof(what), "create+write 4K+close+unlink "
	    "(host %s)", hostdir);
	report_speedup(what, &r, &h, 1000.0, "us", CREATE_TARGET);
}

static void
seq_open(struct fsops *o)
{
	o->fo_fd = o->fo_open(o->fo_file, O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (o->fo_fd == -1)
		err(1, "open %s", o->fo_file);
	(void)run_seqwrite(o, 1);
}

static void
seq_close(struct fsops *o)
{
	if (o->fo_close(o->fo_fd) != 0 || o->fo_unlink(o->fo_file) != 0)
		err(1, "close/unlink %s", o->fo_file);
}

static void
bench_seq(struct fsops *rump, struct fsops *host, const char *hostdir)
{
	struct bench_side r = { .bs_name = "rump", .bs_arg = rump };
	struct bench_side h = { .bs_name = "host", .bs_arg = host };

	if ((seqbuf = malloc(SEQ_CHUNK)) == NULL)
		err(1, "malloc");
	memset(seqbuf, 0xa5, SEQ_CHUNK);
	rump_boot();
	if (rump_sys_mkdir(rump->fo_dir, 0755) != 0)
		err(1, "rump_sys_mkdir %s", rump->fo_dir);
	seq_open(rump);
	seq_open(host);

	r.bs_run = h.bs_run = run_seqwrite;
	bench_compare(&r, &h);
	report_seq("seq write", &r, &h, hostdir);

	r.bs_run = h.bs_run = run_seqread;
	bench_compare(&r, &h);
	report_seq("seq read", &r, &h, hostdir);

	seq_close(rump);
	seq_close(host);
	rump_shutdown();
	free(seqbuf);
}

/* The create loop, booting per round with the side's lock kind. */
static void
locks_boot(void *arg)
{
	struct fsops *o = arg;

	if (setenv("RUMP_NCPU", "1", 1) != 0 ||
	    setenv("RUMP_LOCKS", o->fo_locks, 1) != 0)
		err(1, "setenv");
	rump_boot();
	if (rump_sys_mkdir(o->fo_dir, 0755) != 0)
		err(1, "rump_sys_mkdir %s", o->fo_dir);
}

static void
locks_shutdown(void *arg)
{
	rump_shutdown();
}

static void
bench_locks(struct fsops *rump)
{
	struct fsops rump_up = *rump, rump_mp = *rump;
	struct bench_side up = {
		.bs_name = "up", .bs_run = run_create, .bs_setup = locks_boot,
		.bs_teardown = locks_shutdown, .bs_arg = &rump_up,
	};
	struct bench_side mp = {
		.bs_name = "mp", .bs_run = run_create, .bs_setup = locks_boot,
		.bs_teardown = locks_shutdown, .bs_arg = &rump_mp,
	};
	double ratio;

	rump_up.fo_locks = "up";
	rump_mp.fo_locks = "mp";
	bench_compare(&up, &mp);
	ratio = up.bs_median / mp.bs_median;
	printf("create loop, 1 vCPU: up %.2f us, mp %.2f us, up/mp %.2f "
	    "(UP faster if < 1; target <= %.2f, NetBSD UP 34%% faster) %s\n",
	    up.bs_median / 1000.0, mp.bs_median / 1000.0, ratio,
	    LOCKS_TARGET, ratio <= LOCKS_TARGET ? "PASS" : "MISS");
	printf("  median of rounds; up %.2f..%.2f us (%llu ops/round), "
	    "mp %.2f..%.2f us (%llu ops/round)\n",
	    up.bs_min / 1000.0, up.bs_max / 1000.0,
	    (unsigned long long)up.bs_ops, mp.bs_min / 1000.0,
	    mp.bs_max / 1000.0, (unsigned long long)mp.bs_ops);
	fflush(stdout);
}

/* A fresh directory on the host's tmpfs (or $TMPDIR), for the files. */
static const char *
host_dir(char *buf, size_t len)
{
	struct statfs sf;
	const char *tmp;

	if (statfs("/dev/shm", &sf) == 0 && sf.f_type == TMPFS_MAGIC &&
	    access("/dev/shm", W_OK) == 0)
		tmp = "/dev/shm";
	else if ((tmp = getenv("TMPDIR")) == NULL || *tmp == '\0')
		tmp = "/tmp";
	snprintf(buf, len, "%s/b_vfs.XXXXXX", tmp);
	if (mkdtemp(buf) == NULL)
		err(1, "mkdtemp %s", buf);
	return tmp;
}

int
main(int argc, char **argv)
{
	struct fsops rump = {
		.fo_dir = "/b", .fo_open = rump_sys_open,
		.fo_read = rump_sys_read, .fo_write = rump_sys_write,
		.fo_lseek = rump_sys_lseek,
		.fo_ftruncate = rump_sys_ftruncate,
		.fo_close = rump_sys_close, .fo_unlink = rump_sys_unlink,
	};
	struct fsops host = {
		.fo_open = host_open, .fo_read = read, .fo_write = write,
		.fo_lseek = lseek, .fo_ftruncate = ftruncate,
		.fo_close = close, .fo_unlink = unlink,
	};
	char dir[256], hostdesc[300];
	struct statfs sf;
	const char *tmp;
	int all = argc < 2;

	memset(small, 0x5a, sizeof(small));
	tmp = host_dir(dir, sizeof(dir));
	host.fo_dir = dir;
	snprintf(host.fo_file, sizeof(host.fo_file), "%s/f", dir);
	snprintf(rump.fo_file, sizeof(rump.fo_file), "%s/f", rump.fo_dir);
	snprintf(hostdesc, sizeof(hostdesc), "%s, %s", tmp,
	    statfs(dir, &sf) == 0 && sf.f_type == TMPFS_MAGIC ? "tmpfs" :
	    "not tmpfs");

	for (int i = all ? 0 : 1; i < (all ? 1 : argc); i++) {
		if (all || strcmp(argv[i], "create") == 0)
			bench_create(&rump, &host, hostdesc);
		if (all || strcmp(argv[i], "seq") == 0)
			bench_seq(&rump, &host, hostdesc);
		if (all || strcmp(argv[i], "locks") == 0) {
			bench_locks(&rump);
			if (unsetenv("RUMP_NCPU") != 0 ||
			    unsetenv("RUMP_LOCKS") != 0)
				err(1, "unsetenv");
		}
		if (!all && strcmp(argv[i], "create") != 0 &&
		    strcmp(argv[i], "seq") != 0 &&
		    strcmp(argv[i], "locks") != 0) {
			rmdir(dir);
			errx(2, "usage: b_vfs [create|seq|locks]...");
		}
	}
	if (rmdir(dir) != 0)
		err(1, "rmdir %s", dir);
	return 0;
}
