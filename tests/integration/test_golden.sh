#!/usr/bin/env bash
# test_golden.sh: what users get with the original learner and features
# (--model bagging --features spec) is byte-identical to the checked-in
# digests (tests/data/golden/, produced as its README records):
# prepared.csv, features.csv, model.json, metrics.json (timings aside),
# predictions.csv and every entry of f1-model.zip, for the offline demo's run
# and a 2021-2024 backtest.  And with what issue 15 added to every model's
# outputs removed (golden_digest.py --strip-v2), the same files are
# byte-identical to the digests of the code before it (*-v1.sha256): the
# only change is the new fields.  tests/tools/make_golden.sh does the runs.
. "$(dirname "$0")/lib.sh"
GOLDEN="$ROOT/tests/data/golden"

if bash "$ROOT/tests/tools/make_golden.sh" "$WORK/now" 2>"$WORK/make_golden.err"; then
    PASSED=$((PASSED + 1))
else
    FAILED=$((FAILED + 1)); echo "not ok: make_golden.sh runs the demo and the backtest"
    cat "$WORK/make_golden.err"
fi
# compare WANT GOT LABEL: one check per file of WANT, so a failure names it.
compare() {
    local want=$1 got=$2 label=$3
    check "$label: golden digests checked in" test -s "$want"
    [ -s "$want" ] || return
    while read -r digest name; do
        check_eq "$label: $name differs from the golden digest" \
            "$(awk -v n="$name" '$2 == n {print $1}' "$got" 2>/dev/null)" "$digest"
    done <"$want"
}
for run in demo backtest; do
    compare "$GOLDEN/$run.sha256" "$WORK/now/$run.sha256" "$run"
    check_eq "$run: the same files digested" \
        "$(awk '{print $2}' "$WORK/now/$run.sha256" 2>/dev/null | tr '\n' ' ')" \
        "$(awk '{print $2}' "$GOLDEN/$run.sha256" | tr '\n' ' ')"
    # Before issue 15: every file but the zip's model card and manifest.
    grep -vE 'f1-model\.zip/(MODEL_CARD\.md|manifest\.json)$' "$GOLDEN/$run-v1.sha256" \
        >"$WORK/$run-v1.sha256"
    compare "$WORK/$run-v1.sha256" "$WORK/now/$run-stripped.sha256" "$run without issue 15's fields"
done
finish
