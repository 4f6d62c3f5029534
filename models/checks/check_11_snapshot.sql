-- Invariant 11 (MODEL 7, columns of MODEL 6.2): the workforce snapshot.
-- planwise: kind=check materialized=view
--   one row per employee in P_Y: key (scenario, year, employee) unique; every
--   employee active at Dec 31 of Y-1 has a row in Y (Y <= end year), and every row of
--   Y not hired in Y was active at Dec 31 of Y-1 (Y > S);
--   status consistent with hire year and termination:
--     continuous_active       hired before Jan 1 Y, active, no termination data
--     new_hire_active         hired in Y, active, no termination data
--     new_hire_termination    hired in Y, terminated, reason new_hire_termination
--     experienced_termination hired before Jan 1 Y, terminated, reason experienced_termination
--   (a census row hired inside the first year S, after the census date, is a member of
--   the starting roster, not a hire of S: docs/decisions.md; it has no hire event);
--   current_compensation = full_year_equivalent_compensation = the amount of the
--   employee's last compensation event of Y (hire, promotion, raise, termination),
--   or without events the current_compensation of Y-1; level_id = level of Y-1 plus
--   the promotions of Y (Y > S), or the hire level; level_id within 1..L_max.
-- Returns one row per violating snapshot row (or employee); no rows = pass.
WITH meta AS (
    SELECT scenario_id, arg_max(start_year, started_at) AS start_year, arg_max(end_year, started_at) AS end_year
    FROM run_metadata GROUP BY ALL
),
lmax AS (
    SELECT scenario_id, max(level_id) AS lmax FROM fct_workforce_needs_by_level GROUP BY ALL
),
last_comp AS (
    SELECT scenario_id, simulation_year, employee_id,
           arg_max(compensation_amount, event_sequence) AS amount,
           count(*) FILTER (WHERE event_type = 'promotion') AS promotions,
           any_value(level_id) FILTER (WHERE event_type = 'hire') AS hire_level,
           count(*) FILTER (WHERE event_type = 'hire') > 0 AS hire_event
    FROM fct_yearly_events
    WHERE event_type IN ('hire', 'promotion', 'raise', 'termination')
    GROUP BY ALL
),
s AS (
    SELECT s.*, p.current_compensation AS prior_comp, p.level_id AS prior_level,
           p.employment_status::VARCHAR AS prior_status, c.amount AS last_amount,
           coalesce(c.promotions, 0) AS promotions, c.hire_level, m.start_year, l.lmax,
           s.employee_hire_date >= make_date(s.simulation_year, 1, 1)
               AND NOT (s.simulation_year = m.start_year AND NOT coalesce(c.hire_event, false)) AS hired_in_y
    FROM fct_workforce_snapshot s
    LEFT JOIN fct_workforce_snapshot p ON p.scenario_id = s.scenario_id AND p.employee_id = s.employee_id
                                      AND p.simulation_year = s.simulation_year - 1
    LEFT JOIN last_comp c ON c.scenario_id = s.scenario_id AND c.simulation_year = s.simulation_year
                         AND c.employee_id = s.employee_id
    LEFT JOIN meta m ON m.scenario_id = s.scenario_id
    LEFT JOIN lmax l ON l.scenario_id = s.scenario_id
),
bad AS (
    SELECT scenario_id, simulation_year, employee_id, CASE
        WHEN employee_hire_date > make_date(simulation_year, 12, 31) THEN 'hired after Dec 31 of Y'
        WHEN detailed_status_code = 'continuous_active'
             AND (hired_in_y OR employment_status <> 'active' OR termination_date IS NOT NULL OR termination_reason IS NOT NULL)
            THEN 'continuous_active inconsistent with hire date / termination'
        WHEN detailed_status_code = 'new_hire_active'
             AND (NOT hired_in_y OR employment_status <> 'active' OR termination_date IS NOT NULL OR termination_reason IS NOT NULL)
            THEN 'new_hire_active inconsistent with hire date / termination'
        WHEN detailed_status_code = 'new_hire_termination'
             AND (NOT hired_in_y OR employment_status <> 'terminated' OR termination_date IS NULL
                  OR termination_reason IS DISTINCT FROM 'new_hire_termination')
            THEN 'new_hire_termination inconsistent with hire date / termination'
        WHEN detailed_status_code = 'experienced_termination'
             AND (hired_in_y OR employment_status <> 'terminated' OR termination_date IS NULL
                  OR termination_reason IS DISTINCT FROM 'experienced_termination')
            THEN 'experienced_termination inconsistent with hire date / termination'
        WHEN termination_date IS NOT NULL AND year(termination_date) <> simulation_year THEN 'termination_date outside Y'
        WHEN NOT hired_in_y AND simulation_year > start_year AND prior_status IS DISTINCT FROM 'active'
            THEN 'row of a roster member who was not active at Dec 31 of Y-1'
        WHEN full_year_equivalent_compensation <> current_compensation
            THEN 'full_year_equivalent_compensation <> current_compensation'
        WHEN last_amount IS NOT NULL AND current_compensation <> last_amount
            THEN 'current_compensation <> last compensation event amount'
        WHEN last_amount IS NULL AND hired_in_y THEN 'new hire without compensation events'
        WHEN last_amount IS NULL AND simulation_year > start_year AND current_compensation IS DISTINCT FROM prior_comp
            THEN 'no compensation event but current_compensation <> that of Y-1'
        WHEN current_compensation <= 0 THEN 'current_compensation <= 0'
        WHEN level_id < 1 OR level_id > lmax THEN 'level_id outside 1..L_max'
        WHEN hired_in_y AND level_id IS DISTINCT FROM hire_level THEN 'level_id <> hire level'
        WHEN NOT hired_in_y AND simulation_year > start_year AND level_id IS DISTINCT FROM prior_level + promotions
            THEN 'level_id <> level of Y-1 + promotions of Y'
        END AS problem
    FROM s
)
SELECT * FROM bad WHERE problem IS NOT NULL
UNION ALL
SELECT scenario_id, simulation_year, employee_id, 'duplicate snapshot key'
FROM fct_workforce_snapshot GROUP BY ALL HAVING count(*) > 1
UNION ALL
SELECT p.scenario_id, p.simulation_year + 1, p.employee_id, 'active at Dec 31 of Y-1 but no snapshot row in Y'
FROM fct_workforce_snapshot p
JOIN meta m ON m.scenario_id = p.scenario_id
LEFT JOIN fct_workforce_snapshot s ON s.scenario_id = p.scenario_id AND s.employee_id = p.employee_id
                                  AND s.simulation_year = p.simulation_year + 1
WHERE p.employment_status = 'active' AND p.simulation_year < m.end_year AND s.employee_id IS NULL
