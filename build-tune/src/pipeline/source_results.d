build-tune/src/pipeline/source_results.o: src/pipeline/source_results.c \
 src/core/log.h src/pipeline/source.h src/net/ergast.h src/core/err.h \
 src/net/http.h src/core/buf.h src/net/pacer.h src/pipeline/stage.h \
 src/config/config.h src/store/store.h
src/core/log.h:
src/pipeline/source.h:
src/net/ergast.h:
src/core/err.h:
src/net/http.h:
src/core/buf.h:
src/net/pacer.h:
src/pipeline/stage.h:
src/config/config.h:
src/store/store.h:
