#!/bin/sh
# leaks.sh [filters...]: run the suite (or the filtered part) with every
# test case under valgrind memcheck.  A case with a definite or indirect
# leak or any memory error fails (valgrind's exit code 97 breaks it in
# Kyua) and its valgrind report, with stacks, is in the Kyua report.
#
# How: a parallel build root ($O/valgrind) holds one wrapper script per
# test program; Kyua runs the wrappers.  Test listing (-l) runs without
# valgrind (atf-c leaks there by design), as do shell test programs.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
O=${O:-build}
vroot=$O/valgrind

command -v valgrind >/dev/null || { echo "leaks: valgrind is not installed" >&2; exit 1; }
make -j"$(nproc)" --no-print-directory O="$O" build-all || exit 1

rm -rf "$vroot"
find "$O/tests" -type f \( -name 't_*' -o -name 'h_*' \) -perm -u+x | while read -r prog; do
	rel=${prog#"$O"/}
	mkdir -p "$vroot/$(dirname "$rel")"
	wrapper=$vroot/$rel
	case $prog in /*) abs=$prog ;; *) abs=$top/$prog ;; esac
	if head -c 4 "$prog" | grep -q ELF; then
		cat >"$wrapper" <<WRAP
#!/bin/sh
# valgrind wrapper for $rel, made by tools/leaks.sh
for a in "\$@"; do [ "\$a" = "-l" ] && exec "$abs" "\$@"; done
ulimit -c 0	# panicking children would leave vgcore files
exec valgrind -q --error-exitcode=97 --leak-check=full \\
    --show-leak-kinds=definite,indirect \\
    --errors-for-leak-kinds=definite,indirect \\
    --child-silent-after-fork=yes --num-callers=40 \\
    --suppressions="$top/tools/valgrind.supp" "$abs" "\$@"
WRAP
	else
		printf '#!/bin/sh\nexec "%s" "$@"\n' "$abs" >"$wrapper"
	fi
	chmod +x "$wrapper"
done
echo "leaks: running the suite under valgrind memcheck"
exec sh tools/run-kyua.sh -o "$vroot" "$@"
