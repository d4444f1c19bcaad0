#!/bin/sh
# sanitize.sh [filters...]: build the whole suite (kernel, hypercalls,
# harness, tests) with AddressSanitizer and UndefinedBehaviorSanitizer
# in its own directory ($O, default build-asan) and run it.  Any report
# aborts the process, failing the case; the report is in Kyua's output.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
O=${O:-build-asan}
SAN="-fsanitize=address,undefined -fno-sanitize-recover=all"
echo "sanitize: building the ASan+UBSan variant in $O"
make -j"$(nproc)" --no-print-directory O="$O" OPT_CFLAGS=-O1 \
    VARIANT_CFLAGS="$SAN" VARIANT_LDFLAGS="$SAN" build-all || exit 1
# atf-c leaks its test case list when a program is asked for it (-l);
# that is atf's, not ours, and only that is suppressed.
ASAN_OPTIONS=abort_on_error=1:detect_leaks=1:allocator_may_return_null=1
LSAN_OPTIONS=suppressions=$top/tools/lsan.supp:print_suppressions=0
UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
export ASAN_OPTIONS LSAN_OPTIONS UBSAN_OPTIONS
echo "sanitize: running the suite"
exec sh tools/run-kyua.sh -o "$O" "$@"
