#!/usr/bin/env bash
# Builds a kernel into $RBOND_CACHE/kernel[-<flavour>]-<version>-<config
# hash>: the debug test kernel (tinyconfig + tests/kernel.config), or with
# "bench" the same without its debug options (+ tests/kernel-bench.config),
# or with "kasan" a clang build with KASAN (+ tests/kernel-kasan.config).
# Does nothing when that build is complete already.
#
#   scripts/build-kernel.sh [debug|bench|kasan]     default: $RBOND_KERNEL or debug
set -euo pipefail
. "$(dirname "$0")/env.sh"

flavour=${1:-$RBOND_KERNEL}
read -r -a frags <<<"$(rbond_kernel_fragments "$flavour")"
[ ${#frags[@]} -gt 0 ] || { echo "kernel: unknown flavour $flavour" >&2; exit 1; }
O=$(rbond_kernel_dir "$flavour")
if [ -f "$O/.rbond-complete" ]; then
	echo "kernel: cached at $O"
	exit 0
fi

# A config change keeps the kernel version: seed the new build directory
# with the newest complete build of the same version, so that Kbuild (whose
# fixdep tracks each object's CONFIG_ dependencies) rebuilds only what the
# change touches: a minute or two instead of a full build.
if [ ! -d "$O" ]; then
	seed=
	for d in "${O%-*}"-*/; do
		d=${d%/}
		[ -f "$d/.rbond-complete" ] || continue
		[ -z "$seed" ] || [ "$d/.rbond-complete" -nt "$seed/.rbond-complete" ] && seed=$d
	done
	if [ -n "$seed" ]; then
		echo "kernel: seeding $O from $seed"
		rm -rf "$O.tmp"
		cp -a "$seed" "$O.tmp"
		rm -f "$O.tmp/.rbond-complete"
		mv "$O.tmp" "$O"
	fi
fi

src=$RBOND_CACHE/src/linux-source-6.12
if [ ! -f "$src/.rbond-unpacked" ]; then
	echo "kernel: unpacking /usr/src/$RBOND_KSRC_PKG.tar.xz"
	rm -rf "$src"
	mkdir -p "$RBOND_CACHE/src"
	tar -C "$RBOND_CACHE/src" -xf "/usr/src/$RBOND_KSRC_PKG.tar.xz"
	touch "$src/.rbond-unpacked"
fi

command -v bindgen >/dev/null || { echo "kernel: bindgen not on PATH (run scripts/setup.sh)" >&2; exit 1; }
mk=(make -C "$src" O="$O" "${RBOND_KMAKE_ARGS[@]}" $(rbond_kernel_llvm "$flavour"))
mkdir -p "$O"
"${mk[@]}" -s rustavailable
"${mk[@]}" -s tinyconfig
"$src/scripts/kconfig/merge_config.sh" -m -O "$O" "$O/.config" "${frags[@]}" >/dev/null
"${mk[@]}" -s olddefconfig

# merge_config warns but carries on when Kconfig drops a value; refuse
# instead, so a kernel without RUST or lockdep never reaches the cache.
bad=0
while IFS= read -r line; do
	case $line in
	CONFIG_*=n) opt=${line%%=*}; grep -q "^$opt=" "$O/.config" && { echo "kernel: $opt should be off" >&2; bad=1; } ;;
	CONFIG_*) grep -qx "$line" "$O/.config" || { echo "kernel: wanted $line, got: $(grep "^${line%%=*}=" "$O/.config" || echo unset)" >&2; bad=1; } ;;
	esac
done < <(cat "${frags[@]}" | grep -E '^CONFIG_' | awk -F= '!($1 in v) { order[n++] = $1 } { v[$1] = $0 } END { for (i = 0; i < n; i++) print v[order[i]] }')
[ $bad -eq 0 ] || exit 1

jobs=$(( $(nproc) + 1 ))
echo "kernel: building in $O with -j$jobs (5 to 10 minutes on 2 cores)"
start=$(date +%s)
"${mk[@]}" -s -j"$jobs" bzImage modules
touch "$O/.rbond-complete"
echo "kernel: built in $(( $(date +%s) - start )) s"

# Keep the two newest builds of this version (the previous one seeds the
# next config change, or serves a checkout of an older commit).
n=0
for d in $(ls -dt "${O%-*}"-*/ 2>/dev/null); do
	d=${d%/}
	[ "$d" = "$O" ] && continue
	n=$((n + 1))
	[ $n -lt 2 ] || { echo "kernel: pruning $d"; rm -rf "$d"; }
done
