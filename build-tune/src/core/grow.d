build-tune/src/core/grow.o: src/core/grow.c src/core/grow.h \
 src/core/err.h
src/core/grow.h:
src/core/err.h:
