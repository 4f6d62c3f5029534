/* query_parquet.c: `planwise query --out FILE.parquet` without giving user SQL any
 * file access.
 *
 * The user's query runs on its own sandboxed instance (external access off,
 * configuration locked: sql_guard.c), which cannot write a file. A second,
 * in-memory DuckDB instance that runs only planwise's own statement writes the
 * Parquet file: a table function registered there streams the query's result
 * chunk by chunk from the sandboxed instance (its vectors are referenced, not
 * copied), and `COPY (SELECT * FROM <function>()) TO '<temp>' (FORMAT parquet)`
 * writes it. No user text ever reaches the writing instance, and the result is
 * never held in memory whole. The file is written under a temporary name,
 * synced and renamed (core/atomic_file.h). */
#include "io/db_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/atomic_file.h"

#define SOURCE_FUNCTION "pw_query_result"

struct source {
    duckdb_result *result;   /* streaming result on the sandboxed instance */
    idx_t columns;
    char **names;            /* column names made unique for the Parquet schema */
};

static void source_bind(duckdb_bind_info info)
{
    struct source *s = duckdb_bind_get_extra_info(info);
    for (idx_t i = 0; i < s->columns; i++) {
        duckdb_logical_type t = duckdb_column_logical_type(s->result, i);
        duckdb_bind_add_result_column(info, s->names[i], t);
        duckdb_destroy_logical_type(&t);
    }
}

/* One scan, one thread: the default of a C table function, which also keeps the
 * rows in the query's order. */
static void source_init(duckdb_init_info info) { (void)info; }

static void source_scan(duckdb_function_info info, duckdb_data_chunk out)
{
    struct source *s = duckdb_function_get_extra_info(info);
    duckdb_data_chunk in = duckdb_fetch_chunk(*s->result);
    if (!in) {
        const char *msg = duckdb_result_error(s->result);
        if (msg && *msg) duckdb_function_set_error(info, msg);
        duckdb_data_chunk_set_size(out, 0);
        return;
    }
    for (idx_t i = 0; i < s->columns; i++)
        duckdb_vector_reference_vector(duckdb_data_chunk_get_vector(out, i), duckdb_data_chunk_get_vector(in, i));
    duckdb_data_chunk_set_size(out, duckdb_data_chunk_get_size(in));
    duckdb_destroy_data_chunk(&in);
}

static bool name_taken(char **names, idx_t n, const char *name)
{
    for (idx_t i = 0; i < n; i++)
        if (strcasecmp(names[i], name) == 0) return true;
    return false;
}

/* Parquet columns need distinct names; "a, a" becomes "a, a_1" (DuckDB's own
 * spelling for a table), compared without case as SQL names are. */
static int unique_names(struct source *s, struct pw_err *err)
{
    s->names = calloc(s->columns, sizeof *s->names);
    if (!s->names) return pw_err_set(err, PW_ENOMEM, "out of memory");
    for (idx_t i = 0; i < s->columns; i++) {
        const char *base = duckdb_column_name(s->result, i);
        size_t cap = strlen(base) + 24;
        if (!(s->names[i] = malloc(cap))) return pw_err_set(err, PW_ENOMEM, "out of memory");
        snprintf(s->names[i], cap, "%s", base);
        for (unsigned k = 1; name_taken(s->names, i, s->names[i]); k++) snprintf(s->names[i], cap, "%s_%u", base, k);
    }
    return 0;
}

/* Opens the writing instance with the source function registered. */
static int open_writer(struct source *s, duckdb_database *wdb, duckdb_connection *wcon, struct pw_err *err)
{
    duckdb_config config;
    if (duckdb_create_config(&config) == DuckDBError) return pw_err_set(err, PW_EDB, "cannot create a DuckDB configuration");
    duckdb_set_config(config, "autoinstall_known_extensions", "false");
    duckdb_set_config(config, "autoload_known_extensions", "false");
    char *msg = NULL;
    duckdb_state st = duckdb_open_ext(NULL, wdb, config, &msg);
    duckdb_destroy_config(&config);
    if (st == DuckDBError) {
        int rc = pw_err_set(err, PW_EDB, "cannot start DuckDB to write Parquet: %s", msg ? msg : "unknown error");
        duckdb_free(msg);
        return rc;
    }
    if (duckdb_connect(*wdb, wcon) == DuckDBError) return pw_err_set(err, PW_EDB, "cannot connect to DuckDB to write Parquet");
    duckdb_table_function f = duckdb_create_table_function();
    duckdb_table_function_set_name(f, SOURCE_FUNCTION);
    duckdb_table_function_set_extra_info(f, s, NULL);
    duckdb_table_function_set_bind(f, source_bind);
    duckdb_table_function_set_init(f, source_init);
    duckdb_table_function_set_function(f, source_scan);
    st = duckdb_register_table_function(*wcon, f);
    duckdb_destroy_table_function(&f);
    return st == DuckDBError ? pw_err_set(err, PW_EDB, "cannot register the result source for Parquet") : 0;
}

/* COPY of the source to af->tmp, quoted as a SQL string. */
static int copy_to(duckdb_connection wcon, const char *file, const char *shown, struct pw_err *err)
{
    size_t n = strlen(file);
    char *sql = malloc(2 * n + 128);
    if (!sql) return pw_err_set(err, PW_ENOMEM, "out of memory");
    size_t len = (size_t)sprintf(sql, "COPY (SELECT * FROM " SOURCE_FUNCTION "()) TO '");
    for (const char *c = file; *c; c++) {
        if (*c == '\'') sql[len++] = '\'';
        sql[len++] = *c;
    }
    snprintf(sql + len, 2 * n + 128 - len, "' (FORMAT parquet, USE_TMP_FILE false)");
    duckdb_result r;
    int rc = 0;
    if (duckdb_query(wcon, sql, &r) == DuckDBError)
        rc = pw_err_set(err, PW_EDB, "cannot write '%s': %s", shown, duckdb_result_error(&r));
    duckdb_destroy_result(&r);
    free(sql);
    return rc;
}

int pw_db_write_query_parquet(struct pw_db *db, const char *sql, const char *path, struct pw_err *err)
{
    if (pw_db_count_statements(db, sql, NULL, 0) > 1)
        return pw_err_set(err, PW_EUSAGE, "--out writes the result of one query; give one statement");
    duckdb_prepared_statement ps = NULL;
    duckdb_pending_result pending = NULL;
    duckdb_result result;
    bool have_result = false;
    struct source s = {.result = &result};
    duckdb_database wdb = NULL;
    duckdb_connection wcon = NULL;
    struct pw_atomic_file af;
    bool af_open = false;
    int rc = 0;
    /* Streaming, so a large result never sits in memory whole. */
    if (duckdb_prepare(db->connection, sql, &ps) == DuckDBError)
        rc = pw_err_set(err, PW_EDB, "query failed: %s", duckdb_prepare_error(ps));
    else if (duckdb_pending_prepared_streaming(ps, &pending) == DuckDBError)
        rc = pw_err_set(err, PW_EDB, "query failed: %s", duckdb_pending_error(pending));
    else if (duckdb_execute_pending(pending, &result) == DuckDBError) {
        rc = pw_err_set(err, PW_EDB, "query failed: %s", duckdb_result_error(&result));
        duckdb_destroy_result(&result);
    } else {
        have_result = true;
        s.columns = duckdb_column_count(&result);
    }
    if (!rc) rc = unique_names(&s, err);
    if (!rc) rc = open_writer(&s, &wdb, &wcon, err);
    if (!rc) rc = pw_atomic_file_begin_path(&af, path, err);
    if (!rc) {
        af_open = true;
        rc = copy_to(wcon, af.tmp, path, err);
    }
    if (wcon) duckdb_disconnect(&wcon);
    if (wdb) duckdb_close(&wdb);
    if (af_open) {
        if (rc) pw_atomic_file_abort(&af);
        else rc = pw_atomic_file_commit_path(&af, err);
    }
    for (idx_t i = 0; s.names && i < s.columns; i++) free(s.names[i]);
    free(s.names);
    if (have_result) duckdb_destroy_result(&result);
    if (pending) duckdb_destroy_pending(&pending);
    if (ps) duckdb_destroy_prepare(&ps);
    return rc;
}
