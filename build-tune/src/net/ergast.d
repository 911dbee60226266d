build-tune/src/net/ergast.o: src/net/ergast.c src/net/ergast.h \
 src/core/err.h src/net/http.h src/core/buf.h src/net/pacer.h
src/net/ergast.h:
src/core/err.h:
src/net/http.h:
src/core/buf.h:
src/net/pacer.h:
