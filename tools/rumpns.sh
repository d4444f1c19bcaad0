#!/bin/sh
# Rename the global symbols of one kernel object file into the private
# rumpns_ namespace (ARCHITECTURE.md, invariant 3), in place.  Defined and
# undefined globals are renamed alike, so kernel objects keep finding each
# other while a test program's own printf, malloc or memcpy never meets
# the kernel's.  Left alone: the public entry points (rump_init,
# rump_booted, rump_sys_*, rump_pub_*), the doors out of the kernel
# (rumpuser_*, rumpcomp_*), linker-made link set bounds and the
# instrumentation runtimes of the coverage and sanitizer variants.
# Internal rump_* names (rump_schedule, ...) are renamed like the rest.
set -eu
obj=$1
map=$obj.rumpns
keep='^(rump_init$|rump_booted$|rump_sys_|rump_pub_|rumpuser_|rumpcomp_|__start_|__stop_|__gcov|__asan|__ubsan|__lsan|__sanitizer|__tsan|_GLOBAL_OFFSET_TABLE_|__stack_chk_fail)'
nm -P -g "$obj" | awk '{ print $1 }' | grep -Ev "$keep" | sort -u |
    awk '{ print $1 " rumpns_" $1 }' >"$map" || true
if [ -s "$map" ]; then
	objcopy --redefine-syms="$map" "$obj"
fi
rm -f "$map"
