/* plan_money.c: the pure money rules of MODEL 4.13-4.18 (see plan_money.h).
 *
 * Amounts are carried unrounded inside a rule and rounded to cents once, at the
 * point MODEL names; sums of already-rounded amounts (415(c), balances,
 * forfeitures) are done in integer cents so that identities such as
 * vested + unvested = balance hold exactly, not to within a cent. */
#include "sim/plan_money.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "core/num.h"
#include "model/year.h"

static double from_cents(int64_t c) { return (double)c / 100.0; }

int pw_timeline_add(struct pw_timeline *p, pw_date date, double v)
{
    if (p->n >= PW_TIMELINE_MAX) return -1;
    /* Insert in date order, after changes of the same date (later entry wins). */
    int i = p->n;
    while (i > 0 && p->date[i - 1] > date) {
        p->date[i] = p->date[i - 1];
        p->v[i] = p->v[i - 1];
        i--;
    }
    p->date[i] = date;
    p->v[i] = v;
    p->n++;
    return 0;
}

/* Applies every change of p dated <= t from index *i on; returns the value in force. */
static double timeline_advance(const struct pw_timeline *p, int *i, pw_date t, double cur)
{
    while (*i < p->n && p->date[*i] <= t) cur = p->v[(*i)++];
    return cur;
}

/* First change date after the ones already applied, or PW_NO_DATE. */
static pw_date timeline_next(const struct pw_timeline *p, int i) { return i < p->n ? p->date[i] : PW_NO_DATE; }

/* ---- 4.13 ---- */

double pw_deferral_limit(const struct pw_irs_year *irs, int age, int *type)
{
    int t = PW_LIMIT_BASE;
    double limit = irs->deferral_limit;
    if (age >= irs->super_catch_up_min_age && age <= irs->super_catch_up_max_age) {
        t = PW_LIMIT_SUPER_CATCH_UP;
        limit = irs->super_catch_up_total_limit;
    } else if (age >= irs->catch_up_age) {
        t = PW_LIMIT_CATCH_UP;
        limit = irs->catch_up_total_limit;
    }
    if (type) *type = t;
    return limit;
}

void pw_contrib_set_deferrals(struct pw_contrib *c, double deferrals, double roth_share)
{
    c->deferrals = pw_round2(deferrals);
    c->roth = pw_round2(c->deferrals * roth_share);
    /* pre_tax takes the remainder so pre_tax + roth = D to the cent. */
    c->pre_tax = from_cents(pw_cents(c->deferrals) - pw_cents(c->roth));
    c->eff_rate = c->b_cap > 0 ? pw_round6(c->deferrals / c->b_cap) : 0.0;
}

void pw_contributions(const struct pw_contrib_in *in, struct pw_contrib *out)
{
    memset(out, 0, sizeof *out);
    out->limit = in->limit;
    out->limit_type = in->limit_type;
    double d_raw = 0;
    if (in->b >= in->a && in->days_in_year > 0) {
        const double D = (double)in->days_in_year;
        int is = 0, ir = 0;
        double salary = timeline_advance(&in->salary, &is, in->a, in->salary.v0);
        double rate = timeline_advance(&in->rate, &ir, in->a, in->rate.v0);
        double cum = 0;                   /* pay so far in date order (401(a)(17)) */
        pw_date seg = in->a;              /* first day of the open segment */
        for (;;) {
            /* Next day on which salary or rate may change, capped at b + 1. */
            pw_date next = in->b + 1, ns = timeline_next(&in->salary, is), nr = timeline_next(&in->rate, ir);
            if (ns != PW_NO_DATE && ns < next) next = ns;
            if (nr != PW_NO_DATE && nr < next) next = nr;
            if (next < seg) next = seg;   /* out-of-order input: never a negative day count */
            double s2 = salary, r2 = rate;
            if (next <= in->b) {
                s2 = timeline_advance(&in->salary, &is, next, salary);
                r2 = timeline_advance(&in->rate, &ir, next, rate);
                if (s2 == salary && r2 == rate) continue;   /* no change: the segment goes on */
            }
            /* Close the segment [seg, next - 1]. */
            double p = salary * (double)(next - seg) / D;
            double counted = pw_max(0.0, pw_min(p, in->comp_limit - cum));
            d_raw += counted * rate;
            cum += p;
            if (next > in->b) break;
            seg = next;
            salary = s2;
            rate = r2;
        }
    }
    out->d_raw = d_raw;
    out->limit_402g = d_raw > in->limit;
    out->limit_401a17 = in->prorated_comp > in->comp_limit;
    out->b_cap = pw_round2(pw_min(in->prorated_comp, in->comp_limit));
    pw_contrib_set_deferrals(out, pw_min(d_raw, in->limit), in->roth_share);
}

/* ---- 4.14 / 4.15 eligibility ---- */

int pw_employer_eligibility(const struct pw_employer_eligibility *e, bool apply, const struct pw_emp_facts *f)
{
    if (!apply) {
        if (f->term_kind != PW_TERM_NONE) return PW_ELIG_INACTIVE_EOY;
        if (f->hours < 1000) return PW_ELIG_INSUFFICIENT_HOURS;
        return PW_ELIG_ELIGIBLE;
    }
    bool status_ok = f->term_kind == PW_TERM_NONE || !e->require_active_at_year_end ||
                     (f->term_kind == PW_TERM_NEW_HIRE && e->allow_terminated_new_hires) ||
                     (f->term_kind == PW_TERM_EXPERIENCED && e->allow_experienced_terminations);
    if (!status_ok) return PW_ELIG_INACTIVE_EOY;
    if (f->hours < e->minimum_hours_annual) return PW_ELIG_INSUFFICIENT_HOURS;
    if (!(f->yos >= e->minimum_tenure_years || (e->allow_new_hires && f->hired_in_year)))
        return PW_ELIG_INSUFFICIENT_TENURE;
    return PW_ELIG_ELIGIBLE;
}

/* ---- 4.14 match ---- */

const struct pw_match_formula *pw_match_find_formula(const struct pw_plan_config *p, const char *name)
{
    for (int i = 0; i < p->formula_count && i < PW_MAX_FORMULAS; i++)
        if (strcmp(p->formulas[i].name, name) == 0) return &p->formulas[i];
    return NULL;
}

/* Row with the highest min <= x, or NULL: a row runs from its min to the next
 * row's min and its max is informative only (the reference convention, so
 * whole-number gaps such as 0-2, 3-5, 6+ lose nothing). Used for every
 * schedule of years, ages or points. */
static const struct pw_match_row *row_at_or_below(const struct pw_match_formula *f, double x)
{
    const struct pw_match_row *best = NULL;
    for (int i = 0; i < f->row_count && i < PW_MAX_SCHEDULE_ROWS; i++)
        if (f->rows[i].min <= x && (!best || f->rows[i].min > best->min)) best = &f->rows[i];
    return best;
}


static double tiers_share(const struct pw_match_tier *t, int n, double d)
{
    double s = 0;
    for (int i = 0; i < n && i < PW_MAX_TIERS; i++)
        s += t[i].match_rate * pw_max(0.0, pw_min(d, t[i].employee_max) - t[i].employee_min);
    return s;
}

/* Largest employee_max of a tier that pays (match_rate > 0): deferring more earns nothing. */
static double tiers_ceiling(const struct pw_match_tier *t, int n)
{
    double c = 0;
    for (int i = 0; i < n && i < PW_MAX_TIERS; i++)
        if (t[i].match_rate > 0 && t[i].employee_max > c) c = t[i].employee_max;
    return c;
}

double pw_match_ceiling_formula(const struct pw_match_formula *f, int yos, int age)
{
    const struct pw_match_row *row;
    switch (f->type) {
    case PW_FORMULA_SIMPLE: return f->max_match_percentage;
    case PW_FORMULA_TIERED: return tiers_ceiling(f->tiers, f->tier_count);
    case PW_FORMULA_GRADED_BY_SERVICE: row = row_at_or_below(f, yos); return row ? row->max_deferral : 0.0;
    case PW_FORMULA_TENURE_GRADED: row = row_at_or_below(f, yos); return row ? tiers_ceiling(row->tiers, row->tier_count) : 0.0;
    case PW_FORMULA_POINTS_BASED: row = row_at_or_below(f, age + yos); return row ? row->max_deferral : 0.0;
    default: return 0.0;
    }
}

double pw_match_ceiling(const struct pw_plan_config *p, int yos, int age)
{
    const struct pw_match_formula *f = pw_plan_active_formula(p);
    return f ? pw_match_ceiling_formula(f, yos, age) : 0.0;
}

double pw_match_formula_raw(const struct pw_match_formula *f, double d, double b_cap, int yos, int age,
                            double *uncapped)
{
    const struct pw_match_row *row;
    double m = 0, capped;
    switch (f->type) {
    case PW_FORMULA_SIMPLE: m = f->match_rate * pw_min(d, f->max_match_percentage) * b_cap; break;
    case PW_FORMULA_TIERED: m = tiers_share(f->tiers, f->tier_count, d) * b_cap; break;
    case PW_FORMULA_GRADED_BY_SERVICE:
        row = row_at_or_below(f, yos);
        if (row) m = row->match_rate * pw_min(d, row->max_deferral) * b_cap;
        break;
    case PW_FORMULA_TENURE_GRADED:
        row = row_at_or_below(f, yos);
        if (row) m = tiers_share(row->tiers, row->tier_count, d) * b_cap;
        break;
    case PW_FORMULA_POINTS_BASED:
        row = row_at_or_below(f, age + yos);
        if (row) m = row->match_rate * pw_min(d, row->max_deferral) * b_cap;
        break;
    default: break;
    }
    capped = m;
    if (f->type == PW_FORMULA_TIERED && f->has_cap) capped = pw_min(m, f->max_match_percentage * b_cap);
    if (uncapped) *uncapped = m;
    return capped;
}

double pw_match_max_share(const struct pw_match_formula *f)
{
    double best = 0, s;
    switch (f->type) {
    case PW_FORMULA_SIMPLE: return f->match_rate * f->max_match_percentage;
    case PW_FORMULA_TIERED:
        s = 0;
        for (int i = 0; i < f->tier_count && i < PW_MAX_TIERS; i++)
            s += f->tiers[i].match_rate * pw_max(0.0, f->tiers[i].employee_max - f->tiers[i].employee_min);
        return f->has_cap ? pw_min(s, f->max_match_percentage) : s;
    case PW_FORMULA_GRADED_BY_SERVICE:
    case PW_FORMULA_POINTS_BASED:
        for (int i = 0; i < f->row_count && i < PW_MAX_SCHEDULE_ROWS; i++)
            best = pw_max(best, f->rows[i].match_rate * f->rows[i].max_deferral);
        return best;
    case PW_FORMULA_TENURE_GRADED:
        for (int i = 0; i < f->row_count && i < PW_MAX_SCHEDULE_ROWS; i++) {
            const struct pw_match_row *r = &f->rows[i];
            s = 0;
            for (int k = 0; k < r->tier_count && k < PW_MAX_TIERS; k++)
                s += r->tiers[k].match_rate * pw_max(0.0, r->tiers[k].employee_max - r->tiers[k].employee_min);
            best = pw_max(best, s);
        }
        return best;
    default: return 0.0;
    }
}

void pw_match(const struct pw_plan_config *p, const struct pw_match_formula *f, const struct pw_emp_facts *facts,
              double deferrals, double eff_rate, double b_cap, struct pw_match_result *out)
{
    memset(out, 0, sizeof *out);
    out->reason = pw_employer_eligibility(&p->match_eligibility, p->match_eligibility.apply_eligibility, facts);
    out->eligible = out->reason == PW_ELIG_ELIGIBLE;
    if (!p->match_enabled || !f || !out->eligible || !(deferrals > 0)) return;
    double uncapped;
    double capped = pw_match_formula_raw(f, eff_rate, b_cap, facts->yos, facts->age, &uncapped);
    out->uncapped = pw_round2(uncapped);
    out->amount = pw_round2(capped);
    out->cap_applied = pw_cents(out->amount) < pw_cents(out->uncapped);
}

/* ---- 4.15 core ---- */

static const struct pw_core_row *core_row_at_or_below(const struct pw_core_row *rows, int n, double x)
{
    const struct pw_core_row *best = NULL;
    for (int i = 0; i < n && i < PW_MAX_SCHEDULE_ROWS; i++)
        if (rows[i].min <= x && (!best || rows[i].min > best->min)) best = &rows[i];
    return best;
}

double pw_core_rate(const struct pw_plan_config *p, int yos, int age)
{
    const struct pw_core_row *row = NULL;
    switch (p->core_status) {
    case PW_CORE_NONE: return 0.0;
    case PW_CORE_FLAT: return p->core_rate;
    case PW_CORE_GRADED_BY_SERVICE: row = core_row_at_or_below(p->graded, p->graded_count, yos); break;
    case PW_CORE_AGE_BANDED: row = core_row_at_or_below(p->age_rows, p->age_count, age); break;
    case PW_CORE_POINTS_BASED: row = core_row_at_or_below(p->points_rows, p->points_count, age + yos); break;
    default: break;
    }
    return row ? row->rate : p->core_rate;
}

double pw_core_max_rate(const struct pw_plan_config *p)
{
    const struct pw_core_row *rows = NULL;
    int n = 0;
    switch (p->core_status) {
    case PW_CORE_NONE: return 0.0;
    case PW_CORE_GRADED_BY_SERVICE: rows = p->graded, n = p->graded_count; break;
    case PW_CORE_AGE_BANDED: rows = p->age_rows, n = p->age_count; break;
    case PW_CORE_POINTS_BASED: rows = p->points_rows, n = p->points_count; break;
    default: break;
    }
    double best = p->core_rate;   /* flat, and the fallback when no row matches */
    for (int i = 0; i < n && i < PW_MAX_SCHEDULE_ROWS; i++) best = pw_max(best, rows[i].rate);
    return best;
}

double pw_integration_level(const struct pw_plan_config *p, const struct pw_irs_year *irs)
{
    double v = p->integration_level_value;
    switch (p->integration_mode) {
    case PW_INTEGRATION_PERCENT: return isnan(v) ? irs->ss_wage_base : pw_rha(irs->ss_wage_base * v / 100.0);
    case PW_INTEGRATION_FIXED: return isnan(v) ? irs->ss_wage_base : pw_rha(v);
    default: return irs->ss_wage_base;
    }
}

void pw_core(const struct pw_plan_config *p, const struct pw_emp_facts *facts, double b_cap,
             double integration_level, struct pw_core_result *out)
{
    memset(out, 0, sizeof *out);
    out->reason = pw_employer_eligibility(&p->core_eligibility, true, facts);
    out->eligible = out->reason == PW_ELIG_ELIGIBLE;
    if (!p->core_enabled || !out->eligible || !(b_cap > 0)) return;
    out->base = pw_round2(pw_core_rate(p, facts->yos, facts->age) * b_cap);
    if (p->integration_enabled)
        out->disparity = pw_round2(p->disparity_rate * pw_max(0.0, b_cap - integration_level));
    out->amount = from_cents(pw_cents(out->base) + pw_cents(out->disparity));
}

/* ---- 4.16 415(c) ---- */

void pw_apply_415c(double annual_additions_limit, double prorated_comp, double deferral_limit, double *deferrals,
                   double *match, double *core, struct pw_415c_result *out)
{
    memset(out, 0, sizeof *out);
    int64_t lim = pw_cents(pw_min(annual_additions_limit, prorated_comp));
    int64_t d = pw_cents(*deferrals), counted = pw_cents(pw_min(*deferrals, deferral_limit));
    int64_t m = pw_cents(*match), c = pw_cents(*core);
    int64_t excess = counted + m + c - lim;
    out->limit = from_cents(lim);
    out->additions = from_cents(counted + m + c);
    if (excess <= 0) return;
    out->applied = true;
    int64_t cut = m < excess ? m : excess;
    m -= cut, excess -= cut;
    out->match_cut = from_cents(cut);
    cut = c < excess ? c : excess;
    c -= cut, excess -= cut;
    out->core_cut = from_cents(cut);
    if (excess > 0) {
        int64_t nd = counted > excess ? counted - excess : 0;
        out->deferral_cut = from_cents(d - nd);
        d = nd;
    }
    out->reduction = from_cents(pw_cents(out->match_cut) + pw_cents(out->core_cut) + pw_cents(out->deferral_cut));
    *deferrals = from_cents(d);
    *match = from_cents(m);
    *core = from_cents(c);
}

/* ---- 4.17 vesting ---- */

int pw_vesting_years(const struct pw_plan_config *p, int reported_tenure, int hours)
{
    int y = reported_tenure;
    if (p->require_hours_credit && hours < p->hours_credit_threshold) y--;
    return y > 0 ? y : 0;
}

double pw_vested_share(const struct pw_vesting_schedule *s, int years)
{
    if (!s) return 1.0;
    if (years < 0) years = 0;
    if (years > s->years) years = s->years;
    if (years >= PW_MAX_SCHEDULE_YEARS) years = PW_MAX_SCHEDULE_YEARS - 1;
    return s->pct[years];
}

const struct pw_vesting_schedule *pw_match_schedule(const struct pw_plan_config *p, const struct pw_match_formula *f,
                                                    const struct pw_tables *t)
{
    if (!p->vesting_enabled) return NULL;
    const char *name = f && f->vesting_schedule[0] ? f->vesting_schedule : p->match_schedule;
    return pw_tables_schedule(t, name);
}

const struct pw_vesting_schedule *pw_core_schedule(const struct pw_plan_config *p, const struct pw_tables *t)
{
    return p->vesting_enabled ? pw_tables_schedule(t, p->core_schedule) : NULL;
}

void pw_vesting(double prev_match_balance, double prev_core_balance, double match, double core,
                double match_share, double core_share, bool leaver, struct pw_vesting_result *out)
{
    int64_t mb = pw_cents(prev_match_balance) + pw_cents(match);
    int64_t cb = pw_cents(prev_core_balance) + pw_cents(core);
    out->match_balance = from_cents(mb);
    out->core_balance = from_cents(cb);
    out->match_vested_pct = match_share;
    out->core_vested_pct = core_share;
    /* The unvested part is computed the way a leaver forfeits it (round2 of
     * balance x (1 - share)), for actives too; the vested part is the remainder,
     * so vested + unvested = balance to the cent for everyone. */
    int64_t um = pw_cents(pw_round2(out->match_balance * (1.0 - match_share)));
    int64_t uc = pw_cents(pw_round2(out->core_balance * (1.0 - core_share)));
    out->unvested_match = from_cents(um);
    out->unvested_core = from_cents(uc);
    out->vested_balance = from_cents(mb + cb - um - uc);
    out->forfeit_match = leaver ? from_cents(um) : 0.0;
    out->forfeit_core = leaver ? from_cents(uc) : 0.0;
    out->forfeit_total = leaver ? from_cents(um + uc) : 0.0;
}

static int unknown_schedule(struct pw_err *err, const char *key, const char *name)
{
    return pw_err_set(err, PW_ECONFIG, "%s: unknown vesting schedule '%s' (not in vesting_schedules)", key, name);
}

int pw_plan_money_check(const struct pw_plan_config *p, const struct pw_tables *t, struct pw_err *err)
{
    if (!p->vesting_enabled) return 0;
    if (!pw_tables_schedule(t, p->match_schedule)) return unknown_schedule(err, "vesting.match_schedule", p->match_schedule);
    if (!pw_tables_schedule(t, p->core_schedule)) return unknown_schedule(err, "vesting.core_schedule", p->core_schedule);
    for (int i = 0; i < p->formula_count && i < PW_MAX_FORMULAS; i++) {
        const struct pw_match_formula *f = &p->formulas[i];
        if (f->vesting_schedule[0] && !pw_tables_schedule(t, f->vesting_schedule)) {
            char key[PW_NAME_MAX + 48];
            snprintf(key, sizeof key, "employer_match.formulas.%s.vesting_schedule", f->name);
            return unknown_schedule(err, key, f->vesting_schedule);
        }
    }
    return 0;
}

/* ---- 4.18 HCE ---- */

bool pw_is_hce(double prior_comp, const struct pw_irs_year *irs_prev)
{
    return !isnan(prior_comp) && prior_comp > irs_prev->hce_threshold;
}
