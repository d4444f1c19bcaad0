#!/bin/sh
# debug.sh prog:case [gdb options...]
#
# Start gdb on exactly one test case, the way Kyua would run it: in a
# fresh temporary directory that is also HOME and TMPDIR.  The kernel
# commands of tools/gdb/rump-gdb.py are loaded (rump lwps, rump cpus,
# rump kmem, rump lock EXPR).  prog is a path under the build directory,
# e.g. tests/kernel/t_locks:mutex_exclusion_up.  Extra options go to gdb
# before --args, e.g. -batch -ex 'break mutex_enter' -ex run -ex bt.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
O=${O:-build}
case $O in /*) B=$O ;; *) B=$top/$O ;; esac
case ${1:-} in
*:*) ;;
*) echo "usage: rumptest debug prog:case [gdb options...]" >&2; exit 2 ;;
esac
spec=$1
shift
prog=${spec%%:*}
tcase=${spec#*:}
case $prog in /*) ;; *) prog=$B/$prog ;; esac
[ -x "$prog" ] || { echo "debug: no test program $prog (run make first)" >&2; exit 1; }
"$prog" -l 2>/dev/null | grep -qx "ident: $tcase" ||
    { echo "debug: $prog has no case \"$tcase\"" >&2; exit 1; }
command -v gdb >/dev/null || { echo "debug: gdb is not installed" >&2; exit 1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/rumptest-debug.XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work"
HOME=$work TMPDIR=$work
# Copies through system calls: gdb would stop at the SIGSEGV with which
# a direct copy detects every bad user pointer (docs/rumpuser.3.md).
RUMPUSER_COPY_SYSCALL=1
export HOME TMPDIR RUMPUSER_COPY_SYSCALL
echo "debug: $prog $tcase in $work"
gdb -q -x "$top/tools/gdb/rump-gdb.py" "$@" --args "$prog" \
    -r "$work/result" "$tcase"
