build-tune/src/net/http.o: src/net/http.c src/net/http.h src/core/buf.h \
 src/core/err.h src/net/pacer.h src/core/log.h src/core/version.h
src/net/http.h:
src/core/buf.h:
src/core/err.h:
src/net/pacer.h:
src/core/log.h:
src/core/version.h:
