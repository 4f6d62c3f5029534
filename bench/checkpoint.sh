#!/usr/bin/env bash
# bench/checkpoint.sh BIN [--census FILE] [--dir DIR] [--reps N] [--threads N]
#
# Size and speed of year checkpoints on a real run (bench/checkpoint_bench.c,
# built here with cc against the library next to BIN). Without --census it uses
# the demo census sample/census.csv (60,040 employees, seed 42), generating it
# with `BIN census generate` when missing. --dir is where the files are written
# (default build/bench/checkpoints; the disk matters, fsyncs are timed); the
# last year's files stay there for `planwise checkpoint inspect`.
set -euo pipefail

usage() { echo "usage: bench/checkpoint.sh BIN [--census FILE] [--dir DIR] [--reps N] [--threads N]" >&2; exit 2; }

[ $# -ge 1 ] || usage
BIN=$1; shift
ROOT=$(cd "$(dirname "$0")/.." && pwd)
case $BIN in /*) ;; *) BIN=$PWD/$BIN ;; esac
[ -x "$BIN" ] || { echo "bench/checkpoint.sh: '$BIN' is not an executable (build it first: make)" >&2; exit 1; }
BUILD_DIR=$(dirname "$BIN")
LIB=$BUILD_DIR/libplanwise.a
CENSUS=
DIR=$BUILD_DIR/bench/checkpoints
ARGS=()
while [ $# -gt 0 ]; do
    case $1 in
        --census) [ $# -ge 2 ] || usage; CENSUS=$2; shift ;;
        --dir) [ $# -ge 2 ] || usage; DIR=$2; shift ;;
        --reps|--threads) [ $# -ge 2 ] || usage; ARGS+=("$1" "$2"); shift ;;
        -h|--help) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) usage ;;
    esac
    shift
done

TOOL=$BUILD_DIR/bench/checkpoint_bench
if [ ! -x "$TOOL" ] || [ "$ROOT/bench/checkpoint_bench.c" -nt "$TOOL" ] || [ "$LIB" -nt "$TOOL" ]; then
    mkdir -p "$BUILD_DIR/bench"
    (cd "$ROOT" && ${CC:-cc} -std=c11 -O2 -g -Wall -Wextra -Wpedantic -Wshadow \
        -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -Isrc -isystem deps/duckdb/include -pthread \
        bench/checkpoint_bench.c -o "$TOOL" "$LIB" \
        -Ldeps/duckdb/lib -Wl,-rpath,"$ROOT/deps/duckdb/lib" -lduckdb -lyaml -llz4 -lm -pthread)
fi

if [ -z "$CENSUS" ]; then
    CENSUS=$ROOT/sample/census.csv
    if [ ! -f "$CENSUS" ]; then
        mkdir -p "$ROOT/sample"
        "$BIN" census generate --employees 60040 --seed 42 --start-year 2025 --out "$CENSUS"
    fi
fi
mkdir -p "$DIR"
cd "$ROOT"
"$TOOL" --census "$CENSUS" --dir "$DIR" "${ARGS[@]}"
