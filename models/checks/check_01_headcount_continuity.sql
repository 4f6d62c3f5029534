-- Invariant 1 (MODEL 7): headcount continuity.
-- planwise: kind=check materialized=view
--   actives(Y) = actives(Y-1) + hires(Y) - terminations(Y), and actives(S-1) = the
--   census roster size (run_metadata.starting_roster of the scenario's latest run).
-- Also: the solver's starting headcount N of Y is actives(Y-1), and the start-of-year
-- roster R_Y (snapshot rows of Y not hired in Y) holds exactly actives(Y-1) rows.
-- Returns one row per violating (scenario, year); no rows = pass.
WITH snap AS (
    SELECT scenario_id, simulation_year,
           count(*) FILTER (WHERE employment_status = 'active') AS actives,
           count(*) FILTER (WHERE detailed_status_code IN ('continuous_active', 'experienced_termination')) AS roster
    FROM fct_workforce_snapshot
    GROUP BY ALL
),
ev AS (
    SELECT scenario_id, simulation_year,
           count(*) FILTER (WHERE event_type = 'hire') AS hires,
           count(*) FILTER (WHERE event_type = 'termination') AS terms
    FROM fct_yearly_events
    GROUP BY ALL
),
meta AS (
    SELECT scenario_id, arg_max(start_year, started_at) AS start_year,
           arg_max(starting_roster, started_at) AS census_roster
    FROM run_metadata
    GROUP BY ALL
),
yrs AS (
    SELECT n.scenario_id, n.simulation_year, n.starting_headcount,
           coalesce(s.actives, 0) AS actives, coalesce(s.roster, 0) AS roster, coalesce(e.hires, 0) AS hires, coalesce(e.terms, 0) AS terms,
           CASE WHEN n.simulation_year = m.start_year THEN m.census_roster ELSE coalesce(p.actives, 0) END AS prev_actives
    FROM fct_workforce_needs n
    LEFT JOIN meta m ON m.scenario_id = n.scenario_id
    LEFT JOIN snap s ON s.scenario_id = n.scenario_id AND s.simulation_year = n.simulation_year
    LEFT JOIN snap p ON p.scenario_id = n.scenario_id AND p.simulation_year = n.simulation_year - 1
    LEFT JOIN ev e ON e.scenario_id = n.scenario_id AND e.simulation_year = n.simulation_year
)
SELECT scenario_id, simulation_year, prev_actives, hires, terms, actives, starting_headcount, roster,
       CASE
           WHEN prev_actives IS NULL THEN 'no actives known for Y-1 (missing run_metadata or snapshot year)'
           WHEN actives IS DISTINCT FROM prev_actives + hires - terms THEN 'actives(Y) <> actives(Y-1) + hires - terminations'
           WHEN starting_headcount <> prev_actives THEN 'fct_workforce_needs.starting_headcount <> actives(Y-1)'
           ELSE 'start-of-year roster (non-hire snapshot rows) <> actives(Y-1)'
       END AS problem
FROM yrs
WHERE prev_actives IS NULL
   OR actives IS DISTINCT FROM prev_actives + hires - terms
   OR starting_headcount <> prev_actives
   OR roster IS DISTINCT FROM prev_actives
