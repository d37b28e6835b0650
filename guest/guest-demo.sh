#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Guest side of 'make demo': one livepatch, several builds of a module.
# Narration goes to fd 3 (shown on the host); ends with 'guest-done'.
# The modules are the variant selftest's: test_klp_variant_mod in builds
# A, B and C, and test_klp_variants, which declares A and B only; then
# builds D and E, which share a srcversion, and test_klp_variants_bid,
# which declares them by GNU build ID.
M=/kselftest/livepatch/test_modules
TARGET=test_klp_variant_mod
LP=test_klp_variants
ORIGIN=/sys/module/$TARGET/parameters/origin
T0=$(date +%s%N)

say() { echo "$*" >&3; }
run() { say "  \$ $*"; "$@" 2>&1 | sed 's/^/    /' >&3; }
elapsed() { echo "$(( ($(date +%s%N) - T0) / 1000000 )) ms"; }
wait_transition() {
	for _ in $(seq 100); do
		[ "$(cat /sys/kernel/livepatch/${1:-$LP}/transition 2>/dev/null)" = 0 ] && return
		sleep 0.1
	done
}
kmsg_since() { dmesg | sed 's/^\[[ 0-9.]*\] //' | tail -n +"$1" | grep 'livepatch:' | sed 's/^/    kernel: /' >&3; }

say "step 1: load build A of $TARGET (srcversion $(modinfo -F srcversion $M/$TARGET-a.ko)) and read its output  [$(elapsed)]"
run insmod $M/$TARGET-a.ko
run cat $ORIGIN
say "step 2: load the multi-variant livepatch $LP  [$(elapsed)]"
run insmod $M/$LP.ko
wait_transition
run cat $ORIGIN
origin_a=$(cat $ORIGIN)
say "step 3: what sysfs says: declared variants and the one applied  [$(elapsed)]"
run cat /sys/kernel/livepatch/$LP/$TARGET/variants
run cat /sys/kernel/livepatch/$LP/$TARGET/variant
say "step 4: swap to build B (srcversion $(modinfo -F srcversion $M/$TARGET-b.ko)) under the loaded livepatch  [$(elapsed)]"
run rmmod $TARGET
run insmod $M/$TARGET-b.ko
run cat $ORIGIN
origin_b=$(cat $ORIGIN)
run cat /sys/kernel/livepatch/$LP/$TARGET/variant
say "step 5: try build C (srcversion $(modinfo -F srcversion $M/$TARGET-c.ko)), which the livepatch does not declare  [$(elapsed)]"
run rmmod $TARGET
n=$(dmesg | wc -l)
run insmod $M/$TARGET-c.ko
kmsg_since "$((n + 1))"
if [ -e /sys/module/$TARGET ]; then refused=no; else refused=yes; fi
LPB=test_klp_variants_bid
say "step 6: builds D and E share srcversion $(modinfo -F srcversion $M/$TARGET-d.ko), but their statics sit at other places: $LPB declares them by build ID  [$(elapsed)]"
echo 0 > /sys/kernel/livepatch/$LP/enabled
wait_transition
rmmod $LP
run insmod $M/$TARGET-d.ko
run insmod $M/$LPB.ko
wait_transition $LPB
run cat /sys/kernel/livepatch/$LPB/$TARGET/variants
run cat /sys/kernel/livepatch/$LPB/$TARGET/variant
run cat $ORIGIN
origin_d=$(cat $ORIGIN)
run rmmod $TARGET
run insmod $M/$TARGET-e.ko
run cat /sys/kernel/livepatch/$LPB/$TARGET/variant
run cat $ORIGIN
origin_e=$(cat $ORIGIN)
say "step 7: summary  [$(elapsed)]"
verdict() { [ "$1" = "$2" ] && echo "yes ($1)" || echo "NO: read '$1', expected '$2'"; }
say "  build A patched with its own static: $(verdict "$origin_a" "one.c of build A")"
say "  build B patched with its own static: $(verdict "$origin_b" "one.c of build B")"
say "  build C refused: $refused"
say "  builds D and E (one srcversion) each patched through its build ID: $(verdict "$origin_d/$origin_e" "one.c of build D/one.c of build D")"
say guest-done
