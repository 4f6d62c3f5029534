# planwise: one non-recursive Makefile. Objects and binaries go to build/ (or
# build/san-<list>/ for sanitizer builds); header dependencies are automatic.
#   make            build build/planwise
#   make deps       install Debian packages and the pinned DuckDB library
#   make test       the fast tier (under a minute): unit tests and the CLI golden tests
#   make check      everything: the fast tier, the invariant, statistical, determinism and
#                   resume suites, and the unit tests under AddressSanitizer and UBSan
#   make demo       set up, build, generate a sample census, simulate 2025-2029
#   make bench      performance benchmark (not part of the tests)
#   make fuzz       fuzz targets (tests/fuzz/fuzz_*.c) through the replay driver: each
#                   corpus in tests/fuzz/corpus/<target>/ plus FUZZ_RUNS mutated inputs
#   make SAN=address,undefined test   the same tests under sanitizers

CC      ?= cc
DUCKDB  := deps/duckdb
SAN     ?=
OPT     ?= -O2
WARN    := -std=c11 -Wall -Wextra -Wpedantic -Wshadow -Wmissing-prototypes \
           -Wstrict-prototypes -Wvla -Wformat=2 -Wno-format-nonliteral
ifneq ($(WERROR),)
WARN    += -Werror
endif
comma   := ,
BUILD   := build
ifneq ($(SAN),)
BUILD   := build/san-$(subst $(comma),-,$(SAN))
SANFLAGS := -fsanitize=$(SAN) -fno-omit-frame-pointer -fno-sanitize-recover=all
OPT     := -O1 -g
endif

ifeq ($(MPI),1)
BUILD   := $(BUILD)/mpi
CC      := mpicc
endif
CPPFLAGS := -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -Isrc -I$(BUILD)/gen -isystem $(DUCKDB)/include
ifeq ($(MPI),1)
CPPFLAGS += -DPW_MPI
endif
CFLAGS   := $(WARN) $(OPT) -g -pthread $(SANFLAGS) -MMD -MP
LDFLAGS  := -pthread $(SANFLAGS) -L$(DUCKDB)/lib -Wl,-rpath,'$$ORIGIN/../$(if $(SAN),../,)$(DUCKDB)/lib' -Wl,-rpath,$(abspath $(DUCKDB)/lib)
LDLIBS   := -lduckdb -lyaml -llz4 -lxlsxwriter -lm

LIB_SRC  := $(sort $(wildcard src/core/*.c src/model/*.c src/sim/*.c src/io/*.c src/dag/*.c src/report/*.c)) \
            $(filter-out src/cli/main.c src/cli/ensemble_mpi.c,$(sort $(wildcard src/cli/*.c)))
# make MPI=1: `planwise ensemble` across Open MPI ranks (src/cli/ensemble_mpi.c),
# built with mpicc into build/mpi/ so the plain build never sees MPI.
ifeq ($(MPI),1)
LIB_SRC  += src/cli/ensemble_mpi.c
endif
GEN_SRC  := $(BUILD)/gen/default_tables.c $(BUILD)/gen/builtin_models.c
MODEL_SQL := models/macros.sql $(sort $(wildcard models/marts/*.sql)) $(sort $(wildcard models/checks/*.sql))
LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/%.o) $(GEN_SRC:.c=.o)
BIN      := $(BUILD)/planwise

TEST_SRC := $(sort $(wildcard tests/unit/test_*.c))
TEST_BIN := $(TEST_SRC:tests/unit/%.c=$(BUILD)/tests/%)
TEST_SUPPORT_SRC := $(sort $(wildcard tests/unit/support/*.c))
TEST_SUPPORT_OBJ := $(TEST_SUPPORT_SRC:%.c=$(BUILD)/%.o)

FUZZ_SRC := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_BIN := $(FUZZ_SRC:tests/fuzz/%.c=$(BUILD)/fuzz/%)
FUZZ_RUNS ?= 5000

# Only used by SAN=thread builds: hide races inside the uninstrumented DuckDB library.
export TSAN_OPTIONS := suppressions=$(CURDIR)/tests/tsan.supp

.PHONY: all deps test check unit-test cli-test invariant-test san-unit-test report-test ensemble-test mpi-ensemble-test demo bench clean lint fuzz
all: $(BIN)

deps: $(DUCKDB)/.stamp
$(DUCKDB)/.stamp: scripts/setup-deps.sh
	@scripts/setup-deps.sh
	@touch $@

$(BUILD)/gen/default_tables.c: scripts/embed.sh $(sort $(wildcard data/defaults/*.csv))
	@mkdir -p $(dir $@)
	scripts/embed.sh pw_default_tables $(sort $(wildcard data/defaults/*.csv)) > $@

$(BUILD)/gen/builtin_models.c: scripts/embed.sh $(MODEL_SQL)
	@mkdir -p $(dir $@)
	scripts/embed.sh -C models pw_builtin_models $(MODEL_SQL) > $@
# SQL models are longer than the 4,095 characters ISO C promises per string literal;
# gcc and clang take any length.
$(BUILD)/gen/builtin_models.o: CFLAGS += -Wno-overlength-strings

$(BUILD)/%.o: %.c | $(DUCKDB)/.stamp
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c $< -o $@

$(BUILD)/libplanwise.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BIN): $(BUILD)/src/cli/main.o $(BUILD)/libplanwise.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# A helper of the invariant tests: writes to a database (corrupts a copy on purpose).
$(BUILD)/tools/sql_exec: $(BUILD)/tests/tools/sql_exec.o $(BUILD)/libplanwise.a
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/tests/%: $(BUILD)/tests/unit/%.o $(TEST_SUPPORT_OBJ) $(BUILD)/libplanwise.a
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS) -lcmocka

$(BUILD)/fuzz/%: $(BUILD)/tests/fuzz/%.o $(BUILD)/tests/fuzz/replay.o $(BUILD)/libplanwise.a
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

test: unit-test cli-test

# The slow suites; .ci/run runs this target.
check: test invariant-test report-test ensemble-test mpi-ensemble-test san-unit-test

# A separate make, since SAN changes the build folder and flags.
san-unit-test:
	@$(MAKE) --no-print-directory SAN=address,undefined unit-test

unit-test: $(TEST_BIN)
	@tests/run-unit.sh $(TEST_BIN)

cli-test: $(BIN)
	@tests/cli/run.sh $(BIN)

invariant-test: $(BIN) $(BUILD)/tools/sql_exec
	@tests/invariants/run.sh $(BIN)

# The HTML report rendered in headless Chromium (needs chromium and python3).
report-test: $(BIN) $(BUILD)/tools/sql_exec
	@tests/report/browser.sh $(BIN)

# planwise ensemble against planwise run: exactness per dimension, --keep,
# --threads determinism, replacement, failures and crashes, make demo-ensemble
# (and MPI ranks, broadcast inputs and dying ranks when built with MPI=1).
ensemble-test: $(BIN) $(BUILD)/tools/sql_exec
	@tests/invariants/ensemble.sh $(BIN)

# The same suite with the Open MPI build: 1, 2 and 3 ranks against one process.
mpi-ensemble-test:
	@$(MAKE) --no-print-directory MPI=1 ensemble-test

demo: $(BIN)
	@scripts/demo.sh $(BIN)

# ENSEMBLE_SEEDS and ENSEMBLE_DB make it cheaper or write elsewhere (the tests use both).
ENSEMBLE_SEEDS ?= 1-20
ENSEMBLE_DB ?= ensemble.duckdb
demo-ensemble: $(BIN)
	@ENSEMBLE_SEEDS='$(ENSEMBLE_SEEDS)' ENSEMBLE_DB='$(ENSEMBLE_DB)' scripts/demo_ensemble.sh $(BIN)

bench: $(BIN)
	@bench/run.sh $(BIN)

fuzz: $(FUZZ_BIN)
	@for f in $(FUZZ_BIN); do c=tests/fuzz/corpus/$$(basename $$f); \
	    if [ -d $$c ]; then $$f -n $(FUZZ_RUNS) $$c || exit 1; else $$f -n $(FUZZ_RUNS) || exit 1; fi; done

lint: $(BIN)
	@echo "strict warnings are on in every build; WERROR=1 makes them errors"

clean:
	rm -rf build

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
.SECONDARY:
