#!/usr/bin/python3
"""Independent reference of the v2 race-winner study (issue 15).

Written from the issue's text, not from the C code, so the C features
(src/data/features_v2.c) and learner can be checked against it.  It reads
the bundled Ergast CSV tables (tests/data/ergast-csv) directly:
  1. rows as `prepare` makes them: races in (season, round) order, the
     entries of a race in the API's order (positionOrder);
  2. the 21 v2 features of every row, each from what is known before the
     race (its own qualifying and grid included), definitions below;
  3. a conditional logit (per-race softmax, penalty l2*||beta||^2, features
     imputed with the training median then z-scored with the training mean
     and population SD) fitted by damped Newton;
  4. the check of the issue (seasons 2003-2023: beta of log_grid and g1)
     and a backtest (season Y trained on 2003..Y-1) against the pole
     baseline, scored tie-aware as src/ml/score.c does (a winner among k
     rows tied at the top within 1e-9 counts 1/k).

Feature definitions (mpts = 25,18,15,12,10,8,6,4,2,1 for positions 1-10,
else 0; `position` is the finishing order, the API's position;
finished = status "Finished", "Lapped" or starting with "+" ("+N Laps"); "earlier" = rows of
races strictly before this one; NaN = missing, imputed by the learner):
  log_grid      ln(grid), a grid of 0 (pit lane) counting as the number of
                entries of the race
  g1,g2,g3,g4   1 when that grid (0 -> entries as above), else 0
  g5_6, g7_10   1 when the grid is in 5..6 / 7..10, else 0
  q_gap_pct     100*(own best of Q1/Q2/Q3 / best time of anyone in the
                race's qualifying - 1), capped at 7; no own time -> 7;
                NaN when the race has no qualifying time at all
  tm_q_delta    two-car teams only (exactly two entries of the constructor
                in the race): 100*(own / teammate's - 1) in the latest of
                Q3, Q2, Q1 where both set a time, clipped to [-7, 7]; NaN
                otherwise (one- or 3+-car team, no common session)
  d5_mpts       mean mpts over the driver's last 5 earlier rows (fewer when
                he has fewer); NaN when none
  d5_won        share of those rows he won (position 1); NaN when none
  d10_dnf       share not finished over his last 10 earlier rows; NaN when
                none
  d10_ahead_tm  share of those 10 rows where he finished and was ahead
                (smaller position) of his teammate in a two-car team (rows
                in other teams count as 0); NaN when none
  c5_mpts       the constructor's last 5 earlier races: mean of the summed
                mpts of its cars; NaN when none
  c5_won        share of those races one of its cars won; NaN when none
  circ3_mpts    the driver's mean mpts over his last 3 earlier rows at this
                circuit; NaN when he never raced there
  prev_share    his summed mpts in the previous season / the previous
                season's maximum summed mpts of any driver; 0 when he did
                not race then; NaN when season - 1 is not in the data or
                its maximum is 0
  season_rel    his mpts so far this season / the maximum of that among
                this race's entrants; prev_share when that maximum is 0
                (first race of a season)
  con_season_rel the same for his constructor (summed over its cars, max
                among the constructors entered), its previous-season share
                (constructor mpts / maximum constructor mpts) when 0
  is_leader     1 when he has raced this season and his official points
                (the data's race points) so far equal the most of any
                driver who has raced this season (ties all 1), else 0
  d5_gap        d5_mpts - the maximum d5_mpts among this race's entrants
                (NaN entries ignored); NaN when his d5_mpts is NaN

Run from the repository root with Debian's python (pandas, numpy):
  /usr/bin/python3 tests/tools/v2_reference.py                # the check + backtests
  /usr/bin/python3 tests/tools/v2_reference.py --features-out F --seasons 2010-2012
  /usr/bin/python3 tests/tools/v2_reference.py --fit-out fit.json  # beta etc. in full
  /usr/bin/python3 tests/tools/v2_reference.py --check-prepared .f1-mlops/prepared.csv
It prints (about 7 s):
  fit 2003-2023, l2=15: 404 races, 8491 rows, objective 529.1911727404, max |gradient| 9.8e-13
  beta log_grid -0.4381, beta g1 0.2998 (the issue: -0.439, +0.300), then the rest;
  backtest 2014-2024 mean 0.5658, pole 0.5244 (issue: 56.6%, 52.4%; ahead of pole in
  5 seasons, tied in 4, behind in 2); backtest 2006-2013 mean 0.5312, pole 0.5122
  (issue: 53.1%, 51.2%).  The choices the issue leaves open (NAN or 0 for a first
  race, the denominator of d10_ahead_tm, ...) move beta(log_grid) by about 0.002 at most
  and neither mean; q_gap_pct against each session's own best instead of the
  race's best moves it to -0.447 and 2006-2013 to 0.538, so the race's best it is.
"""
import argparse
import json
import math
import os
import re
import sys

import numpy as np
import pandas as pd

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MPTS = [25, 18, 15, 12, 10, 8, 6, 4, 2, 1]
FEATURES = ["log_grid", "g1", "g2", "g3", "g4", "g5_6", "g7_10", "q_gap_pct", "tm_q_delta",
            "d5_mpts", "d5_won", "d10_dnf", "d10_ahead_tm", "c5_mpts", "c5_won", "circ3_mpts",
            "prev_share", "season_rel", "con_season_rel", "is_leader", "d5_gap"]
GRID_ONLY = ["log_grid", "g1", "g2", "g3", "g4", "g5_6", "g7_10"]
Q_CAP = 7.0
TIE = 1e-9


def mpts(position):
    return MPTS[position - 1] if 1 <= position <= 10 else 0


def finished(status):
    """Spec section 3's rule: "+..." covers Ergast's "+N Lap(s)"."""
    return status in ("Finished", "Lapped") or status.startswith("+")


def q_ms(text):
    """A qualifying time "m:ss.sss" or "ss.sss" in ms; NaN when absent/bad."""
    if not isinstance(text, str):
        return math.nan
    m = re.fullmatch(r"(?:(\d+):)?(\d+)\.(\d{1,3})", text.strip())
    if m is None:
        return math.nan
    frac = m.group(3).ljust(3, "0")
    return (int(m.group(1) or 0) * 60 + int(m.group(2))) * 1000 + int(frac)


def load(csv_dir):
    """Rows in prepared order plus each row's qualifying times."""
    rd = lambda name: pd.read_csv(os.path.join(csv_dir, name + ".csv"), na_values="\\N",
                                  keep_default_na=False)
    races = rd("races")[["raceId", "year", "round", "circuitId"]]
    circuits = rd("circuits")[["circuitId", "circuitRef"]]
    drivers = rd("drivers")[["driverId", "driverRef"]]
    cons = rd("constructors")[["constructorId", "constructorRef"]]
    status = rd("status")
    res = rd("results")[["raceId", "driverId", "constructorId", "grid", "positionOrder", "points",
                         "statusId"]]
    # Equal positionOrders (shared cars of the 1950s) keep the file's order,
    # as the replay server's stable sort serves them.
    res = res.assign(file_row=np.arange(len(res)))
    df = (res.merge(races, on="raceId").merge(circuits, on="circuitId").merge(drivers, on="driverId")
          .merge(cons, on="constructorId").merge(status, on="statusId"))
    df = df.sort_values(["year", "round", "positionOrder", "file_row"]).reset_index(drop=True)
    q = rd("qualifying")[["raceId", "driverId", "q1", "q2", "q3"]]
    qt = {}
    for row in q.itertuples(index=False):
        qt[(row.raceId, row.driverId)] = (q_ms(row.q1), q_ms(row.q2), q_ms(row.q3))
    return df, qt


def nanmean(v):
    return float(np.mean(v)) if len(v) else math.nan


def build(df, qt):
    """The 21 features of every row of df (prepared order), as a DataFrame."""
    n = len(df)
    qbest = {}  # raceId -> the best time anyone set in its qualifying
    for (rid, _), ts in qt.items():
        for t in ts:
            if not math.isnan(t) and t < qbest.get(rid, math.inf):
                qbest[rid] = t
    out = {f: np.full(n, math.nan) for f in FEATURES}
    drv_rows = {}      # driver -> list of (mpts, won, finished, ahead_tm), earlier rows
    con_races = {}     # constructor -> list of (summed mpts, won), earlier races
    circ_rows = {}     # (driver, circuit) -> list of mpts
    season = None
    d_season = {}      # this season so far: driver -> mpts
    c_season = {}
    d_points = {}      # driver -> official points this season so far
    d_prev, c_prev = {}, {}     # previous season's totals
    have_prev = False
    year = df["year"].to_numpy()
    rnd = df["round"].to_numpy()
    starts = [0] + [i for i in range(1, n) if (year[i], rnd[i]) != (year[i - 1], rnd[i - 1])] + [n]
    rows = df.to_dict("records")
    for a, b in zip(starts[:-1], starts[1:]):
        race = rows[a:b]
        if race[0]["year"] != season:
            # The previous season is season - 1 itself, not merely the one
            # before in the data.
            have_prev = season is not None and race[0]["year"] == season + 1
            d_prev, c_prev = (d_season, c_season) if have_prev else ({}, {})
            season = race[0]["year"]
            d_season, c_season, d_points = {}, {}, {}
        entries = b - a
        cars = {}
        for k, r in enumerate(race):
            cars.setdefault(r["constructorId"], []).append(k)
        # Qualifying of this race: own best and the race's best.
        qrow = [qt.get((r["raceId"], r["driverId"]), (math.nan,) * 3) for r in race]
        best_all = qbest.get(race[0]["raceId"], math.inf)
        dprev_max = max(d_prev.values()) if d_prev else 0.0
        cprev_max = max(c_prev.values()) if c_prev else 0.0

        def prev_share(table, mx, key):
            if not have_prev or mx <= 0:
                return math.nan
            return table.get(key, 0.0) / mx

        d5 = []
        for k, r in enumerate(race):
            i = a + k
            g = r["grid"] if r["grid"] > 0 else entries
            out["log_grid"][i] = math.log(g)
            for name, lo, hi in (("g1", 1, 1), ("g2", 2, 2), ("g3", 3, 3), ("g4", 4, 4),
                                 ("g5_6", 5, 6), ("g7_10", 7, 10)):
                out[name][i] = 1.0 if lo <= g <= hi else 0.0
            own = np.nanmin(qrow[k]) if not all(math.isnan(t) for t in qrow[k]) else math.nan
            if math.isinf(best_all):
                out["q_gap_pct"][i] = math.nan
            elif math.isnan(own):
                out["q_gap_pct"][i] = Q_CAP
            else:
                out["q_gap_pct"][i] = min(100.0 * (own / best_all - 1.0), Q_CAP)
            team = cars[r["constructorId"]]
            if len(team) == 2:
                mate = qrow[team[0] if team[1] == k else team[1]]
                for s in (2, 1, 0):
                    if not math.isnan(qrow[k][s]) and not math.isnan(mate[s]):
                        v = 100.0 * (qrow[k][s] / mate[s] - 1.0)
                        out["tm_q_delta"][i] = max(-Q_CAP, min(Q_CAP, v))
                        break
            h = drv_rows.get(r["driverId"], [])
            if h:
                l5, l10 = h[-5:], h[-10:]
                out["d5_mpts"][i] = nanmean([x[0] for x in l5])
                out["d5_won"][i] = nanmean([x[1] for x in l5])
                out["d10_dnf"][i] = nanmean([1.0 - x[2] for x in l10])
                out["d10_ahead_tm"][i] = nanmean([x[3] for x in l10])
            d5.append(out["d5_mpts"][i])
            ch = con_races.get(r["constructorId"], [])
            if ch:
                out["c5_mpts"][i] = nanmean([x[0] for x in ch[-5:]])
                out["c5_won"][i] = nanmean([x[1] for x in ch[-5:]])
            cc = circ_rows.get((r["driverId"], r["circuitId"]), [])
            if cc:
                out["circ3_mpts"][i] = nanmean(cc[-3:])
            ps = prev_share(d_prev, dprev_max, r["driverId"])
            out["prev_share"][i] = ps
            dmax = max(d_season.get(x["driverId"], 0.0) for x in race)
            out["season_rel"][i] = d_season.get(r["driverId"], 0.0) / dmax if dmax > 0 else ps
            cmax = max(c_season.get(x["constructorId"], 0.0) for x in race)
            out["con_season_rel"][i] = (c_season.get(r["constructorId"], 0.0) / cmax if cmax > 0
                                        else prev_share(c_prev, cprev_max, r["constructorId"]))
            if r["driverId"] in d_points:
                top = max(d_points.values())
                out["is_leader"][i] = 1.0 if d_points[r["driverId"]] == top else 0.0
            else:
                out["is_leader"][i] = 0.0
        valid = [v for v in d5 if not math.isnan(v)]
        for k in range(entries):
            if valid and not math.isnan(d5[k]):
                out["d5_gap"][a + k] = d5[k] - max(valid)
        # Only now does the race enter the histories.
        con_sum = {}
        for k, r in enumerate(race):
            p = mpts(r["positionOrder"])
            team = cars[r["constructorId"]]
            ahead = 0.0
            if len(team) == 2 and finished(r["status"]):
                mate = race[team[0] if team[1] == k else team[1]]
                ahead = 1.0 if r["positionOrder"] < mate["positionOrder"] else 0.0
            drv_rows.setdefault(r["driverId"], []).append(
                (p, 1.0 if r["positionOrder"] == 1 else 0.0, 1.0 if finished(r["status"]) else 0.0, ahead))
            circ_rows.setdefault((r["driverId"], r["circuitId"]), []).append(p)
            s = con_sum.setdefault(r["constructorId"], [0.0, 0.0])
            s[0] += p
            s[1] = max(s[1], 1.0 if r["positionOrder"] == 1 else 0.0)
            d_season[r["driverId"]] = d_season.get(r["driverId"], 0.0) + p
            c_season[r["constructorId"]] = c_season.get(r["constructorId"], 0.0) + p
            d_points[r["driverId"]] = d_points.get(r["driverId"], 0.0) + float(r["points"])
        for c, s in con_sum.items():
            con_races.setdefault(c, []).append(tuple(s))
    feat = pd.DataFrame(out)
    ids = df[["year", "round", "driverRef", "constructorRef", "grid", "positionOrder"]].rename(
        columns={"year": "season", "driverRef": "driver_id", "constructorRef": "constructor_id",
                 "positionOrder": "position"})
    return pd.concat([ids.reset_index(drop=True), feat], axis=1)


def race_bounds(season, rnd):
    """Start indices of each race (rows of a race are contiguous) plus the end."""
    n = len(season)
    change = np.flatnonzero((season[1:] != season[:-1]) | (rnd[1:] != rnd[:-1])) + 1
    return np.concatenate(([0], change, [n]))


class Standardiser:
    """Training median for missing values, then training mean and population SD."""

    def __init__(self, x):
        self.median = np.nanmedian(x, axis=0)
        self.median = np.where(np.isnan(self.median), 0.0, self.median)
        filled = self.fill(x)
        self.mean = filled.mean(axis=0)
        self.sd = filled.std(axis=0)
        self.sd = np.where(self.sd > 0, self.sd, 1.0)

    def fill(self, x):
        return np.where(np.isnan(x), self.median, x)

    def __call__(self, x):
        return (self.fill(x) - self.mean) / self.sd


def clogit_terms(z, bounds, winner, beta, l2, hessian):
    """Objective, gradient (and Hessian) of sum_r -log P(winner_r) + l2*|beta|^2."""
    s = z @ beta
    starts = bounds[:-1]
    smax = np.maximum.reduceat(s, starts)
    counts = np.diff(bounds)
    e = np.exp(s - np.repeat(smax, counts))
    tot = np.add.reduceat(e, starts)
    p = e / np.repeat(tot, counts)
    f = float(np.sum(smax + np.log(tot) - s[winner]) + l2 * beta @ beta)
    mu = np.add.reduceat(p[:, None] * z, starts, axis=0)
    g = mu.sum(axis=0) - z[winner].sum(axis=0) + 2.0 * l2 * beta
    if not hessian:
        return f, g, None
    h = (z * p[:, None]).T @ z - mu.T @ mu + 2.0 * l2 * np.eye(len(beta))
    return f, g, h


def clogit_fit(z, bounds, winner, l2):
    """Damped Newton (step halving until the objective decreases)."""
    beta = np.zeros(z.shape[1])
    f, g, h = clogit_terms(z, bounds, winner, beta, l2, True)
    for _ in range(100):
        step = np.linalg.solve(h, g)
        t = 1.0
        while True:
            nb = beta - t * step
            nf, _, _ = clogit_terms(z, bounds, winner, nb, l2, False)
            if nf <= f or t < 1e-12:
                break
            t *= 0.5
        beta = nb
        f, g, h = clogit_terms(z, bounds, winner, beta, l2, True)
        if np.max(np.abs(g)) < 1e-10:
            break
    return beta


def races_of(tab):
    """Race bounds of tab and, per race, the index of its one winner (races
    with no winner or several, e.g. a shared car, are left out: the softmax
    has one winner per race)."""
    bounds = race_bounds(tab["season"].to_numpy(), tab["round"].to_numpy())
    won = tab["position"].to_numpy() == 1
    keep_s, keep_e, winner = [], [], []
    for a, b in zip(bounds[:-1], bounds[1:]):
        w = np.flatnonzero(won[a:b])
        if len(w) == 1:
            keep_s.append(a)
            keep_e.append(b)
            winner.append(a + w[0])
    return keep_s, keep_e, np.array(winner)


def subset(tab, first, last):
    return tab[(tab["season"] >= first) & (tab["season"] <= last)].reset_index(drop=True)


def fit(tab, feats, l2):
    """Fits on every one-winner race of tab: (standardiser, beta)."""
    ks, ke, winner = races_of(tab)
    idx = np.concatenate([np.arange(a, b) for a, b in zip(ks, ke)])
    x = tab[feats].to_numpy(dtype=float)
    std = Standardiser(x)
    # Keep only the races fitted, in order; remap bounds and winners.
    z = std(x)[idx]
    lengths = np.array([b - a for a, b in zip(ks, ke)])
    bounds = np.concatenate(([0], np.cumsum(lengths)))
    w = bounds[:-1] + (winner - np.array(ks))
    return std, clogit_fit(z, bounds, w, l2)


def expected_hits(score, won, bounds):
    """Per race: winners among the rows tied at the top (within TIE) / their count."""
    out = []
    for a, b in zip(bounds[:-1], bounds[1:]):
        s = score[a:b]
        top = s >= s.max() - TIE
        out.append(won[a:b][top].sum() / top.sum())
    return np.array(out)


def pole_hits(grid, won, bounds):
    out = []
    for a, b in zip(bounds[:-1], bounds[1:]):
        g = grid[a:b]
        pos = g[g > 0]
        if len(pos) == 0:
            out.append(0.0)
            continue
        sel = g == pos.min()
        out.append(won[a:b][sel].sum() / sel.sum())
    return np.array(out)


def backtest(tab, feats, l2, first_train, seasons):
    """Per test season: (season, model expected precision, pole precision)."""
    rows = []
    for y in seasons:
        std, beta = fit(subset(tab, first_train, y - 1), feats, l2)
        test = subset(tab, y, y)
        bounds = race_bounds(test["season"].to_numpy(), test["round"].to_numpy())
        won = (test["position"].to_numpy() == 1).astype(float)
        score = std(test[feats].to_numpy(dtype=float)) @ beta
        rows.append((y, expected_hits(score, won, bounds).mean(),
                     pole_hits(test["grid"].to_numpy(), won, bounds).mean()))
    return rows


def check_prepared(df, path):
    """Exit status 0 when prepared.csv (written by `prepare` from the replay
    of the same tables) holds the rows this tool reads, in the same order."""
    prep = pd.read_csv(path, keep_default_na=False, dtype=str)
    ours = pd.DataFrame({"season": df["year"], "round": df["round"], "driver_id": df["driverRef"],
                         "constructor_id": df["constructorRef"], "grid": df["grid"],
                         "position": df["positionOrder"], "points": df["points"].astype(float),
                         "status": df["status"], "circuit_id": df["circuitRef"]})
    ours = ours[ours["season"].between(int(prep["season"].min()), int(prep["season"].max()))]
    theirs = prep[list(ours.columns)].copy()
    for c in ("season", "round", "grid", "position"):
        theirs[c] = theirs[c].astype(int)
    theirs["points"] = theirs["points"].astype(float)
    ours, theirs = ours.reset_index(drop=True), theirs.reset_index(drop=True)
    if len(ours) != len(theirs):
        print("prepared.csv has %d rows, the reference %d" % (len(theirs), len(ours)))
        return 1
    diff = (ours != theirs).any(axis=1)
    if diff.any():
        i = int(np.flatnonzero(diff)[0])
        print("%d rows differ; first, row %d:\n%s\n%s" % (diff.sum(), i + 1, ours.iloc[i].to_dict(),
                                                         theirs.iloc[i].to_dict()))
        return 1
    print("prepared.csv: the same %d rows" % len(ours))
    return 0


def season_list(text):
    """ "1950,2003-2005" -> [1950, 2003, 2004, 2005]"""
    out = []
    for part in text.split(","):
        a, _, b = part.partition("-")
        out.extend(range(int(a), int(b or a) + 1))
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", default=os.path.join(ROOT, "tests", "data", "ergast-csv"))
    ap.add_argument("--l2", type=float, default=15.0)
    ap.add_argument("--train-from", type=int, default=2003)
    ap.add_argument("--features-out", help="write the features of --seasons to this CSV and stop")
    ap.add_argument("--seasons", default="2003-2024",
                    help="seasons --features-out writes, e.g. 1950,2003-2005")
    ap.add_argument("--float-format", default="%.17g", help="of --features-out's numbers")
    ap.add_argument("--fit-out", metavar="JSON",
                    help="write the 2003-2023 fit (standardisation, beta, gradient) as JSON")
    ap.add_argument("--check-prepared", metavar="CSV",
                    help="compare the rows read with a prepared.csv of the same data and stop")
    args = ap.parse_args()
    df, qt = load(args.data)
    if args.check_prepared:
        return check_prepared(df, args.check_prepared)
    tab = build(df, qt)
    if args.features_out:
        out = tab[tab["season"].isin(season_list(args.seasons))]
        out = out[["season", "round", "driver_id"] + FEATURES]
        out.to_csv(args.features_out, index=False, float_format=args.float_format, na_rep="nan",
                   lineterminator="\n")
        return
    train = subset(tab, args.train_from, 2023)
    std, beta = fit(train, FEATURES, args.l2)
    ks, ke, winner = races_of(train)
    z = std(train[FEATURES].to_numpy(dtype=float))
    bounds = np.array(ks + [ke[-1]])  # races are contiguous from 2003 on
    assert all(a == b for a, b in zip(ks[1:], ke[:-1])), "a race without one winner"
    f, g, _ = clogit_terms(z, bounds, winner, beta, args.l2, False)
    print("fit %d-2023, l2=%g: %d races, %d rows, objective %.10f, max |gradient| %.2e"
          % (args.train_from, args.l2, len(ks), len(train), f, np.max(np.abs(g))))
    if args.fit_out:
        with open(args.fit_out, "w") as out:
            json.dump({"train": [args.train_from, 2023], "l2": args.l2, "features": FEATURES,
                       "median": std.median.tolist(), "mean": std.mean.tolist(),
                       "sd": std.sd.tolist(), "beta": beta.tolist(), "objective": f,
                       "races": len(ks), "rows": len(train)}, out, indent=1)
    for f, b in zip(FEATURES, beta):
        print("  beta %-15s % .4f" % (f, b))
    for lo, hi in ((2014, 2024), (2006, 2013)):
        rows = backtest(tab, FEATURES, args.l2, args.train_from, range(lo, hi + 1))
        grid = backtest(tab, GRID_ONLY, args.l2, args.train_from, range(lo, hi + 1))
        print("backtest %d-%d: season model pole grid-only" % (lo, hi))
        for (y, m, p), (_, gm, _) in zip(rows, grid):
            flag = "+" if m > p + 1e-12 else ("-" if m < p - 1e-12 else "=")
            print("  %d %.4f %.4f %.4f %s" % (y, m, p, gm, flag))
        print("  mean %.4f %.4f %.4f" % (np.mean([r[1] for r in rows]), np.mean([r[2] for r in rows]),
                                       np.mean([g[1] for g in grid])))


if __name__ == "__main__":
    sys.exit(main())
