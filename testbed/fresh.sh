#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make fresh-check: prove the README's two commands on a fresh Debian 12
# machine.  Bootstraps a minimal Debian 12 root (debootstrap minbase) in
# build/fresh/root, gives it only what the README names as prerequisites
# (git and make) and the host's apt sources, clones the committed HEAD of
# this repository into it and runs the commands there as root, as a new
# user would, each timed.  The order is 'make check' then 'make demo', so
# that the check is the cold run (empty ccache, nothing built); set
# FRESH_COMMANDS to change it.  FRESH_REUSE=1 keeps the root and its
# build/ from the last run and only brings the clone up to this HEAD (to
# rerun after a fix; that run is not a cold one).  Logs:
# build/fresh/<command>.log.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

FRESH=$BUILD/fresh
ROOT=$FRESH/root
SUITE=bookworm
COMMANDS=${FRESH_COMMANDS:-check demo}
REPO=/root/klp-variants

[ "$(id -u)" = 0 ] || die "fresh-check bootstraps a root file system and chroots into it: run it as root"

# The archive address comes from this machine's own apt sources: the first
# "deb" entry that serves the release itself (not -updates or -security).
archive_uri() {
	local f
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] || continue
		awk -v suite="$SUITE" '
			/^[ \t]*$/ { if (uri != "" && ok && deb) { print uri; exit } uri = ""; ok = 0; deb = 0; next }
			/^Types:/ { for (i = 2; i <= NF; i++) if ($i == "deb") deb = 1 }
			/^URIs:/ { uri = $2 }
			/^Suites:/ { for (i = 2; i <= NF; i++) if ($i == suite) ok = 1 }
			END { if (uri != "" && ok && deb) print uri }
		' "$f"
	done
	[ -f /etc/apt/sources.list ] &&
		awk -v suite="$SUITE" '$1 == "deb" && $3 == suite { print $2 }' /etc/apt/sources.list
	return 0
}

unmount_root() {
	local m
	for m in dev/pts dev proc; do
		mountpoint -q "$ROOT/$m" 2>/dev/null && umount -l "$ROOT/$m"
	done
	return 0
}

in_root() {
	chroot "$ROOT" /usr/bin/env -i HOME=/root TERM=dumb LANG=C.UTF-8 \
		PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin "$@"
}

bootstrap() {
	local uri
	uri=$(archive_uri | head -1)
	[ -n "$uri" ] || die "no 'deb' source for $SUITE in /etc/apt/sources.list{,.d/*.sources}"
	command -v debootstrap > /dev/null || {
		echo "installing debootstrap on the host"
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
			debootstrap > "$FRESH/host-apt.log" 2>&1 ||
			die "cannot install debootstrap; log: $FRESH/host-apt.log"
	}
	unmount_root
	rm -rf "$ROOT"
	echo "debootstrap --variant=minbase $SUITE from $uri (log: $FRESH/debootstrap.log)"
	debootstrap --variant=minbase "$SUITE" "$ROOT" "$uri" > "$FRESH/debootstrap.log" 2>&1 ||
		{ tail -20 "$FRESH/debootstrap.log" >&2; die "debootstrap failed"; }
	# The new machine gets the same sources as this one (security included:
	# the pinned linux-source package is served from there).
	rm -f "$ROOT/etc/apt/sources.list"
	cp /etc/apt/sources.list.d/*.sources "$ROOT/etc/apt/sources.list.d/" 2>/dev/null || true
	[ -f /etc/apt/sources.list ] && cp /etc/apt/sources.list "$ROOT/etc/apt/sources.list"
	# No daemon may start inside the root.
	printf '#!/bin/sh\nexit 101\n' > "$ROOT/usr/sbin/policy-rc.d"
	chmod +x "$ROOT/usr/sbin/policy-rc.d"
	echo "root: $(du -sh "$ROOT" | cut -f1); installing git and make, nothing else"
	in_root apt-get update -qq > "$FRESH/root-apt.log" 2>&1 &&
		in_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
			--no-install-recommends git make >> "$FRESH/root-apt.log" 2>&1 ||
		{ tail -20 "$FRESH/root-apt.log" >&2; die "cannot install git and make in the root"; }
}

mkdir -p "$FRESH"
trap unmount_root EXIT
t0=$(date +%s)
git -C "$TOP" diff --quiet HEAD || echo "note: uncommitted changes of $TOP are not part of the test"
if [ "${FRESH_REUSE:-0}" = 1 ] && [ -d "$ROOT$REPO/.git" ]; then
	unmount_root
	git -C "$ROOT$REPO" fetch -q "$TOP" HEAD && git -C "$ROOT$REPO" reset -q --hard FETCH_HEAD ||
		die "cannot bring $REPO up to $(git -C "$TOP" rev-parse --short HEAD)"
	echo "reusing the root of the last run (not a cold run); $REPO is at $(git -C "$ROOT$REPO" rev-parse --short HEAD)"
else
	bootstrap
	echo "bootstrap took $(($(date +%s) - t0))s"
	git clone -q --no-hardlinks "$TOP" "$ROOT$REPO"
	echo "cloned $(git -C "$ROOT$REPO" rev-parse --short HEAD) into $REPO"
fi

# QEMU needs /dev (and /dev/kvm only with KVM=1) and /proc.
mount --bind /dev "$ROOT/dev"
mount --bind /dev/pts "$ROOT/dev/pts"
mount -t proc proc "$ROOT/proc"

fail=0
summary=()
for cmd in $COMMANDS; do
	log=$FRESH/$cmd.log
	echo "==> in the fresh root: cd $REPO && make $cmd (log: $log)"
	t=$(date +%s)
	if in_root bash -c "cd $REPO && make $cmd" > "$log" 2>&1; then
		rc=0
	else
		rc=$?
	fi
	secs=$(($(date +%s) - t))
	last=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$log" | tail -1 || true)
	if [ $rc -eq 0 ]; then
		summary+=("ok: make $cmd in ${secs}s${last:+ ($last)}")
	else
		fail=1
		summary+=("FAILED: make $cmd exited $rc after ${secs}s${last:+ ($last)}; log: $log")
		tail -30 "$log" | sed 's/^/  | /'
	fi
	echo "==> ${summary[-1]}"
done
echo
echo "fresh Debian 12 root ($SUITE minbase + git + make), commands: $COMMANDS"
printf '  %s\n' "${summary[@]}"
echo "total $(($(date +%s) - t0))s"
exit $fail
