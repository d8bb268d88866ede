# Shared settings, sourced by every script under scripts/ and tests/.
# shellcheck shell=bash

RBOND_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# The cache lives outside the repository, under $HOME so that the virtme-ng
# guest (which sees the host's /home through an overlay, but not /var/tmp or
# /var/cache) can read the kernel from it.
RBOND_CACHE=${RBOND_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/rbond}
RBOND_VENV=$RBOND_CACHE/venv

# Pinned versions (fall back to the candidate only if a pin disappears).
RBOND_KSRC_PKG=linux-source-6.12
RBOND_KSRC_VERSION=6.12.117-1~deb12u1
RBOND_RUST_VERSION=1.96.0+dfsg1-1~deb12u2
RBOND_BINDGEN_VERSION=0.73.2
RBOND_VNG_VERSION=1.42

# The kernel's Rust must be built by Debian's rustc with its library source;
# the rustup toolchain has no rust-src.
RBOND_RUST_LIB_SRC=$(ls -d /usr/src/rustc-*/library 2>/dev/null | sort -V | tail -n 1)
RBOND_KMAKE_ARGS=(RUSTC=/usr/bin/rustc RUSTDOC=/usr/bin/rustdoc "RUST_LIB_SRC=$RBOND_RUST_LIB_SRC")

export PATH="$HOME/.cargo/bin:$RBOND_VENV/bin:$PATH"

# The kernel build directory for the current fragment and kernel version.
rbond_kernel_dir() {
	local ver hash
	ver=$(dpkg-query -W -f='${Version}' "$RBOND_KSRC_PKG" 2>/dev/null || echo none)
	hash=$(cat "$RBOND_TOP/tests/kernel.config" | sha256sum | cut -c1-12)
	echo "$RBOND_CACHE/kernel-${ver//[~+]/_}-$hash"
}
