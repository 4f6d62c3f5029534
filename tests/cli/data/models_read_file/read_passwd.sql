-- A query that reads a file outside the database.
SELECT * FROM read_csv('/etc/passwd')
