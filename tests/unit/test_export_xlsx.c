/* test_export_xlsx.c: the Excel row limit. A last-year snapshot one row too large for
 * a worksheet (1,048,576 rows including the header) must be refused with a message
 * naming the sheet and pointing to Parquet/CSV, and no workbook may be left behind;
 * one row fewer must be written. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "io/db.h"
#include "report/export_xlsx.h"

static void make_db(struct pw_db **db, long rows)
{
    struct pw_err err = {0};
    assert_int_equal(pw_db_open(db, NULL, NULL, &err), 0);
    char sql[1024];
    snprintf(sql, sizeof sql,
             "CREATE TABLE fct_workforce_snapshot AS SELECT 's' AS scenario_id, 2025 AS simulation_year,"
             " 'E' || i AS employee_id, 'active' AS employment_status, 1.0 AS prorated_annual_compensation,"
             " 1.0 AS current_compensation, 0.0 AS prorated_annual_contributions, 0.0 AS employer_match_amount,"
             " 0.0 AS employer_core_amount, 0.0 AS forfeiture_amount, 'eligible' AS current_eligibility_status,"
             " 0.0 AS current_deferral_rate FROM range(%ld) t(i);"
             "CREATE TABLE fct_yearly_events (scenario_id VARCHAR, simulation_year INTEGER, event_type VARCHAR)",
             rows);
    assert_int_equal(pw_db_exec(*db, sql, &err), 0);
}

static void test_row_limit_refused(void **state)
{
    (void)state;
    struct pw_db *db;
    make_db(&db, (long)PW_XLSX_MAX_ROWS);   /* plus the header: one row too many */
    char path[64];
    snprintf(path, sizeof path, "/tmp/pw-xlsx-limit-%ld.xlsx", (long)getpid());
    unlink(path);
    struct pw_err err = {0};
    size_t sheets = 99;
    assert_int_equal(pw_export_xlsx(db, "s", path, &sheets, &err), PW_ERANGE);
    assert_non_null(strstr(err.msg, "sheet 'snapshot_2025' would have 1048576 rows"));
    assert_non_null(strstr(err.msg, "1,048,576"));
    assert_non_null(strstr(err.msg, "--format parquet"));
    assert_int_equal(sheets, 0);
    assert_int_not_equal(access(path, F_OK), 0);
    pw_db_close(db);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_row_limit_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
