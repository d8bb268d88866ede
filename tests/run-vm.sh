#!/usr/bin/env bash
# Boots the test kernel (virtme-ng, TCG) and runs the given VM test files
# (default: every tests/vm/t-*.sh) inside it. Prints one line per test and
# leaves "<passed> <failed>" in tests/out/vm/counts. RBOND_ONLY=<regex> runs
# only the tests whose names match.
#
# RBOND_VM_JOBS (default: 2 on a machine with 2 or more CPUs) guests run at
# once, each its own QEMU with its own NICs. They share the list of tests:
# a guest takes the next test nobody has taken (an atomic mkdir in the
# shared directory), so the guests stay busy until the list is done. A test
# spends most of its time in the guest's timers and in process start-up, so
# two guests on two cores finish far sooner than one. The files named
# t-zz-* (what the whole run left behind) run in every guest, after the
# rest.
set -uo pipefail
. "$(dirname "$0")/../scripts/env.sh"
rbond_need_setup

KDIR=$(rbond_kernel_dir)
OUT=$RBOND_TOP/tests/out/vm
rm -rf "$OUT"
mkdir -p "$OUT/claims"
files=("$@")
[ ${#files[@]} -gt 0 ] || files=("$RBOND_TOP"/tests/vm/t-*.sh)
for i in "${!files[@]}"; do files[$i]=$(realpath "${files[$i]}"); done

expected=()
for f in "${files[@]}"; do
	while read -r t; do
		[[ $t =~ ${RBOND_ONLY:-.} ]] && expected+=("$t")
	done < <(grep -oE '^test_[a-z0-9_]+' "$f")
done

# The KASAN kernel runs the same tests two to five times slower (every
# memory access is checked, under emulation): longer default limits.
if [ "$RBOND_KERNEL" = kasan ]; then
	RBOND_TEST_TIMEOUT=${RBOND_TEST_TIMEOUT:-1500}
	RBOND_VM_TIMEOUT=${RBOND_VM_TIMEOUT:-14400}
fi

jobs=${RBOND_VM_JOBS:-$(( $(nproc) >= 2 ? 2 : 1 ))}
[ "$jobs" -ge 1 ] 2>/dev/null || jobs=1
[ "$jobs" -le ${#expected[@]} ] || jobs=${#expected[@]}
[ "$jobs" -ge 1 ] || jobs=1

# Two real NICs for the tests that need hardware-like slaves: an e1000 (MII
# registers, a link the QEMU monitor can cut) and a virtio-net, on one QEMU
# hub with user-mode networking (a gateway at 10.0.2.2 that answers ARP and
# ping). A QMP socket lets the host cut their links (set_link).
# A third NIC on the same hub is the peer of the bonded NICs: a test moves
# it into a namespace to receive what the bond sends (netconsole, VLANs).
nics="-netdev user,id=slirp,restrict=on -netdev hubport,id=hp0,hubid=0,netdev=slirp"
nics+=" -netdev hubport,id=hp1,hubid=0 -device e1000,netdev=hp1,id=nic_e1000,mac=52:54:00:00:01:01"
nics+=" -netdev hubport,id=hp2,hubid=0 -device virtio-net-pci,netdev=hp2,id=nic_virtio,mac=52:54:00:00:02:01"
nics+=" -netdev hubport,id=hp3,hubid=0 -device virtio-net-pci,netdev=hp3,id=nic_peer,mac=52:54:00:00:03:01"

# guest <n>: one QEMU guest, its files under $OUT/s<n>.
guest() {
	local dir=$OUT/s$1 agent
	mkdir -p "$dir"
	cat >"$dir/env.sh" <<ENV
RBOND_TOP=$RBOND_TOP
RBOND_KDIR=$KDIR
RBOND_TEST_TIMEOUT=${RBOND_TEST_TIMEOUT:-600}
RBOND_ONLY='${RBOND_ONLY:-.}'
RBOND_CYCLES=${RBOND_CYCLES:-150}
RBOND_DEBS=$RBOND_CACHE/debs
RBOND_LONG=${RBOND_LONG:-0}
RBOND_SOAK=${RBOND_SOAK:-0}
RBOND_FUZZ_SEED=${RBOND_FUZZ_SEED:-}
RBOND_FUZZ_OPS=${RBOND_FUZZ_OPS:-}
RBOND_FUZZ_TRACE=${RBOND_FUZZ_TRACE:-}
RBOND_FUZZ_KMEMLEAK_EVERY=${RBOND_FUZZ_KMEMLEAK_EVERY:-}
RBOND_STRESS_SECS=${RBOND_STRESS_SECS:-}
RBOND_FLOOD_CYCLES=${RBOND_FLOOD_CYCLES:-}
RBOND_CLAIMS=$OUT/claims
ENV
	# vng passes --exec on the kernel command line (2048 bytes at most), so
	# the guest runs a script file.
	cat >"$dir/guest.sh" <<GUEST
#!/bin/bash
exec "$RBOND_TOP/tests/vm/guest-runner.sh" "$dir" ${files[*]} >"$dir/runner.log" 2>&1
GUEST
	chmod +x "$dir/guest.sh"
	python3 "$RBOND_TOP/tests/qmp-agent.py" "$dir" "$dir/qmp.sock" >"$dir/qmp-agent.log" 2>&1 &
	agent=$!
	# The root file system is the host's, read-only: cache=loose lets the
	# guest keep what it read (binaries, Python's library) instead of
	# asking the host again at every exec.
	timeout -k 30 "${RBOND_VM_TIMEOUT:-4800}" vng --run "$KDIR" "${RBOND_VNG_USER[@]}" --disable-kvm --force-9p --disable-microvm \
		--memory 2G --cpus 2 --rwdir "$OUT" \
		--qemu-opts="$nics -qmp unix:$dir/qmp.sock,server=on,wait=off" \
		--append "rootflags=version=9p2000.L,trans=virtio,access=any,msize=524288,cache=loose" \
		--exec "$dir/guest.sh" >"$dir/console.log" 2>&1 </dev/null
	kill $agent 2>/dev/null
	[ -f "$dir/finished" ] || echo "vm: guest $1 did not finish (see $dir/console.log)"
}

echo "vm: booting $KDIR for ${#expected[@]} tests in $jobs guest(s)"
pids=()
for n in $(seq "$jobs"); do
	guest "$n" &
	pids+=($!)
	# The guests boot a little apart, so that their start-up does not
	# fight over the two cores.
	sleep 2
done
wait "${pids[@]}"

# One result per test, the logs next to it. A test that ran in several
# guests (t-zz-*) fails if it failed in any.
cat "$OUT"/s*/results >"$OUT/results" 2>/dev/null
for d in "$OUT"/s*; do
	for f in "$d"/test_*; do
		[ -e "$f" ] || continue
		b=${f##*/}
		if [ -e "$OUT/$b" ]; then mv "$f" "$OUT/${b%%.*}.${d##*/}.${b#*.}"; else mv "$f" "$OUT/$b"; fi
	done
done
passed=0
failed=0
for t in "${expected[@]}"; do
	line=$(grep -hE "^(PASS|FAIL) $t[: ]" "$OUT/results" 2>/dev/null | sort | head -1)
	[ -n "$line" ] || line="FAIL $t: no result (a VM died or timed out; see $OUT/s*/console.log)"
	echo "  $line"
	case $line in
	PASS*) passed=$((passed + 1)) ;;
	*) failed=$((failed + 1)); [ -f "$OUT/$t.log" ] && sed 's/^/      | /' "$OUT/$t.log" | tail -n 15 ;;
	esac
done
echo "$passed $failed" >"$OUT/counts"
[ -f "$OUT/s1/finished" ] && echo "done" >"$OUT/finished"
