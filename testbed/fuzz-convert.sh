#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Fuzz klp-convert (scripts/livepatch of build/linux) with libFuzzer.
#   fuzz-convert.sh smoke   TAP: build, replay fuzz/regressions-convert and
#                           the seeds, fuzz FUZZ_SECONDS (30); needs the
#                           klp-convert host suite's builds
#   fuzz-convert.sh long    FUZZ_SECONDS (600) or FUZZ_RUNS
# Seeds: the livepatches (*.klp.o, read and converted) and target builds
# (read) of $OUT/klp-convert-tests; conversions are bound to its builds
# A, B and C.  The corpus grows in build/fuzz-convert/corpus, crashes land
# in build/fuzz-convert/crashes.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

mode=${1:-smoke}
FZ=$BUILD/fuzz-convert
BIN=$FZ/klp-convert-fuzz
WORK=$OUT/klp-convert-tests
mkdir -p "$FZ/corpus" "$FZ/crashes" "$FZ/seeds"
rm -f "$FZ"/seeds/*

for b in A B C; do
	[ -e "$WORK/target-$b/klpt_target.ko" ] ||
		die "no $WORK/target-$b/klpt_target.ko: run the klp-convert host suite first"
done
export KLP_FUZZ_BUILDS=$WORK/target-A/klpt_target.ko:$WORK/target-B/klpt_target.ko:$WORK/target-C/klpt_target.ko
export KLP_FUZZ_SYMVERS=$OUT/Module.symvers KLP_FUZZ_MAP=$OUT/Symbols.klp
for f in "$WORK"/lp-*/*.klp.o; do
	n=$(basename "$(dirname "$f")")
	{ printf '\001'; cat "$f"; } > "$FZ/seeds/$n-read"
	{ printf '\002'; cat "$f"; } > "$FZ/seeds/$n-convert"
done
for f in "$WORK"/target-*/*.ko "$WORK"/derived/*/*.ko; do
	n=$(basename "$(dirname "$f")")
	{ printf '\000'; cat "$f"; } > "$FZ/seeds/build-$n"
done

make -s -C "$TOP/fuzz" O="$FZ" KLPC_SRC="$TREE/scripts/livepatch" \
	KLPC_OUT="$OUT" klp-convert > "$FZ/build.log" 2>&1 ||
	{ cat "$FZ/build.log"; die "cannot build klp-convert-fuzz (clang-14, libfuzzer-14-dev, libelf-dev)"; }

fuzz() {
	nice -n 10 "$BIN" -artifact_prefix="$FZ/crashes/" -timeout=10 \
		-rss_limit_mb=2048 -print_final_stats=1 "$@" \
		"$FZ/corpus" "$FZ/seeds"
}

# The first line of a sanitizer report or of a leftover file.
fuzz_report() {
	sed -n '/ERROR\|runtime error\|left behind/{p;q}'
}

if [ "$mode" = long ]; then
	fuzz_long klp-convert
	exit
fi

for f in "$TOP"/fuzz/regressions-convert/*; do
	case $f in */README) continue ;; esac
	out=$("$BIN" -timeout=10 "$f" 2>&1)
	tap $? "regression $(basename "$f")" "$(fuzz_report <<< "$out")"
done
out=$("$BIN" -timeout=10 "$FZ"/seeds/* 2>&1)
tap $? "$(ls "$FZ/seeds" | wc -l) seeds replayed" "$(fuzz_report <<< "$out")"
# a seed that converts must reach the writer: the conversion is fuzzed
out=$(FUZZ_VERBOSE=1 "$BIN" "$FZ/seeds/lp-main-convert" 2>&1)
! grep -q 'klp-convert: error\|klp-convert: .*: malformed' <<< "$out"
tap $? "seed lp-main-convert converts without an error" "$(grep 'klp-convert:' <<< "$out" | head -3)"

fuzz_smoke "$FZ" klp-convert
tap_summary
