#!/usr/bin/python3
"""Writes tests/data/sklearn_parity.tsv: scikit-learn's expected_precision on
OUR features, per test season and seed, for tests/integration/test_parity.sh.

Our model is scikit-learn's BaggingRegressor(DecisionTreeRegressor()) with
its own PRNG (spec section 4), so parity is statistical: over many seeds,
our expected_precision should match scikit-learn's.  This tool gives the
scikit-learn side on exactly the input our trainer gets:
  1. the store: seasons 1950-2024 with weather, pulled by our `source` stage
     from the replay server (tests/replay/replay.py) on the bundled data, or
     an existing one (--data-dir holding store/);
  2. for each test season T: our `prepare,features` stages with
     --seasons FIRST-T --test-season T (one-hot columns chosen on FIRST..T-1),
     then features.csv is read;
  3. for each seed: BaggingRegressor(DecisionTreeRegressor(), n_estimators=200,
     max_samples=10, max_features=50, bootstrap=True, bootstrap_features=True,
     random_state=seed) fitted on the rows of seasons FIRST..T-1 (target
     `won`), and expected_precision on season T: the mean over its races of
     (winners among the k rows tied at the top, within 1e-9) / k, as spec
     section 5 scores it.
Output: a comment line with the command and versions, then
"season<TAB>seed<TAB>expected_precision" rows.  Per-season means are printed.

Run from the repository root with Debian's python (pandas, scikit-learn):
  /usr/bin/python3 tests/tools/sklearn_parity.py --out tests/data/sklearn_parity.tsv
It takes a few minutes (80 fits, plus the store when not given).
"""
import argparse
import os
import re
import shlex
import subprocess
import sys
import tempfile

import numpy as np
import pandas as pd
import sklearn

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.dont_write_bytecode = True  # keep bench/ free of __pycache__
sys.path.insert(0, os.path.join(ROOT, "bench"))
from baseline import make_model, race_scores, season_range  # noqa: E402  (bench/baseline.py)


def build_store(binary, data_dir, first, last):
    """Pulls seasons first..last into data_dir from a replay server it starts."""
    log = os.path.join(data_dir, "replay.log")
    server = subprocess.Popen(
        [sys.executable, os.path.join(ROOT, "tests/replay/replay.py"), "--port", "0",
         "--data", os.path.join(ROOT, "tests/data"), "--log", log],
        stdout=subprocess.PIPE, text=True)
    try:
        line = server.stdout.readline().split()
        if line[:1] != ["READY"]:
            sys.exit("the replay server did not start")
        url = f"http://127.0.0.1:{line[1]}"
        subprocess.run([binary, "--stages", "source", "--seasons", f"{first}-{last}",
                        "--data-dir", data_dir, "--api-base-url", url + "/ergast/f1",
                        "--wikipedia-base-url", url, "--api-requests-per-second", "1000",
                        "--api-requests-per-hour", "1000000"],
                       check=True, stdout=subprocess.DEVNULL)
    finally:
        server.terminate()
        server.wait()


def our_features(binary, data_dir, first, test):
    subprocess.run([binary, "--stages", "prepare,features", "--seasons", f"{first}-{test}",
                    "--test-season", str(test), "--data-dir", data_dir],
                   check=True, stdout=subprocess.DEVNULL)
    return pd.read_csv(os.path.join(data_dir, "features.csv"), keep_default_na=False)


def expected_precision(features, first, test, seed):
    train = features["season"].between(first, test - 1)
    cols = features.columns.drop(["driver_id", "won"])
    model = make_model(seed).fit(features.loc[train, cols].to_numpy(dtype=float),
                                 features.loc[train, "won"].to_numpy(dtype=float))
    rows = features[features["season"] == test].reset_index(drop=True)
    pred = model.predict(rows[cols].to_numpy(dtype=float))
    races = list(rows.groupby("round", sort=True).indices.values())
    scores = race_scores(pred, rows["won"].to_numpy(dtype=float), races,
                         np.random.default_rng(seed))
    return scores[:, 1].mean()


def our_version():
    """F1_VERSION of src/core/version.h and the git commit it was built on."""
    with open(os.path.join(ROOT, "src/core/version.h")) as f:
        version = re.search(r'#define F1_VERSION "([^"]*)"', f.read()).group(1)
    head = subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"],
                          capture_output=True, text=True).stdout.strip()
    return f"{version} (git {head or 'unknown'})"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--bin", default=os.path.join(ROOT, "build/f1-mlops"))
    ap.add_argument("--data-dir", help="a data-dir whose store/ holds seasons FIRST-2024 "
                    "(default: a temporary one, pulled from the replay server)")
    ap.add_argument("--first", type=int, default=1950)
    ap.add_argument("--seasons", default="2021-2024", help="test seasons A-B")
    ap.add_argument("--seeds", default="0-19", help="seeds A-B")
    ap.add_argument("--out", default=os.path.join(ROOT, "tests/data/sklearn_parity.tsv"))
    args = ap.parse_args()
    t_first, t_last = season_range(args.seasons)
    s_first, s_last = season_range(args.seeds)
    command = " ".join(shlex.quote(a) for a in [sys.executable] + sys.argv)
    with tempfile.TemporaryDirectory(prefix="f1-parity.") as tmp:
        data_dir = args.data_dir or tmp
        if not os.path.isdir(os.path.join(data_dir, "store", "results")):
            build_store(args.bin, data_dir, args.first, t_last)
        rows = []
        for test in range(t_first, t_last + 1):
            features = our_features(args.bin, data_dir, args.first, test)
            values = [expected_precision(features, args.first, test, seed)
                      for seed in range(s_first, s_last + 1)]
            rows += [(test, seed, v) for seed, v in zip(range(s_first, s_last + 1), values)]
            print(f"season {test}: sklearn mean expected_precision {np.mean(values):.4f} "
                  f"over seeds {s_first}-{s_last} ({features.shape[1] - 2} features)", flush=True)
    version = our_version()
    with open(args.out, "w") as f:
        f.write(f"# produced by: {command} (from the repository root); scikit-learn "
                f"{sklearn.__version__}, numpy {np.__version__}, pandas {pd.__version__}; "
                f"features by f1-mlops {version}\n")
        f.write("season\tseed\texpected_precision\n")
        for test, seed, v in rows:
            f.write(f"{test}\t{seed}\t{v:.6f}\n")
    print(f"mean over {len(rows)} runs: {np.mean([r[2] for r in rows]):.4f}; wrote {args.out}")


if __name__ == "__main__":
    main()
