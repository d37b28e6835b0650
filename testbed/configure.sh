#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Configure build/linux/out-$CONFIG_NAME: tinyconfig plus the fragments of the
# chosen configuration, then check that every requested option stuck.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

case $CONFIG_NAME in
fast) fragments="$TOP/configs/fast.config" ;;
debug) fragments="$TOP/configs/fast.config $TOP/configs/debug.config" ;;
*) die "unknown configuration '$CONFIG_NAME' (fast or debug)" ;;
esac
[ -f "$TOP/configs/kunit.config" ] && fragments="$fragments $TOP/configs/kunit.config"
if [ "$CONFIG_NAME" = debug ] && [ -f "$TOP/configs/kunit-debug.config" ]; then
	fragments="$fragments $TOP/configs/kunit-debug.config"
fi

mkdir -p "$OUT"
sig=$(cat $fragments "$TREE/.git/klp-testbed-state" 2>/dev/null | sha256sum | cut -d' ' -f1)
if [ -f "$OUT/.config" ] && [ "$(cat "$OUT/.klp-config-sig" 2>/dev/null)" = "$sig" ]; then
	echo "configuration $CONFIG_NAME unchanged"
	exit 0
fi

make -s -C "$TREE" O="$OUT" ARCH=x86_64 tinyconfig > "$OUT/config.log" 2>&1 ||
	{ cat "$OUT/config.log"; die "tinyconfig failed"; }
(cd "$OUT" && "$TREE/scripts/kconfig/merge_config.sh" -m -O "$OUT" .config $fragments) \
	>> "$OUT/config.log" 2>&1 || { cat "$OUT/config.log"; die "merge_config failed"; }
make -s -C "$TREE" O="$OUT" ARCH=x86_64 olddefconfig >> "$OUT/config.log" 2>&1 ||
	{ cat "$OUT/config.log"; die "olddefconfig failed"; }

missing=()
for f in $fragments; do
	while IFS= read -r line; do
		case $line in
		CONFIG_*=*) grep -qx -- "$line" "$OUT/.config" || missing+=("$line") ;;
		"# CONFIG_"*" is not set")
			opt=${line#\# }
			opt=${opt%% *}
			grep -q "^$opt=" "$OUT/.config" && missing+=("$line")
			;;
		esac
	done < "$f"
done
if [ ${#missing[@]} -gt 0 ]; then
	echo "error: these options of the $CONFIG_NAME configuration did not stick:" >&2
	printf '  %s\n' "${missing[@]}" >&2
	exit 1
fi
echo "$sig" > "$OUT/.klp-config-sig"
echo "configuration $CONFIG_NAME: $(grep -c '=y\|=m' "$OUT/.config") options set, all requested ones present"
