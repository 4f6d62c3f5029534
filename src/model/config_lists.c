/* config_lists.c: the list-valued keys of the reference layout that are not match
 * formulas or core schedules (PW_KEY_PLAN_LIST rows): the schedules of the match
 * modes that employer_match.employer_match_status selects, and the new_hire
 * block (hire ages, pay ranges of hires by level).
 *
 * Units follow the reference system's keys: the tenure and points match tiers
 * give match_rate and max_deferral_pct in percent (50 = 50%); its graded match
 * schedule takes either form the way its Studio export does (a match_rate up
 * to 2 and a max_deferral_pct up to 1 are fractions, larger values percents);
 * `rate` is always a percent there; tenure-graded band tiers are fractions.
 * Each list becomes a formula of the matching type, so the engine computes it
 * like any formula. Ranges and order are checked in pw__lists_finalize. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/log.h"
#include "core/num.h"
#include "model/plan_config_lists.h"

#define KEY_LEN 400

static const char *shape(const struct pw_node *n)
{
    switch (n->kind) {
    case PW_NODE_NULL: return "null";
    case PW_NODE_SCALAR: return "a scalar";
    case PW_NODE_MAP: return "a mapping";
    default: return "a list";
    }
}

static int fail_at(const char *file, int line, struct pw_err *err, const char *msg)
{
    if (file && line > 0) return pw_err_set(err, PW_ECONFIG, "%s:%d: %s", file, line, msg);
    return pw_err_set(err, PW_ECONFIG, "%s", msg);
}

/* Units of a number read from a row. */
enum unit { U_PLAIN, U_PERCENT, U_RATE_2, U_RATE_1 }; /* RATE_n: <= n is a fraction, above a percent */

struct col {
    const char *names[3]; /* accepted spellings, NULL-ended */
    enum unit unit;
    bool required, open;  /* open: null = PW_OPEN_MAX */
};

/* Reads one mapping item into v[] by cols; unknown keys warn. Returns 0 or PW_ECONFIG. */
static int read_item(const char *file, const struct pw_node *it, const char *key, const struct col *cols, int ncols,
                     double *v, struct pw_err *err)
{
    char msg[PW_ERR_MSG_MAX];
    if (it->kind != PW_NODE_MAP) {
        snprintf(msg, sizeof msg, "'%s' must be a mapping, got %s", key, shape(it));
        return fail_at(file, it->line, err, msg);
    }
    bool given[8] = {false};
    for (int i = 0; i < it->count; i++) {
        const struct pw_node *e = &it->child[i];
        int c = -1;
        for (int j = 0; j < ncols && c < 0; j++)
            for (int s = 0; s < 3 && cols[j].names[s]; s++)
                if (strcmp(cols[j].names[s], e->key) == 0) c = j;
        if (c < 0) {
            if (strcmp(e->key, "tier") != 0 && strcmp(e->key, "tiers") != 0)
                pw_warn("%s:%d: unknown key '%s.%s'; ignored", file ? file : "<config>", e->key_line, key, e->key);
            continue;
        }
        if (given[c]) {
            snprintf(msg, sizeof msg, "'%s' gives '%s' twice (under another name)", key, cols[c].names[0]);
            return fail_at(file, e->key_line, err, msg);
        }
        given[c] = true;
        if (e->kind == PW_NODE_NULL && cols[c].open) {
            v[c] = PW_OPEN_MAX;
            continue;
        }
        double x;
        if (e->kind != PW_NODE_SCALAR || !pw_config_parse_double(e->text, &x) || x < 0) {
            snprintf(msg, sizeof msg, "'%s.%s' must be a number >= 0%s, got %s%.60s%s", key, e->key,
                     cols[c].open ? " or null (open)" : "", e->kind == PW_NODE_SCALAR ? "'" : "",
                     e->kind == PW_NODE_SCALAR ? e->text : shape(e), e->kind == PW_NODE_SCALAR ? "'" : "");
            return fail_at(file, e->key_line, err, msg);
        }
        /* `rate` in a match schedule is the reference's percent spelling. */
        enum unit u = strcmp(e->key, "rate") == 0 ? U_PERCENT : cols[c].unit;
        if (u == U_PERCENT || (u == U_RATE_2 && x > 2) || (u == U_RATE_1 && x > 1)) x /= 100.0;
        v[c] = x;
    }
    for (int j = 0; j < ncols; j++) {
        if (given[j]) continue;
        if (cols[j].required) {
            snprintf(msg, sizeof msg, "'%s' needs '%s'", key, cols[j].names[0]);
            return fail_at(file, it->line, err, msg);
        }
        v[j] = cols[j].open ? PW_OPEN_MAX : 0;
    }
    return 0;
}

static const struct pw_node *child(const struct pw_node *it, const char *name)
{
    for (int i = 0; it->kind == PW_NODE_MAP && i < it->count; i++)
        if (strcmp(it->child[i].key, name) == 0) return &it->child[i];
    return NULL;
}

/* Columns of the match-mode lists: min, max, match_rate, max_deferral. */
static const struct col graded_cols[] = {{{"service_years_min", "min_years", NULL}, U_PLAIN, true, false},
                                         {{"service_years_max", "max_years", NULL}, U_PLAIN, false, true},
                                         {{"match_rate", "rate", NULL}, U_RATE_2, true, false},
                                         {{"max_deferral_pct", "max_deferral", NULL}, U_RATE_1, true, false}};
static const struct col tenure_cols[] = {{{"min_years", "service_years_min", NULL}, U_PLAIN, true, false},
                                         {{"max_years", "service_years_max", NULL}, U_PLAIN, false, true},
                                         {{"match_rate", "rate", NULL}, U_PERCENT, true, false},
                                         {{"max_deferral_pct", NULL, NULL}, U_PERCENT, true, false}};
static const struct col points_cols[] = {{{"min_points", NULL, NULL}, U_PLAIN, true, false},
                                         {{"max_points", NULL, NULL}, U_PLAIN, false, true},
                                         {{"match_rate", "rate", NULL}, U_PERCENT, true, false},
                                         {{"max_deferral_pct", NULL, NULL}, U_PERCENT, true, false}};
static const struct col band_cols[] = {{{"min_years", "service_years_min", NULL}, U_PLAIN, true, false},
                                       {{"max_years", "service_years_max", NULL}, U_PLAIN, false, true}};
static const struct col tier_cols[] = {{{"employee_min", NULL, NULL}, U_PLAIN, true, false},
                                       {{"employee_max", NULL, NULL}, U_PLAIN, true, false},
                                       {{"match_rate", NULL, NULL}, U_PLAIN, true, false}};
static const struct col age_cols[] = {{{"age", NULL, NULL}, U_PLAIN, true, false},
                                      {{"weight", NULL, NULL}, U_PLAIN, true, false}};
static const struct col comp_cols[] = {{{"level", "level_id", NULL}, U_PLAIN, true, false},
                                       {{"min_compensation", "min", NULL}, U_PLAIN, true, false},
                                       {{"max_compensation", "max", NULL}, U_PLAIN, true, false}};

static const char *const mode_names[PW_MATCH_MODES] = {"graded_by_service", "tenure_based", "tenure_graded",
                                                       "points_based"};

static int read_mode(const char *file, enum pw_list_id id, const struct pw_node *v, const char *key, bool studio,
                     struct pw_match_formula *f, struct pw_err *err)
{
    struct pw_match_formula tmp;
    memset(&tmp, 0, sizeof tmp);
    snprintf(tmp.name, sizeof tmp.name, "%s", mode_names[id]);
    tmp.type = id == PW_LIST_TENURE_BANDS  ? PW_FORMULA_TENURE_GRADED
               : id == PW_LIST_POINTS_TIERS ? PW_FORMULA_POINTS_BASED
                                            : PW_FORMULA_GRADED_BY_SERVICE;
    tmp.max_match_percentage = 1.0;
    const struct col *src = id == PW_LIST_MATCH_GRADED   ? graded_cols
                            : id == PW_LIST_TENURE_TIERS ? tenure_cols
                            : id == PW_LIST_POINTS_TIERS ? points_cols
                                                         : band_cols;
    const int ncols = id == PW_LIST_TENURE_BANDS ? 2 : 4;
    struct col cols[4];
    memcpy(cols, src, (size_t)ncols * sizeof *cols);
    /* Studio's export takes fractions or percents in every match list (dc_plan). */
    if (studio && ncols == 4) cols[2].unit = U_RATE_2, cols[3].unit = U_RATE_1;
    for (int i = 0; i < v->count; i++) {
        char item[KEY_LEN];
        double x[4];
        snprintf(item, sizeof item, "%s[%d]", key, i);
        if (read_item(file, &v->child[i], item, cols, ncols, x, err)) return PW_ECONFIG;
        struct pw_match_row *row = &tmp.rows[i];
        row->min = x[0], row->max = x[1];
        if (id != PW_LIST_TENURE_BANDS) {
            row->match_rate = x[2], row->max_deferral = x[3];
            continue;
        }
        const struct pw_node *t = child(&v->child[i], "tiers");
        char sub[KEY_LEN + 8], msg[PW_ERR_MSG_MAX];
        snprintf(sub, sizeof sub, "%s.tiers", item);
        if (!t || t->kind != PW_NODE_LIST || t->count < 1 || t->count > PW_MAX_TIERS) {
            snprintf(msg, sizeof msg, "'%s' must be a list of 1 to %d tiers", sub, PW_MAX_TIERS);
            return fail_at(file, t ? t->line : v->child[i].line, err, msg);
        }
        for (int j = 0; j < t->count; j++) {
            char ti[KEY_LEN + 24];
            double y[3];
            snprintf(ti, sizeof ti, "%s[%d]", sub, j);
            if (read_item(file, &t->child[j], ti, tier_cols, 3, y, err)) return PW_ECONFIG;
            row->tiers[j] = (struct pw_match_tier){y[0], y[1], y[2]};
        }
        row->tier_count = t->count;
    }
    tmp.row_count = v->count;
    *f = tmp;
    return 0;
}

static int read_list(struct pw_config *cfg, const struct pw_config_key *k, const struct pw_node *v, const char *file,
                     bool studio, struct pw_err *err)
{
    const enum pw_list_id id = (enum pw_list_id)(int)k->lo;
    char msg[PW_ERR_MSG_MAX];
    const int max = id == PW_LIST_NH_AGES ? PW_NH_AGE_POINTS : id == PW_LIST_NH_LEVEL_COMP ? PW_MAX_LEVELS
                                                                                          : PW_MAX_SCHEDULE_ROWS;
    if (v->kind != PW_NODE_NULL && v->kind != PW_NODE_LIST) {
        snprintf(msg, sizeof msg, "'%s' must be a list of rows, got %s", k->key, shape(v));
        return fail_at(file, v->key_line, err, msg);
    }
    const int n = v->kind == PW_NODE_LIST ? v->count : 0;
    if (n > max) {
        snprintf(msg, sizeof msg, "'%s' has %d rows; at most %d are allowed", k->key, n, max);
        return fail_at(file, v->key_line, err, msg);
    }
    if (id <= PW_LIST_POINTS_TIERS) {
        struct pw_match_formula *f = &cfg->plan.match_mode[id];
        if (n == 0) {
            memset(f, 0, sizeof *f);
            return 0;
        }
        return read_mode(file, id, v, k->key, studio, f, err);
    }
    if (id == PW_LIST_NH_AGES) {
        int ages[PW_NH_AGE_POINTS];
        double weights[PW_NH_AGE_POINTS];
        for (int i = 0; i < n; i++) {
            char item[KEY_LEN];
            double x[2];
            snprintf(item, sizeof item, "%s[%d]", k->key, i);
            if (read_item(file, &v->child[i], item, age_cols, 2, x, err)) return PW_ECONFIG;
            if (x[0] != floor(x[0]) || x[0] < 14 || x[0] > 100 || !(x[1] > 0)) {
                snprintf(msg, sizeof msg, "'%s' needs a whole age in [14, 100] and a weight > 0", item);
                return fail_at(file, v->child[i].line, err, msg);
            }
            if (i > 0 && x[0] <= ages[i - 1]) {
                snprintf(msg, sizeof msg, "'%s.age' (%g) must be above the age of the row before (%d)", item, x[0],
                         ages[i - 1]);
                return fail_at(file, v->child[i].line, err, msg);
            }
            ages[i] = (int)x[0], weights[i] = x[1];
        }
        memcpy(cfg->nh_age, ages, (size_t)n * sizeof *ages);
        memcpy(cfg->nh_age_weight, weights, (size_t)n * sizeof *weights);
        cfg->nh_age_count = n;
        return 0;
    }
    struct pw_level_range r;
    memset(&r, 0, sizeof r);
    for (int i = 0; i < n; i++) {
        char item[KEY_LEN];
        double x[3];
        snprintf(item, sizeof item, "%s[%d]", k->key, i);
        if (read_item(file, &v->child[i], item, comp_cols, 3, x, err)) return PW_ECONFIG;
        const int l = (int)x[0];
        if (x[0] != l || l < 1 || l > PW_MAX_LEVELS || r.set[l] || !(x[1] > 0) || !(x[2] >= x[1])) {
            snprintf(msg, sizeof msg, "'%s' needs a level 1 to %d given once and 0 < min_compensation <= "
                                      "max_compensation", item, PW_MAX_LEVELS);
            return fail_at(file, v->child[i].line, err, msg);
        }
        r.set[l] = true, r.min[l] = x[1], r.max[l] = x[2];
    }
    cfg->nh_level_comp = r;
    return 0;
}

int pw__lists_read(struct pw_config *cfg, const struct pw_config_key *k, const struct pw_node *v, const char *file,
                   struct pw_err *err)
{
    return read_list(cfg, k, v, file, false, err);
}

int pw__lists_read_studio(struct pw_config *cfg, const struct pw_config_key *k, const struct pw_node *v,
                          const char *file, struct pw_err *err)
{
    return read_list(cfg, k, v, file, true, err);
}

void pw__lists_default(struct pw_config *cfg, const struct pw_config_key *k)
{
    const enum pw_list_id id = (enum pw_list_id)(int)k->lo;
    if (id <= PW_LIST_POINTS_TIERS) memset(&cfg->plan.match_mode[id], 0, sizeof cfg->plan.match_mode[id]);
    else if (id == PW_LIST_NH_AGES) cfg->nh_age_count = 0;
    else memset(&cfg->nh_level_comp, 0, sizeof cfg->nh_level_comp);
}

void pw__lists_allowed(const struct pw_config_key *k, char *buf, size_t size)
{
    static const char *const text[PW_LIST_COUNT] = {
        "rows sorted by service_years_min; a row runs to the next row's min; match_rate <= 2 and "
        "max_deferral_pct <= 1 are fractions, larger values percents",
        "rows sorted by min_years; a row runs to the next row's min; percents",
        "bands sorted by min_years, each with tiers of fractions",
        "rows sorted by min_points; a row runs to the next row's min; percents",
        "ascending whole ages 14-100 with weights > 0",
        "one row per level; 0 < min_compensation <= max_compensation",
    };
    snprintf(buf, size, "%s", text[(int)k->lo]);
}

/* Bounds, ages and levels print without ".0" (3, 6, null), rates as doubles. */
static void put_num(FILE *out, int ind, bool item, const char *name, double v)
{
    char a[40];
    const bool whole = strstr(name, "min") || strstr(name, "max") || !strcmp(name, "age") || !strcmp(name, "level");
    if (v == PW_OPEN_MAX) snprintf(a, sizeof a, "null");
    else if (whole && strcmp(name, "max_deferral_pct") != 0) pw_config_format_bound(v, a, sizeof a);
    else pw_config_format_double(v, a, sizeof a);
    fprintf(out, "%*s%s%s: %s\n", ind, "", item ? "- " : "", name, a);
}

/* `config show`: the list in the reference's own keys and units, so the output reads back the same. */
void pw__lists_write(const struct pw_config *cfg, const struct pw_config_key *k, FILE *out, int ind)
{
    const enum pw_list_id id = (enum pw_list_id)(int)k->lo;
    const char *seg = strrchr(k->key, '.') + 1;
    if (id <= PW_LIST_POINTS_TIERS) {
        const struct pw_match_formula *f = &cfg->plan.match_mode[id];
        fprintf(out, "%*s%s:%s\n", ind, "", seg, f->row_count ? "" : " []");
        const bool pts = id == PW_LIST_POINTS_TIERS, pct = id != PW_LIST_MATCH_GRADED;
        for (int i = 0; i < f->row_count && i < PW_MAX_SCHEDULE_ROWS; i++) {
            const struct pw_match_row *r = &f->rows[i];
            put_num(out, ind + 2, true, pts ? "min_points" : id == PW_LIST_MATCH_GRADED ? "service_years_min" : "min_years",
                    r->min);
            put_num(out, ind + 4, false, pts ? "max_points" : id == PW_LIST_MATCH_GRADED ? "service_years_max" : "max_years",
                    r->max);
            if (id == PW_LIST_TENURE_BANDS) {
                fprintf(out, "%*stiers:\n", ind + 4, "");
                for (int j = 0; j < r->tier_count; j++) {
                    put_num(out, ind + 6, true, "employee_min", r->tiers[j].employee_min);
                    put_num(out, ind + 8, false, "employee_max", r->tiers[j].employee_max);
                    put_num(out, ind + 8, false, "match_rate", r->tiers[j].match_rate);
                }
                continue;
            }
            put_num(out, ind + 4, false, "match_rate", pct ? pw_round6(r->match_rate * 100) : r->match_rate);
            put_num(out, ind + 4, false, "max_deferral_pct", pct ? pw_round6(r->max_deferral * 100) : r->max_deferral);
        }
        return;
    }
    if (id == PW_LIST_NH_AGES) {
        fprintf(out, "%*s%s:%s\n", ind, "", seg, cfg->nh_age_count ? "" : " []");
        for (int i = 0; i < cfg->nh_age_count; i++) {
            put_num(out, ind + 2, true, "age", cfg->nh_age[i]);
            put_num(out, ind + 4, false, "weight", cfg->nh_age_weight[i]);
        }
        return;
    }
    bool any = false;
    for (int l = 1; l <= PW_MAX_LEVELS; l++) any |= cfg->nh_level_comp.set[l];
    fprintf(out, "%*s%s:%s\n", ind, "", seg, any ? "" : " []");
    for (int l = 1; l <= PW_MAX_LEVELS; l++) {
        if (!cfg->nh_level_comp.set[l]) continue;
        put_num(out, ind + 2, true, "level", l);
        put_num(out, ind + 4, false, "min_compensation", cfg->nh_level_comp.min[l]);
        put_num(out, ind + 4, false, "max_compensation", cfg->nh_level_comp.max[l]);
    }
}

/* Checks of the match-mode lists: ordered rows (a gap only warns where it is
 * ambiguous, pw__plan_check_rows), rates in range, and a schedule for the
 * selected mode. */
int pw__lists_finalize(struct pw_config *cfg, const struct pw_config_source *src, struct pw_err *err)
{
    struct pw_plan_config *p = &cfg->plan;
    static const char *const keys[PW_MATCH_MODES] = {
        "employer_match.employer_match_graded_schedule", "employer_match.tenure_match_tiers",
        "employer_match.tenure_graded_bands", "employer_match.points_match_tiers"};
    char where[PW_PATH_MAX + 32];
    for (int m = 0; m < PW_MATCH_MODES; m++) {
        const struct pw_match_formula *f = &p->match_mode[m];
        if (f->row_count < 0 || f->row_count > PW_MAX_SCHEDULE_ROWS)
            return pw__config_fail(src, keys[m], err, "'%s' must have at most %d rows", keys[m], PW_MAX_SCHEDULE_ROWS);
        if (f->row_count == 0) continue;
        const bool pts = m == 3;
        if (pw__plan_check_rows(src, keys[m], pts ? "min_points" : "min_years", pts ? "max_points" : "max_years", f->rows,
                                f->row_count, err))
            return PW_ECONFIG;
        pw__config_where(src, keys[m], where, sizeof where);
        for (int i = 0; i < f->row_count; i++) {
            const struct pw_match_row *r = &f->rows[i];
            if (m == 2) {
                for (int j = 0; j < r->tier_count; j++) {
                    const struct pw_match_tier *t = &r->tiers[j];
                    if (!(t->employee_min >= 0 && t->employee_max > t->employee_min && t->employee_max <= 1 &&
                          t->match_rate >= 0 && t->match_rate <= 2) ||
                        (j > 0 && fabs(t->employee_min - r->tiers[j - 1].employee_max) > 1e-9))
                        return pw_err_set(err, PW_ECONFIG,
                                          "%s'%s[%d].tiers[%d]' must continue the tier before, with 0 <= employee_min "
                                          "< employee_max <= 1 and match_rate in [0, 2]",
                                          where, keys[m], i, j);
                }
                continue;
            }
            if (!(r->match_rate >= 0 && r->match_rate <= 2 && r->max_deferral >= 0 && r->max_deferral <= 1))
                return pw_err_set(err, PW_ECONFIG,
                                  "%s'%s[%d]' needs match_rate in [0, 200]%% and max_deferral_pct in [0, 100]%%, got "
                                  "%g%% and %g%%", where, keys[m], i, r->match_rate * 100, r->max_deferral * 100);
        }
    }
    if (p->match_status > PW_MATCH_DEFERRAL_BASED && p->match_status <= PW_MATCH_MODES &&
        p->match_mode[p->match_status - 1].row_count == 0)
        return pw__config_fail(src, pw__config_given(src, keys[p->match_status - 1],
                                                     "employer_match.employer_match_status", NULL), err,
                               "'%s' must have rows when 'employer_match.employer_match_status' is '%s' (as the "
                               "reference requires at least one tier)",
                               keys[p->match_status - 1], mode_names[p->match_status - 1]);
    return 0;
}
