build-tune/src/pipeline/package.o: src/pipeline/package.c \
 src/pipeline/package.h src/core/err.h src/core/buf.h src/core/fsutil.h \
 src/core/jsonfile.h src/core/log.h src/pipeline/archive.h \
 src/pipeline/manifest.h src/config/config.h src/pipeline/model_card.h \
 src/pipeline/stage.h src/store/store.h
src/pipeline/package.h:
src/core/err.h:
src/core/buf.h:
src/core/fsutil.h:
src/core/jsonfile.h:
src/core/log.h:
src/pipeline/archive.h:
src/pipeline/manifest.h:
src/config/config.h:
src/pipeline/model_card.h:
src/pipeline/stage.h:
src/store/store.h:
