-- Invariant 19 (MODEL 7, rules of MODEL 4.17): vesting, balances, forfeitures.
-- planwise: kind=check materialized=view
--   match_vested_pct and core_vested_pct in [0, 1]; vesting_years = reported tenure,
--   minus 1 when vesting.require_hours_credit and annual hours < hours_credit_threshold
--   (floor 0); each share = its schedule (built-in vesting_schedules.csv) at
--   min(vesting years, last year), the match schedule being the active formula's own
--   vesting_schedule (safe_harbor_basic immediate, qaca cliff_2) else
--   vesting.match_schedule, everything immediate when vesting is disabled;
--   (a schedule name not in the built-in table, from a replaced vesting table, skips
--   the share-equals-schedule rules);
--   shares non-decreasing year over year per employee, except in a row whose vesting
--   years lost the hours credit (4.17 takes a year off a short year, which can undo an
--   earlier year's share: a rule of the model, not an engine choice);
--   balances: balance_Y = balance_{Y-1} + amount_Y per source (0 before the first year);
--   leavers: forfeiture per source = round2(balance x (1 - vested share)) (half a cent
--   of slack per source: x.xx5 products round either way in binary), and
--   forfeiture_amount + vested_balance = match balance + core balance (cents);
--   actives: forfeiture_amount = 0 and vested_balance = the vested parts (2 cents slack);
--   forfeiture events: only for leavers, dated the termination date, one iff
--   forfeiture_amount > 0, compensation_amount = forfeiture_amount, details
--   match=..;core=.. adding up to it, at most one per employee.
-- Uses macros.sql. Returns one row per violation; no rows = pass.
WITH cfg AS (SELECT * FROM pw_config()),
s AS (
    SELECT s.*, c.match_schedule, c.core_schedule, c.hours_credit,
           c.hours_credit AND s.annual_hours_worked < c.hours_credit_threshold AS short_year,
           greatest(0, s.current_tenure - CASE WHEN c.hours_credit AND s.annual_hours_worked < c.hours_credit_threshold
                                               THEN 1 ELSE 0 END) AS want_years,
           coalesce(p.employer_match_balance, 0) AS prev_match_balance, coalesce(p.employer_core_balance, 0) AS prev_core_balance,
           p.match_vested_pct AS prev_match_pct, p.core_vested_pct AS prev_core_pct
    FROM fct_workforce_snapshot s
    JOIN cfg c USING (scenario_id)
    LEFT JOIN fct_workforce_snapshot p ON p.scenario_id = s.scenario_id AND p.employee_id = s.employee_id
                                      AND p.simulation_year = s.simulation_year - 1
),
v AS (
    SELECT s.*, pw_vested(match_schedule, want_years) AS want_match_pct, pw_vested(core_schedule, want_years) AS want_core_pct,
           employer_match_balance * (1 - match_vested_pct) AS forfeit_match,
           employer_core_balance * (1 - core_vested_pct) AS forfeit_core
    FROM s
),
fe AS (
    SELECT scenario_id, employee_id, count(*) AS n, min(simulation_year) AS simulation_year, min(effective_date) AS d,
           sum(compensation_amount) AS amount,
           sum(TRY_CAST(regexp_extract(event_details, '(^|;)match=([0-9.]+)', 2) AS DOUBLE)) AS d_match,
           sum(TRY_CAST(regexp_extract(event_details, '(^|;)core=([0-9.]+)', 2) AS DOUBLE)) AS d_core
    FROM fct_yearly_events WHERE event_type = 'forfeiture' GROUP BY ALL
)
SELECT * FROM (
SELECT scenario_id, simulation_year, employee_id, employment_status::VARCHAR AS status, vesting_years, want_years,
       match_vested_pct, core_vested_pct, employer_match_balance, employer_core_balance, vested_balance, forfeiture_amount, CASE
        WHEN match_vested_pct NOT BETWEEN 0 AND 1 OR core_vested_pct NOT BETWEEN 0 AND 1 THEN 'vested share outside [0, 1]'
        WHEN vesting_years <> want_years THEN 'vesting_years <> reported tenure (- 1 without hours credit)'
        WHEN abs(match_vested_pct - want_match_pct) > 1e-9 THEN 'match_vested_pct <> ' || match_schedule || ' at ' || want_years || ' years'
        WHEN abs(core_vested_pct - want_core_pct) > 1e-9 THEN 'core_vested_pct <> ' || core_schedule || ' at ' || want_years || ' years'
        WHEN NOT short_year AND (match_vested_pct < prev_match_pct - 1e-12 OR core_vested_pct < prev_core_pct - 1e-12)
            THEN 'vested share decreased from the year before'
        WHEN pw_cents(employer_match_balance) <> pw_cents(prev_match_balance) + pw_cents(employer_match_amount)
            THEN 'match balance <> last year''s balance + match'
        WHEN pw_cents(employer_core_balance) <> pw_cents(prev_core_balance) + pw_cents(employer_core_amount)
            THEN 'core balance <> last year''s balance + core'
        WHEN employment_status = 'terminated'
             AND pw_cents(forfeiture_amount) + pw_cents(vested_balance) <> pw_cents(employer_match_balance) + pw_cents(employer_core_balance)
            THEN 'leaver: forfeiture + vested_balance <> match balance + core balance'
        WHEN employment_status = 'terminated' AND abs(forfeiture_amount - forfeit_match - forfeit_core) > 0.0101
            THEN 'leaver: forfeiture <> round2(match balance x (1 - share)) + round2(core balance x (1 - share))'
        WHEN employment_status = 'active' AND forfeiture_amount <> 0 THEN 'active employee with a forfeiture amount'
        WHEN employment_status = 'active'
             AND abs(vested_balance - (employer_match_balance * match_vested_pct + employer_core_balance * core_vested_pct)) > 0.0201
            THEN 'active: vested_balance <> vested parts of the balances'
        WHEN forfeiture_amount < 0 OR vested_balance < 0 THEN 'negative forfeiture or vested balance'
    END AS problem
FROM v
) WHERE problem IS NOT NULL
UNION ALL
-- forfeiture events against the snapshot
SELECT * FROM (
SELECT coalesce(f.scenario_id, v.scenario_id), coalesce(f.simulation_year, v.simulation_year), coalesce(f.employee_id, v.employee_id),
       v.employment_status::VARCHAR, NULL, NULL, NULL, NULL, f.d_match, f.d_core, f.amount, v.forfeiture_amount, CASE
        WHEN f.n > 1 THEN 'more than one forfeiture event'
        WHEN f.employee_id IS NULL THEN 'leaver with forfeiture_amount > 0 but no forfeiture event'
        WHEN v.employee_id IS NULL THEN 'forfeiture event for an employee-year without a forfeiture (active, or amount 0)'
        WHEN f.d IS DISTINCT FROM v.termination_date THEN 'forfeiture event not dated the termination date'
        WHEN pw_cents(f.amount) <> pw_cents(v.forfeiture_amount) THEN 'forfeiture event amount <> forfeiture_amount'
        WHEN pw_cents(f.d_match) + pw_cents(f.d_core) <> pw_cents(f.amount) THEN 'forfeiture details match + core <> amount'
        WHEN abs(f.d_match - v.forfeit_match) > 0.0051 THEN 'forfeiture details match <> round2(match balance x (1 - share))'
    END AS problem
FROM fe f
FULL JOIN (SELECT * FROM v WHERE employment_status = 'terminated' AND forfeiture_amount > 0) v
       USING (scenario_id, simulation_year, employee_id)
) WHERE problem IS NOT NULL
