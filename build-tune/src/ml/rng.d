build-tune/src/ml/rng.o: src/ml/rng.c src/ml/rng.h
src/ml/rng.h:
