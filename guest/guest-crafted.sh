#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Crafted livepatch modules (testbed/klp-craft.py wrote them into /crafted
# with /crafted/forms, one line per form: name, stage, errno, expected
# message or output, what was changed).  For every refused form: insmod
# fails with the errno's text, the kernel log names what is wrong, has no
# oops, BUG, WARNING or sanitizer report, /sys/kernel/livepatch and the
# target's output are unchanged.  Forms of stage 'works' must load and
# apply build A's variant.  Afterwards the good test_klp_variants loads,
# patches the target, and is disabled and removed.  Prints TAP.
C=/crafted
M=/kselftest/livepatch/test_modules
TARGET=test_klp_variant_mod
LP_NAME=test_klp_variants	# the good livepatch
ORIGIN=/sys/module/$TARGET/parameters/origin
LP=/sys/kernel/livepatch
UNPATCHED="main.c of build A"
BAD='Oops|BUG:|WARNING:|Call Trace:|KASAN|UBSAN|general protection fault|unreferenced object|possible circular locking|inconsistent lock state'

n=0
passed=0
failed=0
why=()

ok() {
	n=$((n + 1))
	passed=$((passed + 1))
	echo "ok $n - $*"
}

not_ok() {
	local w
	n=$((n + 1))
	failed=$((failed + 1))
	echo "not ok $n - $*"
	for w in "${why[@]}"; do echo "#   $w"; done
}

# result NAME WHAT: ok when no check added a reason to why[].
result() {
	if [ ${#why[@]} -eq 0 ]; then ok "$1: $2"; else not_ok "$1: $2"; fi
	why=()
}

fail() { why+=("$*"); }

log_mark() { dmesg | wc -l; }
log_since() { dmesg | tail -n +"$(($1 + 1))"; }

wait_until() {
	local i
	for i in $(seq 200); do
		eval "$1" && return 0
		sleep 0.1
	done
	return 1
}

origin() { cat "$ORIGIN" 2> /dev/null; }

load_target() {
	[ -e /sys/module/$TARGET ] && return 0
	insmod $M/$TARGET-a.ko || echo "# cannot load $TARGET build A"
}

unload_target() {
	wait_until "rmmod $TARGET 2> /dev/null || [ ! -e /sys/module/$TARGET ]"
}

# Disable and remove livepatch $1 (module name), if loaded.
remove_lp() {
	local lp=$1
	if [ -e $LP/$lp/enabled ]; then
		wait_until "[ \$(cat $LP/$lp/transition) = 0 ]"
		echo 0 > $LP/$lp/enabled
	fi
	wait_until "[ ! -e $LP/$lp ]" || fail "$LP/$lp still there after disabling"
	wait_until "rmmod $lp 2> /dev/null || [ ! -e /sys/module/$lp ]" ||
		fail "cannot remove module $lp"
}

# check_log MARK EXPECT: the log since MARK matches EXPECT and has no report.
check_log() {
	local log
	log=$(log_since "$1")
	if [ -n "$2" ] && ! grep -Eq -- "$2" <<< "$log"; then
		fail "kernel log lacks /$2/; it has:"
		while IFS= read -r l; do fail "  $l"; done <<< "$log"
	fi
	if grep -Eq "$BAD" <<< "$log"; then
		fail "kernel report in the log:"
		while IFS= read -r l; do fail "  $l"; done < <(grep -E -A20 "$BAD" <<< "$log" | head -40)
	fi
}

# check_refused OUTPUT RC ERRNO: insmod failed with ERRNO.  kmod's insmod
# prints its own text for the errnos a module load returns most.
check_refused() {
	local text
	case $3 in
	EINVAL) text="Invalid parameters" ;;
	ENOEXEC) text="Invalid module format" ;;
	ENOENT) text="Unknown symbol in module" ;;
	*) text="unknown errno $3" ;;
	esac
	if [ "$2" -eq 0 ]; then
		fail "insmod succeeded"
	elif [[ "$1" != *": $text" ]]; then
		fail "insmod: expected '$text' ($3), got: $1"
	fi
}

# check_unchanged: nothing of the form's module ($mod) stays, build A of
# the target is loaded and unpatched.
check_unchanged() {
	local now
	now=$(ls $LP)
	[ "$now" = "$lp_before" ] || fail "$LP changed: '$lp_before' -> '$now'"
	[ ! -e "/sys/module/$mod" ] || fail "module $mod is loaded"
	[ "$(origin)" = "$UNPATCHED" ] || fail "target reads '$(origin)', not '$UNPATCHED'"
}

# Refused at livepatch load or enable, build A of the target loaded.
run_refused() {
	local name=$1 errno=$2 expect=$3 mark out rc
	load_target
	mark=$(log_mark)
	out=$(insmod $C/$name.ko 2>&1)
	rc=$?
	echo "# insmod $name.ko: rc $rc: $out"
	if [ $rc -eq 0 ]; then
		if [ -e "$LP/$mod" ]; then remove_lp "$mod"; else rmmod "$mod"; fi
	fi
	check_refused "$out" $rc "$errno"
	check_log "$mark" "$expect"
	check_unchanged
}

# The livepatch loads without the target; build A's load is refused and
# leaves the object unpatched.  With 'then_b', build B loads next and is
# patched with its own variant: nothing of A's attempt was left written.
run_coming() {
	local name=$1 errno=$2 expect=$3 then_b=$4 mark out rc key
	unload_target
	if ! out=$(insmod $C/$name.ko 2>&1); then
		fail "livepatch refused without the target: $out"
		load_target
		return
	fi
	mark=$(log_mark)
	out=$(insmod $M/$TARGET-a.ko 2>&1)
	rc=$?
	echo "# insmod $TARGET-a.ko after $name.ko: rc $rc: $out"
	check_refused "$out" $rc "$errno"
	check_log "$mark" "$expect"
	if [ $rc -eq 0 ]; then
		unload_target
	else
		[ ! -e /sys/module/$TARGET ] || fail "$TARGET loaded after a refused load"
	fi
	[ "$(cat $LP/$mod/$TARGET/patched 2> /dev/null)" = 0 ] ||
		fail "object $TARGET not reported unpatched"
	if [ -n "$then_b" ]; then
		mark=$(log_mark)
		out=$(insmod $M/$TARGET-b.ko 2>&1) || fail "build B refused after A: $out"
		[ "$(cat $LP/$mod/$TARGET/patched 2> /dev/null)" = 1 ] ||
			fail "build B not patched"
		case $(origin) in
		"main.c of build B"|"") fail "build B reads '$(origin)': not patched" ;;
		esac
		key=$(cat $LP/$mod/$TARGET/variant 2> /dev/null)
		[ "$key" = "$(cat /sys/module/$TARGET/srcversion 2> /dev/null)" ] ||
			fail "variant is '$key', not build B's srcversion"
		echo "# build B after A: reads '$(origin)', variant $key"
		check_log "$mark" ""
	fi
	remove_lp "$mod"
	unload_target
	load_target
	check_unchanged
}

# Loads and applies build A's variant; then disabled and removed.
run_works() {
	local name=$1 expect=$2 mark out keys key
	load_target
	mark=$(log_mark)
	out=$(insmod $C/$name.ko 2>&1) || fail "insmod: $out"
	wait_until "[ \"\$(cat $LP/$mod/transition 2> /dev/null)\" = 0 ]" ||
		fail "transition did not finish"
	[ "$(origin)" = "$expect" ] || fail "target reads '$(origin)', not '$expect'"
	key=$(cat $LP/$mod/$TARGET/variant 2> /dev/null)
	[ "$key" = "$(cat /sys/module/$TARGET/srcversion)" ] ||
		fail "variant is '$key', not build A's srcversion"
	keys=$(tr ' ' '\n' < $LP/$mod/$TARGET/variants | grep -v '^\.\.\.$')
	[ -z "$(sort <<< "$keys" | uniq -d)" ] || fail "variants lists a key twice"
	echo "# $name: variants lists $(wc -l <<< "$keys") keys"
	remove_lp "$mod"
	check_log "$mark" ""
	check_unchanged
}

# An earlier suite that failed may have left a livepatch or another build
# of the target loaded, and every form would then fail for it: start from
# the state the forms expect, and say what was found.
restore_state() {
	local lp w
	for lp in $(ls $LP); do
		echo "# state: livepatch $lp was left loaded by an earlier suite: removing it"
		remove_lp "$lp"
	done
	if [ -e /sys/module/$TARGET ] && [ "$(origin)" != "$UNPATCHED" ]; then
		echo "# state: $TARGET was left reading '$(origin)': loading build A again"
		unload_target
	fi
	for w in "${why[@]}"; do echo "# state: $w"; done
	why=()
}

echo "TAP version 13"
echo "1..$(($(grep -c . $C/forms) + 1))"
restore_state
lp_before=$(ls $LP)
load_target
while IFS=$'\t' read -r name stage errno expect what; do
	echo "# form $name ($stage): $what"
	mod=$(modinfo -F name $C/$name.ko)
	case $stage in
	load|enable) run_refused "$name" "$errno" "$expect" ;;
	coming) run_coming "$name" "$errno" "$expect" ;;
	coming-build-b) run_coming "$name" "$errno" "$expect" then_b ;;
	works) run_works "$name" "$expect" ;;
	*) fail "unknown stage $stage" ;;
	esac
	case $stage in
	works) result "$name" "loads and applies build A's variant ($what)" ;;
	coming-build-b) result "$name" "build A refused with $errno, then build B patched ($what)" ;;
	*) result "$name" "refused at $stage with $errno ($what)" ;;
	esac
done < $C/forms

# The good livepatch still loads and patches the target.
mod=$LP_NAME
mark=$(log_mark)
insmod $M/$LP_NAME.ko || fail "good $LP_NAME refused"
wait_until "[ \"\$(cat $LP/$LP_NAME/transition 2> /dev/null)\" = 0 ]" || fail "no transition"
[ "$(origin)" = "one.c of build A" ] || fail "target reads '$(origin)' with the good livepatch"
remove_lp $LP_NAME
check_log "$mark" ""
check_unchanged
result good-after "the good $LP_NAME loads, patches build A and is removed"
unload_target

echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
