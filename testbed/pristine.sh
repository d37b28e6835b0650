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
# The series keeps mod->build_id whenever CONFIG_LIVEPATCH is set; a 6.12
# kernel has that field only with CONFIG_STACKTRACE_BUILD_ID.  Turn it on
# here, so that struct module has the same layout in both kernels and the
# series' test modules load on the pristine one: a kernel of the same
# version that the modules fit, which is the case the guard is for.
{ cmp -s "$OUT/.config" "$POUT/.config.series" &&
	grep -q '^CONFIG_STACKTRACE_BUILD_ID=y' "$POUT/.config"; } || {
	cp "$OUT/.config" "$POUT/.config"
	"$PT/scripts/config" --file "$POUT/.config" --enable STACKTRACE_BUILD_ID
	cp "$OUT/.config" "$POUT/.config.series"
}
log=$POUT/build.log
echo "building the pristine base bzImage (-j$JOBS, log: $log)"
make -C "$PT" O="$POUT" ARCH=x86_64 -j"$JOBS" CC="ccache gcc" HOSTCC="ccache gcc" \
	olddefconfig bzImage > "$log" 2>&1 || { tail -30 "$log" >&2; die "pristine build failed; log: $log"; }
grep -q '^CONFIG_STACKTRACE_BUILD_ID=y' "$POUT/.config" ||
	die "the pristine kernel lacks CONFIG_STACKTRACE_BUILD_ID: its struct module would not fit the test modules"
release=$(cat "$POUT/include/config/kernel.release")
[ "$release" = "$(cat "$OUT/include/config/kernel.release")" ] ||
	die "pristine release $release differs from the series kernel's: the test modules would not load"
echo "pristine kernel $release: $POUT/arch/x86/boot/bzImage"
