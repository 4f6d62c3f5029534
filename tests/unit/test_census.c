/* test_census.c: the census row rules of MODEL 2.1 (rejections with reasons,
 * normalisations and their counts, duplicate resolution order, level derivation,
 * the pre-enrolled override of 2.1a) and the sorted starting roster. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "core/rng.h"
#include "model/census.h"

#define assert_near(a, b) assert_true(fabs((double)(a) - (double)(b)) < 1e-9)

static struct pw_tables tables;
static struct pw_config cfg;

struct fixture {
    struct pw_strpool strings;
    struct pw_census census;
    size_t row;
};

static int setup(void **state)
{
    static struct fixture fx;
    memset(&fx, 0, sizeof fx);
    pw_strpool_init(&fx.strings);
    if (pw_census_init(&fx.census, &fx.strings) != 0) return -1;
    *state = &fx;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *fx = *state;
    pw_census_release(&fx->census);
    pw_strpool_release(&fx->strings);
    return 0;
}

static int group_setup(void **state)
{
    (void)state;
    struct pw_err err = {0};
    if (pw_tables_load(&tables, "", &err) != 0) return -1;
    /* Only the fields census.c reads; no dependency on the config defaults. */
    memset(&cfg, 0, sizeof cfg);
    cfg.plan_year_end_date = pw_date_from_ymd(2024, 12, 31);
    cfg.start_year = 2025;
    cfg.plan_deferral_cap = 0.75;
    cfg.use_census_rates = true;
    cfg.normalize_percentages = true;
    cfg.pre_enrolled_fallback = NAN;
    return 0;
}

/* Adds one row given as "|"-separated values in pw_census_col order; "~" = NULL
 * (column absent), missing trailing fields are NULL too. */
static void add(struct fixture *fx, const char *spec)
{
    static char buf[1024];
    struct pw_census_fields f;
    memset(&f, 0, sizeof f);
    snprintf(buf, sizeof buf, "%s", spec);
    char *p = buf;
    for (int col = 0; col < PW_CC_COUNT && p; col++) {
        char *bar = strchr(p, '|');
        if (bar) *bar = '\0';
        if (strcmp(p, "~") != 0) f.value[col] = p, f.len[col] = strlen(p);
        p = bar ? bar + 1 : NULL;
    }
    assert_int_equal(pw_census_add_row(&fx->census, &f, ++fx->row, &cfg, &tables), 0);
}

static void expect_rejected(struct fixture *fx, const char *spec, const char *column, const char *reason)
{
    size_t before = fx->census.rejected_count;
    add(fx, spec);
    if (fx->census.rejected_count != before + 1) {
        print_error("row '%s' was not rejected (want %s: %s)\n", spec, column, reason);
        fail();
    }
    const struct pw_rejected_row *r = &fx->census.rejected[before];
    assert_int_equal(r->row, fx->row);
    assert_string_equal(r->column, column);
    if (!strstr(r->reason, reason)) {
        print_error("reason '%s' lacks '%s'\n", r->reason, reason);
        fail();
    }
}

/* Row index of id in the finished roster, or -1. */
static long find(const struct pw_census *c, const char *id)
{
    for (size_t i = 0; i < c->roster.count; i++)
        if (strcmp(c->roster.employee_id[i], id) == 0) return (long)i;
    return -1;
}

static void test_valid_row(void **state)
{
    struct fixture *fx = *state;
    add(fx, "  EMP_000001 |1990-06-15|2015-03-01|65000|||123-45-6789");
    struct pw_err err = {0};
    assert_int_equal(pw_census_finish(&fx->census, &err), 0);
    const struct pw_workforce *wf = &fx->census.roster;
    assert_int_equal(wf->count, 1);
    assert_string_equal(wf->employee_id[0], "EMP_000001");
    assert_int_equal(wf->id_len[0], 10);
    assert_true(wf->key[0] == 0x397ECBAAB3348651ULL);
    assert_string_equal(wf->ssn[0], "123-45-6789");
    assert_int_equal(wf->is_census[0], 1);
    assert_int_equal(wf->birth_date[0], pw_date_from_ymd(1990, 6, 15));
    assert_int_equal(wf->hire_date[0], pw_date_from_ymd(2015, 3, 1));
    assert_int_equal(wf->level[0], 1);
    assert_near(wf->salary[0], 65000);
    assert_near(wf->prior_prorated_comp[0], 65000);
    assert_near(wf->hours_per_week[0], 40);
    assert_near(wf->deferral_rate[0], 0);
    assert_int_equal(wf->plan_excluded[0], 0);
    assert_int_equal(fx->census.stats.rows_read, 1);
    assert_int_equal(fx->census.stats.valid_rows, 1);
    assert_int_equal(fx->census.stats.hours_defaulted, 0);
}

static void test_rejections(void **state)
{
    struct fixture *fx = *state;
    expect_rejected(fx, "   |1990-01-01|2015-01-01|50000", "employee_id", "is empty");
    expect_rejected(fx, "~|1990-01-01|2015-01-01|50000", "employee_id", "is empty");
    expect_rejected(fx, "A|~|2015-01-01|50000", "employee_birth_date", "is missing");
    expect_rejected(fx, "A|1990-13-01|2015-01-01|50000", "employee_birth_date", "'1990-13-01' is not a date");
    expect_rejected(fx, "A|1990-01-01||50000", "employee_hire_date", "is missing");
    expect_rejected(fx, "A|1990-01-01|2023-02-29|50000", "employee_hire_date", "'2023-02-29' is not a date");
    expect_rejected(fx, "A|1990-01-01|1990-01-01|50000", "employee_hire_date",
                    "hire date 1990-01-01 is not after the birth date 1990-01-01");
    expect_rejected(fx, "A|1990-01-01|2026-01-01|50000", "employee_hire_date",
                    "hire date 2026-01-01 is after the first simulated year (ends 2025-12-31)");
    expect_rejected(fx, "A|2011-01-01|2024-06-01|50000", "employee_birth_date",
                    "age 13 at the census date 2024-12-31 is outside [14, 100]");
    add(fx, "A|1924-01-01|1950-01-01|50000"); /* exactly 100 at the census date is allowed */
    assert_int_equal(fx->census.stats.valid_rows, 1);
    expect_rejected(fx, "A|1923-12-31|1950-01-01|50000", "employee_birth_date", "age 101");
    expect_rejected(fx, "A|1990-01-01|2015-01-01", "employee_gross_compensation", "is missing");
    expect_rejected(fx, "A|1990-01-01|2015-01-01|abc", "employee_gross_compensation", "'abc' is not a finite number");
    expect_rejected(fx, "A|1990-01-01|2015-01-01|inf", "employee_gross_compensation", "'inf' is not a finite number");
    expect_rejected(fx, "A|1990-01-01|2015-01-01|nan", "employee_gross_compensation", "is not a finite number");
    expect_rejected(fx, "A|1990-01-01|2015-01-01|0", "employee_gross_compensation", "must be greater than 0 (0)");
    expect_rejected(fx, "A|1990-01-01|2015-01-01|-5", "employee_gross_compensation", "must be greater than 0 (-5)");
    expect_rejected(fx, "A|1990-01-01|2015-01-01|50000|31/12/2024", "employee_termination_date", "'31/12/2024' is not a date");
    expect_rejected(fx, "A|1990-01-01|2015-01-01|50000||maybe", "active", "'maybe' is not a boolean");
    expect_rejected(fx, "A|1990-01-01|2015-01-01|50000||||6%", "employee_deferral_rate", "'6%' is not a finite number");
    expect_rejected(fx, "A|1990-01-01|2015-01-01|50000|||||forty", "scheduled_hours_per_week", "is not a finite number");
    expect_rejected(fx, "A|1990-01-01|2015-01-01|50000||||||2", "auto_escalation_opt_out", "'2' is not a boolean");
    expect_rejected(fx, "A|1990-01-01|2015-01-01|50000|||||||nah", "eligibility_override", "'nah' is not a boolean");
    /* The rejected id is recorded trimmed. */
    assert_string_equal(fx->census.rejected[2].employee_id, "A");
    assert_int_equal(fx->census.stats.rejected_rows, fx->census.rejected_count);
    /* Only the age-100 row was valid, so it is the roster. */
    assert_int_equal(fx->census.stats.valid_rows, 1);
    assert_int_equal(fx->census.stats.rows_read, fx->census.stats.valid_rows + fx->census.stats.rejected_rows);
}

/* Values that are well-formed but hostile: ids that would be truncated or cut
 * short, absurd pay, and termination dates that contradict the row. */
static void test_hostile_values(void **state)
{
    struct fixture *fx = *state;
    char row[700], id[600];
    /* 64 characters is the limit, counted as characters (e-acute is two bytes). */
    memset(id, 'x', 64);
    id[64] = '\0';
    snprintf(row, sizeof row, "%s|1990-01-01|2015-01-01|50000", id);
    add(fx, row);
    assert_int_equal(fx->census.rejected_count, 0);
    id[63] = '\0';
    snprintf(row, sizeof row, "\xc3\xa9%s|1990-01-01|2015-01-01|50000", id);
    add(fx, row);
    assert_int_equal(fx->census.rejected_count, 0);
    memset(id, 'x', 65);
    id[65] = '\0';
    snprintf(row, sizeof row, "%s|1990-01-01|2015-01-01|50000", id);
    expect_rejected(fx, row, "employee_id", "is 65 characters long; at most 64 are allowed");
    memset(id, 'y', 500);
    snprintf(row, sizeof row, "%.500s|1990-01-01|2015-01-01|50000", id);
    expect_rejected(fx, row, "employee_id", "is 500 characters long");
    /* 300 continuation bytes: few characters, but no 64-character id is that long. */
    memset(id, 0x80, 299);
    id[0] = 'z', id[299] = '\0';
    snprintf(row, sizeof row, "%s|1990-01-01|2015-01-01|50000", id);
    expect_rejected(fx, row, "employee_id", "is 299 bytes long; at most 64 characters (256 bytes)");
    expect_rejected(fx, "A\x01" "B|1990-01-01|2015-01-01|50000", "employee_id",
                    "has a control character (code 1) at character 2");
    expect_rejected(fx, "AB\x7f|1990-01-01|2015-01-01|50000", "employee_id", "(code 127) at character 3");
    expect_rejected(fx, "\xc3\xa9\xc2\x85|1990-01-01|2015-01-01|50000", "employee_id", "(code 133) at character 2");
    expect_rejected(fx, "A\tB|1990-01-01|2015-01-01|50000", "employee_id", "(code 9) at character 2");
    /* The recorded id shows control characters as '?'. */
    assert_string_equal(fx->census.rejected[fx->census.rejected_count - 1].employee_id, "A?B");

    /* A NUL inside the id (the reader hands over lengths, not C strings). */
    struct pw_census_fields f;
    memset(&f, 0, sizeof f);
    static const char nul_id[] = "E1\0X";
    f.value[PW_CC_EMPLOYEE_ID] = nul_id, f.len[PW_CC_EMPLOYEE_ID] = 4;
    f.value[PW_CC_BIRTH_DATE] = "1990-01-01", f.len[PW_CC_BIRTH_DATE] = 10;
    f.value[PW_CC_HIRE_DATE] = "2015-01-01", f.len[PW_CC_HIRE_DATE] = 10;
    f.value[PW_CC_GROSS_COMPENSATION] = "50000", f.len[PW_CC_GROSS_COMPENSATION] = 5;
    size_t before = fx->census.rejected_count;
    assert_int_equal(pw_census_add_row(&fx->census, &f, ++fx->row, &cfg, &tables), 0);
    assert_int_equal(fx->census.rejected_count, before + 1);
    assert_string_equal(fx->census.rejected[before].column, "employee_id");
    assert_string_equal(fx->census.rejected[before].employee_id, "E1?X");
    assert_non_null(strstr(fx->census.rejected[before].reason, "(code 0) at character 3"));

    /* Recorded ids and reasons are valid UTF-8 (census_rejected_rows refuses
     * anything else): the 63 bytes kept of 70 e-acutes end in half a character,
     * a quoted value is cut at 40 bytes, and a byte that is not UTF-8 is replaced. */
    row[0] = '\0';
    for (int i = 0; i < 70; i++) strcat(row, "\xc3\xa9");
    strcat(row, "|1990-01-01|2015-01-01|50000");
    expect_rejected(fx, row, "employee_id", "is 70 characters long");
    const char *kept = fx->census.rejected[fx->census.rejected_count - 1].employee_id;
    assert_int_equal(strlen(kept), 63);
    assert_int_equal(kept[62], '?');
    assert_int_equal(memcmp(kept, "\xc3\xa9\xc3\xa9", 4), 0);
    snprintf(row, sizeof row, "Q1|1990-01-01|%s|50000", "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
                                                      "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9x\xc3\xa9");
    expect_rejected(fx, row, "employee_hire_date", "is not a date");
    const char *reason = fx->census.rejected[fx->census.rejected_count - 1].reason;
    assert_non_null(strstr(reason, "\xc3\xa9x?' is not a date"));
    expect_rejected(fx, "Q2|1990-01-01|20\xff" "5-01-01|50000", "employee_hire_date", "'20?5-01-01' is not a date");
    expect_rejected(fx, "Q\xed\xa0\x80|1990-01-01|2015-01-01|0", "employee_gross_compensation", "greater than 0");
    assert_string_equal(fx->census.rejected[fx->census.rejected_count - 1].employee_id, "Q???");

    /* Pay: at most 1e9 a year. */
    add(fx, "P1|1990-01-01|2015-01-01|1000000000");
    expect_rejected(fx, "P2|1990-01-01|2015-01-01|1000000000.01", "employee_gross_compensation",
                    "'1000000000.01' is above 1000000000, the largest annual salary rate accepted");
    expect_rejected(fx, "P3|1990-01-01|2015-01-01|1e308", "employee_gross_compensation", "'1e308' is above");

    /* Termination dates. The census date is 2024-12-31. */
    add(fx, "T1|1990-01-01|2015-01-01|50000|2015-01-01");        /* left on the hire day */
    add(fx, "T2|1990-01-01|2015-01-01|50000|2024-12-31|true");   /* left on the census date */
    add(fx, "T3|1990-01-01|2015-01-01|50000|2025-03-31|false");  /* inactive: not in the roster */
    expect_rejected(fx, "T4|1990-01-01|2015-01-01|50000|2014-12-31", "employee_termination_date",
                    "termination date 2014-12-31 is before the hire date 2015-01-01");
    expect_rejected(fx, "T5|1990-01-01|2015-01-01|50000|2014-12-31|false", "employee_termination_date",
                    "is before the hire date");
    expect_rejected(fx, "T6|1990-01-01|2015-01-01|50000|2025-01-01|true", "employee_termination_date",
                    "termination date 2025-01-01 is after the census date 2024-12-31 on an active row");
    /* No active column: active, as everywhere else. */
    expect_rejected(fx, "T7|1990-01-01|2015-01-01|50000|2025-01-01", "employee_termination_date",
                    "on an active row");

    struct pw_err err = {0};
    assert_int_equal(pw_census_finish(&fx->census, &err), 0);
    const struct pw_census *c = &fx->census;
    assert_int_equal(c->stats.valid_rows, 6);
    assert_int_equal(c->stats.terminated_rows, 3);
    assert_int_equal(c->roster.count, 3);
    assert_true(find(c, "P1") >= 0);
    assert_int_equal(c->stats.rows_read, c->stats.valid_rows + c->stats.rejected_rows);
}

static void test_normalisation(void **state)
{
    struct fixture *fx = *state;
    const char *base = "|1980-01-01|2010-01-01|60000||";
    char row[256];
    static const struct { const char *id, *tail; double rate, hours; int aeo, excl; } cases[] = {
        {"D01", "|x|6", 0.06, 40, 0, 0},          /* percent */
        {"D02", "|x|0.8", 0.75, 40, 0, 0},        /* clamped to the cap */
        {"D03", "|x|-0.1", 0, 40, 0, 0},          /* clamped to 0 */
        {"D04", "|x|150", 0.75, 40, 0, 0},        /* both */
        {"D05", "|x|0.0612345678", 0.061235, 40, 0, 0}, /* round6 */
        {"H01", "|x||0", 0, 0, 0, 0},   /* 0 hours is a real schedule */
        {"H02", "|x||90", 0, 40, 0, 0},
        {"H03", "|x||80", 0, 80, 0, 0},
        {"H04", "|x|| 20 ", 0, 20, 0, 0},
        {"B01", "|x|||TRUE|Yes", 0, 40, 1, 0},
        {"B02", "|x|||t|F", 0, 40, 1, 1},
        {"B03", "|x|||0|no", 0, 40, 0, 1},
        {"B04", "|x|||yes|0|", 0, 40, 1, 1},
        {"P01", "|x|0.05|||false", 0.05, 40, 0, 0},  /* pre-enrolled overrides the exclusion */
    };
    size_t n = sizeof cases / sizeof cases[0];
    for (size_t i = 0; i < n; i++) {
        snprintf(row, sizeof row, "%s%s%s", cases[i].id, base, cases[i].tail);
        add(fx, row);
    }
    add(fx, "T01|1980-01-01|2010-01-01|60000||false"); /* inactive without a termination date */
    add(fx, "T02|1980-01-01|2010-01-01|60000|2024-06-30|false");
    struct pw_err err = {0};
    assert_int_equal(pw_census_finish(&fx->census, &err), 0);
    const struct pw_census *c = &fx->census;
    assert_int_equal(c->rejected_count, 0);
    for (size_t i = 0; i < n; i++) {
        long k = find(c, cases[i].id);
        assert_true(k >= 0);
        if (fabs(c->roster.deferral_rate[k] - cases[i].rate) > 1e-12 || fabs(c->roster.hours_per_week[k] - cases[i].hours) > 0 ||
            c->roster.auto_escalation_opt_out[k] != cases[i].aeo || c->roster.plan_excluded[k] != cases[i].excl) {
            print_error("%s: rate %.9g hours %g aeo %d excl %d\n", cases[i].id, c->roster.deferral_rate[k],
                        c->roster.hours_per_week[k], c->roster.auto_escalation_opt_out[k], c->roster.plan_excluded[k]);
            fail();
        }
        assert_string_equal(c->roster.ssn[k], "x");
    }
    long p = find(c, "P01");
    assert_int_equal(c->roster.eligibility_override_false[p], 1);
    assert_int_equal(c->stats.deferral_percent_fixed, 2);
    assert_int_equal(c->stats.deferral_clamped, 3);
    assert_int_equal(c->stats.hours_defaulted, 1);
    assert_int_equal(c->stats.pre_enrolled, 5);
    assert_int_equal(c->stats.pre_enrolled_override_false, 1);
    assert_int_equal(c->stats.override_false_rows, 4);
    assert_int_equal(c->stats.inactive_without_term, 1);
    assert_int_equal(c->stats.terminated_rows, 1);
    assert_int_equal(find(c, "T02"), -1);
    assert_true(find(c, "T01") >= 0);
    assert_int_equal(c->roster.count, n + 1);
}

static void test_duplicates(void **state)
{
    struct fixture *fx = *state;
    add(fx, "X|1980-01-01|2020-01-01|50000|||first");
    add(fx, "X|1980-01-01|2021-01-01|40000|||second");
    add(fx, "X|1980-01-01|2021-01-01|60000|||third");   /* latest hire, then highest pay */
    add(fx, "X|1980-01-01|2021-01-01|60000|||fourth");  /* same: file order keeps third */
    add(fx, "Y|1980-01-01|2019-01-01|70000|||y1");
    add(fx, "Y|1980-01-01|2019-01-01|70000|||y2");
    /* A terminated row with the later hire wins and takes the id out of the roster. */
    add(fx, "Z|1980-01-01|2018-01-01|70000|||z-active");
    add(fx, "Z|1980-01-01|2022-01-01|70000|2024-05-01||z-term");
    add(fx, "W|1980-01-01|2018-01-01|70000|||w");
    struct pw_err err = {0};
    assert_int_equal(pw_census_finish(&fx->census, &err), 0);
    const struct pw_census *c = &fx->census;
    assert_int_equal(c->stats.duplicate_ids, 5);
    assert_int_equal(c->stats.terminated_rows, 1);
    assert_int_equal(c->roster.count, 3);
    assert_string_equal(c->roster.ssn[find(c, "X")], "third");
    assert_string_equal(c->roster.ssn[find(c, "Y")], "y1");
    assert_int_equal(find(c, "Z"), -1);
    assert_int_equal(c->roster.count, c->stats.valid_rows - c->stats.duplicate_ids - c->stats.terminated_rows);
}

static void test_levels(void **state)
{
    struct fixture *fx = *state;
    add(fx, "L1|1980-01-01|2010-01-01|60000||||||||3");      /* level_id used as given */
    add(fx, "L2|1980-01-01|2010-01-01|80500||||||||9");      /* out of range: derived; gap resolves up */
    add(fx, "L3|1980-01-01|2010-01-01|1000000||||||||abc");  /* not a number: derived; above top */
    add(fx, "L4|1980-01-01|2010-01-01|60000||||||||2.5");    /* not an integer: derived */
    add(fx, "L5|1980-01-01|2010-01-01|125000");             /* absent: derived */
    add(fx, "L6|1980-01-01|2010-01-01|80000||||||||0");      /* max is exclusive: 80000 -> level 2 */
    add(fx, "L7|1980-01-01|2010-01-01|60000|||||||| 5 ");
    struct pw_err err = {0};
    assert_int_equal(pw_census_finish(&fx->census, &err), 0);
    const struct pw_census *c = &fx->census;
    assert_int_equal(c->rejected_count, 0);
    static const int want[] = {3, 2, 5, 1, 3, 2, 5};
    for (int i = 0; i < 7; i++) assert_int_equal(c->roster.level[i], want[i]);
    assert_int_equal(c->stats.level_id_ignored, 4);
}

static void test_no_valid_rows(void **state)
{
    struct fixture *fx = *state;
    add(fx, "A|1990-01-01|2015-01-01|0");
    add(fx, "B|1990-01-01|2015-01-01|50000|2024-01-01");
    add(fx, "|1990-01-01|2015-01-01|50000");
    struct pw_err err = {0};
    assert_int_equal(pw_census_finish(&fx->census, &err), PW_ECENSUS);
    assert_string_equal(err.msg, "census has no valid active employees (3 rows read, 2 rejected)");
}

static void test_sorting(void **state)
{
    struct fixture *fx = *state;
    const char *ids[] = {"b", "a", "B", "aa", "a b", "\xc3\xa9", "A0"};
    char row[128];
    for (int i = 0; i < 7; i++) {
        snprintf(row, sizeof row, "%s|1980-01-01|2010-01-01|60000", ids[i]);
        add(fx, row);
    }
    struct pw_err err = {0};
    assert_int_equal(pw_census_finish(&fx->census, &err), 0);
    const struct pw_workforce *wf = &fx->census.roster;
    static const char *const want[] = {"A0", "B", "a", "a b", "aa", "b", "\xc3\xa9"};
    for (int i = 0; i < 7; i++) {
        assert_string_equal(wf->employee_id[i], want[i]);
        assert_true(wf->key[i] == pw_census_key(want[i], strlen(want[i])));
    }
    assert_int_equal(fx->census.stats.key_collisions, 0);
}

/* Many rows in reverse order with every tenth a duplicate: the roster is sorted,
 * duplicates resolved, and the whole thing stays O(n log n). */
static void test_many_rows(void **state)
{
    struct fixture *fx = *state;
    const size_t n = 200000;
    char row[128];
    clock_t t0 = clock();
    for (size_t i = n; i-- > 0;) {
        snprintf(row, sizeof row, "E%07zu|1980-01-01|2010-01-01|%zu", i, 50000 + i);
        add(fx, row);
        if (i % 10 == 0) {
            snprintf(row, sizeof row, "E%07zu|1980-01-01|2011-01-01|40000", i);
            add(fx, row);
        }
    }
    struct pw_err err = {0};
    assert_int_equal(pw_census_finish(&fx->census, &err), 0);
    const struct pw_workforce *wf = &fx->census.roster;
    assert_int_equal(wf->count, n);
    assert_int_equal(fx->census.stats.duplicate_ids, n / 10);
    for (size_t i = 1; i < wf->count; i++)
        assert_true(pw_id_cmp(wf->employee_id[i - 1], wf->id_len[i - 1], wf->employee_id[i], wf->id_len[i]) < 0);
    assert_near(wf->salary[0], 40000);   /* E0000000: the later hire wins */
    assert_near(wf->salary[1], 50001);
    double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
    assert_true(secs < 5);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_valid_row, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rejections, setup, teardown),
        cmocka_unit_test_setup_teardown(test_hostile_values, setup, teardown),
        cmocka_unit_test_setup_teardown(test_normalisation, setup, teardown),
        cmocka_unit_test_setup_teardown(test_duplicates, setup, teardown),
        cmocka_unit_test_setup_teardown(test_levels, setup, teardown),
        cmocka_unit_test_setup_teardown(test_no_valid_rows, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sorting, setup, teardown),
        cmocka_unit_test_setup_teardown(test_many_rows, setup, teardown),
    };
    return cmocka_run_group_tests(tests, group_setup, NULL);
}
