build-tune/src/store/store_dir.o: src/store/store_dir.c src/store/store.h \
 src/core/err.h src/core/fsutil.h src/core/buf.h src/core/log.h
src/store/store.h:
src/core/err.h:
src/core/fsutil.h:
src/core/buf.h:
src/core/log.h:
