#!/usr/bin/env bash
# bench/release.sh (last part of make bench): how long a consumer's step
# takes to start under act (v0.2.87, offline) with
#   released  `uses: ./f1`, f1 a checkout of the tag `make release` made:
#             action.yml pins the prebuilt image by digest, which act pulls
#             from a registry on loopback (crane registry serve);
#   Dockerfile `uses: ./` on the development tree (`image: Dockerfile`):
#             act builds the Dockerfile first, with an empty build cache.
# Timed from act's "Run Main <action>" line to the action's first line of
# output ("step start"), and from act's launch to that line ("job start to
# step start", which adds act's own job setup, the same on both sides).
# Prints both and the ratios; asserts nothing.
#
# Untimed setup: the release itself (make release of this tree's committed
# state to the loopback registry and a bare repository, building the image).
# Before each released run the image is deleted locally, so every run pulls.
# The empty cache: act builds with the classic builder, whose cache is the
# daemon's intermediate images (not the BuildKit cache `docker builder
# prune` empties), keyed on the parent image.  Each Dockerfile run builds on
# a fresh copy of the base image (same files, a new image ID from a one-off
# label), so no step can hit a cache, without deleting the caches other
# builds on this daemon use; apt inside the build fetches from Debian as a
# runner would.  The step then runs one season's `source` against the
# replay server.
# Environment: BENCH_RUNS (released runs, best of, default 3),
# BENCH_BUILD_RUNS (Dockerfile runs, default 1: each takes a minute or more),
# BENCH_DIR (default build/bench).  Needs act, crane and the base image
# (tests/install-tools.sh), Docker.
set -u
cd "$(dirname "$0")/.." || exit 1
ROOT=$PWD
RUNS=${BENCH_RUNS:-3}
BUILD_RUNS=${BENCH_BUILD_RUNS:-1}
DIR=$ROOT/${BENCH_DIR:-build/bench}/release
GOBIN_DIR="$(go env GOPATH 2>/dev/null || echo "$HOME/go")/bin"
ACT_BIN=$GOBIN_DIR/act
CRANE=$GOBIN_DIR/crane
BASE=f1-mlops-base:bookworm
nonce=$$-$(date +%s)

die() { echo "bench/release: $*" >&2; exit 1; }
if [ ! -x "$ACT_BIN" ] || [ ! -x "$CRANE" ]; then die "act or crane missing: bash tests/install-tools.sh"; fi
docker image inspect "$BASE" >/dev/null 2>&1 || die "base image $BASE missing: bash tests/install-tools.sh"
rm -rf "$DIR"
mkdir -p "$DIR"

PIDS=()
cleanup() {
    local p
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
    docker ps -aq --filter name=act-bench-release | xargs -r docker rm -f >/dev/null 2>&1
    [ -n "${IMAGE:-}" ] && docker images -q "$IMAGE" | sort -u | xargs -r docker rmi -f >/dev/null 2>&1
    # the one-off bases and every image built on them (their stages carry the
    # label); a parent goes only once its children have, hence the passes
    for _ in 1 2 3; do
        docker images -aq --filter "label=f1-mlops.bench=$nonce" | sort -u | xargs -r docker rmi -f >/dev/null 2>&1
    done
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

# --- registry, replay server, release (untimed) ------------------------------------------
port=$(free_port)
REG=127.0.0.1:$port
"$CRANE" registry serve --address "$REG" >"$DIR/registry.log" 2>&1 &
PIDS+=($!)
python3 tests/replay/replay.py --port 0 --data tests/data --log "$DIR/replay.log" >"$DIR/replay.out" 2>&1 &
PIDS+=($!)
for _ in $(seq 100); do
    curl -sf "http://$REG/v2/" >/dev/null 2>&1 && grep -q '^READY ' "$DIR/replay.out" && break
    sleep 0.1
done
curl -sf "http://$REG/v2/" >/dev/null 2>&1 || die "the registry did not start: $(cat "$DIR/registry.log")"
rport=$(sed -n 's/^READY \([0-9]*\)$/\1/p' "$DIR/replay.out")
[ -n "$rport" ] || die "the replay server did not start: $(cat "$DIR/replay.out")"
IMAGE=$REG/bench/f1-mlops

version=$(sed -n 's/^#define F1_VERSION "\(.*\)"$/\1/p' src/core/version.h)
if ! git clone -q --bare "$ROOT" "$DIR/remote.git" || ! git clone -q "$DIR/remote.git" "$DIR/checkout"; then
    die "cannot clone this repository"
fi
echo "bench/release: make release VERSION=$version to $IMAGE (untimed)"
(cd "$DIR/checkout" && export GIT_AUTHOR_NAME=bench GIT_AUTHOR_EMAIL=bench@example.invalid \
    GIT_COMMITTER_NAME=bench GIT_COMMITTER_EMAIL=bench@example.invalid &&
    make --no-print-directory -s release VERSION="$version" IMAGE="$IMAGE" REMOTE=origin \
    BASE_IMAGE="$BASE") >"$DIR/release.log" 2>&1 || die "make release failed: $(tail -n 5 "$DIR/release.log")"

# --- the two consumers ---------------------------------------------------------------------
# consumer DIR USES: a workspace whose workflow runs the action at USES.
consumer() {
    mkdir -p "$1/.github/workflows"
    cat >"$1/.github/workflows/consumer.yml" <<EOF
name: bench-release
on: push
jobs:
  consumer:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: $2
        with:
          seasons: '2021'
          stages: source
          api-base-url: http://127.0.0.1:$rport/ergast/f1
          wikipedia-base-url: http://127.0.0.1:$rport
          api-requests-per-second: '200'
          api-requests-per-hour: '100000'
EOF
    git -C "$1" init -q && git -C "$1" add .github && git -C "$1" -c user.name=bench -c user.email=bench@example.invalid commit -qm consumer
}
released=$DIR/released
git clone -q --branch "v${version%%.*}" "$DIR/remote.git" "$released/f1" 2>/dev/null || die "no tag v${version%%.*}"
consumer "$released" ./f1
dev=$DIR/dockerfile
mkdir -p "$dev"
(cd "$DIR/checkout" && cp -r action.yml Dockerfile .dockerignore entrypoint.sh Makefile src "$dev/")
consumer "$dev" ./

# timed_act WORKSPACE LOG: runs act there, prints "STEP_START JOB_TO_STEP" in
# seconds (see the top); fails when act fails or the markers are missing.
timed_act() {
    (cd "$1" && python3 - "$ACT_BIN" "$2" <<'EOF'
import re, subprocess, sys, time
act, log = sys.argv[1], sys.argv[2]
t0 = time.monotonic()
p = subprocess.Popen([act, "push", "-W", ".github/workflows/consumer.yml", "-P", "ubuntu-latest=f1-mlops-base:bookworm",
                      "--pull=false", "--bind"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
step = first = None
with open(log, "w") as out:
    for line in p.stdout:
        now = time.monotonic() - t0
        out.write("%9.3f %s" % (now, line))
        if step is None and re.search(r"Run Main \./", line):
            step = now
        elif step is not None and first is None and re.match(r"^\[[^]]+\]\s+(\||❓|⚙)", line):
            first = now
rc = p.wait()
if rc != 0 or step is None or first is None:
    sys.exit("act exit %d, step start %s, first output %s (log %s)" % (rc, step, first, log))
print("%.3f %.3f" % (first - step, first))
EOF
    )
}

best() { sort -n | head -n 1; }

echo "bench/release: released action, $RUNS run(s), the image pulled from $REG each time"
: >"$DIR/released.times"
for i in $(seq "$RUNS"); do
    docker images -q "$IMAGE" | sort -u | xargs -r docker rmi -f >/dev/null 2>&1
    timed_act "$released" "$DIR/act-released-$i.log" >>"$DIR/released.times" || die "released run $i failed"
    grep -q "docker pull image=$IMAGE:$version@sha256:" "$DIR/act-released-$i.log" || die "run $i did not pull $IMAGE"
done

echo "bench/release: uses: ./ (Dockerfile), $BUILD_RUNS run(s), empty build cache"
: >"$DIR/dockerfile.times"
for i in $(seq "$BUILD_RUNS"); do
    base="f1-mlops-bench-base:$nonce-$i"
    printf 'FROM %s\nLABEL f1-mlops.bench=%s\n' "$BASE" "$nonce" | docker build -q -t "$base" - >"$DIR/base-build.log" 2>&1 ||
        die "cannot make the one-off base image"
    sed -i "s|^ARG BASE_IMAGE=.*|ARG BASE_IMAGE=$base|" "$dev/Dockerfile"
    timed_act "$dev" "$DIR/act-dockerfile-$i.log" >>"$DIR/dockerfile.times" || die "Dockerfile run $i failed"
    grep -q 'docker build' "$DIR/act-dockerfile-$i.log" || die "Dockerfile run $i built nothing"
done

r_step=$(cut -d' ' -f1 "$DIR/released.times" | best)
r_job=$(cut -d' ' -f2 "$DIR/released.times" | best)
d_step=$(cut -d' ' -f1 "$DIR/dockerfile.times" | best)
d_job=$(cut -d' ' -f2 "$DIR/dockerfile.times" | best)
echo "== consumer step start under act (best of runs; seconds) =="
printf '%-28s %12s %14s %8s\n' "" released "uses: ./" ratio
printf '%-28s %12.3f %14.3f %7.1fx\n' "step start" "$r_step" "$d_step" "$(awk -v a="$d_step" -v b="$r_step" 'BEGIN { print a / b }')"
printf '%-28s %12.3f %14.3f %7.1fx\n' "job start to step start" "$r_job" "$d_job" "$(awk -v a="$d_job" -v b="$r_job" 'BEGIN { print a / b }')"
echo "(released: docker pull of a $(docker images --format '{{.Size}}' "$IMAGE" | head -n 1) image from the loopback registry; uses: ./: docker build with an empty cache)"
