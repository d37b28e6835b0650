#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Guest side of the guard test, booted on the pristine 6.12 kernel (no
# series): a livepatch that carries relocation variants must be refused
# before it patches anything, since that kernel would apply every variant.
# An unversioned livepatch of the same target is the control: it is not
# refused for the guard, so the refusal is the guard's doing.
# Results go to fd 3 as 'result <ok|not ok> guard: <what>'.
M=/kselftest/livepatch/test_modules
TARGET=test_klp_variant_mod
ORIGIN=/sys/module/$TARGET/parameters/origin
GUARD=klp_reloc_variants

report() { echo "$*" >&3; }
expect() {
	local what=$1
	shift
	if "$@"; then report "result ok guard: $what"; else report "result not ok guard: $what"; fi
}
wait_transition() {
	local lp=$1
	for _ in $(seq 100); do
		[ "$(cat /sys/kernel/livepatch/$lp/transition 2>/dev/null)" = 0 ] && return 0
		sleep 0.1
	done
	return 1
}
origin_is() { [ "$(cat $ORIGIN 2>/dev/null)" = "$1" ]; }
no_guard_in_kernel() { ! grep -qw "$GUARD" /proc/kallsyms; }

echo "# guard test on $(uname -r)"
expect "kernel-is-pristine (no $GUARD in kallsyms, livepatch present)" \
	eval 'no_guard_in_kernel && [ -d /sys/kernel/livepatch ]'
insmod $M/$TARGET-a.ko
expect "target build A loads and reports its own static" origin_is "main.c of build A"

n=$(dmesg | wc -l)
insmod $M/test_klp_variants.ko 2>&1 | sed 's/^/# /'
rc=${PIPESTATUS[0]}
dmesg | tail -n +"$((n + 1))" | sed 's/^/# kernel: /'
expect "versioned livepatch refused" [ "$rc" -ne 0 ]
expect "refusal names the guard symbol" \
	eval "dmesg | tail -n +$((n + 1)) | grep -q 'test_klp_variants: Unknown symbol $GUARD'"
expect "nothing patched: no sysfs entry, module not loaded, output unchanged" \
	eval '[ ! -e /sys/kernel/livepatch/test_klp_variants ] && [ ! -e /sys/module/test_klp_variants ] && origin_is "main.c of build A"'

# With CONFIG_MODVERSIONS (both kernels are configured alike), the series'
# struct klp_object, which has fields 6.12's lacks, gives klp_enable_patch
# another CRC: then the pristine kernel refuses every livepatch built by the
# series, and the control shows that it does so for that version and not
# for the guard.  Without it, the control loads and patches.
n=$(dmesg | wc -l)
insmod $M/test_klp_variants_any.ko 2>&1 | sed 's/^/# /'
rc=${PIPESTATUS[0]}
dmesg | tail -n +"$((n + 1))" | sed 's/^/# kernel: /'
if grep -q __versions $M/test_klp_variants_any.ko; then
	expect "control (modversions): the unversioned livepatch is refused for klp_enable_patch's version, not for the guard" \
		eval "[ $rc -ne 0 ] && dmesg | tail -n +$((n + 1)) | grep -q 'disagrees about version of symbol klp_enable_patch' &&
		      ! dmesg | tail -n +$((n + 1)) | grep -q $GUARD && origin_is 'main.c of build A'"
else
	wait_transition test_klp_variants_any
	expect "control: an unversioned livepatch of the same target loads and patches" \
		origin_is test_klp_variants_any
	echo 0 > /sys/kernel/livepatch/test_klp_variants_any/enabled
	for _ in $(seq 100); do
		[ -e /sys/module/test_klp_variants_any ] || break
		rmmod test_klp_variants_any 2> /dev/null || sleep 0.1
	done
fi
rmmod $TARGET
report guest-done
