#!/usr/bin/env bash
# lint.sh [CHECK...]: the static checks of `make lint`, all of them or the
# ones named; prints each check's findings and "lint CHECK: ok|FAILED", ends
# with "lint: N failed of M" and exits 1 when any check failed.
#   - layers      includes follow src/LAYERS (tests/tools/check_layers.py)
#   - duplicates  no copied code in src/ beyond tests/lint/duplicates-accepted.txt
#   - shellcheck  every shell script of the repository (.shellcheckrc)
#   - actionlint  the workflows: .github/workflows/*.yml, examples/*.yml and
#                 tests/integration/workflows/*.yml
#   - analyze     clang's static analyser on src/ (make analyze)
# tests/integration/test_lint.sh runs each as a counted test of `make test`.
# The shellcheck and actionlint commands come from tests/install-deps.sh.
set -u
cd "$(dirname "$0")/.." || exit 1
ACTIONLINT_VERSION=1.7.12

# Every shell script: *.sh, and files whose first line runs sh or bash.
shell_scripts() {
    local f
    if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
        git ls-files --cached --others --exclude-standard
    else
        find . -type f ! -path './build*' ! -path './.git/*' | sed 's|^\./||'
    fi | sort -u | while read -r f; do
        [ -f "$f" ] || continue
        case "$f" in
            *.sh) echo "$f" ;;
            *) head -n 1 "$f" 2>/dev/null | grep -qE '^#!.*[/ ](ba)?sh( |$)' && echo "$f" ;;
        esac
    done
}

find_actionlint() {
    local gopath
    if command -v actionlint >/dev/null 2>&1; then command -v actionlint; return; fi
    gopath=$(go env GOPATH 2>/dev/null || /usr/local/go/bin/go env GOPATH 2>/dev/null) || return 1
    [ -x "$gopath/bin/actionlint" ] && echo "$gopath/bin/actionlint"
}

check_layers() { python3 tests/tools/check_layers.py src; }
check_duplicates() { python3 tests/tools/check_duplicates.py src tests/lint/duplicates-accepted.txt; }
check_shellcheck() {
    local scripts
    command -v shellcheck >/dev/null 2>&1 || { echo "shellcheck is not installed (bash tests/install-deps.sh)"; return 1; }
    mapfile -t scripts < <(shell_scripts)
    [ "${#scripts[@]}" -gt 0 ] || { echo "no shell scripts found"; return 1; }
    shellcheck -f gcc "${scripts[@]}" && echo "shellcheck: ${#scripts[@]} scripts clean"
}
check_actionlint() {
    local bin
    bin=$(find_actionlint) || { echo "actionlint is not installed (bash tests/install-deps.sh)"; return 1; }
    if ! "$bin" -version | grep -qx "v\?$ACTIONLINT_VERSION"; then
        echo "$bin is not actionlint $ACTIONLINT_VERSION (bash tests/install-deps.sh)"
        return 1
    fi
    # examples/ and the workflows the act tests run are workflows too: named,
    # since actionlint looks only in .github/workflows
    "$bin" .github/workflows/*.yml examples/*.yml tests/integration/workflows/*.yml &&
        echo "actionlint: workflows clean"
}
check_analyze() { make -s analyze 2>&1 && echo "analyze: no findings in src/"; }

checks=("$@")
[ "${#checks[@]}" -gt 0 ] || checks=(layers duplicates shellcheck actionlint analyze)
failed=0
for c in "${checks[@]}"; do
    case "$c" in
        layers | duplicates | shellcheck | actionlint | analyze) ;;
        *) echo "lint.sh: no check '$c'" >&2; exit 2 ;;
    esac
    if "check_$c"; then
        echo "lint $c: ok"
    else
        echo "lint $c: FAILED"
        failed=$((failed + 1))
    fi
done
echo "lint: $failed failed of ${#checks[@]}"
[ "$failed" -eq 0 ]
