#!/bin/bash
# tests/invariants/run.sh: multi-year invariant tests (MODEL section 7, workforce part).
#
#   tests/invariants/run.sh build/planwise [-k]      (-k keeps the scratch folder)
#
# Simulates a set of censuses and configurations (generated censuses of several
# sizes and seeds, hand-written tiny censuses, everyone at the top level, zero and
# negative growth, uniform selection, realistic raise timing, fixed hire shares)
# and runs every SQL check of tests/invariants/checks/ against each output
# database through `planwise query`. A check returns the violating rows, so zero
# rows = pass; the first rows of a failing check are printed. Some runs add
# run-specific expectations (e.g. the reduction-in-force branch really ran).
# Afterwards tests/invariants/determinism.sh runs and its results are counted too.
# Prints one line per check per run and a final "N passed, M failed"; exits 1 on
# any failure.

set -u

if [ "$#" -lt 1 ]; then
    echo "usage: tests/invariants/run.sh PLANWISE_BINARY [-k]" >&2
    exit 2
fi
BIN=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
KEEP=${2:-}
HERE=$(cd "$(dirname "$0")" && pwd)
CHECKS=$HERE/checks
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

# query DB SQL: CSV output of a read-only query ("--" so SQL may start with a comment)
query() { "$BIN" query --db "$1" --csv -- "$2"; }

# Strips a trailing semicolon so a check can be wrapped in a subquery.
check_sql() { sed -e 's/;[[:space:]]*$//' "$1"; }

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
        query "$db" "SELECT * FROM (
$sql
) LIMIT 5" 2>&1 | sed 's/^/       | /'
    fi
}

# simulate RUN CENSUS [run options...]: runs planwise into $TMP/RUN.duckdb, then all checks.
simulate() {
    local run=$1 census=$2 db=$TMP/$1.duckdb f rc
    shift 2
    "$BIN" run -q --census "$census" --db "$db" "$@" >"$TMP/$run.out" 2>"$TMP/$run.err"
    rc=$?
    if [ "$rc" -ne 0 ]; then
        not_ok "$run" "planwise run $* failed (exit $rc):"
        sed 's/^/       | /' "$TMP/$run.err"
        return 1
    fi
    for f in "$CHECKS"/*.sql; do
        expect_none "$run" "$db" "$(basename "$f" .sql)" "$(check_sql "$f")"
    done
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

# ---- 20,000 employees ----
generate 20000 7 "$TMP/c20k.csv"
simulate gen20k "$TMP/c20k.csv" --years 2025-2029 --seed 7

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

echo "invariant runs took $(($(date +%s) - START)) s"

# ---- determinism (MODEL 7 invariant 21), scenarios and failed runs ----
DET_OUT=$TMP/determinism.out
"$HERE/determinism.sh" "$BIN" | tee "$DET_OUT"
det_summary=$(tail -n 1 "$DET_OUT")
det_pass=$(echo "$det_summary" | sed -n 's/^\([0-9][0-9]*\) passed, \([0-9][0-9]*\) failed$/\1/p')
det_fail=$(echo "$det_summary" | sed -n 's/^\([0-9][0-9]*\) passed, \([0-9][0-9]*\) failed$/\2/p')
if [ -z "$det_pass" ]; then
    not_ok determinism "determinism.sh gave no summary line"
else
    PASS=$((PASS + det_pass))
    FAIL=$((FAIL + det_fail))
fi

echo "$PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ]
