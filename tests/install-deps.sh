#!/usr/bin/env bash
# Installs what building and testing f1-mlops needs on a Debian (bookworm)
# machine, as root: the C toolchain and libraries, valgrind and clang for
# the sanitizer/fuzz builds, python3 for the replay server, pandas and
# scikit-learn for the benchmark baseline, debootstrap for the container's
# base image, and the Go tools the tests run (FerretDB, act).
# Idempotent: what is already there is not fetched again.
# `install-deps.sh build` installs only what building and the offline demo
# need (no Go tools, no base image).
set -euo pipefail
MODE=${1:-all}
export DEBIAN_FRONTEND=noninteractive
APT_PACKAGES=(
    build-essential pkg-config curl ca-certificates git
    libcurl4-openssl-dev libcjson-dev libmongoc-dev libbson-dev libgumbo-dev libzip-dev libssl-dev
    valgrind clang libclang-rt-14-dev
    python3 python3-pandas python3-sklearn
    debootstrap unzip
)
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

# Go tools: FerretDB (a MongoDB-compatible server on SQLite) and act.
if ! command -v go >/dev/null 2>&1; then
    [ -x /usr/local/go/bin/go ] && export PATH="/usr/local/go/bin:$PATH"
fi
if ! command -v go >/dev/null 2>&1; then
    echo "Go >= 1.24 is needed to install FerretDB and act (https://go.dev/doc/install)" >&2
    exit 1
fi
GOBIN_DIR=$(go env GOPATH)/bin
if [ ! -x "$GOBIN_DIR/ferretdb" ]; then
    echo "installing FerretDB v1.24.2"
    go install github.com/FerretDB/FerretDB/cmd/ferretdb@v1.24.2
fi
if [ -f "$(dirname "$0")/install-tools.sh" ]; then
    bash "$(dirname "$0")/install-tools.sh"
fi
