build-tune/src/pipeline/train.o: src/pipeline/train.c src/core/fsutil.h \
 src/core/buf.h src/core/err.h src/core/log.h src/data/features.h \
 src/data/prepared.h src/ml/model.h src/ml/bagging.h src/config/config.h \
 src/ml/tree.h src/pipeline/seasons.h src/pipeline/stage.h \
 src/store/store.h
src/core/fsutil.h:
src/core/buf.h:
src/core/err.h:
src/core/log.h:
src/data/features.h:
src/data/prepared.h:
src/ml/model.h:
src/ml/bagging.h:
src/config/config.h:
src/ml/tree.h:
src/pipeline/seasons.h:
src/pipeline/stage.h:
src/store/store.h:
