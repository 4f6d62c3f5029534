-- Invariant 15 (MODEL 7, rules of MODEL 4.11-4.12): deferral rates.
-- planwise: kind=check materialized=view
--   snapshot current_deferral_rate and every event rate in [0, plan_deferral_cap];
--   participation_status = participating iff current rate > 0;
--   escalation: dated Y-<effective_day>, prev > 0, new > prev, new <= maximum_rate,
--   new = round6(min(maximum_rate, prev + increment)), only when enrolled before the
--   date, Y - year(enrollment) >= first_escalation_delay_years (a pre-enrolled census row
--   is enrolled from the census date, or its hire date inside the first year), hire_date >= the
--   escalation cutoff (if set), not auto_escalation_opt_out, not after an opt-out;
--   and every employee meeting all those conditions on the date with
--   0 < r < maximum_rate - 1e-9 is escalated (r = the rate in force the day before,
--   after a same-day match response);
--   proactive_voluntary / voluntary_enrollment rates in [min_deferral_rate,
--   max_deferral_rate] (the clamp after the match magnet, 4.11); auto-enrollment at
--   default_deferral_rate; year-over-year rates are the conversion's
--   deferral_rates[age group] of the run's configuration (table default 0.03 / 0.04 /
--   0.05 / 0.06; the group of age_Y under simulation.age_convention, pw_age_y; not
--   checked when the rates or groups come from a replaced table, or with conservative:
--   false, where converters choose like voluntary enrollees);
--   after an opt-out the snapshot rate is 0 and no escalation or match response follows;
--   the snapshot rate = the rate of the latest rate-setting event (enrollment,
--   enrollment_change, deferral_escalation, deferral_match_response) up to Y, else the
--   census rate (original_deferral_rate of a pre-enrolled row), else 0;
--   original_deferral_rate = the first enrollment rate (census rate for pre-enrolled
--   rows), NULL before enrollment, never changing; total_deferral_escalations and
--   last_escalation_date = count and date of the latest escalation event up to Y;
--   each event's previous deferral rate = the rate in force before it.
-- Uses macros.sql. Returns one row per violation; no rows = pass.
WITH cfg AS (SELECT * FROM pw_config()),
pre AS (SELECT * FROM pw_pre_enrolled()),
rate_ev AS (
    SELECT e.scenario_id, e.simulation_year, e.employee_id, e.event_sequence, e.effective_date,
           e.event_type::VARCHAR AS event_type, e.event_category::VARCHAR AS category,
           e.employee_deferral_rate AS rate, e.prev_employee_deferral_rate AS prev_rate, e.employee_age,
           row_number() OVER (PARTITION BY e.scenario_id, e.employee_id ORDER BY e.simulation_year, e.event_sequence) AS k
    FROM fct_yearly_events e
    WHERE e.event_type IN ('enrollment', 'enrollment_change', 'deferral_escalation', 'deferral_match_response')
),
snap AS (
    SELECT s.*, coalesce(s.termination_date, make_date(s.simulation_year, 12, 31)) AS b,
           p.employee_id IS NOT NULL AS pre_enrolled
    FROM fct_workforce_snapshot s LEFT JOIN pre p USING (scenario_id, employee_id)
),
-- census rate of pre-enrolled rows = original_deferral_rate of their first snapshot row
census_rate AS (
    SELECT s.scenario_id, s.employee_id, arg_min(s.original_deferral_rate, s.simulation_year) AS r
    FROM snap s WHERE s.pre_enrolled GROUP BY ALL
),
opt AS (
    SELECT scenario_id, employee_id, min(effective_date) AS d FROM rate_ev WHERE event_type = 'enrollment_change' GROUP BY ALL
),
enr AS (
    SELECT scenario_id, employee_id, min(effective_date) AS d, arg_min(rate, k) AS rate
    FROM rate_ev WHERE event_type = 'enrollment' GROUP BY ALL
),
-- rate in force before each rate event (the previous event's rate, else the census rate, else 0)
ev AS (
    SELECT r.*, coalesce(lag(r.rate) OVER (PARTITION BY r.scenario_id, r.employee_id ORDER BY r.k), c.r, 0) AS want_prev
    FROM rate_ev r LEFT JOIN census_rate c USING (scenario_id, employee_id)
),
latest AS (
    SELECT s.scenario_id, s.simulation_year, s.employee_id,
           max_by(e.rate, e.k) AS last_rate,
           count(*) FILTER (WHERE e.event_type = 'deferral_escalation') AS escalations,
           max(e.effective_date) FILTER (WHERE e.event_type = 'deferral_escalation') AS last_escalation
    FROM snap s JOIN rate_ev e ON e.scenario_id = s.scenario_id AND e.employee_id = s.employee_id
                               AND e.simulation_year <= s.simulation_year
    GROUP BY ALL
),
-- escalation completeness: every snapshot row employed on Q = Y-<effective_day>; r = the
-- rate in force the day before Q, after a same-day match response
esc_q AS (
    SELECT s.scenario_id, s.simulation_year, s.employee_id, s.b, s.employee_hire_date, s.auto_escalation_opt_out,
           strptime(s.simulation_year || '-' || c.esc_day, '%Y-%m-%d')::DATE AS q,
           CASE WHEN s.pre_enrolled THEN greatest(c.census_date, s.employee_hire_date) ELSE n.d END AS enroll_date, o.d AS opt_date,
           c.esc_enabled, c.esc_max, c.esc_delay, c.esc_cutoff, cr.r AS census_r
    FROM snap s
    JOIN cfg c USING (scenario_id)
    LEFT JOIN census_rate cr USING (scenario_id, employee_id)
    LEFT JOIN enr n USING (scenario_id, employee_id)
    LEFT JOIN opt o USING (scenario_id, employee_id)
),
esc_agg AS (
    SELECT q.scenario_id, q.simulation_year, q.employee_id,
           max_by(e.rate, e.k) FILTER (WHERE e.effective_date < q.q
                        OR (e.effective_date = q.q AND e.event_type = 'deferral_match_response')) AS r_ev,
           count(e.k) FILTER (WHERE e.event_type = 'deferral_escalation' AND e.simulation_year = q.simulation_year) AS n_esc
    FROM esc_q q
    LEFT JOIN rate_ev e ON e.scenario_id = q.scenario_id AND e.employee_id = q.employee_id AND e.simulation_year <= q.simulation_year
    GROUP BY q.scenario_id, q.simulation_year, q.employee_id
),
esc_due AS (
    SELECT q.*, coalesce(a.r_ev, q.census_r, 0) AS r, a.n_esc > 0 AS escalated
    FROM esc_q q JOIN esc_agg a USING (scenario_id, simulation_year, employee_id)
)
-- rate events
SELECT * FROM (
SELECT e.scenario_id, e.simulation_year, e.employee_id, e.effective_date, e.category, e.rate, e.prev_rate, CASE
        WHEN e.rate IS NULL OR e.rate < 0 OR e.rate > c.deferral_cap + 1e-9 THEN 'event rate outside [0, plan_deferral_cap]'
        WHEN e.event_type <> 'enrollment' AND abs(e.prev_rate - e.want_prev) > 1e-9
            THEN 'previous deferral rate <> the rate in force before the event (' || e.want_prev || ')'
        WHEN e.category IN ('proactive_voluntary', 'voluntary_enrollment') AND (e.rate < c.min_rate - 1e-9 OR e.rate > c.max_rate + 1e-9)
            THEN 'chosen rate outside [min_deferral_rate, max_deferral_rate]'
        WHEN e.category = 'auto_enrollment' AND abs(e.rate - c.ae_default_rate) > 1e-9 THEN 'auto-enrollment rate <> default_deferral_rate'
        WHEN e.category = 'year_over_year_voluntary' AND c.yoy_rates IS NOT NULL
             AND abs(e.rate - round(least(c.deferral_cap,
                     CASE pw_age_group(pw_age_y(c.age_convention, c.census_date, c.start_year, s.employee_birth_date,
                                                e.simulation_year))
                         WHEN 'young' THEN c.yoy_rates.young WHEN 'mid_career' THEN c.yoy_rates.mid_career
                         WHEN 'mature' THEN c.yoy_rates.mature ELSE c.yoy_rates.senior END), 6)) > 1e-9
            THEN 'year-over-year rate <> deferral_rates[age group]'
        WHEN e.event_type IN ('deferral_escalation', 'deferral_match_response') AND o.d IS NOT NULL AND e.effective_date >= o.d
            THEN e.event_type || ' on or after the opt-out'
        WHEN e.event_type = 'deferral_escalation' AND NOT (e.prev_rate > 0 AND e.rate > e.prev_rate + 1e-12)
            THEN 'escalation does not raise a positive rate'
        WHEN e.event_type = 'deferral_escalation' AND e.rate > c.esc_max + 1e-9 THEN 'escalation above maximum_rate'
        WHEN e.event_type = 'deferral_escalation' AND abs(e.rate - round(least(c.esc_max, e.prev_rate + c.esc_increment), 6)) > 1e-9
            THEN 'escalation rate <> round6(min(maximum_rate, prev + increment))'
        WHEN e.event_type = 'deferral_escalation' AND e.effective_date <> strptime(e.simulation_year || '-' || c.esc_day, '%Y-%m-%d')::DATE
            THEN 'escalation not on the escalation date'
        WHEN e.event_type = 'deferral_escalation' AND s.auto_escalation_opt_out THEN 'escalation of an auto_escalation_opt_out employee'
        WHEN e.event_type = 'deferral_escalation' AND NOT c.esc_enabled THEN 'escalation while disabled'
        WHEN e.event_type = 'deferral_escalation' AND c.esc_cutoff IS NOT NULL AND s.employee_hire_date < c.esc_cutoff
            THEN 'escalation of an employee hired before the escalation cutoff'
        WHEN e.event_type = 'deferral_escalation'
             AND NOT ((s.pre_enrolled AND greatest(c.census_date, s.employee_hire_date) < e.effective_date
                       AND e.simulation_year - year(greatest(c.census_date, s.employee_hire_date)) >= c.esc_delay)
                      OR (n.d < e.effective_date AND e.simulation_year - year(n.d) >= c.esc_delay))
            THEN 'escalation before enrollment + first_escalation_delay_years'
        WHEN e.event_type = 'deferral_match_response' AND NOT c.mr_enabled THEN 'match response while disabled'
        WHEN e.event_type = 'deferral_match_response'
             AND (e.simulation_year <> c.start_year OR e.effective_date <> make_date(c.start_year, 1, 1) OR NOT s.pre_enrolled)
            THEN 'match response not on Jan 1 S for a pre-enrolled census row'
        WHEN e.event_type = 'deferral_match_response' AND abs(e.rate - e.prev_rate) < 1e-12 THEN 'match response without a change'
    END AS problem
FROM ev e
JOIN cfg c USING (scenario_id)
LEFT JOIN snap s USING (scenario_id, simulation_year, employee_id)
LEFT JOIN opt o USING (scenario_id, employee_id)
LEFT JOIN enr n USING (scenario_id, employee_id)
) WHERE problem IS NOT NULL
UNION ALL
-- snapshot rates
SELECT * FROM (
SELECT s.scenario_id, s.simulation_year, s.employee_id, s.b, NULL, s.current_deferral_rate,
       coalesce(l.last_rate, CASE WHEN s.pre_enrolled THEN cr.r ELSE 0 END), CASE
        WHEN s.current_deferral_rate < 0 OR s.current_deferral_rate > c.deferral_cap + 1e-9
            THEN 'current_deferral_rate outside [0, plan_deferral_cap]'
        WHEN (s.participation_status = 'participating') <> (s.current_deferral_rate > 0)
            THEN 'participation_status <> (current rate > 0)'
        WHEN o.d IS NOT NULL AND o.d <= s.b AND s.current_deferral_rate <> 0 THEN 'rate <> 0 after the opt-out'
        WHEN abs(s.current_deferral_rate - coalesce(l.last_rate, CASE WHEN s.pre_enrolled THEN cr.r ELSE 0 END)) > 1e-9
            THEN 'current_deferral_rate <> rate of the latest rate-setting event (else census rate, else 0)'
        WHEN s.auto_escalation_opt_out AND s.total_deferral_escalations > 0 THEN 'auto_escalation_opt_out employee escalated'
        WHEN s.total_deferral_escalations <> coalesce(l.escalations, 0)
            THEN 'total_deferral_escalations <> escalation events up to Y (' || coalesce(l.escalations, 0) || ')'
        WHEN s.last_escalation_date IS DISTINCT FROM l.last_escalation THEN 'last_escalation_date <> latest escalation event'
        WHEN s.pre_enrolled AND s.original_deferral_rate IS DISTINCT FROM cr.r THEN 'original_deferral_rate changed for a census row'
        WHEN NOT s.pre_enrolled AND n.d <= s.b AND s.original_deferral_rate IS DISTINCT FROM n.rate
            THEN 'original_deferral_rate <> the enrollment event rate'
        WHEN NOT s.pre_enrolled AND (n.d IS NULL OR n.d > s.b) AND s.original_deferral_rate IS NOT NULL
            THEN 'original_deferral_rate set before enrollment'
    END AS problem
FROM snap s
JOIN cfg c USING (scenario_id)
LEFT JOIN latest l USING (scenario_id, simulation_year, employee_id)
LEFT JOIN census_rate cr USING (scenario_id, employee_id)
LEFT JOIN opt o USING (scenario_id, employee_id)
LEFT JOIN enr n USING (scenario_id, employee_id)
) WHERE problem IS NOT NULL
UNION ALL
-- escalations that should have happened
SELECT scenario_id, simulation_year, employee_id, q, 'deferral_escalation', r, NULL, 'escalation due on Q but not emitted'
FROM esc_due
WHERE esc_enabled AND NOT escalated AND q <= b AND q >= employee_hire_date AND NOT auto_escalation_opt_out
  AND (esc_cutoff IS NULL OR employee_hire_date >= esc_cutoff)
  AND enroll_date < q AND simulation_year - year(enroll_date) >= esc_delay
  AND r > 0 AND r < esc_max - 1e-9 AND (opt_date IS NULL OR opt_date > q)
