build-tune/src/data/weather_category.o: src/data/weather_category.c \
 src/data/weather.h
src/data/weather.h:
