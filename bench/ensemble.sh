#!/usr/bin/env bash
# bench/ensemble.sh BIN [--mpi MPI_BIN] [--seeds N] [--design-seeds N] [--mpi-seeds N] [--employees N]
#
# Benchmark of `planwise ensemble` against the simulation kernels of the same
# build on the same machine, in one run:
#
#   kernels   `planwise run --threads 2` on the census, three times; the rate is
#             snapshot rows / wall seconds of the year loop's simulation steps
#             (start_year .. plan_money and year_close of --perf-json; not the
#             events, the writes or the census load). Measured before and after
#             the ensemble cases; the table uses the median of all six.
#   case 1    N seeds (default 100) x 1 design, --threads 2
#   case 2    3 designs (base, auto-enrollment default 6%, 3%) x N seeds (default 50)
#   case 3    with --mpi: N seeds (default 20) under mpirun -np 1 and -np 2, --threads 1
#
# For each case: wall time, CPU time and peak RSS of the whole command (GNU time), the
# simulation's wall seconds (ensemble_metadata.simulate_seconds), seed-years/s,
# employee-years/s (snapshot rows: headcount_start + hires of every year, seed
# and design) and that rate as a share of the kernel rate. The census is
# generated first (60,040 employees, seed 42; not timed). The machine's load
# average is printed at the start and the end: on a shared machine, compare
# figures of one run only.
#
#   bench/ensemble.sh build/planwise
#   bench/ensemble.sh build/planwise --mpi build/mpi/planwise
#   bench/ensemble.sh build/planwise --seeds 20 --design-seeds 10     (quicker)
set -euo pipefail

usage() { echo "usage: bench/ensemble.sh BIN [--mpi MPI_BIN] [--seeds N] [--design-seeds N] [--mpi-seeds N] [--employees N]" >&2; exit 2; }
[ $# -ge 1 ] || usage
BIN=$(cd "$(dirname "$1")" && pwd)/$(basename "$1"); shift
MPI_BIN=""
SEEDS=100
DESIGN_SEEDS=50
MPI_SEEDS=20
EMPLOYEES=60040
while [ $# -gt 0 ]; do
    [ $# -ge 2 ] || usage
    case $1 in
        --mpi) MPI_BIN=$(cd "$(dirname "$2")" && pwd)/$(basename "$2") ;;
        --seeds) SEEDS=$2 ;;
        --design-seeds) DESIGN_SEEDS=$2 ;;
        --mpi-seeds) MPI_SEEDS=$2 ;;
        --employees) EMPLOYEES=$2 ;;
        *) usage ;;
    esac
    shift 2
done
for n in "$SEEDS" "$DESIGN_SEEDS" "$MPI_SEEDS" "$EMPLOYEES"; do case $n in ''|*[!0-9]*|0) usage ;; esac; done
command -v jq >/dev/null || { echo "bench/ensemble.sh needs jq" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "bench/ensemble.sh needs GNU time (/usr/bin/time)" >&2; exit 1; }

T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
cd "$T"
load() { cut -d' ' -f1-3 /proc/loadavg; }
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'); load average at start: $(load)"
"$BIN" census generate --employees "$EMPLOYEES" --seed 42 --start-year 2025 --out census.csv -q
printf 'enrollment:\n  auto_enrollment:\n    default_deferral_rate: 0.06\n' > ae6.yaml
printf 'enrollment:\n  auto_enrollment:\n    default_deferral_rate: 0.03\n' > ae3.yaml

KERNEL_RATES=()
kernels() {
    for _ in 1 2 3; do
        rm -f k.duckdb
        "$BIN" run --census census.csv --db k.duckdb --no-models --no-checkpoints --threads 2 -q --perf-json k.json
        KERNEL_RATES+=("$(jq -r '.run.snapshot_rows as $rows | [.stages[] | select(.name as $n | ["start_year",
            "terminations", "hires", "new_hire_terminations", "compensation", "plan_eligibility", "plan_enrollment",
            "plan_deferral", "plan_money", "year_close"] | index($n)) | .wall_seconds] | add | $rows / .' k.json)")
    done
}
median() { printf '%s\n' "$@" | sort -g | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }

ROWS=()
# run_case LABEL SEED_COUNT COMMAND...: times the command, then reads its database e.duckdb
run_case() {
    local label=$1 seeds=$2; shift 2
    rm -f e.duckdb e.duckdb.wal
    /usr/bin/time -f "%e %M %U %S" -o time.txt "$@"
    read -r wall rss_kb user sys < time.txt
    local facts
    facts=$("$BIN" query --db e.duckdb --csv "SELECT simulate_seconds,
            (SELECT count(DISTINCT design) FROM fct_ensemble_metrics) * seed_count * (last_year - first_year + 1),
            (SELECT sum(value) FROM fct_ensemble_metrics WHERE dimension = 'all' AND metric IN ('headcount_start', 'hires'))
            FROM ensemble_metadata" | tail -1)
    IFS=, read -r sim seed_years employee_years <<< "$facts"
    ROWS+=("$label|$seeds|$wall|$sim|$seed_years|$employee_years|$rss_kb|$(awk -v u="$user" -v s="$sys" 'BEGIN {print u + s}')")
}

kernels
run_case "1 design x $SEEDS seeds" "$SEEDS" "$BIN" ensemble --census census.csv --seeds "1-$SEEDS" --threads 2 -q --db e.duckdb
run_case "3 designs x $DESIGN_SEEDS seeds" "$DESIGN_SEEDS" "$BIN" ensemble --census census.csv --seeds "1-$DESIGN_SEEDS" \
    --design base= --design ae6=ae6.yaml --design ae3=ae3.yaml --threads 2 -q --db e.duckdb
if [ -n "$MPI_BIN" ]; then
    for np in 1 2; do
        run_case "MPI, $np rank$([ "$np" = 1 ] || echo s), $MPI_SEEDS seeds" "$MPI_SEEDS" mpirun --oversubscribe \
            --allow-run-as-root -np "$np" "$MPI_BIN" ensemble --census census.csv --seeds "1-$MPI_SEEDS" --threads 1 -q \
            --db e.duckdb
    done
fi
kernels
K=$(median "${KERNEL_RATES[@]}")

echo "load average at end: $(load)"
printf 'kernel rate (planwise run --threads 2, simulation steps only): median %.0f employee-years/s (runs: %s)\n' "$K" \
    "$(printf '%.0f ' "${KERNEL_RATES[@]}")"
printf '%-28s %8s %8s %8s %12s %16s %10s %10s\n' case wall_s sim_s cpu_s seed-years/s employee-years/s of_kernel peak_RSS
for r in "${ROWS[@]}"; do
    IFS='|' read -r label seeds wall sim seed_years employee_years rss_kb cpu <<< "$r"
    awk -v l="$label" -v w="$wall" -v s="$sim" -v c="$cpu" -v sy="$seed_years" -v ey="$employee_years" -v k="$K" \
        -v m="$rss_kb" 'BEGIN {printf "%-28s %8.2f %8.2f %8.2f %12.1f %16.0f %9.2fx %7.0f MB\n", l, w, s, c, sy / w,
        ey / s, (ey / s) / k, m / 1024}'
done
echo "(seed-years/s over the whole command's wall time; employee-years/s over the simulation's wall time;"
echo " cpu_s: user + system CPU seconds of the command, all threads and processes)"
