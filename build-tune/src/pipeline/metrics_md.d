build-tune/src/pipeline/metrics_md.o: src/pipeline/metrics_md.c \
 src/pipeline/metrics_md.h src/core/buf.h src/core/err.h \
 src/core/jsonfile.h
src/pipeline/metrics_md.h:
src/core/buf.h:
src/core/err.h:
src/core/jsonfile.h:
