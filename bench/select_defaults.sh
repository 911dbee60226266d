#!/usr/bin/env bash
# bench/select_defaults.sh DATA_DIR: how the defaults of inputs model,
# features, l2 and train-from were chosen - by rolling-origin validation on
# 2006-2013 only (each season predicted by a model trained on the seasons
# before it, i.e. --backtest 2006-2013), never on 2014-2024.
#
# DATA_DIR holds a store of seasons 1950-2013 or more (the offline demo's
# .f1-mlops, or build/bench/data after make bench).  For every configuration
# of the grid below it runs features, train and evaluate and prints one row:
# the mean expected precision over 2006-2013, the seasons behind the pole
# baseline, the mean log-loss and Brier score; sorted best first.  Work
# happens in a copy under $TMPDIR; DATA_DIR is only read.  About 2 minutes
# on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${F1_BIN:-build/f1-mlops}
SRC=${1:?usage: bench/select_defaults.sh DATA_DIR}
[ -d "$SRC/store" ] || { echo "select_defaults: no store in $SRC" >&2; exit 1; }
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
cp -r "$SRC/store" "$W/store"
RANGE=(--seasons 1950-2013 --backtest 2006-2013 --data-dir "$W")
"$BIN" --stages prepare "${RANGE[@]}" >"$W/prepare.log" 2>&1

run() { # label, options...
    local label=$1
    shift
    if ! "$BIN" --stages features,train,evaluate "${RANGE[@]}" "$@" >"$W/run.log" 2>&1; then
        echo "select_defaults: $label failed: $(tail -n 3 "$W/run.log")" >&2
        exit 1
    fi
    python3 - "$W/metrics.json" "$label" <<'PY' >>"$W/rows"
import json, sys
bt = json.load(open(sys.argv[1]))["backtest"]
behind = sum(s["model"]["expected_precision"] < s["pole"]["precision"] - 1e-12 for s in bt["seasons"])
m = bt["mean"]
print("%.4f\t%s\t%d\t%.3f\t%.3f" % (m["expected_precision"], sys.argv[2], behind, m["log_loss"], m["brier"]))
PY
}
for features in v2 spec; do
    for from in 1980 1990 1996 2000 2003 2005; do
        for l2 in 1 5 15 50 200; do
            run "clogit $features l2=$l2 train-from=$from" --model clogit --features "$features" \
                --l2 "$l2" --train-from "$from"
        done
    done
    for from in 1950 1990 2003; do
        run "bagging $features train-from=$from" --model bagging --features "$features" --train-from "$from"
    done
done
echo "pole baseline 2006-2013: $(python3 -c 'import json, sys; print("%.4f" % json.load(open(sys.argv[1]))["backtest"]["mean"]["pole_precision"])' "$W/metrics.json")"
printf 'mean expected precision 2006-2013\tconfiguration\tseasons behind pole\tlog-loss\tBrier\n'
sort -t "$(printf '\t')" -k1,1gr -k4,4g "$W/rows"
