build-tune/src/ml/model.o: src/ml/model.c src/ml/model.h src/core/err.h \
 src/data/features.h src/data/prepared.h src/ml/bagging.h \
 src/config/config.h src/ml/tree.h src/core/fsutil.h src/core/buf.h \
 src/core/jsonfile.h src/core/version.h src/ml/numfmt.h
src/ml/model.h:
src/core/err.h:
src/data/features.h:
src/data/prepared.h:
src/ml/bagging.h:
src/config/config.h:
src/ml/tree.h:
src/core/fsutil.h:
src/core/buf.h:
src/core/jsonfile.h:
src/core/version.h:
src/ml/numfmt.h:
