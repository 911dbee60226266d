build-tune/src/data/nationality.o: src/data/nationality.c \
 src/data/nationality.h
src/data/nationality.h:
