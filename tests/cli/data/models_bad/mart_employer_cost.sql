-- My own employer cost.
SELECT 1 AS cost
