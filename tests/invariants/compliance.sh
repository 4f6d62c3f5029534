#!/bin/bash
# tests/invariants/compliance.sh: the compliance tests on multi-year runs.
#
#   tests/invariants/compliance.sh build/planwise [-k]      (-k keeps the scratch folder)
#
# A generated census made realistic for nondiscrimination testing (participation and
# deferral rates that rise with pay, as in voluntary-enrollment plans: 45% at 3%
# under $30,000 up to 92% at 9% from $150,000; rates +-2 points), with officers and
# owners among the best paid, is simulated over 2025-2029 with the default
# configuration, every example plan design of config/examples, and configurations
# that switch the compliance options (prior-year testing with QNECs, the top-paid
# group, carry_forward, a graded core for the 401(a)(4) rate groups, a scenario
# overlay). For every run, SQL over the output database checks:
#   - one row per year and test, one detail row per snapshot row, one cost row a year;
#   - the HCEs and the test counts reconcile with the snapshot;
#   - the ADP and ACP figures recomputed from the detail rows;
#   - refunds never exceed the HCEs' tested deferrals or match, and add up;
#   - after a modelled correction the corrected test passes, re-tested here: QNECs
#     added to the NHCE ratios, refunds as the step-1 leveled ratios;
#   - the top-heavy share from last year's balances and key employees, and the
#     balances from the snapshot;
#   - the cost table from the test rows; the 402(g)/415(c) counts from the flags;
#   - `planwise compliance --rebuild` (configuration read back from run_metadata)
#     writes the very rows `planwise run` wrote: the run computes the tests from its
#     years in memory, the rebuild from the stored tables with SQL (EXCEPT ALL both
#     ways over every column, and an md5 of each table); --threads 1 and 2 agree.
# Then the statistical case: on three such censuses, auto-enrollment at 6% with a
# 100%-on-6% match passes ADP in 2026 and 2027 while the same design without
# auto-enrollment fails, and beats it by at least 0.3 points every year.
# Prints one line per check and a final "N passed, M failed"; exits 1 on failure.

set -u

if [ "$#" -lt 1 ]; then
    echo "usage: tests/invariants/compliance.sh PLANWISE_BINARY [-k]" >&2
    exit 2
fi
BIN=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
KEEP=${2:-}
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
SQL_EXEC=$(dirname "$BIN")/tools/sql_exec
if [ ! -x "$BIN" ] || [ ! -x "$SQL_EXEC" ]; then
    echo "compliance.sh: needs '$1' and $SQL_EXEC (make build/tools/sql_exec)" >&2
    exit 2
fi
TMP=$(mktemp -d "${TMPDIR:-/tmp}/pw-compliance.XXXXXX") || exit 1
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
        query "$db" "SELECT COLUMNS(*)::VARCHAR FROM (
$sql
) LIMIT 5" 2>&1 | sed 's/^/       | /'
    fi
}

# realistic IN OUT: deferral rates by pay band (see the header), officers and owners.
realistic() {
    rm -f "$TMP/mk.duckdb"
    "$SQL_EXEC" "$TMP/mk.duckdb" "COPY (
 WITH c AS (SELECT *, employee_gross_compensation::DOUBLE AS pay, (hash(employee_id || 'p') % 10000) / 10000.0 AS up,
                   (hash(employee_id || 'r') % 5)::INTEGER - 2 AS dr FROM read_csv('$1', all_varchar = true)),
 r AS (SELECT *, row_number() OVER (ORDER BY pay DESC, employee_id) AS pay_rank FROM c)
 SELECT * EXCLUDE (up, dr, pay, pay_rank, employee_deferral_rate),
   CASE WHEN up < CASE WHEN pay < 30000 THEN 0.45 WHEN pay < 50000 THEN 0.60 WHEN pay < 75000 THEN 0.72
                       WHEN pay < 100000 THEN 0.80 WHEN pay < 150000 THEN 0.86 ELSE 0.92 END
        THEN greatest(0.01, (CASE WHEN pay < 30000 THEN 3 WHEN pay < 50000 THEN 4 WHEN pay < 75000 THEN 5
                                  WHEN pay < 100000 THEN 6 WHEN pay < 150000 THEN 7 ELSE 9 END + dr) / 100.0)
        ELSE 0 END AS employee_deferral_rate,
   pay_rank <= 2 AS is_5pct_owner, pay_rank BETWEEN 3 AND 6 AS is_1pct_owner, pay_rank <= 12 AS is_officer
 FROM r) TO '$2' (HEADER)" || { echo "compliance.sh: cannot build the census" >&2; exit 1; }
}

tables_md5() {   # tables_md5 DB: one line per compliance table
    local t
    for t in fct_compliance_tests fct_compliance_detail fct_compliance_cost; do
        query "$1" "SELECT md5(string_agg(x::VARCHAR, '|' ORDER BY x::VARCHAR)) FROM $t x" | tail -n 1
    done
}

# check_run RUN DB TPG CARRY: the invariants of the header on one output database.
check_run() {
    local run=$1 db=$2 tpg=$3 carry=$4
    expect_none "$run" "$db" "one row per year and test, one detail row per snapshot row, one cost row a year" "
SELECT simulation_year, 'tests' FROM (SELECT simulation_year, count(*) AS n FROM fct_compliance_tests GROUP BY ALL) WHERE n <> 10
UNION ALL SELECT simulation_year, 'years' FROM (SELECT DISTINCT simulation_year FROM fct_workforce_snapshot)
    WHERE simulation_year NOT IN (SELECT simulation_year FROM fct_compliance_tests)
       OR simulation_year NOT IN (SELECT simulation_year FROM fct_compliance_cost)
UNION ALL SELECT coalesce(s.simulation_year, d.simulation_year), 'detail' FROM fct_workforce_snapshot s
    FULL JOIN fct_compliance_detail d USING (scenario_id, simulation_year, employee_id)
    WHERE s.employee_id IS NULL OR d.employee_id IS NULL
       OR abs(d.testing_compensation - s.contribution_base_compensation) > 0.005
       OR abs(d.elective_deferrals - s.pre_tax_contributions - s.roth_contributions) > 0.005
       OR abs(d.matching_contributions - s.employer_match_amount) > 0.005"

    expect_none "$run" "$db" "HCEs reconcile with the snapshot (5% owners included)" "
SELECT d.simulation_year, d.employee_id FROM fct_compliance_detail d JOIN fct_workforce_snapshot s USING (scenario_id, simulation_year, employee_id)
WHERE ($tpg = 0 AND d.is_hce <> s.is_hce) OR ($tpg = 1 AND d.is_hce AND NOT s.is_hce) OR (s.is_5pct_owner AND NOT d.is_hce)
UNION ALL SELECT t.simulation_year, 'count' FROM fct_compliance_tests t
WHERE t.test = 'hce_determination' AND t.hce_count <> (SELECT count(*) FROM fct_compliance_detail d
      WHERE d.simulation_year = t.simulation_year AND d.is_hce)"

    expect_none "$run" "$db" "ADP/ACP counts and current-year figures recomputed from the detail rows" "
WITH d AS (SELECT *, (elective_deferrals - catch_up_deferrals) / nullif(testing_compensation, 0) AS r_adp,
                  matching_contributions / nullif(testing_compensation, 0) AS r_acp FROM fct_compliance_detail),
g AS (SELECT simulation_year,
             count(*) FILTER (WHERE adp_status = 'tested' AND is_hce) AS adp_h, count(*) FILTER (WHERE adp_status = 'tested' AND NOT is_hce) AS adp_n,
             count(*) FILTER (WHERE acp_status = 'tested' AND is_hce) AS acp_h, count(*) FILTER (WHERE acp_status = 'tested' AND NOT is_hce) AS acp_n,
             round(avg(coalesce(r_adp, 0)) FILTER (WHERE adp_status = 'tested' AND is_hce), 4) AS adp_hp,
             round(avg(coalesce(r_adp, 0)) FILTER (WHERE adp_status = 'tested' AND NOT is_hce), 4) AS adp_np,
             round(avg(coalesce(r_acp, 0)) FILTER (WHERE acp_status = 'tested' AND is_hce), 4) AS acp_hp,
             round(avg(coalesce(r_acp, 0)) FILTER (WHERE acp_status = 'tested' AND NOT is_hce), 4) AS acp_np,
             count(*) AS rows FROM d GROUP BY ALL)
SELECT t.simulation_year, t.test FROM fct_compliance_tests t JOIN g USING (simulation_year)
WHERE (t.test = 'adp' AND (t.hce_count <> g.adp_h OR t.nhce_count <> g.adp_n OR t.hce_count + t.nhce_count + t.excluded_count <> g.rows
       OR (g.adp_h > 0 AND abs(t.hce_pct - g.adp_hp) > 1e-6) OR (t.method = 'current_year' AND abs(t.nhce_pct - g.adp_np) > 1e-6)))
   OR (t.test = 'acp' AND t.result <> 'not_applicable' AND (t.hce_count <> g.acp_h OR t.nhce_count <> g.acp_n
       OR t.hce_count + t.nhce_count + t.excluded_count <> g.rows
       OR (g.acp_h > 0 AND abs(t.hce_pct - g.acp_hp) > 1e-6) OR (t.method = 'current_year' AND abs(t.nhce_pct - g.acp_np) > 1e-6)))
UNION ALL SELECT d.simulation_year, 'eligible' FROM fct_compliance_detail d JOIN fct_workforce_snapshot s USING (scenario_id, simulation_year, employee_id)
WHERE (d.adp_status = 'tested') <> (s.current_eligibility_status = 'eligible')
   OR (d.acp_status = 'tested' AND d.adp_status <> 'tested')"

    expect_none "$run" "$db" "refunds never exceed the HCEs' tested deferrals or match, and add up" "
SELECT simulation_year, employee_id, 'row' FROM fct_compliance_detail
WHERE adp_refund > elective_deferrals - catch_up_deferrals + 0.005 OR acp_refund > matching_contributions + 0.005
   OR ((adp_refund > 0 OR acp_refund > 0) AND NOT is_hce) OR adp_refund < 0 OR acp_refund < 0
UNION ALL SELECT t.simulation_year, t.test, 'total' FROM fct_compliance_tests t
WHERE t.correction = 'refund' AND abs(t.correction_amount - (SELECT sum(CASE WHEN t.test = 'adp' THEN adp_refund ELSE acp_refund END)
      FROM fct_compliance_detail d WHERE d.simulation_year = t.simulation_year)) > 0.01"

    expect_none "$run" "$db" "after a modelled correction the test passes, re-tested from the detail rows" "
WITH lv AS (SELECT simulation_year, test, limit_pct, correction_amount, method,
                   TRY_CAST(regexp_extract(note, 'HCE ratios above ([0-9.]+)%', 1) AS DOUBLE) / 100 AS level
            FROM fct_compliance_tests WHERE result = 'fail' AND correction = 'refund'),
d AS (SELECT *, (elective_deferrals - catch_up_deferrals) / nullif(testing_compensation, 0) AS r_adp,
             matching_contributions / nullif(testing_compensation, 0) AS r_acp FROM fct_compliance_detail),
refund AS (SELECT lv.simulation_year, lv.test, lv.limit_pct, lv.correction_amount,
                  round(avg(least(CASE WHEN lv.test = 'adp' THEN r_adp ELSE r_acp END, lv.level)), 4) AS leveled,
                  sum(greatest(0, CASE WHEN lv.test = 'adp' THEN r_adp ELSE r_acp END - lv.level) * testing_compensation) AS excess,
                  count(*) AS hces
           FROM lv JOIN d ON d.simulation_year = lv.simulation_year AND d.is_hce
                AND (CASE WHEN lv.test = 'adp' THEN d.adp_status ELSE d.acp_status END) = 'tested' GROUP BY ALL),
q AS (SELECT t.simulation_year, t.test, t.hce_pct,
             round(avg(coalesce(CASE WHEN t.test = 'adp' THEN (elective_deferrals - catch_up_deferrals + adp_qnec)
                                     ELSE matching_contributions + acp_qnec END / nullif(testing_compensation, 0), 0)), 4) AS nhce
      FROM fct_compliance_tests t JOIN d ON d.simulation_year = t.simulation_year AND NOT d.is_hce
           AND (CASE WHEN t.test = 'adp' THEN d.adp_status ELSE d.acp_status END) = 'tested'
      WHERE t.result = 'fail' AND t.correction LIKE 'qnec%' AND t.method = 'current_year' GROUP BY ALL)
SELECT simulation_year, test, 'not corrected' FROM fct_compliance_tests
WHERE result = 'fail' AND correction IN ('refund', 'qnec_targeted', 'qnec_uniform')
  AND (corrected_result <> 'pass' OR corrected_margin_pct < -1e-9)
UNION ALL SELECT simulation_year, test, 'level missing' FROM lv WHERE level IS NULL
UNION ALL SELECT simulation_year, test, 'leveled ratios over the limit or excess <> refunds' FROM refund
WHERE leveled > limit_pct + 1e-9 OR abs(excess - correction_amount) > 0.02 * hces
UNION ALL SELECT simulation_year, test, 'QNEC short of the limit' FROM q
WHERE greatest(1.25 * nhce, least(2 * nhce, nhce + 0.02)) < hce_pct - 1e-9"

    expect_none "$run" "$db" "top-heavy share from last year's key employees and balances" "
WITH b AS (SELECT simulation_year + 1 AS y, sum(plan_balance) FILTER (WHERE is_key_employee) AS k, sum(plan_balance) AS a
           FROM fct_compliance_detail GROUP BY ALL)
SELECT t.simulation_year, t.result FROM fct_compliance_tests t LEFT JOIN b ON b.y = t.simulation_year
WHERE t.test = 'top_heavy' AND (
      (b.y IS NULL AND t.result <> 'not_computed')
   OR (b.y IS NOT NULL AND abs(t.ratio_pct - coalesce(b.k, 0) / nullif(b.a, 0)) > 1e-6)
   OR (t.result = 'top_heavy' AND t.ratio_pct <= 0.6) OR (t.result = 'not_top_heavy' AND t.ratio_pct > 0.6)
   OR (t.correction = 'top_heavy_minimum' AND abs(t.correction_cost - (SELECT sum(top_heavy_minimum) FROM fct_compliance_detail d
        WHERE d.simulation_year = t.simulation_year)) > 0.01))"

    expect_none "$run" "$db" "balances: employer balance and deferrals to date from the snapshot (+ corrections with carry_forward)" "
WITH s AS (SELECT *, sum(prorated_annual_contributions) OVER (PARTITION BY scenario_id, employee_id ORDER BY simulation_year) AS cum,
                  CASE WHEN termination_date IS NULL THEN employer_match_balance + employer_core_balance ELSE vested_balance END AS eb
           FROM fct_workforce_snapshot),
m AS (SELECT simulation_year, max(method) FILTER (WHERE test = 'adp') AS adp, max(method) FILTER (WHERE test = 'acp') AS acp
      FROM fct_compliance_tests GROUP BY ALL),
-- a prior-year QNEC sits on last year's row of the NHCE and is paid in the year it corrects
x AS (SELECT d.simulation_year, d.employee_id, d.top_heavy_minimum - d.adp_refund - d.acp_refund
             + CASE WHEN m.adp = 'prior_year' THEN coalesce(p.adp_qnec, 0) ELSE d.adp_qnec END
             + CASE WHEN m.acp = 'prior_year' THEN coalesce(p.acp_qnec, 0) ELSE d.acp_qnec END AS v
      FROM fct_compliance_detail d JOIN m USING (simulation_year)
      LEFT JOIN fct_compliance_detail p ON p.employee_id = d.employee_id AND p.simulation_year = d.simulation_year - 1),
adj AS (SELECT simulation_year, employee_id, sum(v) OVER (PARTITION BY employee_id ORDER BY simulation_year) AS a FROM x)
SELECT d.simulation_year, d.employee_id FROM fct_compliance_detail d JOIN s USING (scenario_id, simulation_year, employee_id)
JOIN adj USING (simulation_year, employee_id)
WHERE abs(d.plan_balance - (s.eb + s.cum + CASE WHEN $carry = 1 THEN adj.a ELSE 0 END)) > 0.05"

    expect_none "$run" "$db" "cost rows from the test rows; 402(g) and 415(c) counts from the snapshot flags" "
WITH t AS (SELECT simulation_year,
                  sum(CASE WHEN test IN ('adp', 'acp') AND correction LIKE 'qnec%' THEN correction_cost ELSE 0 END) AS qnec,
                  sum(CASE WHEN correction = 'top_heavy_minimum' THEN correction_cost ELSE 0 END) AS th,
                  sum(CASE WHEN correction = 'refund' THEN correction_amount ELSE 0 END) AS refunds,
                  max(affected_count) FILTER (WHERE test = 'limit_402g') AS g, max(affected_count) FILTER (WHERE test = 'limit_415c') AS c
           FROM fct_compliance_tests GROUP BY ALL),
s AS (SELECT simulation_year, count(*) FILTER (WHERE irs_402g_limit_applied) AS g, count(*) FILTER (WHERE irs_415c_limit_applied) AS c
      FROM fct_workforce_snapshot GROUP BY ALL)
SELECT c.simulation_year FROM fct_compliance_cost c JOIN t USING (simulation_year) JOIN s USING (simulation_year)
WHERE abs(c.adp_qnec_cost + c.acp_qnec_cost - t.qnec) > 0.01 OR abs(c.top_heavy_minimum_cost - t.th) > 0.01
   OR abs(c.total_correction_cost - c.adp_qnec_cost - c.acp_qnec_cost - c.top_heavy_minimum_cost) > 0.01
   OR abs(c.adp_refunds + c.acp_refunds - t.refunds) > 0.01 OR t.g <> s.g OR t.c <> s.c"

    expect_none "$run" "$db" "coverage and general-test counts reconcile with the snapshot" "
WITH s AS (SELECT simulation_year, count(*) AS n FROM fct_workforce_snapshot GROUP BY ALL),
-- a leaver with 500 hours or fewer is left out only of the components he does not benefit under
b AS (SELECT simulation_year, count(*) FILTER (WHERE benefits_401k AND coalesce(coverage_excluded_reason, 'leaver_500_hours') = 'leaver_500_hours') AS k
      FROM fct_compliance_detail GROUP BY ALL)
SELECT t.simulation_year, t.test FROM fct_compliance_tests t JOIN s USING (simulation_year) JOIN b USING (simulation_year)
WHERE t.test LIKE 'coverage%' AND t.result <> 'not_applicable'
  AND (t.hce_count + t.nhce_count + t.excluded_count <> s.n OR t.result NOT IN ('pass', 'fail')
       OR (t.test = 'coverage_401k' AND round(t.hce_pct * t.hce_count + t.nhce_pct * t.nhce_count) <> b.k))"

    compare_rebuild "$run" "$db"
}

# compare_rebuild RUN DB: copies what planwise run wrote, rebuilds with planwise
# compliance, and compares.
compare_rebuild() {
    local run=$1 db=$2
    local before after
    before=$(tables_md5 "$db")
    "$SQL_EXEC" "$db" "CREATE OR REPLACE TABLE run_tests AS FROM fct_compliance_tests" \
        "CREATE OR REPLACE TABLE run_detail AS FROM fct_compliance_detail" \
        "CREATE OR REPLACE TABLE run_cost AS FROM fct_compliance_cost" >/dev/null
    local rc
    "$BIN" compliance --db "$db" --rebuild >"$TMP/$run.rebuild.out" 2>&1
    rc=$?
    after=$(tables_md5 "$db")
    # A rebuild that failed (or rolled back) would leave the tables as they were:
    # it must have exited 0 (failed tests are results, not errors), and the
    # fingerprints must be real ones.
    if [ "$rc" -ne 0 ] || ! grep -q "^scenario '" "$TMP/$run.rebuild.out" || [ -z "$before" ] || [ "$before" != "${before//NULL/}" ]; then
        not_ok "$run" "planwise compliance --rebuild did not run through (exit $rc) or no fingerprint ('$before')"
        head -5 "$TMP/$run.rebuild.out" | sed 's/^/       | /'
    elif [ "$before" = "$after" ]; then
        ok "$run" "planwise compliance --rebuild (stored configuration) writes the rows planwise run wrote"
    else
        not_ok "$run" "planwise compliance --rebuild changed the compliance tables"
        head -5 "$TMP/$run.rebuild.out" | sed 's/^/       | /'
    fi
    # planwise run computes the tests from its years in memory; the rebuild reads the
    # stored outputs back with SQL: every row and column must agree, both ways.
    expect_none "$run" "$db" "the tests of planwise run (from memory) = planwise compliance (from the tables), row by row" "
SELECT 'tests only in run' AS side, simulation_year, test AS what FROM (FROM run_tests EXCEPT ALL FROM fct_compliance_tests)
UNION ALL SELECT 'tests only in rebuild', simulation_year, test FROM (FROM fct_compliance_tests EXCEPT ALL FROM run_tests)
UNION ALL SELECT 'detail only in run', simulation_year, employee_id FROM (FROM run_detail EXCEPT ALL FROM fct_compliance_detail)
UNION ALL SELECT 'detail only in rebuild', simulation_year, employee_id FROM (FROM fct_compliance_detail EXCEPT ALL FROM run_detail)
UNION ALL SELECT 'cost only in run', simulation_year, NULL FROM (FROM run_cost EXCEPT ALL FROM fct_compliance_cost)
UNION ALL SELECT 'cost only in rebuild', simulation_year, NULL FROM (FROM fct_compliance_cost EXCEPT ALL FROM run_cost)
UNION ALL SELECT 'row counts', NULL, NULL WHERE (SELECT count(*) FROM run_detail) <> (SELECT count(*) FROM fct_compliance_detail)
   OR (SELECT count(*) FROM run_detail) = 0"
}

# simulate RUN CENSUS [run options...]: one run without the SQL models (their checks
# run in tests/invariants/run.sh), then check_run with TPG and CARRY from the env.
simulate() {
    local run=$1 census=$2 db=$TMP/$1.duckdb
    shift 2
    if ! "$BIN" run -q --no-models --census "$census" --db "$db" "$@" >"$TMP/$run.out" 2>"$TMP/$run.err"; then
        not_ok "$run" "planwise run $* failed:"
        sed 's/^/       | /' "$TMP/$run.err"
        return 1
    fi
    check_run "$run" "$db" "${TPG:-0}" "${CARRY:-0}"
}

echo "planwise compliance tests: $BIN"
START=$(date +%s)
"$BIN" census generate --employees 3000 --seed 5 --out "$TMP/g.csv" >/dev/null || exit 1
realistic "$TMP/g.csv" "$TMP/c.csv"

simulate default "$TMP/c.csv" --years 2025-2029
for f in "$ROOT"/config/examples/*.yaml; do
    simulate "$(basename "$f" .yaml)" "$TMP/c.csv" --years 2025-2029 --config "$f"
done
expect_none safe_harbor "$TMP/safe_harbor_basic.duckdb" "safe-harbor designs are exempt from ADP, ACP and top-heavy" "
SELECT simulation_year, test, result FROM fct_compliance_tests
WHERE (test IN ('adp', 'acp') AND result <> 'exempt') OR (test = 'top_heavy' AND result NOT IN ('exempt', 'not_computed'))"
expect_none qaca "$TMP/qaca.duckdb" "the QACA design is exempt from ADP and ACP" "
SELECT simulation_year, test, result, method FROM fct_compliance_tests
WHERE test IN ('adp', 'acp') AND (result <> 'exempt' OR method <> 'safe_harbor_' || CASE WHEN test = 'adp' THEN 'qaca' ELSE 'match' END)"

cat >"$TMP/options.yaml" <<'EOF'
compliance:
  adp: {testing_method: prior_year, correction: qnec}
  acp: {correction: qnec}
  qnec_method: uniform
  hce: {top_paid_group: true}
  carry_forward: true
EOF
TPG=1 CARRY=1 simulate options "$TMP/c.csv" --years 2025-2029 --config "$TMP/options.yaml"
expect_none options "$TMP/options.duckdb" "prior-year ADP QNECs go to last year's NHCEs and are paid in the tested year" "
SELECT t.simulation_year FROM fct_compliance_tests t
WHERE t.test = 'adp' AND t.correction = 'qnec_uniform' AND abs(t.correction_cost - (SELECT sum(adp_qnec) FROM fct_compliance_detail d
      WHERE d.simulation_year = t.simulation_year - 1)) > 0.01
UNION ALL SELECT simulation_year FROM fct_compliance_tests WHERE test = 'adp' AND method <> 'prior_year'"

cat >"$TMP/graded.yaml" <<'EOF'
employer_core_contribution:
  status: graded_by_service
  eligibility: {minimum_hours_annual: 0, require_active_at_year_end: false}
compliance:
  adp: {correction: qnec}
  qnec_method: targeted
EOF
simulate graded "$TMP/c.csv" --years 2025-2027 --config "$TMP/graded.yaml"
expect_none graded "$TMP/graded.duckdb" "a graded core runs the 401(a)(4) rate groups, each HCE's group ratio in the detail" "
SELECT t.simulation_year FROM fct_compliance_tests t
WHERE t.test = 'general_test_401a4' AND (t.method <> 'rate_groups' OR t.result NOT IN ('pass', 'fail')
      OR abs(t.ratio_pct - (SELECT min(rate_group_ratio) FROM fct_compliance_detail d WHERE d.simulation_year = t.simulation_year)) > 1e-6
      OR (t.result = 'fail') <> (SELECT min(rate_group_ratio) < 0.7 FROM fct_compliance_detail d WHERE d.simulation_year = t.simulation_year))"

# A scenario overlay: the stored text of both files gives the same tests back.
printf 'compliance:\n  acp: {testing_method: prior_year}\n  top_heavy: {correction: none}\n' >"$TMP/overlay.yaml"
simulate overlay "$TMP/c.csv" --years 2025-2027 --config "$ROOT/config/simulation_config.yaml" --scenario-file "$TMP/overlay.yaml"
expect_none overlay "$TMP/overlay.duckdb" "the overlay's compliance keys are in effect" "
SELECT simulation_year FROM fct_compliance_tests WHERE (test = 'acp' AND method <> 'prior_year')
   OR (test = 'top_heavy' AND correction = 'top_heavy_minimum')"

# Thread count changes nothing.
simulate t1 "$TMP/c.csv" --years 2025-2027 --threads 1
simulate t2 "$TMP/c.csv" --years 2025-2027 --threads 2
run_md5() {   # run_md5 DB: the copies check_run made of what planwise run wrote
    local t
    for t in run_tests run_detail run_cost; do
        query "$1" "SELECT md5(string_agg(x::VARCHAR, '|' ORDER BY x::VARCHAR)) FROM $t x" | tail -n 1
    done
}
if [ "$(run_md5 "$TMP/t1.duckdb")" = "$(run_md5 "$TMP/t2.duckdb")" ] && [ -n "$(run_md5 "$TMP/t1.duckdb")" ] &&
   [ "$(tables_md5 "$TMP/t1.duckdb")" = "$(tables_md5 "$TMP/t2.duckdb")" ]; then
    ok threads "--threads 1 and 2 write identical compliance tables"
else
    not_ok threads "--threads 1 and 2 write different compliance tables"
fi

# A branch from a checkpoint has no earlier years in memory: its run reads them back
# (the SQL path), and the rebuild must agree as well.
if [ -e "$TMP/default.duckdb.checkpoints/default/year-2026.pwck" ]; then
    simulate branch "$TMP/c.csv" --scenario branch --years 2025-2029 \
        --from-checkpoint "$TMP/default.duckdb.checkpoints/default/year-2026.pwck"
else
    not_ok branch "no checkpoint of year 2026 in $TMP/default.duckdb.checkpoints"
fi

# ---- the statistical case ----
cat >"$TMP/ae6.yaml" <<'EOF'
enrollment:
  auto_enrollment: {enabled: true, scope: all_eligible_employees, hire_date_cutoff: null, default_deferral_rate: 0.06}
employer_match:
  active_formula: match_100_6
  formulas:
    match_100_6:
      type: tiered
      tiers: [{employee_min: 0.00, employee_max: 0.06, match_rate: 1.00}]
      max_match_percentage: 0.06
EOF
sed 's/{enabled: true/{enabled: false/' "$TMP/ae6.yaml" >"$TMP/noae.yaml"
for seed in 1 2 3; do
    "$BIN" census generate --employees 3000 --seed "$seed" --out "$TMP/s$seed.csv" >/dev/null
    realistic "$TMP/s$seed.csv" "$TMP/r$seed.csv"
    for d in ae6 noae; do
        "$BIN" run -q --no-models --config "$TMP/$d.yaml" --census "$TMP/r$seed.csv" --db "$TMP/stat$seed.duckdb" \
            --scenario "$d" --years 2025-2027 --seed "$seed" >/dev/null 2>&1 || not_ok stat "run $d seed $seed failed"
    done
    expect_none "stat_seed$seed" "$TMP/stat$seed.duckdb" "AE 6% + 100%-on-6% passes ADP in 2026-2027 where no AE fails; AE ahead by 0.3 points every year" "
WITH a AS (SELECT simulation_year, result, margin_pct FROM fct_compliance_tests WHERE scenario_id = 'ae6' AND test = 'adp'),
n AS (SELECT simulation_year, result, margin_pct FROM fct_compliance_tests WHERE scenario_id = 'noae' AND test = 'adp')
SELECT a.simulation_year, a.result, a.margin_pct, n.result, n.margin_pct FROM a JOIN n USING (simulation_year)
WHERE (a.simulation_year >= 2026 AND (a.result <> 'pass' OR n.result <> 'fail')) OR a.margin_pct < n.margin_pct + 0.003
UNION ALL SELECT NULL, 'years', NULL, NULL, NULL WHERE (SELECT count(*) FROM a JOIN n USING (simulation_year)) <> 3"
    # failed ADP tests with their refunds: what the run computed in memory = the rebuild
    if [ "$seed" = 1 ]; then
        compare_rebuild "stat_seed$seed" "$TMP/stat$seed.duckdb"
        expect_none "stat_seed$seed" "$TMP/stat$seed.duckdb" "the compared rows hold failed tests with their modelled corrections" "
SELECT 1 WHERE NOT EXISTS (FROM run_tests WHERE result = 'fail' AND correction NOT IN ('none', '') AND correction_amount > 0)"
    fi
    query "$TMP/stat$seed.duckdb" "SELECT scenario_id, list(result || ' ' || printf('%+.2f', 100 * margin_pct) ORDER BY simulation_year) AS adp_2025_2027
        FROM fct_compliance_tests WHERE test = 'adp' GROUP BY ALL ORDER BY 1" | tail -n +2 | sed "s/^/     seed $seed: /"
done

echo "compliance suite took $(($(date +%s) - START)) s"
echo "$PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ]
