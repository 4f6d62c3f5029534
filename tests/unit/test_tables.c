/* test_tables.c: the built-in assumption tables carry the MODEL 2.3 values,
 * override files replace whole tables, every load-time rule fails with a
 * message naming file, line and column, and the lookups behave as specified.
 * The bad inputs are tables of {file, content, expected message}, one table
 * per group of rules. */
#include <math.h>
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
#include "model/csv.h"
#include "model/tables.h"

#define assert_near(a, b) assert_true(fabs((double)(a) - (double)(b)) < 1e-9)

static struct pw_tables tables; /* large: keep it off the stack */

/* A fresh temporary directory per test, removed with its files afterwards. */
static char tmpdir[64];

static int setup_dir(void **state)
{
    (void)state;
    snprintf(tmpdir, sizeof tmpdir, "/tmp/pw_test_tables_XXXXXX");
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown_dir(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    return system(cmd) == 0 ? 0 : -1;
}

static void write_file(const char *name, const char *text)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void remove_file(const char *name)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    unlink(path);
}

/* A bad table file and a part of the message it must produce. */
struct bad_table {
    const char *file;   /* written into the assumptions directory */
    const char *text;   /* its content */
    const char *want;   /* expected in the error message */
};

/* Loads each case with tmpdir as the assumptions directory (one file at a time)
 * and expects PW_ETABLE with a message containing want. */
static void expect_errors(const struct bad_table *cases, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const struct bad_table *c = &cases[i];
        struct pw_err err = {0};
        write_file(c->file, c->text);
        int rc = pw_tables_load(&tables, tmpdir, &err);
        if (rc == 0 || !strstr(err.msg, c->want)) {
            print_error("case %zu, %s: expected an error containing \"%s\", got rc %d \"%s\"\n", i, c->file, c->want,
                        rc, err.msg);
            fail();
        }
        assert_int_equal(rc, PW_ETABLE);
        remove_file(c->file);
    }
}
#define EXPECT_ERRORS(cases) expect_errors(cases, sizeof(cases) / sizeof((cases)[0]))

/* Headers and shared rows of the bad-input tables. */
#define BANDS_HDR "band_id,band_label,min_value,max_value\n"
#define LEVELS_HDR "level_id,level_name,min_compensation,max_compensation\n"
#define HAZARD_SCALARS                                                                               \
    "component,band_label,value\nbase_rate,,0.42\nlevel_discount_factor,,0.1\n"                        \
    "min_level_discount_multiplier,,0.4\n"
#define HAZARD_AGES                                                                                  \
    "age_multiplier,< 25,0.7\nage_multiplier,25-34,1.3\nage_multiplier,35-44,1.0\n"                    \
    "age_multiplier,45-54,1.6\nage_multiplier,55-64,1.0\nage_multiplier,65+,1.2\n"
#define HAZARD_TENURES                                                                               \
    "tenure_multiplier,< 2,1.8\ntenure_multiplier,2-4,0.6\ntenure_multiplier,5-9,0.5\n"                \
    "tenure_multiplier,10-19,0.4\n"
#define IRS_HDR                                                                                      \
    "year,deferral_limit,catch_up_total_limit,super_catch_up_total_limit,compensation_limit,hce_threshold," \
    "annual_additions_limit,ss_wage_base,catch_up_age,super_catch_up_min_age,super_catch_up_max_age,estimated\n"
#define IRS_2025 "2025,23500,31000,34750,350000,160000,70000,176100,50,60,63,false\n"
/* Months 1-11 at 0.09 each: month 12 is missing. */
#define RAISE_1_TO_11                                                                                \
    "month,weight\n1,0.09\n2,0.09\n3,0.09\n4,0.09\n5,0.09\n6,0.09\n7,0.09\n8,0.09\n9,0.09\n10,0.09\n"   \
    "11,0.09\n"
#define GROUPS_HDR "dimension,group_name,min_value,max_value\n"
#define GROUPS_NOT_AGE                                                                               \
    "income,low,0,50000\nincome,moderate,50000,100000\nincome,high,100000,200000\nincome,executive,200000,\n" \
    "job_level,individual,1,3\njob_level,senior,3,5\njob_level,manager,5,7\njob_level,executive,7,\n"       \
    "tenure,new_employee,0,2\ntenure,established,2,5\ntenure,veteran,5,\n"
#define RATES_HDR "component,group_name,value\n"
#define VESTING_HDR "schedule,years_of_service,vested_pct\n"

static void test_defaults(void **state)
{
    (void)state;
    struct pw_err err = {0};
    assert_int_equal(pw_tables_load(&tables, "", &err), 0);
    const struct pw_tables *t = &tables;

    assert_int_equal(t->age_bands.count, 6);
    assert_string_equal(t->age_bands.label[0], "< 25");
    assert_near(t->age_bands.max[5], PW_NO_MAX);
    assert_int_equal(t->tenure_bands.count, 5);
    assert_string_equal(t->tenure_bands.label[4], "20+");

    assert_int_equal(t->levels.count, 5);
    assert_near(t->levels.max_comp[1], 80000);
    assert_near(t->levels.min_comp[5], 275000);
    assert_string_equal(t->levels.name[4], "Director");

    assert_near(t->termination.base_rate, 0.42);
    assert_near(t->termination.level_factor, 0.1);
    assert_near(t->termination.min_level_multiplier, 0.4);
    assert_near(t->termination.age_mult[0], 0.7);
    assert_near(t->termination.tenure_mult[0], 1.8);
    /* MODEL 4.4 example: level 1, age < 25, tenure < 2 -> 0.5292. */
    assert_near(t->termination.base_rate * t->termination.age_mult[0] * t->termination.tenure_mult[0], 0.5292);
    assert_near(t->promotion.base_rate, 0.04);
    assert_near(t->promotion.level_factor, 0.15);
    /* MODEL 4.7 example: level 1, tenure 2-4, age 25-34 -> 0.084. */
    assert_near(t->promotion.base_rate * t->promotion.tenure_mult[1] * t->promotion.age_mult[1], 0.084);

    /* MODEL 4.8: merit normalised by the mean of merit_base gives 0.027222 .. 0.042778. */
    double mean = 0;
    for (int l = 1; l <= 5; l++) mean += t->merit_base[l] / 5;
    assert_true(fabs(t->merit_base[1] * 0.035 / mean - 0.027222) < 1e-6);
    assert_true(fabs(t->merit_base[5] * 0.035 / mean - 0.042778) < 1e-6);
    assert_near(t->cola_rate[3], 0.02);

    assert_int_equal(t->irs_count, 12);
    assert_int_equal(t->irs[0].year, 2024);
    const struct pw_irs_year *y = pw_tables_irs(t, 2025);
    assert_int_equal(y->year, 2025);
    assert_near(y->deferral_limit, 23500);
    assert_near(y->catch_up_total_limit, 31000);
    assert_near(y->super_catch_up_total_limit, 34750);
    assert_near(y->compensation_limit, 350000);
    assert_int_equal(y->super_catch_up_max_age, 63);
    assert_false(y->estimated);
    assert_true(pw_tables_irs(t, 2027)->estimated);

    assert_int_equal(t->new_hire_age_count, 8);
    double sum = 0;
    for (int i = 0; i < t->new_hire_age_count; i++) {
        sum += t->new_hire_age_weight[i];
        if (i) assert_true(t->new_hire_age[i] > t->new_hire_age[i - 1]);
    }
    assert_near(sum, 1);
    assert_int_equal(t->new_hire_age[0], 22);
    assert_near(t->new_hire_age_weight[3], 0.25);
    sum = 0;
    for (int m = 1; m <= 12; m++) sum += t->raise_month_weight[m];
    assert_near(sum, 1);
    /* The specification's own table sums to 1.07; it is normalised (see tables.c). */
    assert_near(t->raise_month_weight[7], 0.23 / 1.07);

    assert_int_equal(t->groups[PW_DIM_AGE].count, 4);
    assert_string_equal(t->groups[PW_DIM_INCOME].name[0], "low");
    assert_near(t->groups[PW_DIM_JOB_LEVEL].min[0], 1);
    assert_near(t->opt_out_rate_by_age[0], 0.10);
    assert_near(t->opt_out_income_mult[3], 0.50);
    assert_near(t->proactive_prob_by_age[3], 0.75);
    assert_near(t->voluntary_base_by_age[1], 0.55);
    assert_near(t->voluntary_level_mult[2], 1.10);
    assert_near(t->voluntary_deferral[3][3], 0.15);
    assert_near(t->voluntary_deferral[0][1], 0.03);
    assert_near(t->yoy_tenure_mult[2], 1.1);
    assert_near(t->yoy_deferral_by_age[2], 0.05);

    assert_int_equal(t->schedule_count, 9);
    const struct pw_vesting_schedule *g6 = pw_tables_schedule(t, "graded_6");
    assert_non_null(g6);
    assert_int_equal(g6->years, 6);
    assert_near(g6->pct[3], 0.40);
    assert_int_equal(pw_tables_schedule(t, "immediate")->years, 0);
    assert_int_equal(pw_tables_schedule(t, "cliff_2")->years, 2);
    assert_null(pw_tables_schedule(t, "graded_7"));

    for (int i = 0; i < PW_TABLE_COUNT; i++) assert_string_equal(t->source[i], "built-in");
    assert_int_equal(pw_table_id("job_levels"), PW_TABLE_JOB_LEVELS);
    assert_int_equal(pw_table_id("vesting_schedules.csv"), PW_TABLE_VESTING_SCHEDULES);
    assert_int_equal(pw_table_id("job_level"), -1);
}

static void test_lookups(void **state)
{
    (void)state;
    struct pw_err err = {0};
    assert_int_equal(pw_tables_load(&tables, NULL, &err), 0);
    const struct pw_tables *t = &tables;
    assert_int_equal(pw_band_index(&t->age_bands, -1), 0);
    assert_int_equal(pw_band_index(&t->age_bands, 24), 0);
    assert_int_equal(pw_band_index(&t->age_bands, 25), 1);
    assert_int_equal(pw_band_index(&t->age_bands, 64), 4);
    assert_int_equal(pw_band_index(&t->age_bands, 65), 5);
    assert_int_equal(pw_band_index(&t->age_bands, 120), 5);
    assert_int_equal(pw_band_index(&t->tenure_bands, 1), 0);
    assert_int_equal(pw_band_index(&t->tenure_bands, 4), 1);
    assert_int_equal(pw_band_index(&t->tenure_bands, 20), 4);

    assert_int_equal(pw_group_index(&t->groups[PW_DIM_AGE], 30), 0);
    assert_int_equal(pw_group_index(&t->groups[PW_DIM_AGE], 31), 1);
    assert_int_equal(pw_group_index(&t->groups[PW_DIM_AGE], 56), 3);
    assert_int_equal(pw_group_index(&t->groups[PW_DIM_INCOME], 49999.99), 0);
    assert_int_equal(pw_group_index(&t->groups[PW_DIM_INCOME], 50000), 1);
    assert_int_equal(pw_group_index(&t->groups[PW_DIM_INCOME], 1e9), 3);
    assert_int_equal(pw_group_index(&t->groups[PW_DIM_JOB_LEVEL], 2), 0);
    assert_int_equal(pw_group_index(&t->groups[PW_DIM_JOB_LEVEL], 3), 1);
    assert_int_equal(pw_group_index(&t->groups[PW_DIM_JOB_LEVEL], 7), 3);
    assert_int_equal(pw_group_index(&t->groups[PW_DIM_TENURE], 4), 1);
    assert_int_equal(pw_group_index(&t->groups[PW_DIM_TENURE], 5), 2);

    /* MODEL 2.1: smallest level whose max exceeds the pay; gaps go up; above the top -> top. */
    assert_int_equal(pw_level_from_compensation(&t->levels, 10), 1);
    assert_int_equal(pw_level_from_compensation(&t->levels, 79999.99), 1);
    assert_int_equal(pw_level_from_compensation(&t->levels, 80000), 2);
    assert_int_equal(pw_level_from_compensation(&t->levels, 80500), 2);
    assert_int_equal(pw_level_from_compensation(&t->levels, 120500), 3);
    assert_int_equal(pw_level_from_compensation(&t->levels, 290000), 4);
    assert_int_equal(pw_level_from_compensation(&t->levels, 300000), 5);
    assert_int_equal(pw_level_from_compensation(&t->levels, 5e6), 5);

    /* Years outside the table use the nearest year and warn once per year. */
    pw_log_set_verbosity(PW_QUIET);
    unsigned long w0 = pw_log_warning_count();
    assert_int_equal(pw_tables_irs(t, 2040)->year, 2035);
    assert_int_equal(pw_log_warning_count(), w0 + 1);
    assert_int_equal(pw_tables_irs(t, 2040)->year, 2035);
    assert_int_equal(pw_tables_irs(t, 2035)->year, 2035);
    assert_int_equal(pw_log_warning_count(), w0 + 1);
    assert_int_equal(pw_tables_irs(t, 2000)->year, 2024);
    assert_int_equal(pw_log_warning_count(), w0 + 2);
    pw_log_set_verbosity(PW_NORMAL);
}

static void test_override_directory(void **state)
{
    (void)state;
    struct pw_err err = {0};
    /* BOM, CRLF, quoted fields and a trailing blank line are all accepted. */
    write_file("irs_limits.csv",
               "\xEF\xBB\xBFyear,deferral_limit,catch_up_total_limit,super_catch_up_total_limit,compensation_limit,"
               "hce_threshold,annual_additions_limit,ss_wage_base,catch_up_age,super_catch_up_min_age,"
               "super_catch_up_max_age,estimated\r\n"
               "2030,\"30000\",37500,41250,400000,200000,80000,200000,50,60,63,\"TRUE\"\r\n"
               "2031,31000,38500,42250,410000,205000,81000,205000,50,60,63,no\r\n\r\n");
    write_file("notes.csv", "x\n1\n");
    pw_log_set_verbosity(PW_QUIET);
    unsigned long w0 = pw_log_warning_count();
    assert_int_equal(pw_tables_load(&tables, tmpdir, &err), 0);
    assert_int_equal(pw_log_warning_count(), w0 + 1); /* notes.csv is not a table name */
    pw_log_set_verbosity(PW_NORMAL);
    assert_int_equal(tables.irs_count, 2);
    assert_near(tables.irs[0].deferral_limit, 30000);
    assert_true(tables.irs[0].estimated);
    assert_false(tables.irs[1].estimated);
    assert_non_null(strstr(tables.source[PW_TABLE_IRS_LIMITS], "irs_limits.csv"));
    assert_string_equal(tables.source[PW_TABLE_JOB_LEVELS], "built-in");
    assert_int_equal(tables.levels.count, 5);

    /* An explicit file wins over the directory; a quoted label with a comma works. */
    char path[256];
    snprintf(path, sizeof path, "%s/other_levels.csv", tmpdir);
    write_file("other_levels.csv", "level_name,level_id,min_compensation,max_compensation\n"
                                   "\"Staff, junior\",1,30000,60000\n"
                                   "Lead,2,60000,90000\n");
    write_file("job_levels.csv", "level_id,level_name,min_compensation,max_compensation\n1,A,1,2\n");
    write_file("merit_cola_by_level.csv", "level_id,merit_base,cola_rate\n1,0.03,0.02\n2,0.04,0.02\n");
    const char *files[PW_TABLE_COUNT] = {0};
    files[PW_TABLE_JOB_LEVELS] = path;
    pw_log_set_verbosity(PW_QUIET);
    assert_int_equal(pw_tables_load_with(&tables, tmpdir, files, &err), 0);
    pw_log_set_verbosity(PW_NORMAL);
    assert_int_equal(tables.levels.count, 2);
    assert_string_equal(tables.levels.name[1], "Staff, junior");
    assert_string_equal(tables.source[PW_TABLE_JOB_LEVELS], path);
    assert_near(tables.merit_base[2], 0.04);

    /* Cross-table rule: the built-in merit table has no row for a sixth level. */
    remove_file("merit_cola_by_level.csv");
    write_file("job_levels.csv", "level_id,level_name,min_compensation,max_compensation\n"
                                 "1,a,1,2\n2,b,2,3\n3,c,3,4\n4,d,4,5\n5,e,5,6\n6,f,6,7\n");
    assert_int_equal(pw_tables_load(&tables, tmpdir, &err), PW_ETABLE);
    assert_string_equal(err.msg, "'built-in merit_cola_by_level.csv': no row for level 6 (one row per level of job_levels)");
    remove_file("job_levels.csv");
    remove_file("other_levels.csv");
    remove_file("irs_limits.csv");
    remove_file("notes.csv");

    /* Missing directory or explicit file are I/O errors naming the path. */
    assert_int_equal(pw_tables_load(&tables, "/nonexistent/pw_tables", &err), PW_EIO);
    assert_non_null(strstr(err.msg, "'/nonexistent/pw_tables'"));
    files[PW_TABLE_JOB_LEVELS] = "/nonexistent/levels.csv";
    assert_int_equal(pw_tables_load_with(&tables, "", files, &err), PW_EIO);
    assert_string_equal(err.msg, "cannot open '/nonexistent/levels.csv': No such file or directory");
}

static void test_csv_errors(void **state)
{
    (void)state;
    static const struct bad_table cases[] = {
        {"age_bands.csv", "", "age_bands.csv' is empty: expected a header row"},
        {"age_bands.csv", BANDS_HDR, "age_bands.csv' has no data rows"},
        {"age_bands.csv", "band_id,band_label,min_value\n1,a,0\n",
         "age_bands.csv' line 1: missing column 'max_value' (expected header: band_id,band_label,min_value,max_value)"},
        {"age_bands.csv", "band_id,band_label,min_value,max_value,extra\n1,a,0,,\n",
         "age_bands.csv' line 1: unknown column 'extra'"},
        {"age_bands.csv", "band_id,band_label,band_label,max_value\n", "line 1: duplicate column 'band_label'"},
        {"age_bands.csv", BANDS_HDR "1,a,0,25\n2,b,25\n", "age_bands.csv' line 3: expected 4 fields as in the header, found 3"},
        {"age_bands.csv", BANDS_HDR "1,\"a,0,\n",
         "line 2, column 'band_label': quoted field is not closed before the end of the file"},
        {"age_bands.csv", BANDS_HDR "1,a\"b,0,\n", "line 2, column 'band_label': quote inside an unquoted field"},
        {"age_bands.csv", BANDS_HDR "1,\"a\"b,0,\n",
         "line 2, column 'band_label': unexpected character 'b' after a closing quote"},
        /* A quoted value spanning lines: the next record's line number still counts physical lines. */
        {"age_bands.csv", BANDS_HDR "1,\"a\nb\",0,25\n2,c,25,x\n", "line 4, column 'max_value': 'x' is not a number"},
    };
    EXPECT_ERRORS(cases);
}

static void test_band_rules(void **state)
{
    (void)state;
    static const struct bad_table cases[] = {
        {"age_bands.csv", BANDS_HDR "1,a,5,25\n2,b,25,\n",
         "age_bands.csv' line 2, column 'min_value': the first band must start at 0 (5)"},
        {"age_bands.csv", BANDS_HDR "1,a,0,25\n2,b,26,\n",
         "line 3, column 'min_value': must equal the previous band's max_value (26 != 25): bands must be contiguous"},
        {"tenure_bands.csv", BANDS_HDR "1,a,0,25\n2,b,25,30\n",
         "tenure_bands.csv' line 3, column 'max_value': the last band must be open-ended (empty max_value)"},
        {"age_bands.csv", BANDS_HDR "1,a,0,25\n2,a,25,\n", "line 3, column 'band_label': duplicate band label 'a'"},
        {"age_bands.csv", BANDS_HDR "1,a,0,0\n2,b,0,\n", "line 2, column 'max_value': must be greater than min_value (0 <= 0)"},
        {"age_bands.csv", BANDS_HDR "1,a,0,\n2,b,25,\n", "line 3: band follows the open-ended band of line 2"},
        {"age_bands.csv", BANDS_HDR "x,a,0,\n", "line 2, column 'band_id': 'x' is not a whole number"},
        {"age_bands.csv", BANDS_HDR "1,,0,\n", "line 2, column 'band_label': is empty"},
        {"age_bands.csv", BANDS_HDR "1,a,-1,\n", "line 2, column 'min_value': must not be negative (-1)"},
    };
    EXPECT_ERRORS(cases);
}

static void test_level_and_hazard_rules(void **state)
{
    (void)state;
    static const struct bad_table cases[] = {
        {"job_levels.csv", LEVELS_HDR "1,Staff,56000,80000\n2,Manager,81000,120000\n3,Bad,81000,80000\n",
         "job_levels.csv' line 4, column 'max_compensation': must be greater than min_compensation (80000 <= 81000)"},
        {"job_levels.csv", LEVELS_HDR "1,a,1,2\n2,b,2,3\n4,d,4,5\n",
         "job_levels.csv': level ids must run 1..4 without gaps: level 3 is missing"},
        {"job_levels.csv", LEVELS_HDR "1,a,1,2\n1,b,2,3\n", "line 3, column 'level_id': level 1 is already defined on line 2"},
        {"job_levels.csv", LEVELS_HDR "17,a,1,2\n", "line 2, column 'level_id': must be between 1 and 16 (17)"},
        {"job_levels.csv", LEVELS_HDR "1,a,1,abc\n", "line 2, column 'max_compensation': 'abc' is not a number"},

        {"termination_hazard.csv", HAZARD_SCALARS HAZARD_AGES HAZARD_TENURES,
         "termination_hazard.csv': no tenure_multiplier row for tenure band '20+'"},
        {"termination_hazard.csv",
         HAZARD_SCALARS HAZARD_AGES HAZARD_TENURES "tenure_multiplier,20+,0.3\ntenure_multiplier,30+,0.3\n",
         "line 16, column 'band_label': '30+' is not one of the tenure band labels ('< 2', '2-4', '5-9', '10-19', '20+')"},
        {"termination_hazard.csv", HAZARD_SCALARS HAZARD_AGES HAZARD_TENURES "tenure_multiplier,20+,-0.3\n",
         "line 15, column 'value': must not be negative (-0.3)"},
        {"termination_hazard.csv",
         HAZARD_SCALARS HAZARD_AGES HAZARD_TENURES "tenure_multiplier,20+,0.3\ntenure_multiplier,2-4,1\n",
         "line 16, column 'band_label': band '2-4' already has a tenure_multiplier on line 12"},
        {"termination_hazard.csv", "component,band_label,value\nbase_rate,,0\n",
         "line 2, column 'value': base_rate must be greater than 0 (0)"},
        {"promotion_hazard.csv", "component,band_label,value\nbase_rate,x,0.2\n",
         "line 2, column 'band_label': must be empty for component 'base_rate'"},
        {"promotion_hazard.csv", "component,band_label,value\nlevel_discount_factor,,0.2\n",
         "line 2, column 'component': unknown component 'level_discount_factor'"},
        {"promotion_hazard.csv", "component,band_label,value\nbase_rate,,0.04\n" HAZARD_AGES,
         "promotion_hazard.csv': missing row for component 'level_dampener_factor'"},

        {"merit_cola_by_level.csv", "level_id,merit_base,cola_rate\n1,0.6,0.02\n",
         "merit_cola_by_level.csv' line 2, column 'merit_base': must be between 0 and 0.5 (0.6)"},
        {"merit_cola_by_level.csv", "level_id,merit_base,cola_rate\n1,0.03,0.02\n6,0.03,0.02\n",
         "line 3, column 'level_id': must be between 1 and 5 (6)"},
        {"merit_cola_by_level.csv", "level_id,merit_base,cola_rate\n1,0.03,0.02\n",
         "merit_cola_by_level.csv': no row for level 2"},
    };
    EXPECT_ERRORS(cases);
}

static void test_irs_age_timing_rules(void **state)
{
    (void)state;
    static const struct bad_table cases[] = {
        {"irs_limits.csv", IRS_HDR IRS_2025 "2027,23500,31000,34750,350000,160000,70000,176100,50,60,63,false\n",
         "irs_limits.csv' line 3, column 'year': years must be consecutive and ascending: expected 2026 after 2025, found 2027"},
        {"irs_limits.csv", IRS_HDR "2025,23500,31000,34750,0,160000,70000,176100,50,60,63,false\n",
         "line 2, column 'compensation_limit': must be greater than 0 (0)"},
        {"irs_limits.csv", IRS_HDR "2025,23500,7500,34750,350000,160000,70000,176100,50,60,63,false\n",
         "line 2, column 'catch_up_total_limit': must be at least deferral_limit (7500 < 23500)"},
        {"irs_limits.csv", IRS_HDR "2025,23500,31000,34750,350000,160000,70000,176100,50,60,63,maybe\n",
         "line 2, column 'estimated': 'maybe' is not a boolean"},
        {"irs_limits.csv", IRS_HDR "2025,23500,31000,34750,350000,160000,70000,176100,50,64,63,false\n",
         "line 2, column 'super_catch_up_max_age': must be at least super_catch_up_min_age (63 < 64)"},

        {"new_hire_age_distribution.csv", "age,weight\n13,1\n",
         "new_hire_age_distribution.csv' line 2, column 'age': must be between 14 and 80 (13)"},
        {"new_hire_age_distribution.csv", "age,weight\n25,1\n30,1\n25,2\n",
         "line 4, column 'age': age 25 is already listed on line 2"},
        {"new_hire_age_distribution.csv", "age,weight\n25,1\n30,-1\n", "line 3, column 'weight': must not be negative (-1)"},
        {"new_hire_age_distribution.csv", "age,weight\n25,0\n30,0\n", "weights must sum to more than 0"},

        {"raise_timing_distribution.csv", RAISE_1_TO_11,
         "raise_timing_distribution.csv': month 12 is missing (months 1-12 once each)"},
        {"raise_timing_distribution.csv", "month,weight\n1,0\n2,0\n3,0\n4,0\n5,0\n6,0\n7,0\n8,0\n9,0\n10,0\n11,0\n12,0\n",
         "raise_timing_distribution.csv': weights sum to 0, expected a positive total"},
        {"raise_timing_distribution.csv", RAISE_1_TO_11 "11,0.01\n",
         "line 13, column 'month': month 11 is already listed on line 12"},
        {"raise_timing_distribution.csv", "month,weight\n13,1\n", "line 2, column 'month': must be between 1 and 12 (13)"},
    };
    EXPECT_ERRORS(cases);

    /* Unsorted ages are sorted and weights normalised. */
    struct pw_err err = {0};
    write_file("new_hire_age_distribution.csv", "age,weight\n40,1\n20,3\n");
    assert_int_equal(pw_tables_load(&tables, tmpdir, &err), 0);
    assert_int_equal(tables.new_hire_age_count, 2);
    assert_int_equal(tables.new_hire_age[0], 20);
    assert_near(tables.new_hire_age_weight[0], 0.75);
    assert_near(tables.new_hire_age_weight[1], 0.25);
    remove_file("new_hire_age_distribution.csv");

    /* A total other than 1 is normalised with a warning; a zero total is an error (above). */
    write_file("raise_timing_distribution.csv", RAISE_1_TO_11 "12,0.0\n");
    pw_log_set_verbosity(PW_QUIET);
    unsigned long w0 = pw_log_warning_count();
    assert_int_equal(pw_tables_load(&tables, tmpdir, &err), 0);
    assert_int_equal(pw_log_warning_count(), w0 + 1);
    assert_near(tables.raise_month_weight[1], 0.09 / 0.99);
    write_file("raise_timing_distribution.csv", RAISE_1_TO_11 "12,0.01\n");
    assert_int_equal(pw_tables_load(&tables, tmpdir, &err), 0);
    assert_int_equal(pw_log_warning_count(), w0 + 1);
    pw_log_set_verbosity(PW_NORMAL);
    remove_file("raise_timing_distribution.csv");
}

static void test_enrollment_rules(void **state)
{
    (void)state;
    static const struct bad_table cases[] = {
        {"enrollment_groups.csv", GROUPS_HDR "age,young,0,31\nage,mid_career,32,46\n",
         "enrollment_groups.csv' line 3, column 'min_value': must equal the previous age group's max_value (32 != 31)"},
        {"enrollment_groups.csv", GROUPS_HDR "age,young,0,31\nage,mid_career,31,46\n" GROUPS_NOT_AGE,
         "enrollment_groups.csv': the last age group ('mid_career') must be open-ended"},
        {"enrollment_groups.csv", GROUPS_HDR GROUPS_NOT_AGE, "enrollment_groups.csv': no groups for dimension 'age'"},
        {"enrollment_groups.csv", GROUPS_HDR "region,north,0,\n", "line 2, column 'dimension': unknown dimension 'region'"},
        {"enrollment_groups.csv", GROUPS_HDR "age,young,0,\nage,old,50,\n",
         "line 3: age group follows the open-ended group of line 2"},
        /* Three age groups: every age-keyed built-in rate table now has a row too many. */
        {"enrollment_groups.csv", GROUPS_HDR "age,young,0,31\nage,mid_career,31,46\nage,older,46,\n" GROUPS_NOT_AGE,
         "built-in enrollment_opt_out_rates.csv' line 4, column 'group_name': 'mature' is not one of the age groups of "
         "enrollment_groups ('young', 'mid_career', 'older')"},

        {"enrollment_opt_out_rates.csv", RATES_HDR "rate_by_age,young,0.1\nrate_by_age,mid_career,0.07\nrate_by_age,mature,0.05\n",
         "enrollment_opt_out_rates.csv': component 'rate_by_age' has no row for age group 'senior'"},
        {"enrollment_opt_out_rates.csv", RATES_HDR "rate_by_age,young,1.5\n", "line 2, column 'value': must be between 0 and 1 (1.5)"},
        {"enrollment_opt_out_rates.csv", RATES_HDR "income_multiplier,low_income,1.2\n",
         "line 2, column 'group_name': 'low_income' is not one of the income groups of enrollment_groups ('low', "
         "'moderate', 'high', 'executive')"},
        {"enrollment_opt_out_rates.csv", RATES_HDR "rate_by_age,young,0.1\nrate_by_age,young,0.2\n",
         "line 3, column 'group_name': rate_by_age of group 'young' is already given on line 2"},
        {"enrollment_voluntary_rates.csv", RATES_HDR "base_rate,young,0.1\n",
         "line 2, column 'component': unknown component 'base_rate' (expected base_rate_by_age, income_multiplier, "
         "job_level_multiplier)"},
        {"enrollment_yoy_rates.csv", RATES_HDR "income_multiplier,low,11\n", "line 2, column 'value': must be between 0 and 10 (11)"},
        {"enrollment_yoy_rates.csv", "component,group_name,value\nbase_rate_by_age,young,0.1\n",
         "enrollment_yoy_rates.csv': component 'base_rate_by_age' has no row for age group 'mid_career'"},
        {"enrollment_proactive_rates.csv", "age_group,probability\nyoung,0.25\nmid_career,0.45\nmature,0.65\n",
         "enrollment_proactive_rates.csv': no row for age group 'senior'"},
        {"enrollment_voluntary_deferral_rates.csv", "age_group,income_group,deferral_rate\nyoung,low,0.03\n",
         "enrollment_voluntary_deferral_rates.csv': no row for age group 'young' and income group 'moderate'"},
        {"enrollment_voluntary_deferral_rates.csv", "age_group,income_group,deferral_rate\nyoung,low,0.03\nyoung,low,0.04\n",
         "line 3, column 'income_group': pair ('young', 'low') is already given on line 2"},
    };
    EXPECT_ERRORS(cases);
}

static void test_vesting_rules(void **state)
{
    (void)state;
    static const struct bad_table cases[] = {
        {"vesting_schedules.csv", VESTING_HDR "a,0,0\na,2,1\n",
         "vesting_schedules.csv' line 3, column 'years_of_service': expected 1 for schedule 'a' (years must run 0, 1, "
         "2, ... without gaps), found 2"},
        {"vesting_schedules.csv", VESTING_HDR "a,1,1\n", "line 2, column 'years_of_service': expected 0 for schedule 'a'"},
        {"vesting_schedules.csv", VESTING_HDR "a,0,0.5\na,1,0.4\na,2,1\n",
         "line 3, column 'vested_pct': must not decrease from the previous year of schedule 'a' (0.4 < 0.5)"},
        {"vesting_schedules.csv", VESTING_HDR "a,0,0\nb,0,1\na,1,0.8\n",
         "vesting_schedules.csv' line 4, column 'vested_pct': schedule 'a' must end at 1 (its last row has 0.8)"},
        {"vesting_schedules.csv", VESTING_HDR "a,0,1.5\n", "line 2, column 'vested_pct': must be between 0 and 1 (1.5)"},
    };
    EXPECT_ERRORS(cases);

    struct pw_err err = {0};
    write_file("vesting_schedules.csv", VESTING_HDR "custom,0,0\ncustom,1,0.5\ncustom,2,1\n");
    assert_int_equal(pw_tables_load(&tables, tmpdir, &err), 0);
    assert_int_equal(tables.schedule_count, 1);
    assert_int_equal(pw_tables_schedule(&tables, "custom")->years, 2);
    assert_null(pw_tables_schedule(&tables, "graded_6"));
    remove_file("vesting_schedules.csv");
}

static void test_csv_parsers(void **state)
{
    (void)state;
    double v;
    bool b;
    assert_true(pw_csv_parse_number(" 1.5e3 ", 7, &v));
    assert_near(v, 1500);
    assert_true(pw_csv_parse_number("-.5", 3, &v));
    assert_near(v, -0.5);
    assert_false(pw_csv_parse_number("inf", 3, &v));
    assert_false(pw_csv_parse_number("nan", 3, &v));
    assert_false(pw_csv_parse_number("0x10", 4, &v));
    assert_false(pw_csv_parse_number("1e999", 5, &v));
    assert_false(pw_csv_parse_number("1,000", 5, &v));
    assert_false(pw_csv_parse_number(".", 1, &v));
    assert_false(pw_csv_parse_number("1e", 2, &v));
    assert_false(pw_csv_parse_number("", 0, &v));
    assert_true(pw_csv_parse_bool("YES", 3, &b) && b);
    assert_true(pw_csv_parse_bool(" F ", 3, &b) && !b);
    assert_false(pw_csv_parse_bool("y", 1, &b));

    struct pw_csv c;
    struct pw_err err = {0};
    const char *text = "a,b\r\n\"x \"\"q\"\"\",\r\n\r\n,\"\"\n";
    assert_int_equal(pw_csv_open_text(&c, "t.csv", text, strlen(text), &err), 0);
    assert_int_equal(pw_csv_read_header(&c, &err), 0);
    assert_int_equal(pw_csv_next(&c, &err), 1);
    assert_string_equal(pw_csv_field(&c, 0, NULL), "x \"q\"");
    assert_string_equal(pw_csv_field(&c, 1, NULL), "");
    assert_int_equal(c.line, 2);
    assert_int_equal(pw_csv_next(&c, &err), 1);
    assert_int_equal(c.line, 4);
    assert_int_equal(pw_csv_next(&c, &err), 0);
    pw_csv_close(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_lookups),
        cmocka_unit_test_setup_teardown(test_override_directory, setup_dir, teardown_dir),
        cmocka_unit_test_setup_teardown(test_csv_errors, setup_dir, teardown_dir),
        cmocka_unit_test_setup_teardown(test_band_rules, setup_dir, teardown_dir),
        cmocka_unit_test_setup_teardown(test_level_and_hazard_rules, setup_dir, teardown_dir),
        cmocka_unit_test_setup_teardown(test_irs_age_timing_rules, setup_dir, teardown_dir),
        cmocka_unit_test_setup_teardown(test_enrollment_rules, setup_dir, teardown_dir),
        cmocka_unit_test_setup_teardown(test_vesting_rules, setup_dir, teardown_dir),
        cmocka_unit_test(test_csv_parsers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
