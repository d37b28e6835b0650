#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# bench/size.sh WORKDIR: bytes a livepatch .ko grows by per declared build
# (klp-convert on the host, srcversion keys), with the generator of the
# series' klp-convert benchmark (gen.py: 10,000 relocations, 5,000 symbols
# in 8 files, 64 duplicated names that one relocation in 16 references):
#   same  builds linked in one order, each with its own srcversion: the
#         relocations are the same in all, so they stay unversioned and
#         each extra build only declares its key (an empty section)
#   diff  builds alternating between two link orders: the 625 relocations
#         to duplicated names differ, so every build gets a keyed section
#         with its own copy of them
# Lines: size KIND BUILDS BYTES UNVERSIONED_RELOCS KEYED_RELOCS
set -euo pipefail
. "$(dirname "$0")/../testbed/lib.sh"
W=$1/size
KLPC=$OUT/scripts/livepatch/klp-convert
GEN=$TREE/scripts/livepatch/tests/bench/gen.py
rm -rf "$W" && mkdir -p "$W"
python3 "$GEN" "$W" 10000 5000 8 "$(dirname "$KLPC")/klp-offsets.h"
cd "$W"
for s in *.s; do as -o "${s%.s}.o" "$s"; done
same_order=$(sed 's/ modinfo0\.o//' order0)
for ((k = 0; k < 8; k++)); do
	ld -r -o "same$k.ko" $same_order "modinfo$k.o"
	ld -r -o "diff$k.ko" $(cat "order$k")
done
printf '0x00000000\tprintk\tvmlinux\tEXPORT_SYMBOL\t\n' > symvers
for kind in same diff; do
	for ((n = 1; n <= 8; n++)); do
		args=(--symvers symvers)
		for ((k = 0; k < n; k++)); do args+=(--build "$kind$k.ko"); done
		"$KLPC" "${args[@]}" lp.o "$kind-$n.ko"
		"$KLPC" --list "$kind-$n.ko" > "$kind-$n.list"
		unv=$(awk '/unversioned/ { s += $2 } END { print s + 0 }' "$kind-$n.list")
		keyed=$(awk '/srcversion/ && /relocation/ { for (i = 1; i <= NF; i++) if ($(i + 1) ~ /^relocation/) s += $i } END { print s + 0 }' "$kind-$n.list")
		echo "size $kind $n $(stat -c %s "$kind-$n.ko") $unv $keyed"
	done
done
