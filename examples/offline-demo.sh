#!/usr/bin/env bash
# The whole pipeline on one machine with no GitHub and no internet: builds
# f1-mlops, serves the bundled real data (tests/data) through the replay
# server that speaks Jolpica's and Wikipedia's URLs, and runs every stage
# with the embedded store.  `examples/offline-demo.sh --live` talks to the
# real Jolpica API and Wikipedia instead.  Extra arguments go to f1-mlops.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tests/install-deps.sh build
make -s
DATA_DIR=${DATA_DIR:-.f1-mlops-demo}
if [ "${1:-}" = "--live" ]; then
    shift
    exec ./build/f1-mlops --data-dir "$DATA_DIR" --seasons 2015-latest "$@"
fi
log=$(mktemp)
python3 tests/replay/replay.py --port 0 --data tests/data --log "$log" >"$log.out" &
replay=$!
trap 'kill $replay 2>/dev/null; rm -f "$log" "$log.out"' EXIT
for _ in $(seq 1 50); do grep -q READY "$log.out" 2>/dev/null && break; sleep 0.2; done
port=$(awk '/READY/ {print $2}' "$log.out")
[ -n "$port" ] || { echo "replay server did not start" >&2; exit 1; }
./build/f1-mlops --data-dir "$DATA_DIR" \
    --api-base-url "http://127.0.0.1:$port/ergast/f1" --wikipedia-base-url "http://127.0.0.1:$port" \
    --api-requests-per-second 100 --api-requests-per-hour 100000 \
    --seasons 1950-2024 "$@"
echo "model, metrics and zip: $DATA_DIR/"
