/* sql_guard.c: the sandbox for SQL that users pass in (`planwise query`, and the
 * SQL models of `planwise run` and `planwise models run`).
 *
 * Two layers, so that neither alone has to be perfect:
 *   1. DuckDB itself: external access is switched off and the configuration is
 *      locked once set-up is done, so no later statement can read or write a file
 *      outside the database or turn the setting back on. Both settings belong to
 *      the database instance, so every connection to it is restricted: sandbox
 *      only an instance opened for user SQL, never one that still has to read a
 *      census or write files.
 *   2. Before anything runs, DuckDB's own parser splits the text into statements
 *      and each one is prepared; a statement whose type is not a plain query is
 *      refused by name. Using the parser (not string matching) means comments,
 *      quoting and case cannot hide an ATTACH or COPY. */
#include "core/strbuf.h"
#include "io/db_internal.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
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
    /* Already sandboxed (a second model execution on the same instance): the lock
     * refuses even a SET to the same value, so check instead of setting. */
    char locked[16] = "", access[16] = "";
    int rc = pw_db_query_string(db, "SELECT current_setting('lock_configuration')::VARCHAR", locked, sizeof locked, err);
    if (!rc) rc = pw_db_query_string(db, "SELECT current_setting('enable_external_access')::VARCHAR", access,
                                     sizeof access, err);
    if (rc) return rc;
    if (strcmp(locked, "true") == 0) {
        if (strcmp(access, "false") == 0) return 0;
        return pw_err_set(err, PW_EDB, "cannot restrict SQL on database '%s': its configuration is already locked "
                                       "with external access on", db->path);
    }
    /* Order matters: the data folder must be allowed before access is switched
     * off, and the lock must come last; after it even SET of the flag is refused. */
    rc = allow_data_directory(db, err);
    if (!rc) rc = pw__db_query(db, "SET enable_external_access = false", NULL, "cannot restrict SQL", err);
    if (!rc) rc = pw__db_query(db, "SET lock_configuration = true", NULL, "cannot restrict SQL", err);
    return rc;
}

int pw_db_check_one_query(struct pw_db *db, const char *sql, const char *what, struct pw_err *err)
{
    duckdb_extracted_statements ex = NULL;
    idx_t n = duckdb_extract_statements(db->connection, sql, &ex);
    int rc = 0;
    if (n == 0) {
        const char *msg = ex ? duckdb_extract_statements_error(ex) : NULL;
        rc = pw_err_set(err, PW_EDB, "%s: %s", what, msg && *msg ? msg : "no SQL statement");
    } else if (n > 1) {
        rc = pw_err_set(err, PW_EDB, "%s: %llu statements; a model is one query (SELECT or WITH), and planwise "
                                     "creates its table or view", what, (unsigned long long)n);
    } else {
        duckdb_prepared_statement ps = NULL;
        if (duckdb_prepare_extracted_statement(db->connection, ex, 0, &ps) == DuckDBError) {
            rc = pw_err_set(err, PW_EDB, "%s", duckdb_prepare_error(ps));
        } else {
            duckdb_statement_type t = duckdb_prepared_statement_type(ps);
            if (t != DUCKDB_STATEMENT_TYPE_SELECT)
                rc = pw_err_set(err, PW_EDB, "%s: a %s statement; a model is one query (SELECT or WITH), and "
                                             "planwise creates its table or view", what, statement_name(t));
        }
        duckdb_destroy_prepare(&ps);
    }
    duckdb_destroy_extracted(&ex);
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
                                "use 'planwise query --out FILE.csv or FILE.parquet' to save a result)",
                                what, (unsigned long long)(i + 1), statement_name(t));
        }
        duckdb_destroy_prepare(&ps);
    }
    duckdb_destroy_extracted(&ex);
    return rc;
}

size_t pw_db_count_statements(struct pw_db *db, const char *sql, char *msg, size_t size)
{
    duckdb_extracted_statements ex = NULL;
    idx_t n = duckdb_extract_statements(db->connection, sql, &ex);
    if (n == 0 && msg && size) {
        const char *e = ex ? duckdb_extract_statements_error(ex) : NULL;
        snprintf(msg, size, "%s", e && *e ? e : "no SQL statement");
    }
    duckdb_destroy_extracted(&ex);
    return (size_t)n;
}

bool pw_db_parses_as_query(struct pw_db *db, const char *statement)
{
    /* Only a query can stand as a subquery; the newline before ')' ends a line
     * comment on the statement's last line. Parsing binds nothing, so the
     * statement's tables need not exist. */
    static const char head[] = "SELECT * FROM (\n", tail[] = "\n) AS pw_query";
    size_t n = strlen(statement);
    char *wrapped = malloc(sizeof head + n + sizeof tail);
    if (!wrapped) return false;
    memcpy(wrapped, head, sizeof head - 1);
    memcpy(wrapped + sizeof head - 1, statement, n);
    memcpy(wrapped + sizeof head - 1 + n, tail, sizeof tail);
    size_t count = pw_db_count_statements(db, wrapped, NULL, 0);
    free(wrapped);
    return count == 1;
}
