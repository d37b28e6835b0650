#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make bench: the klp-convert benchmark of the series (100,000 relocations,
# 8 builds of a 50,000-symbol module, then double), on the built tool.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
tool=$OUT/scripts/livepatch/klp-convert
[ -x "$tool" ] || die "$tool missing: run 'make build' first"
bash "$TREE/scripts/livepatch/tests/bench/run.sh" "$tool" "$OUT/bench"
