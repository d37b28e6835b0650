#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make bench: every benchmark of bench/README.md, then the README's table
# and plots (bench/*.png) from the raw results (bench/results/).
#   1. resolve once   guest: the series and the pristine kernel, booted one
#                     after the other in this run (bench/modules.sh,
#                     guest/guest-bench.sh)
#   2. variants       guest: the series kernel, same boot
#   3. size           host: klp-convert (bench/size.sh)
#   4. scaling        host: klp-convert (bench/scaling.sh, which runs the
#                     series' scripts/livepatch/tests/bench/run.sh)
# Not part of make check.  Installs gnuplot, valgrind and time if missing.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
W=$OUT/bench
RES=$TOP/bench/results
# Timed insmods per case; variant cases: rounds x reps (rounds interleave
# the variant counts, each loading every livepatch again), of the kinds
# listed (keyed, builds).
BENCH_REPS=${BENCH_REPS:-11}
BENCH_VROUNDS=${BENCH_VROUNDS:-3}
BENCH_VREPS=${BENCH_VREPS:-5}
BENCH_KINDS=${BENCH_KINDS:-keyed,builds}
t_all=$(date +%s)

# What the benchmarks use beyond make check's packages: gnuplot for the
# plots, valgrind (callgrind) for instruction counts, GNU time for peak RSS.
missing=()
command -v gnuplot > /dev/null || missing+=(gnuplot-nox)
command -v valgrind > /dev/null || missing+=(valgrind)
[ -x /usr/bin/time ] || missing+=(time)
if [ ${#missing[@]} -gt 0 ]; then
	[ "$(id -u)" = 0 ] || die "missing: apt-get install ${missing[*]}"
	echo "installing ${missing[*]} for the benchmarks"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" \
		> "$BUILD/apt-bench.log" 2>&1 ||
		{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
			--no-install-recommends "${missing[@]}" > "$BUILD/apt-bench.log" 2>&1; } ||
		die "cannot install ${missing[*]}; log: $BUILD/apt-bench.log"
fi
[ -x "$OUT/scripts/livepatch/klp-convert" ] || die "no klp-convert in $OUT: run 'make build' first"

mkdir -p "$W" "$RES"
rm -f "$RES"/*.txt
{
	echo "date $(date -u '+%Y-%m-%d %H:%M UTC')"
	echo "cpu $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) CPUs, hypervisor: $(lscpu | sed -n 's/^Hypervisor vendor: *//p')"
	echo "memory $(free -g | awk '/^Mem:/ { print $2 }') GiB"
	echo "host $(uname -sr)"
	echo "qemu $(qemu-system-x86_64 --version | head -1)"
	echo "gcc $(gcc --version | head -1)"
	echo "load_start $(cut -d' ' -f1-3 /proc/loadavg)"
	echo "series $(git -C "$TREE" describe --always HEAD) ($(git -C "$TREE" rev-list --count base..HEAD) patches on base)"
} > "$RES/machine.txt"

step "build the pristine base kernel" bash "$TOP/testbed/pristine.sh"
PKERNEL=$(out_dir "$BUILD/pristine/linux" fast)/arch/x86/boot/bzImage
step "build the benchmark modules" bash "$TOP/bench/modules.sh" "$W"
cp "$W/facts/sizes" "$RES/modules-sizes.txt"
cp "$W/facts/lp" "$RES/modules-lp.txt"

args="klp.bench_reps=$BENCH_REPS klp.bench_vrounds=$BENCH_VROUNDS klp.bench_vreps=$BENCH_VREPS klp.bench_kinds=$BENCH_KINDS"
for k in series pristine; do
	kernel=$OUT/arch/x86/boot/bzImage
	[ $k = pristine ] && kernel=$PKERNEL
	step "boot the $k kernel and run the guest benchmarks" \
		env KERNEL="$kernel" INITRD="$W/initramfs-bench.cpio.gz" KERNEL_ARGS="$args" \
		VM_TIMEOUT=${BENCH_VM_TIMEOUT:-1500} QUIET=1 bash "$TOP/testbed/boot.sh" bench ||
		die "the $k guest did not finish cleanly; console: $OUT/bench-console.log"
	grep -E '^(sample|count|check|info|phase) ' "$OUT/bench-results.txt" > "$RES/guest-$k.txt"
	cp "$OUT/bench-console.log" "$W/console-$k.log"
done

step "size (klp-convert, host)" bash -c "bash '$TOP/bench/size.sh' '$W' > '$RES/size.txt'"
step "scaling (klp-convert, host)" bash -c "bash '$TOP/bench/scaling.sh' '$W/scaling' > '$RES/scaling.txt'"
echo "load_end $(cut -d' ' -f1-3 /proc/loadavg)" >> "$RES/machine.txt"
echo "duration $(($(date +%s) - t_all)) s" >> "$RES/machine.txt"
step "table and plots" python3 "$TOP/bench/report.py" "$RES" "$TOP/bench"
echo "bench/README.md written ($(($(date +%s) - t_all)) s in all)"
# A failed check means a figure does not measure what it claims.
if grep -h ' not-ok ' "$RES"/guest-*.txt >&2; then
	die "checks of the guest benchmarks failed (above); the table lists them"
fi
