build-tune/src/data/features_onehot.o: src/data/features_onehot.c \
 src/data/features_onehot.h src/core/err.h src/data/prepared.h \
 src/data/features.h src/data/intern.h
src/data/features_onehot.h:
src/core/err.h:
src/data/prepared.h:
src/data/features.h:
src/data/intern.h:
