# planwise: one non-recursive Makefile. Objects and binaries go to build/ (or
# build/san-<list>/ for sanitizer builds); header dependencies are automatic.
#   make            build build/planwise
#   make deps       install Debian packages and the pinned DuckDB library
#   make test       the fast tier (under a minute): unit tests and the CLI golden tests
#   make check      everything: the fast tier, the invariant, statistical, determinism,
#                   resume and crash-safety (full disk, kill -9) suites, the report,
#                   ensemble and batch suites, and the unit tests under AddressSanitizer
#                   and UBSan
#   make fault-test crash safety: a full disk (tmpfs; needs root, else skipped),
#                   kill -9 at chosen points, write failures of every output file
#   make demo       set up, build, generate a sample census, simulate 2025-2029
#   make bench      performance benchmark (not part of the tests)
#   make fuzz       fuzz targets (tests/fuzz/fuzz_*.c) through the replay driver: each
#                   corpus in tests/fuzz/corpus/<target>/, then inputs mutated from the
#                   seed and the corpus, at most FUZZ_RUNS or FUZZ_SECONDS per target
#   make fuzz-libfuzzer   the same targets built by clang with libFuzzer, ASan and
#                   UBSan, each run FUZZ_SECONDS from its corpus (needs clang)
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
FUZZ_SECONDS ?= 10
# make LIBFUZZER=1 (what fuzz-libfuzzer sets): targets link libFuzzer's own main
# instead of the replay driver; the library is built with fuzzer-no-link coverage.
ifeq ($(LIBFUZZER),1)
FUZZ_MAIN :=
FUZZ_LINK := -fsanitize=fuzzer
else
FUZZ_MAIN := $(BUILD)/tests/fuzz/replay.o
FUZZ_LINK :=
endif

# Only used by SAN=thread builds: hide races inside the uninstrumented DuckDB library.
export TSAN_OPTIONS := suppressions=$(CURDIR)/tests/tsan.supp

.PHONY: all deps test check unit-test cli-test invariant-test fault-test san-unit-test report-test ensemble-test mpi-ensemble-test batch-test demo bench clean lint fuzz fuzz-libfuzzer
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

# A helper of the crash-safety suite: kills a command at points marked by its files.
$(BUILD)/tools/fault_run: $(BUILD)/tests/tools/fault_run.o
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^

$(BUILD)/tests/%: $(BUILD)/tests/unit/%.o $(TEST_SUPPORT_OBJ) $(BUILD)/libplanwise.a
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS) -lcmocka

$(BUILD)/fuzz/%: $(BUILD)/tests/fuzz/%.o $(FUZZ_MAIN) $(BUILD)/libplanwise.a
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) $(FUZZ_LINK) -o $@ $^ $(LDLIBS)

test: unit-test cli-test

# The slow suites; .ci/run runs this target.
check: test invariant-test fault-test report-test ensemble-test mpi-ensemble-test batch-test san-unit-test

# A separate make, since SAN changes the build folder and flags.
san-unit-test:
	@$(MAKE) --no-print-directory SAN=address,undefined unit-test

unit-test: $(TEST_BIN)
	@tests/run-unit.sh $(TEST_BIN)

cli-test: $(BIN) $(BUILD)/tools/sql_exec
	@tests/cli/run.sh $(BIN)

invariant-test: $(BIN) $(BUILD)/tools/sql_exec
	@tests/invariants/run.sh $(BIN)

# Crash safety: a full disk (tmpfs, needs root) and kill -9 at chosen points of runs.
fault-test: $(BIN) $(BUILD)/tools/sql_exec $(BUILD)/tools/fault_run
	@tests/invariants/faults.sh $(BIN)

# The HTML report rendered in headless Chromium (needs chromium and python3).
report-test: $(BIN) $(BUILD)/tools/sql_exec
	@tests/report/browser.sh $(BIN)

# planwise ensemble against planwise run: exactness per dimension, --keep,
# --threads determinism, replacement, failures and crashes, make demo-ensemble
# (and MPI ranks, broadcast inputs and dying ranks when built with MPI=1).
ensemble-test: $(BIN) $(BUILD)/tools/sql_exec
	@tests/invariants/ensemble.sh $(BIN)

# planwise batch over config/examples: models once, each design equal to planwise run,
# the comparison and the effective configuration diff.
batch-test: $(BIN)
	@tests/invariants/batch.sh $(BIN)

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

# Each target: its corpus, then edits for at most FUZZ_RUNS inputs or FUZZ_SECONDS.
# Under libFuzzer new inputs go to a scratch folder (the corpus stays as committed)
# and a crash leaves its input in $(BUILD)/fuzz/.
fuzz: $(FUZZ_BIN)
ifeq ($(LIBFUZZER),1)
	@for f in $(FUZZ_BIN); do c=tests/fuzz/corpus/$$(basename $$f); t=$$(mktemp -d); \
	    $$f -max_total_time=$(FUZZ_SECONDS) -timeout=20 -rss_limit_mb=4096 -print_final_stats=1 \
	        -artifact_prefix=$(BUILD)/fuzz/ $$t $$( [ -d $$c ] && echo $$c ) > $$t.log 2>&1; rc=$$?; \
	    if [ $$rc -eq 0 ]; then echo "$$f: $$(grep -o 'number_of_executed_units: *[0-9]*' $$t.log | grep -o '[0-9]*$$') inputs"; \
	    else grep -v '^#\|^INFO' $$t.log | head -60; fi; rm -rf $$t $$t.log; [ $$rc -eq 0 ] || exit 1; done
else
	@for f in $(FUZZ_BIN); do c=tests/fuzz/corpus/$$(basename $$f); \
	    ASAN_OPTIONS=abort_on_error=1 $$f -n $(FUZZ_RUNS) -t $(FUZZ_SECONDS) $$( [ -d $$c ] && echo $$c ) || exit 1; done
endif

fuzz-libfuzzer:
	@$(MAKE) --no-print-directory CC=clang LIBFUZZER=1 SAN=fuzzer-no-link,address,undefined fuzz

lint: $(BIN)
	@echo "strict warnings are on in every build; WERROR=1 makes them errors"

clean:
	rm -rf build

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
.SECONDARY:
