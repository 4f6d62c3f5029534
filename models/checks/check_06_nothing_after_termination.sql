-- Invariant 6 (MODEL 7): nothing after termination.
-- planwise: kind=check materialized=view
--   every event of an employee with termination date T is dated <= T; no event or
--   snapshot row exists for that employee in years after year(T); the snapshot row
--   of year(T) is 'terminated' with termination_date = T and the reason of the
--   event's category; ids never reappear (an employee's snapshot years are
--   contiguous, and nothing follows a terminated snapshot row).
-- Returns one row per violation; no rows = pass.
WITH term AS (
    SELECT scenario_id, employee_id, min(effective_date) AS term_date, min(simulation_year) AS term_year,
           any_value(event_category::VARCHAR) AS category
    FROM fct_yearly_events
    WHERE event_type = 'termination'
    GROUP BY ALL
),
term_snap AS (
    SELECT scenario_id, employee_id, min(simulation_year) AS first_terminated_year
    FROM fct_workforce_snapshot
    WHERE employment_status = 'terminated'
    GROUP BY ALL
)
SELECT e.scenario_id, e.simulation_year, e.employee_id, 'event dated after the termination date' AS problem
FROM fct_yearly_events e JOIN term t USING (scenario_id, employee_id)
WHERE e.effective_date > t.term_date
UNION ALL
SELECT e.scenario_id, e.simulation_year, e.employee_id, 'event in a year after the termination year'
FROM fct_yearly_events e JOIN term t USING (scenario_id, employee_id)
WHERE e.simulation_year > t.term_year
UNION ALL
SELECT s.scenario_id, s.simulation_year, s.employee_id, 'snapshot row in a year after the termination year'
FROM fct_workforce_snapshot s JOIN term t USING (scenario_id, employee_id)
WHERE s.simulation_year > t.term_year
UNION ALL
SELECT s.scenario_id, s.simulation_year, s.employee_id, 'snapshot row after a terminated snapshot row'
FROM fct_workforce_snapshot s JOIN term_snap x USING (scenario_id, employee_id)
WHERE s.simulation_year > x.first_terminated_year
UNION ALL
SELECT s.scenario_id, s.simulation_year, s.employee_id,
       CASE
           WHEN t.employee_id IS NULL THEN 'terminated snapshot row without a termination event'
           WHEN t.term_year <> s.simulation_year THEN 'terminated snapshot row not in the termination event''s year'
           WHEN s.termination_date IS DISTINCT FROM t.term_date THEN 'snapshot termination_date <> termination event date'
           ELSE 'snapshot termination_reason <> termination event category'
       END
FROM fct_workforce_snapshot s
LEFT JOIN term t USING (scenario_id, employee_id)
WHERE s.employment_status = 'terminated'
  AND (t.employee_id IS NULL OR t.term_year <> s.simulation_year
       OR s.termination_date IS DISTINCT FROM t.term_date
       OR s.termination_reason::VARCHAR IS DISTINCT FROM t.category)
UNION ALL
SELECT s.scenario_id, s.simulation_year, s.employee_id, 'active snapshot row in the termination year'
FROM fct_workforce_snapshot s JOIN term t USING (scenario_id, employee_id)
WHERE s.employment_status = 'active' AND s.simulation_year = t.term_year
UNION ALL
SELECT scenario_id, NULL::INTEGER, employee_id, 'gap in the snapshot years of an employee (id reappears)'
FROM fct_workforce_snapshot
GROUP BY scenario_id, employee_id
HAVING count(DISTINCT simulation_year) <> max(simulation_year) - min(simulation_year) + 1
