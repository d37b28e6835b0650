#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make demo: build what is needed (incrementally), then boot and narrate.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

TB=$TOP/testbed
export CONFIG_NAME=fast OUT=$(out_dir "$TREE" fast)
t_all=$(date +%s)
step "install missing packages" bash "$TB/deps.sh" || exit 1
step "fetch base source" bash "$TB/fetch.sh" || exit 1
step "materialize build/linux" bash "$TB/materialize.sh" || exit 1
step "configure" bash "$TB/configure.sh" || exit 1
step "build kernel, modules and selftests" bash "$TB/build.sh" || exit 1
step "klp-convert --list on the demo livepatch" bash "$TB/demo-list.sh" || exit 1
step "pack initramfs" bash "$TB/initramfs.sh" || exit 1
step "boot and run the demo" bash "$TB/boot.sh" demo
rc=$?
echo "demo took $(($(date +%s) - t_all))s (console log: $OUT/demo-console.log)"
exit $rc
