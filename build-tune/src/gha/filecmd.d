build-tune/src/gha/filecmd.o: src/gha/filecmd.c src/gha/filecmd.h \
 src/core/err.h
src/gha/filecmd.h:
src/core/err.h:
