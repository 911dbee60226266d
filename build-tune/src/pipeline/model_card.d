build-tune/src/pipeline/model_card.o: src/pipeline/model_card.c \
 src/pipeline/model_card.h src/core/buf.h src/core/err.h \
 src/core/jsonfile.h src/pipeline/metrics_md.h
src/pipeline/model_card.h:
src/core/buf.h:
src/core/err.h:
src/core/jsonfile.h:
src/pipeline/metrics_md.h:
