#!/usr/bin/env bash
# The action under act (v0.2.87, offline): .github/workflows/selftest.yml's
# job selftest (the released-image job needs the network: see
# test_release.sh for that path under act) runs
# `uses: ./` on a copy of the repository against the replay server, with
# act's artifact server on loopback.  Checks that the job succeeds, that the
# artifact act stored is byte for byte the zip the step wrote (the zip
# itself, not a zip inside a zip) with the five model files, and that the
# step outputs and upload.json agree with what act recorded.
# Needs: act in $(go env GOPATH)/bin and the local base image
# (tests/install-tools.sh installs both).
. "$(dirname "$0")/lib.sh"

ACT_BIN="$(go env GOPATH 2>/dev/null || echo "$HOME/go")/bin/act"
BASE=f1-mlops-base:bookworm
NAME=f1-model-act

check "act v0.2.87 installed (tests/install-tools.sh)" sh -c "'$ACT_BIN' --version | grep -q '0.2.87\$'"
check "job image $BASE exists (tests/install-tools.sh)" docker image inspect "$BASE"
# act builds the Dockerfile without build arguments: its default base must
# be there locally (install-tools.sh tags the local base image so).
check "default BASE_IMAGE available locally" docker image inspect debian:bookworm-slim

start_replay

# A copy of what the action needs, so the run's files stay out of the tree.
repo="$WORK/repo"
mkdir -p "$repo"
(cd "$ROOT" && cp -r action.yml Dockerfile .dockerignore entrypoint.sh Makefile src .github "$repo/")
port=$(free_port)
# act removes its job container when the job ends, but not when it fails to
# build the action: remove this workflow's containers whatever happened.
on_exit 'docker ps -aq --filter name=act-selftest-selftest | xargs -r docker rm -f'
(
    cd "$repo" &&
        timeout 1200 "$ACT_BIN" push -W .github/workflows/selftest.yml -j selftest \
            -P "ubuntu-latest=$BASE" --pull=false --bind \
            --artifact-server-path "$WORK/artifacts" \
            --artifact-server-addr 127.0.0.1 --artifact-server-port "$port" \
            --var "F1_API_BASE_URL=$API_URL" --var "F1_WIKIPEDIA_BASE_URL=$WIKI_URL" \
            --var F1_API_REQUESTS_PER_SECOND=200 --var F1_API_REQUESTS_PER_HOUR=100000 \
            --var "F1_ARTIFACT_NAME=$NAME"
) >"$WORK/act.log" 2>&1
rc=$?
check_eq "act exit code" "$rc" 0
[ "$rc" -eq 0 ] || grep -v 'git repository\|git re' "$WORK/act.log" | tail -n 40
check "job succeeded" grep -q 'Job succeeded' "$WORK/act.log"

stored="$WORK/artifacts/1/$NAME/$NAME.zip"
zip="$repo/.f1-mlops/f1-model.zip"
check "act stored the artifact" test -s "$stored"
check "the stored artifact is the step's zip, byte for byte" cmp "$stored" "$zip"
entries=$(python3 -c 'import sys, zipfile; print(" ".join(sorted(zipfile.ZipFile(sys.argv[1]).namelist())))' "$stored" 2>/dev/null)
check_eq "artifact entries are the model files" "$entries" \
    "MODEL_CARD.md manifest.json metrics.json model.json predictions.csv"

# act's artifact id is FNV-1a-32 of the name; the digest is the zip's.
read -r fnv digest < <(python3 - "$NAME" "$stored" <<'EOF'
import hashlib, sys
h = 0x811C9DC5
for b in sys.argv[1].encode():
    h = ((h ^ b) * 0x01000193) & 0xFFFFFFFF
print(h, hashlib.sha256(open(sys.argv[2], "rb").read()).hexdigest())
EOF
)
json_get() { python3 -c 'import json, sys; print(json.load(open(sys.argv[1])).get(sys.argv[2], ""))' "$1" "$2" 2>/dev/null; }
check_eq "upload.json artifact_id" "$(json_get "$repo/.f1-mlops/upload.json" artifact_id)" "$fnv"
check_eq "upload.json artifact_digest" "$(json_get "$repo/.f1-mlops/upload.json" artifact_digest)" "$digest"
check_eq "output artifact-id" "$(json_get "$repo/selftest-outputs.json" artifact-id)" "$fnv"
check_eq "output artifact-digest" "$(json_get "$repo/selftest-outputs.json" artifact-digest)" "$digest"
check "output artifact-url" sh -c "grep -q '/actions/runs/1/artifacts/$fnv\"' '$repo/selftest-outputs.json'"
check_eq "signed upload URL never logged" "$(grep -c 'sig=' "$WORK/act.log")" 0

finish
