/* compliance_run.c: the compliance tests of `planwise run` from the engine's years
 * in memory (compliance.h): each year's input columns come from its arrays
 * (model/compliance_view.h), its tests run as soon as it is simulated, and the
 * year before, final once this year's prior-year QNECs are allocated to it, is
 * kept as detail rows; all rows are written after the last year. */
#include <stdlib.h>
#include <string.h>

#include "io/compliance_int.h"
#include "model/compliance_view.h"
#include "model/year.h"

struct pw_compliance_run {
    const char *scenario;
    const struct pw_config *cfg;
    const struct pw_tables *tables;
    struct pw_ct_design design;
    struct pw_cy_year ya, yb, *cur, *prev;   /* prev: the year before cur, while have_prev */
    bool have_prev;
    struct pw_cy_test *tests;                /* PW_CY_TESTS per year computed */
    int *years;                              /* their years */
    struct pw_cy_detail *detail;             /* finished years */
    size_t n_years, n_detail, cap;
    struct pw_compliance_outcome out;
};

int pw_compliance_run_new(struct pw_compliance_run **out, const char *scenario, const struct pw_config *cfg,
                          const struct pw_tables *tables, struct pw_err *err)
{
    struct pw_compliance_run *r = calloc(1, sizeof *r);
    if (!r || pw_cy_year_init(&r->ya, 0) || pw_cy_year_init(&r->yb, 0)) {
        if (r) pw_cy_year_release(&r->ya), pw_cy_year_release(&r->yb);   /* either may hold arrays */
        free(r);
        return pw_err_set(err, PW_ENOMEM, "out of memory for the compliance tests");
    }
    r->scenario = scenario, r->cfg = cfg, r->tables = tables;
    pw_ct_design_from_plan(&cfg->plan, &r->design);
    r->cur = &r->ya, r->prev = &r->yb;
    *out = r;
    return 0;
}

void pw_compliance_run_free(struct pw_compliance_run *r)
{
    if (!r) return;
    pw_cy_year_release(&r->ya), pw_cy_year_release(&r->yb);
    for (size_t i = 0; i < r->n_detail; i++) pw_cy_detail_release(&r->detail[i]);
    free(r->detail), free(r->tests), free(r->years);
    free(r);
}

static int grow(struct pw_compliance_run *r)
{
    if (r->n_years < r->cap) return 0;
    size_t cap = r->cap ? 2 * r->cap : 16;
    struct pw_cy_test *t = realloc(r->tests, cap * PW_CY_TESTS * sizeof *t);
    if (!t) return PW_ENOMEM;
    r->tests = t;
    int *y = realloc(r->years, cap * sizeof *y);
    if (!y) return PW_ENOMEM;
    r->years = y;
    struct pw_cy_detail *d = realloc(r->detail, cap * sizeof *d);
    if (!d) return PW_ENOMEM;
    memset(d + r->cap, 0, (cap - r->cap) * sizeof *d);
    r->detail = d;
    r->cap = cap;
    return 0;
}

/* The year before is final: its detail rows are kept. */
static int keep_prev(struct pw_compliance_run *r)
{
    if (!r->have_prev) return 0;
    if (pw_cy_detail_copy(&r->detail[r->n_detail], r->prev)) {
        pw_cy_detail_release(&r->detail[r->n_detail]);   /* the arrays grown before the failure */
        return PW_ENOMEM;
    }
    r->n_detail++;
    r->have_prev = false;
    return 0;
}

int pw_compliance_run_year(struct pw_compliance_run *r, const struct pw_year_view *v, struct pw_err *err)
{
    const int year = v->year->year;
    if (r->have_prev && r->prev->year != year - 1)
        return pw_err_set(err, PW_EINTERNAL, "compliance tests: year %d after %d", year, r->prev->year);
    bool first = r->n_years == 0;
    struct pw_cy_test *tests;
    struct pw_cy_params par;
    if (grow(r) || pw_cy_year_from_view(r->cur, v, first, pw_tables_irs(r->tables, year)->deferral_limit)) goto nomem;
    tests = &r->tests[r->n_years * PW_CY_TESTS];
    pw__compliance_params(r->cfg, r->tables, &r->design, year, &par);
    if (pw_cy_run(&par, r->cur, r->have_prev ? r->prev : NULL, tests)) goto nomem;
    if (keep_prev(r)) goto nomem;
    if (first) r->out.first_year = year;
    r->out.last_year = year;
    r->years[r->n_years++] = year;
    pw__compliance_tally(tests, &r->out);
    struct pw_cy_year *swap = r->prev;
    r->prev = r->cur, r->cur = swap;
    r->have_prev = true;
    return 0;
nomem:
    return pw_err_set(err, PW_ENOMEM, "out of memory in the compliance tests of '%s' %d", r->scenario, year);
}

int pw_compliance_run_write(struct pw_compliance_run *r, struct pw_db *db, struct pw_compliance_outcome *out,
                            struct pw_err *err)
{
    if (r->n_years == 0) return pw_err_set(err, PW_EDB, "scenario '%s' has no simulated year", r->scenario);
    if (keep_prev(r)) return pw_err_set(err, PW_ENOMEM, "out of memory for the compliance detail");
    *out = r->out;
    int rc = pw_compliance_ensure_tables(db, err);
    if (!rc) rc = pw_db_exec(db, "BEGIN TRANSACTION", err);
    if (rc) return rc;
    rc = pw__compliance_delete_rows(db, r->scenario, err);
    for (size_t k = 0; !rc && k < r->n_years; k++)
        rc = pw__compliance_write_tests(db, r->scenario, r->years[k], &r->tests[k * PW_CY_TESTS], err);
    if (!rc) rc = pw__compliance_write_detail(db, r->scenario, r->detail, r->n_detail, err);
    if (!rc) rc = pw_db_exec(db, "COMMIT", err);
    if (rc) pw_db_exec(db, "ROLLBACK", NULL);
    return rc;
}
