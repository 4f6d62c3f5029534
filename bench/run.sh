#!/usr/bin/env bash
# bench/run.sh BIN [--quick] [--reps N] [--formats "duckdb parquet"]
#
# End-to-end benchmark of the default `planwise run` (census load to closed
# database, the SQL marts and the engine's invariant checks included) for each
# output format, next to the floor it is compared against: DuckDB storing the same
# narrow rows itself (bench/append_floor.c, built here with cc against the library
# next to BIN, fed with the rows the run wrote).
#
# For each case and format: generate the census (not timed); run `planwise run`
# N times (default 3) with --perf-json and take the median wall time, the peak RSS
# and the median of its write stages (write + finish + close: appending, committing
# and closing the database); then run append_floor N times on the same rows and
# take the median; print write/floor. Writes bench/results/latest.json.
#
#   bench/run.sh build/planwise            both cases (60,040 x 5 years, 1,000,000 x 10 years)
#   bench/run.sh build/planwise --quick    only the first case
#   bench/run.sh build/planwise --reps 5 --formats parquet
#
# Peak RSS needs GNU time (/usr/bin/time, Debian package `time`); the stage times
# need jq. Both come with scripts/setup-deps.sh.
set -euo pipefail

usage() { echo "usage: bench/run.sh BIN [--quick] [--reps N] [--formats \"duckdb parquet\"]" >&2; exit 2; }

[ $# -ge 1 ] || usage
ARGS="$*"
BIN=$1; shift
QUICK=0
REPS=3
FORMATS="duckdb parquet"
while [ $# -gt 0 ]; do
    case $1 in
        --quick) QUICK=1 ;;
        --reps) [ $# -ge 2 ] || usage; REPS=$2; shift ;;
        --formats) [ $# -ge 2 ] || usage; FORMATS=$2; shift ;;
        -h|--help) sed -n '2,22p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) usage ;;
    esac
    shift
done
case $REPS in ''|*[!0-9]*) usage ;; esac
[ "$REPS" -ge 1 ] || usage
for f in $FORMATS; do case $f in duckdb|parquet) ;; *) usage ;; esac; done

ROOT=$(cd "$(dirname "$0")/.." && pwd)
case $BIN in /*) ;; *) BIN=$PWD/$BIN ;; esac
[ -x "$BIN" ] || { echo "bench/run.sh: '$BIN' is not an executable (build it first: make)" >&2; exit 1; }
command -v jq >/dev/null || { echo "bench/run.sh: jq is needed (scripts/setup-deps.sh installs it)" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "bench/run.sh: GNU time is needed at /usr/bin/time (Debian package 'time')" >&2; exit 1; }
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
        -Ldeps/duckdb/lib -Wl,-rpath,"$ROOT/deps/duckdb/lib" -lduckdb -lyaml -llz4 -lxlsxwriter -lm -pthread)
fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/planwise-bench.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

median() { sort -g | awk '{v[NR] = $1} END {if (NR == 0) print "nan"; else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
max() { sort -g | tail -1; }
query_int() { "$BIN" query --db "$1" --csv "$2" | tail -1; }
cleanup_db() { rm -rf "$1" "$1.wal" "$1.tmp" "$1.checkpoints" "$1.data"; }

NPROC=$(nproc)
MODEL=$(awk -F': *' '/^model name/ {print $2; exit}' /proc/cpuinfo)
[ -n "$MODEL" ] || MODEL=$(uname -m)
RAM_MB=$(awk '/^MemTotal/ {printf "%d", $2 / 1024}' /proc/meminfo)
DUCKDB_VERSION=
COMMIT=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
if ! git -C "$ROOT" diff --quiet HEAD -- src 2>/dev/null; then COMMIT="$COMMIT+dirty"; fi

CASES=("60040 2025 2029" "1000000 2025 2034")
[ "$QUICK" = 1 ] && CASES=("${CASES[0]}")

echo "planwise benchmark: $BIN (commit $COMMIT), $REPS repetition(s) per case and format"
LOAD=$(cut -d' ' -f1-3 /proc/loadavg)
echo "machine: $NPROC CPUs, $MODEL, $RAM_MB MB RAM, load average $LOAD"
echo "(other processes on the machine disturb the timings: compare figures of one run)"
echo

JSON_CASES=()
ROWS_OUT=()
for c in "${CASES[@]}"; do
    read -r EMP Y0 Y1 <<<"$c"
    YEARS=$((Y1 - Y0 + 1))
    NAME="${EMP}x${YEARS}"
    CENSUS=$WORK/census_$EMP.csv
    echo "case $NAME: generating the census ($EMP employees, not timed)..."
    "$BIN" census generate --employees "$EMP" --seed 42 --start-year "$Y0" --out "$CENSUS" -q
    for FMT in $FORMATS; do
        DB=$WORK/out_${EMP}_$FMT.duckdb
        WALLS=() RSSES=() WRITES=()
        for r in $(seq 1 "$REPS"); do
            cleanup_db "$DB"
            /usr/bin/time -f '%e %M' -o "$WORK/time" "$BIN" run --census "$CENSUS" --db "$DB" --years "$Y0-$Y1" \
                --output-format "$FMT" --perf-json "$WORK/perf.json" -q
            read -r W M <"$WORK/time"
            WR=$(jq '[.stages[] | select(.name == "write" or .name == "finish" or .name == "close") | .wall_seconds] | add' "$WORK/perf.json")
            WALLS+=("$W") RSSES+=("$M") WRITES+=("$WR")
            printf '  %s run %d: %s s, write stages %.3f s, peak RSS %d MB\n' "$FMT" "$r" "$W" "$WR" "$((M / 1024))"
        done
        WALL=$(printf '%s\n' "${WALLS[@]}" | median)
        WRITE=$(printf '%s\n' "${WRITES[@]}" | median | awk '{printf "%.3f", $1}')
        RSS_MB=$(( $(printf '%s\n' "${RSSES[@]}" | max) / 1024 ))
        [ -n "$DUCKDB_VERSION" ] || DUCKDB_VERSION=$(query_int "$DB" "SELECT version()")
        EMP_YEARS=$(query_int "$DB" "SELECT sum(starting_headcount) FROM fct_workforce_needs")
        EVENTS=$(query_int "$DB" "SELECT count(*) FROM fct_yearly_events")
        SNAPS=$(query_int "$DB" "SELECT count(*) FROM fct_workforce_snapshot")
        ROWS=$((EVENTS + SNAPS))
        FLOORS=()
        for r in $(seq 1 "$REPS"); do
            F=$("$FLOOR" --source "$DB" --out "$WORK/floor.duckdb" --format "$FMT" | sed -n 's/^floor_seconds=\([0-9.]*\).*/\1/p')
            cleanup_db "$WORK/floor.duckdb"
            FLOORS+=("$F")
            printf '  %s append floor %d: %s s\n' "$FMT" "$r" "$F"
        done
        cleanup_db "$DB"
        FLOOR_S=$(printf '%s\n' "${FLOORS[@]}" | median | awk '{printf "%.3f", $1}')
        EYPS=$(awk -v n="$EMP_YEARS" -v w="$WALL" 'BEGIN {printf "%.0f", n / w}')
        RPS=$(awk -v n="$ROWS" -v w="$WALL" 'BEGIN {printf "%.0f", n / w}')
        RATIO=$(awk -v a="$WRITE" -v b="$FLOOR_S" 'BEGIN {printf "%.2f", a / b}')
        ROWS_OUT+=("$(printf '%-12s %-8s %8s %16s %12s %8s %8s %8s %12s' "$NAME" "$FMT" "$WALL" "$EYPS" "$RPS" "$RSS_MB" "$WRITE" "$FLOOR_S" "$RATIO")")
        JSON_CASES+=("$(printf '    {"case": "%s", "format": "%s", "employees": %s, "years": %s, "wall_seconds_median": %s,\n     "wall_seconds": [%s], "employee_years": %s, "employee_years_per_second": %s,\n     "event_rows": %s, "snapshot_rows": %s, "output_rows_per_second": %s, "peak_rss_mb": %s,\n     "write_seconds_median": %s, "append_floor_seconds_median": %s, "ratio_write_to_floor": %s}' \
            "$NAME" "$FMT" "$EMP" "$YEARS" "$WALL" "$(IFS=,; echo "${WALLS[*]}" | sed 's/,/, /g')" \
            "$EMP_YEARS" "$EYPS" "$EVENTS" "$SNAPS" "$RPS" "$RSS_MB" "$WRITE" "$FLOOR_S" "$RATIO")")
    done
    echo
done

echo "machine: $NPROC CPUs, $MODEL, $RAM_MB MB RAM; DuckDB ${DUCKDB_VERSION:-?}; median of $REPS"
printf '%-12s %-8s %8s %16s %12s %8s %8s %8s %12s\n' case format "wall s" "employee-years/s" "rows/s" "peak MB" "write s" "floor s" write/floor
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
