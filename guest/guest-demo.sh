#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Guest side of 'make demo'.  Narration goes to fd 3 (shown on the host);
# the kernel log stays on the console.  Ends with 'guest-done'.
say() { echo "$*" >&3; }
run() { say "  \$ $*"; "$@" 2>&1 | sed 's/^/    /' >&3; }

if [ -x /extra/demo/guest-variants-demo.sh ]; then
	. /extra/demo/guest-variants-demo.sh
else
	mod=$(find /lib/modules -name livepatch-sample.ko | head -1)
	say "step 1: the kernel command line, unpatched"
	run cat /proc/cmdline
	say "step 2: load the upstream livepatch sample"
	run insmod "$mod"
	for i in $(seq 50); do
		[ "$(cat /sys/kernel/livepatch/livepatch_sample/transition 2>/dev/null)" = 0 ] && break
		sleep 0.1
	done
	run cat /sys/kernel/livepatch/livepatch_sample/enabled
	say "step 3: the same file, now answered by the livepatch"
	run cat /proc/cmdline
	grep -q 'this has been live patched' /proc/cmdline &&
		say "result: patched" || say "result: NOT patched"
fi
say guest-done
