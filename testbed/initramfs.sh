#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Pack $OUT/initramfs.cpio.gz: busybox, bash and the GNU tools the
# livepatch selftests call (with their shared libraries), the kernel
# modules, the installed selftests and the guest side of the testbed.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

# Tools whose busybox applets lack options the selftests use
# (date --rfc-3339, stat --format, sysctl --values, kmod's modinfo...).
HOST_TOOLS=(
	bash date stat sysctl modinfo insmod rmmod lsmod modprobe getconf gawk
	grep sed dmesg diff timeout cat sort uniq head tail tr cut wc env
	readlink mktemp sleep find xargs
)

ROOT=$OUT/initramfs
rm -rf "$ROOT"
mkdir -p "$ROOT"/{bin,sbin,etc,proc,sys,dev,tmp,run,root,lib64,usr/lib}
ln -s bin "$ROOT/usr/bin"
ln -s ../sbin "$ROOT/usr/sbin"

copy_with_libs() {
	local bin=$1 lib
	for lib in $(ldd "$bin" 2>/dev/null | grep -o '/[^ ]*' | sort -u); do
		[ -e "$ROOT$lib" ] && continue
		mkdir -p "$ROOT$(dirname "$lib")"
		cp -L "$lib" "$ROOT$lib"
	done
}

for t in "${HOST_TOOLS[@]}"; do
	p=$(PATH=/usr/sbin:/sbin:/usr/bin:/bin command -v "$t") ||
		die "host tool '$t' not found: run testbed/deps.sh"
	cp -L "$p" "$ROOT/bin/$t"
	copy_with_libs "$p"
done
ln -sf gawk "$ROOT/bin/awk"
# kmod's tools are one binary dispatching on argv[0].
for t in modinfo insmod rmmod lsmod modprobe; do
	ln -sf kmod "$ROOT/bin/$t" 2>/dev/null
done
cp -L "$(command -v kmod)" "$ROOT/bin/kmod"
copy_with_libs "$(command -v kmod)"
for t in modinfo insmod rmmod lsmod modprobe; do
	rm -f "$ROOT/bin/$t"
	ln -s kmod "$ROOT/bin/$t"
done
ln -s ../bin/sysctl "$ROOT/sbin/sysctl"

BB=/bin/busybox
[ -x "$BB" ] && "$BB" --list > /dev/null 2>&1 || die "busybox-static missing: run testbed/deps.sh"
cp "$BB" "$ROOT/bin/busybox"
for a in $("$BB" --list); do
	[ -e "$ROOT/bin/$a" ] || [ -e "$ROOT/sbin/$a" ] || ln -s busybox "$ROOT/bin/$a"
done

rel=$(cat "$OUT/include/config/kernel.release")
mkdir -p "$ROOT/lib/modules"
cp -a "$OUT/modroot/lib/modules/$rel" "$ROOT/lib/modules/"
rm -f "$ROOT/lib/modules/$rel/build" "$ROOT/lib/modules/$rel/source"
# The selftests skip unless KDIR names a directory; they never compile
# in the guest, so an empty one is enough.
mkdir -p "$ROOT/lib/modules/$rel/build"
cp -a "$OUT/kselftest" "$ROOT/kselftest"
# Crafted livepatch modules for guest-crafted.sh, made from the good ones.
VMLINUX=$OUT/vmlinux python3 "$TOP/testbed/klp-craft.py" "$ROOT/kselftest/livepatch/test_modules" "$ROOT/crafted"

mkdir -p "$ROOT/testbed"
cp "${SUITES:-$TOP/tests/suites}" "$ROOT/testbed/suites"
cp "$TOP/guest/init" "$ROOT/init"
cp "$TOP/guest/"*.sh "$ROOT/bin/"
chmod +x "$ROOT/init" "$ROOT"/bin/*.sh
echo "root:x:0:0:root:/root:/bin/bash" > "$ROOT/etc/passwd"
echo "root:x:0:" > "$ROOT/etc/group"

(cd "$ROOT" && find . -print0 | LC_ALL=C sort -z |
	cpio --null -o -H newc --quiet -R 0:0) | gzip -1 > "$OUT/initramfs.cpio.gz"
echo "initramfs: $(du -h "$OUT/initramfs.cpio.gz" | cut -f1), $(find "$ROOT" -type f | wc -l) files"
