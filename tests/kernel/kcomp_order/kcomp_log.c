/*
 * kcomp_log.c: a log the registry-test components write when they are
 * initialised and shut down, so tests can see the order.  Setting
 * KCOMP_FAIL=<name> in the environment makes that component's init
 * fail with EIO.
 */
#include <rump-sys/systm.h>
#include <rump-sys/component.h>
#include <rump-sys/sched.h>
#include <rump/rumpuser.h>

#include "kcomp.h"
#include "kcomp_int.h"

static char kcomp_logbuf[512];

void
kcomp_log_reset(void)
{
	kcomp_logbuf[0] = '\0';
}

int
kcomp_record(char sign, const char *name)
{
	char fail[64];
	size_t off = strlen(kcomp_logbuf);

	snprintf(kcomp_logbuf + off, sizeof(kcomp_logbuf) - off, "%s%c%s",
	    off ? " " : "", sign, name);
	if (sign == '+' &&
	    rumpuser_getparam("KCOMP_FAIL", fail, sizeof(fail)) == 0 &&
	    strcmp(fail, name) == 0)
		return EIO;
	return 0;
}

void
rump_pub_kcomp_log(char *buf, size_t len)
{
	strlcpy(buf, kcomp_logbuf, len);
}

int
rump_pub_kcomp_initorder(char *buf, size_t len)
{
	int error;

	rump_schedule();
	error = rump_component_initorder(buf, len);
	rump_unschedule();
	return rumpuser_errno_tohost(error);
}
