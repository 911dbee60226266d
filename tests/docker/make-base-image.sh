#!/usr/bin/env bash
# Builds the local Debian bookworm base image (default tag f1-mlops-base:bookworm)
# that the Dockerfile's BASE_IMAGE and act's job image use. This machine has no
# container registry, so nothing can be pulled: the root file system comes from
# debootstrap (minbase = Essential + apt) and is imported with `docker import`.
# It is trimmed the way Debian's -slim images are (no docs, man pages, locales),
# because the runtime image must stay under 100 MB.
# Does nothing when the tag already exists. Needs root, debootstrap and docker.
#   usage: make-base-image.sh [TAG]     env: DEBIAN_MIRROR (default deb.debian.org)
set -euo pipefail

tag=${1:-f1-mlops-base:bookworm}
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}

if docker image inspect "$tag" >/dev/null 2>&1; then
    echo "make-base-image: $tag exists"
    exit 0
fi
command -v debootstrap >/dev/null || apt-get install -y --no-install-recommends debootstrap

root=$(mktemp -d /tmp/f1-mlops-rootfs.XXXXXX)
trap 'rm -rf "$root"' EXIT

echo "make-base-image: debootstrap bookworm from $mirror"
debootstrap --variant=minbase bookworm "$root" "$mirror" >"$root.log" 2>&1 || {
    tail -20 "$root.log"; rm -f "$root.log"; exit 1; }
rm -f "$root.log"

# Security and point-release updates, so the build and runtime stages get the
# same fixed library versions as a stock Debian image would.
cat >"$root/etc/apt/sources.list" <<SOURCES
deb $mirror bookworm main
deb $mirror bookworm-updates main
deb ${mirror%/debian}/debian-security bookworm-security main
SOURCES

# Keep later package installs (in the Dockerfile) slim too.
cat >"$root/etc/dpkg/dpkg.cfg.d/docker-slim" <<'SLIM'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/info/*
path-exclude /usr/share/locale/*
path-exclude /usr/share/lintian/*
path-exclude /usr/share/groff/*
SLIM
find "$root/usr/share/doc" -mindepth 1 -not -name copyright -not -type d -delete
find "$root/usr/share/doc" -mindepth 1 -type d -empty -delete
rm -rf "$root"/usr/share/{man,info,locale,lintian,groff}/*
# Drop downloaded packages and apt's binary caches after every install, as
# Debian's official images do, so an `apt-get install` layer carries only
# the installed files.
cat >"$root/etc/apt/apt.conf.d/docker-clean" <<'CLEAN'
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
CLEAN
# No daemons may start inside image builds.
printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d"
chmod 755 "$root/usr/sbin/policy-rc.d"
rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/cache/apt/*.bin \
       "$root"/var/lib/apt/lists/* "$root"/var/log/* "$root"/tmp/*

tar --numeric-owner -C "$root" -c . | docker import \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'CMD ["bash"]' - "$tag" >/dev/null
echo "make-base-image: built $tag ($(docker image inspect --format '{{.Size}}' "$tag") bytes)"
