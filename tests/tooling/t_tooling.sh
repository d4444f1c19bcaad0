#! /usr/bin/env atf-sh
#
# t_tooling: each rumptest verb finds what it exists to find, checked
# against purpose-built bugs (h_buggy, k_buggy) and real cases.  These
# cases build variants (build-cov, build-asan) in the source tree.

SRCDIR='@SRCDIR@'
BUILD='@BUILD@'

rumptest() {
	# Not part of the outer make's job server.
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL "$SRCDIR/harness/rumptest" "$@"
}

require_in() {
	# require_in file text...: fail naming the text and showing the file
	f=$1; shift
	grep -qF -- "$*" "$f" || { cat "$f"; atf_fail "output lacks: $*"; }
}

atf_test_case failsweep_finds_missing_error_path
failsweep_finds_missing_error_path_head() {
	atf_set descr "failsweep reports the injection point whose error" \
	    "path leaks, with the allocation site"
	atf_set timeout 600
}
failsweep_finds_missing_error_path_body() {
	rumptest failsweep tests/tooling/h_buggy:missing_error_path >out 2>&1 &&
	    { cat out; atf_fail "failsweep passed a leaking error path"; }
	require_in out "LEAK"
	require_in out "k_buggy.c:"
	require_in out "(rump_pub_kbuggy_two_allocs)"
	# The first injection (the first allocation) is handled cleanly.
	require_in out "fail #1    ok"
}

atf_test_case failsweep_accepts_sound_error_paths
failsweep_accepts_sound_error_paths_head() {
	atf_set descr "failsweep passes a case whose error paths are sound"
	atf_set timeout 600
}
failsweep_accepts_sound_error_paths_body() {
	rumptest failsweep tests/kernel/t_namespace:kernel_uses_its_own \
	    >out 2>&1 || { cat out; atf_fail "failsweep failed"; }
	require_in out "every injection ended in a pass or a clean failure"
	grep -q "fail #1 " out || { cat out; atf_fail "no injection was tried"; }
}

atf_test_case leaks_flags_leaking_case
leaks_flags_leaking_case_head() {
	atf_set descr "the leak check fails a case that loses memory and" \
	    "shows valgrind's stack; a clean case passes"
	atf_set timeout 900
}
leaks_flags_leaking_case_body() {
	export KYUAFILE=tests/tooling/Kyuafile.buggy
	O=$BUILD rumptest leaks h_buggy:host_leak >out 2>&1 &&
	    { cat out; atf_fail "the leak check passed a leaking case"; }
	require_in out "definitely lost"
	require_in out "0 passed, 1 failed"
	O=$BUILD rumptest leaks h_buggy:missing_error_path >out2 2>&1 ||
	    { cat out2; atf_fail "the leak check failed a clean case"; }
	require_in out2 "1 passed, 0 failed"
}

atf_test_case make_one_spelling_of_O
make_one_spelling_of_O_head() {
	atf_set descr "a header change rebuilds the objects that include" \
	    "it whether the build directory is named relatively or by its" \
	    "absolute path (the sanitizer's variant is)"
}
make_one_spelling_of_O_body() {
	# The suite's own build used O=$BUILD; ask make, without touching
	# anything (-W: as if the header changed), what the other spelling
	# of the same directory would rebuild.
	cd "$SRCDIR" || atf_fail "no $SRCDIR"
	case $BUILD in /*) abs=$BUILD rel=${BUILD#"$SRCDIR"/} ;;
	*) rel=$BUILD abs=$SRCDIR/$BUILD ;; esac
	for o in "$abs" "$rel"; do
		env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -n \
		    -W sys/rump/include/rump/rumpuser.h O="$o" all >out 2>&1 ||
		    { cat out; atf_fail "make -n O=$o failed"; }
		grep -q "rumpkern/boot.c" out ||
		    { cat out; atf_fail "O=$o: boot.c not rebuilt for its header"; }
	done
}

atf_test_case sanitize_flags_overflow
sanitize_flags_overflow_head() {
	atf_set descr "the ASan+UBSan variant fails a case that reads past" \
	    "a kernel array; a clean case passes"
	atf_set timeout 1200
}
sanitize_flags_overflow_body() {
	export KYUAFILE=tests/tooling/Kyuafile.buggy
	SANITIZE_O=$SRCDIR/build-asan rumptest sanitize \
	    h_buggy:kernel_overflow >out 2>&1 &&
	    { cat out; atf_fail "the sanitizer passed an overflow"; }
	# UBSan's bounds check or ASan's redzone, whichever sees it first.
	grep -qE "runtime error: index 16 out of bounds|global-buffer-overflow" out ||
	    { cat out; atf_fail "no sanitizer report of the overflow"; }
	require_in out "k_buggy.c"
	SANITIZE_O=$SRCDIR/build-asan rumptest sanitize \
	    h_buggy:missing_error_path >out2 2>&1 ||
	    { cat out2; atf_fail "the sanitizer failed a clean case"; }
	require_in out2 "1 passed, 0 failed"
}

atf_test_case coverage_counts_kernel_and_survives_panic
coverage_counts_kernel_and_survives_panic_head() {
	atf_set descr "coverage reports kernel lines, and counters of a" \
	    "panicking process reach the report"
	atf_set timeout 1200
}
coverage_counts_kernel_and_survives_panic_body() {
	cov=$SRCDIR/build-cov
	COVERAGE_O=$cov rumptest coverage tests/kernel/t_panic >out 2>&1 ||
	    { cat out; atf_fail "coverage run failed"; }
	require_in out "sys/rump/librump/rumpkern"
	[ -f "$cov/reports/coverage/index.html" ] || atf_fail "no HTML report"
	# gcovr once wrote its per-component report to -o /dev/null and,
	# as root, replaced the device with a regular file.
	[ -c /dev/null ] || atf_fail "the coverage run replaced /dev/null"
	# The line printing the panic message runs only in processes that
	# then abort: a count there proves the counters were flushed.
	line=$(grep -n 'printf("panic: %s%s' "$SRCDIR/sys/rump/librump/rumpkern/subr_prf.c" | cut -d: -f1)
	[ -n "$line" ] || atf_fail "cannot find the panic printf in subr_prf.c"
	python3 - "$cov/reports/coverage/coverage.json" "$line" <<'PY' >res 2>&1 ||
import json, sys
data = json.load(open(sys.argv[1]))
want = int(sys.argv[2])
total = 0
for f in data["files"]:
    name = f.get("file", f.get("filename", ""))
    if name.endswith("rumpkern/subr_prf.c"):
        for l in f["lines"]:
            if l["line_number"] == want:
                total += l["count"]
    if name.startswith("tests/") or name.startswith("harness/"):
        print("report includes test or harness code: " + name)
        sys.exit(1)
print("panic line count %d" % total)
sys.exit(0 if total > 0 else 1)
PY
	    { cat res; atf_fail "panic path counters were lost"; }
	cat res
	lines=$(awk '$1 == "sys/rump/librump/rumpkern" { print $2 }' \
	    "$cov/reports/coverage/components.txt")
	case $lines in
	""|0.0%|0%) cat "$cov/reports/coverage/components.txt"
		atf_fail "no rumpkern lines counted" ;;
	esac
}

atf_test_case debug_stops_in_kernel_by_source_name
debug_stops_in_kernel_by_source_name_head() {
	atf_set descr "gdb on one case stops at a kernel function named as" \
	    "in the source, the backtrace reaches the test body, and the" \
	    "rump commands show kernel state"
	atf_set timeout 300
}
debug_stops_in_kernel_by_source_name_body() {
	O=$BUILD rumptest debug tests/kernel/t_boot:boot_shutdown -batch \
	    -ex 'break sys_getpid' -ex run -ex bt -ex 'rump lwps' \
	    -ex 'rump cpus' -ex 'rump kmem' >out 2>&1 ||
	    { cat out; atf_fail "gdb session failed"; }
	require_in out "Breakpoint 1, sys_getpid"
	require_in out "boot_shutdown_hbody"
	require_in out "host                1 cpu0  running"
	require_in out "cpu0: lwp"
	require_in out "bytes in use"
	# uiomove runs with the pipe's mutex held: "rump locks" shows it.
	O=$BUILD rumptest debug tests/kernel/t_syscall:pipe_roundtrip -batch \
	    -ex 'break uiomove' -ex run -ex 'rump locks' >out2 2>&1 ||
	    { cat out2; atf_fail "gdb session failed"; }
	grep -E "^mutex .* at sys/rump/librump/rumpkern/sys_pipe.c:[0-9]+: owner lwp [0-9]+ \(host\)" out2 ||
	    { cat out2; atf_fail "rump locks does not show the held pipe lock"; }
}

atf_init_test_cases() {
	atf_add_test_case failsweep_finds_missing_error_path
	atf_add_test_case failsweep_accepts_sound_error_paths
	atf_add_test_case leaks_flags_leaking_case
	atf_add_test_case make_one_spelling_of_O
	atf_add_test_case sanitize_flags_overflow
	atf_add_test_case coverage_counts_kernel_and_survives_panic
	atf_add_test_case debug_stops_in_kernel_by_source_name
}
