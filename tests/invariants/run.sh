#!/bin/bash
# tests/invariants/run.sh: multi-year invariant tests (MODEL section 7, workforce part).
#
#   tests/invariants/run.sh build/planwise [-k]      (-k keeps the scratch folder)
#
# Simulates a set of censuses and configurations (generated censuses of several
# sizes and seeds, hand-written tiny censuses, everyone at the top level, zero and
# negative growth, uniform selection, realistic raise timing, fixed hire shares;
# retirement-plan runs: every example design of config/examples on two 3,000-employee
# censuses, the reference system's configuration conventions (tests/data/config/reference/
# conventions_*.yaml and config/reference_simulation_config.yaml, with one corrupted
# match that check 17 must report), the shipped default configuration on 20,000
# employees, match response,
# hours-credit vesting with part-time and excluded hires, a 25% core that triggers
# 415(c), a tiny census of plan edge cases). `planwise run` runs the built-in SQL
# models after the last year, among them one data-quality check per invariant
# (models/checks/*.sql); for every run this script reads each check's outcome from
# the run's rows in planwise_model_runs and prints one line per check. A check
# returns the violating rows, so zero rows = pass; the first rows of a failing check
# are printed from its view. A check that did not run counts as failed. Some runs
# add run-specific expectations (e.g. the reduction-in-force branch really ran),
# written as SQL that returns violating rows too; they may use the macros of
# models/macros.sql, which the models run created in the database. A copy of one
# output database with one corrupted stored snapshot row must make `planwise models
# run` fail the matching checks with a count and sample rows. Afterwards
# tests/invariants/plan_stats.sh (statistical checks
# of the enrollment probabilities), tests/invariants/determinism.sh,
# tests/invariants/resume.sh (kill, resume, branch) and tests/invariants/compliance.sh
# (the compliance tests on multi-year runs, and their statistical case) run and their
# results are counted too. Prints one line per check per run and a final
# "N passed, M failed"; exits 1 on any failure.

set -u

if [ "$#" -lt 1 ]; then
    echo "usage: tests/invariants/run.sh PLANWISE_BINARY [-k]" >&2
    exit 2
fi
BIN=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
KEEP=${2:-}
HERE=$(cd "$(dirname "$0")" && pwd)
CHECKS=$(cd "$HERE/../../models/checks" && pwd)
SQL_EXEC=$(dirname "$BIN")/tools/sql_exec
if [ ! -x "$BIN" ]; then
    echo "run.sh: '$1' is not an executable" >&2
    exit 2
fi

TMP=$(mktemp -d "${TMPDIR:-/tmp}/pw-invariants.XXXXXX") || exit 1
if [ "$KEEP" = "-k" ]; then
    echo "scratch folder kept: $TMP"
else
    trap 'rm -rf "$TMP"' EXIT
fi
trap 'exit 130' INT TERM

PASS=0
FAIL=0
ok() { PASS=$((PASS + 1)); printf 'ok   %-14s %s\n' "$1" "$2"; }
not_ok() { FAIL=$((FAIL + 1)); printf 'FAIL %-14s %s\n' "$1" "$2"; }

# query DB SQL: CSV output of a read-only query. Through sql_exec, not planwise query:
# some expectations read the test's census CSV or ATTACH a second database, which
# planwise query's sandbox refuses (the CLI cases test that sandbox).
query() { "$SQL_EXEC" --csv "$1" "$2"; }

# expect_none RUN DB LABEL SQL: passes when SQL returns no rows.
expect_none() {
    local run=$1 db=$2 label=$3 sql=$4 n
    n=$(query "$db" "SELECT count(*) AS n FROM (
$sql
)" 2>"$TMP/query.err" | tail -n 1)
    if [ "$n" = "0" ]; then
        ok "$run" "$label"
    elif [ -z "$n" ] || ! [ "$n" -eq "$n" ] 2>/dev/null; then
        not_ok "$run" "$label: query failed: $(head -c 600 "$TMP/query.err")"
    else
        not_ok "$run" "$label: $n violating rows, first ones:"
        # every column as text: planwise would otherwise rerun the query wrapped as a
        # subquery (for ENUM columns), which the macro prelude does not survive
        query "$db" "SELECT COLUMNS(*)::VARCHAR FROM (
$sql
) LIMIT 5" 2>&1 | sed 's/^/       | /'
    fi
}

# all_checks RUN DB: the outcome of every built-in check (models/checks/*.sql) in the
# latest models run recorded in DB (planwise_model_runs), one line per check; a
# failing check shows its first violating rows (its view), a missing one fails.
all_checks() {
    local run=$1 db=$2 f name line results
    results=$(query "$db" "SELECT model_name, status, coalesce(row_count, -1), coalesce(error, '') FROM planwise_model_runs
        WHERE kind = 'check' AND run_number = (SELECT max(run_number) FROM planwise_model_runs)" 2>"$TMP/query.err" | tail -n +2)
    for f in "$CHECKS"/*.sql; do
        name=$(basename "$f" .sql)
        line=$(echo "$results" | grep "^$name," | head -n 1)
        case $line in
        "$name,ok,0,") ok "$run" "$name" ;;
        "") not_ok "$run" "$name: did not run $(head -c 300 "$TMP/query.err")" ;;
        "$name,check_failed,"*)
            not_ok "$run" "$name: $(echo "$line" | cut -d, -f3) violating rows, first ones:"
            query "$db" "SELECT COLUMNS(*)::VARCHAR FROM $name LIMIT 5" 2>&1 | sed 's/^/       | /' ;;
        *) not_ok "$run" "$name: $line" ;;
        esac
    done
}

# simulate RUN CENSUS [run options...]: runs planwise into $TMP/RUN.duckdb with --check
# (the built-in models, checks included, after the engine's own invariant checks of
# every year), then reports every check. Exit status 1 with
# a database that holds the models run means failed checks, reported by all_checks.
simulate() {
    local run=$1 census=$2 db=$TMP/$1.duckdb rc
    shift 2
    "$BIN" run -q --check --census "$census" --db "$db" "$@" >"$TMP/$run.out" 2>"$TMP/$run.err"
    rc=$?
    if [ "$rc" -ne 0 ] && ! query "$db" "SELECT 1 FROM planwise_model_runs LIMIT 1" >/dev/null 2>&1; then
        not_ok "$run" "planwise run $* failed (exit $rc):"
        sed 's/^/       | /' "$TMP/$run.err"
        return 1
    fi
    all_checks "$run" "$db"
}

generate() {   # generate N SEED FILE
    "$BIN" census generate --employees "$1" --seed "$2" --out "$3" >/dev/null || {
        echo "run.sh: census generate failed" >&2
        exit 1
    }
}

echo "planwise invariant tests: $BIN"
START=$(date +%s)

# ---- generated censuses: 2,000 employees, three seeds, default configuration ----
generate 2000 1 "$TMP/c2k_1.csv"
generate 2000 2 "$TMP/c2k_2.csv"
generate 2000 3 "$TMP/c2k_3.csv"
for s in 1 2 3; do
    simulate "gen2k_seed$s" "$TMP/c2k_$s.csv" --years 2025-2029 --seed "$s"
done
# the default run exercises the growth branch every year, with promotions and raises
expect_none gen2k_seed1 "$TMP/gen2k_seed1.duckdb" "expect: hires, promotions and raises every year" "
SELECT simulation_year FROM fct_workforce_needs
WHERE total_hires = 0 OR rif_terminations <> 0
   OR simulation_year NOT IN (SELECT simulation_year FROM fct_yearly_events WHERE event_type = 'promotion')
   OR simulation_year NOT IN (SELECT simulation_year FROM fct_yearly_events WHERE event_type = 'raise')"

# hazard weights and promotion probabilities follow the built-in tables (MODEL 4.4, 4.7):
# w = 0.42 x age_mult x tenure_mult x max(0.4, 1 - 0.1 (level - 1)) for experienced leavers,
# p = min(1, 0.04 x age_mult x tenure_mult x max(0, 1 - 0.15 (level - 1))) for promotions,
# with age_Y / tenure_Y at Dec 31 and the level at the start of the year
expect_none gen2k_seed1 "$TMP/gen2k_seed1.duckdb" "expect: termination weights and promotion probabilities per default tables" "
WITH e AS (
    SELECT e.*, e.simulation_year - year(s.employee_birth_date) AS age_y,
           CAST(floor(date_diff('day', s.employee_hire_date, make_date(e.simulation_year, 12, 31)) / 365.25) AS INTEGER) AS ten_y,
           e.level_id - (SELECT count(*) FROM fct_yearly_events p WHERE p.scenario_id = e.scenario_id
                         AND p.employee_id = e.employee_id AND p.simulation_year = e.simulation_year
                         AND p.event_type = 'promotion' AND p.effective_date <= e.effective_date) AS start_level
    FROM fct_yearly_events e JOIN fct_workforce_snapshot s USING (scenario_id, simulation_year, employee_id)
    WHERE e.event_category IN ('experienced_termination', 'promotion'))
SELECT employee_id, simulation_year, event_category, event_probability FROM e
WHERE (event_category = 'experienced_termination' AND abs(event_probability - 0.42
        * CASE WHEN age_y < 25 THEN 0.7 WHEN age_y < 35 THEN 1.3 WHEN age_y < 45 THEN 1.0 WHEN age_y < 55 THEN 1.6
               WHEN age_y < 65 THEN 1.0 ELSE 1.2 END
        * CASE WHEN ten_y < 2 THEN 1.8 WHEN ten_y < 5 THEN 0.6 WHEN ten_y < 10 THEN 0.5 WHEN ten_y < 20 THEN 0.4 ELSE 0.3 END
        * greatest(0.4, 1 - 0.1 * (start_level - 1))) > 1e-9)
   OR (event_category = 'promotion' AND abs(event_probability - least(1, 0.04
        * CASE WHEN age_y < 25 THEN 1.6 WHEN age_y < 35 THEN 1.4 WHEN age_y < 45 THEN 1.1 WHEN age_y < 55 THEN 0.7
               WHEN age_y < 65 THEN 0.3 ELSE 0.1 END
        * CASE WHEN ten_y < 2 THEN 0.5 WHEN ten_y < 5 THEN 1.5 WHEN ten_y < 10 THEN 1.8 WHEN ten_y < 20 THEN 0.8 ELSE 0.2 END
        * greatest(0, 1 - 0.15 * (start_level - 1)))) > 1e-9)"

# the marts agree with the solver trace, the snapshot and the match rows
expect_none gen2k_seed1 "$TMP/gen2k_seed1.duckdb" "expect: marts reconcile with fct_workforce_needs, snapshot and match rows" "
WITH w AS (SELECT scenario_id, simulation_year, sum(active_headcount) AS a, sum(hires) AS h, sum(terminations) AS t,
                  sum(payroll) AS p FROM mart_workforce_by_level GROUP BY ALL),
c AS (SELECT * FROM mart_employer_cost),
m AS (SELECT scenario_id, simulation_year, sum(pw_cents(employer_match_amount)) / 100.0 AS match FROM fct_employer_match_events GROUP BY ALL),
p AS (SELECT scenario_id, simulation_year, sum(employees) AS e, sum(participating) AS part FROM mart_participation GROUP BY ALL),
s AS (SELECT scenario_id, simulation_year, count(*) AS e, count(*) FILTER (WHERE current_deferral_rate > 0) AS part
      FROM fct_workforce_snapshot GROUP BY ALL)
SELECT n.simulation_year, 'workforce_by_level' AS mart FROM fct_workforce_needs n LEFT JOIN w USING (scenario_id, simulation_year)
WHERE w.a IS DISTINCT FROM n.ending_headcount_actual OR w.h IS DISTINCT FROM n.total_hires
   OR w.t IS DISTINCT FROM n.total_experienced_terminations + n.expected_new_hire_terminations
UNION ALL SELECT w.simulation_year, 'payroll' FROM w JOIN c USING (scenario_id, simulation_year) WHERE abs(w.p - c.payroll) > 0.001
UNION ALL SELECT c.simulation_year, 'employer_cost' FROM c LEFT JOIN m USING (scenario_id, simulation_year)
WHERE abs(c.employer_match - coalesce(m.match, 0)) > 0.001
   OR abs(c.net_employer_cost - (c.employer_match + c.employer_core - c.forfeitures)) > 0.001
UNION ALL SELECT s.simulation_year, 'participation' FROM s LEFT JOIN p USING (scenario_id, simulation_year)
WHERE p.e IS DISTINCT FROM s.e OR p.part IS DISTINCT FROM s.part
UNION ALL SELECT NULL, 'growth rows' WHERE (SELECT count(*) FROM fct_compensation_growth) <> 3 * (SELECT count(*) FROM fct_workforce_needs)"

# ---- a check really fails: one corrupted snapshot row in a copy of an output database ----
# The users' tables are views over narrow storage (bands, ages and tenure are derived
# on read), so the corruption goes into the stored snapshot row (pw.snapshot_store): one more
# hour worked for a full-time employee who worked the whole of 2027. Check 12 (hours
# = rha(h x 52 x days / D)) and check 20a (hours <= rha(h x 52)) must each report that
# row with a sample naming the employee, and every other check must still pass.
corrupt_test() {
    local db=$TMP/corrupt.duckdb src=$TMP/gen2k_seed1.duckdb victim rc others
    victim=$(query "$src" "SELECT min(employee_id) FROM fct_workforce_snapshot WHERE simulation_year = 2027
        AND employment_status = 'active' AND scheduled_hours_per_week = 40 AND annual_hours_worked = 2080" | tail -n 1)
    cp "$src" "$db" || return 1
    if ! "$SQL_EXEC" "$db" "UPDATE pw.snapshot_store SET annual_hours_worked = annual_hours_worked + 1
                             WHERE simulation_year = 2027
                               AND employee_key = (SELECT employee_key FROM pw.dim_employee WHERE employee_id = '$victim')"; then
        not_ok corrupt "could not corrupt the copy with $SQL_EXEC"
        return 1
    fi
    "$BIN" models run -q --db "$db" >"$TMP/corrupt.out" 2>"$TMP/corrupt.err"
    rc=$?
    others=$(query "$db" "SELECT count(*) FROM planwise_model_runs WHERE run_number = (SELECT max(run_number) FROM planwise_model_runs)
        AND status <> 'ok' AND model_name NOT IN ('check_12_proration', 'check_20a_ages_tenure_hours')" | tail -n 1)
    if [ "$rc" -eq 1 ] \
        && grep -q "^planwise: data-quality check 'check_12_proration' failed: 1 violating row; " "$TMP/corrupt.err" \
        && grep -q "^planwise: data-quality check 'check_20a_ages_tenure_hours' failed: 1 violating row; " "$TMP/corrupt.err" \
        && grep -q "$victim.*annual_hours_worked outside \\[0, rha(h x 52)\\]" "$TMP/corrupt.err" \
        && grep -q "^planwise: 2 of $(ls "$CHECKS"/*.sql | wc -l) data-quality checks failed (check_12_proration, check_20a_ages_tenure_hours)" "$TMP/corrupt.err" \
        && [ "$others" = "0" ]; then
        ok corrupt "one corrupted snapshot row: checks 12 and 20a fail with it and a sample, exit 1"
    else
        not_ok corrupt "corrupted snapshot row of $victim not reported as expected (exit $rc, $others other failures):"
        sed 's/^/       | /' "$TMP/corrupt.err"
    fi
}
corrupt_test

# ---- 20,000 employees, the shipped default configuration (= no configuration) ----
CONFIGS=$(cd "$HERE/../../config" && pwd)
generate 20000 7 "$TMP/c20k.csv"
simulate gen20k "$TMP/c20k.csv" --years 2025-2029 --seed 7 --config "$CONFIGS/simulation_config.yaml"
expect_none gen20k "$TMP/gen20k.duckdb" "expect: every kind of plan event and match rows" "
SELECT k FROM (VALUES ('eligibility'), ('auto_enrollment'), ('proactive_voluntary'), ('year_over_year_voluntary'),
                      ('enrollment_opt_out'), ('deferral_escalation'), ('forfeiture')) v(k)
WHERE k NOT IN (SELECT DISTINCT event_category::VARCHAR FROM fct_yearly_events)
UNION ALL SELECT 'no match rows' WHERE NOT EXISTS (SELECT 1 FROM fct_employer_match_events)
UNION ALL SELECT 'no HCE' WHERE NOT EXISTS (SELECT 1 FROM fct_workforce_snapshot WHERE is_hce)
UNION ALL SELECT 'no 402(g) limit reached' WHERE NOT EXISTS (SELECT 1 FROM fct_workforce_snapshot WHERE irs_402g_limit_applied)"

# ---- tiny hand-written censuses ----
cat >"$TMP/tiny1.csv" <<'EOF'
employee_id,employee_birth_date,employee_hire_date,employee_gross_compensation
EMP_ONLY,1980-01-01,2010-01-01,70000
EOF
simulate tiny1 "$TMP/tiny1.csv" --years 2025-2029
expect_none tiny1 "$TMP/tiny1.duckdb" "expect: one employee stays, raised each year" "
SELECT simulation_year FROM fct_workforce_needs
WHERE starting_headcount <> 1 OR ending_headcount_actual <> 1 OR total_hires <> 0
UNION ALL
SELECT 0 WHERE (SELECT count(*) FROM fct_yearly_events WHERE event_type = 'raise') <> 5"

# MODEL 6.4 for one employee: every method compares the same person; the prior
# figures of 2025 are the census pay (70,000)
expect_none tiny1 "$TMP/tiny1.duckdb" "expect: fct_compensation_growth of one employee (MODEL 6.4)" "
WITH s AS (
    SELECT simulation_year AS y, prorated_annual_compensation AS p, current_compensation AS c,
           coalesce(lag(current_compensation) OVER (ORDER BY simulation_year), 70000) AS prev_c,
           coalesce(lag(prorated_annual_compensation) OVER (ORDER BY simulation_year), 70000) AS prev_p
    FROM fct_workforce_snapshot),
want AS (SELECT y, 'A_current' AS m, p AS avg, prev_p AS prior FROM s
         UNION ALL SELECT y, 'B_continuous', p, prev_p FROM s
         UNION ALL SELECT y, 'C_incumbent', c, prev_c FROM s)
SELECT w.y, w.m, g.* FROM want w FULL JOIN fct_compensation_growth g ON g.simulation_year = w.y AND g.calculation_method = w.m
WHERE g.employee_count IS DISTINCT FROM 1 OR g.prior_employee_count IS DISTINCT FROM 1
   OR abs(g.avg_compensation - round(w.avg, 2)) > 0.005 OR abs(g.prior_avg_compensation - round(w.prior, 2)) > 0.005
   OR NOT abs(g.growth_rate - round(w.avg / w.prior - 1, 6)) < 1e-9"
# a second scenario in the same database: the marts keep both, and the first one's
# rows do not change
growth_before=$(query "$TMP/tiny1.duckdb" "SELECT md5(string_agg(g::VARCHAR, ',' ORDER BY simulation_year, calculation_method)) FROM fct_compensation_growth g" | tail -n 1)
if "$BIN" run -q --census "$TMP/tiny1.csv" --db "$TMP/tiny1.duckdb" --years 2025-2027 --scenario second >/dev/null 2>"$TMP/second.err"; then
    expect_none tiny1 "$TMP/tiny1.duckdb" "expect: marts keep scenario_id, two scenarios in one database" "
SELECT t FROM (SELECT 'fct_compensation_growth' AS t, count(DISTINCT scenario_id) AS n FROM fct_compensation_growth
    UNION ALL SELECT 'mart_workforce_by_level', count(DISTINCT scenario_id) FROM mart_workforce_by_level
    UNION ALL SELECT 'mart_employer_cost', count(DISTINCT scenario_id) FROM mart_employer_cost
    UNION ALL SELECT 'mart_participation', count(DISTINCT scenario_id) FROM mart_participation) WHERE n <> 2
UNION ALL SELECT 'default changed' WHERE (SELECT md5(string_agg(g::VARCHAR, ',' ORDER BY simulation_year, calculation_method))
    FROM fct_compensation_growth g WHERE scenario_id = 'default') <> '$growth_before'"
else
    not_ok tiny1 "second scenario run failed: $(cat "$TMP/second.err")"
fi

# one employee, growth -60%: the RIF empties the company in 2025, then zero-headcount years
cat >"$TMP/shrink.yaml" <<'EOF'
simulation:
  target_growth_rate: -0.6
EOF
simulate tiny1_rif "$TMP/tiny1.csv" --years 2025-2027 --config "$TMP/shrink.yaml"
expect_none tiny1_rif "$TMP/tiny1_rif.duckdb" "expect: RIF of the only employee, then N = 0" "
SELECT simulation_year FROM fct_workforce_needs
WHERE (simulation_year = 2025 AND (rif_terminations <> 1 OR ending_headcount_actual <> 0))
   OR (simulation_year > 2025 AND (starting_headcount <> 0 OR total_hires <> 0 OR target_ending_headcount <> 0))"

# five employees with edge cases: Feb 29 birthday, hired on the census date (tenure 0),
# turning 65, part-time, pay above the top band, an explicit level_id that wins over pay
cat >"$TMP/tiny5.csv" <<'EOF'
employee_id,employee_birth_date,employee_hire_date,employee_gross_compensation,scheduled_hours_per_week,level_id
EMP_T1,1996-02-29,2020-03-01,65000,40,
EMP_T2,1960-07-01,2000-01-15,310000,40,
EMP_T3,2000-12-31,2024-12-31,56000.01,40,
EMP_T4,1985-06-15,2010-06-15,95000,20,
EMP_T5,1975-01-01,1999-01-01,600000,40,3
EOF
cat >"$TMP/tiny5.yaml" <<'EOF'
simulation:
  target_growth_rate: 0.5
workforce:
  total_termination_rate: 0.3
  new_hire_termination_rate: 0.4
EOF
simulate tiny5 "$TMP/tiny5.csv" --years 2025-2029 --config "$TMP/tiny5.yaml"
expect_none tiny5 "$TMP/tiny5.duckdb" "expect: tiny roster grows with hires and leavers" "
SELECT 'no hires' WHERE (SELECT sum(total_hires) FROM fct_workforce_needs) = 0
UNION ALL SELECT 'no leavers' WHERE (SELECT count(*) FROM fct_yearly_events WHERE event_type = 'termination') = 0
UNION ALL SELECT 'EMP_T3 raised in 2025 with tenure 0'
    WHERE EXISTS (SELECT 1 FROM fct_yearly_events WHERE employee_id = 'EMP_T3' AND simulation_year = 2025 AND event_type = 'raise')
UNION ALL SELECT 'explicit level_id 3 of EMP_T5 not used (level at the start of 2025)'
    WHERE (SELECT level_id FROM fct_workforce_snapshot WHERE employee_id = 'EMP_T5' AND simulation_year = 2025)
        - (SELECT count(*) FROM fct_yearly_events WHERE employee_id = 'EMP_T5' AND simulation_year = 2025
           AND event_type = 'promotion') <> 3
UNION ALL SELECT 'EMP_T4 not part-time'
    WHERE (SELECT any_value(scheduled_hours_per_week) FROM fct_workforce_snapshot WHERE employee_id = 'EMP_T4') <> 20"

# ---- everyone at the top level (level_id column set to 5) ----
awk -F, 'BEGIN { OFS = "," }
    NR == 1 { for (i = 1; i <= NF; i++) if ($i == "level_id") col = i; print; next }
    { $col = 5; print }' "$TMP/c2k_2.csv" >"$TMP/maxlevel.csv"
simulate maxlevel "$TMP/maxlevel.csv" --years 2025-2029
expect_none maxlevel "$TMP/maxlevel.duckdb" "expect: no promotions, all hires at level 5" "
SELECT employee_id FROM fct_yearly_events WHERE event_type = 'promotion'
UNION ALL SELECT employee_id FROM fct_workforce_snapshot WHERE level_id <> 5
UNION ALL SELECT 'no hires' WHERE (SELECT sum(total_hires) FROM fct_workforce_needs) = 0"

# ---- zero growth ----
cat >"$TMP/zero.yaml" <<'EOF'
simulation:
  target_growth_rate: 0.0
EOF
simulate zero_growth "$TMP/c2k_1.csv" --years 2025-2029 --config "$TMP/zero.yaml"
expect_none zero_growth "$TMP/zero_growth.duckdb" "expect: ending = starting = 2,000 every year" "
SELECT simulation_year FROM fct_workforce_needs
WHERE starting_headcount <> 2000 OR ending_headcount_actual <> 2000 OR target_ending_headcount <> 2000"

# ---- negative growth: reduction in force (low termination rate so exp_terms < N - target) ----
cat >"$TMP/rif.yaml" <<'EOF'
simulation:
  target_growth_rate: -0.10
workforce:
  total_termination_rate: 0.05
EOF
simulate rif "$TMP/c2k_3.csv" --years 2025-2029 --config "$TMP/rif.yaml"
expect_none rif "$TMP/rif.duckdb" "expect: RIF branch every year (no hires, rif > 0)" "
SELECT simulation_year, total_hires, rif_terminations FROM fct_workforce_needs
WHERE total_hires <> 0 OR rif_terminations <= 0 OR expected_new_hire_terminations <> 0
UNION ALL SELECT 0, count(*), 0 FROM fct_workforce_needs HAVING count(*) <> 5"
# -10% with the default 12% terminations still hires a little: the boundary of the branch
cat >"$TMP/shrink10.yaml" <<'EOF'
simulation:
  target_growth_rate: -0.10
EOF
simulate shrink10 "$TMP/c2k_1.csv" --years 2025-2027 --config "$TMP/shrink10.yaml"

# ---- uniform selection ----
cat >"$TMP/uniform.yaml" <<'EOF'
termination:
  selection: uniform
EOF
simulate uniform "$TMP/c2k_2.csv" --years 2025-2029 --config "$TMP/uniform.yaml" --seed 11
expect_none uniform "$TMP/uniform.duckdb" "expect: uniform leavers carry no hazard weight" "
SELECT employee_id, event_probability, event_details FROM fct_yearly_events
WHERE event_category = 'experienced_termination'
  AND (event_probability IS NOT NULL OR event_details NOT LIKE '%selection=uniform%')"

# ---- realistic raise timing ----
cat >"$TMP/realistic.yaml" <<'EOF'
raise_timing:
  methodology: realistic
EOF
simulate realistic "$TMP/c2k_3.csv" --years 2025-2029 --config "$TMP/realistic.yaml"
expect_none realistic "$TMP/realistic.duckdb" "expect: raises spread over the months" "
SELECT simulation_year, count(DISTINCT month(effective_date)) AS months FROM fct_yearly_events
WHERE event_type = 'raise' GROUP BY ALL
HAVING count(DISTINCT month(effective_date)) < 6 OR count(*) FILTER (WHERE event_details NOT LIKE '%timing=realistic%') > 0"

# ---- fixed hire shares, part-time hires, normal promotion raises, ten years ----
cat >"$TMP/mixed.yaml" <<'EOF'
simulation:
  target_growth_rate: 0.05
workforce:
  new_hire_termination_rate: 0.5
  part_time_new_hire_pct: 0.3
  new_hire_level_distribution:
    1: 0.5
    2: 0.3
    3: 0.2
compensation:
  promotion_rate_multiplier: 3.0
  promotion_compensation:
    distribution_type: normal
EOF
generate 1000 5 "$TMP/c1k.csv"
simulate mixed "$TMP/c1k.csv" --years 2025-2034 --config "$TMP/mixed.yaml" --seed 5
expect_none mixed "$TMP/mixed.duckdb" "expect: fixed shares (no hires at 4-5), part-timers hired" "
SELECT simulation_year, level_id, hires FROM fct_workforce_needs_by_level WHERE level_id >= 4 AND hires <> 0
UNION ALL SELECT 0, 0, count(*) FROM fct_yearly_events
    WHERE event_type = 'hire' AND event_details LIKE '%hours_per_week=20%' HAVING count(*) = 0
UNION ALL SELECT simulation_year, 0, count(*) FROM fct_workforce_needs GROUP BY ALL HAVING count(*) <> 1"

# ---- calendar edges: promotions on Jan 1, raises on Dec 31 (last day = 1-day segment) ----
cat >"$TMP/calendar.yaml" <<'EOF'
event_calendar:
  promotion: "01-01"
  merit: "12-31"
compensation:
  promotion_rate_multiplier: 5.0
EOF
simulate calendar "$TMP/c2k_2.csv" --years 2027-2029 --config "$TMP/calendar.yaml"
expect_none calendar "$TMP/calendar.duckdb" "expect: promotions on Jan 1 and raises on Dec 31" "
SELECT employee_id, event_type, effective_date FROM fct_yearly_events
WHERE (event_type = 'promotion' AND strftime(effective_date, '%m-%d') <> '01-01')
   OR (event_type = 'raise' AND strftime(effective_date, '%m-%d') <> '12-31')
UNION ALL SELECT 'none', 'promotion', NULL WHERE NOT EXISTS (SELECT 1 FROM fct_yearly_events WHERE event_type = 'promotion')"

# ==== retirement plan (MODEL 4.10-4.18; checks 13-20) ====

# ---- every example design of config/examples, two censuses and seeds ----
generate 3000 1 "$TMP/c3k_1.csv"
generate 3000 2 "$TMP/c3k_2.csv"
for ex in default_plan:ex_default safe_harbor_basic:ex_safeharbor qaca:ex_qaca voluntary_no_ae:ex_voluntary \
          tenure_graded_match:ex_tenure; do
    for s in 1 2; do
        simulate "${ex#*:}_$s" "$TMP/c3k_$s.csv" --years 2025-2029 --seed "$s" --config "$CONFIGS/examples/${ex%%:*}.yaml"
    done
done

# ---- the reference system's configuration conventions (docs/decisions.md) ----
# Match modes (tenure_based, points_based, graded_by_service, tenure_graded), formulas
# and core schedules defined in the YAML (points, capped tiers, age bands), schedules
# read from a row's min to the next row's min, reference ages, census_enrollment
# events, voluntary enrollment every year, new_hire ages, and the reference's own main
# configuration: every built-in check judges them by the run's effective configuration
# and passes.
REFCFG=$(cd "$HERE/../data/config/reference" && pwd)
for f in "$REFCFG"/conventions_*.yaml "$CONFIGS/reference_simulation_config.yaml"; do
    name=$(basename "$f" .yaml)
    simulate "ref_${name#conventions_}" "$TMP/c3k_1.csv" --years 2025-2028 --seed 1 --config "$f"
done
# census rows hired inside the first year (two pre-enrolled) and scheduled hours 0 and
# 80.
awk -F, 'BEGIN { OFS = "," } NR == 1 { print; next }
    { if (NR == 1200) { $4 = "2025-04-10"; $8 = "0.0500" }
      if (NR == 2400) { $4 = "2025-03-01"; $8 = "" }
      if (NR == 1800) { $4 = "2025-01-01"; $8 = "0.0300" }
      if (NR % 97 == 0) $9 = "0"
      if (NR % 89 == 0) $9 = "80"
      print }' "$TMP/c3k_1.csv" >"$TMP/c3k_edges.csv"
simulate ref_census_edges "$TMP/c3k_edges.csv" --years 2025-2028 --seed 1 --config "$REFCFG/conventions_tenure_based.yaml"
expect_none ref_census_edges "$TMP/ref_census_edges.duckdb" "expect: first-year census hires in the roster, 0 hours" "
SELECT 'first-year census hires not continuous_active in 2025' WHERE (SELECT count(*) FROM fct_workforce_snapshot
    WHERE simulation_year = 2025 AND employee_hire_date >= DATE '2025-01-01' AND employee_id LIKE 'EMP%'
      AND detailed_status_code = 'continuous_active') <> 3
UNION ALL SELECT 'no census_enrollment on a first-year hire date' WHERE NOT EXISTS (SELECT 1 FROM fct_yearly_events
    WHERE event_category = 'census_enrollment' AND effective_date = DATE '2025-04-10')
UNION ALL SELECT 'no 0-hour employee' WHERE NOT EXISTS (SELECT 1 FROM fct_workforce_snapshot WHERE scheduled_hours_per_week = 0)"
# Every tenth census row hired inside 2025: some leave in 2025 as experienced
# terminations, after their hire date; none of them is an HCE in 2025 (no look-back
# pay from the employer); every check passes (simulate runs them).
awk -F, 'BEGIN { OFS = "," } NR == 1 { print; next }
    { if (NR % 10 == 3) $4 = sprintf("2025-%02d-%02d", 1 + NR % 12, 1 + NR % 28); print }' "$TMP/c3k_1.csv" >"$TMP/c3k_fy.csv"
simulate first_year_hires "$TMP/c3k_fy.csv" --years 2025-2027 --seed 2
expect_none first_year_hires "$TMP/first_year_hires.duckdb" "expect: first-year census hires leave after their hire date, not HCEs in 2025" "
WITH t AS (SELECT e.effective_date, s.employee_hire_date AS hire FROM fct_yearly_events e
    JOIN fct_workforce_snapshot s USING (scenario_id, simulation_year, employee_id)
    WHERE e.simulation_year = 2025 AND e.event_category = 'experienced_termination' AND s.employee_hire_date >= DATE '2025-01-01')
SELECT 'fewer than 20 first-year census hires terminated in 2025' WHERE (SELECT count(*) FROM t) < 20
UNION ALL SELECT 'a first-year census hire terminated on or before its hire date' WHERE EXISTS (SELECT 1 FROM t WHERE effective_date <= hire)
UNION ALL SELECT 'a first-year census hire flagged HCE in 2025' WHERE EXISTS (SELECT 1 FROM fct_workforce_snapshot
    WHERE simulation_year = 2025 AND employee_hire_date >= DATE '2025-01-01' AND employee_id LIKE 'EMP%' AND is_hce)"
expect_none ref_tenure_based "$TMP/ref_tenure_based.duckdb" "expect: census_enrollment events, tenure_based match, Jan 15 voluntary enrollments" "
SELECT 'no census_enrollment' WHERE NOT EXISTS (SELECT 1 FROM fct_yearly_events WHERE event_category = 'census_enrollment')
UNION ALL SELECT 'no tenure_based match' WHERE NOT EXISTS (SELECT 1 FROM fct_employer_match_events WHERE formula_name = 'tenure_based')
UNION ALL SELECT 'no voluntary enrollment on Jan 15 of a later year' WHERE NOT EXISTS (
    SELECT 1 FROM fct_yearly_events WHERE event_category = 'voluntary_enrollment' AND strftime(effective_date, '%m-%d') = '01-15')"

# ---- a match judged by its mode: one corrupted match in a tenure_based run ----
# The match of an active employee with 2-4 years of service in 2028 (the 50% row of
# tenure_match_tiers) is halved to what the 25% row would pay, with its balances kept
# consistent: check 17 alone must fail, naming the employee.
corrupt_mode_test() {
    local db=$TMP/corrupt_mode.duckdb src=$TMP/ref_tenure_based.duckdb victim rc others
    victim=$(query "$src" "SELECT min(employee_id) FROM fct_workforce_snapshot WHERE simulation_year = 2028
        AND employment_status = 'active' AND employer_match_amount > 100 AND current_tenure BETWEEN 2 AND 4
        AND NOT irs_415c_limit_applied" | tail -n 1)
    cp "$src" "$db" || return 1
    if [ -z "$victim" ] || ! "$SQL_EXEC" "$db" "UPDATE pw.snapshot_store
            SET employer_match_amount = round(employer_match_amount / 2, 2),
                uncapped_match_amount = round(uncapped_match_amount / 2, 2),
                employer_match_balance = employer_match_balance - (employer_match_amount - round(employer_match_amount / 2, 2)),
                vested_balance = round(vested_balance - (employer_match_amount - round(employer_match_amount / 2, 2)) * match_vested_pct, 2)
            WHERE simulation_year = 2028
              AND employee_key = (SELECT employee_key FROM pw.dim_employee WHERE employee_id = '$victim')"; then
        not_ok corrupt_mode "could not corrupt the copy with $SQL_EXEC (victim '$victim')"
        return 1
    fi
    "$BIN" models run -q --db "$db" >"$TMP/corrupt_mode.out" 2>"$TMP/corrupt_mode.err"
    rc=$?
    others=$(query "$db" "SELECT count(*) FROM planwise_model_runs WHERE run_number = (SELECT max(run_number) FROM planwise_model_runs)
        AND status <> 'ok' AND model_name <> 'check_17_match'" | tail -n 1)
    if [ "$rc" -eq 1 ] \
        && grep -q "^planwise: data-quality check 'check_17_match' failed: " "$TMP/corrupt_mode.err" \
        && grep -q "$victim.*match <> round2(formula(d) x B_cap)" "$TMP/corrupt_mode.err" \
        && grep -q "^planwise: 1 of $(ls "$CHECKS"/*.sql | wc -l) data-quality checks failed (check_17_match)" "$TMP/corrupt_mode.err" \
        && [ "$others" = "0" ]; then
        ok corrupt_mode "a tenure_based match paid at the wrong row: check 17 fails with it, exit 1"
    else
        not_ok corrupt_mode "corrupted match of $victim not reported as expected (exit $rc, $others other failures):"
        sed 's/^/       | /' "$TMP/corrupt_mode.err"
    fi
}
corrupt_mode_test

# default_plan.yaml spells out the defaults: the same results as the shipped
# simulation_config.yaml and as no configuration at all (scenario_id and event_id aside)
simulate shipped_cfg "$TMP/c3k_1.csv" --years 2025-2029 --seed 1 --config "$CONFIGS/simulation_config.yaml"
"$BIN" run -q --census "$TMP/c3k_1.csv" --db "$TMP/no_cfg.duckdb" --years 2025-2029 --seed 1 >/dev/null 2>&1 \
    || not_ok no_cfg "planwise run without --config failed"
# expect_same_tables RUN DB OTHER_DB LABEL: events, snapshot and match rows of DB equal
# those of OTHER_DB, compared as md5 over every row without scenario_id and event_id
expect_same_tables() {
    local run=$1 db=$2 other=$3 label=$4 t key sql="" out
    for t in "fct_yearly_events:simulation_year, employee_id, event_sequence" \
             "fct_workforce_snapshot:simulation_year, employee_id" \
             "fct_employer_match_events:simulation_year, employee_id"; do
        key=${t#*:}
        t=${t%%:*}
        [ -n "$sql" ] && sql="$sql UNION ALL "
        sql="$sql SELECT '$t' AS name,
            (SELECT count(*) || ':' || md5(string_agg(x::VARCHAR, chr(10) ORDER BY $key))
             FROM (SELECT COLUMNS(c -> c NOT IN ('scenario_id', 'event_id')) FROM $t) x) AS here,
            (SELECT count(*) || ':' || md5(string_agg(x::VARCHAR, chr(10) ORDER BY $key))
             FROM (SELECT COLUMNS(c -> c NOT IN ('scenario_id', 'event_id')) FROM other.$t) x) AS there"
    done
    out=$(query "$db" "ATTACH '$other' AS other (READ_ONLY);
SELECT coalesce(string_agg(name || ' ' || here || ' <> ' || there, '; '), 'same') FROM ($sql) WHERE here IS DISTINCT FROM there" 2>&1 | tail -n 1)
    if [ "$out" = "same" ]; then
        ok "$run" "$label"
    else
        not_ok "$run" "$label: $out"
    fi
}
expect_same_tables ex_default_1 "$TMP/ex_default_1.duckdb" "$TMP/shipped_cfg.duckdb" "expect: default_plan.yaml = simulation_config.yaml"
expect_same_tables ex_default_1 "$TMP/ex_default_1.duckdb" "$TMP/no_cfg.duckdb" "expect: default_plan.yaml = no configuration"

# census plan columns reach the snapshot: rate > 0 <=> pre-enrolled (method census, enrolled
# at the census date) with that rate; auto_escalation_opt_out carried
expect_none ex_default_1 "$TMP/ex_default_1.duckdb" "expect: census deferral rates and escalation opt-outs carried" "
SELECT c.employee_id, c.employee_deferral_rate, s.original_deferral_rate, s.enrollment_method
FROM read_csv('$TMP/c3k_1.csv', all_varchar = true) c
JOIN fct_workforce_snapshot s ON s.employee_id = c.employee_id AND s.simulation_year = 2025
WHERE (CAST(c.employee_deferral_rate AS DOUBLE) > 0) <> (s.enrollment_method IS NOT DISTINCT FROM 'census')
   OR (CAST(c.employee_deferral_rate AS DOUBLE) > 0
       AND (abs(s.original_deferral_rate - CAST(c.employee_deferral_rate AS DOUBLE)) > 1e-9
            OR s.employee_enrollment_date <> DATE '2024-12-31'))
   OR s.auto_escalation_opt_out <> CAST(c.auto_escalation_opt_out AS BOOLEAN)
UNION ALL SELECT 'rows', count(*), NULL, NULL FROM read_csv('$TMP/c3k_1.csv', all_varchar = true) HAVING count(*) <> 3000"

# safe harbor: immediate match vesting, no core, leavers matched too, AE at 3%
expect_none ex_safeharbor_1 "$TMP/ex_safeharbor_1.duckdb" "expect: immediate match, no core, leavers matched, AE at 3%" "
SELECT employee_id, simulation_year, 'match not fully vested or core paid' FROM fct_workforce_snapshot
WHERE match_vested_pct <> 1 OR employer_core_amount <> 0 OR employer_core_balance <> 0
UNION ALL SELECT employee_id, simulation_year, 'AE rate <> 0.03' FROM fct_yearly_events
WHERE event_category = 'auto_enrollment' AND employee_deferral_rate <> 0.03
UNION ALL SELECT 'none', 0, 'no terminated employee received a match'
WHERE NOT EXISTS (SELECT 1 FROM fct_workforce_snapshot WHERE employment_status = 'terminated' AND employer_match_amount > 0)"

# QACA: AE of every eligible non-participant (no cutoff), at 6%, escalated; cliff_2 match
expect_none ex_qaca_1 "$TMP/ex_qaca_1.duckdb" "expect: QACA auto-enrolls census non-participants hired before 2020" "
SELECT 'no auto-enrollment of an employee hired before 2020'
WHERE NOT EXISTS (SELECT 1 FROM fct_yearly_events e JOIN fct_workforce_snapshot s USING (scenario_id, simulation_year, employee_id)
                  WHERE e.event_category = 'auto_enrollment' AND s.employee_hire_date < DATE '2020-01-01')
UNION ALL SELECT 'no escalation of an employee hired before 2020'
WHERE NOT EXISTS (SELECT 1 FROM fct_yearly_events e JOIN fct_workforce_snapshot s USING (scenario_id, simulation_year, employee_id)
                  WHERE e.event_type = 'deferral_escalation' AND s.employee_hire_date < DATE '2020-01-01')
UNION ALL SELECT 'AE rate <> 0.06' FROM fct_yearly_events WHERE event_category = 'auto_enrollment' AND employee_deferral_rate <> 0.06
UNION ALL SELECT 'core paid' FROM fct_workforce_snapshot WHERE employer_core_amount <> 0 LIMIT 5"

# voluntary plan: no AE window, no opt-outs, no escalation; voluntary and yearly enrollment happen
expect_none ex_voluntary_1 "$TMP/ex_voluntary_1.duckdb" "expect: only voluntary and year-over-year enrollment" "
SELECT event_category::VARCHAR FROM fct_yearly_events
WHERE event_category IN ('auto_enrollment', 'proactive_voluntary', 'enrollment_opt_out', 'deferral_escalation')
UNION ALL SELECT 'no ' || k FROM (VALUES ('voluntary_enrollment'), ('year_over_year_voluntary')) v(k)
WHERE k NOT IN (SELECT DISTINCT event_category::VARCHAR FROM fct_yearly_events)"

# tenure-graded match: all three YOS bands matched; core by service 2% / 3% / 4%
expect_none ex_tenure_1 "$TMP/ex_tenure_1.duckdb" "expect: three match bands, core graded by service" "
SELECT 'band ' || b || ' not matched' FROM (VALUES (0), (3), (10)) v(b)
WHERE NOT EXISTS (SELECT 1 FROM fct_employer_match_events
                  WHERE years_of_service >= b AND years_of_service < CASE b WHEN 0 THEN 3 WHEN 3 THEN 10 ELSE 1000 END)
UNION ALL
SELECT employee_id || ' ' || simulation_year || ': core ' || employer_core_amount FROM fct_workforce_snapshot
WHERE employer_core_eligible AND NOT irs_415c_limit_applied
  AND abs(employer_core_amount - contribution_base_compensation
          * CASE WHEN current_tenure < 5 THEN 0.02 WHEN current_tenure < 10 THEN 0.03 ELSE 0.04 END) > 0.0051"

# ---- match response (4.12): census participants move toward the match ceiling in S ----
cat >"$TMP/match_response.yaml" <<'EOF'
deferral_match_response:
  enabled: true
EOF
simulate match_resp "$TMP/c3k_2.csv" --years 2025-2027 --seed 3 --config "$TMP/match_response.yaml"
# C = 0.05 (tiered_match), maximum_rate 0.10; partial moves use rha with the 1e-9 guard;
# responders / candidates within 4 standard errors of the participation rates .40 / .15
expect_none match_resp "$TMP/match_resp.duckdb" "expect: match-response rates and participation" "
WITH m AS (
    SELECT *, regexp_extract(event_details, 'direction=([a-z]+)', 1) AS dir, regexp_extract(event_details, 'mode=([a-z_]+)', 1) AS mode,
           prev_employee_deferral_rate AS r, employee_deferral_rate AS n
    FROM fct_yearly_events WHERE event_type = 'deferral_match_response'),
cand AS (
    SELECT count(*) FILTER (WHERE original_deferral_rate < 0.05) AS up, count(*) FILTER (WHERE original_deferral_rate > 0.05) AS down
    FROM fct_workforce_snapshot WHERE simulation_year = 2025 AND enrollment_method = 'census'
      AND detailed_status_code IN ('continuous_active', 'experienced_termination'))
SELECT employee_id, dir || '/' || mode || ' ' || r || ' -> ' || n AS problem FROM m
WHERE NOT CASE
    WHEN dir = 'upward' AND mode = 'maximize' THEN r < 0.05 AND abs(n - 0.05) < 1e-9 AND event_probability = 0.40
    WHEN dir = 'upward' AND mode = 'partial' THEN r < 0.05 AND event_probability = 0.40
        AND abs(n - least(0.10, 0.005 * floor((r + 0.5 * (0.05 - r)) / 0.005 + 0.5 + 1e-9))) < 1e-9
    WHEN dir = 'downward' AND mode = 'reduce_to_max' THEN r > 0.05 AND abs(n - 0.05) < 1e-9 AND event_probability = 0.15
    WHEN dir = 'downward' AND mode = 'partial' THEN r > 0.05 AND event_probability = 0.15
        AND abs(n - greatest(0, 0.005 * floor((r - 0.5 * (r - 0.05)) / 0.005 + 0.5 + 1e-9))) < 1e-9
    ELSE false END
UNION ALL SELECT 'none', 'no ' || k FROM (VALUES ('upward/maximize'), ('upward/partial'), ('downward/reduce_to_max'), ('downward/partial')) v(k)
WHERE k NOT IN (SELECT dir || '/' || mode FROM m)
UNION ALL SELECT 'none', 'upward responders ' || (SELECT count(*) FROM m WHERE dir = 'upward') || ' of ' || up || ' candidates, want 0.40'
FROM cand WHERE abs((SELECT count(*) FROM m WHERE dir = 'upward') - 0.40 * up) > 4 * sqrt(up * 0.40 * 0.60)
UNION ALL SELECT 'none', 'downward responders ' || (SELECT count(*) FROM m WHERE dir = 'downward') || ' of ' || down || ' candidates, want 0.15'
FROM cand WHERE abs((SELECT count(*) FROM m WHERE dir = 'downward') - 0.15 * down) > 4 * sqrt(down * 0.15 * 0.85)"

# ---- vesting with hours credit, part-time and excluded hires, other eligibility rules ----
cat >"$TMP/hours.yaml" <<'EOF'
workforce:
  part_time_new_hire_pct: 0.5
  part_time_hours_per_week: 15
eligibility:
  new_hire_ineligible_pct: 0.2
plan_eligibility:
  minimum_age: 18
  waiting_period_days: 60
vesting:
  require_hours_credit: true
  hours_credit_threshold: 1000
  match_schedule: "graded_4"
  core_schedule: "cliff_3"
EOF
simulate hours_credit "$TMP/c3k_2.csv" --years 2025-2029 --seed 4 --config "$TMP/hours.yaml"
expect_none hours_credit "$TMP/hours_credit.duckdb" "expect: short years lose vesting credit, excluded hires (20%)" "
WITH h AS (
    SELECT count(*) AS hires, count(*) FILTER (WHERE s.current_eligibility_status = 'excluded') AS excluded
    FROM fct_workforce_snapshot s WHERE year(s.employee_hire_date) = s.simulation_year)
SELECT 'no vesting year lost to the hours credit' WHERE NOT EXISTS (
    SELECT 1 FROM fct_workforce_snapshot WHERE vesting_years < current_tenure AND annual_hours_worked < 1000)
UNION ALL SELECT 'no part-timer failing the match hours test' WHERE NOT EXISTS (
    SELECT 1 FROM fct_workforce_snapshot WHERE scheduled_hours_per_week = 15 AND employer_match_eligibility_reason = 'insufficient_hours')
UNION ALL SELECT 'excluded hires ' || excluded || ' of ' || hires || ', want 0.20' FROM h
WHERE abs(excluded - 0.2 * hires) > 4 * sqrt(hires * 0.2 * 0.8)"

# ---- a 25% core with permitted disparity: 415(c) cuts the match first, then the core ----
cat >"$TMP/core415.yaml" <<'EOF'
employer_match:
  active_formula: "simple_match"
employer_core_contribution:
  status: "flat"
  contribution_rate: 0.25
  integration:
    enabled: true
    level_mode: "ss_wage_base"
    disparity_rate: 0.057
EOF
simulate core_415c "$TMP/c3k_1.csv" --years 2025-2029 --seed 5 --config "$TMP/core415.yaml"
# core before the cut = round2(0.25 B_cap) + round2(0.057 max(0, B_cap - ss_wage_base of Y))
expect_none core_415c "$TMP/core_415c.duckdb" "expect: 415(c) cuts match first, then core; disparity added" "
WITH s AS (
    SELECT s.*, round(0.25 * contribution_base_compensation, 2)
               + round(0.057 * greatest(0, contribution_base_compensation - i.ss_wage_base), 2) AS core_formula
    FROM fct_workforce_snapshot s JOIN pw_irs() i ON i.year = pw_irs_year(s.simulation_year)
    WHERE s.employer_core_eligible)
SELECT employee_id, simulation_year, employer_core_amount, core_formula, 'core <> formula without 415(c)' FROM s
WHERE NOT irs_415c_limit_applied AND abs(employer_core_amount - core_formula) > 0.0101
UNION ALL SELECT employee_id, simulation_year, employer_core_amount, core_formula, 'core cut while match left' FROM s
WHERE irs_415c_limit_applied AND employer_core_amount < core_formula - 0.0101 AND employer_match_amount > 0
UNION ALL SELECT 'none', 0, 0, 0, 'no 415(c) cut of a match' WHERE NOT EXISTS (SELECT 1 FROM fct_employer_match_events WHERE irs_415c_reduction > 0)
UNION ALL SELECT 'none', 0, 0, 0, 'no 415(c) cut of a core' WHERE NOT EXISTS (SELECT 1 FROM s WHERE employer_core_amount < core_formula - 0.0101)
UNION ALL SELECT 'none', 0, 0, 0, 'no disparity above the wage base' WHERE NOT EXISTS (
    SELECT 1 FROM s JOIN pw_irs() i ON i.year = pw_irs_year(s.simulation_year) WHERE s.contribution_base_compensation > i.ss_wage_base)"

# ---- plan edge cases on a tiny census ----
# E1 born Feb 29 2004: 21 on Mar 1 2025 (E), AE-covered (all_eligible_employees, no cutoff);
# E2 eligibility_override false: excluded forever; E3 override false but pre-enrolled:
# eligible, census method, escalated on Mar 1 from S (delay 0); E4 rate given in percent
# (6 -> 0.06), auto_escalation_opt_out; E5 rate 0.9 -> plan cap 0.75, age 61: 402(g)
# super catch-up, 401(a)(17), HCE; E6 hired 11 days before the census date: E = hire + 30
# in S; E7 14 years old: pending all horizon; E8 10 hours a week: match hours test fails.
cat >"$TMP/edge.csv" <<'EOF'
employee_id,employee_birth_date,employee_hire_date,employee_gross_compensation,employee_deferral_rate,eligibility_override,auto_escalation_opt_out,scheduled_hours_per_week
EMP_E1,2004-02-29,2022-05-01,40000,,,,
EMP_E2,1980-01-01,2015-01-01,60000,0,false,,
EMP_E3,1985-05-05,2016-01-01,80000,0.05,false,,
EMP_E4,1975-07-07,2012-03-01,90000,6,,true,
EMP_E5,1964-03-10,2001-01-01,500000,0.9,,,
EMP_E6,1990-04-04,2024-12-20,55000,,,,
EMP_E7,2010-06-01,2024-06-01,30000,,,,
EMP_E8,1970-01-01,2010-01-01,70000,0.03,,,10
EOF
cat >"$TMP/edge.yaml" <<'EOF'
enrollment:
  auto_enrollment:
    scope: "all_eligible_employees"
    hire_date_cutoff: null
    window_days: 20
    opt_out_grace_period: 10
    default_deferral_rate: 0.04
  proactive_enrollment:
    timing_window:
      min_days: 3
      max_days: 15
deferral_auto_escalation:
  effective_day: "03-01"
  increment_amount: 0.02
  maximum_rate: 0.09
  hire_date_cutoff: null
  first_escalation_delay_years: 0
plan_eligibility:
  minimum_age: 21
  waiting_period_days: 30
EOF
simulate plan_edges "$TMP/edge.csv" --years 2025-2029 --config "$TMP/edge.yaml"
expect_none plan_edges "$TMP/plan_edges.duckdb" "expect: the edge-case employees behave as designed" "
WITH s AS (SELECT * FROM fct_workforce_snapshot), e AS (SELECT * FROM fct_yearly_events)
SELECT 'E1 eligibility event not on 2025-03-01' WHERE NOT EXISTS (
    SELECT 1 FROM e WHERE employee_id = 'EMP_E1' AND event_type = 'eligibility' AND effective_date = DATE '2025-03-01')
UNION ALL SELECT 'E1 not enrolled in [Mar 4, Mar 21] 2025' WHERE NOT EXISTS (
    SELECT 1 FROM e WHERE employee_id = 'EMP_E1' AND event_type = 'enrollment'
      AND effective_date BETWEEN DATE '2025-03-04' AND DATE '2025-03-21')
UNION ALL SELECT 'E2 not excluded or has plan events' WHERE EXISTS (
    SELECT 1 FROM s WHERE employee_id = 'EMP_E2' AND (current_eligibility_status <> 'excluded' OR current_deferral_rate <> 0))
    OR EXISTS (SELECT 1 FROM e WHERE employee_id = 'EMP_E2' AND event_type NOT IN ('raise', 'promotion'))
UNION ALL SELECT 'E3 not census-enrolled and escalated to 0.07 on 2025-03-01' WHERE NOT EXISTS (
    SELECT 1 FROM s JOIN e USING (scenario_id, simulation_year, employee_id)
    WHERE employee_id = 'EMP_E3' AND simulation_year = 2025 AND current_eligibility_status = 'eligible' AND enrollment_method = 'census'
      AND e.event_type = 'deferral_escalation' AND e.effective_date = DATE '2025-03-01' AND e.employee_deferral_rate = 0.07)
UNION ALL SELECT 'E4 rate not 0.06 or escalated' WHERE EXISTS (
    SELECT 1 FROM s WHERE employee_id = 'EMP_E4' AND (current_deferral_rate <> 0.06 OR total_deferral_escalations <> 0))
UNION ALL SELECT 'E5 not at the plan cap with 402(g) super catch-up, 401(a)(17), HCE in 2025' WHERE NOT EXISTS (
    SELECT 1 FROM s WHERE employee_id = 'EMP_E5' AND simulation_year = 2025 AND current_deferral_rate = 0.75
      AND limit_type = 'SUPER_CATCH_UP' AND prorated_annual_contributions = 34750 AND irs_402g_limit_applied
      AND irs_401a17_limit_applied AND contribution_base_compensation = 350000 AND is_hce AND total_deferral_escalations = 0)
UNION ALL SELECT 'E6 eligibility event not on 2025-01-19' WHERE NOT EXISTS (
    SELECT 1 FROM e WHERE employee_id = 'EMP_E6' AND event_type = 'eligibility' AND effective_date = DATE '2025-01-19')
UNION ALL SELECT 'E7 not pending all years with E = 2031-06-01' WHERE EXISTS (
    SELECT 1 FROM s WHERE employee_id = 'EMP_E7' AND (current_eligibility_status <> 'pending' OR employee_eligibility_date <> DATE '2031-06-01'))
UNION ALL SELECT 'E8 match eligibility not insufficient_hours' WHERE EXISTS (
    SELECT 1 FROM s WHERE employee_id = 'EMP_E8' AND employer_match_eligibility_reason <> 'insufficient_hours')
UNION ALL SELECT 'not 8 employees in every year' WHERE (SELECT count(*) FROM s) <> 40"

echo "invariant runs took $(($(date +%s) - START)) s"

# ---- plan statistics, determinism (MODEL 7 invariant 21), scenarios and failed runs ----
# sub_suite NAME SCRIPT: runs SCRIPT (same interface as this file) and adds its
# "N passed, M failed" summary to the counts
sub_suite() {
    local name=$1 script=$2 out=$TMP/$1.out summary p f
    "$script" "$BIN" | tee "$out"
    summary=$(tail -n 1 "$out")
    p=$(echo "$summary" | sed -n 's/^\([0-9][0-9]*\) passed, \([0-9][0-9]*\) failed$/\1/p')
    f=$(echo "$summary" | sed -n 's/^\([0-9][0-9]*\) passed, \([0-9][0-9]*\) failed$/\2/p')
    if [ -z "$p" ]; then
        not_ok "$name" "$(basename "$script") gave no summary line"
    else
        PASS=$((PASS + p))
        FAIL=$((FAIL + f))
    fi
}
sub_suite plan_stats "$HERE/plan_stats.sh"
sub_suite determinism "$HERE/determinism.sh"
sub_suite resume "$HERE/resume.sh"
sub_suite compliance "$HERE/compliance.sh"

echo "whole invariant suite took $(($(date +%s) - START)) s"
echo "$PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ]
