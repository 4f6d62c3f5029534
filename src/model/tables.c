/* tables.c: loading and validating the assumption tables of MODEL 2.3, and the
 * small lookups the simulation steps use on them.
 *
 * Each table comes from an explicit file, else <name>.csv in the assumptions
 * directory, else the built-in copy embedded from data/defaults/. Tables are
 * loaded in enum order so a table can be checked against the ones it refers to
 * (hazard band labels, merit levels, enrollment group names). */
#include "model/tables.h"

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/embedded.h"
#include "core/log.h"
#include "model/csv.h"

_Static_assert(PW_TABLE_COUNT == 16, "pw_tables_load_with takes 16 files");
_Static_assert(PW_TABLE_COUNT <= 32, "pw_tables.source has 32 slots");

const char *const pw_table_names[PW_TABLE_COUNT] = {
    "age_bands", "tenure_bands", "job_levels", "termination_hazard", "promotion_hazard",
    "merit_cola_by_level", "irs_limits", "new_hire_age_distribution", "raise_timing_distribution",
    "enrollment_groups", "enrollment_opt_out_rates", "enrollment_proactive_rates",
    "enrollment_voluntary_rates", "enrollment_voluntary_deferral_rates", "enrollment_yoy_rates",
    "vesting_schedules",
};

static const char *const dim_names[PW_DIM_COUNT] = {"age", "income", "job_level", "tenure"};

#define TRY(expr)                                                          \
    do {                                                                   \
        int rc_ = (expr);                                                  \
        if (rc_ < 0) return rc_;                                           \
    } while (0)

static int no_rows(const struct pw_csv *c, struct pw_err *err)
{
    return pw_err_set(err, PW_ETABLE, "'%s' has no data rows", c->name);
}

/* ---- age_bands, tenure_bands ------------------------------------------------ */

static int load_bands(struct pw_csv *c, struct pw_bands *b, struct pw_err *err)
{
    static const char *const cols[] = {"band_id", "band_label", "min_value", "max_value"};
    int ix[4], rc, id;
    size_t open_line = 0;
    char x[32], y[32];
    TRY(pw_csv_expect_columns(c, cols, 4, ix, err));
    while ((rc = pw_csv_next(c, err)) > 0) {
        int i = b->count;
        if (open_line)
            return pw_csv_fail(c, -1, err, "band follows the open-ended band of line %zu (only the last band may have an empty max_value)", open_line);
        if (i == PW_MAX_BANDS) return pw_csv_fail(c, -1, err, "more than %d bands", PW_MAX_BANDS);
        TRY(pw_csv_get_int(c, ix[0], true, 0, 1000000, &id, err));
        TRY(pw_csv_get_label(c, ix[1], true, b->label[i], PW_LABEL_MAX, err));
        for (int j = 0; j < i; j++)
            if (strcmp(b->label[j], b->label[i]) == 0)
                return pw_csv_fail(c, ix[1], err, "duplicate band label '%s'", b->label[i]);
        TRY(pw_csv_get_range(c, ix[2], 0, INFINITY, &b->min[i], err));
        if (i == 0 && b->min[i] != 0)
            return pw_csv_fail(c, ix[2], err, "the first band must start at 0 (%s)", pw_csv_num(x, b->min[i]));
        if (i > 0 && b->min[i] != b->max[i - 1])
            return pw_csv_fail(c, ix[2], err, "must equal the previous band's max_value (%s != %s): bands must be contiguous",
                               pw_csv_num(x, b->min[i]), pw_csv_num(y, b->max[i - 1]));
        int got = pw_csv_get_number(c, ix[3], false, &b->max[i], err);
        TRY(got);
        if (got == 0) {
            b->max[i] = PW_NO_MAX;
            open_line = c->line;
        } else if (b->max[i] <= b->min[i]) {
            return pw_csv_fail(c, ix[3], err, "must be greater than min_value (%s <= %s)", pw_csv_num(x, b->max[i]),
                               pw_csv_num(y, b->min[i]));
        }
        b->count++;
    }
    TRY(rc);
    if (b->count == 0) return no_rows(c, err);
    if (!open_line) return pw_csv_fail(c, ix[3], err, "the last band must be open-ended (empty max_value)");
    return 0;
}

static int load_age_bands(struct pw_csv *c, struct pw_tables *t, struct pw_err *err)
{
    return load_bands(c, &t->age_bands, err);
}

static int load_tenure_bands(struct pw_csv *c, struct pw_tables *t, struct pw_err *err)
{
    return load_bands(c, &t->tenure_bands, err);
}

/* ---- job_levels ------------------------------------------------------------- */

static int load_levels(struct pw_csv *c, struct pw_tables *t, struct pw_err *err)
{
    static const char *const cols[] = {"level_id", "level_name", "min_compensation", "max_compensation"};
    struct pw_job_levels *lv = &t->levels;
    size_t seen[PW_MAX_LEVELS + 1] = {0};
    int ix[4], rc, id, top = 0;
    char x[32], y[32];
    TRY(pw_csv_expect_columns(c, cols, 4, ix, err));
    while ((rc = pw_csv_next(c, err)) > 0) {
        TRY(pw_csv_get_int(c, ix[0], true, 1, PW_MAX_LEVELS, &id, err));
        if (seen[id]) return pw_csv_fail(c, ix[0], err, "level %d is already defined on line %zu", id, seen[id]);
        seen[id] = c->line;
        if (id > top) top = id;
        TRY(pw_csv_get_label(c, ix[1], true, lv->name[id], PW_LABEL_MAX, err));
        TRY(pw_csv_get_range(c, ix[2], 0, INFINITY, &lv->min_comp[id], err));
        TRY(pw_csv_get_number(c, ix[3], true, &lv->max_comp[id], err));
        if (lv->max_comp[id] <= lv->min_comp[id])
            return pw_csv_fail(c, ix[3], err, "must be greater than min_compensation (%s <= %s)",
                               pw_csv_num(x, lv->max_comp[id]), pw_csv_num(y, lv->min_comp[id]));
    }
    TRY(rc);
    if (top == 0) return no_rows(c, err);
    for (int l = 1; l <= top; l++)
        if (!seen[l])
            return pw_err_set(err, PW_ETABLE, "'%s': level ids must run 1..%d without gaps: level %d is missing",
                              c->name, top, l);
    lv->count = top;
    return 0;
}

/* ---- termination_hazard, promotion_hazard ----------------------------------- */

/* Position of label among the bands, or -1. */
static int band_by_label(const struct pw_bands *b, const char *label)
{
    for (int i = 0; i < b->count; i++)
        if (strcmp(b->label[i], label) == 0) return i;
    return -1;
}

static void list_labels(char *out, size_t cap, const char (*labels)[PW_LABEL_MAX], int n)
{
    size_t used = 0;
    out[0] = '\0';
    for (int i = 0; i < n && used < cap; i++)
        used += (size_t)snprintf(out + used, cap - used, "%s'%s'", i ? ", " : "", labels[i]);
}

static int load_hazard(struct pw_csv *c, const struct pw_tables *t, struct pw_hazard *h, bool termination,
                       struct pw_err *err)
{
    static const char *const cols[] = {"component", "band_label", "value"};
    const char *scalar[3] = {"base_rate", termination ? "level_discount_factor" : "level_dampener_factor",
                             "min_level_discount_multiplier"};
    double *dest[3] = {&h->base_rate, &h->level_factor, &h->min_level_multiplier};
    const int nscalar = termination ? 3 : 2;
    const char *mult[2] = {"age_multiplier", "tenure_multiplier"};
    const struct pw_bands *bands[2] = {&t->age_bands, &t->tenure_bands};
    double *mdest[2] = {h->age_mult, h->tenure_mult};
    size_t scalar_line[3] = {0}, band_line[2][PW_MAX_BANDS] = {{0}};
    char comp[PW_LABEL_MAX], label[PW_LABEL_MAX], list[512], x[32];
    int ix[3], rc;
    double v;
    TRY(pw_csv_expect_columns(c, cols, 3, ix, err));
    while ((rc = pw_csv_next(c, err)) > 0) {
        TRY(pw_csv_get_label(c, ix[0], true, comp, sizeof comp, err));
        TRY(pw_csv_get_label(c, ix[1], false, label, sizeof label, err));
        TRY(pw_csv_get_number(c, ix[2], true, &v, err));
        int s = 0, m = 0;
        while (s < nscalar && strcmp(comp, scalar[s]) != 0) s++;
        while (m < 2 && strcmp(comp, mult[m]) != 0) m++;
        if (s < nscalar) {
            if (label[0]) return pw_csv_fail(c, ix[1], err, "must be empty for component '%s'", comp);
            if (scalar_line[s])
                return pw_csv_fail(c, ix[0], err, "component '%s' is already given on line %zu", comp, scalar_line[s]);
            if (s == 0 && v <= 0) return pw_csv_fail(c, ix[2], err, "base_rate must be greater than 0 (%s)", pw_csv_num(x, v));
            if (v < 0) return pw_csv_fail(c, ix[2], err, "must not be negative (%s)", pw_csv_num(x, v));
            scalar_line[s] = c->line;
            *dest[s] = v;
        } else if (m < 2) {
            int b = band_by_label(bands[m], label);
            if (b < 0) {
                list_labels(list, sizeof list, bands[m]->label, bands[m]->count);
                return pw_csv_fail(c, ix[1], err, "'%s' is not one of the %s band labels (%s)", label,
                                   m ? "tenure" : "age", list);
            }
            if (band_line[m][b])
                return pw_csv_fail(c, ix[1], err, "band '%s' already has a %s on line %zu", label, comp, band_line[m][b]);
            if (v < 0) return pw_csv_fail(c, ix[2], err, "must not be negative (%s)", pw_csv_num(x, v));
            band_line[m][b] = c->line;
            mdest[m][b] = v;
        } else {
            return pw_csv_fail(c, ix[0], err, "unknown component '%s' (expected %s, %s%s%s, age_multiplier, tenure_multiplier)",
                               comp, scalar[0], scalar[1], termination ? ", " : "", termination ? scalar[2] : "");
        }
    }
    TRY(rc);
    for (int s = 0; s < nscalar; s++)
        if (!scalar_line[s]) return pw_err_set(err, PW_ETABLE, "'%s': missing row for component '%s'", c->name, scalar[s]);
    for (int m = 0; m < 2; m++)
        for (int b = 0; b < bands[m]->count; b++)
            if (!band_line[m][b])
                return pw_err_set(err, PW_ETABLE, "'%s': no %s row for %s band '%s'", c->name, mult[m],
                                  m ? "tenure" : "age", bands[m]->label[b]);
    return 0;
}

static int load_termination(struct pw_csv *c, struct pw_tables *t, struct pw_err *err)
{
    return load_hazard(c, t, &t->termination, true, err);
}

static int load_promotion(struct pw_csv *c, struct pw_tables *t, struct pw_err *err)
{
    return load_hazard(c, t, &t->promotion, false, err);
}

/* ---- merit_cola_by_level ---------------------------------------------------- */

static int load_merit(struct pw_csv *c, struct pw_tables *t, struct pw_err *err)
{
    static const char *const cols[] = {"level_id", "merit_base", "cola_rate"};
    size_t seen[PW_MAX_LEVELS + 1] = {0};
    int ix[3], rc, id;
    TRY(pw_csv_expect_columns(c, cols, 3, ix, err));
    while ((rc = pw_csv_next(c, err)) > 0) {
        TRY(pw_csv_get_int(c, ix[0], true, 1, t->levels.count, &id, err));
        if (seen[id]) return pw_csv_fail(c, ix[0], err, "level %d is already given on line %zu", id, seen[id]);
        seen[id] = c->line;
        TRY(pw_csv_get_range(c, ix[1], 0, 0.5, &t->merit_base[id], err));
        TRY(pw_csv_get_range(c, ix[2], 0, 0.5, &t->cola_rate[id], err));
    }
    TRY(rc);
    for (int l = 1; l <= t->levels.count; l++)
        if (!seen[l])
            return pw_err_set(err, PW_ETABLE, "'%s': no row for level %d (one row per level of job_levels)", c->name, l);
    return 0;
}

/* ---- irs_limits ------------------------------------------------------------- */

static int load_irs(struct pw_csv *c, struct pw_tables *t, struct pw_err *err)
{
    static const char *const cols[] = {"year", "deferral_limit", "catch_up_total_limit", "super_catch_up_total_limit",
                                       "compensation_limit", "hce_threshold", "annual_additions_limit", "ss_wage_base",
                                       "catch_up_age", "super_catch_up_min_age", "super_catch_up_max_age", "estimated"};
    int ix[12], rc;
    char x[32], y[32];
    TRY(pw_csv_expect_columns(c, cols, 12, ix, err));
    while ((rc = pw_csv_next(c, err)) > 0) {
        if (t->irs_count == PW_MAX_IRS_YEARS) return pw_csv_fail(c, -1, err, "more than %d years", PW_MAX_IRS_YEARS);
        struct pw_irs_year *r = &t->irs[t->irs_count];
        TRY(pw_csv_get_int(c, ix[0], true, 1800, 3000, &r->year, err));
        if (t->irs_count && r->year != r[-1].year + 1)
            return pw_csv_fail(c, ix[0], err, "years must be consecutive and ascending: expected %d after %d, found %d",
                               r[-1].year + 1, r[-1].year, r->year);
        double *lim[7] = {&r->deferral_limit, &r->catch_up_total_limit, &r->super_catch_up_total_limit,
                          &r->compensation_limit, &r->hce_threshold, &r->annual_additions_limit, &r->ss_wage_base};
        for (int k = 0; k < 7; k++) {
            TRY(pw_csv_get_number(c, ix[1 + k], true, lim[k], err));
            if (*lim[k] <= 0) return pw_csv_fail(c, ix[1 + k], err, "must be greater than 0 (%s)", pw_csv_num(x, *lim[k]));
        }
        for (int k = 1; k <= 2; k++)
            if (*lim[k] < r->deferral_limit)
                return pw_csv_fail(c, ix[1 + k], err, "must be at least deferral_limit (%s < %s): catch-up columns are total limits, not increments",
                                   pw_csv_num(x, *lim[k]), pw_csv_num(y, r->deferral_limit));
        TRY(pw_csv_get_int(c, ix[8], true, 0, 120, &r->catch_up_age, err));
        TRY(pw_csv_get_int(c, ix[9], true, 0, 120, &r->super_catch_up_min_age, err));
        TRY(pw_csv_get_int(c, ix[10], true, 0, 120, &r->super_catch_up_max_age, err));
        if (r->super_catch_up_max_age < r->super_catch_up_min_age)
            return pw_csv_fail(c, ix[10], err, "must be at least super_catch_up_min_age (%d < %d)",
                               r->super_catch_up_max_age, r->super_catch_up_min_age);
        r->estimated = false;
        TRY(pw_csv_get_bool(c, ix[11], false, &r->estimated, err));
        t->irs_count++;
    }
    TRY(rc);
    return t->irs_count ? 0 : no_rows(c, err);
}

/* ---- new_hire_age_distribution, raise_timing_distribution ------------------- */

static int load_hire_ages(struct pw_csv *c, struct pw_tables *t, struct pw_err *err)
{
    static const char *const cols[] = {"age", "weight"};
    size_t seen[81] = {0};
    int ix[2], rc, age, n = 0;
    double w, sum = 0;
    TRY(pw_csv_expect_columns(c, cols, 2, ix, err));
    while ((rc = pw_csv_next(c, err)) > 0) {
        TRY(pw_csv_get_int(c, ix[0], true, 14, 80, &age, err));
        if (seen[age]) return pw_csv_fail(c, ix[0], err, "age %d is already listed on line %zu", age, seen[age]);
        seen[age] = c->line;
        TRY(pw_csv_get_range(c, ix[1], 0, INFINITY, &w, err));
        sum += w;
        t->new_hire_age[n] = age, t->new_hire_age_weight[n] = w, n++;
    }
    TRY(rc);
    if (n == 0) return no_rows(c, err);
    if (sum <= 0) return pw_err_set(err, PW_ETABLE, "'%s': weights must sum to more than 0", c->name);
    /* Ascending ages: the categorical draw (MODEL 3.4) walks values in order. */
    for (int i = 1; i < n; i++)
        for (int j = i; j > 0 && t->new_hire_age[j - 1] > t->new_hire_age[j]; j--) {
            int a = t->new_hire_age[j];
            double aw = t->new_hire_age_weight[j];
            t->new_hire_age[j] = t->new_hire_age[j - 1], t->new_hire_age_weight[j] = t->new_hire_age_weight[j - 1];
            t->new_hire_age[j - 1] = a, t->new_hire_age_weight[j - 1] = aw;
        }
    for (int i = 0; i < n; i++) t->new_hire_age_weight[i] /= sum;
    t->new_hire_age_count = n;
    return 0;
}

static int load_raise_timing(struct pw_csv *c, struct pw_tables *t, struct pw_err *err)
{
    static const char *const cols[] = {"month", "weight"};
    size_t seen[13] = {0};
    int ix[2], rc, month;
    double sum = 0;
    char x[32];
    TRY(pw_csv_expect_columns(c, cols, 2, ix, err));
    while ((rc = pw_csv_next(c, err)) > 0) {
        TRY(pw_csv_get_int(c, ix[0], true, 1, 12, &month, err));
        if (seen[month]) return pw_csv_fail(c, ix[0], err, "month %d is already listed on line %zu", month, seen[month]);
        seen[month] = c->line;
        double *w = &t->raise_month_weight[month];
        TRY(pw_csv_get_range(c, ix[1], 0, INFINITY, w, err));
        sum += *w;
    }
    TRY(rc);
    for (int m = 1; m <= 12; m++)
        if (!seen[m]) return pw_err_set(err, PW_ETABLE, "'%s': month %d is missing (months 1-12 once each)", c->name, m);
    /* The built-in table (from the model specification) sums to 1.07; draws are
     * categorical over normalised weights (MODEL 3.4), so only a user file that
     * strays from 1 is worth a warning, and only a zero total is an error. */
    if (!(sum > 0))
        return pw_err_set(err, PW_ETABLE, "'%s': weights sum to %s, expected a positive total", c->name, pw_csv_num(x, sum));
    if (fabs(sum - 1) > 0.001 && strncmp(c->name, "built-in", 8) != 0)
        pw_warn("'%s': weights sum to %s, not 1; they are normalised", c->name, pw_csv_num(x, sum));
    for (int m = 1; m <= 12; m++) t->raise_month_weight[m] /= sum;
    return 0;
}

/* ---- enrollment_groups ------------------------------------------------------ */

static int load_groups(struct pw_csv *c, struct pw_tables *t, struct pw_err *err)
{
    static const char *const cols[] = {"dimension", "group_name", "min_value", "max_value"};
    size_t open_line[PW_DIM_COUNT] = {0};
    char dim_name[PW_LABEL_MAX], x[32], y[32];
    int ix[4], rc;
    TRY(pw_csv_expect_columns(c, cols, 4, ix, err));
    while ((rc = pw_csv_next(c, err)) > 0) {
        TRY(pw_csv_get_label(c, ix[0], true, dim_name, sizeof dim_name, err));
        int d = 0;
        while (d < PW_DIM_COUNT && strcmp(dim_name, dim_names[d]) != 0) d++;
        if (d == PW_DIM_COUNT)
            return pw_csv_fail(c, ix[0], err, "unknown dimension '%s' (expected age, income, job_level or tenure)", dim_name);
        struct pw_groups *g = &t->groups[d];
        int i = g->count;
        if (open_line[d])
            return pw_csv_fail(c, -1, err, "%s group follows the open-ended group of line %zu (only the last group may have an empty max_value)",
                               dim_name, open_line[d]);
        if (i == 8) return pw_csv_fail(c, -1, err, "more than 8 groups for dimension '%s'", dim_name);
        TRY(pw_csv_get_label(c, ix[1], true, g->name[i], PW_LABEL_MAX, err));
        for (int j = 0; j < i; j++)
            if (strcmp(g->name[j], g->name[i]) == 0)
                return pw_csv_fail(c, ix[1], err, "duplicate %s group '%s'", dim_name, g->name[i]);
        TRY(pw_csv_get_range(c, ix[2], 0, INFINITY, &g->min[i], err));
        if (i > 0 && g->min[i] != g->max[i - 1])
            return pw_csv_fail(c, ix[2], err, "must equal the previous %s group's max_value (%s != %s): groups must be contiguous",
                               dim_name, pw_csv_num(x, g->min[i]), pw_csv_num(y, g->max[i - 1]));
        int got = pw_csv_get_number(c, ix[3], false, &g->max[i], err);
        TRY(got);
        if (got == 0) {
            g->max[i] = PW_NO_MAX;
            open_line[d] = c->line;
        } else if (g->max[i] <= g->min[i]) {
            return pw_csv_fail(c, ix[3], err, "must be greater than min_value (%s <= %s)", pw_csv_num(x, g->max[i]),
                               pw_csv_num(y, g->min[i]));
        }
        g->count++;
    }
    TRY(rc);
    for (int d = 0; d < PW_DIM_COUNT; d++) {
        if (t->groups[d].count == 0)
            return pw_err_set(err, PW_ETABLE, "'%s': no groups for dimension '%s'", c->name, dim_names[d]);
        if (!open_line[d])
            return pw_err_set(err, PW_ETABLE, "'%s': the last %s group ('%s') must be open-ended (empty max_value)",
                              c->name, dim_names[d], t->groups[d].name[t->groups[d].count - 1]);
    }
    return 0;
}

/* ---- enrollment rate tables ------------------------------------------------- */

/* Reads a group name in column col and finds it in dimension dim. */
static int get_group(const struct pw_csv *c, int col, const struct pw_tables *t, int dim, int *out, struct pw_err *err)
{
    char name[PW_LABEL_MAX], list[512];
    const struct pw_groups *g = &t->groups[dim];
    TRY(pw_csv_get_label(c, col, true, name, sizeof name, err));
    for (int i = 0; i < g->count; i++)
        if (strcmp(g->name[i], name) == 0) return *out = i, 0;
    list_labels(list, sizeof list, g->name, g->count);
    return pw_csv_fail(c, col, err, "'%s' is not one of the %s groups of enrollment_groups (%s)", name,
                       dim_names[dim], list);
}

struct component {
    const char *name;   /* value of the component column */
    int dim;            /* enum pw_group_dim of group_name */
    double *dest;       /* indexed by group */
    double hi;          /* values in [0, hi] */
};

static int load_components(struct pw_csv *c, const struct pw_tables *t, const struct component *spec, int n,
                           struct pw_err *err)
{
    static const char *const cols[] = {"component", "group_name", "value"};
    size_t seen[4][8] = {{0}};
    char comp[PW_LABEL_MAX], expected[256] = "";
    int ix[3], rc, g;
    size_t used = 0;
    for (int k = 0; k < n; k++) used += (size_t)snprintf(expected + used, sizeof expected - used, "%s%s", k ? ", " : "", spec[k].name);
    TRY(pw_csv_expect_columns(c, cols, 3, ix, err));
    while ((rc = pw_csv_next(c, err)) > 0) {
        TRY(pw_csv_get_label(c, ix[0], true, comp, sizeof comp, err));
        int k = 0;
        while (k < n && strcmp(comp, spec[k].name) != 0) k++;
        if (k == n) return pw_csv_fail(c, ix[0], err, "unknown component '%s' (expected %s)", comp, expected);
        TRY(get_group(c, ix[1], t, spec[k].dim, &g, err));
        if (seen[k][g])
            return pw_csv_fail(c, ix[1], err, "%s of group '%s' is already given on line %zu", comp,
                               t->groups[spec[k].dim].name[g], seen[k][g]);
        seen[k][g] = c->line;
        TRY(pw_csv_get_range(c, ix[2], 0, spec[k].hi, &spec[k].dest[g], err));
    }
    TRY(rc);
    for (int k = 0; k < n; k++)
        for (g = 0; g < t->groups[spec[k].dim].count; g++)
            if (!seen[k][g])
                return pw_err_set(err, PW_ETABLE, "'%s': component '%s' has no row for %s group '%s'", c->name,
                                  spec[k].name, dim_names[spec[k].dim], t->groups[spec[k].dim].name[g]);
    return 0;
}

static int load_opt_out(struct pw_csv *c, struct pw_tables *t, struct pw_err *err)
{
    const struct component spec[] = {{"rate_by_age", PW_DIM_AGE, t->opt_out_rate_by_age, 1},
                                     {"income_multiplier", PW_DIM_INCOME, t->opt_out_income_mult, 10}};
    return load_components(c, t, spec, 2, err);
}

static int load_voluntary(struct pw_csv *c, struct pw_tables *t, struct pw_err *err)
{
    const struct component spec[] = {{"base_rate_by_age", PW_DIM_AGE, t->voluntary_base_by_age, 1},
                                     {"income_multiplier", PW_DIM_INCOME, t->voluntary_income_mult, 10},
                                     {"job_level_multiplier", PW_DIM_JOB_LEVEL, t->voluntary_level_mult, 10}};
    return load_components(c, t, spec, 3, err);
}

static int load_yoy(struct pw_csv *c, struct pw_tables *t, struct pw_err *err)
{
    const struct component spec[] = {{"base_rate_by_age", PW_DIM_AGE, t->yoy_base_by_age, 1},
                                     {"income_multiplier", PW_DIM_INCOME, t->yoy_income_mult, 10},
                                     {"tenure_multiplier", PW_DIM_TENURE, t->yoy_tenure_mult, 10},
                                     {"deferral_rate_by_age", PW_DIM_AGE, t->yoy_deferral_by_age, 1}};
    return load_components(c, t, spec, 4, err);
}

static int load_proactive(struct pw_csv *c, struct pw_tables *t, struct pw_err *err)
{
    static const char *const cols[] = {"age_group", "probability"};
    size_t seen[8] = {0};
    int ix[2], rc, g;
    TRY(pw_csv_expect_columns(c, cols, 2, ix, err));
    while ((rc = pw_csv_next(c, err)) > 0) {
        TRY(get_group(c, ix[0], t, PW_DIM_AGE, &g, err));
        if (seen[g]) return pw_csv_fail(c, ix[0], err, "group '%s' is already given on line %zu", t->groups[0].name[g], seen[g]);
        seen[g] = c->line;
        TRY(pw_csv_get_range(c, ix[1], 0, 1, &t->proactive_prob_by_age[g], err));
    }
    TRY(rc);
    for (g = 0; g < t->groups[PW_DIM_AGE].count; g++)
        if (!seen[g]) return pw_err_set(err, PW_ETABLE, "'%s': no row for age group '%s'", c->name, t->groups[0].name[g]);
    return 0;
}

static int load_voluntary_deferral(struct pw_csv *c, struct pw_tables *t, struct pw_err *err)
{
    static const char *const cols[] = {"age_group", "income_group", "deferral_rate"};
    size_t seen[8][8] = {{0}};
    int ix[3], rc, a, i;
    TRY(pw_csv_expect_columns(c, cols, 3, ix, err));
    while ((rc = pw_csv_next(c, err)) > 0) {
        TRY(get_group(c, ix[0], t, PW_DIM_AGE, &a, err));
        TRY(get_group(c, ix[1], t, PW_DIM_INCOME, &i, err));
        if (seen[a][i])
            return pw_csv_fail(c, ix[1], err, "pair ('%s', '%s') is already given on line %zu", t->groups[PW_DIM_AGE].name[a],
                               t->groups[PW_DIM_INCOME].name[i], seen[a][i]);
        seen[a][i] = c->line;
        TRY(pw_csv_get_range(c, ix[2], 0, 1, &t->voluntary_deferral[a][i], err));
    }
    TRY(rc);
    for (a = 0; a < t->groups[PW_DIM_AGE].count; a++)
        for (i = 0; i < t->groups[PW_DIM_INCOME].count; i++)
            if (!seen[a][i])
                return pw_err_set(err, PW_ETABLE, "'%s': no row for age group '%s' and income group '%s'", c->name,
                                  t->groups[PW_DIM_AGE].name[a], t->groups[PW_DIM_INCOME].name[i]);
    return 0;
}

/* ---- vesting_schedules ------------------------------------------------------ */

static int load_vesting(struct pw_csv *c, struct pw_tables *t, struct pw_err *err)
{
    static const char *const cols[] = {"schedule", "years_of_service", "vested_pct"};
    size_t last_line[PW_MAX_SCHEDULES] = {0};
    char name[PW_LABEL_MAX], x[32], y[32];
    int ix[3], rc, years;
    double pct;
    TRY(pw_csv_expect_columns(c, cols, 3, ix, err));
    while ((rc = pw_csv_next(c, err)) > 0) {
        TRY(pw_csv_get_label(c, ix[0], true, name, sizeof name, err));
        int s = 0;
        while (s < t->schedule_count && strcmp(t->schedules[s].name, name) != 0) s++;
        if (s == t->schedule_count) {
            if (s == PW_MAX_SCHEDULES) return pw_csv_fail(c, ix[0], err, "more than %d schedules", PW_MAX_SCHEDULES);
            memcpy(t->schedules[s].name, name, sizeof name);
            t->schedules[s].years = -1;
            t->schedule_count++;
        }
        struct pw_vesting_schedule *v = &t->schedules[s];
        TRY(pw_csv_get_int(c, ix[1], true, 0, PW_MAX_SCHEDULE_YEARS - 1, &years, err));
        if (years != v->years + 1)
            return pw_csv_fail(c, ix[1], err, "expected %d for schedule '%s' (years must run 0, 1, 2, ... without gaps), found %d",
                               v->years + 1, name, years);
        TRY(pw_csv_get_range(c, ix[2], 0, 1, &pct, err));
        if (years > 0 && pct < v->pct[years - 1])
            return pw_csv_fail(c, ix[2], err, "must not decrease from the previous year of schedule '%s' (%s < %s)", name,
                               pw_csv_num(x, pct), pw_csv_num(y, v->pct[years - 1]));
        v->pct[years] = pct;
        v->years = years;
        last_line[s] = c->line;
    }
    TRY(rc);
    if (t->schedule_count == 0) return no_rows(c, err);
    for (int s = 0; s < t->schedule_count; s++) {
        const struct pw_vesting_schedule *v = &t->schedules[s];
        if (v->pct[v->years] != 1.0)
            return pw_err_set(err, PW_ETABLE, "'%s' line %zu, column 'vested_pct': schedule '%s' must end at 1 (its last row has %s)",
                              c->name, last_line[s], v->name, pw_csv_num(x, v->pct[v->years]));
    }
    return 0;
}

/* ---- loading ------------------------------------------------------------------ */

typedef int (*table_loader)(struct pw_csv *c, struct pw_tables *t, struct pw_err *err);

static const table_loader loaders[PW_TABLE_COUNT] = {
    load_age_bands, load_tenure_bands, load_levels, load_termination, load_promotion, load_merit, load_irs,
    load_hire_ages, load_raise_timing, load_groups, load_opt_out, load_proactive, load_voluntary,
    load_voluntary_deferral, load_yoy, load_vesting,
};

int pw_table_id(const char *name)
{
    size_t n = strlen(name);
    if (n > 4 && strcmp(name + n - 4, ".csv") == 0) n -= 4;
    for (int i = 0; i < PW_TABLE_COUNT; i++)
        if (strlen(pw_table_names[i]) == n && strncmp(pw_table_names[i], name, n) == 0) return i;
    return -1;
}

/* A misspelt file name would silently leave the built-in table in force. */
static void warn_unknown_files(const char *directory)
{
    DIR *d = opendir(directory);
    if (!d) return;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        size_t n = strlen(e->d_name);
        if (n > 4 && strcmp(e->d_name + n - 4, ".csv") == 0 && pw_table_id(e->d_name) < 0)
            pw_warn("ignoring '%s' in assumptions directory '%s': not an assumption table name", e->d_name, directory);
    }
    closedir(d);
}

static int load_one(struct pw_tables *t, int i, const char *directory, const char *file, struct pw_err *err)
{
    char path[PW_PATH_MAX], display[96];
    const char *use = NULL;
    struct pw_csv c;
    int rc;
    if (file && *file) {
        use = file;
    } else if (directory && *directory) {
        size_t n = strlen(directory);
        int w = snprintf(path, sizeof path, "%s%s%s.csv", directory, directory[n - 1] == '/' ? "" : "/", pw_table_names[i]);
        if (w < 0 || (size_t)w >= sizeof path) return pw_err_set(err, PW_EIO, "assumptions directory path '%s' is too long", directory);
        if (access(path, F_OK) == 0) use = path;
    }
    if (use) {
        if (strlen(use) >= PW_PATH_MAX) return pw_err_set(err, PW_EIO, "path '%s' is too long", use);
        rc = pw_csv_open_file(&c, use, NULL, err);
        snprintf(t->source[i], PW_PATH_MAX, "%s", use);
    } else {
        char fname[64];
        snprintf(fname, sizeof fname, "%s.csv", pw_table_names[i]);
        const struct pw_embedded_file *ef = pw_embedded_find(pw_default_tables, fname);
        PW_ASSERT(ef != NULL);
        snprintf(display, sizeof display, "built-in %s", fname);
        rc = pw_csv_open_text(&c, display, ef->text, strlen(ef->text), err);
        snprintf(t->source[i], PW_PATH_MAX, "built-in");
    }
    if (rc == 0) rc = pw_csv_read_header(&c, err);
    if (rc == 0) rc = loaders[i](&c, t, err);
    pw_csv_close(&c);
    return rc < 0 ? rc : 0;
}

int pw_tables_load_with(struct pw_tables *t, const char *directory, const char *const files[16], struct pw_err *err)
{
    memset(t, 0, sizeof *t);
    bool have_dir = directory && *directory;
    if (have_dir) {
        struct stat st;
        if (stat(directory, &st) != 0)
            return pw_err_set(err, PW_EIO, "cannot open assumptions directory '%s': %s", directory, strerror(errno));
        if (!S_ISDIR(st.st_mode)) return pw_err_set(err, PW_EIO, "assumptions directory '%s' is not a directory", directory);
    }
    for (int i = 0; i < PW_TABLE_COUNT; i++) TRY(load_one(t, i, directory, files ? files[i] : NULL, err));
    if (have_dir) warn_unknown_files(directory);
    return 0;
}

int pw_tables_load(struct pw_tables *t, const char *directory, struct pw_err *err)
{
    return pw_tables_load_with(t, directory, NULL, err);
}

/* ---- lookups ------------------------------------------------------------------ */

int pw_band_index(const struct pw_bands *b, double value)
{
    for (int i = 0; i < b->count - 1; i++)
        if (value < b->max[i]) return i;
    return b->count - 1;
}

int pw_group_index(const struct pw_groups *g, double value)
{
    for (int i = 0; i < g->count - 1; i++)
        if (value < g->max[i]) return i;
    return g->count - 1;
}

/* One warning per out-of-table year for the whole process; a bit per year keeps
 * this lock-free for the worker threads that call it. Years 1800..3847. */
static _Atomic uint64_t irs_warned[32];

const struct pw_irs_year *pw_tables_irs(const struct pw_tables *t, int year)
{
    PW_ASSERT(t->irs_count > 0);
    int first = t->irs[0].year, last = t->irs[t->irs_count - 1].year;
    if (year >= first && year <= last) return &t->irs[year - first];
    const struct pw_irs_year *r = year < first ? &t->irs[0] : &t->irs[t->irs_count - 1];
    bool first_time = true;
    int slot = year - 1800;
    if (slot >= 0 && slot < 32 * 64) {
        uint64_t bit = 1ULL << (slot % 64);
        first_time = !(atomic_fetch_or(&irs_warned[slot / 64], bit) & bit);
    }
    if (first_time)
        pw_warn("no IRS limits for %d in irs_limits (%s); using those of %d", year, t->source[PW_TABLE_IRS_LIMITS], r->year);
    return r;
}

const struct pw_vesting_schedule *pw_tables_schedule(const struct pw_tables *t, const char *name)
{
    for (int i = 0; i < t->schedule_count; i++)
        if (strcmp(t->schedules[i].name, name) == 0) return &t->schedules[i];
    return NULL;
}

int pw_level_from_compensation(const struct pw_job_levels *levels, double comp)
{
    for (int l = 1; l <= levels->count; l++)
        if (levels->max_comp[l] > comp) return l;
    return levels->count;
}
