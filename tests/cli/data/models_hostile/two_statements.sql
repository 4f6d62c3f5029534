-- A mart that also drops a table.
SELECT 1 AS a;

DROP TABLE run_metadata;
