#!/usr/bin/env bash
# The MLOps loop (issue 13) end to end through the binary: the replay
# server serves the data, tests/unit/fake_github_api.py stands in for the
# GitHub REST API (GITHUB_API_URL; its blob host is 127.0.0.2) and
# tests/unit/fake_artifact_server.py for the artifact service.
#   - the same model as candidate and baseline: delta 0, improved=false;
#   - a clearly worse candidate with fail-if-worse: exit 6 after metrics,
#     zip and summary are written, the ::error:: stating both numbers;
#   - a baseline trained on the test season: refused (exit 2);
#   - artifact:NAME: the newest default-branch artifact (not a newer one
#     from another branch, not an expired one), the token never on the
#     blob host; none yet: a warning and no comparison;
#   - two runs on one pull request with 150 other comments: one comment,
#     updated in place, and a person's comment carrying the marker left
#     untouched; a read-only token warns and passes;
#   - the same model: log-loss-delta and brier-delta 0, the baseline's
#     log-loss and Brier the model's;
#   - the token only in ::add-mask:: lines inside Actions, nowhere on the
#     plain command line.
. "$(dirname "$0")/lib.sh"
FAST=(--api-requests-per-second 1000 --api-requests-per-hour 1000000)
# Trees on a third of the rows: a model clearly better than a stump (the
# original learner and features, whose parameters can make a worse model).
MODEL=(--seasons 2014-2021 --n-estimators 30 --max-samples 0.3 --model bagging --features spec)
TOKEN=ghs_write # the fake's token that may write

start_replay
python3 "$ROOT/tests/unit/fake_github_api.py" --lifetime 900 --port-file "$WORK/gh.port" >/dev/null 2>&1 &
on_exit "kill $!"
python3 "$ROOT/tests/unit/fake_artifact_server.py" --lifetime 900 --port-file "$WORK/artifact.port" \
    >/dev/null 2>&1 &
on_exit "kill $!"
for _ in $(seq 100); do [ -s "$WORK/gh.port" ] && [ -s "$WORK/artifact.port" ] && break; sleep 0.1; done
GH_PORT=$(cut -d' ' -f1 "$WORK/gh.port")
ARTIFACT_PORT=$(cut -d' ' -f1 "$WORK/artifact.port")
GH="http://127.0.0.1:$GH_PORT"

# Every step: the model's inputs against the replay server.
STEP_ARGS=("${MODEL[@]}" --api-base-url "$API_URL" --wikipedia false "${FAST[@]}")
run() { run_step "$@"; }
rc() { cat "$WORK/$1.rc"; }
output() { sed -n "s/^$2=//p" "$WORK/$1.output" | head -n 1; }
json() { python3 -c 'import json, sys
v = json.load(open(sys.argv[1]))
for k in sys.argv[2].split("."):
    v = v[int(k)] if isinstance(v, list) else v.get(k)
print(json.dumps(v) if isinstance(v, (dict, list, bool)) or v is None else v)' "$1" "$2"; }
gh_get() { curl -s "$GH$1"; }

# --- the candidate, and the same model as its own baseline -----------------
D=$WORK/d
run base -- --data-dir "$D" --stages source,prepare,features,train,evaluate,package
check_eq "pipeline 2014-2021 exits 0" "$(rc base)" 0
cp "$D/model.json" "$WORK/good.json"
cp "$D/f1-model.zip" "$WORK/good.zip"

run same -- --data-dir "$D" --stages evaluate --baseline-model "$WORK/good.json"
check_eq "same model as baseline: exit 0" "$(rc same)" 0
check_eq "same model: precision-delta 0" "$(output same precision-delta)" 0
check_eq "same model: improved=false" "$(output same improved)" false
check_eq "same model: baseline expected precision = the model's" \
    "$(output same baseline-expected-precision)" "$(output same expected-precision)"
check_eq "same model: baseline precision = the model's" "$(output same baseline-precision)" "$(output same precision)"
check "same model: the summary has the comparison" grep -q '^## Model vs the baseline model' "$WORK/same.summary"
check_eq "same model: log-loss-delta 0" "$(output same log-loss-delta)" 0
check_eq "same model: brier-delta 0" "$(output same brier-delta)" 0
check_eq "same model: baseline log-loss = the model's" "$(output same baseline-log-loss)" "$(output same log-loss)"
check_eq "same model: baseline Brier = the model's" "$(output same baseline-brier)" "$(output same brier)"
check "same model: a log-loss is reported" test -n "$(output same baseline-log-loss)"
check_eq "same model: metrics.json log_loss_delta 0" "$(json "$D/metrics.json" baseline.log_loss_delta)" 0
check_eq "same model: metrics.json brier_delta 0" "$(json "$D/metrics.json" baseline.brier_delta)" 0
check_eq "same model: the test season's row has log_loss_delta 0" \
    "$(json "$D/metrics.json" baseline.seasons.0.log_loss_delta)" 0
check "same model: the summary's table has the log-loss and Brier columns" \
    grep -q '| Δ log-loss | model Brier | baseline Brier | Δ Brier |' "$WORK/same.summary"
run samezip -- --data-dir "$D" --stages evaluate --baseline-model "$WORK/good.zip"
check_eq "same model from its zip: precision-delta 0" "$(output samezip precision-delta)" 0
check_eq "same model from its zip: improved=false" "$(output samezip improved)" false
check_eq "same model from its zip: log-loss-delta 0" "$(output samezip log-loss-delta)" 0
check_eq "same model from its zip: brier-delta 0" "$(output samezip brier-delta)" 0
run nobase -- --data-dir "$D" --stages evaluate
check_eq "no baseline-model: improved is empty" "$(output nobase improved)" ""
check_eq "no baseline-model: log-loss-delta is empty" "$(output nobase log-loss-delta)" ""
check_eq "no baseline-model: no baseline block" "$(json "$D/metrics.json" baseline)" null

# --- a clearly worse candidate, gated --------------------------------------
W=$WORK/w
mkdir -p "$W" && cp -r "$D/store" "$W/"
run worse -- --data-dir "$W" --stages prepare,features,train,evaluate,package --n-estimators 1 \
    --max-depth 1 --max-features 1 --max-samples 10 --baseline-model "$WORK/good.zip" --fail-if-worse true
check_eq "worse candidate with fail-if-worse: exit 6" "$(rc worse)" 6
check "worse: metrics.json written" test -s "$W/metrics.json"
check "worse: the zip written" test -s "$W/f1-model.zip"
check "worse: the zip's metrics hold the comparison" bash -c "unzip -p '$W/f1-model.zip' metrics.json | grep -q precision_delta"
check "worse: the model card shows the baseline" bash -c "unzip -p '$W/f1-model.zip' MODEL_CARD.md | grep -q 'Against the baseline model'"
check_eq "worse: improved=false" "$(output worse improved)" false
cand=$(python3 -c 'import json,sys; print("%.4f" % json.load(open(sys.argv[1]))["model"]["expected_precision"])' "$W/metrics.json")
base=$(python3 -c 'import json,sys; print("%.4f" % json.load(open(sys.argv[1]))["baseline"]["model"]["expected_precision"])' "$W/metrics.json")
check "worse: clearly worse ($cand against $base)" python3 -c "import sys; sys.exit(not $cand + 0.05 < $base)"
check "worse: ::error:: states both numbers" grep -q "^::error::.*fail-if-worse.*$cand.*$base" "$WORK/worse.out"
check "worse: the summary says the run failed" grep -q 'The run failed' "$WORK/worse.summary"
check "worse: the summary has the comparison" grep -q 'Not improved' "$WORK/worse.summary"
run tolerant -- --data-dir "$W" --stages evaluate --baseline-model "$WORK/good.zip" --fail-if-worse true \
    --worse-tolerance 1
check_eq "worse within worse-tolerance 1: exit 0" "$(rc tolerant)" 0
run ungated -- --data-dir "$W" --stages evaluate --baseline-model "$WORK/good.zip"
check_eq "worse without fail-if-worse: exit 0" "$(rc ungated)" 0

# --- a baseline trained on the test season ---------------------------------
run leak -- --data-dir "$W" --stages train,evaluate --test-season 2020 --baseline-model "$WORK/good.json"
check_eq "baseline trained on the test season: exit 2" "$(rc leak)" 2
check "the refusal names the seasons" grep -q "^::error::.*baseline-model.*seasons 2014-2020.*scored season(s) 2020" "$WORK/leak.out"
check_eq "no comparison written for it" "$(json "$W/metrics.json" test_season)" 2021
run badform -- --data-dir "$W" --stages evaluate --baseline-model "$WORK/model.txt"
check_eq "baseline-model not a .json/.zip/artifact: exit 2" "$(rc badform)" 2
check "bad form: nothing ran" bash -c "! grep -q '::group::' '$WORK/badform.out'"

# --- artifact:NAME and the pull-request comment -----------------------------
python3 - "$WORK" >"$WORK/seed.json" <<'EOF'
import json, sys
w = sys.argv[1]
def art(i, created, branch, zip_path, expired=False):
    return {"id": i, "name": "f1-model", "created_at": created, "head_branch": branch,
            "expired": expired, "zip_path": zip_path, "run_id": 7000 + i}
others = [{"id": 1000 + i, "body": "comment %d" % i, "login": "octocat"} for i in range(150)]
# A person's comment carrying the report's marker: never ours to edit.
others[20]["body"] = "<!-- f1-mlops:report:f1-model -->\nplanted by a person"
print(json.dumps({"repos": {"octo/f1": {
    "default_branch": "main",
    "artifacts": [art(10, "2024-01-01T00:00:00Z", "main", w + "/w/f1-model.zip"),
                  art(11, "2024-06-01T00:00:00Z", "main", w + "/good.zip"),
                  art(12, "2024-07-01T00:00:00Z", "feature", w + "/w/f1-model.zip"),
                  art(13, "2024-08-01T00:00:00Z", "main", w + "/w/f1-model.zip", expired=True)],
    "issues": {"7": others}}}}))
EOF
curl -s -X POST --data-binary @"$WORK/seed.json" "$GH/_seed" >/dev/null
echo '{"action": "synchronize", "number": 7, "pull_request": {"number": 7}, "repository": {"default_branch": "main"}}' \
    >"$WORK/event.json"
jwt_part() { python3 -c 'import base64, sys; print(base64.urlsafe_b64encode(sys.argv[1].encode()).decode().rstrip("="))' "$1"; }
runtime_token() { # run number: a token of its own run, so each run may upload f1-model
    echo "$(jwt_part '{"alg":"RS256","typ":"JWT"}').$(jwt_part "{\"scp\":\"Actions.Results:ce7f54c7-61c7-4aae-887f-30da475f5$1:ca395085-040a-526b-2ce8-bdc85f692774\"}").sig"
}
in_actions() { # run number: the environment of a pull_request run inside Actions
    echo GITHUB_ACTIONS=true GITHUB_API_URL="$GH" GITHUB_REPOSITORY=octo/f1 GITHUB_SERVER_URL=https://github.com \
        GITHUB_RUN_ID="$1" GITHUB_EVENT_NAME=pull_request GITHUB_EVENT_PATH="$WORK/event.json" \
        ACTIONS_RUNTIME_TOKEN="$(runtime_token "$1")" ACTIONS_RESULTS_URL="http://127.0.0.1:$ARTIFACT_PORT/"
}
marked() { # the comments of pull request 7 carrying the marker: "count id body-file"
    gh_get "/_comments?repo=octo/f1&issue=7" | python3 -c 'import json, sys
cs = json.load(sys.stdin)
ours = [c for c in cs if c["body"].startswith("<!-- f1-mlops:report:f1-model -->")
        and c["user"]["login"] == "github-actions[bot]" and c["user"]["type"] == "Bot"]
open(sys.argv[1], "w").write(ours[0]["body"] if ours else "")
print(len(cs), len(ours), ours[0]["id"] if ours else 0, ours[0]["html_url"] if ours else "")' "$WORK/comment.md"
}
# shellcheck disable=SC2054 # commas belong to the stages value
LOOP=(--stages evaluate,package,upload,comment --baseline-model artifact:f1-model --pr-comment true)

# shellcheck disable=SC2046 # in_actions prints VAR=value words
run pr1 $(in_actions 101) INPUT_GITHUB-TOKEN=$TOKEN -- --data-dir "$D" "${LOOP[@]}"
check_eq "PR run 1: exit 0" "$(rc pr1)" 0
check_eq "artifact:f1-model: the newest unexpired one from main (id 11)" "$(json "$D/metrics.json" baseline.artifact.id)" 11
check_eq "artifact:f1-model: it is the same model, delta 0" "$(output pr1 precision-delta)" 0
check_eq "artifact:f1-model: improved=false" "$(output pr1 improved)" false
blob=$(gh_get /_log | python3 -c 'import json, sys
log = [r for r in json.load(sys.stdin) if r["server"] == "blob"]
print(len(log), sum(1 for r in log if "authorization" in r["headers"]))')
check "the archive came from the blob host" test "${blob% *}" -ge 1
check_eq "the token never reached the blob host" "${blob#* }" 0
read -r total ours id1 url1 < <(marked)
check_eq "PR run 1: 150 other comments and ours" "$total" 151
check_eq "PR run 1: one report comment" "$ours" 1
check_eq "PR run 1: comment-url output" "$(output pr1 comment-url)" "$url1"
check "PR run 1: the comment links the run" grep -qF "(https://github.com/octo/f1/actions/runs/101)" "$WORK/comment.md"
check "PR run 1: the comment links the artifact" grep -qF "[Artifact f1&#45;model]($(output pr1 artifact-url))" "$WORK/comment.md"
check "PR run 1: the comment has the comparison" grep -q '^### Against the baseline model' "$WORK/comment.md"
check "PR run 1: the comment has the chart" grep -q '^xychart-beta' "$WORK/comment.md"
check "PR run 1: the comment's table has log-loss and Brier with their deltas" \
    grep -q '| Δ expected | model log-loss | baseline log-loss | Δ log-loss | model Brier | baseline Brier | Δ Brier |' "$WORK/comment.md"
check "PR run 1: the comment has the parameters" grep -q '^| n&#45;estimators | 30 |' "$WORK/comment.md"

# shellcheck disable=SC2046
run pr2 $(in_actions 102) INPUT_GITHUB-TOKEN=$TOKEN -- --data-dir "$D" "${LOOP[@]}"
check_eq "PR run 2: exit 0" "$(rc pr2)" 0
read -r total ours id2 _ < <(marked)
check_eq "PR run 2: still 151 comments" "$total" 151
check_eq "PR run 2: still one report comment" "$ours" 1
check_eq "PR run 2: the same comment, updated in place" "$id2" "$id1"
check "PR run 2: the comment now links run 102" grep -qF "/actions/runs/102)" "$WORK/comment.md"
check "PR run 2: and no longer run 101" bash -c "! grep -qF '/actions/runs/101)' '$WORK/comment.md'"
check_eq "PR run 2: comment-url output" "$(output pr2 comment-url)" "$url1"
check_eq "the person's comment with the marker is untouched" \
    "$(gh_get "/_comments?repo=octo/f1&issue=7" | python3 -c 'import json, sys
c = [c for c in json.load(sys.stdin) if c["id"] == 1020][0]
print(c["body"].split("\n")[1], c["user"]["login"], c["updated_at"] == c["created_at"])')" \
    "planted by a person octocat True"

for r in pr1 pr2; do
    check_eq "$r: the token only in ::add-mask:: lines" \
        "$(cat "$WORK/$r.out" "$WORK/$r.err" "$WORK/$r.output" "$WORK/$r.summary" | grep -aF "$TOKEN" | grep -cv '^::add-mask::')" 0
    check "$r: the token masked first" bash -c "grep -aF '$TOKEN' '$WORK/$r.out' | head -n 1 | grep -qx '::add-mask::$TOKEN'"
done

# --- a read-only token: a warning, and the step passes ---------------------
# shellcheck disable=SC2046
run readonly $(in_actions 103) INPUT_GITHUB-TOKEN=ghs_read -- --data-dir "$D" "${LOOP[@]}"
check_eq "read-only token: exit 0" "$(rc readonly)" 0
check "read-only token: a warning" grep -q '^::warning::.*Resource not accessible by integration' "$WORK/readonly.out"
check_eq "read-only token: no comment-url" "$(output readonly comment-url)" ""
check "read-only token: the summary has the report" grep -q '^## Model vs the baseline model' "$WORK/readonly.summary"
read -r total ours _ _ < <(marked)
check_eq "read-only token: still one report comment" "$ours/$total" "1/151"

# --- no artifact yet: compared with nothing --------------------------------
# shellcheck disable=SC2046
run none $(in_actions 104) INPUT_GITHUB-TOKEN=$TOKEN -- --data-dir "$D" --stages evaluate \
    --baseline-model artifact:never-uploaded --fail-if-worse true
check_eq "no such artifact yet: exit 0" "$(rc none)" 0
check "no such artifact yet: a warning" grep -q "^::warning::no baseline to compare with.*never-uploaded" "$WORK/none.out"
check_eq "no such artifact yet: improved is empty" "$(output none improved)" ""

# --- the plain command line: no secret printed at all ----------------------
run plain GITHUB_API_URL="$GH" GITHUB_REPOSITORY=octo/f1 -- --data-dir "$D" --stages evaluate \
    --baseline-model artifact:f1-model --github-token "$TOKEN"
check_eq "plain command line with artifact:NAME: exit 0" "$(rc plain)" 0
check_eq "plain command line: compared with artifact 11" "$(json "$D/metrics.json" baseline.artifact.id)" 11
check_eq "plain command line: the token appears nowhere, not even as ::add-mask::" \
    "$(cat "$WORK/plain.out" "$WORK/plain.err" | grep -acF "$TOKEN")" 0
check_eq "plain command line: no ::add-mask:: line" "$(grep -c '^::add-mask::' "$WORK/plain.out")" 0

finish
