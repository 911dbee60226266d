#!/usr/bin/env bash
# The tune and tune-merge stages on seasons 2000-2012 of the bundled data:
# grid and random search (counts, bounds, metrics.json), a malformed space,
# the test season never used to choose (its results reversed: same choice;
# a validation season's reversed: other scores), 1, 2 and 4 shards (files)
# and 2 shards through MongoDB choosing what one run chooses with a
# byte-identical model, a missing shard, and tuning per backtest season;
# then a mixed space (model, features, l2, train-from with bagging keys):
# its count, a malformed key, a clogit score equal to train + evaluate's
# on that validation season, the choice reaching features, train (model.json)
# and each backtest season, and shards (files, MongoDB) choosing the same.
. "$(dirname "$0")/lib.sh"
FAST=(--api-requests-per-second 1000 --api-requests-per-hour 1000000)
SPACE="n-estimators=5,20;max-samples=10,50;max-depth=0,3"
# the bagging runs: the space lists only bagging keys
ORIGINAL=(--model bagging --features spec)
TUNE=(--seasons 2000-2012 --tune grid --tune-space "$SPACE" --tune-validation 3 --threads 2 "${ORIGINAL[@]}")

# j FILE EXPR: a Python expression over the JSON file's contents `d`.
j() { python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2"; }
fresh() { rm -rf "${WORK:?}/${1:?}"; cp -r "$WORK/base" "$WORK/$1"; }
run() { # dir, args...
    local dir=$1; shift
    "$BIN" --data-dir "$WORK/$dir" "${TUNE[@]}" "$@" >"$WORK/$dir.log" 2>&1
}
# reverse SEASON DIR: every race of SEASON in DIR's prepared.csv finishes in
# reverse order (the winner last, the last car first).
reverse() {
    python3 - "$WORK/$2/prepared.csv" "$1" <<'EOF'
import csv, sys
path, season = sys.argv[1], sys.argv[2]
rows = list(csv.reader(open(path, newline="")))
head = rows[0]
pos = head.index("position")
races = {}
for r in rows[1:]:
    if r[0] == season:
        races.setdefault(r[1], []).append(r)
for rs in races.values():
    n = len(rs)
    for r in rs:
        r[pos] = str(n + 1 - int(r[pos]))
csv.writer(open(path, "w", newline=""), lineterminator="\n").writerows(rows)
EOF
}

start_replay
"$BIN" --stages source,prepare --seasons 2000-2012 --data-dir "$WORK/base" --wikipedia false \
    --api-base-url "$API_URL" "${FAST[@]}" >"$WORK/base.log" 2>&1
check "source and prepare 2000-2012" test $? -eq 0
stop_replay

# --- one grid search, then train and evaluate ---------------------------------
fresh single
run single --stages features,tune,train,evaluate
check "grid tune, train, evaluate exit 0" test $? -eq 0
T=$WORK/single/tune.json M=$WORK/single/metrics.json
check_eq "grid: 8 configurations" "$(j "$T" 'len(d["configurations"])')" 8
check_eq "grid: every combination once" \
    "$(j "$T" 'len({json.dumps(c["parameters"], sort_keys=True) for c in d["configurations"]})')" 8
check_eq "grid: 3 validation seasons before 2012" "$(j "$T" 'd["chosen"][0]["validation_seasons"]')" "[2009, 2011]"
check_eq "model.json has the chosen parameters" "$(j "$WORK/single/model.json" 'd["parameters"]')" \
    "$(j "$T" 'd["chosen"][0]["parameters"]')"
check_eq "metrics.json records the chosen parameters" "$(j "$M" 'd["tune"]["chosen"]["parameters"] == d["parameters"]')" True
check_eq "metrics.json: timings of every stage before evaluate, tune included, in run order" \
    "$(j "$M" 'list(d["timings"])')" "['tune', 'features', 'train']"
check_eq "metrics.json: a validation score per configuration" "$(j "$M" 'len(d["tune"]["configurations"])')" 8
check_eq "metrics.json: the chosen one has the best validation score" \
    "$(j "$M" 'd["tune"]["chosen"]["validation_score"] == max(c["validation_score"] for c in d["tune"]["configurations"])')" True
check_eq "metrics.json: the test score is the model's" \
    "$(j "$M" 'd["tune"]["chosen"]["test_expected_precision"] == d["model"]["expected_precision"]')" True
check "the log gives configurations per second" grep -qE 'tune: scored 8 configurations x 3 validation seasons in [0-9.]+ s: [0-9.]+ configurations/s' "$WORK/single.log"
check_eq "the n-estimators input fills no searched parameter" "$(j "$T" 'sorted({c["parameters"]["n-estimators"] for c in d["configurations"]})')" "[5, 20]"

rm -rf "$WORK/stale"
cp -r "$WORK/single" "$WORK/stale"
"$BIN" --data-dir "$WORK/stale" --seasons 2000-2012 --stages train "${ORIGINAL[@]}" >/dev/null 2>&1
run stale --stages evaluate
check_eq "a model trained without the tuned parameters: evaluate exits 5" "$?" 5
check "... saying so" grep -q "model.json was not trained with the parameters tune.json chose" "$WORK/stale.log"

# --- random search --------------------------------------------------------------
fresh rnd
run rnd --stages tune --tune random --tune-trials 3 --tune-space "n-estimators=2..40;max-depth=0..6;max-samples=10,20,0.1"
check "random tune exits 0" test $? -eq 0
check_eq "random: 3 configurations" "$(j "$WORK/rnd/tune.json" 'len(d["configurations"])')" 3
check_eq "random: within the space's bounds" "$(j "$WORK/rnd/tune.json" 'all(2 <= c["parameters"]["n-estimators"] <= 40 and 0 <= c["parameters"]["max-depth"] <= 6 and float(c["parameters"]["max-samples"]) in (10, 20, 0.1) for c in d["configurations"])')" True

# --- a malformed space ---------------------------------------------------------
"$BIN" --data-dir "$WORK/bad" --stages tune --tune grid --tune-space "n-estimators=5;depth=3" >"$WORK/bad.log" 2>&1
check_eq "malformed space: exit 2 (bad input)" "$?" 2
check "malformed space: the message names the input and the entry" grep -q "input 'tune-space': unknown parameter 'depth'" "$WORK/bad.log"
"$BIN" --data-dir "$WORK/bad" --stages tune,train --tune off >"$WORK/bad2.log" 2>&1
check_eq "stage tune with tune off: exit 2" "$?" 2

# --- the test season never chooses ------------------------------------------------
fresh alt
reverse 2012 alt
run alt --stages tune
check "tune on reversed 2012 exits 0" test $? -eq 0
check "the data really differ" test "$(j "$T" 'd["data_sha256"]')" != "$(j "$WORK/alt/tune.json" 'd["data_sha256"]')"
check_eq "test season reversed: same choice" "$(j "$WORK/alt/tune.json" 'd["chosen"]')" "$(j "$T" 'd["chosen"]')"
check_eq "test season reversed: same validation scores" \
    "$(j "$WORK/alt/tune.json" 'd["configurations"]')" "$(j "$T" 'd["configurations"]')"
fresh val
reverse 2011 val
run val --stages tune
check "validation season reversed: other scores" test \
    "$(j "$WORK/val/tune.json" '[c["expected_precision"][-1] for c in d["configurations"]]')" != \
    "$(j "$T" '[c["expected_precision"][-1] for c in d["configurations"]]')"

# --- shards: 1, 2 and 4, each shard in its own data-dir ------------------------------
for n in 1 2 4; do
    fresh "merge$n"
    for i in $(seq 1 "$n"); do
        fresh "shard$n-$i"
        run "shard$n-$i" --stages tune --tune-shard "$i/$n"
        check "shard $i/$n exits 0" test $? -eq 0
        check "shard $i/$n writes no tune.json" test ! -e "$WORK/shard$n-$i/tune.json"
        cp "$WORK/shard$n-$i/tune-shard-$i-of-$n.json" "$WORK/merge$n/"
    done
    run "merge$n" --stages features,tune-merge,train
    check "merge of $n exits 0" test $? -eq 0
    check_eq "$n shards: the same choice as one run" "$(j "$WORK/merge$n/tune.json" 'd["chosen"]')" "$(j "$T" 'd["chosen"]')"
    check_eq "$n shards: the same scores" "$(j "$WORK/merge$n/tune.json" 'd["configurations"]')" "$(j "$T" 'd["configurations"]')"
    check "$n shards: a byte-identical model" cmp "$WORK/merge$n/model.json" "$WORK/single/model.json"
done
check_eq "4 shards split the 8 configurations 2 by 2" \
    "$(j "$WORK/shard4-3/tune-shard-3-of-4.json" '[d["from"], d["to"]]')" "[4, 6]"
run merge4 --stages tune,train --tune-shard 1/2
check_eq "a shard job cannot train: exit 2" "$?" 2

rm "$WORK/merge4/tune-shard-3-of-4.json" "$WORK/merge4/tune.json"
run merge4 --stages tune-merge
check_eq "a missing shard: exit 5 (data)" "$?" 5
check "a missing shard is named" grep -q "missing shard 3/4 of this search" "$WORK/merge4.log"
check "no tune.json without every shard" test ! -e "$WORK/merge4/tune.json"
cp "$WORK/shard2-1/tune-shard-1-of-2.json" "$WORK/merge4/"
run merge4 --stages tune-merge --tune-space "n-estimators=5,20;max-samples=10,50"
check_eq "shards of another search are not merged: exit 5" "$?" 5
check "... and the message says so" grep -q "no shard scores of this search" "$WORK/merge4.log"

# --- shards through MongoDB ---------------------------------------------------------------
if start_ferretdb; then
    for i in 1 2; do
        fresh "mshard$i"
        run "mshard$i" --stages tune --tune-shard "$i/2" --mongodb-uri "$MONGO_URI" --mongodb-database tunetest
        check "MongoDB shard $i/2 exits 0" test $? -eq 0
        check "MongoDB shard $i/2 leaves no file" test ! -e "$WORK/mshard$i/tune-shard-$i-of-2.json"
    done
    fresh mmerge
    run mmerge --stages features,tune-merge,train --mongodb-uri "$MONGO_URI" --mongodb-database tunetest
    check "MongoDB merge exits 0" test $? -eq 0
    check_eq "MongoDB shards: the same choice" "$(j "$WORK/mmerge/tune.json" 'd["chosen"]')" "$(j "$T" 'd["chosen"]')"
    check "MongoDB shards: a byte-identical model" cmp "$WORK/mmerge/model.json" "$WORK/single/model.json"
else
    check "FerretDB starts" false
fi

# --- tuning inside each backtest season -------------------------------------------------------
fresh bt
run bt --stages features,tune,train,evaluate --backtest 2011-2012
check "backtest with tune exits 0" test $? -eq 0
check_eq "a choice per backtest season" "$(j "$WORK/bt/tune.json" '[(c["test_season"], c["validation_seasons"]) for c in d["chosen"]]')" \
    "[(2011, [2008, 2010]), (2012, [2009, 2011])]"
check_eq "metrics.json lists them" "$(j "$WORK/bt/metrics.json" '[b["season"] for b in d["tune"]["backtest"]]')" "[2011, 2012]"
# 2011 scored with the parameters chosen for 2011, as a plain backtest with them scores it.
P2011=$(j "$WORK/bt/tune.json" '" ".join("--%s %s" % (k, str(v).lower()) for k, v in d["chosen"][0]["parameters"].items())')
fresh plain
# shellcheck disable=SC2086
"$BIN" --data-dir "$WORK/plain" --seasons 2000-2012 --backtest 2011-2012 --stages features,train,evaluate $P2011 "${ORIGINAL[@]}" >"$WORK/plain.log" 2>&1
check "plain backtest with 2011's parameters exits 0" test $? -eq 0
check_eq "backtest season 2011 used the parameters tuned for it" \
    "$(j "$WORK/bt/metrics.json" 'd["backtest"]["seasons"][0]')" "$(j "$WORK/plain/metrics.json" 'd["backtest"]["seasons"][0]')"

# --- a mixed space: learners, feature sets, l2 and train-from together -------------------------
MIX="model=clogit,bagging; features=v2,spec; l2=5,50; train-from=2000,2003; n-estimators=5,20; max-depth=0,3"
MIXED=(--seasons 2000-2012 --tune grid --tune-space "$MIX" --tune-validation 3 --threads 2)
mrun() { # dir, args...
    local dir=$1; shift
    "$BIN" --data-dir "$WORK/$dir" "${MIXED[@]}" "$@" >"$WORK/$dir.log" 2>&1
}
fresh mixed
mrun mixed --stages tune,features,train,evaluate
check "mixed tune, features, train, evaluate exit 0" test $? -eq 0
X=$WORK/mixed/tune.json
check_eq "mixed: 2 sets x 2 train-from x (2 logits + 4 baggings) = 24 configurations" \
    "$(j "$X" 'len(d["configurations"])')" 24
check_eq "mixed: 24 distinct models" \
    "$(j "$X" 'len({json.dumps([c["learner"], c["feature_set"], c["train_from"], c["parameters"]], sort_keys=True) for c in d["configurations"]})')" 24
check_eq "mixed: a logit's parameters are its own (l2, no trees)" \
    "$(j "$X" 'sorted({tuple(sorted(c["parameters"])) for c in d["configurations"] if c["learner"] == "clogit"})')" \
    "[('l2', 'seed')]"
check_eq "mixed: tune.json format version 2" "$(j "$X" 'd["format_version"]')" 2
check_eq "model.json: the chosen learner, feature set, parameters and first training season" \
    "$(j "$WORK/mixed/model.json" '[d.get("learner", "bagging"), d.get("feature_set", "spec"), d["parameters"], d["train_seasons"][0]]')" \
    "$(j "$X" '[d["chosen"][0][k] for k in ("learner", "feature_set", "parameters", "train_from")]')"
check_eq "features.csv is the chosen set" \
    "$(python3 -c 'import sys; print("v2" if "log_grid" in open(sys.argv[1]).readline() else "spec")' "$WORK/mixed/features.csv")" \
    "$(j "$X" 'd["chosen"][0]["feature_set"]')"
check_eq "metrics.json: chosen as trained" "$(j "$WORK/mixed/metrics.json" 'd["tune"]["chosen"]["learner"] == d["learner"]')" True
"$BIN" --data-dir "$WORK/bad" --stages tune --tune grid --tune-space "model=clogit;features=v3" >"$WORK/bad4.log" 2>&1
check_eq "a malformed mixed key: exit 2" "$?" 2
check "... naming tune-space and what it expects" grep -q "input 'tune-space': features: invalid value 'v3' (expected v2 or spec)" "$WORK/bad4.log"

# A logit's tuned score on validation season 2011 is what train + evaluate
# give that configuration with test season 2011, to the bit.
for k in 0 7 12 19; do
    read -r L F T2 P2 < <(j "$X" '" ".join(str(v) for v in [d["configurations"]['"$k"'][x] for x in ("learner", "feature_set", "train_from")] + [d["configurations"]['"$k"']["parameters"]["l2"]])')
    fresh "direct$k"
    "$BIN" --data-dir "$WORK/direct$k" --seasons 2000-2012 --test-season 2011 --stages features,train,evaluate \
        --model "$L" --features "$F" --train-from "$T2" --l2 "$P2" >"$WORK/direct$k.log" 2>&1
    check "configuration $k ($L, $F, from $T2, l2 $P2): train + evaluate on 2011 exit 0" test $? -eq 0
    check_eq "configuration $k: the tuned score on 2011 is evaluate's, bit for bit" \
        "$(j "$X" 'repr(d["configurations"]['"$k"']["expected_precision"][-1])')" \
        "$(j "$WORK/direct$k/metrics.json" 'repr(d["model"]["expected_precision"])')"
done

# A logit-only space: the chosen l2 is the one train fits (model.json).
fresh logit
"$BIN" --data-dir "$WORK/logit" --seasons 2000-2012 --tune grid --tune-space "l2=0.5,15,1000;n-estimators=5,20" \
    --tune-validation 3 --stages tune,features,train,evaluate >"$WORK/logit.log" 2>&1
check "logit-only tune exits 0" test $? -eq 0
check_eq "logit-only: 3 configurations (n-estimators is not a logit's)" \
    "$(j "$WORK/logit/tune.json" 'len(d["configurations"])')" 3
check "... and the log says the bagging lists are not searched" \
    grep -q "tune-space lists bagging parameters, but no configuration is bagging" "$WORK/logit.log"
check_eq "model.json records the chosen l2" "$(j "$WORK/logit/model.json" 'd["parameters"]["l2"]')" \
    "$(j "$WORK/logit/tune.json" 'd["chosen"][0]["parameters"]["l2"]')"
check_eq "... a logit" "$(j "$WORK/logit/model.json" 'd["learner"]')" clogit

# Shards of the mixed space: files and MongoDB choose as one run.
fresh mmerge-files
for i in 1 2; do
    fresh "mx$i"
    mrun "mx$i" --stages tune --tune-shard "$i/2"
    check "mixed shard $i/2 exits 0" test $? -eq 0
    cp "$WORK/mx$i/tune-shard-$i-of-2.json" "$WORK/mmerge-files/"
done
mrun mmerge-files --stages tune-merge,features,train
check "mixed merge of 2 files exits 0" test $? -eq 0
check_eq "mixed shards: the same choice as one run" "$(j "$WORK/mmerge-files/tune.json" 'd["chosen"]')" "$(j "$X" 'd["chosen"]')"
check_eq "mixed shards: the same scores" "$(j "$WORK/mmerge-files/tune.json" 'd["configurations"]')" "$(j "$X" 'd["configurations"]')"
check "mixed shards: a byte-identical model" cmp "$WORK/mmerge-files/model.json" "$WORK/mixed/model.json"
if start_ferretdb; then
    for i in 1 2; do
        fresh "mmx$i"
        mrun "mmx$i" --stages tune --tune-shard "$i/2" --mongodb-uri "$MONGO_URI" --mongodb-database tunemixed
        check "mixed MongoDB shard $i/2 exits 0" test $? -eq 0
    done
    fresh mmerge-mongo
    mrun mmerge-mongo --stages tune-merge,features,train --mongodb-uri "$MONGO_URI" --mongodb-database tunemixed
    check "mixed MongoDB merge exits 0" test $? -eq 0
    check_eq "mixed MongoDB shards: the same choice" "$(j "$WORK/mmerge-mongo/tune.json" 'd["chosen"]')" "$(j "$X" 'd["chosen"]')"
    check "mixed MongoDB shards: a byte-identical model" cmp "$WORK/mmerge-mongo/model.json" "$WORK/mixed/model.json"
else
    check "FerretDB starts" false
fi

# Backtest with a mixed space: each season trained as tuned for it.
fresh mbt
mrun mbt --stages tune,features,train,evaluate --backtest 2011-2012
check "mixed backtest exits 0" test $? -eq 0
FLAGS=$(j "$WORK/mbt/tune.json" '" ".join(["--model", d["chosen"][0]["learner"], "--features", d["chosen"][0]["feature_set"], "--train-from", str(d["chosen"][0]["train_from"])] + ["--%s %s" % (k, str(v).lower()) for k, v in d["chosen"][0]["parameters"].items()])')
fresh mplain
# shellcheck disable=SC2086
"$BIN" --data-dir "$WORK/mplain" --seasons 2000-2012 --backtest 2011-2012 --stages features,train,evaluate $FLAGS >"$WORK/mplain.log" 2>&1
check "plain backtest with 2011's choice ($FLAGS) exits 0" test $? -eq 0
check_eq "mixed backtest season 2011 used the configuration tuned for it" \
    "$(j "$WORK/mbt/metrics.json" 'd["backtest"]["seasons"][0]')" "$(j "$WORK/mplain/metrics.json" 'd["backtest"]["seasons"][0]')"

# --- under memcheck: no errors, nothing lost (also on the failure path) -----------------------
vg() { valgrind --leak-check=full --errors-for-leak-kinds=definite,indirect --error-exitcode=99 -q "$@"; }
fresh vg
vg "$BIN" --data-dir "$WORK/vg" "${TUNE[@]}" --stages features,tune,train,evaluate --backtest 2011-2012 >"$WORK/vg.log" 2>&1
check_eq "tune, train, evaluate with backtest under memcheck: exit 0" "$?" 0
vg "$BIN" --data-dir "$WORK/vg" "${TUNE[@]}" --stages tune --tune-shard 1/2 >"$WORK/vg1.log" 2>&1
check_eq "a shard under memcheck: exit 0" "$?" 0
vg "$BIN" --data-dir "$WORK/vg" "${TUNE[@]}" --stages tune-merge >"$WORK/vg2.log" 2>&1
check_eq "a merge missing a shard under memcheck: exit 5" "$?" 5
vg "$BIN" --data-dir "$WORK/vg" "${TUNE[@]}" --stages tune --tune-shard 2/2 >"$WORK/vg3.log" 2>&1
vg "$BIN" --data-dir "$WORK/vg" "${TUNE[@]}" --stages tune-merge >"$WORK/vg4.log" 2>&1
check_eq "a merge under memcheck: exit 0" "$?" 0

finish
