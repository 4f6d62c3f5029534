-- Invariant 20, HCE part (MODEL 7, rule of MODEL 4.18): is_hce.
-- planwise: kind=check materialized=view
--   5% owners (is_5pct_owner) are HCE in every year (IRC 414(q)(1)(A)); other hires of
--   Y are not HCE in Y; otherwise is_hce iff prior-year compensation >
--   hce_threshold of Y-1 (built-in IRS table: 2024 155,000, 2025 160,000, 2026 160,000,
--   2027 165,000, 2028 170,000, 2029 175,000, 2030 180,000, ...), where prior-year
--   compensation is the prorated_annual_compensation of Y-1's snapshot, and for Y = S
--   the census compensation (= s0: the previous_compensation of the first promotion or
--   raise of S, else current_compensation).
-- Uses macros.sql. Returns one row per violating snapshot row; no rows = pass.
WITH cfg AS (SELECT * FROM pw_config()),
irs AS (SELECT * FROM pw_irs()),
first_change AS (
    SELECT scenario_id, simulation_year, employee_id, arg_min(previous_compensation, event_sequence) AS s0
    FROM fct_yearly_events WHERE event_type IN ('promotion', 'raise') GROUP BY ALL
),
s AS (
    SELECT s.scenario_id, s.simulation_year, s.employee_id, s.employee_hire_date, s.is_hce, s.is_5pct_owner, i.hce_threshold,
           CASE WHEN year(s.employee_hire_date) = s.simulation_year THEN NULL
                WHEN s.simulation_year = c.start_year THEN coalesce(f.s0, s.current_compensation)
                ELSE p.prorated_annual_compensation END AS prior_pay
    FROM fct_workforce_snapshot s
    JOIN cfg c USING (scenario_id)
    JOIN irs i ON i.year = pw_irs_year(s.simulation_year - 1)
    LEFT JOIN fct_workforce_snapshot p ON p.scenario_id = s.scenario_id AND p.employee_id = s.employee_id
                                      AND p.simulation_year = s.simulation_year - 1
    LEFT JOIN first_change f ON f.scenario_id = s.scenario_id AND f.employee_id = s.employee_id
                            AND f.simulation_year = s.simulation_year
)
SELECT scenario_id, simulation_year, employee_id, employee_hire_date, is_hce, is_5pct_owner, prior_pay, hce_threshold, CASE
        WHEN is_5pct_owner THEN '5% owner not flagged HCE'
        WHEN year(employee_hire_date) = simulation_year THEN 'hire of Y flagged HCE'
        WHEN prior_pay IS NULL THEN 'no prior-year snapshot row for an employee not hired in Y'
        ELSE 'is_hce <> (prior-year pay > hce_threshold of Y-1)'
    END AS problem
FROM s
WHERE (is_5pct_owner AND NOT is_hce)
   OR (NOT is_5pct_owner AND year(employee_hire_date) = simulation_year AND is_hce)
   OR (NOT is_5pct_owner AND year(employee_hire_date) <> simulation_year
       AND (prior_pay IS NULL OR is_hce <> (prior_pay > hce_threshold)))
