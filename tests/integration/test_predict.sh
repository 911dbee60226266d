#!/usr/bin/env bash
# The predict stage on seasons 2010-2024 of the bundled data (model trained
# on 2010-2023): races with known results get exactly evaluate's
# predictions and ranks (model.json or the zip); the next race of the
# schedule (replay cutoff after 2024 round 10) fails without a grid unless
# predict-without-grid (back of the grid), uses the qualifying order as the
# grid when only qualifying is out (replay qualifying_cutoff), says which,
# and reads nothing of the races after it; outputs and the job summary.
. "$(dirname "$0")/lib.sh"
FAST=(--api-requests-per-second 1000 --api-requests-per-hour 1000000)
D=$WORK/d
# Trees of a fifth of the rows: deep enough to use more than the grid.
ARGS=(--seasons 2010-2024 --data-dir "$D" --n-estimators 30 --max-samples 0.2)

start_replay
"$BIN" --stages source,prepare,features,train,evaluate,package "${ARGS[@]}" --api-base-url "$API_URL" \
    --wikipedia-base-url "$WIKI_URL" "${FAST[@]}" >"$WORK/pipeline.log" 2>&1
check "pipeline 2010-2024 exits 0" test $? -eq 0

predict() { # log name, args...
    local log=$1; shift
    GITHUB_OUTPUT=$WORK/$log.out GITHUB_STEP_SUMMARY=$WORK/$log.md \
        "$BIN" --stages predict "${ARGS[@]}" --api-base-url "${PREDICT_API:-$API_URL}" "${FAST[@]}" "$@" \
        >"$WORK/$log.log" 2>&1
}
# ranked SEASON ROUND: evaluate's driver,prediction,rank rows of that race.
ranked() {
    python3 -c 'import csv, sys
for r in csv.DictReader(open(sys.argv[1])):
    if r["season"] == sys.argv[2] and r["round"] == sys.argv[3]:
        print(r["driver_id"], r["prediction"], r["rank"])' "$D/predictions.csv" "$1" "$2"
}
predicted() { awk -F, 'NR > 1 { print $4, $8, $9 }' "$D/predictions-next.csv"; }

# --- races with known results: evaluate's numbers exactly ------------------------
for round in 1 7 24; do
    predict "known$round" --predict-season 2024 --predict-round "$round"
    check "predict 2024 round $round exits 0" test $? -eq 0
    check "2024 round $round: the starting grid" grep -q "grid used: starting grid" "$WORK/known$round.log"
    check_eq "2024 round $round: evaluate's predictions and ranks" "$(predicted)" "$(ranked 2024 "$round")"
done
check_eq "the winner output is rank 1" "$(grep '^predicted-winner=' "$WORK/known24.out")" \
    "predicted-winner=$(ranked 2024 24 | awk '$3 == 1 { print $1 }')"
check "the score output" grep -qE '^predicted-winner-score=0?\.?[0-9]' "$WORK/known24.out"
check "the summary table" grep -q '^## Prediction: Abu Dhabi Grand Prix (2024 round 24' "$WORK/known24.md"
check "the summary names the starting grid" grep -q '^Grid used: starting grid (published with the results)' "$WORK/known24.md"
check "a run race's qualifying times are fetched too" grep -q "2024 round 24, Abu Dhabi Grand Prix (2024-12-08): 20 entries, 20 qualifying times published" "$WORK/known24.log"
check_eq "a summary row per driver" "$(awk '/^## Prediction/ { f = 1 } f && /^\| [0-9]+ \| / { n++ } f && n && /^$/ { exit } END { print n }' "$WORK/known24.md")" "$(ranked 2024 24 | wc -l)"
mv "$D/model.json" "$D/model.json.away"
predict zip --predict-season 2024 --predict-round 7
check "predict from f1-model.zip exits 0" test $? -eq 0
check_eq "from the zip: the same" "$(predicted)" "$(ranked 2024 7)"
predict path --predict-season 2024 --predict-round 7 --model-path "$D/model.json.away"
check_eq "from model-path: the same" "$(predicted)" "$(ranked 2024 7)"
mv "$D/model.json.away" "$D/model.json"
predict badround --predict-round 3
check_eq "predict-round without predict-season: exit 2" "$?" 2

# --- the next race: 2024 round 11 after a cutoff ---------------------------------
replay_control cutoff=2024:10
rm -f "$D/predictions-next.csv"
predict nogrid
check_eq "no grid published: exit 5" "$?" 5
check "no grid: says so and names the input" grep -q "grid of 2024 round 11 (Austrian Grand Prix) is not published yet.*predict-without-grid" "$WORK/nogrid.log"
check "no grid: no predictions file" test ! -e "$D/predictions-next.csv"
predict backgrid --predict-without-grid true
check "without grid: exit 0" test $? -eq 0
check "without grid: a warning" grep -q "::warning::the grid of 2024 round 11 is not known yet" "$WORK/backgrid.log"
check "without grid: says the back of the grid was used" grep -q "grid used: back of the grid" "$WORK/backgrid.log"
check "without grid: the summary says so" grep -q "^Grid used: back of the grid (neither qualifying nor the starting grid is published" "$WORK/backgrid.md"
check_eq "without grid: round 11" "$(awk -F, 'NR == 2 { print $1, $2 }' "$D/predictions-next.csv")" "2024 11"
check_eq "without grid: the grid column is empty" "$(awk -F, 'NR > 1 && $7 != ""' "$D/predictions-next.csv" | wc -l)" 0
check_eq "without grid: round 10's drivers" "$(awk -F, 'NR > 1 { print $4 }' "$D/predictions-next.csv" | sort)" \
    "$(awk -F, '$1 == 2024 && $2 == 10 { print $5 }' "$D/prepared.csv" | sort -u)"
cp "$D/predictions-next.csv" "$WORK/next.csv"

# Only races before it: prepared.csv with every later race reversed gives the same.
cp "$D/prepared.csv" "$WORK/prepared.orig"
reverse_after() { # SEASON ROUND: reverse the finishing order of races from that one on
    python3 - "$D/prepared.csv" "$1" "$2" <<'EOF'
import csv, sys
path, season, rnd = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rows = list(csv.reader(open(path, newline="")))
pos = rows[0].index("position")
counts = {}
for r in rows[1:]:
    counts[(r[0], r[1])] = counts.get((r[0], r[1]), 0) + 1
for r in rows[1:]:
    if (int(r[0]), int(r[1])) >= (season, rnd):
        r[pos] = str(counts[(r[0], r[1])] + 1 - int(r[pos]))
csv.writer(open(path, "w", newline=""), lineterminator="\n").writerows(rows)
EOF
}
reverse_after 2024 11
predict later --predict-without-grid true
check "later races reversed: the same predictions" cmp "$D/predictions-next.csv" "$WORK/next.csv"
cp "$WORK/prepared.orig" "$D/prepared.csv"
reverse_after 2024 10
predict earlier --predict-without-grid true
check "round 10 reversed: other predictions" bash -c "! cmp -s '$D/predictions-next.csv' '$WORK/next.csv'"
cp "$WORK/prepared.orig" "$D/prepared.csv"
awk -F, 'NR == 1 || !($1 == 2024 && $2 >= 9)' "$WORK/prepared.orig" >"$D/prepared.csv"
predict gap --predict-without-grid true
check_eq "history ending before round 10: exit 5" "$?" 5
check "history gap: says so" grep -q "does not reach the race before 2024 round 11" "$WORK/gap.log"
cp "$WORK/prepared.orig" "$D/prepared.csv"

# --- qualifying published, results not: qualifying order is the grid -----------------
replay_control qualifying_cutoff=2024:11
curl -fsS "$API_URL/2024/11/qualifying.json?limit=100" -o "$WORK/q11.json"
check_eq "the replay publishes round 11's qualifying, not its results" \
    "$(curl -fsS "$API_URL/2024/11/results.json" | python3 -c 'import json, sys; print(json.load(sys.stdin)["MRData"]["total"])')" 0
predict quali
check "qualifying only: exit 0" test $? -eq 0
check "qualifying only: says it used the qualifying order" grep -q "grid used: qualifying order" "$WORK/quali.log"
check "qualifying only: the summary says so" grep -q "^Grid used: qualifying order (the starting grid is not published yet)" "$WORK/quali.md"
check "qualifying only: its times are read" grep -q "2024 round 11, Austrian Grand Prix (2024-06-30): 20 entries, 20 qualifying times published" "$WORK/quali.log"
check_eq "qualifying only: the grid is the qualifying position" \
    "$(awk -F, 'NR > 1 { print $4, $7 }' "$D/predictions-next.csv" | sort)" \
    "$(python3 -c 'import json, sys
for q in json.load(open(sys.argv[1]))["MRData"]["RaceTable"]["Races"][0]["QualifyingResults"]:
    print(q["Driver"]["driverId"], q["position"])' "$WORK/q11.json" | sort)"

# Hostile qualifying answers (through a proxy in front of the replay): times
# that are no lap times are left out with a warning; a driver twice fails.
hostile() { # file: q11.json with the edits of the python expression on stdin applied
    python3 -c 'import json, sys
d = json.load(open(sys.argv[1])); q = d["MRData"]["RaceTable"]["Races"][0]["QualifyingResults"]
exec(sys.stdin.read())
json.dump(d, open(sys.argv[2], "w"))' "$WORK/q11.json" "$1"
}
hostile "$WORK/q11-bad-times.json" <<'EOF'
q[0]["Q1"] = "1:2x.3"; q[1]["Q2"] = "NaN"; q[2]["Q3"] = 1e308; q[3]["Q1"] = "99999999999:00.000"
EOF
hostile "$WORK/q11-twice.json" <<'EOF'
q[5]["Driver"] = dict(q[4]["Driver"])
EOF
PROXY_PORT=$(free_port)
python3 - "$PROXY_PORT" "$REPLAY_URL" "$WORK/q11-answer.json" >"$WORK/proxy.log" 2>&1 <<'EOF' &
import sys, urllib.request
from http.server import BaseHTTPRequestHandler, HTTPServer
port, upstream, answer = int(sys.argv[1]), sys.argv[2], sys.argv[3]
class H(BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path.split("?")[0].endswith("/2024/11/qualifying.json"):
            body = open(answer, "rb").read()
        else:
            body = urllib.request.urlopen(upstream + self.path).read()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *a):
        pass
HTTPServer(("127.0.0.1", port), H).serve_forever()
EOF
on_exit "kill $!"
for _ in $(seq 50); do (exec 3<>"/dev/tcp/127.0.0.1/$PROXY_PORT") 2>/dev/null && break; sleep 0.1; done
PROXY_API="http://127.0.0.1:$PROXY_PORT/ergast/f1"
cp "$WORK/q11-bad-times.json" "$WORK/q11-answer.json"
PREDICT_API=$PROXY_API predict badtimes
check "bad qualifying times: exit 0" test $? -eq 0
check_eq "bad qualifying times: each left out with a warning" \
    "$(grep -c "::warning::2024 round 11: driver '.*' has a Q[123] time that is not a lap time; left out" "$WORK/badtimes.log")" 4
check "bad qualifying times: still the qualifying order" grep -q "grid used: qualifying order" "$WORK/badtimes.log"
cp "$WORK/q11-twice.json" "$WORK/q11-answer.json"
PREDICT_API=$PROXY_API predict twice
check_eq "a driver twice in qualifying: exit 5" "$?" 5
check "a driver twice in qualifying: says so" grep -q "^::error::.*qualifying of 2024 round 11.*two entries" "$WORK/twice.log"

replay_control qualifying_cutoff=

# --- under memcheck: no errors, nothing lost ----------------------------------------
vg() { valgrind --leak-check=full --errors-for-leak-kinds=definite,indirect --error-exitcode=99 -q "$@"; }
vg "$BIN" --stages predict "${ARGS[@]}" --api-base-url "$API_URL" --model-path "$D/f1-model.zip" \
    --predict-without-grid true >"$WORK/vg.log" 2>&1
check_eq "predict from the zip without grid under memcheck: exit 0" "$?" 0
vg "$BIN" --stages predict "${ARGS[@]}" --api-base-url "$API_URL" >"$WORK/vg2.log" 2>&1
check_eq "predict failing on the grid under memcheck: exit 5" "$?" 5
replay_control qualifying_cutoff=2024:11
vg "$BIN" --stages predict "${ARGS[@]}" --api-base-url "$API_URL" >"$WORK/vg3.log" 2>&1
check_eq "predict on the qualifying order under memcheck: exit 0" "$?" 0
replay_control qualifying_cutoff=

finish
