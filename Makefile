# inspraak — `make run` starts the demo, `make test` runs every test.
# Both first install what is missing (scripts/deps).

LISTEN ?= 127.0.0.1:8080
DB ?= inspraak-demo.db
# TILES=FILE.mbtiles gives `make run` the sociale kaart's map (docs/sociale-kaart.md)
TILES ?=

PKGS := libuv jansson libcmark libqrencode libutf8proc libsodium sqlite3 pangocairo xlsxwriter libwebp \
	poppler-glib libzip libpng libqpdf libpq libcurl zlib
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS = $(shell pkg-config --libs $(PKGS) 2>/dev/null)

BUILD ?= build
CC ?= cc
CFLAGS ?= -O2 -g
WARN := -Wall -Wextra -Werror -Wshadow -Wno-unused-parameter
ALL_CFLAGS = -std=c17 -D_GNU_SOURCE $(WARN) -Isrc -I$(BUILD)/gen $(PKG_CFLAGS) $(CFLAGS)
LIBS = $(PKG_LIBS) -lstemmer -lpthread -lm

LIB_SRC := $(sort $(wildcard src/util/*.c src/model/*.c src/store/*.c src/net/*.c src/app/*.c src/report/*.c))
UNIT_SRC := $(sort $(wildcard tests/unit/test_*.c))
# The commands (src/cmd/NAME.c) belong to the program, not to the library.
CMD_SRC := $(sort $(wildcard src/cmd/*.c))

OBJ := $(LIB_SRC:%.c=$(BUILD)/%.o)
ASAN_OBJ := $(LIB_SRC:%.c=$(BUILD)/asan/%.o)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/%)
ASAN_UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/asan/%)
SAN := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all

# Fuzz targets (libFuzzer, clang): `make fuzz` runs each for FUZZ_TIME
# seconds on its seed corpus; `make test` runs each for a few seconds.
FUZZ_SRC := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_OBJ := $(LIB_SRC:%.c=$(BUILD)/fuzz/%.o)
FUZZ_BIN := $(FUZZ_SRC:tests/fuzz/%.c=$(BUILD)/fuzz/%)
FUZZ_CFLAGS = -std=c17 -D_GNU_SOURCE -Wall -Wextra -Werror -Wno-unused-parameter -Isrc -I$(BUILD)/gen \
	$(PKG_CFLAGS) -g -O1 -fno-omit-frame-pointer
FUZZ_TIME ?= 60

.PHONY: all deps run test unit unit-asan e2e clean format format-check fuzz fuzz-smoke
.SECONDARY:

all: inspraak

deps:
	@scripts/deps

inspraak: $(BUILD)/libinspraak.a $(BUILD)/src/main.o $(CMD_SRC:%.c=$(BUILD)/%.o) | static-z
	@echo "  LINK    $@"
	@$(CC) -o $@ $(BUILD)/src/main.o $(CMD_SRC:%.c=$(BUILD)/%.o) $(BUILD)/libinspraak.a $(LIBS)

$(BUILD)/libinspraak.a: $(OBJ)
	@rm -f $@
	@ar rcs $@ $^

# Static files that compress are served precompressed (src/app/pages.c):
# NAME.gz (gzip -9) and NAME.br (Brotli, Debian's brotli package) beside
# NAME, made here so that no request pays for compression. Brotli is
# skipped when the tool is missing; the server then offers gzip only.
STATIC_SRC := $(filter %.js %.css %.svg %.json %.html %.mjs,$(wildcard web/static/* web/static/*/*))
STATIC_Z := $(STATIC_SRC:%=%.gz) $(if $(shell command -v brotli),$(STATIC_SRC:%=%.br))

# Leaflet, the map of the sociale kaart (web/static/kaart-map.js), comes
# from npm (web/vendor/package.json, pinned by its package-lock.json;
# scripts/deps runs npm ci there) and is served by inspraak itself from
# /static/leaflet/, copied here with its marker images. Without it the
# build goes on and the map stays hidden (the list is the full view).
LEAFLET_DIST := web/vendor/node_modules/leaflet/dist
LEAFLET_FILES := leaflet.js leaflet.css images/marker-icon.png images/marker-icon-2x.png \
	images/marker-shadow.png images/layers.png images/layers-2x.png
ifneq ($(wildcard $(LEAFLET_DIST)/leaflet.js),)
LEAFLET := $(LEAFLET_FILES:%=web/static/leaflet/%)
LEAFLET_Z := web/static/leaflet/leaflet.js.gz web/static/leaflet/leaflet.css.gz \
	$(if $(shell command -v brotli),web/static/leaflet/leaflet.js.br web/static/leaflet/leaflet.css.br)
else
LEAFLET := leaflet-missing
endif

.PHONY: leaflet-missing
leaflet-missing:
	@echo "  NOTE    no $(LEAFLET_DIST) (scripts/deps installs it): the map stays hidden"

web/static/leaflet/%: $(LEAFLET_DIST)/%
	@mkdir -p $(dir $@)
	@cp $< $@

.PHONY: static-z
static-z: $(STATIC_Z) $(LEAFLET) $(LEAFLET_Z)

web/static/%.gz: web/static/%
	@gzip -9 -n -c $< > $@.tmp && mv $@.tmp $@

# brotli copies the source's time; touch makes the variant newer, as the server checks
web/static/%.br: web/static/%
	@brotli -q 11 -f -o $@.tmp $< && mv $@.tmp $@ && touch $@

# The stop-word lists (data/stopwords/*.txt) are compiled in: each file
# becomes one C string literal that src/model/themes.c includes.
STOPWORDS := $(wildcard data/stopwords/*.txt)
STOPWORDS_INC := $(STOPWORDS:data/stopwords/%.txt=$(BUILD)/gen/stopwords_%.inc)

$(BUILD)/gen/stopwords_%.inc: data/stopwords/%.txt
	@mkdir -p $(dir $@)
	@sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/"/' -e 's/$$/\\n"/' $< > $@

$(BUILD)/src/model/themes.o $(BUILD)/asan/src/model/themes.o $(BUILD)/fuzz/src/model/themes.o: $(STOPWORDS_INC)

$(BUILD)/%.o: %.c $(wildcard src/*/*.h)
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/asan/%.o: %.c $(wildcard src/*/*.h)
	@mkdir -p $(dir $@)
	@echo "  CC/SAN  $<"
	@$(CC) $(ALL_CFLAGS) -O1 $(SAN) -c -o $@ $<

$(BUILD)/test_%: tests/unit/test_%.c $(BUILD)/libinspraak.a
	$(CC) $(ALL_CFLAGS) -o $@ $< $(BUILD)/libinspraak.a $(LIBS) -lcmocka

$(BUILD)/asan/test_%: tests/unit/test_%.c $(ASAN_OBJ)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -O1 $(SAN) -o $@ $< $(ASAN_OBJ) $(LIBS) -lcmocka

# The server with AddressSanitizer and UBSan, next to inspraak so that it
# finds web/ and data/, for the end-to-end tests that want a clean exit
# (tests/e2e/shutdown.test.mjs).
inspraak-asan: $(ASAN_OBJ) $(BUILD)/asan/src/main.o $(CMD_SRC:%.c=$(BUILD)/asan/%.o)
	@echo "  LINK    $@"
	@$(CC) $(ALL_CFLAGS) -O1 $(SAN) -o $@ $^ $(LIBS)

$(BUILD)/fuzz/%.o: %.c $(wildcard src/*/*.h)
	@mkdir -p $(dir $@)
	@echo "  CC/FUZZ $<"
	@clang $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link,address,undefined -c -o $@ $<

$(BUILD)/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_OBJ)
	@echo "  FUZZ    $@"
	@clang $(FUZZ_CFLAGS) -fsanitize=fuzzer,address,undefined -o $@ $< $(FUZZ_OBJ) $(LIBS)

fuzz: $(FUZZ_BIN)
	@scripts/run-fuzz $(FUZZ_TIME) $(FUZZ_BIN)

fuzz-smoke: $(FUZZ_BIN)
	@scripts/run-fuzz 5 $(FUZZ_BIN)

run: deps
	@$(MAKE) --no-print-directory inspraak
	./inspraak serve --demo --listen $(LISTEN) --db $(DB) $(if $(TILES),--tiles $(TILES))

unit: $(UNIT_BIN)
	@scripts/run-unit $(UNIT_BIN)

unit-asan: $(ASAN_UNIT_BIN)
	@ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
		scripts/run-unit $(ASAN_UNIT_BIN)

e2e: inspraak inspraak-asan $(BUILD)/bench/mkpdf $(BUILD)/bench/mkmbtiles
	@cd tests/e2e && node --test --test-concurrency=1 --test-reporter=spec *.test.mjs

test:
	@scripts/deps --test
	@$(MAKE) --no-print-directory format-check
	@$(MAKE) --no-print-directory inspraak
	@$(MAKE) --no-print-directory unit
	@$(MAKE) --no-print-directory unit-asan
	@$(MAKE) --no-print-directory fuzz-smoke
	@$(MAKE) --no-print-directory e2e
	@$(MAKE) --no-print-directory test-pg

# The same store tests and the end-to-end tests that matter most for the
# store, again on PostgreSQL: a throwaway cluster of their own
# (scripts/pg-tmp), one database for the unit tests and one per prepare()
# of the end-to-end tests (INSPRAAK_TEST_PG, tests/e2e/lib.mjs).
PG_E2E := protocol workspace-api report crash moderation self-paced migrate multinode multinode-limits \
	multinode-web \
	kaart \
	website website-browser website-closing website-mail website-mail-login offloop
.PHONY: test-pg
test-pg: inspraak $(BUILD)/asan/test_store $(BUILD)/asan/test_bus
	@scripts/pg-tmp sh -c '\
		ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
		INSPRAAK_TEST_STORE="$$INSPRAAK_PG_URL" $(BUILD)/asan/test_store && \
		ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
		INSPRAAK_TEST_STORE="$$INSPRAAK_PG_URL" $(BUILD)/asan/test_bus && \
		cd tests/e2e && INSPRAAK_TEST_PG="$$INSPRAAK_PG_URL" node --test \
		--test-concurrency=1 --test-reporter=spec $(PG_E2E:%=%.test.mjs)'

# The C sources that follow .clang-format: `make format` applies it and
# `make test` refuses a change that does not (scripts/check-format).
FORMAT_SRC = $(shell git ls-files 'src/*.[ch]' 'tests/unit/*.[ch]' 'tests/fuzz/*.c' 'bench/*.c' 2>/dev/null)

format:
	clang-format -i $(FORMAT_SRC)

format-check:
	@scripts/check-format

clean:
	rm -rf build inspraak inspraak-asan $(STATIC_Z) web/static/leaflet

# The load generator and the bare yardstick of bench/run (bench/loadgen.c,
# bench/floor.c): plain C on epoll, no library of ours.
.PHONY: bench
bench: $(BUILD)/bench/loadgen $(BUILD)/bench/floor $(BUILD)/bench/mkpdf $(BUILD)/bench/mkmbtiles

# The slide-deck PDF that bench/pdf-import and the end-to-end tests import.
$(BUILD)/bench/mkpdf: bench/mkpdf.c tests/unit/pdfgen.h
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) -std=c17 -D_GNU_SOURCE $(WARN) -O2 -g $(shell pkg-config --cflags cairo) -o $@ $< \
		$(shell pkg-config --libs cairo)

# A small MBTiles file of raster tiles drawn with cairo, for the map's
# end-to-end test (tests/e2e/kaart-map.test.mjs).
$(BUILD)/bench/mkmbtiles: bench/mkmbtiles.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) -std=c17 -D_GNU_SOURCE $(WARN) -O2 -g $(shell pkg-config --cflags cairo sqlite3) -o $@ \
		$< $(shell pkg-config --libs cairo sqlite3)

$(BUILD)/bench/%: bench/%.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) -std=c17 -D_GNU_SOURCE $(WARN) -O2 -g -o $@ $<
