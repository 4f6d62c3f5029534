#!/bin/sh
# Ensemble demo on the sample census (made by scripts/demo.sh if missing): 20
# seeds of the default configuration and of a 6% auto-enrollment default, then
# the 2029 employer-cost band of each design and the paired difference.
# usage: scripts/demo_ensemble.sh PATH_TO_PLANWISE
# ENSEMBLE_SEEDS (default 1-20) and ENSEMBLE_DB (default ensemble.duckdb in the
# repository folder) change the seeds and the output database.
set -eu
bin=$1
seeds=${ENSEMBLE_SEEDS:-1-20}
db=${ENSEMBLE_DB:-ensemble.duckdb}
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
mkdir -p sample
if [ ! -f sample/census.csv ]; then
    "$bin" census generate --employees 60040 --seed 42 --start-year 2025 --out sample/census.csv
fi
"$bin" ensemble --config config/simulation_config.yaml --census sample/census.csv --seeds "$seeds" \
    --design base= --design ae6=config/examples/designs/ae_default_6pct.yaml --db "$db" --ensemble demo
"$bin" query --db "$db" "SELECT design, round(p05) AS p05, round(p50) AS p50, round(p95) AS p95
    FROM fct_ensemble_bands WHERE ensemble_id = 'demo' AND metric = 'total_employer_cost' AND dimension = 'all'
    AND simulation_year = 2029 ORDER BY design"
"$bin" query --db "$db" "SELECT design || ' - ' || base_design AS difference, round(mean) AS mean,
    round(p05) AS paired_p05, round(p95) AS paired_p95, round(unpaired_p05) AS unpaired_p05,
    round(unpaired_p95) AS unpaired_p95 FROM fct_ensemble_design_diff
    WHERE ensemble_id = 'demo' AND metric = 'total_employer_cost' AND dimension = 'all' AND simulation_year = 2029"
"$bin" query --db "$db" "SELECT dimension AS income_band, round(p05) AS p05, round(p50) AS p50, round(p95) AS p95
    FROM fct_ensemble_design_diff WHERE ensemble_id = 'demo' AND metric = 'total_employer_cost'
    AND dimension LIKE 'income_band=%' AND simulation_year = 2029 ORDER BY p50 DESC"
