#!/usr/bin/env bash
# test_lint.sh: make lint's guard rails, counted in make test.  First that
# they can fail, on copies in $WORK (never on src/ itself): the layer check
# (tests/tools/check_layers.py) on a small tree and on a copy of src/ with
# planted includes, the duplicates check on a planted copy, shellcheck's
# settings on a planted bad script.  Then every check of tests/lint.sh on
# the repository, one test each, its findings printed when it fails.
. "$(dirname "$0")/lib.sh"
LAYERS_PY="$ROOT/tests/tools/check_layers.py"
DUPS_PY="$ROOT/tests/tools/check_duplicates.py"

# layers DIR: runs the layer check on DIR; its output in $WORK/out, its exit
# status in $rc.
layers() { python3 "$LAYERS_PY" "$1" >"$WORK/out" 2>&1; rc=$?; }
says() { grep -qF -- "$1" "$WORK/out"; }

# --- a small tree: core <- low1 low2 <- high <- main.c ------------------
T="$WORK/tree/src"
mkdir -p "$T/core" "$T/low1" "$T/low2" "$T/high"
printf 'core\nlow1 low2   # peers\n\n# comment line\nhigh\n' >"$T/LAYERS"
printf '#ifndef A_H\n#define A_H\nint a(void);\n#endif\n' >"$T/core/a.h"
printf '#include "core/a.h"\nint a(void) { return 1; }\n' >"$T/core/a.c"
printf '#include "core/a.h"\nint b(void);\n' >"$T/low1/b.h"
printf '#include "low1/b.h"\n#include <stdio.h>\nint b(void) { return a(); }\n' >"$T/low1/b.c"
printf '#include "core/a.h"\nint c(void);\n' >"$T/low2/c.h"
printf '#include "c.h"\nint c(void) { return a(); }\n' >"$T/low2/c.c"
printf '#include "low1/b.h"\n#include "low2/c.h"\nint d(void);\n' >"$T/high/d.h"
printf '#include "high/d.h"\nint d(void) { return b() + c(); }\n' >"$T/high/d.c"
printf '#include "high/d.h"\nint main(void) { return d(); }\n' >"$T/main.c"
clean="$WORK/tree.clean"
cp -r "$WORK/tree" "$clean"
layers "$T"
check_eq "layers: a tree that follows LAYERS passes" "$rc" 0
# plant FILE LINE: appends LINE to FILE of a fresh copy of the clean tree.
plant() { rm -rf "$WORK/tree"; cp -r "$clean" "$WORK/tree"; printf '%s\n' "$2" >>"$T/$1"; }

plant low1/b.c '#include "high/d.h"'
layers "$T"
check_eq "layers: an upward include fails" "$rc" 1
check "layers: the upward include is named by file and line" \
    says "$T/low1/b.c:4: includes \"high/d.h\": low1 (layer 2) may not include high, a higher layer (3)"

plant low1/b.c '#include "low2/c.h"'
layers "$T"
check_eq "layers: an include of a peer fails" "$rc" 1
check "layers: the peer include is named by file and line" \
    says "$T/low1/b.c:4: includes \"low2/c.h\": low1 and low2 are peers (layer 2)"

plant core/a.c '#include "main.c"'
layers "$T"
check_eq "layers: main.c sits above every layer" "$rc" 1
check "layers: core including main.c is named" says "$T/core/a.c:3: includes \"main.c\""

plant low1/b.h '#include "high/d.h"'
layers "$T"
check_eq "layers: a cycle of folders fails" "$rc" 1
check "layers: the folder cycle is named with both includes" \
    says "folder cycle: high -> low1 -> high (back by $T/low1/b.h:3)"

plant core/a.h '#include "core/x.h"'
printf '#include "core/a.h"\n' >"$T/core/x.h"
layers "$T"
check_eq "layers: a cycle of headers in one folder fails" "$rc" 1
check "layers: the header cycle is named" says "header cycle: core/a.h -> core/x.h -> core/a.h"

plant high/d.c '#include "nowhere/x.h"'
layers "$T"
check_eq "layers: an include that is not in the tree fails" "$rc" 1
check "layers: the unknown include is named" says "$T/high/d.c:3: \"nowhere/x.h\" is not a file of"

plant LAYERS ''
mkdir "$T/extra"
layers "$T"
check_eq "layers: a folder missing from LAYERS makes LAYERS unusable" "$rc" 2
check "layers: the missing folder is named" says "folder 'extra' is in no layer"

plant LAYERS 'core'
layers "$T"
check_eq "layers: a folder named twice makes LAYERS unusable" "$rc" 2
check "layers: the double name is named by line" says "LAYERS:6: 'core' is named twice"

# --- a copy of src/ with an include planted from the lowest layer up into
# the highest folder that has a header ---------------------------------------
S="$WORK/src-copy/src"
mkdir -p "$WORK/src-copy"
cp -r "$ROOT/src" "$S"
low=$(awk '{sub(/#.*/, "")} NF {print $1; exit}' "$S/LAYERS")
top=
for w in $(awk '{sub(/#.*/, "")} {for (i = 1; i <= NF; i++) print $i}' "$S/LAYERS" | tac); do
    if [ -d "$S/$w" ] && [ -n "$(find "$S/$w" -name '*.h' | head -n 1)" ]; then top=$w; break; fi
done
header=$(cd "$S" && find "$top" -name '*.h' | sort | head -n 1)
check "layers: src/LAYERS names a folder with a header above $low" test -n "$top" -a "$top" != "$low"
victim=$(cd "$S" && find "$low" -name '*.c' | sort | head -n 1)
lines=$(wc -l <"$S/$victim")
printf '#include "%s"\n' "$header" >>"$S/$victim"
layers "$S"
check_eq "layers: src/ with an include from $low up to $top fails" "$rc" 1
check "layers: src/'s planted include is named by file and line" \
    says "$S/$victim:$((lines + 1)): includes \"$header\": $low (layer 1) may not include $top"

# --- duplicates: a planted copy, a stale and a reason-less baseline line --
D="$WORK/dup/src"
mkdir -p "$WORK/dup"
cp -r "$ROOT/src" "$D"
BASE="$ROOT/tests/lint/duplicates-accepted.txt"
python3 "$DUPS_PY" "$D" "$BASE" >"$WORK/out" 2>&1
check_eq "duplicates: a copy of src/ passes with the baseline" "$?" 0
cp "$D/core/err.c" "$D/core/err_again.c"
python3 "$DUPS_PY" "$D" "$BASE" >"$WORK/out" 2>&1
check_eq "duplicates: a copied file fails" "$?" 1
check "duplicates: the new pair is named" says "new copy: core/err.c ~ core/err_again.c"
rm "$D/core/err_again.c"
{ cat "$BASE"; echo "core/a.c ~ core/b.c | a pair that is not there"; } >"$WORK/stale.txt"
python3 "$DUPS_PY" "$D" "$WORK/stale.txt" >"$WORK/out" 2>&1
check_eq "duplicates: a baseline line whose pair is gone fails" "$?" 1
check "duplicates: the stale line is named" says "no longer found, remove it: core/a.c ~ core/b.c"
grep -v '^#' "$BASE" | grep . | head -n 1 | sed 's/ | .*//' >"$WORK/noreason.txt"
grep -v '^#' "$BASE" | grep . | tail -n +2 >>"$WORK/noreason.txt"
python3 "$DUPS_PY" "$D" "$WORK/noreason.txt" >"$WORK/out" 2>&1
check_eq "duplicates: an accepted pair without a reason fails" "$?" 1
check "duplicates: the reason-less line is named" says "noreason.txt:1: no reason"

# --- shellcheck with the repository's settings finds what the issue named --
mkdir -p "$WORK/sh"
cp "$ROOT/.shellcheckrc" "$WORK/sh/"
# shellcheck disable=SC2016  # the planted script's text, expanded by nobody
printf 'dir=$1\ncd "$dir"\nrm -rf "$dir/"\n' >"$WORK/sh/bad.sh"
(cd "$WORK/sh" && shellcheck -f gcc bad.sh) >"$WORK/out" 2>&1
check_eq "shellcheck: a bad script fails" "$?" 1
for code in SC2148 SC2164 SC2115; do
    check "shellcheck: the bad script's $code is reported" says "[$code]"
done
printf '#!/usr/bin/env bash\nunused=1\n' >"$WORK/sh/unused.sh"
(cd "$WORK/sh" && shellcheck -f gcc unused.sh) >"$WORK/out" 2>&1
check "shellcheck: an unused variable is reported" says "[SC2034]"

# --- the analyser's and actionlint's settings report what they should -------
mkdir -p "$WORK/an"
printf '#include <stddef.h>\nint f(int *p);\nint f(int *p)\n{\n    if (p == NULL)\n        return *p;\n    return 0;\n}\n' \
    >"$WORK/an/null.c"
make -s -C "$ROOT" analyze ANALYZE_SRC="$WORK/an/null.c" >"$WORK/out" 2>&1
check_eq "analyze: a null dereference fails" "$?" 2
check "analyze: the dereference is named by file and line" says "$WORK/an/null.c:6:16: error: Dereference of null pointer"
gopath=$(go env GOPATH 2>/dev/null || /usr/local/go/bin/go env GOPATH 2>/dev/null)
ACTIONLINT=$(PATH="$PATH:$gopath/bin" command -v actionlint)
mkdir -p "$WORK/wf"
# shellcheck disable=SC2016  # a workflow expression, for actionlint
printf 'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo "${{ github.nope }}"\n' \
    >"$WORK/wf/bad.yml"
"${ACTIONLINT:-actionlint}" "$WORK/wf/bad.yml" >"$WORK/out" 2>&1
check_eq "actionlint: a workflow with an unknown context property fails" "$?" 1
check "actionlint: the property is named" says 'property "nope" is not defined'

# --- every check of make lint on the repository ---------------------------
for c in layers duplicates shellcheck actionlint analyze; do
    if bash "$ROOT/tests/lint.sh" "$c" >"$WORK/lint-$c.out" 2>&1; then
        PASSED=$((PASSED + 1))
    else
        FAILED=$((FAILED + 1))
        # prefixed, so that tests/run.sh shows the findings too
        echo "not ok: make lint's $c check finds something:"
        tail -n 25 "$WORK/lint-$c.out" | sed 's/^/not ok:   /'
    fi
done
finish
