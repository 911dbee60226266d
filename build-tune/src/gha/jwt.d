build-tune/src/gha/jwt.o: src/gha/jwt.c src/gha/jwt.h src/core/err.h \
 src/core/base64.h src/core/buf.h
src/gha/jwt.h:
src/core/err.h:
src/core/base64.h:
src/core/buf.h:
