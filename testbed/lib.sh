# SPDX-License-Identifier: GPL-2.0
# Shared helpers for the testbed scripts: paths, step timing, failure.

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD:-$TOP/build}
TREE=$BUILD/linux
CONFIG_NAME=${CONFIG_NAME:-fast}
# Kernel objects live in a direct subdirectory of the tree they are built
# from: kbuild then uses the relative srctree "..", so compiler command
# lines are the same in build/linux, the series check's worktree and the
# pristine tree, and ccache hits across them.
out_dir() { echo "$1/out-$2"; }
OUT=${OUT:-$(out_dir "$TREE" "$CONFIG_NAME")}

# base_worktree DIR: a worktree of build/linux at 'base' in DIR (created
# once; a later patch walk or checkout moves it).
base_worktree() {
	[ -d "$1" ] && return 0
	git -C "$TREE" worktree prune
	mkdir -p "$(dirname "$1")"
	git -C "$TREE" worktree add -q --detach "$1" base || die "cannot create $1"
}

die() {
	echo "error: $*" >&2
	exit 1
}

# step NAME CMD...: print what runs, run it, print how long it took.
step() {
	local name=$1 t0 rc
	shift
	t0=$(date +%s)
	echo "==> $name"
	"$@"
	rc=$?
	echo "==> $name: $([ $rc -eq 0 ] && echo done || echo FAILED) in $(($(date +%s) - t0))s"
	return $rc
}

# TAP for the testbed's own suites: tap RC DESC [DIAG] prints "ok" when RC
# is 0, else "not ok" and the lines of DIAG as comments; tap_summary ends
# the suite and fails when a test failed.
tap_n=0 tap_pass=0 tap_fail=0
tap() {
	tap_n=$((tap_n + 1))
	if [ "$1" = 0 ]; then
		tap_pass=$((tap_pass + 1))
		echo "ok $tap_n - $2"
	else
		tap_fail=$((tap_fail + 1))
		echo "not ok $tap_n - $2"
		[ -z "${3:-}" ] || sed 's/^/# /' <<< "$3"
	fi
}

tap_summary() {
	echo "$tap_pass passed, $tap_fail failed"
	[ "$tap_fail" -eq 0 ]
}

# The fuzz suites (fuzz.sh, fuzz-convert.sh) define fuzz(), which runs
# their harness with libFuzzer options, and fuzz_report(), which reads a
# harness log and prints the gist of a crash.

# fuzz_long WHAT: make fuzz's run, FUZZ_SECONDS (600) or FUZZ_RUNS, in
# FUZZ_JOBS (1) processes
fuzz_long() {
	local lim=(-max_total_time="${FUZZ_SECONDS:-600}")

	[ -n "${FUZZ_RUNS:-}" ] && lim=(-runs="$FUZZ_RUNS")
	[ "${FUZZ_JOBS:-1}" -gt 1 ] && lim+=(-fork="$FUZZ_JOBS")
	step "fuzz $1 (${lim[*]})" fuzz "${lim[@]}"
}

# fuzz_smoke DIR WHAT: the last test of a smoke suite, fuzzing for
# FUZZ_SECONDS (30); the log goes to DIR/smoke.log, crashes to DIR/crashes
fuzz_smoke() {
	local before rc

	before=$(ls "$1/crashes" | wc -l)
	fuzz -max_total_time="${FUZZ_SECONDS:-30}" > "$1/smoke.log" 2>&1
	rc=$?
	grep -E '^(stat::number_of_executed_units|Done )' "$1/smoke.log" | sed 's/^/# /'
	tap $rc "fuzzing $2 for ${FUZZ_SECONDS:-30}s finds no crash ($(($(ls "$1/crashes" | wc -l) - before)) new in $1/crashes)" \
		"$(fuzz_report < "$1/smoke.log"; grep -o 'Test unit written to .*' "$1/smoke.log")"
}
