build-tune/src/pipeline/seasons.o: src/pipeline/seasons.c \
 src/pipeline/seasons.h src/core/err.h src/pipeline/stage.h \
 src/config/config.h src/store/store.h src/core/buf.h src/core/csv.h \
 src/core/fsutil.h src/core/log.h
src/pipeline/seasons.h:
src/core/err.h:
src/pipeline/stage.h:
src/config/config.h:
src/store/store.h:
src/core/buf.h:
src/core/csv.h:
src/core/fsutil.h:
src/core/log.h:
