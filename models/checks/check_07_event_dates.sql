-- Invariant 7 (MODEL 7): event dates.
-- planwise: kind=check materialized=view
--   every event lies in [Jan 1 Y, Dec 31 Y] of its simulation_year and on or after
--   the employee's hire_date; hire events are dated hire_date; new-hire
--   terminations lie in (hire_date, Dec 31]; experienced terminations only for
--   employees of the starting roster (a census row hired inside the first year
--   leaves after its hire date); all promotions of a year share one date, and so
--   do all calendar-driven raises (event_details timing=calendar_driven); with no
--   event_calendar key in the run's YAML those dates are 02-01 and 07-15 (defaults).
-- Returns one row per violation; no rows = pass.
WITH meta AS (
    SELECT scenario_id, arg_max(coalesce(config_text, ''), started_at) AS config_text
    FROM run_metadata
    GROUP BY ALL
),
ev AS (
    SELECT e.scenario_id, e.simulation_year, e.employee_id, e.event_type::VARCHAR AS event_type,
           e.event_category::VARCHAR AS event_category, e.effective_date, e.event_details,
           s.employee_hire_date AS hire_date, s.detailed_status_code::VARCHAR LIKE 'new_hire%' AS new_hire
    FROM fct_yearly_events e
    LEFT JOIN fct_workforce_snapshot s USING (scenario_id, simulation_year, employee_id)
),
dated AS (
    SELECT scenario_id, simulation_year, employee_id, event_type, CASE
        WHEN hire_date IS NULL THEN 'event without a snapshot row for its employee-year'
        WHEN effective_date < make_date(simulation_year, 1, 1) OR effective_date > make_date(simulation_year, 12, 31)
            THEN 'effective_date outside its simulation_year'
        WHEN effective_date < hire_date THEN 'event before the hire date'
        WHEN event_type = 'hire' AND effective_date <> hire_date THEN 'hire event not dated hire_date'
        WHEN event_category = 'new_hire_termination' AND effective_date <= hire_date
            THEN 'new-hire termination not after the hire date'
        WHEN event_category = 'new_hire_termination' AND year(hire_date) <> simulation_year
            THEN 'new-hire termination of an employee not hired in Y'
        WHEN event_category = 'experienced_termination' AND new_hire
            THEN 'experienced termination of an employee hired in Y'
        WHEN event_category = 'experienced_termination' AND hire_date >= make_date(simulation_year, 1, 1)
             AND effective_date <= hire_date AND hire_date < make_date(simulation_year, 12, 31)
            THEN 'experienced termination of a census row hired in Y not after its hire date'
        END AS problem
    FROM ev
),
calendar AS (
    SELECT e.scenario_id, e.simulation_year, e.event_type,
           count(DISTINCT e.effective_date) AS dates, min(e.effective_date) AS d,
           any_value(m.config_text) AS config_text
    FROM ev e LEFT JOIN meta m USING (scenario_id)
    WHERE e.event_type = 'promotion' OR (e.event_type = 'raise' AND e.event_details LIKE '%timing=calendar_driven%')
    GROUP BY ALL
)
SELECT scenario_id, simulation_year, employee_id, event_type || ': ' || problem AS problem
FROM dated WHERE problem IS NOT NULL
UNION ALL
SELECT scenario_id, simulation_year, NULL, event_type || ' events on ' || dates || ' different dates (calendar)'
FROM calendar WHERE dates > 1
UNION ALL
SELECT scenario_id, simulation_year, NULL, event_type || ' date ' || strftime(d, '%m-%d') || ' is not the default calendar date'
FROM calendar
WHERE coalesce(config_text, '') NOT LIKE '%event_calendar%'
  AND strftime(d, '%m-%d') <> CASE event_type WHEN 'promotion' THEN '02-01' ELSE '07-15' END
