-- Years of the run's scenario in which the top level holds more than 10% of the actives.
-- planwise: materialized=view
SELECT simulation_year, share
FROM {{ ref('level_share') }}
WHERE scenario_id = {{ var('scenario_id') }}
  AND level_id = (SELECT max(level_id) FROM {{ ref('level_share') }})
  AND share > 0.1
