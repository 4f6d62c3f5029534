-- Invariant 12 (MODEL 7, rules of MODEL 4.9): proration, pay segments and hours.
-- planwise: kind=check materialized=view
--   with a = max(hire_date, Jan 1 Y), b = termination_date or Dec 31 Y, D = days in Y:
--   prorated_annual_compensation = round2(sum over pay segments of salary x days / D),
--   where the salary is s0 (the first promotion/raise's previous_compensation, or
--   the hire salary, or current_compensation when nothing changes) until the first
--   change and each promotion/raise amount from its date (inclusive), tolerance
--   1 cent; an employee with no compensation event employed all year has
--   prorated = current_compensation exactly; for anyone
--   prorated <= max salary x (days(a, b) + 1) / D + 0.005 (+ 1e-4 for binary noise);
--   annual_hours_worked = rha(hours_per_week x 52 x (days(a, b) + 1) / D).
-- Returns one row per violating snapshot row; no rows = pass.
WITH s AS (
    SELECT scenario_id, simulation_year, employee_id, current_compensation, prorated_annual_compensation,
           scheduled_hours_per_week, annual_hours_worked,
           greatest(employee_hire_date, make_date(simulation_year, 1, 1)) AS a,
           coalesce(termination_date, make_date(simulation_year, 12, 31)) AS b,
           date_diff('day', make_date(simulation_year, 1, 1), make_date(simulation_year + 1, 1, 1)) AS d_y
    FROM fct_workforce_snapshot
),
changes AS (
    SELECT e.scenario_id, e.simulation_year, e.employee_id, e.event_sequence, e.effective_date,
           e.compensation_amount, e.previous_compensation,
           lead(e.effective_date) OVER w AS next_date,
           row_number() OVER w AS k
    FROM fct_yearly_events e
    WHERE e.event_type IN ('promotion', 'raise')
    WINDOW w AS (PARTITION BY e.scenario_id, e.simulation_year, e.employee_id ORDER BY e.event_sequence)
),
hire AS (
    SELECT scenario_id, simulation_year, employee_id, compensation_amount AS hire_salary
    FROM fct_yearly_events WHERE event_type = 'hire'
),
agg AS (
    SELECT c.scenario_id, c.simulation_year, c.employee_id,
           any_value(c.previous_compensation) FILTER (WHERE c.k = 1) AS s0,
           min(c.effective_date) AS first_change,
           sum(c.compensation_amount * (date_diff('day', c.effective_date, coalesce(c.next_date, s.b + 1)))) AS later_pay,
           max(c.compensation_amount) AS max_amount, count(*) AS n_changes
    FROM changes c
    JOIN s USING (scenario_id, simulation_year, employee_id)
    GROUP BY ALL
),
calc AS (
    SELECT s.*, a2.n_changes,
           coalesce(a2.s0, h.hire_salary, s.current_compensation) AS s0,
           (coalesce(a2.s0, h.hire_salary, s.current_compensation)
                * date_diff('day', s.a, coalesce(a2.first_change, s.b + 1))
            + coalesce(a2.later_pay, 0)) / s.d_y AS exact_pay,
           greatest(coalesce(a2.s0, h.hire_salary, s.current_compensation), coalesce(a2.max_amount, 0),
                    s.current_compensation) AS max_salary,
           date_diff('day', s.a, s.b) + 1 AS days,
           CAST(floor(s.scheduled_hours_per_week * 52 * (date_diff('day', s.a, s.b) + 1) / s.d_y + 0.5 + 1e-9) AS INTEGER)
               AS want_hours
    FROM s
    LEFT JOIN agg a2 USING (scenario_id, simulation_year, employee_id)
    LEFT JOIN hire h USING (scenario_id, simulation_year, employee_id)
)
SELECT scenario_id, simulation_year, employee_id, a, b, s0, current_compensation, prorated_annual_compensation,
       round(exact_pay, 2) AS want_prorated, annual_hours_worked, want_hours, CASE
        WHEN days < 1 THEN 'empty employment interval (b < a)'
        WHEN n_changes IS NULL AND days = d_y AND prorated_annual_compensation <> current_compensation
            THEN 'no compensation event, employed all year, prorated <> current_compensation'
        WHEN prorated_annual_compensation > max_salary * days / d_y + 0.0051 THEN 'prorated > max salary x days / D'
        WHEN abs(prorated_annual_compensation - exact_pay) > 0.0051 THEN 'prorated <> round2(sum of pay segments)'
        WHEN annual_hours_worked <> want_hours THEN 'annual_hours_worked <> rha(h x 52 x days / D)'
    END AS problem
FROM calc
WHERE problem IS NOT NULL
