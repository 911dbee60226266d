build-tune/src/pipeline/archive.o: src/pipeline/archive.c \
 src/pipeline/archive.h src/core/err.h src/core/log.h
src/pipeline/archive.h:
src/core/err.h:
src/core/log.h:
