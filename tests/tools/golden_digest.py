#!/usr/bin/env python3
"""Prints the SHA-256 of a run's user-visible outputs, one "digest  name" line
each (sha256sum's format), for tests/data/golden/ and test_golden.sh.

usage: golden_digest.py [--strip-v2] DATA_DIR FILE...
  FILE is prepared.csv, features.csv, model.json, metrics.json,
  predictions.csv or f1-model.zip, in DATA_DIR.

Bytes are hashed as written, with two exceptions, both only what depends on
the clock:
  - metrics.json: every number inside its "timings" object becomes 0.  The
    text is edited in place, not parsed and re-serialised, so the layout
    (tabs, key order, number formatting, final newline) still counts; the
    timing keys (which stages ran, in which order) count as well.
  - the zip's manifest.json: the "sha256" and "size" it records for
    metrics.json cover the timings, so they are first checked against the
    zip's metrics.json entry and then replaced by a placeholder.
A zip gives one line for its entry list (names in order) and one per entry.

--strip-v2 first removes what issue 15 added to the outputs of every model,
as text, so that the rest can be compared with digests of the code before
it (tests/data/golden/*-v1.sha256): from metrics.json the keys "learner",
"feature_set", "log_loss", "brier", "grid_expected_precision",
"grid_log_loss", "grid_brier" and every "grid" object (with the comma each
left behind), from predictions.csv its last column, "probability".  The
zip's MODEL_CARD.md and manifest.json (which hashes the changed files) are
then left out: they changed as a whole.
"""
import hashlib
import json
import re
import sys
import zipfile

TIMINGS = re.compile(r'("timings":\s*\{)([^{}]*)(\})')
NUMBER = re.compile(r'(:\s*)-?[0-9][0-9.eE+-]*')
MANIFEST_METRICS = re.compile(
    r'("metrics\.json":\s*\{\s*"sha256":\s*")[0-9a-f]{64}("\s*,\s*"size":\s*)[0-9]+')


def fail(msg):
    sys.exit(f"golden_digest: {msg}")


STRIP_KEYS = re.compile(r'^\t+"(learner|feature_set|log_loss|brier|grid_expected_precision|'
                        r'grid_log_loss|grid_brier)":\t.*\n', re.M)
STRIP_GRID = re.compile(r'^(\t+)"grid":\t\{\n.*?^\1\},?\n', re.M | re.S)
DANGLING = re.compile(r',(\n\t*[}\]])')
STRIP = False


def strip_metrics(data):
    text = STRIP_GRID.sub("", STRIP_KEYS.sub("", data.decode("utf-8")))
    return DANGLING.sub(r"\1", text).encode("utf-8")


def strip_predictions(data):
    lines = data.decode("utf-8").split("\n")
    if not lines[0].endswith(",probability"):
        fail("predictions.csv: the last column is not probability")
    return "\n".join(l.rsplit(",", 1)[0] if l else l for l in lines).encode("utf-8")


def sha(data):
    return hashlib.sha256(data).hexdigest()


def mask_timings(data, where):
    text = data.decode("utf-8")
    found = TIMINGS.findall(text)
    if len(found) != 1:
        fail(f"{where}: expected one flat \"timings\" object, found {len(found)}")
    masked = TIMINGS.sub(lambda m: m.group(1) + NUMBER.sub(r"\g<1>0", m.group(2)) + m.group(3),
                         text)
    timings = json.loads(masked)["timings"]  # still JSON, and only the timings changed
    if any(v != 0 for v in timings.values()):
        fail(f"{where}: a timing is not a plain number: {timings}")
    return masked.encode("utf-8")


def mask_manifest(data, metrics_raw):
    recorded = json.loads(data)["files"]["metrics.json"]
    if recorded != {"sha256": sha(metrics_raw), "size": len(metrics_raw)}:
        fail(f"manifest.json's metrics.json entry {recorded} does not match the zip's metrics.json")
    text, n = MANIFEST_METRICS.subn(r"\g<1>MASKED\g<2>0", data.decode("utf-8"))
    if n != 1:
        fail("manifest.json: metrics.json's sha256 and size not found in the expected layout")
    return text.encode("utf-8")


def zip_lines(path):
    with zipfile.ZipFile(path) as z:
        names = z.namelist()
        entries = {n: z.read(n) for n in names}
    lines = [(sha("\n".join(names).encode("utf-8")), "f1-model.zip:entries")]
    for n in names:
        data = entries[n]
        if STRIP and n in ("MODEL_CARD.md", "manifest.json"):
            continue
        if STRIP and n == "predictions.csv":
            data = strip_predictions(data)
        if n == "metrics.json":
            data = mask_timings(strip_metrics(data) if STRIP else data, "f1-model.zip/metrics.json")
        elif n == "manifest.json":
            if "metrics.json" not in entries:
                fail("f1-model.zip has manifest.json but no metrics.json")
            data = mask_manifest(data, entries["metrics.json"])
        lines.append((sha(data), "f1-model.zip/" + n))
    return lines


def main():
    global STRIP
    args = sys.argv[1:]
    if args and args[0] == "--strip-v2":
        STRIP = True
        args = args[1:]
    if len(args) < 2:
        fail("usage: golden_digest.py [--strip-v2] DATA_DIR FILE...")
    d = args[0]
    for name in args[1:]:
        path = f"{d}/{name}"
        if name == "f1-model.zip":
            lines = zip_lines(path)
        else:
            with open(path, "rb") as f:
                data = f.read()
            if STRIP and name == "predictions.csv":
                data = strip_predictions(data)
            if name == "metrics.json":
                data = mask_timings(strip_metrics(data) if STRIP else data, name)
            lines = [(sha(data), name)]
        for digest, label in lines:
            print(f"{digest}  {label}")


main()
