#!/usr/bin/env bash
# The action's image: built from the Dockerfile on the local base image,
# under 100 MB, then run the way the GitHub runner runs a container action
# (docker run with INPUT_* variables whose names keep their hyphens, the
# workspace and the file-command directory mounted, GITHUB_WORKSPACE set,
# the workspace owned by a non-root user) against the replay server and
# FerretDB, over three seasons.  Checks the step outputs, the job summary,
# the zip's five entries, masking of the MongoDB URI, and that every file
# the container wrote belongs to the workspace owner.
. "$(dirname "$0")/lib.sh"

IMAGE=f1-mlops:test
BASE=f1-mlops-base:bookworm
OWNER=1001
SIZE_MAX=100000000

bash "$ROOT/tests/docker/make-base-image.sh" "$BASE" >"$WORK/base.log" 2>&1
check "base image $BASE exists" docker image inspect "$BASE"

if docker build --force-rm --build-arg "BASE_IMAGE=$BASE" -t "$IMAGE" "$ROOT" >"$WORK/build.log" 2>&1; then
    check "image builds" true
else
    check "image builds" false
    tail -n 30 "$WORK/build.log"
    finish
    exit 1
fi
# Untagged images of earlier builds of this Dockerfile (its stages carry
# the label) pile up as the sources change; drop those older than a day.
docker image prune -f --filter label=f1-mlops.stage --filter until=24h >/dev/null 2>&1
size=$(docker image inspect --format '{{.Size}}' "$IMAGE")
echo "image size: $size bytes"
check_le "image size <= 100 MB" "$size" "$SIZE_MAX"
check_eq "exec-form entrypoint" "$(docker image inspect --format '{{json .Config.Entrypoint}}' "$IMAGE")" '["/entrypoint.sh"]'
check_eq "no USER" "$(docker image inspect --format '{{.Config.User}}' "$IMAGE")" ""
check "CA bundle in the image (curl's and OpenSSL's default paths)" docker run --rm \
    --entrypoint /bin/sh "$IMAGE" -c 'test -s /etc/ssl/certs/ca-certificates.crt && test -s /usr/lib/ssl/cert.pem'
# Hyphenated INPUT_ names must survive the entry point (sh would drop them).
docker run --rm --env "INPUT_N-ESTIMATORS=0" "$IMAGE" >"$WORK/bad-input.log" 2>&1
check_eq "a bad hyphenated input is seen: exit code" "$?" 2
check "a bad hyphenated input is named" grep -q "input 'n-estimators'" "$WORK/bad-input.log"

start_replay
start_ferretdb

# What the runner provides: a workspace owned by the checkout user, and a
# file-command directory (paths taken from the environment, never assumed).
ws="$WORK/workspace"
fc="$WORK/file_commands"
mkdir -p "$ws" "$fc"
chown "$OWNER:$OWNER" "$ws"
: >"$fc/set_output_1" && : >"$fc/step_summary_1"
# Every input, as the runner passes them (defaults included), hyphens kept.
inputs=(
    "INPUT_SEASONS=2019-2021" "INPUT_TEST-SEASON=2021" "INPUT_BACKTEST=" "INPUT_STAGES=all"
    "INPUT_MONGODB-URI=${MONGO_URI}f1ci" "INPUT_MONGODB-DATABASE=f1ci" "INPUT_DATA-DIR=.f1-mlops"
    "INPUT_API-BASE-URL=$API_URL" "INPUT_API-REQUESTS-PER-SECOND=200"
    "INPUT_API-REQUESTS-PER-HOUR=100000" "INPUT_WIKIPEDIA=true" "INPUT_WIKIPEDIA-BASE-URL=$WIKI_URL"
    "INPUT_REFRESH=false" "INPUT_N-ESTIMATORS=50" "INPUT_MAX-SAMPLES=10" "INPUT_MAX-FEATURES=50"
    "INPUT_BOOTSTRAP=true" "INPUT_BOOTSTRAP-FEATURES=true" "INPUT_MAX-DEPTH=0" "INPUT_SEED=7"
    "INPUT_THREADS=0" "INPUT_ARTIFACT-NAME=f1-model" "INPUT_RETENTION-DAYS="
)
env_args=()
for kv in "${inputs[@]}"; do env_args+=(--env "$kv"); done
docker run --rm --network host --workdir /github/workspace \
    -v "$ws:/github/workspace" -v "$fc:/github/file_commands" \
    --env GITHUB_ACTIONS=true --env CI=true --env HOME=/github/home \
    --env GITHUB_WORKSPACE=/github/workspace \
    --env GITHUB_OUTPUT=/github/file_commands/set_output_1 \
    --env GITHUB_STEP_SUMMARY=/github/file_commands/step_summary_1 \
    "${env_args[@]}" "$IMAGE" >"$WORK/run.log" 2>&1
rc=$?
check_eq "container exit code" "$rc" 0
[ "$rc" -eq 0 ] || tail -n 30 "$WORK/run.log"

out="$fc/set_output_1"
for name in model-path zip-path metrics-path precision expected-precision hits races \
    pole-precision leader-precision artifact-id artifact-url artifact-digest; do
    check "output $name written" grep -q "^$name=" "$out"
done
output() { sed -n "s/^$1=//p" "$out" | tail -n 1; }
check_eq "zip-path output" "$(output zip-path)" ".f1-mlops/f1-model.zip"
check "precision is a number in [0, 1]" python3 -c \
    "import sys; p = float(sys.argv[1]); sys.exit(0 if 0 <= p <= 1 else 1)" "$(output precision)"
check "races > 0" test "$(output races)" -gt 0
check_eq "no artifact without a runtime token" "$(output artifact-id)" ""
check "upload skipped with a notice" grep -q '^::notice::artifact upload skipped' "$WORK/run.log"

summary="$fc/step_summary_1"
check "summary has a metrics table" grep -Eq '^\|.*precision' "$summary"
check "summary compares with the pole baseline" grep -qi 'pole' "$summary"

zip="$ws/.f1-mlops/f1-model.zip"
check "zip written in the workspace" test -s "$zip"
entries=$(python3 -c 'import sys, zipfile; print(" ".join(sorted(zipfile.ZipFile(sys.argv[1]).namelist())))' "$zip" 2>/dev/null)
check_eq "zip entries" "$entries" "MODEL_CARD.md manifest.json metrics.json model.json predictions.csv"

check "MongoDB URI masked" grep -qF "::add-mask::${MONGO_URI}f1ci" "$WORK/run.log"
check_eq "URI never printed unmasked" \
    "$(grep -vF '::add-mask::' "$WORK/run.log" | grep -cF "${MONGO_URI}f1ci")" 0
check "data-dir exists" test -d "$ws/.f1-mlops"
check_eq "files not owned by the workspace owner" "$(find "$ws" ! -uid "$OWNER" | wc -l)" 0

# act in host mode passes host paths that do not exist in the container:
# the entry point falls back to the working directory and to act's
# /var/run/act/workflow for the file commands.
actws="$WORK/act-ws"
actdir="$WORK/act-workflow"
mkdir -p "$actws" "$actdir"
docker run --rm --workdir /ws -v "$actws:/ws" -v "$actdir:/var/run/act/workflow" \
    --env ACT=true --env GITHUB_WORKSPACE=/home/runner/.cache/act/x/hostexecutor \
    --env GITHUB_OUTPUT=/home/runner/.cache/act/x/act/workflow/outputcmd.txt \
    --env INPUT_STAGES=upload "$IMAGE" >"$WORK/act-mode.log" 2>&1
check_eq "act host-mode fallbacks: exit code" "$?" 0
check "act host-mode: data-dir made in the working directory" test -d "$actws/.f1-mlops"
check "act host-mode: outputs in /var/run/act/workflow" grep -q '^artifact-id=' "$actdir/outputcmd.txt"

finish
