#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make bench-debian: the symbol map, klp-convert and modpost at the scale of
# a distribution, with the module set of Debian's own 6.12 kernel package
# (linux-image-6.12.117+deb12-amd64-unsigned: 4,230 modules) and its vmlinux
# (linux-image-6.12.117+deb12-amd64-dbg: the package's System.map is a
# placeholder).  Downloads the two packages (107 MB and 1 GB) once into
# build/debian and keeps the modules and vmlinux.  Writes
# bench/results/debian.txt; bench/report.py puts it in bench/README.md.
#   map        klp-convert --write-map of vmlinux and the 4,230
#              decompressed modules, given as a --modules list
#   argv       the same paths in one 'sh -c' string, as make runs a recipe:
#              what the list file avoids
#   convert    a livepatch converted against the Debian map and against the
#              testbed's own Symbols.klp: time and peak RSS
#   modpost    the modpost run of an external module that is not a
#              livepatch, on the series and on the pristine kernel, and of
#              an external livepatch, with the Debian map as Symbols.klp
# Not part of make check or make bench.
set -euo pipefail
. "$(dirname "$0")/../testbed/lib.sh"

PKG=linux-image-6.12.117+deb12-amd64-unsigned
DBG=linux-image-6.12.117+deb12-amd64-dbg
PKGVER=6.12.117-1~deb12u1
KREL=6.12.117+deb12-amd64
W=$BUILD/debian
RES=$TOP/bench/results/debian/results.txt
KLPC=$OUT/scripts/livepatch/klp-convert
POUT=$(out_dir "$BUILD/pristine/linux" fast)
REPS=${BENCH_DEBIAN_REPS:-5}

[ -x "$KLPC" ] || die "no klp-convert in $OUT: run 'make build' first"
[ -x /usr/bin/time ] || die "GNU time is missing: apt-get install time"

# download PACKAGE: its .deb in $W, once
download() {
	local deb
	deb=$(ls "$W"/"$1"_*.deb 2> /dev/null | head -1 || true)
	if [ -z "$deb" ]; then
		(cd "$W" && apt-get download "$1=$PKGVER") > "$W/apt.log" 2>&1 ||
			die "cannot download $1=$PKGVER; log: $W/apt.log"
		deb=$(ls "$W"/"$1"_*.deb | head -1)
	fi
	echo "$deb"
}

fetch() {
	local deb
	mkdir -p "$W"
	echo "package $PKG and $DBG, version $PKGVER"
	if [ ! -d "$W/root/lib/modules/$KREL" ]; then
		deb=$(download "$PKG")
		rm -rf "$W/root"
		dpkg-deb -x "$deb" "$W/root"
		rm -f "$deb"
	fi
	if [ ! -f "$W/vmlinux" ]; then
		deb=$(download "$DBG")
		dpkg-deb --fsys-tarfile "$deb" |
			tar -x -O --wildcards "./usr/lib/debug/boot/vmlinux-$KREL" > "$W/vmlinux.tmp"
		mv "$W/vmlinux.tmp" "$W/vmlinux"
		rm -f "$deb"
	fi
	echo "vmlinux $(du -m "$W/vmlinux" | cut -f1) MB"
	find "$W/root/lib/modules/$KREL" -name '*.ko.xz' -print0 |
		xargs -0 -r -n 64 -P "$(nproc)" xz -d
	find "$W/root/lib/modules/$KREL" -name '*.ko' | sort > "$W/modules"
	echo "modules $(wc -l < "$W/modules") (their paths: $(wc -c < "$W/modules") bytes)"
}

# best of $REPS runs of "$@": "<seconds> <peak RSS in KB>"
best() {
	local i t best_t= best_m=
	for ((i = 0; i < REPS; i++)); do
		/usr/bin/time -o "$W/time" -f '%e %M' "$@" > "$W/cmd.log" 2>&1 ||
			{ tail -5 "$W/cmd.log" >&2; die "failed: $*"; }
		read -r t m < "$W/time"
		if [ -z "$best_t" ] || awk -v a="$t" -v b="$best_t" 'BEGIN { exit !(a < b) }'; then
			best_t=$t
			best_m=$m
		fi
	done
	echo "$best_t $best_m"
}

write_map() {
	local r
	r=$(best "$KLPC" --write-map "$W/Symbols.klp" --modules "$W/modules" "$W/vmlinux")
	echo "map_write $r"
	echo "map_lines $(grep -vc '^#' "$W/Symbols.klp")"
	echo "map_vmlinux_lines $(grep -c '^vmlinux ' "$W/Symbols.klp")"
	echo "map_objects $(grep -v '^#' "$W/Symbols.klp" | cut -d' ' -f1 | sort -u | wc -l)"
	echo "map_bytes $(wc -c < "$W/Symbols.klp")"
	echo "testbed_map_lines $(grep -vc '^#' "$OUT/Symbols.klp")"
	echo "testbed_map_bytes $(wc -c < "$OUT/Symbols.klp")"
}

# The paths in one string, as make hands a recipe to the shell: more than
# MAX_ARG_STRLEN (128 KiB) fails with E2BIG.
argv_limit() {
	local cmd rc=0
	cmd="$KLPC --write-map $W/argv.klp $(tr '\n' ' ' < "$W/modules")"
	sh -c "$cmd" > "$W/argv.log" 2>&1 || rc=$?
	echo "argv_string_bytes ${#cmd}"
	echo "argv_exit $rc $(head -c 200 "$W/argv.log" | tr '\n' ' ')"
}

convert() {
	local lp=$OUT/samples/livepatch/livepatch-sample.klp.o r
	[ -f "$lp" ] || die "no $lp: run 'make build' first"
	r=$(best "$KLPC" --symvers "$OUT/Module.symvers" --map "$W/Symbols.klp" "$lp" "$W/lp-debian.ko")
	echo "convert_debian_map $r"
	r=$(best "$KLPC" --symvers "$OUT/Module.symvers" --map "$OUT/Symbols.klp" "$lp" "$W/lp-testbed.ko")
	echo "convert_testbed_map $r"
	if cmp -s "$W/lp-debian.ko" "$W/lp-testbed.ko"; then
		echo "convert_same_output yes"
	else
		echo "convert_same_output no"
	fi
}

# ext_module DIR OBJTREE SOURCE: build an external module, print the
# modpost command kbuild ran for it
ext_module() {
	local d=$1 kdir=$2
	rm -rf "$d"
	mkdir -p "$d"
	cp "$3" "$d/"
	echo "obj-m := $(basename "$3" .c).o" > "$d/Kbuild"
	make -C "$kdir" M="$d" modules -j"$(nproc)" > "$d/build.log" 2>&1 ||
		{ tail -20 "$d/build.log" >&2; die "cannot build $d against $kdir"; }
	sed -n 's/^savedcmd_[^ ]* := //p' "$d/.Module.symvers.cmd"
}

# median of $REPS timed runs (seconds, 4 digits) of a modpost command in
# OBJTREE
time_modpost() {
	python3 - "$1" "$2" "$REPS" << 'EOF'
import statistics, subprocess, sys, time
kdir, cmd, reps = sys.argv[1], sys.argv[2], int(sys.argv[3])
t = []
for _ in range(reps):
    t0 = time.perf_counter()
    subprocess.run(cmd, shell=True, cwd=kdir, check=True,
                   stdout=subprocess.DEVNULL)
    t.append(time.perf_counter() - t0)
print(f'{statistics.median(t):.4f}')
EOF
}

modpost() {
	local hello=$W/hello.c cmd_s cmd_p cmd_l
	[ -d "$POUT" ] || die "no pristine kernel in $POUT: run testbed/pristine.sh"
	cat > "$hello" << 'EOF'
// SPDX-License-Identifier: GPL-2.0
#include <linux/module.h>
static int __init hello_init(void) { pr_info("hello\n"); return 0; }
module_init(hello_init);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("an external module that is not a livepatch");
EOF
	cmd_s=$(ext_module "$W/ext-series" "$OUT" "$hello")
	cmd_p=$(ext_module "$W/ext-pristine" "$POUT" "$hello")
	cmd_l=$(ext_module "$W/ext-lp" "$OUT" "$TREE/scripts/livepatch/tests/lp/lp-vmlinux.c")
	case "$cmd_s" in *"-K Symbols.klp"*) ;; *) die "no -K Symbols.klp in: $cmd_s" ;; esac
	echo "modpost_plain_series $(time_modpost "$OUT" "${cmd_s/-K Symbols.klp/-K $W/Symbols.klp}")"
	echo "modpost_plain_pristine $(time_modpost "$POUT" "$cmd_p")"
	echo "modpost_livepatch_debian_map $(time_modpost "$OUT" "${cmd_l/-K Symbols.klp/-K $W/Symbols.klp}")"
	echo "modpost_livepatch_testbed_map $(time_modpost "$OUT" "$cmd_l")"
}

t0=$(date +%s)
mkdir -p "$(dirname "$RES")"
{
	echo "date $(date -u '+%Y-%m-%d %H:%M UTC')"
	echo "load_start $(cut -d' ' -f1-3 /proc/loadavg)"
	echo "series $(git -C "$TREE" describe --always HEAD)"
	echo "reps $REPS"
	fetch
	write_map
	argv_limit
	convert
	modpost
	echo "load_end $(cut -d' ' -f1-3 /proc/loadavg)"
	echo "seconds $(($(date +%s) - t0))"
} | tee "$RES.tmp"
mv "$RES.tmp" "$RES"
