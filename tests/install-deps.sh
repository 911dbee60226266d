#!/usr/bin/env bash
# Installs what building and testing f1-mlops needs on a Debian (bookworm)
# machine, as root: the C toolchain and libraries, valgrind and clang for
# the sanitizer/fuzz builds, python3 for the replay server, pandas and
# scikit-learn for the benchmark baseline, cmark-gfm (GitHub's Markdown
# renderer) to check the job summary renders inert, debootstrap for the
# container's base image, shellcheck for make lint, and the Go tools the
# tests run (FerretDB, act, crane, actionlint).
# Idempotent: what is already there is not fetched again.
# `install-deps.sh build` installs only what building and the offline demo
# need (no Go tools, no base image).
set -euo pipefail
if [ "$(id -u)" -ne 0 ]; then
    # a user with sudo gets the same command as root
    command -v sudo >/dev/null || { echo "install-deps.sh: run as root (sudo is not installed)" >&2; exit 1; }
    exec sudo -E bash "$0" "$@"
fi
MODE=${1:-all}
export DEBIAN_FRONTEND=noninteractive
APT_PACKAGES=(
    build-essential pkg-config curl ca-certificates git
    libcurl4-openssl-dev libcjson-dev libmongoc-dev libbson-dev libgumbo-dev libzip-dev libssl-dev
    valgrind clang libclang-rt-14-dev
    python3 python3-pandas python3-sklearn python3-yaml time cmark-gfm
    debootstrap unzip
)
# make lint's; not needed to build or for the offline demo
[ "$MODE" = build ] || APT_PACKAGES+=(shellcheck)
missing=()
for p in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
    echo "installing: ${missing[*]}"
    apt-get update -q
    apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

[ "$MODE" = build ] && exit 0

# Go tools: FerretDB (a MongoDB-compatible server on SQLite); install-tools.sh
# adds act and crane.
if ! command -v go >/dev/null 2>&1; then
    [ -x /usr/local/go/bin/go ] && export PATH="/usr/local/go/bin:$PATH"
fi
if ! command -v go >/dev/null 2>&1; then
    echo "Go >= 1.24 is needed to install FerretDB and act (https://go.dev/doc/install)" >&2
    exit 1
fi
GOBIN_DIR=$(go env GOPATH)/bin
# `go install ...ferretdb@v1.24.2` builds a binary that refuses to start
# (its build/version/version.txt is empty in the module), so build it from
# the module source with that file filled in.
if ! "$GOBIN_DIR/ferretdb" --version >/dev/null 2>&1; then
    echo "installing FerretDB v1.24.2"
    go mod download github.com/FerretDB/FerretDB@v1.24.2
    src=$(go list -m -f '{{.Dir}}' github.com/FerretDB/FerretDB@v1.24.2 2>/dev/null ||
          echo "$(go env GOMODCACHE)/github.com/!ferret!d!b/!ferret!d!b@v1.24.2")
    tmp=$(mktemp -d)
    cp -r "$src/." "$tmp/" && chmod -R u+w "$tmp"
    echo v1.24.2 >"$tmp/build/version/version.txt"
    (cd "$tmp" && go build -o "$GOBIN_DIR/ferretdb" ./cmd/ferretdb)
    rm -rf "$tmp"
fi
# actionlint, which make lint runs on the workflows (it runs shellcheck on
# their run: blocks).
ACTIONLINT_VERSION=v1.7.12
if ! "$GOBIN_DIR/actionlint" -version 2>/dev/null | grep -qx "$ACTIONLINT_VERSION"; then
    echo "installing actionlint $ACTIONLINT_VERSION"
    GOBIN="$GOBIN_DIR" GOFLAGS='' go install "github.com/rhysd/actionlint/cmd/actionlint@$ACTIONLINT_VERSION"
fi
if [ -f "$(dirname "$0")/install-tools.sh" ]; then
    bash "$(dirname "$0")/install-tools.sh"
fi
