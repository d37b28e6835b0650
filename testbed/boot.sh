#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# boot.sh JOB: boot $OUT's kernel (or $KERNEL) and initramfs in QEMU, run
# JOB in the guest (check, demo, guard or bench), with $OUT's initramfs
# (or $INITRD).  The console goes to
# $OUT/JOB-console.log, the guest's structured results to
# $OUT/JOB-results.txt.  Fails when the
# guest does not finish, or when the console shows a panic, an oops, a
# WARNING or a sanitizer report.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

job=${1:-check}
# The debug kernel runs the suites three to ten times slower.  The sysfs
# race scenario of test-variants.sh defaults to 200 rounds on a debug
# kernel: 27 minutes under TCG here, so make check asks for 60 there to
# stay within the CI budget (SYSFS_ROUNDS=200 runs the full count).
# Limits against a hung guest, not run times: an idle machine runs the fast
# guest in about 3 minutes and the debug one in about 16, but TCG slows down
# by the load factor when builds share the cores (a fast guest took over
# 600 s at a load of 7 on 2 cores).
timeout=${VM_TIMEOUT:-$([ "$CONFIG_NAME" = debug ] && echo 4800 || echo 1500)}
suite_timeout=$([ "$CONFIG_NAME" = debug ] && echo 3600 || echo 900)
sysfs_rounds=${SYSFS_ROUNDS:-$([ "$CONFIG_NAME" = debug ] && echo 60 || echo 30)}
console=$OUT/$job-console.log
results=$OUT/$job-results.txt
kernel=${KERNEL:-$OUT/arch/x86/boot/bzImage}
initrd=${INITRD:-$OUT/initramfs.cpio.gz}
[ -f "$kernel" ] && [ -f "$initrd" ] || die "no kernel or initramfs in $OUT: run 'make build'"

accel=(-accel tcg -cpu max)
if [ "${KVM:-0}" = 1 ]; then
	accel=(-accel kvm -cpu host)
	echo "using KVM (opt-in; it is known to hang in nested setups)"
fi
rm -f "$console" "$results"
touch "$results"
echo "booting ${KERNEL:-the $CONFIG_NAME kernel} for '$job' (TCG unless KVM=1, timeout ${timeout}s, console: $console)"
timeout --foreground -k 5 "$timeout" qemu-system-x86_64 "${accel[@]}" -smp 2 -m 1024 \
	-display none -no-reboot -monitor none \
	-serial "file:$console" -serial "file:$results" \
	-kernel "$kernel" -initrd "$initrd" \
	-append "console=ttyS0 panic=-1 oops=panic loglevel=7 klp.job=$job klp.suite_timeout=$suite_timeout \
		klp.sysfs_rounds=$sysfs_rounds log_buf_len=8M ${KERNEL_ARGS:-}" &
qpid=$!
if [ "${QUIET:-0}" != 1 ]; then
	tail -n +1 --pid=$qpid -f "$results" 2>/dev/null | grep --line-buffered -Ev '^(ktap|time|plan) ' |
		sed -u 's/^/  guest: /'
fi
wait $qpid
rc=$?
# The guest tty turns \n into \r\n.
sed -i 's/\r$//' "$results"

fail=0
if [ $rc -eq 124 ] || [ $rc -eq 137 ]; then
	echo "error: the guest did not finish within ${timeout}s; last console lines:" >&2
	tail -40 "$console" >&2
	fail=1
elif [ $rc -ne 0 ]; then
	echo "error: qemu exited with status $rc; last console lines:" >&2
	tail -40 "$console" >&2
	fail=1
fi
if ! grep -qx 'guest-done' "$results"; then
	echo "error: the guest did not report completion (crash or hang); last console lines:" >&2
	tail -40 "$console" >&2
	fail=1
fi
bad='Kernel panic|Oops|BUG:|WARNING:|KASAN|UBSAN|possible circular locking|possible recursive locking|inconsistent lock state|suspicious RCU usage|unreferenced object|general protection fault|Call Trace:'
if grep -Eq "$bad" "$console"; then
	echo "error: the console shows a kernel report:" >&2
	grep -En -B2 -A12 "$bad" "$console" | head -60 >&2
	fail=1
fi
exit $fail
