build-tune/src/core/csv.o: src/core/csv.c src/core/csv.h src/core/buf.h \
 src/core/err.h
src/core/csv.h:
src/core/buf.h:
src/core/err.h:
