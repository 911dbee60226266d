#!/usr/bin/env bash
# test_replay.sh: the replay server itself, checked against the Ergast CSVs, the
# real Jolpica responses in tests/data/ergast-json and weather_by_race.csv.
. "$(dirname "$0")/lib.sh"
DATA="$ROOT/tests/data"
FIX="$DATA/ergast-json/jolpica-f1-fixtures"

# jget PATH: the value at a dotted path (MRData.total, ...) of the JSON on stdin.
jget() {
    python3 -c 'import json, sys
d = json.load(sys.stdin)
for k in sys.argv[1].split("."):
    d = d[int(k)] if k.isdigit() else d[k]
print(json.dumps(d) if isinstance(d, (dict, list)) else d)' "$1"
}
api() { curl -sS "$API_URL/$1"; }
code() { curl -sS -o /dev/null -w '%{http_code}' "$1"; }
# Result rows on a page, summed over its races.
rows_on_page() { python3 -c 'import json, sys
print(sum(len(r["Results"]) for r in json.load(sys.stdin)["MRData"]["RaceTable"]["Races"]))'; }

start_ms=$(date +%s%3N)
start_replay --status-style jolpica || { finish; exit 1; }
check_le "replay starts within 5 s" $(($(date +%s%3N) - start_ms)) 5000

# --- API shape and paging ---------------------------------------------------
csv_rows=$(python3 -c 'import csv, sys; print(sum(1 for _ in csv.DictReader(open(sys.argv[1]))))' \
    "$DATA/ergast-csv/results.csv")
check_eq "/results.json total = rows of results.csv" "$(api results.json | jget MRData.total)" "$csv_rows"
check_eq "/seasons.json total" "$(api seasons.json | jget MRData.total)" 76
page=$(api 'results.json?limit=1000&offset=5')
check_eq "limit 1000 is cut to 100" "$(jget MRData.limit <<<"$page")" 100
check_eq "offset echoed as a string" "$(jget MRData.offset <<<"$page")" 5
check_eq "a page of 100 holds 100 result rows" "$(rows_on_page <<<"$page")" 100

check "2023 results pages, 9/results, drivers and qualifying match the real Jolpica answers" \
    python3 - "$API_URL" "$FIX" <<'EOF'
import json, sys, urllib.request
api, fix = sys.argv[1], sys.argv[2]
def get(path):
    return json.load(urllib.request.urlopen(api + "/" + path))["MRData"]
def fixture(name):
    return json.load(open(fix + "/" + name))["MRData"]
def ids(m, listname="Results"):
    return [(r["round"], x["Driver"]["driverId"]) for r in m["RaceTable"]["Races"] for x in r[listname]]

# A 30-row page of 2023 ends inside round 2, as on Jolpica; the next page carries on.
ours, real = get("2023/results.json"), fixture("results/2023@results.json")
assert {k: ours[k] for k in ("xmlns", "series", "limit", "offset", "total")} == \
       {k: real[k] for k in ("xmlns", "series", "limit", "offset", "total")}, ours["total"]
assert ids(ours) == ids(real)
nxt = get("2023/results.json?offset=30")
assert nxt["RaceTable"]["Races"][0]["round"] == ours["RaceTable"]["Races"][-1]["round"] == "2"
assert len(ours["RaceTable"]["Races"][-1]["Results"]) + len(nxt["RaceTable"]["Races"][0]["Results"]) == 20

ours, real = get("2023/9/results.json"), fixture("results/2023@9@results.json")
assert ours["RaceTable"]["season"] == "2023" and ours["RaceTable"]["round"] == "9"
race, real_race = ours["RaceTable"]["Races"][0], real["RaceTable"]["Races"][0]
for k in ("season", "round", "url", "raceName", "date", "time"):
    assert race[k] == real_race[k], k
assert race["Circuit"]["circuitId"] == real_race["Circuit"]["circuitId"]
assert ids(ours) == ids(real)
for a, b in zip(race["Results"], real_race["Results"]):
    for k in ("number", "position", "positionText", "points", "laps", "status"):
        assert a[k] == b[k], (k, a[k], b[k])
    # Ergast's CSV writes 0 for a pit-lane start where Jolpica gives the slot.
    assert a["grid"] == b["grid"] or a["grid"] == "0", a["grid"]
    assert a["Driver"].keys() == b["Driver"].keys() and a["Constructor"]["constructorId"] == b["Constructor"]["constructorId"]
    assert a.get("FastestLap", {}).get("AverageSpeed") == b.get("FastestLap", {}).get("AverageSpeed")

ours, real = get("2023/drivers.json"), fixture("drivers/2023@drivers.json")
assert ours["total"] == real["total"]
assert [d["driverId"] for d in ours["DriverTable"]["Drivers"]] == [d["driverId"] for d in real["DriverTable"]["Drivers"]]
ours, real = get("2023/13/qualifying.json"), fixture("qualifying/2023@13@qualifying.json")
assert ids(ours, "QualifyingResults") == ids(real, "QualifyingResults")
strip = lambda m: [{k: v for k, v in q.items() if k.startswith("Q")} for q in m["RaceTable"]["Races"][0]["QualifyingResults"]]
assert strip(ours) == strip(real)
for name, table in (("seasons/2023@seasons.json", "SeasonTable"), ("circuits/2023@circuits.json", "CircuitTable"),
                    ("constructors/2023@constructors.json", "ConstructorTable"), ("races/2023.json", "RaceTable")):
    path = name.split("/")[1].replace("@", "/")
    ours, real = get(path), fixture(name)
    assert ours["total"] == real["total"], name
    listname = [k for k in real[table] if isinstance(real[table][k], list)][0]
    assert [sorted(x) for x in ours[table][listname]] == [sorted(x) for x in real[table][listname]], name
EOF

check "qualifying: /qualifying.json pages by row to total, /2023/qualifying.json as on Jolpica" \
    python3 - "$API_URL" "$FIX" "$DATA/ergast-csv" <<'EOF'
import csv, json, sys, urllib.request
api, fix, csv_dir = sys.argv[1:4]
def get(path):
    return json.load(urllib.request.urlopen(api + "/" + path))["MRData"]
rows = lambda m: [(r["season"], r["round"], q["position"], q["Driver"]["driverId"])
                  for r in m["RaceTable"]["Races"] for q in r["QualifyingResults"]]
year = {r["raceId"]: r["year"] for r in csv.DictReader(open(csv_dir + "/races.csv"))}
quali = list(csv.DictReader(open(csv_dir + "/qualifying.csv")))
first = get("qualifying.json?limit=100")
assert first["total"] == str(len(quali)) and first["limit"] == "100", first["total"]
assert first["RaceTable"] == {"Races": first["RaceTable"]["Races"]}  # unfiltered: no season attribute
seen, offset, pages = [], 0, 0
while offset < int(first["total"]):
    page = get("qualifying.json?limit=100&offset=%d" % offset)
    got = rows(page)
    assert len(got) == min(100, len(quali) - offset), (offset, len(got))
    # a race split across two pages appears on both, each with its share of rows
    if seen and got and seen[-1][:2] == got[0][:2]:
        pages += 1
    seen += got
    offset += len(got)
assert len(seen) == len(set(seen)) == len(quali) and pages > 0, (len(seen), pages)
assert sorted(set(s for s, _, _, _ in seen)) == sorted(set(year[q["raceId"]] for q in quali))
ours, real = get("2023/qualifying.json"), json.load(open(fix + "/qualifying/2023@qualifying.json"))["MRData"]
for k in ("xmlns", "series", "limit", "offset", "total"):
    assert ours[k] == real[k], (k, ours[k], real[k])
# Jolpica's season listing orders a race's rows its own way (round 2's page
# share is positions 1-8, 11, 15); the replay lists by position.  The shape is
# the same: the 30 rows split over the same races, race fields and row fields.
per_race = lambda m: [(r["round"], len(r["QualifyingResults"])) for r in m["RaceTable"]["Races"]]
assert ours["RaceTable"]["season"] == "2023" and per_race(ours) == per_race(real), per_race(ours)
assert rows(ours)[:20] == rows(real)[:20]
for a, b in zip(ours["RaceTable"]["Races"], real["RaceTable"]["Races"]):
    assert sorted(k for k in a if k != "QualifyingResults") == sorted(k for k in b if k != "QualifyingResults")
    assert [sorted(q) for q in a["QualifyingResults"]][:8] == [sorted(q) for q in b["QualifyingResults"]][:8]
    assert [{k: v for k, v in q.items() if k[0] == "Q" or k in ("number", "position")} for q in a["QualifyingResults"]][:8] == \
           [{k: v for k, v in q.items() if k[0] == "Q" or k in ("number", "position")} for q in b["QualifyingResults"]][:8]
one = get("2023/13/qualifying.json")
assert one["RaceTable"]["round"] == "13" and len(one["RaceTable"]["Races"]) == 1
EOF

check_eq "non-integer limit is 400" "$(code "$API_URL/results.json?limit=abc")" 400
check "a 400 says why in detail" sh -c "curl -s '$API_URL/results.json?offset=x' | grep -q '\"detail\"'"
check_eq "unknown route is 404" "$(code "$API_URL/nosuch.json")" 404
check_eq "404 body" "$(api nosuch.json)" '{"detail":"Not found."}'
check_eq "empty query is 200" "$(code "$API_URL/2023/99/results.json")" 200
check_eq "empty query total" "$(api 2023/99/results.json | jget MRData.total)" 0
check "gzip when asked" sh -c "curl -sS -D - -o /dev/null -H 'Accept-Encoding: gzip' '$API_URL/2023.json' | grep -qi '^content-encoding: gzip'"
check_eq "gzip body decodes" "$(curl -sS --compressed "$API_URL/2023.json" | jget MRData.total)" 22

# --- faults ------------------------------------------------------------------
replay_control rate_per_second=2
codes=""
for _ in 1 2 3 4 5; do codes="$codes $(code "$API_URL/seasons.json")"; done
check "429 once over 2 requests a second ($codes)" grep -q 429 <<<"$codes"
check "Retry-After: 1 on 429" sh -c "curl -sS -D - -o /dev/null '$API_URL/seasons.json' | tr -d '\r' | grep -qx 'Retry-After: 1'"
replay_control rate_per_second=0 fail_500=3
check_eq "every 3rd request is 500" "$(code "$API_URL/2023.json") $(code "$API_URL/2023.json") $(code "$API_URL/2023.json")" "200 200 500"
replay_control fail_500=0 truncate=1
curl -sS -o /dev/null "$API_URL/2023.json" 2>/dev/null
check_eq "truncated body: curl sees a partial transfer" $? 18
replay_control truncate=0 slow_ms=400
check "slow_ms delays" python3 -c "import sys, time, urllib.request as u
t = time.time(); u.urlopen(sys.argv[1]).read(); sys.exit(time.time() - t < 0.4)" "$API_URL/seasons.json"
replay_control slow_ms=0
replay_control no_such_knob=1 2>/dev/null
check_eq "replay_control fails on an unknown key" $? 22

next_real=$(jget MRData.RaceTable.Races.0.season <"$FIX/races/2023@next.json")/$(jget MRData.RaceTable.round <"$FIX/races/2023@next.json")
check_eq "/2023/next.json as on Ergast" "$(api 2023/next.json | jget MRData.RaceTable.season)/$(api 2023/next.json | jget MRData.RaceTable.round)" "$next_real"

replay_control cutoff=2023:10
check_eq "cutoff: later seasons gone" "$(api seasons.json | jget MRData.total)" 74
check_eq "cutoff: 2024 schedule empty" "$(api 2024.json | jget MRData.total)" 0
check_eq "cutoff: the whole 2023 schedule stays" "$(api 2023.json | jget MRData.total)" 22
rows_2023_10=$(python3 -c 'import csv, sys
ids = {r["raceId"] for r in csv.DictReader(open(sys.argv[1])) if r["year"] == "2023" and int(r["round"]) <= 10}
print(sum(1 for r in csv.DictReader(open(sys.argv[2])) if r["raceId"] in ids))' \
    "$DATA/ergast-csv/races.csv" "$DATA/ergast-csv/results.csv")
check_eq "cutoff: 2023 results end at round 10" "$(api 2023/results.json | jget MRData.total)" "$rows_2023_10"
check_eq "cutoff: round 11 has no results" "$(api 2023/11/results.json | jget MRData.total)" 0
check_eq "cutoff: current/next" "$(api current/next.json | jget MRData.RaceTable.Races.0.round)" 11
check_eq "cutoff: current/last" "$(api current/last/results.json | jget MRData.RaceTable.round)" 10
check_eq "cutoff: round 11 has no qualifying" "$(api 2023/11/qualifying.json | jget MRData.total)" 0
replay_control qualifying_cutoff=2023:11
check_eq "qualifying_cutoff: round 11's qualifying is out" "$(api 2023/11/qualifying.json | jget MRData.total)" 20
check_eq "qualifying_cutoff: round 11 still has no results" "$(api 2023/11/results.json | jget MRData.total)" 0
check_eq "qualifying_cutoff: nor has round 12 qualifying" "$(api 2023/12/qualifying.json | jget MRData.total)" 0
replay_control qualifying_cutoff=
check_eq "qualifying_cutoff cleared" "$(api 2023/11/qualifying.json | jget MRData.total)" 0
replay_control cutoff=
check_eq "cutoff cleared" "$(api seasons.json | jget MRData.total)" 76

# --- Wikipedia ---------------------------------------------------------------
check_eq "unknown article is 404" "$(code "$WIKI_URL/wiki/No_such_race")" 404
check_eq "percent-encoded title as in races.csv" "$(code "$WIKI_URL/wiki/2025_S%C3%A3o_Paulo_Grand_Prix")" 200
python3 "$ROOT/tests/replay/replay.py" --expected-weather >"$WORK/expected.tsv"
check "every race's pages follow the weather rule" python3 - "$WIKI_URL" "$DATA" "$WORK/expected.tsv" <<'EOF'
import csv, html, re, sys, urllib.error, urllib.parse, urllib.request
wiki, data, expected = sys.argv[1:4]
def fetch(path):
    return urllib.request.urlopen(wiki + path).read().decode("utf-8")
def cell(page, label):
    m = re.search(r"<th[^>]*>%s</th><td[^>]*>(.*?)</td>" % label, page)
    if not m:
        return None
    text = html.unescape(re.sub(r"<[^>]+>", " ", m.group(1).replace("<br>", "\n")))
    return clean(text)
def clean(text):  # docs/pipeline.md §2 weather_text
    return " ".join(re.sub(r"\[[A-Za-z0-9 ]{0,12}\]", " ", text).split())
url = {(r["year"], r["round"]): r["url"] for r in csv.DictReader(open(data + "/ergast-csv/races.csv"))}
rows = {(r["season"], r["round"]): r for r in csv.DictReader(open(data + "/weather/weather_by_race.csv", newline="", encoding="utf-8"))}
lines = [l.rstrip("\n").split("\t") for l in open(expected, encoding="utf-8")]
assert len(lines) == len(rows) == 1079
assert rows["1950", "1"]["weather_jomin_2023"] == "Sunny, mild, dry."
langs = set()
for season, rnd, status, lang, raw in lines:
    raw = raw.replace("\\n", "\n").replace("\\t", "\t").replace("\\\\", "\\")
    row = rows[season, rnd]
    assert status == ("found" if lang else "missing")
    assert raw == {"en": row["weather_jomin_2023"], "it": row["weather_veronicanigro_2020"], "": ""}[lang]
    en = fetch(urllib.parse.urlsplit(url[season, rnd]).path)
    link = re.search(r'interwiki-it mw-list-item"><a href="https://it\.wikipedia\.org(/wiki/[^"]+)"', en).group(1)
    it = fetch(link)
    assert cell(en, "Weather") == (clean(raw) if lang == "en" else None), (season, rnd)
    assert cell(it, "Clima") == (clean(raw) if lang == "it" else None), (season, rnd)
    assert "Risultati" in it and "Weather" not in it
    langs.add(lang)
assert langs == {"en", "it", ""}
# Races after the scraped data have pages without weather.
en = fetch(urllib.parse.urlsplit(url["2024", "1"]).path)
assert "infobox" in en and cell(en, "Weather") is None
EOF

# --- the log -----------------------------------------------------------------
replay_log_reset
api 2023.json >/dev/null
api nosuch.json >/dev/null
curl -s -o /dev/null "$WIKI_URL/wiki/1950_British_Grand_Prix"
replay_control
check_eq "API requests counted" "$(api_requests)" 2
check_eq "API 404s counted" "$(api_requests 404)" 1
check_eq "Wikipedia requests counted" "$(wiki_requests)" 1
check "control requests logged as control" grep -q '^control 200 /_control' "$REPLAY_LOG"
stop_replay
check "stop_replay stops it" sh -c "! curl -s -o /dev/null '$API_URL/2023.json'"
finish
