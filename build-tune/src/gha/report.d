build-tune/src/gha/report.o: src/gha/report.c src/gha/report.h \
 src/core/err.h src/pipeline/stage.h src/config/config.h \
 src/store/store.h src/core/fsutil.h src/core/buf.h src/core/jsonfile.h \
 src/core/log.h src/core/sha256.h src/gha/outputs.h src/gha/summary.h
src/gha/report.h:
src/core/err.h:
src/pipeline/stage.h:
src/config/config.h:
src/store/store.h:
src/core/fsutil.h:
src/core/buf.h:
src/core/jsonfile.h:
src/core/log.h:
src/core/sha256.h:
src/gha/outputs.h:
src/gha/summary.h:
