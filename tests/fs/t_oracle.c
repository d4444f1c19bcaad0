/*
 * t_oracle: Linux as the oracle.  The same seeded random sequence of
 * file system operations runs in a host directory (through the host's
 * system calls) and on a tmpfs in the rump kernel; every return value,
 * every errno and the final trees (names, types, sizes, contents, link
 * counts, permission bits, link targets) must agree.  The seed is
 * printed, and FS_ORACLE_SEED=n replays one sequence.
 *
 * Legitimate differences, each normalised below:
 *  - unlink(2) of a directory: Linux says EISDIR, NetBSD (the model
 *    here) EPERM, as POSIX requires.
 *  - a directory's st_size is file-system specific: not compared.
 *  - directory link counts are compared only when the host file system
 *    keeps the traditional 2 + subdirectories (tmpfs, ext4 do; btrfs
 *    and overlayfs may not).
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <rump/rump.h>
#include <rump/rump_syscalls.h>

#include "harness.h"

#define NOPS		3000
#define NSEEDS		4
#define RUMP_TOP	"/o"

struct world {
	const char *w_name;
	char	 w_top[256];
	int	(*w_open)(const char *, int, mode_t);
	ssize_t	(*w_write)(int, const void *, size_t);
	ssize_t	(*w_pread)(int, void *, size_t, off_t);
	int	(*w_close)(int);
	int	(*w_mkdir)(const char *, mode_t);
	int	(*w_rmdir)(const char *);
	int	(*w_unlink)(const char *);
	int	(*w_rename)(const char *, const char *);
	int	(*w_link)(const char *, const char *);
	int	(*w_symlink)(const char *, const char *);
	int	(*w_truncate)(const char *, off_t);
	int	(*w_chmod)(const char *, mode_t);
	int	(*w_lstat)(const char *, struct stat *);
	ssize_t	(*w_readlink)(const char *, char *, size_t);
};

static int
host_open(const char *p, int fl, mode_t m)
{
	return open(p, fl, m);
}

static const char *const names[] = {
	"a", "b", "c", "a/a", "a/b", "b/a", "b/c", "a/b/c", "c/a", "a/a/a",
};
#define NNAMES	(sizeof(names) / sizeof(names[0]))
/* no "..": a link must not lead out of the tree under test */
static const char *const targets[] = {
	"a", "b", "a/b", "nothere", "c/a", ".", "c/c", "a/a/a",
};
#define NTARGETS (sizeof(targets) / sizeof(targets[0]))

static void
wpath(const struct world *w, const char *name, char *buf, size_t len)
{
	snprintf(buf, len, "%s/%s", w->w_top, name);
}

/* One operation in one world: the result, with errno in *errp. */
static long
do_op(const struct world *w, unsigned int op, const char *n1,
    const char *n2, const char *target, unsigned int arg, int *errp)
{
	char p1[512], p2[512], buf[64];
	long rv = 0;
	int fd;

	wpath(w, n1, p1, sizeof(p1));
	wpath(w, n2, p2, sizeof(p2));
	errno = 0;
	switch (op) {
	case 0:	/* create/write */
		fd = w->w_open(p1, O_WRONLY | O_CREAT |
		    ((arg & 1) ? O_EXCL : 0) | ((arg & 2) ? O_TRUNC : 0) |
		    ((arg & 4) ? O_APPEND : 0), 0644);
		if (fd == -1) {
			rv = -1;
			break;
		}
		memset(buf, 'A' + (int)(arg % 26), sizeof(buf));
		rv = w->w_write(fd, buf, 1 + arg % sizeof(buf));
		w->w_close(fd);
		break;
	case 1:
		rv = w->w_mkdir(p1, 0755);
		break;
	case 2:
		rv = w->w_rmdir(p1);
		break;
	case 3:
		rv = w->w_unlink(p1);
		break;
	case 4:
		rv = w->w_rename(p1, p2);
		break;
	case 5:
		rv = w->w_link(p1, p2);
		break;
	case 6:
		rv = w->w_symlink(target, p1);
		break;
	case 7:
		rv = w->w_truncate(p1, arg % 10000);
		break;
	case 8:
		rv = w->w_chmod(p1, 0700 | (arg & 077));
		break;
	default: {	/* read back */
		struct stat sb;

		if ((rv = w->w_lstat(p1, &sb)) == 0)
			rv = S_ISREG(sb.st_mode) ? (long)sb.st_size : -2;
		break;
	}
	}
	*errp = rv == -1 ? errno : 0;
	return rv;
}

/* Render the tree under dir (relative name rel) into out. */
static void
walk(const struct world *w, const char *rel, int dirlinks, FILE *out)
{
	char path[512], sub[512], buf[16384];
	char *list[256];
	int n = 0;

	snprintf(path, sizeof(path), "%s%s%s", w->w_top, *rel ? "/" : "",
	    rel);
	if (w->w_open == host_open) {
		DIR *d = opendir(path);
		struct dirent *de;

		ATF_REQUIRE(d != NULL);
		while ((de = readdir(d)) != NULL && n < 256) {
			if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
				list[n++] = strdup(de->d_name);
		}
		closedir(d);
	} else {
		int fd = RL(rump_sys_open(path, O_RDONLY | O_DIRECTORY, 0));
		ssize_t len;

		while ((len = RL(rump_sys_getdents(fd, buf, sizeof(buf)))) > 0) {
			for (ssize_t off = 0; off < len && n < 256;) {
				struct dirent *de = (struct dirent *)(buf + off);

				off += de->d_reclen;
				if (strcmp(de->d_name, ".") &&
				    strcmp(de->d_name, ".."))
					list[n++] = strdup(de->d_name);
			}
		}
		RL(rump_sys_close(fd));
	}
	/* sort the names: readdir order is the file system's */
	for (int i = 1; i < n; i++) {
		for (int j = i; j > 0 && strcmp(list[j - 1], list[j]) > 0;
		    j--) {
			char *t = list[j];

			list[j] = list[j - 1];
			list[j - 1] = t;
		}
	}
	for (int i = 0; i < n; i++) {
		struct stat sb;
		char full[1024];

		snprintf(sub, sizeof(sub), "%s%s%s", rel, *rel ? "/" : "",
		    list[i]);
		snprintf(full, sizeof(full), "%s/%s", w->w_top, sub);
		ATF_REQUIRE(w->w_lstat(full, &sb) == 0);
		fprintf(out, "%s mode %o", sub, (unsigned)sb.st_mode);
		if (!S_ISDIR(sb.st_mode) || dirlinks)
			fprintf(out, " nlink %lu", (unsigned long)sb.st_nlink);
		if (S_ISREG(sb.st_mode)) {
			int fd = w->w_open(full, O_RDONLY, 0);
			ssize_t len;

			ATF_REQUIRE(fd != -1);
			len = w->w_pread(fd, buf, sizeof(buf) - 1, 0);
			ATF_REQUIRE(len >= 0);
			w->w_close(fd);
			buf[len] = '\0';
			/* holes read as NULs: show them */
			for (ssize_t k = 0; k < len; k++)
				if (buf[k] == '\0')
					buf[k] = '0';
			fprintf(out, " size %lld data %s", (long long)sb.st_size,
			    buf);
		} else if (S_ISLNK(sb.st_mode)) {
			ssize_t len = w->w_readlink(full, buf, sizeof(buf) - 1);

			ATF_REQUIRE(len >= 0);
			buf[len] = '\0';
			fprintf(out, " -> %s", buf);
		}
		fprintf(out, "\n");
		if (S_ISDIR(sb.st_mode))
			walk(w, sub, dirlinks, out);
		free(list[i]);
	}
}

static char *
render(const struct world *w, int dirlinks)
{
	char *s = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&s, &len);

	ATF_REQUIRE(f != NULL);
	walk(w, "", dirlinks, f);
	fclose(f);
	return s;
}

static const char *const opnames[] = {
	"create", "mkdir", "rmdir", "unlink", "rename", "link", "symlink",
	"truncate", "chmod", "lstat",
};

/* Remove everything under the host top (the rump side goes at reboot). */
static void
host_rmtree(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *de;
	char sub[600];

	if (d == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		struct stat sb;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		snprintf(sub, sizeof(sub), "%s/%s", path, de->d_name);
		if (lstat(sub, &sb) == 0 && S_ISDIR(sb.st_mode))
			host_rmtree(sub);
		else
			unlink(sub);
	}
	closedir(d);
	rmdir(path);
}

static void
run_seed(unsigned int seed, int dirlinks)
{
	struct world host = {
		"host", "", host_open, write, pread, close, mkdir, rmdir,
		unlink, rename, link, symlink, truncate, chmod, lstat, readlink,
	};
	struct world rump = {
		"rump", RUMP_TOP, rump_sys_open, rump_sys_write,
		rump_sys_pread, rump_sys_close, rump_sys_mkdir, rump_sys_rmdir,
		rump_sys_unlink, rump_sys_rename, rump_sys_link,
		rump_sys_symlink, rump_sys_truncate, rump_sys_chmod,
		rump_sys_lstat, rump_sys_readlink,
	};
	unsigned int rs = seed;
	char *ht, *rt;

	/* each seed in fresh directories: the host's in the work dir */
	snprintf(host.w_top, sizeof(host.w_top), "oracle.%u", seed);
	snprintf(rump.w_top, sizeof(rump.w_top), "%s.%u", RUMP_TOP, seed);
	ATF_REQUIRE(mkdir(host.w_top, 0755) == 0);
	RL(rump_sys_mkdir(rump.w_top, 0755));
	printf("seed %u\n", seed);
	for (int i = 0; i < NOPS; i++) {
		unsigned int op = (unsigned int)rand_r(&rs) % 10;
		const char *n1 = names[(unsigned int)rand_r(&rs) % NNAMES];
		const char *n2 = names[(unsigned int)rand_r(&rs) % NNAMES];
		const char *t = targets[(unsigned int)rand_r(&rs) % NTARGETS];
		unsigned int arg = (unsigned int)rand_r(&rs);
		int he, re;
		long hv = do_op(&host, op, n1, n2, t, arg, &he);
		long rv = do_op(&rump, op, n1, n2, t, arg, &re);

		/* the listed difference: unlink of a directory */
		if (op == 3 && he == EISDIR && re == EPERM)
			re = EISDIR;
		if (hv != rv || he != re) {
			ht = render(&host, dirlinks);
			rt = render(&rump, dirlinks);
			fprintf(stderr, "host tree:\n%s\nrump tree:\n%s\n",
			    ht, rt);
			free(ht);
			free(rt);
			atf_tc_fail("seed %u step %d: %s %s %s (%s): host %ld "
			    "%s, rump %ld %s", seed, i, opnames[op], n1, n2, t,
			    hv, h_errname(he), rv, h_errname(re));
		}
	}
	ht = render(&host, dirlinks);
	rt = render(&rump, dirlinks);
	if (strcmp(ht, rt) != 0) {
		fprintf(stderr, "host tree:\n%s\nrump tree:\n%s\n", ht, rt);
		atf_tc_fail("seed %u: the final trees differ (see stderr)",
		    seed);
	}
	free(ht);
	free(rt);
	host_rmtree(host.w_top);
}

H_TC(random_ops_match_linux, "random operations give the same results and tree on tmpfs as on the host")
{
	const char *env = getenv("FS_ORACLE_SEED");
	unsigned int seed = env ? (unsigned int)strtoul(env, NULL, 10) :
	    (unsigned int)time(NULL);
	struct stat sb;
	int dirlinks;

	/* does the host keep 2 + subdirectories? */
	ATF_REQUIRE(mkdir("probe", 0755) == 0 && mkdir("probe/s", 0755) == 0);
	dirlinks = stat("probe", &sb) == 0 && sb.st_nlink == 3;
	rmdir("probe/s");
	rmdir("probe");
	if (!dirlinks)
		printf("host directory link counts are not 2 + subdirs: "
		    "not compared\n");
	umask(022);
	for (int i = 0; i < (env ? 1 : NSEEDS); i++)
		run_seed(seed + (unsigned int)i, dirlinks);
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, random_ops_match_linux);
	return atf_no_error();
}
