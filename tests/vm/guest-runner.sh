#!/bin/bash
# Runs inside the VM: every test_* function of the given files, each in its
# own shell with a time limit, the kernel log cleared before and scanned
# after. Writes "PASS name" / "FAIL name: reason" lines to $OUT/results.
set -u
OUT=$1
shift
. "$OUT/env.sh"
export RBOND_TOP RBOND_KDIR OUT RBOND_CYCLES RBOND_DEBS RBOND_LONG RBOND_SOAK RBOND_FUZZ_SEED RBOND_FUZZ_OPS RBOND_FUZZ_TRACE RBOND_STRESS_SECS RBOND_FLOOD_CYCLES
RBOND_CLAIMS=${RBOND_CLAIMS:-}
RESULTS=$OUT/results
: >"$RESULTS"

mountpoint -q /sys/kernel/debug || mount -t debugfs none /sys/kernel/debug
# kmemleak: forget what boot left behind, so reports belong to the tests.
if [ -w /sys/kernel/debug/kmemleak ]; then
	echo scan >/sys/kernel/debug/kmemleak
	echo clear >/sys/kernel/debug/kmemleak
fi
# Tests must never load the in-tree C driver by accident. virtme-ng maps the
# kernel build's modules (the C bonding.ko among them) to /lib/modules; hide
# them under an empty tmpfs, so that the C driver is reachable only by
# explicit path (lib.sh: load_c_bonding) and modprobe finds nothing unless a
# test installs it.
mount -t tmpfs rbond-modules /usr/lib/modules
# The module loader's helper: restored after every test (the fuzzer turns
# autoloading off while it runs).
MODPROBE_PATH=$(cat /proc/sys/kernel/modprobe)

# Python's site initialisation (the host's .pth hooks, shims) costs about
# 4 s a start under TCG, and the tests start Python hundreds of times; they
# need the standard library only, so every `python3` runs the interpreter
# itself with -S.
mkdir -p /tmp/rbond-bin
printf '#!/bin/sh\nexec %s -S "$@"\n' "$(python3 -S -c 'import sys; print(sys.executable)')" >/tmp/rbond-bin/python3
chmod +x /tmp/rbond-bin/python3
export PATH=/tmp/rbond-bin:$PATH

# Exported for the tests' own tools (fuzz.py checks between its batches).
export RBOND_SPLAT='WARNING:|BUG:|Oops|general protection|possible circular locking|possible recursive locking|inconsistent lock state|sleeping function called from invalid context|suspicious RCU usage|unreferenced object|ODEBUG|KFENCE|list_add corruption|list_del corruption|Kernel panic|INFO: task .* blocked|refcount_t:|UBSAN|KASAN'
SPLAT=$RBOND_SPLAT

for file in "$@"; do
	for t in $(grep -oE '^test_[a-z0-9_]+' "$file"); do
		[[ $t =~ ${RBOND_ONLY:-.} ]] || continue
		# Several guests share the list (tests/run-vm.sh): a test runs in
		# the guest whose mkdir takes it first; t-zz-* run in every guest.
		if [ -n "${RBOND_CLAIMS:-}" ] && [[ ${file##*/} != t-zz-* ]]; then
			mkdir "$RBOND_CLAIMS/$t" 2>/dev/null || continue
		fi
		dmesg -C
		log=$OUT/$t.log
		start=$(date +%s.%N)
		# A test that is about to time out is most likely stuck: a minute
		# before the limit, write every task's state and kernel stack to
		# $t.hang (tests/vm/hangdump.py), so that a hang leaves a
		# diagnosis and not only "timed out".
		limit=${RBOND_TEST_TIMEOUT:-600}
		(
			# read -t on a pipe nobody writes: a sleep without a child
			# process, so that killing this subshell ends the watchdog.
			read -r -t $((limit > 120 ? limit - 60 : limit / 2)) _ <> <(:)
			# The fuzzer (fuzz.py) logs its current operation on SIGUSR1.
			pkill -USR1 -f 'tests/vm/fuzz\.py' 2>/dev/null
			python3 "$RBOND_TOP/tests/vm/hangdump.py" >"$OUT/$t.hang" 2>&1
			dmesg >"$OUT/$t.hang-dmesg"
		) &
		watchdog=$!
		timeout -k 10 "$limit" bash -c '
			set -eE -o pipefail
			. "$RBOND_TOP/tests/vm/lib.sh"
			. "$1"
			trap '\''echo "FAIL: ${BASH_SOURCE[0]##*/}:$LINENO: $BASH_COMMAND" >&2'\'' ERR
			"$2"
		' _ "$file" "$t" >"$log" 2>&1
		rc=$?
		kill "$watchdog" 2>/dev/null
		wait "$watchdog" 2>/dev/null
		secs=$(echo "$(date +%s.%N) - $start" | bc)
		# Leave the next test a clean machine.
		(
			# An LACP partner (t-lacp.sh) goes before its namespace. Killed
			# and not waited for: the guest's init reaps no orphans, so a
			# dead daemon stays a zombie that pgrep still finds.
			pkill -KILL -x teamd && sleep 0.2
			rm -rf /run/teamd
			for ns in $(ip netns list 2>/dev/null | awk '{print $1}'); do ip netns del "$ns"; done
			[ -d /sys/module/bonding ] && rmmod bonding
			for d in /sys/class/net/veth* /sys/class/net/rb*; do [ -e "$d" ] && ip link del "${d##*/}"; done
			rm -rf /usr/lib/modules/* /etc/modprobe.d/*rbond*.conf
			echo "$MODPROBE_PATH" >/proc/sys/kernel/modprobe
		) >>"$log" 2>&1
		dmesg >"$OUT/$t.dmesg"
		splat=$(grep -E "$SPLAT" "$OUT/$t.dmesg" | head -3)
		if [ $rc -ne 0 ]; then
			reason=$(grep -m1 '^FAIL' "$log" || tail -n1 "$log")
			[ $rc -eq 124 ] && reason="timed out"
			echo "FAIL $t: ${reason#FAIL: }" >>"$RESULTS"
		elif [ -n "$splat" ]; then
			echo "FAIL $t: kernel log: $(echo "$splat" | head -1)" >>"$RESULTS"
		else
			printf 'PASS %s (%.1fs)\n' "$t" "$secs" >>"$RESULTS"
		fi
		tail -n1 "$RESULTS" >/dev/console 2>/dev/null || true
	done
done
echo done >"$OUT/finished"
