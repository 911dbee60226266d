#!/usr/bin/env bash
# tools/release-notes.sh X.Y.Z: the GitHub Release notes of version X.Y.Z,
# in Markdown on stdout, from the local tag vX.Y.Z that `make release` made
# (run it in that checkout, or fetch the tags first):
#   - the `## [X.Y.Z]` section of CHANGELOG.md as of that tag;
#   - the image the release pins (action.yml's `image:` at the tag) and how
#     to check its digest against the registry;
#   - the commits since the previous release (the highest vA.B.C below
#     X.Y.Z), or all of them for the first release: the range ends at the
#     release commit's parent, the commit the image was built from.
# Exit 1 with a message when the tag, its pinned image or its changelog
# section is missing.
set -euo pipefail
die() { echo "release-notes: $*" >&2; exit 1; }

VERSION=${1:-}
semver='^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)$'
[[ $VERSION =~ $semver ]] || die "usage: release-notes.sh X.Y.Z (got '$VERSION')"
tag="v$VERSION"
release=$(git rev-parse --verify -q "refs/tags/$tag^{commit}") || die "no tag $tag here (git fetch --tags?)"

pinned=$(git show "$release:action.yml" | sed -n "s/^  image: '\\(docker:\\/\\/.*\\)'\$/\\1/p")
[ -n "$pinned" ] || die "$tag's action.yml pins no docker:// image: it is not a release commit of make release"
ref=${pinned#docker://}        # IMAGE:X.Y.Z@sha256:...
digest=${ref##*@}
source=$(git rev-parse "$release^")

section=$(git show "$release:CHANGELOG.md" | awk -v v="$VERSION" '
    index($0, "## [" v "]") == 1 { on = 1; next }
    on && (/^## \[/ || /^\[[^]]*\]: /) { exit }
    on { print }')
[ -n "$(tr -d '[:space:]' <<<"$section")" ] || die "CHANGELOG.md at $tag has no section '## [$VERSION]'"

# The previous release: the highest X.Y.Z tag below this one.
previous=$(git tag -l 'v*' | sed -n 's/^v//p' | grep -E "$semver" |
    sort -t. -k1,1n -k2,2n -k3,3n | awk -v v="$VERSION" '
        function key(s,  p) { split(s, p, "."); return sprintf("%09d%09d%09d", p[1], p[2], p[3]) }
        key($0) < key(v) { last = $0 } END { print last }')

printf '%s\n\n' "$(sed -e '/./,$!d' <<<"$section")"
echo "### Image"
echo
echo "\`action.yml\` at \`$tag\` runs the prebuilt image"
echo
echo '```'
echo "$pinned"
echo '```'
echo
echo "built from commit \`$source\`, digest \`$digest\`. To check that the registry serves exactly that image:"
echo
echo '```sh'
echo "git show $tag:action.yml | grep 'image:'"
echo "crane digest ${ref%@*}    # or: docker buildx imagetools inspect ${ref%@*}"
echo '```'
echo
if [ -n "$previous" ]; then
    echo "### Changes since v$previous"
    range="v$previous..$source"
else
    echo "### Changes (first release)"
    range=$source
fi
echo
git log --no-merges --format='- %s (%h)' "$range"
