#!/usr/bin/env python3
"""Compares the weather records of an embedded store with the replay rule.

usage: weather_check.py DATA_DIR EXPECTED_TSV
EXPECTED_TSV comes from `replay.py --expected-weather` (season, round,
status, lang, raw text).  The stored text is the raw text cleaned as docs/pipeline.md §2
says (footnote markers and whitespace runs), which this script re-implements
independently.  Prints "ok" or the first few differences.
"""
import csv
import json
import os
import re
import sys

FOOTNOTE = re.compile(r"\[[A-Za-z0-9 ]{1,12}\]")


def clean(text):
    return " ".join(FOOTNOTE.sub(" ", text).split())


def main():
    data_dir, tsv = sys.argv[1], sys.argv[2]
    bad = []
    n = 0
    csv.field_size_limit(1 << 24)
    with open(tsv, encoding="utf-8", newline="") as f:
        for row in csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE):
            if not row or row[0] == "season":
                continue
            season, rnd, status, lang, raw = row[0], row[1], row[2], row[3], row[4] if len(row) > 4 else ""
            raw = raw.replace("\\n", "\n").replace("\\t", "\t").replace("\\\\", "\\")
            path = os.path.join(data_dir, "store", "weather", f"{season}_{rnd}.json")
            n += 1
            if not os.path.exists(path):
                bad.append(f"{season}/{rnd}: no record")
                continue
            with open(path, encoding="utf-8") as g:
                doc = json.load(g)
            want_text = clean(raw) if status == "found" else None
            got = (doc.get("status"), doc.get("lang") or "", doc.get("text"))
            want = (status, lang if status == "found" else "", want_text)
            if got != want:
                bad.append(f"{season}/{rnd}: got {got!r} want {want!r}")
    if n < 1000:
        bad.append(f"only {n} expected rows")
    print("ok" if not bad else "\n".join(bad[:10]))


if __name__ == "__main__":
    main()
