#!/usr/bin/env python3
"""Prints the qualifying.csv prepare must write for seasons FIRST..LAST, from
the Ergast CSVs alone (independent of the C code under test).

usage: qualifying_expected.py CSV_DIR FIRST LAST
Rows sorted by season, round, driver id (bytes); times "m:ss.sss" as whole
milliseconds, an empty cell where the CSV has none.
"""
import csv
import os
import re
import sys


def ms(text):
    if text in ("", "\\N"):
        return ""
    m = re.fullmatch(r"(?:(\d+):)?(\d+)\.(\d{1,3})", text)
    minutes, seconds, frac = int(m.group(1) or 0), int(m.group(2)), int(m.group(3).ljust(3, "0"))
    return str((minutes * 60 + seconds) * 1000 + frac)


def main():
    d, first, last = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    load = lambda name: csv.DictReader(open(os.path.join(d, name + ".csv"), newline="", encoding="utf-8"))
    races = {r["raceId"]: (int(r["year"]), int(r["round"])) for r in load("races")}
    drivers = {r["driverId"]: r["driverRef"] for r in load("drivers")}
    rows = []
    for r in load("qualifying"):
        season, rnd = races[r["raceId"]]
        if first <= season <= last:
            rows.append((season, rnd, drivers[r["driverId"]].encode(), ms(r["q1"]), ms(r["q2"]), ms(r["q3"])))
    out = sys.stdout
    out.write("season,round,driver_id,q1_ms,q2_ms,q3_ms\n")
    for season, rnd, driver, q1, q2, q3 in sorted(rows):
        out.write("%d,%d,%s,%s,%s,%s\n" % (season, rnd, driver.decode(), q1, q2, q3))


if __name__ == "__main__":
    main()
