build-tune/src/pipeline/source_weather.o: src/pipeline/source_weather.c \
 src/core/grow.h src/core/err.h src/core/log.h src/net/wikipedia.h \
 src/net/http.h src/core/buf.h src/net/pacer.h src/pipeline/source.h \
 src/net/ergast.h src/pipeline/stage.h src/config/config.h \
 src/store/store.h
src/core/grow.h:
src/core/err.h:
src/core/log.h:
src/net/wikipedia.h:
src/net/http.h:
src/core/buf.h:
src/net/pacer.h:
src/pipeline/source.h:
src/net/ergast.h:
src/pipeline/stage.h:
src/config/config.h:
src/store/store.h:
