#!/bin/bash
# tests/invariants/plan_stats.sh: statistical checks of the enrollment model (MODEL 4.11).
#
#   tests/invariants/plan_stats.sh build/planwise [EMPLOYEES]     (default 100000)
#
# Simulates one large generated census twice: the default configuration over
# 2025-2026 (auto-enrollment windows opened in 2025 all close, opt-outs included,
# by mid-March 2026) and config/examples/voluntary_no_ae.yaml over 2025. From the
# snapshot and events it recomputes, per employee, the probability the MODEL rules
# and the built-in tables give (age group from age_Y, income group from the salary
# in force on the decision date, job-level and tenure groups), and compares the
# observed count or mean with the sum of those probabilities:
#   default configuration, window decisions of 2025 (AE-covered, W0 = max(E, Jan 1 S)
#   in 2025, still employed on the date the outcome would be seen; terminations draw
#   nothing from the enrollment streams, so this keeps the sample unbiased):
#     proactive share      p = probability_by_demographics[age]
#     opt-out share        among auto-enrolled still employed on A + 30:
#                          p = by_age[age] x by_income[income on W0]
#     participation        enrolled and not opted out on A + 30:
#                          p_pro + (1 - p_pro)(1 - p_opt)
#     proactive rate mean  rate = clamp(base[age][income], 0.01, 0.10), or with the
#                          magnet (0.45, when base < C = 0.05) clamp(C)
#   voluntary_no_ae:
#     voluntary share      eligible in 2025 (event on E): p = min(1, base[age] x
#                          income[income on E] x job_level[level on E])
#     voluntary rate mean  as the proactive rate
#     year-over-year share E < Jan 1 2025, not enrolled, employed on Jun 15:
#                          p = min(1, base[age] x income[income on Jun 15] x tenure[tenure_Y])
# A statistic passes when |observed - expected| <= 4 standard errors (sum of the
# per-employee Bernoulli or two-point variances). Deterministic side checks: every
# window member got exactly one window outcome, and the probability and rate written
# on each event equal the recomputed ones. Prints one line per check (observed,
# expected, standard error, z) and a final "N passed, M failed"; exits 1 on failure.

set -u

if [ "$#" -lt 1 ]; then
    echo "usage: tests/invariants/plan_stats.sh PLANWISE_BINARY [EMPLOYEES]" >&2
    exit 2
fi
BIN=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
EMPLOYEES=${2:-100000}
HERE=$(cd "$(dirname "$0")" && pwd)
TMP=$(mktemp -d "${TMPDIR:-/tmp}/pw-planstats.XXXXXX") || exit 1
trap 'rm -rf "$TMP"' EXIT
trap 'exit 130' INT TERM

PASS=0
FAIL=0
ok() { PASS=$((PASS + 1)); printf 'ok   %-14s %s\n' plan_stats "$1"; }
not_ok() { FAIL=$((FAIL + 1)); printf 'FAIL %-14s %s\n' plan_stats "$1"; }

# the pw_* macros of models/macros.sql are in the database: planwise run's models made them
query() { "$BIN" query --db "$1" --csv -- "$2"; }

# Shared CTEs: groups of MODEL 4.11 and the built-in enrollment tables, and the salary
# in force on a date of 2025 (the last hire / promotion / raise event on or before it,
# else the census salary s0 = the first 2025 change's previous salary or current pay).
COMMON="
opt_age(g, v) AS (VALUES ('young', 0.10), ('mid_career', 0.07), ('mature', 0.05), ('senior', 0.03)),
opt_inc(g, v) AS (VALUES ('low', 1.20), ('moderate', 1.00), ('high', 0.70), ('executive', 0.50)),
pro_age(g, v) AS (VALUES ('young', 0.25), ('mid_career', 0.45), ('mature', 0.65), ('senior', 0.75)),
vol_age(g, v) AS (VALUES ('young', 0.30), ('mid_career', 0.55), ('mature', 0.70), ('senior', 0.80)),
vol_inc(g, v) AS (VALUES ('low', 0.70), ('moderate', 1.00), ('high', 1.15), ('executive', 1.25)),
yoy_age(g, v) AS (VALUES ('young', 0.03), ('mid_career', 0.05), ('mature', 0.07), ('senior', 0.08)),
yoy_inc(g, v) AS (VALUES ('low', 0.8), ('moderate', 1.0), ('high', 1.2), ('executive', 1.3)),
base_rate(a, i, v) AS (VALUES
    ('young', 'low', 0.03), ('young', 'moderate', 0.03), ('young', 'high', 0.04), ('young', 'executive', 0.06),
    ('mid_career', 'low', 0.04), ('mid_career', 'moderate', 0.06), ('mid_career', 'high', 0.08), ('mid_career', 'executive', 0.10),
    ('mature', 'low', 0.05), ('mature', 'moderate', 0.08), ('mature', 'high', 0.10), ('mature', 'executive', 0.12),
    ('senior', 'low', 0.06), ('senior', 'moderate', 0.10), ('senior', 'high', 0.12), ('senior', 'executive', 0.15)),
s25 AS (SELECT * FROM fct_workforce_snapshot WHERE simulation_year = 2025),
term AS (SELECT employee_id, min(effective_date) AS t FROM fct_yearly_events WHERE event_type = 'termination' GROUP BY ALL),
comp AS (SELECT employee_id, effective_date, event_sequence, event_type, compensation_amount, previous_compensation
         FROM fct_yearly_events WHERE simulation_year = 2025 AND event_type IN ('hire', 'promotion', 'raise')),
s0 AS (SELECT s.employee_id, coalesce(arg_min(c.previous_compensation, c.event_sequence)
                                          FILTER (WHERE c.event_type <> 'hire'), s.current_compensation) AS s0
       FROM s25 s LEFT JOIN comp c USING (employee_id) GROUP BY s.employee_id, s.current_compensation),
enr AS (SELECT employee_id, any_value(event_category::VARCHAR) AS category, min(effective_date) AS d,
               any_value(employee_deferral_rate) AS rate, any_value(event_probability) AS prob
        FROM fct_yearly_events WHERE event_type = 'enrollment' GROUP BY ALL),
opt AS (SELECT employee_id, min(effective_date) AS d, any_value(event_probability) AS prob
        FROM fct_yearly_events WHERE event_type = 'enrollment_change' GROUP BY ALL)"

# salary_on DECISION_CTE: a CTE named <name>_pay with the salary of each employee of
# DECISION_CTE (employee_id, d) in force on its date d
salary_on() {
    echo "$1_pay AS (
    SELECT x.employee_id, coalesce(arg_max(c.compensation_amount, c.event_sequence) FILTER (WHERE c.effective_date <= x.d),
                                   any_value(z.s0)) AS pay
    FROM $1 x LEFT JOIN comp c USING (employee_id) LEFT JOIN s0 z USING (employee_id)
    GROUP BY x.employee_id)"
}

# stat LABEL DB SQL: SQL returns one row "n,observed,expected,se" (totals, not shares;
# se of the total); passes when |observed - expected| <= 4 se. Shares are printed.
stat() {
    local label=$1 db=$2 sql=$3 row
    row=$(query "$db" "$sql" 2>"$TMP/err" | tail -n 1)
    if ! echo "$row" | grep -Eq '^[0-9]+,[-0-9.e]+,[-0-9.e]+,[-0-9.e]+$'; then
        not_ok "$label: query failed: $(head -c 600 "$TMP/err") $row"
        return
    fi
    local line
    line=$(echo "$row" | awk -F, '{
        n = $1; o = $2; e = $3; se = $4;
        z = (se > 0) ? (o - e) / se : ((o == e) ? 0 : 99);
        printf "%s %.5f vs expected %.5f (n = %d, se %.5f, z = %+.2f)", ((z <= 4 && z >= -4 && n > 0) ? "PASS" : "FAIL"), o / n, e / n, n, se / n, z }')
    if [ "${line%% *}" = "PASS" ]; then
        ok "$label: ${line#* }"
    else
        not_ok "$label: ${line#* }"
    fi
}

# exact LABEL DB SQL: SQL returns one count; passes when it is 0.
exact() {
    local label=$1 db=$2 sql=$3 n
    n=$(query "$db" "$sql" 2>"$TMP/err" | tail -n 1)
    if [ "$n" = "0" ]; then
        ok "$label"
    else
        not_ok "$label: $n $(head -c 600 "$TMP/err")"
    fi
}

START=$(date +%s)
"$BIN" census generate --employees "$EMPLOYEES" --seed 77 --out "$TMP/census.csv" >/dev/null || exit 1
DEF=$TMP/default.duckdb
VOL=$TMP/voluntary.duckdb
if ! "$BIN" run -q --census "$TMP/census.csv" --db "$DEF" --years 2025-2026 --seed 77 >"$TMP/out" 2>&1; then
    not_ok "default run failed: $(head -c 600 "$TMP/out")"
fi
if ! "$BIN" run -q --census "$TMP/census.csv" --db "$VOL" --years 2025 --seed 77 \
        --config "$HERE/../../config/examples/voluntary_no_ae.yaml" >"$TMP/out" 2>&1; then
    not_ok "voluntary_no_ae run failed: $(head -c 600 "$TMP/out")"
fi

# ---- default configuration: the 2025 auto-enrollment windows ----
# members: AE-covered (hired on/after 2020-01-01), not pre-enrolled, not excluded, with
# W0 = max(E, Jan 1 2025) in 2025 inside the employment; A = W0 + 45, O = A + 30
WINDOW="WITH $COMMON,
pre AS (SELECT * FROM pw_pre_enrolled()),
w AS (
    SELECT s.employee_id, s.current_age, pw_age_group(s.current_age) AS age_g,
           greatest(s.employee_eligibility_date, DATE '2025-01-01') AS d, t.t AS term_date
    FROM s25 s LEFT JOIN pre p USING (employee_id) LEFT JOIN term t USING (employee_id)
    WHERE p.employee_id IS NULL AND s.current_eligibility_status <> 'excluded'
      AND s.employee_hire_date >= DATE '2020-01-01' AND s.employee_eligibility_date <= DATE '2025-12-31'
      AND greatest(s.employee_eligibility_date, DATE '2025-01-01') <= coalesce(s.termination_date, DATE '2025-12-31')),
$(salary_on w),
m AS (
    SELECT w.*, pay, pw_income_group(pay) AS inc_g, w.d + 45 AS a_date, w.d + 75 AS o_date,
           pa.v AS p_pro, least(1, oa.v * oi.v) AS p_opt, br.v AS base,
           n.category, n.rate, n.prob AS enr_prob, o.d AS opt_date, o.prob AS opt_prob
    FROM w JOIN w_pay USING (employee_id)
    JOIN pro_age pa ON pa.g = w.age_g JOIN opt_age oa ON oa.g = w.age_g
    JOIN opt_inc oi ON oi.g = pw_income_group(pay) JOIN base_rate br ON br.a = w.age_g AND br.i = pw_income_group(pay)
    LEFT JOIN enr n USING (employee_id) LEFT JOIN opt o USING (employee_id)),
a AS (SELECT * FROM m WHERE term_date IS NULL OR term_date >= a_date),
o AS (SELECT * FROM a WHERE term_date IS NULL OR term_date >= o_date)"

exact "window members employed through A have exactly one window outcome (proactive or auto)" "$DEF" "$WINDOW
SELECT count(*) FROM a WHERE category IS NULL OR category NOT IN ('proactive_voluntary', 'auto_enrollment')
    OR (category = 'auto_enrollment' AND rate <> 0.02)"
exact "proactive and opt-out event probabilities = the recomputed p" "$DEF" "$WINDOW
SELECT count(*) FROM m WHERE (category = 'proactive_voluntary' AND abs(enr_prob - p_pro) > 1e-9)
    OR (opt_prob IS NOT NULL AND abs(opt_prob - p_opt) > 1e-9)"
exact "proactive rates: clamp(base) or, with the magnet (base < C = 0.05), clamp(C)" "$DEF" "$WINDOW
SELECT count(*) FROM m WHERE category = 'proactive_voluntary'
    AND abs(rate - least(0.10, greatest(0.01, base))) > 1e-9 AND NOT (base < 0.05 AND abs(rate - 0.05) < 1e-9)"
stat "default: proactive share of the 2025 windows" "$DEF" "$WINDOW
SELECT count(*), count(*) FILTER (WHERE category = 'proactive_voluntary'), sum(p_pro), sqrt(sum(p_pro * (1 - p_pro))) FROM a"
stat "default: opt-out share of the auto-enrolled" "$DEF" "$WINDOW
SELECT count(*), count(opt_date), sum(p_opt), sqrt(sum(p_opt * (1 - p_opt))) FROM o WHERE category = 'auto_enrollment'"
stat "default: participation of the 2025 windows on A + 30" "$DEF" "$WINDOW
SELECT count(*), count(*) FILTER (WHERE category IS NOT NULL AND opt_date IS NULL),
       sum(p_pro + (1 - p_pro) * (1 - p_opt)),
       sqrt(sum((p_pro + (1 - p_pro) * (1 - p_opt)) * (1 - p_pro - (1 - p_pro) * (1 - p_opt)))) FROM o"
stat "default: mean proactive deferral rate" "$DEF" "$WINDOW,
r AS (SELECT *, least(0.10, greatest(0.01, base)) AS r_own, least(0.10, greatest(0.01, 0.05)) AS r_c,
             CASE WHEN base < 0.05 THEN 0.45 ELSE 0 END AS snap
      FROM m WHERE category = 'proactive_voluntary')
SELECT count(*), sum(rate), sum(snap * r_c + (1 - snap) * r_own), sqrt(sum(snap * (1 - snap) * (r_c - r_own) ^ 2)) FROM r"

# ---- voluntary_no_ae: voluntary decision on E, year-over-year on Jun 15 ----
VOLUNTARY="WITH $COMMON,
lvl_mult(lo, hi, v) AS (VALUES (1, 3, 0.90), (3, 5, 1.00), (5, 7, 1.10), (7, 1000, 1.20)),
w AS (
    SELECT e.employee_id, e.effective_date AS d, e.level_id, s.current_age, pw_age_group(s.current_age) AS age_g
    FROM fct_yearly_events e JOIN s25 s USING (employee_id)
    WHERE e.event_type = 'eligibility' AND e.simulation_year = 2025),
$(salary_on w),
m AS (
    SELECT w.*, pay, least(1, va.v * vi.v * lm.v) AS p, br.v AS base, n.category, n.rate, n.prob
    FROM w JOIN w_pay USING (employee_id)
    JOIN vol_age va ON va.g = w.age_g JOIN vol_inc vi ON vi.g = pw_income_group(pay)
    JOIN lvl_mult lm ON w.level_id >= lm.lo AND w.level_id < lm.hi
    JOIN base_rate br ON br.a = w.age_g AND br.i = pw_income_group(pay)
    LEFT JOIN enr n USING (employee_id))"
exact "voluntary: enrollments dated E with the recomputed probability and a possible rate" "$VOL" "$VOLUNTARY
SELECT count(*) FROM m WHERE category IS NOT NULL AND (category <> 'voluntary_enrollment' OR abs(prob - p) > 1e-9
    OR (abs(rate - least(0.10, greatest(0.01, base))) > 1e-9 AND NOT (base < 0.05 AND abs(rate - 0.05) < 1e-9)))"
stat "voluntary_no_ae: voluntary enrollment share of the 2025 eligibles" "$VOL" "$VOLUNTARY
SELECT count(*), count(category), sum(p), sqrt(sum(p * (1 - p))) FROM m"
stat "voluntary_no_ae: mean voluntary deferral rate" "$VOL" "$VOLUNTARY,
r AS (SELECT *, least(0.10, greatest(0.01, base)) AS r_own, 0.05 AS r_c, CASE WHEN base < 0.05 THEN 0.45 ELSE 0 END AS snap
      FROM m WHERE category IS NOT NULL)
SELECT count(*), sum(rate), sum(snap * r_c + (1 - snap) * r_own), sqrt(sum(snap * (1 - snap) * (r_c - r_own) ^ 2)) FROM r"

YOY="WITH $COMMON,
ten_mult(lo, hi, v) AS (VALUES (0, 2, 0.7), (2, 5, 1.0), (5, 1000, 1.1)),
w AS (
    SELECT s.employee_id, DATE '2025-06-15' AS d, pw_age_group(s.current_age) AS age_g,
           CAST(floor(date_diff('day', s.employee_hire_date, DATE '2025-12-31') / 365.25) AS INTEGER) AS tenure_y
    FROM s25 s LEFT JOIN enr n USING (employee_id)
    WHERE s.employee_eligibility_date < DATE '2025-01-01' AND s.current_eligibility_status <> 'excluded'
      AND s.enrollment_method IS DISTINCT FROM 'census' AND (n.d IS NULL OR n.d >= DATE '2025-06-15')
      AND s.employee_hire_date <= DATE '2025-06-15' AND coalesce(s.termination_date, DATE '2025-12-31') >= DATE '2025-06-15'),
$(salary_on w),
m AS (
    SELECT w.*, least(1, ya.v * yi.v * tm.v) AS p, n.category, n.prob
    FROM w JOIN w_pay USING (employee_id)
    JOIN yoy_age ya ON ya.g = w.age_g JOIN yoy_inc yi ON yi.g = pw_income_group(pay)
    JOIN ten_mult tm ON w.tenure_y >= tm.lo AND w.tenure_y < tm.hi
    LEFT JOIN enr n USING (employee_id))"
exact "year-over-year: enrollments on Jun 15 with the recomputed probability" "$VOL" "$YOY
SELECT count(*) FROM m WHERE category IS NOT NULL AND (category <> 'year_over_year_voluntary' OR abs(prob - p) > 1e-9)"
stat "voluntary_no_ae: year-over-year share on Jun 15 2025" "$VOL" "$YOY
SELECT count(*), count(category), sum(p), sqrt(sum(p * (1 - p))) FROM m"

echo "plan statistics took $(($(date +%s) - START)) s"
echo "$PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ]
