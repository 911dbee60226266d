#!/usr/bin/env bash
# Runs every test: the unit programs (plain and sanitizer builds) and the
# integration scripts, adds up their RESULT lines and ends with the line
# "N passed, N failed" (", N skipped" after it when a script printed
# "SKIP: what: why" lines, which are shown).  Exit status is non-zero
# when anything failed.
# TESTS=pattern limits the integration scripts run (e.g. TESTS=source).
set -u
if [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null; then
    # Docker, the tmpfs of the disk-full test and the container's uid checks need root
    exec sudo -E bash "$0" "$@"
fi
cd "$(dirname "$0")/.." || exit 1
passed=0
failed=0
skipped=0
add_result() { # name, output file, exit code
    local line p f s
    line=$(grep -E '^RESULT passed=[0-9]+ failed=[0-9]+$' "$2" | tail -n 1)
    if [ -z "$line" ]; then
        echo "FAIL $1: no RESULT line (exit $3)"; tail -n 20 "$2"
        failed=$((failed + 1)); return
    fi
    p=${line#RESULT passed=}; p=${p%% *}
    f=${line##*failed=}
    if [ "$3" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
    passed=$((passed + p)); failed=$((failed + f))
    s=$(grep -c '^SKIP: ' "$2")
    skipped=$((skipped + s))
    if [ "$f" -ne 0 ]; then echo "FAIL $1 ($p passed, $f failed)"; grep -E '^not ok' "$2" | head -n 30; else echo "ok   $1 ($p passed)"; fi
    grep '^SKIP: ' "$2" | sed 's/^/     /'
}
out=$(mktemp)
trap 'rm -f "$out"' EXIT
for dir in build/tests build-asan/tests; do
    [ -d "$dir" ] || continue
    for t in "$dir"/test_*; do
        [ -x "$t" ] || continue
        (cd tests && timeout 600 "../$t") >"$out" 2>&1
        add_result "$t" "$out" $?
    done
done
for t in tests/integration/test_*.sh; do
    [ -f "$t" ] || continue
    case "$t" in *"${TESTS:-}"*) ;; *) continue ;; esac
    timeout 1800 bash "$t" >"$out" 2>&1
    add_result "$t" "$out" $?
done
if [ "$skipped" -gt 0 ]; then
    echo "$passed passed, $failed failed, $skipped skipped"
else
    echo "$passed passed, $failed failed"
fi
[ "$failed" -eq 0 ]
