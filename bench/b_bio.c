/*
 * b_bio.c: what a disk backed by a host file costs.  The rump side
 * reads and writes the block device /dev/wd0 (an etfs image) through
 * rump_sys_*(), so every byte goes through the buffer cache and the
 * asynchronous rumpuser_bio hypercalls; the host side does the same
 * calls on a host file in the same directory (tmpfs if /dev/shm is
 * one), so both end in the host's page cache.
 *
 *	b_bio [write|read|hit]...	(default: all three)
 *
 * write: 64 MiB in 64 KiB pwrite calls, then fsync (rump: write-back
 * under memory pressure once the 8 MiB of cache are dirty, the rest at
 * fsync).  read: 64 MiB in 64 KiB pread calls, the cache (8 MiB)
 * emptied first, so every block is a miss (read ahead: two buffers).
 * hit: 4 MiB read again and again, every block a cache hit.  Ratios
 * are rump/host throughput.
 */
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
#define TOTAL		(64u << 20)
#define HIT_TOTAL	(4u << 20)
#define CHUNK		(64u << 10)

/*
 * rump/host throughput, >=.  Each byte the rump side writes is copied
 * twice by the host kernel (copyin from the program, pwrite into the
 * image) where the host side copies once, and a miss costs a hand-off
 * to a host I/O thread; hits cost one copyout.
 */
#define WRITE_TARGET	0.3
#define READ_TARGET	0.25
#define HIT_TARGET	0.5

struct side {
	ssize_t	(*s_pread)(int, void *, size_t, off_t);
	ssize_t	(*s_pwrite)(int, const void *, size_t, off_t);
	int	(*s_fsync)(int);
	int	s_fd;
	int	s_rump;
};

static char *buf;

/* Write TOTAL bytes and fsync, n times. */
static uint64_t
run_write(void *arg, uint64_t n)
{
	struct side *s = arg;
	uint64_t t0 = bench_now_ns();

	for (uint64_t i = 0; i < n; i++) {
		for (off_t off = 0; off < TOTAL; off += CHUNK) {
			if (s->s_pwrite(s->s_fd, buf, CHUNK, off) != CHUNK)
				err(1, "pwrite");
		}
		if (s->s_fsync(s->s_fd) != 0)
			err(1, "fsync");
	}
	return bench_now_ns() - t0;
}

static uint64_t
run_readsize(struct side *s, uint64_t n, off_t total)
{
	uint64_t t0 = bench_now_ns();

	for (uint64_t i = 0; i < n; i++) {
		for (off_t off = 0; off < total; off += CHUNK) {
			if (s->s_pread(s->s_fd, buf, CHUNK, off) != CHUNK)
				err(1, "pread");
		}
	}
	return bench_now_ns() - t0;
}

static uint64_t
run_read(void *arg, uint64_t n)
{
	return run_readsize(arg, n, TOTAL);
}

static uint64_t
run_hit(void *arg, uint64_t n)
{
	return run_readsize(arg, n, HIT_TOTAL);
}

/*
 * Before each read round (not timed): the rump side reads 8 MiB past
 * the round's range, which pushes the round's blocks out of the cache.
 */
static void
read_setup(void *arg)
{
	struct side *s = arg;

	if (!s->s_rump)
		return;
	/* the round reads [0, TOTAL): push those blocks out */
	for (off_t off = TOTAL; off < TOTAL + (8u << 20); off += CHUNK) {
		if (s->s_pread(s->s_fd, buf, CHUNK, off) != CHUNK)
			err(1, "pread");
	}
}

static double
mbps(double ns, double bytes)
{
	return bytes / ns * 1e3;
}

static void
report(const char *what, const struct bench_side *r,
    const struct bench_side *h, double bytes, double target,
    const char *hostdesc)
{
	double ratio = h->bs_median / r->bs_median;

	printf("%s: rump %.0f MB/s, host %.0f MB/s (%s), rump/host "
	    "throughput %.2f (target >= %.2f) %s\n", what,
	    mbps(r->bs_median, bytes), mbps(h->bs_median, bytes), hostdesc,
	    ratio, target, ratio >= target ? "PASS" : "MISS");
	printf("  median of rounds; rump %.0f..%.0f MB/s (%llu ops/round), "
	    "host %.0f..%.0f MB/s (%llu ops/round)\n",
	    mbps(r->bs_max, bytes), mbps(r->bs_min, bytes),
	    (unsigned long long)r->bs_ops, mbps(h->bs_max, bytes),
	    mbps(h->bs_min, bytes), (unsigned long long)h->bs_ops);
	fflush(stdout);
}

static void
mkimage(const char *path, int *fdp)
{
	int fd;

	if ((fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644)) == -1)
		err(1, "open %s", path);
	/* written, not sparse: reads find pages on both sides */
	for (off_t off = 0; off < TOTAL + (8u << 20); off += CHUNK) {
		if (pwrite(fd, buf, CHUNK, off) != CHUNK)
			err(1, "pwrite %s", path);
	}
	*fdp = fd;
}

int
main(int argc, char **argv)
{
	struct side rump = {
		.s_pread = rump_sys_pread, .s_pwrite = rump_sys_pwrite,
		.s_fsync = rump_sys_fsync, .s_rump = 1,
	};
	struct side host = {
		.s_pread = pread, .s_pwrite = pwrite, .s_fsync = fsync,
	};
	struct bench_side r = { .bs_name = "rump", .bs_arg = &rump };
	struct bench_side h = { .bs_name = "host", .bs_arg = &host };
	char dir[256], img[300], hfile[300], hostdesc[64];
	struct statfs sf;
	const char *tmp;
	int all = argc < 2, error, ifd;

	if ((buf = malloc(CHUNK)) == NULL)
		err(1, "malloc");
	memset(buf, 0x3c, CHUNK);
	if (statfs("/dev/shm", &sf) == 0 && sf.f_type == TMPFS_MAGIC &&
	    access("/dev/shm", W_OK) == 0)
		tmp = "/dev/shm";
	else if ((tmp = getenv("TMPDIR")) == NULL || *tmp == '\0')
		tmp = "/tmp";
	snprintf(dir, sizeof(dir), "%s/b_bio.XXXXXX", tmp);
	if (mkdtemp(dir) == NULL)
		err(1, "mkdtemp %s", dir);
	snprintf(hostdesc, sizeof(hostdesc), "%s, %s", tmp,
	    statfs(dir, &sf) == 0 && sf.f_type == TMPFS_MAGIC ? "tmpfs" :
	    "not tmpfs");
	snprintf(img, sizeof(img), "%s/wd0.img", dir);
	snprintf(hfile, sizeof(hfile), "%s/host.img", dir);
	mkimage(img, &ifd);
	close(ifd);
	mkimage(hfile, &host.s_fd);

	if ((error = rump_init()) != 0) {
		errno = error;
		err(1, "rump_init");
	}
	if ((error = rump_pub_etfs_register("/dev/wd0", img,
	    RUMP_ETFS_BLK)) != 0) {
		errno = error;
		err(1, "etfs_register");
	}
	if ((rump.s_fd = rump_sys_open("/dev/wd0", O_RDWR, 0)) == -1)
		err(1, "open /dev/wd0");

	for (int i = all ? 0 : 1; i < (all ? 1 : argc); i++) {
		if (all || strcmp(argv[i], "write") == 0) {
			r.bs_run = h.bs_run = run_write;
			r.bs_setup = h.bs_setup = NULL;
			bench_compare(&r, &h);
			report("write 64 MiB in 64 KiB calls + fsync", &r, &h,
			    TOTAL, WRITE_TARGET, hostdesc);
		}
		if (all || strcmp(argv[i], "read") == 0) {
			r.bs_run = h.bs_run = run_read;
			r.bs_setup = h.bs_setup = read_setup;
			bench_compare(&r, &h);
			report("read 64 MiB in 64 KiB calls, cache misses", &r,
			    &h, TOTAL, READ_TARGET, hostdesc);
		}
		if (all || strcmp(argv[i], "hit") == 0) {
			r.bs_run = h.bs_run = run_hit;
			r.bs_setup = h.bs_setup = NULL;
			(void)run_hit(&rump, 1);
			bench_compare(&r, &h);
			report("read 4 MiB in 64 KiB calls, cache hits", &r, &h,
			    HIT_TOTAL, HIT_TARGET, hostdesc);
		}
		if (!all && strcmp(argv[i], "write") != 0 &&
		    strcmp(argv[i], "read") != 0 &&
		    strcmp(argv[i], "hit") != 0)
			errx(2, "usage: b_bio [write|read|hit]...");
	}

	if (rump_sys_close(rump.s_fd) != 0)
		err(1, "close /dev/wd0");
	if (rump_sys_reboot(0, NULL) != 0)
		err(1, "rump_sys_reboot");
	close(host.s_fd);
	if (unlink(img) != 0 || unlink(hfile) != 0 || rmdir(dir) != 0)
		err(1, "cleanup %s", dir);
	free(buf);
	return 0;
}
