#!/usr/bin/env bash
# test_golden.sh: what users get is byte-identical to the checked-in digests
# (tests/data/golden/, produced from earlier code as its README records):
# prepared.csv, features.csv, model.json, metrics.json (timings aside),
# predictions.csv and every entry of f1-model.zip, for the offline demo's run
# and a 2021-2024 backtest.  tests/tools/make_golden.sh does the runs.
. "$(dirname "$0")/lib.sh"
GOLDEN="$ROOT/tests/data/golden"

if bash "$ROOT/tests/tools/make_golden.sh" "$WORK/now" 2>"$WORK/make_golden.err"; then
    PASSED=$((PASSED + 1))
else
    FAILED=$((FAILED + 1)); echo "not ok: make_golden.sh runs the demo and the backtest"
    cat "$WORK/make_golden.err"
fi
for run in demo backtest; do
    want="$GOLDEN/$run.sha256"
    got="$WORK/now/$run.sha256"
    check "$run: golden digests checked in" test -s "$want"
    [ -s "$want" ] || continue
    # One check per file, so a failure names the file that changed.
    while read -r digest name; do
        check_eq "$run: $name differs from the golden digest" \
            "$(awk -v n="$name" '$2 == n {print $1}' "$got" 2>/dev/null)" "$digest"
    done <"$want"
    check_eq "$run: the same files digested" \
        "$(awk '{print $2}' "$got" 2>/dev/null | tr '\n' ' ')" "$(awk '{print $2}' "$want" | tr '\n' ' ')"
done
finish
