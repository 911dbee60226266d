#!/usr/bin/env bash
# Secrets never leak: the whole pipeline (source..upload) runs inside
# Actions (GITHUB_ACTIONS=true) against a FerretDB that requires a
# password, given in the MongoDB URI, uploads to the fake artifact service
# with a runtime token, and has a github-token.  Neither the password (as
# typed or percent-encoded), the URI nor the tokens may appear in stdout,
# stderr, the job summary, the outputs file, any file under data-dir or any
# entry of the zip, except in the ::add-mask:: lines, each of which must be
# the first line of stdout mentioning its secret (for the URI, its password
# and the github token: before any other line at all).  A run with a wrong
# password fails without printing it either.  On the plain command line
# (GITHUB_ACTIONS unset: a terminal, another CI) no secret is printed at
# all, not even in an ::add-mask:: line.
. "$(dirname "$0")/lib.sh"
FAST=(--api-requests-per-second 1000 --api-requests-per-hour 1000000)
rand() { python3 -c 'import secrets; print(secrets.token_hex(8))'; }

# The password holds '@' and '/', which a URI must percent-encode.
USER_NAME=f1user
PASSWORD="Pw@$(rand)/x"
PASSWORD_ENC=$(python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$PASSWORD")
WRONG_PASSWORD="Wrong$(rand)"
GH_TOKEN="ghs_$(rand)$(rand)"
jwt_part() { python3 -c 'import base64, sys; print(base64.urlsafe_b64encode(sys.argv[1].encode()).decode().rstrip("="))' "$1"; }
TOKEN="$(jwt_part '{"alg":"RS256","typ":"JWT"}').$(jwt_part '{"scp":"Actions.ExampleScope Actions.Results:ce7f54c7-61c7-4aae-887f-30da475f5f1a:ca395085-040a-526b-2ce8-bdc85f692774","iat":1700000000}').sig$(rand)"

start_replay
start_ferretdb --test-enable-new-auth --setup-database=f1 --setup-username="$USER_NAME" \
    --setup-password="$PASSWORD"
PORT=${MONGO_URI#mongodb://127.0.0.1:}
PORT=${PORT%/}
URI="mongodb://$USER_NAME:$PASSWORD_ENC@127.0.0.1:$PORT/f1"
WRONG_URI="mongodb://$USER_NAME:$WRONG_PASSWORD@127.0.0.1:$PORT/f1"

python3 "$ROOT/tests/unit/fake_artifact_server.py" --lifetime 900 --port-file "$WORK/artifact.port" \
    >/dev/null 2>&1 &
on_exit "kill $!"
for _ in $(seq 100); do [ -s "$WORK/artifact.port" ] && break; sleep 0.1; done
ARTIFACT_PORT=$(cut -d' ' -f1 "$WORK/artifact.port")

# Every step: seasons 2019-2021 from the replay server (lib.sh's run_step).
STEP_ARGS=(--seasons 2019-2021 --api-base-url "$API_URL" --wikipedia-base-url "$WIKI_URL" "${FAST[@]}")
run() { run_step "$@"; }

# Lines of the run's text outputs that hold s, the ::add-mask:: lines aside.
unmasked() { # name, secret
    cat "$WORK/$1.out" "$WORK/$1.err" "$WORK/$1.summary" "$WORK/$1.output" |
        grep -aF -- "$2" | grep -cv '^::add-mask::' || true
}
# Files under a directory, and zip entries, holding s (as bytes).
files_with() { grep -raFl -- "$1" "$2" | wc -l; }
zip_entries_with() { # zip, secret
    python3 -c '
import sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
print(sum(1 for i in z.infolist() if sys.argv[2].encode() in z.read(i) or sys.argv[2] in i.filename))' "$1" "$2"
}
# ::add-mask:: carries its value escaped like workflow-command data.
mask_escaped() { python3 -c 'import sys; print(sys.argv[1].replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A"))' "$1"; }
line_of() { grep -naxF -- "$2" "$WORK/$1.out" | head -n 1 | cut -d: -f1; }
# "yes" when stdout has the secret's own ::add-mask:: line and the first
# line mentioning the secret is an ::add-mask:: line (its own, or the
# URI's for a password the URI holds verbatim).
masked_first() { # name, secret
    local esc first
    esc=$(mask_escaped "$2")
    first=$(grep -aF -- "$esc" "$WORK/$1.out" | head -n 1)
    if [ -n "$(line_of "$1" "::add-mask::$esc")" ] && [ "${first#::add-mask::}" != "$first" ]; then
        echo yes
    else
        echo "no (first mention: '$first')"
    fi
}

# --- the whole pipeline with a password and a token ----------------------
run full GITHUB_ACTIONS=true "INPUT_MONGODB-URI=$URI" "INPUT_GITHUB-TOKEN=$GH_TOKEN" ACTIONS_RUNTIME_TOKEN="$TOKEN" \
    ACTIONS_RESULTS_URL="http://127.0.0.1:$ARTIFACT_PORT/" GITHUB_REPOSITORY=octo/f1 GITHUB_RUN_ID=7 \
    -- --data-dir "$WORK/d" --stages all --n-estimators 5
check_eq "full run exits 0" "$?" 0
check "the store was MongoDB (nothing under data-dir/store)" test ! -d "$WORK/d/store"
check "the source stage wrote documents" grep -qE 'source: .* [1-9][0-9]* documents written' "$WORK/full.out"
check "the zip was uploaded" grep -q '^artifact-id=' "$WORK/full.output"
check "the summary was written" test -s "$WORK/full.summary"
check "the zip exists" test -s "$WORK/d/f1-model.zip"

for s in "$PASSWORD" "$PASSWORD_ENC" "$URI" "$TOKEN" "$GH_TOKEN"; do
    what=${s:0:6}...
    check_eq "full run: stdout/stderr/summary/outputs lines with $what" "$(unmasked full "$s")" 0
    check_eq "full run: data-dir files with $what" "$(files_with "$s" "$WORK/d")" 0
    check_eq "full run: zip entries with $what" "$(zip_entries_with "$WORK/d/f1-model.zip" "$s")" 0
done
for s in "$PASSWORD" "$URI" "$TOKEN" "$GH_TOKEN"; do
    what=${s:0:6}...
    check_eq "full run: $what masked before any other mention" "$(masked_first full "$s")" yes
done
# The URI and its password are masked before anything else is printed.
uri_mask=$(line_of full "::add-mask::$(mask_escaped "$URI")")
pw_mask=$(line_of full "::add-mask::$(mask_escaped "$PASSWORD")")
first_other=$(grep -anv '^::add-mask::' "$WORK/full.out" | head -n 1 | cut -d: -f1)
check_le "URI masked before the first other line" "${uri_mask:-999999}" "$((${first_other:-1} - 1))"
check_le "password masked before the first other line" "${pw_mask:-999999}" "$((${first_other:-1} - 1))"
gh_mask=$(line_of full "::add-mask::$GH_TOKEN")
check_le "github token masked before the first other line" "${gh_mask:-999999}" "$((${first_other:-1} - 1))"

# --- a wrong password: the store fails, naming neither URI nor password ----
run wrong GITHUB_ACTIONS=true "INPUT_MONGODB-URI=$WRONG_URI" -- --data-dir "$WORK/w" --stages source
rc=$?
check_eq "wrong password fails as a store error" "$rc" 4
check "wrong password: the error is reported" grep -q '^::error::' "$WORK/wrong.out"
for s in "$WRONG_PASSWORD" "$WRONG_URI"; do
    check_eq "wrong password: lines with ${s:0:6}..." "$(unmasked wrong "$s")" 0
    check_eq "wrong password: data-dir files with ${s:0:6}..." "$(files_with "$s" "$WORK/w")" 0
done
check_eq "wrong password: masked before any other mention" "$(masked_first wrong "$WRONG_PASSWORD")" yes

# --- the plain command line (not Actions): nothing printed at all ----------
# Both ways a secret comes in: as an option and as an INPUT_ variable.
printed() { # name, secret: lines of every text output holding it, add-mask lines included
    cat "$WORK/$1.out" "$WORK/$1.err" "$WORK/$1.summary" "$WORK/$1.output" | grep -acF -- "$2" || true
}
run argv -- --data-dir "$WORK/a" --mongodb-uri "$URI" --github-token "$GH_TOKEN" --stages prepare
check_eq "URI on the command line: prepare exits 0" "$?" 0
check "URI on the command line: prepared.csv written" test -s "$WORK/a/prepared.csv"
run argv_env "INPUT_MONGODB-URI=$URI" "INPUT_GITHUB-TOKEN=$GH_TOKEN" -- --data-dir "$WORK/a" --stages prepare
check_eq "URI as INPUT_ outside Actions: prepare exits 0" "$?" 0
run argv_bad -- --data-dir "$WORK/a" --mongodb-uri "$WRONG_URI" --stages source
check_eq "wrong password on the command line: exit 4" "$?" 4
for r in argv argv_env; do
    for s in "$PASSWORD" "$PASSWORD_ENC" "$URI" "$GH_TOKEN"; do
        check_eq "$r (plain command line): lines with ${s:0:6}..., add-mask included" "$(printed "$r" "$s")" 0
        check_eq "$r (plain command line): data-dir files with ${s:0:6}..." "$(files_with "$s" "$WORK/a")" 0
    done
    check_eq "$r (plain command line): no ::add-mask:: line" "$(grep -c '^::add-mask::' "$WORK/$r.out")" 0
done
check_eq "wrong password on the command line: printed nowhere" "$(printed argv_bad "$WRONG_PASSWORD")" 0
check_eq "wrong password on the command line: no ::add-mask:: line" "$(grep -c '^::add-mask::' "$WORK/argv_bad.out")" 0

finish
