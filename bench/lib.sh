# Host side of the benchmarks: the kernel they run on and this module built
# for it. Sourced after scripts/env.sh.
# shellcheck shell=bash

# bench_prepare: builds, if missing, the benchmark kernel (RBOND_BENCH_KERNEL,
# default "bench": no debug options) and bonding.ko for it, in a copy of
# the tree under the cache (the tree's own bonding.ko is the test kernel's).
# Sets BENCH_KDIR and BENCH_KO.
bench_prepare() {
	local flavour=${RBOND_BENCH_KERNEL:-bench} b
	if ! command -v iperf3 >/dev/null; then
		echo "bench: installing iperf3"
		if [ "$(id -u)" -eq 0 ]; then DEBIAN_FRONTEND=noninteractive apt-get install -y -qq iperf3 >/dev/null
		else sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq iperf3 >/dev/null; fi
	fi
	"$RBOND_TOP/scripts/build-kernel.sh" "$flavour"
	BENCH_KDIR=$(rbond_kernel_dir "$flavour")
	# RBOND_BENCH_BUILD names another build directory: a second benchmark
	# may build while a first one's guest still loads its module.
	b=$RBOND_CACHE/build-${RBOND_BENCH_BUILD:-$flavour}
	mkdir -p "$b"
	# The sources only (never the test kernel's objects or generated
	# bindings), all stamped now: the module is rebuilt from what the tree
	# holds (a checkout of older files must not look up to date).
	(cd "$RBOND_TOP" && git ls-files -z --cached --others --exclude-standard |
		tar --null --ignore-failed-read -T - -cf - 2>/dev/null) | tar -C "$b" -m -xf -
	make -C "$b" -s KDIR="$BENCH_KDIR" modules
	BENCH_KO=$b/bonding.ko
	echo "bench: $BENCH_KO for $(basename "$BENCH_KDIR")"
}
