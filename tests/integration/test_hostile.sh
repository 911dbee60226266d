#!/usr/bin/env bash
# A hostile data-dir (restored from a cache anyone could have written), API
# or Wikipedia mirror, and a model-path zip bomb (issue 11): every case ends
# in a clear error or a warning, never in a write outside data-dir, a hang
# or memory without bound.  Fixtures are built here.  Every run that could
# hang is bounded by `timeout` (exit 124 fails the check that follows).
. "$(dirname "$0")/lib.sh"
FAST=(--api-requests-per-second 1000 --api-requests-per-hour 1000000)
start_replay
BASE=$WORK/base
ARGS=(--seasons 2021-2023 --n-estimators 20 --api-base-url "$API_URL" --wikipedia-base-url "$WIKI_URL" "${FAST[@]}")
timeout 300 "$BIN" --stages source,prepare,features,train,evaluate,package --data-dir "$BASE" "${ARGS[@]}" \
    >"$WORK/base.log" 2>&1
check "a data-dir for 2021-2023 (exit 0)" test $? -eq 0

# fresh NAME: a copy of the base data-dir at $WORK/NAME.
fresh() { rm -rf "${WORK:?}/$1"; cp -a "$BASE" "$WORK/$1"; }
# run NAME STAGES [args...]: runs the stages on $WORK/NAME, log in $WORK/NAME.log.
run() {
    local name=$1 stages=$2; shift 2
    timeout 120 "$BIN" --stages "$stages" --data-dir "$WORK/$name" "${ARGS[@]}" "$@" >"$WORK/$name.log" 2>&1
}

# --- item 3: writes never follow a symlink -------------------------------------
# Each stage's output is planted as a link to a victim outside data-dir, and so
# is the temp name older versions used (<file>.tmp.<pid>: the pid is known to
# whoever starts the run, always 1 in a container).
for spec in "prepare:prepared.csv" "prepare:coverage.json" "features:features.csv" "train:model.json" \
    "evaluate:metrics.json" "evaluate:predictions.csv" "package:f1-model.zip" "package:MODEL_CARD.md"; do
    stage=${spec%%:*}
    file=${spec#*:}
    fresh links
    printf 'precious\n' >"$WORK/victim"
    printf 'precious\n' >"$WORK/victim.tmp"
    rm -f "$WORK/links/$file"
    ln -s "$WORK/victim" "$WORK/links/$file"
    # exec keeps the shell's pid, so the planted temp name is the one the run would pick
    # shellcheck disable=SC2016 # $1, $2 and $$ are the inner shell's
    timeout 120 bash -c 'ln -s "$1.tmp" "$2.tmp.$$"; shift 2; exec "$@"' _ "$WORK/victim" "$WORK/links/$file" \
        "$BIN" --stages "$stage" --data-dir "$WORK/links" "${ARGS[@]}" >"$WORK/links.log" 2>&1
    check "$file planted as a symlink: $stage exits 0" test $? -eq 0
    check_eq "$file planted as a symlink: the victim is untouched" "$(head -c 64 "$WORK/victim") $(head -c 64 "$WORK/victim.tmp")" \
        "precious precious"
    check "$file planted as a symlink: replaced by a regular file" test -f "$WORK/links/$file" -a ! -L "$WORK/links/$file"
done
# The store's documents: temp names planted for documents a refresh rewrites.
fresh links
printf 'precious\n' >"$WORK/victim"
# shellcheck disable=SC2016 # $1, $2 and $$ are the inner shell's
timeout 120 bash -c 'for f in results/2023_5 races/2023_5 drivers/hamilton; do ln -s "$1" "$2/store/$f.json.tmp.$$"; done
    shift 2; exec "$@"' _ "$WORK/victim" "$WORK/links" \
    "$BIN" --stages source --data-dir "$WORK/links" "${ARGS[@]}" --refresh true --wikipedia false >"$WORK/links.log" 2>&1
check "store temp names planted: source --refresh exits 0" test $? -eq 0
check_eq "store temp names planted: the victim is untouched" "$(head -c 64 "$WORK/victim")" precious
check "store temp names planted: the documents are regular files" \
    test -f "$WORK/links/store/results/2023_5.json" -a ! -L "$WORK/links/store/results/2023_5.json"
rm -rf "$WORK/links/store/results" "$WORK/elsewhere"
mkdir "$WORK/elsewhere"
ln -s "$WORK/elsewhere" "$WORK/links/store/results"
run links source --wikipedia false
check_eq "store/results a symlink to a directory outside: exit 4" "$?" 4
check "store/results a symlink: the error names it" grep -q '^::error::.*store/results.* is a symbolic link' "$WORK/links.log"
check_eq "store/results a symlink: nothing written through it" "$(find "$WORK/elsewhere" -mindepth 1 | wc -l)" 0

# --- item 10: a FIFO or an endless file where a file is read -------------------
# plant NAME FILE KIND: replaces FILE of $WORK/NAME by a FIFO (fifo) or a link
# to /dev/zero (zero).
plant() {
    rm -f "$WORK/$1/$2"
    if [ "$3" = fifo ]; then mkfifo "$WORK/$1/$2"; else ln -s /dev/zero "$WORK/$1/$2"; fi
}
for spec in "features:prepared.csv:5" "train:features.csv:5" "evaluate:model.json:5" "evaluate:prepared.csv:5" \
    "package:metrics.json:5" "upload:f1-model.zip:5" "predict:model.json:5" "prepare:store/results/2022_3.json:4"; do
    IFS=: read -r stage file code <<<"$spec"
    for kind in fifo zero; do
        fresh endless
        plant endless "$file" "$kind"
        # upload reads the zip once it has a service to send it to (none answers here)
        ACTIONS_RUNTIME_TOKEN=x ACTIONS_RESULTS_URL=http://127.0.0.1:9 \
            run endless "$stage" --predict-season 2023 --predict-round 5
        check_eq "$file as a $kind: $stage exits $code, at once" "$?" "$code"
        if [ "$kind" = fifo ]; then why="a FIFO, not a regular file"; else why="is a symbolic link"; fi
        check "$file as a $kind: the error names the file and why" \
            grep -q "^::error::.*${file//./\\.}.*$why" "$WORK/endless.log"
    done
done
# The report at the end of any step reads metrics.json, coverage.json and the zip:
# a FIFO there is skipped with a warning, the step's own result stands.
fresh endless
plant endless metrics.json fifo
plant endless f1-model.zip fifo
GITHUB_OUTPUT=$WORK/endless.out GITHUB_STEP_SUMMARY=$WORK/endless.md run endless features
check_eq "report with FIFOs in data-dir: exit 0" "$?" 0
check "report with FIFOs: a warning names metrics.json" grep -q '^::warning::report: skipping .*metrics\.json.*a FIFO' "$WORK/endless.log"
check "report with FIFOs: the outputs were written" grep -q '^precision=$' "$WORK/endless.out"

# --- item 5: a zip bomb as model-path -------------------------------------------
# Zips written here by hand (python's zipfile cannot reuse one compressed stream
# or lie about a size): six 256 MiB members of zeros around the real model.json
# (1.5 GiB if all were inflated, 1.5 MB on disk); a model.json of 300 MiB (over
# the 256 MiB cap of a model); the same declaring 1000 bytes (a lying header).
python3 - "$BASE/model.json" "$WORK" <<'EOF'
import struct, sys, zlib

def deflate_zeros(size):
    c, chunk, out, crc = zlib.compressobj(9, zlib.DEFLATED, -15), bytes(1 << 20), [], 0
    for _ in range(size >> 20):
        out.append(c.compress(chunk))
        crc = zlib.crc32(chunk, crc)
    out.append(c.flush())
    return b"".join(out), crc, size

def deflate(data):
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    return c.compress(data) + c.flush(), zlib.crc32(data), len(data)

def write_zip(path, members):  # (name, (compressed, crc, size), declared size)
    body, central = bytearray(), bytearray()
    for name, (comp, crc, _), declared in members:
        n = name.encode()
        central += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, 0, 0x21, crc, len(comp),
                               declared, len(n), 0, 0, 0, 0, 0, len(body)) + n
        body += struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0x21, crc, len(comp), declared,
                            len(n), 0) + n + comp
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(members), len(members), len(central), len(body), 0)
    open(path, "wb").write(bytes(body + central + end))

model = deflate(open(sys.argv[1], "rb").read())
zeros = deflate_zeros(256 << 20)
write_zip(sys.argv[2] + "/bomb.zip", [("junk%d" % i, zeros, zeros[2]) for i in range(3)] +
          [("model.json", model, model[2])] + [("junk%d" % i, zeros, zeros[2]) for i in range(3, 6)])
big = deflate_zeros(300 << 20)
write_zip(sys.argv[2] + "/over.zip", [("model.json", big, big[2])])
write_zip(sys.argv[2] + "/lying.zip", [("model.json", big, 1000)])
EOF
check "the zip fixtures are small" test "$(stat -c %s "$WORK/bomb.zip")" -lt 4000000
# predict_rss NAME ZIP: predict 2023 round 5 with model-path ZIP; log NAME.log,
# peak RSS (KiB) in NAME.rss.
predict_rss() {
    timeout 120 /usr/bin/time -f %M -o "$WORK/$1.rss" "$BIN" --stages predict --data-dir "$BASE" "${ARGS[@]}" \
        --predict-season 2023 --predict-round 5 --model-path "$2" >"$WORK/$1.log" 2>&1
}
predict_rss bomb "$WORK/bomb.zip"
check_eq "six 256 MiB members around model.json: predict exits 0" "$?" 0
check "only model.json was read" grep -q "^predict: model.json from $WORK/bomb.zip" "$WORK/bomb.log"
check_le "the bomb's peak RSS stays under 200 MB (KiB)" "$(tail -n 1 "$WORK/bomb.rss")" 200000
predict_rss over "$WORK/over.zip"
check_eq "a 300 MiB model.json: exit 5" "$?" 5
check "a 300 MiB model.json: refused before inflating, naming the cap" \
    grep -q "^::error::.*over.zip': member 'model.json' declares 314572800 bytes, over its cap of 268435456" "$WORK/over.log"
check_le "a 300 MiB model.json: peak RSS under 200 MB (KiB)" "$(tail -n 1 "$WORK/over.rss")" 200000
predict_rss lying "$WORK/lying.zip"
check_eq "a model.json whose header says 1000 bytes: exit 5" "$?" 5
check "a lying header: stopped past the declared size" \
    grep -q "^::error::.*lying.zip': member 'model.json' is damaged (more data than its header declares)" "$WORK/lying.log"
check_le "a lying header: peak RSS under 200 MB (KiB)" "$(tail -n 1 "$WORK/lying.rss")" 200000

# --- item 4: a Wikipedia page that costs the parser minutes ---------------------
# A mirror serving 1.2 MB of nested <div>s (about 100 s for one parse) as the
# article of 2023 round 1, 404 for the rest: the weather of that race stays
# unknown with a warning, the run goes on and ends.
cat >"$WORK/deep_wiki.py" <<'EOF'
import http.server, sys
page = b"<html><body>" + b"<div>" * 240000 + b"<table class=infobox><tr><th>Weather</th><td>Deep</td></tr></table>"
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        hostile = "2023_Bahrain_Grand_Prix" in self.path
        self.send_response(200 if hostile else 404)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(page) if hostile else 0))
        self.end_headers()
        if hostile:
            self.wfile.write(page)
    def log_message(self, *a):
        pass
s = http.server.HTTPServer(("127.0.0.1", 0), H)
print(s.server_address[1], flush=True)
s.serve_forever()
EOF
python3 "$WORK/deep_wiki.py" >"$WORK/deep_wiki.port" &
deep_pid=$!
on_exit "kill $deep_pid"
for _ in $(seq 50); do [ -s "$WORK/deep_wiki.port" ] && break; sleep 0.1; done
fresh deep
rm -f "$WORK/deep/store/weather/2023_1.json" "$WORK/deep/store/weather/2023_2.json"
timeout 300 "$BIN" --stages source,prepare --data-dir "$WORK/deep" --seasons 2021-2023 --api-base-url "$API_URL" \
    --wikipedia-base-url "http://127.0.0.1:$(cat "$WORK/deep_wiki.port")" "${FAST[@]}" >"$WORK/deep.log" 2>&1
check_eq "a 1.2 MB page of nested divs: source,prepare exit 0 (not a hang)" "$?" 0
check "nested divs: a warning names the article and the bound" \
    grep -q '^::warning::weather: .*2023_Bahrain_Grand_Prix: the page was not parsed: it took more than 1 s of CPU' "$WORK/deep.log"
check_eq "nested divs: the race's weather is an error, tried again next run" \
    "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["status"])' "$WORK/deep/store/weather/2023_1.json")" error
check_eq "the next race (404) is missing, as before" \
    "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["status"])' "$WORK/deep/store/weather/2023_2.json")" missing

# --- outputs that cannot be written fail the step ---------------------------------
fresh full
for var in GITHUB_OUTPUT GITHUB_STEP_SUMMARY; do
    env "$var=/dev/full" timeout 120 "$BIN" --stages features --data-dir "$WORK/full" "${ARGS[@]}" >"$WORK/full.log" 2>&1
    check_eq "$var=/dev/full: the step fails" "$?" 1
    check "$var=/dev/full: the error names the file" \
        grep -q "^::error::could not write the step outputs or summary: cannot write $var file '/dev/full': No space left on device" "$WORK/full.log"
done
GITHUB_OUTPUT=/dev/full timeout 120 "$BIN" --stages predict --data-dir "$WORK/full" "${ARGS[@]}" \
    --predict-season 2023 --predict-round 5 >"$WORK/full.log" 2>&1
check_eq "GITHUB_OUTPUT=/dev/full: predict fails" "$?" 1
check "GITHUB_OUTPUT=/dev/full: predict's error names the file" \
    grep -q "^::error::.*cannot write GITHUB_OUTPUT file '/dev/full'" "$WORK/full.log"

# --- item 2: workflow commands and Markdown in untrusted strings ----------------
# commands_in FILE: the workflow commands the runner would run from FILE, one
# per line as written up to the end of the name ("::warning::", "::warning ::",
# "##[error]"): lines end at CR or LF; "::name" after leading (Unicode)
# whitespace, or "##[name]" anywhere.
commands_in() {
    python3 - "$1" <<'EOF'
import re, sys
text = open(sys.argv[1], encoding="utf-8", errors="replace").read()
for line in re.split(r"\r\n|\r|\n", text):
    m = re.match(r"::[^:]*::", line.lstrip()) or re.search(r"##\[[^\]]*\]", line)
    if m:
        print(m.group(0))
EOF
}
# The program's own commands are the only ones allowed: groups and plain
# annotations (always "::name::", never with properties), no masks, and no
# error in a run that succeeds.
only_own_commands() { ! commands_in "$1" | grep -qvxE '::(group|endgroup|warning|notice)::'; }

# A data-dir whose name carries commands.
EVIL_DIR=$WORK/$'evil\n::warning ::injected\r::add-mask::precision\n##[error]legacy'
timeout 120 "$BIN" --stages features --data-dir "$EVIL_DIR" "${ARGS[@]}" >"$WORK/evildir.log" 2>&1
check_eq "a data-dir name with newlines: exit 5 (no prepared.csv there)" "$?" 5
check "a data-dir name with newlines: only the error annotation is a command" \
    test "$(commands_in "$WORK/evildir.log" | grep -vxE '::(group|endgroup)::')" = "::error::"
check "a data-dir name with newlines: the error shows it escaped" grep -q '^::error::.*evil%0A::warning ::injected%0D::add-mask::precision' "$WORK/evildir.log"
cp "$BASE/prepared.csv" "$EVIL_DIR/"
timeout 120 "$BIN" --stages features --data-dir "$EVIL_DIR" "${ARGS[@]}" >"$WORK/evildir.log" 2>&1
check_eq "a data-dir name with newlines: features exits 0" "$?" 0
check "a data-dir name with newlines: no injected command in the progress lines" only_own_commands "$WORK/evildir.log"
check "a data-dir name with newlines: the path is printed on one line" grep -q '^features: .*evil%0A::warning ::injected%0D::add-mask::precision%0A##%5Berror\]legacy' "$WORK/evildir.log"

# Race, driver, constructor and circuit names served by the API.
cp -r "$ROOT/tests/data" "$WORK/evil-data"
python3 - "$WORK/evil-data/ergast-csv" <<'EOF'
import csv, sys
d = sys.argv[1]
MD = " [click](https://evil.example/x) <img src=x onerror=alert(1)> | **bold** @team"
def edit(name, match, changes):
    path = "%s/%s.csv" % (d, name)
    rows = list(csv.DictReader(open(path, newline="", encoding="utf-8")))
    hits = 0
    for r in rows:
        if all(r[k] == v for k, v in match.items()):
            r.update(changes)
            hits += 1
    assert hits == 1, (name, match)
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0].keys()))
        w.writeheader()
        w.writerows(rows)
edit("races", {"year": "2023", "round": "5"}, {"name": "Evil\n::error::INJECTED\n" + MD})
edit("races", {"year": "2023", "round": "6"}, {"name": "Also\r::add-mask::precision\r\n##[error]legacy"})
edit("drivers", {"driverRef": "max_verstappen"}, {"forename": "Max\n::warning ::DRIVER", "surname": "<b>V</b>" + MD})
edit("constructors", {"constructorRef": "red_bull"}, {"name": "Red\r::error::CONSTRUCTOR" + MD})
edit("circuits", {"circuitRef": "miami"}, {"name": "Circuit\n::add-mask::circuit" + MD})
EOF
start_replay --data "$WORK/evil-data"
ARGS=(--seasons 2021-2023 --n-estimators 20 --api-base-url "$API_URL" --wikipedia-base-url "$WIKI_URL" "${FAST[@]}")
export GITHUB_STEP_SUMMARY=$WORK/evil.md GITHUB_OUTPUT=$WORK/evil.out
timeout 300 "$BIN" --stages source,prepare,features,train,evaluate,package --data-dir "$WORK/evil" "${ARGS[@]}" \
    >"$WORK/evil.log" 2>&1
check_eq "hostile names from the API: the pipeline exits 0" "$?" 0
timeout 120 "$BIN" --stages predict --data-dir "$WORK/evil" "${ARGS[@]}" --predict-season 2023 --predict-round 5 \
    >"$WORK/evilpredict.log" 2>&1
check_eq "hostile names from the API: predict exits 0" "$?" 0
unset GITHUB_STEP_SUMMARY GITHUB_OUTPUT
check "hostile names: the names were served (predict names the race)" grep -q '^predict: .* wins the 2023 Evil%0A::error::INJECTED%0A' "$WORK/evilpredict.log"
check "hostile names: no injected command in the pipeline's output" only_own_commands "$WORK/evil.log"
check "hostile names: no injected command in predict's output" only_own_commands "$WORK/evilpredict.log"
check "hostile names: the summary holds them" grep -q 'INJECTED' "$WORK/evil.md"
check "hostile names: the summary holds the driver and constructor" grep -q 'DRIVER.*CONSTRUCTOR' "$WORK/evil.md"
# Rendered by GitHub's own Markdown renderer: every name is text, nothing more.
cmark-gfm -e table "$WORK/evil.md" >"$WORK/evil.html"
check "hostile names: the summary renders (cmark-gfm)" test -s "$WORK/evil.html"
# lacks PATTERN FILE: no line of FILE matches the extended regex PATTERN (any case).
lacks() { ! grep -qiE "$1" "$2"; }
check "hostile names: no HTML from the names in the rendered summary" lacks '<img|<b>V' "$WORK/evil.html"
check "hostile names: no link to the injected URL" lacks 'href="https://evil' "$WORK/evil.html"
check "hostile names: no emphasis from the names" lacks '<strong>bold' "$WORK/evil.html"
check "hostile names: the names show as text" grep -q '\[click\](https://evil.example/x) &lt;img src=x onerror=alert(1)&gt; | \*\*bold\*\* @team' "$WORK/evil.html"
# 7 columns: the scores table (predictor, 4 scores, log-loss, Brier), and
# the per-race table; 6: predict's ranking (with the win probability).
check_eq "hostile names: every table row keeps its columns (a pipe in a name is text)" \
    "$(python3 -c 'import re,sys; h=open(sys.argv[1]).read(); print(sorted({len(re.findall("<t[dh]", r)) for r in re.findall("<tr>(.*?)</tr>", h, re.S)}))' "$WORK/evil.html")" \
    "[6, 7]"

finish
