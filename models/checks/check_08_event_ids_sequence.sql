-- Invariant 8 (MODEL 7, definitions of MODEL 6.1): events unique and ordered.
-- planwise: kind=check materialized=view
--   event_id unique, and equal to the UUID v5 (SHA-1) of
--   'scenario_id|employee_id|simulation_year|event_type|event_sequence' in the
--   namespace 96ce0876-0fb7-5911-899e-f6c2b8b36d20; event_sequence is 1..n per
--   employee-year and follows (effective_date, priority) strictly, with priorities
--   hire 1, eligibility 2, enrollment 3, deferral_match_response 4,
--   deferral_escalation 5, promotion 6, raise 7, enrollment_change 8,
--   termination 9, forfeiture 10; event_category belongs to event_type (an enrollment
--   may be census_enrollment, deferral_rates.generate_synthetic_events: check 14 says
--   when).
-- Returns one row per violating event or employee-year; no rows = pass.
WITH ev AS (
    SELECT *,
           CASE event_type::VARCHAR
               WHEN 'hire' THEN 1 WHEN 'eligibility' THEN 2 WHEN 'enrollment' THEN 3
               WHEN 'deferral_match_response' THEN 4 WHEN 'deferral_escalation' THEN 5
               WHEN 'promotion' THEN 6 WHEN 'raise' THEN 7 WHEN 'enrollment_change' THEN 8
               WHEN 'termination' THEN 9 WHEN 'forfeiture' THEN 10 END AS priority,
           lower(sha1(unhex('96ce08760fb75911899ef6c2b8b36d20')
                      || encode(scenario_id || '|' || employee_id || '|' || simulation_year || '|'
                                || event_type::VARCHAR || '|' || event_sequence))) AS h
    FROM fct_yearly_events
),
ids AS (
    SELECT *,
           substr(h, 1, 8) || '-' || substr(h, 9, 4) || '-5' || substr(h, 14, 3) || '-'
           || substr('89ab', ((strpos('0123456789abcdef', substr(h, 17, 1)) - 1) % 4) + 1, 1)
           || substr(h, 18, 3) || '-' || substr(h, 21, 12) AS want_id,
           lag(effective_date) OVER k AS prev_date, lag(priority) OVER k AS prev_priority
    FROM ev
    WINDOW k AS (PARTITION BY scenario_id, simulation_year, employee_id ORDER BY event_sequence)
)
SELECT scenario_id, simulation_year, employee_id, event_sequence, CASE
        WHEN event_id::VARCHAR <> want_id THEN 'event_id <> uuid5(scenario|employee|year|type|sequence): want ' || want_id
        WHEN prev_date IS NOT NULL AND (effective_date < prev_date OR (effective_date = prev_date AND priority <= prev_priority))
            THEN 'event_sequence does not follow (effective_date, priority)'
        ELSE 'event_category ' || event_category::VARCHAR || ' does not belong to event_type ' || event_type::VARCHAR
    END AS problem
FROM ids
WHERE event_id::VARCHAR <> want_id
   OR (prev_date IS NOT NULL AND (effective_date < prev_date OR (effective_date = prev_date AND priority <= prev_priority)))
   OR NOT CASE event_type::VARCHAR
       WHEN 'hire' THEN event_category = 'hire'
       WHEN 'termination' THEN event_category IN ('experienced_termination', 'new_hire_termination')
       WHEN 'promotion' THEN event_category = 'promotion'
       WHEN 'raise' THEN event_category = 'raise'
       WHEN 'eligibility' THEN event_category = 'eligibility'
       WHEN 'enrollment' THEN event_category IN ('auto_enrollment', 'proactive_voluntary', 'voluntary_enrollment',
                                                 'year_over_year_voluntary', 'census_enrollment')
       WHEN 'enrollment_change' THEN event_category = 'enrollment_opt_out'
       WHEN 'deferral_escalation' THEN event_category = 'deferral_escalation'
       WHEN 'deferral_match_response' THEN event_category = 'match_response'
       WHEN 'forfeiture' THEN event_category = 'forfeiture'
       ELSE false END
UNION ALL
SELECT scenario_id, simulation_year, employee_id, NULL, 'event_sequence is not 1..n'
FROM fct_yearly_events
GROUP BY scenario_id, simulation_year, employee_id
HAVING min(event_sequence) <> 1 OR max(event_sequence) <> count(*) OR count(DISTINCT event_sequence) <> count(*)
UNION ALL
SELECT any_value(scenario_id), any_value(simulation_year), any_value(employee_id), NULL,
       'event_id used ' || count(*) || ' times'
FROM fct_yearly_events
GROUP BY event_id
HAVING count(*) > 1
