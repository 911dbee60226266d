#!/usr/bin/env bash
# Builds the seed corpora of the fuzz harnesses from tests/data, into
# OUT/<harness>/ (default build-fuzz/seeds); a harness whose seed dir
# exists is left alone (delete it to rebuild).  Needs build/f1-mlops: the
# pipeline runs once against the replay server to make a prepared.csv,
# features.csv and model.json, and the replay server's API pages and
# articles (weather texts of tests/data in infobox HTML) become seeds too.
#   ergast     tests/data/ergast-json fixtures (< 64 KB) + replayed API pages
#   wikipedia  replayed English/Italian articles, tests/unit/wiki-html,
#              weather_expected.tsv texts wrapped in minimal infoboxes
#   csv        heads of tests/data/ergast-csv/*.csv, prepared.csv, features.csv
#   model      model.json of three small trainings
#   config     command lines of the README's kind, one argument per line
#   clogit_json  hand-written conditional-logit objects (ml/clogit.h)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=${1:-$ROOT/build-fuzz/seeds}
mkdir -p "$OUT"
todo=()
for h in ergast wikipedia csv model config clogit_json; do
    [ -d "$OUT/$h" ] || todo+=("$h")
done
[ "${#todo[@]}" -eq 0 ] && exit 0

# shellcheck source=../tests/integration/lib.sh
. "$ROOT/tests/integration/lib.sh"
NEW="$WORK/seeds"
mkdir -p "$NEW"/{ergast,wikipedia,csv,model,config,clogit_json}
start_replay >/dev/null

# --- ergast -------------------------------------------------------------
find "$ROOT/tests/data/ergast-json" -type f -name '*.json*' -size -64k | while read -r f; do
    cp "$f" "$NEW/ergast/$(basename "$f" | tr -c 'A-Za-z0-9._@\n-' _)"
done
for q in seasons.json circuits.json drivers.json constructors.json 2021/races.json \
    2021/results.json 2021/qualifying.json 2021/5/results.json; do
    curl -fsS "$API_URL/$q?limit=3&offset=1" -o "$NEW/ergast/replay-$(echo "$q" | tr / @)"
done

# --- wikipedia ----------------------------------------------------------
cp "$ROOT"/tests/unit/wiki-html/*.html "$NEW/wikipedia/" 2>/dev/null || true
n=0
python3 -c '
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
for r in rows[::150]:
    print(r["url"].split("/wiki/", 1)[1])' "$ROOT/tests/data/ergast-csv/races.csv" | while read -r title; do
    n=$((n + 1))
    curl -fsS "$WIKI_URL/wiki/$title" -o "$NEW/wikipedia/en-$n.html" || true
    curl -fsS "$WIKI_URL/wiki/Gran_Premio_$title" -o "$NEW/wikipedia/it-$n.html" || true
done
cut -f1 "$ROOT/tests/data/weather_expected.tsv" | grep . | sort -u | awk 'NR % 25 == 1' | head -n 30 |
    while IFS= read -r text; do
        n=$((n + 1))
        printf '<table class="infobox"><tr><th scope="row">Weather</th><td>%s</td></tr></table>\n' \
            "$text" >"$NEW/wikipedia/text-$n.html"
    done

# --- the pipeline's own files: csv and model seeds ------------------------
run_pipeline() { # dir, extra args...
    local dir=$1; shift
    "$BIN" --seasons 2019-2021 --data-dir "$dir" --api-base-url "$API_URL" \
        --wikipedia-base-url "$WIKI_URL" --api-requests-per-second 1000 \
        --api-requests-per-hour 1000000 "$@" >"$dir.log" 2>&1
}
run_pipeline "$WORK/p" --stages source,prepare,features,train --n-estimators 3
run_pipeline "$WORK/p" --stages train --n-estimators 2 --max-depth 3 --max-features 0.5 --bootstrap false
cp "$WORK/p/model.json" "$NEW/model/depth3-fraction.json"
run_pipeline "$WORK/p" --stages train --n-estimators 3
cp "$WORK/p/model.json" "$NEW/model/default.json"
run_pipeline "$WORK/p" --stages train --n-estimators 1 --max-samples 1
cp "$WORK/p/model.json" "$NEW/model/single-leaf.json"
head -n 40 "$WORK/p/prepared.csv" >"$NEW/csv/prepared.csv"
head -n 40 "$WORK/p/features.csv" >"$NEW/csv/features.csv"
for f in "$ROOT"/tests/data/ergast-csv/*.csv; do
    head -n 20 "$f" >"$NEW/csv/$(basename "$f")"
done

# --- config ----------------------------------------------------------------
i=0
while IFS= read -r line; do
    i=$((i + 1))
    # shellcheck disable=SC2086 # one argument per word
    printf '%s\n' $line >"$NEW/config/argv-$i"
done <<'ARGS'
--seasons 2019-2021 --test-season 2021 --stages source,prepare,features,train,evaluate,package --n-estimators 20
--seasons=1950-latest --backtest=2015-2024 --max-samples 0.5 --max-features 1.0 --bootstrap false
--mongodb-uri mongodb://user:p%40ss@127.0.0.1:27017/f1?authSource=admin --mongodb-database f1
--api-base-url http://127.0.0.1:8080/ergast/f1/ --wikipedia-base-url http://127.0.0.1:8080 --wikipedia false
--api-requests-per-second 0.5 --api-requests-per-hour 500 --refresh true --threads 2 --seed 18446744073709551615
--artifact-name f1-model --retention-days 90 --max-depth 12 --stages all --data-dir .f1-mlops
--seasons 2024 --stages source --help
ARGS

# --- clogit_json ------------------------------------------------------------
printf '%s' '{"l2":15,"iterations":5,"races":420,"loss":812.5,"beta":[-0.439,0.3,0.1],"mean":[2.3,0.05,1],"sd":[0.8,0.218,0],"median":[2.3,0,1]}' \
    >"$NEW/clogit_json/three.json"
printf '%s' '{"l2":1e-300,"iterations":0,"races":0,"loss":0,"beta":[-0],"mean":[1e308],"sd":[4.9406564584124654e-324],"median":[-1e308]}' \
    >"$NEW/clogit_json/extremes.json"
printf '%s' '{"l2":0.1,"iterations":2147483647,"races":1,"loss":0.6931471805599453,"beta":[0.14285714285714285,1],"mean":[0,0],"sd":[1,1],"median":[0,0],"extra":null}' \
    >"$NEW/clogit_json/exact.json"

for h in "${todo[@]}"; do
    mv "$NEW/$h" "$OUT/$h"
done
finish >/dev/null
