#!/usr/bin/env bash
# Hostile numbers, documents and resume state (issue 11, items 1, 6, 7, 8, 9
# and 11), each fixture built here from a data-dir sourced from the replay
# server: non-finite or out-of-range numbers in store documents, API pages,
# prepared.csv, features.csv and model.json are refused naming the file and
# field (never a crash or a quietly wrong score); refresh repairs a corrupt
# document; a lost document is noticed and refetched; derived input sizes
# and numeric inputs are checked before any work; a tampered sweep cursor
# falls back to a fresh sweep.  The crash cases run under the sanitizer
# build too when it exists (make asan).
. "$(dirname "$0")/lib.sh"
FAST=(--api-requests-per-second 1000 --api-requests-per-hour 1000000)
BINS=("$BIN")
[ -x "$ROOT/build-asan/f1-mlops" ] && BINS+=("$ROOT/build-asan/f1-mlops")

run() { # binary, data-dir, args...
    local bin=$1 dir=$2; shift 2
    "$bin" --data-dir "$dir" --api-base-url "$API_URL" --wikipedia false "${FAST[@]}" "$@"
}
# Sets one field of the first result row of a stored race: file, field path, JSON value.
poison_doc() {
    python3 - "$1" "$2" "$3" <<'PY'
import json, sys
path, field, value = sys.argv[1], sys.argv[2].split("."), json.loads(sys.argv[3])
doc = json.load(open(path))
obj = doc["Results"][0]
for k in field[:-1]:
    obj = obj.setdefault(k, {})
obj[field[-1]] = value
json.dump(doc, open(path, "w"))
PY
}
# Sets one column of the first data line of a CSV file: file, column name, text.
poison_csv() {
    python3 - "$1" "$2" "$3" <<'PY'
import sys
path, col, text = sys.argv[1:4]
lines = open(path).read().split("\n")
head = lines[0].split(",")
cells = lines[1].split(",")  # the first rows hold no quoted commas in these columns
cells[head.index(col)] = text
lines[1] = ",".join(cells)
open(path, "w").write("\n".join(lines))
PY
}
fresh() { rm -rf "${WORK:?}/$1"; cp -r "$WORK/base" "$WORK/$1"; echo "$WORK/$1"; }
# The c4 data-dir back to base's copy of DOC, without stage outputs.
reset_c4() { cp "$WORK/base/$DOC" "$WORK/c4/$DOC"; rm -f "$WORK/c4"/*.csv "$WORK/c4"/*.json; }

start_replay
run "$BIN" "$WORK/base" --seasons 2019-2023 --stages source >"$WORK/base.log" 2>&1
check "base data-dir sourced" test $? -eq 0
DOC=store/results/2023_5.json

# --- 1. non-finite numbers in a stored document --------------------------------
d=$(fresh clean)
run "$BIN" "$d" --seasons 2019-2023 --stages prepare,features,train,evaluate >"$WORK/clean.log" 2>&1
check "the clean data-dir evaluates" test $? -eq 0
clean_leader=$(python3 -c "import json;print(json.load(open('$d/metrics.json'))['baselines']['leader']['precision'])" 2>/dev/null)
check "the clean leader baseline is well above chance" python3 -c "import sys; sys.exit(not float('$clean_leader') > 0.5)"
d=$(fresh c4)
for bin in "${BINS[@]}"; do
    for value in '"nan"' '"NaN"' '"inf"' '"-inf"' '"1e999"' '""' 'null' '"0x10"' '"-3"' '"101"' '{}'; do
        reset_c4
        poison_doc "$d/$DOC" points "$value"
        run "$bin" "$d" --seasons 2019-2023 --stages prepare,features,train,evaluate >"$WORK/c4.log" 2>&1
        rc=$?
        check_eq "stored points $value: exit 5 ($(basename "$bin"))" "$rc" 5
        check "stored points $value: the error names the document, the field and the repair" \
            grep -qF "$d/$DOC': results of 2023 round 5, entry 1 (driver 'max_verstappen'): field 'points'" "$WORK/c4.log"
        check "stored points $value: no metrics written" test ! -e "$d/metrics.json"
    done
    for field in grid position laps Time.millis; do
        for value in '"nan"' '"1e999"' 'null'; do
            reset_c4
            poison_doc "$d/$DOC" "$field" "$value"
            run "$bin" "$d" --seasons 2019-2023 --stages prepare >"$WORK/c4.log" 2>&1
            check_eq "stored $field $value: exit 5" "$?" 5
            check "stored $field $value: the error names the field" grep -qF "field '$field'" "$WORK/c4.log"
            check "stored $field $value: the error says how to repair" grep -qF "refresh: true, or delete" "$WORK/c4.log"
        done
    done
done

# --- 1. non-finite numbers served by the API ------------------------------------
for bin in "${BINS[@]}"; do
    for poison in points:NaN points:nan points:inf points:1e999 points:null grid:-inf position:NaN \
        laps:1e999 Time.millis:nan; do
        replay_control "poison=2023:5:$poison"
        rm -rf "$WORK/net"
        run "$bin" "$WORK/net" --seasons 2019-2023 --stages source >"$WORK/net.log" 2>&1
        rc=$?
        check_eq "served $poison: exit 5, not a crash ($(basename "$bin"))" "$rc" 5
        check "served $poison: the error names the race, the row and the field" \
            grep -qE "2023 round 5, entry 1: field '${poison%%:*}'" "$WORK/net.log"
        check "served $poison: the race is not stored" test ! -e "$WORK/net/$DOC"
    done
done
replay_control "poison="

# --- 1. non-finite numbers in the tables and the model ---------------------------
d=$(fresh tables)
# the spec features and the trees (the v2 set and the conditional logit below)
ORIGINAL=(--model bagging --features spec)
run "$BIN" "$d" --seasons 2019-2023 --stages prepare,features,train "${ORIGINAL[@]}" >"$WORK/tables.log" 2>&1
check "tables built" test $? -eq 0
cp "$d/prepared.csv" "$WORK/prepared.good"
cp "$d/features.csv" "$WORK/features.good"
cp "$d/model.json" "$WORK/model.good"
for value in nan NaN inf -inf 1e999 0x10 "" -1 101; do
    cp "$WORK/prepared.good" "$d/prepared.csv"
    poison_csv "$d/prepared.csv" points "$value"
    run "$BIN" "$d" --seasons 2019-2023 --stages features >"$WORK/csv.log" 2>&1
    check_eq "prepared.csv points '$value': exit 5" "$?" 5
    check "prepared.csv points '$value': the error names the file, line and column" \
        grep -qE "prepared.csv: line 2: points" "$WORK/csv.log"
done
cp "$WORK/prepared.good" "$d/prepared.csv"
for value in nan inf 1e999 0x10; do
    cp "$WORK/features.good" "$d/features.csv"
    poison_csv "$d/features.csv" grid "$value"
    run "$BIN" "$d" --seasons 2019-2023 --stages train "${ORIGINAL[@]}" >"$WORK/feat.log" 2>&1
    check_eq "features.csv grid '$value': exit 5" "$?" 5
    check "features.csv grid '$value': the error names the file" grep -qF "features.csv" "$WORK/feat.log"
done
cp "$WORK/features.good" "$d/features.csv"
for key in threshold value; do
    for value in 1e999 -1e999; do
        python3 - "$WORK/model.good" "$d/model.json" "$key" "$value" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
# the first number of tree 0's array, as text: cJSON reads 1e999 as infinity
text = re.sub(r'("%s":\[)[^,\]]+' % sys.argv[3], lambda m: m.group(1) + sys.argv[4], text, count=1)
open(sys.argv[2], "w").write(text)
PY
        run "$BIN" "$d" --seasons 2019-2023 --stages evaluate "${ORIGINAL[@]}" >"$WORK/model.log" 2>&1
        check_eq "model.json $key $value: exit 5" "$?" 5
        check "model.json $key $value: the error names the entry" grep -qF "'$key' entry 0 is not a finite" "$WORK/model.log"
    done
done
# The v2 set: a feature may be missing ("nan"), never infinite or garbage,
# and a key (season, round) never missing; the conditional logit's numbers
# must be finite.
d=$(fresh v2)
run "$BIN" "$d" --seasons 2019-2023 --stages prepare,features,train >"$WORK/v2.log" 2>&1
check "v2 tables built" test $? -eq 0
cp "$d/features.csv" "$WORK/v2features.good"
cp "$d/model.json" "$WORK/v2model.good"
for poison in log_grid:inf log_grid:1e999 log_grid:0x10 log_grid:NaN round:nan; do
    cp "$WORK/v2features.good" "$d/features.csv"
    poison_csv "$d/features.csv" "${poison%%:*}" "${poison#*:}"
    run "$BIN" "$d" --seasons 2019-2023 --stages train >"$WORK/v2feat.log" 2>&1
    check_eq "v2 features.csv $poison: exit 5" "$?" 5
    check "v2 features.csv $poison: the error names the file and line" grep -qF "features.csv: line 2" "$WORK/v2feat.log"
done
cp "$WORK/v2features.good" "$d/features.csv"
poison_csv "$d/features.csv" log_grid nan
run "$BIN" "$d" --seasons 2019-2023 --stages train >"$WORK/v2feat.log" 2>&1
check_eq "v2 features.csv log_grid nan (missing): trains" "$?" 0
cp "$WORK/v2features.good" "$d/features.csv"
for key in beta sd; do
    python3 - "$WORK/v2model.good" "$d/model.json" "$key" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
text = re.sub(r'("%s":\[)[^,\]]+' % sys.argv[3], lambda m: m.group(1) + "1e999", text, count=1)
open(sys.argv[2], "w").write(text)
PY
    run "$BIN" "$d" --seasons 2019-2023 --stages evaluate >"$WORK/v2model.log" 2>&1
    check_eq "clogit model.json $key 1e999: exit 5" "$?" 5
    check "clogit model.json $key 1e999: the error names it" grep -qF "'$key'" "$WORK/v2model.log"
done

# --- 6. refresh repairs a corrupt document ------------------------------------
d=$(fresh torn)
truncate -s 300 "$d/$DOC"
run "$BIN" "$d" --seasons 2019-2023 --stages source,prepare >"$WORK/torn.log" 2>&1
check_eq "a torn document: exit 4" "$?" 4
check "a torn document: the error names it and says how to repair" \
    grep -qF "$d/$DOC' is not a JSON document (corrupt; to repair: run source with input refresh: true" "$WORK/torn.log"
for bin in "${BINS[@]}"; do
    truncate -s 300 "$d/$DOC"
    run "$bin" "$d" --seasons 2019-2023 --stages source,prepare --refresh true >"$WORK/torn.log" 2>&1
    check "refresh: true repairs the torn document ($(basename "$bin"))" test $? -eq 0
    check "refresh: true: the repaired document is the API's" \
        python3 -c "import json,sys; a=json.load(open('$d/$DOC')); b=json.load(open('$WORK/base/$DOC')); sys.exit(a!=b)"
    check "refresh: true: prepare has every race again" grep -q "^prepare: 104 races" "$WORK/torn.log"
done
for meta in meta/list_drivers.json progress/2023.json; do
    truncate -s 5 "$d/store/$meta"
    run "$BIN" "$d" --seasons 2019-2023 --stages source --refresh true >"$WORK/torn.log" 2>&1
    check "refresh: true rewrites a torn $meta" python3 -c "import json; json.load(open('$d/store/$meta'))"
done

# --- 7. a lost document is noticed -------------------------------------------------
d=$(fresh warm)
replay_log_reset
run "$BIN" "$d" --seasons 2019-2023 --stages source >"$WORK/warm.log" 2>&1
warm=$(api_requests)
check "a rerun of an untouched data-dir is cheap" test "$warm" -le 5
d=$(fresh lost)
rm "$d/store/results/2023_7.json"
run "$BIN" "$d" --seasons 2019-2023 --stages prepare >"$WORK/lost.log" 2>&1
check "prepare alone: exit 0" test $? -eq 0
check "prepare alone warns of the lost race" \
    grep -qF "::warning::prepare: season 2023 has 21 races with results in the store, 22 when source completed it" "$WORK/lost.log"
replay_log_reset
run "$BIN" "$d" --seasons 2019-2023 --stages source,prepare >"$WORK/lost.log" 2>&1
check "source,prepare: exit 0" test $? -eq 0
check "source warns and reopens the season" grep -qF "season 2023: 21 races with results stored, 22 expected" "$WORK/lost.log"
check "the lost document is refetched" test -s "$d/store/results/2023_7.json"
check_le "refetching one season costs few requests" "$(api_requests)" $((warm + 8))
check "prepare has 104 races again" grep -q "^prepare: 104 races" "$WORK/lost.log"
check "prepare no longer warns" bash -c "! grep -q 'was lost' <(grep '^::warning::prepare' '$WORK/lost.log')"
replay_log_reset
run "$BIN" "$d" --seasons 2019-2023 --stages source >"$WORK/lost.log" 2>&1
check_eq "the next run is an ordinary rerun" "$(api_requests)" "$warm"
rm "$d/store/results/2023_7.json" "$d/store/races/2023_7.json"
run "$BIN" "$d" --seasons 2019-2023 --stages source,prepare >"$WORK/lost.log" 2>&1
check "a lost race and its schedule entry are refetched too" grep -q "^prepare: 104 races" "$WORK/lost.log"
rm "$d/store/qualifying/2023_7.json"
run "$BIN" "$d" --seasons 2019-2023 --stages source >"$WORK/lost.log" 2>&1
check "a lost qualifying document: source warns" grep -qF "season 2023: 21 races with qualifying stored, 22 expected" "$WORK/lost.log"
check "a lost qualifying document is refetched" test -s "$d/store/qualifying/2023_7.json"

# --- 8, 9. inputs, derived sizes included, are checked before any work ------------
before=$(find "$WORK/base" -type f -newer "$WORK/base.log" | wc -l)
for args in "--tune grid --model bagging --tune-space n-estimators=1..1000;max-depth=0..999;max-samples=1..1000" \
    "--tune grid --tune-space model=clogit,bagging;features=v2,spec;n-estimators=1..1000;max-depth=0..999" \
    "--tune grid --model bagging --tune-space n-estimators=10,20 --tune-shard 3/3 --stages source,prepare,tune" \
    "--tune grid --tune-space l2=1,2 --tune-shard 3/3 --stages source,prepare,tune" \
    "--api-requests-per-second 1e-300" "--api-requests-per-second 0.0001" "--api-requests-per-second 5000" \
    "--api-requests-per-second nan" "--api-requests-per-hour 0" "--api-requests-per-hour 99999999" \
    "--n-estimators 0" "--n-estimators 1000000" "--max-samples 0x.8" "--max-features 1e-300" \
    "--max-depth 5000" "--seed -1" "--threads 100000" "--retention-days 365" "--tune-trials 0" \
    "--tune-validation 500" "--predict-season 1800" "--predict-round 0"; do
    replay_log_reset
    # shellcheck disable=SC2086 # each case is several words
    "$BIN" --data-dir "$WORK/base" --api-base-url "$API_URL" --seasons 2019-2023 $args >"$WORK/input.log" 2>&1
    check_eq "$args: exit 2" "$?" 2
    check_eq "$args: no request" "$(api_requests)" 0
    check "$args: an ::error:: naming the input" grep -qE "^::error::.*input '" "$WORK/input.log"
done
check_eq "rejected inputs wrote nothing" "$(find "$WORK/base" -type f -newer "$WORK/base.log" | wc -l)" "$before"

# --- 11. a tampered sweep cursor --------------------------------------------------
run "$BIN" "$WORK/early" --seasons 1950-1955 --stages source >"$WORK/early.log" 2>&1
check "1950-1955 sourced" test $? -eq 0
run "$BIN" "$WORK/whole" --seasons 1950-1960 --stages source,prepare >"$WORK/whole.log" 2>&1
want=$(grep -o '^prepare: [0-9]* races, [0-9]* rows' "$WORK/whole.log")
check "1950-1960 from scratch" test -n "$want"
total=$(curl -fsS "$API_URL/results.json?limit=1" | python3 -c "import json,sys; print(json.load(sys.stdin)['MRData']['total'])")
for offset in "$total" "$((total + 500))" '"abc"' null -5 1.5 '"-9223372036854775808"'; do
    rm -rf "$WORK/tamper"
    cp -r "$WORK/early" "$WORK/tamper"
    printf '{"name":"results_sweep","offset":%s,"total":%s,"first":1950,"last":1960,"finished":false}' \
        "$offset" "$total" >"$WORK/tamper/store/meta/results_sweep.json"
    replay_log_reset
    run "$BIN" "$WORK/tamper" --seasons 1950-1960 --stages source,prepare >"$WORK/tamper.log" 2>&1
    check "offset $offset: exit 0" test $? -eq 0
    check "offset $offset: a warning and a fresh sweep" \
        grep -qE "^::warning::meta document 'results_sweep': .*starting a fresh sweep" "$WORK/tamper.log"
    check_eq "offset $offset: no negative offset requested" "$(grep -c 'offset=-' "$REPLAY_LOG")" 0
    check_eq "offset $offset: prepare has every season" "$(grep -o '^prepare: [0-9]* races, [0-9]* rows' "$WORK/tamper.log")" "$want"
done
# the qualifying sweep's cursor, the same way
qtotal=$(curl -fsS "$API_URL/qualifying.json?limit=1" | python3 -c "import json,sys; print(json.load(sys.stdin)['MRData']['total'])")
for offset in "$((qtotal + 1))" '"abc"' null; do
    rm -rf "$WORK/tamper"
    cp -r "$WORK/early" "$WORK/tamper"
    printf '{"name":"qualifying_sweep","offset":%s,"total":%s,"first":1950,"last":1960,"finished":false}' \
        "$offset" "$qtotal" >"$WORK/tamper/store/meta/qualifying_sweep.json"
    replay_log_reset
    run "$BIN" "$WORK/tamper" --seasons 1950-1960 --stages source >"$WORK/tamper.log" 2>&1
    check "qualifying offset $offset: exit 0" test $? -eq 0
    check "qualifying offset $offset: a warning and a fresh sweep" \
        grep -qE "^::warning::meta document 'qualifying_sweep': .*starting a fresh sweep" "$WORK/tamper.log"
    check_eq "qualifying offset $offset: no negative offset requested" "$(grep -c 'offset=-' "$REPLAY_LOG")" 0
done

finish
