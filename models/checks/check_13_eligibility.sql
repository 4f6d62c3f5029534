-- Invariant 13 (MODEL 7, rules of MODEL 4.10): plan eligibility.
-- planwise: kind=check materialized=view
--   E = employee_eligibility_date = max(hire_date + waiting_period_days,
--   birthday(birth, minimum_age)) (pre-enrolled census rows: min(that, max(census date, hire date)));
--   E is the same in every snapshot year of an employee; every eligibility event is
--   dated E of its employee, with E >= hire_date, E >= Jan 1 S, E <= the end of
--   employment (no event after termination), in the year of E; at most one per
--   employee; none for pre-enrolled census rows or excluded employees; every
--   non-excluded, not pre-enrolled employee with E in [Jan 1 S, end of employment]
--   has one. Snapshot status: excluded stays excluded (and nobody becomes excluded
--   later), eligible iff E <= b, pending iff E > b; never eligible -> pending.
-- Excluded employees get no eligibility, enrollment, escalation or match-response
-- events and are never enrolled.
-- Uses macros.sql. Returns one row per violation; no rows = pass.
WITH cfg AS (SELECT * FROM pw_config()),
pre AS (SELECT * FROM pw_pre_enrolled()),
s AS (
    SELECT s.*, coalesce(s.termination_date, make_date(s.simulation_year, 12, 31)) AS b,
           c.start_year, c.census_date, c.min_age, c.waiting_days,
           p.employee_id IS NOT NULL AS pre_enrolled,
           greatest(s.employee_hire_date + c.waiting_days, pw_birthday(s.employee_birth_date, c.min_age)) AS want_e
    FROM fct_workforce_snapshot s
    JOIN cfg c USING (scenario_id)
    LEFT JOIN pre p USING (scenario_id, employee_id)
),
excluded AS (
    SELECT DISTINCT scenario_id, employee_id FROM fct_workforce_snapshot WHERE current_eligibility_status = 'excluded'
),
ev AS (
    SELECT e.scenario_id, e.simulation_year, e.employee_id, e.effective_date, e.event_type::VARCHAR AS event_type
    FROM fct_yearly_events e
    WHERE e.event_type IN ('eligibility', 'enrollment', 'enrollment_change', 'deferral_escalation', 'deferral_match_response')
),
elig AS (
    SELECT scenario_id, employee_id, count(*) AS n, min(effective_date) AS d, min(simulation_year) AS y
    FROM ev WHERE event_type = 'eligibility' GROUP BY ALL
)
-- snapshot rows: E formula, E constant, status per E and b
SELECT scenario_id, simulation_year, employee_id, employee_eligibility_date AS e_date, CASE
        WHEN current_eligibility_status <> 'excluded' AND employee_eligibility_date IS NULL
            THEN 'eligibility date missing for a non-excluded employee'
        WHEN current_eligibility_status <> 'excluded' AND NOT pre_enrolled AND employee_eligibility_date <> want_e
            THEN 'E <> max(hire + waiting, birthday(minimum_age)) = ' || want_e
        WHEN pre_enrolled AND employee_eligibility_date <> least(want_e, greatest(census_date, employee_hire_date))
            THEN 'pre-enrolled: E <> min(max(hire + waiting, birthday), max(census date, hire)) = '
                 || least(want_e, greatest(census_date, employee_hire_date))
        WHEN current_eligibility_status = 'eligible' AND employee_eligibility_date > b THEN 'status eligible but E > end of employment'
        WHEN current_eligibility_status = 'pending' AND employee_eligibility_date <= b THEN 'status pending but E <= end of employment'
        WHEN current_eligibility_status = 'excluded' AND pre_enrolled THEN 'pre-enrolled census row excluded'
        WHEN current_eligibility_status = 'excluded' AND is_enrolled_flag THEN 'excluded employee enrolled'
        WHEN current_eligibility_status = 'excluded' AND employee_enrollment_date IS NOT NULL THEN 'excluded employee with an enrollment date'
    END AS problem
FROM s
WHERE problem IS NOT NULL
UNION ALL
SELECT scenario_id, NULL, employee_id, NULL, 'eligibility date changes between years'
FROM s GROUP BY scenario_id, employee_id
HAVING count(DISTINCT employee_eligibility_date) > 1
    OR (count(employee_eligibility_date) > 0 AND count(employee_eligibility_date) <> count(*))
UNION ALL
-- status transitions year over year
SELECT c.scenario_id, c.simulation_year, c.employee_id, c.employee_eligibility_date,
       'status ' || p.current_eligibility_status::VARCHAR || ' -> ' || c.current_eligibility_status::VARCHAR
FROM fct_workforce_snapshot c
JOIN fct_workforce_snapshot p ON p.scenario_id = c.scenario_id AND p.employee_id = c.employee_id
                             AND p.simulation_year = c.simulation_year - 1
WHERE (p.current_eligibility_status = 'eligible' AND c.current_eligibility_status <> 'eligible')
   OR ((p.current_eligibility_status = 'excluded') <> (c.current_eligibility_status = 'excluded'))
UNION ALL
-- eligibility events
SELECT e.scenario_id, e.simulation_year, e.employee_id, e.effective_date, CASE
        WHEN s.employee_id IS NULL THEN 'eligibility event without a snapshot row'
        WHEN e.effective_date IS DISTINCT FROM s.employee_eligibility_date THEN 'eligibility event not dated E (' || s.employee_eligibility_date || ')'
        WHEN e.effective_date < s.employee_hire_date THEN 'eligibility event before the hire date'
        WHEN e.effective_date < make_date(s.start_year, 1, 1) THEN 'eligibility event for E before Jan 1 S'
        WHEN e.effective_date > s.b THEN 'eligibility event after the termination date'
        WHEN year(e.effective_date) <> e.simulation_year THEN 'eligibility event not in the year of E'
        WHEN s.pre_enrolled THEN 'eligibility event for a pre-enrolled census row'
        WHEN s.current_eligibility_status <> 'eligible' THEN 'eligibility event but status ' || s.current_eligibility_status::VARCHAR
    END
FROM ev e
LEFT JOIN s USING (scenario_id, simulation_year, employee_id)
WHERE e.event_type = 'eligibility'
  AND (s.employee_id IS NULL OR e.effective_date IS DISTINCT FROM s.employee_eligibility_date
       OR e.effective_date < s.employee_hire_date OR e.effective_date < make_date(s.start_year, 1, 1)
       OR e.effective_date > s.b OR year(e.effective_date) <> e.simulation_year OR s.pre_enrolled
       OR s.current_eligibility_status <> 'eligible')
UNION ALL
SELECT scenario_id, y, employee_id, d, 'more than one eligibility event (' || n || ')'
FROM elig WHERE n > 1
UNION ALL
-- completeness: E in [Jan 1 S, b] of year Y, not pre-enrolled, not excluded -> an event in Y
SELECT s.scenario_id, s.simulation_year, s.employee_id, s.employee_eligibility_date,
       'no eligibility event although E falls in Y inside the employment'
FROM s LEFT JOIN elig g USING (scenario_id, employee_id)
WHERE s.current_eligibility_status <> 'excluded' AND NOT s.pre_enrolled
  AND s.employee_eligibility_date >= make_date(s.start_year, 1, 1)
  AND year(s.employee_eligibility_date) = s.simulation_year AND s.employee_eligibility_date <= s.b
  AND (g.employee_id IS NULL OR g.y <> s.simulation_year)
UNION ALL
-- excluded employees: no plan events at all
SELECT e.scenario_id, e.simulation_year, e.employee_id, e.effective_date, e.event_type || ' event for an excluded employee'
FROM ev e JOIN excluded x USING (scenario_id, employee_id)
