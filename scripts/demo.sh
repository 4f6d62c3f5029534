#!/bin/sh
# The main job on sample data: generate the sample census (60,040 employees,
# seed 42) if it is not there yet, then simulate 2025-2029 with the default
# configuration into simulation.duckdb and print the per-year summary.
# usage: scripts/demo.sh PATH_TO_PLANWISE
set -eu
bin=$1
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
mkdir -p sample
if [ ! -f sample/census.csv ]; then
    "$bin" census generate --employees 60040 --seed 42 --start-year 2025 --out sample/census.csv
fi
"$bin" run --config config/simulation_config.yaml --census sample/census.csv --db simulation.duckdb --years 2025-2029
