#!/usr/bin/python3
"""Writes the conditional-logit fixture of tests/unit/test_clogit.c:
tests/data/clogit/races.csv (a small made-up data set) and
tests/data/clogit/reference.tsv (its optimum found by scipy, an independent
implementation of src/ml/clogit.c's model).

The data: seasons 2001-2005, 8 races each of 1 to 8 rows, four features:
  grid   1..rows of the race (a starting position)
  form   a continuous value, missing (empty field) in about 1 row in 6
  pole   1 for grid 1, else 0
  const  3.25 in every row (a feature with no spread)
The winner of each race is drawn from a true conditional logit, except that
one race has no winner, one has two (a dead heat) and one has a single row.

The reference, trained on seasons 2002-2004 only with l2 = 1:
  1. per feature, the median of the training rows' present values replaces
     missing ones; then the mean and the population SD (ddof 0) of the
     imputed training column; z = (x - mean) / SD, or 0 when the training
     column is constant;
  2. beta minimises  sum over races with a winner of
         -(1/k) sum over its k winners of log softmax(z beta)[winner]
     + l2 * |beta|^2,
     found by scipy.optimize.minimize (BFGS, analytic gradient, gtol 1e-12);
     a race with no winner contributes nothing.
Output: '#' comment lines (the command and versions), then
"quantity<TAB>feature<TAB>value" rows for mean, sd, median and beta,
values printed with 17 significant digits.

Run from the repository root with Debian's python (numpy, scipy):
  /usr/bin/python3 tests/tools/clogit_reference.py
"""
import os
import sys

import numpy as np
import scipy
import scipy.optimize

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "tests", "data", "clogit")
FEATURES = ["grid", "form", "pole", "const"]
TRAIN = (2002, 2004)
L2 = 1.0
COMMAND = "/usr/bin/python3 tests/tools/clogit_reference.py"


def make_rows():
    """(season, round, won, [features]) rows, races in order."""
    rng = np.random.default_rng(20240615)
    true_beta = np.array([-0.35, 0.8, 1.1, 0.0])
    rows = []
    for season in range(2001, 2006):
        for rnd in range(1, 9):
            n = 1 if (season, rnd) == (2003, 4) else int(rng.integers(2, 9))
            x = np.empty((n, 4))
            x[:, 0] = np.arange(1, n + 1)
            x[:, 1] = np.round(rng.normal(10.0, 4.0, n) - 0.6 * x[:, 0], 3)
            x[:, 1][rng.random(n) < 1 / 6] = np.nan
            x[:, 2] = (x[:, 0] == 1).astype(float)
            x[:, 3] = 3.25
            s = np.nan_to_num(x, nan=8.0) @ true_beta
            p = np.exp(s - s.max())
            p /= p.sum()
            won = np.zeros(n)
            if (season, rnd) != (2002, 6):  # the race without a winner
                won[rng.choice(n, p=p)] = 1
            if (season, rnd) == (2003, 7):  # a dead heat: rows 2 and 3 both won
                won[:] = 0
                won[1] = won[2] = 1
            for i in range(n):
                rows.append((season, rnd, int(won[i]), x[i]))
    return rows


def fmt(v):
    """Shortest text reading back to v ("" for missing, "2" for 2.0)."""
    return "" if np.isnan(v) else repr(float(v)).removesuffix(".0")


def write_csv(rows, path):
    with open(path, "w") as f:
        f.write("season,round,won," + ",".join(FEATURES) + "\n")
        for season, rnd, won, x in rows:
            f.write(f"{season},{rnd},{won}," + ",".join(fmt(v) for v in x) + "\n")


def standardise(x):
    """(z, mean, sd, median) of the training matrix x (NaN = missing)."""
    median = np.array([np.median(c[~np.isnan(c)]) if (~np.isnan(c)).any() else 0.0 for c in x.T])
    filled = np.where(np.isnan(x), median, x)
    mean = filled.mean(axis=0)
    sd = filled.std(axis=0)
    constant = filled.max(axis=0) == filled.min(axis=0)
    sd[constant] = 0.0
    mean[constant] = filled[0, constant]
    z = np.where(constant, 0.0, (filled - mean) / np.where(constant, 1.0, sd))
    return z, mean, sd, median


def fit(z, races, won):
    """BFGS on the penalised conditional-logit loss; races: list of row index arrays."""
    groups = []
    for idx in races:
        y = won[idx]
        if y.sum() == 0:
            continue
        groups.append((idx, y / y.sum()))

    def objective(beta):
        loss = L2 * beta @ beta
        grad = 2 * L2 * beta
        for idx, y in groups:
            s = z[idx] @ beta
            m = s.max()
            e = np.exp(s - m)
            lse = m + np.log(e.sum())
            p = e / e.sum()
            loss += lse - y @ s
            grad += (p - y) @ z[idx]
        return loss, grad

    res = scipy.optimize.minimize(objective, np.zeros(z.shape[1]), jac=True, method="BFGS",
                                  options={"gtol": 1e-12, "maxiter": 10000})
    loss, grad = objective(res.x)
    if np.abs(grad).max() > 1e-9:
        sys.exit(f"BFGS stopped at max |gradient| {np.abs(grad).max():.3g}: {res.message}")
    return res.x, loss, np.abs(grad).max()


def main():
    rows = make_rows()
    os.makedirs(OUT, exist_ok=True)
    write_csv(rows, os.path.join(OUT, "races.csv"))
    train = [r for r in rows if TRAIN[0] <= r[0] <= TRAIN[1]]
    x = np.array([r[3] for r in train])
    won = np.array([r[2] for r in train], dtype=float)
    keys = [(r[0], r[1]) for r in train]
    races, start = [], 0
    for i in range(1, len(keys) + 1):
        if i == len(keys) or keys[i] != keys[start]:
            races.append(np.arange(start, i))
            start = i
    z, mean, sd, median = standardise(x)
    beta, loss, gmax = fit(z, races, won)
    with open(os.path.join(OUT, "reference.tsv"), "w") as f:
        f.write(f"# {COMMAND}\n")
        f.write(f"# numpy {np.__version__}, scipy {scipy.__version__}: BFGS, gtol 1e-12; "
                f"training seasons {TRAIN[0]}-{TRAIN[1]}, l2 {L2}\n")
        f.write(f"# loss {loss!r}, max |gradient| {gmax:.3g}, {len(train)} rows, {len(races)} races\n")
        f.write("quantity\tfeature\tvalue\n")
        for name, values in (("median", median), ("mean", mean), ("sd", sd), ("beta", beta)):
            for j, v in enumerate(values):
                f.write(f"{name}\t{FEATURES[j]}\t{v:.17g}\n")
        f.write(f"loss\t-\t{loss:.17g}\n")
    print(f"beta {beta}, loss {loss:.17g}, max |gradient| {gmax:.3g}")


if __name__ == "__main__":
    main()
