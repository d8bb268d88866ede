#!/usr/bin/env bash
# Boots the test kernel once (virtme-ng, TCG) and runs the given VM test
# files (default: every tests/vm/t-*.sh) inside it. Prints one line per test
# and leaves "<passed> <failed>" in tests/out/vm/counts. RBOND_ONLY=<regex>
# runs only the tests whose names match.
set -uo pipefail
. "$(dirname "$0")/../scripts/env.sh"
rbond_need_setup

KDIR=$(rbond_kernel_dir)
OUT=$RBOND_TOP/tests/out/vm
rm -rf "$OUT"
mkdir -p "$OUT"
files=("$@")
[ ${#files[@]} -gt 0 ] || files=("$RBOND_TOP"/tests/vm/t-*.sh)
for i in "${!files[@]}"; do files[$i]=$(realpath "${files[$i]}"); done

cat >"$OUT/env.sh" <<ENV
RBOND_TOP=$RBOND_TOP
RBOND_KDIR=$KDIR
RBOND_TEST_TIMEOUT=${RBOND_TEST_TIMEOUT:-600}
RBOND_ONLY='${RBOND_ONLY:-.}'
RBOND_CYCLES=${RBOND_CYCLES:-150}
RBOND_DEBS=$RBOND_CACHE/debs
RBOND_LONG=${RBOND_LONG:-0}
ENV
# vng passes --exec on the kernel command line (2048 bytes at most), so the
# guest runs a script file.
cat >"$OUT/guest.sh" <<GUEST
#!/bin/bash
exec "$RBOND_TOP/tests/vm/guest-runner.sh" "$OUT" ${files[*]} >"$OUT/runner.log" 2>&1
GUEST
chmod +x "$OUT/guest.sh"

expected=()
for f in "${files[@]}"; do
	while read -r t; do
		[[ $t =~ ${RBOND_ONLY:-.} ]] && expected+=("$t")
	done < <(grep -oE '^test_[a-z0-9_]+' "$f")
done

# Two real NICs for the tests that need hardware-like slaves: an e1000 (MII
# registers, a link the QEMU monitor can cut) and a virtio-net, on one QEMU
# hub with user-mode networking (a gateway at 10.0.2.2 that answers ARP and
# ping). A QMP socket lets the host cut their links (set_link).
QMP=$OUT/qmp.sock
nics="-netdev user,id=slirp,restrict=on -netdev hubport,id=hp0,hubid=0,netdev=slirp"
nics+=" -netdev hubport,id=hp1,hubid=0 -device e1000,netdev=hp1,id=nic_e1000,mac=52:54:00:00:01:01"
nics+=" -netdev hubport,id=hp2,hubid=0 -device virtio-net-pci,netdev=hp2,id=nic_virtio,mac=52:54:00:00:02:01"
# A third NIC on the same hub is the peer of the bonded NICs: a test moves
# it into a namespace to receive what the bond sends (netconsole, VLANs).
nics+=" -netdev hubport,id=hp3,hubid=0 -device virtio-net-pci,netdev=hp3,id=nic_peer,mac=52:54:00:00:03:01"
nics+=" -qmp unix:$QMP,server=on,wait=off"

python3 "$RBOND_TOP/tests/qmp-agent.py" "$OUT" "$QMP" >"$OUT/qmp-agent.log" 2>&1 &
agent=$!
trap 'kill $agent 2>/dev/null' EXIT

echo "vm: booting $KDIR for ${#expected[@]} tests"
timeout -k 30 "${RBOND_VM_TIMEOUT:-4500}" vng --run "$KDIR" "${RBOND_VNG_USER[@]}" --disable-kvm --force-9p --disable-microvm \
	--memory 2G --cpus 2 --rwdir "$OUT" --qemu-opts="$nics" \
	--exec "$OUT/guest.sh" >"$OUT/console.log" 2>&1 </dev/null
[ -f "$OUT/finished" ] || echo "vm: the guest did not finish (see $OUT/console.log)"

passed=0
failed=0
for t in "${expected[@]}"; do
	line=$(grep -E "^(PASS|FAIL) $t[: ]" "$OUT/results" 2>/dev/null | head -1)
	[ -n "$line" ] || line="FAIL $t: no result (the VM died or timed out; see $OUT/console.log)"
	echo "  $line"
	case $line in
	PASS*) passed=$((passed + 1)) ;;
	*) failed=$((failed + 1)); [ -f "$OUT/$t.log" ] && sed 's/^/      | /' "$OUT/$t.log" | tail -n 15 ;;
	esac
done
echo "$passed $failed" >"$OUT/counts"
