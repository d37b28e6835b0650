#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Install what the testbed needs on a Debian 12 machine (as root).  Only
# missing packages are installed, so a warm machine pays one dpkg query.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

PACKAGES=(
	build-essential gcc make flex bison bc libelf-dev libssl-dev pkg-config
	cpio gzip xz-utils zstd rsync git python3 ccache binutils
	qemu-system-x86 busybox-static
	bash coreutils kmod procps gawk grep sed diffutils util-linux findutils
	libc-bin valgrind time python3-ply clang-14 libfuzzer-14-dev libclang-rt-14-dev llvm-14
)

missing=()
for p in "${PACKAGES[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
		missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
	echo "all ${#PACKAGES[@]} packages present"
	exit 0
fi
[ "$(id -u)" = 0 ] ||
	die "missing packages: ${missing[*]}; run as root or install them with apt-get"
mkdir -p "$BUILD"
echo "installing: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq || die "apt-get update failed: check the network and /etc/apt/sources.list"
apt-get install -y -qq --no-install-recommends "${missing[@]}" > "$BUILD/apt.log" 2>&1 ||
	{ tail -20 "$BUILD/apt.log" >&2; die "apt-get install failed for: ${missing[*]}"; }
echo "installed ${#missing[@]} packages"
