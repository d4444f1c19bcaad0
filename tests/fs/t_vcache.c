/*
 * t_vcache: the vnode cache.  Vnodes whose last reference goes stay
 * cached and a later lookup finds them (a hit, no allocation); the
 * cache holds at most RUMP_VNODES of them and evicts the least recently
 * used beyond that; an unlinked file's vnode goes at its last close.
 * The counters come from the kernel half (k_vcache.c).
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
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
#include "k_vcache.h"

static struct ktest_vcache_stats
stats(void)
{
	struct ktest_vcache_stats ks;

	RZ(rump_pub_ktest_vcache_stats(&ks));
	return ks;
}

static void
mkfile(const char *path, const char *data)
{
	int fd;

	RL(fd = rump_sys_open(path, O_WRONLY | O_CREAT | O_EXCL, 0644));
	ATF_REQUIRE_EQ(rump_sys_write(fd, data, strlen(data)),
	    (ssize_t)strlen(data));
	RL(rump_sys_close(fd));
}

static void
checkfile(const char *path, const char *data)
{
	char buf[256];
	ssize_t n;
	int fd;

	RL(fd = rump_sys_open(path, O_RDONLY, 0));
	RL(n = rump_sys_read(fd, buf, sizeof(buf)));
	ATF_REQUIRE_EQ_MSG((size_t)n, strlen(data), "%s: %zd bytes", path, n);
	ATF_REQUIRE_MSG(memcmp(buf, data, strlen(data)) == 0, "%s: contents",
	    path);
	RL(rump_sys_close(fd));
}

H_TC(hit_after_last_close, "a closed file's vnode stays cached and a "
    "later lookup finds it without allocating")
{
	struct ktest_vcache_stats a, b;
	struct stat sb1, sb2;

	mkfile("/f", "data");
	a = stats();
	ATF_REQUIRE_EQ(a.limit, 1024);
	ATF_REQUIRE(a.numfree >= 1);
	RL(rump_sys_stat("/f", &sb1));
	RL(rump_sys_stat("/f", &sb2));
	b = stats();
	ATF_REQUIRE_EQ(sb1.st_ino, sb2.st_ino);
	ATF_REQUIRE_EQ_MSG(b.misses, a.misses, "stat allocated %ju vnodes",
	    (uintmax_t)(b.misses - a.misses));
	/* each stat finds "/f" (and "/" is held as the root) */
	ATF_REQUIRE_MSG(b.hits >= a.hits + 2, "hits %ju -> %ju",
	    (uintmax_t)a.hits, (uintmax_t)b.hits);
	ATF_REQUIRE_EQ(b.numvnodes, a.numvnodes);
	ATF_REQUIRE_EQ(b.evictions, 0);
}

H_TC_ENV(disabled_with_zero, "RUMP_VNODES=0", "with RUMP_VNODES=0 nothing "
    "is cached: every lookup allocates, the last release frees")
{
	struct ktest_vcache_stats a, b;
	struct stat sb;

	mkfile("/f", "data");
	a = stats();
	ATF_REQUIRE_EQ(a.limit, 0);
	ATF_REQUIRE_EQ(a.numfree, 0);
	RL(rump_sys_stat("/f", &sb));
	RL(rump_sys_stat("/f", &sb));
	b = stats();
	ATF_REQUIRE_EQ(b.misses, a.misses + 2);
	ATF_REQUIRE_EQ(b.reclaims, a.reclaims + 2);
	ATF_REQUIRE_EQ(b.hits, 0);
	ATF_REQUIRE_EQ(b.numvnodes, a.numvnodes);
}

H_TC(unlinked_reclaimed_at_close, "an unlinked open file's vnode is "
    "freed at its last close, not cached")
{
	struct ktest_vcache_stats a, b;
	int fd;

	mkfile("/f", "data");
	RL(fd = rump_sys_open("/f", O_RDONLY, 0));
	RL(rump_sys_unlink("/f"));
	a = stats();
	RL(rump_sys_close(fd));
	b = stats();
	ATF_REQUIRE_EQ(b.reclaims, a.reclaims + 1);
	ATF_REQUIRE_EQ(b.numvnodes, a.numvnodes - 1);
	ATF_REQUIRE_EQ(b.numfree, a.numfree);
	H_REQUIRE_ERRNO(ENOENT, rump_sys_open("/f", O_RDONLY, 0));
}

#define NFILES	10000

H_TC_ENV(reclaim_small_limit, "RUMP_VNODES=64", "10,000 files with room "
    "for 64 cached vnodes: evictions keep the cache bounded and every "
    "file keeps its inode number and contents")
{
	static ino_t inos[NFILES];
	struct ktest_vcache_stats ks;
	struct stat sb;
	char path[64], data[64];

	RL(rump_sys_mkdir("/d", 0755));
	for (int i = 0; i < NFILES; i++) {
		snprintf(path, sizeof(path), "/d/f%d", i);
		snprintf(data, sizeof(data), "contents of file %d", i);
		mkfile(path, data);
		RL(rump_sys_stat(path, &sb));
		inos[i] = sb.st_ino;
	}
	ks = stats();
	ATF_REQUIRE_EQ(ks.limit, 64);
	ATF_REQUIRE_MSG(ks.numfree <= 64, "%u cached", ks.numfree);
	ATF_REQUIRE_MSG(ks.evictions >= NFILES - 64, "%ju evictions",
	    (uintmax_t)ks.evictions);
	ATF_REQUIRE_MSG(ks.numvnodes <= 64 + 8, "%u vnodes", ks.numvnodes);
	for (int i = NFILES - 1; i >= 0; i--) {
		snprintf(path, sizeof(path), "/d/f%d", i);
		snprintf(data, sizeof(data), "contents of file %d", i);
		RL(rump_sys_stat(path, &sb));
		ATF_REQUIRE_EQ_MSG(sb.st_ino, inos[i], "%s", path);
		ATF_REQUIRE_EQ(sb.st_nlink, 1);
		checkfile(path, data);
	}
	ks = stats();
	ATF_REQUIRE_MSG(ks.numfree <= 64, "%u cached", ks.numfree);
	/* Unlinking them all through evicted vnodes leaves nothing behind. */
	for (int i = 0; i < NFILES; i++) {
		snprintf(path, sizeof(path), "/d/f%d", i);
		RL(rump_sys_unlink(path));
	}
	RL(rump_sys_rmdir("/d"));
}

H_TC_ENV(lru_order, "RUMP_VNODES=4", "the least recently used vnode is "
    "the one evicted")
{
	struct ktest_vcache_stats a, b;
	struct stat sb;
	char path[16];

	/* "/" is held as the root; f0..f3 fill the cache of 4. */
	for (int i = 0; i < 4; i++) {
		snprintf(path, sizeof(path), "/f%d", i);
		mkfile(path, "x");
	}
	RL(rump_sys_stat("/f0", &sb));		/* f0 most recent now */
	a = stats();
	ATF_REQUIRE_EQ(a.numfree, 4);
	mkfile("/f4", "x");			/* evicts f1, the oldest */
	b = stats();
	ATF_REQUIRE_EQ(b.evictions, a.evictions + 1);
	a = b;
	RL(rump_sys_stat("/f0", &sb));		/* still cached: a hit */
	b = stats();
	ATF_REQUIRE_EQ(b.misses, a.misses);
	a = b;
	RL(rump_sys_stat("/f1", &sb));		/* evicted: a miss */
	b = stats();
	ATF_REQUIRE_EQ(b.misses, a.misses + 1);
}

/* Threads looking up, creating and removing through a cache of 4. */
struct churn {
	int		 idx;
	volatile int	*stop;
	int		 errors;
};

static void *
churn_thread(void *arg)
{
	struct churn *c = arg;
	char path[64];
	struct stat sb;
	unsigned n = 0;
	int fd;

	while (!*c->stop) {
		snprintf(path, sizeof(path), "/shared/f%u", n % 16);
		if (rump_sys_stat(path, &sb) == -1 && errno != ENOENT)
			c->errors++;
		snprintf(path, sizeof(path), "/shared/t%d_%u", c->idx, n % 8);
		fd = rump_sys_open(path, O_RDWR | O_CREAT, 0644);
		if (fd == -1) {
			c->errors++;
			continue;
		}
		if (rump_sys_write(fd, path, strlen(path)) !=
		    (ssize_t)strlen(path))
			c->errors++;
		if (n % 3 == 0 && rump_sys_unlink(path) == -1)
			c->errors++;
		rump_sys_close(fd);
		n++;
	}
	return NULL;
}

H_TC_ENV(concurrent_churn, "RUMP_NCPU=2 RUMP_VNODES=4", "lookups, creates "
    "and unlinks from 4 threads through a cache of 4 vnodes for 0.3 s: "
    "no error, crash or leak")
{
	struct churn c[4];
	pthread_t t[4];
	volatile int stop = 0;
	char path[32];
	struct timespec ts = { 0, 300 * 1000 * 1000 };

	RL(rump_sys_mkdir("/shared", 0777));
	for (int i = 0; i < 16; i += 2) {
		snprintf(path, sizeof(path), "/shared/f%d", i);
		mkfile(path, "x");
	}
	for (int i = 0; i < 4; i++) {
		c[i].idx = i;
		c[i].stop = &stop;
		c[i].errors = 0;
		ATF_REQUIRE(pthread_create(&t[i], NULL, churn_thread, &c[i]) ==
		    0);
	}
	nanosleep(&ts, NULL);
	stop = 1;
	for (int i = 0; i < 4; i++) {
		ATF_REQUIRE(pthread_join(t[i], NULL) == 0);
		ATF_REQUIRE_EQ_MSG(c[i].errors, 0, "thread %d", i);
	}
	ATF_REQUIRE(stats().numfree <= 4);
}

H_TC(gate_reentry, "the last vrele of a vnode from inside its mount's "
    "operation gate, with a forced unmount waiting, does not deadlock")
{
	mkfile("/gatefile", "x");
	RZ(rump_pub_ktest_vcache_gate_reentry());
	RL(rump_sys_unlink("/gatefile"));
}

H_TC_ENV(gate_reentry_mp, "RUMP_NCPU=2", "gate_reentry with the MP locks")
{
	mkfile("/gatefile", "x");
	RZ(rump_pub_ktest_vcache_gate_reentry());
	RL(rump_sys_unlink("/gatefile"));
}

H_TC(dead_vnode_ops, "every operation on a vnode revoked by a forced "
    "unmount answers with the dead errors")
{
	int fd;

	RL(rump_sys_mkdir("/m", 0755));
	RL(rump_sys_mount("tmpfs", "/m", 0, NULL, 0));
	RL(rump_sys_mkdir("/m/d", 0755));
	RL(fd = rump_sys_open("/m/d", O_RDONLY | O_DIRECTORY, 0));
	RL(rump_sys_unmount("/m", 1));		/* MNT_FORCE */
	RZ(rump_pub_ktest_vcache_dead_ops(fd));
	RL(rump_sys_close(fd));
}

ATF_TC(bad_limit_fails_boot);
ATF_TC_HEAD(bad_limit_fails_boot, tc)
{
	atf_tc_set_md_var(tc, "descr", "a RUMP_VNODES that is not a number "
	    "of vnodes makes the boot fail with EINVAL; a good one boots");
}
ATF_TC_BODY(bad_limit_fails_boot, tc)
{
	const char *bad[] = { "abc", "-1", "4294967296", "12x" };

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ATF_REQUIRE(setenv("RUMP_VNODES", bad[i], 1) == 0);
		ATF_REQUIRE_EQ_MSG(rump_init(), EINVAL, "RUMP_VNODES=%s",
		    bad[i]);
	}
	ATF_REQUIRE(setenv("RUMP_VNODES", "4294967295", 1) == 0);
	RZ(rump_init());
	ATF_REQUIRE_EQ(stats().limit, 4294967295u);
	RL(rump_sys_reboot(0, NULL));
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, bad_limit_fails_boot);
	ATF_TP_ADD_TC(tp, dead_vnode_ops);
	ATF_TP_ADD_TC(tp, gate_reentry);
	ATF_TP_ADD_TC(tp, gate_reentry_mp);
	ATF_TP_ADD_TC(tp, hit_after_last_close);
	ATF_TP_ADD_TC(tp, disabled_with_zero);
	ATF_TP_ADD_TC(tp, unlinked_reclaimed_at_close);
	ATF_TP_ADD_TC(tp, reclaim_small_limit);
	ATF_TP_ADD_TC(tp, lru_order);
	ATF_TP_ADD_TC(tp, concurrent_churn);
	return atf_no_error();
}
