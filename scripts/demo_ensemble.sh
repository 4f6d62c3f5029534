#!/bin/sh
# Ensemble demo on the sample census (made by scripts/demo.sh if missing): 20
# seeds of the default configuration and of a 6% auto-enrollment default, then
# the 2029 employer-cost band of each design and the paired difference.
# usage: scripts/demo_ensemble.sh PATH_TO_PLANWISE
set -eu
bin=$1
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
mkdir -p sample
if [ ! -f sample/census.csv ]; then
    "$bin" census generate --employees 60040 --seed 42 --start-year 2025 --out sample/census.csv
fi
"$bin" ensemble --config config/simulation_config.yaml --census sample/census.csv --seeds 1-20 \
    --design base= --design ae6=config/examples/designs/ae_default_6pct.yaml --db ensemble.duckdb --ensemble demo
"$bin" query --db ensemble.duckdb "SELECT design, round(p05) AS p05, round(p50) AS p50, round(p95) AS p95
    FROM fct_ensemble_bands WHERE ensemble_id = 'demo' AND metric = 'total_employer_cost' AND simulation_year = 2029
    ORDER BY design"
"$bin" query --db ensemble.duckdb "SELECT design || ' - ' || base_design AS difference, round(mean) AS mean,
    round(p05) AS paired_p05, round(p95) AS paired_p95, round(unpaired_p05) AS unpaired_p05,
    round(unpaired_p95) AS unpaired_p95 FROM fct_ensemble_design_diff
    WHERE ensemble_id = 'demo' AND metric = 'total_employer_cost' AND simulation_year = 2029"
