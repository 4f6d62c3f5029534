/* append_floor.c: the floor for writing planwise's outputs. Takes the stored rows
 * of a finished run (the narrow tables of src/io/store_schema.h, read from a
 * database `planwise run` wrote), holds them in memory as DuckDB data chunks, and
 * times only what DuckDB itself needs to store the same rows the way a run does:
 * a fresh output database (pw_store_open), then per year: every table's rows
 * appended through one appender on one connection and committed with the year's
 * commit record (or, with --format parquet, appended to staging tables and
 * copied to the year's Parquet files), then close (DuckDB's checkpoint). No
 * simulation, no value formatting: planwise's write stage can only approach it.
 *
 *   append_floor --source DB [--out FILE] [--format duckdb|parquet] [--one-transaction]
 *
 * Prints `floor_seconds=S rows=N`. Built by bench/run.sh (cc, linked against
 * build/<dir>/libplanwise.a). */
#include <duckdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/err.h"
#include "io/db.h"
#include "io/db_internal.h"
#include "io/store_parquet.h"
#include "io/store_schema.h"

#define MAX_YEARS 101

/* The rows of one table in one year, as the chunks DuckDB returned them. */
struct year_rows {
    duckdb_result result;          /* owns nothing we keep; chunks are fetched from it */
    duckdb_data_chunk *chunks;
    size_t count;
    bool loaded;
};

static int fail(const char *what, const struct pw_err *err)
{
    fprintf(stderr, "append_floor: %s: %s\n", what, err->msg);
    return 1;
}

static int load(struct pw_db *src, const char *sql, struct year_rows *y, size_t *rows)
{
    if (duckdb_query(src->connection, sql, &y->result) == DuckDBError) {
        fprintf(stderr, "append_floor: %s: %s\n", sql, duckdb_result_error(&y->result));
        return 1;
    }
    for (duckdb_data_chunk c; (c = duckdb_fetch_chunk(y->result));) {
        duckdb_data_chunk *p = realloc(y->chunks, (y->count + 1) * sizeof *p);
        if (!p) return 1;
        y->chunks = p;
        y->chunks[y->count++] = c;
        *rows += duckdb_data_chunk_get_size(c);
    }
    y->loaded = true;
    return 0;
}

static int append(struct pw_db *db, const char *table, const struct year_rows *y)
{
    duckdb_appender a;
    char schema[16] = "", name[64];
    const char *dot = strchr(table, '.');
    if (dot) snprintf(schema, sizeof schema, "%.*s", (int)(dot - table), table);
    snprintf(name, sizeof name, "%s", dot ? dot + 1 : table);
    if (duckdb_appender_create(db->connection, schema[0] ? schema : NULL, name, &a) == DuckDBError) {
        fprintf(stderr, "append_floor: appender %s: %s\n", table, duckdb_appender_error(a));
        duckdb_appender_destroy(&a);
        return 1;
    }
    int rc = 0;
    for (size_t i = 0; i < y->count && !rc; i++)
        if (duckdb_append_data_chunk(a, y->chunks[i]) == DuckDBError) rc = 1;
    if (!rc && duckdb_appender_close(a) == DuckDBError) rc = 1;
    if (rc) fprintf(stderr, "append_floor: append %s: %s\n", table, duckdb_appender_error(a));
    duckdb_appender_destroy(&a);
    return rc;
}

int main(int argc, char **argv)
{
    const char *source = NULL, *out = "floor.duckdb";
    bool parquet = false, one_transaction = false;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--source") == 0 && i + 1 < argc) source = argv[++i];
        else if (strcmp(argv[i], "--out") == 0 && i + 1 < argc) out = argv[++i];
        else if (strcmp(argv[i], "--format") == 0 && i + 1 < argc) parquet = strcmp(argv[++i], "parquet") == 0;
        else if (strcmp(argv[i], "--one-transaction") == 0) one_transaction = true;
        else {
            fprintf(stderr, "usage: append_floor --source DB [--out FILE] [--format duckdb|parquet] [--one-transaction]\n");
            return 2;
        }
    }
    if (!source) return fprintf(stderr, "append_floor: --source DB is required\n"), 2;
    struct pw_err err = {0};
    struct pw_db *src;
    struct pw_db_options ro = {.read_only = true};
    if (pw_db_open(&src, source, &ro, &err)) return fail("open the source", &err);
    int64_t run_key = 0, first = 0, last = 0;
    if (pw_db_query_int(src, "SELECT max(run_key) FROM pw.visible_runs", &run_key, &err) ||
        pw_db_query_int(src, "SELECT min(simulation_year) FROM pw.year_commits WHERE run_key = (SELECT max(run_key) FROM pw.visible_runs)", &first, &err) ||
        pw_db_query_int(src, "SELECT max(simulation_year) FROM pw.year_commits WHERE run_key = (SELECT max(run_key) FROM pw.visible_runs)", &last, &err))
        return fail("read the source's run", &err);
    int years = (int)(last - first + 1);
    if (years < 1 || years > MAX_YEARS) return fprintf(stderr, "append_floor: no committed years in '%s'\n", source), 1;

    /* Everything is read before the clock starts. */
    static struct year_rows rows[PW_T_COUNT][MAX_YEARS];
    size_t total = 0;
    for (int t = 0; t < PW_T_COUNT; t++) {
        if (!pw_store_table_in_files(t)) continue;
        for (int y = 0; y < years; y++) {
            char sql[512];
            if (t == PW_T_DIM_EMPLOYEE)
                snprintf(sql, sizeof sql, "SELECT * FROM %s WHERE run_key = %lld AND coalesce(hire_year, %lld) = %lld",
                         pw_store_tables[t].name, (long long)run_key, (long long)first, (long long)first + y);
            else
                snprintf(sql, sizeof sql, "SELECT * FROM %s WHERE run_key = %lld AND simulation_year = %lld",
                         pw_store_tables[t].name, (long long)run_key, (long long)first + y);
            if (load(src, sql, &rows[t][y], &total)) return 1;
        }
    }

    unlink(out);
    char wal[1100], data_dir[1100];
    snprintf(wal, sizeof wal, "%s.wal", out);
    unlink(wal);
    snprintf(data_dir, sizeof data_dir, "%s.data", out);
    if (parquet && data_dir[0] != '/') {
        char cwd[900];
        if (!getcwd(cwd, sizeof cwd)) return 1;
        snprintf(data_dir, sizeof data_dir, "%s/%s.data", cwd, out);
    }
    struct pw_db *db;
    struct pw_db_options opt = {.threads = 2};
    if (pw_db_open(&db, out, &opt, &err)) return fail("create the output database", &err);
    if (pw_store_open(db, parquet ? PW_LAYOUT_PARQUET : PW_LAYOUT_TABLES, data_dir, NULL, &err))
        return fail("create the output layout", &err);
    for (int t = 0; t < PW_T_COUNT && parquet; t++)
        if (pw_store_table_in_files(t) && pw_parquet_stage_create(db, t, &err)) return fail("staging tables", &err);

    double t0 = pw_wall_seconds();
    if (one_transaction && !parquet && pw_db_exec(db, "BEGIN TRANSACTION", &err)) return fail("begin", &err);
    for (int y = 0; y < years; y++) {
        if (!one_transaction && !parquet && pw_db_exec(db, "BEGIN TRANSACTION", &err)) return fail("begin", &err);
        for (int t = 0; t < PW_T_COUNT; t++) {
            if (!pw_store_table_in_files(t)) continue;
            char stage[64];
            if (parquet) pw_parquet_stage_name(t, stage, sizeof stage);
            if (append(db, parquet ? stage : pw_store_tables[t].name, &rows[t][y])) return 1;
            if (parquet && pw_parquet_stage_flush(db, t, data_dir, (int)run_key, (int)first + y, &err))
                return fail("write the Parquet file", &err);
        }
        char sql[256];
        snprintf(sql, sizeof sql, "INSERT INTO pw.year_commits VALUES (%lld, %lld, current_timestamp::TIMESTAMP)",
                 (long long)run_key, (long long)first + y);
        if (pw_db_exec(db, sql, &err)) return fail("commit record", &err);
        if (!one_transaction && !parquet && pw_db_exec(db, "COMMIT", &err)) return fail("commit", &err);
    }
    if (one_transaction && !parquet && pw_db_exec(db, "COMMIT", &err)) return fail("commit", &err);
    pw_db_close(db);
    double seconds = pw_wall_seconds() - t0;
    printf("floor_seconds=%.3f rows=%zu\n", seconds, total);

    for (int t = 0; t < PW_T_COUNT; t++)
        for (int y = 0; y < years; y++) {
            for (size_t i = 0; i < rows[t][y].count; i++) duckdb_destroy_data_chunk(&rows[t][y].chunks[i]);
            free(rows[t][y].chunks);
            if (rows[t][y].loaded) duckdb_destroy_result(&rows[t][y].result);
        }
    pw_db_close(src);
    return 0;
}
