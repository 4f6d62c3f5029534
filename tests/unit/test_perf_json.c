/* test_perf_json.c: the perf record (report/perf_report.h) and its JSON file
 * (report/perf_json.h): write -> read round trip, the strict JSON reader,
 * bad baseline files with their messages, and the baseline comparison and
 * target arithmetic. */
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

#include "core/perf.h"
#include "report/json.h"
#include "report/perf_json.h"
#include "report/perf_report.h"
#include "support/scratch.h"


static int group_setup(void **state)
{
    (void)state;
    return pw_test_scratch_create("pw_perf_json");
}

static int group_teardown(void **state)
{
    (void)state;
    return pw_test_scratch_remove();
}

/* A report with three stages over 2025-2026, one of them outside the years. */
static void sample_report(struct pw_perf_report *r, double run_seconds)
{
    struct pw_perf *p = pw_perf_new(2025, 2026);
    int census = pw_perf_stage(p, "census_load");
    int hires = pw_perf_stage(p, "hires");
    int write = pw_perf_stage(p, "write");
    pw_perf_add(p, census, PW_PERF_NO_YEAR, 0.0625, 0.125, 60040, 50u << 20);
    pw_perf_add(p, hires, 2025, 0.003, 0.006, 61000, 300u << 20);
    pw_perf_add(p, hires, 2026, 0.004, 0.007, 62000, 310u << 20);
    pw_perf_add(p, write, 2025, 0.25, 0.25, 150000, 320u << 20);
    pw_perf_add(p, write, 2026, 0.5, 0.5, 160000, 330u << 20);
    struct pw_perf_machine m;
    memset(&m, 0, sizeof m);
    m.cores = 2;
    m.memory_bytes = 25276510208ULL;
    snprintf(m.cpu_model, sizeof m.cpu_model, "AMD \"EPYC\"\\ 7B13\tx");   /* needs escaping */
    snprintf(m.kernel, sizeof m.kernel, "Linux 6.1.0 x86_64");
    snprintf(m.compiler, sizeof m.compiler, "gcc 12.2.0");
    snprintf(m.planwise_version, sizeof m.planwise_version, "0.1.0");
    snprintf(m.duckdb_version, sizeof m.duckdb_version, "v1.4.4");
    struct pw_perf_run u;
    memset(&u, 0, sizeof u);
    snprintf(u.scenario, sizeof u.scenario, "growth_5pct");
    u.seed = 9223372036854775807ULL;   /* 2^63-1: more digits than a double holds */
    u.first_year = 2025;
    u.last_year = 2026;
    u.threads = 2;
    u.employees = 60040;
    u.employee_years = 121000;
    u.event_rows = 300000;
    u.snapshot_rows = 123000;
    u.output_rows = 423000;
    u.wall_seconds = run_seconds;
    u.cpu_seconds = 1.5;
    u.peak_rss_bytes = 330u << 20;
    assert_int_equal(pw_perf_report_build(r, p, &m, &u), 0);
    pw_perf_free(p);
}

static void test_round_trip(void **state)
{
    (void)state;
    struct pw_perf_report a, b;
    struct pw_err err = {0};
    sample_report(&a, 1.25);
    assert_int_equal(a.stage_count, 3);
    assert_int_equal(a.year_count, 4);
    const char *path = pw_test_path("perf.json");
    assert_int_equal(pw_perf_json_write(path, &a, &err), 0);
    int rc = pw_perf_json_read(path, &b, &err);
    if (rc) fail_msg("%s", err.msg);

    assert_int_equal(b.machine.cores, 2);
    assert_true(b.machine.memory_bytes == 25276510208ULL);
    assert_string_equal(b.machine.cpu_model, a.machine.cpu_model);
    assert_string_equal(b.machine.kernel, "Linux 6.1.0 x86_64");
    assert_string_equal(b.machine.compiler, "gcc 12.2.0");
    assert_string_equal(b.machine.planwise_version, "0.1.0");
    assert_string_equal(b.machine.duckdb_version, "v1.4.4");
    assert_string_equal(b.run.scenario, "growth_5pct");
    assert_true(b.run.seed == 9223372036854775807ULL);
    assert_int_equal(b.run.first_year, 2025);
    assert_int_equal(b.run.last_year, 2026);
    assert_int_equal(b.run.threads, 2);
    assert_int_equal(b.run.employees, 60040);
    assert_int_equal(b.run.employee_years, 121000);
    assert_int_equal(b.run.event_rows, 300000);
    assert_int_equal(b.run.snapshot_rows, 123000);
    assert_int_equal(b.run.output_rows, 423000);
    assert_true(b.run.wall_seconds == 1.25);
    assert_true(b.run.cpu_seconds == 1.5);
    assert_int_equal(b.run.peak_rss_bytes, 330u << 20);

    assert_int_equal(b.stage_count, a.stage_count);
    for (size_t i = 0; i < a.stage_count; i++) {
        assert_string_equal(b.stages[i].name, a.stages[i].name);
        assert_int_equal(b.stages[i].calls, a.stages[i].calls);
        assert_true(fabs(b.stages[i].wall_seconds - a.stages[i].wall_seconds) < 1e-6);
        assert_true(fabs(b.stages[i].cpu_seconds - a.stages[i].cpu_seconds) < 1e-6);
        assert_int_equal(b.stages[i].rows, a.stages[i].rows);
        assert_int_equal(b.stages[i].peak_rss_bytes, a.stages[i].peak_rss_bytes);
    }
    assert_int_equal(b.year_count, a.year_count);
    for (size_t i = 0; i < a.year_count; i++) {
        assert_string_equal(b.years[i].name, a.years[i].name);
        assert_int_equal(b.years[i].year, a.years[i].year);
        assert_int_equal(b.years[i].rows, a.years[i].rows);
        assert_true(fabs(b.years[i].wall_seconds - a.years[i].wall_seconds) < 1e-6);
    }
    assert_string_equal(b.stages[1].name, "hires");
    assert_int_equal(b.stages[1].calls, 2);
    assert_int_equal(b.stages[1].rows, 123000);
    /* no temporary file is left next to it */
    char tmp[600];
    snprintf(tmp, sizeof tmp, "%s.tmp%ld", path, (long)getpid());
    assert_int_not_equal(access(tmp, F_OK), 0);
    pw_perf_report_release(&a);
    pw_perf_report_release(&b);
}

static void test_write_error(void **state)
{
    (void)state;
    struct pw_perf_report a;
    struct pw_err err = {0};
    sample_report(&a, 1.0);
    assert_int_equal(pw_perf_json_write(pw_test_path("no_such_folder/perf.json"), &a, &err), PW_EIO);
    assert_non_null(strstr(err.msg, "cannot write '"));
    assert_non_null(strstr(err.msg, "no_such_folder/perf.json': No such file or directory"));
    pw_perf_report_release(&a);
}

/* ---- the JSON reader -------------------------------------------------------- */

static void expect_json_error(const char *text, const char *message)
{
    struct pw_json *j = NULL;
    struct pw_err err = {0};
    int rc = pw_json_parse(text, strlen(text), "t.json", &j, &err);
    if (rc == 0) fail_msg("accepted: %s", text);
    assert_null(j);
    if (strcmp(err.msg, message) != 0) fail_msg("for %s\nexpected: %s\n     got: %s", text, message, err.msg);
}

static void test_json_reader(void **state)
{
    (void)state;
    const char *text = "{\"a\": [1, -2.5e3, true, false, null],\n \"b\": {\"c\": \"x\\u00e9\\ud83d\\ude00\\n\"}}";
    struct pw_json *j;
    struct pw_err err = {0};
    assert_int_equal(pw_json_parse(text, strlen(text), "t.json", &j, &err), 0);
    const struct pw_json *a = pw_json_get(j, "a");
    assert_non_null(a);
    assert_int_equal(a->type, PW_JSON_ARRAY);
    assert_int_equal(a->count, 5);
    assert_true(a->items[1].number == -2500.0);
    assert_string_equal(a->items[1].string, "-2.5e3");
    assert_true(a->items[2].boolean);
    assert_int_equal(a->items[4].type, PW_JSON_NULL);
    const struct pw_json *c = pw_json_get(pw_json_get(j, "b"), "c");
    assert_string_equal(c->string, "x\xC3\xA9\xF0\x9F\x98\x80\n");
    assert_int_equal(c->line, 2);
    assert_int_equal(c->column, 13);
    assert_null(pw_json_get(j, "zz"));
    assert_null(pw_json_get(a, "a"));
    pw_json_free(j);

    expect_json_error("", "'t.json':1:1: expected a value, got the end of the file");
    expect_json_error("{\"a\": 1,}", "'t.json':1:9: trailing comma before '}'");
    expect_json_error("[1, 2,]", "'t.json':1:7: trailing comma before ']'");
    expect_json_error("{\"a\": 1} x", "'t.json':1:10: expected the end of the file after the value, got 'x'");
    expect_json_error("// c\n{}", "'t.json':1:1: expected a value, got '/'");
    expect_json_error("{\"a\": 1, \"a\": 2}", "'t.json':1:10: duplicate key 'a'");
    expect_json_error("{a: 1}", "'t.json':1:2: expected a key in double quotes, got 'a'");
    expect_json_error("{\"a\" 1}", "'t.json':1:6: expected ':' after a key, got '1'");
    expect_json_error("{\"a\": 1\n \"b\": 2}", "'t.json':2:2: expected ',' or '}' after an object member, got '\"'");
    expect_json_error("[NaN]", "'t.json':1:2: expected a value, got 'N'");
    expect_json_error("[01]", "'t.json':1:3: expected ',' or ']' after an array element, got '1'");
    expect_json_error("[1.]", "'t.json':1:4: expected a digit after the decimal point, got ']'");
    expect_json_error("[1e999]", "'t.json':1:2: number out of range");
    expect_json_error("[\"a\\x\"]", "'t.json':1:4: invalid escape in a string");
    expect_json_error("[\"a\tb\"]", "'t.json':1:4: control character in a string (escape it)");
    expect_json_error("[\"\\ud800x\"]", "'t.json':1:9: unpaired UTF-16 surrogate in a \\u escape");
    expect_json_error("[\"\xC3\x28\"]", "'t.json':1:3: invalid UTF-8 in a string");
    expect_json_error("[\"abc", "'t.json':1:3: unterminated string");
    expect_json_error("[tru]", "'t.json':1:2: expected a value, got 't'");
    expect_json_error("\xEF\xBB\xBF{}", "'t.json':1:1: byte order mark at the start (JSON text must not have one)");
    char deep[200];
    memset(deep, '[', 100);
    deep[100] = '\0';
    expect_json_error(deep, "'t.json':1:66: nesting deeper than 64 levels");
}

/* ---- bad baseline files ----------------------------------------------------- */

/* A valid perf file with one piece replaced: the text of FIELD below. */
static const char *good_doc =
    "{\"format\": \"planwise-perf\", \"version\": 1,\n"
    " \"machine\": {\"cores\": 2, \"memory_bytes\": 1000, \"cpu_model\": \"x\", \"kernel\": \"k\",\n"
    "             \"compiler\": \"gcc\", \"planwise_version\": \"0.1.0\", \"duckdb_version\": \"v1.4.4\"},\n"
    " \"run\": {\"scenario\": \"default\", \"seed\": 42, \"first_year\": 2025, \"last_year\": 2029, \"years\": 5,\n"
    "         \"threads\": 2, \"employees\": 10, \"employee_years\": 50, \"event_rows\": 100,\n"
    "         \"snapshot_rows\": 55, \"output_rows\": 155, \"wall_seconds\": 2.5, \"cpu_seconds\": 3,\n"
    "         \"peak_rss_bytes\": 4096, \"employee_years_per_second\": 20, \"rows_per_second\": 62},\n"
    " \"stages\": [{\"name\": \"write\", \"calls\": 5, \"wall_seconds\": 1.5, \"cpu_seconds\": 1.5, \"rows\": 155,\n"
    "             \"rows_per_second\": 103.3, \"peak_rss_bytes\": 4096,\n"
    "             \"years\": [{\"year\": 2025, \"calls\": 1, \"wall_seconds\": 0.3, \"cpu_seconds\": 0.3,\n"
    "                        \"rows\": 31, \"peak_rss_bytes\": 4096}]}]}\n";

static void expect_read_error(const char *name, const char *text, const char *message)
{
    struct pw_perf_report r;
    struct pw_err err = {0};
    const char *path = text ? pw_test_write_file(name, text) : pw_test_path(name);
    assert_int_not_equal(pw_perf_json_read(path, &r, &err), 0);
    assert_null(r.stages);
    char want[1024];
    snprintf(want, sizeof want, message, pw_test_dir);
    if (strcmp(err.msg, want) != 0) fail_msg("expected: %s\n     got: %s", want, err.msg);
}

/* good_doc with the first occurrence of from replaced by to. */
static char *edited(const char *from, const char *to)
{
    static char buf[4096];
    const char *at = strstr(good_doc, from);
    assert_non_null(at);
    snprintf(buf, sizeof buf, "%.*s%s%s", (int)(at - good_doc), good_doc, to, at + strlen(from));
    return buf;
}

static void test_bad_baselines(void **state)
{
    (void)state;
    struct pw_perf_report r;
    struct pw_err err = {0};
    int rc = pw_perf_json_read(pw_test_write_file("good.json", good_doc), &r, &err);
    if (rc) fail_msg("%s", err.msg);
    assert_int_equal(r.stage_count, 1);
    assert_int_equal(r.year_count, 1);
    assert_true(r.run.wall_seconds == 2.5);
    pw_perf_report_release(&r);

    expect_read_error("missing.json", NULL, "cannot open '%s/missing.json': No such file or directory");
    expect_read_error("text.json", "wall seconds: 2.5\n", "'%s/text.json':1:1: expected a value, got 'w'");
    expect_read_error("cut.json", "{\"format\": \"planwise-perf\",\n  \"version\": 1,\n",
                      "'%s/cut.json':3:1: expected a key in double quotes, got the end of the file");
    expect_read_error("array.json", "[1, 2]\n", "'%s/array.json':1:1: a perf file is a JSON object, got an array");
    expect_read_error("other.json", "{\"format\": \"bench\", \"version\": 1}",
                      "'%s/other.json':1:12: not a planwise perf file (expected \"format\": \"planwise-perf\")");
    expect_read_error("version2.json", edited("\"version\": 1", "\"version\": 2"),
                      "'%s/version2.json':1:40: perf file version 2 is not supported (this planwise reads version 1)");
    expect_read_error("noversion.json", edited("\"version\": 1,", ""),
                      "'%s/noversion.json':1:1: the perf file has no 'version'");
    expect_read_error("nowall.json", edited("\"wall_seconds\": 2.5, ", ""),
                      "'%s/nowall.json':4:9: 'run' is missing the field 'wall_seconds'");
    expect_read_error("nomachine.json", edited("\"machine\"", "\"machina\""),
                      "'%s/nomachine.json':1:1: 'the perf file' is missing the field 'machine'");
    expect_read_error("wrongtype.json", edited("\"wall_seconds\": 2.5", "\"wall_seconds\": \"2.5\""),
                      "'%s/wrongtype.json':6:67: 'run.wall_seconds' must be a number, got a string");
    expect_read_error("negative.json", edited("\"wall_seconds\": 2.5", "\"wall_seconds\": -1"),
                      "'%s/negative.json':6:67: 'run.wall_seconds' must be a number of seconds >= 0, got -1");
    expect_read_error("fraction.json", edited("\"employees\": 10", "\"employees\": 10.5"),
                      "'%s/fraction.json':5:37: 'run.employees' must be a whole number from 0 to "
                      "18446744073709551615, got 10.5");
    expect_read_error("noname.json", edited("\"name\": \"write\", ", ""),
                      "'%s/noname.json':8:13: 'stages[0]' is missing the field 'name'");
    expect_read_error("noyears.json", edited("\"years\": [{", "\"yearz\": [{"),
                      "'%s/noyears.json':8:13: 'stages[0]' is missing the field 'years'");
    expect_read_error("badyear.json", edited("\"year\": 2025", "\"year\": \"2025\""),
                      "'%s/badyear.json':10:33: 'stages[0].years[0].year' must be a number, got a string");
    expect_read_error("yearsbackwards.json", edited("\"last_year\": 2029", "\"last_year\": 2020"),
                      "'%s/yearsbackwards.json':4:78: 'run.last_year' is before 'run.first_year'");
}

/* ---- comparison ------------------------------------------------------------- */

static void test_comparison(void **state)
{
    (void)state;
    assert_true(fabs(pw_perf_change_pct(2.0, 1.5) - -25.0) < 1e-12);
    assert_true(fabs(pw_perf_change_pct(2.0, 3.0) - 50.0) < 1e-12);
    assert_true(isnan(pw_perf_change_pct(0.0, 1.0)));
    assert_true(pw_perf_rate(10, 4) == 2.5);
    assert_true(pw_perf_rate(10, 0) == 0);

    struct pw_perf_report old, now;
    sample_report(&old, 2.0);
    sample_report(&now, 1.5);
    /* the new run lost "census_load" and gained "commit"; hires got slower */
    snprintf(now.stages[0].name, sizeof now.stages[0].name, "commit");
    now.stages[1].wall_seconds = 0.014;
    struct pw_perf_comparison c;
    assert_int_equal(pw_perf_compare(&old, &now, &c), 0);
    assert_int_equal(c.count, 4);
    assert_string_equal(c.stages[0].name, "commit");
    assert_true(c.stages[0].in_new && !c.stages[0].in_old);
    assert_string_equal(c.stages[1].name, "hires");
    assert_true(c.stages[1].in_new && c.stages[1].in_old);
    assert_true(fabs(c.stages[1].old_seconds - 0.007) < 1e-12);
    assert_true(fabs(pw_perf_change_pct(c.stages[1].old_seconds, c.stages[1].new_seconds) - 100.0) < 1e-9);
    assert_string_equal(c.stages[2].name, "write");
    assert_string_equal(c.stages[3].name, "census_load");
    assert_true(c.stages[3].in_old && !c.stages[3].in_new);
    assert_true(c.old_seconds == 2.0 && c.new_seconds == 1.5);
    assert_true(fabs(pw_perf_improvement_pct(&c) - 25.0) < 1e-12);

    char why[512];
    assert_true(pw_perf_target_met(&c, 25.0, why, sizeof why));
    assert_true(pw_perf_target_met(&c, 20.0, why, sizeof why));
    assert_true(pw_perf_target_met(&c, -10.0, why, sizeof why));
    assert_false(pw_perf_target_met(&c, 30.0, why, sizeof why));
    assert_string_equal(why, "overall improvement 25.0% is short of the target 30.0% (2.000 s -> 1.500 s; the "
                             "target needs at most 1.400 s)");

    char out[4096];
    FILE *f = fmemopen(out, sizeof out, "w");
    pw_perf_comparison_print(&c, "base.json", f);
    fclose(f);
    assert_non_null(strstr(out, "hires                        0.007     0.014   +100.0%\n"));
    assert_non_null(strstr(out, "commit                           -     0.062         -\n"));
    assert_non_null(strstr(out, "census_load                  0.062         -         -\n"));
    assert_non_null(strstr(out, "run                          2.000     1.500    -25.0%\n"));
    assert_non_null(strstr(out, "overall: 25.0% faster than the baseline (2.000 s -> 1.500 s)\n"));
    pw_perf_comparison_release(&c);

    /* slower, and a baseline with no time at all */
    now.run.wall_seconds = 2.5;
    assert_int_equal(pw_perf_compare(&old, &now, &c), 0);
    assert_true(fabs(pw_perf_improvement_pct(&c) - -25.0) < 1e-12);
    assert_false(pw_perf_target_met(&c, 0.0, why, sizeof why));
    assert_true(pw_perf_target_met(&c, -30.0, why, sizeof why));
    pw_perf_comparison_release(&c);
    old.run.wall_seconds = 0;
    assert_int_equal(pw_perf_compare(&old, &now, &c), 0);
    assert_true(isnan(pw_perf_improvement_pct(&c)));
    assert_false(pw_perf_target_met(&c, -50.0, why, sizeof why));
    assert_string_equal(why, "the baseline's run time is 0.000 s, so no improvement can be measured");
    pw_perf_comparison_release(&c);

    /* workloads */
    assert_false(pw_perf_workload_differs(&old, &now, why, sizeof why));
    assert_string_equal(why, "");
    now.run.employees = 1000;
    now.run.threads = 8;
    assert_true(pw_perf_workload_differs(&old, &now, why, sizeof why));
    assert_string_equal(why, "employees 60040 vs 1000, threads 2 vs 8");
    pw_perf_report_release(&old);
    pw_perf_report_release(&now);
}

static void test_summary_tables(void **state)
{
    (void)state;
    struct pw_perf_report r;
    sample_report(&r, 1.0);
    char out[4096];
    FILE *f = fmemopen(out, sizeof out, "w");
    pw_perf_report_print(&r, f, true);
    pw_perf_report_print_years(&r, f);
    fclose(f);
    assert_non_null(strstr(out, "stage                     calls    wall s     CPU s          rows       rows/s   peak RSS\n"));
    assert_non_null(strstr(out, "census_load                   1     0.062     0.125        60,040      960,640     50 MiB\n"));
    assert_non_null(strstr(out, "hires                         2     0.007     0.013       123,000   17,571,429    310 MiB\n"));
    assert_non_null(strstr(out, "run (output rows)                   1.000     1.500       423,000      423,000    330 MiB\n"));
    assert_non_null(strstr(out, "wall s by year               2025     2026\n"));
    assert_non_null(strstr(out, "hires                       0.003    0.004\n"));
    assert_non_null(strstr(out, "write                       0.250    0.500\n"));
    assert_null(strstr(strstr(out, "wall s by year"), "census_load"));   /* no per-year row without years */
    pw_perf_report_release(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_write_error),
        cmocka_unit_test(test_json_reader),
        cmocka_unit_test(test_bad_baselines),
        cmocka_unit_test(test_comparison),
        cmocka_unit_test(test_summary_tables),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
