#!/bin/bash
# Runs inside the VM: every test_* function of the given files, each in its
# own shell with a time limit, the kernel log cleared before and scanned
# after. Writes "PASS name" / "FAIL name: reason" lines to $OUT/results.
set -u
OUT=$1
shift
. "$OUT/env.sh"
export RBOND_TOP RBOND_KDIR OUT RBOND_CYCLES RBOND_DEBS RBOND_LONG RBOND_SOAK RBOND_FUZZ_SEED RBOND_FUZZ_OPS RBOND_FUZZ_TRACE RBOND_FUZZ_KMEMLEAK_EVERY RBOND_STRESS_SECS RBOND_FLOOD_CYCLES
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
		start=$EPOCHREALTIME
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
		tenths=$(( (${EPOCHREALTIME/./} - ${start/./}) / 100000 ))
		secs=$((tenths / 10)).$((tenths % 10))
		# Leave the next test a clean machine. Bash builtins where they
		# do: under TCG every program started costs a fraction of a
		# second (pkill and `ip netns list` took 2 to 3 s a test), and
		# this runs after every test. What each step took goes to
		# $OUT/overhead.
		(
			laps="" t0=$EPOCHREALTIME
			lap() { laps+=" $1 $(( (${EPOCHREALTIME/./} - ${t0/./}) / 1000 ))ms"; t0=$EPOCHREALTIME; }
			# An LACP partner (t-lacp.sh) goes before its namespace. Killed
			# and not waited for: the guest's init reaps no orphans, so a
			# dead daemon stays a zombie (state Z, skipped here).
			teamd=()
			for p in /proc/[0-9]*; do
				read -r st 2>/dev/null <"$p/stat" || continue
				[[ $st == *" (teamd) "[^Z]* ]] && teamd+=("${p#/proc/}")
			done
			if [ ${#teamd[@]} -gt 0 ]; then kill -KILL "${teamd[@]}"; sleep 0.2; fi
			[ -e /run/teamd ] && rm -rf /run/teamd
			lap teamd
			for ns in /run/netns/*; do [ -e "$ns" ] && ip netns del "${ns##*/}"; done
			lap netns
			[ -d /sys/module/bonding ] && rmmod bonding
			lap rmmod
			# sit1 (t-cbugs.sh): sit0 is the module's own and stays.
			for d in /sys/class/net/veth* /sys/class/net/rb* /sys/class/net/sit[1-9]*; do [ -e "$d" ] && ip link del "${d##*/}"; done
			lap links
			for f in /usr/lib/modules/* /etc/modprobe.d/*rbond*.conf; do [ -e "$f" ] && rm -rf "$f"; done
			echo "$MODPROBE_PATH" >/proc/sys/kernel/modprobe
			lap rest
			dmesg >"$OUT/$t.dmesg"
			lap dmesg
			echo "$t: test ${secs}s;$laps" >>"$OUT/overhead"
		) >>"$log" 2>&1
		splat=$(grep -E "$SPLAT" "$OUT/$t.dmesg" | head -3)
		if [ $rc -ne 0 ]; then
			reason=$(grep -m1 '^FAIL' "$log" || tail -n1 "$log")
			[ $rc -eq 124 ] && reason="timed out"
			echo "FAIL $t: ${reason#FAIL: }" >>"$RESULTS"
		elif [ -n "$splat" ]; then
			echo "FAIL $t: kernel log: $(echo "$splat" | head -1)" >>"$RESULTS"
		else
			echo "PASS $t (${secs}s)" >>"$RESULTS"
		fi
		# The line just written, on the console.
		while read -r line; do :; done <"$RESULTS"
		echo "$line" >/dev/console 2>/dev/null || true
	done
done
echo done >"$OUT/finished"
