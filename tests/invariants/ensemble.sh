#!/bin/bash
# tests/invariants/ensemble.sh: `planwise ensemble` against `planwise run`.
#
#   tests/invariants/ensemble.sh build/planwise      (or build/mpi/planwise)
#
# 1. Exactness: for seeds 3 and 11 of the base design and of a design given as an
#    overlay (config/examples/qaca.yaml on top of the defaults), every value the
#    ensemble stores (each metric in total, per level, and the plan metrics per age
#    band and income band) equals the same aggregate computed from the snapshot,
#    events and needs tables of `planwise run --seed S` with that configuration:
#    counts and money (summed in cents) exactly, avg_deferral_rate to 1e-12.
# 2. --keep 11 writes scenario <id>_<design>_seed11 whose five tables are
#    identical to `planwise run --scenario <same id> --seed 11`, with the same
#    config hash.
# 3. Determinism: the four ensemble tables are identical (md5 over every row in key
#    order) for --threads 1, 2 and 3.
# 4. Replacement: rerunning an ensemble id replaces its rows, another id stays.
# 5. Failure: a bad overlay exits 1 naming the file and leaves the database
#    unchanged; a process killed by SIGSEGV names the seed it was simulating and
#    writes nothing; bad options exit 2.
# 6. MPI (a binary built with make MPI=1): 1, 2 and 3 ranks give the tables of
#    the single-process run; ranks 1 and 2 started in an empty folder (only rank
#    0 sees the inputs) give them too; a rank killed with SIGSEGV or SIGKILL
#    gives planwise's message naming the rank and seed, and nothing is written.
# 7. `make demo-ensemble` with 2 seeds prints both designs' bands and the paired
#    difference (plain build only).
# Prints one line per check and "N passed, M failed"; exits 1 on any failure.
set -u
if [ "$#" -lt 1 ]; then echo "usage: tests/invariants/ensemble.sh PLANWISE_BINARY" >&2; exit 2; fi
PW=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
SQL=$(dirname "$PW")/tools/sql_exec
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=checksums.sh
. "$ROOT/tests/invariants/checksums.sh"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
pass=0; fail=0
ok() { echo "ok   $1"; pass=$((pass + 1)); }
bad() { echo "FAIL $1"; fail=$((fail + 1)); }
q() { "$PW" query --db "$1" --csv "$2" 2>&1; }
MPI=0
if ldd "$PW" 2>/dev/null | grep -q libmpi && command -v mpirun >/dev/null; then MPI=1; fi
mpi() { timeout 300 mpirun --oversubscribe --allow-run-as-root "$@"; }

cd "$T" || exit 1
"$PW" census generate --employees 5000 --out census.csv -q || { echo "cannot generate census"; exit 1; }
QACA="$ROOT/config/examples/qaca.yaml"
"$PW" ensemble --census census.csv --years 2025-2027 --seeds 3,11 --design base= --design "qaca=$QACA" \
    --db ens.duckdb --ensemble x --keep 11 --threads 2 -q || bad "ensemble runs"

# Every value of one (design, seed) in the run's terms: (y, metric, dimension, value).
# Plan metrics by snapshot level_id / age_band / income band of current_compensation;
# flows by level as fct_workforce_needs_by_level counts them; promotions by level promoted to.
run_values_sql="
WITH s AS (SELECT simulation_year y, level_id, age_band,
    CASE WHEN current_compensation < 50000 THEN 'low' WHEN current_compensation < 100000 THEN 'moderate'
         WHEN current_compensation < 200000 THEN 'high' ELSE 'executive' END AS income_band,
    employment_status = 'active' AS active, round(prorated_annual_compensation * 100)::BIGINT pay,
    current_eligibility_status = 'eligible' AS elig, current_deferral_rate rate,
    round(prorated_annual_contributions * 100)::BIGINT defer, round(employer_match_amount * 100)::BIGINT mat,
    round(employer_core_amount * 100)::BIGINT core, round(forfeiture_amount * 100)::BIGINT forf
  FROM fct_workforce_snapshot),
g AS (SELECT y, CASE WHEN grouping(level_id) = 0 THEN 'level=' || level_id
        WHEN grouping(age_band) = 0 THEN 'age_band=' || age_band
        WHEN grouping(income_band) = 0 THEN 'income_band=' || income_band ELSE 'all' END AS dim,
    grouping(level_id) = 0 OR grouping(age_band) + grouping(income_band) = 2 AS workforce,
    count(*) FILTER (WHERE active) headcount_end, sum(pay) pay, count(*) FILTER (WHERE elig) eligible,
    count(*) FILTER (WHERE rate > 0) participants, avg(rate) FILTER (WHERE rate > 0) avg_rate,
    sum(defer) defer, sum(mat) mat, sum(core) core, sum(forf) forf
  FROM s GROUP BY GROUPING SETS ((y), (y, level_id), (y, age_band), (y, income_band))),
n AS (SELECT simulation_year y, 'level=' || level_id dim, starting_headcount, hires, terminations_realized,
        new_hire_terminations FROM fct_workforce_needs_by_level
      UNION ALL SELECT simulation_year, 'all', sum(starting_headcount), sum(hires), sum(terminations_realized),
        sum(new_hire_terminations) FROM fct_workforce_needs_by_level GROUP BY ALL),
p AS (SELECT simulation_year y, 'level=' || level_id dim, count(*) promotions FROM fct_yearly_events
        WHERE event_type = 'promotion' GROUP BY ALL
      UNION ALL SELECT simulation_year, 'all', count(*) FROM fct_yearly_events WHERE event_type = 'promotion' GROUP BY ALL),
plan AS (SELECT y, dim, m, v FROM g, LATERAL (VALUES ('eligible', eligible::DOUBLE),
      ('participants', participants::DOUBLE),
      ('participation_rate', CASE WHEN eligible > 0 THEN participants / eligible ELSE 0 END),
      ('avg_deferral_rate', coalesce(avg_rate, 0)), ('employee_deferrals', defer / 100),
      ('employer_match', mat / 100), ('employer_core', core / 100), ('forfeitures', forf / 100),
      ('total_employer_cost', (mat + core) / 100),
      ('employer_cost_pct_payroll', CASE WHEN pay > 0 THEN (mat + core) / pay ELSE 0 END)) t(m, v)),
wf AS (SELECT g.y, g.dim, m, v FROM g LEFT JOIN n USING (y, dim) LEFT JOIN p USING (y, dim),
    LATERAL (VALUES ('headcount_end', headcount_end::DOUBLE), ('payroll', pay / 100),
      ('headcount_start', coalesce(starting_headcount, 0)::DOUBLE), ('hires', coalesce(hires, 0)::DOUBLE),
      ('experienced_terminations', coalesce(terminations_realized, 0)::DOUBLE),
      ('new_hire_terminations', coalesce(new_hire_terminations, 0)::DOUBLE),
      ('promotions', coalesce(promotions, 0)::DOUBLE)) t(m, v) WHERE g.workforce)
SELECT * FROM plan UNION ALL SELECT * FROM wf"

# compare RUN_DB DESIGN SEED: prints "values mismatches"
compare() {
    "$SQL" --csv "$1" "ATTACH '$T/ens.duckdb' AS ens (READ_ONLY);
WITH r AS ($run_values_sql),
e AS (SELECT simulation_year y, dimension dim, metric m, value v FROM ens.fct_ensemble_metrics
      WHERE ensemble_id = 'x' AND design = '$2' AND seed = $3)
SELECT count(*) || ' ' || count(*) FILTER (WHERE CASE WHEN coalesce(e.m, r.m) = 'avg_deferral_rate'
          THEN abs(coalesce(e.v, 0) - coalesce(r.v, 0)) > 1e-12 ELSE coalesce(e.v, 0) <> coalesce(r.v, 0) END)
FROM e FULL JOIN r ON e.y = r.y AND e.dim = r.dim AND e.m = r.m" 2>&1 | tail -1
}
# 3 years x (17 metrics x (total + 5 levels) + 10 plan metrics x (6 age bands + 4 income bands))
per_run=$((3 * (17 * 6 + 10 * 10)))
for design in base qaca; do
    for seed in 3 11; do
        cfg=()
        [ "$design" = qaca ] && cfg=(--config "$QACA")
        "$PW" run "${cfg[@]}" --census census.csv --years 2025-2027 --seed "$seed" --scenario "x_${design}_seed$seed" \
            --db "run_${design}_$seed.duckdb" -q --no-models --no-checkpoints || bad "run $design seed $seed"
        read -r values mismatches <<< "$(compare "run_${design}_$seed.duckdb" "$design" "$seed")"
        if [ "${values:-0}" -eq "$per_run" ] && [ "${mismatches:-1}" -eq 0 ]; then
            ok "exactness: design $design seed $seed ($values values equal to planwise run)"
        else bad "exactness: design $design seed $seed: ${values:-?} values, ${mismatches:-?} differ"; fi
    done
done
# the comparison itself can fail: another seed's values differ from this run's
read -r values mismatches <<< "$(compare run_base_3.duckdb base 11)"
[ "${mismatches:-0}" -gt 100 ] && ok "exactness check tells seeds apart ($mismatches of $values values differ)" \
    || bad "exactness check against another seed: ${mismatches:-?}"

# --keep 11: the kept scenarios are the run's tables.
for design in base qaca; do
    a=$(table_checksums "$PW" ens.duckdb "x_${design}_seed11")
    b=$(table_checksums "$PW" "run_${design}_11.duckdb" "x_${design}_seed11")
    rows=$(echo "$a" | awk '{split($2, p, ":"); s += p[1]} END {print s + 0}')
    if [ "$a" = "$b" ] && [ "$rows" -gt 10000 ]; then ok "--keep: scenario x_${design}_seed11 equals planwise run --seed 11 ($rows rows)"
    else bad "--keep $design: $a / $b"; fi
done
meta="SELECT concat_ws('|', config_sha1, md5(config_text), status, random_seed, start_year, end_year, census_path,
    census_rows_read, census_rows_rejected, starting_roster, event_rows, snapshot_rows, last_completed_year)
    FROM run_metadata WHERE scenario_id = 'x_qaca_seed11'"
h1=$(q ens.duckdb "$meta" | tail -1)
h2=$(q run_qaca_11.duckdb "$meta" | tail -1)
[ "$h1" = "$h2" ] && echo "$h1" | grep -Eq "^[0-9a-f]{40}\|[0-9a-f]{32}\|complete\|11\|2025\|2027\|" \
    && ok "--keep: run_metadata as planwise run writes it (config hash, counts, status)" || bad "--keep metadata: $h1 / $h2"
n=$(q ens.duckdb "SELECT count(DISTINCT scenario_id) FROM run_metadata" | tail -1)
[ "$n" -eq 2 ] && ok "--keep: only the kept seed becomes a scenario" || bad "--keep scenarios: $n"

# tables_sum DB ID: md5 of the three ensemble tables; checksum adds seeds and designs.
tables_sum() {
    q "$1" "SELECT (SELECT md5(string_agg(m::VARCHAR, '|' ORDER BY design, seed, simulation_year, metric, dimension))
                  FROM fct_ensemble_metrics m WHERE ensemble_id = '$2') ||
                 (SELECT md5(string_agg(b::VARCHAR, '|' ORDER BY design, simulation_year, metric, dimension))
                  FROM fct_ensemble_bands b WHERE ensemble_id = '$2') ||
                 (SELECT md5(string_agg(d::VARCHAR, '|' ORDER BY design, simulation_year, metric, dimension))
                  FROM fct_ensemble_design_diff d WHERE ensemble_id = '$2')" | tail -1
}
checksum() {
    echo "$(tables_sum "$1" "$2") $(q "$1" "SELECT seeds || designs FROM ensemble_metadata WHERE ensemble_id = '$2'" | tail -1)"
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
[ "$n" -eq $((2 * per_run)) ] && ok "bands: 2 designs x 3 years x 202 values over 6 seeds" || bad "band rows: $n"
n=$(q t1.duckdb "SELECT count(*) FROM fct_ensemble_design_diff_seeds WHERE design = 'qaca'" | tail -1)
[ "$n" -eq $((6 * per_run)) ] && ok "paired differences per seed" || bad "paired difference rows: $n"
# The paired difference of seed 2 is the difference of the two designs' values.
n=$(q t1.duckdb "SELECT count(*) FROM fct_ensemble_design_diff_seeds s JOIN fct_ensemble_metrics a
      ON a.design = 'qaca' AND a.seed = s.seed AND a.simulation_year = s.simulation_year AND a.metric = s.metric
      AND a.dimension = s.dimension JOIN fct_ensemble_metrics b ON b.design = 'base' AND b.seed = s.seed
      AND b.simulation_year = s.simulation_year AND b.metric = s.metric AND b.dimension = s.dimension
      WHERE s.seed = 2 AND s.difference = a.value - b.value AND a.value <> b.value" | tail -1)
[ "$n" -gt 100 ] && ok "paired differences are per-seed value differences ($n nonzero)" || bad "paired differences: $n"

if [ "$MPI" = 1 ]; then
    for np in 1 2 3; do
        mpi -np "$np" "$PW" ensemble --census census.csv --years 2025-2027 --seeds 1-6 --design base= \
            --design "qaca=$QACA" --db "mpi$np.duckdb" --ensemble d --threads 1 -q || bad "mpirun -np $np"
        [ "$(checksum "mpi$np.duckdb" d)" = "${sums[0]}" ] && ok "MPI: -np $np tables identical to the single-process run" \
            || bad "MPI: -np $np differs"
    done
    # Only rank 0 sees the inputs: ranks 1 and 2 start in an empty folder, where the
    # relative paths lead nowhere; they get everything from rank 0.
    mkdir -p inputs empty
    cp census.csv "$QACA" inputs/
    printf 'simulation:\n  start_year: 2025\n  end_year: 2027\n' > inputs/base.yaml
    mpi -np 1 -wdir "$T/inputs" "$PW" ensemble --config base.yaml --census census.csv --seeds 1-6 --design base= \
        --design qaca=qaca.yaml --db bcast.duckdb --ensemble d --threads 1 -q : \
        -np 2 -wdir "$T/empty" "$PW" ensemble --config base.yaml --census census.csv --seeds 1-6 --design base= \
        --design qaca=qaca.yaml --db bcast.duckdb --ensemble d --threads 1 -q || bad "mpirun with inputs on rank 0 only"
    if [ "$(tables_sum inputs/bcast.duckdb d)" = "$(tables_sum t1.duckdb d)" ] && [ -z "$(ls empty)" ]; then ok "MPI: inputs broadcast from rank 0 (ranks 1-2 see no files), same tables"
    else bad "MPI broadcast: $(ls empty)"; fi
    # A rank that dies: planwise names the rank and seed; nothing is written.
    for sig in SEGV KILL; do
        rm -f dead.duckdb
        mpi -np 2 "$PW" ensemble --census census.csv --years 2025 --seeds 1-20000 --db "$T/dead.duckdb" --threads 1 \
            -v > "dead_$sig.txt" 2>&1 &
        runner=$!
        # once rank 1 is simulating (-v says so; a loaded machine may take a while to get there)
        victim=""
        for _ in $(seq 1 1200); do
            grep -q "^rank 1: simulating" "dead_$sig.txt" && break
            sleep 0.1
        done
        for p in $(pgrep -f -- "--db $T/dead.duckdb"); do
            tr '\0' '\n' < "/proc/$p/environ" 2>/dev/null | grep -qx "OMPI_COMM_WORLD_RANK=1" && victim=$p
        done
        sleep 1
        [ -n "$victim" ] && kill "-$sig" "$victim"
        wait "$runner" 2>/dev/null; rc=$?
        if [ "$rc" -ne 0 ] && grep -Eq "(rank 1 was simulating seed [0-9]+ of design 'base'|seed [0-9]+ of design 'base' failed on rank 1).*nothing was written" "dead_$sig.txt" \
            && [ ! -e dead.duckdb ]; then
            ok "MPI: rank 1 killed by SIG$sig: rank 0 names rank 1 and its seed, nothing written"
        else bad "MPI: rank 1 killed by SIG$sig (victim '${victim}', rc $rc): $(head -c 600 "dead_$sig.txt")"; fi
    done
    # The signal comes from outside: it lands inside a task (then the seed is named)
    # or between two tasks, while rank 1 waits for rank 0 (then there is none).
    grep -Eq "rank 1 died of SIGSEGV \(invalid memory access\)( while simulating seed [0-9]+ of design 'base')?; the ensemble stops" dead_SEGV.txt \
        && ok "MPI: the crashing rank names itself (and its seed when it was simulating one)" || bad "MPI: crash message of rank 1"
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
# A crash while seeds run (SIGSEGV from outside stands in for a fault) names the seeds.
"$PW" ensemble --census census.csv --years 2025 --seeds 1-20000 --db t1.duckdb --ensemble d --threads 2 -v \
    > crash.txt 2>&1 &
runner=$!
for _ in $(seq 1 1200); do
    grep -q "^rank 0: simulating" crash.txt && break
    sleep 0.1
done
sleep 1
kill -SEGV "$runner"
wait "$runner" 2>/dev/null; rc=$?
if [ "$rc" -ne 0 ] && grep -q "^planwise: died of SIGSEGV (invalid memory access) while simulating seed [0-9]* of design 'base'.*nothing was written" crash.txt \
    && [ "$(checksum t1.duckdb d)" = "$before" ]; then ok "crash: names the seeds in progress, database unchanged"
else bad "crash message (rc $rc): $(head -c 400 crash.txt)"; fi
"$PW" ensemble --census census.csv --seeds 5-1 >/dev/null 2>&1; rc=$?
[ "$rc" -eq 2 ] && ok "bad --seeds: exit 2" || bad "bad --seeds: rc $rc"
out=$("$PW" ensemble --census census.csv --seeds 1-5 --keep 9 2>&1); rc=$?
[ "$rc" -eq 2 ] && echo "$out" | grep -q "not one of --seeds" && ok "--keep outside --seeds: exit 2" || bad "--keep 9: rc $rc $out"
out=$("$PW" ensemble --census census.csv --seeds 1-5 --keep 2 --ensemble "$(printf 'e%.0s' $(seq 1 60))" 2>&1); rc=$?
[ "$rc" -eq 2 ] && echo "$out" | grep -q "not a valid scenario id" && ok "--keep with a too long scenario id: exit 2" \
    || bad "--keep long id: rc $rc $out"
"$PW" ensemble --help | grep -q -- "--keep SEED" && ok "--help" || bad "--help"

# make demo-ensemble, cheaply (2 seeds); the plain build's target.
if [ "$MPI" = 0 ]; then
    out=$(make -C "$ROOT" --no-print-directory demo-ensemble ENSEMBLE_SEEDS=1-2 ENSEMBLE_DB="$T/demo.duckdb" 2>&1); rc=$?
    if [ "$rc" -eq 0 ] && echo "$out" | grep -Eq "^base +[0-9.e+]+ +[0-9.e+]+ +[0-9.e+]+" \
        && echo "$out" | grep -Eq "^ae6 +[0-9.e+]+ " && echo "$out" | grep -q "^ae6 - base " \
        && [ "$(q demo.duckdb "SELECT max(n) FROM fct_ensemble_bands" | tail -1)" -eq 2 ]; then
        ok "make demo-ensemble ENSEMBLE_SEEDS=1-2: bands of both designs and the paired difference"
    else bad "make demo-ensemble (rc $rc): $out"; fi
fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
