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
# The cover letter: git's own, its subject and blurb taken from
# patches/cover-letter.txt (first line, then the rest).  Not in the series.
letter=$TOP/patches/cover-letter.txt
if [ -f "$letter" ]; then
	git -C "$TREE" format-patch -q --no-signature --zero-commit --cover-letter \
		--abbrev=12 -o "$tmp/cover" base..HEAD
	# Dated like the last patch, so that an unchanged series exports
	# the same letter.
	python3 - "$tmp/cover/0000-cover-letter.patch" "$letter" \
		"$TOP/patches/0000-cover-letter.patch" "$(git -C "$TREE" log -1 --format=%aD)" <<'PY'
import re, sys
cover, letter, out, date = sys.argv[1:]
text = open(cover).read()
text = re.sub(r"^Date: .*$", "Date: " + date, text, count=1, flags=re.M)
subject, _, blurb = open(letter).read().partition("\n")
text = text.replace("*** SUBJECT HERE ***", subject.strip(), 1)
text = text.replace("*** BLURB HERE ***", blurb.strip("\n"), 1)
open(out, "w").write(text)
PY
fi
# Record that the tree now matches the series, so 'make tree' reuses it.
bash "$TOP/testbed/materialize.sh" --record
echo "exported $(wc -l < "$TOP/patches/series") patches to patches/"
