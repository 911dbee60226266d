# f1-mlops as a GitHub Actions container action.
#
# Three stages on one Debian bookworm base:
#   build    compiles build/f1-mlops with the -dev packages;
#   runtime  installs only the runtime libraries (apt, no recommends) and
#            gathers the binary, the shared libraries it loads (its ldd
#            closure), bash for entrypoint.sh and the CA bundle into
#            /rootfs;
#   final    is /rootfs alone.
# Why the last stage is not the runtime stage itself: libmongoc needs ICU
# (libicu72, 36 MB), so bookworm-slim plus the runtime libraries weighs
# about 133 MB, and the image must stay under 100 MB.  Copying just what the
# program loads keeps the same Debian-built libraries at about 62 MB.
#
# No registry is reachable here: BASE_IMAGE defaults to the stock slim
# image for real builds; tests pass the local debootstrap image
# (tests/docker/make-base-image.sh builds f1-mlops-base:bookworm), and act,
# which passes no build arguments, finds it under the default name
# (tests/install-tools.sh tags it debian:bookworm-slim when that is absent).
# apt inside the build reaches deb.debian.org over the default bridge.
ARG BASE_IMAGE=debian:bookworm-slim

FROM ${BASE_IMAGE} AS build
# The stage label lets tests prune this project's stale build caches only.
LABEL f1-mlops.stage=build
RUN apt-get update \
 && apt-get install -y --no-install-recommends build-essential pkg-config \
      libcurl4-openssl-dev libcjson-dev libmongoc-dev libbson-dev libgumbo-dev \
      libzip-dev libssl-dev \
 && rm -rf /var/lib/apt/lists/*
COPY Makefile /src/Makefile
COPY src /src/src
RUN make -C /src -j2 build/f1-mlops && strip /src/build/f1-mlops

FROM ${BASE_IMAGE} AS runtime
LABEL f1-mlops.stage=runtime
RUN apt-get update \
 && apt-get install -y --no-install-recommends libcurl4 libcjson1 libmongoc-1.0-0 \
      libbson-1.0-0 libgumbo1 libzip4 libssl3 ca-certificates \
 && apt-get clean \
 && rm -rf /var/lib/apt/lists/*
COPY --from=build /src/build/f1-mlops /usr/local/bin/f1-mlops
COPY entrypoint.sh /entrypoint.sh
# Build /rootfs with bookworm's merged-/usr layout.  libcurl reads the CA
# bundle at /etc/ssl/certs; OpenSSL's default paths (libmongoc's TLS) are the
# /usr/lib/ssl links to it.  A library the runtime packages do not provide
# fails the build here ("not found"), and the last line runs the program
# inside /rootfs to prove the copy is complete.
RUN set -e; \
    if ldd /usr/local/bin/f1-mlops | grep 'not found'; then exit 1; fi; \
    r=/rootfs; \
    mkdir -p $r/usr/bin $r/usr/local/bin $r/usr/lib $r/usr/lib64 $r/etc/ssl/certs $r/tmp; \
    chmod 1777 $r/tmp; \
    ln -s usr/bin $r/bin; ln -s usr/lib $r/lib; ln -s usr/lib64 $r/lib64; \
    for f in $( (ldd /usr/local/bin/f1-mlops; ldd /bin/bash) | grep -o '/[^ ]*' | sort -u); do \
        mkdir -p "$r$(dirname "$f")"; cp -L "$f" "$r$f"; \
    done; \
    cp /usr/bin/bash $r/usr/bin/bash; ln -s bash $r/usr/bin/sh; \
    cp /usr/local/bin/f1-mlops $r/usr/local/bin/f1-mlops; \
    cp /entrypoint.sh $r/entrypoint.sh; chmod 755 $r/entrypoint.sh; \
    cp /etc/ssl/certs/ca-certificates.crt $r/etc/ssl/certs/; \
    cp /etc/ssl/openssl.cnf $r/etc/ssl/; \
    mkdir -p $r/usr/lib/ssl; \
    cp -P /usr/lib/ssl/cert.pem /usr/lib/ssl/certs /usr/lib/ssl/openssl.cnf $r/usr/lib/ssl/; \
    cp /etc/passwd /etc/group /etc/nsswitch.conf $r/etc/; \
    chroot $r /bin/bash -c 'exit 0'; \
    chroot $r /usr/local/bin/f1-mlops --help >/dev/null

FROM scratch
COPY --from=runtime /rootfs /
ENV PATH=/usr/local/bin:/usr/bin:/bin
LABEL f1-mlops.stage=final \
      org.opencontainers.image.source="https://github.com/OWNER/f1-mlops" \
      org.opencontainers.image.description="F1 race-winner ML pipeline as a GitHub Action"
ENTRYPOINT ["/entrypoint.sh"]
