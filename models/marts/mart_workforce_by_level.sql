-- Headcount, hires, terminations and payroll by scenario, year and job level.
-- planwise: kind=mart materialized=table
--   active_headcount        snapshot rows active on Dec 31, by their level on Dec 31
--   hires                   hire events, by the level they were hired at
--   experienced_terminations / new_hire_terminations
--                           termination events, by the level in force on the termination date
--   promotions_into_level   promotion events, by the level reached
--   payroll                 sum of prorated_annual_compensation of everyone employed in
--                           the year (leavers included), by level at the end of employment;
--                           summed in cents as the run summary does
--   avg_active_compensation mean current_compensation of the Dec 31 actives (from a sum in cents)
-- Rows exist for every (scenario, year, level) with any of these; absent counts are 0.
-- Reads the stored rows (pw.snapshot, pw.events) of the visible runs; an employee is
-- active on Dec 31 when the snapshot row has no termination date.
WITH snap AS (
    SELECT v.scenario_id, s.simulation_year, CAST(s.level_id AS INTEGER) AS level_id,
           count(*) FILTER (WHERE s.termination_date IS NULL) AS active_headcount,
           sum(pw_cents(s.prorated_annual_compensation)) AS payroll_cents,
           sum(pw_cents(s.current_compensation)) FILTER (WHERE s.termination_date IS NULL)
               / nullif(count(*) FILTER (WHERE s.termination_date IS NULL), 0) / 100.0 AS avg_active_compensation
    FROM pw.snapshot s
    JOIN pw.visible_years v ON v.run_key = s.run_key AND v.simulation_year = s.simulation_year
    GROUP BY ALL
),
ev AS (
    SELECT v.scenario_id, e.simulation_year, CAST(e.level_id AS INTEGER) AS level_id,
           count(*) FILTER (WHERE e.event_type = 'hire') AS hires,
           count(*) FILTER (WHERE e.event_category = 'experienced_termination') AS experienced_terminations,
           count(*) FILTER (WHERE e.event_category = 'new_hire_termination') AS new_hire_terminations,
           count(*) FILTER (WHERE e.event_type = 'promotion') AS promotions_into_level
    FROM pw.events e
    JOIN pw.visible_years v ON v.run_key = e.run_key AND v.simulation_year = e.simulation_year
    WHERE e.event_type IN ('hire', 'termination', 'promotion')
    GROUP BY ALL
)
SELECT scenario_id, simulation_year, level_id,
       coalesce(s.active_headcount, 0) AS active_headcount,
       coalesce(e.hires, 0) AS hires,
       coalesce(e.experienced_terminations, 0) AS experienced_terminations,
       coalesce(e.new_hire_terminations, 0) AS new_hire_terminations,
       coalesce(e.experienced_terminations, 0) + coalesce(e.new_hire_terminations, 0) AS terminations,
       coalesce(e.promotions_into_level, 0) AS promotions_into_level,
       coalesce(s.payroll_cents, 0) / 100.0 AS payroll,
       round(s.avg_active_compensation, 2) AS avg_active_compensation
FROM snap s
FULL OUTER JOIN ev e USING (scenario_id, simulation_year, level_id)
ORDER BY scenario_id, simulation_year, level_id;
