/* test_census_map.c: census value normalisation (US and European dates, currency
 * strings, percent rates) and column resolution (names, mappings, aliases and the
 * errors for ambiguous or doubly used columns). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "io/census_map.h"

static void check_norm(int col, const char *in, const char *want)
{
    char buf[64];
    snprintf(buf, sizeof buf, "%s", in);
    size_t len = pw_census_normalise(col, buf, strlen(buf));
    assert_string_equal(buf, want);
    assert_int_equal(len, strlen(want));
}

static void test_normalise(void **state)
{
    (void)state;
    check_norm(PW_CC_BIRTH_DATE, "03/15/1980", "1980-03-15");
    check_norm(PW_CC_HIRE_DATE, "1/2/2015", "2015-01-02");
    check_norm(PW_CC_HIRE_DATE, "21.07.1990", "1990-07-21");
    check_norm(PW_CC_TERMINATION_DATE, "2024/12/31", "2024-12-31");
    check_norm(PW_CC_HIRE_DATE, "2019-05-01 00:00:00", "2019-05-01");
    check_norm(PW_CC_HIRE_DATE, " 2019-05-01 ", "2019-05-01");
    check_norm(PW_CC_BIRTH_DATE, "15/15/15", "15/15/15"); /* not a date form: left for the row rules */
    check_norm(PW_CC_GROSS_COMPENSATION, "$85,000.00", "85000.00");
    check_norm(PW_CC_GROSS_COMPENSATION, "52 300", "52300");
    check_norm(PW_CC_DEFERRAL_RATE, "6%", "0.06");
    check_norm(PW_CC_DEFERRAL_RATE, "2.5%", "0.025");
    check_norm(PW_CC_DEFERRAL_RATE, "0.04", "0.04");
    check_norm(PW_CC_DEFERRAL_RATE, "x%", "x%");
    check_norm(PW_CC_EMPLOYEE_ID, "03/15/1980", "03/15/1980"); /* only dates are rewritten as dates */
}

static void test_resolve(void **state)
{
    (void)state;
    char *names[] = {"Emp ID", "DOB", "Date of Hire", "Annual_Salary", "Hours", "deferral_pct", "Extra"};
    int col[PW_CC_COUNT];
    enum pw_census_match how[PW_CC_COUNT];
    struct pw_err err = {0};
    assert_int_equal(pw_census_map_resolve(NULL, "c.csv", names, 7, col, how, &err), 0);
    assert_int_equal(col[PW_CC_EMPLOYEE_ID], 0);
    assert_int_equal(how[PW_CC_EMPLOYEE_ID], PW_MATCH_ALIAS);
    assert_int_equal(col[PW_CC_BIRTH_DATE], 1);
    assert_int_equal(col[PW_CC_HIRE_DATE], 2);
    assert_int_equal(col[PW_CC_GROSS_COMPENSATION], 3);
    assert_int_equal(col[PW_CC_HOURS], 4);
    assert_int_equal(col[PW_CC_DEFERRAL_RATE], 5);
    assert_int_equal(col[PW_CC_LEVEL_ID], -1);

    /* A mapping wins over an alias; a mapped column must exist. */
    struct pw_census_map m;
    pw_census_map_init(&m);
    snprintf(m.source, sizeof m.source, "map.yaml");
    m.column[PW_CC_EMPLOYEE_ID] = strdup("Extra");
    assert_int_equal(pw_census_map_resolve(&m, "c.csv", names, 7, col, how, &err), 0);
    assert_int_equal(col[PW_CC_EMPLOYEE_ID], 6);
    assert_int_equal(how[PW_CC_EMPLOYEE_ID], PW_MATCH_MAP);
    m.column[PW_CC_SSN] = strdup("Tax Number");
    assert_int_not_equal(pw_census_map_resolve(&m, "c.csv", names, 7, col, how, &err), 0);
    assert_non_null(strstr(err.msg, "column 'Tax Number' (for 'employee_ssn') is not in census 'c.csv'"));
    pw_census_map_release(&m);

    /* Two spellings of one column are ambiguous. */
    char *twice[] = {"Salary", "Compensation", "DOB", "DOH", "EmpID"};
    assert_int_not_equal(pw_census_map_resolve(NULL, "c.csv", twice, 5, col, how, &err), 0);
    assert_non_null(strstr(err.msg, "columns 'Salary' and 'Compensation' could both be 'employee_gross_compensation'"));

    /* One client column cannot feed two planwise columns. */
    pw_census_map_init(&m);
    m.column[PW_CC_HIRE_DATE] = strdup("DOB");
    m.column[PW_CC_BIRTH_DATE] = strdup("DOB");
    char *one[] = {"DOB", "EmpID", "Salary"};
    assert_int_not_equal(pw_census_map_resolve(&m, "c.csv", one, 3, col, how, &err), 0);
    assert_non_null(strstr(err.msg, "column 'DOB' is mapped to both"));
    pw_census_map_release(&m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_normalise),
        cmocka_unit_test(test_resolve),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
