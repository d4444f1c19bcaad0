/*
 * harness.c: booting, shutting down and leak-checking a kernel around
 * each test case.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rump/rump.h>

#include "harness.h"

const char *
h_errname(int error)
{
	static __thread char buf[32];
	const char *name = strerrorname_np(error);

	if (name != NULL)
		return name;
	snprintf(buf, sizeof(buf), "errno %d", error);
	return buf;
}

void
h_setenv(const char *env)
{
	char *copy, *tok, *save, *eq;

	if (env == NULL)
		return;
	if ((copy = strdup(env)) == NULL)
		atf_tc_fail("h_setenv: out of memory");
	for (tok = strtok_r(copy, " ", &save); tok != NULL;
	    tok = strtok_r(NULL, " ", &save)) {
		if ((eq = strchr(tok, '=')) == NULL) {
			free(copy);
			atf_tc_fail("h_setenv: \"%s\" is not NAME=value", tok);
		}
		*eq = '\0';
		if (setenv(tok, eq + 1, 1) != 0) {
			free(copy);
			atf_tc_fail("h_setenv: %s", strerror(errno));
		}
	}
	free(copy);
}

void
h_boot(const char *env)
{
	int error;

	h_setenv(env);
	if ((error = rump_init()) != 0)
		atf_tc_fail("rump_init: %s (%s)%s%s", h_errname(error),
		    strerror(error), env ? " with " : "", env ? env : "");
}

struct report {
	char	*buf;
	size_t	 len, off;
};

static void
report_site(void *arg, const char *file, int line, const char *func,
    size_t count, size_t bytes)
{
	struct report *r = arg;
	int n;

	if (r->off >= r->len)
		return;
	n = snprintf(r->buf + r->off, r->len - r->off,
	    "%s%zu bytes in %zu allocation%s from %s:%d (%s)",
	    r->off ? "; " : "", bytes, count, count == 1 ? "" : "s", file,
	    line, func);
	if (n > 0)
		r->off += (size_t)n;
}

void
h_kmem_report(char *buf, size_t len)
{
	struct report r = { buf, len, 0 };

	if (len > 0)
		buf[0] = '\0';
	(void)rump_pub_kmem_sites(report_site, &r);
}

void
h_shutdown_check(void)
{
	char report[2048];

	if (rump_booted() && rump_sys_reboot(0, NULL) == -1)
		atf_tc_fail("rump_sys_reboot: %s (%s)", h_errname(errno),
		    strerror(errno));
	h_kmem_report(report, sizeof(report));
	if (report[0] != '\0')
		atf_tc_fail("kernel memory leak: %s", report);
}
