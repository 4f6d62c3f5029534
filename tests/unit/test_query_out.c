/* test_query_out.c: `planwise query --out FILE.parquet` (io/query_parquet.c) from a
 * sandboxed database: every row in order across many chunks, the column types
 * (decimal, enum, list, struct, date, interval, NULLs), duplicate column names
 * made unique, one statement only, and a query that fails part-way leaving the
 * previous file whole and no temporary file behind. The sandbox itself still
 * refuses file access afterwards. */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "io/db.h"
#include "support/scratch.h"

static int group_setup(void **state)
{
    (void)state;
    return pw_test_scratch_create("pw_query_out");
}

static int group_teardown(void **state)
{
    (void)state;
    return pw_test_scratch_remove();
}

/* A sandboxed in-memory database with table t of 100,000 rows of many types. */
static struct pw_db *sandboxed_db(void)
{
    struct pw_db *db;
    struct pw_err err = {0};
    assert_int_equal(pw_db_open(&db, NULL, NULL, &err), 0);
    assert_int_equal(pw_db_exec(db, "CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy')", &err), 0);
    assert_int_equal(pw_db_exec(db,
                                "CREATE TABLE t AS SELECT range AS i, (range * 1.5)::DECIMAL(18, 3) AS d,"
                                " (['sad', 'ok', 'happy'][1 + range % 3])::mood AS m, [range, range + 1] AS l,"
                                " {'x': range, 'y': 'z'} AS st, DATE '2025-01-01' + (range % 1000)::INTEGER AS dt,"
                                " INTERVAL 1 DAY * (range % 7) AS iv,"
                                " CASE WHEN range % 10 = 0 THEN NULL ELSE 'v' || range END AS s"
                                " FROM range(100000)",
                                &err),
                     0);
    assert_int_equal(pw_db_sandbox(db, &err), 0);
    return db;
}

/* A plain database to read the file back with (the sandboxed one cannot). */
static struct pw_db *reader(void)
{
    struct pw_db *db;
    struct pw_err err = {0};
    assert_int_equal(pw_db_open(&db, NULL, NULL, &err), 0);
    return db;
}

static int64_t value(struct pw_db *db, const char *fmt, const char *path)
{
    char sql[2048];
    snprintf(sql, sizeof sql, fmt, path);
    int64_t v = -1;
    struct pw_err err = {0};
    if (pw_db_query_int(db, sql, &v, &err)) fail_msg("%s: %s", sql, err.msg);
    return v;
}

static void text(struct pw_db *db, const char *fmt, const char *path, char *out, size_t size)
{
    char sql[2048];
    snprintf(sql, sizeof sql, fmt, path);
    struct pw_err err = {0};
    if (pw_db_query_string(db, sql, out, size, &err)) fail_msg("%s: %s", sql, err.msg);
}

/* No "<name>.tmp.<pid>" left in the scratch folder. */
static void assert_no_temp_files(void)
{
    DIR *d = opendir(pw_test_path(""));
    assert_non_null(d);
    struct dirent *e;
    while ((e = readdir(d)))
        if (strstr(e->d_name, ".tmp.")) fail_msg("temporary file left behind: %s", e->d_name);
    closedir(d);
}

static void test_rows_and_types(void **state)
{
    (void)state;
    struct pw_db *db = sandboxed_db();
    struct pw_err err = {0};
    const char *path = pw_test_path("t.parquet");
    assert_int_equal(pw_db_write_query_parquet(db, "SELECT * FROM t ORDER BY i", path, &err), 0);
    struct pw_db *r = reader();
    assert_int_equal(value(r, "SELECT count(*) FROM read_parquet('%s')", path), 100000);
    /* Order kept: the file's row number equals i everywhere. */
    assert_int_equal(value(r, "SELECT count(*) FROM (SELECT i, row_number() OVER () - 1 AS n FROM read_parquet('%s'))"
                              " WHERE i <> n", path),
                     0);
    assert_int_equal(value(r, "SELECT sum(i) FROM read_parquet('%s')", path), 4999950000);
    assert_int_equal(value(r, "SELECT sum(d * 2)::BIGINT FROM read_parquet('%s')", path), 3 * 4999950000LL);
    assert_int_equal(value(r, "SELECT count(*) FROM read_parquet('%s') WHERE m = 'happy'", path), 33333);
    assert_int_equal(value(r, "SELECT sum(l[2] - l[1]) FROM read_parquet('%s')", path), 100000);
    assert_int_equal(value(r, "SELECT sum(st.x) FROM read_parquet('%s')", path), 4999950000);
    assert_int_equal(value(r, "SELECT count(*) FROM read_parquet('%s') WHERE s IS NULL", path), 10000);
    assert_int_equal(value(r, "SELECT max(dt) - DATE '2025-01-01' FROM read_parquet('%s')", path), 999);
    assert_int_equal(value(r, "SELECT max(extract(day FROM iv)) FROM read_parquet('%s')", path), 6);
    char types[512];
    text(r, "SELECT string_agg(column_name || ' ' || column_type, ', ') FROM (DESCRIBE SELECT * FROM read_parquet('%s'))",
         path, types, sizeof types);
    assert_string_equal(types, "i BIGINT, d DECIMAL(18,3), m VARCHAR, l BIGINT[], st STRUCT(x BIGINT, y VARCHAR), "
                               "dt DATE, iv INTERVAL, s VARCHAR");
    assert_no_temp_files();

    /* Names that repeat (in any case) are made unique. */
    assert_int_equal(pw_db_write_query_parquet(db, "SELECT 1 AS a, 2 AS a, 3 AS A, 4 AS a_1", path, &err), 0);
    text(r, "SELECT string_agg(column_name, ',') FROM (DESCRIBE SELECT * FROM read_parquet('%s'))", path, types,
         sizeof types);
    assert_string_equal(types, "a,a_1,A_2,a_1_1");
    /* An empty result is a file with the columns and no rows. */
    assert_int_equal(pw_db_write_query_parquet(db, "SELECT i FROM t WHERE false", path, &err), 0);
    assert_int_equal(value(r, "SELECT count(*) FROM read_parquet('%s')", path), 0);
    pw_db_close(r);
    pw_db_close(db);
}

static void test_refusals_and_failures(void **state)
{
    (void)state;
    struct pw_db *db = sandboxed_db();
    struct pw_err err = {0};
    const char *path = pw_test_path("keep.parquet");
    assert_int_equal(pw_db_write_query_parquet(db, "SELECT 42 AS answer", path, &err), 0);

    assert_int_equal(pw_db_write_query_parquet(db, "SELECT 1; SELECT 2", path, &err), PW_EUSAGE);
    assert_string_equal(err.msg, "--out writes the result of one query; give one statement");
    assert_int_equal(pw_db_write_query_parquet(db, "SELECT * FROM no_such_table", path, &err), PW_EDB);
    assert_non_null(strstr(err.msg, "no_such_table"));
    /* The sandbox still holds for the query itself. */
    assert_int_equal(pw_db_write_query_parquet(db, "SELECT * FROM read_csv('/etc/passwd')", path, &err), PW_EDB);
    assert_non_null(strstr(err.msg, "Permission Error"));
    /* Fails after rows were written: the old file stays whole, no temporary is left. */
    assert_int_equal(pw_db_write_query_parquet(db,
                                               "SELECT i, CASE WHEN i = 90000 THEN error('boom at 90000') END AS e "
                                               "FROM t ORDER BY i",
                                               path, &err),
                     PW_EDB);
    assert_non_null(strstr(err.msg, "boom at 90000"));
    struct pw_db *r = reader();
    assert_int_equal(value(r, "SELECT answer FROM read_parquet('%s')", path), 42);
    pw_db_close(r);
    assert_no_temp_files();
    /* A folder is not a file. */
    assert_int_equal(pw_db_write_query_parquet(db, "SELECT 1", pw_test_path(""), &err), PW_EIO);
    assert_non_null(strstr(err.msg, "Is a directory"));
    /* Writing did not open the sandboxed database to files. */
    char sql[1200];
    snprintf(sql, sizeof sql, "COPY (SELECT 1) TO '%s'", pw_test_path("escape.csv"));
    assert_int_equal(pw_db_exec(db, sql, &err), PW_EDB);
    assert_int_equal(access(pw_test_path("escape.csv"), F_OK), -1);
    pw_db_close(db);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rows_and_types),
        cmocka_unit_test(test_refusals_and_failures),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
