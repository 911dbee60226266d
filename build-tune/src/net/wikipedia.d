build-tune/src/net/wikipedia.o: src/net/wikipedia.c src/net/wikipedia.h \
 src/core/err.h src/net/http.h src/core/buf.h src/net/pacer.h \
 src/core/log.h src/data/weather.h
src/net/wikipedia.h:
src/core/err.h:
src/net/http.h:
src/core/buf.h:
src/net/pacer.h:
src/core/log.h:
src/data/weather.h:
