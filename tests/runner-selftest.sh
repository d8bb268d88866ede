#!/usr/bin/env bash
# The test runner tests what was built (issue 8) and enforces the code
# gates (issue 20), on copies of the tree:
# - a syntax error in a file other than the crate root: scripts/test.sh
#   fails at the build step and runs no tests;
# - a formatting error: it fails the format gate;
# - a clippy warning (clippy's, not rustc's) in a kernel-only file: it
#   fails the clippy gate.
set -euo pipefail
. "$(dirname "$0")/../scripts/env.sh"

fail() { echo "FAIL: $*"; exit 1; }

# copy: a copy of the tracked tree in a new directory, printed.
copy() {
	local d
	d=$(mktemp -d "${TMPDIR:-/tmp}/rbond-selftest.XXXXXX")
	git -C "$RBOND_TOP" ls-files -z | (cd "$RBOND_TOP" && xargs -0 cp --parents -t "$d")
	echo "$d"
}
copies=()
trap 'rm -rf "${copies[@]}"' EXIT
# The copies share the tree's cargo build directory: the host crates'
# dependencies are not built again for each.
export CARGO_TARGET_DIR=$RBOND_TOP/target

# run <copy> <stop after>: scripts/test.sh in the copy; sets $out and $rc.
run() {
	rc=0
	out=$(RBOND_RUNNER_SELFTEST=$2 "$1/scripts/test.sh" 2>&1) || rc=$?
	echo "$out" | tail -n 30
}

echo "== a syntax error"
c=$(copy)
copies+=("$c")
# The module the real tree built is there too, newer than every source: a
# runner that trusts it instead of make's status would go on.
cp "$RBOND_TOP/bonding.ko" "$c/" 2>/dev/null || true
touch "$c/bonding.ko"
echo 'fn broken( {' >>"$c/bonding.rs"
run "$c" 1
[ $rc -ne 0 ] || fail "scripts/test.sh exited 0 with a broken bonding.rs"
grep -q 'FAIL build: make failed' <<<"$out" || fail "the failure was not reported at the build step"
grep -q 'bonding.rs' <<<"$out" || fail "the build failure does not name bonding.rs"
! grep -qE '^== (host unit tests|VM tests)' <<<"$out" || fail "tests ran after the failed build"
grep -qE '^[0-9]+ passed, [1-9][0-9]* failed$' <<<"$out" || fail "no failing summary line"

echo "== a formatting error"
c=$(copy)
copies+=("$c")
printf '\n#[allow(dead_code)]\nfn   badly_formatted( )->u32{1}\n' >>"$c/bond_xmit.rs"
run "$c" gates
[ $rc -ne 0 ] || fail "scripts/test.sh exited 0 with a misformatted bond_xmit.rs"
grep -q 'FAIL gate format' <<<"$out" || fail "the format gate did not fail"
grep -q "bond_xmit.rs" <<<"$out" || fail "the format failure does not name bond_xmit.rs"
grep -q 'PASS gate clippy' <<<"$out" || fail "the clippy gate failed on a formatting error"

echo "== a clippy warning"
c=$(copy)
copies+=("$c")
# clippy::needless_return, which rustc does not warn about.
printf '\n#[allow(dead_code)]\nfn selftest_lint() -> u32 {\n    return 1;\n}\n' >>"$c/bonding.rs"
run "$c" gates
[ $rc -ne 0 ] || fail "scripts/test.sh exited 0 with a clippy warning in bonding.rs"
grep -q 'FAIL gate clippy' <<<"$out" || fail "the clippy gate did not fail"
grep -q 'needless_return\|bonding.rs' <<<"$out" || fail "the clippy failure does not name the warning"
grep -q 'PASS gate format' <<<"$out" || fail "the format gate failed on a clippy warning"
echo "runner-selftest: ok"
