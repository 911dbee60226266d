build-tune/src/core/jsonfile.o: src/core/jsonfile.c src/core/jsonfile.h \
 src/core/err.h src/core/buf.h src/core/fsutil.h
src/core/jsonfile.h:
src/core/err.h:
src/core/buf.h:
src/core/fsutil.h:
