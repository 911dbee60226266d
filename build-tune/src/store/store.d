build-tune/src/store/store.o: src/store/store.c src/store/store.h \
 src/core/err.h
src/store/store.h:
src/core/err.h:
