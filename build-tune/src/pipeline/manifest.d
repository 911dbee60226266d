build-tune/src/pipeline/manifest.o: src/pipeline/manifest.c \
 src/pipeline/manifest.h src/config/config.h src/core/err.h \
 src/core/buf.h src/pipeline/archive.h src/core/jsonfile.h \
 src/core/sha256.h src/core/version.h
src/pipeline/manifest.h:
src/config/config.h:
src/core/err.h:
src/core/buf.h:
src/pipeline/archive.h:
src/core/jsonfile.h:
src/core/sha256.h:
src/core/version.h:
