# f1-mlops: one C program, its tests, benchmarks and container.
#   make          build build/f1-mlops
#   make deps     install build and test dependencies (Debian, as root)
#   make demo     the whole pipeline offline on the bundled data (make live: real API)
#   make test     every test (unit, integration, sanitizers, container, act);
#                 ends with "N passed, N failed"
#   make bench    benchmarks against pandas + scikit-learn (not tests)
#   make lint     compile with all warnings as errors, plus duplicate check

CC ?= cc
PKGS = libcurl libcjson libmongoc-1.0 gumbo libzip libcrypto
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
CFLAGS ?= -O2 -g
ALL_CFLAGS = -std=c11 -Wall -Wextra -Werror -D_DEFAULT_SOURCE -D_POSIX_C_SOURCE=200809L \
             -Isrc $(PKG_CFLAGS) $(CFLAGS) $(EXTRA_CFLAGS)
LDLIBS = $(PKG_LIBS) -lpthread -lm
BUILD ?= build

SRC := $(shell find src -name '*.c' ! -name main.c | sort)
OBJ := $(SRC:%.c=$(BUILD)/%.o)
LIB := $(BUILD)/libf1.a
BIN := $(BUILD)/f1-mlops
UNIT_SRC := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)

.PHONY: all deps demo live test unit bench lint clean asan
all: $(BIN)

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -MMD -MP -c $< -o $@

$(LIB): $(OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BIN): $(BUILD)/src/main.o $(LIB)
	$(CC) $(ALL_CFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/tests/%: tests/unit/%.c tests/unit/check.h $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Itests/unit -o $@ $< $(LIB) $(LDLIBS)

unit: $(BIN) $(UNIT_BIN)

# The sanitizer build lives in its own tree so both can coexist.
asan:
	$(MAKE) BUILD=build-asan EXTRA_CFLAGS="-O1 -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all" unit

deps:
	bash tests/install-deps.sh

# The whole pipeline offline against the bundled data (or live: make live).
demo:
	bash examples/offline-demo.sh

live:
	bash examples/offline-demo.sh --live

test: unit asan
	bash tests/run.sh

bench: $(BIN)
	bash bench/run.sh

lint:
	$(MAKE) clean all unit
	duplicates --most 40 || true

clean:
	rm -rf build build-asan

-include $(OBJ:.o=.d) $(BUILD)/src/main.d
