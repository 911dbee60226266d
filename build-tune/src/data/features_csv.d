build-tune/src/data/features_csv.o: src/data/features_csv.c \
 src/core/buf.h src/core/err.h src/core/csv.h src/core/fsutil.h \
 src/data/features.h src/data/prepared.h
src/core/buf.h:
src/core/err.h:
src/core/csv.h:
src/core/fsutil.h:
src/data/features.h:
src/data/prepared.h:
