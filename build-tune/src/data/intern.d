build-tune/src/data/intern.o: src/data/intern.c src/data/intern.h \
 src/core/err.h
src/data/intern.h:
src/core/err.h:
