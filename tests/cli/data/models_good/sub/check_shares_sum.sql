-- Shares of one year add up to 1.
-- planwise: kind=check
SELECT scenario_id, simulation_year, sum(share) AS total
FROM {{ ref('level_share') }}
GROUP BY ALL
HAVING abs(sum(share) - 1) > 0.001
