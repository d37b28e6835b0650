#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Make build/linux a git tree: pristine source committed and tagged 'base',
# then one commit per patch of patches/series (git am).  An unchanged series
# reuses the tree as it is, so nothing is rebuilt from scratch.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

SERIES=$TOP/patches/series
STATE=$TREE/.git/klp-testbed-state

series_patches() {
	[ -f "$SERIES" ] || return 0
	sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$SERIES"
}

series_fingerprint() {
	local p
	{
		echo series-v1
		for p in $(series_patches); do
			[ -f "$TOP/patches/$p" ] || die "patches/series names $p, which does not exist"
			sha256sum < "$TOP/patches/$p"
		done
	} | sha256sum | cut -d' ' -f1
}

git_tree() { git -C "$TREE" "$@"; }

create_base() {
	local src=$BUILD/src/linux-source-6.12
	[ -d "$src" ] || die "$src missing: run testbed/fetch.sh"
	echo "creating $TREE from the pristine source (once)"
	rm -rf "$TREE.tmp"
	cp -a "$src" "$TREE.tmp"
	git -C "$TREE.tmp" init -q -b main
	git -C "$TREE.tmp" config user.name "klp-variants"
	git -C "$TREE.tmp" config user.email "klp-variants@localhost"
	git -C "$TREE.tmp" config core.autocrlf false
	git -C "$TREE.tmp" add -A -f .
	git -C "$TREE.tmp" commit -q -m "Linux 6.12.117 (Debian linux-source-6.12 6.12.117-1~deb12u1)"
	git -C "$TREE.tmp" tag base
	mv "$TREE.tmp" "$TREE"
}

apply_series() {
	local p n=0 total
	total=$(series_patches | wc -l)
	git_tree am --abort >/dev/null 2>&1 || true
	git_tree checkout -q -B main base
	git_tree reset -q --hard base
	rm -f "$STATE"
	for p in $(series_patches); do
		n=$((n + 1))
		echo "  [$n/$total] $p"
		if ! git_tree am -q --keep-cr "$TOP/patches/$p" > "$BUILD/am.log" 2>&1; then
			echo "error: patch $p does not apply:" >&2
			grep -E '^(error|fatal):' "$BUILD/am.log" >&2 || cat "$BUILD/am.log" >&2
			git_tree am --abort >/dev/null 2>&1 || true
			git_tree reset -q --hard base
			die "series stopped at $p; the tree is reset to 'base' and will be re-applied on the next run"
		fi
	done
	echo "$(series_fingerprint) $(git_tree rev-parse HEAD)" > "$STATE"
}

mkdir -p "$BUILD"
[ -d "$TREE/.git" ] || create_base

if [ "${1:-}" = --record ]; then
	echo "$(series_fingerprint) $(git_tree rev-parse HEAD)" > "$STATE"
	exit 0
fi

want=$(series_fingerprint)
if [ -f "$STATE" ]; then
	read -r have head < "$STATE"
	if [ "$have" = "$want" ] && [ "$head" = "$(git_tree rev-parse HEAD)" ]; then
		echo "tree is up to date with patches/series ($(series_patches | wc -l) patches)"
		exit 0
	fi
	if [ "$head" != "$(git_tree rev-parse HEAD)" ] && [ "${FORCE:-0}" != 1 ]; then
		die "build/linux has commits that are not in patches/: run 'make export' to keep them, or 'make tree FORCE=1' to drop them"
	fi
fi
if [ -n "$(git_tree status --porcelain --untracked-files=no)" ] && [ "${FORCE:-0}" != 1 ]; then
	die "build/linux has uncommitted changes: commit and 'make export' them, or 'make tree FORCE=1' to drop them"
fi
echo "applying patches/series ($(series_patches | wc -l) patches) on base"
apply_series
