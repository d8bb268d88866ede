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

# bench_start <name>: the benchmark kernel and module (bench_prepare), and
# a fresh result directory OUT=tests/out/<name>.
bench_start() {
	cd "$RBOND_TOP"
	bench_prepare
	OUT=$RBOND_TOP/tests/out/$1
	rm -rf "$OUT" && mkdir -p "$OUT"
}

# bench_boot <timeout> <guest script> <result> [VAR=value...]: boots the
# benchmark kernel on "bench/<guest script> $OUT", with RBOND_TOP,
# RBOND_KDIR, RBOND_BENCH_KO and the given variables exported; fails
# unless $OUT/<result> ends with the guest's "done".
bench_boot() {
	local timeout=$1 guest=$2 result=$3
	shift 3
	{
		echo '#!/bin/bash'
		printf 'export RBOND_TOP=%q RBOND_KDIR=%q RBOND_BENCH_KO=%q' "$RBOND_TOP" "$BENCH_KDIR" "$BENCH_KO"
		printf ' %q' "$@"
		printf '\nexec %q %q\n' "$RBOND_TOP/bench/$guest" "$OUT"
	} >"$OUT/run.sh"
	chmod +x "$OUT/run.sh"
	echo "bench: booting $BENCH_KDIR (minutes under TCG)"
	timeout "$timeout" vng --run "$BENCH_KDIR" "${RBOND_VNG_USER[@]}" --disable-kvm --force-9p --disable-microvm \
		--memory 2G --cpus 2 --rwdir "$OUT" --exec "$OUT/run.sh" >"$OUT/console.log" 2>&1 </dev/null || true
	grep -q '^done$' "$OUT/$result" || {
		echo "bench: incomplete, see $OUT"
		cat "$OUT/$result" "$OUT/${result%.txt}.err"
		return 1
	}
}
