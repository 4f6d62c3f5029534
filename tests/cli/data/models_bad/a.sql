-- One half of a cycle.
SELECT * FROM {{ ref('b') }}
