#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# bench/modules.sh WORKDIR: build the modules of the guest benchmarks and
# pack them, appended to $OUT's initramfs, as WORKDIR/initramfs-bench.cpio.gz.
#   klp_bench_target.ko        5,000 static symbols (bench/gen-resolve.py)
#   klp_bench_lp.ko            10,000 relocations to 100 of them, converted
#                              by klp-convert without builds: unversioned
#                              sections only, loadable by pristine 6.12
#   klp_bench_lp-onesym.ko     the same relocations, all to one symbol: the
#                              cost of writing them without the lookups
#   klp_bench_lp-keyed-N.ko    the same with N build-ID variants, the
#                              selected one holding every relocation
#                              (bench/klp-variants.py keyed)
#   klp_bench_lp-builds-N.ko   klp-convert --keys build-id with N builds of
#                              the target with equal symbols (other build IDs)
#   pristine/                  the target and the two resolve livepatches
#                              built against the pristine tree, for the
#                              pristine kernel
# Every file is checked with klp-convert --list/--check or readelf before it
# is packed.
set -euo pipefail
. "$(dirname "$0")/../testbed/lib.sh"
W=$(realpath -m "$1")
HERE=$TOP/bench
KLPC=$OUT/scripts/livepatch/klp-convert
KMAKE=(make -C "$OUT" ARCH=x86_64 CC="ccache gcc" -j"$(($(nproc) + 1))")
export CCACHE_DIR=${CCACHE_DIR:-$HOME/.ccache}
VARIANTS="1 8 64 512"

rm -rf "$W/src" "$W/root" "$W/facts"
M=$W/root/bench
mkdir -p "$M" "$W/facts"
python3 "$HERE/gen-resolve.py" "$W/src"
# As testbed/build.sh: no CCACHE_BASEDIR for external modules.
env -u CCACHE_BASEDIR "${KMAKE[@]}" M="$W/src/target" modules > "$W/target.log" 2>&1 ||
	{ tail -20 "$W/target.log" >&2; die "target module build failed; log: $W/target.log"; }
env -u CCACHE_BASEDIR "${KMAKE[@]}" M="$W/src/lp" modules > "$W/lp.log" 2>&1 ||
	{ tail -20 "$W/lp.log" >&2; die "livepatch build failed; log: $W/lp.log"; }
target=$W/src/target/klp_bench_target.ko
linked=$W/src/lp/klp_bench_lp.klp.o
cp "$target" "$M/"
cp "$W/src/expected" "$M/expected"
python3 "$HERE/klp-variants.py" build-id "$target" > "$M/target.build-id"
relocs=$(awk '$1 == "relocs" { print $2 }' "$W/src/expected")
distinct=$(awk '$1 == "distinct" { print $2 }' "$W/src/expected")

# listed LP.ko: klp-convert --list's summary of the target object.
listed() { "$KLPC" --list "$1" | tee "$W/facts/$(basename "$1").list"; }

# Unbound: the map names the target's symbols, no build is declared.
"$KLPC" --write-map "$W/bench.map" "$OUT/vmlinux" "$target"
"$KLPC" --symvers "$OUT/Module.symvers" --map "$W/bench.map" "$linked" "$M/klp_bench_lp.ko"
listed "$M/klp_bench_lp.ko" > /dev/null
n=$(readelf -rW "$M/klp_bench_lp.ko" | awk '/^Relocation section .*\.klp\.rela\.klp_bench_target\./ { s = 1; next }
	/^Relocation section/ { s = 0 } s && /bench_sym_/ { n++ } END { print n + 0 }')
[ "$n" = "$relocs" ] || die "klp_bench_lp.ko has $n klp relocations to the target, not $relocs"
syms=$(readelf -sW "$M/klp_bench_lp.ko" | grep -c ' \.klp\.sym\.klp_bench_target\.bench_sym_' || true)
[ "$syms" = "$distinct" ] || die "klp_bench_lp.ko has $syms .klp.sym symbols, not $distinct"
! readelf -SW "$M/klp_bench_lp.ko" | grep -Eq '\.klp\.rela\.klp_bench_target\.[0-9a-fA-F]{16}' ||
	die "klp_bench_lp.ko has versioned sections: the pristine kernel would refuse or misapply it"
echo "klp_bench_lp.ko: $n relocations to $syms distinct symbols of klp_bench_target, unversioned"
{ echo "relocs $n"; echo "symbols $syms"; echo "unbound $(stat -c %s "$M/klp_bench_lp.ko")"; } > "$W/facts/lp"

onesym=$(awk '$1 == "onesym" { print $2 }' "$W/src/expected")
python3 "$HERE/klp-variants.py" onesym "$M/klp_bench_lp.ko" "$onesym" "$M/klp_bench_lp-onesym.ko"
n=$(readelf -rW "$M/klp_bench_lp-onesym.ko" | grep -c "\.klp\.sym\.klp_bench_target\.$onesym," || true)
[ "$n" = "$relocs" ] || die "klp_bench_lp-onesym.ko: $n relocations to $onesym, not $relocs"
echo "klp_bench_lp-onesym.ko: $n relocations, all to $onesym"

python3 "$HERE/klp-variants.py" builds "$target" 512 "$W/builds"
for v in $VARIANTS; do
	python3 "$HERE/klp-variants.py" keyed "$M/klp_bench_lp.ko" "$target" "$v" \
		"$M/klp_bench_lp-keyed-$v.ko" "$OUT/Module.symvers"
	builds=()
	for ((k = 0; k < v; k++)); do builds+=(--build "$W/builds/build$k.ko"); done
	"$KLPC" --symvers "$OUT/Module.symvers" --map "$W/bench.map" --keys build-id "${builds[@]}" \
		"$linked" "$M/klp_bench_lp-builds-$v.ko"
	for kind in keyed builds; do
		f=$M/klp_bench_lp-$kind-$v.ko
		got=$("$KLPC" --list "$f" | grep -c 'build-id' || true)
		[ "$got" = "$v" ] || die "$f: klp-convert --list shows $got build-ID variants, not $v"
		c=$W/facts/$(basename "$f").check
		"$KLPC" --list "$f" > "$W/facts/$(basename "$f").list"
		"$KLPC" --check "$f" "$target" > "$c" || die "$f: klp-convert --check refuses the target"
		grep -q 'build-ID match' "$c" || die "$f: klp-convert --check finds no build-ID match: $(cat "$c")"
		echo "$(basename "$f"): $v variants, $(stat -c %s "$f") bytes; --check: build-ID match"
		echo "$kind $v $(stat -c %s "$f")" >> "$W/facts/sizes"
	done
done

# The pristine kernel's copies of the target and of the two livepatches of
# the resolve benchmark, built against the pristine tree (its headers, so
# 6.12's struct klp_object, and with CONFIG_MODVERSIONS its CRCs) and
# converted by the series' klp-convert without builds, as 6.12's kbuild has
# no klp-convert.  6.12's modpost fails on the livepatch's references to
# the target's statics; KBUILD_MODPOST_WARN=1 makes that a warning.  Its
# external-module build needs Module.symvers, which the bzImage-only
# pristine build left as vmlinux.symvers, and modules_prepare's
# scripts/module.lds.
PT=$BUILD/pristine/linux
POUT=$(out_dir "$PT" fast)
if [ -f "$POUT/vmlinux.symvers" ] && [ -f "$POUT/vmlinux" ]; then
	P=$M/pristine
	mkdir -p "$P"
	python3 "$HERE/gen-resolve.py" "$W/psrc"
	[ -f "$POUT/Module.symvers" ] || cp "$POUT/vmlinux.symvers" "$POUT/Module.symvers"
	PKMAKE=(make -C "$POUT" ARCH=x86_64 CC="ccache gcc" -j"$(($(nproc) + 1))")
	# The bzImage-only build lacks what external modules link with.
	[ -f "$POUT/scripts/module.lds" ] || "${PKMAKE[@]}" modules_prepare > "$W/pprepare.log" 2>&1 ||
		{ tail -20 "$W/pprepare.log" >&2; die "modules_prepare of the pristine tree failed; log: $W/pprepare.log"; }
	env -u CCACHE_BASEDIR "${PKMAKE[@]}" M="$W/psrc/target" modules > "$W/ptarget.log" 2>&1 ||
		{ tail -20 "$W/ptarget.log" >&2; die "pristine target build failed; log: $W/ptarget.log"; }
	env -u CCACHE_BASEDIR "${PKMAKE[@]}" M="$W/psrc/lp" KBUILD_MODPOST_WARN=1 modules > "$W/plp.log" 2>&1 ||
		{ tail -20 "$W/plp.log" >&2; die "pristine livepatch build failed; log: $W/plp.log"; }
	cp "$W/psrc/target/klp_bench_target.ko" "$P/"
	"$KLPC" --write-map "$W/pbench.map" "$POUT/vmlinux" "$P/klp_bench_target.ko"
	"$KLPC" --symvers "$POUT/Module.symvers" --map "$W/pbench.map" "$W/psrc/lp/klp_bench_lp.ko" "$P/klp_bench_lp.ko"
	python3 "$HERE/klp-variants.py" onesym "$P/klp_bench_lp.ko" "$onesym" "$P/klp_bench_lp-onesym.ko"
	for f in klp_bench_lp klp_bench_lp-onesym; do
		n=$(readelf -rW "$P/$f.ko" | awk '/^Relocation section .*\.klp\.rela\.klp_bench_target\./ { s = 1; next }
			/^Relocation section/ { s = 0 } s && /bench_sym_/ { n++ } END { print n + 0 }')
		[ "$n" = "$relocs" ] || die "pristine $f.ko has $n klp relocations to the target, not $relocs"
		! readelf -sW "$P/$f.ko" | grep -qw klp_reloc_variants || die "pristine $f.ko references the guard"
	done
	cmp -s "$P/klp_bench_lp.ko" "$M/klp_bench_lp.ko" && die "the pristine livepatch equals the series one"
	echo "pristine-built: klp_bench_target.ko, klp_bench_lp.ko ($relocs relocations), klp_bench_lp-onesym.ko"
	echo "pristine_built yes" >> "$W/facts/lp"
else
	echo "no pristine vmlinux: the pristine kernel gets the series-built modules"
fi

(cd "$W/root" && find bench -print0 | LC_ALL=C sort -z | cpio --null -o -H newc --quiet -R 0:0) |
	gzip -1 > "$W/bench.cpio.gz"
cat "$OUT/initramfs.cpio.gz" "$W/bench.cpio.gz" > "$W/initramfs-bench.cpio.gz"
echo "initramfs with the bench modules: $W/initramfs-bench.cpio.gz ($(du -h "$W/initramfs-bench.cpio.gz" | cut -f1))"
