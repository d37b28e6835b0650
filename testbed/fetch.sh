#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Fetch the pinned linux-source-6.12 package, verify it and unpack the
# tarball under build/src once; later runs reuse it.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

PKG=linux-source-6.12
VER=6.12.117-1~deb12u1
DEB_SHA=e849faf31ca3555757f3a8877cb01af92122f744f75d1f3102734651c4e14703
TAR_SHA=585a4a074597aefa2b1a68ada83a3184ba351c127544dea80618bbcceaa3961f
SRC=$BUILD/src
STAMP=$SRC/.unpacked-$TAR_SHA

if [ -f "$STAMP" ]; then
	echo "base source already unpacked in $SRC/linux-source-6.12"
	exit 0
fi

mkdir -p "$BUILD/dl"
deb=$BUILD/dl/${PKG}_${VER/\~/%7e}_all.deb
if [ ! -f "$deb" ] || ! echo "$DEB_SHA  $deb" | sha256sum -c --quiet - 2>/dev/null; then
	rm -f "$deb"
	echo "downloading $PKG=$VER"
	(cd "$BUILD/dl" && apt-get download -o APT::Sandbox::User=root "$PKG=$VER") ||
		die "cannot download $PKG=$VER: run 'apt-get update'; if the version left the archive, fetch that exact .deb from snapshot.debian.org into $BUILD/dl (never another version)"
	found=$(ls "$BUILD"/dl/${PKG}_*.deb | head -1)
	[ "$found" = "$deb" ] || mv "$found" "$deb"
fi
echo "$DEB_SHA  $deb" | sha256sum -c --quiet - ||
	die "$deb: sha256 mismatch (expected $DEB_SHA); delete it and retry, and check the pinned version in testbed/fetch.sh"

rm -rf "$SRC" && mkdir -p "$SRC/x"
dpkg-deb -x "$deb" "$SRC/x"
tarball=$SRC/x/usr/src/linux-source-6.12.tar.xz
[ -f "$tarball" ] || die "$deb does not contain usr/src/linux-source-6.12.tar.xz"
echo "$TAR_SHA  $tarball" | sha256sum -c --quiet - ||
	die "$tarball: sha256 mismatch (expected $TAR_SHA)"
echo "unpacking $(basename "$tarball")"
tar -C "$SRC" -xJf "$tarball"
rm -rf "$SRC/x"
touch "$STAMP"
