#!/usr/bin/env bash
# tools/release.sh (make release): publishes version X.Y.Z of the action.
#
#   make release VERSION=X.Y.Z IMAGE=REGISTRY/NAME REMOTE=GIT_REMOTE \
#                [PLATFORMS=linux/amd64,linux/arm64] [BASE_IMAGE=...] \
#                [BUILDX_FLAGS='--provenance=mode=max --sbom=true'] [SOURCE_URL=https://...]
#
# In order, from a clean checkout of the commit to release (HEAD):
#   1. refuses, before anything is built or pushed, with a message and exit
#      code 1: a VERSION that is not X.Y.Z; IMAGE missing or carrying a tag
#      or digest; a dirty tree (untracked files too: src/ is the image's
#      build context); HEAD's action.yml not running `image: Dockerfile`
#      (e.g. a release commit); no `## [X.Y.Z]` section in CHANGELOG.md
#      (the release notes come from it); F1_VERSION in src/core/version.h
#      other than X.Y.Z (the program writes it into every model); tag
#      vX.Y.Z already on REMOTE (released versions are immutable) or REMOTE
#      unreachable; crane (which reads the digest) or docker (buildx with
#      PLATFORMS) missing; BUILDX_FLAGS without PLATFORMS;
#   2. builds the Dockerfile (BASE_IMAGE passed as a build argument when
#      set) labelled org.opencontainers.image.{version,revision,source,created}
#      and pushes IMAGE:X.Y.Z, IMAGE:X.Y and IMAGE:X: `docker build` +
#      `docker push`, or with PLATFORMS `docker buildx build --platform
#      PLATFORMS --push` (plus BUILDX_FLAGS, e.g. the attestations, each
#      left out with a note when this buildx does not know it);
#   3. reads the pushed manifest's digest back from the registry (crane
#      digest: the registry's answer, not the local builder's idea of it) and
#      checks that the three tags name that same manifest;
#   4. makes the release commit, a child of HEAD whose only change is
#      action.yml's `image:` line becoming
#      `docker://IMAGE:X.Y.Z@sha256:DIGEST`, through a temporary index, so
#      no branch (and not the working tree) moves;
#   5. tags it vX.Y.Z (annotated), moves vX.Y and vX to it (lightweight), and
#      pushes the three tags to REMOTE in one atomic push (vX.Y.Z must be
#      new, the moving two are forced).  Prints the image reference and the
#      release commit.
# The revision label is HEAD, the commit the image is built from (the
# release commit, HEAD plus the pin, cannot exist before the digest does).
set -euo pipefail

die() { echo "release: $*" >&2; exit 1; }
say() { echo "release: $*"; }

VERSION=${VERSION:-}
IMAGE=${IMAGE:-}
REMOTE=${REMOTE:-}
PLATFORMS=${PLATFORMS:-}
BASE_IMAGE=${BASE_IMAGE:-}
BUILDX_FLAGS=${BUILDX_FLAGS:-}
GOBIN_DIR=$(go env GOPATH 2>/dev/null || echo "$HOME/go")/bin
CRANE=${CRANE:-$(command -v crane || echo "$GOBIN_DIR/crane")}

top=$(git rev-parse --show-toplevel 2>/dev/null) || die "not inside a git checkout"
cd "$top"

# --- 1. refusals (nothing built or pushed yet) ------------------------------------
semver='^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)$'
[[ $VERSION =~ $semver ]] ||
    die "VERSION '$VERSION' is not a release version X.Y.Z (three numbers, no leading 'v', e.g. 1.2.3)"
major=${BASH_REMATCH[1]}
minor="$major.${BASH_REMATCH[2]}"
[ -n "$IMAGE" ] || die "IMAGE is empty: give the image repository, e.g. IMAGE=ghcr.io/owner/f1-mlops"
# A tag or digest in IMAGE would clash with the three tags pushed here.
[[ $IMAGE =~ ^[a-z0-9]([a-z0-9._:-]*[a-z0-9])?(/[a-z0-9]([a-z0-9._-]*[a-z0-9])?)+$ ]] ||
    die "IMAGE '$IMAGE' is not REGISTRY/NAME in lower case without a tag or digest (e.g. ghcr.io/owner/f1-mlops)"
[ -n "$REMOTE" ] || die "REMOTE is empty: give the git remote (name or URL) to push the tags to"

dirty=$(git status --porcelain)
[ -z "$dirty" ] || die "the working tree is not clean (commit or remove these first):
$dirty"
head=$(git rev-parse --verify 'HEAD^{commit}')
git show "$head:action.yml" | grep -q '^  image: Dockerfile$' ||
    die "action.yml at HEAD does not run 'image: Dockerfile' (a release commit cannot be released again): release from the development branch"
grep -q "^## \[$VERSION\]" CHANGELOG.md 2>/dev/null ||
    die "CHANGELOG.md has no section '## [$VERSION] - DATE': the release notes come from it (move the Unreleased entries there and commit)"
program=$(sed -n 's/^#define F1_VERSION "\(.*\)"$/\1/p' src/core/version.h)
[ "$program" = "$VERSION" ] ||
    die "src/core/version.h says F1_VERSION \"$program\", not \"$VERSION\": the program (model files, User-Agent) must report the version it is released as"

tag="v$VERSION"
if ! remote_tag=$(git ls-remote --tags "$REMOTE" "refs/tags/$tag" 2>&1); then
    die "cannot read the tags of remote '$REMOTE': $remote_tag"
fi
[ -z "$remote_tag" ] || die "tag $tag already exists on $REMOTE: released versions are immutable, release a new version instead"

command -v docker >/dev/null || die "docker is not installed"
buildx_flags=()
if [ -n "$PLATFORMS" ]; then
    docker buildx version >/dev/null 2>&1 || die "PLATFORMS is set but docker buildx is not available"
    # Attestation flags (--provenance, --sbom) exist from buildx 0.10 on: one
    # this buildx does not know is left out with a note, not a failure.
    help=$(docker buildx build --help 2>&1)
    for f in $BUILDX_FLAGS; do
        if grep -qE -- "[[:space:]]${f%%=*}[[:space:]]" <<<"$help"; then
            buildx_flags+=("$f")
        else
            say "this docker buildx has no ${f%%=*}: building without '$f'"
        fi
    done
elif [ -n "$BUILDX_FLAGS" ]; then
    die "BUILDX_FLAGS ('$BUILDX_FLAGS') needs PLATFORMS: only the buildx build takes them"
fi
"$CRANE" version >/dev/null 2>&1 ||
    die "crane is needed to read the pushed digest: go install github.com/google/go-containerregistry/cmd/crane@v0.22.1"

# --- 2. build and push -------------------------------------------------------------
if [ -z "${SOURCE_URL:-}" ]; then
    # The remote's URL as a browsable https address (git@host:o/r.git ->
    # https://host/o/r); a local path stays as it is.
    url=$(git remote get-url "$REMOTE" 2>/dev/null || echo "$REMOTE")
    url=${url%.git}
    case "$url" in
        git@*:*) url="https://${url#git@}"; url="${url/://}" ;;
        ssh://git@*) url="https://${url#ssh://git@}" ;;
    esac
    SOURCE_URL=$url
fi
created=$(date -u +%Y-%m-%dT%H:%M:%SZ)
build_args=(
    --label "org.opencontainers.image.version=$VERSION"
    --label "org.opencontainers.image.revision=$head"
    --label "org.opencontainers.image.source=$SOURCE_URL"
    --label "org.opencontainers.image.created=$created"
)
[ -z "$BASE_IMAGE" ] || build_args+=(--build-arg "BASE_IMAGE=$BASE_IMAGE")
refs=("$IMAGE:$VERSION" "$IMAGE:$minor" "$IMAGE:$major")

if [ -n "$PLATFORMS" ]; then
    say "building $IMAGE $VERSION for $PLATFORMS with buildx and pushing ${refs[*]}"
    docker buildx build --platform "$PLATFORMS" --push "${build_args[@]}" \
        "${refs[@]/#/--tag=}" "${buildx_flags[@]}" .
else
    say "building $IMAGE:$VERSION"
    docker build "${build_args[@]}" --tag "${refs[0]}" .
    for r in "${refs[@]}"; do
        [ "$r" = "${refs[0]}" ] || docker tag "${refs[0]}" "$r"
        say "pushing $r"
        docker push "$r"
    done
fi

# --- 3. the digest, from the registry -----------------------------------------------
digest=$("$CRANE" digest "${refs[0]}") || die "cannot read the digest of ${refs[0]} from the registry"
[[ $digest =~ ^sha256:[0-9a-f]{64}$ ]] || die "the registry answered '$digest' for the digest of ${refs[0]}"
for r in "${refs[@]:1}"; do
    d=$("$CRANE" digest "$r") || die "cannot read the digest of $r from the registry"
    [ "$d" = "$digest" ] || die "$r names $d in the registry, not $digest"
done
pinned="docker://$IMAGE:$VERSION@$digest"
say "registry digest of ${refs[0]}: $digest"

# --- 4. the release commit (no branch moves) ----------------------------------------
index=$(mktemp)
trap 'rm -f "$index"' EXIT
mode=$(git ls-tree "$head" action.yml | cut -d' ' -f1)
blob=$(git show "$head:action.yml" | sed "s|^  image: Dockerfile\$|  image: '$pinned'|" | git hash-object -w --stdin)
GIT_INDEX_FILE=$index git read-tree "$head"
GIT_INDEX_FILE=$index git update-index --cacheinfo "$mode,$blob,action.yml"
tree=$(GIT_INDEX_FILE=$index git write-tree)
commit=$(git commit-tree "$tree" -p "$head" -m "Release $VERSION

action.yml runs the prebuilt image $pinned
built from $head.")

# --- 5. tags --------------------------------------------------------------------------
git tag -f -a "$tag" -m "f1-mlops $VERSION

image: $pinned" "$commit" >/dev/null
git tag -f "v$minor" "$commit" >/dev/null
git tag -f "v$major" "$commit" >/dev/null
git push --atomic "$REMOTE" "refs/tags/$tag" "+refs/tags/v$minor" "+refs/tags/v$major"
say "released $VERSION: $tag, v$minor and v$major -> $commit"
say "image: $pinned"
