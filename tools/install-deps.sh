#!/bin/sh
# Install what the build and the suite need on a Debian machine, only if
# something is missing (a second run costs a few checks, no apt-get).
set -eu
need=""
have_cmd() { command -v "$1" >/dev/null 2>&1; }
have_cmd gcc || need="$need gcc"
have_cmd make || need="$need make"
have_cmd pkg-config || need="$need pkg-config"
have_cmd kyua || need="$need kyua"
have_cmd atf-sh || need="$need atf-sh"
have_cmd gdb || need="$need gdb"
have_cmd valgrind || need="$need valgrind"
have_cmd gcovr || need="$need gcovr"
# the ext2 tests: mke2fs makes images, e2fsck judges them, debugfs reads
[ -x /sbin/e2fsck ] || [ -x /usr/sbin/e2fsck ] || have_cmd e2fsck || need="$need e2fsprogs"
have_cmd objcopy || need="$need binutils"
# The packet oracle of tests/net (skipped with a reason when absent).
have_cmd tshark || need="$need tshark"
have_cmd tcpdump || need="$need tcpdump"	# the second opinion
have_cmd sox || need="$need sox"	# the audio tests' oracle
pkg-config --exists atf-c 2>/dev/null || need="$need libatf-dev"
[ -z "$need" ] && exit 0
echo "install-deps: installing:$need"
if [ "$(id -u)" -ne 0 ]; then
	if have_cmd sudo; then SUDO=sudo; else
		echo "install-deps: need root to install:$need" >&2; exit 1
	fi
else
	SUDO=
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $need >/dev/null
