build-tune/src/data/prepared.o: src/data/prepared.c src/core/grow.h \
 src/core/err.h src/data/prepared.h src/core/buf.h src/core/csv.h \
 src/core/fsutil.h
src/core/grow.h:
src/core/err.h:
src/data/prepared.h:
src/core/buf.h:
src/core/csv.h:
src/core/fsutil.h:
