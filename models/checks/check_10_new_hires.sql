-- Invariant 10 (MODEL 7, rules of MODEL 4.5): new hires.
-- planwise: kind=check materialized=view
--   ids NH_<Y>_<at least 6 digits> with Y = the hire year, numbered 1..H without
--   gaps, in level order (the level never decreases as the number grows); hire
--   dates in Y and equal to the snapshot hire_date; age_at_hire in event_details =
--   age(birth, hire_date), and the sampled age, so a birth date drawn a day too early
--   shows: one of the ages of new_hire.age_distribution when the run's configuration
--   gives one (ages 14-100), else one of the built-in new_hire_age_distribution.csv
--   (22 25 28 32 35 40 45 50) within [14, 80] (a run replacing that table is held to
--   [14, 100] only); details level and hours_per_week match the event and the snapshot;
--   the salary lies in
--   [round2(base_l e^(-3s - s^2/2)), round2(base_l e^(3s - s^2/2))] (+/- 1 cent) with
--   base_l = fct_workforce_needs_by_level.new_hire_base_compensation and s = the
--   run's variance_std_dev (0 with variance_enabled false); previous_compensation NULL, probability 1,
--   tenure 0; the hire-year snapshot status is new_hire_active / new_hire_termination.
-- Uses macros.sql. Returns one row per violating hire; no rows = pass.
WITH h AS (
    SELECT c.nh_ages, c.nh_age_table_replaced, c.nh_sigma AS sig, e.scenario_id, e.simulation_year, e.employee_id, e.level_id, e.effective_date,
           e.compensation_amount, e.previous_compensation, e.event_probability, e.employee_tenure,
           e.event_details, s.employee_birth_date AS birth, s.employee_hire_date AS hire_date,
           s.scheduled_hours_per_week AS hours, s.detailed_status_code::VARCHAR AS code,
           b.new_hire_base_compensation AS base,
           TRY_CAST(regexp_extract(e.employee_id, '^NH_[0-9]{4}_([0-9]{6,})$', 1) AS BIGINT) AS q,
           TRY_CAST(regexp_extract(e.event_details, 'age_at_hire=([0-9]+)', 1) AS INTEGER) AS age_at_hire,
           TRY_CAST(regexp_extract(e.event_details, '(^|;)level=([0-9]+)', 2) AS INTEGER) AS detail_level,
           TRY_CAST(regexp_extract(e.event_details, 'hours_per_week=([0-9.]+)', 1) AS DOUBLE) AS detail_hours
    FROM fct_yearly_events e
    JOIN pw_config() c USING (scenario_id)
    LEFT JOIN fct_workforce_snapshot s USING (scenario_id, simulation_year, employee_id)
    LEFT JOIN fct_workforce_needs_by_level b ON b.scenario_id = e.scenario_id
         AND b.simulation_year = e.simulation_year AND b.level_id = e.level_id
    WHERE e.event_type = 'hire'
),
o AS (
    SELECT *,
           row_number() OVER w AS rn,
           lag(level_id) OVER w AS prev_level,
           year(hire_date) - year(birth)
               - CASE WHEN month(hire_date) * 100 + day(hire_date) < month(birth) * 100 + day(birth) THEN 1 ELSE 0 END
               AS true_age
    FROM h
    WINDOW w AS (PARTITION BY scenario_id, simulation_year ORDER BY q, employee_id)
)
SELECT scenario_id, simulation_year, employee_id, level_id, compensation_amount, CASE
        WHEN NOT regexp_full_match(employee_id, 'NH_' || simulation_year || '_[0-9]{6,}') THEN 'id is not NH_<Y>_<6+ digits>'
        WHEN q <> rn THEN 'hire numbers are not 1..H in order'
        WHEN prev_level > level_id THEN 'ids not in level order'
        WHEN code IS NULL THEN 'no snapshot row in the hire year'
        WHEN code NOT IN ('new_hire_active', 'new_hire_termination') THEN 'hire-year status is ' || code
        WHEN year(effective_date) <> simulation_year THEN 'hire date outside Y'
        WHEN effective_date <> hire_date THEN 'hire event date <> snapshot hire_date'
        WHEN age_at_hire IS NULL OR age_at_hire <> true_age THEN 'age_at_hire <> age(birth, hire_date)'
        WHEN nh_ages IS NOT NULL AND NOT list_contains(nh_ages, age_at_hire)
            THEN 'age at hire is not an age of new_hire.age_distribution'
        WHEN age_at_hire < 14 OR age_at_hire > CASE WHEN nh_ages IS NULL AND NOT nh_age_table_replaced THEN 80 ELSE 100 END
            THEN 'age at hire outside [14, ' || CASE WHEN nh_ages IS NULL AND NOT nh_age_table_replaced THEN 80 ELSE 100 END || ']'
        WHEN nh_ages IS NULL AND NOT nh_age_table_replaced AND age_at_hire NOT IN (22, 25, 28, 32, 35, 40, 45, 50)
            THEN 'age at hire is not an age of the built-in new_hire_age_distribution'
        WHEN detail_level IS DISTINCT FROM level_id THEN 'details level <> level_id'
        WHEN detail_hours IS DISTINCT FROM hours THEN 'details hours_per_week <> snapshot scheduled hours'
        WHEN base IS NULL THEN 'no new_hire_base_compensation for the level'
        WHEN compensation_amount < round(base * exp(-3 * sig - sig * sig / 2), 2) - 0.01
          OR compensation_amount > round(base * exp(3 * sig - sig * sig / 2), 2) + 0.01
            THEN 'salary outside base_l x [exp(-3s - s^2/2), exp(3s - s^2/2)]'
        WHEN previous_compensation IS NOT NULL THEN 'hire with a previous_compensation'
        WHEN event_probability IS DISTINCT FROM 1.0 THEN 'hire probability <> 1'
        WHEN employee_tenure <> 0 THEN 'hire tenure <> 0'
    END AS problem
FROM o
WHERE problem IS NOT NULL
