#!/bin/sh
# run-kyua.sh [-o builddir] [kyua test filters...]
#
# Run the Kyua suite against the programs built in builddir (default
# build/), in parallel, then write the reports and print one line
#   N passed, N failed
# taken from Kyua's results (skipped cases are counted apart; broken
# cases count as failed).  Exits non-zero when anything failed or broke.
#
# Reports: builddir/reports/results.db (Kyua), junit.xml, html/.
# KYUAFILE names another Kyuafile (default: the whole suite); its
# programs are looked up in the matching directory under builddir.
set -u
O=build
KYUAFILE=${KYUAFILE:-Kyuafile}
if [ "${1:-}" = "-o" ]; then O=$2; shift 2; fi
reports=$O/reports
db=$reports/results.db
mkdir -p "$reports"
rm -f "$db"
jobs=$(nproc 2>/dev/null || echo 2)
kdir=$(dirname "$KYUAFILE")
broot=$O
[ "$kdir" = . ] || broot=$O/$kdir

kyua --variable parallelism="$jobs" test --kyuafile="$KYUAFILE" \
    --build-root="$broot" --results-file="$db" "$@"
kyua_rc=$?

if [ ! -f "$db" ]; then
	echo "run-kyua: kyua produced no results" >&2
	echo "0 passed, 1 failed"
	exit 1
fi
# Each failure with its output (stdout, stderr: panics, valgrind
# stacks), then the list and the summary.
kyua report --results-file="$db" --verbose --results-filter=broken,failed |
    awk '/^===> [^ ]+:[^ ]+$/ { show = 1 } /^===> Execution context/ { show = 0 }
	/^Metadata:/ { skip = 1 } /^Standard (output|error):/ { skip = 0 }
	show && !skip' | head -c 300000
kyua report --results-file="$db" --results-filter=broken,failed |
    sed -n '/^===> \(Failed\|Broken\)/,/^===> Summary/p' | sed '/^===> Summary/d'
summary=$(kyua report --results-file="$db" | grep '^Test cases:')
echo "$summary"
kyua report-junit --results-file="$db" --output="$reports/junit.xml" ||
    echo "run-kyua: could not write $reports/junit.xml" >&2
kyua report-html --results-file="$db" --output="$reports/html" --force \
    >/dev/null || echo "run-kyua: could not write $reports/html" >&2

# "Test cases: 9 total, 1 skipped, 0 expected failures, 0 broken, 1 failed"
set -- $(echo "$summary" | sed 's/[^0-9]/ /g')
total=${1:-0} skipped=${2:-0} xfail=${3:-0} broken=${4:-0} failed=${5:-0}
nfail=$((broken + failed))
npass=$((total - skipped - nfail))
echo "reports: $reports/junit.xml $reports/html/index.html"
[ "$skipped" -gt 0 ] && echo "($skipped skipped, $xfail expected failures)"
echo "$npass passed, $nfail failed"
if [ "$nfail" -ne 0 ] || [ "$kyua_rc" -ne 0 ] || [ "$total" -eq 0 ]; then
	exit 1
fi
exit 0
