#!/bin/sh
# coverage.sh [--fail-under-line N] [--fail-under-branch N] [filters...]
#
# Build the coverage variant in its own directory ($O, default
# build-cov), run the suite (or the filtered part) there and write
#   $O/reports/coverage/index.html   gcovr HTML, lines and branches
#   $O/reports/coverage/components.txt  a table per component
# restricted to kernel and hypercall code (tests and harness excluded).
# Stale counters from an earlier build are removed first.  Exits
# non-zero if a limit is given and not met, or if tests failed.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
O=${O:-build-cov}
fail_line= fail_branch=
while [ $# -gt 0 ]; do
	case $1 in
	--fail-under-line) fail_line=$2; shift 2 ;;
	--fail-under-branch) fail_branch=$2; shift 2 ;;
	*) break ;;
	esac
done

out=$O/reports/coverage
echo "coverage: building the instrumented variant in $O"
# Counters of objects about to be rebuilt would not match their notes.
find "$O" -name '*.gcda' -delete 2>/dev/null
# Kernel code runs on many threads: counters must be updated atomically
# or they race (and gcovr chokes on the negative counts that result).
make -j"$(nproc)" --no-print-directory O="$O" OPT_CFLAGS=-O1 \
    VARIANT_CFLAGS="--coverage -fprofile-update=atomic" \
    VARIANT_LDFLAGS=--coverage build-all || exit 1
# Counters from the build itself (none) or an earlier run: start clean.
find "$O" -name '*.gcda' -delete 2>/dev/null

echo "coverage: running the suite"
sh tools/run-kyua.sh -o "$O" "$@"
suite_rc=$?

mkdir -p "$out"
components=$( (ls -d sys/rump/librump/*/ sys/rump/fs/*/ sys/rump/dev/*/ \
    sys/rump/net/*/ lib/librumpuser/ 2>/dev/null) | sed 's|/$||')
filters=""
for c in $components; do filters="$filters -f $c/"; done
# shellcheck disable=SC2086
gcovr -r . --object-directory "$O" $filters --exclude-unreachable-branches \
    --html-details "$out/index.html" --json "$out/coverage.json" \
    -s >"$out/summary.txt" 2>"$out/gcovr.log" || {
	cat "$out/gcovr.log" >&2
	echo "coverage: gcovr failed" >&2
	exit 1
}

{
	printf '%-32s %16s %16s\n' component lines branches
	for c in $components; do
		# The summary (-s) goes to stdout; the report itself to a
		# scratch file.  Never "-o /dev/null": gcovr replaces its
		# output file, and as root that deletes the device node.
		s=$(gcovr -r . --object-directory "$O" -f "$c/" \
		    --exclude-unreachable-branches -s -o "$out/component.txt" \
		    2>/dev/null)
		l=$(echo "$s" | sed -n 's/^lines: \([0-9.]*%\) (\([0-9]*\) out of \([0-9]*\)).*/\1 \2\/\3/p')
		b=$(echo "$s" | sed -n 's/^branches: \([0-9.]*%\) (\([0-9]*\) out of \([0-9]*\)).*/\1 \2\/\3/p')
		printf '%-32s %16s %16s\n' "$c" "${l%% *}" "${b%% *}"
	done
	l=$(sed -n 's/^lines: \([0-9.]*%\).*/\1/p' "$out/summary.txt")
	b=$(sed -n 's/^branches: \([0-9.]*%\).*/\1/p' "$out/summary.txt")
	printf '%-32s %16s %16s\n' "all kernel + hypercall code" "$l" "$b"
} >"$out/components.txt"
rm -f "$out/component.txt"
echo "coverage of kernel and hypercall code (tests and harness excluded):"
cat "$out/components.txt"
echo "coverage report: $out/index.html"

rc=$suite_rc
line_pct=$(sed -n 's/^lines: \([0-9.]*\)%.*/\1/p' "$out/summary.txt")
branch_pct=$(sed -n 's/^branches: \([0-9.]*\)%.*/\1/p' "$out/summary.txt")
if [ -n "$fail_line" ] && awk "BEGIN { exit !($line_pct < $fail_line) }"; then
	echo "coverage: lines $line_pct% is below $fail_line%" >&2
	rc=1
fi
if [ -n "$fail_branch" ] && awk "BEGIN { exit !($branch_pct < $fail_branch) }"; then
	echo "coverage: branches $branch_pct% is below $fail_branch%" >&2
	rc=1
fi
exit $rc
