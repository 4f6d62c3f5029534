-- Reads the database only: still runs.
SELECT count(*) AS events FROM {{ ref('fct_yearly_events') }}
