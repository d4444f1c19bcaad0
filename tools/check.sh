#!/bin/sh
# check.sh: what `make check` runs, as CI runs it.
#   1. the whole suite (tests/tooling exercises every rumptest verb);
#   2. the leak check (every case under valgrind) of the test
#      directories but tests/tooling, which runs the tools themselves;
#   3. the coverage summary of kernel and hypercall code over them.
# Ends with "N passed, N failed" over the Kyua results of steps 1 and 2
# and exits non-zero if any step failed.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
O=${O:-build}
export O
rc=0
# Every test directory but tooling (whose cases build and run variants).
dirs=$(ls -d tests/*/ | sed 's|/$||' | grep -v '^tests/tooling$')
pass=0
fail=0

count() {
	# count logfile: add the log's "N passed, N failed" to the totals
	l=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$1" | tail -1)
	p=${l%% passed*}
	f=${l#*passed, }
	f=${f%% failed}
	pass=$((pass + ${p:-0}))
	fail=$((fail + ${f:-1}))
}

log=$O/reports/check
mkdir -p "$log"
start=$(date +%s)

echo "=== check 1/3: the suite"
sh tools/run-kyua.sh -o "$O" 2>&1 | tee "$log/suite.log"
grep -qE '^[0-9]+ passed, 0 failed$' "$log/suite.log" || rc=1
count "$log/suite.log"

echo "=== check 2/3: leak check of" $dirs "under valgrind"
# shellcheck disable=SC2086
sh tools/leaks.sh $dirs 2>&1 | tee "$log/leaks.log" | tail -n 25
grep -qE '^[0-9]+ passed, 0 failed$' "$log/leaks.log" || rc=1
count "$log/leaks.log"

echo "=== check 3/3: coverage of kernel and hypercall code"
COV=${COVERAGE_O:-build-cov}
# shellcheck disable=SC2086
O=$COV sh tools/coverage.sh $dirs >"$log/coverage.log" 2>&1
cov_rc=$?
sed -n '/^coverage of kernel/,$p' "$log/coverage.log"
if [ $cov_rc -ne 0 ]; then
	tail -n 30 "$log/coverage.log"
	echo "coverage run failed (see $log/coverage.log)"
	rc=1
fi

echo "=== check took $(( $(date +%s) - start )) s; logs in $log"
echo "suite and leak check: $pass passed, $fail failed"
echo "$pass passed, $fail failed"
[ $fail -eq 0 ] || rc=1
exit $rc
