-- The other half.
SELECT *
FROM {{ ref('a') }}
