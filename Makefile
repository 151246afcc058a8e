# rapport: one C11 binary. `make` builds build/rapport; `make test` runs the
# unit tests (cmocka) and the black-box API tests (node --test), on SQLite
# and on a throw-away PostgreSQL (`make api-pg`); `make asan`
# builds and tests with AddressSanitizer and UBSan in build-asan/.

BUILD   ?= build
CC      ?= cc
PKGS    := libmicrohttpd jansson sqlite3 libsodium libcurl libical libpq
OPT     ?= -O2
SAN     ?=
CFLAGS  ?= $(OPT) -g
CFLAGS  += -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Wshadow -Wno-missing-field-initializers \
           -Isrc -I$(BUILD)/gen $(SAN) $(shell pkg-config --cflags $(PKGS))
LDLIBS  += $(SAN) $(shell pkg-config --libs $(PKGS)) -lcsv -lm -lpthread
TEST_LDLIBS := $(shell pkg-config --libs cmocka)

# LIB_EXCLUDE (patterns) leaves sources out, e.g. work in progress.
LIB_EXCLUDE ?=
LIB_SRC := $(filter-out $(LIB_EXCLUDE),$(sort $(wildcard src/util/*.c src/core/*.c src/store/*.c \
                              src/http/*.c src/channels/*.c src/jobs/*.c src/io/*.c)) \
           $(filter-out src/cli/main.c,$(sort $(wildcard src/cli/*.c))))
LIB_OBJ := $(patsubst %.c,$(BUILD)/obj/%.o,$(LIB_SRC)) $(BUILD)/obj/gen/migrations.o
MIGRATIONS := $(sort $(wildcard src/store/migrations/*.sql))
UNIT_SRC := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BIN := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_SRC))

.PHONY: all test unit api asan clean format deps bench demo
all: $(BUILD)/rapport $(BUILD)/rapport-test

$(BUILD)/rapport: $(BUILD)/obj/src/cli/main.o $(BUILD)/librapport.a
	$(CC) -o $@ $^ $(LDLIBS)

# The same binary with a clock tests can move (util/clock.h RP_TEST_CLOCK:
# RAPPORT_TEST_CLOCK names a file holding the time). Its clock object
# defines every symbol of clock.o, so the library's is not linked in.
$(BUILD)/obj/test/clock.o: src/util/clock.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -DRP_TEST_CLOCK -MMD -MP -c -o $@ $<

$(BUILD)/rapport-test: $(BUILD)/obj/src/cli/main.o $(BUILD)/obj/test/clock.o $(BUILD)/librapport.a
	$(CC) -o $@ $^ $(LDLIBS)

$(BUILD)/librapport.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -MMD -MP -c -o $@ $<

# The SQL migrations are compiled into the binary (rp_migrations[]).
$(BUILD)/gen/migrations.c: $(MIGRATIONS) scripts/embed-sql.sh
	@mkdir -p $(dir $@)
	sh scripts/embed-sql.sh $(MIGRATIONS) > $@

$(BUILD)/obj/gen/migrations.o: $(BUILD)/gen/migrations.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c -o $@ $<

$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/librapport.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Itests/unit -o $@ $< $(BUILD)/librapport.a $(LDLIBS) $(TEST_LDLIBS)

unit: $(UNIT_BIN)
	@set -e; for t in $(UNIT_BIN); do echo "== $$t"; $$t; done

api: $(BUILD)/rapport $(BUILD)/rapport-test
	RAPPORT_BIN=$(abspath $(BUILD)/rapport) RAPPORT_TEST_BIN=$(abspath $(BUILD)/rapport-test) \
	  node --test --test-concurrency=2 tests/api/

test: unit api api-pg

asan:
	$(MAKE) BUILD=build-asan OPT=-O1 SAN="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined" test

format:
	clang-format -i $$(find src tests/unit -name '*.[ch]')

clean:
	rm -rf build build-asan

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)

# ---- the web UI (web/, docs/web.md): built when npm is on PATH, so a
# machine without node still builds the C. `npm ci` runs when
# web/node_modules is missing or older than web/package-lock.json.
NPM := $(shell command -v npm 2>/dev/null)
WEB_SRC := $(shell find web/src web/public web/scripts -type f 2>/dev/null) \
           web/index.html web/vite.config.js web/package.json
.PHONY: web e2e
ifneq ($(NPM),)
all: web
endif
web: web/dist/index.html

web/node_modules/.package-lock.json: web/package-lock.json
	cd web && npm ci --no-audit --no-fund
	@touch $@

# the build writes the .gz files and fails over the 150 kB JS budget
web/dist/index.html: web/node_modules/.package-lock.json $(WEB_SRC)
	cd web && npm run build

# end-to-end tests in a real browser (tests/e2e/run.sh)
e2e: $(BUILD)/rapport web
	RAPPORT_BIN=$(abspath $(BUILD)/rapport) bash tests/e2e/run.sh

# ---- PostgreSQL (issue 9): the migrations in PostgreSQL's dialect are
# compiled in beside the SQLite ones (rp_migrations_pg[]), and `make
# api-pg` runs the API tests against a throw-away PostgreSQL 15 cluster
# (tests/pg/cluster.sh), removed whatever the result.
MIGRATIONS_PG := $(sort $(wildcard src/store/migrations_pg/*.sql))
$(BUILD)/librapport.a: $(BUILD)/obj/gen/migrations_pg.o

$(BUILD)/gen/migrations_pg.c: $(MIGRATIONS_PG) scripts/embed-sql.sh
	@mkdir -p $(dir $@)
	sh scripts/embed-sql.sh -n rp_migrations_pg $(MIGRATIONS_PG) > $@

$(BUILD)/obj/gen/migrations_pg.o: $(BUILD)/gen/migrations_pg.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c -o $@ $<

.PHONY: api-pg
api-pg: $(BUILD)/rapport $(BUILD)/rapport-test
	@set -e; dir=$$(mktemp -d); \
	  trap 'tests/pg/cluster.sh stop "$$dir" >/dev/null || true' EXIT; \
	  trap 'exit 130' INT; trap 'exit 143' TERM; trap 'exit 129' HUP; \
	  url=$$(tests/pg/cluster.sh start "$$dir"); \
	  echo "api-pg: PostgreSQL at $$url"; \
	  RAPPORT_TEST_PG=$$url tests/pg/schema_diff.sh; \
	  RAPPORT_TEST_PG=$$url RAPPORT_BIN=$(abspath $(BUILD)/rapport) \
	  RAPPORT_TEST_BIN=$(abspath $(BUILD)/rapport-test) \
	    node --test --test-concurrency=2 tests/api/
