#!/usr/bin/env bash
# Installs what the container tests (tests/integration/test_container.sh,
# test_act.sh) need beyond the build dependencies, as root:
#   - act v0.2.87 (runs workflows locally), from the Go module proxy, into
#     $(go env GOPATH)/bin;
#   - crane v0.22.1 (go-containerregistry) the same way: make release reads
#     the pushed digest with it, and test_release.sh serves a registry with
#     `crane registry serve`;
#   - the local base image f1-mlops-base:bookworm (debootstrap; no registry
#     is reachable here), tagged debian:bookworm-slim as well when no such
#     image exists, because act builds the action's Dockerfile without build
#     arguments, i.e. with its default BASE_IMAGE.
# Idempotent: what is already there is kept.
set -euo pipefail
cd "$(dirname "$0")/.."
ACT_VERSION=v0.2.87
CRANE_VERSION=v0.22.1
BASE_TAG=f1-mlops-base:bookworm

if ! command -v go >/dev/null 2>&1 && [ -x /usr/local/go/bin/go ]; then
    export PATH="/usr/local/go/bin:$PATH"
fi
act_bin="$(go env GOPATH)/bin/act"
if ! "$act_bin" --version 2>/dev/null | grep -q "version ${ACT_VERSION#v}\$"; then
    echo "installing act $ACT_VERSION"
    GOFLAGS='' go install "github.com/nektos/act@$ACT_VERSION"
fi
crane_bin="$(go env GOPATH)/bin/crane"
if [ "$("$crane_bin" version 2>/dev/null)" != "$CRANE_VERSION" ]; then
    echo "installing crane $CRANE_VERSION"
    GOFLAGS='' go install "github.com/google/go-containerregistry/cmd/crane@$CRANE_VERSION"
fi

if ! command -v docker >/dev/null 2>&1 || ! docker info >/dev/null 2>&1; then
    echo "install-tools: Docker Engine is not running; the container tests will fail" >&2
    exit 1
fi
if ! command -v debootstrap >/dev/null 2>&1; then
    apt-get update -q
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends debootstrap
fi
bash tests/docker/make-base-image.sh "$BASE_TAG"
if ! docker image inspect debian:bookworm-slim >/dev/null 2>&1; then
    docker tag "$BASE_TAG" debian:bookworm-slim
fi
