#!/usr/bin/env bash
# Every input kept in fuzz/regressions/<harness>/ once crashed a harness,
# leaked or tripped ASan/UBSan; replayed through the libFuzzer build of its
# harness (build-fuzz/fuzz/<harness>, made by `make fuzz-bin`, which
# `make test` runs first), each must now run clean.  The test data the
# harnesses are seeded from (API fixtures, article fixtures) must too.
. "$(dirname "$0")/lib.sh"

# Builds what is missing or stale (a no-op after `make test`).
check "the harnesses build" make -s -C "$ROOT" fuzz-bin

# replay NAME FILE...: the harness runs each file once; prints the number
# of inputs it executed, or "failed" with the harness's report.
replay() {
    local name=$1; shift
    local log="$WORK/$name.$RANDOM.log"
    if timeout 600 "$ROOT/build-fuzz/fuzz/$name" -timeout=10 "$@" >"$log" 2>&1; then
        grep -c '^Executed ' "$log"
    else
        echo failed
        grep -E 'ERROR|SUMMARY|runtime error|^Running' "$log" | tail -n 20 >&2
    fi
}

for harness in "$ROOT"/fuzz/fuzz_*.c; do
    name=${harness##*/fuzz_}
    name=${name%.c}
    check "$name: harness built" test -x "$ROOT/build-fuzz/fuzz/$name"
    mapfile -t kept < <(find "$ROOT/fuzz/regressions/$name" -type f 2>/dev/null | sort)
    if [ "${#kept[@]}" -gt 0 ]; then
        check_eq "$name: kept regression inputs run clean" "$(replay "$name" "${kept[@]}")" "${#kept[@]}"
    fi
done
total=$(find "$ROOT/fuzz/regressions" -type f | wc -l)
check "regression inputs are kept" test "$total" -gt 0

mapfile -t pages < <(find "$ROOT/tests/data/ergast-json" -type f -name '*.json*' | sort)
check_eq "ergast: the API fixtures run clean" "$(replay ergast "${pages[@]}")" "${#pages[@]}"
mapfile -t articles < <(find "$ROOT/tests/unit/wiki-html" -type f | sort)
check_eq "wikipedia: the article fixtures run clean" "$(replay wikipedia "${articles[@]}")" "${#articles[@]}"

finish
