#! /usr/bin/env atf-sh
#
# t_invariants: the architecture's invariants, checked on the built
# libraries and the sources (ARCHITECTURE.md, "Invariants").  The build
# substitutes the source directory and the list of kernel libraries.

SRCDIR='@SRCDIR@'
KERNEL_LIBS='@KERNEL_LIBS@'

# Instrumentation runtimes of the coverage and sanitizer variants, and
# symbols the toolchain itself defines, are the allowed compiler support.
SUPPORT='^(_GLOBAL_OFFSET_TABLE_|__gcov_.*|__asan_.*|__ubsan_.*|__sanitizer_.*|__lsan_.*|__start_link_set_.*|__stop_link_set_.*)$'
PUBLIC='^(rump_init|rump_booted|rump_sys_.*|rump_pub_.*)$'

kernel_syms() {
	# $1: nm type filter for awk; prints "lib symbol" lines
	for lib in $KERNEL_LIBS; do
		nm -P -g "$lib" 2>/dev/null |
		    awk -v lib="$lib" 'NF >= 2 && '"$1"' { print lib " " $1 }'
	done
}

atf_test_case undefined_symbols_are_hypercalls
undefined_symbols_are_hypercalls_head() {
	atf_set descr "kernel libraries reach outside the kernel only" \
	    "through rumpuser_*/rumpcomp_* hypercalls (invariant 2)"
}
undefined_symbols_are_hypercalls_body() {
	kernel_syms '$2 != "U"' | awk '{ print $2 }' | sort -u >defined
	kernel_syms '$2 == "U"' | sort -u >undefined
	[ -s defined ] || atf_fail "no kernel libraries found in: $KERNEL_LIBS"
	awk 'NR == FNR { def[$1] = 1; next } !($2 in def) { print }' \
	    defined undefined | grep -Ev " (rumpuser_|rumpcomp_)" |
	    grep -Ev " $(echo "$SUPPORT" | sed 's/^\^//')" >bad || true
	if [ -s bad ]; then
		cat bad
		atf_fail "kernel code calls outside the kernel: $(awk '{print $2}' bad | sort -u | tr '\n' ' ')"
	fi
}

atf_test_case symbols_are_namespaced
symbols_are_namespaced_head() {
	atf_set descr "every global a kernel library defines is rumpns_* or a" \
	    "public entry point (invariant 3)"
}
symbols_are_namespaced_body() {
	kernel_syms '$2 != "U" && $2 != "w" && $2 != "v"' >defs
	[ -s defs ] || atf_fail "no kernel libraries found in: $KERNEL_LIBS"
	grep -Ev ' (rumpns_.*)$' defs | grep -Ev " $(echo "$PUBLIC" | sed 's/^\^//')" >bad || true
	if [ -s bad ]; then
		cat bad
		atf_fail "kernel symbols outside the rumpns_ namespace: $(awk '{print $2}' bad | sort -u | tr '\n' ' ')"
	fi
	# The kernel's own libc-like routines exist, renamed.
	for s in memcpy memset printf strlen; do
		grep -q " rumpns_$s\$" defs || atf_fail "kernel lacks rumpns_$s"
		! grep -q " $s\$" defs || atf_fail "kernel defines bare $s"
	done
}

atf_test_case kernel_sources_use_kernel_headers
kernel_sources_use_kernel_headers_head() {
	atf_set descr "kernel sources include only kernel and freestanding" \
	    "headers (invariant 1)"
}
kernel_sources_use_kernel_headers_body() {
	[ -d "$SRCDIR/sys/rump" ] || atf_fail "no source tree at $SRCDIR"
	# Work in the source tree in a subshell; results stay in our cwd.
	files=$(cd "$SRCDIR" && find sys/rump tests bench -name '*.c' -o -name '*.h' 2>/dev/null |
	    grep -E '^sys/rump/|/k_[a-z0-9_]*\.[ch]$|/kcomp_[a-z_]*/' |
	    grep -v '_user\.c$')
	[ -n "$files" ] || atf_fail "no kernel sources found"
	(cd "$SRCDIR" && grep -HnE '^[[:space:]]*#[[:space:]]*include[[:space:]]*<' $files) |
	    grep -Ev '<(rump|rump-sys)/([a-z_0-9]+/)?[a-z_0-9]+\.h>|<(stdarg|stddef|stdint|stdbool)\.h>' \
	    >bad || true
	# The public API headers are host-facing and may use host types.
	grep -Ev '^sys/rump/include/rump/rump\.h:' bad >bad2 || true
	if [ -s bad2 ]; then
		cat bad2
		atf_fail "kernel sources include host headers"
	fi
}

atf_test_case up_locks_have_no_atomics
up_locks_have_no_atomics_head() {
	atf_set descr "the uniprocessor locks contain no atomic instruction"
}
up_locks_have_no_atomics_body() {
	lib=
	for l in $KERNEL_LIBS; do
		case $l in */librump.a) lib=$l ;; esac
	done
	[ -n "$lib" ] || atf_fail "librump.a not among $KERNEL_LIBS"
	ar p "$lib" locks_up.o >locks_up.o || atf_fail "no locks_up.o in $lib"
	# The coverage variant's own counters are atomic; nothing to see there.
	if nm locks_up.o | grep -q __gcov; then
		atf_skip "coverage instrumentation adds atomic counters"
	fi
	objdump -d locks_up.o >dis || atf_fail "objdump failed"
	grep -c 'mutex_enter_up' dis >/dev/null || atf_fail "no mutex_enter_up in locks_up.o"
	# x86: a lock prefix or xchg with memory (xchg %ax,%ax is a nop);
	# arm64: ldxr/stxr/cas/ldadd.
	if grep -E '\block\b|cmpxchg|xchg.*\(|\bldax?r|\bstl?xr|\bcasa?l?\b|\bldadd' dis; then
		atf_fail "atomic instructions in locks_up.o"
	fi
	# The MP locks, by contrast, do use them: the check can see atomics.
	ar p "$lib" locks_mp.o >locks_mp.o
	objdump -d locks_mp.o | grep -Eq '\block\b|\bldadd|\bldax?r|\bcasa?l?\b' ||
	    atf_fail "the check found no atomics in locks_mp.o either; it is blind"
}

atf_test_case hypercall_header_is_self_contained
hypercall_header_is_self_contained_head() {
	atf_set descr "rumpuser.h, the contract, includes only freestanding" \
	    "headers and compiles alone in both worlds"
}
hypercall_header_is_self_contained_body() {
	h="$SRCDIR/sys/rump/include/rump/rumpuser.h"
	grep -E '^#[[:space:]]*include' "$h" | grep -Ev '<(stddef|stdint)\.h>' &&
	    atf_fail "rumpuser.h includes more than stddef.h and stdint.h"
	echo '#include <rump/rumpuser.h>' >t.c
	atf_check -s exit:0 cc -Wall -Werror -c -I"$SRCDIR/sys/rump/include" t.c
	atf_check -s exit:0 cc -Wall -Werror -ffreestanding -nostdinc \
	    -isystem "$(cc -print-file-name=include)" -c \
	    -I"$SRCDIR/sys/rump/include" t.c
}

atf_init_test_cases() {
	atf_add_test_case undefined_symbols_are_hypercalls
	atf_add_test_case symbols_are_namespaced
	atf_add_test_case kernel_sources_use_kernel_headers
	atf_add_test_case up_locks_have_no_atomics
	atf_add_test_case hypercall_header_is_self_contained
}
