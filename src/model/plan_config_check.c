/* plan_config_check.c: the retirement-plan part of pw_config_finalize: rules
 * between plan keys (MODEL 2.2), the shape of match formulas and core
 * schedules (4.14, 4.15) and derived plan values.
 *
 * Lists must be sorted and contiguous: a gap in a tier list would silently
 * stop matching part of a deferral, and an overlap would pay twice, so both
 * are errors rather than something the engine guesses around. Messages name
 * the list item ("employer_match.formulas.x.tiers[1].employee_min") and the
 * line of that item. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/log.h"
#include "core/num.h"
#include "model/plan_config_lists.h"

#define KEY_LEN 400
#define EPS 1e-9 /* bounds written as the same decimal are equal; tolerate arithmetic from code */
#define AE "enrollment.auto_enrollment."
#define PE "enrollment.proactive_enrollment."
#define VE "enrollment.voluntary_enrollment."
#define YOY "enrollment.year_over_year_conversion."
#define MM "enrollment.match_magnet."
#define EC "employer_core_contribution."
#define CAP_KEY "deferral_rates.plan_deferral_cap"

struct ck {
    const struct pw_config_source *src;
    struct pw_err *err;
};

/* An error at a list item: "file:line: " when the line is known. */
__attribute__((format(printf, 3, 4))) static int at(const struct ck *c, int line, const char *fmt, ...)
{
    char msg[PW_ERR_MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    const char *file = c->src ? c->src->name : NULL;
    if (file && line > 0) return pw_err_set(c->err, PW_ECONFIG, "%s:%d: %s", file, line, msg);
    if (file) return pw_err_set(c->err, PW_ECONFIG, "%s: %s", file, msg);
    return pw_err_set(c->err, PW_ECONFIG, "%s", msg);
}

static const char *num(double v, char buf[static 40])
{
    pw_config_format_double(v, buf, 40);
    return buf;
}

static const char *bnd(double v, char buf[static 40])
{
    pw_config_format_bound(v, buf, 40);
    return buf;
}

static int check_rate(const struct ck *c, int line, const char *key, double v)
{
    char a[40];
    if (v >= 0 && v <= 1) return 0;
    return at(c, line, "'%s' must be in [0, 1], got %s", key, num(v, a));
}

/* [min, max) intervals of a list: tiers (fractions of pay, closed max) or
 * schedule rows (years, ages, points; the last max may be open). */
struct span {
    double min, max;
    int line;
};

/* A warning at a list item, in the form of at(). */
__attribute__((format(printf, 3, 4))) static void warn_at(const struct ck *c, int line, const char *fmt, ...)
{
    char msg[PW_ERR_MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    const char *file = c->src ? c->src->name : NULL;
    if (file && line > 0) pw_warn("%s:%d: %s", file, line, msg);
    else if (file) pw_warn("%s: %s", file, msg);
    else pw_warn("%s", msg);
}

/* Tiers of deferral (fractions of pay) must be contiguous: a gap would stop
 * matching part of a deferral, an overlap would pay twice. Schedule rows
 * (years, ages, points) follow the reference convention instead: a row runs
 * from its min to the next row's min and its max is informative, so rows must
 * be sorted and may not overlap, and a gap is harmless when it is the
 * whole-number kind (0-2, 3-5, 6+ for whole years: 2.5 years is in the first
 * row); any other gap is ambiguous and warns. */
static int check_spans(const struct ck *c, const char *key, const char *min_name, const char *max_name,
                       const struct span *s, int n, bool tiers)
{
    char a[40], b[40];
    for (int i = 0; i < n; i++) {
        const int line = s[i].line;
        if (!(s[i].min >= 0 && (!tiers || s[i].min <= 1)))
            return at(c, line, "'%s[%d].%s' must be %s, got %s", key, i, min_name, tiers ? "in [0, 1]" : ">= 0",
                      num(s[i].min, a));
        if (s[i].max == PW_OPEN_MAX && !tiers) {
            if (i < n - 1)
                return at(c, line, "'%s[%d].%s' is open (null) but more rows follow; only the last row may be open",
                          key, i, max_name);
        } else if (!(s[i].max > s[i].min)) {
            return at(c, line, "'%s[%d].%s' must be greater than %s (%s)%s, got %s", key, i, max_name, min_name,
                      num(s[i].min, a), tiers ? "" : " or null (open)", num(s[i].max, b));
        } else if (tiers && s[i].max > 1) {
            return at(c, line, "'%s[%d].%s' must be in (%s, 1], got %s", key, i, max_name, num(s[i].min, a),
                      num(s[i].max, b));
        }
        if (i == 0 || fabs(s[i].min - s[i - 1].max) <= EPS) continue;
        if (tiers) {
            if (s[i].min > s[i - 1].max)
                return at(c, line, "'%s[%d].%s' (%s) leaves a gap after '%s[%d].%s' (%s); tiers must be sorted and "
                                   "contiguous", key, i, min_name, num(s[i].min, a), key, i - 1, max_name,
                          num(s[i - 1].max, b));
            return at(c, line, "'%s[%d].%s' (%s) overlaps '%s[%d]', which ends at %s; tiers must be sorted and "
                               "contiguous", key, i, min_name, num(s[i].min, a), key, i - 1, num(s[i - 1].max, b));
        }
        if (!(s[i].min > s[i - 1].min))
            return at(c, line, "'%s[%d].%s' (%s) is not above '%s[%d].%s' (%s); rows must be sorted by %s", key, i,
                      min_name, num(s[i].min, a), key, i - 1, min_name, num(s[i - 1].min, b), min_name);
        if (s[i].min < s[i - 1].max)
            return at(c, line, "'%s[%d].%s' (%s) overlaps '%s[%d]', which ends at %s; rows must not overlap", key, i,
                      min_name, num(s[i].min, a), key, i - 1, num(s[i - 1].max, b));
        const double m = s[i - 1].max;
        if (m == floor(m) && s[i].min == floor(s[i].min) && fabs(s[i].min - (m + 1)) <= EPS) continue;
        warn_at(c, line, "'%s[%d].%s' (%s) leaves a gap after '%s[%d].%s' (%s); a row runs to the next row's %s, so "
                         "values in between take row %d", key, i, min_name, num(s[i].min, a), key, i - 1, max_name,
                num(s[i - 1].max, b), min_name, i - 1);
    }
    return 0;
}

int pw__plan_check_rows(const struct pw_config_source *src, const char *key, const char *min_name,
                        const char *max_name, const struct pw_match_row *rows, int n, struct pw_err *err)
{
    const struct ck c = {src, err};
    struct span s[PW_MAX_SCHEDULE_ROWS];
    int line = 0;
    int idx = src && src->lines ? pw_config_key_index(key) : -1;
    if (idx >= 0) line = src->lines[idx];
    for (int i = 0; i < n && i < PW_MAX_SCHEDULE_ROWS; i++) s[i] = (struct span){rows[i].min, rows[i].max, line};
    return check_spans(&c, key, min_name, max_name, s, n < PW_MAX_SCHEDULE_ROWS ? n : PW_MAX_SCHEDULE_ROWS, false);
}

static int check_tiers(const struct ck *c, const char *key, int line, const struct pw_match_tier *t, int n,
                       const int *lines)
{
    if (n < 1 || n > PW_MAX_TIERS) return at(c, line, "'%s' must have 1 to %d tiers, got %d", key, PW_MAX_TIERS, n);
    struct span s[PW_MAX_TIERS] = {{0, 0, 0}};
    for (int i = 0; i < n; i++) s[i] = (struct span){t[i].employee_min, t[i].employee_max, lines ? lines[i] : 0};
    if (check_spans(c, key, "employee_min", "employee_max", s, n, true)) return PW_ECONFIG;
    for (int i = 0; i < n; i++) {
        char item[KEY_LEN];
        pw__key_path(item, sizeof item, "%s[%d].match_rate", key, i);
        if (check_rate(c, s[i].line, item, t[i].match_rate)) return PW_ECONFIG;
    }
    return 0;
}

static int check_formula(const struct ck *c, const struct pw_plan_config *p, int fi)
{
    const struct pw_plan_lines *pl = c->src ? c->src->plan : NULL;
    const struct pw_match_formula *f = &p->formulas[fi];
    const int line = pl ? pl->formula[fi] : 0;
    char key[KEY_LEN], sub[KEY_LEN + 32];
    pw__key_path(key, sizeof key, "employer_match.formulas.%.*s", PW_NAME_MAX, f->name);
    if (!memchr(f->name, '\0', sizeof f->name) || !pw__plan_name_ok(f->name))
        return at(c, line, "'%s': formula names must be 1 to %d letters, digits, '_' or '-'", key, PW_NAME_MAX - 1);
    for (int j = 0; j < fi; j++)
        if (strcmp(p->formulas[j].name, f->name) == 0) return at(c, line, "'%s' is defined twice", key);
    switch (f->type) {
    case PW_FORMULA_SIMPLE:
        pw__key_path(sub, sizeof sub, "%s.match_rate", key);
        if (check_rate(c, line, sub, f->match_rate)) return PW_ECONFIG;
        pw__key_path(sub, sizeof sub, "%s.max_match_percentage", key);
        return check_rate(c, line, sub, f->max_match_percentage);
    case PW_FORMULA_TIERED:
        pw__key_path(sub, sizeof sub, "%s.tiers", key);
        if (check_tiers(c, sub, line, f->tiers, f->tier_count, pl ? pl->tier[fi] : NULL)) return PW_ECONFIG;
        pw__key_path(sub, sizeof sub, "%s.max_match_percentage", key);
        return f->has_cap ? check_rate(c, line, sub, f->max_match_percentage) : 0;
    case PW_FORMULA_GRADED_BY_SERVICE:
    case PW_FORMULA_POINTS_BASED:
    case PW_FORMULA_TENURE_GRADED: break;
    default:
        return at(c, line, "'%s.type' must be one of 'simple', 'tiered', 'graded_by_service', 'tenure_graded', "
                           "'points_based', got %d", key, f->type);
    }
    const bool bands = f->type == PW_FORMULA_TENURE_GRADED, pts = f->type == PW_FORMULA_POINTS_BASED;
    pw__key_path(sub, sizeof sub, "%s.%s", key, bands ? "bands" : "schedule");
    if (f->row_count < 1 || f->row_count > PW_MAX_SCHEDULE_ROWS)
        return at(c, line, "'%s' must have 1 to %d %s, got %d", sub, PW_MAX_SCHEDULE_ROWS, bands ? "bands" : "rows",
                  f->row_count);
    struct span s[PW_MAX_SCHEDULE_ROWS];
    for (int i = 0; i < f->row_count; i++)
        s[i] = (struct span){f->rows[i].min, f->rows[i].max, pl ? pl->row[fi][i] : 0};
    if (check_spans(c, sub, pts ? "min_points" : "min_years", pts ? "max_points" : "max_years", s, f->row_count,
                    false))
        return PW_ECONFIG;
    for (int i = 0; i < f->row_count; i++) {
        char item[KEY_LEN + 64];
        if (bands) {
            pw__key_path(item, sizeof item, "%s[%d].tiers", sub, i);
            if (check_tiers(c, item, s[i].line, f->rows[i].tiers, f->rows[i].tier_count,
                            pl ? pl->band_tier[fi][i] : NULL))
                return PW_ECONFIG;
            continue;
        }
        pw__key_path(item, sizeof item, "%s[%d].match_rate", sub, i);
        if (check_rate(c, s[i].line, item, f->rows[i].match_rate)) return PW_ECONFIG;
        pw__key_path(item, sizeof item, "%s[%d].max_deferral", sub, i);
        if (check_rate(c, s[i].line, item, f->rows[i].max_deferral)) return PW_ECONFIG;
    }
    return 0;
}

static int check_match(const struct ck *c, const struct pw_plan_config *p)
{
    if (p->formula_count < 0 || p->formula_count > PW_MAX_FORMULAS)
        return at(c, 0, "'employer_match.formulas' must have at most %d formulas, got %d", PW_MAX_FORMULAS,
                  p->formula_count);
    for (int i = 0; i < p->formula_count; i++)
        if (check_formula(c, p, i)) return PW_ECONFIG;
    /* Another match mode pays by its own schedule (checked in config_lists.c). */
    if (p->match_status != PW_MATCH_DEFERRAL_BASED || pw_plan_active_formula(p)) return 0;
    char names[PW_ERR_MSG_MAX / 2] = "";
    size_t n = 0;
    for (int i = 0; i < p->formula_count && n < sizeof names; i++)
        n += (size_t)snprintf(names + n, sizeof names - n, "%s'%s'", i ? ", " : "", p->formulas[i].name);
    return pw__config_fail(c->src, "employer_match.active_formula", c->err,
                           "'employer_match.active_formula' must name a formula of 'employer_match.formulas' "
                           "(one of %s), got '%.*s'", names, PW_NAME_MAX, p->active_formula);
}

static int check_core(const struct ck *c, struct pw_plan_config *p)
{
    const struct pw_plan_lines *pl = c->src ? c->src->plan : NULL;
    for (int id = 0; id < PW_CORE_SCHED_COUNT; id++) {
        const struct pw_core_schedule_info *info = &pw__core_schedules[id];
        int *count;
        const struct pw_core_row *rows = pw__plan_core_rows(p, (enum pw_core_schedule_id)id, &count);
        if (*count < 0 || *count > PW_MAX_SCHEDULE_ROWS)
            return at(c, 0, "'%s' must have at most %d rows, got %d", info->key, PW_MAX_SCHEDULE_ROWS, *count);
        struct span s[PW_MAX_SCHEDULE_ROWS];
        for (int i = 0; i < *count; i++) s[i] = (struct span){rows[i].min, rows[i].max, pl ? pl->core[id][i] : 0};
        if (check_spans(c, info->key, info->min_name, info->max_name, s, *count, false)) return PW_ECONFIG;
        for (int i = 0; i < *count; i++) {
            char item[KEY_LEN];
            pw__key_path(item, sizeof item, "%s[%d].rate", info->key, i);
            if (check_rate(c, s[i].line, item, rows[i].rate)) return PW_ECONFIG;
        }
    }
    /* The schedule the status names must exist; an age schedule must also run
     * to the open end, because "no matching row" there would quietly drop
     * every older employee to contribution_rate. Ages below the first row's
     * min_age do get contribution_rate (MODEL 4.15), so rows need not start at 0. */
    static const char *const sched_of_status[] = {NULL, NULL, EC "graded_schedule", EC "age_schedule",
                                                  EC "points_schedule"};
    static const int id_of_status[] = {0, 0, PW_CORE_SCHED_GRADED, PW_CORE_SCHED_AGE, PW_CORE_SCHED_POINTS};
    static const char *const status_names[] = {"none", "flat", "graded_by_service", "age_banded", "points_based"};
    if (p->core_status < PW_CORE_GRADED_BY_SERVICE || p->core_status > PW_CORE_POINTS_BASED) return 0;
    const char *skey = sched_of_status[p->core_status];
    int *count;
    const struct pw_core_row *rows = pw__plan_core_rows(p, (enum pw_core_schedule_id)id_of_status[p->core_status],
                                                        &count);
    /* The reference's own tests assert this fallback: an empty schedule pays the flat rate. */
    if (*count == 0) {
        char where[PW_PATH_MAX + 32], a[40];
        pw__config_where(c->src, pw__config_given(c->src, skey, EC "status", NULL), where, sizeof where);
        pw_warn("%s'%s' is empty while '" EC "status' is '%s'; everyone gets the flat '" EC
                "contribution_rate' (%s)", where, skey, status_names[p->core_status], num(p->core_rate, a));
        return 0;
    }
    if (p->core_status == PW_CORE_AGE_BANDED && rows[*count - 1].max != PW_OPEN_MAX) {
        char a[40];
        return at(c, pl ? pl->core[PW_CORE_SCHED_AGE][*count - 1] : 0,
                  "'%s[%d].max_age' must be null (open) when '" EC "status' is 'age_banded', so every age from %s "
                  "up has a rate", skey, *count - 1, bnd(rows[0].min, a));
    }
    return 0;
}

/* value <= plan_deferral_cap for a rate whose range MODEL ties to the cap. */
static int check_capped(const struct ck *c, const struct pw_config *cfg, const char *key, double v, bool open_lo)
{
    if (isnan(v) || v <= cfg->plan_deferral_cap) return 0;
    char a[40], b[40];
    return pw__config_fail(c->src, pw__config_given(c->src, key, CAP_KEY, NULL), c->err,
                           "'%s' must be in %c0, %s] (at most '" CAP_KEY "'), got %s", key, open_lo ? '(' : '[',
                           num(cfg->plan_deferral_cap, a), num(v, b));
}

static int check_scalars(const struct ck *c, const struct pw_config *cfg)
{
    static const char *const ages[] = {"young", "mid_career", "mature", "senior"};
    static const char *const incomes[] = {"low", "moderate", "high", "executive"};
    const struct pw_plan_config *p = &cfg->plan;
    char key[KEY_LEN], a[40], b[40];
    if (check_capped(c, cfg, AE "default_deferral_rate", p->ae_default_rate, true) ||
        check_capped(c, cfg, "deferral_auto_escalation.maximum_rate", p->esc_max_rate, true))
        return PW_ECONFIG;
    for (int g = 0; g < PW_AGE_GROUPS; g++) {
        for (int i = 0; i < PW_INCOME_GROUPS; i++) {
            pw__key_path(key, sizeof key, VE "deferral_rates.demographic_base_rates.%s_%s", ages[g], incomes[i]);
            if (check_capped(c, cfg, key, p->vol_deferral[g][i], false)) return PW_ECONFIG;
        }
        pw__key_path(key, sizeof key, YOY "deferral_rates.%s", ages[g]);
        if (check_capped(c, cfg, key, p->yoy_deferral_by_age[g], false)) return PW_ECONFIG;
    }

    /* The proactive window's ends must be ordered; it only matters when both
     * paths are on (MODEL 4.11 b). */
    if (p->ae_enabled && p->proactive_enabled) {
        if (p->proactive_min_days > p->proactive_max_days)
            return pw__config_fail(c->src, pw__config_given(c->src, PE "timing_window.min_days",
                                                            PE "timing_window.max_days", NULL), c->err,
                                   "'" PE "timing_window.min_days' (%d) must not exceed '" PE
                                   "timing_window.max_days' (%d)", p->proactive_min_days, p->proactive_max_days);
        /* A proactive window longer than the auto-enrollment window is
         * accepted, as the reference does: a proactive date drawn on or after
         * the auto-enrollment date is not reached, the employee is
         * auto-enrolled on that date instead (sim/enrollment.c). */
    }
    if (p->magnet_min_rate > p->magnet_max_rate)
        return pw__config_fail(c->src, pw__config_given(c->src, MM "min_deferral_rate", MM "max_deferral_rate", NULL),
                               c->err, "'" MM "min_deferral_rate' (%s) must not exceed '" MM "max_deferral_rate' (%s)",
                               num(p->magnet_min_rate, a), num(p->magnet_max_rate, b));
    /* A non-leap year: Feb 29 would skip three years of conversions out of four. */
    int last = p->yoy_month >= 1 && p->yoy_month <= 12 ? pw_days_in_month(2001, p->yoy_month) : 31;
    if (p->yoy_day > last)
        return pw__config_fail(c->src, pw__config_given(c->src, YOY "timing.enrollment_day",
                                                        YOY "timing.enrollment_month", NULL), c->err,
                               "'" YOY "timing.enrollment_day' must be in [1, %d] for month %d (02-29 is refused), "
                               "got %d", last, p->yoy_month, p->yoy_day);
    if (p->integration_enabled && p->integration_mode != PW_INTEGRATION_SS_WAGE_BASE &&
        isnan(p->integration_level_value))
        return pw__config_fail(c->src, pw__config_given(c->src, EC "integration.level_value",
                                                        EC "integration.level_mode", NULL), c->err,
                               "'" EC "integration.level_value' must be given when '" EC
                               "integration.level_mode' is '%s'",
                               p->integration_mode == PW_INTEGRATION_PERCENT ? "percent" : "fixed");
    return 0;
}

/* True when the YAML wrote key (or no source is known: values set by code count as given). */
static bool written(const struct pw_config_source *src, const char *key)
{
    int i = pw_config_key_index(key);
    return !src || !src->lines || (i >= 0 && src->lines[i] > 0);
}

/* The reference splits each direction of the match response into "to the
 * maximum" and "partial" shares that must add up to 1; planwise draws the
 * partial share as the remainder, so a partial rate given alone sets the other,
 * and two given must agree (as the reference validates). */
static int response_shares(const struct ck *c, double *to_max, double partial, const char *max_key,
                           const char *partial_key)
{
    char a[40], b[40];
    if (isnan(partial)) return 0;
    if (!written(c->src, max_key)) {
        *to_max = pw_round6(1.0 - partial);
        return 0;
    }
    if (fabs(*to_max + partial - 1.0) <= 0.001) return 0;
    return pw__config_fail(c->src, pw__config_given(c->src, partial_key, max_key, NULL), c->err,
                           "'%s' (%s) and '%s' (%s) must add up to 1", max_key, num(*to_max, a), partial_key,
                           num(partial, b));
}

int pw__plan_finalize(struct pw_config *cfg, const struct pw_config_source *src, struct pw_err *err)
{
    struct pw_plan_config *p = &cfg->plan;
    const struct ck c = {src, err};
    if (p->integration_mode == 3) p->integration_mode = PW_INTEGRATION_PERCENT; /* percent_of_ss_wage_base */
    if (p->integration_mode == 4) p->integration_mode = PW_INTEGRATION_FIXED;   /* fixed_dollar */
    if (response_shares(&c, &p->mr_up_maximize, p->mr_up_partial_rate, "deferral_match_response.upward_maximize_rate",
                        "deferral_match_response.upward_partial_increase_rate") ||
        response_shares(&c, &p->mr_down_to_max, p->mr_down_partial_rate,
                        "deferral_match_response.downward_reduce_to_max_rate",
                        "deferral_match_response.downward_partial_decrease_rate"))
        return PW_ECONFIG;
    /* MODEL 2.2: plan_eligibility.waiting_period_days falls back to the
     * workforce-level eligibility key, whose own default is 0. */
    if (!p->waiting_period_days_set) p->waiting_period_days = p->eligibility_waiting_period_days;
    if (check_scalars(&c, cfg) || check_match(&c, p) || check_core(&c, p) || pw__lists_finalize(cfg, src, err))
        return PW_ECONFIG;
    return 0;
}
