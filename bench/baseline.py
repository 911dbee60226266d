#!/usr/bin/python3
"""baseline.py: the f1-mlops pipeline written the usual way, with pandas and
scikit-learn, to benchmark the C program against (bench/run.sh runs both).

Run it with Debian's /usr/bin/python3 (python3-pandas, python3-sklearn).

It does the work of our stages, stage by stage, each stage reading the
previous one's file like our separate `--stages X` runs do:
  prepare   store/results/*.json + store/weather/*.json (the embedded store
            our `source` stage wrote) -> prepared.csv
  features  prepared.csv (OURS, --prepared: the common input) -> features.csv,
            spec section 3 with groupby / shift / rolling
  train     features.csv -> model.pkl: BaggingRegressor(DecisionTreeRegressor())
            with the spec's default parameters
  evaluate  model.pkl + features.csv + prepared.csv -> metrics.json and
            predictions.csv: precision (seeded tie-break), expected_precision
            (tie-aware), top-3, pole and leader baselines
and prints one line per stage, "stage NAME SECONDS" (time.perf_counter,
imports excluded), then "peak_rss_kb N" (getrusage of this process).

--backtest A-B times instead the backtest loop our `--backtest` does:
prepare, then for each test season T in A..B features with training seasons
[first, T-1], train, evaluate; printed as "stage backtest SECONDS" plus one
"season T precision expected_precision pole leader" line each.  The window features do
not depend on T, so they are computed once (cheaper than our loop, which
rebuilds them per season: the comparison favours the baseline).

--check DIR compares, untimed and after the timings, this script's
prepared.csv and features.csv with the ones in DIR (ours) and prints
"check prepared|features ..." lines: evidence that both do the same work.
"""

import argparse
import glob
import json
import os
import pickle
import re
import resource
import sys
import time

import numpy as np
import pandas as pd
import sklearn
from sklearn.ensemble import BaggingRegressor
from sklearn.tree import DecisionTreeRegressor

# ---------------------------------------------------------------------------
# Spec section 2: weather
# ---------------------------------------------------------------------------

FOOTNOTE_RE = re.compile(r"\[[A-Za-z0-9 ]{0,12}\]")
SPACE_RE = re.compile(r"\s+")
WORD_RE = re.compile(r"[^\W\d_]+")
WEATHER_WORDS = [
    ("hot", {"hot"}),
    ("warm", {"soleggiato", "clear", "warm", "sunny", "fine", "mild", "sereno"}),
    ("cold", {"cold", "fresh", "chilly", "cool"}),
    ("dry", {"dry", "asciutto"}),
    ("wet", {"showers", "wet", "rain", "pioggia", "damp", "thunderstorms", "rainy", "drizzly"}),
    ("cloudy", {"overcast", "nuvoloso", "clouds", "cloudy", "grey", "coperto"}),
]
WEATHER_COLUMNS = [c for c, _ in WEATHER_WORDS]


def weather_clean(text):
    return SPACE_RE.sub(" ", FOOTNOTE_RE.sub(" ", text)).strip()


def weather_category(text):
    words = set(WORD_RE.findall(text.lower()))
    for category, keys in WEATHER_WORDS:
        if words & keys:
            return category
    return "unknown"


# ---------------------------------------------------------------------------
# Spec section 3: home countries
# ---------------------------------------------------------------------------

HOMES = {
    "American": ["USA"], "American-Italian": ["USA", "Italy"], "Argentine": ["Argentina"],
    "Argentinian": ["Argentina"], "Argentine-Italian": ["Argentina", "Italy"],
    "Australian": ["Australia"], "Austrian": ["Austria"], "Belgian": ["Belgium"],
    "Brazilian": ["Brazil"], "British": ["UK"], "Canadian": ["Canada"], "Chilean": ["Brazil"],
    "Colombian": ["Brazil"], "Czech": ["Austria", "Germany"], "Danish": ["Germany"],
    "Dutch": ["Netherlands"], "East German": ["Germany"], "Finnish": ["Germany", "Austria"],
    "French": ["France"], "German": ["Germany"], "Hungarian": ["Hungary"], "Indian": ["India"],
    "Indonesian": ["Singapore", "Malaysia"], "Irish": ["UK"], "Italian": ["Italy"],
    "Japanese": ["Japan", "Korea"], "Liechtensteiner": ["Switzerland", "Austria"],
    "Malaysian": ["Malaysia", "Singapore"], "Mexican": ["Mexico"], "Monegasque": ["Monaco"],
    "New Zealander": ["Australia"], "Polish": ["Germany"], "Portuguese": ["Portugal"],
    "Rhodesian": ["South Africa"], "Russian": ["Russia"], "South African": ["South Africa"],
    "Spanish": ["Spain", "Morocco"], "Swedish": ["Sweden"], "Swiss": ["Switzerland"],
    "Thai": ["Malaysia"], "Uruguayan": ["Argentina"], "Venezuelan": ["Brazil"],
    "Chinese": ["China"],
}
HOME_PAIRS = {f"{n}|{c}" for n, cs in HOMES.items() for c in cs}
COUNTRY_ALIASES = {"United States": "USA", "United Kingdom": "UK", "Great Britain": "UK"}

PREPARED_COLUMNS = [
    "season", "round", "race_name", "race_date", "driver_id", "driver_name", "driver_dob",
    "driver_nationality", "constructor_id", "constructor_name", "grid", "position", "points",
    "laps", "status", "circuit_id", "country", "weather_text", "weather",
]
FIXED = [
    "season", "round", "grid", "driver_experience", "constructor_experience",
    "driver_recent_wins", "driver_recent_dnfs", "driver_recent_form",
    "constructor_recent_form", "age", "is_home",
] + [f"weather_{c}" for c in WEATHER_COLUMNS]
LONG, FORM, RF_ROWS, NAT_MIN, RACE_MIN = 60, 30, 40, 300, 130
ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
ONEHOT_RE = re.compile(r"[^a-z0-9]")
TIE = 1e-9


# ---------------------------------------------------------------------------
# Stages
# ---------------------------------------------------------------------------

def prepare(store_dir, first, last, wikipedia=True):
    """The store's JSON documents -> the prepared table (spec section 2)."""
    docs = []
    for path in glob.glob(os.path.join(store_dir, "results", "*.json")):
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
        if first <= int(doc["season"]) <= last and doc.get("Results"):
            docs.append(doc)
    rows = pd.json_normalize(
        docs, record_path="Results",
        meta=["season", "round", "raceName", "date", ["Circuit", "circuitId"],
              ["Circuit", "Location", "country"]],
        errors="ignore")
    rows["entry"] = rows.groupby(["season", "round"]).cumcount()
    weather = {}
    if wikipedia:
        for path in glob.glob(os.path.join(store_dir, "weather", "*.json")):
            with open(path, encoding="utf-8") as f:
                w = json.load(f)
            if w.get("status") == "found":
                weather[(w["season"], w["round"])] = weather_clean(w.get("text", ""))
    given = rows["Driver.givenName"].fillna("")
    family = rows["Driver.familyName"].fillna("")
    sep = np.where((given != "") & (family != ""), " ", "")
    p = pd.DataFrame({
        "season": rows["season"].astype(int),
        "round": rows["round"].astype(int),
        "race_name": rows["raceName"],
        "race_date": rows["date"],
        "driver_id": rows["Driver.driverId"],
        "driver_name": given + sep + family,
        "driver_dob": rows["Driver.dateOfBirth"].fillna(""),
        "driver_nationality": rows["Driver.nationality"].fillna(""),
        "constructor_id": rows["Constructor.constructorId"],
        "constructor_name": rows["Constructor.name"].fillna(""),
        "grid": pd.to_numeric(rows["grid"], errors="coerce").fillna(0).astype(int),
        "position": rows["position"].astype(int),
        "points": pd.to_numeric(rows["points"], errors="coerce").fillna(0.0),
        "laps": pd.to_numeric(rows["laps"], errors="coerce").fillna(0).astype(int),
        "status": rows["status"].fillna(""),
        "circuit_id": rows["Circuit.circuitId"],
        "country": rows["Circuit.Location.country"],
        "entry": rows["entry"],
    })
    keys = list(zip(rows["season"], rows["round"]))
    p["weather_text"] = [weather.get(k, "") for k in keys]
    p["weather"] = p["weather_text"].map(weather_category)
    p = p.sort_values(["season", "round", "entry"], kind="stable").reset_index(drop=True)
    return p[PREPARED_COLUMNS]


def read_prepared(path):
    strings = {c: str for c in PREPARED_COLUMNS
               if c not in ("season", "round", "grid", "position", "points", "laps")}
    return pd.read_csv(path, dtype=strings, keep_default_na=False)


def rf_points(p, race):
    """Spec section 3: finished rows in finishing order get round(4^(4-3k/39), 4)."""
    finished = p["status"].isin(["Finished", "Lapped"]) | p["status"].str.startswith("+")
    fin = pd.DataFrame({"race": race[finished], "position": p["position"][finished]})
    fin = fin.sort_values(["race", "position"], kind="stable")
    k = fin.groupby("race").cumcount().to_numpy()
    points = np.where(k < RF_ROWS, np.floor(4.0 ** (4 - 3 * k / 39) * 1e4 + 0.5) / 1e4, 0.0)
    rf = pd.Series(0.0, index=p.index)
    rf[fin.index] = points
    return rf, finished


def earlier_windows(p, race, key, values):
    """For each row, sums of values[name] over the last N rows of the same key in
    earlier races (values: name -> (series, N)), and the earlier-row count capped
    at LONG.  shift(1) + rolling gives "the N rows before this one"; taking it at
    the key's first row of each race (transform 'first') leaves out the key's
    other rows of the same race (a teammate, a driver's second car)."""
    groups = p[key]
    first_in_race = ~pd.DataFrame({"k": groups, "r": race}).duplicated()
    out = {}
    count = groups.groupby(groups).cumcount().clip(upper=LONG).astype(float)
    out["experience"] = count
    for name, (series, n) in values.items():
        shifted = series.groupby(groups).shift(1)
        rolled = shifted.groupby(groups).rolling(n, min_periods=1).sum()
        out[name] = rolled.reset_index(level=0, drop=True).sort_index().fillna(0.0)
    for name in out:
        at_first = out[name].where(first_in_race)
        out[name] = at_first.groupby([groups, race]).transform("first")
    return out


def onehot_names(values, prefix):
    trimmed = values.str.strip(" \t\n\r\f\v")
    uniq = trimmed.unique()
    names = {u: prefix + ONEHOT_RE.sub("_", u.translate(ASCII_LOWER)) if u else "" for u in uniq}
    return trimmed.map(names)


def window_features(p):
    """Every feature that does not depend on the training seasons."""
    race = p.groupby(["season", "round"], sort=False).ngroup()
    rf, finished = rf_points(p, race)
    won = (p["position"] == 1).astype(float)
    dnf = (~finished).astype(float)
    d = earlier_windows(p, race, "driver_id",
                        {"wins": (won, LONG), "dnfs": (dnf, LONG), "form": (rf, FORM)})
    c = earlier_windows(p, race, "constructor_id", {"form": (rf, FORM)})
    size = race.map(race.value_counts())
    f = pd.DataFrame({"driver_id": p["driver_id"], "season": p["season"], "round": p["round"]})
    f["grid"] = p["grid"].where(p["grid"] != 0, size)
    f["driver_experience"] = d["experience"]
    f["constructor_experience"] = c["experience"]
    f["driver_recent_wins"] = d["wins"]
    f["driver_recent_dnfs"] = d["dnfs"]
    f["driver_recent_form"] = d["form"].round(4)
    f["constructor_recent_form"] = c["form"].round(4)
    date_ok = p["driver_dob"].str.match(r"^\d{4}-\d{2}-\d{2}$") & \
        p["race_date"].str.match(r"^\d{4}-\d{2}-\d{2}$")
    dob = p["driver_dob"].where(date_ok, "0000-00-00")
    day = p["race_date"].where(date_ok, "0000-00-00")
    by, bm, bd = (dob.str[a:b].astype(int) for a, b in ((0, 4), (5, 7), (8, 10)))
    ry, rm, rd = (day.str[a:b].astype(int) for a, b in ((0, 4), (5, 7), (8, 10)))
    age = ry - by - ((rm < bm) | ((rm == bm) & (rd < bd))).astype(int)
    f["age"] = age.where(date_ok & (age > 0), 0)
    nat = p["driver_nationality"].str.strip(" \t\n\r")
    country = p["country"].str.strip(" \t\n\r").replace(COUNTRY_ALIASES)
    f["is_home"] = (nat + "|" + country).isin(HOME_PAIRS).astype(int)
    for w in WEATHER_COLUMNS:
        f[f"weather_{w}"] = (p["weather"] == w).astype(int)
    f["won"] = won.astype(int)
    f.attrs["nat"] = onehot_names(p["driver_nationality"], "nat_")
    f.attrs["race"] = onehot_names(p["race_name"], "race_")
    return f


def with_onehots(base, first_train, last_train):
    """base plus the nat_/race_ columns chosen on seasons [first_train, last_train]."""
    train = base["season"].between(first_train, last_train)
    cols = {}
    for field, minimum in (("nat", NAT_MIN), ("race", RACE_MIN)):
        names = base.attrs[field]
        counts = names[train & (names != "")].value_counts()
        for name in counts.index[counts >= minimum]:
            cols[name] = (names == name).astype(int)
    onehot = pd.DataFrame(cols, index=base.index)[sorted(cols)]
    return pd.concat([base[["driver_id"] + FIXED], onehot, base[["won"]]], axis=1)


def make_model(seed):
    tree = DecisionTreeRegressor()
    params = dict(n_estimators=200, max_samples=10, max_features=50, bootstrap=True,
                  bootstrap_features=True, random_state=seed)
    try:
        return BaggingRegressor(estimator=tree, **params)
    except TypeError:  # scikit-learn < 1.2 calls it base_estimator
        return BaggingRegressor(base_estimator=tree, **params)


def train(features, first, test, seed):
    rows = features["season"].between(first, test - 1)
    x = features.loc[rows].drop(columns=["driver_id", "won"]).to_numpy(dtype=float)
    y = features.loc[rows, "won"].to_numpy(dtype=float)
    return make_model(seed).fit(x, y)


def race_scores(pred, won, races, rng):
    """Per race: hit, expected hit (tie-aware) and top-3 hit.  Rows are ranked by
    prediction; a run of predictions within TIE of its first is a tied group,
    shuffled with rng (the seeded tie-break); rank 1 is the predicted winner."""
    out = []
    for idx in races:
        p, w = pred[idx], won[idx]
        order = np.argsort(-p, kind="stable")
        groups, group = [], [order[0]]
        for i in order[1:]:
            if p[group[0]] - p[i] <= TIE:
                group.append(i)
            else:
                groups.append(group)
                group = [i]
        groups.append(group)
        top = groups[0]
        ranking = np.concatenate([rng.permutation(g) for g in groups])
        out.append((w[ranking[0]], w[top].sum() / len(top), w[ranking[:3]].max()))
    return np.array(out, dtype=float)


def baselines(prep, season):
    """Pole and leader precision over the season's races (spec section 5)."""
    s = prep[prep["season"] == season]
    pole = leader = 0.0
    prev = prep[prep["season"] == season - 1].groupby("driver_id", sort=False)["points"].sum()
    points = pd.Series(dtype=float)
    for _, r in s.groupby("round", sort=True):
        winners = set(r.loc[r["position"] == 1, "driver_id"])
        g = r.loc[r["grid"] > 0]
        if len(g):
            best = g[g["grid"] == g["grid"].min()]
            pole += (best["position"] == 1).sum() / len(best)
        table = points if len(points) else prev
        if len(table):
            leaders = table.index[table == table.max()]
            leader += sum(d in winners for d in leaders) / len(leaders)
        points = points.add(r.groupby("driver_id", sort=False)["points"].sum(), fill_value=0.0)
    return pole, leader


def evaluate(model, features, prep, season, seed):
    rows = features["season"] == season
    test = features.loc[rows].reset_index(drop=True)
    pred = model.predict(test.drop(columns=["driver_id", "won"]).to_numpy(dtype=float))
    races = list(test.groupby("round", sort=True).indices.values())
    s = race_scores(pred, test["won"].to_numpy(dtype=float), races, np.random.default_rng(seed))
    pole, leader = baselines(prep, season)
    n = len(races)
    metrics = {"test_season": season,
               "model": {"precision": s[:, 0].mean(), "expected_precision": s[:, 1].mean(),
                         "top3_hit_rate": s[:, 2].mean(), "races": n, "hits": s[:, 0].sum()},
               "baselines": {"pole": {"precision": pole / n}, "leader": {"precision": leader / n}}}
    predictions = test[["season", "round", "driver_id"]].assign(prediction=pred)
    return metrics, predictions


# ---------------------------------------------------------------------------
# Runs
# ---------------------------------------------------------------------------

def timed(name, fn, *args):
    t0 = time.perf_counter()
    result = fn(*args)
    print(f"stage {name} {time.perf_counter() - t0:.4f}", flush=True)
    return result


def stage_prepare(store, first, last, out):
    prepare(store, first, last).to_csv(os.path.join(out, "prepared.csv"), index=False)


def stage_features(prepared_path, first, test, out):
    f = with_onehots(window_features(read_prepared(prepared_path)), first, test - 1)
    f.to_csv(os.path.join(out, "features.csv"), index=False)


def stage_train(out, first, test, seed):
    model = train(pd.read_csv(os.path.join(out, "features.csv")), first, test, seed)
    with open(os.path.join(out, "model.pkl"), "wb") as f:
        pickle.dump(model, f)


def stage_evaluate(out, prepared_path, test, seed):
    with open(os.path.join(out, "model.pkl"), "rb") as f:
        model = pickle.load(f)
    features = pd.read_csv(os.path.join(out, "features.csv"))
    metrics, predictions = evaluate(model, features, read_prepared(prepared_path), test, seed)
    with open(os.path.join(out, "metrics.json"), "w") as f:
        json.dump(metrics, f, indent=1)
    predictions.to_csv(os.path.join(out, "predictions.csv"), index=False)
    m = metrics["model"]
    print(f"metrics precision {m['precision']:.4f} expected_precision "
          f"{m['expected_precision']:.4f}", flush=True)


def run_backtest(store, first, a, b, seed):
    prep = prepare(store, first, b)
    base = window_features(prep)
    for t in range(a, b + 1):
        f = with_onehots(base, first, t - 1)
        metrics, _ = evaluate(train(f, first, t, seed), f, prep, t, seed)
        m, b = metrics["model"], metrics["baselines"]
        print(f"season {t} {m['precision']:.4f} {m['expected_precision']:.4f} "
              f"{b['pole']['precision']:.4f} {b['leader']['precision']:.4f}", flush=True)


def check(out, ours):
    """Compares this script's files with ours (untimed)."""
    mine = read_prepared(os.path.join(out, "prepared.csv"))
    theirs = read_prepared(os.path.join(ours, "prepared.csv"))
    if mine.shape != theirs.shape:
        print(f"check prepared shape differs: {mine.shape} vs ours {theirs.shape}")
    else:
        diff = (mine.astype(str) != theirs.astype(str)).sum()
        bad = {c: int(n) for c, n in diff.items() if n}
        print(f"check prepared rows={len(mine)} differing_cells={bad or 0}")
    mine = pd.read_csv(os.path.join(out, "features.csv"), keep_default_na=False)
    theirs = pd.read_csv(os.path.join(ours, "features.csv"), keep_default_na=False)
    if list(mine.columns) != list(theirs.columns) or len(mine) != len(theirs):
        print(f"check features columns/rows differ: {mine.shape} vs ours {theirs.shape}; "
              f"only here: {sorted(set(mine.columns) - set(theirs.columns))}; "
              f"only ours: {sorted(set(theirs.columns) - set(mine.columns))}")
        return
    num = mine.columns.drop("driver_id")
    delta = (mine[num].astype(float) - theirs[num].astype(float)).abs()
    bad = {c: int(n) for c, n in (delta > 1e-6).sum().items() if n}
    same_ids = bool((mine["driver_id"] == theirs["driver_id"]).all())
    print(f"check features rows={len(mine)} columns={len(mine.columns)} "
          f"same_driver_ids={same_ids} differing_cells={bad or 0}")


def season_range(text):
    a, _, b = text.partition("-")
    return int(a), int(b or a)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data-dir", required=True, help="our data-dir (its store/ is read)")
    ap.add_argument("--out", required=True, help="where this script writes its files")
    ap.add_argument("--prepared", help="prepared.csv the features stage reads (default: ours "
                    "in --data-dir)")
    ap.add_argument("--seasons", default="1950-2024")
    ap.add_argument("--test-season", type=int)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--backtest", help="A-B: time the backtest loop instead")
    ap.add_argument("--check", action="store_true", help="compare files with --data-dir's")
    args = ap.parse_args()
    first, last = season_range(args.seasons)
    test = args.test_season or last
    store = os.path.join(args.data_dir, "store")
    os.makedirs(args.out, exist_ok=True)
    print(f"versions python {sys.version.split()[0]} pandas {pd.__version__} "
          f"sklearn {sklearn.__version__}", flush=True)
    if args.backtest:
        a, b = season_range(args.backtest)
        timed("backtest", run_backtest, store, first, a, b, args.seed)
    else:
        prepared = args.prepared or os.path.join(args.data_dir, "prepared.csv")
        timed("prepare", stage_prepare, store, first, test, args.out)
        timed("features", stage_features, prepared, first, test, args.out)
        timed("train", stage_train, args.out, first, test, args.seed)
        timed("evaluate", stage_evaluate, args.out, prepared, test, args.seed)
    print(f"peak_rss_kb {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}", flush=True)
    if args.check and not args.backtest:
        check(args.out, args.data_dir)


if __name__ == "__main__":
    main()
