/* test_perf.c: the performance monitor (core/perf.h): aggregation per stage,
 * per-year detail, calls without a year or outside the run, registration,
 * measuring with marks, a NULL monitor, and several threads recording (and
 * registering) at once. */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "core/err.h"
#include "core/perf.h"

static void test_aggregation(void **state)
{
    (void)state;
    struct pw_perf *p = pw_perf_new(2025, 2027);
    assert_non_null(p);
    int a = pw_perf_stage(p, "hires"), b = pw_perf_stage(p, "write");
    assert_int_equal(a, 0);
    assert_int_equal(b, 1);
    assert_int_equal(pw_perf_stage(p, "hires"), 0);   /* registered once */
    assert_int_equal(pw_perf_stage_count(p), 2);

    pw_perf_add(p, a, 2025, 0.5, 0.75, 100, 1000);
    pw_perf_add(p, a, 2026, 0.25, 0.5, 200, 3000);
    pw_perf_add(p, a, 2026, 0.125, 0.25, 50, 2000);   /* second call in 2026 */
    pw_perf_add(p, b, 2027, 2.0, 1.0, 7, 500);

    struct pw_perf_stat st;
    assert_true(pw_perf_total(p, a, &st));
    assert_string_equal(st.name, "hires");
    assert_int_equal(st.year, PW_PERF_NO_YEAR);
    assert_int_equal(st.calls, 3);
    assert_true(st.wall_seconds == 0.875);
    assert_true(st.cpu_seconds == 1.5);
    assert_int_equal(st.rows, 350);
    assert_int_equal(st.peak_rss_bytes, 3000);         /* the highest seen */

    assert_true(pw_perf_total(p, b, &st));
    assert_string_equal(st.name, "write");
    assert_int_equal(st.calls, 1);
    assert_true(st.wall_seconds == 2.0);
    assert_false(pw_perf_total(p, 2, &st));
    assert_false(pw_perf_total(p, -1, &st));
    pw_perf_free(p);
}

static void test_per_year(void **state)
{
    (void)state;
    struct pw_perf *p = pw_perf_new(2025, 2029);
    assert_int_equal(pw_perf_first_year(p), 2025);
    assert_int_equal(pw_perf_last_year(p), 2029);
    int s = pw_perf_stage(p, "events");
    for (int y = 2025; y <= 2029; y++) pw_perf_add(p, s, y, 0.5 * (y - 2024), 0.25, (uint64_t)(y - 2024) * 10, 64);
    pw_perf_add(p, s, 2026, 1.0, 0, 1, 128);
    pw_perf_add(p, s, 2040, 4.0, 0, 1000, 0);          /* outside the run: totals only */
    pw_perf_add(p, s, PW_PERF_NO_YEAR, 8.0, 0, 0, 0);  /* no year: its own slot */

    struct pw_perf_stat st;
    assert_true(pw_perf_year(p, s, 2025, &st));
    assert_int_equal(st.year, 2025);
    assert_int_equal(st.calls, 1);
    assert_true(st.wall_seconds == 0.5);
    assert_int_equal(st.rows, 10);
    assert_true(pw_perf_year(p, s, 2026, &st));
    assert_int_equal(st.calls, 2);
    assert_true(st.wall_seconds == 2.0);
    assert_int_equal(st.rows, 21);
    assert_int_equal(st.peak_rss_bytes, 128);
    assert_true(pw_perf_year(p, s, 2029, &st));
    assert_true(st.wall_seconds == 2.5);
    assert_false(pw_perf_year(p, s, 2030, &st));
    assert_false(pw_perf_year(p, s, 2040, &st));
    assert_true(pw_perf_year(p, s, PW_PERF_NO_YEAR, &st));
    assert_true(st.wall_seconds == 8.0);

    assert_true(pw_perf_total(p, s, &st));
    assert_int_equal(st.calls, 8);
    assert_true(st.wall_seconds == 0.5 + 1 + 1.5 + 2 + 2.5 + 1 + 4 + 8);
    assert_int_equal(st.rows, 10 + 20 + 30 + 40 + 50 + 1 + 1000);

    /* a stage with no call in a year has no detail for it */
    int t = pw_perf_stage(p, "checkpoint");
    pw_perf_add(p, t, 2027, 0.1, 0.1, 1, 1);
    assert_false(pw_perf_year(p, t, 2025, &st));
    assert_true(pw_perf_year(p, t, 2027, &st));
    pw_perf_free(p);
}

static void test_record_measures(void **state)
{
    (void)state;
    struct pw_perf *p = pw_perf_new(2025, 2025);
    struct pw_perf_mark m = pw_perf_start();
    volatile double x = 0;
    for (int i = 0; i < 2000000; i++) x += i * 0.5;
    assert_int_equal(pw_perf_record_named(p, "census_load", PW_PERF_NO_YEAR, m, 42), 0);
    struct pw_perf_stat st;
    assert_true(pw_perf_total(p, 0, &st));
    assert_string_equal(st.name, "census_load");
    assert_true(st.wall_seconds > 0);
    assert_true(st.cpu_seconds > 0);
    assert_int_equal(st.rows, 42);
    assert_true(st.peak_rss_bytes > 0);
    /* a clock that went backwards never gives negative time */
    pw_perf_add(p, 0, 2025, -1.0, -1.0, 0, 0);
    assert_true(pw_perf_year(p, 0, 2025, &st));
    assert_true(st.wall_seconds == 0 && st.cpu_seconds == 0);
    pw_perf_free(p);
}

static void test_names_and_null(void **state)
{
    (void)state;
    /* a NULL monitor: every call is a no-op */
    assert_int_equal(pw_perf_stage(NULL, "x"), 0);
    pw_perf_record(NULL, 0, 2025, pw_perf_start(), 1);
    pw_perf_add(NULL, 0, 2025, 1, 1, 1, 1);
    assert_int_equal(pw_perf_record_named(NULL, "x", 2025, pw_perf_start(), 1), 0);
    assert_int_equal(pw_perf_stage_count(NULL), 0);
    struct pw_perf_stat st;
    assert_false(pw_perf_total(NULL, 0, &st));
    pw_perf_free(NULL);

    /* long names are cut to PW_PERF_NAME_MAX and still found again */
    struct pw_perf *p = pw_perf_new(2025, 2024);   /* no years: totals only */
    char name[200];
    memset(name, 'm', sizeof name - 1);
    name[sizeof name - 1] = '\0';
    int id = pw_perf_stage(p, name);
    assert_int_equal(pw_perf_stage(p, name), id);
    pw_perf_add(p, id, 2025, 1, 1, 1, 1);
    assert_true(pw_perf_total(p, id, &st));
    assert_int_equal(strlen(st.name), PW_PERF_NAME_MAX);
    assert_false(pw_perf_year(p, id, 2025, &st));
    /* an unknown id records nothing */
    pw_perf_add(p, 99, 2025, 1, 1, 1, 1);
    assert_int_equal(pw_perf_stage_count(p), 1);
    pw_perf_free(p);
}

/* ---- several threads ------------------------------------------------------- */

#define THREADS 6
#define CALLS 20000

struct worker {
    struct pw_perf *perf;
    int index;
};

static void *work(void *arg)
{
    struct worker *w = arg;
    char own[32];
    snprintf(own, sizeof own, "model:m%d", w->index);
    int shared = pw_perf_stage(w->perf, "shared");
    int mine = pw_perf_stage(w->perf, own);   /* registering while others record */
    for (int i = 0; i < CALLS; i++) {
        pw_perf_add(w->perf, shared, 2025 + i % 3, 0.5, 0.25, 1, (uint64_t)(w->index * CALLS + i));
        pw_perf_add(w->perf, mine, PW_PERF_NO_YEAR, 0.125, 0, 2, 0);
        if (i % 1000 == 0) pw_perf_record(w->perf, mine, 2025, pw_perf_start(), 0);
    }
    return NULL;
}

static void test_threads(void **state)
{
    (void)state;
    struct pw_perf *p = pw_perf_new(2025, 2027);
    pthread_t t[THREADS];
    struct worker w[THREADS];
    for (int i = 0; i < THREADS; i++) {
        w[i] = (struct worker){p, i};
        assert_int_equal(pthread_create(&t[i], NULL, work, &w[i]), 0);
    }
    for (int i = 0; i < THREADS; i++) pthread_join(t[i], NULL);

    assert_int_equal(pw_perf_stage_count(p), THREADS + 1);
    int shared = pw_perf_stage(p, "shared");
    struct pw_perf_stat st;
    assert_true(pw_perf_total(p, shared, &st));
    assert_int_equal(st.calls, (uint64_t)THREADS * CALLS);
    assert_true(st.wall_seconds == 0.5 * THREADS * CALLS);   /* exact in binary */
    assert_true(st.cpu_seconds == 0.25 * THREADS * CALLS);
    assert_int_equal(st.rows, (uint64_t)THREADS * CALLS);
    assert_int_equal(st.peak_rss_bytes, (uint64_t)THREADS * CALLS - 1);
    uint64_t per_year = 0;
    for (int y = 2025; y <= 2027; y++) {
        assert_true(pw_perf_year(p, shared, y, &st));
        per_year += st.calls;
    }
    assert_int_equal(per_year, (uint64_t)THREADS * CALLS);
    for (int i = 0; i < THREADS; i++) {
        char own[32];
        snprintf(own, sizeof own, "model:m%d", i);
        int id = pw_perf_stage(p, own);
        assert_true(pw_perf_total(p, id, &st));
        assert_string_equal(st.name, own);
        assert_int_equal(st.calls, CALLS + CALLS / 1000);
        assert_int_equal(st.rows, 2 * CALLS);
        assert_true(pw_perf_year(p, id, 2025, &st));
        assert_int_equal(st.calls, CALLS / 1000);
    }
    pw_perf_free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_aggregation),
        cmocka_unit_test(test_per_year),
        cmocka_unit_test(test_record_measures),
        cmocka_unit_test(test_names_and_null),
        cmocka_unit_test(test_threads),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
