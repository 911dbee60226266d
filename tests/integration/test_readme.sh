#!/usr/bin/env bash
# The README's inputs and outputs tables equal action.yml, and the README
# opens with the two commands (run the pipeline; run the tests).
. "$(dirname "$0")/lib.sh"
PY=python3
"$PY" -c 'import yaml' 2>/dev/null || PY=/usr/bin/python3
check "README tables equal action.yml (tests/tools/readme_tables.py --write fixes)" \
    "$PY" "$ROOT/tests/tools/readme_tables.py" --check
check "every input is in the README table" bash -c "
    for i in \$(\"$PY\" -c 'import yaml,sys; print(\" \".join(yaml.safe_load(open(sys.argv[1]))[\"inputs\"]))' '$ROOT/action.yml'); do
        grep -q \"^| \\\`\$i\\\` |\" '$ROOT/README.md' || exit 1
    done"
first_block=$(awk '/^```/{n++; next} n==1' "$ROOT/README.md")
check "README opens with the main-job command" grep -q '^bash examples/offline-demo.sh$' <<<"$first_block"
check "README opens with the test command" grep -q '^bash tests/install-deps.sh && make test$' <<<"$first_block"
check ".ci/run runs the README's test command" bash -c "grep -q '^bash tests/install-deps.sh$' '$ROOT/.ci/run' && grep -q '^make test$' '$ROOT/.ci/run'"
finish
