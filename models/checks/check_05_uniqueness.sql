-- Invariant 5 (MODEL 7): uniqueness of events.
-- planwise: kind=check materialized=view
--   at most one termination per employee over the horizon; at most one promotion
--   and one raise per employee-year; exactly one hire event for every new hire (an
--   employee whose first snapshot row is new_hire_active / new_hire_termination),
--   in the year of that row, and none for census employees; at most one
--   eligibility, one enrollment, one opt-out (enrollment_change) and one forfeiture
--   per employee over the horizon (plan events; vacuous while there are none).
-- Returns one row per violating employee (and year where it applies); no rows = pass.
WITH first_seen AS (
    SELECT scenario_id, employee_id, min(simulation_year) AS first_year,
           arg_min(detailed_status_code::VARCHAR, simulation_year) AS first_code
    FROM fct_workforce_snapshot
    GROUP BY ALL
),
hires AS (
    SELECT scenario_id, employee_id, count(*) AS n, min(simulation_year) AS hire_year
    FROM fct_yearly_events WHERE event_type = 'hire'
    GROUP BY ALL
)
SELECT scenario_id, NULL::INTEGER AS simulation_year, employee_id,
       'more than one ' || event_type::VARCHAR || ' event over the horizon' AS problem
FROM fct_yearly_events
WHERE event_type IN ('termination', 'eligibility', 'enrollment', 'enrollment_change', 'forfeiture')
GROUP BY scenario_id, employee_id, event_type
HAVING count(*) > 1
UNION ALL
SELECT scenario_id, simulation_year, employee_id,
       'more than one ' || event_type::VARCHAR || ' event in a year'
FROM fct_yearly_events
WHERE event_type IN ('promotion', 'raise')
GROUP BY scenario_id, simulation_year, employee_id, event_type
HAVING count(*) > 1
UNION ALL
SELECT coalesce(f.scenario_id, h.scenario_id), coalesce(f.first_year, h.hire_year),
       coalesce(f.employee_id, h.employee_id),
       CASE
           WHEN f.employee_id IS NULL THEN 'hire event for an employee without snapshot rows'
           WHEN f.first_code NOT IN ('new_hire_active', 'new_hire_termination') THEN 'hire event for a census employee'
           WHEN h.n IS NULL THEN 'new hire without a hire event'
           WHEN h.n <> 1 THEN 'new hire with more than one hire event'
           ELSE 'hire event not in the year of the first snapshot row'
       END
FROM first_seen f
FULL JOIN hires h ON h.scenario_id = f.scenario_id AND h.employee_id = f.employee_id
WHERE f.employee_id IS NULL
   OR (f.first_code IN ('new_hire_active', 'new_hire_termination') AND (h.n IS DISTINCT FROM 1 OR h.hire_year <> f.first_year))
   OR (f.first_code NOT IN ('new_hire_active', 'new_hire_termination') AND h.n IS NOT NULL)
