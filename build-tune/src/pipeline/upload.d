build-tune/src/pipeline/upload.o: src/pipeline/upload.c src/core/fsutil.h \
 src/core/buf.h src/core/err.h src/core/log.h src/gha/artifact.h \
 src/net/pacer.h src/pipeline/package.h src/pipeline/stage.h \
 src/config/config.h src/store/store.h
src/core/fsutil.h:
src/core/buf.h:
src/core/err.h:
src/core/log.h:
src/gha/artifact.h:
src/net/pacer.h:
src/pipeline/package.h:
src/pipeline/stage.h:
src/config/config.h:
src/store/store.h:
