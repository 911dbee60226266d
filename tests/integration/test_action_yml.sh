#!/usr/bin/env bash
# action.yml against the program: every option `f1-mlops --help` lists is an
# input with the same default and a description, and its id maps to the
# same INPUT_<NAME> variable under the runner and act; runs.env sets no
# INPUT_* (act would pass the unevaluated expression); every output of spec
# §7 is declared; the action is a Docker action built from the Dockerfile.
. "$(dirname "$0")/lib.sh"

PY=python3
if ! "$PY" -c 'import yaml' 2>/dev/null && /usr/bin/python3 -c 'import yaml' 2>/dev/null; then
    PY=/usr/bin/python3
fi
check "python has PyYAML (Debian: python3-yaml)" "$PY" -c 'import yaml'

"$BIN" --help >"$WORK/help.txt"
check "--help lists options" grep -q '^  --seasons ' "$WORK/help.txt"

"$PY" - "$ROOT/action.yml" "$WORK/help.txt" >"$WORK/result.txt" 2>&1 <<'EOF'
import re
import sys

import yaml

action = yaml.safe_load(open(sys.argv[1]))
inputs = action.get("inputs") or {}
outputs = action.get("outputs") or {}
runs = action.get("runs") or {}
env = runs.get("env") or {}

options = {}
for line in open(sys.argv[2]):
    m = re.match(r"^  --(\S+)\s.*\(default: (.*)\)$", line.rstrip("\n"))
    if m:
        options[m.group(1)] = "" if m.group(2) == "empty" else m.group(2)


def check(ok, what):
    print(("ok " if ok else "not ok ") + what)


check(len(options) >= 20, "help lists %d options" % len(options))
for name, default in sorted(options.items()):
    spec = inputs.get(name)
    check(spec is not None, "input %s declared" % name)
    if spec is None:
        continue
    # The token is the job's, which only the action knows.
    want = "${{ github.token }}" if name == "github-token" else default
    check(str(spec.get("default", "")) == want,
          "input %s default %r == %r" % (name, spec.get("default"), want))
    check(bool(str(spec.get("description", "")).strip()), "input %s has a description" % name)
for name in sorted(inputs):
    check(name in options, "input %s is a program option" % name)
    check(re.fullmatch(r"[a-z][a-z0-9-]*", name) is not None,
          "input id %s uses only [a-z0-9-] (same INPUT_ name under the runner and act)" % name)
check(not [k for k in env if k.upper().startswith("INPUT_")], "runs.env sets no INPUT_ variable")
# The stage names, in run order, as the registry (stages/registry.h) gives them to --help.
stage_list = next((m.group(1) for m in (re.match(r"^  --stages\s+comma list of (\S+), or all", l)
                                        for l in open(sys.argv[2])) if m), None)
check(stage_list is not None and stage_list in str((inputs.get("stages") or {}).get("description", "")),
      "input stages lists the program's stages in run order (%s)" % stage_list)

spec7 = ["model-path", "zip-path", "metrics-path", "precision", "expected-precision", "hits",
         "races", "pole-precision", "leader-precision", "artifact-id", "artifact-url",
         "artifact-digest", "baseline-precision", "baseline-expected-precision", "precision-delta",
         "baseline-log-loss", "baseline-brier", "log-loss-delta", "brier-delta",
         "improved", "comment-url"]
for name in spec7:
    check(name in outputs and bool(str(outputs[name].get("description", "")).strip()),
          "output %s declared with a description" % name)
check(runs.get("using") == "docker", "runs.using is docker")
check(runs.get("image") == "Dockerfile", "runs.image is the Dockerfile")
check(not runs.get("args"), "runs.args is empty (inputs come from INPUT_*)")
check(all(k in action for k in ("name", "description", "branding")), "name, description, branding")

# The example workflows and the self-test use the action with inputs it has.
import glob
import os
root = os.path.dirname(sys.argv[1])
flows = sorted(glob.glob(os.path.join(root, "examples", "*.yml"))) + \
    [os.path.join(root, ".github", "workflows", "selftest.yml")]
check(len(flows) >= 5, "%d workflows found" % len(flows))
for path in flows:
    name = os.path.relpath(path, root)
    flow = yaml.safe_load(open(path))
    uses = [step for job in (flow.get("jobs") or {}).values() for step in job.get("steps", [])
            if step.get("uses") in ("OWNER/f1-mlops@v1", "./")]
    check(bool(uses), "%s uses the action" % name)
    for step in uses:
        for key in step.get("with") or {}:
            check(key in inputs, "%s: with.%s is an input" % (name, key))
EOF
tally "$WORK/result.txt"
check "the checker ran" grep -q '^ok runs.using is docker' "$WORK/result.txt"

finish
