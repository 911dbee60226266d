build-tune/src/gha/artifact.o: src/gha/artifact.c src/gha/artifact.h \
 src/core/err.h src/net/pacer.h src/core/base64.h src/core/buf.h \
 src/core/log.h src/gha/jwt.h src/net/http.h
src/gha/artifact.h:
src/core/err.h:
src/net/pacer.h:
src/core/base64.h:
src/core/buf.h:
src/core/log.h:
src/gha/jwt.h:
src/net/http.h:
