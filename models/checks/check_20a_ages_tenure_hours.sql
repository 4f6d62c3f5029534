-- Invariant 20 (MODEL 7, definitions of MODEL 1.3 and 6.1/6.2): ages, tenure, bands, hours.
-- planwise: kind=check materialized=view
--   current_age = age(birth, Dec 31 Y) = Y - year(birth); current_tenure = the
--   reported tenure floor(days(hire, as_of) / 365.25), as_of = termination_date or
--   Dec 31 Y (0 if as_of < hire); age_band / tenure_band per the built-in
--   age_bands.csv / tenure_bands.csv; a scenario with a label that is not built in
--   (a replaced band table) is held to its own bands instead: every row has the band
--   most rows of the same age (tenure) have; every event carries the snapshot's age,
--   tenure and bands of its employee-year; 0 <= annual_hours_worked <= rha(hours_per_week x 52);
--   scheduled_hours_per_week in [0, 80] (a census value of 0 is 0 hours).
-- Returns one row per violating snapshot row or event; no rows = pass.
WITH s AS (
    SELECT *,
           simulation_year - year(employee_birth_date) AS want_age,
           CASE WHEN coalesce(termination_date, make_date(simulation_year, 12, 31)) < employee_hire_date THEN 0
                ELSE CAST(floor(date_diff('day', employee_hire_date,
                                          coalesce(termination_date, make_date(simulation_year, 12, 31))) / 365.25) AS INTEGER)
           END AS want_tenure
    FROM fct_workforce_snapshot
),
labels AS (
    SELECT scenario_id,
           bool_or(age_band NOT IN ('< 25', '25-34', '35-44', '45-54', '55-64', '65+')) AS custom_age,
           bool_or(tenure_band NOT IN ('< 2', '2-4', '5-9', '10-19', '20+')) AS custom_tenure
    FROM fct_workforce_snapshot GROUP BY ALL
),
age_mode AS (SELECT scenario_id, current_age, mode(age_band) AS band FROM fct_workforce_snapshot GROUP BY ALL),
tenure_mode AS (SELECT scenario_id, current_tenure, mode(tenure_band) AS band FROM fct_workforce_snapshot GROUP BY ALL),
banded AS (
    SELECT s.*,
           CASE WHEN l.custom_age THEN am.band
                WHEN current_age < 25 THEN '< 25' WHEN current_age < 35 THEN '25-34' WHEN current_age < 45 THEN '35-44'
                WHEN current_age < 55 THEN '45-54' WHEN current_age < 65 THEN '55-64' ELSE '65+' END AS want_age_band,
           CASE WHEN l.custom_tenure THEN tm.band
                WHEN current_tenure < 2 THEN '< 2' WHEN current_tenure < 5 THEN '2-4' WHEN current_tenure < 10 THEN '5-9'
                WHEN current_tenure < 20 THEN '10-19' ELSE '20+' END AS want_tenure_band
    FROM s
    JOIN labels l USING (scenario_id)
    JOIN age_mode am USING (scenario_id, current_age)
    JOIN tenure_mode tm USING (scenario_id, current_tenure)
)
SELECT scenario_id, simulation_year, employee_id, NULL::INTEGER AS event_sequence, CASE
        WHEN current_age <> want_age THEN 'current_age <> age(birth, Dec 31 Y)'
        WHEN current_tenure <> want_tenure THEN 'current_tenure <> reported tenure'
        WHEN age_band <> want_age_band THEN 'age_band <> band of current_age'
        WHEN tenure_band <> want_tenure_band THEN 'tenure_band <> band of current_tenure'
        WHEN NOT (scheduled_hours_per_week >= 0 AND scheduled_hours_per_week <= 80) THEN 'scheduled hours outside [0, 80]'
        WHEN annual_hours_worked < 0 OR annual_hours_worked > floor(scheduled_hours_per_week * 52 + 0.5 + 1e-9)
            THEN 'annual_hours_worked outside [0, rha(h x 52)]'
    END AS problem
FROM banded
WHERE problem IS NOT NULL
UNION ALL
SELECT e.scenario_id, e.simulation_year, e.employee_id, e.event_sequence,
       'event age/tenure/bands <> snapshot of the employee-year'
FROM fct_yearly_events e
JOIN fct_workforce_snapshot s USING (scenario_id, simulation_year, employee_id)
WHERE e.employee_age IS DISTINCT FROM s.current_age OR e.employee_tenure IS DISTINCT FROM s.current_tenure
   OR e.age_band IS DISTINCT FROM s.age_band OR e.tenure_band IS DISTINCT FROM s.tenure_band
