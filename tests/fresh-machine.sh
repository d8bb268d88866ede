#!/usr/bin/env bash
# The full fresh-machine run (issue 8), outside CI: bootstraps a minimal
# Debian 12 root (mmdebstrap, variant minbase, plus git and sudo: "the base
# system and git"), copies a clean clone of this repository's HEAD into it,
# and runs the README's two commands inside, end to end:
#   1. as root:               ./scripts/demo.sh
#   2. as a user with sudo:   ./scripts/demo.sh, then ./scripts/test.sh
# Each step's time and result go to tests/out/fresh-machine/summary.txt.
# Needs root on the host, the Debian archive and crates.io/PyPI, about 10 GB
# and about an hour on 2 cores (two kernel builds and one full test run).
#
#   tests/fresh-machine.sh [--keep] [ROOT_DIR]
#   RBOND_FRESH_STEPS="root-demo user-demo user-test" selects steps.
set -euo pipefail
. "$(dirname "$0")/../scripts/env.sh"

keep=0
[ "${1:-}" != --keep ] || { keep=1; shift; }
R=${1:-/var/tmp/rbond-fresh-root}
OUT=$RBOND_TOP/tests/out/fresh-machine
STEPS=${RBOND_FRESH_STEPS:-root-demo user-demo user-test}
mkdir -p "$OUT"
SUMMARY=$OUT/summary.txt
: >"$SUMMARY"

if [ "$(id -u)" -ne 0 ]; then
	echo "fresh-machine: needs root on the host (mmdebstrap, chroot)" >&2
	exit 1
fi
rbond_hint "apt-get install mmdebstrap"
command -v mmdebstrap >/dev/null || apt-get install -y -q mmdebstrap
rbond_hint

note() { echo "$*" | tee -a "$SUMMARY"; }

if [ ! -f "$R/.rbond-bootstrapped" ]; then
	rm -rf "$R"
	note "fresh-machine: bootstrapping Debian 12 (minbase + git, sudo) into $R"
	start=$(date +%s)
	mmdebstrap --variant=minbase --include=git,sudo,ca-certificates bookworm "$R" \
		"deb http://deb.debian.org/debian bookworm main" \
		"deb http://deb.debian.org/debian bookworm-updates main" \
		"deb http://deb.debian.org/debian-security bookworm-security main" >"$OUT/mmdebstrap.log" 2>&1
	note "fresh-machine: bootstrap took $(($(date +%s) - start)) s"
	touch "$R/.rbond-bootstrapped"
fi
cp /etc/resolv.conf "$R/etc/resolv.conf"
# The site's network is not the project's: where this machine reaches the
# registries through a TLS-intercepting proxy, the fresh root gets the same
# CA certificates and the same pointers to them, as any machine on this
# site would have, and nothing else.
if compgen -G "/usr/local/share/ca-certificates/*.crt" >/dev/null; then
	cp /usr/local/share/ca-certificates/*.crt "$R/usr/local/share/ca-certificates/"
	chroot "$R" update-ca-certificates >/dev/null 2>&1
fi
: >"$R/etc/profile.d/site-tls.sh"
for v in SSL_CERT_FILE SSL_CERT_DIR CURL_CA_BUNDLE REQUESTS_CA_BUNDLE PIP_CERT GIT_SSL_CAINFO; do
	[ -z "${!v:-}" ] || echo "export $v=${!v}" >>"$R/etc/profile.d/site-tls.sh"
done
grep -q "$(hostname)" "$R/etc/hosts" 2>/dev/null || echo "127.0.1.1 $(hostname)" >>"$R/etc/hosts"
chroot "$R" id dev >/dev/null 2>&1 || chroot "$R" useradd -m -s /bin/bash dev
echo 'dev ALL=(ALL) NOPASSWD: ALL' >"$R/etc/sudoers.d/dev"

# A clean clone of what is committed, for each user.
rm -rf "$R/root/bonding" "$R/home/dev/bonding"
git clone -q "$RBOND_TOP" "$R/root/bonding"
git clone -q "$RBOND_TOP" "$R/home/dev/bonding"
chroot "$R" chown -R dev:dev /home/dev/bonding
note "fresh-machine: commit $(git -C "$RBOND_TOP" rev-parse --short HEAD), $(date -u '+%Y-%m-%d %H:%M UTC')"

# run <step> <user> <command>: in the root, in a private mount namespace with
# /proc, /sys and /dev (QEMU needs them), as a login shell of <user>.
run() {
	local step=$1 user=$2 cmd=$3 home start rc=0
	home=/root
	[ "$user" = root ] || home=/home/$user
	note "fresh-machine: $step: $user runs '$cmd'"
	start=$(date +%s)
	unshare -m --propagation private -- bash -c '
		set -e
		R=$1
		# The root a mount of its own, as / is on a real machine (unshare
		# and mount namespaces inside want it).
		mount --bind "$R" "$R"
		mount -t proc proc "$R/proc"
		mount --rbind /sys "$R/sys"
		mount --rbind /dev "$R/dev"
		mount -t tmpfs tmpfs "$R/tmp"
		exec chroot "$R" su - "$2" -c "cd $3/bonding && $4"
	' _ "$R" "$user" "$home" "$cmd" >"$OUT/$step.log" 2>&1 </dev/null || rc=$?
	note "fresh-machine: $step: exit $rc after $(($(date +%s) - start)) s; last line: $(tail -n 1 "$OUT/$step.log")"
	return $rc
}

failed=0
for step in $STEPS; do
	case $step in
	root-demo) run root-demo root ./scripts/demo.sh || failed=1 ;;
	user-demo) run user-demo dev ./scripts/demo.sh || failed=1 ;;
	user-test) run user-test dev ./scripts/test.sh || failed=1 ;;
	*) echo "fresh-machine: unknown step $step" >&2; exit 2 ;;
	esac
done
[ $keep -eq 1 ] || [ $failed -ne 0 ] || rm -rf "$R"
if [ $failed -ne 0 ]; then
	note "fresh-machine: FAILED (logs in $OUT; the root is kept at $R)"
	exit 1
fi
note "fresh-machine: ok"
