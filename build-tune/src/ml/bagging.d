build-tune/src/ml/bagging.o: src/ml/bagging.c src/ml/bagging.h \
 src/config/config.h src/core/err.h src/ml/tree.h src/ml/rng.h
src/ml/bagging.h:
src/config/config.h:
src/core/err.h:
src/ml/tree.h:
src/ml/rng.h:
