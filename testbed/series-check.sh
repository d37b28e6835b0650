#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Series hygiene: apply each patch of patches/series on 'base' in turn,
# build after each one (bisectability) and run checkpatch.pl --strict on
# it.  Prints one TAP-style result line per patch and check on fd 1:
#   result <ok|not ok> series:<patch> <what>
# A patch whose content and predecessors are unchanged since it last
# passed is not rebuilt (the verdict is cached by fingerprint).
set -uo pipefail
. "$(dirname "$0")/lib.sh"

SERIES=$TOP/patches/series
WT=$BUILD/series-wt
SOUT=$BUILD/out-series
CACHE=$BUILD/series-cache
JOBS=$(($(nproc) + 1))
export CCACHE_DIR=${CCACHE_DIR:-$HOME/.ccache} CCACHE_BASEDIR=$BUILD

patches=$(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$SERIES" 2>/dev/null)
if [ -z "$patches" ]; then
	echo "result ok series:empty no patches to check"
	exit 0
fi
[ -f "$OUT/.config" ] || die "no $OUT/.config: run the configure step first"

mkdir -p "$CACHE" "$SOUT"
if [ ! -d "$WT" ]; then
	git -C "$TREE" worktree prune
	git -C "$TREE" worktree add -q --detach "$WT" base || die "cannot create $WT"
fi
git -C "$WT" am --abort > /dev/null 2>&1
git -C "$WT" checkout -q --detach base && git -C "$WT" reset -q --hard base
cp "$OUT/.config" "$SOUT/.config"

fp=base
n=0
total=$(echo "$patches" | wc -l)
failed=0
for p in $patches; do
	n=$((n + 1))
	fp=$(printf '%s\n' "$fp" "$(sha256sum < "$TOP/patches/$p")" | sha256sum | cut -c1-16)
	if ! git -C "$WT" am -q "$TOP/patches/$p" > "$SOUT/am.log" 2>&1; then
		echo "result not ok series:$p does not apply on its predecessors: $(grep -m1 -E '^error' "$SOUT/am.log")"
		failed=1
		break
	fi
	if [ -f "$CACHE/$fp" ]; then
		echo "result ok series:$p builds, checkpatch as before (cached)"
		continue
	fi
	echo "  [$n/$total] building with $p applied" >&2
	t0=$(date +%s)
	if ! make -C "$WT" O="$SOUT" ARCH=x86_64 -j"$JOBS" CC="ccache gcc" HOSTCC="ccache gcc" \
		olddefconfig bzImage modules > "$SOUT/build-$n.log" 2>&1; then
		echo "result not ok series:$p does not build; log: $SOUT/build-$n.log"
		grep -m5 -E 'error' "$SOUT/build-$n.log" | sed 's/^/# /'
		failed=1
		break
	fi
	# checkpatch --strict: errors fail; warnings and checks pass only
	# when the commit message justifies them (it names checkpatch).
	(cd "$WT" && PATH=/usr/bin:$PATH ./scripts/checkpatch.pl --strict -q --no-summary \
		"$TOP/patches/$p") > "$SOUT/checkpatch-$n.log" 2>&1
	errors=$(grep -c '^ERROR:' "$SOUT/checkpatch-$n.log")
	warnings=$(grep -cE '^(WARNING|CHECK):' "$SOUT/checkpatch-$n.log")
	justified=$(sed '/^---$/q' "$TOP/patches/$p" | grep -ci checkpatch)
	if [ "$errors" -gt 0 ] || { [ "$warnings" -gt 0 ] && [ "$justified" = 0 ]; }; then
		echo "result not ok series:$p checkpatch --strict: $errors errors, $warnings unjustified warnings"
		sed 's/^/# /' "$SOUT/checkpatch-$n.log" | head -30
		failed=1
		continue
	fi
	[ "$warnings" -gt 0 ] && echo "# $p: $warnings checkpatch warnings/checks, justified in its commit message"
	echo "result ok series:$p builds and passes checkpatch --strict ($(($(date +%s) - t0))s)"
	touch "$CACHE/$fp"
done
exit $failed
