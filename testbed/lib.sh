# SPDX-License-Identifier: GPL-2.0
# Shared helpers for the testbed scripts: paths, step timing, failure.

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD:-$TOP/build}
TREE=$BUILD/linux
CONFIG_NAME=${CONFIG_NAME:-fast}
# Kernel objects live in a direct subdirectory of the tree they are built
# from: kbuild then uses the relative srctree "..", so compiler command
# lines are the same in build/linux, the series check's worktree and the
# pristine tree, and ccache hits across them.
out_dir() { echo "$1/out-$2"; }
OUT=${OUT:-$(out_dir "$TREE" "$CONFIG_NAME")}

# base_worktree DIR: a worktree of build/linux at 'base' in DIR (created
# once; a later patch walk or checkout moves it).
base_worktree() {
	[ -d "$1" ] && return 0
	git -C "$TREE" worktree prune
	mkdir -p "$(dirname "$1")"
	git -C "$TREE" worktree add -q --detach "$1" base || die "cannot create $1"
}

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
