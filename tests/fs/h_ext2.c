/*
 * h_ext2.c: the host's e2fsprogs as the oracle of the ext2 tests.  The
 * tools are looked for in /sbin and /usr/sbin as well as PATH (a user's
 * PATH often lacks the sbin directories).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atf-c.h>

#include "h_ext2.h"

static const char *
tool(const char *name, char *buf, size_t len)
{
	static const char *const dirs[] = { "/sbin", "/usr/sbin", "/bin",
	    "/usr/bin", "/usr/local/sbin" };

	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		snprintf(buf, len, "%s/%s", dirs[i], name);
		if (access(buf, X_OK) == 0)
			return buf;
	}
	return NULL;
}

void
h_ext2_require_tools(void)
{
	static const char *const names[] = { "mke2fs", "e2fsck", "debugfs" };
	char buf[256];

	for (size_t i = 0; i < 3; i++) {
		if (tool(names[i], buf, sizeof(buf)) == NULL)
			atf_tc_skip("%s not installed (package e2fsprogs; "
			    "tools/install-deps.sh installs it)", names[i]);
	}
}

/* Run cmd, capturing stdout and stderr in out; its exit status. */
static int
run(const char *cmd, char *out, size_t len)
{
	char full[2048];
	FILE *f;
	size_t n = 0;
	int st;

	snprintf(full, sizeof(full), "%s 2>&1", cmd);
	if ((f = popen(full, "r")) == NULL)
		atf_tc_fail("popen %s: %s", cmd, strerror(errno));
	if (len > 0) {
		n = fread(out, 1, len - 1, f);
		out[n] = '\0';
	}
	/* drain the rest so the child never blocks on a full pipe */
	while (fgetc(f) != EOF)
		continue;
	st = pclose(f);
	if (st == -1 || !WIFEXITED(st))
		return 255;
	return WEXITSTATUS(st);
}

void
h_ext2_mkfs(const char *img, size_t size, const char *extra)
{
	char cmd[1024], out[4096], path[256];

	h_ext2_require_tools();
	(void)unlink(img);
	snprintf(cmd, sizeof(cmd), "%s -q -F -t ext2 -b 1024 -I 256 -m 0 "
	    "-O none,filetype,sparse_super,large_file -E root_owner=0:0 %s "
	    "%s %zuk", tool("mke2fs", path, sizeof(path)),
	    extra != NULL ? extra : "", img, size / 1024);
	if (run(cmd, out, sizeof(out)) != 0)
		atf_tc_fail("%s failed: %s", cmd, out);
}

void
h_ext2_mkfs_args(const char *img, size_t size, const char *args)
{
	char cmd[1024], out[4096], path[256];

	h_ext2_require_tools();
	(void)unlink(img);
	snprintf(cmd, sizeof(cmd), "%s -q -F %s %s %zuk",
	    tool("mke2fs", path, sizeof(path)), args, img, size / 1024);
	if (run(cmd, out, sizeof(out)) != 0)
		atf_tc_fail("%s failed: %s", cmd, out);
}

int
h_ext2_fsck_status(const char *img)
{
	char cmd[512], out[8192], path[256];
	int st;

	snprintf(cmd, sizeof(cmd), "%s -fn %s",
	    tool("e2fsck", path, sizeof(path)), img);
	st = run(cmd, out, sizeof(out));
	if (st != 0)
		fprintf(stderr, "e2fsck -fn %s: exit %d\n%s\n", img, st, out);
	return st;
}

void
h_ext2_fsck(const char *img)
{
	int st;

	h_ext2_require_tools();
	if ((st = h_ext2_fsck_status(img)) != 0)
		atf_tc_fail("e2fsck -fn %s found problems (exit %d); its "
		    "report is on stderr", img, st);
}

size_t
h_ext2_debugfs(const char *img, const char *request, char *buf, size_t len)
{
	char cmd[1024], path[256];

	snprintf(cmd, sizeof(cmd), "%s -R '%s' %s 2>/dev/null",
	    tool("debugfs", path, sizeof(path)), request, img);
	{
		FILE *f;
		size_t n;

		if ((f = popen(cmd, "r")) == NULL)
			atf_tc_fail("popen %s: %s", cmd, strerror(errno));
		n = fread(buf, 1, len - 1, f);
		buf[n] = '\0';
		while (fgetc(f) != EOF)
			continue;
		if (pclose(f) != 0)
			atf_tc_fail("%s failed", cmd);
		return n;
	}
}

void
h_ext2_debugfs_w(const char *img, const char *request)
{
	char cmd[1024], out[4096], path[256];

	snprintf(cmd, sizeof(cmd), "%s -w -R '%s' %s",
	    tool("debugfs", path, sizeof(path)), request, img);
	if (run(cmd, out, sizeof(out)) != 0)
		atf_tc_fail("%s failed: %s", cmd, out);
}

unsigned long
h_ext2_firstblock(const char *img, const char *path)
{
	char req[512], out[4096];
	unsigned long b;

	snprintf(req, sizeof(req), "blocks %s", path);
	h_ext2_debugfs(img, req, out, sizeof(out));
	b = strtoul(out, NULL, 10);
	if (b == 0)
		atf_tc_fail("debugfs lists no blocks for %s", path);
	return b;
}
