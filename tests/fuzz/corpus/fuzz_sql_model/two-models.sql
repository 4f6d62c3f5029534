1-- Headcount by level, one row per year.
-- planwise: kind=mart materialized=view
-- more words
SELECT simulation_year, level_id, count(*) AS n, {{ var('x') }} AS x
FROM {{ ref('fct_workforce_snapshot') }}
WHERE scenario_id = {{ var('scenario_id') }}
GROUP BY ALL;
-- planwise: kind=check, materialized=table
SELECT * FROM {{ ref("a") }} a JOIN {{ref('fct_yearly_events')}} e USING (simulation_year) WHERE n < 0
