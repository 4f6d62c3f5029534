-- Compensation growth by scenario and year, three ways (MODEL 6.4).
-- planwise: kind=mart materialized=table
--   A_current     population of Y: continuous_active + new_hire_active (active on Dec 31);
--                 metric: mean prorated_annual_compensation; compared with the same
--                 definition in Y-1
--   B_continuous  population of Y: continuous_active; metric: mean prorated pay;
--                 compared with the continuous_active of Y-1
--   C_incumbent   population of Y: continuous_active (active on Dec 31 of Y-1 and Y);
--                 metric: mean current_compensation; compared with the same employees'
--                 current_compensation in Y-1
-- For the first simulated year S the prior figures come from the census roster (the
-- snapshot rows of S not hired in S): every row counts as continuing and its
-- compensation is the census compensation, i.e. the salary in force before the first
-- promotion or raise of S (its previous_compensation), else its pay of S.
-- growth_rate = avg_compensation / prior_avg_compensation - 1, NULL when either count is 0.
-- Averages are computed from sums in cents (so they do not depend on the order rows are
-- added in), rounded to cents, and growth rates to 6 decimals from the unrounded averages.
-- Reads the stored rows of the visible runs once (snap) and matches employees on their
-- integer keys; continuous_active = active on Dec 31 and not hired by the run in Y.
WITH snap AS MATERIALIZED (
    SELECT v.scenario_id, s.run_key, s.simulation_year, s.employee_key,
           s.termination_date IS NULL AS active,
           d.hire_year IS NOT DISTINCT FROM s.simulation_year AS hired,
           s.prorated_annual_compensation AS prorated, s.current_compensation AS current
    FROM pw.snapshot s
    JOIN pw.visible_years v ON v.run_key = s.run_key AND v.simulation_year = s.simulation_year
    JOIN pw.dim_employee d ON d.run_key = s.run_key AND d.employee_key = s.employee_key
),
first_year AS (
    SELECT scenario_id, min(simulation_year) AS s FROM snap GROUP BY ALL
),
census_pay AS (   -- census compensation of the roster of S
    SELECT x.scenario_id, x.employee_key,
           coalesce(arg_min(e.previous_compensation, e.event_sequence), any_value(x.current)) AS pay
    FROM snap x
    JOIN first_year f ON f.scenario_id = x.scenario_id AND f.s = x.simulation_year
    LEFT JOIN pw.events e ON e.run_key = x.run_key AND e.simulation_year = x.simulation_year
                         AND e.employee_key = x.employee_key AND e.event_type IN ('promotion', 'raise')
    WHERE NOT x.hired
    GROUP BY ALL
),
census AS (
    SELECT scenario_id, count(*) AS n, sum(pw_cents(pay)) / count(*) / 100.0 AS avg_pay FROM census_pay GROUP BY ALL
),
years AS (
    SELECT scenario_id, simulation_year,
           count(*) FILTER (WHERE active) AS a_n,
           sum(pw_cents(prorated)) FILTER (WHERE active) / nullif(count(*) FILTER (WHERE active), 0) / 100.0 AS a_avg,
           count(*) FILTER (WHERE active AND NOT hired) AS b_n,
           sum(pw_cents(prorated)) FILTER (WHERE active AND NOT hired)
               / nullif(count(*) FILTER (WHERE active AND NOT hired), 0) / 100.0 AS b_avg
    FROM snap
    GROUP BY ALL
),
prior_pay AS (    -- each employee's pay of Y-1 keyed by Y: the snapshot of Y-1, or the census pay for S
    SELECT scenario_id, simulation_year + 1 AS simulation_year, employee_key, current AS pay
    FROM snap
    UNION ALL
    SELECT c.scenario_id, f.s, c.employee_key, c.pay FROM census_pay c JOIN first_year f USING (scenario_id)
),
incumbents AS (   -- method C: continuous actives of Y with their pay of Y-1
    SELECT y.scenario_id, y.simulation_year, count(*) AS n, sum(pw_cents(y.current)) / count(*) / 100.0 AS avg_pay,
           count(p.pay) AS prior_n, sum(pw_cents(p.pay)) / nullif(count(p.pay), 0) / 100.0 AS prior_avg
    FROM snap y
    LEFT JOIN prior_pay p USING (scenario_id, simulation_year, employee_key)
    WHERE y.active AND NOT y.hired
    GROUP BY ALL
),
methods AS (
    SELECT y.scenario_id, y.simulation_year, 'A_current' AS calculation_method, y.a_n AS n, y.a_avg AS avg_pay,
           CASE WHEN y.simulation_year = f.s THEN c.n ELSE coalesce(p.a_n, 0) END AS prior_n,
           CASE WHEN y.simulation_year = f.s THEN c.avg_pay ELSE p.a_avg END AS prior_avg
    FROM years y JOIN first_year f USING (scenario_id) LEFT JOIN census c USING (scenario_id)
    LEFT JOIN years p ON p.scenario_id = y.scenario_id AND p.simulation_year = y.simulation_year - 1
    UNION ALL
    SELECT y.scenario_id, y.simulation_year, 'B_continuous', y.b_n, y.b_avg,
           CASE WHEN y.simulation_year = f.s THEN c.n ELSE coalesce(p.b_n, 0) END,
           CASE WHEN y.simulation_year = f.s THEN c.avg_pay ELSE p.b_avg END
    FROM years y JOIN first_year f USING (scenario_id) LEFT JOIN census c USING (scenario_id)
    LEFT JOIN years p ON p.scenario_id = y.scenario_id AND p.simulation_year = y.simulation_year - 1
    UNION ALL
    SELECT y.scenario_id, y.simulation_year, 'C_incumbent', coalesce(i.n, 0), i.avg_pay,
           coalesce(i.prior_n, 0), i.prior_avg
    FROM years y LEFT JOIN incumbents i USING (scenario_id, simulation_year)
)
SELECT scenario_id, simulation_year, calculation_method,
       CAST(n AS BIGINT) AS employee_count,
       round(avg_pay, 2) AS avg_compensation,
       CAST(coalesce(prior_n, 0) AS BIGINT) AS prior_employee_count,
       round(prior_avg, 2) AS prior_avg_compensation,
       CASE WHEN n > 0 AND prior_n > 0 AND prior_avg <> 0 THEN round(avg_pay / prior_avg - 1, 6) END AS growth_rate
FROM methods
ORDER BY scenario_id, simulation_year, calculation_method;
