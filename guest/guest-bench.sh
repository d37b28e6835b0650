#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Guest side of make bench (bench/run.sh), on the series or the pristine
# kernel: the modules of bench/gen-resolve.py and bench/klp-variants.py are
# in /bench.  Each measurement loads a livepatch first, then times insmod of
# the target, whose klp_module_coming() resolves and writes the livepatch's
# relocations, REPS times (rmmod in between, untimed); the variant cases
# VROUNDS rounds of VREPS each.  Results go to fd 3:
#   sample KERNEL LABEL MICROSECONDS   one timed insmod
#   count KERNEL LABEL FUNCTION N      calls of FUNCTION in one traced insmod
#   check KERNEL LABEL ok|not-ok WHAT  what proves the run measured the case
#   phase KERNEL FILE load|disable|rmmod MS  loading and removing livepatches
B=/bench
# The target and the resolve livepatches for this kernel: built against its
# own tree where bench/modules.sh could (/bench/pristine on the pristine one).
MB=$B
T=klp_bench_target
LP=klp_bench_lp
REPS=11
VREPS=15
VROUNDS=1
KINDS=keyed
for arg in $(cat /proc/cmdline); do
	case $arg in
	klp.bench_reps=*) REPS=${arg#klp.bench_reps=} ;;
	klp.bench_vreps=*) VREPS=${arg#klp.bench_vreps=} ;;
	klp.bench_vrounds=*) VROUNDS=${arg#klp.bench_vrounds=} ;;
	klp.bench_kinds=*) KINDS=${arg#klp.bench_kinds=} ;;
	esac
done
if grep -qw klp_reloc_variants /proc/kallsyms; then K=series; else K=pristine; fi
[ $K = pristine ] && [ -d $B/pristine ] && MB=$B/pristine
SUM=$(awk '$1 == "sum" { print $2 }' $B/expected)
ONESUM=$(awk '$1 == "onesym_sum" { print $2 }' $B/expected)
TR=/sys/kernel/tracing
# Functions whose calls are counted: symbol lookups (one call per lookup,
# each a walk over the target's symbol table), relocation sections applied,
# and on the series kernel its selection (one pass per object) and the
# section names it parses (what grows with the variants).  Only those the
# kernel has (and did not inline) are traced.
LOOKUP_FUNCS="klp_find_object_symbol module_kallsyms_on_each_symbol module_core_kallsyms_on_each_symbol apply_relocate_add klp_select_rela_variant klp_parse_rela_name"

report() { echo "$*" >&3; }
check() {
	local label=$1 what=$2
	shift 2
	if "$@"; then report "check $K $label ok $what"; else report "check $K $label not-ok $what"; fi
}
value_is() { [ "$(cat /sys/module/$T/parameters/value 2>/dev/null)" = "$1" ]; }
wait_transition() {
	for _ in $(seq 200); do
		[ "$(cat /sys/kernel/livepatch/$LP/transition 2>/dev/null)" = 0 ] && return 0
		sleep 0.1
	done
	return 1
}
now_ms() { echo $(($(date +%s%N) / 1000000)); }
# lp_load FILE [DIR] (the phases are timed: 'phase K FILE load MS' etc.)
lp_load() {
	local t0=$(now_ms) rc=0
	insmod "${2:-$MB}/$1.ko" || return 1
	wait_transition || rc=1
	report "phase $K $1 load $(($(now_ms) - t0))"
	return $rc
}
# A disabled patch is freed: its sysfs directory goes away when the
# unpatching transition ended.
wait_disabled() {
	local t
	for _ in $(seq 600); do
		t=$(cat /sys/kernel/livepatch/$LP/transition 2> /dev/null) || return 0
		[ "$t" = 0 ] && [ "$(cat /sys/kernel/livepatch/$LP/enabled 2> /dev/null)" != 1 ] && return 0
		sleep 0.1
	done
	return 1
}
lp_unload() {
	local t0=$(now_ms) t1
	echo 0 > /sys/kernel/livepatch/$LP/enabled
	wait_disabled || report "check $K $LP not-ok unpatching transition did not end"
	t1=$(now_ms)
	report "phase $K $LP disable $((t1 - t0))"
	for _ in $(seq 600); do
		if [ ! -e /sys/module/$LP ]; then
			report "phase $K $LP rmmod $(($(now_ms) - t1))"
			return 0
		fi
		rmmod $LP 2> /dev/null || sleep 0.1
	done
	return 1
}

# timed_insmods LABEL N: N timed loads of the target (each unloaded after).
timed_insmods() {
	local label=$1 n=$2 t0 t1 i
	for ((i = 0; i < n; i++)); do
		t0=$(date +%s%N)
		insmod $MB/$T.ko || { report "check $K $label not-ok insmod of the target failed"; return 1; }
		t1=$(date +%s%N)
		report "sample $K $label $(((t1 - t0) / 1000))"
		rmmod $T
	done
}

trace_setup() {
	[ -d $TR/events ] || mount -t tracefs nodev $TR 2> /dev/null
	[ -w $TR/set_ftrace_filter ] || return 1
	echo nop > $TR/current_tracer
	: > $TR/set_ftrace_filter
	for f in $LOOKUP_FUNCS; do
		grep -qx "$f" <(awk '{ print $1 }' $TR/available_filter_functions) &&
			echo "$f" >> $TR/set_ftrace_filter
	done
	echo 16384 > $TR/buffer_size_kb
	echo 0 > $TR/tracing_on
}

# traced_insmod LABEL: one load of the target with the lookup functions
# traced; report their call counts (0 for the absent ones).  The tracer is
# on only around this insmod: the timed ones run without it.
traced_insmod() {
	local label=$1 f
	echo function > $TR/current_tracer
	: > $TR/trace
	echo 1 > $TR/tracing_on
	insmod $MB/$T.ko
	echo 0 > $TR/tracing_on
	for f in $LOOKUP_FUNCS; do
		report "count $K $label $f $(grep -c " $f <-" $TR/trace)"
	done
	report "count $K $label overrun $(awk '/overrun:/ { s += $2 } END { print s + 0 }' $TR/per_cpu/cpu*/stats)"
	# Last: switching the tracer resets the buffer.
	echo nop > $TR/current_tracer
	rmmod $T
}

echo "# bench on $(uname -r) ($K kernel), REPS=$REPS VREPS=$VREPS"
report "info $K kernel $(uname -r)"
report "info $K modules_from $MB"
report "info $K symbols_in_target $(awk '$1 == "symbols" { print $2 }' $B/expected)"

# The target alone: what loading it costs without a livepatch.
timed_insmods base "$REPS"

tracing=0
if trace_setup; then
	tracing=1
	report "info $K traced $(cat $TR/set_ftrace_filter | tr '\n' ' ')"
else
	report "info $K tracing unavailable"
fi

# resolve_case LABEL FILE SUM: the livepatch FILE loaded first, the value
# checked once, REPS timed insmods of the target, one traced.
resolve_case() {
	local label=$1 file=$2 sum=$3
	if ! lp_load "$file"; then
		report "check $K $label not-ok livepatch $file did not load"
		return
	fi
	insmod $MB/$T.ko
	check "$label" "target patched: value reads the sum over the 10,000 relocated pointers ($sum)" value_is "$sum"
	report "info $K target_kallsyms $(grep -c "\[$T\]" /proc/kallsyms)"
	rmmod $T
	timed_insmods "$label" "$REPS"
	[ $tracing = 1 ] && traced_insmod "$label"
	lp_unload || report "check $K $label not-ok livepatch did not unload"
}

# Resolve once: the unversioned livepatch (10,000 relocations, 100
# symbols), then the same relocations all to one symbol (writing without
# looking up).
# On the pristine kernel the one-symbol case costs as many lookups as the
# other (one per relocation), so it is run on the series kernel only.
resolve_case resolve $LP "$SUM"
[ $K = series ] && resolve_case onesym $LP-onesym "$ONESUM"

# Carrying variants (series kernel only), KINDS of livepatch: keyed (the
# selected variant holds the 10,000 relocations, the others are empty) and
# builds (klp-convert's output for N builds: everything unversioned, N keys
# declared).  With VROUNDS > 1 rounds interleave the variant counts.
variants_ok() {	# N DIR: sysfs lists N keys, or a page of them and "..."
	local w
	w=$(wc -w < "$2/variants")
	[ "$w" = "$1" ] || { [ "$(awk '{ print $NF }' "$2/variants")" = ... ] && [ "$w" -lt "$1" ] &&
		[ "$(wc -c < "$2/variants")" -gt 4000 ]; }
}
if [ $K = series ]; then
	bid=$(cat $B/target.build-id)
	for ((round = 0; round < VROUNDS; round++)); do
		for kind in ${KINDS//,/ }; do
			for n in 1 8 64 512; do
				label=$kind-$n
				[ -f $B/$LP-$label.ko ] || continue
				if ! lp_load $LP-$label $B; then
					report "check $K $label not-ok livepatch did not load"
					continue
				fi
				if [ $round = 0 ]; then
					d=/sys/kernel/livepatch/$LP/$T
					check "$label" "sysfs variants lists the $n keys (or a page of them, then ...)" variants_ok $n $d
					report "info $K $label sysfs_variants_words $(wc -w < $d/variants)"
					insmod $B/$T.ko
					check "$label" "sysfs variant is the target's build ID" [ "$(cat $d/variant)" = "$bid" ]
					check "$label" "target patched: value reads $SUM" value_is "$SUM"
					rmmod $T
					[ $tracing = 1 ] && traced_insmod "$label"
				fi
				timed_insmods "$label" "$VREPS"
				lp_unload || report "check $K $label not-ok livepatch did not unload"
			done
		done
	done
fi
[ $tracing = 1 ] && echo nop > $TR/current_tracer
report guest-done
