#!/usr/bin/env bash
# The store contract against a real MongoDB wire server (FerretDB over
# SQLite): the unit program test_store with F1_TEST_MONGO_URI set (adding
# its checks to ours), then a server lost mid-run: every store operation
# must fail with an error within seconds, not hang.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

T="$ROOT/build/tests/test_store"
trap '' PIPE

# Adds the RESULT counts test_store printed to $WORK/out to ours (a
# non-zero exit with no failed check counts as one failure), shows its
# failures, and sets UNIT_PASSED to its passed count.
add_unit_result() { # exit status of test_store
    local line f
    UNIT_PASSED=0
    line=$(grep -E '^RESULT passed=[0-9]+ failed=[0-9]+$' "$WORK/out" | tail -n 1)
    if [ -z "$line" ]; then
        FAILED=$((FAILED + 1)); echo "not ok: test_store printed no RESULT (exit $1)"
        tail -n 20 "$WORK/out"; return
    fi
    UNIT_PASSED=${line#RESULT passed=}; UNIT_PASSED=${UNIT_PASSED%% *}
    f=${line##*failed=}
    if [ "$1" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
    PASSED=$((PASSED + UNIT_PASSED)); FAILED=$((FAILED + f))
    grep -E '^not ok' "$WORK/out"
}

# Runs test_store from tests/ with the given environment settings.
run_unit() {
    (cd "$ROOT/tests" && env "$@" timeout 120 "$T") >"$WORK/out" 2>&1 </dev/null
    add_unit_result $?
}

check "test_store is built (make build/tests/test_store)" test -x "$T"
start_ferretdb
check_eq "ferretdb starts" "$?" 0
if [ -z "${MONGO_URI:-}" ]; then finish; exit 1; fi

# 1. The whole contract suite, embedded and MongoDB.
run_unit F1_TEST_MONGO_URI="$MONGO_URI"
check "the MongoDB suite ran" grep -q '^# suite: mongodb' "$WORK/out"

# 2. Server killed between two operations of one open store.
mkfifo "$WORK/go"
(cd "$ROOT/tests" && F1_TEST_MONGO_URI="$MONGO_URI" F1_TEST_MONGO_DOWN=1 timeout 60 "$T") \
    <"$WORK/go" >"$WORK/out" 2>&1 &
tpid=$!
exec 3>"$WORK/go"
for _ in $(seq 1 100); do
    grep -q '^READY' "$WORK/out" && break
    sleep 0.1
done
check "store open and written before the server goes" grep -q '^READY' "$WORK/out"
stop_ferretdb
check "ferretdb is gone" test -z "$FERRETDB_PID"
start=$SECONDS
echo go >&3
exec 3>&-
wait "$tpid"
rc=$?
check_le "operations on a lost server end within 30 s" $((SECONDS - start)) 30
check "the lost-server run did not time out" test "$rc" -ne 124
add_unit_result "$rc"
check_le "lost-server checks ran" 8 "$UNIT_PASSED"
check "the error names the store failure" grep -q '^# count: store: MongoDB count' "$WORK/out"

finish
