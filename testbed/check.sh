#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make check: every suite of tests/suites, for each configuration in
# $CONFIGS.  Prints TAP, one line per test, and ends with
# a table of suites (passed, failed, time) and 'N passed, N failed'.
# Exits non-zero when anything failed.
set -uo pipefail
shopt -s lastpipe
. "$(dirname "$0")/lib.sh"

CONFIGS=${CONFIGS:-fast debug}
TB=$TOP/testbed
lines=()
suites=()
declare -A s_pass s_fail s_time

# suite_of RESULT: the suite a result belongs to (its first word, with the
# KUnit case, the series patch or a trailing colon removed).
suite_of() {
	local w=${1%% *}
	case $w in
	kunit:*) w=${w%%.*} ;;
	series:*) w=series ;;
	*:) w=${w%:} ;;
	esac
	echo "$w"
}

count() {
	local status=$1 suite=$2
	[ -n "${s_pass[$suite]+x}" ] || { suites+=("$suite"); s_pass[$suite]=0; s_fail[$suite]=0; }
	if [ "$status" = ok ]; then
		s_pass[$suite]=$((s_pass[$suite] + 1))
	else
		s_fail[$suite]=$((s_fail[$suite] + 1))
	fi
}

# Every suite reports lines 'result <ok|not ok|skip> <name> [why]'.
collect() {
	local prefix=$1 line status rest
	while IFS= read -r line; do
		case $line in
		"result ok "*) status=ok rest=${line#result ok } ;;
		"result not ok "*) status="not ok" rest=${line#result not ok } ;;
		"result skip "*) status="not ok" rest="${line#result skip } # SKIP (a skip is not a pass)" ;;
		*) echo "$line"; continue ;;
		esac
		lines+=("$status $prefix$rest")
		count "$status" "$prefix$(suite_of "$rest")"
		echo "$status $prefix$rest"
	done
}

# Guest and host scripts report 'time <suite> <seconds>'.
collect_times() {
	local prefix=$1 file=$2 name secs
	while read -r _ name secs; do
		s_time[$prefix$name]=$secs
	done < <(grep '^time ' "$file")
}

# A TAP suite of the guest (kind tap) that reported fewer results than its
# plan was cut short: the guest crashed or hung in it.
collect_plans() {
	local prefix=$1 file=$2 name planned got
	grep '^plan ' "$file" | while read -r _ name planned; do
		got=$(grep -c "^result [a-z ]* $name: " "$file")
		[ "$got" -ge "$planned" ] ||
			echo "result not ok $name: $got of $planned planned results (crash or hang, see the console)" |
			collect "$prefix" > /dev/null
	done
}

# KUnit: turn the guest's KTAP (its boot log) into one line per case,
# and fail suites that tests/suites lists but that did not run.
collect_kunit() {
	local prefix=$1 results=$2 suite
	local ktap=$OUT/check-kunit.ktap
	sed -n 's/^ktap //p' "$results" > "$ktap"
	awk '
		/^    # Subtest: / { suite = $3; cases = 0; bad = 0; plan = -1; next }
		/^    1\.\.[0-9]+/ && suite != "" { plan = substr($1, 4) + 0; next }
		/^    (not )?ok [0-9]+ / && suite != "" {
			st = ($1 == "not") ? "not ok" : "ok"
			name = (st == "ok") ? $3 : $4
			cases++
			if (st != "ok") bad++
			print "result " st " kunit:" suite "." name
			next
		}
		/^(not )?ok [0-9]+ / && suite != "" {
			if (plan >= 0 && cases != plan)
				print "result not ok kunit:" suite " ran " cases " of " plan " planned cases"
			else if ($1 == "not" && !bad)
				print "result not ok kunit:" suite " failed without a failing case"
			suite = ""
		}
	' "$ktap" | collect "$prefix"
	for suite in $(awk '$1 == "vm" && $2 == "kunit" { print $3 }' "$TOP/tests/suites"); do
		grep -q "^    # Subtest: $suite\$" "$ktap" ||
			echo "result not ok kunit:$suite did not run (is its option in the configuration?)" |
			collect "$prefix"
	done
}

# A host script prints TAP; each of its test lines becomes a result, and
# a non-zero exit without a failing line is a failure of its own.
run_tap_script() {
	local name=$1 cmd=$2 log=$OUT/host-$1.log rc t0=$(date +%s)
	echo "==> host suite $name: $cmd (log: $log)"
	(cd "$TREE" && OUT=$OUT eval "$cmd") > "$log" 2>&1
	rc=$?
	echo "time $name $(($(date +%s) - t0))" >> "$OUT/host-times.txt"
	sed -n -e "s/^ok [0-9]* - \(.*\)/result ok $name: \1/p" \
		-e "s/^not ok [0-9]* - \(.*\)/result not ok $name: \1/p" "$log"
	tail -1 "$log"
	if [ $rc -ne 0 ] && ! grep -q '^not ok' "$log"; then
		echo "result not ok $name: exited $rc; log: $log"
	fi
}

run_host_suites() {
	local prefix=$1 where kind name cmd
	# The host suites test the series and the tools, not a configuration:
	# they run once, with the fast kernel's tree.
	[ "$prefix" = "fast: " ] || return 0
	while read -r where kind name cmd; do
		case $where in ''|'#'*) continue ;; esac
		[ "$where" = host ] || continue
		case $kind in
		series)
			t0=$(date +%s)
			step "series check (bisectability, checkpatch)" \
				bash "$TB/series-check.sh" | collect "$prefix"
			s_time[${prefix}series]=$(($(date +%s) - t0))
			;;
		script)
			run_tap_script "$name" "$cmd" | collect "$prefix"
			;;
		*) echo "result not ok host:$name unknown kind $kind" | collect "$prefix" ;;
		esac
	done < "$TOP/tests/suites"
}

# Guest jobs on the pristine base kernel (suites of kind "pristine guest").
run_pristine_jobs() {
	local prefix=$1 where kind job t0 kernel
	kernel=$(out_dir "$BUILD/pristine/linux" fast)/arch/x86/boot/bzImage
	while read -r where kind job; do
		[ "$where" = pristine ] || continue
		t0=$(date +%s)
		if ! step "build the pristine base kernel" bash "$TB/pristine.sh"; then
			echo "result not ok $job: the pristine kernel did not build" | collect "$prefix"
			return
		fi
		if step "boot the pristine kernel and run '$job'" env KERNEL="$kernel" bash "$TB/boot.sh" "$job"; then
			echo "result ok $job: guest finished with a clean console" | collect "$prefix" > /dev/null
		else
			echo "result not ok $job: guest did not finish cleanly" | collect "$prefix" > /dev/null
		fi
		grep '^result ' "$OUT/$job-results.txt" | collect "$prefix" > /dev/null
		grep -q '^result ' "$OUT/$job-results.txt" ||
			echo "result not ok $job: the guest reported no result" | collect "$prefix" > /dev/null
		s_time[$prefix$job]=$(($(date +%s) - t0))
	done < "$TOP/tests/suites"
}

t_all=$(date +%s)
step "install missing packages" bash "$TB/deps.sh" || exit 1
step "fetch base source" bash "$TB/fetch.sh" || exit 1
step "materialize build/linux" bash "$TB/materialize.sh" || exit 1
for cfg in $CONFIGS; do
	export CONFIG_NAME=$cfg OUT=$(out_dir "$TREE" "$cfg")
	prefix="$cfg: "
	if ! { step "[$cfg] configure" bash "$TB/configure.sh" &&
	       step "[$cfg] build kernel, modules and selftests" bash "$TB/build.sh" &&
	       step "[$cfg] pack initramfs" bash "$TB/initramfs.sh"; }; then
		echo "result not ok build: configure, build or initramfs failed (see above)" |
			collect "$prefix" > /dev/null
		continue
	fi
	rm -f "$OUT/host-times.txt"
	# The pristine kernel first: the series check's first patches then
	# find most of their objects in ccache (the base's), the later ones
	# the series kernel's.  Its guest job runs after the vm suites.
	[ "$cfg" = fast ] && grep -q '^pristine ' "$TOP/tests/suites" &&
		step "build the pristine base kernel (before the series check)" bash "$TB/pristine.sh"
	run_host_suites "$prefix"
	[ -f "$OUT/host-times.txt" ] && collect_times "$prefix" "$OUT/host-times.txt"
	t0=$(date +%s)
	if step "[$cfg] boot and run the vm suites" bash "$TB/boot.sh" check; then
		vm_ok=ok
	else
		vm_ok="not ok"
	fi
	grep '^result ' "$OUT/check-results.txt" | collect "$prefix" > /dev/null
	collect_plans "$prefix" "$OUT/check-results.txt"
	collect_kunit "$prefix" "$OUT/check-results.txt" > /dev/null
	collect_times "$prefix" "$OUT/check-results.txt"
	echo "result $vm_ok vm: guest finished with a clean console" | collect "$prefix" > /dev/null
	s_time[${prefix}vm]=$(($(date +%s) - t0))
	[ "$cfg" = fast ] && run_pristine_jobs "$prefix"
done

echo
echo "TAP version 13"
echo "1..${#lines[@]}"
pass=0
fail=0
i=0
for l in "${lines[@]}"; do
	i=$((i + 1))
	case $l in
	"ok "*) pass=$((pass + 1)); echo "ok $i - ${l#ok }" ;;
	*) fail=$((fail + 1)); echo "not ok $i - ${l#not ok }" ;;
	esac
done
echo "# suite                                          passed failed    time"
for su in "${suites[@]}"; do
	printf '# %-46s %6d %6d %6s\n' "$su" "${s_pass[$su]}" "${s_fail[$su]}" \
		"${s_time[$su]:+${s_time[$su]}s}"
done
echo "# make check took $(($(date +%s) - t_all))s"
echo "$pass passed, $fail failed"
[ $fail -eq 0 ] && [ $pass -gt 0 ]
