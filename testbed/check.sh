#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make check: every suite of tests/suites, for each configuration in
# $CONFIGS.  Prints TAP, one line per test, and ends with
# 'N passed, N failed'.  Exits non-zero when anything failed.
set -uo pipefail
shopt -s lastpipe
. "$(dirname "$0")/lib.sh"

CONFIGS=${CONFIGS:-fast}
TB=$TOP/testbed
lines=()

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
		echo "$status $prefix$rest"
	done
}

# KUnit: turn the guest's KTAP (its boot log) into one line per case,
# and fail suites that tests/suites lists but that did not run.
collect_kunit() {
	local prefix=$1 results=$2 suite
	local ktap=$OUT/check-kunit.ktap
	sed -n 's/^ktap //p' "$results" > "$ktap"
	awk '
		/^    # Subtest: / { suite = $3; next }
		/^    (not )?ok [0-9]+ / && suite != "" {
			st = ($1 == "not") ? "not ok" : "ok"
			name = (st == "ok") ? $3 : $4
			print "result " st " kunit:" suite "." name
			next
		}
		/^(not )?ok [0-9]+ / { suite = "" }
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
	local name=$1 cmd=$2 log=$OUT/host-$1.log rc
	echo "==> host suite $name: $cmd (log: $log)"
	(cd "$TREE" && OUT=$OUT eval "$cmd") > "$log" 2>&1
	rc=$?
	sed -n -e "s/^ok [0-9]* - \(.*\)/result ok $name: \1/p" \
		-e "s/^not ok [0-9]* - \(.*\)/result not ok $name: \1/p" "$log"
	tail -1 "$log"
	if [ $rc -ne 0 ] && ! grep -q '^not ok' "$log"; then
		echo "result not ok $name: exited $rc; log: $log"
	fi
}

run_host_suites() {
	local prefix=$1 where kind name cmd
	while read -r where kind name cmd; do
		case $where in ''|'#'*) continue ;; esac
		[ "$where" = host ] || continue
		case $kind in
		series)
			[ "$prefix" = "fast: " ] || continue
			step "series check (bisectability, checkpatch)" \
				bash "$TB/series-check.sh" | collect "$prefix"
			;;
		script)
			run_tap_script "$name" "$cmd" | collect "$prefix"
			;;
		*) echo "result not ok host:$name unknown kind $kind" | collect "$prefix" ;;
		esac
	done < "$TOP/tests/suites"
}

t_all=$(date +%s)
step "install missing packages" bash "$TB/deps.sh" || exit 1
step "fetch base source" bash "$TB/fetch.sh" || exit 1
step "materialize build/linux" bash "$TB/materialize.sh" || exit 1
for cfg in $CONFIGS; do
	export CONFIG_NAME=$cfg OUT=$BUILD/out-$cfg
	prefix="$cfg: "
	if ! { step "[$cfg] configure" bash "$TB/configure.sh" &&
	       step "[$cfg] build kernel, modules and selftests" bash "$TB/build.sh" &&
	       step "[$cfg] pack initramfs" bash "$TB/initramfs.sh"; }; then
		lines+=("not ok ${prefix}build")
		continue
	fi
	run_host_suites "$prefix"
	if step "[$cfg] boot and run the vm suites" bash "$TB/boot.sh" check; then
		vm_ok=ok
	else
		vm_ok="not ok"
	fi
	grep '^result ' "$OUT/check-results.txt" | collect "$prefix" > /dev/null
	collect_kunit "$prefix" "$OUT/check-results.txt" > /dev/null
	lines+=("$vm_ok ${prefix}vm: guest finished with a clean console")
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
echo "# make check took $(($(date +%s) - t_all))s"
echo "$pass passed, $fail failed"
[ $fail -eq 0 ] && [ $pass -gt 0 ]
