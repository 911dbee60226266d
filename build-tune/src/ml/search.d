build-tune/src/ml/search.o: src/ml/search.c src/ml/search.h \
 src/core/err.h src/data/prepared.h src/ml/bagging.h src/config/config.h \
 src/ml/tree.h src/data/features.h src/ml/score.h
src/ml/search.h:
src/core/err.h:
src/data/prepared.h:
src/ml/bagging.h:
src/config/config.h:
src/ml/tree.h:
src/data/features.h:
src/ml/score.h:
