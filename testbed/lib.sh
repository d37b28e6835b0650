# SPDX-License-Identifier: GPL-2.0
# Shared helpers for the testbed scripts: paths, step timing, failure.

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD:-$TOP/build}
TREE=$BUILD/linux
CONFIG_NAME=${CONFIG_NAME:-fast}
OUT=${OUT:-$BUILD/out-$CONFIG_NAME}

die() {
	echo "error: $*" >&2
	exit 1
}

# step NAME CMD...: print what runs, run it, print how long it took.
step() {
	local name=$1 t0 rc
	shift
	t0=$(date +%s)
	echo "==> $name"
	"$@"
	rc=$?
	echo "==> $name: $([ $rc -eq 0 ] && echo done || echo FAILED) in $(($(date +%s) - t0))s"
	return $rc
}
