#!/bin/sh
# makesyscalls.sh master outdir: generate the system call layer from
# syscalls.master.  Writes
#   outdir/include/rump/rump_syscalls.h       public prototypes (host)
#   outdir/include/rump-sys/syscallargs.h     numbers, argument structs,
#                                             handler prototypes (kernel)
#   outdir/gen/rumpkern/rump_syscalls.c       entry points + sysent (kernel)
set -eu
master=$1
out=$2
mkdir -p "$out/include/rump" "$out/include/rump-sys" "$out/gen/rumpkern"
pub=$out/include/rump/rump_syscalls.h
kern=$out/include/rump-sys/syscallargs.h
src=$out/gen/rumpkern/rump_syscalls.c

# Every struct named in an argument list gets a forward declaration.
structs=$(grep -v '^#' "$master" | grep -o 'struct [A-Za-z_0-9]*' |
    sed 's/^struct //' | sort -u | tr '\n' ' ')

awk -v structs="$structs" -v pub="$pub.tmp" -v kern="$kern.tmp" -v src="$src.tmp" '
function trim(s) { sub(/^[ \t]+/, "", s); sub(/[ \t]+$/, "", s); return s }
BEGIN {
	print "/* Generated from syscalls.master by makesyscalls.sh; do not edit. */" > pub
	print "#ifndef _RUMP_RUMP_SYSCALLS_H_\n#define _RUMP_RUMP_SYSCALLS_H_\n" > pub
	ns = split(structs, sn, " ")
	fwd = ""
	for (i = 1; i <= ns; i++)
		fwd = fwd "struct " sn[i] ";\n"
	print "#include <sys/types.h>\n\n" fwd > pub
	print "#ifdef __cplusplus\nextern \"C\" {\n#endif\n" > pub

	print "/* Generated from syscalls.master by makesyscalls.sh; do not edit. */" > kern
	print "#ifndef _RUMP_SYS_SYSCALLARGS_H_\n#define _RUMP_SYS_SYSCALLARGS_H_\n" > kern
	print "#include <rump-sys/types.h>\n\nstruct lwp;\n" fwd > kern
	print "typedef int sy_call_t(struct lwp *, const void *, register_t *);" > kern
	print "struct sysent {\n\tsy_call_t\t*sy_call;\n\tconst char\t*sy_name;\n};\n" > kern
	print "/*\n * Enter the kernel and run system call num; 0 or a kernel errno.\n * retval[0] is the result.\n */" > kern
	print "int\trump_syscall(int num, void *args, register_t *retval);" > kern
	print "/* How many host threads are inside rump_syscall() now. */" > kern
	print "unsigned int\trump_syscall_inflight(void);\n" > kern

	print "/* Generated from syscalls.master by makesyscalls.sh; do not edit. */" > src
	print "#include <rump-sys/types.h>\n#include <rump-sys/syscallargs.h>" > src
	print "#include <rump/rumpuser.h>\n" > src
	n = 0; max = 0
}
/^#/ || /^[ \t]*$/ { next }
{
	num = $1; ret = $2; name = $3
	line = $0
	a = index(line, "("); b = index(line, ")")
	if (num !~ /^[0-9]+$/ || a == 0 || b == 0) {
		printf("syscalls.master:%d: cannot parse: %s\n", NR, line) > "/dev/stderr"
		exit 1
	}
	if (num in seen) {
		printf("syscalls.master:%d: number %s used twice\n", NR, num) > "/dev/stderr"
		exit 1
	}
	seen[num] = 1
	args = trim(substr(line, a + 1, b - a - 1))
	# A handler in a faction library is weak: ENOSYS when not linked.
	faction = trim(substr(line, b + 1))
	nargs = 0
	if (args != "void") {
		cnt = split(args, parts, ",")
		for (i = 1; i <= cnt; i++) {
			p = trim(parts[i])
			match(p, /[A-Za-z_][A-Za-z0-9_]*$/)
			an[i] = substr(p, RSTART)
			at[i] = trim(substr(p, 1, RSTART - 1))
		}
		nargs = cnt
	}
	if (num + 0 > max) max = num + 0
	names[num] = name
	proto = ""
	for (i = 1; i <= nargs; i++)
		proto = proto (i > 1 ? ", " : "") at[i] (at[i] ~ /\*$/ ? "" : " ") an[i]
	if (proto == "") proto = "void"

	printf("%s\trump_sys_%s(%s);\n", ret, name, proto) > pub
	printf("%s\trump_sys_%s(%s);\n", ret, name, proto) > kern

	printf("#define SYS_%s\t%d\n", name, num) > kern
	if (nargs > 0) {
		printf("struct sys_%s_args {\n", name) > kern
		for (i = 1; i <= nargs; i++)
			printf("\t%s%s%s;\n", at[i], (at[i] ~ /\*$/ ? "" : " "), an[i]) > kern
		printf("};\n") > kern
		printf("int\tsys_%s(struct lwp *, const struct sys_%s_args *, register_t *);\n\n", name, name) > kern
	} else {
		printf("int\tsys_%s(struct lwp *, const void *, register_t *);\n\n", name) > kern
	}

	if (faction != "")
		printf("#pragma weak sys_%s\t/* in %s */\n\n", name, faction) > src
	printf("%s\nrump_sys_%s(%s)\n{\n", ret, name, proto) > src
	printf("\tregister_t rv[2] = { 0, 0 };\n\tint error;\n") > src
	if (nargs > 0) {
		printf("\tstruct sys_%s_args args = {\n", name) > src
		for (i = 1; i <= nargs; i++)
			printf("\t\t.%s = %s,\n", an[i], an[i]) > src
		printf("\t};\n\n\terror = rump_syscall(SYS_%s, &args, rv);\n", name) > src
	} else {
		printf("\n\terror = rump_syscall(SYS_%s, NULL, rv);\n", name) > src
	}
	printf("\tif (error != 0) {\n\t\trumpuser_seterrno(error);\n\t\treturn (%s)-1;\n\t}\n", ret) > src
	printf("\treturn (%s)rv[0];\n}\n\n", ret) > src
	order[n++] = num
}
END {
	print "\n#ifdef __cplusplus\n}\n#endif\n#endif /* _RUMP_RUMP_SYSCALLS_H_ */" > pub
	printf("\n#define SYS_MAXSYSCALL\t%d\n", max + 1) > kern
	print "extern const struct sysent rump_sysent[SYS_MAXSYSCALL];\n" > kern
	print "#endif /* _RUMP_SYS_SYSCALLARGS_H_ */" > kern
	print "/* Dispatch table; empty slots are ENOSYS. */" > src
	print "const struct sysent rump_sysent[SYS_MAXSYSCALL] = {" > src
	for (i = 0; i < n; i++) {
		nm = names[order[i]]
		printf("\t[SYS_%s] = { (sy_call_t *)(void (*)(void))sys_%s, \"%s\" },\n", nm, nm, nm) > src
	}
	print "};" > src
}' "$master"

for f in "$pub" "$kern" "$src"; do
	mv "$f.tmp" "$f"
done
