#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Build the pristine base kernel (tag 'base', no series) with the fast
# configuration, for the guard test: build/pristine/linux is a worktree of
# build/linux at 'base', its objects in build/pristine/linux/out-fast, so
# ccache serves what the series does not change.  Only bzImage is built:
# the guest loads the series' test modules, whose vermagic matches.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

PT=$BUILD/pristine/linux
POUT=$(out_dir "$PT" fast)
JOBS=$(($(nproc) + 1))
export CCACHE_DIR=${CCACHE_DIR:-$HOME/.ccache} CCACHE_BASEDIR=$BUILD

[ -f "$OUT/.config" ] || die "no $OUT/.config: configure the fast kernel first"
base_worktree "$PT"
[ "$(git -C "$PT" rev-parse HEAD)" = "$(git -C "$TREE" rev-parse base)" ] ||
	git -C "$PT" checkout -q --detach base
mkdir -p "$POUT"
# The series' own options (its KUnit suite) drop out in olddefconfig.
cmp -s "$OUT/.config" "$POUT/.config.series" || {
	cp "$OUT/.config" "$POUT/.config"
	cp "$OUT/.config" "$POUT/.config.series"
}
log=$POUT/build.log
echo "building the pristine base bzImage (-j$JOBS, log: $log)"
make -C "$PT" O="$POUT" ARCH=x86_64 -j"$JOBS" CC="ccache gcc" HOSTCC="ccache gcc" \
	olddefconfig bzImage > "$log" 2>&1 || { tail -30 "$log" >&2; die "pristine build failed; log: $log"; }
release=$(cat "$POUT/include/config/kernel.release")
[ "$release" = "$(cat "$OUT/include/config/kernel.release")" ] ||
	die "pristine release $release differs from the series kernel's: the test modules would not load"
echo "pristine kernel $release: $POUT/arch/x86/boot/bzImage"
