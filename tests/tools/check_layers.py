#!/usr/bin/env python3
"""Fails when an #include in the C sources goes up a layer, sideways to a
peer, or closes a cycle.  usage: check_layers.py [SRC_DIR]  (default: src)

The layers are read from SRC_DIR/LAYERS, a data file:
  - one line per layer, lowest first; the words on a line are the names of
    folders of SRC_DIR (peers), or of files directly in SRC_DIR;
  - '#' starts a comment; blank lines are ignored;
  - a file directly in SRC_DIR that LAYERS does not name (main.c) sits above
    every layer; every folder must be named exactly once, and every name
    must exist.
A file may include a file of its own folder, or of a lower layer; nothing
else.  Quoted includes are resolved as the compiler does with -ISRC_DIR:
next to the including file first, then from SRC_DIR; one that resolves to
neither is reported, since its layer is unknown.  <...> includes are the
system's and libraries' and are not checked.

Cycles are reported on their own even though the layer rule already forbids
them between folders, because a LAYERS file that is wrong should not hide
them: a cycle of folders (config -> ml -> config), and a cycle of headers
including each other.  Every finding is one line "FILE:LINE: what"; the exit
status is 1 when there is any, 2 when LAYERS itself is unusable.
"""
import os
import re
import sys

INCLUDE = re.compile(r'^\s*#\s*include\s*"([^"]+)"')


def read_layers(src):
    path = os.path.join(src, "LAYERS")
    try:
        lines = open(path, encoding="utf-8").read().splitlines()
    except OSError as ex:
        sys.exit(f"{path}: cannot read the layer list: {ex.strerror}")
    level, problems = {}, []
    for n, line in enumerate(lines, 1):
        words = line.split("#", 1)[0].split()
        if not words:
            continue
        rank = len(set(level.values()))
        for w in words:
            if w in level:
                problems.append(f"{path}:{n}: '{w}' is named twice")
            elif not os.path.exists(os.path.join(src, w)) or "/" in w:
                problems.append(f"{path}:{n}: '{w}' is not a folder or file of {src}")
            level[w] = rank
    for name in sorted(os.listdir(src)):
        if os.path.isdir(os.path.join(src, name)) and name not in level:
            problems.append(f"{path}: folder '{name}' is in no layer")
    if problems or not level:
        print("\n".join(problems or [f"{path}: no layers"]))
        sys.exit(2)
    return level


def unit_of(src, rel):
    """The folder (or top-level file) a path relative to src belongs to."""
    return rel.split("/", 1)[0]


def sources(src):
    for root, dirs, files in os.walk(src):
        dirs.sort()
        for f in sorted(files):
            if f.endswith((".c", ".h")):
                yield os.path.relpath(os.path.join(root, f), src).replace(os.sep, "/")


def resolve(src, rel, target):
    """The included file relative to src, or None when it is not in src."""
    for base in (os.path.dirname(rel), ""):
        cand = os.path.normpath(os.path.join(base, target)).replace(os.sep, "/")
        if not cand.startswith("../") and os.path.isfile(os.path.join(src, cand)):
            return cand
    return None


def find_cycle(graph):
    """One cycle of the directed graph {node: {succ: ...}} as a node list, or None."""
    state, stack = {}, []

    def visit(v):
        state[v] = 1
        stack.append(v)
        for w in sorted(graph.get(v, ())):
            if state.get(w) == 1:
                return stack[stack.index(w):] + [w]
            if w not in state:
                found = visit(w)
                if found:
                    return found
        stack.pop()
        state[v] = 2
        return None

    for v in sorted(graph):
        if v not in state:
            found = visit(v)
            if found:
                return found
    return None


def main():
    src = sys.argv[1] if len(sys.argv) > 1 else "src"
    src = src.rstrip("/") or "/"
    level = read_layers(src)
    top = max(level.values()) + 1
    findings = []
    folder_edges = {}  # (from unit, to unit) -> first "file:line"
    header_graph = {}
    for rel in sources(src):
        unit = unit_of(src, rel)
        mine = level.get(unit, top)
        with open(os.path.join(src, rel), encoding="utf-8", errors="replace") as f:
            for n, line in enumerate(f, 1):
                m = INCLUDE.match(line)
                if not m:
                    continue
                where = f"{src}/{rel}:{n}"
                got = resolve(src, rel, m.group(1))
                if got is None:
                    findings.append(f'{where}: "{m.group(1)}" is not a file of {src}; its layer is unknown')
                    continue
                if rel.endswith(".h"):
                    header_graph.setdefault(rel, set()).add(got)
                other = unit_of(src, got)
                if other == unit:
                    continue
                folder_edges.setdefault((unit, other), where)
                theirs = level.get(other, top)
                if theirs > mine:
                    findings.append(f'{where}: includes "{m.group(1)}": {unit} (layer {mine + 1}) '
                                    f'may not include {other}, a higher layer ({theirs + 1})')
                elif theirs == mine:
                    findings.append(f'{where}: includes "{m.group(1)}": {unit} and {other} are '
                                    f'peers (layer {mine + 1}) and may not include each other')
    graph = {}
    for a, b in folder_edges:
        graph.setdefault(a, set()).add(b)
    # Report each folder cycle once, then drop one of its edges and look again.
    while True:
        cyc = find_cycle(graph)
        if not cyc:
            break
        first = folder_edges[(cyc[0], cyc[1])]
        findings.append(f"{first}: folder cycle: {' -> '.join(cyc)} "
                        f"(back by {folder_edges[(cyc[-2], cyc[-1])]})")
        graph[cyc[0]].discard(cyc[1])
    cyc = find_cycle(header_graph)
    if cyc:
        findings.append(f"{src}/{cyc[0]}: header cycle: {' -> '.join(cyc)}")
    for line in findings:
        print(line)
    if findings:
        print(f"check_layers: {len(findings)} finding(s) against {src}/LAYERS")
        return 1
    print(f"check_layers: {src}: every include goes down a layer or stays in its folder")
    return 0


sys.exit(main())
