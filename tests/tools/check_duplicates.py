#!/usr/bin/env python3
"""Fails on any pair of copied places in a source tree that the baseline of
accepted pairs does not name, and on any baseline entry no longer found.

usage: check_duplicates.py SRC_DIR BASELINE      check (make lint)
       check_duplicates.py --list SRC_DIR        print the pairs as keys

The pairs come from the `duplicates` command (on PATH; it always exits 0, so
its rows are read here).  A pair's key is its row without the row number and
the line numbers, which move with every edit above them:
    ml/score.c ~ ml/search.c shape boilerplate
    pipeline/metrics_md.c ~ pipeline/metrics_md.c shape (+1 more run)
so a new copy between two files already paired still shows, as a change of
"shape" to an exact copy or of the "+N more runs".  Its "left out:" line
(runs copied in more than eight places) is a key too.

BASELINE: one accepted pair a line, "KEY | why it is accepted"; the reason
may not be empty.  '#' lines and blank lines are ignored.
"""
import collections
import re
import subprocess
import sys

ROW = re.compile(r"^D\d+ (\S+):\d+-\d+ ~ (\S+):\d+-\d+(.*)$")


def fail(msg):
    print(f"check_duplicates: {msg}")
    sys.exit(2)


def current_keys(src):
    try:
        out = subprocess.run(["duplicates", "--repo", src, "--most", "200", "--seconds", "300"],
                             capture_output=True, text=True, timeout=600, check=False).stdout
    except FileNotFoundError:
        fail("the `duplicates` command is not on PATH")
    keys = []
    for line in out.splitlines():
        m = ROW.match(line)
        if m:
            keys.append(f"{m.group(1)} ~ {m.group(2)}{m.group(3)}")
        elif line.startswith("left out:"):
            keys.append(line)
        elif line.startswith("incomplete:") or re.match(r"^\(\+\d+ more pairs\)", line):
            fail(f"duplicates did not list every pair: {line}")
    if not out.strip():
        fail("duplicates printed nothing")
    return keys


def read_baseline(path):
    accepted = collections.Counter()
    problems = []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            key, sep, why = (part.strip() for part in line.partition(" | "))
            if not sep or not why:
                problems.append(f"{path}:{n}: no reason (KEY | why it is accepted)")
            accepted[key] += 1
    return accepted, problems


def main():
    args = sys.argv[1:]
    if args[:1] == ["--list"] and len(args) == 2:
        print("\n".join(current_keys(args[1])))
        return 0
    if len(args) != 2:
        fail("usage: check_duplicates.py SRC_DIR BASELINE | --list SRC_DIR")
    src, baseline = args
    accepted, problems = read_baseline(baseline)
    found = collections.Counter(current_keys(src))
    for key in sorted((found - accepted).elements()):
        problems.append(f"{src}: new copy: {key}  (remove it, or accept it in {baseline} with a reason)")
    for key in sorted((accepted - found).elements()):
        problems.append(f"{baseline}: accepted pair no longer found, remove it: {key}")
    for p in problems:
        print(p)
    if problems:
        print(f"check_duplicates: {len(problems)} finding(s)")
        return 1
    print(f"check_duplicates: {src}: {sum(found.values())} pair(s), each accepted in {baseline}")
    return 0


sys.exit(main())
