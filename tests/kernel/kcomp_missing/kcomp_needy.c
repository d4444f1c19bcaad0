/*
 * kcomp_needy.c: a component whose dependency is not linked anywhere,
 * so every boot of a program that links it must fail cleanly with a
 * message naming both.
 */
#include <rump-sys/systm.h>
#include <rump-sys/component.h>

RUMP_COMPONENT(RUMP_COMPONENT_DEV, kcomp_needy, "kcomp_absent")
{
	panic("kcomp_needy initialised without its dependency");
}
