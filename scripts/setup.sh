#!/usr/bin/env bash
# Installs everything the build, the demo and the tests need, then builds the
# debug test kernel into the cache. Idempotent: a second run takes seconds.
set -euo pipefail
. "$(dirname "$0")/env.sh"

SUDO=
[ "$(id -u)" -eq 0 ] || SUDO=sudo

debs=(
	"$RBOND_KSRC_PKG"
	rustc-web rust-web-src
	libclang-dev clang lld llvm
	make gcc flex bison bc libelf-dev libssl-dev cpio kmod
	qemu-system-x86 python3-venv
	iproute2 iputils-ping ethtool tcpdump busybox-static util-linux procps
)
missing=()
for p in "${debs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	echo "setup: installing ${missing[*]}"
	$SUDO apt-get update -q
	pins=()
	for p in "${missing[@]}"; do
		case $p in
		"$RBOND_KSRC_PKG") v=$RBOND_KSRC_VERSION ;;
		rustc-web | rust-web-src) v=$RBOND_RUST_VERSION ;;
		*) v= ;;
		esac
		if [ -n "$v" ] && apt-cache madison "$p" | grep -qF "$v"; then
			pins+=("$p=$v")
		else
			pins+=("$p")
		fi
	done
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q "${pins[@]}"
fi
RBOND_RUST_LIB_SRC=$(ls -d /usr/src/rustc-*/library | sort -V | tail -n 1)

if ! command -v cargo >/dev/null; then
	echo "setup: cargo is missing; install rustup's toolchain first" >&2
	exit 1
fi
if ! bindgen --version 2>/dev/null | grep -q "$RBOND_BINDGEN_VERSION"; then
	echo "setup: installing bindgen-cli $RBOND_BINDGEN_VERSION"
	cargo install --locked "bindgen-cli@$RBOND_BINDGEN_VERSION"
fi

mkdir -p "$RBOND_CACHE"
if ! "$RBOND_VENV/bin/vng" --version >/dev/null 2>&1; then
	echo "setup: installing virtme-ng $RBOND_VNG_VERSION"
	python3 -m venv "$RBOND_VENV"
	"$RBOND_VENV/bin/pip" install -q "virtme-ng==$RBOND_VNG_VERSION"
fi

"$RBOND_TOP/scripts/build-kernel.sh"
