#!/usr/bin/env python3
"""Checks an embedded store (data-dir/store) against the Ergast CSVs.

usage: store_check.py DATA_DIR CSV_DIR FIRST LAST [results|qualifying]
Prints "rows=N races=N dups=N mismatched=N" where rows/races count the
stored rows and races of seasons FIRST..LAST of the table (results by
default, or qualifying), dups counts repeated (race, position, driver) rows,
and mismatched counts races whose driver ids (in order) differ from the
table's CSV (results.csv by positionOrder, qualifying.csv by position),
including races the CSV has and the store lacks.  Independent of the C code
under test: it reads the documents as JSON files and the CSVs as CSV.
"""
import csv
import glob
import json
import os
import sys

# table -> (CSV file, its order column, the documents' array of rows)
TABLES = {"results": ("results.csv", "positionOrder", "Results"),
          "qualifying": ("qualifying.csv", "position", "QualifyingResults")}


def expected(csv_dir, first, last, table):
    name, order, _ = TABLES[table]
    races = {}
    with open(os.path.join(csv_dir, "races.csv"), newline="", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            if first <= int(r["year"]) <= last:
                races[r["raceId"]] = (int(r["year"]), int(r["round"]))
    drivers = {}
    with open(os.path.join(csv_dir, "drivers.csv"), newline="", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            drivers[r["driverId"]] = r["driverRef"]
    rows = {}
    with open(os.path.join(csv_dir, name), newline="", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            key = races.get(r["raceId"])
            if key is not None:
                rows.setdefault(key, []).append((int(r[order]), drivers[r["driverId"]]))
    # stable sort: rows sharing a position keep the CSV's order, as the API does
    return {k: [d for _, d in sorted(v, key=lambda t: t[0])] for k, v in rows.items()}


def main():
    data_dir, csv_dir, first, last = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    table = sys.argv[5] if len(sys.argv) > 5 else "results"
    want = expected(csv_dir, first, last, table)
    rows = races = dups = mismatched = 0
    seen = set()
    for path in glob.glob(os.path.join(data_dir, "store", table, "*.json")):
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
        key = (int(doc["season"]), int(doc["round"]))
        if not first <= key[0] <= last:
            continue
        seen.add(key)
        res = doc.get(TABLES[table][2], [])
        races += 1
        rows += len(res)
        keys = [(r["position"], r["Driver"]["driverId"]) for r in res]
        dups += len(keys) - len(set(keys))
        ids = [r["Driver"]["driverId"] for r in res]
        if ids != want.get(key):
            mismatched += 1
    mismatched += len(set(want) - seen)
    print(f"rows={rows} races={races} dups={dups} mismatched={mismatched}")


if __name__ == "__main__":
    main()
