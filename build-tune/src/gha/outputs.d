build-tune/src/gha/outputs.o: src/gha/outputs.c src/gha/outputs.h \
 src/core/err.h src/core/buf.h src/core/log.h src/gha/filecmd.h
src/gha/outputs.h:
src/core/err.h:
src/core/buf.h:
src/core/log.h:
src/gha/filecmd.h:
