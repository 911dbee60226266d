build-tune/src/core/fsutil.o: src/core/fsutil.c src/core/fsutil.h \
 src/core/buf.h src/core/err.h src/core/log.h
src/core/fsutil.h:
src/core/buf.h:
src/core/err.h:
src/core/log.h:
