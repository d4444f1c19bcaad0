/*
 * kcomp_comps.c: components that exist to test the registry's order.
 * Their types, dependencies and names make the expected init order:
 *   kcomp_first, kcomp_z  (KERN; by name; first resets the log)
 *   kcomp_d, kcomp_b      (DEV; b depends on d, so d first)
 *   kcomp_c, kcomp_x      (NET; by name)
 *   kcomp_a               (VFS; after kcomp_b and kcomp_c)
 */
#include <rump-sys/systm.h>
#include <rump-sys/component.h>

#include "kcomp_int.h"

RUMP_COMPONENT(RUMP_COMPONENT_KERN, kcomp_first)
{
	kcomp_log_reset();
	return kcomp_record('+', "first");
}

RUMP_COMPONENT(RUMP_COMPONENT_VFS, kcomp_a, "kcomp_b", "kcomp_c")
{
	return kcomp_record('+', "a");
}

RUMP_COMPONENT_FINI(kcomp_a)
{
	(void)kcomp_record('-', "a");
}

RUMP_COMPONENT(RUMP_COMPONENT_DEV, kcomp_b, "kcomp_d")
{
	return kcomp_record('+', "b");
}

RUMP_COMPONENT_FINI(kcomp_b)
{
	(void)kcomp_record('-', "b");
}

RUMP_COMPONENT(RUMP_COMPONENT_NET, kcomp_c)
{
	return kcomp_record('+', "c");
}

RUMP_COMPONENT_FINI(kcomp_c)
{
	(void)kcomp_record('-', "c");
}

RUMP_COMPONENT(RUMP_COMPONENT_DEV, kcomp_d)
{
	return kcomp_record('+', "d");
}

RUMP_COMPONENT_FINI(kcomp_d)
{
	(void)kcomp_record('-', "d");
}

RUMP_COMPONENT(RUMP_COMPONENT_NET, kcomp_x)
{
	return kcomp_record('+', "x");
}

RUMP_COMPONENT(RUMP_COMPONENT_KERN, kcomp_z)
{
	return kcomp_record('+', "z");
}
