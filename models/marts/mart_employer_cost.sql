-- Employer cost of the plan by scenario and year: match, core and forfeitures.
-- planwise: kind=mart materialized=table
--   payroll                  sum of prorated_annual_compensation (everyone employed in the year)
--   employee_deferrals       sum of prorated_annual_contributions (pre-tax + Roth)
--   employer_match / employer_core / total_employer_contributions
--                            from the snapshot (MODEL 4.14-4.15)
--   forfeitures              unvested employer money of the year's leavers (4.17)
--   net_employer_cost        match + core - forfeitures: the cost when forfeitures are
--                            used to pay employer money (planwise does not model that
--                            true-up; MODEL 1.1)
--   employer_cost_pct_of_payroll  net_employer_cost / payroll (6 decimals; NULL without payroll)
--   match_recipients / core_recipients  employees with a match / core amount above 0
-- Money is summed in cents, as the run summary does, so totals match it exactly.
-- Reads the stored snapshot rows (pw.snapshot) of the visible runs: the same rows as
-- fct_workforce_snapshot, without computing the columns it does not need.
WITH t AS (
    SELECT v.scenario_id, s.simulation_year,
           sum(pw_cents(s.prorated_annual_compensation)) AS payroll_c,
           sum(pw_cents(s.prorated_annual_contributions)) AS deferrals_c,
           sum(pw_cents(s.employer_match_amount)) AS match_c,
           sum(pw_cents(s.employer_core_amount)) AS core_c,
           sum(pw_cents(s.forfeiture_amount)) AS forfeit_c,
           count(*) FILTER (WHERE s.employer_match_amount > 0) AS match_recipients,
           count(*) FILTER (WHERE s.employer_core_amount > 0) AS core_recipients
    FROM pw.snapshot s
    JOIN pw.visible_years v ON v.run_key = s.run_key AND v.simulation_year = s.simulation_year
    GROUP BY ALL
)
SELECT scenario_id, simulation_year,
       payroll_c / 100.0 AS payroll,
       deferrals_c / 100.0 AS employee_deferrals,
       match_c / 100.0 AS employer_match,
       core_c / 100.0 AS employer_core,
       (match_c + core_c) / 100.0 AS total_employer_contributions,
       forfeit_c / 100.0 AS forfeitures,
       (match_c + core_c - forfeit_c) / 100.0 AS net_employer_cost,
       CASE WHEN payroll_c > 0 THEN round((match_c + core_c - forfeit_c) / payroll_c, 6) END AS employer_cost_pct_of_payroll,
       match_recipients, core_recipients
FROM t
ORDER BY scenario_id, simulation_year;
