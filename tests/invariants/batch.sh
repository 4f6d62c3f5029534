#!/bin/bash
# tests/invariants/batch.sh: `planwise batch` over the example plan designs.
#
#   tests/invariants/batch.sh build/planwise
#
# 1. The five designs of config/examples (whole configurations) run into one database,
#    then the SQL models (marts and the 21 data-quality checks, over every design) run
#    once: exit 0, one complete scenario per file, named after it, a progress line each.
# 2. The same designs as overlays of config/simulation_config.yaml (which sets every
#    key to its default, so the effective configurations are the same): each scenario
#    is identical (md5 of every output table) to the first batch's, to `planwise run`
#    of the same base and design into a database of its own, and to the same batch
#    with --threads 1; the built-in checks pass on the overlay batch too (they read each
#    design's effective configuration, the base file and the overlay merged).
# 3. The comparison with the first design: every year and metric of the other four in
#    fct_scenario_comparison, employer costs equal to the snapshot's, the closing
#    table, and the configuration diff of two designs listing effective differences.
# Prints one line per check and "N passed, M failed"; exits 1 on any failure.
set -u
if [ "$#" -lt 1 ]; then echo "usage: tests/invariants/batch.sh PLANWISE_BINARY" >&2; exit 2; fi
PW=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=tests/invariants/checksums.sh
. "$ROOT/tests/invariants/checksums.sh"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
pass=0; fail=0
ok() { echo "ok   $1"; pass=$((pass + 1)); }
bad() { echo "FAIL $1"; fail=$((fail + 1)); }
q() { "$PW" query --db "$1" --csv "$2" 2>&1 | tail -n +2; }

cd "$T" || exit 1
"$PW" census generate --employees 1500 --seed 42 --out census.csv -q || { echo "cannot generate census"; exit 1; }
BASE=$ROOT/config/simulation_config.yaml
DESIGNS=(default_plan qaca safe_harbor_basic tenure_graded_match voluntary_no_ae)
YEARS=2025-2027

# 1. the batch, with the models
if "$PW" batch --census census.csv --designs "$ROOT/config/examples" --db whole.duckdb \
        --years $YEARS --threads 2 >whole.out 2>whole.err; then
    ok "batch of config/examples exits 0 (every design ran, the models and checks passed)"
else
    bad "batch of config/examples exits 0"; sed 's/^/    | /' whole.err whole.out
fi
got=$(q whole.duckdb "SELECT string_agg(scenario_id || ':' || status, ' ' ORDER BY scenario_id) FROM run_metadata")
want=$(printf '%s:complete ' "${DESIGNS[@]}"); want=${want% }
[ "$got" = "$want" ] && ok "one complete scenario per design file: $got" || bad "scenarios: got '$got', want '$want'"
grep -q "^models: 4 marts built, 21 of 21 checks passed" whole.out && ok "the data-quality checks ran once, over all designs" \
    || bad "models summary missing from the batch output"
got=$(q whole.duckdb "SELECT count(DISTINCT scenario_id) FROM mart_employer_cost")
[ "$got" = 5 ] && ok "the marts cover the five designs" || bad "mart_employer_cost covers $got designs"
i=0; lines=0
for d in "${DESIGNS[@]}"; do
    i=$((i + 1))
    grep -Eq "^\[$i/5\] $d: ok in [0-9.]+ s$" whole.out && lines=$((lines + 1))
done
[ $lines = 5 ] && ok "a progress line per design, in name order" || bad "progress lines: $lines of 5"

# 2. overlays of the base: identical to the whole files, to planwise run and to --threads 1
"$PW" batch --config "$BASE" --census census.csv --designs "$ROOT/config/examples" --db batch.duckdb \
    --years $YEARS --threads 2 >batch.out 2>batch.err || { bad "batch --config exits 0"; cat batch.err; }
grep -q "^models: 4 marts built, 21 of 21 checks passed" batch.out && ok "the data-quality checks pass on the overlay designs" \
    || { bad "checks of the overlay batch"; sed 's/^/    | /' batch.err; }
"$PW" batch --config "$BASE" --census census.csv --designs "$ROOT/config/examples" --db batch1.duckdb \
    --years $YEARS --threads 1 --no-models -q || bad "batch --threads 1 exits 0"
for d in "${DESIGNS[@]}"; do
    "$PW" run -q --no-models --config "$BASE" --scenario-file "$ROOT/config/examples/$d.yaml" --census census.csv \
        --years $YEARS --scenario "$d" --db "solo_$d.duckdb" --threads 2 || bad "planwise run of $d"
    b=$(table_checksums "$PW" batch.duckdb "$d")
    w=$(table_checksums "$PW" whole.duckdb "$d")
    s=$(table_checksums "$PW" "solo_$d.duckdb" "$d")
    t=$(table_checksums "$PW" batch1.duckdb "$d")
    if [ -n "$b" ] && [ "$b" = "$w" ] && [ "$b" = "$s" ] && [ "$b" = "$t" ] && ! grep -q ' 0:' <<<"$b"; then
        ok "$d: the five output tables equal the whole file's, planwise run's and --threads 1's"
    else
        bad "$d: outputs differ"; printf '%s\n--\n%s\n--\n%s\n--\n%s\n' "$b" "$w" "$s" "$t"
    fi
done

# 3. the comparison
got=$(q batch.duckdb "SELECT count(*), count(DISTINCT other_scenario), count(DISTINCT simulation_year),
    count(DISTINCT metric), min(base_scenario), max(base_scenario) FROM fct_scenario_comparison")
[ "$got" = "168,4,3,14,default_plan,default_plan" ] && ok "fct_scenario_comparison: 4 designs x 3 years x 14 metrics against default_plan" \
    || bad "comparison rows: $got"
got=$(q batch.duckdb "SELECT count(*) FILTER (WHERE abs(c.other_value - s.v) < 0.01), count(*) FROM fct_scenario_comparison c
    JOIN (SELECT scenario_id, simulation_year, round(sum(employer_match_amount + employer_core_amount), 2) v
          FROM fct_workforce_snapshot GROUP BY ALL) s ON s.scenario_id = c.other_scenario AND s.simulation_year = c.simulation_year
    WHERE c.metric = 'total_employer_cost'")
[ "$got" = "12,12" ] && ok "total_employer_cost of every design and year equals the snapshot's match + core" || bad "cost check: $got"
# The closing table's qaca row carries the same last-year cost.
cost=$(q batch.duckdb "SELECT round(other_value, 2) FROM fct_scenario_comparison WHERE other_scenario = 'qaca'
    AND simulation_year = 2027 AND metric = 'total_employer_cost'")
[ -n "$cost" ] && grep -Eq "^qaca +.* ${cost//./\\.} " batch.out && ok "the closing table shows qaca's 2027 cost ($cost)" || bad "closing table lacks qaca's cost $cost"
# qaca.yaml and default_plan.yaml both name a census and a scenario_id; the census of
# both runs is census.csv, so neither key may show; keys qaca changes must.
diff_out=$("$PW" compare --db batch.duckdb default_plan qaca | sed -n '/^configuration differences/,$p')
if grep -q "enrollment.auto_enrollment.scope: new_hires_only -> all_eligible_employees" <<<"$diff_out" \
   && grep -q "employer_match.active_formula: tiered_match -> qaca" <<<"$diff_out" \
   && ! grep -Eq "scenario_id|census_parquet_path|\(unset\)|performance\." <<<"$diff_out"; then
    ok "configuration diff default_plan -> qaca lists effective differences only ($(($(wc -l <<<"$diff_out") - 1)) keys)"
else
    bad "configuration diff default_plan -> qaca:"; echo "$diff_out"
fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
