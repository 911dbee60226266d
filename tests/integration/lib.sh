#!/usr/bin/env bash
# lib.sh: what every integration test script sources.
#   check "what" COMMAND...   passes when COMMAND exits 0
#   check_eq "what" A B       passes when A = B
#   check_le "what" A B       passes when A <= B (integers)
#   tally FILE                counts a checker's "ok ..." / "not ok ..." lines
#   skip "what" "why"         a check this machine cannot run: prints
#                             "SKIP: what: why" (tests/run.sh shows and counts
#                             it), and counts as neither passed nor failed
#   finish                    prints "RESULT passed=N failed=M", stops services
# Services (each stopped by finish): start_replay (replay.sh), start_ferretdb
# (ferretdb.sh).  Every test works in its own $WORK directory.
set -u
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# shellcheck disable=SC2034  # used by the scripts that source this file
BIN="$ROOT/build/f1-mlops"
WORK=$(mktemp -d /tmp/f1-test.XXXXXX)
PASSED=0
FAILED=0
CLEANUPS=()

check() {
    local what=$1; shift
    if "$@" >/dev/null 2>&1; then PASSED=$((PASSED + 1)); else FAILED=$((FAILED + 1)); echo "not ok: $what"; fi
}
check_eq() {
    if [ "$2" = "$3" ]; then PASSED=$((PASSED + 1)); else FAILED=$((FAILED + 1)); echo "not ok: $1: '$2' != '$3'"; fi
}
check_le() {
    if [ "$2" -le "$3" ] 2>/dev/null; then PASSED=$((PASSED + 1)); else FAILED=$((FAILED + 1)); echo "not ok: $1: '$2' > '$3'"; fi
}
skip() { echo "SKIP: $1: $2"; }
# tally FILE: counts each line "ok WHAT" as passed and each other line
# ("not ok WHAT") as failed, printing those: the verdicts of a checker
# written in another language.
tally() {
    local verdict rest
    while read -r verdict rest; do
        case "$verdict" in
        ok) PASSED=$((PASSED + 1)) ;;
        *) FAILED=$((FAILED + 1)); echo "$verdict $rest" ;;
        esac
    done <"$1"
}
on_exit() { CLEANUPS+=("$1"); }
finish() {
    local c
    for c in "${CLEANUPS[@]}"; do eval "$c" >/dev/null 2>&1; done
    CLEANUPS=()
    rm -rf "$WORK"
    echo "RESULT passed=$PASSED failed=$FAILED"
    [ "$FAILED" -eq 0 ]
}
trap 'for c in "${CLEANUPS[@]}"; do eval "$c" >/dev/null 2>&1; done' EXIT

# A free TCP port on 127.0.0.1.
free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# run_step NAME [VAR=value...] -- [args...]: the binary as the Actions runner
# starts a step: with the variables (inputs as INPUT_*, runtime variables;
# hyphens kept, hence env) and its own command files.  The array STEP_ARGS
# (when set) goes before args.  Output in $WORK/NAME.{out,err,summary,output};
# returns the exit code, also written to $WORK/NAME.rc.
run_step() {
    local name=$1 rc; shift
    local vars=()
    while [ "$1" != "--" ]; do vars+=("$1"); shift; done
    shift
    : >"$WORK/$name.summary"
    : >"$WORK/$name.output"
    env "${vars[@]}" GITHUB_STEP_SUMMARY="$WORK/$name.summary" GITHUB_OUTPUT="$WORK/$name.output" \
        "$BIN" ${STEP_ARGS[@]+"${STEP_ARGS[@]}"} "$@" >"$WORK/$name.out" 2>"$WORK/$name.err"
    rc=$?
    echo "$rc" >"$WORK/$name.rc"
    return "$rc"
}

# shellcheck source=replay.sh
. "$ROOT/tests/integration/replay.sh"
# shellcheck source=ferretdb.sh
. "$ROOT/tests/integration/ferretdb.sh"
