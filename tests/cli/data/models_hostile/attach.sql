ATTACH 'other.duckdb' AS other (READ_WRITE)
