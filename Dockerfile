# f1-mlops as a GitHub Actions container action.
#
# Three stages on one Debian bookworm base:
#   build    compiles build/f1-mlops with the -dev packages;
#   runtime  installs only the runtime libraries (apt, no recommends) and
#            gathers the binary, the shared libraries it loads (its ldd
#            closure), /bin/sh for entrypoint.sh and the CA bundle into
#            /rootfs;
#   final    is /rootfs alone.
# Why the last stage is not the runtime stage itself: libmongoc needs ICU
# (libicu72, 36 MB), so bookworm-slim plus the runtime libraries weighs
# about 133 MB, and the image must stay under 100 MB.  Copying just what the
# program loads keeps the same Debian-built libraries at about 60 MB.
#
# No registry is reachable here: BASE_IMAGE defaults to the stock slim
# image for real builds; tests pass the local debootstrap image
# (tests/docker/make-base-image.sh builds f1-mlops-base:bookworm).
ARG BASE_IMAGE=debian:bookworm-slim

FROM ${BASE_IMAGE} AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends build-essential pkg-config \
      libcurl4-openssl-dev libcjson-dev libmongoc-dev libbson-dev libgumbo-dev \
      libzip-dev libssl-dev \
 && rm -rf /var/lib/apt/lists/*
COPY Makefile /src/Makefile
COPY src /src/src
RUN make -C /src -j2 build/f1-mlops && strip /src/build/f1-mlops

FROM ${BASE_IMAGE} AS runtime
RUN apt-get update \
 && apt-get install -y --no-install-recommends libcurl4 libcjson1 libmongoc-1.0-0 \
      libbson-1.0-0 libgumbo1 libzip4 libssl3 ca-certificates \
 && apt-get clean \
 && rm -rf /var/lib/apt/lists/*
COPY --from=build /src/build/f1-mlops /usr/local/bin/f1-mlops
COPY entrypoint.sh /entrypoint.sh
# Build /rootfs with bookworm's merged-/usr layout.  A library the runtime
# packages do not provide fails the build here ("not found"), and the last
# line runs the program inside /rootfs to prove the copy is complete.
RUN set -e; \
    if ldd /usr/local/bin/f1-mlops | grep 'not found'; then exit 1; fi; \
    r=/rootfs; \
    mkdir -p $r/usr/bin $r/usr/local/bin $r/usr/lib/x86_64-linux-gnu $r/usr/lib64 \
             $r/etc/ssl/certs $r/tmp; \
    chmod 1777 $r/tmp; \
    ln -s usr/bin $r/bin; ln -s usr/lib $r/lib; ln -s usr/lib64 $r/lib64; \
    for f in $( (ldd /usr/local/bin/f1-mlops; ldd /bin/dash) | grep -o '/[^ ]*' | sort -u); do \
        cp -L "$f" "$r$f"; \
    done; \
    cp /usr/bin/dash $r/usr/bin/dash; ln -s dash $r/usr/bin/sh; \
    cp /usr/local/bin/f1-mlops $r/usr/local/bin/f1-mlops; \
    cp /entrypoint.sh $r/entrypoint.sh; chmod 755 $r/entrypoint.sh; \
    cp /etc/ssl/certs/ca-certificates.crt $r/etc/ssl/certs/; \
    cp /etc/ssl/openssl.cnf $r/etc/ssl/; \
    cp /etc/passwd /etc/group /etc/nsswitch.conf $r/etc/; \
    chroot $r /bin/sh -c 'exit 0'; \
    chroot $r /usr/local/bin/f1-mlops --help >/dev/null

FROM scratch
COPY --from=runtime /rootfs /
ENV PATH=/usr/local/bin:/usr/bin:/bin
LABEL org.opencontainers.image.source="https://github.com/OWNER/f1-mlops" \
      org.opencontainers.image.description="F1 race-winner ML pipeline as a GitHub Action"
ENTRYPOINT ["/entrypoint.sh"]
