/* test_atomic_dir.c: outputs that are whole or absent. A folder written with
 * pw_atomic_dir_* (and so `export --format csv|parquet`) appears whole or not at
 * all, replaces an earlier export only once the new one is complete, refuses a
 * folder that holds anything else, and leaves no temporary folder behind; a failed
 * Excel export leaves an earlier workbook of that name as it was. */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/atomic_file.h"
#include "io/db.h"
#include "io/export.h"
#include "report/export_xlsx.h"

static const char *const suffixes[] = {".csv", ".parquet", NULL};

/* A fresh scratch folder per test, removed (with one level of subfolders) after. */
static int setup(void **state)
{
    char *dir = malloc(64);
    snprintf(dir, 64, "/tmp/pw-atomic-dir.XXXXXX");
    if (!mkdtemp(dir)) return -1;
    *state = dir;
    return 0;
}

static void rm_tree(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d) return;
    struct dirent *de;
    char p[1024];
    while ((de = readdir(d)) != NULL) {
        if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, "..")) continue;
        snprintf(p, sizeof p, "%s/%s", dir, de->d_name);
        struct stat st;
        if (lstat(p, &st) == 0 && S_ISDIR(st.st_mode)) rm_tree(p);
        else unlink(p);
    }
    closedir(d);
    rmdir(dir);
}

static int teardown(void **state)
{
    rm_tree(*state);
    free(*state);
    return 0;
}

/* The sorted names in dir, joined with spaces ("" when empty, "-" when absent). */
static const char *listing(const char *dir)
{
    static char out[2048];
    struct dirent **names;
    int n = scandir(dir, &names, NULL, alphasort);
    if (n < 0) return "-";
    out[0] = '\0';
    for (int i = 0; i < n; i++) {
        if (strcmp(names[i]->d_name, ".") && strcmp(names[i]->d_name, "..")) {
            if (out[0]) strcat(out, " ");
            strcat(out, names[i]->d_name);
        }
        free(names[i]);
    }
    free(names);
    return out;
}

static void put(const char *dir, const char *name, const char *text)
{
    char p[1024];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    FILE *f = fopen(p, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static const char *get(const char *dir, const char *name)
{
    static char buf[256];
    char p[1024];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    FILE *f = fopen(p, "r");
    if (!f) return "-";
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

static void test_new_folder(void **state)
{
    const char *root = *state;
    char out[256];
    snprintf(out, sizeof out, "%s/out/", root);   /* a trailing slash is fine */
    struct pw_atomic_dir ad;
    struct pw_err err = {0};
    assert_int_equal(pw_atomic_dir_begin(&ad, out, suffixes, &err), 0);
    assert_non_null(strstr(listing(root), ".out.tmp"));
    assert_string_equal(listing(out), "-");
    put(ad.tmp, "a.csv", "new a");
    assert_int_equal(pw_atomic_dir_commit(&ad, &err), 0);
    assert_string_equal(listing(root), "out");
    assert_string_equal(listing(out), ".planwise-export a.csv");   /* the mark of an export */
    assert_string_equal(get(out, "a.csv"), "new a");
}

static void test_replace_earlier_export(void **state)
{
    const char *root = *state;
    char out[256];
    snprintf(out, sizeof out, "%s/out", root);
    mkdir(out, 0777);
    put(out, "a.csv", "old a");
    put(out, "old.parquet", "old b");
    struct pw_atomic_dir ad;
    struct pw_err err = {0};
    /* without the mark it is not known to be an export: refused, kept */
    assert_int_equal(pw_atomic_dir_begin(&ad, out, suffixes, &err), PW_EIO);
    assert_non_null(strstr(err.msg, "not an earlier planwise export"));
    put(out, ".planwise-export", "");
    assert_int_equal(pw_atomic_dir_begin(&ad, out, suffixes, &err), 0);
    put(ad.tmp, "a.csv", "new a");
    /* until the commit the earlier export is there, untouched */
    assert_string_equal(listing(out), ".planwise-export a.csv old.parquet");
    assert_string_equal(get(out, "a.csv"), "old a");
    assert_int_equal(pw_atomic_dir_commit(&ad, &err), 0);
    assert_string_equal(listing(root), "out");
    assert_string_equal(listing(out), ".planwise-export a.csv");
    assert_string_equal(get(out, "a.csv"), "new a");
}

static void test_abort_keeps_earlier(void **state)
{
    const char *root = *state;
    char out[256];
    snprintf(out, sizeof out, "%s/out", root);
    mkdir(out, 0777);
    put(out, "a.csv", "old a");
    put(out, ".planwise-export", "");
    struct pw_atomic_dir ad;
    struct pw_err err = {0};
    assert_int_equal(pw_atomic_dir_begin(&ad, out, suffixes, &err), 0);
    put(ad.tmp, "a.csv", "new a");
    put(ad.tmp, "b.csv", "half");
    pw_atomic_dir_abort(&ad);
    assert_string_equal(listing(root), "out");
    assert_string_equal(get(out, "a.csv"), "old a");
    /* and for a new folder: nothing at all */
    snprintf(out, sizeof out, "%s/new", root);
    assert_int_equal(pw_atomic_dir_begin(&ad, out, suffixes, &err), 0);
    put(ad.tmp, "a.csv", "half");
    pw_atomic_dir_abort(&ad);
    assert_string_equal(listing(root), "out");
}

static void test_refusals(void **state)
{
    const char *root = *state;
    char p[256], link[256];
    struct pw_atomic_dir ad;
    struct pw_err err = {0};
    /* a folder with other content */
    snprintf(p, sizeof p, "%s/mine", root);
    mkdir(p, 0777);
    put(p, "a.csv", "x");
    put(p, "notes.txt", "keep me");
    assert_int_equal(pw_atomic_dir_begin(&ad, p, suffixes, &err), PW_EIO);
    assert_non_null(strstr(err.msg, "holds 'notes.txt'"));
    assert_non_null(strstr(err.msg, p));
    /* a file, a symbolic link, "." */
    snprintf(p, sizeof p, "%s/file.csv", root);
    put(root, "file.csv", "x");
    assert_int_equal(pw_atomic_dir_begin(&ad, p, suffixes, &err), PW_EIO);
    assert_non_null(strstr(err.msg, "not a folder"));
    snprintf(p, sizeof p, "%s/mine", root);
    snprintf(link, sizeof link, "%s/link", root);
    assert_int_equal(symlink(p, link), 0);
    assert_int_equal(pw_atomic_dir_begin(&ad, link, suffixes, &err), PW_EIO);
    assert_non_null(strstr(err.msg, "symbolic link"));
    snprintf(p, sizeof p, "%s/.", root);
    assert_int_equal(pw_atomic_dir_begin(&ad, p, suffixes, &err), PW_EIO);
    /* nothing was created, nothing removed */
    assert_string_equal(listing(root), "file.csv link mine");
    snprintf(p, sizeof p, "%s/mine", root);
    assert_string_equal(listing(p), "a.csv notes.txt");
}

static struct pw_db *export_db(const char *extra)
{
    struct pw_db *db;
    struct pw_err err = {0};
    assert_int_equal(pw_db_open(&db, NULL, NULL, &err), 0);
    char sql[1024];
    snprintf(sql, sizeof sql,
             "CREATE TABLE aa AS SELECT 's' AS scenario_id, i FROM range(3) t(i);"
             "CREATE TABLE bb AS SELECT 's' AS scenario_id, 'x' AS v;%s",
             extra);
    assert_int_equal(pw_db_exec(db, sql, &err), 0);
    return db;
}

static void test_export_copy(void **state)
{
    const char *root = *state;
    char out[256];
    snprintf(out, sizeof out, "%s/exp", root);
    mkdir(out, 0777);
    put(out, "aa.csv", "old");
    put(out, "gone.csv", "old");
    put(out, ".planwise-export", "");
    struct pw_err err = {0};
    size_t n = 99;
    /* a table that fails after aa and bb were written: the earlier export stays */
    struct pw_db *db = export_db("CREATE VIEW zz AS SELECT 's' AS scenario_id, error('boom') AS x");
    assert_int_equal(pw_export_copy(db, "s", out, "csv", &n, &err), PW_EDB);
    assert_int_equal(n, 0);
    assert_non_null(strstr(err.msg, "cannot write '"));
    assert_non_null(strstr(err.msg, "/exp/zz.csv': "));
    assert_non_null(strstr(err.msg, "boom"));
    assert_null(strstr(err.msg, ".tmp"));
    assert_string_equal(listing(root), "exp");
    assert_string_equal(listing(out), ".planwise-export aa.csv gone.csv");
    assert_string_equal(get(out, "aa.csv"), "old");
    pw_db_close(db);
    /* without it the new export replaces the earlier one whole */
    db = export_db("");
    assert_int_equal(pw_export_copy(db, "s", out, "parquet", &n, &err), 0);
    assert_int_equal(n, 2);
    assert_string_equal(listing(root), "exp");
    assert_string_equal(listing(out), ".planwise-export aa.parquet bb.parquet");
    pw_db_close(db);
}

static void test_xlsx_failure_keeps_earlier(void **state)
{
    const char *root = *state;
    struct pw_db *db;
    struct pw_err err = {0};
    assert_int_equal(pw_db_open(&db, NULL, NULL, &err), 0);
    /* the compliance sheet fails while the workbook is being written */
    assert_int_equal(
        pw_db_exec(db,
                   "CREATE TABLE fct_workforce_snapshot AS SELECT 's' AS scenario_id, 2025 AS simulation_year,"
                   " 'E1' AS employee_id, 'active' AS employment_status, 1.0 AS prorated_annual_compensation,"
                   " 1.0 AS current_compensation, 0.0 AS prorated_annual_contributions, 0.0 AS employer_match_amount,"
                   " 0.0 AS employer_core_amount, 0.0 AS forfeiture_amount, 'eligible' AS current_eligibility_status,"
                   " 0.0 AS current_deferral_rate;"
                   "CREATE TABLE fct_yearly_events (scenario_id VARCHAR, simulation_year INTEGER, event_type VARCHAR);"
                   "CREATE VIEW fct_compliance_tests AS SELECT 's' AS scenario_id, error('boom') AS x",
                   &err),
        0);
    put(root, "w.xlsx", "old workbook");
    char path[256];
    snprintf(path, sizeof path, "%s/w.xlsx", root);
    size_t sheets = 99;
    assert_int_not_equal(pw_export_xlsx(db, "s", path, &sheets, &err), 0);
    assert_int_equal(sheets, 0);
    assert_non_null(strstr(err.msg, "boom"));
    assert_string_equal(listing(root), "w.xlsx");
    assert_string_equal(get(root, "w.xlsx"), "old workbook");
    /* with the sheet fixed the workbook replaces it */
    assert_int_equal(pw_db_exec(db, "CREATE OR REPLACE VIEW fct_compliance_tests AS SELECT 's' AS scenario_id, 1 AS x", &err),
                     0);
    assert_int_equal(pw_export_xlsx(db, "s", path, &sheets, &err), 0);
    assert_int_equal(sheets, 5);
    assert_string_equal(listing(root), "w.xlsx");
    assert_memory_equal(get(root, "w.xlsx"), "PK", 2);
    pw_db_close(db);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_new_folder, setup, teardown),
        cmocka_unit_test_setup_teardown(test_replace_earlier_export, setup, teardown),
        cmocka_unit_test_setup_teardown(test_abort_keeps_earlier, setup, teardown),
        cmocka_unit_test_setup_teardown(test_refusals, setup, teardown),
        cmocka_unit_test_setup_teardown(test_export_copy, setup, teardown),
        cmocka_unit_test_setup_teardown(test_xlsx_failure_keeps_earlier, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
