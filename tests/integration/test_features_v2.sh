#!/usr/bin/env bash
# The v2 features (src/data/features_v2.c) against their independent Python
# reference (tests/tools/v2_reference.py) on the bundled data:
#   1. the reference file the unit test reads (tests/data/features_v2_reference.csv)
#      is what the tool writes today with the command recorded in
#      tests/unit/test_features_v2_ergast.c;
#   2. every row of 1950-2025 matches (to 1e-9), not just those seasons:
#      the unit test binary is given the tool's output for all of them;
#   3. the rows both read from tests/data/ergast-csv are the rows `prepare`
#      writes from the replay of the same tables, in the same order, so the
#      check covers what the pipeline will feed the builder.
# Needs Debian's python with pandas (REFERENCE_PYTHON, default /usr/bin/python3).
. "$(dirname "$0")/lib.sh"
PY=${REFERENCE_PYTHON:-/usr/bin/python3}
TOOL="$ROOT/tests/tools/v2_reference.py"
UNIT="$ROOT/build/tests/test_features_v2_ergast"

check "$PY has pandas and numpy" "$PY" -c 'import pandas, numpy'
check "the unit test binary is built (make unit)" test -x "$UNIT"

"$PY" "$TOOL" --seasons 1950,1995,2005,2024 --float-format %.12g \
    --features-out "$WORK/fixture.csv" >"$WORK/fixture.log" 2>&1
check "the tool writes the fixture" test $? -eq 0
check "the committed fixture is what the tool writes" \
    cmp "$WORK/fixture.csv" "$ROOT/tests/data/features_v2_reference.csv"

"$PY" "$TOOL" --seasons 1950-2025 --features-out "$WORK/all.csv" >"$WORK/all.log" 2>&1
check "the tool writes 1950-2025" test $? -eq 0
(cd "$ROOT/tests" && "$UNIT" "$WORK/all.csv") >"$WORK/unit.log" 2>&1
check "C and Python agree on every row of 1950-2025" test $? -eq 0
grep -E '^(not ok|compared)' "$WORK/unit.log"
rows=$(sed -n 's/^compared \([0-9]*\) rows.*/\1/p' "$WORK/unit.log")
check_le "rows compared (all of 1950-2025)" 27000 "${rows:-0}"

start_replay
D="$WORK/data"
"$BIN" --stages source,prepare --seasons 1950-2025 --data-dir "$D" --api-base-url "$API_URL" \
    --wikipedia false --api-requests-per-second 1000 --api-requests-per-hour 1000000 \
    >"$WORK/prepare.log" 2>&1
check "source and prepare 1950-2025 from the replay" test $? -eq 0
stop_replay
"$PY" "$TOOL" --check-prepared "$D/prepared.csv" >"$WORK/check.log" 2>&1
check "prepare's rows are the rows the reference reads" test $? -eq 0
cat "$WORK/check.log"
finish
