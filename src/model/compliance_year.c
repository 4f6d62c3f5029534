/* compliance_year.c: the year driver of the compliance tests (compliance_year.h):
 * column storage, the link to the year before, who is an HCE (414(q)) and a key
 * employee (416(i)), the running balances, and the order of the tests. */
#include "model/compliance_year.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "model/compliance_groups.h"
#include "model/compliance_year_int.h"

const char *const pw_cy_test_names[PW_CY_TESTS] = {
    "hce_determination", "adp", "acp", "coverage_401k", "coverage_401m", "coverage_nonelective",
    "general_test_401a4", "top_heavy", "limit_402g", "limit_415c",
};

/* ---- storage ---- */

int pw_cy_year_init(struct pw_cy_year *y, size_t capacity)
{
    memset(y, 0, sizeof *y);
    return pw_cy_year_reset(y, 0, capacity);
}

static void free_ids(struct pw_cy_year *y)
{
    if (y->id)
        for (size_t i = 0; i < y->n; i++) {
            if (!y->borrowed_ids) free((char *)y->id[i]);
            y->id[i] = NULL;
        }
    y->n = 0;
    y->borrowed_ids = false;
}

void pw_cy_year_release(struct pw_cy_year *y)
{
    free_ids(y);
#define PW_CY_FREE(type, name) free(y->name);
    PW_CY_INPUTS(PW_CY_FREE)
    PW_CY_OUTPUTS(PW_CY_FREE)
#undef PW_CY_FREE
    memset(y, 0, sizeof *y);
}

int pw_cy_year_reset(struct pw_cy_year *y, int year, size_t capacity)
{
    free_ids(y);
    y->year = year;
    y->adp_nhce_avg = y->acp_nhce_avg = 0;
    y->adp_nhce_n = y->acp_nhce_n = 0;
    y->key_balance = y->total_balance = 0;
    if (capacity <= y->cap && y->id) return 0;
    size_t cap = capacity ? capacity : 1;
#define PW_CY_GROW(type, name)                                                                                         \
    {                                                                                                                  \
        type *p = realloc(y->name, cap * sizeof *p);                                                                   \
        if (!p) return PW_ENOMEM;                                                                                      \
        y->name = p;                                                                                                   \
    }
    PW_CY_INPUTS(PW_CY_GROW)
    PW_CY_OUTPUTS(PW_CY_GROW)
#undef PW_CY_GROW
    for (size_t i = y->cap; i < cap; i++) y->id[i] = NULL;
    y->cap = cap;
    return 0;
}

int pw_cy_detail_copy(struct pw_cy_detail *d, const struct pw_cy_year *y)
{
    if (y->n > d->cap || !d->id) {
        size_t cap = y->n ? y->n : 1;
#define PW_CY_GROW(type, name)                                                                                         \
    {                                                                                                                  \
        type *p = realloc(d->name, cap * sizeof *p);                                                                   \
        if (!p) return PW_ENOMEM;                                                                                      \
        d->name = p;                                                                                                   \
    }
        PW_CY_DETAIL(PW_CY_GROW)
#undef PW_CY_GROW
        d->cap = cap;
    }
    d->year = y->year;
    d->n = y->n;
#define PW_CY_COPY(type, name) if (y->n) memcpy(d->name, y->name, y->n * sizeof *d->name);
    PW_CY_DETAIL(PW_CY_COPY)
#undef PW_CY_COPY
    return 0;
}

void pw_cy_detail_release(struct pw_cy_detail *d)
{
#define PW_CY_FREE(type, name) free(d->name);
    PW_CY_DETAIL(PW_CY_FREE)
#undef PW_CY_FREE
    memset(d, 0, sizeof *d);
}

/* ---- shared helpers ---- */

void pw__cy_test_init(struct pw_cy_test *t, const char *method, const char *result)
{
    memset(t, 0, sizeof *t);
    snprintf(t->method, sizeof t->method, "%s", method);
    snprintf(t->result, sizeof t->result, "%s", result);
    t->hce_pct = t->nhce_pct = t->ratio_pct = t->limit_pct = t->margin_pct = NAN;
    t->correction_amount = t->correction_cost = t->corrected_margin_pct = NAN;
    t->alt_refund_amount = t->alt_qnec_targeted_cost = t->alt_qnec_uniform_cost = t->alt_qnec_uniform_rate = NAN;
    t->affected_amount = NAN;
    t->hce_count = t->nhce_count = t->excluded_count = t->correction_count = t->affected_count = -1;
}

void pw__cy_note(char *buf, size_t size, const char *fmt, ...)
{
    size_t len = strlen(buf);
    if (len + 3 >= size) return;
    if (len) {
        memcpy(buf + len, "; ", 3);
        len += 2;
    }
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf + len, size - len, fmt, ap);
    va_end(ap);
}

const char *pw__cy_dollars(double v, char *buf, size_t size)
{
    char digits[32];
    long long whole = llround(fabs(v));
    int n = snprintf(digits, sizeof digits, "%lld", whole), j = 0;
    char out[48];
    if (v < 0 && whole) out[j++] = '-';
    out[j++] = '$';
    for (int i = 0; i < n; i++) {
        out[j++] = digits[i];
        if ((n - i - 1) % 3 == 0 && i + 1 < n) out[j++] = ',';
    }
    out[j] = '\0';
    snprintf(buf, size, "%s", out);
    return buf;
}

void pw__cy_reason(char *buf, size_t size, const char *label, size_t n)
{
    if (n == 0) return;
    size_t len = strlen(buf);
    snprintf(buf + len, size - len, "%s%s %zu", len ? ", " : "", label, n);
}

/* ---- the year before ---- */

/* A row of the year before, for the search by id. */
struct by_id {
    const char *id;
    int64_t row;
};
static int cmp_id(const void *a, const void *b)
{
    return strcmp(((const struct by_id *)a)->id, ((const struct by_id *)b)->id);
}

/* prev_row of every current row: binary search in prev's rows ordered by id (the
 * reader's order is not relied on). */
static int link_prev(struct pw_cy_year *cur, const struct pw_cy_year *prev)
{
    for (size_t i = 0; i < cur->n; i++) cur->prev_row[i] = -1;
    if (!prev || prev->n == 0) return 0;
    struct by_id *order = malloc(prev->n * sizeof *order);
    if (!order) return PW_ENOMEM;
    for (size_t j = 0; j < prev->n; j++) order[j] = (struct by_id){prev->id[j], (int64_t)j};
    qsort(order, prev->n, sizeof *order, cmp_id);
    for (size_t i = 0; i < cur->n; i++) {
        struct by_id key = {cur->id[i], 0};
        const struct by_id *hit = bsearch(&key, order, prev->n, sizeof *order, cmp_id);
        if (hit) cur->prev_row[i] = hit->row;
    }
    free(order);
    return 0;
}

/* ---- 414(q): highly compensated employees ---- */

/* Counted for the size of the top-paid group and the officer limit (414(q)(5)):
 * 21 or older, 6 months of service (hired by Jul 1) and 17.5 scheduled hours a week,
 * all at the end of `year`. */
static bool counted_414q5(int age, pw_date hire, double sched_hours, int year)
{
    return age >= 21 && hire <= pw_date_from_ymd(year, 7, 1) && sched_hours >= 17.5;
}

static int determine_hce(const struct pw_cy_params *p, struct pw_cy_year *cur, const struct pw_cy_year *prev,
                         struct pw_cy_test *t)
{
    const int look_back = cur->year - 1;
    size_t above = 0, outside_tpg = 0, owners = 0, mismatch = 0, tpg_size = 0;
    bool *member = NULL, *counted = NULL;
    double *comp = NULL;
    size_t pop = prev ? prev->n : cur->n;
    if (p->cfg->top_paid_group) {
        member = malloc((pop ? pop : 1) * sizeof *member);
        counted = malloc((pop ? pop : 1) * sizeof *counted);
        comp = malloc((pop ? pop : 1) * sizeof *comp);
        if (!member || !counted || !comp) {
            free(member), free(counted), free(comp);
            return PW_ENOMEM;
        }
        /* The look-back year's employees: last year's rows, or in the first year the
         * census roster with its census pay (age one year younger). */
        for (size_t j = 0; j < pop; j++) {
            if (prev) {
                comp[j] = prev->comp[j];
                counted[j] = counted_414q5(prev->age[j], prev->hire_date[j], prev->sched_hours[j], look_back);
            } else {
                comp[j] = cur->census_comp[j];
                counted[j] = !isnan(comp[j]) && counted_414q5(cur->age[j] - 1, cur->hire_date[j], cur->sched_hours[j],
                                                               look_back);
            }
        }
        tpg_size = pw_top_paid_group(comp, counted, pop, member);
    }
    for (size_t i = 0; i < cur->n; i++) {
        int64_t j = cur->prev_row[i];
        double prior = prev ? (j >= 0 ? prev->comp[j] : NAN) : cur->census_comp[i];
        cur->prior_comp[i] = prior;
        /* The scenario's first year: the simulation knew the look-back pay (census pay,
         * or last year's pay before a branch point), so its flag decides for everyone
         * but owners, whose flag does not tell whether their pay was over the amount. */
        bool over = !isnan(prior) && prior > p->hce_threshold_prev;
        bool pay = prev || cur->owner5[i] ? over : cur->sim_hce[i] != 0;
        bool in_tpg = !member || (prev ? j >= 0 && member[j] : member[i]);
        above += pay;
        outside_tpg += pay && !in_tpg;
        owners += cur->owner5[i];
        cur->hce_basis[i] = (uint8_t)((pay && in_tpg ? PW_CY_HCE_PAY : 0u) | (cur->owner5[i] ? PW_CY_HCE_OWNER : 0u));
        cur->hce[i] = cur->hce_basis[i] != 0;
        mismatch += (cur->owner5[i] || over) != (cur->sim_hce[i] != 0);
    }
    free(member), free(counted), free(comp);

    size_t hces = 0;
    for (size_t i = 0; i < cur->n; i++) hces += cur->hce[i];
    pw__cy_test_init(t, p->cfg->top_paid_group ? "top_paid_group" : "look_back", "report");
    t->hce_count = (int64_t)hces;
    t->nhce_count = (int64_t)(cur->n - hces);
    t->excluded_count = 0;
    char d[32];
    pw__cy_note(t->note, sizeof t->note, "%zu paid more than %s in %d", above,
                pw__cy_dollars(p->hce_threshold_prev, d, sizeof d), look_back);
    if (p->cfg->top_paid_group)
        pw__cy_note(t->note, sizeof t->note, "top-paid group of %zu: %zu of them outside it", tpg_size, outside_tpg);
    pw__cy_note(t->note, sizeof t->note, "%zu 5%% owners", owners);
    if (mismatch)
        pw__cy_note(t->note, sizeof t->note,
                    "the snapshot's is_hce differs for %zu employees from the look-back pay over the amount "
                    "(other IRS limits than the run's%s)", mismatch, prev ? "" : ", or a branched scenario's first year");
    return 0;
}

/* ---- 416(i): key employees of the year ---- */

static int determine_keys(const struct pw_cy_params *p, struct pw_cy_year *cur)
{
    size_t n = cur->n ? cur->n : 1;
    bool *b = malloc(4 * n * sizeof *b);
    if (!b) return PW_ENOMEM;
    bool *officer = b, *owner5 = b + n, *owner1 = b + 2 * n, *counted = b + 3 * n;
    for (size_t i = 0; i < cur->n; i++) {
        officer[i] = cur->officer[i], owner5[i] = cur->owner5[i], owner1[i] = cur->owner1[i];
        counted[i] = counted_414q5(cur->age[i], cur->hire_date[i], cur->sched_hours[i], cur->year);
    }
    pw_key_employees(cur->comp, officer, owner5, owner1, counted, cur->n, p->officer_pay, p->cfg->one_pct_owner_pay,
                     cur->key_basis);
    free(b);
    return 0;
}

/* ---- balances on Dec 31, read by next year's top-heavy determination ---- */

static void close_balances(const struct pw_cy_params *p, struct pw_cy_year *cur, const struct pw_cy_year *prev)
{
    cur->key_balance = cur->total_balance = 0;
    for (size_t i = 0; i < cur->n; i++) {
        int64_t j = cur->prev_row[i];
        cur->cum_deferrals[i] = (j >= 0 ? prev->cum_deferrals[j] : 0) + cur->deferrals[i];
        double adj = cur->adp_qnec[i] + cur->acp_qnec[i] + cur->th_minimum[i] - cur->adp_refund[i] - cur->acp_refund[i];
        /* cum_adjust already holds this year's prior-year-testing QNECs (compliance_avg.c) */
        cur->cum_adjust[i] += (j >= 0 ? prev->cum_adjust[j] : 0) + (p->cfg->carry_forward ? adj : 0);
        cur->plan_balance[i] = cur->employer_balance[i] + cur->cum_deferrals[i] + cur->cum_adjust[i];
        cur->total_balance += cur->plan_balance[i];
        if (cur->key_basis[i]) cur->key_balance += cur->plan_balance[i];
    }
}

int pw_cy_run(const struct pw_cy_params *p, struct pw_cy_year *cur, struct pw_cy_year *prev,
              struct pw_cy_test tests[PW_CY_TESTS])
{
    for (size_t i = 0; i < cur->n; i++) {
        cur->adp_ratio[i] = cur->acp_ratio[i] = cur->rate_group_ratio[i] = NAN;
        cur->adp_refund[i] = cur->acp_refund[i] = cur->adp_qnec[i] = cur->acp_qnec[i] = 0;
        cur->th_minimum[i] = cur->cum_adjust[i] = cur->core_rate[i] = 0;
        cur->benefits[i] = cur->coverage_excluded[i] = 0;
    }
    int rc = link_prev(cur, prev);
    if (!rc) rc = determine_hce(p, cur, prev, &tests[PW_CY_HCE]);
    if (!rc) rc = determine_keys(p, cur);
    if (!rc) rc = pw__cy_avg_tests(p, cur, prev, tests);
    if (!rc) rc = pw__cy_coverage_tests(p, cur, tests);
    if (!rc) rc = pw__cy_top_heavy(p, cur, prev, &tests[PW_CY_TOP_HEAVY]);
    if (rc) return rc;
    pw__cy_limit_reports(cur, tests);
    close_balances(p, cur, prev);
    return 0;
}
