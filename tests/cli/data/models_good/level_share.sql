-- Share of the year's active headcount per level, from level --var min_level up.
-- planwise: kind=mart materialized=table
SELECT scenario_id, simulation_year, level_id, active_headcount,
       round(active_headcount / sum(active_headcount) OVER (PARTITION BY scenario_id, simulation_year), 4) AS share
FROM {{ ref('mart_workforce_by_level') }}
WHERE level_id >= {{ var('min_level') }}
ORDER BY ALL;
