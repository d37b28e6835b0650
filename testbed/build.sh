#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Build bzImage, the modules, and the livepatch selftests (test_modules and
# user programs) installed in the kselftest layout under $OUT/kselftest.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

JOBS=$(($(nproc) + 1))
KMAKE=(make -C "$TREE" O="$OUT" ARCH=x86_64 -j"$JOBS" CC="ccache gcc" HOSTCC="ccache gcc")
export CCACHE_DIR=${CCACHE_DIR:-$HOME/.ccache}
export CCACHE_BASEDIR=$BUILD

log=$OUT/build.log
echo "building bzImage and modules (-j$JOBS, log: $log)"
if ! "${KMAKE[@]}" bzImage modules > "$log" 2>&1; then
	grep -E 'error|Error' "$log" | head -30 >&2
	die "kernel build failed; full log: $log"
fi
grep -E '^(.*: )?warning:' "$log" | sort -u | head -20 || true
"${KMAKE[@]}" -s modules_install INSTALL_MOD_PATH="$OUT/modroot" INSTALL_MOD_STRIP=1 \
	DEPMOD=true >> "$log" 2>&1 || die "modules_install failed; log: $log"

echo "building the selftests (TARGETS=${KSFT_TARGETS:=livepatch})"
rm -rf "$OUT/kselftest"
# No CCACHE_BASEDIR here: it turns the external modules' dependency paths
# relative, and modpost's srcversion then skips the module's own headers.
if ! env -u CCACHE_BASEDIR make -C "$TREE/tools/testing/selftests" TARGETS="$KSFT_TARGETS" \
	KDIR="$OUT" CC="ccache gcc" O= INSTALL_PATH="$OUT/kselftest" \
	-j"$JOBS" install > "$OUT/kselftest.log" 2>&1; then
	tail -30 "$OUT/kselftest.log" >&2
	die "selftest build failed; full log: $OUT/kselftest.log"
fi
n=$(find "$OUT/kselftest" -name '*.ko' | wc -l)
[ "$n" -gt 0 ] || die "the selftest install has no test modules; log: $OUT/kselftest.log"
echo "kernel $(cat "$OUT/include/config/kernel.release"), $(find "$OUT/modroot" -name '*.ko' | wc -l) modules, $n selftest modules"
