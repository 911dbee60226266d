#!/usr/bin/env python3
"""The README's inputs and outputs tables, made from action.yml.

usage: readme_tables.py --write   rewrite the tables in README.md
       readme_tables.py --check   exit 1 (naming the difference) if they differ
The tables live between <!-- INPUTS-TABLE --> / <!-- END-INPUTS-TABLE -->
and <!-- OUTPUTS-TABLE --> / <!-- END-OUTPUTS-TABLE -->.
"""
import os
import re
import sys

import yaml

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")


def cell(text):
    return " ".join(str(text).split()).replace("|", "\\|")


def tables(action):
    rows = ["## Inputs", "", "| input | default | description |", "|---|---|---|"]
    for name, spec in action["inputs"].items():
        default = spec.get("default", "")
        rows.append("| `%s` | %s | %s |" % (name, "`%s`" % default if default != "" else "empty",
                                            cell(spec.get("description", ""))))
    inputs = "\n".join(rows)
    rows = ["## Outputs", "", "| output | description |", "|---|---|"]
    for name, spec in action["outputs"].items():
        rows.append("| `%s` | %s |" % (name, cell(spec.get("description", ""))))
    return inputs, "\n".join(rows)


def render(readme, inputs, outputs):
    for tag, body in (("INPUTS-TABLE", inputs), ("OUTPUTS-TABLE", outputs)):
        pattern = re.compile(r"<!-- %s -->.*?<!-- END-%s -->" % (tag, tag), re.S)
        block = "<!-- %s -->\n%s\n<!-- END-%s -->" % (tag, body, tag)
        if pattern.search(readme):
            readme = pattern.sub(lambda _: block, readme)
        else:
            readme = readme.replace("<!-- %s -->" % tag, block)
    return readme


def main():
    action = yaml.safe_load(open(os.path.join(ROOT, "action.yml"), encoding="utf-8"))
    path = os.path.join(ROOT, "README.md")
    readme = open(path, encoding="utf-8").read()
    want = render(readme, *tables(action))
    if sys.argv[1:] == ["--write"]:
        open(path, "w", encoding="utf-8").write(want)
        return 0
    if want != readme:
        import difflib
        sys.stdout.writelines(difflib.unified_diff(readme.splitlines(True), want.splitlines(True),
                                                   "README.md", "from action.yml", n=0))
        return 1
    print("README tables match action.yml")
    return 0


if __name__ == "__main__":
    sys.exit(main())
