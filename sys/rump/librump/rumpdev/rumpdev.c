/*
 * rumpdev.c: the device faction's component.  Drivers are components of
 * type RUMP_COMPONENT_DEV that name "rumpdev" as a dependency; their
 * shutdown hooks run before this one, which then detaches whatever is
 * still attached, deepest first.
 */
#include <rump-sys/systm.h>
#include <rump-sys/component.h>

#include "rumpdev_int.h"

RUMP_COMPONENT(RUMP_COMPONENT_DEV, rumpdev)
{
	rumpdev_autoconf_init();
	rumpdev_intr_init();
	return 0;
}

RUMP_COMPONENT_FINI(rumpdev)
{
	rumpdev_autoconf_fini();
	rumpdev_intr_fini();
}
