/*
 * rumpuser_fault.c: fault injection at the hypercall level, for tests
 * of the kernel's error paths that start at the host: a disk that
 * fails a transfer, a host that has no thread or no memory to give.
 *
 * RUMP_HYPERFAIL="point:N[+][,point:N[+]...]" makes the Nth call of a
 * hypercall fail (with a "+", that call and every later one).  Points
 * and how they fail:
 *   malloc         rumpuser_malloc         RUMP_ENOMEM
 *   thread_create  rumpuser_thread_create  RUMP_EAGAIN
 *   bio            rumpuser_bio            completes with RUMP_EIO
 *   iovread        rumpuser_iovread        RUMP_EIO
 *   iovwrite       rumpuser_iovwrite       RUMP_EIO
 *   open           rumpuser_open           RUMP_EIO
 * Read at every rumpuser_init; counts start at zero for each kernel.
 * Each injected failure is announced on stderr.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rumpuser_int.h"

static const char *const fault_names[RUMPUSER__FAULT_MAX] = {
	[RUMPUSER__FAULT_MALLOC] = "malloc",
	[RUMPUSER__FAULT_THREAD_CREATE] = "thread_create",
	[RUMPUSER__FAULT_BIO] = "bio",
	[RUMPUSER__FAULT_IOVREAD] = "iovread",
	[RUMPUSER__FAULT_IOVWRITE] = "iovwrite",
	[RUMPUSER__FAULT_OPEN] = "open",
};

struct faultpoint {
	unsigned long	fp_nth;		/* 0: never */
	int		fp_sticky;	/* fail from nth on */
	unsigned long	fp_calls;
};

static struct faultpoint faults[RUMPUSER__FAULT_MAX];
static int fault_any;

/* Parse one "point:N[+]"; 0 or RUMP_EINVAL. */
static int
fault_parse_one(const char *spec)
{
	const char *colon = strchr(spec, ':');
	char *end;
	unsigned long n;

	if (colon == NULL)
		return RUMP_EINVAL;
	for (int i = 0; i < RUMPUSER__FAULT_MAX; i++) {
		if (strlen(fault_names[i]) != (size_t)(colon - spec) ||
		    strncmp(spec, fault_names[i], (size_t)(colon - spec)) != 0)
			continue;
		n = strtoul(colon + 1, &end, 10);
		if (end == colon + 1 || n == 0 ||
		    (*end != '\0' && strcmp(end, "+") != 0))
			return RUMP_EINVAL;
		faults[i].fp_nth = n;
		faults[i].fp_sticky = *end == '+';
		fault_any = 1;
		return 0;
	}
	return RUMP_EINVAL;
}

int
rumpuser__fault_init(void)
{
	const char *env = getenv("RUMP_HYPERFAIL");
	char *copy, *tok, *save;
	int error = 0;

	memset(faults, 0, sizeof(faults));
	fault_any = 0;
	if (env == NULL || *env == '\0')
		return 0;
	if ((copy = strdup(env)) == NULL)
		return RUMP_ENOMEM;
	for (tok = strtok_r(copy, ",", &save); tok != NULL && error == 0;
	    tok = strtok_r(NULL, ",", &save))
		error = fault_parse_one(tok);
	free(copy);
	if (error != 0) {
		dprintf(STDERR_FILENO, "rumpuser: RUMP_HYPERFAIL=\"%s\" is not "
		    "a list of point:N[+] (points: malloc, thread_create, bio, "
		    "iovread, iovwrite, open)\n", env);
		memset(faults, 0, sizeof(faults));
		fault_any = 0;
	}
	return error;
}

int
rumpuser__fault(enum rumpuser__faultpoint point)
{
	struct faultpoint *fp = &faults[point];
	unsigned long n;

	if (__builtin_expect(!fault_any, 1) || fp->fp_nth == 0)
		return 0;
	n = __atomic_add_fetch(&fp->fp_calls, 1, __ATOMIC_RELAXED);
	if (n != fp->fp_nth && !(fp->fp_sticky && n > fp->fp_nth))
		return 0;
	dprintf(STDERR_FILENO, "rumpuser: fault injection: %s call %lu "
	    "fails\n", fault_names[point], n);
	return 1;
}
