build-tune/src/pipeline/features.o: src/pipeline/features.c \
 src/core/log.h src/data/features.h src/core/err.h src/data/prepared.h \
 src/pipeline/seasons.h src/pipeline/stage.h src/config/config.h \
 src/store/store.h
src/core/log.h:
src/data/features.h:
src/core/err.h:
src/data/prepared.h:
src/pipeline/seasons.h:
src/pipeline/stage.h:
src/config/config.h:
src/store/store.h:
