#!/bin/sh
# failsweep.sh [--max N] [--timeout S] prog:case
# failsweep.sh [--max N] [--timeout S] prog|directory
#
# Systematic fault injection, in the style of Linux's fail_nth: run the
# case with the 1st, 2nd, 3rd ... KM_NOSLEEP kernel allocation failing
# (RUMP_FAIL_NTH), until a run hits no injection.  Every run must end as
# a pass or a clean failure through an error path.  A crash, a hang, a
# kernel panic or assertion, or a leak is a broken error path; the table
# at the end lists those with the allocation site that was failed.
# Exits 1 if any injection point broke.  Given a program or a directory
# instead of one case, it sweeps every case of every test program there
# and ends with a table of cases, injection points and breakages.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
O=${O:-build}
case $O in /*) B=$O ;; *) B=$top/$O ;; esac
max=500
tmo=60
while [ $# -gt 0 ]; do
	case $1 in
	--max) max=$2; shift 2 ;;
	--timeout) tmo=$2; shift 2 ;;
	*) break ;;
	esac
done
case ${1:-} in
"") echo "usage: rumptest failsweep [--max N] [--timeout S] prog:case|prog|dir" >&2; exit 2 ;;
*:*) ;;
*)
	# Every case of a program, or of every program in a directory.
	target=$1
	case $target in /*) ;; *) target=$B/$target ;; esac
	if [ -d "$target" ]; then
		progs=$(find "$target" -type f -name 't_*' -perm -u+x | sort)
	else
		progs=$target
	fi
	summary=$(mktemp)
	status=0
	for p in $progs; do
		head -c 4 "$p" | grep -q ELF || continue
		for c in $("$p" -l 2>/dev/null | sed -n 's/^ident: //p'); do
			out=$(sh "$0" --max "$max" --timeout "$tmo" "$p:$c" 2>&1)
			rc=$?
			tried=$(echo "$out" | sed -n 's/^failsweep: \([0-9]*\) injection points tried.*/\1/p')
			broke=$(echo "$out" | sed -n 's/^failsweep: \([0-9]*\) broke:.*/\1/p')
			capped=$(echo "$out" | grep -c 'stopped at --max')
			printf '%-55s %6s %6s%s\n' "${p#"$B/"}:$c" "${tried:-0}" \
			    "${broke:-0}" "$([ "$capped" -gt 0 ] && echo "  (stopped at --max $max)")" |
			    tee -a "$summary"
			if [ $rc -ne 0 ]; then
				status=1
				echo "$out" | sed -n '/^NTH/,$p' | sed 's/^/    /'
			fi
		done
	done
	echo "failsweep summary:"
	printf '%-55s %6s %6s\n' CASE POINTS BROKE
	cat "$summary"
	rm -f "$summary"
	exit $status
	;;
esac
prog=${1%%:*}
tcase=${1#*:}
case $prog in /*) ;; *) prog=$B/$prog ;; esac
[ -x "$prog" ] || { echo "failsweep: no test program $prog" >&2; exit 1; }
"$prog" -l 2>/dev/null | grep -qx "ident: $tcase" ||
    { echo "failsweep: $prog has no case \"$tcase\"" >&2; exit 1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/rumptest-failsweep.XXXXXX")
trap 'rm -rf "$work"' EXIT
table=$work/table
: >"$table"
n=0 runs=0 bad=0
echo "failsweep: $1 (each run: one allocation fails)"
while [ $n -lt "$max" ]; do
	n=$((n + 1))
	rm -rf "$work/run" && mkdir "$work/run"
	(cd "$work/run" && HOME=$work/run TMPDIR=$work/run RUMP_FAIL_NTH=$n \
	    timeout -k 5 "$tmo" "$prog" -r "$work/run/result" "$tcase" \
	    >"$work/out" 2>&1)
	rc=$?
	site=$(sed -n 's/^fault injection: allocation [0-9]* fails at //p' "$work/out" | head -1)
	if [ -z "$site" ]; then
		# No allocation number n in this run: the sweep is complete.
		break
	fi
	runs=$((runs + 1))
	result=$(head -1 "$work/run/result" 2>/dev/null)
	if [ $rc -eq 124 ] || [ $rc -eq 137 ]; then
		verdict=HANG
	elif grep -q 'kernel memory leak' "$work/run/result" "$work/out" 2>/dev/null; then
		verdict=LEAK
	elif grep -q '^panic: ' "$work/out"; then
		if grep -q 'kernel assertion' "$work/out"; then verdict=ASSERT; else verdict=PANIC; fi
	elif [ -z "$result" ]; then
		verdict="CRASH(exit $rc)"
	else
		case $result in
		passed*) verdict=ok ;;
		failed*|expected_failure*) verdict="ok (clean failure)" ;;
		*) verdict="BROKEN: $result" ;;
		esac
	fi
	printf '  fail #%-4d %-20s %s\n' "$n" "$verdict" "$site"
	case $verdict in
	ok*) ;;
	*)
		bad=$((bad + 1))
		printf '%-6d %-16s %s\n' "$n" "${verdict%%(*}" "$site" >>"$table"
		grep -h -m 3 -E '^panic:|kernel assertion|kernel memory leak' \
		    "$work/out" "$work/run/result" 2>/dev/null | sed 's/^/         /' >>"$table"
		;;
	esac
done
echo "failsweep: $runs injection points tried in $1"
if [ $bad -gt 0 ]; then
	echo "failsweep: $bad broke:"
	printf '%-6s %-16s %s\n' NTH OUTCOME "FAILED ALLOCATION"
	cat "$table"
	exit 1
fi
if [ $n -ge "$max" ] && [ -n "${site:-}" ]; then
	echo "failsweep: stopped at --max $max before the sweep ended" >&2
	exit 1
fi
echo "failsweep: every injection ended in a pass or a clean failure"
exit 0
