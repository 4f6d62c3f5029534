#!/bin/bash
# tests/invariants/ensemble.sh: `planwise ensemble` against `planwise run`.
#
#   tests/invariants/ensemble.sh build/planwise
#
# 1. Exactness: for seeds 3 and 11 of the base design and of a design given as an
#    overlay (config/examples/qaca.yaml on top of the defaults), every yearly metric
#    the ensemble stores equals the same aggregate computed from the snapshot and
#    events of `planwise run --seed S` with that configuration (money summed in
#    cents, as the ensemble does).
# 2. Determinism: the four ensemble tables are identical (md5 over every row in key
#    order) for --threads 1, 2 and 3.
# 3. Replacement: rerunning an ensemble id replaces its rows, another id stays.
# 4. Failure: a bad overlay exits 1 naming the file and leaves the database
#    unchanged; bad options exit 2.
# Prints one line per check and "N passed, M failed"; exits 1 on any failure.
set -u
if [ "$#" -lt 1 ]; then echo "usage: tests/invariants/ensemble.sh PLANWISE_BINARY" >&2; exit 2; fi
PW=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
pass=0; fail=0
ok() { echo "ok   $1"; pass=$((pass + 1)); }
bad() { echo "FAIL $1"; fail=$((fail + 1)); }
q() { "$PW" query --db "$1" --csv "$2" 2>&1; }

cd "$T" || exit 1
"$PW" census generate --employees 5000 --out census.csv -q || { echo "cannot generate census"; exit 1; }
QACA="$ROOT/config/examples/qaca.yaml"
"$PW" ensemble --census census.csv --years 2025-2027 --seeds 3,11 --design base= --design "qaca=$QACA" \
    --db ens.duckdb --ensemble x --threads 2 -q || bad "ensemble runs"

# The run's aggregates in the ensemble's metric names, one row per (year, metric).
run_metrics_sql="
WITH s AS (SELECT simulation_year y,
    count(*) FILTER (WHERE employment_status = 'active') headcount_end,
    sum(round(prorated_annual_compensation * 100)) / 100 payroll,
    count(*) FILTER (WHERE current_deferral_rate > 0) participants,
    sum(round(prorated_annual_contributions * 100)) / 100 employee_deferrals,
    sum(round(employer_match_amount * 100)) / 100 employer_match,
    sum(round(employer_core_amount * 100)) / 100 employer_core,
    sum(round(forfeiture_amount * 100)) / 100 forfeitures
  FROM fct_workforce_snapshot GROUP BY 1),
e AS (SELECT simulation_year y, count(*) FILTER (WHERE event_type = 'hire') hires,
    count(*) FILTER (WHERE event_type = 'termination') terminations,
    count(*) FILTER (WHERE event_type = 'promotion') promotions
  FROM fct_yearly_events GROUP BY 1)
SELECT s.y AS y, m AS metric, round(v, 2) AS value FROM s JOIN e USING (y),
  LATERAL (VALUES ('headcount_end', headcount_end::DOUBLE), ('payroll', payroll), ('participants', participants::DOUBLE),
    ('employee_deferrals', employee_deferrals), ('employer_match', employer_match), ('employer_core', employer_core),
    ('forfeitures', forfeitures), ('hires', hires::DOUBLE), ('terminations', terminations::DOUBLE),
    ('promotions', promotions::DOUBLE)) t(m, v)
ORDER BY 1, 2"

for design in base qaca; do
    for seed in 3 11; do
        cfg=()
        [ "$design" = qaca ] && cfg=(--config "$QACA")
        "$PW" run "${cfg[@]}" --census census.csv --years 2025-2027 --seed "$seed" --db "run_${design}_$seed.duckdb" \
            -q --no-models --no-checkpoints || bad "run $design seed $seed"
        q "run_${design}_$seed.duckdb" "$run_metrics_sql" > run.txt
        q ens.duckdb "WITH m AS (SELECT simulation_year y, metric, value FROM fct_ensemble_metrics
              WHERE ensemble_id = 'x' AND design = '$design' AND seed = $seed AND dimension = 'all'),
            w AS (SELECT y, metric, value FROM m WHERE metric IN ('headcount_end', 'payroll', 'participants',
                    'employee_deferrals', 'employer_match', 'employer_core', 'forfeitures', 'hires', 'promotions')
                  UNION ALL SELECT y, 'terminations', sum(value) FROM m
                    WHERE metric IN ('experienced_terminations', 'new_hire_terminations') GROUP BY y)
            SELECT y, metric, round(value, 2) AS value FROM w ORDER BY 1, 2" > ens.txt
        rows=$(wc -l < run.txt)
        if [ "$rows" -ge 30 ] && cmp -s run.txt ens.txt; then ok "exactness: design $design seed $seed ($((rows - 1)) values equal to planwise run)"
        else bad "exactness: design $design seed $seed"; diff run.txt ens.txt | head -10; fi
    done
done

checksum() {
    q "$1" "SELECT (SELECT md5(string_agg(m::VARCHAR, '|' ORDER BY design, seed, simulation_year, metric, dimension))
                  FROM fct_ensemble_metrics m WHERE ensemble_id = '$2') ||
                 (SELECT md5(string_agg(b::VARCHAR, '|' ORDER BY design, simulation_year, metric, dimension))
                  FROM fct_ensemble_bands b WHERE ensemble_id = '$2') ||
                 (SELECT md5(string_agg(d::VARCHAR, '|' ORDER BY design, simulation_year, metric, dimension))
                  FROM fct_ensemble_design_diff d WHERE ensemble_id = '$2') ||
                 (SELECT seeds || designs FROM ensemble_metadata WHERE ensemble_id = '$2')"
}
sums=()
for th in 1 2 3; do
    "$PW" ensemble --census census.csv --years 2025-2027 --seeds 1-6 --design base= --design "qaca=$QACA" \
        --db "t$th.duckdb" --ensemble d --threads "$th" -q || bad "ensemble --threads $th"
    sums+=("$(checksum "t$th.duckdb" d)")
done
if [ "${sums[0]}" = "${sums[1]}" ] && [ "${sums[0]}" = "${sums[2]}" ] && [ "$(echo "${sums[0]}" | wc -c)" -gt 90 ] && ! echo "${sums[0]}" | grep -q planwise; then
    ok "determinism: tables identical for --threads 1, 2, 3"
else bad "determinism across --threads: ${sums[*]}"; fi
n=$(q t1.duckdb "SELECT count(*) FROM fct_ensemble_bands WHERE n = 6" | tail -1)
[ "$n" -eq $((2 * 3 * 17)) ] && ok "bands: 2 designs x 3 years x 17 metrics over 6 seeds" || bad "band rows: $n"
n=$(q t1.duckdb "SELECT count(*) FROM fct_ensemble_design_diff_seeds WHERE design = 'qaca'" | tail -1)
[ "$n" -eq $((6 * 3 * 17)) ] && ok "paired differences per seed" || bad "paired difference rows: $n"

# MPI (a binary built with make MPI=1): 1, 2 and 3 ranks give the tables of the
# threaded single-process run; rank 0 alone writes.
if ldd "$PW" 2>/dev/null | grep -q libmpi && command -v mpirun >/dev/null; then
    for np in 1 2 3; do
        timeout 300 mpirun --oversubscribe --allow-run-as-root -np "$np" "$PW" ensemble --census census.csv \
            --years 2025-2027 --seeds 1-6 --design base= --design "qaca=$QACA" --db "mpi$np.duckdb" --ensemble d \
            --threads 1 -q || bad "mpirun -np $np"
        [ "$(checksum "mpi$np.duckdb" d)" = "${sums[0]}" ] && ok "MPI: -np $np tables identical to the single-process run" \
            || bad "MPI: -np $np differs"
    done
else
    echo "skip MPI checks (binary not built with make MPI=1)"
fi

# Replacement: another id in the same file, then the first id rerun with fewer seeds.
"$PW" ensemble --census census.csv --years 2025-2027 --seeds 1-2 --db t1.duckdb --ensemble other -q
"$PW" ensemble --census census.csv --years 2025-2027 --seeds 1-6 --design base= --design "qaca=$QACA" \
    --db t1.duckdb --ensemble d --threads 2 -q
[ "$(checksum t1.duckdb d)" = "${sums[0]}" ] && ok "rerun replaces the ensemble's rows exactly" || bad "rerun replacement"
n=$(q t1.duckdb "SELECT count(DISTINCT seed) FROM fct_ensemble_metrics WHERE ensemble_id = 'other'" | tail -1)
[ "$n" -eq 2 ] && ok "other ensemble id untouched" || bad "other ensemble id: $n seeds"

# Failure: nothing written, file and key named.
before=$(checksum t1.duckdb d)
printf 'employer_match:\n  active_formula: [1, 2\n' > broken.yaml
out=$("$PW" ensemble --census census.csv --years 2025-2027 --seeds 1-3 --design bad=broken.yaml --db t1.duckdb \
    --ensemble d -q 2>&1); rc=$?
if [ "$rc" -eq 1 ] && echo "$out" | grep -q "broken.yaml" && [ "$(checksum t1.duckdb d)" = "$before" ]; then
    ok "bad overlay: exit 1, names the file, database unchanged"
else bad "bad overlay: rc $rc: $out"; fi
"$PW" ensemble --census census.csv --seeds 5-1 >/dev/null 2>&1; rc=$?
[ "$rc" -eq 2 ] && ok "bad --seeds: exit 2" || bad "bad --seeds: rc $rc"
"$PW" ensemble --help | grep -q -- "--design NAME=FILE" && ok "--help" || bad "--help"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
