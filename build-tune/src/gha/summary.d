build-tune/src/gha/summary.o: src/gha/summary.c src/gha/summary.h \
 src/core/buf.h src/core/err.h src/core/jsonfile.h src/gha/filecmd.h \
 src/pipeline/metrics_md.h src/pipeline/stage.h src/config/config.h \
 src/store/store.h
src/gha/summary.h:
src/core/buf.h:
src/core/err.h:
src/core/jsonfile.h:
src/gha/filecmd.h:
src/pipeline/metrics_md.h:
src/pipeline/stage.h:
src/config/config.h:
src/store/store.h:
