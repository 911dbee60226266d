#!/usr/bin/env python3
"""Prints the SHA-256 of a run's user-visible outputs, one "digest  name" line
each (sha256sum's format), for tests/data/golden/ and test_golden.sh.

usage: golden_digest.py DATA_DIR FILE...
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
        if n == "metrics.json":
            data = mask_timings(data, "f1-model.zip/metrics.json")
        elif n == "manifest.json":
            if "metrics.json" not in entries:
                fail("f1-model.zip has manifest.json but no metrics.json")
            data = mask_manifest(data, entries["metrics.json"])
        lines.append((sha(data), "f1-model.zip/" + n))
    return lines


def main():
    if len(sys.argv) < 3:
        fail("usage: golden_digest.py DATA_DIR FILE...")
    d = sys.argv[1]
    for name in sys.argv[2:]:
        path = f"{d}/{name}"
        if name == "f1-model.zip":
            lines = zip_lines(path)
        else:
            with open(path, "rb") as f:
                data = f.read()
            if name == "metrics.json":
                data = mask_timings(data, name)
            lines = [(sha(data), name)]
        for digest, label in lines:
            print(f"{digest}  {label}")


main()
