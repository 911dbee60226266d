#!/usr/bin/env bash
# make_golden.sh [OUT_DIR]: runs build/f1-mlops on the bundled data, offline
# (the replay server on loopback, embedded store), in two ways, both with
# the original learner and features (--model bagging --features spec), and
# writes the digests of their outputs (tests/tools/golden_digest.py) to
# OUT_DIR (default tests/data/golden):
#   demo.sha256      the offline demo's run (examples/offline-demo.sh):
#                    seasons 1950-2024, stages all (source to upload; upload
#                    is skipped without ACTIONS_RUNTIME_TOKEN)
#   backtest.sha256  on that run's store: --backtest 2021-2024, stages
#                    prepare,features,train,evaluate
# and the same with --strip-v2 (what issue 15 added removed), to compare
# with the digests of the code before it (*-v1.sha256):
#   demo-stripped.sha256, backtest-stripped.sha256
# tests/integration/test_golden.sh runs it into a temporary directory and
# compares with tests/data/golden/.  Regenerate the golden files only from
# code whose outputs are known right (see tests/data/golden/README.md).
set -euo pipefail
# shellcheck source=../integration/lib.sh
. "$(dirname "$0")/../integration/lib.sh"
trap 'stop_replay || true; rm -rf "$WORK"' EXIT
OUT=${1:-$ROOT/tests/data/golden}
DIGEST="$ROOT/tests/tools/golden_digest.py"
[ -x "$BIN" ] || { echo "make_golden.sh: $BIN is missing (run make)" >&2; exit 1; }
mkdir -p "$OUT"

# Nothing from a surrounding Actions job: no upload, no summary, no outputs.
unset ACTIONS_RUNTIME_TOKEN ACTIONS_RESULTS_URL GITHUB_ACTIONS GITHUB_OUTPUT GITHUB_STEP_SUMMARY
start_replay
run() { # log name, arguments...
    local log="$WORK/$1.log"; shift
    if ! "$BIN" "$@" >"$log" 2>&1; then
        echo "make_golden.sh: f1-mlops $* failed:" >&2
        tail -n 20 "$log" >&2
        return 1
    fi
}

# The offline demo's command line (examples/offline-demo.sh).
ORIGINAL=(--model bagging --features spec)
run demo --data-dir "$WORK/demo" --api-base-url "$API_URL" --wikipedia-base-url "$WIKI_URL" \
    --api-requests-per-second 100 --api-requests-per-hour 100000 --seasons 1950-2024 "${ORIGINAL[@]}"
DEMO_FILES=(prepared.csv features.csv model.json metrics.json predictions.csv f1-model.zip)
python3 "$DIGEST" "$WORK/demo" "${DEMO_FILES[@]}" >"$OUT/demo.sha256"
python3 "$DIGEST" --strip-v2 "$WORK/demo" "${DEMO_FILES[@]}" >"$OUT/demo-stripped.sha256"

# A backtest on the demo's store, in a directory of its own so every file
# digested was written by this run.
mkdir "$WORK/backtest"
cp -r "$WORK/demo/store" "$WORK/backtest/store"
run backtest --data-dir "$WORK/backtest" --seasons 1950-2024 --backtest 2021-2024 \
    --stages prepare,features,train,evaluate "${ORIGINAL[@]}"
BACKTEST_FILES=(prepared.csv features.csv model.json metrics.json predictions.csv)
python3 "$DIGEST" "$WORK/backtest" "${BACKTEST_FILES[@]}" >"$OUT/backtest.sha256"
python3 "$DIGEST" --strip-v2 "$WORK/backtest" "${BACKTEST_FILES[@]}" >"$OUT/backtest-stripped.sha256"
