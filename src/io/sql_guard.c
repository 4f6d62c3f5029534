/* sql_guard.c: the sandbox for SQL that users pass in (`planwise query`).
 *
 * Two layers, so that neither alone has to be perfect:
 *   1. DuckDB itself: external access is switched off and the configuration is
 *      locked once set-up is done, so no later statement can read or write a file
 *      outside the database or turn the setting back on.
 *   2. Before anything runs, DuckDB's own parser splits the text into statements
 *      and each one is prepared; a statement whose type is not a plain query is
 *      refused by name. Using the parser (not string matching) means comments,
 *      quoting and case cannot hide an ATTACH or COPY. */
#include "core/strbuf.h"
#include "io/db_internal.h"

#include <stdio.h>
#include <string.h>

/* The statement types a read-only query may be made of. */
static bool statement_allowed(duckdb_statement_type t)
{
    return t == DUCKDB_STATEMENT_TYPE_SELECT || t == DUCKDB_STATEMENT_TYPE_EXPLAIN;
}

static const char *statement_name(duckdb_statement_type t)
{
    switch (t) {
    case DUCKDB_STATEMENT_TYPE_INSERT: return "INSERT";
    case DUCKDB_STATEMENT_TYPE_UPDATE: return "UPDATE";
    case DUCKDB_STATEMENT_TYPE_DELETE: return "DELETE";
    case DUCKDB_STATEMENT_TYPE_PREPARE: return "PREPARE";
    case DUCKDB_STATEMENT_TYPE_CREATE: return "CREATE";
    case DUCKDB_STATEMENT_TYPE_EXECUTE: return "EXECUTE";
    case DUCKDB_STATEMENT_TYPE_ALTER: return "ALTER";
    case DUCKDB_STATEMENT_TYPE_TRANSACTION: return "transaction control";
    case DUCKDB_STATEMENT_TYPE_COPY: return "COPY";
    case DUCKDB_STATEMENT_TYPE_ANALYZE: return "ANALYZE";
    case DUCKDB_STATEMENT_TYPE_VARIABLE_SET: return "SET VARIABLE";
    case DUCKDB_STATEMENT_TYPE_CREATE_FUNC: return "CREATE FUNCTION";
    case DUCKDB_STATEMENT_TYPE_DROP: return "DROP";
    case DUCKDB_STATEMENT_TYPE_EXPORT: return "EXPORT";
    case DUCKDB_STATEMENT_TYPE_PRAGMA: return "PRAGMA";
    case DUCKDB_STATEMENT_TYPE_VACUUM: return "VACUUM";
    case DUCKDB_STATEMENT_TYPE_CALL: return "CALL";
    case DUCKDB_STATEMENT_TYPE_SET: return "SET";
    case DUCKDB_STATEMENT_TYPE_LOAD: return "INSTALL/LOAD";
    case DUCKDB_STATEMENT_TYPE_ATTACH: return "ATTACH";
    case DUCKDB_STATEMENT_TYPE_DETACH: return "DETACH";
    default: return "non-query";
    }
}

/* The Parquet layout keeps its rows in files under the database's data folder:
 * that folder, and nothing else, stays readable. */
static int allow_data_directory(struct pw_db *db, struct pw_err *err)
{
    int64_t n = 0;
    int rc = pw_db_query_int(db,
                             "SELECT count(*) FROM duckdb_columns() WHERE table_name = 'planwise_schema' "
                             "AND column_name = 'data_directory' AND database_name = current_database()",
                             &n, err);
    if (rc || n == 0) return rc;
    char dir[1100];
    if ((rc = pw_db_query_string(db, "SELECT coalesce(max(data_directory), '') FROM planwise_schema", dir, sizeof dir,
                                 err)))
        return rc;
    if (!dir[0]) return 0;
    struct pw_strbuf b = PW_STRBUF_INIT;
    pw_sb_add(&b, "SET allowed_directories = [");
    char with_slash[1104];
    snprintf(with_slash, sizeof with_slash, "%s/", dir);
    pw_sb_add_sql_literal(&b, with_slash);
    pw_sb_add(&b, "]");
    rc = pw_sb_ok(&b) ? pw_err_set(err, PW_ENOMEM, "out of memory")
                      : pw__db_query(db, pw_sb_text(&b), NULL, "cannot restrict SQL", err);
    pw_sb_release(&b);
    return rc;
}

int pw_db_sandbox(struct pw_db *db, struct pw_err *err)
{
    /* Order matters: the lock must come last, and after it even SET of the
     * external-access flag is refused by DuckDB. */
    int rc = allow_data_directory(db, err);
    if (!rc) rc = pw__db_query(db, "SET enable_external_access = false", NULL, "cannot restrict SQL", err);
    if (!rc) rc = pw__db_query(db, "SET lock_configuration = true", NULL, "cannot restrict SQL", err);
    return rc;
}

int pw_db_check_query(struct pw_db *db, const char *sql, const char *what, struct pw_err *err)
{
    duckdb_extracted_statements ex = NULL;
    idx_t n = duckdb_extract_statements(db->connection, sql, &ex);
    int rc = 0;
    if (n == 0) {
        const char *msg = ex ? duckdb_extract_statements_error(ex) : NULL;
        rc = pw_err_set(err, PW_EDB, "query failed: %s", msg && *msg ? msg : "no SQL statement");
        duckdb_destroy_extracted(&ex);
        return rc;
    }
    for (idx_t i = 0; i < n && !rc; i++) {
        duckdb_prepared_statement ps = NULL;
        if (duckdb_prepare_extracted_statement(db->connection, ex, i, &ps) == DuckDBError) {
            /* A syntax or binding error is the query's own fault, not a refusal. */
            rc = pw_err_set(err, PW_EDB, "query failed: %s", duckdb_prepare_error(ps));
        } else {
            duckdb_statement_type t = duckdb_prepared_statement_type(ps);
            if (!statement_allowed(t))
                rc = pw_err_set(err, PW_EDB,
                                "%s: statement %llu is %s; only SELECT/WITH queries are allowed here "
                                "(ATTACH, COPY, EXPORT, INSTALL, LOAD, SET, PRAGMA and writes are refused; "
                                "use 'planwise query --out FILE.csv' to save a result)",
                                what, (unsigned long long)(i + 1), statement_name(t));
        }
        duckdb_destroy_prepare(&ps);
    }
    duckdb_destroy_extracted(&ex);
    return rc;
}
