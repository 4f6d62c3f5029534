#!/usr/bin/env bash
# bench/batch.sh BIN [--employees N] [--reps N]
#
# Why `planwise batch` runs its designs one after another: wall time of four example
# designs (default_plan, qaca, safe_harbor_basic, voluntary_no_ae as overlays of
# config/simulation_config.yaml), N employees x 5 years, simulation only (--no-models),
# measured alternately, median of --reps (default 3):
#
#   sequential   one design after another into one database, each with all T = CPU
#                count threads (what batch does, without its closing comparison)
#   2 lanes      two designs at a time: two processes side by side, each running its
#                two designs one after another with --threads T/2 (at least 1), each
#                into its own database file. Two runs cannot write one DuckDB file from
#                two processes, and designs sharing one database handle in one process
#                would also share its write-ahead log and checkpoints, so this is the
#                best case of any parallel scheme: if it is not faster, none is.
#
# Then the SQL models once over the four designs (what batch does) against once per
# design, as a shell loop of `planwise run` does (each run's models cover every
# scenario in the file so far).
set -euo pipefail
[ $# -ge 1 ] || { echo "usage: bench/batch.sh BIN [--employees N] [--reps N]" >&2; exit 2; }
BIN=$(cd "$(dirname "$1")" && pwd)/$(basename "$1"); shift
EMPLOYEES=60040
REPS=3
while [ $# -gt 0 ]; do
    case $1 in
    --employees) EMPLOYEES=$2; shift 2 ;;
    --reps) REPS=$2; shift 2 ;;
    *) echo "bench/batch.sh: unknown option '$1'" >&2; exit 2 ;;
    esac
done
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BASE=$ROOT/config/simulation_config.yaml
EX=$ROOT/config/examples
DESIGNS=(default_plan qaca safe_harbor_basic voluntary_no_ae)
CPUS=$(nproc)
HALF=$(( CPUS / 2 > 0 ? CPUS / 2 : 1 ))
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
cd "$T"
"$BIN" census generate --employees "$EMPLOYEES" --seed 42 --out census.csv -q
mkdir designs
for d in "${DESIGNS[@]}"; do cp "$EX/$d.yaml" designs/; done

now() { date +%s.%N; }
sub() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.3f", a - b}'; }
command -v /usr/bin/time >/dev/null || { echo "bench/batch.sh needs GNU time (/usr/bin/time)" >&2; exit 2; }
median() { sort -g | awk '{a[NR] = $1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }

lane() {   # lane DB THREADS DESIGN...: the designs one after another into DB
    local db=$1 threads=$2; shift 2
    rm -rf "$db"*
    for d in "$@"; do
        "$BIN" run -q --no-models --config "$BASE" --scenario-file "designs/$d.yaml" --census census.csv \
            --scenario "$d" --db "$db" --threads "$threads"
    done
}
sequential() { lane seq.duckdb "$CPUS" "${DESIGNS[@]}"; }
two_lanes() {
    lane lane1.duckdb "$HALF" "${DESIGNS[0]}" "${DESIGNS[1]}" & local a=$!
    lane lane2.duckdb "$HALF" "${DESIGNS[2]}" "${DESIGNS[3]}" & local b=$!
    wait $a && wait $b
}

# One timed approach: wall seconds to NAME.times, CPU seconds (user + system of every
# process it started) to NAME.cpu.
timed() {   # timed NAME FUNCTION
    /usr/bin/time -f "%e %U %S" -o t.out bash -c "$(declare -f lane sequential two_lanes); BIN='$BIN' BASE='$BASE' \
        CPUS=$CPUS HALF=$HALF DESIGNS=(${DESIGNS[*]}); $2"
    awk '{print $1}' t.out >>"$1.times"
    awk '{print $2 + $3}' t.out >>"$1.cpu"
}
: >seq.times; : >lanes.times; : >seq.cpu; : >lanes.cpu
for _ in $(seq "$REPS"); do
    timed seq sequential
    timed lanes two_lanes
done
echo "4 designs x $EMPLOYEES employees x 5 years, $CPUS CPUs, median of $REPS (min-max), CPU = user + system:"
printf '  sequential, --threads %d each   %6.2f s  (%s)  CPU %6.2f s\n' "$CPUS" "$(median <seq.times)" \
    "$(sort -g seq.times | paste -sd' ')" "$(median <seq.cpu)"
printf '  2 lanes, --threads %d each      %6.2f s  (%s)  CPU %6.2f s\n' "$HALF" "$(median <lanes.times)" \
    "$(sort -g lanes.times | paste -sd' ')" "$(median <lanes.cpu)"

# Models once over all four designs against once per design. (Their exit status is
# not the point here: the built-in checks misjudge runs with scenario files.)
t0=$(now); "$BIN" models run -q --db seq.duckdb --threads "$CPUS" >/dev/null 2>&1 || true; t1=$(now)
once=$(sub "$t1" "$t0")
rm -rf loop.duckdb*
loop=0
for d in "${DESIGNS[@]}"; do
    "$BIN" run -q --no-models --config "$BASE" --scenario-file "designs/$d.yaml" --census census.csv --scenario "$d" \
        --db loop.duckdb --threads "$CPUS"
    t0=$(now); "$BIN" models run -q --db loop.duckdb --threads "$CPUS" >/dev/null 2>&1 || true; t1=$(now)
    loop=$(awk -v l="$loop" -v d="$(sub "$t1" "$t0")" 'BEGIN {printf "%.3f", l + d}')
done
printf '  SQL models once over the 4 designs   %6.2f s\n' "$once"
printf '  SQL models after each design         %6.2f s\n' "$loop"
