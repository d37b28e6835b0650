#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Series hygiene: apply each patch of patches/series on 'base' in turn,
# build after each one (bisectability) and run checkpatch.pl --strict on
# it.  Prints one TAP-style result line per patch and check on fd 1:
#   result <ok|not ok> series:<patch> <what>
# A patch whose content, predecessors and configuration are unchanged
# since it last passed is not rebuilt (the verdict is cached by
# fingerprint).  The worktree mirrors build/linux's layout (tree/out-cfg),
# so compiler command lines match the main build's and ccache serves every
# object a patch does not change: one kernel is built from nothing, not two.
#
# checkpatch --strict: an ERROR fails the patch.  A WARNING or CHECK passes
# only when the commit message justifies its type on a line of its own:
#   checkpatch: <TYPE>: <why this warning is right to keep>
set -uo pipefail
. "$(dirname "$0")/lib.sh"

SERIES=$TOP/patches/series
WT=$BUILD/series/linux
SOUT=$(out_dir "$WT" "$CONFIG_NAME")
CACHE=$BUILD/series-cache
JOBS=$(($(nproc) + 1))
export CCACHE_DIR=${CCACHE_DIR:-$HOME/.ccache} CCACHE_BASEDIR=$BUILD

patches=$(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$SERIES" 2>/dev/null)
if [ -z "$patches" ]; then
	echo "result ok series:empty no patches to check"
	exit 0
fi
[ -f "$OUT/.config" ] || die "no $OUT/.config: run the configure step first"

mkdir -p "$CACHE"
base_worktree "$WT"
mkdir -p "$SOUT"
git -C "$WT" am --abort > /dev/null 2>&1
git -C "$WT" checkout -q --detach base && git -C "$WT" reset -q --hard base
cp "$OUT/.config" "$SOUT/.config"

# check_patch PATCH N: checkpatch --strict with the policy above.
check_patch() {
	local p=$1 n=$2 log=$SOUT/checkpatch-$2.log msg types t errors unjustified=()
	(cd "$WT" && PATH=/usr/bin:$PATH ./scripts/checkpatch.pl --strict --show-types -q \
		--no-summary "$TOP/patches/$p") > "$log" 2>&1
	errors=$(grep -c '^ERROR:' "$log")
	msg=$(sed -e '1,/^$/d' -e '/^---$/,$d' "$TOP/patches/$p")
	types=$(sed -n 's/^\(WARNING\|CHECK\):\([A-Z0-9_]*\):.*/\2/p' "$log" | sort -u)
	for t in $types; do
		grep -qE "^checkpatch: $t: [^ ]" <<< "$msg" || unjustified+=("$t")
	done
	if [ "$errors" -gt 0 ] || [ ${#unjustified[@]} -gt 0 ]; then
		echo "result not ok series:$p checkpatch --strict: $errors errors; unjustified warning types: ${unjustified[*]:-none}"
		sed 's/^/# /' "$log" | head -30
		return 1
	fi
	[ -n "$types" ] && echo "# $p: checkpatch types justified in its commit message: $(echo $types)"
	return 0
}

fp=$(sha256sum < "$OUT/.config" | cut -c1-16)
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
		olddefconfig vmlinux modules > "$SOUT/build-$n.log" 2>&1; then
		echo "result not ok series:$p does not build; log: $SOUT/build-$n.log"
		grep -m5 -E 'error' "$SOUT/build-$n.log" | sed 's/^/# /'
		failed=1
		break
	fi
	if ! check_patch "$p" "$n"; then
		failed=1
		continue
	fi
	echo "result ok series:$p builds and passes checkpatch --strict ($(($(date +%s) - t0))s)"
	touch "$CACHE/$fp"
done
exit $failed
