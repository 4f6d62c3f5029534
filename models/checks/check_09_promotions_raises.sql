-- Invariant 9 (MODEL 7, rules of MODEL 4.7 and 4.8): promotions and raises.
-- planwise: kind=check materialized=view
--   a promotion raises the level by exactly 1 (event_details from_level/to_level,
--   level_id = to_level) from a level < L_max, only for members of R_Y (hired
--   before Jan 1 Y) with tenure_Y >= 1 and age_Y < 65 (age_Y of the run's
--   simulation.age_convention, pw_age_y in macros.sql), and
--   prev <= new <= min(prev x 1.30, prev + 500,000) (+ half a cent), with
--   new = round2(min(prev x 1.30, prev + 500,000, prev x (1 + raise_pct)));
--   a raise only for members of R_Y with tenure_Y >= 1, with
--   prev <= new <= min(prev x 1.50, prev + 250,000), and
--   new = round2(min(prev x (1 + min(merit + cola, 0.50)), prev + 250,000)) from the
--   rates in event_details (6 decimals, so within 1e-6 x prev + 1 cent);
--   a raise's level_id is the level in force on its date.
--   Each promotion/raise's previous_compensation is the salary in force before it:
--   the amount of the preceding compensation event of the year, or for the first
--   one (Y > S) the current_compensation of Y-1.
-- The caps are the MODEL 2.2 defaults (runs that change them need their own bounds).
-- L_max = the highest level_id in fct_workforce_needs_by_level.
-- Uses macros.sql. Returns one row per violating event; no rows = pass.
WITH lmax AS (
    SELECT scenario_id, max(level_id) AS lmax FROM fct_workforce_needs_by_level GROUP BY ALL
),
meta AS (SELECT scenario_id, start_year, age_convention, census_date FROM pw_config()),
comp AS (   -- compensation-changing events, in sequence order, with the preceding one
    SELECT scenario_id, simulation_year, employee_id, event_sequence, event_type::VARCHAR AS event_type,
           effective_date, compensation_amount, previous_compensation, level_id, event_details,
           lag(compensation_amount) OVER (PARTITION BY scenario_id, simulation_year, employee_id
                                          ORDER BY event_sequence) AS before_amount
    FROM fct_yearly_events
    WHERE event_type IN ('hire', 'promotion', 'raise')
),
promo_dates AS (
    SELECT scenario_id, simulation_year, employee_id, min(effective_date) AS promo_date
    FROM fct_yearly_events WHERE event_type = 'promotion' GROUP BY ALL
),
ev AS (
    SELECT c.*, s.employee_birth_date AS birth, s.employee_hire_date AS hire, s.level_id AS snap_level,
           p.current_compensation AS prior_comp, pd.promo_date, l.lmax, m.start_year,
           pw_age_y(m.age_convention, m.census_date, m.start_year, s.employee_birth_date, c.simulation_year) AS age_y,
           CASE WHEN s.employee_hire_date > make_date(c.simulation_year, 12, 31) THEN 0
                ELSE CAST(floor(date_diff('day', s.employee_hire_date, make_date(c.simulation_year, 12, 31)) / 365.25) AS INTEGER)
           END AS tenure_y,
           TRY_CAST(regexp_extract(c.event_details, 'from_level=(-?[0-9]+)', 1) AS INTEGER) AS from_level,
           TRY_CAST(regexp_extract(c.event_details, 'to_level=(-?[0-9]+)', 1) AS INTEGER) AS to_level,
           TRY_CAST(regexp_extract(c.event_details, 'raise_pct=(-?[0-9.]+)', 1) AS DOUBLE) AS raise_pct,
           TRY_CAST(regexp_extract(c.event_details, 'merit_rate=(-?[0-9.]+)', 1) AS DOUBLE) AS merit_rate,
           TRY_CAST(regexp_extract(c.event_details, 'cola_rate=(-?[0-9.]+)', 1) AS DOUBLE) AS cola_rate
    FROM comp c
    JOIN fct_workforce_snapshot s USING (scenario_id, simulation_year, employee_id)
    LEFT JOIN fct_workforce_snapshot p ON p.scenario_id = c.scenario_id AND p.employee_id = c.employee_id
                                      AND p.simulation_year = c.simulation_year - 1
    LEFT JOIN promo_dates pd ON pd.scenario_id = c.scenario_id AND pd.simulation_year = c.simulation_year
                            AND pd.employee_id = c.employee_id
    LEFT JOIN lmax l ON l.scenario_id = c.scenario_id
    LEFT JOIN meta m ON m.scenario_id = c.scenario_id
    WHERE c.event_type IN ('promotion', 'raise')
),
bad AS (
    SELECT scenario_id, simulation_year, employee_id, event_sequence, event_type,
           previous_compensation, compensation_amount, CASE
        WHEN hire >= make_date(simulation_year, 1, 1) THEN 'employee hired in Y (not in R_Y)'
        WHEN tenure_y < 1 THEN 'tenure_Y < 1'
        WHEN previous_compensation IS NULL OR compensation_amount IS NULL THEN 'missing amounts'
        WHEN compensation_amount < previous_compensation THEN 'new < prev'
        -- promotions
        WHEN event_type = 'promotion' AND age_y >= 65 THEN 'promotion at age_Y >= 65'
        WHEN event_type = 'promotion' AND (from_level IS NULL OR to_level IS NULL) THEN 'promotion details lack from/to level'
        WHEN event_type = 'promotion' AND to_level <> from_level + 1 THEN 'promotion not by exactly one level'
        WHEN event_type = 'promotion' AND level_id <> to_level THEN 'promotion level_id <> to_level'
        WHEN event_type = 'promotion' AND from_level >= lmax THEN 'promotion from the top level'
        WHEN event_type = 'promotion' AND from_level < 1 THEN 'promotion from a level below 1'
        WHEN event_type = 'promotion'
             AND compensation_amount > least(previous_compensation * 1.30, previous_compensation + 500000) + 0.005
            THEN 'promotion above min(prev x 1.30, prev + 500,000)'
        WHEN event_type = 'promotion' AND abs(compensation_amount - round(least(previous_compensation * 1.30,
                 previous_compensation + 500000, previous_compensation * (1 + greatest(raise_pct, 0))), 2))
                 > 0.01 + 1e-6 * previous_compensation
            THEN 'promotion amount <> round2(min(prev x 1.3, prev + 500,000, prev x (1 + raise_pct)))'
        -- raises
        WHEN event_type = 'raise'
             AND compensation_amount > least(previous_compensation * 1.50, previous_compensation + 250000) + 0.005
            THEN 'raise above min(prev x 1.50, prev + 250,000)'
        WHEN event_type = 'raise' AND (merit_rate IS NULL OR cola_rate IS NULL) THEN 'raise details lack merit/cola rates'
        WHEN event_type = 'raise' AND abs(compensation_amount - round(least(previous_compensation
                 * (1 + least(merit_rate + cola_rate, 0.50)), previous_compensation + 250000), 2))
                 > 0.01 + 1e-6 * previous_compensation
            THEN 'raise amount <> round2(min(prev x (1 + min(m + c, cap)), prev + cap_amount))'
        WHEN event_type = 'raise' AND merit_rate + cola_rate <= 0 THEN 'raise with merit + cola = 0'
        WHEN event_type = 'raise'
             AND level_id <> snap_level - CASE WHEN promo_date > effective_date THEN 1 ELSE 0 END
            THEN 'raise level_id is not the level in force on its date'
        -- chain of amounts
        WHEN before_amount IS NOT NULL AND previous_compensation <> before_amount
            THEN 'previous_compensation <> amount of the preceding compensation event'
        WHEN before_amount IS NULL AND simulation_year > start_year AND previous_compensation IS DISTINCT FROM prior_comp
            THEN 'previous_compensation of the first change <> current_compensation of Y-1'
        END AS problem
    FROM ev
)
SELECT * FROM bad WHERE problem IS NOT NULL
