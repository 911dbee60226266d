#!/usr/bin/env bash
# Runs the libFuzzer harnesses (build-fuzz/fuzz/<name>, made by
# `make fuzz-bin`) one after another, each for FUZZ_SECONDS (default 60),
# single-process (-jobs/-workers would compete for the machine's cores).
#   fuzz/run.sh [--ci] [NAME...]     default: every fuzz/fuzz_<name>.c
# Each harness starts from its seeds (fuzz/seeds.sh) and, without --ci, the
# corpus it grew in earlier runs (build-fuzz/corpus/<name>).  --ci first
# replays fuzz/regressions/<name>/ and grows a throwaway corpus.  A crash,
# sanitizer report, leak, timeout (> 10 s for one input) or out-of-memory
# (> 2 GB) input is saved to build-fuzz/findings/<name>/ and makes the
# script exit 1; copy it to fuzz/regressions/<name>/ once fixed.  Prints
# one line per harness: seconds, executions, coverage, corpus, findings.
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT" || exit 1
SECONDS_EACH=${FUZZ_SECONDS:-60}
CI=0
if [ "${1:-}" = "--ci" ]; then CI=1; shift; fi
names=("$@")
if [ "${#names[@]}" -eq 0 ]; then
    for f in fuzz/fuzz_*.c; do n=${f#fuzz/fuzz_}; names+=("${n%.c}"); done
fi
bash fuzz/seeds.sh build-fuzz/seeds || { echo "fuzz: could not build the seed corpora" >&2; exit 1; }
TMP=$(mktemp -d /tmp/f1-fuzz-run.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
failed=0
for name in "${names[@]}"; do
    bin=build-fuzz/fuzz/$name
    if [ ! -x "$bin" ]; then echo "fuzz: $bin is missing (make fuzz-bin)" >&2; failed=1; continue; fi
    findings=build-fuzz/findings/$name
    mkdir -p "$findings"
    if [ "$CI" -eq 1 ] && [ -d "fuzz/regressions/$name" ]; then
        mapfile -t kept < <(find "fuzz/regressions/$name" -type f | sort)
        if [ "${#kept[@]}" -gt 0 ] && ! "$bin" -timeout=10 "${kept[@]}" >"$TMP/$name.replay" 2>&1; then
            echo "FAIL $name: a kept regression input fails again:"; tail -n 30 "$TMP/$name.replay"
            failed=1; continue
        fi
    fi
    corpus=build-fuzz/corpus/$name
    [ "$CI" -eq 1 ] && corpus=$TMP/corpus-$name
    mkdir -p "$corpus"
    dict=()
    [ -f "fuzz/$name.dict" ] && dict=(-dict="fuzz/$name.dict")
    log=build-fuzz/$name.log
    start=$(date +%s)
    "$bin" -max_total_time="$SECONDS_EACH" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
        -artifact_prefix="$findings/" "${dict[@]}" "$corpus" "build-fuzz/seeds/$name" >"$log" 2>&1
    rc=$?
    took=$(($(date +%s) - start))
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
    cov=$(grep -oE 'cov: [0-9]+ ft: [0-9]+' "$log" | tail -n 1)
    units=$(find "$corpus" -type f | wc -l)
    printf '%-10s %4d s  %9s execs  %-22s corpus %5d  exit %d\n' "$name" "$took" "${execs:-?}" "${cov:-cov: ?}" "$units" "$rc"
    if [ "$rc" -ne 0 ]; then
        failed=1
        echo "FAIL $name: see $log; input kept in $findings/:"
        grep -E '^(==[0-9]+==ERROR|SUMMARY|artifact_prefix|Test unit written|.*runtime error)' "$log" | head -n 10
    fi
done
exit "$failed"
