/* compliance_design.c: safe-harbor, uniform-core and top-heavy exemption facts of
 * a plan design (compliance_design.h). The checks are strict on purpose: a design
 * that would lose its safe harbor in a real plan (an allocation condition, a
 * vesting schedule, a match below the minimum) is tested, and the note says why. */
#include "model/compliance_design.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define EPS 1e-9

double pw_ct_match_at(const struct pw_match_formula *f, double d)
{
    double m = 0;
    if (f->type == PW_FORMULA_SIMPLE) return f->match_rate * fmin(d, f->max_match_percentage);
    if (f->type != PW_FORMULA_TIERED) return NAN;
    for (int i = 0; i < f->tier_count && i < PW_MAX_TIERS; i++)
        m += f->tiers[i].match_rate * fmax(0.0, fmin(d, f->tiers[i].employee_max) - f->tiers[i].employee_min);
    return f->has_cap ? fmin(m, f->max_match_percentage) : m;
}

/* Minimum safe-harbor match at deferral d: basic 100% of 3% + 50% of the next 2%
 * (401(k)(12)(B)); QACA 100% of 1% + 50% of the next 5% (401(k)(13)(D)). */
static double minimum_match(int kind, double d)
{
    if (kind == PW_SH_QACA) return fmin(d, 0.01) + 0.5 * fmax(0.0, fmin(d, 0.06) - 0.01);
    return fmin(d, 0.03) + 0.5 * fmax(0.0, fmin(d, 0.05) - 0.03);
}

/* Safe-harbor kind of the active formula: its YAML type, or the built-in formula of
 * that name (config/simulation_config.yaml restates the built-ins as `tiered`). */
static int formula_kind(const struct pw_match_formula *f)
{
    if (f->safe_harbor != PW_SH_NONE) return f->safe_harbor;
    if (strcmp(f->name, "safe_harbor_basic") == 0) return PW_SH_BASIC;
    if (strcmp(f->name, "qaca") == 0) return PW_SH_QACA;
    return PW_SH_NONE;
}

/* The allocation conditions a safe-harbor contribution may not have, or NULL. */
static const char *allocation_condition(const struct pw_employer_eligibility *e, bool apply)
{
    if (!apply) return "employment on Dec 31 and 1,000 hours (apply_eligibility false)";
    if (e->require_active_at_year_end && !(e->allow_terminated_new_hires && e->allow_experienced_terminations))
        return "employment on Dec 31";
    if (e->minimum_hours_annual > 0) return "a minimum of hours";
    if (e->minimum_tenure_years > 0) return "years of service";
    return NULL;
}

/* True when the formula matches no deferral above 6% of pay and its rate never rises
 * with the deferral (401(m)(11)(B)). */
static bool acp_limits_ok(const struct pw_match_formula *f)
{
    double last = INFINITY;
    for (double d = 0.0005; d <= 0.25 + EPS; d += 0.0005) {
        double step = (pw_ct_match_at(f, d) - pw_ct_match_at(f, d - 0.0005)) / 0.0005;
        if (d > 0.06 + EPS && step > EPS) return false;
        if (step > last + EPS) return false;
        last = step;
    }
    return true;
}

static bool schedule_is(const char *name, const char *a, const char *b)
{
    return strcmp(name, a) == 0 || (b && strcmp(name, b) == 0);
}

/* ADP safe harbor through the match; sets the note either way. */
static int match_safe_harbor(const struct pw_plan_config *p, const struct pw_match_formula *f, struct pw_ct_design *d)
{
    int kind = formula_kind(f);
    if (kind == PW_SH_NONE) {
        snprintf(d->adp_note, sizeof d->adp_note, "match formula '%s' is not a safe-harbor type", f->name);
        return PW_DSH_NONE;
    }
    if (f->type != PW_FORMULA_SIMPLE && f->type != PW_FORMULA_TIERED) {
        snprintf(d->adp_note, sizeof d->adp_note, "tested: safe-harbor formula '%s' is not a tiered formula", f->name);
        return PW_DSH_NONE;
    }
    for (double x = 0.0005; x <= 0.10 + EPS; x += 0.0005)
        if (pw_ct_match_at(f, x) < minimum_match(kind, x) - EPS) {
            snprintf(d->adp_note, sizeof d->adp_note,
                     "tested: formula '%s' matches %.2f%% of pay at a %.2f%% deferral, below the %s minimum %.2f%%",
                     f->name, 100 * pw_ct_match_at(f, x), 100 * x, kind == PW_SH_QACA ? "QACA" : "safe-harbor",
                     100 * minimum_match(kind, x));
            return PW_DSH_NONE;
        }
    const char *cond = allocation_condition(&p->match_eligibility, p->match_eligibility.apply_eligibility);
    if (cond) {
        snprintf(d->adp_note, sizeof d->adp_note, "tested: the safe-harbor match of '%s' requires %s", f->name, cond);
        return PW_DSH_NONE;
    }
    const char *sched = f->vesting_schedule[0] ? f->vesting_schedule : p->match_schedule;
    if (p->vesting_enabled && !schedule_is(sched, "immediate", kind == PW_SH_QACA ? "cliff_2" : NULL)) {
        snprintf(d->adp_note, sizeof d->adp_note, "tested: the safe-harbor match of '%s' vests on '%s' (%s)", f->name,
                 sched, kind == PW_SH_QACA ? "a QACA allows at most a 2-year cliff" : "it must vest at once");
        return PW_DSH_NONE;
    }
    snprintf(d->adp_note, sizeof d->adp_note, "%s match '%s'", kind == PW_SH_QACA ? "QACA safe-harbor" : "safe-harbor",
             f->name);
    return kind == PW_SH_QACA ? PW_DSH_QACA_MATCH : PW_DSH_MATCH;
}

/* ADP safe harbor through a non-elective core of at least 3% to everyone. */
static bool nonelective_safe_harbor(const struct pw_plan_config *p, char *why, size_t size)
{
    if (!p->core_enabled || p->core_status != PW_CORE_FLAT || p->core_rate < 0.03 - EPS) {
        snprintf(why, size, "no flat core of 3%% or more");
        return false;
    }
    const char *cond = allocation_condition(&p->core_eligibility, true);
    if (cond) {
        snprintf(why, size, "the %.2f%% core requires %s", 100 * p->core_rate, cond);
        return false;
    }
    if (p->vesting_enabled && !schedule_is(p->core_schedule, "immediate", NULL)) {
        snprintf(why, size, "the %.2f%% core vests on '%s'", 100 * p->core_rate, p->core_schedule);
        return false;
    }
    snprintf(why, size, "%.2f%% non-elective core", 100 * p->core_rate);
    return true;
}

void pw_ct_design_from_plan(const struct pw_plan_config *p, struct pw_ct_design *d)
{
    memset(d, 0, sizeof *d);
    const struct pw_match_formula *f = p->match_enabled ? pw_plan_active_formula(p) : NULL;
    d->match_enabled = f != NULL;
    d->core_enabled = p->core_enabled && (p->core_status != PW_CORE_NONE || p->integration_enabled);

    char ne_why[160];
    bool ne = nonelective_safe_harbor(p, ne_why, sizeof ne_why);
    if (f) d->adp_safe_harbor = match_safe_harbor(p, f, d);
    else snprintf(d->adp_note, sizeof d->adp_note, "no match");
    if (d->adp_safe_harbor == PW_DSH_NONE && ne) {
        d->adp_safe_harbor = PW_DSH_NONELECTIVE;
        snprintf(d->adp_note, sizeof d->adp_note, "%s", ne_why);
    } else if (d->adp_safe_harbor == PW_DSH_NONE) {
        size_t len = strlen(d->adp_note);
        snprintf(d->adp_note + len, sizeof d->adp_note - len, "; %s", ne_why);
    }

    if (!f) {
        snprintf(d->acp_note, sizeof d->acp_note, "no match");
    } else if (d->adp_safe_harbor == PW_DSH_NONE) {
        snprintf(d->acp_note, sizeof d->acp_note, "not an ADP safe harbor");
    } else if (!acp_limits_ok(f)) {
        snprintf(d->acp_note, sizeof d->acp_note,
                 "tested: formula '%s' matches deferrals above 6%% of pay or at a rising rate (401(m)(11))", f->name);
    } else {
        d->acp_safe_harbor = true;
        snprintf(d->acp_note, sizeof d->acp_note, "match '%s' within the ACP safe-harbor limits", f->name);
    }

    /* 1.401(a)(4)-2(b)(2), (b)(3): one rate of pay for all, or with a 401(l) spread no
     * larger than the base rate or 5.7% above the Social Security wage base. */
    if (d->core_enabled && p->core_status == PW_CORE_FLAT && !p->integration_enabled) d->core_uniform = true;
    if (d->core_enabled && p->core_status == PW_CORE_FLAT && p->integration_enabled &&
        p->integration_mode == PW_INTEGRATION_SS_WAGE_BASE && p->disparity_rate <= fmin(0.057, p->core_rate) + EPS)
        d->core_uniform = d->core_disparity = true;

    /* 416(g)(4)(H): a plan of deferrals and safe-harbor money only is not top-heavy. */
    bool only_sh = d->adp_safe_harbor != PW_DSH_NONE && (!f || d->acp_safe_harbor) &&
                   (!d->core_enabled || ne);
    d->top_heavy_exempt = only_sh;
    if (only_sh)
        snprintf(d->top_heavy_note, sizeof d->top_heavy_note, "only deferrals and safe-harbor contributions (416(g)(4)(H))");
    else if (d->adp_safe_harbor != PW_DSH_NONE)
        snprintf(d->top_heavy_note, sizeof d->top_heavy_note,
                 "safe harbor with other employer money: the top-heavy rules apply");
}
