/* test_census_reader.c: reading census files through DuckDB (io/census_reader.h)
 * and writing generated ones (io/census_writer.h): good CSV, BOM + CRLF, quoting
 * and column order, missing columns and files, malformed CSV, rejected rows with
 * their row numbers, and the CSV / Parquet round trip of a generated census. */
#include <dirent.h>
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

#include "io/census_reader.h"
#include "io/census_reader_int.h"
#include "io/census_writer.h"
#include "model/census_gen.h"
#include "support/scratch.h"

static struct pw_config cfg;
static struct pw_tables tables;

static int group_setup(void **state)
{
    (void)state;
    struct pw_err err = {0};
    if (pw_test_scratch_create("pw_census_reader")) return -1;
    pw_config_init_defaults(&cfg);
    if (pw_config_finalize(&cfg, &err) != 0 || pw_tables_load(&tables, "", &err) != 0) {
        fprintf(stderr, "setup: %s\n", err.msg);
        return -1;
    }
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    return pw_test_scratch_remove();
}

struct loaded {
    struct pw_strpool strings;
    struct pw_census census;
    struct pw_err err;
    int rc;
};

static void load(struct loaded *l, const char *path)
{
    memset(l, 0, sizeof *l);
    pw_strpool_init(&l->strings);
    assert_int_equal(pw_census_init(&l->census, &l->strings), 0);
    l->rc = pw_census_read(path, &l->census, &cfg, &tables, &l->err);
}

static void unload(struct loaded *l)
{
    pw_census_release(&l->census);
    pw_strpool_release(&l->strings);
}

#define HEADER "employee_id,employee_birth_date,employee_hire_date,employee_gross_compensation,employee_deferral_rate\n"

static void check_three_rows(const struct loaded *l)
{
    assert_int_equal(l->rc, 0);
    const struct pw_workforce *wf = &l->census.roster;
    assert_int_equal(wf->count, 3);
    assert_string_equal(wf->employee_id[0], "A1"); /* sorted by id */
    assert_string_equal(wf->employee_id[1], "B2");
    assert_string_equal(wf->employee_id[2], "C3");
    assert_int_equal(wf->birth_date[1], pw_date_from_ymd(1980, 5, 17));
    assert_int_equal(wf->hire_date[1], pw_date_from_ymd(2015, 3, 1));
    assert_true(wf->salary[1] == 85000.25);
    assert_true(fabs(wf->deferral_rate[0] - 0.06) < 1e-12);
    assert_true(wf->deferral_rate[1] == 0);
    assert_true(fabs(wf->deferral_rate[2] - 0.1) < 1e-12);
}

static void test_good_csv(void **state)
{
    (void)state;
    const char *p = pw_test_write_file("good.csv", HEADER
                               "C3,1990-01-31,2020-06-15,60000,0.10\n"
                               "B2,1980-05-17,2015-03-01,85000.25,\n"
                               "A1,1975-12-01,2001-09-10,120000,0.06\n");
    struct loaded l;
    load(&l, p);
    check_three_rows(&l);
    assert_int_equal(l.census.stats.rows_read, 3);
    assert_int_equal(l.census.rejected_count, 0);
    unload(&l);
}

static void test_bom_crlf(void **state)
{
    (void)state;
    const char *p = pw_test_write_file("bom.csv", "\xEF\xBB\xBF"
                               "employee_id,employee_birth_date,employee_hire_date,employee_gross_compensation,"
                               "employee_deferral_rate\r\n"
                               "C3,1990-01-31,2020-06-15,60000,0.10\r\n"
                               "B2,1980-05-17,2015-03-01,85000.25,\r\n"
                               "A1,1975-12-01,2001-09-10,120000,0.06\r\n");
    struct loaded l;
    load(&l, p);
    check_three_rows(&l);
    unload(&l);
}

static void test_quotes_order_extra_columns(void **state)
{
    (void)state;
    /* Columns in another order, an ignored column, quoted values with commas and
     * quotes, no newline at the end. */
    const char *p = pw_test_write_file("quoted.csv",
                               "notes,employee_gross_compensation,employee_hire_date,employee_id,employee_birth_date\n"
                               "\"x, y\",60000,2020-06-15,\"C,3\",1990-01-31\n"
                               "\"say \"\"hi\"\"\",70000,2019-01-01,D4,1991-02-02");
    struct loaded l;
    load(&l, p);
    assert_int_equal(l.rc, 0);
    assert_int_equal(l.census.roster.count, 2);
    assert_string_equal(l.census.roster.employee_id[0], "C,3");
    assert_true(l.census.roster.salary[1] == 70000);
    unload(&l);
}

struct seen {
    size_t rows;
    size_t last_row;
    bool nul_terminated;
    bool absent_is_null;
    char ids[4][16];
};

static int collect(void *ctx, const struct pw_census_fields *f, size_t row, struct pw_err *err)
{
    (void)err;
    struct seen *s = ctx;
    s->rows++;
    if (row != s->last_row + 1) return PW_EINTERNAL;
    s->last_row = row;
    for (int c = 0; c < PW_CC_COUNT; c++)
        if (f->value[c] && f->value[c][f->len[c]] != '\0') s->nul_terminated = false;
    if (f->value[PW_CC_SSN] || f->value[PW_CC_LEVEL_ID]) s->absent_is_null = false;
    if (row <= 4 && f->value[PW_CC_EMPLOYEE_ID])
        snprintf(s->ids[row - 1], sizeof s->ids[0], "%.*s", (int)f->len[PW_CC_EMPLOYEE_ID], f->value[PW_CC_EMPLOYEE_ID]);
    return 0;
}

static void test_scan_rows_in_file_order(void **state)
{
    (void)state;
    const char *p = pw_test_write_file("scan.csv", HEADER
                               "Z9,1990-01-31,2020-06-15,60000,\n"
                               "A1,,\"\",x,0.05\n"
                               "M5,1980-05-17,2015-03-01,85000.25,6\n");
    struct seen s = {.nul_terminated = true, .absent_is_null = true};
    struct pw_err err = {0};
    assert_int_equal(pw_census_scan(p, collect, &s, &err), 0);
    assert_int_equal(s.rows, 3);
    assert_true(s.nul_terminated);
    assert_true(s.absent_is_null);
    assert_string_equal(s.ids[0], "Z9");
    assert_string_equal(s.ids[1], "A1");
    assert_string_equal(s.ids[2], "M5");
}

static void test_glob_characters_in_name(void **state)
{
    (void)state;
    /* DuckDB would read "glob[1].csv" as a pattern matching "glob1.csv" too. */
    pw_test_write_file("glob1.csv", HEADER "X1,1975-12-01,2001-09-10,120000,0.06\n");
    const char *p = pw_test_write_file("glob[1].csv", HEADER "A1,1975-12-01,2001-09-10,120000,0.06\n"
                                                     "B2,1975-12-01,2001-09-10,120000,0.06\n");
    struct loaded l;
    load(&l, p);
    assert_int_equal(l.rc, 0);
    assert_int_equal(l.census.roster.count, 2);
    assert_string_equal(l.census.roster.employee_id[0], "A1");
    unload(&l);
}

static void test_missing_required_column(void **state)
{
    (void)state;
    const char *p = pw_test_write_file("nohire.csv", "employee_id,employee_birth_date,employee_gross_compensation,other\n"
                                             "A1,1975-12-01,120000,1\n");
    struct loaded l;
    load(&l, p);
    assert_int_equal(l.rc, PW_ECENSUS);
    assert_non_null(strstr(l.err.msg, p));
    assert_non_null(strstr(l.err.msg, "missing required column 'employee_hire_date'"));
    assert_non_null(strstr(l.err.msg, "columns found: 'employee_id', 'employee_birth_date', "
                                      "'employee_gross_compensation', 'other'"));
    unload(&l);
}

static void test_missing_file(void **state)
{
    (void)state;
    const char *p = pw_test_path("nope.csv");
    char want[400];
    snprintf(want, sizeof want, "cannot open '%s': No such file or directory", p);
    struct loaded l;
    load(&l, p);
    assert_int_equal(l.rc, PW_EIO);
    assert_string_equal(l.err.msg, want);
    unload(&l);
}

static void test_unknown_extension(void **state)
{
    (void)state;
    const char *p = pw_test_write_file("census.txt", HEADER "A1,1975-12-01,2001-09-10,120000,0.06\n");
    struct loaded l;
    load(&l, p);
    assert_int_equal(l.rc, PW_ECENSUS);
    assert_non_null(strstr(l.err.msg, "only .csv and .parquet"));
    assert_int_equal(pw_census_format_of("x/Y.PARQUET"), PW_CENSUS_FORMAT_PARQUET);
    assert_int_equal(pw_census_format_of("a.csv/b"), PW_CENSUS_FORMAT_UNKNOWN);
    unload(&l);
}

static void test_malformed_csv(void **state)
{
    (void)state;
    struct loaded l;
    const char *p = pw_test_write_file("ragged.csv", HEADER "A1,1975-12-01,2001-09-10,120000,0.06\n"
                                                    "B2,1980-05-17,2015-03-01,85000,0.05,extra\n");
    load(&l, p);
    assert_int_equal(l.rc, PW_ECENSUS);
    assert_non_null(strstr(l.err.msg, p));
    assert_non_null(strstr(l.err.msg, "Line: 3")); /* DuckDB's reason, with the line */
    assert_null(strstr(l.err.msg, "Possible fixes"));
    unload(&l);

    p = pw_test_write_file("quote.csv", HEADER "A1,1975-12-01,2001-09-10,\"120000,0.06\n");
    load(&l, p);
    assert_int_equal(l.rc, PW_ECENSUS);
    assert_non_null(strstr(l.err.msg, "unterminated quote"));
    unload(&l);

    p = pw_test_write_file("empty.csv", "");
    load(&l, p);
    assert_int_equal(l.rc, PW_ECENSUS);
    assert_non_null(strstr(l.err.msg, "is empty"));
    unload(&l);

    p = pw_test_write_file("binary.csv", "\x89PNG\r\n\x1a\n\xff\xfe\x00\x01");
    load(&l, p);
    assert_int_equal(l.rc, PW_ECENSUS);
    assert_non_null(strstr(l.err.msg, "not UTF-8"));
    unload(&l);

    p = pw_test_write_file("notparquet.parquet", HEADER);
    load(&l, p);
    assert_int_equal(l.rc, PW_ECENSUS);
    assert_non_null(strstr(l.err.msg, p));
    unload(&l);
}

/* The long-record scan behind the message for a census line past DuckDB's limit:
 * quotes (with newlines and "" inside) do not end a record, CR LF and a lone CR
 * each end one line, and the line reported is the one the record starts on. */
static void test_long_record_scan(void **state)
{
    (void)state;
    struct pw_err err = {0};
    size_t line = 9, len = 9;
    const char *p = pw_test_write_file("lines.csv", "h1,h2\r\n"              /* line 1 */
                                                   "a,\"x\ny\"\"z\"\r\n"       /* lines 2-3: 10 bytes */
                                                   "b,c\r"                   /* line 4 */
                                                   "0123456789,0123456789\n" /* line 5: 21 bytes */
                                                   "d,e\n");
    assert_int_equal(pw__csv_find_long_record(p, 21, &line, &len, &err), 0);
    assert_true(line == 0 && len == 0);
    assert_int_equal(pw__csv_find_long_record(p, 20, &line, &len, &err), 0);
    assert_int_equal(line, 5);
    assert_int_equal(len, 21);
    assert_int_equal(pw__csv_find_long_record(p, 8, &line, &len, &err), 0);
    assert_int_equal(line, 2);
    assert_int_equal(len, 10);
    /* The last record without a line end counts too. */
    p = pw_test_write_file("tail.csv", "h\nshort\nlonger-than-ten");
    assert_int_equal(pw__csv_find_long_record(p, 10, &line, &len, &err), 0);
    assert_int_equal(line, 3);
    assert_int_equal(len, 15);
    assert_int_equal(pw__csv_find_long_record(pw_test_path("absent.csv"), 10, &line, &len, &err), PW_EIO);

    /* Through the reader: a 3 MB record is named by its line, without DuckDB's
     * quote of the line (the 40 MB case, where DuckDB names no line, is a CLI case). */
    size_t big = 3u << 20;
    char *text = malloc(big + 200);
    assert_non_null(text);
    int n = snprintf(text, 200, "%sA1,1975-12-01,2001-09-10,120000,0.06\nB2,1980-05-17,2015-03-01,", HEADER);
    memset(text + n, '7', big);
    memcpy(text + n + big, ",0\n", 4);
    p = pw_test_path("long_line.csv");
    FILE *f = fopen(p, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(text, 1, (size_t)n + big + 3, f), (size_t)n + big + 3);
    fclose(f);
    free(text);
    struct loaded l;
    load(&l, p);
    assert_int_equal(l.rc, PW_ECENSUS);
    char want[256];
    snprintf(want, sizeof want, "cannot read census '%s': line 3 is %zu bytes long; a census record may be at most "
             "2000000 bytes", p, (size_t)25 + big + 2);
    if (!strstr(l.err.msg, want)) {
        print_error("message '%s' lacks '%s'\n", l.err.msg, want);
        fail();
    }
    unload(&l);
}

static void test_bad_rows_rejected(void **state)
{
    (void)state;
    const char *p = pw_test_write_file("bad.csv", HEADER
                               "A1,1975-12-01,2001-09-10,120000,0.06\n"
                               "B2,1980-05-17,2015-13-01,85000,\n"
                               "C3,1990-01-31,2020-06-15,60000,\n"
                               "D4,1990-01-31,2020-06-15,-5,\n"
                               ",1990-01-31,2020-06-15,60000,\n");
    struct loaded l;
    load(&l, p);
    assert_int_equal(l.rc, 0);
    assert_int_equal(l.census.roster.count, 2);
    assert_int_equal(l.census.rejected_count, 3);
    assert_int_equal(l.census.rejected[0].row, 2);
    assert_string_equal(l.census.rejected[0].employee_id, "B2");
    assert_string_equal(l.census.rejected[0].column, "employee_hire_date");
    assert_int_equal(l.census.rejected[1].row, 4);
    assert_string_equal(l.census.rejected[1].column, "employee_gross_compensation");
    assert_int_equal(l.census.rejected[2].row, 5);
    assert_string_equal(l.census.rejected[2].column, "employee_id");
    unload(&l);

    p = pw_test_write_file("allbad.csv", HEADER "B2,1980-05-17,2015-13-01,85000,\n");
    load(&l, p);
    assert_int_not_equal(l.rc, 0);
    assert_non_null(strstr(l.err.msg, p)); /* the finish error names the file */
    unload(&l);
}

static void check_generated(const struct loaded *l, const struct pw_census_gen_options *o)
{
    assert_int_equal(l->rc, 0);
    const struct pw_workforce *wf = &l->census.roster;
    assert_int_equal(wf->count, o->employees);
    assert_int_equal(l->census.rejected_count, 0);
    struct pw_census_gen_row r;
    for (size_t i = 0; i < o->employees; i++) {
        pw_census_gen_row(o, &tables.levels, i, &r);
        assert_string_equal(wf->employee_id[i], r.employee_id);
        assert_string_equal(wf->ssn[i], r.ssn);
        assert_int_equal(wf->birth_date[i], r.birth_date);
        assert_int_equal(wf->hire_date[i], r.hire_date);
        assert_int_equal(wf->level[i], r.level_id);
        assert_true(wf->salary[i] == r.compensation);
        assert_true(wf->deferral_rate[i] == r.deferral_rate);
        assert_true(wf->hours_per_week[i] == r.hours_per_week);
        assert_int_equal(wf->auto_escalation_opt_out[i], r.auto_escalation_opt_out);
    }
}

static void test_generated_round_trip(void **state)
{
    (void)state;
    struct pw_census_gen_options o;
    pw_census_gen_options_init(&o);
    o.employees = 3000;
    o.seed = 11;
    struct pw_err err = {0};
    const char *csv = pw_test_path("gen.csv"), *parquet = pw_test_path("gen.parquet");
    assert_int_equal(pw_census_write(csv, &o, &tables.levels, &err), 0);
    assert_int_equal(pw_census_write(parquet, &o, &tables.levels, &err), 0);

    struct loaded a, b;
    load(&a, csv);
    check_generated(&a, &o);
    load(&b, parquet);
    check_generated(&b, &o);
    assert_int_equal(a.census.stats.pre_enrolled, b.census.stats.pre_enrolled);
    unload(&a);
    unload(&b);

    /* CSV text: header, then fixed decimals. */
    FILE *f = fopen(csv, "r");
    char line[512];
    assert_non_null(fgets(line, sizeof line, f));
    assert_string_equal(line, PW_CENSUS_WRITER_HEADER "\n");
    assert_non_null(fgets(line, sizeof line, f));
    fclose(f);
    assert_memory_equal(line, "EMP_000001,9", 12);
    assert_non_null(strstr(line, ",,"));      /* empty termination date */
    assert_non_null(strstr(line, ",true,0.")); /* active, then a fraction with 4 decimals */
}

static size_t count_dir_entries(void)
{
    size_t n = 0;
    DIR *d = opendir(pw_test_dir);
    for (struct dirent *e; d && (e = readdir(d));) n += e->d_name[0] != '.' || strstr(e->d_name, ".tmp") != NULL;
    if (d) closedir(d);
    return n;
}

static void test_writer_errors(void **state)
{
    (void)state;
    struct pw_census_gen_options o;
    pw_census_gen_options_init(&o);
    o.employees = 10;
    struct pw_err err = {0};
    size_t before = count_dir_entries();

    const char *p = pw_test_path("no/such/pw_test_dir/out.csv");
    assert_int_equal(pw_census_write(p, &o, &tables.levels, &err), PW_EIO);
    assert_non_null(strstr(err.msg, p));
    p = pw_test_path("no/such/pw_test_dir/out.parquet");
    assert_int_not_equal(pw_census_write(p, &o, &tables.levels, &err), 0);
    assert_non_null(strstr(err.msg, p));
    p = pw_test_path("out.json");
    assert_int_not_equal(pw_census_write(p, &o, &tables.levels, &err), 0);
    assert_non_null(strstr(err.msg, ".csv and .parquet"));
    o.employees = 0;
    assert_int_equal(pw_census_write(pw_test_path("zero.csv"), &o, &tables.levels, &err), PW_ERANGE);
    assert_int_equal(count_dir_entries(), before); /* nothing left behind, not even a temp file */

    /* An existing file is replaced whole. */
    o.employees = 5;
    p = pw_test_write_file("replace.csv", "old content that is longer than nothing\n");
    assert_int_equal(pw_census_write(p, &o, &tables.levels, &err), 0);
    struct loaded l;
    load(&l, p);
    assert_int_equal(l.rc, 0);
    assert_int_equal(l.census.roster.count, 5);
    unload(&l);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_good_csv),
        cmocka_unit_test(test_bom_crlf),
        cmocka_unit_test(test_quotes_order_extra_columns),
        cmocka_unit_test(test_scan_rows_in_file_order),
        cmocka_unit_test(test_glob_characters_in_name),
        cmocka_unit_test(test_missing_required_column),
        cmocka_unit_test(test_missing_file),
        cmocka_unit_test(test_unknown_extension),
        cmocka_unit_test(test_malformed_csv),
        cmocka_unit_test(test_long_record_scan),
        cmocka_unit_test(test_bad_rows_rejected),
        cmocka_unit_test(test_generated_round_trip),
        cmocka_unit_test(test_writer_errors),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
