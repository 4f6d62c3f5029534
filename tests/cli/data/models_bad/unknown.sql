SELECT *
FROM {{ ref('no_such_model') }}
WHERE simulation_year >= {{ var('first_year') }}
