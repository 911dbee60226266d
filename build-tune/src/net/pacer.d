build-tune/src/net/pacer.o: src/net/pacer.c src/net/pacer.h \
 src/core/err.h
src/net/pacer.h:
src/core/err.h:
