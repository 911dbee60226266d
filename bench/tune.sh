#!/usr/bin/env bash
# bench/tune.sh (make bench-tune; also run at the end of make bench): the
# tune stage's speed on the 1950-2024 history, test season 2024: a grid of
# 1,000 configurations, each scored on 5 validation seasons (2019-2023),
# on all cores.  Target: under 5 minutes on 2 cores.  Prints the wall time
# and configurations per second; exit status is non-zero only when a run
# fails (speed is reported, not asserted).
#
# The grid: n-estimators 25-400, rows per tree from 10 to 5% of the
# training rows (about 1,300), features from 10 to all, depth 2 to
# unlimited, with and without bootstrap: 5 x 5 x 5 x 4 x 2 = 1,000.
# Its cost is dominated by the families with the most rows per tree
# (search.h shares trees across n-estimators and max-depth).
#
# The data (seasons 1950-2024 with weather through the replay server) is
# built once, untimed, in $BENCH_DIR/tune (default build/bench/tune).
# Environment: F1_BIN (default build/f1-mlops), BENCH_DIR, BENCH_TUNE_SPACE,
# BENCH_TUNE_THREADS (default 0 = all cores).
set -u
cd "$(dirname "$0")/.." || exit 1
BIN=${F1_BIN:-build/f1-mlops}
DIR=${BENCH_DIR:-build/bench}/tune
SPACE=${BENCH_TUNE_SPACE:-"n-estimators=25,50,100,200,400;max-samples=10,30,100,0.01,0.05;max-features=10,20,35,50,1.0;max-depth=0,2,4,8;bootstrap=true,false"}
THREADS=${BENCH_TUNE_THREADS:-0}
LOG=$DIR/logs

die() { echo "bench-tune: $*" >&2; exit 1; }
[ -x "$BIN" ] || die "$BIN is missing: run make first"
mkdir -p "$LOG"

if [ ! -s "$DIR/prepared.csv" ]; then
    echo "bench-tune: building seasons 1950-2024 in $DIR (untimed)"
    python3 tests/replay/replay.py --port 0 --data tests/data --log "$LOG/replay.log" \
        >"$LOG/replay.out" 2>"$LOG/replay.err" &
    replay=$!
    trap 'kill $replay 2>/dev/null' EXIT
    for _ in $(seq 100); do
        grep -q '^READY ' "$LOG/replay.out" && break
        sleep 0.1
    done
    port=$(sed -n 's/^READY \([0-9]*\)$/\1/p' "$LOG/replay.out")
    [ -n "$port" ] || die "the replay server did not start: $(cat "$LOG/replay.err")"
    "$BIN" --stages source,prepare --seasons 1950-2024 --data-dir "$DIR" \
        --api-base-url "http://127.0.0.1:$port/ergast/f1" --wikipedia-base-url "http://127.0.0.1:$port" \
        --api-requests-per-second 1000 --api-requests-per-hour 1000000 >"$LOG/source.log" 2>&1 ||
        die "source/prepare failed: $(tail -n 5 "$LOG/source.log")"
    kill "$replay" 2>/dev/null
    trap - EXIT
fi

echo "bench-tune: grid $SPACE"
start=$(date +%s%N)
"$BIN" --stages tune --tune grid --tune-space "$SPACE" --tune-validation 5 --seasons 1950-2024 \
    --model bagging --features spec --test-season 2024 --threads "$THREADS" --data-dir "$DIR" >"$LOG/tune.log" 2>&1 ||
    die "tune failed: $(tail -n 5 "$LOG/tune.log")"
end=$(date +%s%N)
wall=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", (b - a) / 1e9 }')
n=$(python3 -c 'import json, sys; print(len(json.load(open(sys.argv[1]))["configurations"]))' "$DIR/tune.json")
cores=$(nproc)
echo "== tune: $n configurations x 5 validation seasons (2019-2023), 1950-2024 history, $cores cores =="
grep -E '^tune: scored ' "$LOG/tune.log" | sed 's/^tune: //'
echo "wall time $wall s (whole process, features included): $(awk -v n="$n" -v s="$wall" 'BEGIN { printf "%.1f", n / s }') configurations/s;" \
    "target: 1,000 configurations in under 300 s on 2 cores"
grep -E '^tune: test season 2024: chose' "$LOG/tune.log" | sed 's/^tune: //'
