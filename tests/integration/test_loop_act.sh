#!/usr/bin/env bash
# The MLOps loop (issue 13) under act (v0.2.87, offline), in the container
# built from our Dockerfile: tests/integration/workflows/pr-loop.yml on a
# pull_request event (PR 7 of octo/f1) uses the action with
# `baseline-model: artifact:f1-model`, `pr-comment` and `fail-if-worse`.
# The GitHub REST API is tests/unit/fake_github_api.py on loopback: act's
# job container has the host's network (act --network host, its default),
# and the action's container shares it, so GITHUB_API_URL (act --env) can
# name 127.0.0.1; act's artifact server takes the upload.
#   run 101: a good model against a main artifact that is a stump: exit 0,
#            improved=true, precision-delta = expected minus the
#            baseline's, the comment created (a person's marker comment
#            among 150 others left alone);
#   run 102: the same again: the same comment, updated in place;
#   run 103: a stump against run 101's upload, now main's newest artifact:
#            the step fails (fail-if-worse) after its zip was uploaded and
#            the comment updated.
# Every run: the token only in ::add-mask:: lines, never at the blob host.
# The image is built once (run 101; docker's cache makes it test_act.sh's
# when the sources are the same), runs 102 and 103 reuse it (--rebuild=false).
# Needs what test_act.sh needs (tests/install-tools.sh).
. "$(dirname "$0")/lib.sh"

ACT_BIN="$(go env GOPATH 2>/dev/null || echo "$HOME/go")/bin/act"
BASE=f1-mlops-base:bookworm
TOKEN=ghs_write # the fake's workflow token, which may write
GOOD=(--var F1_N_ESTIMATORS=30 --var F1_MAX_SAMPLES=0.3)
STUMP=(--var F1_N_ESTIMATORS=1 --var F1_MAX_DEPTH=1 --var F1_MAX_FEATURES=1 --var F1_MAX_SAMPLES=10)

check "act v0.2.87 installed (tests/install-tools.sh)" sh -c "'$ACT_BIN' --version | grep -q '0.2.87\$'"
check "job image $BASE exists (tests/install-tools.sh)" docker image inspect "$BASE"

start_replay
python3 "$ROOT/tests/unit/fake_github_api.py" --lifetime 2400 --port-file "$WORK/gh.port" >/dev/null 2>&1 &
on_exit "kill $!"
for _ in $(seq 100); do [ -s "$WORK/gh.port" ] && break; sleep 0.1; done
GH="http://127.0.0.1:$(cut -d' ' -f1 "$WORK/gh.port")"
gh_get() { curl -s --max-time 10 "$GH$1"; }

# The stump main published, trained here by the binary on the same data.
H=$WORK/host
"$BIN" --data-dir "$H" --stages source,prepare,features,train,evaluate,package --seasons 2014-2021 \
    --model bagging --features spec --n-estimators 1 --max-depth 1 --max-features 1 --max-samples 10 \
    --api-base-url "$API_URL" --wikipedia false --api-requests-per-second 1000 \
    --api-requests-per-hour 1000000 >"$WORK/host.log" 2>&1
check "the stump baseline was built" test -s "$H/f1-model.zip"

# seed [ZIP_OF_ID_12]: octo/f1 with main's f1-model artifacts (id 11, the
# stump; with an argument, also id 12, newer) and PR 7's comments: first
# 150, one of them a person's carrying the report's marker; with an
# argument, the ones the fake holds now (seeding replaces the repository).
seed() {
    python3 - "$H/f1-model.zip" "${1:-}" "$GH" <<'EOF' | curl -s --max-time 10 -X POST --data-binary @- "$GH/_seed" >/dev/null
import json, sys, urllib.request
def art(i, created, zip_path):
    return {"id": i, "name": "f1-model", "created_at": created, "head_branch": "main",
            "zip_path": zip_path, "run_id": 7000 + i}
arts = [art(11, "2024-06-01T00:00:00Z", sys.argv[1])]
if sys.argv[2]:
    arts.append(art(12, "2024-07-01T00:00:00Z", sys.argv[2]))
    now = json.load(urllib.request.urlopen(sys.argv[3] + "/_comments?repo=octo/f1&issue=7", timeout=10))
    comments = [{"id": c["id"], "body": c["body"], "login": c["user"]["login"], "user_id": c["user"]["id"],
                 "user_type": c["user"]["type"], "created_at": c["created_at"],
                 "updated_at": c["updated_at"]} for c in now]
else:
    comments = [{"id": 1000 + i, "body": "comment %d" % i, "login": "octocat"} for i in range(150)]
    comments[20]["body"] = "<!-- f1-mlops:report:f1-model -->\nplanted by a person"
print(json.dumps({"repos": {"octo/f1": {"default_branch": "main", "artifacts": arts,
                                          "issues": {"7": comments}}}}))
EOF
}
seed

repo="$WORK/repo"
mkdir -p "$repo/.github/workflows"
(cd "$ROOT" && cp -r action.yml Dockerfile .dockerignore entrypoint.sh Makefile src "$repo/")
cp "$ROOT/tests/integration/workflows/pr-loop.yml" "$repo/.github/workflows/"
cat >"$WORK/event.json" <<'EOF'
{"action": "synchronize", "number": 7,
 "pull_request": {"number": 7, "head": {"ref": "feature"}, "base": {"ref": "main"}},
 "repository": {"full_name": "octo/f1", "default_branch": "main"}}
EOF
port=$(free_port)
on_exit 'docker ps -aq --filter name=act-pr-loop-report | xargs -r docker rm -f'

# act_run RUN_ID [act options...]: the workflow as run RUN_ID; log in
# $WORK/act-RUN_ID.log, exit code returned.
act_run() {
    local id=$1
    shift
    (
        cd "$repo" &&
            timeout 1200 "$ACT_BIN" pull_request -W .github/workflows/pr-loop.yml -e "$WORK/event.json" \
                -P "ubuntu-latest=$BASE" --pull=false --bind \
                --artifact-server-path "$WORK/artifacts" \
                --artifact-server-addr 127.0.0.1 --artifact-server-port "$port" \
                --env "GITHUB_API_URL=$GH" --env GITHUB_REPOSITORY=octo/f1 --env "GITHUB_RUN_ID=$id" \
                -s "GITHUB_TOKEN=$TOKEN" --var "F1_API_BASE_URL=$API_URL" "$@"
    ) >"$WORK/act-$id.log" 2>&1
}
out() { python3 -c 'import json, sys; print(json.load(open(sys.argv[1])).get(sys.argv[2], ""))' \
    "$repo/loop-outputs-$1.json" "$2" 2>/dev/null; }
# "ours id updated-in-place planted-untouched" of PR 7's comments, the
# body of ours in $WORK/comment.md.
comments() {
    gh_get "/_comments?repo=octo/f1&issue=7" | python3 -c 'import json, sys
cs = json.load(sys.stdin)
mark = "<!-- f1-mlops:report:f1-model -->"
ours = [c for c in cs if c["body"].startswith(mark) and c["user"]["login"] == "github-actions[bot]"]
planted = [c for c in cs if c["id"] == 1020][0]
open(sys.argv[1], "w").write(ours[0]["body"] if ours else "")
print(len(ours), ours[0]["id"] if ours else 0, len(cs),
      planted["body"].endswith("planted by a person") and planted["updated_at"] == planted["created_at"])' \
        "$WORK/comment.md"
}
# The checks every run shares: the token masked, and never on the blob host.
secrets_ok() {
    check_eq "run $1: the token only in ::add-mask:: lines" \
        "$(grep -aF "$TOKEN" "$WORK/act-$1.log" | grep -cv '::add-mask::')" 0
}

# --- run 101: better than main's stump --------------------------------------
act_run 101 "${GOOD[@]}"
rc=$?
check_eq "run 101: act exit code" "$rc" 0
[ "$rc" -eq 0 ] || grep -v 'git repository\|git re' "$WORK/act-101.log" | tail -n 40
check "run 101: job succeeded" grep -q 'Job succeeded' "$WORK/act-101.log"
check_eq "run 101: improved" "$(out 101 improved)" true
delta=$(out 101 precision-delta)
check "run 101: precision-delta ($delta) = expected minus the baseline's" python3 -c "import sys
d, x, b = float('$delta'), float('$(out 101 expected-precision)'), float('$(out 101 baseline-expected-precision)')
sys.exit(not (d > 0.04 and abs(d - (x - b)) < 1e-5))"
check "run 101: log-loss-delta = log-loss minus the baseline's" python3 -c "import sys
d, x, b = float('$(out 101 log-loss-delta)'), float('$(out 101 log-loss)'), float('$(out 101 baseline-log-loss)')
sys.exit(not abs(d - (x - b)) < 1e-5)"
check_eq "run 101: the baseline is main's artifact 11" \
    "$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["baseline"]["artifact"]["id"])' \
        "$repo/.f1-mlops/metrics.json" 2>/dev/null)" 11
read -r ours id1 total planted < <(comments)
check_eq "run 101: one report comment among 151 in all" "$ours/$total" 1/151
check_eq "run 101: the person's marker comment untouched" "$planted" True
check_eq "run 101: comment-url names it" "$(out 101 comment-url)" \
    "https://github.com/octo/f1/pull/7#issuecomment-$id1"
check "run 101: the comment links run 101" grep -qF "/octo/f1/actions/runs/101)" "$WORK/comment.md"
check "run 101: the comment says improved" grep -q '^\*\*Improved\*\*' "$WORK/comment.md"
check "run 101: act stored the zip" cmp "$WORK/artifacts/101/f1-model/f1-model.zip" "$repo/.f1-mlops/f1-model.zip"
auth=$(gh_get /_log | python3 -c 'import json, sys
log = json.load(sys.stdin)
print(sum(1 for r in log if r["server"] == "api" and r["headers"].get("authorization") == "Bearer " + sys.argv[1]),
      sum(1 for r in log if r["server"] == "blob"),
      sum(1 for r in log if r["server"] == "blob" and "authorization" in r["headers"]))' "$TOKEN")
read -r api_calls blob_calls blob_auth <<<"$auth"
check "run 101: the container called the fake API with the job's token ($api_calls calls)" test "$api_calls" -ge 3
check "run 101: and fetched the archive from the blob host" test "$blob_calls" -ge 1
check_eq "run 101: the token never reached the blob host" "$blob_auth" 0
secrets_ok 101

# --- run 102: the same pull request again -----------------------------------
act_run 102 "${GOOD[@]}" --rebuild=false
check_eq "run 102: act exit code" "$?" 0
read -r ours id2 total planted < <(comments)
check_eq "run 102: still one report comment among 151 in all" "$ours/$total" 1/151
check_eq "run 102: the same comment, updated in place" "$id2" "$id1"
check "run 102: it now links run 102" grep -qF "/octo/f1/actions/runs/102)" "$WORK/comment.md"
check_eq "run 102: the person's marker comment untouched" "$planted" True
secrets_ok 102

# --- run 103: a stump against run 101's model, now main's newest -------------
seed "$WORK/artifacts/101/f1-model/f1-model.zip"
act_run 103 "${STUMP[@]}" --rebuild=false
rc=$?
check "run 103: act fails (exit $rc)" test "$rc" -ne 0
check "run 103: the job failed" grep -q 'Job failed' "$WORK/act-103.log"
check "run 103: the step failed with fail-if-worse's error" \
    grep -q "::error::.*fail-if-worse: the model's expected precision .* is below the baseline's" "$WORK/act-103.log"
check "run 103: the zip was uploaded first" \
    cmp "$WORK/artifacts/103/f1-model/f1-model.zip" "$repo/.f1-mlops/f1-model.zip"
check "run 103: it is this run's zip, not run 101's" \
    bash -c "! cmp -s '$WORK/artifacts/103/f1-model/f1-model.zip' '$WORK/artifacts/101/f1-model/f1-model.zip'"
check_eq "run 103: the baseline is main's newest artifact (12)" \
    "$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["baseline"]["artifact"]["id"])' \
        "$repo/.f1-mlops/metrics.json" 2>/dev/null)" 12
read -r ours id3 total planted < <(comments)
check_eq "run 103: still one report comment, the same" "$ours/$id3" "1/$id1"
check "run 103: the comment says not improved" grep -q '^\*\*Not improved\*\*' "$WORK/comment.md"
check "run 103: the comment links run 103" grep -qF "/octo/f1/actions/runs/103)" "$WORK/comment.md"
secrets_ok 103

finish
