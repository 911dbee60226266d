#!/usr/bin/env bash
# The whole pipeline, source to package, under valgrind memcheck against the
# replay server: once with the embedded store and once with MongoDB
# (FerretDB).  Each run must finish, write the zip, and leave memcheck with
# no errors and no definitely or indirectly lost bytes.  (The unit tests run
# under ASan+UBSan: make asan.)  No suppressions are needed: libcurl,
# OpenSSL and libmongoc free their global state in curl_global_cleanup()
# and mongoc_cleanup(), which main() calls.
. "$(dirname "$0")/lib.sh"

pipeline_under_valgrind() { # log, data-dir, extra args...
    local log=$1 dir=$2; shift 2
    valgrind --leak-check=full --errors-for-leak-kinds=definite,indirect --error-exitcode=99 \
        "$BIN" --seasons 2019-2021 --test-season 2021 --data-dir "$dir" \
        --api-base-url "$API_URL" --wikipedia-base-url "$WIKI_URL" \
        --api-requests-per-second 1000 --api-requests-per-hour 1000000 \
        --stages source,prepare,features,train,evaluate,package --n-estimators 20 "$@" >"$log" 2>&1
}

# What memcheck says about one run.  Its leak lines are absent when every
# block was freed, so a missing line counts as 0 only next to that message.
lost() { # log, "definitely" or "indirectly"
    local n
    n=$(sed -n "s/.*$2 lost: \([0-9,]*\) bytes.*/\1/p" "$1" | tr -d ,)
    if [ -z "$n" ] && grep -q 'All heap blocks were freed' "$1"; then n=0; fi
    echo "${n:-missing}"
}

assert_clean() { # what, log, exit status, data-dir
    check_eq "$1: exit status" "$3" 0
    check "$1: ran under memcheck" grep -q 'Memcheck, a memory error detector' "$2"
    check "$1: every stage ran" grep -q '^package: done' "$2"
    check "$1: zip written" test -s "$4/f1-model.zip"
    check_eq "$1: memcheck errors" "$(sed -n 's/.*ERROR SUMMARY: \([0-9]*\) errors.*/\1/p' "$2")" 0
    check_eq "$1: definitely lost bytes" "$(lost "$2" definitely)" 0
    check_eq "$1: indirectly lost bytes" "$(lost "$2" indirectly)" 0
    if [ "$FAILED" -gt 0 ]; then grep -E '^==[0-9]+== ' "$2" | head -n 60; fi
}

check "valgrind is installed" command -v valgrind
start_replay

pipeline_under_valgrind "$WORK/embedded.log" "$WORK/embedded"
assert_clean "embedded store" "$WORK/embedded.log" $? "$WORK/embedded"

start_ferretdb
pipeline_under_valgrind "$WORK/mongo.log" "$WORK/mongo" --mongodb-uri "$MONGO_URI"
assert_clean "MongoDB store" "$WORK/mongo.log" $? "$WORK/mongo"
check "MongoDB run used the MongoDB store" test ! -d "$WORK/mongo/store"

finish
