#!/usr/bin/env bash
# The test runner tests what was built (issue 8): on a copy of the tree with
# a syntax error in a file other than the crate root, scripts/test.sh must
# fail at the build step, and run no tests.
set -euo pipefail
. "$(dirname "$0")/../scripts/env.sh"

copy=$(mktemp -d "${TMPDIR:-/tmp}/rbond-selftest.XXXXXX")
trap 'rm -rf "$copy"' EXIT
git -C "$RBOND_TOP" ls-files -z | (cd "$RBOND_TOP" && xargs -0 cp --parents -t "$copy")
# The module the real tree built is there too, newer than every source: a
# runner that trusts it instead of make's status would go on.
cp "$RBOND_TOP/bonding.ko" "$copy/" 2>/dev/null || true
touch "$copy/bonding.ko"
echo 'fn broken( {' >>"$copy/bonding.rs"

rc=0
out=$(RBOND_RUNNER_SELFTEST=1 "$copy/scripts/test.sh" 2>&1) || rc=$?
echo "$out" | tail -n 30
fail() { echo "FAIL: $*"; exit 1; }
[ $rc -ne 0 ] || fail "scripts/test.sh exited 0 with a broken bonding.rs"
grep -q 'FAIL build: make failed' <<<"$out" || fail "the failure was not reported at the build step"
grep -q 'bonding.rs' <<<"$out" || fail "the build failure does not name bonding.rs"
! grep -qE '^== (host unit tests|VM tests)' <<<"$out" || fail "tests ran after the failed build"
grep -qE '^[0-9]+ passed, [1-9][0-9]* failed$' <<<"$out" || fail "no failing summary line"
echo "runner-selftest: ok"
