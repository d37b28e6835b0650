#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Write base..HEAD of build/linux back to patches/ (format-patch + series).
# Stable: exporting twice without a change produces no diff.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ -d "$TREE/.git" ] || die "no tree at $TREE: run 'make tree' first"
[ -z "$(git -C "$TREE" status --porcelain --untracked-files=no)" ] ||
	die "build/linux has uncommitted changes: commit them first"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
git -C "$TREE" format-patch -q --no-signature --zero-commit --no-numbered \
	--abbrev=12 -o "$tmp" base..HEAD
rm -f "$TOP"/patches/*.patch
mkdir -p "$TOP/patches"
(cd "$tmp" && ls -1 *.patch 2>/dev/null || true) > "$TOP/patches/series"
cp "$tmp"/*.patch "$TOP/patches/" 2>/dev/null || true
# Record that the tree now matches the series, so 'make tree' reuses it.
bash "$TOP/testbed/materialize.sh" --record
echo "exported $(wc -l < "$TOP/patches/series") patches to patches/"
