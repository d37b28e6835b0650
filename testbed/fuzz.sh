#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Fuzz kernel/livepatch/elf.c of build/linux with libFuzzer (fuzz/README).
#   fuzz.sh smoke   TAP: build, replay fuzz/regressions and the seeds, check
#                   that the built livepatch modules pass, fuzz FUZZ_SECONDS
#                   (30); a host suite of make check
#   fuzz.sh long    make fuzz: FUZZ_SECONDS (600) or FUZZ_RUNS, FUZZ_JOBS (1)
#   fuzz.sh cov     coverage of elf.c by the corpus (llvm-cov-14)
# The corpus grows in build/fuzz/corpus; crashes land in build/fuzz/crashes.
# TRUST_SYMBOL_NAMES=1 builds the harness that drops unchecked symbol names;
# ELF_C=<path> fuzzes another elf.c (with its elf.h beside it).
set -uo pipefail
. "$(dirname "$0")/lib.sh"

mode=${1:-smoke}
FZ=$BUILD/fuzz
BIN=$FZ/klp-elf-fuzz${TRUST_SYMBOL_NAMES:+-trust}
MODS=$OUT/kselftest/livepatch/test_modules
mkdir -p "$FZ/corpus" "$FZ/crashes" "$FZ/seeds"
rm -f "$FZ"/seeds/ko-*

# Seeds: every livepatch module of the build, and hand-made ones.
lps=()
for ko in "$MODS"/*.ko; do
	[ -e "$ko" ] && [ "$(modinfo -F livepatch "$ko" 2>/dev/null)" = Y ] || continue
	{ printf '\001'; cat "$ko"; } > "$FZ/seeds/ko-$(basename "$ko" .ko)"
	lps+=("$FZ/seeds/ko-$(basename "$ko" .ko)")
done
python3 "$TOP/fuzz/mkseeds.py" "$FZ/seeds" || die "mkseeds.py failed"

mk=(make -s -C "$TOP/fuzz" O="$FZ" ELF_C="${ELF_C:-$TREE/kernel/livepatch/elf.c}"
	${TRUST_SYMBOL_NAMES:+TRUST_SYMBOL_NAMES=1})
"${mk[@]}" > "$FZ/build.log" 2>&1 ||
	{ cat "$FZ/build.log"; die "cannot build the fuzzer (make deps installs clang-14 and libfuzzer-14-dev)"; }

fuzz() {
	"$BIN" -dict="$TOP/fuzz/klp.dict" -artifact_prefix="$FZ/crashes/" \
		-timeout=10 -rss_limit_mb=2048 -print_final_stats=1 "$@" \
		"$FZ/corpus" "$FZ/seeds"
}

# Line and function coverage of elf.c by the corpus and the seeds.
if [ "$mode" = cov ]; then
	"${mk[@]}" cov || die "cannot build the coverage binary"
	cov=$FZ/klp-elf-cov${TRUST_SYMBOL_NAMES:+-trust}
	rm -f "$FZ"/cov-*.profraw
	LLVM_PROFILE_FILE="$FZ/cov-%p.profraw" "$cov" -runs=0 "$FZ/corpus" "$FZ/seeds" > "$FZ/cov.log" 2>&1
	llvm-profdata-14 merge -sparse "$FZ"/cov-*.profraw -o "$FZ/cov.profdata" || die "no profile"
	llvm-cov-14 report "$cov" -instr-profile="$FZ/cov.profdata" --show-functions \
		"${ELF_C:-$TREE/kernel/livepatch/elf.c}"
	llvm-cov-14 show "$cov" -instr-profile="$FZ/cov.profdata" \
		"${ELF_C:-$TREE/kernel/livepatch/elf.c}" > "$FZ/cov-elf.txt"
	echo "line by line: $FZ/cov-elf.txt"
	exit
fi

# The gist of a sanitizer report or a wrong result.
fuzz_report() {
	sed '/allocated by thread/q' |
		grep -E '^(==[0-9]+==ERROR|wrong result|    #[0-9]+ .* in (klp_|fuzz_|use_module|check_selection|apply|lay_out))' |
		sed -e 's/ (\/.*BuildId: [0-9a-f]*)//' | head -6
}

if [ "$mode" = long ]; then
	fuzz_long elf.c
	exit
fi

# One input: no sanitizer report, no wrong result.
replay() {
	local out
	out=$("$BIN" "$1" 2>&1) && return 0
	fuzz_report <<< "$out" | sed 's/^/# /'
	return 1
}

# A regression passes when it replays cleanly after reaching elf.c.
for f in "$TOP"/fuzz/regressions/*; do
	case $f in */README) continue ;; esac
	rc=0
	out=$(FUZZ_VERBOSE=1 "$BIN" "$f" 2>&1)
	if grep -Eq '^<>fuzz: (refused by the loader|not a livepatch)' <<< "$out"; then
		echo "# $(basename "$f") does not reach elf.c"
		rc=1
	fi
	replay "$f" || rc=1
	tap $rc "regression $(basename "$f")"
done
rc=0
for f in "$FZ"/seeds/*; do
	replay "$f" || { echo "# seed $(basename "$f")"; rc=1; }
done
tap $rc "$(ls "$FZ/seeds" | wc -l) seeds replayed"

# The harness must not refuse real livepatches: it would fuzz nothing.
rc=0
[ ${#lps[@]} -gt 0 ] || { echo "# no livepatch modules in $MODS"; rc=1; }
for f in "${lps[@]}"; do
	out=$(FUZZ_VERBOSE=1 "$BIN" "$f" 2>&1)
	grep -q '^<>fuzz: accepted' <<< "$out" ||
		{ echo "# $(basename "$f"): $(grep '^<' <<< "$out" | tail -2 | tr '\n' ' ')"; rc=1; }
done
tap $rc "${#lps[@]} built livepatch modules pass the loader's and elf.c's checks"

fuzz_smoke "$FZ" elf.c
tap_summary
