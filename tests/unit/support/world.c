/* world.c: the small simulated world shared by the engine unit tests (see world.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "world.h"

int pw_test_tables_load(struct pw_tables *tables)
{
    struct pw_err err = {0};
    if (pw_tables_load(tables, "", &err) != 0) {
        fprintf(stderr, "cannot load built-in tables: %s\n", err.msg);
        return -1;
    }
    return 0;
}

void pw_test_world_begin(struct pw_test_world *w, const struct pw_tables *tables)
{
    memset(w, 0, sizeof *w);
    pw_config_init_defaults(&w->cfg);
    w->cfg.threads = 1;
    w->tables = tables;
    pw_strpool_init(&w->strings);
    assert_int_equal(pw_census_init(&w->census, &w->strings), 0);
}

void pw_test_world_finalize(struct pw_test_world *w)
{
    struct pw_err err = {0};
    if (w->finalized) return;
    if (pw_config_finalize(&w->cfg, &err) != 0) {
        print_error("config: %s\n", err.msg);
        fail();
    }
    if (w->after_finalize) w->after_finalize(w);
    w->finalized = true;
}

void pw_test_world_add(struct pw_test_world *w, const struct pw_census_fields *f)
{
    pw_test_world_finalize(w);
    assert_int_equal(pw_census_add_row(&w->census, f, ++w->rows, &w->cfg, w->tables), 0);
    if (w->census.rejected_count) {
        const struct pw_rejected_row *rr = &w->census.rejected[w->census.rejected_count - 1];
        print_error("row %zu rejected: %s: %s\n", rr->row, rr->column, rr->reason);
        fail();
    }
}

void pw_test_world_start(struct pw_test_world *w, int threads)
{
    struct pw_err err = {0};
    pw_test_world_finalize(w);
    assert_int_equal(pw_census_finish(&w->census, &err), 0);
    w->pool = pw_pool_new(threads);
    assert_non_null(w->pool);
    assert_int_equal(pw_sim_init(&w->sim, &w->cfg, w->tables, &w->census, w->pool, &err), 0);
}

void pw_test_world_end(struct pw_test_world *w)
{
    pw_sim_release(&w->sim);
    if (w->pool) pw_pool_free(w->pool);
    pw_census_release(&w->census);
    pw_strpool_release(&w->strings);
}

void pw_test_field(struct pw_census_fields *f, int col, const char *s)
{
    if (!s) return;
    f->value[col] = s;
    f->len[col] = strlen(s);
}

size_t pw_test_find_row(const struct pw_sim *sim, const char *id)
{
    for (size_t r = 0; r < sim->year.n_pop; r++)
        if (strcmp(sim->wf.employee_id[r], id) == 0) return r;
    return (size_t)-1;
}

size_t pw_test_row_of(const struct pw_sim *sim, const char *id)
{
    size_t r = pw_test_find_row(sim, id);
    if (r == (size_t)-1) {
        print_error("no row for '%s' in %d\n", id, sim->year.year);
        fail();
    }
    return r;
}

int pw_test_events_of(const struct pw_sim *sim, size_t r, const struct test_event **out, int max)
{
    static struct test_event rows[PW_SIM_MAX_ROW_EVENTS];
    int n = test_row_events(sim, r, TEST_ALL_EVENT_TYPES, rows);
    for (int i = 0; i < n && i < max; i++) out[i] = &rows[i];
    return n < max ? n : max;
}
