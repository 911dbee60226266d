build-tune/src/ml/tree.o: src/ml/tree.c src/ml/tree.h src/core/err.h
src/ml/tree.h:
src/core/err.h:
