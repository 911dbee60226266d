build-tune/src/data/weather_clean.o: src/data/weather_clean.c \
 src/data/weather.h
src/data/weather.h:
