#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# bench/scaling.sh WORKDIR: klp-convert's cost as relocations and builds
# grow, on the host.  First the series' own benchmark
# (scripts/livepatch/tests/bench/run.sh: 100,000 relocations x 8 builds of
# a 50,000-symbol module, then double), then a grid over its generator
# (gen.py): relocations 1,000 / 10,000 / 100,000 (symbols: half as many)
# times 1 / 2 / 4 / 8 builds.  Per point: wall time (median of RUNS runs
# after one warm-up, date +%s%N around /usr/bin/time), instructions (callgrind: perf has no hardware
# counters in this VM), peak RSS and output size.  Lines:
#   runsh <run.sh's output line>
#   grid RELOCS BUILDS WALL_S INSTRUCTIONS RSS_KB OUT_BYTES
set -euo pipefail
. "$(dirname "$0")/../testbed/lib.sh"
W=$1
KLPC=$OUT/scripts/livepatch/klp-convert
BENCHDIR=$TREE/scripts/livepatch/tests/bench
RUNS=${RUNS:-5}
RELOCS=${RELOCS:-1000 10000 100000}
BUILDS=${BUILDS:-1 2 4 8}
[ -x "$KLPC" ] || die "$KLPC missing: run 'make build' first"
mkdir -p "$W"

bash "$BENCHDIR/run.sh" "$KLPC" "$W/runsh" | sed 's/^/runsh /'

# prepare DIR RELOCS SYMBOLS BUILDS: as run.sh does.
prepare() {
	rm -rf "$1" && mkdir -p "$1"
	python3 "$BENCHDIR/gen.py" "$1" "$2" "$3" "$4" "$(dirname "$KLPC")/klp-offsets.h"
	(cd "$1"
	 for s in *.s; do as -o "${s%.s}.o" "$s"; done
	 for ((k = 0; k < $4; k++)); do ld -r -o "mod$k.ko" $(cat "order$k"); done
	 printf '0x00000000\tprintk\tvmlinux\tEXPORT_SYMBOL\t\n' > symvers)
}

for r in $RELOCS; do
	d=$W/grid-$r
	prepare "$d" "$r" $((r / 2)) 8
	for b in $BUILDS; do
		args=(--symvers "$d/symvers")
		for ((k = 0; k < b; k++)); do args+=(--build "$d/mod$k.ko"); done
		args+=("$d/lp.o" "$d/out-$b.ko")
		"$KLPC" "${args[@]}"
		walls=() rss=0
		for ((i = 0; i < RUNS; i++)); do
			t0=$(date +%s%N)
			/usr/bin/time -f '%M' -o "$d/time" "$KLPC" "${args[@]}"
			t1=$(date +%s%N)
			read -r m < "$d/time"
			walls+=("$(awk -v ns=$((t1 - t0)) 'BEGIN { printf "%.4f", ns / 1e9 }')")
			[ "$m" -gt "$rss" ] && rss=$m
		done
		wall=$(printf '%s\n' "${walls[@]}" | sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')
		valgrind --tool=callgrind --callgrind-out-file="$d/callgrind.out" \
			"$KLPC" "${args[@]}" 2> "$d/callgrind.log"
		ir=$(awk '/Collected/ { print $4 }' "$d/callgrind.log")
		echo "grid $r $b $wall $ir $rss $(stat -c %s "$d/out-$b.ko")"
	done
done
