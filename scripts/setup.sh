#!/usr/bin/env bash
# Installs everything the build, the demo and the tests need, then builds the
# debug test kernel into the cache. Idempotent: a second run takes seconds.
#
#   scripts/setup.sh              do it
#   scripts/setup.sh --dry-run    print the plan (packages to install, tools
#                                 to build, kernel to build) and change nothing
#
# Runs as root, or as a user with sudo (used for apt-get only).
set -euo pipefail
. "$(dirname "$0")/env.sh"

dry=0
case ${1:-} in
--dry-run | -n) dry=1 ;;
"") ;;
*) echo "usage: $0 [--dry-run]" >&2; exit 2 ;;
esac
[ "${RBOND_SETUP_DRY_RUN:-0}" != 1 ] || dry=1

# Debian packages, each with what it provides that the build uses (a glob;
# empty: dpkg's word is enough). A package dpkg calls installed whose file
# is gone counts as missing, so that a hidden or deleted piece is planned.
debs=(
	"$RBOND_KSRC_PKG:/usr/src/$RBOND_KSRC_PKG.tar.xz"
	"rustc-web:/usr/bin/rustc"
	"cargo-web:/usr/bin/cargo"
	"rust-web-src:/usr/src/rustc-*/library"
	"rustfmt-web:/usr/bin/rustfmt" "rust-web-clippy:/usr/bin/clippy-driver"
	"libclang-dev:" "clang:" "lld:" "llvm:"
	"make:" "gcc:" "flex:" "bison:" "bc:" "libelf-dev:" "libssl-dev:" "cpio:" "kmod:"
	"qemu-system-x86:/usr/bin/qemu-system-x86_64" "python3-venv:"
	"iproute2:" "iputils-ping:" "ethtool:" "tcpdump:" "busybox-static:" "util-linux:" "procps:"
	"libteam-utils:/usr/bin/teamd"
)

have_deb() {
	local pkg=${1%%:*} probe=${1#*:} f
	dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || return 1
	[ -n "$probe" ] || return 0
	for f in $probe; do
		[ -e "$f" ] && return 0
	done
	return 1
}

missing=()
for d in "${debs[@]}"; do
	have_deb "$d" || missing+=("${d%%:*}")
done
need_bindgen=0
bindgen --version 2>/dev/null | grep -qF "$RBOND_BINDGEN_VERSION" || need_bindgen=1
need_vng=0
"$RBOND_VENV/bin/vng" --version >/dev/null 2>&1 || need_vng=1
# Debian's ifupdown and ifenslave, as distributions ship them: downloaded,
# not installed (the VM test unpacks them in the guest, whose /etc is its
# own), so that the host's networking is left alone.
DEBS_DIR=$RBOND_CACHE/debs
need_debs=0
for p in ifupdown ifenslave; do
	ls "$DEBS_DIR/${p}_"*.deb >/dev/null 2>&1 || need_debs=1
done
KO=$(rbond_kernel_dir)
need_kernel=0
[ -f "$KO/.rbond-complete" ] || need_kernel=1

echo "setup: plan$([ $dry -eq 1 ] && echo ' (dry run: nothing is changed)')"
if [ ${#missing[@]} -gt 0 ]; then
	echo "plan: install Debian packages: ${missing[*]}"
else
	echo "plan: Debian packages: all installed"
fi
if [ $need_bindgen -eq 1 ]; then
	echo "plan: build bindgen-cli $RBOND_BINDGEN_VERSION (cargo install, into ~/.cargo/bin)"
else
	echo "plan: bindgen-cli $RBOND_BINDGEN_VERSION: installed"
fi
if [ $need_vng -eq 1 ]; then
	echo "plan: install virtme-ng $RBOND_VNG_VERSION (pip, venv $RBOND_VENV)"
else
	echo "plan: virtme-ng: installed"
fi
if [ $need_debs -eq 1 ]; then
	echo "plan: download Debian's ifupdown and ifenslave packages into $DEBS_DIR (for the ifupdown test)"
else
	echo "plan: ifupdown and ifenslave packages: downloaded"
fi
if [ $need_kernel -eq 1 ]; then
	echo "plan: build the test kernel $RBOND_KSRC_VERSION (tests/kernel.config) into $KO (5 to 10 minutes)"
else
	echo "plan: test kernel: cached at $KO"
fi
[ $dry -eq 0 ] || exit 0

SUDO=
if [ "$(id -u)" -ne 0 ]; then
	SUDO=sudo
	if [ ${#missing[@]} -gt 0 ] && ! command -v sudo >/dev/null; then
		echo "setup: installing packages needs root: run this as root, or install sudo" >&2
		exit 1
	fi
fi

if [ ${#missing[@]} -gt 0 ]; then
	rbond_hint "apt-get could not install ${missing[*]}; check the network and /etc/apt/sources.list"
	echo "setup: installing ${missing[*]}"
	$SUDO apt-get update -q
	pins=()
	for p in "${missing[@]}"; do
		case $p in
		"$RBOND_KSRC_PKG") v=$RBOND_KSRC_VERSION ;;
		rustc-web | cargo-web | rust-web-src | rustfmt-web | rust-web-clippy) v=$RBOND_RUST_VERSION ;;
		*) v= ;;
		esac
		if [ -n "$v" ] && apt-cache madison "$p" | grep -qF "$v"; then
			pins+=("$p=$v")
		else
			pins+=("$p")
		fi
	done
	# --reinstall: a package can be installed and still miss its file.
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --reinstall "${pins[@]}"
fi
RBOND_RUST_LIB_SRC=$(rbond_rust_lib_src)
if [ -z "$RBOND_RUST_LIB_SRC" ]; then
	echo "setup: no /usr/src/rustc-*/library after installing rust-web-src" >&2
	exit 1
fi

if [ $need_bindgen -eq 1 ]; then
	rbond_hint "cargo install bindgen-cli failed; it needs crates.io and libclang-dev"
	echo "setup: building bindgen-cli $RBOND_BINDGEN_VERSION"
	cargo install --locked "bindgen-cli@$RBOND_BINDGEN_VERSION"
fi

if [ $need_vng -eq 1 ]; then
	rbond_hint "installing virtme-ng from PyPI failed"
	echo "setup: installing virtme-ng $RBOND_VNG_VERSION"
	mkdir -p "$RBOND_CACHE"
	python3 -m venv "$RBOND_VENV"
	"$RBOND_VENV/bin/pip" install -q "virtme-ng==$RBOND_VNG_VERSION"
fi

if [ $need_debs -eq 1 ]; then
	rbond_hint "apt-get download ifupdown ifenslave failed; check the network and /etc/apt/sources.list"
	echo "setup: downloading ifupdown and ifenslave"
	mkdir -p "$DEBS_DIR"
	(cd "$DEBS_DIR" && { apt-get download -q ifupdown ifenslave 2>/dev/null ||
		{ $SUDO apt-get update -q && apt-get download -q ifupdown ifenslave; }; })
fi

rbond_hint
"$RBOND_TOP/scripts/build-kernel.sh"
