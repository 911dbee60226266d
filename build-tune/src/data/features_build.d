build-tune/src/data/features_build.o: src/data/features_build.c \
 src/data/features.h src/core/err.h src/data/prepared.h \
 src/data/features_onehot.h src/data/intern.h src/data/nationality.h
src/data/features.h:
src/core/err.h:
src/data/prepared.h:
src/data/features_onehot.h:
src/data/intern.h:
src/data/nationality.h:
