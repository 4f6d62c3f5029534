2SELECT * FROM {{ ref('mart_participation') }} JOIN {{ ref('fct_compensation_growth') }} USING (scenario_id)-- planwise: kind=mart
SELECT * FROM {{ ref('check_01_headcount_continuity') }}