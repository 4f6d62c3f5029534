/* db_result.c: query results as text (db_result.h). Values are cast to VARCHAR
 * inside DuckDB rather than read with duckdb_value_varchar, which does not render
 * ENUM, UUID or nested types. */
#include "io/db_result.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/db_internal.h"

static char *dup_text(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d) memcpy(d, s, n);
    return d;
}

void pw_db_text_release(struct pw_db_text *t)
{
    if (!t) return;
    if (t->names)
        for (size_t c = 0; c < t->cols; c++) free(t->names[c]);
    if (t->cells)
        for (size_t i = 0; i < t->rows * t->cols; i++) free(t->cells[i]);
    free(t->names);
    free(t->cells);
    memset(t, 0, sizeof *t);
}

const char *pw_db_text_at(const struct pw_db_text *t, size_t row, size_t col)
{
    if (row >= t->rows || col >= t->cols) return NULL;
    return t->cells[row * t->cols + col];
}

int pw_db_query_text(struct pw_db *db, const char *sql, size_t max_rows, struct pw_db_text *out, struct pw_err *err)
{
    memset(out, 0, sizeof *out);
    size_t len = strlen(sql) + 96;
    char *wrapped = malloc(len);
    if (!wrapped) return pw_err_set(err, PW_ENOMEM, "out of memory");
    /* The newline before ')' ends a trailing line comment of sql. */
    snprintf(wrapped, len, "SELECT COLUMNS(*)::VARCHAR FROM (%s\n) LIMIT %zu", sql, max_rows);
    duckdb_result res;
    int rc = pw__db_query(db, wrapped, &res, "query failed", err);
    free(wrapped);
    if (rc) return rc;
    idx_t cols = duckdb_column_count(&res), rows = duckdb_row_count(&res);
    out->cols = cols;
    out->names = calloc(cols ? cols : 1, sizeof *out->names);
    out->cells = calloc((rows ? rows : 1) * (cols ? cols : 1), sizeof *out->cells);
    if (!out->names || !out->cells) {
        duckdb_destroy_result(&res);
        pw_db_text_release(out);
        return pw_err_set(err, PW_ENOMEM, "out of memory");
    }
    for (idx_t c = 0; c < cols; c++)
        if (!(out->names[c] = dup_text(duckdb_column_name(&res, c)))) rc = PW_ENOMEM;
    out->rows = rows;
    for (idx_t r = 0; r < rows && !rc; r++) {
        for (idx_t c = 0; c < cols; c++) {
            if (duckdb_value_is_null(&res, c, r)) continue;
            char *v = duckdb_value_varchar(&res, c, r);
            out->cells[r * cols + c] = v ? dup_text(v) : NULL;
            if (v && !out->cells[r * cols + c]) rc = PW_ENOMEM;
            duckdb_free(v);
        }
    }
    duckdb_destroy_result(&res);
    if (rc) {
        pw_db_text_release(out);
        return pw_err_set(err, rc, "out of memory");
    }
    return 0;
}

int pw_db_relation_kind(struct pw_db *db, const char *name, enum pw_db_relation *out, struct pw_err *err)
{
    *out = PW_DB_NONE;
    duckdb_prepared_statement st;
    if (duckdb_prepare(db->connection,
                       "SELECT (SELECT count(*) FROM duckdb_tables() WHERE database_name = current_database()"
                       " AND schema_name = 'main' AND table_name = $1),"
                       " (SELECT count(*) FROM duckdb_views() WHERE database_name = current_database()"
                       " AND schema_name = 'main' AND view_name = $1 AND NOT internal)",
                       &st) == DuckDBError) {
        pw_err_set(err, PW_EDB, "database error: %s", duckdb_prepare_error(st));
        duckdb_destroy_prepare(&st);
        return PW_EDB;
    }
    duckdb_result res;
    int rc = 0;
    if (duckdb_bind_varchar(st, 1, name) == DuckDBError) {
        rc = pw_err_set(err, PW_EDB, "database error: cannot look up '%s'", name);
    } else if (duckdb_execute_prepared(st, &res) == DuckDBError) {
        rc = pw_err_set(err, PW_EDB, "database error: %s", duckdb_result_error(&res));
        duckdb_destroy_result(&res);
    } else {
        if (duckdb_value_int64(&res, 0, 0) > 0) *out = PW_DB_TABLE;
        else if (duckdb_value_int64(&res, 1, 0) > 0) *out = PW_DB_VIEW;
        duckdb_destroy_result(&res);
    }
    duckdb_destroy_prepare(&st);
    return rc;
}
