build-tune/src/pipeline/prepare.o: src/pipeline/prepare.c \
 src/core/fsutil.h src/core/buf.h src/core/err.h src/core/log.h \
 src/data/prepared.h src/data/weather.h src/pipeline/seasons.h \
 src/pipeline/stage.h src/config/config.h src/store/store.h
src/core/fsutil.h:
src/core/buf.h:
src/core/err.h:
src/core/log.h:
src/data/prepared.h:
src/data/weather.h:
src/pipeline/seasons.h:
src/pipeline/stage.h:
src/config/config.h:
src/store/store.h:
