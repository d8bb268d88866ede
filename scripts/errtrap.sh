# No silent exits: sourced (through env.sh, or directly by scripts that run
# in the guest) by every script of the project. A script that stops on an
# error (set -e) first says which script, line and command failed, and what
# to do about it when the script has said so with `rbond_hint`.
# shellcheck shell=bash

RBOND_HINT=${RBOND_HINT:-}

# rbond_hint "<what to do>": said along with the next failure.
rbond_hint() {
	RBOND_HINT=$*
}

rbond_on_err() {
	local rc=$1 src=$2 line=$3 cmd=$4
	# Only where the failure ends the script: without -e, a failing command
	# is the script's own business (it tests $? itself).
	case $- in *e*) ;; *) return 0 ;; esac
	echo "${src#"${RBOND_TOP:-}/"}:$line: '$cmd' failed (exit $rc)${RBOND_HINT:+; $RBOND_HINT}" >&2
}

set -o errtrace
trap 'rbond_on_err $? "${BASH_SOURCE[0]}" "$LINENO" "$BASH_COMMAND"' ERR
