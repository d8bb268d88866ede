#!/usr/bin/env bash
# The code gates that scripts/test.sh runs before the build; each failure
# is one line saying what and where, and the script exits non-zero.
#
#   format   every Rust file against .rustfmt.toml (the kernel's settings),
#            with Debian's rustfmt (the toolchain's)
#   clippy   the module with the kernel's lint set (make CLIPPY=1, Debian's
#            clippy-driver) and the host crates (cargo clippy), no warning
#   shape    no `unsafe` in the bonding files (each says
#            #![forbid(unsafe_code)]), no `use super::*` outside tests, no
#            bonding import under net/, file sizes (net/device/ files at
#            most 700 lines, any other file outside tests 1,200), C helpers
#            of one statement each, with no decision
#
#   scripts/check-style.sh [format|clippy|shape ...]   default: all three
set -uo pipefail
. "$(dirname "$0")/env.sh"
cd "$RBOND_TOP"

gates=("$@")
[ ${#gates[@]} -gt 0 ] || gates=(format clippy shape)
failed=0
bad() {
	echo "  style: $*"
	failed=$((failed + 1))
}

# The tree's Rust files: tracked ones, or (in a copy without .git, as the
# runner's self-test makes) every one but generated and build output.
rust_files() {
	find . -name '*.rs' -not -path './target/*' -not -path './tests/out/*' \
		-not -path './net/bindings_generated.rs' -not -path './.git/*' | sed 's|^\./||' | sort
}

RUSTFMT=/usr/bin/rustfmt
[ -x $RUSTFMT ] || RUSTFMT=rustfmt
CLIPPY_DRIVER=/usr/bin/clippy-driver

for gate in "${gates[@]}"; do
	case $gate in
	format)
		# rustfmt also follows each file's `mod` declarations: a file may be
		# reported twice, hence sort -u.
		out=$(rust_files | xargs "$RUSTFMT" --check --edition 2021 2>&1)
		if [ -n "$out" ]; then
			echo "$out" | grep -E '^Diff in ' | sed 's/ at line/:/; s/^Diff in /  /' | sort -u | head -n 20
			bad "format: rustfmt --check reports $(echo "$out" | grep -c '^Diff in ') hunks (run: rustfmt \$(git ls-files '*.rs'))"
		fi
		;;
	clippy)
		log=$(mktemp)
		# CLIPPY=1 builds the module's objects with clippy-driver (the build
		# step after this rebuilds them with rustc, the command line differs).
		make -s clippy CLIPPY_DRIVER=$CLIPPY_DRIVER >"$log" 2>&1
		rc=$?
		n=$(grep -E '^(warning|error)(\[|:)' "$log" | grep -cvE '^(warning|error): (aborting|[0-9]+ warnings? emitted)')
		if [ $rc -ne 0 ] || [ "$n" -ne 0 ]; then
			grep -E -A3 '^(warning|error)(\[|:)' "$log" | grep -E '^(warning|error)|-->' | head -n 20 | sed 's/^/    /'
			bad "clippy: the module (make CLIPPY=1) gives $n warnings/errors (exit $rc)"
		fi
		if ! cargo clippy --quiet --workspace --all-targets -- -D warnings >"$log" 2>&1; then
			grep -E -A3 '^(warning|error)' "$log" | grep -E '^(warning|error)|-->' | head -n 20 | sed 's/^/    /'
			bad "clippy: the host crates (cargo clippy --workspace --all-targets) are not clean"
		fi
		rm -f "$log"
		;;
	shape)
		for f in bond_*.rs bonding.rs; do
			[ "$f" = bond_main.rs ] && continue
			grep -q '^#!\[forbid(unsafe_code)\]' "$f" || bad "shape: $f lacks #![forbid(unsafe_code)]"
		done
		# The keyword, outside comments, in any bonding file (the crate root
		# included: only module! may expand to unsafe code there).
		if grep -nE '^[^/]*\bunsafe\b' bond_*.rs bonding.rs; then
			bad "shape: unsafe code outside net/"
		fi
		# A unit test module (`#[cfg(test)] mod tests`) may glob its parent.
		if awk 'FNR == 1 { t = 0 } /^ *#\[cfg\(test\)\]/ { t = 1 } /^ *use super::\*;/ && !t { print FILENAME ":" FNR ": " $0; n++ } END { exit n > 0 }' $(rust_files | grep -v '^tests/'); then :; else
			bad "shape: use super::* outside tests"
		fi
		if grep -nE 'crate::bond|use crate::\{[^}]*bond' net/*.rs net/*/*.rs; then
			bad "shape: net/ imports a bonding module"
		fi
		# net/helpers/: a wrapper is one line, one statement, no decision
		# (an `if` or a `?:` belongs in Rust).
		if awk '/^[a-z].*[ *]rbond_[a-z0-9_]+\(.*\)$/ || (/^[a-z].*[ *]rbond_[a-z0-9_]+\(/ && !/\{/) { print FILENAME ":" FNR ": not on one line"; n++ }
			/^[a-z].*[ *]rbond_[a-z0-9_]+\(.*\{/ { b = $0; sub(/^[^{]*\{/, "", b); if (gsub(/;/, ";", b) != 1 || b ~ /(\<if \(|\?)/) { print FILENAME ":" FNR ": " $0; n++ } }
			END { exit n > 0 }' net/helpers/*.c; then :; else
			bad "shape: a C helper with more than one statement or a decision"
		fi
		for f in $(rust_files | grep -v '^tests/'); do
			n=$(wc -l <"$f")
			max=1200
			case $f in net/device/*) max=700 ;; esac
			[ "$n" -le $max ] || bad "shape: $f has $n lines (at most $max)"
		done
		;;
	*)
		echo "unknown gate $gate (format, clippy, shape)" >&2
		exit 2
		;;
	esac
done
[ $failed -eq 0 ]
