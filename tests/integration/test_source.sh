#!/usr/bin/env bash
# The source stage against the replay server: a cold pull of 1950-2025 into
# each store (exact result and qualifying rows, bounded requests), a rerun
# with nothing new, new data arriving (only incomplete seasons refetched,
# from the stored offset), weather by the replay rule, faults, a killed run
# resumed, and bad inputs.
. "$(dirname "$0")/lib.sh"
CSV="$ROOT/tests/data/ergast-csv"
FAST=(--api-requests-per-second 1000 --api-requests-per-hour 1000000)
EXPECTED_ROWS=$(python3 -c "import csv;print(sum(1 for _ in csv.DictReader(open('$CSV/results.csv'))))")
# qualifying_expected FIRST LAST: rows= races= of qualifying.csv for those seasons.
qualifying_expected() {
    python3 - "$CSV" "$1" "$2" <<'EOF'
import csv, sys
d, first, last = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
year = {r["raceId"]: int(r["year"]) for r in csv.DictReader(open(d + "/races.csv"))}
rows = [r["raceId"] for r in csv.DictReader(open(d + "/qualifying.csv")) if first <= year[r["raceId"]] <= last]
print("rows=%d races=%d" % (len(rows), len(set(rows))))
EOF
}
EXPECTED_Q=$(qualifying_expected 1950 2025)

source_run() { # data-dir, extra args...
    local dir=$1; shift
    "$BIN" --stages source --data-dir "$dir" --api-base-url "$API_URL" \
        --wikipedia-base-url "$WIKI_URL" "${FAST[@]}" "$@"
}
stored() { python3 "$ROOT/tests/integration/store_check.py" "$1" "$CSV" "${2:-1950}" "${3:-2025}" "${4:-results}"; }
# What prepare must write as qualifying.csv for 1950-2025, from the CSVs alone.
python3 "$ROOT/tests/integration/qualifying_expected.py" "$CSV" 1950 2025 >"$WORK/qualifying-expected.csv"
docs_in() { find "$1/store" -name '*.json' 2>/dev/null | wc -l; }

start_replay

# --- cold pull, embedded store ---------------------------------------------
replay_log_reset
source_run "$WORK/emb" --seasons 1950-latest >"$WORK/cold.log" 2>&1
check "cold pull exits 0" test $? -eq 0
api=$(api_requests); wiki=$(wiki_requests)
check_le "cold pull API requests" "$api" 420
echo "cold pull: $api API requests, $wiki Wikipedia requests"
check "cold pull made Wikipedia requests" test "$wiki" -gt 1000
check "cold pull sweeps qualifying unfiltered" grep -q '^api 200 /ergast/f1/qualifying.json?limit=100&offset=0$' "$REPLAY_LOG"
check_eq "cold pull stores every qualifying row exactly once" "$(stored "$WORK/emb" 1950 2025 qualifying)" \
    "$EXPECTED_Q dups=0 mismatched=0"
check_eq "cold pull stores every result row exactly once" "$(stored "$WORK/emb")" \
    "rows=$EXPECTED_ROWS races=$(grep -c . <(python3 -c "
import csv;print('\n'.join(sorted({r['raceId'] for r in csv.DictReader(open('$CSV/results.csv'))})))")) dups=0 mismatched=0"
"$BIN" --stages prepare --data-dir "$WORK/emb" --seasons 1950-2025 >"$WORK/emb-prep.log" 2>&1
check "prepare after the cold pull exits 0" test $? -eq 0
check "prepare writes every qualifying time once, in order" cmp "$WORK/emb/qualifying.csv" "$WORK/qualifying-expected.csv"
check "a group per entity" grep -q '^::group::drivers' "$WORK/cold.log"
check "final line counts requests and weather" grep -qE 'source: [0-9]+ API requests, [0-9]+ Wikipedia requests, [0-9]+ documents written, weather found [0-9]+ / missing [0-9]+ / error 0' "$WORK/cold.log"
check "progress lines per page batch" grep -qE '^results: [0-9]+ of [0-9]+ rows' "$WORK/cold.log"

# --- weather follows the replay rule (1950-2022) ------------------------------
python3 "$ROOT/tests/replay/replay.py" --data "$ROOT/tests/data" --expected-weather >"$WORK/expected-weather.tsv"
check_eq "weather as the replay rule says" "$(python3 "$ROOT/tests/integration/weather_check.py" "$WORK/emb" "$WORK/expected-weather.tsv")" "ok"

# --- rerun with nothing new ---------------------------------------------------
replay_log_reset
source_run "$WORK/emb" --seasons 1950-latest >"$WORK/rerun.log" 2>&1
check "rerun exits 0" test $? -eq 0
warm=$(api_requests)
echo "rerun: $warm API requests, $(wiki_requests) Wikipedia requests"
check_le "rerun API requests" "$warm" 4
check_eq "rerun Wikipedia requests" "$(wiki_requests)" 0
check_eq "rerun fetches no complete season's qualifying" "$(grep -c 'qualifying' "$REPLAY_LOG")" \
    "$(grep -c '/2025/qualifying.json' "$REPLAY_LOG")"
check "rerun keeps every row" grep -q "rows=$EXPECTED_ROWS .* dups=0 mismatched=0" <(stored "$WORK/emb")
check_eq "rerun keeps every qualifying row once" "$(stored "$WORK/emb" 1950 2025 qualifying)" \
    "$EXPECTED_Q dups=0 mismatched=0"

# --- new data arriving: only incomplete seasons, from the stored offset -------
replay_control cutoff=2024:10
source_run "$WORK/inc" --seasons 2020-latest --wikipedia false >"$WORK/inc1.log" 2>&1
check "pull up to 2024 round 10 exits 0" test $? -eq 0
q2024=$(python3 -c "import json, glob
docs = [json.load(open(p)) for p in glob.glob('$WORK/inc/store/qualifying/*.json')]
print(sum(len(d.get('QualifyingResults', [])) for d in docs if d['season'] == '2024'))")
check "2024 qualifying stored up to round 10" test "$q2024" -gt 100
replay_control cutoff=
replay_log_reset
source_run "$WORK/inc" --seasons 2020-latest --wikipedia false >"$WORK/inc2.log" 2>&1
check "pull of the new races exits 0" test $? -eq 0
check "2024's qualifying resumes at the rows stored" \
    grep -q "^api 200 /ergast/f1/2024/qualifying.json?limit=100&offset=$q2024\$" "$REPLAY_LOG"
check_eq "no request for the complete seasons 2020-2023" "$(grep -cE '/202[0-3][/.]' "$REPLAY_LOG")" 0
check_eq "then every qualifying row 2020-2025 once" "$(stored "$WORK/inc" 2020 2025 qualifying)" \
    "$(qualifying_expected 2020 2025) dups=0 mismatched=0"
check "then every result row 2020-2025 once" grep -q "dups=0 mismatched=0" <(stored "$WORK/inc" 2020 2025)

# --- cold pull into MongoDB (FerretDB) ---------------------------------------
start_ferretdb
replay_log_reset
source_run "$WORK/mongo" --mongodb-uri "$MONGO_URI" --seasons 1950-latest >"$WORK/mongo.log" 2>&1
check "MongoDB cold pull exits 0" test $? -eq 0
check_le "MongoDB cold pull API requests" "$(api_requests)" 420
"$BIN" --stages prepare --data-dir "$WORK/mongo" --mongodb-uri "$MONGO_URI" --seasons 1950-2025 >"$WORK/mongo-prep.log" 2>&1
check_eq "MongoDB holds every result row" "$(($(wc -l <"$WORK/mongo/prepared.csv") - 1))" "$EXPECTED_ROWS"
check "MongoDB holds every qualifying time once" cmp "$WORK/mongo/qualifying.csv" "$WORK/qualifying-expected.csv"
replay_log_reset
source_run "$WORK/mongo" --mongodb-uri "$MONGO_URI" --seasons 1950-latest >"$WORK/mongo-rerun.log" 2>&1
check "MongoDB rerun exits 0" test $? -eq 0
check_le "MongoDB rerun API requests" "$(api_requests)" 4
check_eq "MongoDB rerun Wikipedia requests" "$(wiki_requests)" 0
"$BIN" --stages prepare --data-dir "$WORK/mongo" --mongodb-uri "$MONGO_URI" --seasons 1950-2025 >/dev/null 2>&1
check_eq "MongoDB rerun duplicates nothing" "$(($(wc -l <"$WORK/mongo/prepared.csv") - 1))" "$EXPECTED_ROWS"
check "MongoDB rerun duplicates no qualifying row" cmp "$WORK/mongo/qualifying.csv" "$WORK/qualifying-expected.csv"
check "a MongoDB URI is masked" grep -qF "::add-mask::$MONGO_URI" "$WORK/mongo.log"
stop_ferretdb

# --- killed mid-pull, then rerun ----------------------------------------------
replay_control slow_ms=15
source_run "$WORK/killed" --seasons 1950-latest --wikipedia false >"$WORK/killed.log" 2>&1 &
pid=$!
for _ in $(seq 1 150); do   # kill it inside the results pages
    [ "$(find "$WORK/killed/store/results" -name '*.json' 2>/dev/null | wc -l)" -gt 100 ] && break
    sleep 0.2
done
kill -9 "$pid" 2>/dev/null
wait "$pid" 2>/dev/null
replay_control slow_ms=0
partial=$(stored "$WORK/killed")
check "the kill hit mid-pull" test "${partial%% *}" != "rows=$EXPECTED_ROWS"
source_run "$WORK/killed" --seasons 1950-latest --wikipedia false >"$WORK/resumed.log" 2>&1
check "resumed run exits 0" test $? -eq 0
check "resumed run says it resumes" grep -q 'resuming' "$WORK/resumed.log"
check "nothing missing, nothing duplicated after the kill" grep -q "rows=$EXPECTED_ROWS .* dups=0 mismatched=0" <(stored "$WORK/killed")
check_eq "every qualifying row once after the kill" "$(stored "$WORK/killed" 1950 2025 qualifying)" \
    "$EXPECTED_Q dups=0 mismatched=0"

# --- faults: 429 storm, 500s, truncated bodies, slow answers ------------------
fault_run() { # name, control settings...
    local name=$1; shift
    local kv
    for kv in "$@"; do replay_control "$kv"; done
    source_run "$WORK/$name" --seasons 2019-2021 --wikipedia false --api-requests-per-second 50 >"$WORK/$name.log" 2>&1
    local rc=$?
    for kv in "$@"; do replay_control "${kv%%=*}=0"; done
    check "$name: exits 0" test $rc -eq 0
    check "$name: all rows stored once" grep -q "dups=0 mismatched=0" <(stored "$WORK/$name" 2019 2021)
    check "$name: all qualifying rows stored once" grep -q "dups=0 mismatched=0" <(stored "$WORK/$name" 2019 2021 qualifying)
}
fault_run storm429 rate_per_second=3
check "429 storm was answered with 429s" grep -q '^api 429 ' "$REPLAY_LOG"
fault_run errors500 fail_500=4
check "500s were served" grep -q '^api 500 ' "$REPLAY_LOG"
fault_run truncated truncate=5
fault_run slow slow_ms=300

# --- MongoDB unreachable ------------------------------------------------------
port=$(free_port)
source_run "$WORK/nomongo" --mongodb-uri "mongodb://f1:pw-Secret1@127.0.0.1:$port/" >"$WORK/nomongo.log" 2>&1
check "MongoDB unreachable exits non-zero" test $? -ne 0
check "MongoDB unreachable is a clear ::error::" grep -q '^::error::.*MongoDB' "$WORK/nomongo.log"
check "the password never shows" bash -c "! grep -v '^::add-mask::' '$WORK/nomongo.log' | grep -q pw-Secret1"

# --- bad inputs: a clear message naming the input; nothing written -------------
bad_input() { # input-name, args...
    local name=$1; shift
    local dir="$WORK/bad-$name"
    source_run "$dir" "$@" >"$WORK/bad.log" 2>&1
    local rc=$?
    check "bad $name: non-zero exit" test $rc -ne 0
    check "bad $name: ::error:: names the input" grep -q "^::error::.*'$name'" "$WORK/bad.log"
    check_eq "bad $name: nothing written" "$(docs_in "$dir")" 0
}
bad_input seasons --seasons 2024-2015
bad_input seasons --seasons 1900-1950
bad_input test-season --seasons 2000-2010 --test-season 2011
bad_input stages --stages source,predict-everything
bad_input mongodb-uri --mongodb-uri "mongodb://"
bad_input api-base-url --api-base-url "not-a-url"
bad_input api-base-url --api-base-url "http://127.0.0.1:$(free_port)/ergast/f1"
bad_input n-estimators --n-estimators many
bad_input max-samples --max-samples 2.5
bad_input seasons --seasons 2030-latest
finish
