#!/usr/bin/env bash
# The fresh-machine test that CI can run (issue 8): both README commands'
# set-up step, in a mount namespace where what a fresh Debian 12 machine
# lacks is hidden: Debian's Rust library source and kernel source
# (/usr/src), ~/.cargo (rustup's toolchain and bindgen), and the cache (the
# virtme-ng venv and the kernel build). Their --dry-run must exit 0 and its
# plan must name every missing piece. Would have caught env.sh ending every
# script before set-up could install rust-web-src.
set -euo pipefail
. "$(dirname "$0")/../scripts/env.sh"

if [ "${1:-}" != --inside ]; then
	if [ "$(id -u)" -eq 0 ]; then
		exec unshare -m --propagation private -- "$0" --inside
	fi
	# A user: a user namespace as fake root where the kernel allows one;
	# else (a chroot, or user namespaces off) sudo for the mounts, and the
	# dry runs as the user again.
	if unshare -r -m true 2>/dev/null; then
		exec unshare -r -m --propagation private -- "$0" --inside
	fi
	rbond_hint "needs unprivileged user namespaces or sudo"
	exec sudo unshare -m --propagation private -- env RBOND_DRYRUN_AS="$(id -u):$(id -g)" \
		HOME="$HOME" PATH="$PATH" RBOND_CACHE="$RBOND_CACHE" "$0" --inside
fi

# as_user <command...>: as the user who ran the test (RBOND_DRYRUN_AS).
as_user() {
	if [ -n "${RBOND_DRYRUN_AS:-}" ]; then
		setpriv --reuid="${RBOND_DRYRUN_AS%:*}" --regid="${RBOND_DRYRUN_AS#*:}" --init-groups "$@"
	else
		"$@"
	fi
}

hide() {
	[ -d "$1" ] || return 0
	mount -t tmpfs rbond-fresh "$1"
}
hide /usr/src
hide "$HOME/.cargo"
hide "$RBOND_CACHE"

ok=1
for cmd in scripts/demo.sh scripts/test.sh; do
	echo "== $cmd --dry-run"
	rc=0
	out=$(as_user "$RBOND_TOP/$cmd" --dry-run 2>&1) || rc=$?
	echo "$out"
	if [ $rc -ne 0 ]; then
		echo "FAIL: $cmd --dry-run exited $rc"
		ok=0
		continue
	fi
	for want in "install Debian packages: .*$RBOND_KSRC_PKG" \
		"install Debian packages: .*rust-web-src" \
		"build bindgen-cli $RBOND_BINDGEN_VERSION" \
		"install virtme-ng $RBOND_VNG_VERSION" \
		"download Debian's ifupdown and ifenslave packages into $RBOND_CACHE/debs" \
		"build the test kernel .* into $RBOND_CACHE/kernel-"; do
		grep -qE "^plan: $want" <<<"$out" || { echo "FAIL: $cmd: the plan does not name: $want"; ok=0; }
	done
done
# A dry run changes nothing: what was hidden is still empty.
for d in /usr/src "$HOME/.cargo" "$RBOND_CACHE"; do
	[ ! -d "$d" ] || [ -z "$(ls -A "$d")" ] || { echo "FAIL: the dry run wrote into $d"; ok=0; }
done
if [ $ok -ne 1 ]; then
	echo "fresh-dryrun: FAILED"
	exit 1
fi
echo "fresh-dryrun: ok"
