#!/usr/bin/env bash
# Statistical parity with scikit-learn (spec section 4): our bagged trees,
# trained on our features, must score like BaggingRegressor does on the same
# features.  tests/data/sklearn_parity.tsv holds scikit-learn's
# expected_precision per (test season, seed), made by
# tests/tools/sklearn_parity.py; this test runs our train + evaluate for the
# same seasons and seeds and compares the means: overall within 5 points,
# each season within 10.  Both tables are printed.  The original learner
# and features are asked for explicitly (the defaults are clogit and v2).
. "$(dirname "$0")/lib.sh"
TSV="$ROOT/tests/data/sklearn_parity.tsv"
FIRST=1950
OVERALL_TOLERANCE=0.05
SEASON_TOLERANCE=0.10
ORIGINAL=(--model bagging --features spec)

# Seasons and seeds come from the data file, so the two sides always match.
SEASONS=$(awk -F'\t' '!/^#/ && $1 ~ /^[0-9]+$/ { print $1 }' "$TSV" | sort -un)
check "the parity data has 4 seasons x 20 seeds" \
    test "$(awk -F'\t' '!/^#/ && $1 ~ /^[0-9]+$/' "$TSV" | wc -l)" -eq 80
LAST=$(echo "$SEASONS" | tail -n 1)

start_replay
D="$WORK/data"
"$BIN" --stages source --seasons "$FIRST-$LAST" --data-dir "$D" --api-base-url "$API_URL" \
    --wikipedia-base-url "$WIKI_URL" --api-requests-per-second 1000 \
    --api-requests-per-hour 1000000 >"$WORK/source.log" 2>&1
check "the store is built" test $? -eq 0
stop_replay

OURS="$WORK/ours.tsv"
: >"$OURS"
runs_failed=0
for T in $SEASONS; do
    "$BIN" --stages prepare,features --seasons "$FIRST-$T" --test-season "$T" --data-dir "$D" \
        "${ORIGINAL[@]}" >"$WORK/features-$T.log" 2>&1
    check "prepare and features for $T" test $? -eq 0
    mapfile -t seeds < <(awk -F'\t' -v t="$T" '$1 == t { print $2 }' "$TSV")
    for S in "${seeds[@]}"; do
        if ! "$BIN" --stages train,evaluate --seasons "$FIRST-$T" --test-season "$T" --seed "$S" \
            --data-dir "$D" "${ORIGINAL[@]}" >"$WORK/run.log" 2>&1; then
            runs_failed=$((runs_failed + 1))
            tail -n 3 "$WORK/run.log"
            continue
        fi
        v=$(python3 -c 'import json, sys; m = json.load(open(sys.argv[1]))
assert m["test_season"] == int(sys.argv[2]) and m["parameters"]["seed"] == sys.argv[3]
print(m["model"]["expected_precision"])' "$D/metrics.json" "$T" "$S") ||
            runs_failed=$((runs_failed + 1))
        printf '%s\t%s\t%s\n' "$T" "$S" "$v" >>"$OURS"
    done
done
check_eq "every train+evaluate run gave metrics" "$runs_failed" 0

# One table per side and the verdicts, from both files.
python3 - "$OURS" "$TSV" "$OVERALL_TOLERANCE" "$SEASON_TOLERANCE" "$WORK/verdict" <<'EOF'
import sys
from statistics import mean, pstdev

def load(path):
    by = {}
    for line in open(path):
        f = line.rstrip("\n").split("\t")
        if len(f) == 3 and f[0].isdigit():
            by.setdefault(int(f[0]), []).append(float(f[2]))
    return by

ours, sk = load(sys.argv[1]), load(sys.argv[2])
overall_tol, season_tol = float(sys.argv[3]), float(sys.argv[4])
verdict = open(sys.argv[5], "w")
print("season  n   ours mean (sd)     sklearn mean (sd)   diff")
for t in sorted(sk):
    o = ours.get(t, [])
    om = mean(o) if o else float("nan")
    print("%d  %2d   %.3f (%.3f)     %.3f (%.3f)      %+.3f" % (
        t, len(o), om, pstdev(o) if o else 0, mean(sk[t]), pstdev(sk[t]), om - mean(sk[t])))
    print("season_ok %d %d" % (t, bool(o) and abs(om - mean(sk[t])) <= season_tol), file=verdict)
all_o = [v for t in sk for v in ours.get(t, [])]
all_s = [v for t in sk for v in sk[t]]
om = mean(all_o) if all_o else float("nan")
print("all     %2d   %.3f               %.3f               %+.3f" % (
    len(all_o), om, mean(all_s), om - mean(all_s)))
print("overall_ok %d" % (len(all_o) == len(all_s) and abs(om - mean(all_s)) <= overall_tol),
      file=verdict)
EOF
for T in $SEASONS; do
    check_eq "season $T mean within $SEASON_TOLERANCE of scikit-learn's" \
        "$(awk -v t="$T" '$1 == "season_ok" && $2 == t { print $3 }' "$WORK/verdict")" 1
done
check_eq "mean over seasons and seeds within $OVERALL_TOLERANCE of scikit-learn's" \
    "$(awk '$1 == "overall_ok" { print $2 }' "$WORK/verdict")" 1
finish
