/* db_internal.h: the DuckDB handles behind struct pw_db, shared by the files of
 * src/io/ (output writer, table writer). */
#ifndef PW_IO_DB_INTERNAL_H
#define PW_IO_DB_INTERNAL_H

#include <duckdb.h>

#include "io/db.h"

struct pw_db {
    duckdb_database database;
    duckdb_connection connection;
    bool owns_database;          /* false for sibling connections (pw_db_connect) */
    char path[1024];
};

/* Runs sql; on failure fills err with "<what>: <duckdb message>". */
int pw__db_query(struct pw_db *db, const char *sql, duckdb_result *res, const char *what, struct pw_err *err);

#endif
