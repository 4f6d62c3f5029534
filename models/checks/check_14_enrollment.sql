-- Invariant 14 (MODEL 7, rules of MODEL 4.11): enrollment.
-- planwise: kind=check materialized=view
--   at most one enrollment event and one opt-out (enrollment_change) per employee over
--   the horizon; every enrollment is dated >= E (eligible that year, status eligible),
--   not for an excluded employee, not after an opt-out, never for a pre-enrolled
--   census row (those are enrolled from the census date, or their hire date inside
--   the first year, with method census);
--   census_enrollment events (deferral_rates.generate_synthetic_events): exactly one
--   per pre-enrolled census row of the first year, only with that setting, in year S,
--   dated max(its enrollment date, Jan 1 S), at the census rate
--   (original_deferral_rate), previous deferral 0, compensation set; they record the
--   census state and are not the enrollment of the rules below;
--   enrollment events carry deferral = rate > 0, previous deferral 0, compensation set;
--   every opt-out follows an auto_enrollment event of the same employee and is dated
--   exactly A + opt_out_grace_period (the run's YAML, default 30), deferral 0.
--   Paths (4.11 a-d): auto_enrollment / proactive_voluntary only for AE-covered
--   employees (AE enabled, hire_date >= the effective cutoff), auto dated
--   W0 + window_days, proactive in [W0 + min_days, W0 + max_days], W0 = max(E, Jan 1 S);
--   voluntary_enrollment / year_over_year_voluntary only for employees not AE-covered,
--   voluntary dated E with E >= Jan 1 S (with voluntary_enrollment.every_year, dated E
--   with E in Y, or max(E, Jan 15 Y) for the yearly draw), year-over-year dated
--   Y-<month>-<day> with E < Jan 1 Y.
--   Snapshot: employee_enrollment_date / enrollment_method follow the event (NULL before
--   it); ever_opted_out iff an opt-out on or before b; is_enrolled_flag iff enrolled by
--   b and not opted out by b.
-- Uses macros.sql. Returns one row per violation; no rows = pass.
WITH cfg AS (SELECT * FROM pw_config()),
pre AS (SELECT * FROM pw_pre_enrolled()),
enr AS (
    SELECT scenario_id, employee_id, count(*) AS n, min(simulation_year) AS y, min(effective_date) AS d,
           any_value(event_category::VARCHAR) AS category, any_value(employee_deferral_rate) AS rate
    FROM fct_yearly_events WHERE event_type = 'enrollment' AND event_category <> 'census_enrollment' GROUP BY ALL
),
census_ev AS (
    SELECT scenario_id, employee_id, count(*) AS n
    FROM fct_yearly_events WHERE event_type = 'enrollment' AND event_category = 'census_enrollment' GROUP BY ALL
),
opt AS (
    SELECT scenario_id, employee_id, count(*) AS n, min(simulation_year) AS y, min(effective_date) AS d
    FROM fct_yearly_events WHERE event_type = 'enrollment_change' GROUP BY ALL
),
s AS (
    SELECT s.*, coalesce(s.termination_date, make_date(s.simulation_year, 12, 31)) AS b,
           p.employee_id IS NOT NULL AS pre_enrolled, c.*,
           c.ae_enabled AND (c.ae_cutoff IS NULL OR s.employee_hire_date >= c.ae_cutoff) AS ae_covered,
           greatest(s.employee_eligibility_date, make_date(c.start_year, 1, 1)) AS w0
    FROM fct_workforce_snapshot s
    JOIN cfg c USING (scenario_id)
    LEFT JOIN pre p USING (scenario_id, employee_id)
),
first_excluded AS (
    SELECT scenario_id, employee_id FROM fct_workforce_snapshot WHERE current_eligibility_status = 'excluded' GROUP BY ALL
)
-- enrollment events
SELECT * FROM (SELECT e.scenario_id, e.simulation_year, e.employee_id, e.effective_date, e.event_category::VARCHAR AS category, CASE
        WHEN s.employee_id IS NULL THEN 'enrollment event without a snapshot row'
        WHEN e.event_category = 'census_enrollment' THEN CASE
            WHEN NOT s.synthetic_events THEN 'census_enrollment event while generate_synthetic_events is off'
            WHEN NOT s.pre_enrolled THEN 'census_enrollment event for an employee not pre-enrolled'
            WHEN e.simulation_year <> s.start_year THEN 'census_enrollment event outside the first year'
            WHEN e.effective_date IS DISTINCT FROM greatest(s.employee_enrollment_date, make_date(s.start_year, 1, 1))
                THEN 'census_enrollment not dated max(enrollment date, Jan 1 S)'
            WHEN e.employee_deferral_rate IS DISTINCT FROM s.original_deferral_rate
                THEN 'census_enrollment rate <> the census rate ' || coalesce(s.original_deferral_rate::VARCHAR, 'NULL')
            WHEN e.prev_employee_deferral_rate IS DISTINCT FROM 0 THEN 'enrollment previous deferral rate <> 0'
            WHEN e.compensation_amount IS NULL OR e.previous_compensation IS NOT NULL
                THEN 'enrollment compensation NULL or previous set'
            END
        WHEN s.pre_enrolled THEN 'enrollment event for a pre-enrolled census row'
        WHEN x.employee_id IS NOT NULL THEN 'enrollment event for an excluded employee'
        WHEN s.employee_eligibility_date IS NULL OR e.effective_date < s.employee_eligibility_date
            THEN 'enrollment before the eligibility date E = ' || coalesce(s.employee_eligibility_date::VARCHAR, 'NULL')
        WHEN s.current_eligibility_status <> 'eligible' THEN 'enrollment while status ' || s.current_eligibility_status::VARCHAR
        WHEN o.d IS NOT NULL AND e.effective_date >= o.d THEN 'enrollment on or after an opt-out'
        WHEN NOT (e.employee_deferral_rate > 0) THEN 'enrollment rate not > 0'
        WHEN e.prev_employee_deferral_rate IS DISTINCT FROM 0 THEN 'enrollment previous deferral rate <> 0'
        WHEN e.compensation_amount IS NULL OR e.previous_compensation IS NOT NULL THEN 'enrollment compensation NULL or previous set'
        WHEN e.event_category IN ('auto_enrollment', 'proactive_voluntary') AND NOT s.ae_covered
            THEN e.event_category::VARCHAR || ' for an employee not AE-covered'
        WHEN e.event_category IN ('voluntary_enrollment', 'year_over_year_voluntary') AND s.ae_covered
            THEN e.event_category::VARCHAR || ' for an AE-covered employee'
        WHEN e.event_category = 'auto_enrollment' AND e.effective_date <> s.w0 + s.window_days
            THEN 'auto-enrollment not dated W0 + window_days = ' || (s.w0 + s.window_days)
        WHEN e.event_category = 'proactive_voluntary'
             AND NOT e.effective_date BETWEEN s.w0 + s.pro_min_days AND s.w0 + s.pro_max_days
            THEN 'proactive enrollment outside [W0 + min_days, W0 + max_days], W0 = ' || s.w0
        WHEN e.event_category = 'proactive_voluntary' AND NOT s.proactive_enabled THEN 'proactive enrollment while disabled'
        WHEN e.event_category = 'voluntary_enrollment' AND NOT s.voluntary_every_year
             AND (e.effective_date <> s.employee_eligibility_date OR s.employee_eligibility_date < make_date(s.start_year, 1, 1))
            THEN 'voluntary enrollment not dated E >= Jan 1 S'
        WHEN e.event_category = 'voluntary_enrollment' AND s.voluntary_every_year
             AND NOT (e.effective_date = greatest(s.employee_eligibility_date, make_date(e.simulation_year, 1, 15))
                      OR (e.effective_date = s.employee_eligibility_date
                          AND s.employee_eligibility_date >= make_date(e.simulation_year, 1, 1)))
            THEN 'voluntary enrollment (every year) not dated E in Y or max(E, Jan 15 Y)'
        WHEN e.event_category = 'voluntary_enrollment' AND NOT s.voluntary_enabled THEN 'voluntary enrollment while disabled'
        WHEN e.event_category = 'year_over_year_voluntary'
             AND (e.effective_date <> make_date(e.simulation_year, s.yoy_month, s.yoy_day)
                  OR s.employee_eligibility_date >= make_date(e.simulation_year, 1, 1))
            THEN 'year-over-year enrollment not on the conversion date or E not before Jan 1 Y'
        WHEN e.event_category = 'year_over_year_voluntary' AND NOT s.yoy_enabled THEN 'year-over-year enrollment while disabled'
    END AS problem
FROM fct_yearly_events e
LEFT JOIN s USING (scenario_id, simulation_year, employee_id)
LEFT JOIN opt o USING (scenario_id, employee_id)
LEFT JOIN first_excluded x USING (scenario_id, employee_id)
WHERE e.event_type = 'enrollment') WHERE problem IS NOT NULL
UNION ALL
-- opt-outs
SELECT o.scenario_id, o.simulation_year, o.employee_id, o.effective_date, 'enrollment_opt_out', CASE
        WHEN n.employee_id IS NULL THEN 'opt-out without an enrollment'
        WHEN n.category <> 'auto_enrollment' THEN 'opt-out after a ' || n.category || ' enrollment'
        WHEN o.effective_date <> n.d + c.grace_days
            THEN 'opt-out not dated auto-enrollment date ' || n.d || ' + ' || c.grace_days || ' days'
        WHEN o.employee_deferral_rate IS DISTINCT FROM 0 THEN 'opt-out deferral rate <> 0'
        WHEN o.event_category <> 'enrollment_opt_out' THEN 'enrollment_change category not enrollment_opt_out'
    END
FROM fct_yearly_events o
JOIN cfg c USING (scenario_id)
LEFT JOIN enr n USING (scenario_id, employee_id)
WHERE o.event_type = 'enrollment_change'
  AND (n.employee_id IS NULL OR n.category <> 'auto_enrollment' OR o.effective_date <> n.d + c.grace_days
       OR o.employee_deferral_rate IS DISTINCT FROM 0 OR o.event_category <> 'enrollment_opt_out')
UNION ALL
SELECT scenario_id, y, employee_id, d, category, 'more than one enrollment event (' || n || ')' FROM enr WHERE n > 1
UNION ALL
SELECT scenario_id, y, employee_id, d, 'enrollment_opt_out', 'more than one opt-out (' || n || ')' FROM opt WHERE n > 1
UNION ALL
-- census participants of the first year without their census_enrollment event
SELECT s.scenario_id, s.simulation_year, s.employee_id, s.employee_enrollment_date, 'census_enrollment',
       CASE WHEN coalesce(ce.n, 0) = 0 THEN 'pre-enrolled census row of the first year without a census_enrollment event'
            ELSE 'more than one census_enrollment event (' || ce.n || ')' END
FROM s LEFT JOIN census_ev ce USING (scenario_id, employee_id)
WHERE s.simulation_year = s.start_year AND s.pre_enrolled
  AND ((s.synthetic_events AND coalesce(ce.n, 0) = 0
        AND s.b >= greatest(s.employee_enrollment_date, make_date(s.start_year, 1, 1)))
       OR ce.n > 1)
UNION ALL
-- snapshot state against the events
SELECT * FROM (SELECT s.scenario_id, s.simulation_year, s.employee_id, s.employee_enrollment_date, s.enrollment_method::VARCHAR, CASE
        WHEN s.pre_enrolled AND (s.employee_enrollment_date IS DISTINCT FROM greatest(s.census_date, s.employee_hire_date)
                                 OR s.enrollment_method <> 'census')
            THEN 'pre-enrolled row not enrolled at the census date (or its later hire date) with method census'
        WHEN NOT s.pre_enrolled AND s.enrollment_method = 'census' THEN 'method census for an employee not pre-enrolled'
        WHEN NOT s.pre_enrolled AND (n.employee_id IS NULL OR n.y > s.simulation_year)
             AND (s.employee_enrollment_date IS NOT NULL OR s.enrollment_method IS NOT NULL OR s.is_enrolled_flag)
            THEN 'enrolled in the snapshot without an enrollment event up to Y'
        WHEN n.y <= s.simulation_year AND s.employee_enrollment_date IS DISTINCT FROM n.d
            THEN 'employee_enrollment_date <> enrollment event date ' || n.d
        WHEN n.y <= s.simulation_year AND s.enrollment_method::VARCHAR IS DISTINCT FROM CASE n.category
                WHEN 'auto_enrollment' THEN 'auto' WHEN 'proactive_voluntary' THEN 'proactive'
                WHEN 'voluntary_enrollment' THEN 'voluntary' WHEN 'year_over_year_voluntary' THEN 'year_over_year' END
            THEN 'enrollment_method does not match the event category ' || n.category
        WHEN s.ever_opted_out <> (o.d IS NOT NULL AND o.d <= s.b) THEN 'ever_opted_out <> opt-out event on or before b'
        WHEN s.is_enrolled_flag <> (s.employee_enrollment_date IS NOT NULL AND s.employee_enrollment_date <= s.b
                                    AND NOT (o.d IS NOT NULL AND o.d <= s.b))
            THEN 'is_enrolled_flag <> (enrolled by b and not opted out by b)'
    END AS problem
FROM s
LEFT JOIN enr n USING (scenario_id, employee_id)
LEFT JOIN opt o USING (scenario_id, employee_id)) WHERE problem IS NOT NULL
