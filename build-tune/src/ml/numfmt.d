build-tune/src/ml/numfmt.o: src/ml/numfmt.c src/ml/numfmt.h
src/ml/numfmt.h:
