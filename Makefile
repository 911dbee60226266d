# f1-mlops: one C program, its tests, benchmarks and container.
#   make          build build/f1-mlops
#   make deps     install build and test dependencies (Debian, as root)
#   make demo     the whole pipeline offline on the bundled data (make live: real API)
#   make test     every test (unit, integration, sanitizers, container, act);
#                 ends with "N passed, N failed"
#   make bench    benchmarks against pandas + scikit-learn (not tests),
#                 then the tune stage's (make bench-tune alone)
#   make lint     compile with all warnings as errors, then tests/lint.sh: the
#                 layer check, duplicates, shellcheck, actionlint and the
#                 static analyser (make analyze); fails on any finding

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

.PHONY: all deps demo live test unit bench bench-tune lint analyze clean asan release
all: $(BIN)

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -MMD -MP -c $< -o $@

$(LIB): $(OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BIN): $(BUILD)/src/main.o $(LIB)
	$(CC) $(ALL_CFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/tests/%: tests/unit/%.c $(wildcard tests/unit/*.h) $(LIB)
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

test: unit asan fuzz-bin
	bash tests/run.sh

bench: $(BIN)
	bash bench/run.sh

# Just the tune stage's benchmark (make bench runs it last).
bench-tune: $(BIN)
	bash bench/tune.sh

# Publish a release (tools/release.sh says what it does and refuses):
#   make release VERSION=1.2.3 IMAGE=ghcr.io/owner/f1-mlops REMOTE=origin
# Optional: PLATFORMS=linux/amd64,linux/arm64 (buildx), BASE_IMAGE, BUILDX_FLAGS, SOURCE_URL.
release:
	VERSION='$(VERSION)' IMAGE='$(IMAGE)' REMOTE='$(REMOTE)' PLATFORMS='$(PLATFORMS)' \
		BASE_IMAGE='$(BASE_IMAGE)' BUILDX_FLAGS='$(BUILDX_FLAGS)' SOURCE_URL='$(SOURCE_URL)' \
		bash tools/release.sh

# Every object is compiled with -Werror, so building is the warning check.
lint: all unit
	bash tests/lint.sh

# clang's static analyser on every file of src/, two at a time; any report
# is an error (-analyzer-werror).  Part of make lint.
ANALYZER ?= clang
ANALYZE_SRC ?= $(SRC) src/main.c
analyze:
	@printf '%s\n' $(ANALYZE_SRC) | xargs -P 2 -I{} \
		$(ANALYZER) --analyze --analyzer-output text -Xclang -analyzer-werror \
		$(ALL_CFLAGS) -o /dev/null {}

clean:
	rm -rf build build-asan build-fuzz

# ---- Fuzzing: libFuzzer harnesses fuzz/fuzz_<name>.c (see fuzz/run.sh) ----
#   make fuzz        each harness for FUZZ_SECONDS (default 60) from seeds made
#                    out of tests/data; findings land in build-fuzz/findings/
#   make fuzz-ci     what CI runs: fuzz/regressions replayed, then each
#                    harness for 60 s; fails on any crash, leak or hang
#   make fuzz-bin    just the harnesses (build-fuzz/fuzz/<name>); `make test`
#                    replays fuzz/regressions through them
FUZZ_CC ?= clang
FUZZ_SECONDS ?= 60
FUZZ_NAMES := $(sort $(patsubst fuzz/fuzz_%.c,%,$(wildcard fuzz/fuzz_*.c)))
FUZZ_SAN = -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all
.PHONY: fuzz fuzz-ci fuzz-bin

$(BUILD)/fuzz/%: fuzz/fuzz_%.c fuzz/fuzz_util.h $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -fsanitize=fuzzer -o $@ $< $(LIB) $(LDLIBS)

fuzz-bin:
	$(MAKE) BUILD=build-fuzz CC=$(FUZZ_CC) CFLAGS="-O1 -g" \
		EXTRA_CFLAGS="$(FUZZ_SAN) -fsanitize=fuzzer-no-link" $(FUZZ_NAMES:%=build-fuzz/fuzz/%)

fuzz: fuzz-bin $(BIN)
	FUZZ_SECONDS=$(FUZZ_SECONDS) bash fuzz/run.sh

fuzz-ci: fuzz-bin $(BIN)
	FUZZ_SECONDS=60 bash fuzz/run.sh --ci

-include $(OBJ:.o=.d) $(BUILD)/src/main.d
