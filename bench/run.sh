#!/usr/bin/env bash
# bench/run.sh BIN [--quick] [--reps N]
#
# End-to-end benchmark of `planwise run` (census load to committed database; the SQL
# models that run after it are left out with --no-models, their time is separate:
# `planwise models run` prints it) with the floor it is compared against: DuckDB's raw append of the same rows
# (bench/append_floor.c, built here with cc against the library next to BIN).
#
# For each case: generate the census (not timed); run `planwise run` N times
# (default 3) and take the median wall time and the peak RSS; count employee-years
# (sum of starting headcounts in fct_workforce_needs) and output rows (events +
# snapshot rows); run append_floor N times with the same row counts (median).
# Prints a table and writes bench/results/latest.json.
#
#   bench/run.sh build/planwise            both cases (60,040 x 5 years, 1,000,000 x 10 years)
#   bench/run.sh build/planwise --quick    only the first case
#   bench/run.sh build/planwise --reps 5
#
# Peak RSS needs GNU time (/usr/bin/time, Debian package `time`); without it the
# RSS column reads n/a and wall time comes from the shell.
set -euo pipefail

usage() { echo "usage: bench/run.sh BIN [--quick] [--reps N]" >&2; exit 2; }

[ $# -ge 1 ] || usage
ARGS="$*"
BIN=$1; shift
QUICK=0
REPS=3
while [ $# -gt 0 ]; do
    case $1 in
        --quick) QUICK=1 ;;
        --reps) [ $# -ge 2 ] || usage; REPS=$2; shift ;;
        -h|--help) sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) usage ;;
    esac
    shift
done
case $REPS in ''|*[!0-9]*) usage ;; esac
[ "$REPS" -ge 1 ] || usage

ROOT=$(cd "$(dirname "$0")/.." && pwd)
case $BIN in /*) ;; *) BIN=$PWD/$BIN ;; esac
[ -x "$BIN" ] || { echo "bench/run.sh: '$BIN' is not an executable (build it first: make)" >&2; exit 1; }
BUILD_DIR=$(dirname "$BIN")
LIB=$BUILD_DIR/libplanwise.a
[ -f "$LIB" ] || { echo "bench/run.sh: '$LIB' not found (build with make first)" >&2; exit 1; }

# --- append_floor: built with cc against the same library ---------------------
FLOOR=$BUILD_DIR/bench/append_floor
if [ ! -x "$FLOOR" ] || [ "$ROOT/bench/append_floor.c" -nt "$FLOOR" ] || [ "$LIB" -nt "$FLOOR" ]; then
    mkdir -p "$BUILD_DIR/bench"
    (cd "$ROOT" && ${CC:-cc} -std=c11 -O2 -g -Wall -Wextra -Wpedantic -Wshadow \
        -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -Isrc -isystem deps/duckdb/include -pthread \
        bench/append_floor.c -o "$FLOOR" "$LIB" \
        -Ldeps/duckdb/lib -Wl,-rpath,"$ROOT/deps/duckdb/lib" -lduckdb -lyaml -llz4 -lm -pthread)
fi

GNU_TIME=
if [ -x /usr/bin/time ] && /usr/bin/time -f '%e %M' -o /dev/null true 2>/dev/null; then GNU_TIME=/usr/bin/time; fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/planwise-bench.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

median() { sort -g | awk '{v[NR] = $1} END {if (NR == 0) print "nan"; else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
max() { sort -g | tail -1; }
query_int() { "$BIN" query --db "$1" --csv "$2" | tail -1; }

# --- machine ------------------------------------------------------------------
NPROC=$(nproc)
MODEL=$(awk -F': *' '/^model name/ {print $2; exit}' /proc/cpuinfo)
[ -n "$MODEL" ] || MODEL=$(uname -m)
RAM_MB=$(awk '/^MemTotal/ {printf "%d", $2 / 1024}' /proc/meminfo)
DUCKDB_VERSION=
COMMIT=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
if ! git -C "$ROOT" diff --quiet HEAD -- src 2>/dev/null; then COMMIT="$COMMIT+dirty"; fi

# case: employees, first year, last year
CASES=("60040 2025 2029" "1000000 2025 2034")
[ "$QUICK" = 1 ] && CASES=("${CASES[0]}")

echo "planwise benchmark: $BIN (commit $COMMIT), $REPS repetition(s) per case"
RSS_NOTE=
[ -n "$GNU_TIME" ] || RSS_NOTE=" (no GNU time at /usr/bin/time: peak RSS not measured; Debian package 'time')"
LOAD=$(cut -d' ' -f1-3 /proc/loadavg)
echo "machine: $NPROC CPUs, $MODEL, $RAM_MB MB RAM, load average $LOAD$RSS_NOTE"
echo "(other processes on the machine disturb the timings: compare runs made in one sitting)"
echo

JSON_CASES=()
ROWS_OUT=()
for c in "${CASES[@]}"; do
    read -r EMP Y0 Y1 <<<"$c"
    YEARS=$((Y1 - Y0 + 1))
    NAME="${EMP}x${YEARS}"
    CENSUS=$WORK/census_$EMP.csv
    DB=$WORK/out_$EMP.duckdb
    echo "case $NAME: generating the census ($EMP employees, not timed)..."
    "$BIN" census generate --employees "$EMP" --seed 42 --start-year "$Y0" --out "$CENSUS" -q

    WALLS=() RSSES=()
    for r in $(seq 1 "$REPS"); do
        rm -f "$DB" "$DB.wal"
        if [ -n "$GNU_TIME" ]; then
            "$GNU_TIME" -f '%e %M' -o "$WORK/time" "$BIN" run --census "$CENSUS" --db "$DB" --years "$Y0-$Y1" --no-models -q
            read -r W M <"$WORK/time"
        else
            S=$(date +%s.%N)
            "$BIN" run --census "$CENSUS" --db "$DB" --years "$Y0-$Y1" --no-models -q
            E=$(date +%s.%N)
            W=$(awk -v s="$S" -v e="$E" 'BEGIN {printf "%.2f", e - s}')
            M=
        fi
        WALLS+=("$W")
        [ -n "$M" ] && RSSES+=("$M")
        printf '  run %d: %s s%s\n' "$r" "$W" "${M:+, peak RSS $((M / 1024)) MB}"
    done
    WALL=$(printf '%s\n' "${WALLS[@]}" | median)
    RSS_MB=n/a
    [ ${#RSSES[@]} -gt 0 ] && RSS_MB=$(( $(printf '%s\n' "${RSSES[@]}" | max) / 1024 ))

    [ -n "$DUCKDB_VERSION" ] || DUCKDB_VERSION=$(query_int "$DB" "SELECT version()")
    EMP_YEARS=$(query_int "$DB" "SELECT sum(starting_headcount) FROM fct_workforce_needs")
    EVENTS=$(query_int "$DB" "SELECT count(*) FROM fct_yearly_events")
    SNAPS=$(query_int "$DB" "SELECT count(*) FROM fct_workforce_snapshot")
    ROWS=$((EVENTS + SNAPS))
    DB_MB=$(( $(stat -c %s "$DB") / 1048576 ))
    rm -f "$DB" "$DB.wal"

    FLOORS=()
    for r in $(seq 1 "$REPS"); do
        F=$("$FLOOR" --events "$EVENTS" --snapshots "$SNAPS" --years "$YEARS" --db "$WORK/floor.duckdb" |
            sed -n 's/^floor_seconds=\([0-9.]*\).*/\1/p')
        FLOORS+=("$F")
        printf '  append floor %d: %s s\n' "$r" "$F"
    done
    FLOOR_S=$(printf '%s\n' "${FLOORS[@]}" | median | awk '{printf "%.3f", $1}')

    EYPS=$(awk -v n="$EMP_YEARS" -v w="$WALL" 'BEGIN {printf "%.0f", n / w}')
    RPS=$(awk -v n="$ROWS" -v w="$WALL" 'BEGIN {printf "%.0f", n / w}')
    FRPS=$(awk -v n="$ROWS" -v w="$FLOOR_S" 'BEGIN {printf "%.0f", n / w}')
    RATIO=$(awk -v a="$WALL" -v b="$FLOOR_S" 'BEGIN {printf "%.2f", a / b}')
    ROWS_OUT+=("$(printf '%-12s %8s %16s %12s %10s %8s %14s %10s' "$NAME" "$WALL" "$EYPS" "$RPS" "$RSS_MB" "$FLOOR_S" "$FRPS" "$RATIO")")
    JSON_CASES+=("$(printf '    {"case": "%s", "employees": %s, "years": %s, "first_year": %s, "last_year": %s,\n     "wall_seconds_median": %s, "wall_seconds": [%s],\n     "employee_years": %s, "employee_years_per_second": %s,\n     "event_rows": %s, "snapshot_rows": %s, "output_rows_per_second": %s,\n     "peak_rss_mb": %s, "database_mb": %s,\n     "append_floor_seconds_median": %s, "append_floor_seconds": [%s], "append_floor_rows_per_second": %s,\n     "ratio_wall_to_floor": %s}' \
        "$NAME" "$EMP" "$YEARS" "$Y0" "$Y1" "$WALL" "$(IFS=,; echo "${WALLS[*]}" | sed 's/,/, /g')" \
        "$EMP_YEARS" "$EYPS" "$EVENTS" "$SNAPS" "$RPS" \
        "$([ "$RSS_MB" = n/a ] && echo null || echo "$RSS_MB")" "$DB_MB" \
        "$FLOOR_S" "$(IFS=,; echo "${FLOORS[*]}" | sed 's/,/, /g')" "$FRPS" "$RATIO")")
    echo
done

echo "machine: $NPROC CPUs, $MODEL, $RAM_MB MB RAM; DuckDB ${DUCKDB_VERSION:-?}; median of $REPS"
printf '%-12s %8s %16s %12s %10s %8s %14s %10s\n' case "wall s" "employee-years/s" "rows/s" "peak MB" "floor s" "floor rows/s" wall/floor
for l in "${ROWS_OUT[@]}"; do echo "$l"; done

mkdir -p "$ROOT/bench/results"
OUT=$ROOT/bench/results/latest.json
{
    printf '{\n  "command": "bench/run.sh %s",\n' "$ARGS"
    printf '  "binary": "%s",\n  "commit": "%s",\n  "date": "%s",\n' "$BIN" "$COMMIT" "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
    printf '  "machine": {"nproc": %s, "cpu": "%s", "ram_mb": %s, "duckdb": "%s", "load_average_at_start": "%s"},\n' \
        "$NPROC" "$MODEL" "$RAM_MB" "${DUCKDB_VERSION:-}" "$LOAD"
    printf '  "reps": %s,\n  "cases": [\n' "$REPS"
    for i in "${!JSON_CASES[@]}"; do
        printf '%s' "${JSON_CASES[$i]}"
        [ "$i" -lt $((${#JSON_CASES[@]} - 1)) ] && printf ','
        printf '\n'
    done
    printf '  ]\n}\n'
} >"$OUT"
echo
echo "wrote $OUT"
