build-tune/src/ml/space.o: src/ml/space.c src/ml/space.h \
 src/config/config.h src/core/err.h src/ml/bagging.h src/ml/tree.h \
 src/ml/rng.h
src/ml/space.h:
src/config/config.h:
src/core/err.h:
src/ml/bagging.h:
src/ml/tree.h:
src/ml/rng.h:
