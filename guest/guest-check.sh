#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Guest side of 'make check': run the vm suites listed in /testbed/suites.
# Results go to fd 3 (the host's results file) as lines
#   result <ok|not ok|skip> <kind>:<name>
#   plan <name> <N>        (a TAP suite announces N results)
#   ktap <line>            (KUnit output from the boot log)
#   time <kind>:<name> <seconds>
# and end with 'guest-done'; test output goes to the console.
SUITE_TIMEOUT=${SUITE_TIMEOUT:-300}
export KDIR=/lib/modules/$(uname -r)/build

report() { echo "$*" >&3; }

check_tools() {
	local t bad=0
	for t in "date --rfc-3339=ns" "stat --format %A /" "sysctl --values kernel.ftrace_enabled" \
		 "modinfo --version" "insmod --version" "getconf PAGE_SIZE" "awk --version" \
		 "grep --version" "sed --version" "dmesg --version" "diff --version" "timeout --version" \
		 "bash --version"; do
		if ! $t > /dev/null 2>&1; then
			echo "guest: tool check failed: $t"
			bad=1
		fi
	done
	[ -d /sys/kernel/debug/dynamic_debug ] || { echo "guest: no dynamic debug"; bad=1; }
	[ $bad = 0 ] && report "result ok guest:tools" || report "result not ok guest:tools"
}

run_kselftest() {
	local name=$1 dir=${1%/*} script=${1#*/} rc t0
	echo "# ==== kselftest $name"
	t0=$(date +%s)
	(cd "/kselftest/$dir" && timeout "$SUITE_TIMEOUT" "./$script") 2>&1 | sed 's/^/# /'
	rc=${PIPESTATUS[0]}
	report "time kselftest:$name $(($(date +%s) - t0))"
	case $rc in
	0) report "result ok kselftest:$name" ;;
	4) report "result skip kselftest:$name" ;;
	124) report "result not ok kselftest:$name timed out after ${SUITE_TIMEOUT}s" ;;
	*) report "result not ok kselftest:$name exit $rc" ;;
	esac
}

# run_tap NAME CMD: a guest script printing TAP; each test line becomes a
# result of suite NAME as soon as it is printed, so that a crash keeps
# what ran before it.
run_tap() {
	local name=$1 cmd=$2 rc t0
	echo "# ==== tap $name: $cmd"
	t0=$(date +%s)
	timeout "$SUITE_TIMEOUT" $cmd 2>&1 | while IFS= read -r line; do
		echo "# $line"
		case $line in
		# The host checks that the results reach the plan.
		1..[0-9]*) report "plan $name ${line#1..}" ;;
		"ok "[0-9]*) report "result ok $name: ${line#ok [0-9]* - }" ;;
		"not ok "[0-9]*) report "result not ok $name: ${line#not ok [0-9]* - }" ;;
		esac
	done
	rc=${PIPESTATUS[0]}
	report "time $name $(($(date +%s) - t0))"
	# 1: some test failed, reported above.
	case $rc in
	0|1) ;;
	124) report "result not ok $name: timed out after ${SUITE_TIMEOUT}s" ;;
	*) report "result not ok $name: exit $rc" ;;
	esac
}

# The boot log's KTAP: from the first top-level "KTAP version" line to the
# last result its top-level plan announces (one result per suite).
report_kunit() {
	dmesg | sed 's/^\[[ 0-9.]*\] //' |
		awk '/^KTAP version/ && !seen { on = 1; seen = 1; next }
		     on && plan == "" && /^1\.\.[0-9]+$/ { plan = substr($0, 4) + 0 }
		     on { print }
		     on && /^(not )?ok [0-9]+ / && ++done == plan { on = 0 }' |
		sed 's/^/ktap /' >&3
}

check_tools
# KUnit ran at boot: read its KTAP before the suites fill the log buffer.
report_kunit
while read -r where kind name cmd; do
	case $where in ''|'#'*) continue ;; esac
	[ "$where" = vm ] || continue
	case $kind in
	kselftest) run_kselftest "$name" ;;
	kunit) ;;
	tap) run_tap "$name" "$cmd" ;;
	*) report "result not ok $kind:$name unknown kind" ;;
	esac
done < /testbed/suites
if [ -w /sys/kernel/debug/kmemleak ]; then
	echo scan > /sys/kernel/debug/kmemleak
	sleep 1
	echo scan > /sys/kernel/debug/kmemleak
	cat /sys/kernel/debug/kmemleak
fi
report guest-done
