build-tune/src/ml/score.o: src/ml/score.c src/ml/score.h src/core/err.h \
 src/data/prepared.h src/ml/rng.h
src/ml/score.h:
src/core/err.h:
src/data/prepared.h:
src/ml/rng.h:
