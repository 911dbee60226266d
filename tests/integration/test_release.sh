#!/usr/bin/env bash
# make release end to end, with real parts only: an OCI registry on loopback
# (crane registry serve), a bare git repository as REMOTE, a clone of it as
# the release checkout, and act running a consumer workflow against the
# released tag.  Shows:
#   - release 1.0.0: the image and its X.Y / X tags in the registry with the
#     four OCI labels; v1.0.0 (annotated), v1.0 and v1 on REMOTE at the
#     release commit, a child of the released commit whose only change is
#     action.yml's image line, pinning the digest the registry reports; no
#     branch moved (REMOTE's nor the checkout's);
#   - refusals (1.0.0 again, 1.0, v1.0.0, a dirty tree, an untracked file, a
#     version without its CHANGELOG section, a release commit, BUILDX_FLAGS
#     without PLATFORMS, a program of another version): non-zero, a
#     message saying why, nothing built, registry and REMOTE unchanged;
#   - release 1.1.0 after new commits: v1 and v1.1 move, v1.0.0 and v1.0
#     (and the 1.0.0 image) do not; its release notes (tools/release-notes.sh);
#   - a consumer workflow under act with `uses: ./f1`, f1 a checkout of v1:
#     act pulls the pinned image from the registry, builds nothing, and a
#     later step reads the `precision` output;
#   - multi-arch (PLATFORMS=linux/amd64,linux/arm64 through buildx) where
#     buildx with an arm64 emulator is available, else a SKIP line saying why
#     (a skip counts as neither passed nor failed).
# Needs: crane, act (tests/install-tools.sh), the local base image, Docker.
. "$(dirname "$0")/lib.sh"

GOBIN_DIR="$(go env GOPATH 2>/dev/null || echo "$HOME/go")/bin"
CRANE="$GOBIN_DIR/crane"
ACT_BIN="$GOBIN_DIR/act"
BASE=f1-mlops-base:bookworm
export GIT_AUTHOR_NAME=release-test GIT_AUTHOR_EMAIL=release-test@example.invalid
export GIT_COMMITTER_NAME=release-test GIT_COMMITTER_EMAIL=release-test@example.invalid

check "crane v0.22.1 installed (tests/install-tools.sh)" sh -c "'$CRANE' version | grep -qx v0.22.1"
check "act installed (tests/install-tools.sh)" test -x "$ACT_BIN"
check "base image $BASE exists (tests/install-tools.sh)" docker image inspect "$BASE"

# --- the registry ------------------------------------------------------------------
reg_port=$(free_port)
REG=127.0.0.1:$reg_port
"$CRANE" registry serve --address "$REG" >"$WORK/registry.log" 2>&1 &
reg_pid=$!
on_exit "kill $reg_pid"
for _ in $(seq 50); do
    curl -sf "http://$REG/v2/" >/dev/null 2>&1 && break
    sleep 0.2
done
if ! curl -sf "http://$REG/v2/" >/dev/null 2>&1; then
    check "registry answers on $REG" false
    cat "$WORK/registry.log"
    finish
    exit 1
fi
IMAGE=$REG/owner/f1-mlops
# Whatever this run pulled or built under IMAGE goes when it ends.
on_exit "docker images -q '$IMAGE' | sort -u | xargs -r docker rmi -f"

# --- REMOTE and the release checkout -----------------------------------------------
# The repository as it is in this tree (tracked files, plus new ones not yet
# committed), as the first commit of a bare REMOTE's main branch.
src="$WORK/src"
remote="$WORK/remote.git"
co="$WORK/checkout"
mkdir -p "$src"
(cd "$ROOT" && git ls-files -z --cached --others --exclude-standard | while IFS= read -r -d '' f; do
    [ -e "$f" ] && cp -P --parents "$f" "$src/"
done)
# The repository's own changelog names the program's version (the release
# refuses otherwise); the test's copy gets its own, at version 1.0.0, so the
# test does not depend on which versions the project has released.
program=$(sed -n 's/^#define F1_VERSION "\(.*\)"$/\1/p' "$ROOT/src/core/version.h")
check "CHANGELOG.md has a section for the program's version ($program)" grep -q "^## \[$program\] - " "$ROOT/CHANGELOG.md"
sed -i 's/^#define F1_VERSION ".*"$/#define F1_VERSION "1.0.0"/' "$src/src/core/version.h"
printf '# Changelog\n\n## [Unreleased]\n\n## [1.0.0] - 2026-12-04\n\n### Added\n- The release test'"'"'s first version.\n' \
    >"$src/CHANGELOG.md"
git -C "$src" init -q -b main && git -C "$src" add -A && git -C "$src" commit -qm "f1-mlops as tested"
git clone -q --bare "$src" "$remote"
git clone -q "$remote" "$co"

tags_on_remote() { git ls-remote --tags "$remote" | sort; }
registry_tags() { "$CRANE" ls "$IMAGE" 2>/dev/null | sort | tr '\n' ' '; }
peeled() { git -C "$co" rev-parse "refs/tags/$1^{commit}" 2>/dev/null; }
# release LOG VERSION [make variables...]: make release from the checkout.
release() {
    local log=$1 version=$2
    shift 2
    (cd "$co" && make --no-print-directory -s release VERSION="$version" IMAGE="$IMAGE" \
        REMOTE=origin BASE_IMAGE="$BASE" "$@") >"$log" 2>&1
}
label() { "$CRANE" config "$1" | python3 -c 'import json, sys; print(json.load(sys.stdin)["config"]["Labels"].get(sys.argv[1], ""))' "$2"; }
pinned_line() { git -C "$co" show "$1:action.yml" | grep '^  image:'; }

# --- release 1.0.0 ------------------------------------------------------------------
main0=$(git -C "$co" rev-parse HEAD)
started=$(date -u +%Y-%m-%dT%H:%M:%SZ)
release "$WORK/release-1.0.0.log" 1.0.0 SOURCE_URL=https://github.com/owner/f1-mlops
rc=$?
check_eq "release 1.0.0: exit code" "$rc" 0
[ "$rc" -eq 0 ] || tail -n 30 "$WORK/release-1.0.0.log"
digest1=$("$CRANE" digest "$IMAGE:1.0.0" 2>/dev/null)
check "registry has $IMAGE:1.0.0" test -n "$digest1"
check_eq "registry tags" "$(registry_tags)" "1 1.0 1.0.0 "
check_eq "$IMAGE:1.0 is the same manifest" "$("$CRANE" digest "$IMAGE:1.0" 2>/dev/null)" "$digest1"
check_eq "$IMAGE:1 is the same manifest" "$("$CRANE" digest "$IMAGE:1" 2>/dev/null)" "$digest1"
check_eq "label version" "$(label "$IMAGE:1.0.0" org.opencontainers.image.version)" 1.0.0
check_eq "label revision (the released commit)" "$(label "$IMAGE:1.0.0" org.opencontainers.image.revision)" "$main0"
check_eq "label source" "$(label "$IMAGE:1.0.0" org.opencontainers.image.source)" https://github.com/owner/f1-mlops
created=$(label "$IMAGE:1.0.0" org.opencontainers.image.created)
check "label created is an RFC 3339 UTC time" grep -qE '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$' <<<"$created"
check "label created is this run's" test "$created" '>' "$started" -o "$created" = "$started"

git -C "$co" fetch -q --tags origin
rel1=$(peeled v1.0.0)
check "v1.0.0 on REMOTE" test -n "$rel1"
check_eq "v1.0.0 is an annotated tag" "$(git --git-dir="$remote" cat-file -t refs/tags/v1.0.0 2>/dev/null)" tag
check_eq "v1.0 on REMOTE at the release commit" "$(git --git-dir="$remote" rev-parse 'refs/tags/v1.0^{commit}' 2>/dev/null)" "$rel1"
check_eq "v1 on REMOTE at the release commit" "$(git --git-dir="$remote" rev-parse 'refs/tags/v1^{commit}' 2>/dev/null)" "$rel1"
check_eq "v1.0.0 on REMOTE at the release commit" "$(git --git-dir="$remote" rev-parse 'refs/tags/v1.0.0^{commit}' 2>/dev/null)" "$rel1"
check_eq "the release commit is a child of the released commit" "$(git -C "$co" rev-parse "$rel1^@" 2>/dev/null)" "$main0"
check_eq "the release commit changes action.yml only, one line" \
    "$(git -C "$co" diff --numstat "$main0" "$rel1" | tr '\t' ' ')" "1 1 action.yml"
check_eq "action.yml pins the registry's digest" "$(pinned_line "$rel1")" \
    "  image: 'docker://$IMAGE:1.0.0@$digest1'"
check_eq "REMOTE's main did not move" "$(git --git-dir="$remote" rev-parse refs/heads/main)" "$main0"
check_eq "REMOTE has no other branch" "$(git --git-dir="$remote" for-each-ref --format='%(refname)' refs/heads)" refs/heads/main
check_eq "the checkout's branch did not move" "$(git -C "$co" rev-parse main)" "$main0"
check_eq "the checkout is still on main" "$(git -C "$co" symbolic-ref --short HEAD)" main
check_eq "the checkout is still clean" "$(git -C "$co" status --porcelain)" ""
check_eq "main's action.yml still builds the Dockerfile" "$(pinned_line main)" "  image: Dockerfile"

# --- refusals -----------------------------------------------------------------------
# refused NAME VERSION MESSAGE-REGEX [make variables...]: make release fails saying why, before
# building, and changes neither the registry nor REMOTE.
refused() {
    local name=$1 version=$2 pattern=$3 before_tags before_reg log="$WORK/refused-$1.log" rc
    shift 3
    before_tags=$(tags_on_remote)
    before_reg=$(registry_tags)
    release "$log" "$version" "$@"
    rc=$?
    check "refused ($name): non-zero exit" test "$rc" -ne 0
    check "refused ($name): says why" grep -qE "^release: .*$pattern" "$log"
    if [ "$rc" -eq 0 ] || ! grep -qE "$pattern" "$log"; then tail -n 5 "$log"; fi
    check "refused ($name): built nothing" sh -c "! grep -q '^release: building' '$log'"
    check_eq "refused ($name): REMOTE's tags unchanged" "$(tags_on_remote)" "$before_tags"
    check_eq "refused ($name): registry unchanged" "$(registry_tags)" "$before_reg"
}
refused again 1.0.0 "tag v1.0.0 already exists on origin"
refused two-numbers 1.0 "VERSION '1.0' is not a release version X.Y.Z"
refused v-prefix v1.0.0 "VERSION 'v1.0.0' is not a release version X.Y.Z"
echo "local edit" >>"$co/README.md"
refused dirty 1.0.1 "working tree is not clean"
git -C "$co" checkout -q README.md
touch "$co/src/untracked.c"
refused untracked 1.0.1 "working tree is not clean"
rm -f "$co/src/untracked.c"
refused no-changelog 1.0.1 "CHANGELOG.md has no section '## \[1.0.1\]"
git -C "$co" checkout -q --detach v1.0.0
refused release-commit 1.0.1 "does not run 'image: Dockerfile'"
git -C "$co" checkout -q main
check_eq "1.0.0's image unchanged after the refusals" "$("$CRANE" digest "$IMAGE:1.0.0" 2>/dev/null)" "$digest1"

# --- release 1.1.0 after new commits ---------------------------------------------------
python3 - "$co" <<'EOF'
import sys
p = sys.argv[1] + "/CHANGELOG.md"
s = open(p).read()
open(p, "w").write(s.replace("## [Unreleased]\n", "## [Unreleased]\n\n## [1.1.0] - 2026-12-05\n\n### Changed\n- The release test's second version.\n", 1))
EOF
git -C "$co" commit -qam "Changelog for 1.1.0"
refused program-version 1.1.0 'src/core/version.h says F1_VERSION "1.0.0", not "1.1.0"'
sed -i 's/^#define F1_VERSION ".*"$/#define F1_VERSION "1.1.0"/' "$co/src/core/version.h"
git -C "$co" commit -qam "Version 1.1.0 for the release test" && git -C "$co" push -q origin main
main1=$(git -C "$co" rev-parse HEAD)
refused buildx-flags-alone 1.1.0 "BUILDX_FLAGS .* needs PLATFORMS" "BUILDX_FLAGS=--sbom=true"
tag100=$(git --git-dir="$remote" rev-parse refs/tags/v1.0.0)
release "$WORK/release-1.1.0.log" 1.1.0
rc=$?
check_eq "release 1.1.0: exit code" "$rc" 0
[ "$rc" -eq 0 ] || tail -n 30 "$WORK/release-1.1.0.log"
git -C "$co" fetch -q --tags --force origin
rel2=$(peeled v1.1.0)
digest2=$("$CRANE" digest "$IMAGE:1.1.0" 2>/dev/null)
check "v1.1.0 is a new release commit" test -n "$rel2" -a "$rel2" != "$rel1"
check_eq "v1.1.0 is a child of the new commit" "$(git -C "$co" rev-parse "$rel2^@" 2>/dev/null)" "$main1"
check_eq "v1 moved to 1.1.0" "$(git --git-dir="$remote" rev-parse 'refs/tags/v1^{commit}' 2>/dev/null)" "$rel2"
check_eq "v1.1 is 1.1.0" "$(git --git-dir="$remote" rev-parse 'refs/tags/v1.1^{commit}' 2>/dev/null)" "$rel2"
check_eq "v1.0 did not move" "$(git --git-dir="$remote" rev-parse 'refs/tags/v1.0^{commit}' 2>/dev/null)" "$rel1"
check_eq "v1.0.0 did not change" "$(git --git-dir="$remote" rev-parse refs/tags/v1.0.0)" "$tag100"
check_eq "1.1.0's action.yml pins the registry's digest" "$(pinned_line "$rel2")" \
    "  image: 'docker://$IMAGE:1.1.0@$digest2'"
check "1.1.0 is another image" test -n "$digest2" -a "$digest2" != "$digest1"
check_eq "registry tags after 1.1.0" "$(registry_tags)" "1 1.0 1.0.0 1.1 1.1.0 "
check_eq "$IMAGE:1 moved to 1.1.0" "$("$CRANE" digest "$IMAGE:1" 2>/dev/null)" "$digest2"
check_eq "$IMAGE:1.0.0 did not change" "$("$CRANE" digest "$IMAGE:1.0.0" 2>/dev/null)" "$digest1"
check_eq "label version 1.1.0" "$(label "$IMAGE:1.1.0" org.opencontainers.image.version)" 1.1.0
check_eq "label source defaults to REMOTE's URL" "$(label "$IMAGE:1.1.0" org.opencontainers.image.source)" "${remote%.git}"
check_eq "REMOTE's main is the new commit, not a release commit" "$(git --git-dir="$remote" rev-parse refs/heads/main)" "$main1"

# --- release notes ------------------------------------------------------------------------
(cd "$co" && bash tools/release-notes.sh 1.1.0) >"$WORK/notes-1.1.0.md" 2>"$WORK/notes.err"
check_eq "release notes 1.1.0: exit code" "$?" 0
check "notes: the CHANGELOG section" grep -qx -- "- The release test's second version." "$WORK/notes-1.1.0.md"
check "notes: not the previous version's section" sh -c "! grep -q 'first version' '$WORK/notes-1.1.0.md'"
check "notes: changes since v1.0.0" grep -qx "### Changes since v1.0.0" "$WORK/notes-1.1.0.md"
check_eq "notes: exactly the two new commits" "$(grep -c '^- .*([0-9a-f]*)$' "$WORK/notes-1.1.0.md")" 2
check "notes: the new commits' subjects" grep -q "^- Version 1.1.0 for the release test (" "$WORK/notes-1.1.0.md"
check "notes: the pinned image and digest" grep -qx "docker://$IMAGE:1.1.0@$digest2" "$WORK/notes-1.1.0.md"
(cd "$co" && bash tools/release-notes.sh 1.0.0) >"$WORK/notes-1.0.0.md" 2>>"$WORK/notes.err"
check "notes 1.0.0: a first release" grep -qx "### Changes (first release)" "$WORK/notes-1.0.0.md"
check "notes 1.0.0: its CHANGELOG section" grep -qx -- "- The release test's first version." "$WORK/notes-1.0.0.md"
check "notes 1.0.0: its own digest" grep -qx "docker://$IMAGE:1.0.0@$digest1" "$WORK/notes-1.0.0.md"
(cd "$co" && bash tools/release-notes.sh 1.2.0) >/dev/null 2>"$WORK/notes-missing.err"
check "notes for an unreleased version: refused" test "$?" -ne 0
check "notes for an unreleased version: says why" grep -q "no tag v1.2.0" "$WORK/notes-missing.err"

# --- a consumer of the released v1 under act ------------------------------------------------
start_replay
consumer="$WORK/consumer"
mkdir -p "$consumer/.github/workflows"
git clone -q "$remote" "$consumer/f1" && git -C "$consumer/f1" checkout -q v1
cat >"$consumer/.github/workflows/consumer.yml" <<EOF
name: release-consumer
on: push
jobs:
  f1release:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - id: f1
        uses: ./f1
        with:
          seasons: 2019-2021
          stages: source,prepare,features,train,evaluate
          n-estimators: '50'
          seed: '7'
          api-base-url: $API_URL
          wikipedia-base-url: $WIKI_URL
          api-requests-per-second: '200'
          api-requests-per-hour: '100000'
      - name: Read the precision
        shell: bash
        env:
          PRECISION: \${{ steps.f1.outputs.precision }}
        run: printf '%s\n' "\$PRECISION" > consumer-precision.txt
EOF
git -C "$consumer" init -q && git -C "$consumer" add .github && git -C "$consumer" commit -qm consumer
# The image must come from the registry: nothing of it may be here before.
docker images -q "$IMAGE" | sort -u | xargs -r docker rmi -f >/dev/null 2>&1
check "the released image is not local before act" sh -c "! docker image inspect '$IMAGE@$digest2' >/dev/null 2>&1"
on_exit 'docker ps -aq --filter name=act-release-consumer | xargs -r docker rm -f'
since=$(date +%s)
(cd "$consumer" && timeout 900 "$ACT_BIN" push -W .github/workflows/consumer.yml \
    -P "ubuntu-latest=$BASE" --pull=false --bind) >"$WORK/act.log" 2>&1
rc=$?
check_eq "consumer act run: exit code" "$rc" 0
[ "$rc" -eq 0 ] || grep -v 'git repository\|git re' "$WORK/act.log" | tail -n 40
check "act pulled the pinned image" grep -qF "docker pull image=$IMAGE:1.1.0@$digest2" "$WORK/act.log"
check "act built nothing" sh -c "! grep -q 'docker build' '$WORK/act.log'"
docker events --since "$since" --until "$(date +%s)" --filter type=image \
    --format '{{.Action}} {{.Actor.ID}}' >"$WORK/events.log" 2>&1
check "Docker pulled it from the registry" grep -qxF "pull $IMAGE@$digest2" "$WORK/events.log"
check "the pulled image is the pinned one" docker image inspect "$IMAGE@$digest2"
precision=$(cat "$consumer/consumer-precision.txt" 2>/dev/null)
check "a later step read the precision output ('$precision')" grep -qE '^(0|0\.[0-9]+|1)$' <<<"$precision"
check "the step ran the released program" grep -q 'model precision' "$WORK/act.log"

# --- multi-arch ------------------------------------------------------------------------------
# buildx with the docker-container driver (its own BuildKit, which reaches
# the loopback registry over the host network) and an arm64 emulator; the
# base image then comes from its registry, as a real release's does.
skip_reason=
if ! docker buildx version >/dev/null 2>&1; then
    skip_reason="docker buildx is not installed"
elif ! docker buildx imagetools inspect debian:bookworm-slim 2>/dev/null | grep -q 'linux/arm64'; then
    skip_reason="the multi-arch base image debian:bookworm-slim cannot be read from its registry"
else
    cat >"$WORK/buildkitd.toml" <<EOF
[registry."$REG"]
  http = true
  insecure = true
EOF
    builder=f1-release-test-$$
    if docker buildx create --name "$builder" --driver docker-container --driver-opt network=host \
        --config "$WORK/buildkitd.toml" >"$WORK/buildx-create.log" 2>&1 &&
        docker buildx inspect --bootstrap "$builder" >"$WORK/buildx-inspect.log" 2>&1; then
        on_exit "docker buildx rm -f $builder"
        grep -q 'linux/arm64' "$WORK/buildx-inspect.log" ||
            skip_reason="buildx has no linux/arm64 platform (no QEMU binfmt emulator registered)"
    else
        skip_reason="cannot start a buildx docker-container builder: $(tail -n 1 "$WORK/buildx-create.log" "$WORK/buildx-inspect.log" | tr '\n' ' ')"
    fi
fi
if [ -n "$skip_reason" ]; then
    skip "multi-arch release" "$skip_reason"
else
    python3 - "$co" <<'EOF'
import re, sys
root = sys.argv[1]
p = root + "/CHANGELOG.md"
s = open(p).read()
open(p, "w").write(s.replace("## [Unreleased]\n", "## [Unreleased]\n\n## [2.0.0] - 2026-12-06\n\n### Changed\n- Two platforms.\n", 1))
p = root + "/src/core/version.h"
open(p, "w").write(re.sub(r'#define F1_VERSION "[^"]*"', '#define F1_VERSION "2.0.0"', open(p).read()))
EOF
    git -C "$co" commit -qam "Version 2.0.0 for the release test"
    BUILDX_BUILDER=$builder release "$WORK/release-2.0.0.log" 2.0.0 BASE_IMAGE= \
        PLATFORMS=linux/amd64,linux/arm64
    rc=$?
    check_eq "multi-arch release 2.0.0: exit code" "$rc" 0
    [ "$rc" -eq 0 ] || tail -n 30 "$WORK/release-2.0.0.log"
    git -C "$co" fetch -q --tags --force origin
    digest3=$("$CRANE" digest "$IMAGE:2.0.0" 2>/dev/null)
    platforms=$("$CRANE" manifest "$IMAGE:2.0.0" 2>/dev/null | python3 -c '
import json, sys
m = json.load(sys.stdin)
print(" ".join(sorted("%s/%s" % (d["platform"]["os"], d["platform"]["architecture"])
                      for d in m.get("manifests", []) if d.get("platform", {}).get("os") != "unknown")))')
    check_eq "2.0.0 is an index of linux/amd64 and linux/arm64" "$platforms" "linux/amd64 linux/arm64"
    check_eq "2.0.0's action.yml pins the index digest" "$(pinned_line "$(peeled v2.0.0)")" \
        "  image: 'docker://$IMAGE:2.0.0@$digest3'"
fi

finish
