build-tune/src/pipeline/evaluate.o: src/pipeline/evaluate.c \
 src/core/buf.h src/core/err.h src/core/csv.h src/core/fsutil.h \
 src/core/jsonfile.h src/core/log.h src/core/version.h src/ml/model.h \
 src/data/features.h src/data/prepared.h src/ml/bagging.h \
 src/config/config.h src/ml/tree.h src/ml/numfmt.h src/ml/score.h \
 src/pipeline/seasons.h src/pipeline/stage.h src/store/store.h
src/core/buf.h:
src/core/err.h:
src/core/csv.h:
src/core/fsutil.h:
src/core/jsonfile.h:
src/core/log.h:
src/core/version.h:
src/ml/model.h:
src/data/features.h:
src/data/prepared.h:
src/ml/bagging.h:
src/config/config.h:
src/ml/tree.h:
src/ml/numfmt.h:
src/ml/score.h:
src/pipeline/seasons.h:
src/pipeline/stage.h:
src/store/store.h:
