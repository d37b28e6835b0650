#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Before booting: show what klp-convert put into the demo livepatch.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
lp=$OUT/kselftest/livepatch/test_modules/test_klp_variants.ko
[ -f "$lp" ] || die "$lp missing: the series' variant selftest modules were not built"
echo "\$ klp-convert --list test_klp_variants.ko"
"$OUT/scripts/livepatch/klp-convert" --list "$lp" | sed 's/^/  /'
for b in a b c; do
	echo "\$ klp-convert --check test_klp_variants.ko test_klp_variant_mod-$b.ko"
	"$OUT/scripts/livepatch/klp-convert" --check "$lp" \
		"$OUT/kselftest/livepatch/test_modules/test_klp_variant_mod-$b.ko" | sed 's/^/  /' || true
done
lpb=${lp%.ko}_bid.ko
echo "\$ klp-convert --list test_klp_variants_bid.ko"
"$OUT/scripts/livepatch/klp-convert" --list "$lpb" | sed 's/^/  /'
for b in d e; do
	echo "\$ klp-convert --check test_klp_variants_bid.ko test_klp_variant_mod-$b.ko"
	"$OUT/scripts/livepatch/klp-convert" --check "$lpb" \
		"$OUT/kselftest/livepatch/test_modules/test_klp_variant_mod-$b.ko" | sed 's/^/  /' || true
done
