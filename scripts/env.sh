# Shared settings, sourced by every script under scripts/ and tests/.
# shellcheck shell=bash

RBOND_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
. "$RBOND_TOP/scripts/errtrap.sh"
# The cache lives outside the repository, under $HOME so that the virtme-ng
# guest (which sees the host's /home through an overlay, but not /var/tmp or
# /var/cache) can read the kernel from it.
RBOND_CACHE=${RBOND_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/rbond}
RBOND_VENV=$RBOND_CACHE/venv

# Pinned versions (fall back to the candidate only if a pin disappears).
RBOND_KSRC_PKG=linux-source-6.12
RBOND_KSRC_VERSION=6.12.118-1~deb12u1
RBOND_RUST_VERSION=1.96.0+dfsg1-1~deb12u2
RBOND_BINDGEN_VERSION=0.73.2
RBOND_VNG_VERSION=1.42

# The kernel's Rust must be built by Debian's rustc with its library source;
# the rustup toolchain has no rust-src.
# Empty until rust-web-src is installed (scripts/setup.sh installs it and
# reads it again); must not fail, since every script sources this file
# before set-up has had a chance to run.
rbond_rust_lib_src() {
	local d last=
	for d in /usr/src/rustc-*/library; do
		[ -d "$d" ] && last=$d
	done
	echo "$last"
}
RBOND_RUST_LIB_SRC=$(rbond_rust_lib_src)
RBOND_KMAKE_ARGS=(RUSTC=/usr/bin/rustc RUSTDOC=/usr/bin/rustdoc "RUST_LIB_SRC=$RBOND_RUST_LIB_SRC")

export PATH="$HOME/.cargo/bin:$RBOND_VENV/bin:$PATH"

# Which kernel: "debug" (the tests' kernel: lockdep, KFENCE, kmemleak,
# debug objects, fault injection), "kasan" (built by clang: KASAN instead
# of lockdep and KFENCE; Rust with KASAN needs a clang kernel) or "bench"
# (the debug kernel without the debug options, for benchmarks: a figure
# taken on the debug kernel measures the debug options).
RBOND_KERNEL=${RBOND_KERNEL:-debug}
case $RBOND_KERNEL in
debug | bench | kasan) ;;
*) echo "RBOND_KERNEL=$RBOND_KERNEL: expected debug, kasan or bench" >&2; exit 1 ;;
esac

# rbond_kernel_fragments [flavour]: the config fragments, merged in order
# over tinyconfig.
rbond_kernel_fragments() {
	case ${1:-$RBOND_KERNEL} in
	debug) echo "$RBOND_TOP/tests/kernel.config" ;;
	bench) echo "$RBOND_TOP/tests/kernel.config $RBOND_TOP/tests/kernel-bench.config" ;;
	kasan) echo "$RBOND_TOP/tests/kernel.config $RBOND_TOP/tests/kernel-kasan.config" ;;
	esac
}

# rbond_kernel_llvm [flavour]: "LLVM=1" for a flavour built by clang (its
# modules must be built by clang too: the Makefile reads the kernel's
# .config for that).
rbond_kernel_llvm() {
	[ "${1:-$RBOND_KERNEL}" = kasan ] && echo LLVM=1
	return 0
}

# rbond_kernel_dir [flavour]: the kernel build directory for the flavour's
# fragments and the kernel version.
rbond_kernel_dir() {
	local fl=${1:-$RBOND_KERNEL} ver hash prefix=kernel
	[ "$fl" = debug ] || prefix=kernel-$fl
	# Before set-up has installed the source, the pinned version it will
	# install (so that a dry run names the directory the build will fill).
	ver=$(dpkg-query -W -f='${Version}' "$RBOND_KSRC_PKG" 2>/dev/null) || ver=
	[ -n "$ver" ] || ver=$RBOND_KSRC_VERSION
	# shellcheck disable=SC2046
	hash=$(cat $(rbond_kernel_fragments "$fl") | sha256sum | cut -c1-12)
	echo "$RBOND_CACHE/$prefix-${ver//[~+]/_}-$hash"
}

# rbond_need_setup: stop with a clear message unless set-up has run (the
# test kernel is built and vng is installed).
rbond_need_setup() {
	local k
	k=$(rbond_kernel_dir)
	if [ ! -f "$k/.rbond-complete" ] || ! command -v vng >/dev/null; then
		echo "${0##*/}: the test kernel ($k) or virtme-ng is missing: run scripts/setup.sh" >&2
		exit 1
	fi
}

# vng runs the guest as the calling user; the tests and the demo load
# modules, so a user with sudo asks for root inside the guest.
RBOND_VNG_USER=()
[ "$(id -u)" -eq 0 ] || RBOND_VNG_USER=(--user root)
