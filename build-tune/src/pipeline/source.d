build-tune/src/pipeline/source.o: src/pipeline/source.c src/core/log.h \
 src/net/ergast.h src/core/err.h src/net/http.h src/core/buf.h \
 src/net/pacer.h src/pipeline/source.h src/pipeline/stage.h \
 src/config/config.h src/store/store.h
src/core/log.h:
src/net/ergast.h:
src/core/err.h:
src/net/http.h:
src/core/buf.h:
src/net/pacer.h:
src/pipeline/source.h:
src/pipeline/stage.h:
src/config/config.h:
src/store/store.h:
