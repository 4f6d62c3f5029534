/* compliance_cover.c: the 410(b) ratio percentage test of each plan component, the
 * 401(a)(4) general test of the core by rate groups, the 416 top-heavy test with
 * its minimum contribution, and the 402(g)/415(c) limit reports of a year. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "model/compliance.h"
#include "model/compliance_groups.h"
#include "model/compliance_year_int.h"

#define TOP_HEAVY_SHARE 0.60

/* Figures of a ratio test into a row; an infinite or undefined ratio is NULL. */
static void put_ratio(struct pw_cy_test *t, double hce_pct, double nhce_pct, double ratio)
{
    t->hce_pct = hce_pct;
    t->nhce_pct = nhce_pct;
    t->limit_pct = PW_COVERAGE_RATIO;
    if (isfinite(ratio)) {
        t->ratio_pct = ratio;
        t->margin_pct = ratio - PW_COVERAGE_RATIO;
    }
}

static const char abt_note[] =
    "average benefit percentage test: not computed (it needs the benefit percentages under every plan of the "
    "employer and the nondiscriminatory classification test)";

/* 401(a)(4) general test of the core allocation rates of the counted employees. */
static int general_test(const struct pw_cy_params *p, struct pw_cy_year *cur, const bool *hce, const bool *counted,
                        struct pw_cy_test *t)
{
    const struct pw_ct_design *d = p->design;
    if (!d->core_enabled) {
        pw__cy_test_init(t, "rate_groups", "not_applicable");
        pw__cy_note(t->note, sizeof t->note, "no core contribution");
        return 0;
    }
    double *rate = malloc((cur->n ? cur->n : 1) * sizeof *rate);
    struct pw_rate_group *g = malloc((cur->n ? cur->n : 1) * sizeof *g);
    if (!rate || !g) {
        free(rate), free(g);
        return PW_ENOMEM;
    }
    size_t hn = 0, nn = 0;
    double hs = 0, ns = 0;
    for (size_t i = 0; i < cur->n; i++) {
        rate[i] = cur->core_rate[i] = pw_a4_rate(cur->core[i], cur->test_comp[i]);
        if (!counted[i]) continue;
        if (hce[i]) hn++, hs += rate[i];
        else nn++, ns += rate[i];
    }
    bool uniform = d->core_uniform;
    pw__cy_test_init(t, uniform ? (d->core_disparity ? "uniform_permitted_disparity" : "uniform_allocation") : "rate_groups",
                     uniform ? "exempt" : "pass");
    t->hce_pct = hn ? hs / (double)hn : NAN;
    t->nhce_pct = nn ? ns / (double)nn : NAN;
    t->hce_count = (int64_t)hn;
    t->nhce_count = (int64_t)nn;
    t->limit_pct = PW_COVERAGE_RATIO;
    if (uniform) {
        pw__cy_note(t->note, sizeof t->note, "design-based safe harbor: %s",
                    d->core_disparity ? "one rate of pay with permitted disparity within 401(l)" : "one rate of pay for all");
    } else {
        size_t ng = pw_a4_rate_groups(rate, hce, counted, cur->n, g, cur->rate_group_ratio);
        size_t failing = 0;
        double lowest = INFINITY;
        for (size_t j = 0; j < ng; j++) {
            if (isfinite(g[j].ratio) && g[j].ratio < lowest) lowest = g[j].ratio;
            failing += !g[j].pass;
        }
        if (isfinite(lowest)) {
            t->ratio_pct = lowest;
            t->margin_pct = lowest - PW_COVERAGE_RATIO;
        }
        snprintf(t->result, sizeof t->result, "%s", failing ? "fail" : "pass");
        pw__cy_note(t->note, sizeof t->note, "%zu rate group%s, %zu failing", ng, ng == 1 ? "" : "s", failing);
        size_t listed = 0;
        for (size_t j = 0; j < ng && listed < 8; j++)
            if (!g[j].pass) {
                pw__cy_note(t->note, sizeof t->note, "rate %.2f%%: %zu HCEs and %zu NHCEs, ratio %.2f%%", 100 * g[j].rate,
                            g[j].hce_in, g[j].nhce_in, 100 * g[j].ratio);
                listed++;
            }
        if (failing) pw__cy_note(t->note, sizeof t->note, "%s", abt_note);
    }
    free(rate), free(g);
    return 0;
}

int pw__cy_coverage_tests(const struct pw_cy_params *p, struct pw_cy_year *cur, struct pw_cy_test tests[PW_CY_TESTS])
{
    const struct pw_ct_design *d = p->design;
    const bool statutory = p->cfg->exclude_statutory;
    size_t n = cur->n ? cur->n : 1;
    bool *b = malloc(3 * n * sizeof *b);
    uint8_t *base = malloc(n);
    if (!b || !base) {
        free(b), free(base);
        return PW_ENOMEM;
    }
    bool *hce = b, *benefit = b + n, *counted = b + 2 * n;
    for (size_t i = 0; i < cur->n; i++) {
        hce[i] = cur->hce[i];
        bool plan = cur->plan_status[i] == PW_CY_ELIGIBLE;
        cur->benefits[i] = (uint8_t)((plan ? PW_CY_BEN_401K : 0u) |
                                     (d->match_enabled && plan && cur->match_eligible[i] ? PW_CY_BEN_401M : 0u) |
                                     (cur->core[i] > 0 ? PW_CY_BEN_NE : 0u));
        base[i] = cur->coverage_excluded[i] = !statutory ? PW_CY_COUNTED
                                              : cur->age[i] < 21 ? PW_CY_UNDER_21
                                              : cur->tenure[i] < 1 ? PW_CY_UNDER_1_YEAR : PW_CY_COUNTED;
    }
    static const struct {
        int id;
        unsigned bit;
        const char *none;
    } comp[] = {{PW_CY_COV_401K, PW_CY_BEN_401K, NULL}, {PW_CY_COV_401M, PW_CY_BEN_401M, "no match"},
                {PW_CY_COV_NONELECTIVE, PW_CY_BEN_NE, "no core contribution"}};
    for (size_t c = 0; c < sizeof comp / sizeof *comp; c++) {
        struct pw_cy_test *t = &tests[comp[c].id];
        bool applicable = comp[c].bit == PW_CY_BEN_401K || (comp[c].bit == PW_CY_BEN_401M ? d->match_enabled : d->core_enabled);
        size_t why[4] = {0};
        for (size_t i = 0; i < cur->n; i++) {
            benefit[i] = (cur->benefits[i] & comp[c].bit) != 0;
            /* 1.410(b)-6(f): a leaver with 500 hours or fewer is excludable if not benefiting. */
            bool short_leaver = statutory && cur->terminated[i] && cur->hours[i] <= 500 && !benefit[i];
            int reason = base[i] != PW_CY_COUNTED ? base[i] : short_leaver ? PW_CY_SHORT_LEAVER : PW_CY_COUNTED;
            /* the detail row names a short leaver left out of any component's test */
            if (applicable && reason == PW_CY_SHORT_LEAVER) cur->coverage_excluded[i] = PW_CY_SHORT_LEAVER;
            counted[i] = reason == PW_CY_COUNTED;
            why[reason]++;
        }
        if (!applicable) {
            pw__cy_test_init(t, "ratio_percentage", "not_applicable");
            pw__cy_note(t->note, sizeof t->note, "%s", comp[c].none);
            continue;
        }
        struct pw_cov_result r;
        pw_cov_ratio_test(hce, benefit, counted, cur->n, &r);
        pw__cy_test_init(t, "ratio_percentage", r.pass ? "pass" : "fail");
        put_ratio(t, r.hce_pct, r.nhce_pct, r.ratio);
        t->hce_count = (int64_t)r.hce_total;
        t->nhce_count = (int64_t)r.nhce_total;
        t->excluded_count = (int64_t)(why[1] + why[2] + why[3]);
        pw__cy_reason(t->excluded_reasons, sizeof t->excluded_reasons, "under 21", why[PW_CY_UNDER_21]);
        pw__cy_reason(t->excluded_reasons, sizeof t->excluded_reasons, "under 1 year of service", why[PW_CY_UNDER_1_YEAR]);
        pw__cy_reason(t->excluded_reasons, sizeof t->excluded_reasons, "leavers with 500 hours or fewer",
                      why[PW_CY_SHORT_LEAVER]);
        pw__cy_note(t->note, sizeof t->note, "%zu of %zu HCEs and %zu of %zu NHCEs benefit", r.hce_benefiting, r.hce_total,
                    r.nhce_benefiting, r.nhce_total);
        if (r.hce_total == 0) pw__cy_note(t->note, sizeof t->note, "no HCE: passes");
        else if (r.nhce_total == 0) pw__cy_note(t->note, sizeof t->note, "no NHCE: passes");
        else if (r.hce_benefiting == 0) pw__cy_note(t->note, sizeof t->note, "no HCE benefits: passes");
        if (!r.pass) pw__cy_note(t->note, sizeof t->note, "%s", abt_note);
        if (comp[c].bit == PW_CY_BEN_NE) {
            int err = general_test(p, cur, hce, counted, &tests[PW_CY_GENERAL]);
            if (err) {
                free(b), free(base);
                return err;
            }
        }
    }
    if (!d->core_enabled) general_test(p, cur, hce, counted, &tests[PW_CY_GENERAL]);
    free(b), free(base);
    return 0;
}

int pw__cy_top_heavy(const struct pw_cy_params *p, struct pw_cy_year *cur, const struct pw_cy_year *prev,
                     struct pw_cy_test *t)
{
    const struct pw_ct_design *d = p->design;
    size_t keys = 0;
    for (size_t i = 0; i < cur->n; i++) keys += cur->key_basis[i] != 0;
    pw__cy_test_init(t, "key_employee_share", "not_computed");
    t->hce_count = (int64_t)keys;
    t->nhce_count = (int64_t)(cur->n - keys);
    t->limit_pct = TOP_HEAVY_SHARE;
    if (!prev) {
        pw__cy_note(t->note, sizeof t->note,
                    "no balances on the determination date Dec 31 %d: the scenario's first simulated year (census "
                    "balances are not read)", cur->year - 1);
        return 0;
    }
    double share = prev->total_balance > 0 ? prev->key_balance / prev->total_balance : 0;
    bool top_heavy = share > TOP_HEAVY_SHARE + 1e-12;
    t->ratio_pct = share;
    t->margin_pct = TOP_HEAVY_SHARE - share;
    char d1[32], d2[32];
    pw__cy_note(t->note, sizeof t->note, "Dec 31 %d: key employees hold %s of %s", prev->year,
                pw__cy_dollars(prev->key_balance, d1, sizeof d1), pw__cy_dollars(prev->total_balance, d2, sizeof d2));
    pw__cy_note(t->note, sizeof t->note, "officer pay amount of %d %s%s", cur->year,
                pw__cy_dollars(p->officer_pay, d1, sizeof d1), p->officer_pay_estimated ? " (estimated)" : "");
    if (d->top_heavy_exempt) {
        snprintf(t->result, sizeof t->result, "exempt");
        pw__cy_note(t->note, sizeof t->note, "%s", d->top_heavy_note);
        return 0;
    }
    snprintf(t->result, sizeof t->result, "%s", top_heavy ? "top_heavy" : "not_top_heavy");
    if (!top_heavy) return 0;
    size_t n = cur->n ? cur->n : 1;
    bool *b = malloc(2 * n * sizeof *b);
    double *m = malloc(2 * n * sizeof *m);
    if (!b || !m) {
        free(b), free(m);
        return PW_ENOMEM;
    }
    bool *key = b, *benefit = b + n;
    double *employer = m, *key_amount = m + n;
    for (size_t i = 0; i < cur->n; i++) {
        key[i] = cur->key_basis[i] != 0;
        /* 416(c)(2): non-key participants employed on the last day get the minimum,
         * whatever their hours or deferrals; QNECs of the year count towards it. */
        benefit[i] = cur->active[i] && cur->plan_status[i] == PW_CY_ELIGIBLE;
        employer[i] = cur->match[i] + cur->core[i] + cur->adp_qnec[i] + cur->acp_qnec[i];
        key_amount[i] = cur->deferrals[i] - cur->catch_up[i] + cur->match[i] + cur->core[i];
    }
    struct pw_th_result r = {0};
    pw_th_minimum(key, employer, key_amount, cur->test_comp, benefit, cur->n, &r, cur->th_minimum);
    pw__cy_note(t->note, sizeof t->note, "minimum %.2f%% of pay (3%%, or the highest key-employee rate if lower)",
                100 * r.min_rate);
    if (p->cfg->top_heavy_correction == PW_TH_MINIMUM) {
        snprintf(t->correction, sizeof t->correction, "top_heavy_minimum");
        t->correction_amount = t->correction_cost = r.cost;
        t->correction_count = (int64_t)r.topped_up;
        snprintf(t->corrected_result, sizeof t->corrected_result, "pass");
    } else {
        snprintf(t->correction, sizeof t->correction, "none");
        char d3[32];
        pw__cy_note(t->note, sizeof t->note, "%s owed to %zu non-key employees, not modelled",
                    pw__cy_dollars(r.cost, d3, sizeof d3), r.topped_up);
        memset(cur->th_minimum, 0, cur->n * sizeof *cur->th_minimum);
    }
    free(b), free(m);
    return 0;
}

void pw__cy_limit_reports(const struct pw_cy_year *cur, struct pw_cy_test tests[PW_CY_TESTS])
{
    struct pw_cy_test *g = &tests[PW_CY_LIMIT_402G], *c = &tests[PW_CY_LIMIT_415C];
    pw__cy_test_init(g, "limit_report", "report");
    pw__cy_test_init(c, "limit_report", "report");
    int64_t gh = 0, gn = 0, ch = 0, cn = 0;
    double gd = 0, cm = 0;
    for (size_t i = 0; i < cur->n; i++) {
        if (cur->limited_402g[i]) {
            if (cur->hce[i]) gh++;
            else gn++;
            gd += cur->deferrals[i];
        }
        if (cur->limited_415c[i]) {
            if (cur->hce[i]) ch++;
            else cn++;
            cm += cur->match_415c_cut[i];
        }
    }
    g->hce_count = gh, g->nhce_count = gn, g->affected_count = gh + gn;
    g->affected_amount = round(gd * 100) / 100;
    pw__cy_note(g->note, sizeof g->note,
                "affected_amount: the deferrals of the employees held at their 402(g) limit; what they elected above "
                "it is not in the output tables");
    c->hce_count = ch, c->nhce_count = cn, c->affected_count = ch + cn;
    c->affected_amount = round(cm * 100) / 100;
    pw__cy_note(c->note, sizeof c->note,
                "affected_amount: match removed by 415(c) (fct_employer_match_events.irs_415c_reduction); the core and "
                "deferral parts of a cut are not in the output tables");
}
