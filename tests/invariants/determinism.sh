#!/bin/bash
# tests/invariants/determinism.sh: determinism, scenario isolation and failed runs.
#
#   tests/invariants/determinism.sh build/planwise
#
# 1. MODEL 7 invariant 21: one census + configuration simulated with --threads 1, 2
#    and 4, with one DuckDB connection instead of four (the output tables written one
#    after another instead of in parallel), in the baseline execution mode, and
#    rerun twice, give identical fct_yearly_events, fct_workforce_snapshot,
#    fct_employer_match_events, fct_workforce_needs and fct_workforce_needs_by_level
#    (an md5 over every row, cast to text, in primary-key order). The census is larger
#    than one work chunk (4,096 rows) so the threads really split the work. The same
#    with a retirement-plan configuration that switches on the optional plan paths
#    (all-eligible auto-enrollment, match response, a tenure-graded match from the
#    YAML, core with permitted disparity, hours-credit vesting, part-time and
#    excluded hires).
# 2. A different seed changes the draw-dependent tables (events, snapshot, match
#    rows, by-level) but not fct_workforce_needs, whose numbers follow from the
#    solver alone.
# 3. Two scenarios in one database: rerunning scenario A replaces exactly A's rows
#    (equal to a fresh run of A alone) and leaves B untouched.
# 4. Failed runs (bad census rows in strict mode, a configuration error) exit 1,
#    leave an existing database unchanged and do not create a new database file.
# Prints one line per check and a final "N passed, M failed"; exits 1 on failure.

set -u

if [ "$#" -lt 1 ]; then
    echo "usage: tests/invariants/determinism.sh PLANWISE_BINARY" >&2
    exit 2
fi
BIN=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
TMP=$(mktemp -d "${TMPDIR:-/tmp}/pw-determinism.XXXXXX") || exit 1
trap 'rm -rf "$TMP"' EXIT
trap 'exit 130' INT TERM

PASS=0
FAIL=0
ok() { PASS=$((PASS + 1)); printf 'ok   %-14s %s\n' determinism "$1"; }
not_ok() { FAIL=$((FAIL + 1)); printf 'FAIL %-14s %s\n' determinism "$1"; }

# all_checksums DB [SCENARIO]: see checksums.sh
# shellcheck source=checksums.sh
. "$(dirname "$0")/checksums.sh"
all_checksums() { table_checksums "$BIN" "$@"; }

# db_state DB: all_checksums of every scenario plus run_metadata and census_rejected_rows
db_state() {
    all_checksums "$1"
    "$BIN" query --db "$1" --csv "SELECT name || ' ' || h FROM (
        SELECT 'run_metadata' AS name, count(*) || ':' || coalesce(md5(string_agg(t::VARCHAR, chr(10) ORDER BY t::VARCHAR)), '-') AS h
        FROM run_metadata t
        UNION ALL
        SELECT 'census_rejected_rows', count(*) || ':' || coalesce(md5(string_agg(t::VARCHAR, chr(10) ORDER BY t::VARCHAR)), '-')
        FROM census_rejected_rows t) ORDER BY name" 2>&1 | tail -n +2
}

run() {   # run LABEL args... : planwise run -q, failing the check on a non-zero exit
    local label=$1
    shift
    if ! "$BIN" run -q "$@" >"$TMP/out" 2>"$TMP/err"; then
        not_ok "$label: planwise run $* exited non-zero:"
        sed 's/^/       | /' "$TMP/err"
        return 1
    fi
}

same() {   # same LABEL FILE_A FILE_B
    if cmp -s "$2" "$3"; then
        ok "$1"
    else
        not_ok "$1:"
        diff "$2" "$3" | sed 's/^/       | /'
    fi
}

"$BIN" census generate --employees 9000 --seed 21 --out "$TMP/census.csv" >/dev/null || exit 1
cat >"$TMP/config.yaml" <<'EOF'
simulation:
  start_year: 2025
  end_year: 2028
  random_seed: 1234
compensation:
  promotion_rate_multiplier: 2.0
raise_timing:
  methodology: realistic
EOF

# ---- 1. thread counts and reruns ----
for t in 1 2 4; do
    run "threads $t" --census "$TMP/census.csv" --config "$TMP/config.yaml" --db "$TMP/t$t.duckdb" --threads "$t"
    all_checksums "$TMP/t$t.duckdb" >"$TMP/t$t.sum"
done
run "rerun" --census "$TMP/census.csv" --config "$TMP/config.yaml" --db "$TMP/rerun.duckdb" --threads 2
all_checksums "$TMP/rerun.duckdb" >"$TMP/rerun.sum"
# one connection (tables written one after another) and the baseline execution mode
run "one connection" --census "$TMP/census.csv" --config "$TMP/config.yaml" --db "$TMP/c1.duckdb" --connections 1
all_checksums "$TMP/c1.duckdb" >"$TMP/c1.sum"
run "baseline mode" --census "$TMP/census.csv" --config "$TMP/config.yaml" --db "$TMP/base.duckdb" \
    --execution baseline --no-models
all_checksums "$TMP/base.duckdb" >"$TMP/base.sum"
# a rerun into the same database replaces the scenario's rows
run "rerun in place" --census "$TMP/census.csv" --config "$TMP/config.yaml" --db "$TMP/t1.duckdb" --threads 2
all_checksums "$TMP/t1.duckdb" >"$TMP/t1_again.sum"

if grep -q ':-$' "$TMP/t1.sum" || grep -q '^[a-z_]* 0:' "$TMP/t1.sum"; then
    not_ok "the reference run wrote empty tables: $(tr '\n' ' ' <"$TMP/t1.sum")"
else
    ok "reference run has rows in all five tables"
fi
same "--threads 1 = --threads 2 (all five tables)" "$TMP/t1.sum" "$TMP/t2.sum"
same "--threads 1 = --threads 4 (all five tables)" "$TMP/t1.sum" "$TMP/t4.sum"
same "--connections 1 = --connections 4 (parallel table writers)" "$TMP/t1.sum" "$TMP/c1.sum"
same "--execution baseline = optimized (row appends, DuckDB defaults)" "$TMP/t1.sum" "$TMP/base.sum"
same "rerun into a new database = first run" "$TMP/t1.sum" "$TMP/rerun.sum"
same "rerun into the same database = first run (rows replaced, not added)" "$TMP/t1.sum" "$TMP/t1_again.sum"
meta_rows=$("$BIN" query --db "$TMP/t1.duckdb" --csv "SELECT count(*) FROM run_metadata" | tail -n 1)
if [ "$meta_rows" = "1" ]; then
    ok "rerun keeps one run_metadata row per scenario"
else
    not_ok "rerun keeps one run_metadata row per scenario: found $meta_rows"
fi

# ---- 1b. thread counts with the optional plan paths switched on ----
cat >"$TMP/plan.yaml" <<'EOF'
simulation:
  start_year: 2025
  end_year: 2027
  random_seed: 99
workforce:
  part_time_new_hire_pct: 0.3
eligibility:
  new_hire_ineligible_pct: 0.1
plan_eligibility:
  waiting_period_days: 30
raise_timing:
  methodology: realistic
enrollment:
  auto_enrollment:
    scope: "all_eligible_employees"
    hire_date_cutoff: null
    default_deferral_rate: 0.04
deferral_match_response:
  enabled: true
employer_match:
  active_formula: "service_match"
  formulas:
    service_match:
      type: "tenure_graded"
      bands:
        - min_years: 0
          max_years: 5
          tiers:
            - {employee_min: 0.00, employee_max: 0.04, match_rate: 0.50}
        - min_years: 5
          max_years: null
          tiers:
            - {employee_min: 0.00, employee_max: 0.06, match_rate: 1.00}
employer_core_contribution:
  status: "graded_by_service"
  integration:
    enabled: true
    disparity_rate: 0.03
vesting:
  require_hours_credit: true
  match_schedule: "graded_4"
  core_schedule: "cliff_3"
EOF
for t in 1 2 4; do
    run "plan config, threads $t" --census "$TMP/census.csv" --config "$TMP/plan.yaml" --db "$TMP/p$t.duckdb" --threads "$t"
    all_checksums "$TMP/p$t.duckdb" >"$TMP/p$t.sum"
done
plan_kinds=$("$BIN" query --db "$TMP/p1.duckdb" --csv "SELECT count(DISTINCT event_category) FROM fct_yearly_events
    WHERE event_category IN ('auto_enrollment', 'proactive_voluntary', 'enrollment_opt_out', 'match_response',
                             'deferral_escalation', 'forfeiture')" | tail -n 1)
if [ "$plan_kinds" = "6" ] && ! grep -q '^fct_employer_match_events 0:' "$TMP/p1.sum"; then
    ok "plan config run has AE, proactive, opt-out, match-response, escalation, forfeiture events and match rows"
else
    not_ok "plan config run lacks plan events ($plan_kinds of 6 kinds) or match rows: $(tr '\n' ' ' <"$TMP/p1.sum")"
fi
same "plan config: --threads 1 = --threads 2 (all five tables)" "$TMP/p1.sum" "$TMP/p2.sum"
same "plan config: --threads 1 = --threads 4 (all five tables)" "$TMP/p1.sum" "$TMP/p4.sum"

# ---- 2. a different seed ----
run "seed 4321" --census "$TMP/census.csv" --config "$TMP/config.yaml" --db "$TMP/seed.duckdb" --seed 4321
all_checksums "$TMP/seed.duckdb" >"$TMP/seed.sum"
for t in fct_yearly_events fct_workforce_snapshot fct_employer_match_events fct_workforce_needs_by_level; do
    if [ "$(grep "^$t " "$TMP/t1.sum")" != "$(grep "^$t " "$TMP/seed.sum")" ]; then
        ok "another seed changes $t"
    else
        not_ok "another seed changes $t: identical checksums"
    fi
done
same "another seed keeps fct_workforce_needs (solver only)" <(grep '^fct_workforce_needs ' "$TMP/t1.sum") \
    <(grep '^fct_workforce_needs ' "$TMP/seed.sum")

# ---- 3. two scenarios in one database ----
DB=$TMP/two.duckdb
run "scenario A" --census "$TMP/census.csv" --config "$TMP/config.yaml" --db "$DB" --scenario A --seed 1
run "scenario B" --census "$TMP/census.csv" --config "$TMP/config.yaml" --db "$DB" --scenario B --seed 2
all_checksums "$DB" A >"$TMP/A1.sum"
all_checksums "$DB" B >"$TMP/B1.sum"
# A alone with seed 3, for comparison
run "scenario A alone" --census "$TMP/census.csv" --config "$TMP/config.yaml" --db "$TMP/A3.duckdb" --scenario A --seed 3
all_checksums "$TMP/A3.duckdb" A >"$TMP/A3.sum"
run "rerun A" --census "$TMP/census.csv" --config "$TMP/config.yaml" --db "$DB" --scenario A --seed 3
all_checksums "$DB" A >"$TMP/A2.sum"
all_checksums "$DB" B >"$TMP/B2.sum"
same "rerun of A (seed 3) = A run alone (seed 3)" "$TMP/A3.sum" "$TMP/A2.sum"
same "rerun of A leaves B untouched" "$TMP/B1.sum" "$TMP/B2.sum"
if cmp -s "$TMP/A1.sum" "$TMP/A2.sum"; then
    not_ok "rerun of A with another seed changed A's rows: unchanged"
else
    ok "rerun of A with another seed changed A's rows"
fi
scen=$("$BIN" query --db "$DB" --csv "SELECT string_agg(scenario_id || '=' || n, ' ' ORDER BY scenario_id) FROM
    (SELECT scenario_id, count(*) AS n FROM run_metadata GROUP BY ALL)" | tail -n 1)
if [ "$scen" = "A=1 B=1" ]; then
    ok "run_metadata has one row per scenario after the rerun"
else
    not_ok "run_metadata has one row per scenario after the rerun: $scen"
fi

# ---- 4. failed runs change nothing ----
cat >"$TMP/bad.csv" <<'EOF'
employee_id,employee_birth_date,employee_hire_date,employee_gross_compensation
EMP_1,1980-01-01,2010-01-01,70000
EMP_2,1980-01-01,2010-01-01,0
EOF
cat >"$TMP/bad.yaml" <<'EOF'
workforce:
  total_termination_rate: 1.5
EOF
db_state "$DB" >"$TMP/before.state"
expect_fail() {   # expect_fail LABEL args...: exit 1, database unchanged
    local label=$1 rc
    shift
    "$BIN" run -q "$@" >"$TMP/out" 2>"$TMP/err"
    rc=$?
    if [ "$rc" -ne 1 ]; then
        not_ok "$label: exit $rc, want 1"
        sed 's/^/       | /' "$TMP/err"
        return
    fi
    db_state "$DB" >"$TMP/after.state"
    same "$label: exit 1 and the database is unchanged" "$TMP/before.state" "$TMP/after.state"
}
expect_fail "bad census rows (strict), scenario A" --census "$TMP/bad.csv" --db "$DB" --scenario A
expect_fail "bad census rows (strict), new scenario C" --census "$TMP/bad.csv" --db "$DB" --scenario C
expect_fail "configuration out of range" --census "$TMP/census.csv" --config "$TMP/bad.yaml" --db "$DB" --scenario A
expect_fail "missing census file" --census "$TMP/nonexistent.csv" --db "$DB" --scenario A

for args in "--census bad.csv" "--census census.csv --config bad.yaml"; do
    # shellcheck disable=SC2086
    (cd "$TMP" && "$BIN" run -q $args --db new.duckdb >/dev/null 2>&1)
    rc=$?
    if [ "$rc" -eq 1 ] && [ ! -e "$TMP/new.duckdb" ] && [ ! -e "$TMP/new.duckdb.wal" ]; then
        ok "failed run ($args) creates no database file"
    else
        not_ok "failed run ($args) creates no database file: exit $rc, files: $(echo "$TMP"/new*)"
    fi
done

echo "$PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ]
