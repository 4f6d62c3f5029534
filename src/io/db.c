/* db.c: opening DuckDB with the project's settings, running statements, and the
 * table/CSV printer behind `planwise query`. */
#include "io/db_internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int pw__db_query(struct pw_db *db, const char *sql, duckdb_result *res, const char *what, struct pw_err *err)
{
    duckdb_result local;
    duckdb_result *r = res ? res : &local;
    if (duckdb_query(db->connection, sql, r) == DuckDBError) {
        pw_err_set(err, PW_EDB, "%s: %s", what, duckdb_result_error(r));
        duckdb_destroy_result(r);
        return PW_EDB;
    }
    if (!res) duckdb_destroy_result(r);
    return 0;
}

int pw_db_open(struct pw_db **out, const char *path, const struct pw_db_options *opt, struct pw_err *err)
{
    *out = NULL;
    /* Before DuckDB sees it: every command opens its database here. */
    int frc = pw_db_check_file(path, err);
    if (frc) return frc;
    struct pw_db *db = calloc(1, sizeof *db);
    if (!db) return pw_err_set(err, PW_ENOMEM, "out of memory");
    bool memory = !path || !*path || strcmp(path, ":memory:") == 0;
    snprintf(db->path, sizeof db->path, "%s", memory ? ":memory:" : path);
    duckdb_config config;
    if (duckdb_create_config(&config) == DuckDBError) {
        free(db);
        return pw_err_set(err, PW_EDB, "cannot create a DuckDB configuration");
    }
    /* Nothing may reach for the network: Parquet is built into the library. */
    duckdb_set_config(config, "autoinstall_known_extensions", "false");
    duckdb_set_config(config, "autoload_known_extensions", "false");
    /* Each simulated year is its own transaction; a year's tail rows (less than a
     * row group) go through the write-ahead log. DuckDB's default 16 MB threshold
     * then checkpoints every year, which made a 60,040 x 5 run 1.3 s slower than
     * letting the log grow to 256 MB (docs/decisions.md, "Year transactions"). */
    bool tuned = !(opt && opt->duckdb_defaults);
    if (tuned) duckdb_set_config(config, "checkpoint_threshold", "256MB");
    if (tuned && opt && opt->threads > 0) {
        char buf[16];
        snprintf(buf, sizeof buf, "%d", opt->threads);
        duckdb_set_config(config, "threads", buf);
    }
    if (opt && opt->read_only) duckdb_set_config(config, "access_mode", "READ_ONLY");
    if (tuned && opt && opt->memory_limit) {
        char buf[32];
        snprintf(buf, sizeof buf, "%lluMB", (unsigned long long)(opt->memory_limit / 1000000));
        duckdb_set_config(config, "memory_limit", buf);
    }
    if (opt && opt->temp_directory && *opt->temp_directory)
        duckdb_set_config(config, "temp_directory", opt->temp_directory);
    char *msg = NULL;
    duckdb_state st = duckdb_open_ext(memory ? NULL : path, &db->database, config, &msg);
    duckdb_destroy_config(&config);
    if (st == DuckDBError) {
        int code = PW_EDB;
        if (msg && (strstr(msg, "Could not set lock") || strstr(msg, "Conflicting lock")))
            code = pw_err_set(err, PW_ELOCKED, "database '%s' is locked by another process; close that process or use another --db file (%s)",
                              path, msg);
        else if (msg && strstr(msg, "No such file"))
            code = pw_err_set(err, PW_EIO, "cannot open database '%s': No such file or directory", path);
        else
            code = pw_err_set(err, PW_EDB, "cannot open database '%s': %s", path, msg ? msg : "unknown error");
        duckdb_free(msg);
        free(db);
        return code;
    }
    if (duckdb_connect(db->database, &db->connection) == DuckDBError) {
        duckdb_close(&db->database);
        free(db);
        return pw_err_set(err, PW_EDB, "cannot connect to database '%s'", path);
    }
    db->owns_database = true;
    *out = db;
    return 0;
}

int pw_db_connect(struct pw_db **out, struct pw_db *parent, struct pw_err *err)
{
    *out = NULL;
    struct pw_db *db = calloc(1, sizeof *db);
    if (!db) return pw_err_set(err, PW_ENOMEM, "out of memory");
    db->database = parent->database;
    memcpy(db->path, parent->path, sizeof db->path);
    if (duckdb_connect(db->database, &db->connection) == DuckDBError) {
        free(db);
        return pw_err_set(err, PW_EDB, "cannot open another connection to database '%s'", parent->path);
    }
    *out = db;
    return 0;
}

void pw_db_close(struct pw_db *db)
{
    if (!db) return;
    duckdb_disconnect(&db->connection);
    if (db->owns_database) duckdb_close(&db->database);
    free(db);
}

int pw_db_exec(struct pw_db *db, const char *sql, struct pw_err *err)
{
    return pw__db_query(db, sql, NULL, "database error", err);
}

/* Runs sql, which must return at least one row and column; res is to be destroyed. */
static int query_one_value(struct pw_db *db, const char *sql, duckdb_result *res, struct pw_err *err)
{
    int rc = pw__db_query(db, sql, res, "query failed", err);
    if (rc) return rc;
    if (duckdb_row_count(res) < 1 || duckdb_column_count(res) < 1) {
        duckdb_destroy_result(res);
        return pw_err_set(err, PW_EDB, "query returned no value");
    }
    return 0;
}

int pw_db_query_int(struct pw_db *db, const char *sql, int64_t *out, struct pw_err *err)
{
    duckdb_result res;
    int rc = query_one_value(db, sql, &res, err);
    if (rc) return rc;
    *out = duckdb_value_int64(&res, 0, 0);
    duckdb_destroy_result(&res);
    return 0;
}

int pw_db_query_string(struct pw_db *db, const char *sql, char *out, size_t size, struct pw_err *err)
{
    duckdb_result res;
    int rc = query_one_value(db, sql, &res, err);
    if (rc) return rc;
    char *v = duckdb_value_varchar(&res, 0, 0);
    snprintf(out, size, "%s", v ? v : "");
    duckdb_free(v);
    duckdb_destroy_result(&res);
    return 0;
}

const char *pw_db_path(const struct pw_db *db) { return db->path; }

int pw_db_describe_settings(struct pw_db *db, char *out, size_t size, struct pw_err *err)
{
    duckdb_result res;
    int rc = pw__db_query(db,
                          "SELECT current_setting('threads')::VARCHAR, current_setting('memory_limit'), "
                          "current_setting('temp_directory'), current_setting('autoinstall_known_extensions')::VARCHAR, "
                          "current_setting('autoload_known_extensions')::VARCHAR",
                          &res, "cannot read the database settings", err);
    if (rc) return rc;
    char *v[5];
    for (idx_t c = 0; c < 5; c++) v[c] = duckdb_value_varchar(&res, c, 0);
    snprintf(out, size, "threads %s, memory limit %s, temp directory '%s', extension autoinstall %s, autoload %s",
             v[0] ? v[0] : "?", v[1] ? v[1] : "?", v[2] && *v[2] ? v[2] : "(none)", v[3] ? v[3] : "?",
             v[4] ? v[4] : "?");
    for (int c = 0; c < 5; c++) duckdb_free(v[c]);
    duckdb_destroy_result(&res);
    return 0;
}
const char *pw_db_library_version(void) { return duckdb_library_version(); }

static void print_csv_field(FILE *out, const char *s)
{
    if (!s) return;
    if (strpbrk(s, ",\"\n\r")) {
        fputc('"', out);
        for (; *s; s++) {
            if (*s == '"') fputc('"', out);
            fputc(*s, out);
        }
        fputc('"', out);
    } else {
        fputs(s, out);
    }
}

/* Display width in characters (UTF-8 continuation bytes do not count). */
static size_t text_width(const char *s)
{
    size_t w = 0;
    for (; *s; s++)
        if (((unsigned char)*s & 0xC0) != 0x80) w++;
    return w;
}

/* Types that duckdb_value_varchar renders directly. */
static bool renders_as_text(duckdb_type t)
{
    switch (t) {
    case DUCKDB_TYPE_ENUM: case DUCKDB_TYPE_UUID: case DUCKDB_TYPE_LIST: case DUCKDB_TYPE_STRUCT:
    case DUCKDB_TYPE_MAP: case DUCKDB_TYPE_ARRAY: case DUCKDB_TYPE_UNION: case DUCKDB_TYPE_BIT:
    case DUCKDB_TYPE_BLOB: case DUCKDB_TYPE_INTERVAL: case DUCKDB_TYPE_TIME_TZ: case DUCKDB_TYPE_TIMESTAMP_TZ:
        return false;
    default: return true;
    }
}

/* Re-runs sql with every column cast to VARCHAR (for ENUM, UUID, nested types). */
static int rerun_as_text(struct pw_db *db, const char *sql, duckdb_result *res, struct pw_err *err)
{
    size_t len = strlen(sql);
    while (len && (sql[len - 1] == ';' || sql[len - 1] == ' ' || sql[len - 1] == '\n')) len--;
    char *wrapped = malloc(len + 64);
    if (!wrapped) return pw_err_set(err, PW_ENOMEM, "out of memory");
    snprintf(wrapped, len + 64, "SELECT COLUMNS(*)::VARCHAR FROM (%.*s)", (int)len, sql);
    duckdb_result text;
    int rc = pw__db_query(db, wrapped, &text, "query failed", err);
    free(wrapped);
    if (rc) return rc;
    duckdb_destroy_result(res);
    *res = text;
    return 0;
}

int pw_db_print_query(struct pw_db *db, const char *sql, FILE *out, int format, struct pw_err *err)
{
    duckdb_result res;
    int rc = pw__db_query(db, sql, &res, "query failed", err);
    if (rc) return rc;
    idx_t cols = duckdb_column_count(&res), rows = duckdb_row_count(&res);
    bool numeric_col[256] = {0}, needs_text = false;
    for (idx_t c = 0; c < cols && c < 256; c++) {
        duckdb_type t = duckdb_column_type(&res, c);
        numeric_col[c] = (t >= DUCKDB_TYPE_TINYINT && t <= DUCKDB_TYPE_DOUBLE) || t == DUCKDB_TYPE_HUGEINT ||
                         t == DUCKDB_TYPE_DECIMAL || t == DUCKDB_TYPE_UHUGEINT;
        if (!renders_as_text(t)) needs_text = true;
    }
    if (needs_text && (rc = rerun_as_text(db, sql, &res, err))) {
        duckdb_destroy_result(&res);
        return rc;
    }
    char **cells = calloc((rows + 1) * (cols ? cols : 1), sizeof *cells);
    size_t *width = calloc(cols ? cols : 1, sizeof *width);
    bool *numeric = calloc(cols ? cols : 1, sizeof *numeric);
    if (!cells || !width || !numeric) {
        free(cells), free(width), free(numeric);
        duckdb_destroy_result(&res);
        return pw_err_set(err, PW_ENOMEM, "out of memory printing the result");
    }
    for (idx_t c = 0; c < cols; c++) {
        cells[c] = strdup(duckdb_column_name(&res, c));
        width[c] = text_width(cells[c]);
        numeric[c] = c < 256 && numeric_col[c];
    }
    for (idx_t r = 0; r < rows; r++) {
        for (idx_t c = 0; c < cols; c++) {
            char *v = duckdb_value_is_null(&res, c, r) ? NULL : duckdb_value_varchar(&res, c, r);
            cells[(r + 1) * cols + c] = v;
            size_t w = v ? text_width(v) : 4;
            if (w > width[c]) width[c] = w;
        }
    }
    for (idx_t r = 0; r <= rows; r++) {
        for (idx_t c = 0; c < cols; c++) {
            const char *v = cells[r * cols + c];
            if (format == PW_PRINT_CSV) {
                if (c) fputc(',', out);
                print_csv_field(out, v);
                continue;
            }
            const char *shown = v ? v : (r == 0 ? "" : "NULL");
            size_t pad = width[c] - text_width(shown);
            if (c) fputs("  ", out);
            if (numeric[c] && r > 0) fprintf(out, "%*s%s", (int)pad, "", shown);
            else if (c + 1 < cols) fprintf(out, "%s%*s", shown, (int)pad, "");
            else fputs(shown, out);
        }
        fputc('\n', out);
        if (r == 0 && format == PW_PRINT_TABLE) {
            for (idx_t c = 0; c < cols; c++) {
                if (c) fputs("  ", out);
                for (size_t i = 0; i < width[c]; i++) fputc('-', out);
            }
            fputc('\n', out);
        }
    }
    if (format == PW_PRINT_TABLE) fprintf(out, "(%llu row%s)\n", (unsigned long long)rows, rows == 1 ? "" : "s");
    for (idx_t i = 0; i < (rows + 1) * cols; i++) {
        if (i < cols) free(cells[i]);
        else duckdb_free(cells[i]);
    }
    free(cells), free(width), free(numeric);
    duckdb_destroy_result(&res);
    return 0;
}
