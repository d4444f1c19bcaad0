#!/bin/sh
# run.sh: run every benchmark and print a header saying when, on what
# machine and at which revision, so results can be compared over time.
#   sh bench/run.sh [build-dir]      (what `make bench` does)
# Benchmarks report PASS/MISS against their targets but a MISS is not
# an error; the exit status is non-zero only if a benchmark failed to
# run.

O=${1:-build}
srcdir=$(cd "$(dirname "$0")/.." && pwd)
bin=$O/bench

cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo 2>/dev/null |
    head -n 1)
rev=$(git -C "$srcdir" rev-parse --short HEAD 2>/dev/null || echo unknown)
if [ "$rev" != unknown ] &&
    [ -n "$(git -C "$srcdir" status --porcelain 2>/dev/null)" ]; then
	rev="$rev (with uncommitted changes)"
fi

echo "== rump kernel benchmarks"
echo "date:     $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
echo "machine:  $(nproc) CPUs, $(uname -sr), ${cpu:-unknown CPU}"
echo "revision: $rev"
echo "load:     $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null)"
echo

status=0
for b in b_boot b_syscall b_mutex b_rss b_vfs b_bio b_audio b_net; do
	if ! "$bin/$b"; then
		echo "$b: FAILED to run" >&2
		status=1
	fi
done
exit $status
