/* test_validate.c: the pieces behind `planwise validate`: loading a
 * configuration that reports every bad key (io/yaml_config.h), the log hook that
 * captures warnings (core/log.h), and the environment checks (io/env_check.h):
 * writable folders, Parquet, and the output database (missing folder, new file,
 * existing planwise database, other layout, not a database). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/log.h"
#include "io/db.h"
#include "io/env_check.h"
#include "io/output.h"
#include "io/yaml_config.h"
#include "support/scratch.h"


static int group_setup(void **state)
{
    (void)state;
    return pw_test_scratch_create("pw_validate");
}

static int group_teardown(void **state)
{
    (void)state;
    return pw_test_scratch_remove();
}

/* ---- collecting problems and warnings --------------------------------------- */

struct collected {
    int count;
    char msg[8][PW_ERR_MSG_MAX];
};

static void collect(void *ctx, const struct pw_err *problem)
{
    struct collected *c = ctx;
    if (c->count < 8) snprintf(c->msg[c->count], sizeof c->msg[0], "%s", problem->msg);
    c->count++;
}

struct lines {
    int warnings, infos;
    char last[512];
};

static void hook(void *ctx, int kind, const char *line)
{
    struct lines *l = ctx;
    if (kind == PW_LOG_WARNING) l->warnings++;
    else l->infos++;
    snprintf(l->last, sizeof l->last, "%s", line);
}

static void test_config_every_problem(void **state)
{
    (void)state;
    const char *path = pw_test_write_file("bad.yaml",
                                  "simulation:\n"
                                  "  start_year: 1800\n"
                                  "  target_growth_rate: abc\n"
                                  "  random_seed: 7\n"
                                  "workforce:\n"
                                  "  total_termination_rate: 2.5\n"
                                  "mystery_key: 1\n");
    static struct pw_config cfg;
    struct collected c = {0};
    struct lines l = {0};
    struct pw_err err = {0};
    pw_log_set_hook(hook, &l);
    int rc = pw_config_load_file_each(&cfg, path, collect, &c, &err);
    pw_log_set_hook(NULL, NULL);
    assert_int_equal(rc, PW_ECONFIG);
    assert_int_equal(c.count, 3);
    assert_non_null(strstr(c.msg[0], "bad.yaml:2: 'simulation.start_year' must be an integer in [1900, 2200], got 1800"));
    assert_non_null(strstr(c.msg[1], "bad.yaml:3: 'simulation.target_growth_rate'"));
    assert_non_null(strstr(c.msg[2], "bad.yaml:6: 'workforce.total_termination_rate' must be in [0, 1], got 2.5"));
    assert_int_equal(l.warnings, 1);
    assert_non_null(strstr(l.last, "bad.yaml:7: unknown key 'mystery_key'; ignored"));
    assert_non_null(strstr(err.msg, "bad.yaml': 3 problems"));
    /* the good key took effect, the bad ones kept their defaults */
    assert_int_equal(cfg.random_seed, 7);
    assert_int_equal(cfg.start_year, 2025);
    assert_true(cfg.total_termination_rate == 0.12);

    /* the ordinary loader still stops at the first problem */
    rc = pw_config_load_file(&cfg, path, &err);
    assert_int_equal(rc, PW_ECONFIG);
    assert_non_null(strstr(err.msg, "'simulation.start_year'"));
}

static void test_config_each_other_cases(void **state)
{
    (void)state;
    static struct pw_config cfg;
    struct pw_err err = {0};

    struct collected c = {0};
    assert_int_equal(pw_config_load_file_each(&cfg, pw_test_write_file("ok.yaml", "simulation:\n  random_seed: 9\n"), collect,
                                              &c, &err),
                     0);
    assert_int_equal(c.count, 0);
    assert_int_equal(cfg.random_seed, 9);

    /* invalid YAML ends the load: one problem */
    memset(&c, 0, sizeof c);
    assert_int_equal(pw_config_load_file_each(&cfg, pw_test_write_file("syntax.yaml", "simulation: [1, 2\n"), collect, &c, &err),
                     PW_ECONFIG);
    assert_int_equal(c.count, 1);
    assert_non_null(strstr(c.msg[0], "invalid YAML"));

    /* a missing file: one problem, an I/O error */
    memset(&c, 0, sizeof c);
    assert_int_equal(pw_config_load_file_each(&cfg, pw_test_path("none.yaml"), collect, &c, &err), PW_EIO);
    assert_int_equal(c.count, 1);
    assert_non_null(strstr(c.msg[0], "No such file or directory"));
    assert_non_null(strstr(err.msg, "1 problem"));

    /* key errors and then a cross-key error of the keys that were valid */
    memset(&c, 0, sizeof c);
    const char *both = pw_test_write_file("both.yaml",
                                  "simulation:\n"
                                  "  start_year: 2030\n"
                                  "  end_year: 2026\n"
                                  "  target_growth_rate: 5\n");
    assert_int_equal(pw_config_load_file_each(&cfg, both, collect, &c, &err), PW_ECONFIG);
    assert_int_equal(c.count, 2);
    assert_non_null(strstr(c.msg[0], "'simulation.target_growth_rate'"));
    assert_non_null(strstr(c.msg[1], "end_year"));

    /* a key that is not a plain name does not end the walk either */
    memset(&c, 0, sizeof c);
    const char *odd = pw_test_write_file("odd.yaml",
                                 "simulation:\n"
                                 "  ? [a, b]\n"
                                 "  : 1\n"
                                 "  start_year: 1000\n");
    assert_int_equal(pw_config_load_file_each(&cfg, odd, collect, &c, &err), PW_ECONFIG);
    assert_int_equal(c.count, 2);
    assert_non_null(strstr(c.msg[0], "must be plain names"));
    assert_non_null(strstr(c.msg[1], "'simulation.start_year'"));
}

static void test_log_hook(void **state)
{
    (void)state;
    struct lines l = {0};
    unsigned long before = pw_log_warning_count();
    pw_log_set_hook(hook, &l);
    pw_warn("table %s: %d rows", "x", 3);
    pw_info("note %d", 1);
    pw_log_set_hook(NULL, NULL);
    assert_int_equal(l.warnings, 1);
    assert_int_equal(l.infos, 1);
    assert_string_equal(l.last, "note 1");
    assert_int_equal(pw_log_warning_count(), before + 1);   /* still counted */
}

/* ---- environment ------------------------------------------------------------- */

static void test_writable_dir(void **state)
{
    (void)state;
    struct pw_err err = {0};
    assert_int_equal(pw_env_check_writable_dir(pw_test_dir, &err), 0);
    assert_int_equal(pw_env_check_writable_dir(pw_test_path("nope"), &err), PW_EIO);
    assert_non_null(strstr(err.msg, "nope': No such file or directory"));
    assert_int_equal(pw_env_check_writable_dir(pw_test_write_file("plain", "x"), &err), PW_EIO);
    assert_non_null(strstr(err.msg, "plain' is not a folder"));
    if (access("/sys", F_OK) == 0) {
        assert_int_equal(pw_env_check_writable_dir("/sys", &err), PW_EIO);
        assert_non_null(strstr(err.msg, "cannot create files in folder '/sys'"));
    }
}

static void test_parquet(void **state)
{
    (void)state;
    struct pw_db *db;
    struct pw_err err = {0};
    assert_int_equal(pw_db_open(&db, NULL, NULL, &err), 0);
    assert_int_equal(pw_env_check_parquet(db, NULL, &err), 0);
    int rc = pw_env_check_parquet(db, pw_test_dir, &err);
    if (rc) fail_msg("%s", err.msg);
    assert_int_not_equal(access(pw_test_path("planwise-validate.parquet"), F_OK), 0);   /* removed */
    assert_int_not_equal(pw_env_check_parquet(db, pw_test_path("missing_folder"), &err), 0);
    assert_non_null(strstr(err.msg, "cannot write a Parquet file in '"));
    pw_db_close(db);
}

static void test_database(void **state)
{
    (void)state;
    struct pw_env_database info;
    struct pw_err err = {0};
    assert_int_equal(pw_env_check_database(":memory:", "default", &info, &err), 0);
    assert_true(info.memory);

    assert_int_equal(pw_env_check_database(pw_test_path("new.duckdb"), "default", &info, &err), 0);
    assert_false(info.exists);
    assert_string_equal(info.folder, pw_test_dir);
    assert_int_not_equal(access(pw_test_path("new.duckdb"), F_OK), 0);   /* not created */

    assert_int_equal(pw_env_check_database(pw_test_path("nowhere/x.duckdb"), "default", &info, &err), PW_EIO);
    assert_non_null(strstr(err.msg, "nowhere' does not exist"));

    assert_int_equal(pw_env_check_database(pw_test_write_file("junk.duckdb", "not a database\n"), "default", &info, &err),
                     PW_EIO);
    assert_non_null(strstr(err.msg, "junk.duckdb' as a database: it looks like a text file"));
    assert_int_equal(pw_env_check_database(pw_test_write_file("census.csv", "employee_id,hire_date\n1,2020-01-01\n"), "default",
                                           &info, &err),
                     PW_EIO);
    assert_non_null(strstr(err.msg, "it looks like CSV text"));

    /* a planwise database with one scenario */
    struct pw_db *db;
    const char *path = pw_test_path("planwise.duckdb");
    assert_int_equal(pw_db_open(&db, path, NULL, &err), 0);
    char sql[256];
    snprintf(sql, sizeof sql, "CREATE TABLE planwise_schema (version INTEGER); INSERT INTO planwise_schema VALUES (%d)",
             PW_SCHEMA_VERSION);
    assert_int_equal(pw_db_exec(db, sql, &err), 0);
    assert_int_equal(pw_db_exec(db, "CREATE TABLE run_metadata (scenario_id VARCHAR); "
                                    "INSERT INTO run_metadata VALUES ('base'), ('high')",
                                &err),
                     0);
    pw_db_close(db);
    assert_int_equal(pw_env_check_database(path, "base", &info, &err), 0);
    assert_true(info.exists);
    assert_int_equal(info.schema_version, PW_SCHEMA_VERSION);
    assert_int_equal(info.scenarios, 2);
    assert_true(info.scenario_exists);
    assert_int_equal(pw_env_check_database(path, "o'brien", &info, &err), 0);
    assert_false(info.scenario_exists);

    /* another layout is refused as a run would */
    assert_int_equal(pw_db_open(&db, path, NULL, &err), 0);
    assert_int_equal(pw_db_exec(db, "UPDATE planwise_schema SET version = 1", &err), 0);
    pw_db_close(db);
    assert_int_equal(pw_env_check_database(path, "base", &info, &err), PW_EDB);
    assert_non_null(strstr(err.msg, "holds planwise output schema version 1"));

    /* a DuckDB file without planwise tables is fine */
    assert_int_equal(pw_db_open(&db, pw_test_path("empty.duckdb"), NULL, &err), 0);
    pw_db_close(db);
    assert_int_equal(pw_env_check_database(pw_test_path("empty.duckdb"), "base", &info, &err), 0);
    assert_true(info.exists);
    assert_int_equal(info.schema_version, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_config_every_problem),
        cmocka_unit_test(test_config_each_other_cases),
        cmocka_unit_test(test_log_hook),
        cmocka_unit_test(test_writable_dir),
        cmocka_unit_test(test_parquet),
        cmocka_unit_test(test_database),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
